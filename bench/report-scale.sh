#!/bin/bash
# pmukvm report over 1M, 10M and 100M samples (mkcrafted stream: 56-byte
# samples on 4 CPUs, each CPU's block of 1000 in turn, no FINISHED_ROUND;
# 100M samples make a 5.6 GB file): wall time, CPU time (user + system,
# which a busy machine disturbs less), peak RSS. Time should grow with the
# size and peak memory stay flat.
# Usage: bench/report-scale.sh [COUNTS...]  (default: 1000000 10000000 100000000)
#   run from the repository root after `make`; needs free disk for the file.
set -eu
PMUKVM=${PMUKVM:-./pmukvm}
dir=$(mktemp -d "${TMPDIR:-/tmp}/pmukvm-scale.XXXXXX")
trap 'rm -rf "$dir"' EXIT
counts=${*:-1000000 10000000 100000000}
printf '%12s %12s %8s %8s %12s %14s\n' samples "file bytes" "wall s" "CPU s" "peak RSS kB" "samples/CPU s"
for n in $counts; do
	build/tools/mkcrafted stream "$dir/s.data" "$n" 1000
	# Warm the page cache as a second report would find it.
	cat "$dir/s.data" >/dev/null
	/usr/bin/time -f '%e %U %S %M' -o "$dir/time" $PMUKVM report -i "$dir/s.data" --stdio \
		--sort comm,dso >/dev/null 2>"$dir/err" || { cat "$dir/err"; exit 1; }
	read -r wall user sys rss < <(tail -n1 "$dir/time")
	awk -v n="$n" -v b="$(stat -c %s "$dir/s.data")" -v w="$wall" -v c="$user + $sys" \
		-v u="$user" -v s="$sys" -v m="$rss" \
		'BEGIN { printf "%12d %12.0f %8.2f %8.2f %12d %14.0f\n", n, b, w, u + s, m, n / (u + s) }'
	rm -f "$dir/s.data"
done
