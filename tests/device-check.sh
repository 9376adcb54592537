#!/bin/bash
# Live check for another host (not part of the suite): PMU, /dev/kvm,
# record/report, and a tiny KVM guest. D holds static builds of pmukvm,
# mtwork and tinyvm; OUT is where data files go. How they were built and
# what it printed: Documentation/live-checks.md.
D=${D:-$(dirname "$0")}
OUT=${OUT:-/tmp}
echo "== host"; uname -r; nproc; ls -la /dev/kvm 2>&1; cat /proc/sys/kernel/perf_event_paranoid
ls /sys/bus/event_source/devices; grep -m1 "model name" /proc/cpuinfo
echo "== check"; $D/pmukvm check; echo "check rc=$?"
echo "== record cycles system-wide with a workload"
$D/mtwork 2 2500 & sleep 0.2
$D/pmukvm record -a -e cycles --duration 1.5 -o $OUT/host.data; echo "record rc=$?"
wait
$D/pmukvm report -i $OUT/host.data --stdio -n --percent-limit 2 | head -25
echo "== tiny KVM guest"
$D/tinyvm 10; rc=$?; echo "tinyvm probe rc=$rc"
if [ $rc -eq 0 ]; then
	$D/tinyvm 3000 & sleep 0.3
	$D/pmukvm --host --guest record -a -e cycles --duration 1.5 -o $OUT/kvm.data; echo "record rc=$?"
	wait
	$D/pmukvm --host --guest report -i $OUT/kvm.data --stdio --sort mode,comm -n | head -20
	$D/pmukvm --host --guest report -i $OUT/kvm.data -D | grep -c "cpumode 4"
	$D/pmukvm --host --guest report -i $OUT/kvm.data -D | grep "cpumode 4" | head -3
fi
