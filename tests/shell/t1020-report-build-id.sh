#!/bin/bash
# A binary that changed since recording is not trusted: its samples stay
# unresolved and the report says why. With the same binary they resolve.
. tests/lib.sh
need_perf
mkdir -p "$TMP/bin" "$TMP/home" "$TMP/rec"
cp "$TOOLS/mtwork" "$TMP/bin/work"
# perf record's build-id cache in a HOME of the test's own: it keeps a
# hard link to the binary, which the test then overwrites (in the user's
# ~/.debug that would leave /bin/true as mtwork's cached copy, and perf
# would unwind later recordings of mtwork through it).
HOME=$TMP/rec perf record -q -e cpu-clock -F 999 -o "$TMP/w.data" -- "$TMP/bin/work" 2 1000 \
	>/dev/null 2>&1 || fail "perf record failed"
# HOME without perf's build-id cache, so the old binary cannot be found there.
HOME=$TMP/home $PMUKVM report -i "$TMP/w.data" --stdio --sort dso,sym -n -t '|' -q >"$TMP/before" 2>&1
# Either thread's function (spin_math's self time is mostly libm's).
grep -q -E "\|work\|\[\.\] spin_(math|memory)" "$TMP/before" ||
	{ cat "$TMP/before"; fail "the workload's functions not resolved"; }
perf report -i "$TMP/w.data" --header-only 2>/dev/null | grep -q "$TMP/bin/work" ||
	skip "perf wrote no build-id for the workload"
# Replace the binary by another one (a new file).
rm "$TMP/bin/work"
cp /bin/true "$TMP/bin/work"
HOME=$TMP/home $PMUKVM report -i "$TMP/w.data" --stdio --sort dso,sym -n -t '|' >"$TMP/after" 2>"$TMP/err" ||
	fail "report failed"
grep -q "changed since recording" "$TMP/err" || { cat "$TMP/err"; fail "no warning on stderr"; }
grep -q "^# WARNING: .*work' changed since recording" "$TMP/after" || fail "no warning in the header"
grep -q -E "spin_(math|memory)" "$TMP/after" && fail "samples resolved against the wrong binary"
grep -q "|work|\[.\] 0x" "$TMP/after" || fail "samples of the changed binary are not shown unresolved"
echo "changed binary detected"
# perf record keeps each binary in its build-id cache (perf 6.1: a
# directory .build-id/xx/REST, the file in it as "elf"): the old binary
# is found there, as perf report finds it.
mkdir -p "$TMP/home2"
cp "$TOOLS/mtwork" "$TMP/bin/work"
HOME=$TMP/home2 perf record -q -e cpu-clock -F 999 -o "$TMP/c.data" -- "$TMP/bin/work" 2 600 \
	>/dev/null 2>&1 || fail "perf record failed"
bid=$(perf buildid-list -i "$TMP/c.data" 2>/dev/null | awk -v p="$TMP/bin/work" '$2 == p { print $1 }')
[ -f "$TMP/home2/.debug/.build-id/${bid:0:2}/${bid:2}/elf" ] ||
	skip "perf record kept no $TMP/home2/.debug/.build-id/${bid:0:2}/${bid:2}/elf"
# (a new file: the cache's "elf" is a hard link to the one recorded)
rm "$TMP/bin/work"
cp /bin/true "$TMP/bin/work"
HOME=$TMP/home2 $PMUKVM report -i "$TMP/c.data" --stdio --sort dso,sym -q >"$TMP/cached" \
	2>"$TMP/err" || fail "report failed"
grep -q "changed since recording" "$TMP/err" && { cat "$TMP/err"; fail "the cache's copy not found"; }
grep -q -E "work +\[\.\] spin_(math|memory)" "$TMP/cached" ||
	{ cat "$TMP/cached"; fail "not named from the cache's copy"; }
HOME=$TMP/home2 perf_agrees "$TMP/c.data" dso,sym
# A cache's copy written over since (as a hard link to the recorded file
# is, by a cp over that file): not trusted either.
cp /bin/true "$TMP/home2/.debug/.build-id/${bid:0:2}/${bid:2}/elf"
HOME=$TMP/home2 $PMUKVM report -i "$TMP/c.data" --stdio --sort dso,sym -q >"$TMP/cached" \
	2>"$TMP/err" || fail "report failed"
grep -q "work' changed since recording" "$TMP/err" ||
	{ cat "$TMP/err"; fail "a stale cache copy taken without a word"; }
echo "the recorded binary found in perf's build-id cache, a stale copy refused"
