#!/bin/bash
# pmukvm stat report vs perf kvm stat report on the same file of 1,000,000
# kvm_exit events (tests/tools/mkkvmstat: 4 guests, 2-3 vCPUs each, 8 host
# CPUs, with their kvm_entry, kvm_pio, kvm_mmio and kvm_msr events), in one
# run. Prints wall time (best of N) and peak RSS of each tool, the ratios,
# and checks that the two tables are the same.
# Usage: bench/kvm-stat-speed.sh [RUNS]   (repository root, as root: the
# generator copies the kvm formats from tracefs)
set -eu
runs=${1:-3}
PMUKVM=${PMUKVM:-./pmukvm}
dir=$(mktemp -d /tmp/pmukvm-bench.XXXXXX)
trap 'rm -rf "$dir"' EXIT
fix=${FIXTURES:-../shared/fixtures}/guest-6.1
[ -r /sys/kernel/tracing/events/kvm/kvm_exit/format ] ||
	mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null || true

build/tools/mkkvmstat -o "$dir/kvm.data" --kallsyms "$fix/kallsyms.gz" --exits 1000000 \
	--guests 4 --vcpus 2 --cpus 8 --seed 1
ls -l "$dir/kvm.data" | awk '{ printf "file: %.0f MiB\n", $5 / 1048576 }'
# warm the page cache
cat "$dir/kvm.data" >/dev/null

measure() {
	local label=$1 best="" rss="" cpu="" i s e t r c; shift
	for ((i = 0; i < runs; i++)); do
		s=$(date +%s%N)
		/usr/bin/time -f '%M %U %S' -o "$dir/time" "$@" >"$dir/$label.out" 2>"$dir/$label.err"
		e=$(date +%s%N)
		t=$(( (e - s) / 1000000 ))
		r=$(tail -1 "$dir/time" | awk '{ print $1 }')
		c=$(tail -1 "$dir/time" | awk '{ printf "%d", ($2 + $3) * 1000 }')
		if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; rss=$r; cpu=$c; fi
	done
	printf '%-28s %8d ms wall %8d ms cpu %10d kB\n' "$label" "$best" "$cpu" "$rss"
	eval "${label//-/_}_ms=$best; ${label//-/_}_kb=$rss; ${label//-/_}_cpu=$cpu"
}
measure perf-kvm-stat perf kvm -i "$dir/kvm.data" stat report
measure pmukvm-stat $PMUKVM -i "$dir/kvm.data" stat report
grep -v '^unknown kvm' "$dir/perf-kvm-stat.err" >"$dir/perf.table"
if cmp -s "$dir/perf.table" "$dir/pmukvm-stat.out"; then
	echo "tables: identical"
else
	echo "tables: DIFFER"
fi
awk -v a="$perf_kvm_stat_ms" -v b="$pmukvm_stat_ms" -v c="$perf_kvm_stat_kb" \
	-v d="$pmukvm_stat_kb" -v e="$perf_kvm_stat_cpu" -v f="$pmukvm_stat_cpu" \
	'BEGIN { printf "speed: %.1fx perf (wall), %.1fx (cpu); peak RSS: %.2f of perf\n",
	a / (b ? b : 1), e / (f ? f : 1), d / c }'
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
