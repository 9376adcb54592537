#!/bin/bash
# report --tui -g: the browser shows each row's call graph under it, folded
# and unfolded as perf's browser does (Enter and '+' toggle the selected row
# or branch, '-' folds, 'e' a row's whole graph, 'E' every graph, 'C' none),
# and every graph unfolded is, line for line, what report --stdio prints
# for the same file and form (the fold signs aside): caller and callee
# order, --children and --no-children, graph, fractal, flat and folded.
. tests/lib.sh
. tests/shell/lib-tui.sh
tui_cg_setup
TUI_COLS=250
TUI_ROWS=500

# list FILE: the browser's list lines of a screen dump (below the 3 header
# lines, above the status line), trailing blanks cut.
list() { sed -n '4,$p' "$1" | sed '$d' | sed 's/ *$//' | awk 'NF { last = NR } { l[NR] = $0 } END { for (i = 1; i <= last; i++) print l[i] }'; }

# glines: the graph lines of a list (not rows).
glines() { grep -v -E '^[-+ ] +[0-9]+\.[0-9]+% '; }

# tui_norm: the list as --stdio's lines: rows as "ROW pct [pct]", graph
# lines without the 2 columns before them and without their fold signs.
tui_norm() {
	python3 -c '
import re, sys
n = int(sys.argv[1])
for line in sys.stdin.read().split("\n"):
    if not line.strip():
        continue
    body = line[2:]
    if re.match(r"^ {1,4}[0-9]", body):
        print("ROW", " ".join(re.findall(r"[0-9.]+%", body)[:n]))
        continue
    # a fold sign sits in the space before a branch or a flat value
    body = re.sub(r"[+-](?=[| ]--)", " ", body)
    body = re.sub(r"^( {10})[+-](?=[0-9])", r"\1 ", body)
    print(body.rstrip())
' "$1"
}

# stdio_norm N: report --stdio -q's lines likewise, a graph line cut where
# the browser's window cuts it (TUI_COLS, less tui_norm's 2 columns): a
# callchain deeper than usual (a BPF program in clone3's path, say) made
# one folded line longer than the window.
stdio_norm() {
	python3 -c '
import re, sys
n, width = int(sys.argv[1]), int(sys.argv[2]) - 2
for line in sys.stdin.read().split("\n"):
    if not line.strip():
        continue
    if re.match(r"^ {2,6}[0-9]", line):
        print("ROW", " ".join(re.findall(r"[0-9.]+%", line)[:n]))
        continue
    print(line[:width].rstrip())
' "$1" "$TUI_COLS"
}

# The rows with a graph are marked '+' and show nothing below at first.
tui_start "$PMUKVM report -i $TMP/cg.data --tui -g"
wait_screen "^Samples: [0-9]+ of event"
screen >"$TMP/s0"
grep -q "Children      Self" "$TMP/s0" || fail "-g (children): no Children and Self columns"
list "$TMP/s0" >"$TMP/l0"
[ "$(grep -c -E '^\+ ' "$TMP/l0")" -ge 3 ] || { cat "$TMP/l0"; fail "no rows marked '+'"; }
[ -z "$(glines <"$TMP/l0")" ] || fail "graph lines shown before anything was unfolded"
# Enter unfolds the first row: its first level, deeper branches folded.
keys_redraw Enter
screen >"$TMP/s1"; list "$TMP/s1" >"$TMP/l1"
head -1 "$TMP/l1" | grep -q '^- ' || { head -3 "$TMP/l1"; fail "Enter: first row not marked '-'"; }
[ "$(wc -l <"$TMP/l1")" -gt "$(wc -l <"$TMP/l0")" ] || fail "Enter: no graph lines"
keys_redraw Enter
screen >"$TMP/s2"; list "$TMP/s2" >"$TMP/l2"
cmp -s "$TMP/l0" "$TMP/l2" || fail "Enter again: the row did not fold back"
echo "ok: Enter unfolds and folds a row"

