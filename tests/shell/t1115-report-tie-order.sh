#!/bin/bash
# Rows of one period in the order perf report gives them, for every key
# order: a key that calls two rows equal (two without a symbol, or two
# symbols of one name) leaves them to the next key, and their addresses
# decide only when every key has said equal. Crafted files (mkcrafted
# objects) of a small program built here: one sample a row, on two CPUs,
# in its functions and in its ELF header, where no symbol is (a
# recording's [vdso] samples make such rows; t1112 met them on two CPUs).
. tests/lib.sh
need_perf
make -s --no-print-directory "$TOOLS/mkcrafted" >/dev/null || fail "cannot build mkcrafted"
CC=${CC:-cc}
command -v "$CC" >/dev/null 2>&1 || skip "no C compiler ($CC)"

cat > "$TMP/objs.c" <<'C'
int table_a[256] = { 1 };
__attribute__((noinline)) int work(int i) { return table_a[i & 255]; }
__attribute__((noinline)) int loop(int n) { int s = 0; for (int i = 0; i < n; i++) s += work(i); return s; }
int main(int argc, char **argv) { (void)argv; return loop(argc * 1000) & 1; }
C
"$CC" -O1 -fno-pie -no-pie -o "$TMP/objs" "$TMP/objs.c" || skip "$CC cannot link a non-PIE program"
addr() { sym_addr "$TMP/objs" "$@"; }
for s in work loop; do
	[ -n "$(addr $s 0)" ] || fail "no symbol $s in the test program"
done
hdr=$(readelf -lW "$TMP/objs" | awk '$1 == "LOAD" { print $3; exit }')
[ -n "$hdr" ] || fail "no PT_LOAD in the test program"
h() { printf '%x' $((hdr + $1)); }
c=$(addr loop 5)
# The higher address on the lower CPU, each symbol on both CPUs, in an
# order that is none of the keys'.
"$TOOLS/mkcrafted" objects "$TMP/tie.data" "$TMP/objs" "$(h 0x10):$c@1" "$(addr work 6):$c@0" \
	"$(h 0x30):$c@0" "$(addr loop 4):$c@1" "$(addr work 4):$c@1" "$(addr loop 6):$c@0" \
	"$(h 0x20):$c@1" || fail "mkcrafted failed"

rows() {
	grep -v '^#' | grep -v '^$'
}
n=0
for s in sym,cpu cpu,sym sym sym,dso,cpu dso,sym,cpu sym,cpu,dso cpu,dso,sym comm,sym,cpu \
	 sym,pid,cpu srcline,cpu; do
	for opts in "" "-n"; do
		# shellcheck disable=SC2086 # options split on purpose
		perf report -i "$TMP/tie.data" --stdio --no-children -g none --sort "$s" $opts \
			2>"$TMP/perf.err" | rows >"$TMP/want" ||
			{ cat "$TMP/perf.err"; fail "perf report --sort $s failed"; }
		# shellcheck disable=SC2086
		$PMUKVM report -i "$TMP/tie.data" --stdio --no-children -g none --sort "$s" $opts \
			2>"$TMP/pmukvm.err" | rows >"$TMP/got" ||
			{ cat "$TMP/pmukvm.err"; fail "pmukvm report --sort $s failed"; }
		[ -s "$TMP/want" ] || fail "perf report --sort $s printed no rows"
		if ! cmp -s "$TMP/want" "$TMP/got"; then
			diff -u "$TMP/want" "$TMP/got" | head -30
			fail "--sort $s $opts: not perf's order"
		fi
		n=$((n + 1))
	done
done
# the file has what the test is for: two rows without a symbol, one a CPU
grep -c '\[\.\] 0x' <(perf report -i "$TMP/tie.data" --stdio --no-children -g none --sort sym,cpu 2>/dev/null) |
	grep -qx 3 || fail "tie.data: not three rows without a symbol"
echo "the order of $n tables of tied rows is perf's"
