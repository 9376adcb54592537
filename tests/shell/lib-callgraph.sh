# Comparing report -g with perf report on one file, for the call-graph
# tests. Source after tests/lib.sh; need_perf first.
#
# same OPTIONS...: perf report and pmukvm report print the same -q output
# on $TMP/$f.data, rows of equal overhead and sibling paths of equal value
# in either order (tests/shell/lib-callgraph.py forms). Where $must_have is
# set, pmukvm's output must hold that string. On a DWARF file ($f holds
# "dwarf"), perf's answer is one it gives twice in a row: its unwinding
# has given two for one file when the machine was loaded (tests/lib.sh,
# perf_stable).

cgcmp() { python3 tests/shell/lib-callgraph.py forms "$@"; }

cg_differs() {
	cut -c1-200 "$TMP/out" | head -40
	diff "$TMP/perf.txt" "$TMP/ours.txt" | cut -c1-160 | head -20
	fail "$f: report $*: differs from perf"
}

same() {
	local pread=perf
	case $f in *dwarf*) pread=perf_stable ;; esac
	$pread report -i "$TMP/$f.data" --stdio --no-inline -q "$@" >"$TMP/perf.txt" 2>"$TMP/err" ||
		{ cat "$TMP/err"; fail "$f: perf report $* failed"; }
	$PMUKVM report -i "$TMP/$f.data" --stdio -q "$@" >"$TMP/ours.txt" 2>"$TMP/err" ||
		{ cat "$TMP/err"; fail "$f: pmukvm report $* failed"; }
	[ -z "${must_have:-}" ] || grep -qF -- "$must_have" "$TMP/ours.txt" ||
		fail "$f: report $*: '${must_have:0:40}...' is not whole"
	cgcmp "$TMP/perf.txt" "$TMP/ours.txt" >"$TMP/out" || cg_differs "$@"
	echo "ok: $f: $*: $(tail -n1 "$TMP/out")"
}
