#!/bin/bash
# Live pmukvm top: system-wide and -p, batch and browser, while mtwork
# runs; its functions show up. Without a PMU, cycles falls back to
# cpu-clock with one line that says so.
. tests/lib.sh
. tests/shell/lib-tui.sh
need_perf	# the same kernel support: perf_event_open with cpu-clock

# It outlives the test (stopped at exit): -p needs it there to the end,
# however slowly the machine gets through what comes before.
"$TOOLS/mtwork" 2 600000 >/dev/null &
W=$!
at_exit 'kill $W'
wait_comm $W mtwork

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
wait_screen "spin_math|__sin_fma|memmove|memset" 30
screen | grep -q -E "^Samples: [1-9][0-9]* of event '.*', [0-9]+ samples/s" || fail "no live header"
keys q
[ "$(wait_exit)" = 0 ] || fail "live browser: q: non-zero exit"
terminal_sane
echo "ok: live browser"
tm kill-server

# Small buffers (8 pages, a third of a second of samples): the reader
# thread empties the ring buffers while the help popup waits for a key.
# Were they read only between keys, all that was sampled while the help
# was up would be lost; a reader thread starved by a loaded machine can
# let a full buffer lose a little, so the check is on the share lost.
lost_now() { screen | sed -n 's/^Samples: .*lost: \([0-9]*\),.*/\1/p' | head -1; }
rate_now() { screen | sed -n 's/^Samples: .*, \([0-9]*\) samples\/s,.*/\1/p' | head -1; }
tui_start "$PMUKVM top -d 0.5 -m 8 -F 2000"
wait_screen "spin_math|__sin_fma|memmove|memset" 30
sleep 1.2
l0=$(lost_now) r0=$(rate_now)
[ -n "$l0" ] || { screen | head -2; fail "no lost count in the header"; }
[ "${r0:-0}" -gt 0 ] || { screen | head -2; fail "no rate in the header"; }
s=$(date +%s%N)
keys '?'
wait_screen "zero the counts"
sleep 3
keys x
sleep 1.2
l1=$(lost_now)
ms=$(( ($(date +%s%N) - s) / 1000000 ))
taken=$(( r0 * ms / 1000 ))
[ $(( (l1 - l0) * 4 )) -lt "$taken" ] || { screen | head -2
	fail "samples lost while the help was up: $((l1 - l0)) of about $taken ($l0 before, $l1 after)"; }
keys q
[ "$(wait_exit)" = 0 ] || fail "live browser (-m 8): q: non-zero exit"
echo "ok: samples kept behind a popup (lost $((l1 - l0)) of about $taken in $ms ms)"
