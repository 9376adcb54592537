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
objs_program
nm "$TMP/objs" | grep -q ' D table_a$' || fail "table_a is not in .data"

# IP:CALLER, one sample each, in time order. table_a's first address is
# +0x10, then +0x40 and +0x8 come; table_b's is +0x7 (a caller) before
# its own samples at +0x20 and +0x30.
pairs=(
	"$(objs_addr work 4):$(objs_addr table_a 0x10)"
	"$(objs_addr work 8):$(objs_addr table_a 0x40)"
	"$(objs_addr loop 5):$(objs_addr table_b 7)"
	"$(objs_addr table_b 0x20):$(objs_addr loop 9)"
	"$(objs_addr table_b 0x30):$(objs_addr table_a 8)"
	"$(objs_addr work 4):$(objs_addr table_b 0x100)"
	"$(objs_addr loop 5):$(objs_addr table_b 5)"
	"$(objs_addr table_b 0x20):$(objs_addr work 6)"
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
