#!/bin/bash
# --sort sym and comm,sym while the host's kallsyms is read beside the
# samples (PMUKVM_KALLSYMS_DELAY_MS holds every kernel sample until it is
# read): rows made from held samples take their first sample's place,
# so that rows of equal share come in perf's order, and a row that a
# held kernel sample and a later user sample share (no symbol, one
# address: perf's sym key joins them) shows the kernel sample's level,
# as perf's, whichever of them was counted first.
. tests/lib.sh
need_perf
MK=$TOOLS/mkcrafted
cat >"$TMP/ks" <<'KS'
ffffffff81000000 T _text
ffffffff81003000 t ksym_a
ffffffff81003040 t ksym_b
ffffffff81003100 T ksym_c
ffffffff81003200 t ksym_d
ffffffff81003240 t ksym_e
ffffffff81003280 t ksym_f
ffffffff810032c0 t ksym_g
ffffffff81004000 T _etext
KS
{
	echo "comm 100 100 alpha"
	echo "text ffffffff81000000"
	echo "module ffffffffc0000000 4000 moda"
	echo "mmap 100 100 400000 10000 0 /nonexistent/pmukvm-t1192"
	echo "usample 405000 100 100 0"
	echo "sample ffffffff81003010 100 100 0"
	echo "sample ffffffffc0003070 100 100 0"
	echo "usample 403070 100 100 0"
	echo "sample ffffffff81003050 100 100 1"
	echo "usample 406000 100 100 1"
	echo "sample ffffffff81003110 100 100 0"
	echo "usample 402000 100 100 1"
	echo "sample ffffffffc0001000 100 100 1"
	echo "usample 405000 100 100 0"
	echo "sample ffffffff81003020 100 100 0"
	# one sample each, kernel and user in turn: their order is the table's
	for ((i = 0; i < 8; i++)); do
		printf 'usample %x 100 100 0\n' $((0x407000 + i * 0x100))
		printf 'sample %x 100 100 1\n' $((0xffffffff81003200 + i * 0x20))
	done
} | "$MK" kernel "$TMP/h.data" || fail "mkcrafted failed"

rows() { grep -v '^#' | grep -v '^$' | tr -s ' ' | sed 's/ *$//'; }
for s in sym comm,sym; do
	perf report -i "$TMP/h.data" --stdio --sort $s -n --kallsyms "$TMP/ks" 2>/dev/null |
		rows >"$TMP/want"
	grep -q '^ *[0-9.]*% 2 \(alpha \)\?\[k\] 0x0000000000003070$' "$TMP/want" ||
		{ cat "$TMP/want"; fail "perf: no [k] row of two samples at 0x3070"; }
	for d in "" 300; do
		PMUKVM_KALLSYMS_DELAY_MS=$d $PMUKVM report -v -i "$TMP/h.data" --stdio --sort $s -n \
			--kallsyms "$TMP/ks" 2>"$TMP/err" | rows >"$TMP/got" ||
			{ cat "$TMP/err"; fail "report --sort $s failed"; }
		if [ -n "$d" ]; then
			grep -q 'kallsyms read beside: 14 kernel samples held' "$TMP/err" ||
				{ cat "$TMP/err"; fail "the kernel samples were not held"; }
		fi
		diff -u "$TMP/want" "$TMP/got" ||
			fail "--sort $s, kallsyms delayed ${d:-0} ms: pmukvm and perf differ"
	done
done
echo "ok: rows of held kernel samples in perf's order and with their first sample's level"
