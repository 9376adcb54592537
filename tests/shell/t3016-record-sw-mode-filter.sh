#!/bin/bash
# Software events ignore exclude_guest/exclude_host, so with cpu-clock a
# KVM guest running on the host gives guest-mode samples even under --host
# (and host samples under --guest). record leaves them out itself: --host
# keeps no guest-mode sample, --guest no host one. (Such a stray guest
# sample from another VM is what made t3013 disagree with perf by one.)
. tests/lib.sh
need_perf
"$TOOLS/tinyvm" 10 >"$TMP/probe" 2>&1
rc=$?
[ $rc -eq 77 ] && skip "$(cat "$TMP/probe")"
[ $rc -eq 0 ] || fail "tinyvm failed: $(cat "$TMP/probe")"

# "N CPUMODE" lines of FILE: the cpumode is misc's low 3 bits, in the last
# hex digit of -D's "PERF_RECORD_SAMPLE(IP, 0xMISC)".
modes() { $PMUKVM report -i "$1" -D 2>/dev/null |
	sed -n -E 's/.*PERF_RECORD_SAMPLE\([A-Z_|]*, 0x[0-9a-f]*([0-9a-f])\):.*/\1/p' |
	awk '{ print (index("0123456789abcdef", $1) - 1) % 8 }' | sort | uniq -c; }
count() { modes "$1" | awk -v m="$2" '$2 ~ "^(" m ")$" { s += $1 } END { print s + 0 }'; }

# The guest runs until told to stop (SIGALRM, its own timer's signal), all
# through the recordings however slow the machine; they start once it runs
# (it names itself "CPU 0/KVM" just before its first KVM_RUN).
"$TOOLS/tinyvm" 600000 &
vm=$!
at_exit "kill $vm"
wait_comm $vm "CPU 0/KVM"
# The same 2.5 s, three ways.
$PMUKVM record -a -e cpu-clock -F 10000 --duration 2.5 -q -o "$TMP/all.data" 2>"$TMP/e1" & a=$!
$PMUKVM --host record -a -e cpu-clock -F 10000 --duration 2.5 -o "$TMP/host.data" 2>"$TMP/e2" & h=$!
$PMUKVM --guest record -a -e cpu-clock -F 10000 --duration 2.5 -o "$TMP/guest.data" 2>"$TMP/e3" & g=$!
wait $a || { cat "$TMP/e1"; fail "record failed"; }
wait $h || { cat "$TMP/e2"; fail "record --host failed"; }
wait $g || { cat "$TMP/e3"; fail "record --guest failed"; }
kill -ALRM $vm
wait $vm || fail "tinyvm exited with an error"

ga=$(count "$TMP/all.data" '4|5') na=$(count "$TMP/all.data" '[0-9]')
echo "whole system: $ga guest-mode samples of $na"
[ "$na" -gt 0 ] || fail "no samples read from the whole-system file"
gh=$(count "$TMP/host.data" '4|5')
hg=$(count "$TMP/guest.data" '1|2|3')
[ "$gh" -eq 0 ] || { modes "$TMP/host.data"; fail "--host kept $gh guest-mode samples"; }
[ "$hg" -eq 0 ] || { modes "$TMP/guest.data"; fail "--guest kept $hg host samples"; }
grep -q 'left out [0-9]* samples' "$TMP/e3" || { cat "$TMP/e3"; fail "--guest: no word on the samples left out"; }
[ "$(count "$TMP/guest.data" '4|5')" -eq "$(count "$TMP/guest.data" '[0-9]')" ] || fail "--guest: samples of other modes"
# perf reads the filtered files as they are.
n=$($PMUKVM report -i "$TMP/host.data" --stdio 2>/dev/null | awk '/^# Samples:/ { print $3 }')
p=$(perf report -i "$TMP/host.data" --stdio -n --sort dso -t '|' 2>/dev/null | grep -v '^#' |
	awk -F'|' 'NF > 2 { s += $2 } END { print s }')
[ "$n" = "$p" ] || fail "--host file: pmukvm counts $n samples, perf $p"
[ "$ga" -gt 0 ] || skip "this host's KVM gave no guest-mode samples: nothing was there to leave out"
echo "ok: --host left out the guest-mode samples, --guest the host ones"
