#!/bin/bash
# pmukvm report against perf report on the crafted shapes of
# bench/report-memory.sh, in one run: the best wall time and the least CPU
# time (user + system) of each tool on each file, and perf's over
# pmukvm's. The shapes (tests/tools/mkcrafted):
#   maps-desc, maps-random   one process, 100,000 mmaps in descending or
#                            shuffled address order, a sample after each,
#                            then 100,000 samples across them
#   threads                  200,000 threads, a COMM and a sample each
#   build-ids                200,000 BUILD_ID entries (cpumode user, as
#                            perf record writes them), 20,000 mmaps
#   dsos                     20,000 mmaps of distinct files, a sample each
#   rounds, stream           1M samples, one row each (with and without
#                            FINISHED_ROUND): sorting and printing rows
# Usage: bench/report-shapes.sh [RUNS]   (from the repository root, after make)
# DIR=D keeps the files in D and reuses those there (bench/report-memory.sh's
# DIR holds the same files); PMUKVM=BINARY picks the pmukvm measured.
set -eu
runs=${1:-3}
PMUKVM=${PMUKVM:-./pmukvm}
tmp=$(mktemp -d /tmp/pmukvm-shapes.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
dir=${DIR:-$tmp}
mkdir -p "$dir"
${CC:-cc} -O2 -o "$tmp/timeit" bench/timeit.c

. bench/crafted.sh
crafted_files "$dir"
cat "$dir"/*.data >/dev/null

# best CMD...: "WALL CPU" of CMD, the best wall and the least CPU of $runs runs.
best() {
	local i t c w= u=
	for ((i = 0; i < runs; i++)); do
		"$tmp/timeit" "$tmp/time" "$@" >/dev/null 2>&1 || true
		read -r t c _ < "$tmp/time"
		if [ -z "$w" ] || awk "BEGIN { exit !($t < $w) }"; then w=$t; fi
		if [ -z "$u" ] || awk "BEGIN { exit !($c < $u) }"; then u=$c; fi
	done
	echo "$w $u"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); runs: $runs"
printf '%-12s %10s %10s %10s %10s %7s %7s\n' shape "perf wall" "perf CPU" "pmukvm wall" "pmukvm CPU" "wall" "CPU"
for s in maps-desc maps-random threads build-ids dsos rounds stream; do
	read -r pw pc < <(best perf report -i "$dir/$s.data" --stdio)
	read -r qw qc < <(best $PMUKVM report -i "$dir/$s.data" --stdio)
	awk -v s="$s" -v pw="$pw" -v pc="$pc" -v qw="$qw" -v qc="$qc" 'BEGIN {
		printf "%-12s %9.3fs %9.3fs %10.3fs %9.3fs %6.1fx %6.1fx\n", s, pw, pc, qw, qc,
			pw / qw, (qc > 0 ? pc / qc : 0) }'
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
