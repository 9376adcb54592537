#!/bin/bash
# SIGINT in the middle: a complete file, and the workload does not linger.
. tests/shell/lib-record.sh
. tests/lib-wait.sh

"$PMUKVM" --host record -e cpu-clock -o "$TMP/i.data" -- "$HOTLOOP" 100000000003 2>"$TMP/err" &
pid=$!
# SIGINT once the workload runs and has been sampled a while (0.1 s of its
# CPU time), not after a fixed time: on a loaded machine record may not even
# have started it by then.
wait_child $pid hotloop
wait_cpu "$CHILD" 10
kill -INT $pid
wait $pid || { cat "$TMP/err"; fail "record exited $? after SIGINT"; }
pgrep -f "$HOTLOOP 100000000003" >/dev/null && fail "the workload survived"
grep -q 'samples, 0 lost' "$TMP/err" || { cat "$TMP/err"; fail "no summary"; }
perf_quiet report -i "$TMP/i.data" --stdio --sort sym -n
grep -q hot_function "$TMP/perf.out" || fail "no samples after SIGINT"
perf_quiet script -i "$TMP/i.data"
exit 0
