#!/bin/bash
# pmukvm stat record: the events perf kvm stat record records, every hit
# with its payload and the tracepoint formats in the file, so that perf
# kvm stat report, perf evlist and perf script read it. Here kvm_exit and
# kvm_entry never fire (a software hypervisor), kvm_pio does: tinyvm's port
# I/O. record -e takes tracepoints as sys:name too. On CPUs (-a) the file
# has perf's dummy:HG event too.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-kvmstat.sh"
need_perf
need_kvm_formats
[ -c /dev/kvm ] || skip "no /dev/kvm"
$TOOLS/tinyvm 10 pio >/dev/null 2>&1 || skip "tinyvm cannot run a guest here"

(cd "$TMP" && "$OLDPWD/$PMUKVM" stat record -- "$OLDPWD/$TOOLS/tinyvm" 300 pio) \
	>"$TMP/out" 2>"$TMP/err" || { cat "$TMP/out" "$TMP/err"; fail "stat record failed"; }
f=$TMP/perf.data.guest
[ -s "$f" ] || fail "stat record wrote no perf.data.guest"
nio=$(sed -n 's/^tinyvm: \([0-9]*\) port I\/O exits$/\1/p' "$TMP/out")
[ -n "$nio" ] && [ "$nio" -gt 100 ] || { cat "$TMP/out"; fail "tinyvm did too little port I/O"; }

perf evlist -i "$f" 2>/dev/null | grep -v '^#' >"$TMP/evlist"
printf 'kvm:kvm_entry\nkvm:kvm_exit\nkvm:kvm_mmio\nkvm:kvm_pio\nkvm:kvm_msr\n' >"$TMP/want"
diff -u "$TMP/want" "$TMP/evlist" || fail "perf evlist shows other events"
perf evlist -v -i "$f" 2>/dev/null | grep 'kvm:kvm_pio' | grep -q 'sample_freq }: 1,' ||
	fail "kvm_pio is not sampled on every hit"
perf evlist -v -i "$f" 2>/dev/null | grep 'kvm:kvm_pio' | grep -q 'RAW' ||
	fail "kvm_pio samples carry no payload"

# perf script decodes every payload through the formats in the file
perf script -i "$f" >"$TMP/script" 2>"$TMP/script.err" || { cat "$TMP/script.err"; fail "perf script"; }
n=$(grep -c 'kvm:kvm_pio: pio_write at 0x80 size 1 count 1' "$TMP/script")
m=$(grep -c 'kvm:kvm_pio: pio_read at 0x71 size 1 count 1' "$TMP/script")
# a port read's kvm_pio fires when its data comes back from user space, at
# the next KVM_RUN: a read that was the guest's last exit has none
[ $((n + m)) -eq "$nio" ] || [ $((n + m + 1)) -eq "$nio" ] ||
	fail "perf script shows $n writes and $m reads, tinyvm did $nio"
[ $((n - m)) -le 1 ] && [ $((m - n)) -le 1 ] || fail "writes and reads do not alternate ($n/$m)"

# perf kvm stat report accepts the file, and so does pmukvm's, with the same table
for ev in vmexit ioport; do
	ks_agree "$f" --event=$ev
done
$PMUKVM -i "$f" stat report --event=ioport --json >"$TMP/json" || fail "--json"
grep -q '"kind":"vcpu".*"tid":' "$TMP/json" || fail "no vCPU thread in the JSON"

# system-wide for a while (-a --duration), -o, while tinyvm runs; and -p
# tinyvm runs until SIGALRM (its own timer's signal: a clean end), so that
# it runs all through both recordings however slow the machine; they start
# once it runs (it names itself "CPU 0/KVM" just before its first KVM_RUN).
"$TOOLS/tinyvm" 600000 pio >/dev/null &
vm=$!
at_exit "kill $vm"
wait_comm $vm "CPU 0/KVM"
$PMUKVM stat record -a --duration 0.5 -o "$TMP/sw.data" >/dev/null 2>&1 ||
	{ kill $vm; fail "stat record -a --duration failed"; }
$PMUKVM stat record -p $vm --duration 0.5 -o "$TMP/p.data" >/dev/null 2>&1 ||
	{ kill $vm; fail "stat record -p failed"; }
kill -ALRM $vm 2>/dev/null; wait $vm 2>/dev/null
for g in sw p; do
	perf script -i "$TMP/$g.data" 2>/dev/null | grep -q "^ *CPU 0/KVM *$vm .*kvm:kvm_pio: pio_" ||
		fail "stat record ($g): no kvm_pio of tinyvm"
done
perf script -i "$TMP/p.data" 2>/dev/null | grep 'kvm:' | grep -v -q "^ *CPU 0/KVM *$vm " &&
	fail "stat record -p: events of other processes"

# on CPUs (-a) perf kvm stat record adds a dummy:HG event that carries the
# side-band records; with a process or a command it does not. perf evlist
# shows pmukvm's as perf's (read_format aside: pmukvm's events ask for ID
# alone, perf's for ID|LOST).
evattrs() { perf evlist -v -i "$1" 2>/dev/null | grep -v '^#' | sed 's/read_format: ID|LOST/read_format: ID/'; }
perf kvm stat record -a -o "$TMP/perf-sw.data" sleep 0.2 >/dev/null 2>&1 ||
	fail "perf kvm stat record -a failed"
evattrs "$TMP/perf-sw.data" >"$TMP/perf-sw.ev"
evattrs "$TMP/sw.data" >"$TMP/sw.ev"
grep -q '^dummy:HG: type: 1, .*config: 0x9,' "$TMP/perf-sw.ev" || fail "perf's own file has no dummy:HG"
diff -u <(grep '^dummy:HG' "$TMP/perf-sw.ev") <(grep '^dummy:HG' "$TMP/sw.ev") ||
	fail "stat record -a: dummy:HG differs from perf's"
diff -u <(sed 's/, config: 0x[0-9a-f]*//' "$TMP/perf-sw.ev") <(sed 's/, config: 0x[0-9a-f]*//' "$TMP/sw.ev") ||
	fail "stat record -a: the events' attrs differ from perf's"
grep -q dummy "$TMP/evlist" "$TMP/want" && fail "stat record -- COMMAND has a dummy event"
perf evlist -i "$TMP/p.data" 2>/dev/null | grep -q dummy && fail "stat record -p has a dummy event"

# plain record with a tracepoint; a tracepoint that does not exist
$PMUKVM record -q -e kvm:kvm_pio -o "$TMP/r.data" -- "$TOOLS/tinyvm" 100 pio >/dev/null 2>&1 ||
	fail "record -e kvm:kvm_pio failed"
perf script -i "$TMP/r.data" 2>/dev/null | grep -q 'kvm:kvm_pio: pio_' ||
	fail "perf script shows no kvm_pio of record -e kvm:kvm_pio"
expect_clean_error "no such tracepoint" $PMUKVM record -e kvm:no_such_event -o "$TMP/x.data" -- true
grep -q "unknown event 'kvm:no_such_event'" "$TMP/err" || fail "message for an unknown tracepoint"
echo "stat record: $nio kvm_pio events, read by perf script and perf kvm stat report"
