#!/bin/bash
# Two pmukvm builds and perf report on one file, alternated in one window:
# each round runs BEFORE, then AFTER, and perf every third round, so that
# the machine's drift between minutes falls on all three alike. Prints
# the best and the median wall seconds of each (bench/timeit) and each
# build's ratio to perf's best.
# Usage: bench/report-ab.sh ROUNDS FILE BEFORE AFTER [REPORT OPTIONS...]
#   (from the repository root; e.g. bench/report-ab.sh 15 maps-desc.data
#   /tmp/pmukvm-old ./pmukvm)
set -eu
[ $# -ge 4 ] || { sed -n '2,9p' "$0" >&2; exit 2; }
rounds=$1 file=$2 before=$3 after=$4
shift 4
tmp=$(mktemp -d /tmp/pmukvm-ab.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
${CC:-cc} -O2 -o "$tmp/timeit" bench/timeit.c
cat "$file" >/dev/null
: >"$tmp/perf"; : >"$tmp/before"; : >"$tmp/after"
# one NAME CMD...: a run of CMD, its wall seconds appended to $tmp/NAME
one() {
	local name=$1 t; shift
	"$tmp/timeit" "$tmp/time" "$@" >/dev/null 2>&1 || true
	read -r t _ <"$tmp/time"
	echo "$t" >>"$tmp/$name"
}
for ((i = 0; i < rounds; i++)); do
	if ((i % 3 == 0)); then one perf perf report -i "$file" --stdio "$@"; fi
	one before "$before" report -i "$file" --stdio "$@"
	one after "$after" report -i "$file" --stdio "$@"
done
# stats NAME: "BEST MEDIAN RUNS"
stats() {
	sort -g "$tmp/$1" | awk '{ v[NR] = $1 } END { printf "%.4f %.4f %d\n", v[1], v[int((NR + 1) / 2)], NR }'
}
read -r pb pm pn < <(stats perf)
printf '%-8s best %.4f s  median %.4f s  (%d runs)\n' perf "$pb" "$pm" "$pn"
for n in before after; do
	read -r b m k < <(stats $n)
	printf '%-8s best %.4f s  median %.4f s  (%d runs)  %.1fx perf\n' $n "$b" "$m" "$k" \
		"$(awk "BEGIN { print $pb / $b }")"
done
