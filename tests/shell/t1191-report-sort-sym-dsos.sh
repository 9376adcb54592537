#!/bin/bash
# --sort sym (no dso key) with two programs whose functions lie at one
# address (non-PIE executables start their text alike): as perf, the rows
# are two, one per program's function, with their own counts and names;
# the same under sym,pid and comm,sym. Rows without
# a symbol at one address in two programs stay one row, as perf's.
. tests/lib.sh
need_perf
command -v cc >/dev/null || skip "no C compiler"
MK=$TOOLS/mkcrafted
for p in a b; do
	printf 'volatile long x;\nvoid spin_%s(void) { x++; }\nint main(void) { spin_%s(); return 0; }\n' \
		$p $p >"$TMP/$p.c"
	cc -O1 -no-pie -o "$TMP/$p" "$TMP/$p.c" || skip "cannot build a non-PIE program"
done
sa=$(nm "$TMP/a" | awk '$3 == "spin_a" { print $1 }')
sb=$(nm "$TMP/b" | awk '$3 == "spin_b" { print $1 }')
[ -n "$sa" ] && [ "$sa" = "$sb" ] || skip "spin_a at $sa, spin_b at $sb: not one address"
# The text segment of each (non-PIE: the same in both).
read -r off vaddr memsz < <(readelf -lW "$TMP/a" |
	awk '$1 == "LOAD" && / R E / { print $2, $3, $6; exit }')
{
	echo "comm 100 100 proga"
	echo "comm 200 200 progb"
	printf 'mmap 100 100 %x %x %x %s\n' $((vaddr)) $((memsz)) $((off)) "$TMP/a"
	printf 'mmap 200 200 %x %x %x %s\n' $((vaddr)) $((memsz)) $((off)) "$TMP/b"
	for ((i = 0; i < 30; i++)); do echo "usample $sa 100 100 0"; done
	for ((i = 0; i < 20; i++)); do echo "usample $sa 200 200 1"; done
	# past both programs' text: one row without a symbol, as perf's
	for ((i = 0; i < 5; i++)); do echo "usample 7f0000001000 100 100 0"; done
	for ((i = 0; i < 5; i++)); do echo "usample 7f0000001000 200 200 1"; done
} | "$MK" kernel "$TMP/ab.data" || fail "mkcrafted failed"

rows() { grep -v '^#' | grep -v '^$' | tr -s ' ' | sed 's/ *$//'; }
for s in sym sym,pid comm,sym; do
	perf report -i "$TMP/ab.data" --stdio --sort $s -n 2>/dev/null | rows >"$TMP/want"
	$PMUKVM report -i "$TMP/ab.data" --stdio --sort $s -n 2>"$TMP/err" | rows >"$TMP/got" ||
		{ cat "$TMP/err"; fail "report --sort $s failed"; }
	grep -q 'spin_b' "$TMP/want" || { cat "$TMP/want"; fail "perf shows no spin_b row"; }
	diff -u "$TMP/want" "$TMP/got" || fail "--sort $s: pmukvm and perf differ"
done
# The counts themselves: 30 in spin_a, 20 in spin_b, 10 at the one address.
$PMUKVM report -i "$TMP/ab.data" --stdio --sort sym -n -q | rows >"$TMP/sym"
grep -q '^ *[0-9.]*% 30 \[\.\] spin_a$' "$TMP/sym" && grep -q '^ *[0-9.]*% 20 \[\.\] spin_b$' "$TMP/sym" &&
	grep -q '^ *[0-9.]*% 10 \[\.\] 0x00007f0000001000$' "$TMP/sym" || { cat "$TMP/sym"; fail "wrong rows"; }
echo "ok: two programs' functions at one address are two rows, as perf's"
