#!/bin/bash
# CPU time that `pmukvm top` and `perf top` use themselves, both live,
# system-wide, in batch mode (--stdio), on the same event at the same
# frequency, side by side over the same period, while tests/tools/mtwork
# keeps the CPUs busy. Prints a table (CPU seconds from /proc/PID/stat
# utime+stime: over the whole run, and over the measured window after a
# warm-up that covers startup: symbol tables, /proc walk).
#
# perf top --stdio reads keys from stdin: at EOF it redraws its key menu
# in a loop, so it gets a pipe that stays open and silent.
#
# Usage: bench/top-cpu.sh [SECONDS [FREQ]]   (defaults 20, 1000)
# Env: PMUKVM (default ./pmukvm), EVENT (default cpu-clock), DELAY (default 2), WARMUP (default 3)
set -eu
cd "$(dirname "$0")/.."
PMUKVM=${PMUKVM:-./pmukvm}
SECS=${1:-20}
FREQ=${2:-1000}
EVENT=${EVENT:-cpu-clock}
DELAY=${DELAY:-2}
WARMUP=${WARMUP:-3}
HZ=$(getconf CLK_TCK)
TMP=$(mktemp -d /tmp/pmukvm-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$TMP"; }
trap cleanup EXIT

command -v perf >/dev/null || { echo "perf is not installed" >&2; exit 1; }
[ -x "$PMUKVM" ] && [ -x build/tools/mtwork ] || { echo "run make first" >&2; exit 1; }

# utime+stime of a process (all its threads), in clock ticks.
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

build/tools/mtwork 2 $(( (WARMUP + SECS + 5) * 1000 )) >/dev/null &
pids+=($!)
sleep $((WARMUP + SECS + 60)) | perf top --stdio -e "$EVENT" -F "$FREQ" -d "$DELAY" \
	>"$TMP/perf.out" 2>&1 &
perf_pid=$!
pids+=($perf_pid)
"$PMUKVM" top --stdio -e "$EVENT" -F "$FREQ" -d "$DELAY" -E 10 >"$TMP/pmukvm.out" 2>&1 &
pmukvm_pid=$!
pids+=($pmukvm_pid)

sleep "$WARMUP"
p0=$(ticks $perf_pid); k0=$(ticks $pmukvm_pid)
sleep "$SECS"
p1=$(ticks $perf_pid); k1=$(ticks $pmukvm_pid)
kill -INT $perf_pid $pmukvm_pid
wait $pmukvm_pid || true
wait $perf_pid 2>/dev/null || true

perf_rate=$(grep -a -o 'PerfTop: *[0-9]* irqs/sec' "$TMP/perf.out" | tail -1 | awk '{ print $2 }')
pmukvm_rate=$(grep -a -o '[0-9]*/s)' "$TMP/pmukvm.out" | tail -1 | tr -d '/s)')
row() {	# name ticks-total ticks-window samples/s
	awk -v n="$1" -v t="$2" -v w="$3" -v hz="$HZ" -v s="$SECS" -v r="$4" 'BEGIN {
		printf "%-12s %12.2f %14.2f %12.2f%% %14s\n", n, t / hz, w / hz, 100 * w / hz / s, r }'
}
echo "# $(date -u +%FT%TZ) $(uname -r) $(nproc) CPUs; event $EVENT at $FREQ Hz, -d $DELAY," \
	"window ${SECS}s after ${WARMUP}s warm-up; load: mtwork, 2 threads"
printf "%-12s %12s %14s %13s %14s\n" tool "cpu-s total" "cpu-s window" "of one CPU" "samples/s"
row "perf top" "$p1" "$((p1 - p0))" "${perf_rate:-?}"
row "pmukvm top" "$k1" "$((k1 - k0))" "${pmukvm_rate:-?}"
grep -q "spin_math\|__sin_fma\|memmove" "$TMP/pmukvm.out" ||
	echo "warning: pmukvm top showed no mtwork rows" >&2
