#!/bin/bash
# pmukvm stat live on this host's kvm tracepoints: tinyvm's port I/O fires
# kvm_pio (kvm_exit/kvm_entry never fire on a software hypervisor), so the
# per-vCPU table shows its thread in every interval, system-wide and with
# -p; -n ends it, SIGINT too, exit 0.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-kvmstat.sh"
need_kvm_formats
[ -c /dev/kvm ] || skip "no /dev/kvm"
$TOOLS/tinyvm 10 pio >/dev/null 2>&1 || skip "tinyvm cannot run a guest here"

# tinyvm runs until SIGALRM (its own timer's signal: a clean end), so that
# it runs all through both tables however slow the machine; they start once
# it runs (it names itself "CPU 0/KVM" just before its first KVM_RUN).
"$TOOLS/tinyvm" 600000 pio >"$TMP/tv" &
vm=$!
at_exit "kill $vm"
wait_comm $vm "CPU 0/KVM"
$PMUKVM stat live --stdio -d 0.4 -n 2 --extended -p $vm --event=ioport >"$TMP/p" 2>"$TMP/err" ||
	{ cat "$TMP/err"; kill $vm; fail "stat live -p failed"; }
[ "$(grep -c '^# [0-9:.]*$' "$TMP/p")" -eq 2 ] || { cat "$TMP/p"; kill $vm; fail "-n 2: not 2 refreshes"; }
[ "$(grep -c '^      IO Port Access ' "$TMP/p")" -eq 2 ] || { kill $vm; fail "no ioport table"; }
n=$(grep -c -E "^ +$vm CPU 0/KVM +$vm +-?[0-9]+ .*%$" "$TMP/p")
grep -q "^Analyze events for pid(s) $vm, all VCPUs:" "$TMP/p" || { kill $vm; fail "no pid(s) header"; }
[ "$n" -eq 2 ] || { cat "$TMP/p"; kill $vm; fail "tinyvm's thread is not in both intervals' vCPU table"; }

$PMUKVM stat live --stdio -d 0.4 --extended >"$TMP/a" 2>"$TMP/err" &
st=$!
at_exit "kill $st"
# SIGINT once a table shows tinyvm's thread (not after a fixed time).
row="^ +$vm CPU 0/KVM +$vm +-?[0-9]+ .*%$"
wait_lines "$TMP/a" "$row"
kill -INT $st
wait $st
rc=$?
kill -ALRM $vm 2>/dev/null
wait $vm 2>/dev/null
[ $rc -eq 0 ] || { cat "$TMP/err"; fail "SIGINT: exit $rc"; }
grep -q -E "$row" "$TMP/a" || { cat "$TMP/a"; fail "system-wide: no tinyvm thread"; }
echo "ok: live kvm_pio from tinyvm, -p and system-wide"
