#!/bin/bash
# Live, where /dev/kvm works: a tiny KVM guest (tests/tools/tinyvm, one vCPU
# thread named "CPU 0/KVM") runs while pmukvm records the host. The vCPU
# thread's time shows under vcpu 0; guest-mode samples, where the host's
# virtualization produces them, carry the guest's ips in [0x1000, 0x1010).
. tests/lib.sh
"$TOOLS/tinyvm" 10 >"$TMP/probe" 2>&1
rc=$?
[ $rc -eq 77 ] && skip "$(cat "$TMP/probe")"
[ $rc -eq 0 ] || fail "tinyvm failed: $(cat "$TMP/probe")"
# The guest runs until told to stop (SIGALRM, its own timer's signal: a
# clean end), so that it runs all through the recording however slow the
# machine; the recording starts once it runs (it names itself "CPU 0/KVM"
# just before its first KVM_RUN).
"$TOOLS/tinyvm" 600000 &
vm=$!
at_exit "kill $vm"
wait_comm $vm "CPU 0/KVM"
$PMUKVM --host --guest record -a -e cpu-clock --duration 1 -q -o "$TMP/kvm.data" 2>"$TMP/rec.err" ||
	{ cat "$TMP/rec.err"; fail "record failed"; }
kill -ALRM $vm
wait $vm || fail "tinyvm exited with an error"
$PMUKVM --host --guest report -i "$TMP/kvm.data" --stdio --sort vcpu,comm -n -t '|' -q >"$TMP/vcpu" ||
	fail "report failed"
grep -q "^[0-9.]*%|[0-9]*|0|CPU 0/KVM$" "$TMP/vcpu" || { cat "$TMP/vcpu"; fail "no vcpu 0 row"; }
echo "ok: vCPU thread time under vcpu 0: $(grep '|0|CPU 0/KVM' "$TMP/vcpu" | cut -d'|' -f2) samples"
# Guest-kernel samples (cpumode 4 in misc's low bits): the ip after "pid/tid:".
$PMUKVM --guest report -i "$TMP/kvm.data" -D | grep -E 'PERF_RECORD_SAMPLE\(IP, 0x[0-9a-f]*[4c]\)' |
	sed -E 's/.*: [0-9]+\/[0-9]+: (0x[0-9a-f]+) period.*/\1/' >"$TMP/gips"
n=$(wc -l <"$TMP/gips")
if [ "$n" -gt 0 ]; then
	bad=0
	while read -r ip; do
		[ $((ip)) -ge $((0x1000)) ] && [ $((ip)) -lt $((0x1010)) ] || bad=$((bad + 1))
	done <"$TMP/gips"
	[ "$bad" -eq 0 ] || fail "$bad guest samples outside the guest's code"
	echo "ok: $n guest-mode samples, all in the guest's code"
else
	echo "note: this host's KVM produced no guest-mode samples (e.g. software virtualization)"
fi
