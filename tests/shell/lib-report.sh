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
