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

# cpumode N samples of FILE
modes() { $PMUKVM report -i "$1" -D 2>/dev/null | awk '/ SAMPLE / { for (i = 1; i < NF; i++) if ($i == "cpumode") print $(i + 1) }' | sort | uniq -c; }
count() { modes "$1" | awk -v m="$2" '$2 ~ "^(" m ")$" { s += $1 } END { print s + 0 }'; }

"$TOOLS/tinyvm" 3500 &
vm=$!
sleep 0.3
# The same 2.5 s, three ways.
$PMUKVM record -a -e cpu-clock -F 10000 --duration 2.5 -q -o "$TMP/all.data" 2>"$TMP/e1" & a=$!
$PMUKVM --host record -a -e cpu-clock -F 10000 --duration 2.5 -o "$TMP/host.data" 2>"$TMP/e2" & h=$!
$PMUKVM --guest record -a -e cpu-clock -F 10000 --duration 2.5 -o "$TMP/guest.data" 2>"$TMP/e3" & g=$!
wait $a || { cat "$TMP/e1"; fail "record failed"; }
wait $h || { cat "$TMP/e2"; fail "record --host failed"; }
wait $g || { cat "$TMP/e3"; fail "record --guest failed"; }
wait $vm || fail "tinyvm failed"

ga=$(count "$TMP/all.data" '4|5')
echo "whole system: $ga guest-mode samples of $(count "$TMP/all.data" '[0-9]')"
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
