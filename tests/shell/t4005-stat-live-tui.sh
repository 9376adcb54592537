#!/bin/bash
# pmukvm stat live's full-screen view, driven through tmux on a replayed
# file as top's is: it shows perf's table and pmukvm's (guest, p50/p99/
# p99.9, histogram, vCPU time outside the guest), 'k' and 'x' answer on the
# status line, 'q' quits with the terminal restored; so does SIGTERM.
# stat report --tui browses a file's tables the same way.
. tests/lib.sh
. tests/shell/lib-tui.sh
. tests/shell/lib-kvmstat.sh
need_tmux
need_kvm_files
"$KS_TOOL" -o "$TMP/a.data" --kallsyms "$K" --exits 20000 ||
	fail "mkkvmstat failed"

tui_start "$PMUKVM -i $TMP/a.data stat live --speed 0 -d 0.05"
wait_screen "pmukvm stat live: VM-EXIT, sample order.*\(finished\)"
wait_screen "^ +HLT +[0-9]+ +[0-9.]+% "
wait_screen "p50 +p99 +p99.9"
wait_screen "qemu-system-x86 +HLT"
keys End
wait_screen "outside%"
wait_screen "^ +[0-9]+ qemu-system-x86 +[0-9]+ +[0-9]+ +[0-9]+ .*%$"
keys k
wait_screen "sort by average time from the next refresh"
keys x
wait_screen "pmukvm's tables hidden from the next refresh"
keys q
[ "$(wait_exit)" = 0 ] || fail "q: exit status not 0"
terminal_sane
echo "ok: replay screen, keys, q"

# stat report --tui: the file's tables; 'k' re-sorts at once
tm kill-server
tui_start "$PMUKVM -i $TMP/a.data stat report --tui"
wait_screen "pmukvm stat report: VM-EXIT, sample order"
first() { screen | grep -E '^ +[A-Z_]+ +[0-9]+ +[0-9.]+% ' | head -1 | awk '{ print $1 }'; }
[ "$(first)" = EXTERNAL_INTERRUPT ] || fail "report --tui: first row by samples is $(first)"
keys k
wait_screen "sorted by average time"
[ "$(first)" = HLT ] || fail "report --tui: first row by time is $(first)"
keys q
[ "$(wait_exit)" = 0 ] || fail "report --tui: exit status not 0"
terminal_sane
echo "ok: stat report --tui"

# a paced replay still running, ended by SIGTERM: terminal restored
tm kill-server
tui_start "$PMUKVM -i $TMP/a.data stat live --speed 0.001 -d 0.01"
wait_screen "pmukvm stat live: VM-EXIT"
pkill -TERM -f "stat live --speed 0.001" 2>/dev/null
st=$(wait_exit)
[ -n "$st" ] || fail "no exit after SIGTERM"
terminal_sane
echo "ok: SIGTERM restores the terminal (exit $st)"
