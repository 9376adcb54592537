#!/bin/bash
# report --folded and --flamegraph with C++ function names longer than any
# line buffer: a function of a 3,000-character name called by one of
# 1,500, each whole in the folded stacks, as FlameGraph's
# stackcollapse-perf.pl makes them of perf script's output
# (tests/shell/lib-collapse.py), and whole in the flame graph's titles.
# perf 6.1 leaves C++ names this long mangled, so the names are the
# mangled ones ("_ZN700n_aaa...789g_bbb...Ev"). The folded names used to
# be cut at 1 KiB.
. tests/lib.sh
need_perf
command -v g++ >/dev/null || skip "no g++"

# In namespace n_A (700 characters): g_B, mangled in 1,500 characters,
# calls f_C, mangled in 3,000.
ns=n_$(printf 'a%.0s' $(seq 698))
caller=g_$(printf 'b%.0s' $(seq 787))
callee=f_$(printf 'c%.0s' $(seq 2286))
want_caller=_ZN700${ns}789${caller}Ev
want_callee=_ZN700${ns}2288${callee}Ev
[ ${#want_caller} = 1500 ] && [ ${#want_callee} = 3000 ] || fail "name lengths are wrong"
cat >"$TMP/long.cc" <<SRC
static volatile double s;
namespace $ns {
__attribute__((noinline)) void $callee()
{
	for (int i = 0; i < 20000000; i++)
		s += i * 0.5;
}
__attribute__((noinline)) void $caller()
{
	$callee();
	s += 1;	/* not a tail call: the caller stays on the stack */
}
}
int main()
{
	for (int k = 0; k < 6; k++)
		$ns::$caller();
	return 0;
}
SRC
g++ -O0 -fno-omit-frame-pointer -o "$TMP/long" "$TMP/long.cc" || fail "g++ failed"
nm "$TMP/long" | grep -qF " $want_callee" || fail "g++ mangled the callee otherwise: cannot compare"
perf record -q -g -e cpu-clock -o "$TMP/long.data" -- "$TMP/long" >/dev/null 2>&1 ||
	fail "perf record -g failed"

perf script -i "$TMP/long.data" --no-inline 2>/dev/null | python3 tests/shell/lib-collapse.py \
	>"$TMP/want" || fail "perf script | collapse failed"
grep -qF "$want_caller;$want_callee " "$TMP/want" ||
	{ cut -c1-200 "$TMP/want"; fail "perf script's stacks do not hold both names whole: cannot compare"; }
$PMUKVM report -i "$TMP/long.data" --folded --flamegraph "$TMP/long.svg" >"$TMP/got" 2>"$TMP/err" ||
	{ cat "$TMP/err"; fail "report --folded --flamegraph failed"; }
if ! cmp -s "$TMP/want" "$TMP/got"; then
	diff "$TMP/want" "$TMP/got" | cut -c1-200 | head -20
	fail "folded stacks differ from perf script | stackcollapse"
fi
echo "ok: --folded: $(wc -l <"$TMP/got") stacks as perf script | stackcollapse, names whole"

# The flame graph's frames are titled by the whole names.
python3 - "$TMP/long.svg" "$want_caller" "$want_callee" <<'PY' || fail "--flamegraph: a name is not whole"
import re, sys, xml.etree.ElementTree as ET
NS = '{http://www.w3.org/2000/svg}'
root = ET.parse(sys.argv[1]).getroot()
names = set()
for g in root.iter(NS + 'g'):
    if g.get('class') == 'f':
        names.add(re.fullmatch(r'(.*) \(\d+ samples, [0-9.]+%\)', g.find(NS + 'title').text).group(1))
missing = [n[:40] for n in sys.argv[2:] if n not in names]
if missing:
    print('missing:', missing)
sys.exit(1 if missing else 0)
PY
echo "ok: --flamegraph: both names whole in the frames' titles"

# report --stdio prints them whole too, as perf report does (the rows'
# cells were cut at 1 KiB), with every column sized from the longest.
for keys in sym dso,sym comm,sym; do
	perf report -i "$TMP/long.data" --stdio -q --no-children -g none --sort "$keys" 2>/dev/null |
		grep . >"$TMP/perf.rows"
	$PMUKVM report -i "$TMP/long.data" --stdio -q --no-children -g none --sort "$keys" 2>"$TMP/err" |
		grep . >"$TMP/ours.rows" || { cat "$TMP/err"; fail "report --sort $keys failed"; }
	grep -qF "$want_callee" "$TMP/perf.rows" || fail "perf report does not print the name whole: cannot compare"
	cmp -s "$TMP/perf.rows" "$TMP/ours.rows" ||
		{ diff "$TMP/perf.rows" "$TMP/ours.rows" | cut -c1-200 | head; fail "--stdio --sort $keys: rows differ from perf report's"; }
done
$PMUKVM report -i "$TMP/long.data" --stdio --json >"$TMP/json" || fail "report --json failed"
python3 -c 'import json, sys
names = {r.get("sym", "") for r in (json.loads(l) for l in open(sys.argv[1]) if l.strip())}
sys.exit(0 if any(sys.argv[2] in n for n in names) else 1)' "$TMP/json" "$want_callee" ||
	{ head -c 600 "$TMP/json"; fail "--json: the name is not whole"; }
$PMUKVM report -i "$TMP/long.data" --stdio --hierarchy | grep -qF "$want_callee" ||
	fail "--hierarchy: the name is not whole"
echo "ok: --stdio (3 sorts, as perf's), --json and --hierarchy print the names whole"
