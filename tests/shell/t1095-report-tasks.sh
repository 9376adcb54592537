#!/bin/bash
# report --tasks and --mmaps print perf report's task tree (pid, tid, ppid,
# comm; with --mmaps each thread's maps) for the same file, line for line
# (whitespace runs aside): one multi-threaded command, a system-wide
# recording with data maps (-d: anonymous maps, maps cut by later ones),
# a pipe-mode stream, a compressed file and a guest file.
. tests/lib.sh
. tests/shell/lib-guest.sh
need_perf
need_guest_fixture

perf record -q -e cpu-clock -F 999 -o "$TMP/one.data" -- "$TOOLS/mtwork" 3 300 >/dev/null 2>&1 ||
	fail "perf record failed"
perf record -q -a -d -e cpu-clock -F 499 -o "$TMP/all.data" -- "$TOOLS/mtwork" 2 400 \
	>/dev/null 2>&1 || fail "perf record -a -d failed"
perf record -q -e cpu-clock -F 999 -o - -- "$TOOLS/mtwork" 2 300 2>/dev/null >"$TMP/pipe.data" ||
	fail "perf record -o - failed"
files="one all pipe"
if perf record -q -z -e cpu-clock -F 999 -o "$TMP/z.data" -- "$TOOLS/mtwork" 2 300 \
	>/dev/null 2>&1; then
	files="$files z"
fi
gzip -dc "$K" >"$TMP/gk"
$G -o "$TMP/guest.data" --guest "0:$TMP/gk:$M" \
	--kernel-samples 500 --module-samples 100 --user-samples 50 --seed 5 >/dev/null ||
	fail "mkguestdata failed"
files="$files guest"

for f in $files; do
	for mode in tasks mmaps; do
		perf report --$mode -i "$TMP/$f.data" 2>/dev/null | tr -s ' \t' ' ' >"$TMP/perf.out"
		$PMUKVM report --$mode -i "$TMP/$f.data" 2>"$TMP/err" | tr -s ' \t' ' ' >"$TMP/pmukvm.out" ||
			{ cat "$TMP/err"; fail "$f: report --$mode failed"; }
		grep -q "swapper" "$TMP/perf.out" || fail "$f: perf --$mode printed no tree"
		diff -u "$TMP/perf.out" "$TMP/pmukvm.out" | head -n 30
		cmp -s "$TMP/perf.out" "$TMP/pmukvm.out" || fail "$f: --$mode differs from perf's"
		echo "agree: $f --$mode: $(wc -l <"$TMP/perf.out") lines"
	done
done
# The system-wide file: a tree more than one level deep, and data maps.
$PMUKVM report --mmaps -i "$TMP/all.data" | grep -q ' rw-p ' || fail "no data maps in --mmaps"
echo "--tasks and --mmaps agree with perf"
