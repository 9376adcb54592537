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
# The workloads outlast any start-up of record; they are stopped after it.
"$TOOLS/mtwork" 2 60000 &
work=$!
vm=
if "$TOOLS/tinyvm" 10 >/dev/null 2>&1; then
	"$TOOLS/tinyvm" 60000 >/dev/null 2>&1 &
	vm=$!
fi
$PMUKVM --host record -a -e cpu-clock -F 10000 -q -o "$TMP/k.data" &
rec=$!
# Killed once samples are on disk, and a second later, mid-stream: how
# long record takes to get there (-a walks every process's maps first)
# depends on the machine and its load; a fixed sleep killed it before it
# had written anything on a loaded one.
samples() { $PMUKVM report -i "$TMP/k.data" --stdio 2>/dev/null | awk '/^# Samples:/ { print $3 }'; }
end=$((SECONDS + 60))
# (a file past its header, a few hundred bytes, is a cheaper look first)
until [ "$(stat -c %s "$TMP/k.data" 2>/dev/null || echo 0)" -gt 1024 ] && [ "$(samples)" -gt 0 ] 2>/dev/null; do
	kill -0 $rec 2>/dev/null || { kill $work $vm 2>/dev/null; fail "record exited before it was killed"; }
	[ $SECONDS -lt $end ] || { kill -9 $rec $work $vm 2>/dev/null
		$PMUKVM report -i "$TMP/k.data" --stdio 2>&1 >/dev/null | head -5
		fail "no samples readable in 60 s of recording"; }
	sleep 0.2
done
t=$SECONDS
sleep 1
kill -9 $rec
wait $rec 2>/dev/null
kill $work $vm 2>/dev/null; wait $work $vm 2>/dev/null
[ -s "$TMP/k.data" ] || fail "nothing left on disk"
n=$($PMUKVM report -i "$TMP/k.data" --stdio 2>"$TMP/err" | awk '/^# Samples:/ { print $3 }')
[ -n "$n" ] || { cat "$TMP/err"; fail "pmukvm report cannot read the killed recording"; }
[ "$n" -gt 0 ] || fail "pmukvm report reads no samples in the killed recording"
p=$(perf report -i "$TMP/k.data" --stdio -n --sort dso -t '|' 2>/dev/null | grep -v '^#' |
	awk -F'|' 'NF > 2 { s += $2 } END { print s }')
[ "$n" = "$p" ] || {
	$PMUKVM report -i "$TMP/k.data" -D | grep ' SAMPLE ' | grep -v 'cpumode [12] ' | head
	fail "pmukvm counts $n samples, perf $p"; }
echo "killed recording (samples on disk after ${t} s): $n samples readable by both"
