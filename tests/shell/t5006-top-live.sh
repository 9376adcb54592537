#!/bin/bash
# Live pmukvm top: system-wide and -p, batch and browser, while mtwork
# runs; its functions show up. Without a PMU, cycles falls back to
# cpu-clock with one line that says so.
. tests/lib.sh
. tests/shell/lib-tui.sh
need_perf	# the same kernel support: perf_event_open with cpu-clock

"$TOOLS/mtwork" 2 8000 >/dev/null &
W=$!
trap 'kill $W 2>/dev/null; tmux -S "$TM_SOCK" kill-server >/dev/null 2>&1; rm -rf "$TMP"' EXIT
sleep 0.3

$PMUKVM top --stdio --iterations 2 -d 1 -E 15 >"$TMP/out" 2>"$TMP/err" || { cat "$TMP/err"; fail "live top failed"; }
[ "$(grep -c '^# pmukvm top ' "$TMP/out")" -eq 2 ] || { cat "$TMP/out"; fail "not 2 snapshots"; }
grep -q -E "spin_math|__sin_fma|memmove|memset" "$TMP/out" || { cat "$TMP/out"; fail "no mtwork functions"; }
grep -q -E "^# Samples: [1-9][0-9]* of event '(cycles|cpu-clock)'" "$TMP/out" || fail "no samples header"
if grep -q "of event 'cpu-clock'" "$TMP/out"; then
	[ "$(grep -c "falls back to cpu-clock" "$TMP/err")" -eq 1 ] ||
		{ cat "$TMP/err"; fail "cpu-clock fallback not said exactly once"; }
fi
echo "ok: system-wide: $(grep -m1 '^# Samples' "$TMP/out")"

# -p: only that process.
$PMUKVM top --stdio --iterations 1 -n -d 1 -p $W -s comm >"$TMP/p" 2>/dev/null || fail "top -p failed"
awk '!/^#/ && NF { print $3 }' "$TMP/p" | sort -u >"$TMP/comms"
[ "$(cat "$TMP/comms")" = mtwork ] || { cat "$TMP/p"; fail "-p $W: rows of other commands"; }
echo "ok: -p shows only mtwork"

need_tmux
tui_start "$PMUKVM top -d 0.5 -p $W"
wait_screen "spin_math|__sin_fma|memmove|memset" 10
screen | grep -q -E "^Samples: [1-9][0-9]* of event '.*', [0-9]+ samples/s" || fail "no live header"
keys q
[ "$(wait_exit)" = 0 ] || fail "live browser: q: non-zero exit"
terminal_sane
echo "ok: live browser"
tm kill-server

# Small buffers (8 pages, well under a second of samples): the reader
# thread empties the ring buffers while the help popup waits for a key,
# so the lost count does not move while it is up.
lost_now() { screen | sed -n 's/^Samples: .*lost: \([0-9]*\),.*/\1/p' | head -1; }
tui_start "$PMUKVM top -d 0.5 -m 8 -F 2000"
wait_screen "spin_math|__sin_fma|memmove|memset" 10
sleep 1.2
l0=$(lost_now)
[ -n "$l0" ] || { screen | head -2; fail "no lost count in the header"; }
keys '?'
wait_screen "zero the counts"
sleep 3
keys x
sleep 1.2
l1=$(lost_now)
[ "$l1" = "$l0" ] || { screen | head -2; fail "samples lost while the help was up ($l0 before, $l1 after)"; }
keys q
[ "$(wait_exit)" = 0 ] || fail "live browser (-m 8): q: non-zero exit"
echo "ok: no samples lost behind a popup (lost: $l0 before and after)"
