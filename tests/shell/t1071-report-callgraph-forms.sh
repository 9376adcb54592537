#!/bin/bash
# report -g's forms, each equal to perf report 6.1 on the same file: the
# print types (graph, fractal, flat, folded, none), caller and callee
# order, percent/period/count values, the minimum and print limit, -G,
# --max-stack, and --children (perf's default with call graphs: the
# Children and Self columns, a row for every function on a path) against
# --no-children. Files: one workload (not system-wide, so both read the
# same processes) recorded with -g by perf and by pmukvm, and with
# --call-graph dwarf by perf. Whole -q outputs are compared; rows of equal
# overhead, and sibling paths of equal value, may come in either order.
. tests/lib.sh
need_perf

# same OPTIONS...: perf report and pmukvm report print the same on $f
# (tests/shell/lib-callgraph.sh).
. tests/shell/lib-callgraph.sh

# perf's files (compared by comm, perf's default key) are recorded again
# while they hold samples under perf-exec (perf cuts that comm:
# tests/lib.sh, perf_record_no_exec). Every file is recorded again while
# perf splits one of its rows in two (lib-callgraph.sh, perf_splits_rows).
record_unsplit "$TMP/perf.data" perf_record_no_exec "$TMP/perf.data" -q -g -e cpu-clock -- \
	"$TOOLS/mtwork" 2 1500 || fail "perf record -g failed"
record_unsplit "$TMP/ours.data" eval '$PMUKVM record -q -g -o "$TMP/ours.data" -- \
	"$TOOLS/mtwork" 2 1000 >/dev/null 2>&1' || fail "pmukvm record -g failed"
record_unsplit "$TMP/dwarf.data" perf_record_no_exec "$TMP/dwarf.data" -q --call-graph dwarf \
	-e cpu-clock -- "$TOOLS/mtwork" 2 600 || fail "perf record --call-graph dwarf failed"

for f in perf ours dwarf; do
	same -g
	same -g callee
	same -g caller --sort sym
	same -G
	same -g fractal
	same -g flat
	same -g folded
	same -g graph,0,callee
	same -g fractal,0,caller,count
	same -g flat,callee,0,period
	same --call-graph=folded,0,caller
	same -g none
	same --no-children -g
	same --no-children -g callee
	same --no-children -g callee --sort sym
	same --no-children -g fractal,0.5,callee
	same --no-children -g flat
	same --no-children -g folded,callee
	same --no-children -g graph,1,callee,period
done
# perf limits DWARF-unwound paths by its own count: --max-stack on the
# frame-pointer files only.
for f in perf ours; do
	same -g --max-stack 4
	same -g callee,0 --max-stack 3
	same --no-children -g caller --max-stack 5
	same --no-children -g callee --max-stack 1
done

# --children with report's filters and columns: as perf, -F adds no
# Children column and sorts by its own columns (the rows stay, and
# --percent-limit measures Children); --percentage relative takes the
# shown rows' total; --hierarchy turns --children off. (A filter that
# hides some of a path's samples is not compared: which Children rows
# it hides can differ from perf's: see --children in pmukvm-report.txt.)
f=perf
same -g none --children -F overhead,sym
same -g none --children -F overhead,sample,sym --percent-limit 1
same -g none --children --comm mtwork --percentage relative
same -g none --children --comm mtwork --percentage relative -n
same -g none --children --sort sym --percent-limit 0.5
perf report -i "$TMP/perf.data" --stdio -q -g none --children --hierarchy 2>/dev/null |
	sed 's/ *$//' | grep -v '^$' >"$TMP/perf.txt"
$PMUKVM report -i "$TMP/perf.data" --stdio -q -g none --children --hierarchy >"$TMP/out" ||
	fail "report --children --hierarchy failed"
sed 's/ *$//' "$TMP/out" | grep -v '^$' >"$TMP/ours.txt"
[ -s "$TMP/ours.txt" ] && cmp -s "$TMP/perf.txt" "$TMP/ours.txt" ||
	{ diff "$TMP/perf.txt" "$TMP/ours.txt" | head; fail "--children --hierarchy differs from perf"; }
echo "ok: --children --hierarchy as perf's"

# The comparison can fail: another order, another minimum.
f=perf
perf report -i "$TMP/perf.data" --stdio --no-inline -q --no-children -g callee,0 >"$TMP/perf.txt" 2>/dev/null
$PMUKVM report -i "$TMP/perf.data" --stdio -q --no-children -g caller,0 >"$TMP/ours.txt"
cgcmp "$TMP/perf.txt" "$TMP/ours.txt" >/dev/null && fail "callee and caller compare equal"
$PMUKVM report -i "$TMP/perf.data" --stdio -q --no-children -g callee,0.5 >"$TMP/ours.txt"
cgcmp "$TMP/perf.txt" "$TMP/ours.txt" >/dev/null && fail "minimum 0 and 0.5 compare equal"

