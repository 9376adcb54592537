# Helpers for the report tests that compare with perf report. Source after
# tests/lib.sh.

# report_same HEADER FILE ARGS...: perf report and pmukvm report with ARGS
# print the same -t '|' rows on FILE (every column: overhead, counts, keys;
# rows in any order) and the same header lines matching the grep pattern
# HEADER (blanks around the '|' separators aside).
report_same() {
	local hdr=$1 f=$2; shift 2
	perf report -i "$f" --stdio -t '|' "$@" 2>"$TMP/perf.err" >"$TMP/perf.out"
	$PMUKVM report -i "$f" --stdio -t '|' "$@" 2>"$TMP/pmukvm.err" >"$TMP/pmukvm.out"
	for w in perf pmukvm; do
		grep -v '^#' "$TMP/$w.out" | grep -v '^$' | sed 's/ *| */|/g; s/^ *//; s/ *$//' |
			sort >"$TMP/$w.all"
		grep "$hdr" "$TMP/$w.out" | sed 's/^# */# /; s/ *| */|/g; s/ *$//' >>"$TMP/$w.all"
	done
	[ -s "$TMP/perf.all" ] || { cat "$TMP/perf.err"; fail "perf report printed nothing ($*)"; }
	diff -u "$TMP/perf.all" "$TMP/pmukvm.all" || fail "pmukvm and perf differ on $f: $*"
	echo "same: $*: $(wc -l <"$TMP/perf.all") lines"
}

# rows_same FILE ARGS...: perf report and pmukvm report with ARGS print the
# same -q lines on FILE, blanks squeezed, in any order (rows of equal
# values may be listed in another order where perf's compare is not one).
rows_same() {
	local f=$1 w; shift
	perf report -i "$f" --stdio -q "$@" 2>"$TMP/perf.err" >"$TMP/perf.out"
	$PMUKVM report -i "$f" --stdio -q "$@" 2>"$TMP/pmukvm.err" >"$TMP/pmukvm.out" ||
		{ cat "$TMP/pmukvm.err"; fail "report $* failed on $f"; }
	for w in perf pmukvm; do
		grep -v '^#' "$TMP/$w.out" | grep . | tr -s ' ' | sed 's/ $//' | sort >"$TMP/$w.rows"
	done
	[ -s "$TMP/perf.rows" ] || { cat "$TMP/perf.err"; fail "perf report $* printed nothing"; }
	cmp -s "$TMP/perf.rows" "$TMP/pmukvm.rows" ||
		{ diff -u "$TMP/perf.rows" "$TMP/pmukvm.rows" | head -20; fail "report $*: rows differ from perf's"; }
	echo "ok: $*: $(wc -l <"$TMP/pmukvm.rows") lines as perf"
}

# lines_same FILE ARGS...: perf report and pmukvm report --stdio with ARGS
# print the same lines on FILE (blank and # lines left out, trailing
# blanks cut), in order; with LINES_SORTED=1 in any order (call paths of
# equal value across DSOs come in perf's memory order). With LINES_SOFT=1
# a difference is shown and returned (1), not failed.
lines_same() {
	local f=$1 w; shift
	perf report -i "$f" --stdio "$@" 2>"$TMP/perf.err" >"$TMP/perf.raw"
	$PMUKVM report -i "$f" --stdio "$@" 2>"$TMP/err" >"$TMP/ours.raw" ||
		{ cat "$TMP/err"; fail "report $*"; }
	for w in perf ours; do
		grep -v '^#' "$TMP/$w.raw" | grep . | sed 's/ *$//' |
			if [ "${LINES_SORTED:-0}" = 1 ]; then sort; else cat; fi >"$TMP/$w.out"
	done
	[ -s "$TMP/perf.out" ] || { cat "$TMP/perf.err"; fail "perf report printed nothing ($*)"; }
	if ! diff -u "$TMP/perf.out" "$TMP/ours.out" >"$TMP/d"; then
		head -30 "$TMP/d"
		[ "${LINES_SOFT:-0}" = 1 ] || fail "$f $*: not perf's lines"
		echo "differs: $(basename "$f") $*"
		return 1
	fi
	echo "same: $(basename "$f") $*: $(wc -l <"$TMP/ours.out") lines"
}

# record_g_pair: $TMP/g.data (pmukvm record -g) and $TMP/pg.data (perf
# record -g) of mtwork (2 threads, 300 ms) at 999 Hz; $g names the first.
record_g_pair() {
	g=$TMP/g.data
	$PMUKVM record -q -g -e cpu-clock -F 999 -o "$g" -- "$TOOLS/mtwork" 2 300 >/dev/null 2>&1 ||
		fail "pmukvm record -g failed"
	perf record -q -g -e cpu-clock -F 999 -o "$TMP/pg.data" -- "$TOOLS/mtwork" 2 300 \
		>/dev/null 2>&1 || fail "perf record -g failed"
}
