#!/bin/bash
# -F with a sym key and no dso key before it, against perf report: rows
# of equal share in the order of perf's table of rows, as with --sort
# (t1190, t1191). The table is perf's by its sort keys; -F alone (no
# --sort) gives it no comm key to collapse by, so its rows are not moved
# into a second table, while --sort comm,sym's are. The history mixes
# rows with and without symbols in DSOs whose names sort before and
# after the kernel's, where perf's compares are no order.
. tests/lib.sh
need_perf
command -v python3 >/dev/null 2>&1 || skip "python3 is not installed"
MK=$TOOLS/mkcrafted
{
	echo "ffffffff81000000 T _text"
	for ((i = 0; i < 40; i++)); do printf 'ffffffff%08x t ksym_%d\n' $((0x81000040 + i * 0x40)) $i; done
	echo "ffffffff81000a40 T _etext"
	for ((i = 0; i < 3; i++)); do printf 'ffffffff%08x t moda_fn%d\t[moda]\n' $((0xc0000800 + i * 0x1000)) $i; done
} >"$TMP/ks"
# history SEED N: N samples, each one of four kinds, from a fixed LCG
history() {
	python3 - "$1" "$2" <<'PY'
import sys
x, n = int(sys.argv[1]), int(sys.argv[2])
def nxt():
    global x
    x = (x * 6364136223846793005 + 1442695040888963407) % (1 << 64)
    return x >> 33
print("comm 100 100 alpha\ntext ffffffff81000000\nmodule ffffffffc0000000 4000 moda")
print("mmap 100 100 400000 10000 0 /nonexistent/A-lo\nmmap 100 100 500000 10000 0 /nonexistent/z-hi")
print("sample ffffffff81000100 100 100 0")
for i in range(n):
    c, v = nxt() % 4, nxt()
    if c == 0: print("sample %x 100 100 0" % (0xffffffff81000040 + v % 40 * 0x40))
    elif c == 1: print("sample %x 100 100 0" % (0xffffffffc0000000 + v % 0x80 * 0x10))
    elif c == 2: print("usample %x 100 100 0" % (0x400000 + v % 0x1000 * 0x10))
    else: print("usample %x 100 100 0" % (0x500000 + v % 0x1000 * 0x10))
PY
}
rows() { grep -v '^#' | grep -v '^$' | tr -s ' ' | sed 's/ *$//'; }
n=0
for seed in 1 4; do
	history $seed 300 | "$MK" kernel "$TMP/f.data" || fail "mkcrafted failed"
	for o in "-F overhead,sym" "-F overhead,comm,sym" "--sort comm,sym" \
		"-F overhead,comm,sym --sort comm,sym" "-F overhead,sym --sort comm"; do
		# shellcheck disable=SC2086
		perf report -i "$TMP/f.data" --stdio $o --kallsyms "$TMP/ks" 2>/dev/null | rows >"$TMP/want"
		# shellcheck disable=SC2086
		$PMUKVM report -i "$TMP/f.data" --stdio $o --kallsyms "$TMP/ks" 2>"$TMP/err" | rows >"$TMP/got" ||
			{ cat "$TMP/err"; fail "report $o failed"; }
		[ "$(wc -l <"$TMP/want")" -gt 100 ] || { cat "$TMP/want"; fail "perf printed too few rows"; }
		diff -u "$TMP/want" "$TMP/got" >"$TMP/diff" ||
			{ head -40 "$TMP/diff"; fail "seed $seed, report $o: pmukvm and perf differ"; }
		n=$((n + 1))
	done
done
echo "ok: $n reports with -F and --sort in the order of perf's table"
