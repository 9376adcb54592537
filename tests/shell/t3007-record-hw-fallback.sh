#!/bin/bash
# without a hardware PMU, hardware events become cpu-clock, said in ONE line.
. tests/shell/lib-record.sh

[ -e /sys/bus/event_source/devices/cpu ] && skip "this host has a core PMU"
"$PMUKVM" --host record -e cycles,instructions -o "$TMP/hw.data" -- "$HOTLOOP" 100000000 \
	2>"$TMP/err" || { cat "$TMP/err"; fail "record failed"; }
[ "$(grep -c 'fall.* back to cpu-clock' "$TMP/err")" -eq 1 ] || { cat "$TMP/err"; fail "not one fallback line"; }
grep -q 'cycles,instructions fall back to cpu-clock' "$TMP/err" || { cat "$TMP/err"; fail "fallback line does not name the events"; }
[ "$("$PERF" evlist -i "$TMP/hw.data" 2>/dev/null)" = cpu-clock ] || fail "not one cpu-clock event"
# -q keeps it quiet.
"$PMUKVM" --host record -q -e cycles -o "$TMP/hw2.data" -- "$HOTLOOP" 1000 2>"$TMP/err2" || fail "record -q failed"
[ -s "$TMP/err2" ] && { cat "$TMP/err2"; fail "-q printed something"; }
exit 0
