#!/bin/bash
# A binary that changed since recording is not trusted: its samples stay
# unresolved and the report says why. With the same binary they resolve.
. tests/lib.sh
need_perf
mkdir -p "$TMP/bin" "$TMP/home"
cp "$TOOLS/mtwork" "$TMP/bin/work"
perf record -q -e cpu-clock -F 999 -o "$TMP/w.data" -- "$TMP/bin/work" 2 1000 >/dev/null 2>&1 ||
	fail "perf record failed"
# HOME without perf's build-id cache, so the old binary cannot be found there.
HOME=$TMP/home $PMUKVM report -i "$TMP/w.data" --stdio --sort dso,sym -n -t '|' -q >"$TMP/before" 2>&1
# Either thread's function (spin_math's self time is mostly libm's).
grep -q -E "\|work\|\[\.\] spin_(math|memory)" "$TMP/before" ||
	{ cat "$TMP/before"; fail "the workload's functions not resolved"; }
perf report -i "$TMP/w.data" --header-only 2>/dev/null | grep -q "$TMP/bin/work" ||
	skip "perf wrote no build-id for the workload"
# Replace the binary by another one.
cp /bin/true "$TMP/bin/work"
HOME=$TMP/home $PMUKVM report -i "$TMP/w.data" --stdio --sort dso,sym -n -t '|' >"$TMP/after" 2>"$TMP/err" ||
	fail "report failed"
grep -q "changed since recording" "$TMP/err" || { cat "$TMP/err"; fail "no warning on stderr"; }
grep -q "^# WARNING: .*work' changed since recording" "$TMP/after" || fail "no warning in the header"
grep -q -E "spin_(math|memory)" "$TMP/after" && fail "samples resolved against the wrong binary"
grep -q "|work|\[.\] 0x" "$TMP/after" || fail "samples of the changed binary are not shown unresolved"
echo "changed binary detected"
