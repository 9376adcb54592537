#!/bin/bash
# pmukvm report opens the browser on a terminal (as perf report does),
# --tui forces it, --stdio forces text; --tui without a terminal fails.
. tests/lib.sh
. tests/shell/lib-tui.sh
need_tmux
record_mtwork "$TMP/mt.data"
perf record -q -e cpu-clock,task-clock -F 999 -o "$TMP/two.data" -- "$TOOLS/mtwork" 2 400 \
	>/dev/null 2>&1 || fail "perf record with two events failed"

tui_start "$PMUKVM report -i $TMP/mt.data --tui"
wait_screen "^Samples: [0-9]+ of event 'cpu-clock'"
screen | grep -q "sort: comm" || fail "the first view is not report's comm,dso,sym"
screen | grep -q "Command  Shared Object" || fail "no Command column"
rows | grep -q "mtwork .*spin_math" || fail "no spin_math row"
# The counts are report's: the top row agrees with --stdio.
want=$($PMUKVM report -i "$TMP/mt.data" --stdio -n -q | awk 'NF { print $2; exit }')
got=$(rows | head -1 | awk '{ print $2 }')
[ "$want" = "$got" ] || fail "top row: $got samples in the browser, $want in --stdio"
# Regrouping by vcpu and pid works from the kept keys.
keys s; keys p
wait_screen "sort: pid"
rows | grep -q -E "^ +[0-9.]+% +[0-9]+ +[0-9]+:mtwork" || fail "pid sort: no thread rows"
[ "$(rows | awk '{ print $3 }' | sort -u | wc -l)" -ge 2 ] || fail "pid sort: threads merged"
keys q
[ "$(wait_exit)" = 0 ] || fail "report --tui: non-zero exit"
terminal_sane
echo "ok: report --tui browses, s regroups, q restores the terminal"
tm kill-server

# On a terminal without options: the browser; Tab goes to the next event.
tui_start "$PMUKVM report -i $TMP/two.data"
wait_screen "of event 'cpu-clock'"
keys Tab
wait_screen "of event 'task-clock'"
keys q
[ "$(wait_exit)" = 0 ] || fail "report (two events): non-zero exit"
terminal_sane
echo "ok: report on a terminal opens the browser, Tab switches events"
tm kill-server

# --stdio on a terminal: text, no browser.
tui_start "$PMUKVM report -i $TMP/mt.data --stdio -q | head -3"
[ "$(wait_exit)" = 0 ] || fail "report --stdio on a terminal"
screen | grep -q "spin_math\|__sin_fma\|memmove" || fail "report --stdio printed no rows"
screen | grep -q "^Samples: " && fail "report --stdio opened the browser"
echo "ok: --stdio prints text on a terminal"

# Not a terminal: text by default; --tui is an error.
$PMUKVM report -i "$TMP/mt.data" -q | grep -q spin_math || fail "report | cat: no text rows"
expect_clean_error "report --tui without a terminal" $PMUKVM report -i "$TMP/mt.data" --tui
grep -q "terminal" "$TMP/err" || fail "--tui error does not say terminal"
expect_clean_error "report --tui --stdio" $PMUKVM report -i "$TMP/mt.data" --tui --stdio
