#!/bin/bash
# report --children on a system-wide -g recording (kernel paths, many
# threads, unresolved user addresses of broken frame-pointer chains, the
# same callers under many rows): the rows (Children and Self) and their
# call paths equal perf report 6.1's, in caller and callee order and under
# other sort keys. The rows of a sample's callers are found through a
# cache by (the sample's row, the frame): this is what it must not change.
# Every sample is counted; what is compared is mtwork's rows (whatever
# else ran on the machine may hold symbols, data symbols or C++ names,
# that perf and pmukvm name apart), under sort keys that keep comms apart
# (a --comm filter on rows that merge comms is not perf's: see
# --children in pmukvm-report.txt).
. tests/lib.sh
need_perf

# mtwork under a name of this run's own: another suite's mtwork on the
# machine (two CI runs at once) is not this test's workload.
work=mtw$$
cp "$TOOLS/mtwork" "$TMP/$work"
perf record -q -a -g -e cpu-clock -o "$TMP/all.data" -- "$TMP/$work" 2 1000 >/dev/null 2>&1 ||
	fail "perf record -a -g failed"
cp /proc/kallsyms "$TMP/kallsyms"

same() {
	perf report -i "$TMP/all.data" --kallsyms "$TMP/kallsyms" --stdio --no-inline -q "$@" \
		>"$TMP/perf.txt" 2>"$TMP/err" || { cat "$TMP/err"; fail "perf report $* failed"; }
	$PMUKVM report -i "$TMP/all.data" --kallsyms "$TMP/kallsyms" --stdio -q "$@" \
		>"$TMP/ours.txt" 2>"$TMP/err" || { cat "$TMP/err"; fail "pmukvm report $* failed"; }
	python3 tests/shell/lib-callgraph.py forms "$TMP/perf.txt" "$TMP/ours.txt" >"$TMP/out" ||
		{ head -c 3000 "$TMP/out"; fail "report $*: differs from perf"; }
	echo "ok: $*: $(tail -n1 "$TMP/out")"
}

same -g none --children --comm "$work"
same -g none --children --comm "$work" --sort comm,dso
same -g caller,0 --children --comm "$work"
same -g callee,0 --children --comm "$work"
same -g caller,0.5 --children --comm "$work" --sort comm,sym
same -g callee,0 --children --comm "$work" --sort comm,dso
exit 0
