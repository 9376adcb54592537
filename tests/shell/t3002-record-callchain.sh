#!/bin/bash
# -g (frame pointers) and --call-graph dwarf give callchains perf shows.
. tests/shell/lib-record.sh

"$PMUKVM" --host record -q -g -e cpu-clock -o "$TMP/g.data" -- "$HOTLOOP" 300000000 ||
	fail "record -g failed"
"$PERF" evlist -v -i "$TMP/g.data" 2>/dev/null | grep -q CALLCHAIN || fail "no CALLCHAIN in sample_type"
perf_quiet report -i "$TMP/g.data" -g --stdio
grep -A8 'hot_function$' "$TMP/perf.out" | grep -q -- '--main\|main$' ||
	{ cat "$TMP/perf.out" | head -40; fail "-g: no chain main -> hot_function"; }

"$PMUKVM" --host record -q --call-graph dwarf,4096 -e cpu-clock -o "$TMP/d.data" -- \
	"$HOTLOOP" 200000000 || fail "record --call-graph dwarf failed"
"$PERF" evlist -v -i "$TMP/d.data" 2>/dev/null | grep -q 'sample_stack_user: 4096' ||
	fail "dwarf: no 4096-byte stack copies"
perf_quiet report -i "$TMP/d.data" -g --stdio
grep -q 'caller_function\|main' "$TMP/perf.out" || { head -40 "$TMP/perf.out"; fail "dwarf: nothing unwound"; }
exit 0
