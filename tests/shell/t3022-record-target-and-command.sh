#!/bin/bash
# A command beside a target (-a, -C, -p, -t) is perf's way to record that
# target for as long as the command runs ("perf record -p PID -- sleep
# 10"): the command is not recorded itself (unless the target covers it),
# the target's events start at once, and the recording ends when the
# command exits while the target runs on. Each file opens in perf report.
# And -F max, perf's too.
. tests/lib.sh
need_perf
# A process busy for 60 s: the target, running past every recording here.
"$TOOLS/mtwork" 1 60000 >/dev/null 2>&1 &
w=$!
at_exit "kill $w"
# Running once its worker thread is there (a loaded machine may take a while).
for ((i = 0; i < 100; i++)); do
	[ "$(ls /proc/$w/task 2>/dev/null | wc -l)" -ge 2 ] && break
	sleep 0.1
done

# rec NAME ARGS...: record ARGS into $TMP/NAME.data, which must end with
# the command (well before the target's 60 s) and exit 0.
rec() {
	local name=$1; shift
	timeout 30 $PMUKVM record -e cpu-clock -F 1000 -o "$TMP/$name.data" "$@" \
		2>"$TMP/$name.err" || { cat "$TMP/$name.err"; fail "record $*: exit $?"; }
	kill -0 $w 2>/dev/null || fail "the target is gone after record $*"
	perf report -i "$TMP/$name.data" --stdio >/dev/null 2>&1 || fail "perf report cannot read $name.data"
}
comms() { $PMUKVM report -i "$1" --stdio --sort comm -q 2>/dev/null | awk 'NF { print $2 }' | sort -u; }

# -p PID -- sleep: the process's samples only; sleep is not recorded.
rec pid -p $w -- sleep 1
[ "$(comms "$TMP/pid.data")" = "mtwork" ] || { comms "$TMP/pid.data"; fail "-p -- sleep: not mtwork's samples alone"; }
# perf's own, the same idiom: the same one process.
perf record -q -e cpu-clock -F 1000 -o "$TMP/perf-pid.data" -p $w -- sleep 1 >/dev/null 2>&1 ||
	fail "perf record -p -- sleep failed"
[ "$(perf report -i "$TMP/perf-pid.data" --stdio --sort comm -q 2>/dev/null | awk 'NF { print $2 }' | sort -u)" = mtwork ] ||
	fail "perf's -p -- sleep recorded more than mtwork (the test's idea of perf is wrong)"

# -t TID -- sleep: the thread (the worker; the main thread only waits for it).
tid=$(ls /proc/$w/task | grep -vx $w | head -1)
[ -n "$tid" ] || fail "mtwork has no worker thread"
rec tid -t $tid -- sleep 0.5
[ "$(comms "$TMP/tid.data")" = "mtwork" ] || fail "-t -- sleep: not mtwork's samples alone"

# -a -- sleep: the whole system, the busy process among it, for the sleep.
rec all -a -- sleep 1
comms "$TMP/all.data" | grep -qx mtwork || fail "-a -- sleep: no mtwork samples"
# -C 0 -- sleep: CPU 0 only.
rec cpu0 -C 0 -- sleep 0.5
cpus=$($PMUKVM report -i "$TMP/cpu0.data" --stdio --sort cpu -q 2>/dev/null | awk 'NF { print $2 + 0 }' | sort -u)
[ "$cpus" = 0 ] || fail "-C 0 -- sleep: samples of CPUs '$cpus'"

# A command that fails to start: said, and no recording left running.
timeout 30 $PMUKVM record -e cpu-clock -a -o "$TMP/bad.data" -- /nonexistent/cmd 2>"$TMP/bad.err" &&
	fail "-a -- a missing command: exit 0"
grep -q "nonexistent" "$TMP/bad.err" || { cat "$TMP/bad.err"; fail "-a -- a missing command: not said"; }
# -F max, as perf's: the kernel's perf_event_max_sample_rate.
max=$(cat /proc/sys/kernel/perf_event_max_sample_rate)
rec max -F max -a -- sleep 0.2
grep -q -- "-F max: sampling at $max Hz" "$TMP/max.err" || { cat "$TMP/max.err"; fail "-F max: the rate is not said"; }
perf report -i "$TMP/max.data" --header-only 2>/dev/null | grep -q "sample_freq } = $max" ||
	fail "-F max: the event's frequency is not $max"
echo "targets with a command: recorded for as long as it ran"
