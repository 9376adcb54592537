#!/bin/bash
# report --flamegraph: one SVG file that is well-formed XML, needs nothing
# from the network, and holds every frame of the folded stacks (as wide as
# its inclusive samples, its <title> naming the function, the samples and
# the share); guest frames coloured apart from host frames; the same
# bytes from one file each time.
. tests/lib.sh
. tests/shell/lib-guest.sh
need_perf

perf record -q -g -e cpu-clock -o "$TMP/fp.data" -- "$TOOLS/mtwork" 2 600 >/dev/null 2>&1 ||
	fail "perf record -g failed"
$PMUKVM report -i "$TMP/fp.data" --flamegraph "$TMP/fp.svg" --folded >"$TMP/fp.folded" \
	2>"$TMP/err" || { cat "$TMP/err"; fail "--flamegraph failed"; }

# check.py SVG FOLDED: each frame's count is its path's inclusive count in
# the folded stacks; every path at least 0.1 px wide at full size is drawn.
cat >"$TMP/check.py" <<'PY'
import collections, re, sys, xml.etree.ElementTree as ET
NS = '{http://www.w3.org/2000/svg}'
root = ET.parse(sys.argv[1]).getroot()
assert not re.search(r'(src|href)\s*=\s*"https?:', open(sys.argv[1]).read()), 'network reference'
incl, total = collections.Counter(), 0
for line in open(sys.argv[2]):
    stack, n = line.rstrip('\n').rsplit(' ', 1)
    parts = stack.split(';')
    total += int(n)
    for i in range(1, len(parts) + 1):
        incl[tuple(parts[:i])] += int(n)
width = float(root.get('data-w'))
frames = []
for g in root.iter(NS + 'g'):
    if g.get('class') != 'f':
        continue
    title = g.find(NS + 'title').text
    m = re.fullmatch(r'(.*) \((\d+) samples, ([0-9.]+)%\)', title)
    assert m, title
    s, n, d = int(g.get('data-s')), int(g.get('data-n')), int(g.get('data-d'))
    assert int(m.group(2)) == n, title
    assert abs(float(m.group(3)) - 100.0 * n / total) < 0.006, title
    rect = g.find(NS + 'rect')
    assert abs(float(rect.get('width')) - n * width / total) < 0.01, title
    frames.append((d, s, n, m.group(1), g.get('data-k'), rect.get('fill')))
# Paths: a frame's parent is the frame one level down that spans it.
by_depth = collections.defaultdict(list)
for f in frames:
    by_depth[f[0]].append(f)
paths = {}
for f in sorted(frames):
    d, s, n, name = f[:4]
    if d == 0:
        paths[f] = (name,)
        continue
    parent = [p for p in by_depth[d - 1] if p[1] <= s and s + n <= p[1] + p[2]]
    assert len(parent) == 1, f
    paths[f] = paths[parent[0]] + (name,)
drawn = collections.Counter()
for f, p in paths.items():
    drawn[p] += f[2]
for p, n in incl.items():
    if n * width / total >= 0.1:
        assert drawn[p] == n, (p, n, drawn[p])
assert set(drawn) <= set(incl), set(drawn) - set(incl)
kinds = collections.Counter(f[4] for f in frames)
print('%d frames, %d samples, kinds %s' % (len(frames), total, dict(kinds)))
for f in frames:
    r, g, b = map(int, re.fullmatch(r'rgb\((\d+),(\d+),(\d+)\)', f[5]).groups())
    if f[4].startswith('guest'):
        assert b > r, f
    elif f[4].startswith('host'):
        assert r > b, f
PY
python3 "$TMP/check.py" "$TMP/fp.svg" "$TMP/fp.folded" >"$TMP/out" ||
	{ cat "$TMP/out"; fail "fp: the flame graph does not match the folded stacks"; }
echo "ok: fp: $(cat "$TMP/out")"

# The same file gives the same bytes: colours do not change between runs.
$PMUKVM report -i "$TMP/fp.data" --flamegraph "$TMP/fp2.svg" 2>"$TMP/err" ||
	{ cat "$TMP/err"; fail "--flamegraph (again) failed"; }
cmp -s "$TMP/fp.svg" "$TMP/fp2.svg" ||
	fail "fp: two runs on one file drew different flame graphs: $(diff "$TMP/fp.svg" \
		"$TMP/fp2.svg" | head -4)"
echo "ok: fp: the same flame graph twice"

# Guest samples: guest kernel frames cool, host frames warm.
if guest_fixture; then
	$G -o "$TMP/g.data" --carry-files --seed 5 --guest "0:$K:$M" >/dev/null ||
		fail "mkguestdata failed"
	$PMUKVM --guest --host report -i "$TMP/g.data" --flamegraph "$TMP/g.svg" --folded \
		>"$TMP/g.folded" 2>"$TMP/err" || { cat "$TMP/err"; fail "guest --flamegraph failed"; }
	python3 "$TMP/check.py" "$TMP/g.svg" "$TMP/g.folded" >"$TMP/out" ||
		{ cat "$TMP/out"; fail "guest: the flame graph does not match"; }
	grep -q "guest kernel" "$TMP/out" && grep -q "host" "$TMP/out" ||
		fail "guest: no guest or no host frames: $(cat "$TMP/out")"
	echo "ok: guest: $(cat "$TMP/out")"
fi

# Names that need escaping stay well-formed: a command named a<b>&"c'.
mkdir "$TMP/bin" && cp "$TOOLS/hotloop" "$TMP/bin/a<b>&\"c'"
perf record -q -e cpu-clock -o "$TMP/c.data" -- "$TMP/bin/a<b>&\"c'" 50000000 >/dev/null 2>&1 ||
	fail "perf record (odd command name) failed"
$PMUKVM report -i "$TMP/c.data" --flamegraph "$TMP/c.svg" --folded >"$TMP/c.folded" ||
	fail "--flamegraph (odd command name) failed"
grep -q "^a<b>&\"c'" "$TMP/c.folded" || fail "the odd command name is not in the stacks"
python3 "$TMP/check.py" "$TMP/c.svg" "$TMP/c.folded" >"$TMP/out" ||
	{ cat "$TMP/out"; fail "escaping: not well-formed or wrong"; }
echo "ok: escaping: $(cat "$TMP/out")"
