#!/bin/bash
# The terminal comes back sane on every way out of the browser: SIGTERM,
# SIGINT sent from outside, SIGSEGV, SIGHUP. A resize (SIGWINCH) redraws
# the screen at the new size.
. tests/lib.sh
. tests/shell/lib-tui.sh
need_tmux
record_mtwork "$TMP/mt.data"

for sig in TERM INT SEGV HUP; do
	tui_start "$PMUKVM top -i $TMP/mt.data --speed 0"
	wait_screen "spin_math"
	pid=$(pgrep -n -f "top -i $TMP/mt.data") || fail "no pmukvm process"
	kill -$sig "$pid"
	rc=$(wait_exit)
	[ "$rc" -eq $((128 + $(kill -l $sig))) ] || fail "SIG$sig: exit $rc, expected death by the signal"
	terminal_sane
	echo "ok: SIG$sig: died of it (exit $rc), terminal restored"
	tm kill-server
done

tui_start "$PMUKVM top -i $TMP/mt.data --speed 0"
wait_screen "spin_math"
tm resize-window -t t -x 70 -y 15
wait_screen "^q quit"
# The status line is the last of 15 rows, no line is wider than 70.
[ "$(screen | wc -l)" -eq 15 ] || fail "resize: $(screen | wc -l) rows"
screen | sed -n 15p | grep -q "^q quit" || fail "resize: status line not on row 15"
screen | awk 'length > 70 { bad = 1 } END { exit bad }' || fail "resize: lines wider than 70"
tm resize-window -t t -x 120 -y 40
wait_screen "decay 7/8  \[replay"
screen | sed -n 40p | grep -q "^q quit" || fail "resize back: status line not on row 40"
echo "ok: SIGWINCH redraws at 70x15 and back at 120x40"
keys q
[ "$(wait_exit)" = 0 ] || fail "q after resize"
terminal_sane
