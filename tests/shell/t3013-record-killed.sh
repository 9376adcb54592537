#!/bin/bash
# A record killed outright (SIGKILL, no chance to finish) leaves a file
# that both pmukvm report and perf report read up to the last header sync.
# The recording is --host: plain perf report leaves guest-mode samples out
# of its rows while pmukvm report counts them, and cpu-clock takes them
# whenever a KVM guest runs on the host (the flake where the two counted
# 16569 and 16568). A tiny guest runs alongside where /dev/kvm works, so
# record must leave them out itself.
. tests/lib.sh
need_perf
"$TOOLS/mtwork" 2 4000 &
work=$!
vm=
if "$TOOLS/tinyvm" 10 >/dev/null 2>&1; then
	"$TOOLS/tinyvm" 4000 >/dev/null 2>&1 &
	vm=$!
fi
$PMUKVM --host record -a -e cpu-clock -F 10000 -q -o "$TMP/k.data" &
rec=$!
sleep 2.5
kill -9 $rec
wait $rec 2>/dev/null
kill $work $vm 2>/dev/null; wait $work $vm 2>/dev/null
[ -s "$TMP/k.data" ] || fail "nothing left on disk"
n=$($PMUKVM report -i "$TMP/k.data" --stdio 2>"$TMP/err" | awk '/^# Samples:/ { print $3 }')
[ "${n:-0}" -gt 0 ] || { cat "$TMP/err"; fail "pmukvm report cannot read the killed recording"; }
p=$(perf report -i "$TMP/k.data" --stdio -n --sort dso -t '|' 2>/dev/null | grep -v '^#' |
	awk -F'|' 'NF > 2 { s += $2 } END { print s }')
[ "$n" = "$p" ] || {
	$PMUKVM report -i "$TMP/k.data" -D | grep ' SAMPLE ' | grep -v 'cpumode [12] ' | head
	fail "pmukvm counts $n samples, perf $p"; }
echo "killed recording: $n samples readable by both"
