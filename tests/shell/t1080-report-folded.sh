#!/bin/bash
# report --folded: the stacks and counts that FlameGraph's
# stackcollapse-perf.pl makes of perf script's output (its rules written
# out in lib-collapse.py), on frame-pointer and DWARF callchain files of
# perf and of pmukvm, a system-wide file, and a file without callchains
# (stack = comm;sym). Of the system-wide file the stacks of the workload
# and of the idle task are compared: other processes on a shared machine
# bring binaries that changed since the recording and symbol-table
# differences (C++ template names, version symbols) that are not this
# option's.
. tests/lib.sh
need_perf

perf record -q -g -e cpu-clock -o "$TMP/fp.data" -- "$TOOLS/mtwork" 2 800 >/dev/null 2>&1 ||
	fail "perf record -g failed"
perf record -q --call-graph dwarf -e cpu-clock -o "$TMP/dwarf.data" -- "$TOOLS/mtwork" 2 500 \
	>/dev/null 2>&1 || fail "perf record --call-graph dwarf failed"
perf record -q -a -g -e cpu-clock -o "$TMP/all.data" -- "$TOOLS/mtwork" 2 600 >/dev/null 2>&1 ||
	fail "perf record -a -g failed"
perf record -q -e cpu-clock -o "$TMP/flat.data" -- "$TOOLS/mtwork" 2 400 >/dev/null 2>&1 ||
	fail "perf record failed"
$PMUKVM record -q -g -o "$TMP/ours.data" -- "$TOOLS/mtwork" 2 600 >/dev/null 2>&1 ||
	fail "pmukvm record -g failed"
$PMUKVM record -q --call-graph dwarf -o "$TMP/ours-dwarf.data" -- "$TOOLS/hotloop" 200000000 \
	>/dev/null 2>&1 || fail "pmukvm record --call-graph dwarf failed"

for f in fp dwarf all flat ours ours-dwarf; do
	perf script -i "$TMP/$f.data" --no-inline 2>/dev/null | python3 tests/shell/lib-collapse.py \
		>"$TMP/$f.want" || fail "$f: perf script | collapse failed"
	$PMUKVM report -i "$TMP/$f.data" --folded >"$TMP/$f.got" 2>"$TMP/err" ||
		{ cat "$TMP/err"; fail "$f: report --folded failed"; }
	[ -s "$TMP/$f.want" ] || fail "$f: no stacks from perf script"
	if [ $f = all ]; then
		for x in want got; do
			grep -E '^(mtwork|swapper);' "$TMP/$f.$x" >"$TMP/x" ; mv "$TMP/x" "$TMP/$f.$x"
		done
		grep -q '^mtwork;' "$TMP/$f.want" || fail "all: no workload stacks"
	fi
	if ! diff -u "$TMP/$f.want" "$TMP/$f.got" >"$TMP/diff"; then
		head -n 40 "$TMP/diff"
		fail "$f: folded stacks differ from perf script | stackcollapse"
	fi
	echo "ok: $f: $(wc -l <"$TMP/$f.got") stacks, $(awk '{ n += $NF } END { print n }' "$TMP/$f.got") samples"
done
# The callchain files have stacks deeper than comm;function.
awk -F';' 'NF > 3 { deep = 1 } END { exit !deep }' "$TMP/fp.got" || fail "fp: no deep stacks"
grep -q '^mtwork;.*;spin_math;' "$TMP/dwarf.got" || grep -q '^mtwork;.*;spin_math ' "$TMP/dwarf.got" ||
	fail "dwarf: no unwound user stack through spin_math"
grep -q '^hotloop;.*main;caller_function;hot_function ' "$TMP/ours-dwarf.got" ||
	fail "ours-dwarf: no main;caller_function;hot_function stack"

# --folded goes with the guest/host and input options, not with other outputs.
$PMUKVM report -i "$TMP/fp.data" --folded --json >/dev/null 2>"$TMP/err"
[ $? = 129 ] || fail "--folded --json: not a usage error"
$PMUKVM report -i "$TMP/fp.data" --folded -g >/dev/null 2>"$TMP/err"
[ $? = 129 ] || fail "--folded -g: not a usage error"
expect_clean_error "--folded on a missing file" $PMUKVM report -i "$TMP/nonexistent" --folded
expect_clean_error "--flamegraph into a missing directory" \
	$PMUKVM report -i "$TMP/fp.data" --flamegraph "$TMP/no/such/dir/x.svg"
grep -q "no/such/dir/x.svg" "$TMP/err" || fail "the message does not name the file"
