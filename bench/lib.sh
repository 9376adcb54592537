# Shared by the bench scripts: source it from the repository root
# (. bench/lib.sh) after setting runs, the number of runs to measure.
# Sets PMUKVM (default ./pmukvm) and dir, a scratch directory removed on
# exit.
PMUKVM=${PMUKVM:-./pmukvm}
dir=$(mktemp -d /tmp/pmukvm-bench.XXXXXX)
trap 'rm -rf "$dir"' EXIT

# measure LABEL CMD...: runs CMD (output discarded) $runs times and prints
# a row: LABEL (padded to $label_width, default 24), the best wall seconds
# (the clock read around the run) and the peak RSS (kB, /usr/bin/time) of
# that run. A pipeline is measured as bash -c '...': its peak RSS is that
# of its largest process (time reports the shell's children's maximum).
# Sets LABEL_t and LABEL_m (LABEL with all but a-z made '_') to the seconds
# and kB.
measure() {
	local label=$1 best="" rss="" i t r s e; shift
	for ((i = 0; i < runs; i++)); do
		s=$(date +%s%N)
		/usr/bin/time -f '%M' -o "$dir/time" "$@" >/dev/null 2>&1
		e=$(date +%s%N)
		t=$(awk -v a="$s" -v b="$e" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
		r=$(tail -n1 "$dir/time")
		if [ -z "$best" ] || awk "BEGIN { exit !($t < $best) }"; then best=$t rss=$r; fi
	done
	printf "%-${label_width:-24}s %8.3f s %10d kB\n" "$label" "$best" "$rss"
	eval "${label//[^a-z]/_}_t=$best ${label//[^a-z]/_}_m=$rss"
}
