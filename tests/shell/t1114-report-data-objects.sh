#!/bin/bash
# Rows whose symbol is a data object of a user program (an ELF
# STT_OBJECT), against perf report: perf names such a row "name+0xOFFSET"
# from the row's first sample (in time order), functions by the name
# alone. A crafted file (mkcrafted objects) maps a small program built
# here and takes samples whose callchains return into two arrays of its
# .data, at several offsets, and samples whose own address lies in one:
# --children rows made from a callchain entry print the offset in the
# object; a sample's own row prints perf's arithmetic on the map-relative
# address (a huge number), which is matched too. Call paths under a row
# name an object without an offset, in both tools. Every form is run on
# one thread and on three (--threads).
. tests/lib.sh
command -v perf >/dev/null 2>&1 || skip "perf (linux-perf) is not installed"
CC=${CC:-cc}
command -v "$CC" >/dev/null 2>&1 || skip "no C compiler ($CC)"
make -s --no-print-directory "$TOOLS/mkcrafted" >/dev/null || fail "cannot build mkcrafted"

cat > "$TMP/objs.c" <<'C'
int table_a[256] = { 1 };
char table_b[512] = { 2 };
__attribute__((noinline)) int work(int i) { return table_a[i & 255] + table_b[i & 511]; }
__attribute__((noinline)) int loop(int n) { int s = 0; for (int i = 0; i < n; i++) s += work(i); return s; }
int main(int argc, char **argv) { (void)argv; return loop(argc * 1000) & 1; }
C
"$CC" -O1 -fno-pie -no-pie -o "$TMP/objs" "$TMP/objs.c" || skip "$CC cannot link a non-PIE program"
# SYMBOL OFFSET -> the symbol's address plus OFFSET, in hex
addr() { sym_addr "$TMP/objs" "$@"; }
for s in table_a table_b work loop; do
	[ -n "$(addr $s 0)" ] || fail "no symbol $s in the test program"
done
nm "$TMP/objs" | grep -q ' D table_a$' || fail "table_a is not in .data"

# IP:CALLER, one sample each, in time order. table_a's first address is
# +0x10, then +0x40 and +0x8 come; table_b's is +0x7 (a caller) before
# its own samples at +0x20 and +0x30.
pairs=(
	"$(addr work 4):$(addr table_a 0x10)"
	"$(addr work 8):$(addr table_a 0x40)"
	"$(addr loop 5):$(addr table_b 7)"
	"$(addr table_b 0x20):$(addr loop 9)"
	"$(addr table_b 0x30):$(addr table_a 8)"
	"$(addr work 4):$(addr table_b 0x100)"
	"$(addr loop 5):$(addr table_b 5)"
	"$(addr table_b 0x20):$(addr work 6)"
)
"$TOOLS/mkcrafted" objects "$TMP/o.data" "$TMP/objs" "${pairs[@]}" || fail "mkcrafted failed"

rows() { grep -v '^#' | grep '%' | grep -v -- '--' | sed 's/ *$//'; }
for threads in 1 3; do
	for opts in "--no-children" "--children" "--no-children --sort dso,sym" \
		"--children --sort sym" "--no-children -F overhead,sym" "--children --sort sym,dso"; do
		# shellcheck disable=SC2086 # options split on purpose
		perf report -i "$TMP/o.data" --stdio -g none $opts 2>"$TMP/perf.err" | rows > "$TMP/want"
		# shellcheck disable=SC2086
		$PMUKVM report -i "$TMP/o.data" --stdio -g none $opts --threads $threads \
			2>"$TMP/pmukvm.err" | rows > "$TMP/got"
		[ -s "$TMP/want" ] || { cat "$TMP/perf.err"; fail "perf printed no rows ($opts)"; }
		diff -u "$TMP/want" "$TMP/got" || fail "$opts --threads $threads: differs from perf"
	done
	for g in callee caller; do
		perf report -i "$TMP/o.data" --stdio --children -g "graph,0.5,$g" \
			> "$TMP/perf.g" 2>"$TMP/perf.err"
		$PMUKVM report -i "$TMP/o.data" --stdio --children -g "graph,0.5,$g" \
			--threads $threads > "$TMP/pmukvm.g" 2>"$TMP/pmukvm.err"
		python3 tests/shell/lib-callgraph.py graphs "$TMP/perf.g" "$TMP/pmukvm.g" ||
			fail "-g $g --threads $threads: call graphs differ from perf's"
	done
done
# what the comparisons above saw: objects both ways, and paths naming them bare
perf report -i "$TMP/o.data" --stdio -g none --children 2>/dev/null | rows > "$TMP/want"
for want in 'table_a+0x10' 'table_b+0x7' 'work'; do
	grep -qF "[.] $want" "$TMP/want" || fail "perf's rows have no $want: not as this test expects"
done
$PMUKVM report -i "$TMP/o.data" --stdio --no-children -g > "$TMP/pmukvm.g" 2>/dev/null
grep -q '\[\.\] table_b+0xffffffff' "$TMP/pmukvm.g" || fail "no row of a sample in an object"
grep -- '--table_b$' "$TMP/pmukvm.g" >/dev/null || fail "no call path names table_b bare"
echo "PASS: data object rows of a user program as perf report prints them"