# The header names Children and Self, as perf's.
perf report -i "$TMP/perf.data" --stdio -g none 2>/dev/null | grep '^# Children' | tr -s ' ' | sed 's/ *$//' >"$TMP/h1"
$PMUKVM report -i "$TMP/perf.data" --stdio -g none | grep '^# Children' | tr -s ' ' | sed 's/ *$//' >"$TMP/h2"
[ -s "$TMP/h1" ] && cmp -s "$TMP/h1" "$TMP/h2" || fail "header: '$(cat "$TMP/h2")', perf: '$(cat "$TMP/h1")'"

# --json -g: each row's Children as perf's column, and every path (of the
# row's own samples with --no-children) as the callee-first paths reversed
# with caller order.
perf report -i "$TMP/perf.data" --stdio --no-inline -q -g none 2>/dev/null |
	awk 'NF { printf "%s %s", $1, $2; for (i = 3; i <= NF; i++) printf " %s", $i; print "" }' |
	sort >"$TMP/want"
$PMUKVM report -i "$TMP/perf.data" --json -g | python3 -c '
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    sym = r["sym"]
    if sym.startswith("0x") or sym.strip("0") == "":
        sym = "%#018x" % int(sym, 16) if int(sym, 16) else "0" * 16
    print("%.2f%% %.2f%% %s %s [%s] %s" % (r["children"], r["overhead"], r["comm"], r["dso"],
                                         r["level"], sym))' | sort >"$TMP/got"
# JSON's four decimals rounded again to two may be 0.01 off perf's.
python3 - "$TMP/want" "$TMP/got" <<'PY' || fail "--json: Children differ"
import sys
def rows(f):
    return sorted((l.split(None, 2)[2], float(l.split()[0][:-1]), float(l.split()[1][:-1]))
                  for l in open(f) if l.strip())
a, b = rows(sys.argv[1]), rows(sys.argv[2])
bad = len(a) != len(b) or any(x[0] != y[0] or abs(x[1] - y[1]) > 0.0101 or
                               abs(x[2] - y[2]) > 0.0101 for x, y in zip(a, b))
if bad:
    print([(x, y) for x, y in zip(a, b) if x != y][:3])
sys.exit(1 if bad or not a else 0)
PY
echo "ok: --json -g: $(wc -l <"$TMP/got") rows' Children and Self as perf's"
$PMUKVM report -i "$TMP/perf.data" --json --no-children -g callee,0 >"$TMP/callee.json"
$PMUKVM report -i "$TMP/perf.data" --json --no-children -g caller,0 >"$TMP/caller.json"
python3 - "$TMP/callee.json" "$TMP/caller.json" <<'PY' || fail "--json: caller paths are not the callee ones reversed"
import collections, json, sys
def paths(f, rev):
    c = collections.Counter()
    for line in open(f):
        r = json.loads(line)
        for p in r['callchains']:
            fr = p['frames'][::-1] if rev else p['frames']
            c[(r['comm'], r['dso'], r['sym'], tuple(fr))] += p['period']
    return c
a, b = paths(sys.argv[1], False), paths(sys.argv[2], True)
print('ok: --json: %d paths' % len(a))
sys.exit(0 if a == b and a else 1)
PY

# Bad arguments: one clear usage error each.
for arg in bogus graph,x graph,0.5,1,2 address 0.5,callee,-1 101; do
	$PMUKVM report -i "$TMP/perf.data" --stdio --call-graph="$arg" >/dev/null 2>"$TMP/err"
	[ $? = 129 ] && grep -q "^pmukvm: .*-g" "$TMP/err" ||
		{ cat "$TMP/err"; fail "--call-graph=$arg: not a usage error"; }
done
$PMUKVM report -i "$TMP/perf.data" --stdio --max-stack x >/dev/null 2>"$TMP/err"
[ $? = 129 ] && grep -q "max-stack" "$TMP/err" || fail "--max-stack x: not a usage error"
# "-g WORD": the word is -g's where it is one of its fields, else an argument.
$PMUKVM report -i "$TMP/perf.data" --stdio -g nonsense >/dev/null 2>"$TMP/err"
[ $? = 129 ] || fail "-g nonsense: not a usage error"
echo "ok: bad -g arguments"

# --children on a file without callchains is quietly off, as in perf.
perf_record_no_exec "$TMP/flat.data" -q -e cpu-clock -- "$TOOLS/hotloop" || fail "perf record failed"
f=flat
same --children
