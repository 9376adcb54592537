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
objs_program
c=$(objs_addr loop 5)
# The higher address on the lower CPU, each symbol on both CPUs, in an
# order that is none of the keys'.
"$TOOLS/mkcrafted" objects "$TMP/tie.data" "$TMP/objs" "$(objs_hdr 0x10):$c@1" "$(objs_addr work 6):$c@0" \
	"$(objs_hdr 0x30):$c@0" "$(objs_addr loop 4):$c@1" "$(objs_addr work 4):$c@1" "$(objs_addr loop 6):$c@0" \
	"$(objs_hdr 0x20):$c@1" || fail "mkcrafted failed"

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
