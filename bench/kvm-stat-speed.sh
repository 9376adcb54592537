#!/bin/bash
# pmukvm stat report vs perf kvm stat report on the same file of 1,000,000
# kvm_exit events (tests/tools/mkkvmstat: 4 guests, 2-3 vCPUs each, 8 host
# CPUs, with their kvm_entry, kvm_pio, kvm_mmio and kvm_msr events), in one
# run. Prints the median wall and CPU time of N runs and the peak RSS of
# each tool, the ratios, and checks that the two tables are the same.
# Usage: [PMUKVM_BEFORE=BIN] bench/kvm-stat-speed.sh [RUNS]   (repository root, as root: the
# generator copies the kvm formats from tracefs)
set -eu
runs=${1:-5}
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

# Each run twice: under /usr/bin/time for the wall time (the clock around
# it) and the peak RSS, under perf stat for the CPU time (task-clock:
# user + system, to the microsecond). The tools take turns, run by run, so
# that a change in the machine's load falls on all of them alike. Prints
# the median of RUNS for each. PMUKVM_BEFORE=BINARY adds another pmukvm
# (the build before a change) to the turns.
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
run_once() {
	local label=$1 s e; shift
	s=$(date +%s%N)
	/usr/bin/time -f '%M' -o "$dir/time" "$@" >"$dir/$label.out" 2>"$dir/$label.err"
	e=$(date +%s%N)
	echo $(( (e - s) / 1000000 )) >>"$dir/$label.wall"
	tail -1 "$dir/time" >>"$dir/$label.rss"
	perf stat -x, -e task-clock -o "$dir/stat" -- "$@" >/dev/null 2>&1
	awk -F, '/task-clock/ { printf "%.1f\n", $1 }' "$dir/stat" >>"$dir/$label.cpu"
}
summary() {
	local label=$1 w c r
	w=$(median <"$dir/$label.wall"); c=$(median <"$dir/$label.cpu"); r=$(sort -n "$dir/$label.rss" | tail -1)
	printf '%-28s %8d ms wall %8.1f ms cpu %10d kB   (wall %s; cpu %s)\n' "$label" "$w" "$c" "$r" \
		"$(sort -n "$dir/$label.wall" | paste -sd' ')" "$(sort -n "$dir/$label.cpu" | paste -sd' ')"
	eval "${label//-/_}_ms=$w; ${label//-/_}_kb=$r; ${label//-/_}_cpu=$c"
}
labels="perf-kvm-stat pmukvm-stat${PMUKVM_BEFORE:+ pmukvm-before}"
for label in $labels; do : >"$dir/$label.wall"; : >"$dir/$label.cpu"; : >"$dir/$label.rss"; done
for ((i = 0; i < runs; i++)); do
	run_once perf-kvm-stat perf kvm -i "$dir/kvm.data" stat report
	run_once pmukvm-stat $PMUKVM -i "$dir/kvm.data" stat report
	[ -z "${PMUKVM_BEFORE:-}" ] || run_once pmukvm-before $PMUKVM_BEFORE -i "$dir/kvm.data" stat report
done
for label in $labels; do summary $label; done
grep -v '^unknown kvm' "$dir/perf-kvm-stat.err" >"$dir/perf.table"
if cmp -s "$dir/perf.table" "$dir/pmukvm-stat.out"; then
	echo "tables: identical"
else
	echo "tables: DIFFER"
fi
awk -v a="$perf_kvm_stat_ms" -v b="$pmukvm_stat_ms" -v c="$perf_kvm_stat_kb" \
	-v d="$pmukvm_stat_kb" -v e="$perf_kvm_stat_cpu" -v f="$pmukvm_stat_cpu" \
	'BEGIN { printf "speed (medians): %.1fx perf (wall), %.1fx (cpu); peak RSS: %.2f of perf\n",
	a / (b ? b : 1), e / (f ? f : 1), d / c }'
[ -z "${PMUKVM_BEFORE:-}" ] || awk -v a="$perf_kvm_stat_ms" -v b="$pmukvm_before_ms" \
	-v e="$perf_kvm_stat_cpu" -v f="$pmukvm_before_cpu" \
	'BEGIN { printf "before (medians): %.1fx perf (wall), %.1fx (cpu)\n", a / (b ? b : 1), e / (f ? f : 1) }'
[ -z "${PMUKVM_BEFORE:-}" ] || { cmp -s "$dir/pmukvm-stat.out" "$dir/pmukvm-before.out" &&
	echo "before's table: identical" || echo "before's table: DIFFERS"; }
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
