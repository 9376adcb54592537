#!/bin/bash
# report -g on a --call-graph dwarf file reads unwind tables and code from
# each DSO's file mapped once, not with a system call per 8-byte read
# (millions of pread64 calls made it 10x slower than perf). The call paths
# themselves are t1070's business; here: a bounded number of reads.
. tests/lib.sh
need_perf
command -v strace >/dev/null 2>&1 || skip "strace is not installed"

perf record -q --call-graph dwarf -e cpu-clock -F 999 -o "$TMP/dwarf.data" -- "$TOOLS/mtwork" 2 600 \
	>/dev/null 2>&1 || fail "perf record --call-graph dwarf failed"
# (LeakSanitizer cannot run under ptrace.)
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -f -c -o "$TMP/strace" -e trace=pread64,read,lseek \
	$PMUKVM report -i "$TMP/dwarf.data" --stdio -g >"$TMP/out" 2>"$TMP/err" ||
	{ cat "$TMP/err"; fail "report -g failed"; }
grep -q -- '--' "$TMP/out" || fail "no call graph drawn"
samples=$(perf report -i "$TMP/dwarf.data" --stdio -n --no-children -g none --sort dso 2>/dev/null |
	awk '!/^#/ && NF >= 2 { s += $2 } END { print s + 0 }')
preads=$(awk '$NF == "pread64" { print $4 }' "$TMP/strace")
preads=${preads:-0}
echo "$samples samples unwound with $preads pread64 calls"
[ "$samples" -gt 100 ] || fail "too few samples ($samples) to say anything"
# A handful per DSO opened is fine; one per sample is not.
[ "$preads" -lt "$samples" ] || { cat "$TMP/strace"; fail "$preads pread64 calls for $samples samples"; }
