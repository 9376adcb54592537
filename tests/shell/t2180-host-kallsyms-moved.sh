#!/bin/bash
# report -k KALLSYMS whose _text is not the recording's (another boot with
# another KASLR offset, or another kernel): the host kernel symbols are
# relocated by the recording's kernel map, as a guest's are, and the move
# is said in the header and on stderr, naming the file. With a copy of this
# boot's kallsyms nothing is said and the rows are the same.
. tests/lib.sh
need_perf
[ -r /proc/kallsyms ] && grep -q -m1 -v '^0000000000000000 ' /proc/kallsyms ||
	skip "/proc/kallsyms has no addresses here (not root, or kptr_restrict)"
grep -q ' T _text$' /proc/kallsyms || skip "no _text in /proc/kallsyms"
perf record -q -e cpu-clock -c 20000 -o "$TMP/h.data" -- \
	dd if=/dev/zero of=/dev/null bs=4k count=200000 >/dev/null 2>&1 || skip "perf record failed"
cp /proc/kallsyms "$TMP/same"
: >"$TMP/nomods"
$TOOLS/mkguestdata --make-guestmount "$TMP/mv" --pid 1 --shift 0x4000000 --kallsyms "$TMP/same" \
	--modules "$TMP/nomods" >/dev/null || fail "mkguestdata --make-guestmount"
moved=$TMP/mv/1/proc/kallsyms

$PMUKVM report -k "$TMP/same" -i "$TMP/h.data" --stdio --sort dso,sym -n -t '|' >"$TMP/a.out" \
	2>"$TMP/a.err" || { cat "$TMP/a.err"; fail "report -k same"; }
$PMUKVM report -k "$moved" -i "$TMP/h.data" --stdio --sort dso,sym -n -t '|' >"$TMP/b.out" \
	2>"$TMP/b.err" || { cat "$TMP/b.err"; fail "report -k moved"; }
norm_rows <"$TMP/a.out" >"$TMP/a.rows"
norm_rows <"$TMP/b.out" >"$TMP/b.rows"
grep -q '|\[kernel.kallsyms\]|' "$TMP/a.rows" || fail "no host kernel rows to compare"
diff -u "$TMP/a.rows" "$TMP/b.rows" || fail "the moved kallsyms gives other rows"
! grep -q "kernel _text" "$TMP/a.out" "$TMP/a.err" || fail "a warning with this boot's kallsyms"
grep -q "^# WARNING: host: the recording's kernel _text is .* but '$moved' says .*relocated by -$((0x4000000))" \
	"$TMP/b.out" || { grep '^#' "$TMP/b.out"; fail "the move is not in the header"; }
grep -q "warning: host: the recording's kernel _text" "$TMP/b.err" || fail "the move is not on stderr"
echo "ok: -k of another boot: relocated, warned, $(wc -l <"$TMP/b.rows") rows as with this boot's"
