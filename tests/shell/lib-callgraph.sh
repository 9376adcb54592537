# Comparing report -g with perf report on one file, for the call-graph
# tests. Source after tests/lib.sh; need_perf first.
#
# same OPTIONS...: perf report and pmukvm report print the same -q output
# on $TMP/$f.data, rows of equal overhead and sibling paths of equal value
# in either order (tests/shell/lib-callgraph.py forms). Where $must_have is
# set, pmukvm's output must hold that string.

cgcmp() { python3 tests/shell/lib-callgraph.py forms "$@"; }

cg_differs() {
	cut -c1-200 "$TMP/out" | head -40
	diff "$TMP/perf.txt" "$TMP/ours.txt" | cut -c1-160 | head -20
	fail "$f: report $*: differs from perf"
}

same() {
	perf report -i "$TMP/$f.data" --stdio --no-inline -q "$@" >"$TMP/perf.txt" 2>"$TMP/err" ||
		{ cat "$TMP/err"; fail "$f: perf report $* failed"; }
	$PMUKVM report -i "$TMP/$f.data" --stdio -q "$@" >"$TMP/ours.txt" 2>"$TMP/err" ||
		{ cat "$TMP/err"; fail "$f: pmukvm report $* failed"; }
	[ -z "${must_have:-}" ] || grep -qF -- "$must_have" "$TMP/ours.txt" ||
		fail "$f: report $*: '${must_have:0:40}...' is not whole"
	# perf's DWARF unwinding has given two answers for one file when the
	# machine was loaded: where the outputs differ, perf reads the file
	# again, and only a second answer of its own is compared instead.
	if ! cgcmp "$TMP/perf.txt" "$TMP/ours.txt" >"$TMP/out"; then
		if perf report -i "$TMP/$f.data" --stdio --no-inline -q "$@" >"$TMP/perf2.txt" 2>/dev/null &&
		   ! cmp -s "$TMP/perf.txt" "$TMP/perf2.txt"; then
			echo "note: $f: perf report $*: perf's own two runs differ; its second compared"
			cp "$TMP/perf2.txt" "$TMP/perf.txt"
			cgcmp "$TMP/perf.txt" "$TMP/ours.txt" >"$TMP/out" || cg_differs "$@"
		else
			cg_differs "$@"
		fi
	fi
	echo "ok: $f: $*: $(tail -n1 "$TMP/out")"
}
