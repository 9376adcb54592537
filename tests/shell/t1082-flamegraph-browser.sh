#!/bin/bash
# report --flamegraph in a real browser (Debian's chromium-headless-shell):
# the script runs (its frames carry labels), a link's search (?s=) marks
# the matching frames and says their share, a zoom (?z=) widens a frame to
# the full width and hides what is not above or below it, and the
# screenshot is a picture, not a blank page.
. tests/lib.sh
need_perf
B=$(command -v chromium-headless-shell || command -v chromium) ||
	skip "chromium-headless-shell is not installed"

perf record -q -g -e cpu-clock -o "$TMP/fp.data" -- "$TOOLS/mtwork" 2 600 >/dev/null 2>&1 ||
	fail "perf record -g failed"
$PMUKVM report -i "$TMP/fp.data" --flamegraph "$TMP/fp.svg" --folded >"$TMP/fp.folded" ||
	fail "--flamegraph failed"
H=$(sed -n 's/.*<svg [^>]* height="\([0-9]*\)".*/\1/p' "$TMP/fp.svg" | head -1)
[ -n "$H" ] || fail "no height in the SVG"
browse() {	# browse OUT URL-SUFFIX [extra flags]
	local out=$1 q=$2; shift 2
	timeout 120 "$B" --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--window-size=1200,"$H" --virtual-time-budget=5000 "$@" "file://$TMP/fp.svg$q" \
		>"$out" 2>"$TMP/browser.err"
}
browse "$TMP/dom" "" --dump-dom || { tail -5 "$TMP/browser.err"; fail "the browser failed"; }
grep -q 'data-ready="1"' "$TMP/dom" || fail "the script did not run to its end"

# dom.py DOM FOLDED [SEARCH] [ZOOM]: what the script left in the page.
cat >"$TMP/dom.py" <<'PY'
import collections, re, sys
dom = open(sys.argv[1]).read()
search = sys.argv[3] if len(sys.argv) > 3 else ''
zoom = sys.argv[4] if len(sys.argv) > 4 else ''
frames = re.findall(r'<g class="f[^"]*" ([^>]*)><title>(.*?) \((\d+) samples, [0-9.]+%\)</title>'
                    r'<rect ([^>]*)>(?:</rect>)?<text ([^>]*?)(?:/>|>([^<]*)</text>)</g>', dom)
assert len(frames) == dom.count('<g class="f'), 'frames not all read'
assert frames, 'no frames in the page'
total = sum(int(l.rsplit(' ', 1)[1]) for l in open(sys.argv[2]))
def attr(s, k):
    m = re.search(k + r'="([^"]*)"', s)
    return m.group(1) if m else None
labelled = shown = 0
for g, name, n, rect, text, label in frames:
    hidden = 'display: none' in (attr(g, 'style') or '')
    if hidden:
        continue
    shown += 1
    w = float(attr(rect, 'width'))
    if label:
        labelled += 1
        assert name.startswith(label.rstrip('.')), (name, label)
    elif w > 60 and not zoom:
        raise AssertionError('wide frame without a label: %s' % name)
    if search:
        marked = attr(rect, 'fill') == 'rgb(230,0,230)'
        assert marked == bool(re.search(search, name)), (name, attr(rect, 'fill'))
if search:
    m = re.search(r'<text id="matched"[^>]*>Matched: ([0-9.]+)%</text>', dom)
    assert m, 'no Matched: line'
    # Samples whose stack has a matching frame (counted once).
    want = sum(int(l.rsplit(' ', 1)[1]) for l in open(sys.argv[2])
               if any(re.search(search, f) for f in l.rsplit(' ', 1)[0].split(';')))
    assert abs(float(m.group(1)) - 100.0 * want / total) < 0.006, (m.group(1), want, total)
if zoom:
    z = [f for f in frames if f[1] == zoom and 'display: none' not in (attr(f[0], 'style') or '')
         and 'anc' not in f[0]]
    assert z, 'zoomed frame not shown'
    assert abs(float(attr(z[0][3], 'width')) - 1180) < 0.01, attr(z[0][3], 'width')
    assert shown < len(frames), 'zoom hid nothing'
print('%d frames, %d shown, %d labelled' % (len(frames), shown, labelled))
PY
python3 "$TMP/dom.py" "$TMP/dom" "$TMP/fp.folded" >"$TMP/out" || { cat "$TMP/out"; fail "page after load"; }
echo "ok: loaded: $(cat "$TMP/out")"
browse "$TMP/dom" "?s=mem" --dump-dom || fail "the browser failed (search)"
python3 "$TMP/dom.py" "$TMP/dom" "$TMP/fp.folded" mem >"$TMP/out" || { cat "$TMP/out"; fail "search"; }
echo "ok: search: $(cat "$TMP/out")"
browse "$TMP/dom" "?z=spin_math" --dump-dom || fail "the browser failed (zoom)"
python3 "$TMP/dom.py" "$TMP/dom" "$TMP/fp.folded" "" spin_math >"$TMP/out" || { cat "$TMP/out"; fail "zoom"; }
echo "ok: zoom: $(cat "$TMP/out")"

browse /dev/null "" --screenshot="$TMP/shot.png" || fail "the browser failed (screenshot)"
read -r w h colours < <(python3 tests/shell/lib-png.py "$TMP/shot.png") || fail "cannot read the PNG"
[ "$w" = 1200 ] && [ "$h" = "$H" ] || fail "screenshot is ${w}x$h, expected 1200x$H"
[ "$colours" -ge 20 ] || fail "screenshot has $colours colours: blank?"
echo "ok: screenshot ${w}x$h, $colours colours"
