#!/bin/bash
# Documentation/examples/regression-job.sh, run as a CI job would: a
# baseline of mtwork, then the same workload (passes), the workload with
# spin_memory made 20 times slower (fails, naming libc's memory functions:
# they go from a few percent of the profile to about half, each row well
# past the threshold), and a job without its baseline (cannot tell).
# mtwork's mixed runs last a fixed CPU time per thread: as many samples on
# a loaded machine as on an idle one.
. tests/lib.sh
JOB=Documentation/examples/regression-job.sh
export PMUKVM=$PWD/$PMUKVM THRESHOLD=8 MIN_SAMPLES=20
$PMUKVM record -q -o "$TMP/probe.data" -- true >/dev/null 2>&1 || skip "pmukvm record cannot sample here"

cd "$TMP" || fail "cd"
"$OLDPWD/$JOB" baseline base.data -- "$OLDPWD/$TOOLS/mtwork" 2 500 mixed >out 2>&1 ||
	{ cat out; fail "baseline: exit $?"; }
NEW=same.data "$OLDPWD/$JOB" check base.data -- "$OLDPWD/$TOOLS/mtwork" 2 500 mixed >out 2>&1
rc=$?
[ $rc = 0 ] || { cat out; fail "same workload: exit $rc, expected 0"; }
grep -q "no regression" out || fail "same workload: no verdict"
echo "ok: same workload passes"
NEW=slow.data "$OLDPWD/$JOB" check base.data -- "$OLDPWD/$TOOLS/mtwork" 2 500 mixed:20 >out 2>&1
rc=$?
[ $rc = 1 ] || { cat out; fail "slower spin_memory: exit $rc, expected 1"; }
grep -q "regression: 'libc.so.6 \[.\] __mem" out || { cat out; fail "the regression is not named"; }
grep -q "^# Baseline  Delta Abs" out || fail "no table in the job's log"
echo "ok: slower spin_memory fails: $(grep -c "regression: '" out) rows named"
"$OLDPWD/$JOB" check nothing.data -- "$OLDPWD/$TOOLS/mtwork" 1 100 >out 2>&1
rc=$?
[ $rc = 2 ] || { cat out; fail "no baseline: exit $rc, expected 2"; }
# A baseline of another event.
if command -v perf >/dev/null &&
   perf record -q -e task-clock -o other.data -- "$OLDPWD/$TOOLS/mtwork" 1 100 >/dev/null 2>&1; then
	"$OLDPWD/$JOB" check other.data -- "$OLDPWD/$TOOLS/mtwork" 1 100 >out 2>&1
	rc=$?
	[ $rc = 2 ] || { cat out; fail "other events: exit $rc, expected 2"; }
fi
echo "ok: cannot tell: exit 2"
