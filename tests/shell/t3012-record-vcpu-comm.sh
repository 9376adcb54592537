#!/bin/bash
# QEMU-like vCPU thread names ("CPU <n>/KVM") reach the file as COMM records.
. tests/shell/lib-record.sh
. tests/lib-wait.sh
command -v python3 >/dev/null || skip "no python3 to make a threaded process"

python3 - <<'PY' &
import os, threading, time
def vcpu(n):
    with open('/proc/self/task/%d/comm' % threading.get_native_id(), 'w') as f:
        f.write('CPU %d/KVM' % n)
    time.sleep(30)
for n in range(2):
    threading.Thread(target=vcpu, args=(n,), daemon=True).start()
time.sleep(30)
PY
qemu=$!
trap 'kill $qemu 2>/dev/null; rm -rf "$TMP"' EXIT
# Recorded once both threads are named: after 5 s of polling it went on
# regardless, and a loaded machine's python may take longer to get there.
vcpus_named() { [ "$(grep -l -x 'CPU [01]/KVM' /proc/$qemu/task/*/comm 2>/dev/null | wc -l)" = 2 ]; }
wait_until 60 "python's threads named 'CPU 0/KVM' and 'CPU 1/KVM'" vcpus_named
"$PMUKVM" --host record -q -e cpu-clock -p $qemu -o "$TMP/q.data" --duration 0.2 || fail "record -p failed"
"$PERF" script -D -i "$TMP/q.data" 2>/dev/null | grep 'PERF_RECORD_COMM' >"$TMP/comm"
for n in 0 1; do
	grep -q "PERF_RECORD_COMM: CPU $n/KVM:$qemu/[0-9]*$" "$TMP/comm" || { cat "$TMP/comm"; fail "no COMM 'CPU $n/KVM'"; }
done
exit 0
