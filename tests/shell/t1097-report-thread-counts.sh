#!/bin/bash
# record -s and report -T: each task's counts as it exits (READ records
# of inherited events), by thread, as perf report -T prints them; on
# pmukvm's file and on perf record -s's, against perf, in file and pipe
# mode; -D prints the READ records as perf -D. -T goes with the text
# report only.
. tests/lib.sh
need_perf
work='for i in 1 2 3; do (dd if=/dev/zero of=/dev/null bs=1k count=30000 2>/dev/null); done'
# table FILE TOOL...: the -T table of TOOL report on FILE (from its header line on)
table() {
	local f=$1
	shift
	"$@" report -i "$f" --stdio -T 2>"$TMP/err" | sed -n '/^# *PID  *TID /,$p'
}
$PMUKVM record -q -s -e cpu-clock -o "$TMP/q.data" -- sh -c "$work" || fail "record -s failed"
perf record -q -s -e cpu-clock -o "$TMP/p.data" -- sh -c "$work" 2>/dev/null ||
	fail "perf record -s failed"
for f in q p; do
	table "$TMP/$f.data" perf >"$TMP/want.$f"
	table "$TMP/$f.data" $PMUKVM >"$TMP/got.$f" || { cat "$TMP/err"; fail "report -T failed"; }
	# the header and at least the three subshells, each with a count
	[ "$(grep -c '^ *[0-9][0-9]*  *[0-9][0-9]*  *[1-9][0-9]*$' "$TMP/want.$f")" -ge 3 ] ||
		{ cat "$TMP/want.$f"; fail "$f.data: perf shows fewer than three threads' counts"; }
	diff -u "$TMP/want.$f" "$TMP/got.$f" || fail "$f.data: report -T differs from perf's"
done
# -D: each READ record's line and read_format lines, as perf's.
reads() { "$@" | awk '/PERF_RECORD_READ/ { r = 1; print; next } r && /^\.\.\. / { print; next } { r = 0 }'; }
for f in q p; do
	reads perf report -D -i "$TMP/$f.data" 2>/dev/null >"$TMP/want.d"
	reads $PMUKVM report -D -i "$TMP/$f.data" 2>/dev/null >"$TMP/got.d"
	grep -q 'PERF_RECORD_READ: [0-9]* [0-9]* cpu-clock [0-9]' "$TMP/want.d" ||
		{ head "$TMP/want.d"; fail "$f.data: perf -D shows no READ record"; }
	diff -u "$TMP/want.d" "$TMP/got.d" || fail "$f.data: -D's READ records differ from perf's"
done
# A pipe: the READ records come after their event's ATTR.
$PMUKVM record -q -s -e cpu-clock -o - -- sh -c "$work" >"$TMP/pipe.data" ||
	fail "record -s -o - failed"
table "$TMP/pipe.data" perf >"$TMP/want.pipe"
$PMUKVM report -i - --stdio -T <"$TMP/pipe.data" 2>"$TMP/err" | sed -n '/^# *PID  *TID /,$p' \
	>"$TMP/got.pipe"
[ -s "$TMP/want.pipe" ] || fail "perf shows no counts for the pipe's file"
diff -u "$TMP/want.pipe" "$TMP/got.pipe" || fail "pipe: report -T differs from perf's"
# Without -s: no READ records, no table (and no error).
$PMUKVM record -q -e cpu-clock -o "$TMP/n.data" -- sh -c "$work" || fail "record failed"
[ -z "$(table "$TMP/n.data" $PMUKVM)" ] || fail "a table without record -s"
for o in --json --tui; do
	$PMUKVM report -i "$TMP/q.data" -T $o >/dev/null 2>"$TMP/err"
	rc=$?
	[ $rc = 129 ] && grep -q -- '-T' "$TMP/err" || { cat "$TMP/err"; fail "-T $o: exit $rc"; }
done
echo "ok: per-thread counts as perf's, from both tools' files and a pipe"
