# Shared by the bench scripts: source it from the repository root
# (. bench/lib.sh) after setting runs, the number of runs to measure.
# Sets PMUKVM (default ./pmukvm) and dir, a scratch directory removed on
# exit.
PMUKVM=${PMUKVM:-./pmukvm}
dir=$(mktemp -d /tmp/pmukvm-bench.XXXXXX)
trap 'rm -rf "$dir"' EXIT
${CC:-cc} -O2 -o "$dir/timeit" bench/timeit.c

# measure LABEL CMD...: runs CMD (output discarded) $runs times and prints
# a row: LABEL (padded to $label_width, default 24), the best wall seconds
# (bench/timeit: the clock read around fork and wait4) and the peak RSS (kB,
# wait4's rusage) of that run. A pipeline is measured as bash -c '...': its
# peak RSS is that of its largest process (the shell's waited-for children's
# maximum).
# Sets LABEL_t and LABEL_m (LABEL with all but a-z made '_') to the seconds
# and kB.
measure() {
	local label=$1 best="" rss="" i t r; shift
	for ((i = 0; i < runs; i++)); do
		"$dir/timeit" "$dir/time" "$@"
		read -r t _ r _ < "$dir/time"
		if [ -z "$best" ] || awk "BEGIN { exit !($t < $best) }"; then best=$t rss=$r; fi
	done
	printf "%-${label_width:-24}s %8.3f s %10d kB\n" "$label" "$best" "$rss"
	eval "${label//[^a-z]/_}_t=$best ${label//[^a-z]/_}_m=$rss"
}
