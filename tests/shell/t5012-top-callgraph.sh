#!/bin/bash
# top -g: call graphs in top, as report -g --no-children draws them. A
# replay without decay ends on the file's rows: the batch snapshot prints
# each row's graph as report --stdio does, and the browser, every graph
# unfolded (E), shows the same lines. Live, callchains are sampled (the
# graphs of a running workload appear). A file without callchains is an
# error.
. tests/lib.sh
. tests/shell/lib-tui.sh
tui_cg_setup
perf record -q -e cpu-clock -o "$TMP/flat.data" -- "$TOOLS/hotloop" >/dev/null 2>&1 ||
	fail "perf record failed"
REPORT=(report -i "$TMP/cg.data" --stdio -q -g caller,0.5,callee --no-children --sort mode,dso,sym)
$PMUKVM "${REPORT[@]}" >"$TMP/report.txt" 2>"$TMP/err" || { cat "$TMP/err"; fail "report -g failed"; }
grep -q -E -- '---|--[0-9.]+%--' "$TMP/report.txt" || fail "report -g printed no graph"

# Batch: one snapshot at the end (the interval is longer than the file).
$PMUKVM top -i "$TMP/cg.data" -g --stdio --no-decay --speed 0 -d 1000 -E 0 >"$TMP/top.txt" \
	2>"$TMP/err" || { cat "$TMP/err"; fail "top -g --stdio failed"; }
[ "$(grep -c '^# pmukvm top ' "$TMP/top.txt")" = 1 ] || fail "not one snapshot"
grep -v '^#' "$TMP/top.txt" | grep . >"$TMP/top.rows"
grep . "$TMP/report.txt" >"$TMP/report.rows"
diff -u "$TMP/report.rows" "$TMP/top.rows" >"$TMP/diff" ||
	{ head -30 "$TMP/diff"; fail "top -g's snapshot differs from report -g's rows and graphs"; }
echo "ok: top -g --stdio: $(grep -c -v '^ *[0-9]' "$TMP/top.rows") graph lines as report -g"

# Browser: every graph unfolded, the same lines.
TUI_COLS=250 TUI_ROWS=500
cat >"$TMP/cmp.py" <<'PY'
import re, sys
scr = open(sys.argv[1]).read().split('\n')[3:]
while scr and not scr[-1].strip():
    scr.pop()
scr = scr[:-1]		# the status line
got = []
for line in scr:
    if not line.strip():
        continue
    body = line[2:].rstrip()
    if re.match(r'^ {1,4}[0-9]', body):
        got.append('ROW ' + re.findall(r'[0-9.]+%', body)[0])
        continue
    got.append(re.sub(r'[+-](?=[| ]--)', ' ', body))
want = []
for line in open(sys.argv[2]).read().split('\n'):
    if not line.strip():
        continue
    if re.match(r'^ {2,6}[0-9]', line):
        want.append('ROW ' + re.findall(r'[0-9.]+%', line)[0])
    else:
        want.append(line.rstrip())
want = want[:len(got)] if len(scr) >= 490 else want
if got != want:
    for i, (a, b) in enumerate(zip(want, got)):
        if a != b:
            print('line %d: report %r, top %r' % (i, a, b))
            break
    print('%d lines, %d lines' % (len(want), len(got)))
    sys.exit(1)
print('ok: top -g browser (E): %d lines as report -g' % len(got))
PY
tui_start "$PMUKVM top -i $TMP/cg.data -g --no-decay --speed 0 -d 1000"
wait_screen "ended" 30
keys E
# The screen once top has redrawn it after E (when depends on the load),
# or the last one seen in 30 s.
browser_as_report() { screen >"$TMP/s" && python3 "$TMP/cmp.py" "$TMP/s" "$TMP/report.txt" >"$TMP/cmp.out"; }
poll_until 30 browser_as_report || { cat "$TMP/cmp.out"; fail "top -g's browser differs from report -g"; }
cat "$TMP/cmp.out"
keys q
[ "$(wait_exit 30)" = 0 ] || fail "top -g: non-zero exit"
terminal_sane
tm kill-server

# With decay: the browser keeps its own trees while the rows decay and
# refresh under it (unfolded, moving through them); it ends cleanly.
tui_start "$PMUKVM top -i $TMP/cg.data -g --speed 0.5 -d 0.1"
wait_screen "^Samples: [0-9]+ of event" 30
keys E
for k in Down Down Enter + Down - e PgDn End Home E C E; do keys "$k"; done
wait_screen "ended" 30
keys q
[ "$(wait_exit 30)" = 0 ] || fail "top -g with decay: non-zero exit"
terminal_sane
echo "ok: top -g: unfolded graphs through decaying refreshes"
tm kill-server

# Live: callchains sampled from a running workload.
# (mtwork would run 10 minutes: it is killed after; top starts once its
# threads run, whenever that is on a loaded machine.)
"$TOOLS/mtwork" 2 600000 >/dev/null &
W=$!
at_exit "kill $W"
wait_comm $W mtwork
wait_cpu $W 5
$PMUKVM top -g --stdio --iterations 2 -d 1 -p $W -E 5 >"$TMP/live" 2>"$TMP/err" ||
	{ cat "$TMP/err"; fail "live top -g failed"; }
grep -q -E -- '---__(memmove|memset)|---spin_|---__sin' "$TMP/live" ||
	{ head -40 "$TMP/live"; fail "live top -g: no graph under mtwork's rows"; }
echo "ok: live top -g: graphs under the workload's rows"
kill $W 2>/dev/null

expect_clean_error "top -g on a file without callchains" \
	$PMUKVM top -i "$TMP/flat.data" -g --stdio --speed 0
grep -q "no callchains" "$TMP/err" || fail "the message does not say why"
