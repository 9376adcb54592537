#!/bin/bash
# A record killed outright (SIGKILL, no chance to finish) leaves a file
# that both pmukvm report and perf report read up to the last header sync.
. tests/lib.sh
need_perf
"$TOOLS/mtwork" 2 4000 &
work=$!
$PMUKVM record -a -e cpu-clock -q -o "$TMP/k.data" &
rec=$!
sleep 2.5
kill -9 $rec
wait $rec 2>/dev/null
kill $work 2>/dev/null; wait $work 2>/dev/null
[ -s "$TMP/k.data" ] || fail "nothing left on disk"
n=$($PMUKVM report -i "$TMP/k.data" --stdio 2>"$TMP/err" | awk '/^# Samples:/ { print $3 }')
[ "${n:-0}" -gt 0 ] || { cat "$TMP/err"; fail "pmukvm report cannot read the killed recording"; }
p=$(perf report -i "$TMP/k.data" --stdio -n --sort dso -t '|' 2>/dev/null | grep -v '^#' |
	awk -F'|' 'NF > 2 { s += $2 } END { print s }')
[ "$n" = "$p" ] || fail "pmukvm counts $n samples, perf $p"
echo "killed recording: $n samples readable by both"
