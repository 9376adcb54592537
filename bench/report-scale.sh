#!/bin/bash
# pmukvm report over 1M, 10M and 100M samples (mkcrafted stream: 56-byte
# samples on 4 CPUs, each CPU's block of 1000 in turn, no FINISHED_ROUND;
# 100M samples make a 5.6 GB file): wall time, peak RSS, samples per
# second. Time should grow with the size and peak memory stay flat.
# Usage: bench/report-scale.sh [COUNTS...]  (default: 1000000 10000000 100000000)
#   run from the repository root after `make`; needs free disk for the file.
set -eu
PMUKVM=${PMUKVM:-./pmukvm}
dir=$(mktemp -d "${TMPDIR:-/tmp}/pmukvm-scale.XXXXXX")
trap 'rm -rf "$dir"' EXIT
counts=${*:-1000000 10000000 100000000}
printf '%12s %12s %10s %12s %14s\n' samples "file bytes" "wall s" "peak RSS kB" "samples/s"
for n in $counts; do
	build/tools/mkcrafted stream "$dir/s.data" "$n" 1000
	# Warm the page cache as a second report would find it.
	cat "$dir/s.data" >/dev/null
	s=$(date +%s%N)
	/usr/bin/time -f '%M' -o "$dir/time" $PMUKVM report -i "$dir/s.data" --stdio --sort comm,dso \
		>/dev/null 2>"$dir/err" || { cat "$dir/err"; exit 1; }
	e=$(date +%s%N)
	awk -v n="$n" -v b="$(stat -c %s "$dir/s.data")" -v t="$(( (e - s) / 1000000 ))" \
		-v m="$(tail -n1 "$dir/time")" \
		'BEGIN { printf "%12d %12d %10.2f %12d %14.0f\n", n, b, t / 1000, m, n / (t / 1000) }'
	rm -f "$dir/s.data"
done