# '+' on a branch unfolds it; '-' on a line below folds it again.
$PMUKVM report -i "$TMP/cg.data" --stdio -q -g >"$TMP/callers.txt"
tm kill-server
tui_start "$PMUKVM report -i $TMP/cg.data --tui -g"
wait_screen "^Samples: [0-9]+ of event"
# the first row with a branch that has lines below it
r=$(python3 -c '
import re, sys
r = 0
lines = open(sys.argv[1]).read().split("\n")
for i, line in enumerate(lines):
    if re.match(r"^ {2,6}[0-9]", line):
        r += 1
        continue
    m = re.match(r"^([ |]*)[| ]--[^-]+--", line)
    if not r or not m:
        continue
    j = i + 1
    while j < len(lines) and lines[j].strip() in ("", "|"):
        j += 1
    if j < len(lines) and not re.match(r"^ {2,6}[0-9]", lines[j]) and \
       len(lines[j]) - len(lines[j].lstrip(" |")) > len(m.group(1)) + 3:
        print(r)
        break
' "$TMP/callers.txt")
[ -n "$r" ] || fail "no branch of the graph has lines below it"
for ((i = 1; i < r; i++)); do keys Down; done
keys_redraw +
screen >"$TMP/s3"; list "$TMP/s3" >"$TMP/l3"
n=$(grep -n -E '^  .*[+][| ]--' "$TMP/l3" | head -1 | cut -d: -f1)
n=$((n - r + 1))	# from the row
[ -n "$n" ] || { head -20 "$TMP/l3"; fail "'+': no folded branch under the first row"; }
for ((i = 1; i < n; i++)); do keys Down; done
keys_redraw +
screen >"$TMP/s4"; list "$TMP/s4" >"$TMP/l4"
sed -n "$((n + r - 1))p" "$TMP/l4" | grep -q -E -- '-[| ]--' || fail "'+' on a branch: not marked '-'"
[ "$(wc -l <"$TMP/l4")" -gt "$(wc -l <"$TMP/l3")" ] || fail "'+' on a branch: nothing unfolded"
keys Down
keys_redraw -
screen >"$TMP/s5"; list "$TMP/s5" >"$TMP/l5"
cmp -s "$TMP/l3" "$TMP/l5" || { diff "$TMP/l3" "$TMP/l5" | head; fail "'-' below a branch did not fold it"; }
# 'e' unfolds the whole row; 'C' folds everything.
keys_redraw e
screen >"$TMP/s6"; list "$TMP/s6" >"$TMP/l6"
grep -q -E '^  .*[+][| ]--' <(awk -v r="$r" '/^[-+ ] +[0-9]+\.[0-9]+% / { k++ } k == r' "$TMP/l6") &&
	fail "'e': a branch of the row is still folded"
keys_redraw C
screen >"$TMP/s7"; list "$TMP/s7" >"$TMP/l7"
{ grep -q '^- ' "$TMP/l7" || [ -n "$(glines <"$TMP/l7")" ]; } && fail "'C': something is still unfolded"
keys q
[ "$(wait_exit)" = 0 ] || fail "report --tui -g: non-zero exit"
terminal_sane
echo "ok: '+', '-', 'e' and 'C' fold as perf's browser does"
tm kill-server

# 'E': every graph, equal to --stdio's, in each form.
check_form() {
	local desc=$1 npct=$2; shift 2
	$PMUKVM report -i "$TMP/cg.data" --stdio -q "$@" >"$TMP/stdio.txt" 2>"$TMP/stdio.err" ||
		fail "$desc: report --stdio failed: $(cat "$TMP/stdio.err")"
	tui_start "$PMUKVM report -i $TMP/cg.data --tui $*"
	wait_screen "^Samples: [0-9]+ of event"
	keys_redraw E
	screen >"$TMP/sE"
	keys q
	[ "$(wait_exit)" = 0 ] || fail "$desc: non-zero exit"
	tm kill-server
	list "$TMP/sE" | tui_norm "$npct" >"$TMP/tui.norm"
	stdio_norm "$npct" <"$TMP/stdio.txt" >"$TMP/stdio.norm.all"
	# A window's worth: all of it, or as much as the window shows.
	if [ "$(list "$TMP/sE" | wc -l)" -ge $((TUI_ROWS - 4)) ]; then
		head -n "$(wc -l <"$TMP/tui.norm")" "$TMP/stdio.norm.all" >"$TMP/stdio.norm"
	else
		cp "$TMP/stdio.norm.all" "$TMP/stdio.norm"
	fi
	grep -q -v '^ROW' "$TMP/stdio.norm" || fail "$desc: --stdio printed no graph"
	if ! diff -u "$TMP/stdio.norm" "$TMP/tui.norm" >"$TMP/form.diff"; then
		head -40 "$TMP/form.diff"
		fail "$desc: the browser's graphs differ from --stdio's"
	fi
	echo "ok: $desc: $(grep -c -v '^ROW' "$TMP/stdio.norm") graph lines as --stdio" \
		"(of $(grep -c -v '^ROW' "$TMP/stdio.norm.all"))"
}
check_form "-g (caller, children)" 2 -g
check_form "-g callee --no-children" 1 -g caller,0.5,callee --no-children
check_form "-g fractal --children" 2 -g fractal,0.5,callee --children
check_form "-g graph,2,caller --sort sym" 2 -g graph,2,caller --sort sym
check_form "-g flat" 1 -g flat --no-children
check_form "-g folded" 1 -g folded,1 --no-children
check_form "-G" 2 -G
