# Shared by bench/report-memory.sh and bench/report-shapes.sh: source it
# from the repository root. crafted_files DIR makes the crafted shapes'
# files in DIR with tests/tools/mkcrafted, keeping those already there
# (a rerun with the same DIR measures the same input):
#   maps-desc, maps-random   100,000 mmaps in descending or shuffled order
#   threads                  200,000 threads, a COMM and a sample each
#   build-ids                200,000 BUILD_ID entries (cpumode user, as
#                            perf record writes them), 20,000 mmaps
#   dsos                     20,000 mmaps of distinct files, a sample each
#   rounds, stream           1M samples, one row each (with and without
#                            FINISHED_ROUND)

# make_file FILE CMD...: CMD makes FILE, unless FILE is there from an earlier run.
make_file() {
	local f=$1; shift
	[ -s "$f" ] || "$@"
}

crafted_files() {
	local d=$1 mk=build/tools/mkcrafted
	make_file "$d/maps-desc.data" $mk maps-desc "$d/maps-desc.data" 100000
	make_file "$d/maps-random.data" $mk maps-random "$d/maps-random.data" 100000
	make_file "$d/threads.data" $mk threads "$d/threads.data" 200000
	make_file "$d/build-ids.data" $mk build-ids "$d/build-ids.data" 200000 20000
	make_file "$d/dsos.data" $mk build-ids "$d/dsos.data" 1 20000
	make_file "$d/rounds.data" $mk rounds "$d/rounds.data" 1000000
	make_file "$d/stream.data" $mk stream "$d/stream.data" 1000000 1000
}
