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

# perf_splits_rows FILE: true when perf report --children --sort sym on
# FILE prints one unresolved address as two rows. perf's sym comparison
# orders rows without a symbol by address and rows with one by DSO and
# symbol, not one total order, and its tree can then keep two rows for one
# address (t1070 says more). Seen once in about 25 -g recordings of
# mtwork, whose frame-pointer chains run through libc's memset and memmove
# into stack bytes: perf printed "[.] 0000000000000000" twice, 4.88% and
# 1.57%, where pmukvm prints one row of 6.46%.
perf_splits_rows() {
	perf report -i "$1" --stdio --no-inline -q -g caller --sort sym 2>/dev/null |
		grep -E '^ +[0-9.]+%' | awk '{ print $(NF - 1), $NF }' |
		grep -E ' (0x[0-9a-f]+|0{16})$' | sort | uniq -d | grep -q .
}

# record_unsplit FILE CMD...: runs CMD, which records FILE, until perf
# reads FILE without splitting a row (perf_splits_rows), six times at
# most: the forms are compared on a file whose answer perf gets right.
record_unsplit() {
	local file=$1 try
	shift
	for try in 1 2 3 4 5 6; do
		"$@" || return 1
		perf_splits_rows "$file" || return 0
		echo "note: ${file##*/}: perf splits a row of --sort sym; recording again ($try)"
	done
	fail "${file##*/}: perf split a row of --sort sym in 6 recordings"
}

