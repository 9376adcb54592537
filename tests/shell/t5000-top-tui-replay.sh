#!/bin/bash
# pmukvm top -i FILE in the browser, driven through tmux: rows with
# symbols, 's' regroups (columns change), '/' narrows, 'h' cycles
# guest/host, 'Enter' zooms, '?' helps, 'z' zeroes, 'q' quits and leaves
# the terminal as it found it.
. tests/lib.sh
. tests/shell/lib-tui.sh
need_tmux
record_mtwork "$TMP/mt.data"

tui_start "$PMUKVM top -i $TMP/mt.data --speed 0 -d 0.5"
wait_screen "replay .*ended"
wait_screen "spin_math"
screen | grep -q "Overhead   Samples  Mode .*Shared Object .*Symbol" || fail "no column header"
screen | grep -q -E "__sin_fma|sin@plt" || fail "no libm row"
n_all=$(rows | wc -l)
[ "$n_all" -ge 4 ] || fail "only $n_all rows"
echo "ok: $n_all rows with symbols"

# s: the sort menu; 'd' picks dso: the Symbol column goes.
keys s
wait_screen "Sort by"
keys d
wait_screen "sort: dso"
screen | grep -q "Shared Object *$" || fail "dso sort: header still has more columns"
screen | grep -q "Symbol" && fail "dso sort: Symbol column still there"
rows | grep -q "libm.so.6" || fail "dso sort: no libm.so.6 row"
[ "$(rows | wc -l)" -lt "$n_all" ] || fail "dso sort: not fewer rows"
echo "ok: s d regroups by dso"
keys s; keys s
wait_screen "sort: sym"

# /: the filter narrows to matching symbols.
keys /
wait_screen "Symbol filter"
keys spin_ma Enter
wait_screen 'filter: "spin_ma"'
[ "$(rows | wc -l)" -eq 1 ] || { screen; fail "filter: expected 1 row"; }
rows | grep -q spin_math || fail "filter: the row is not spin_math"
keys /
keys BSpace BSpace BSpace BSpace BSpace BSpace BSpace Enter
wait_screen "sort: sym *$"
echo "ok: / filters"

# h: guest only (no guest samples here: no rows), host only, both.
keys h
wait_screen "\[guest only\]"
[ "$(rows | wc -l)" -eq 0 ] || fail "guest only: host rows shown"
keys h
wait_screen "\[host only\]"
[ "$(rows | wc -l)" -eq "$n_all" ] || fail "host only: rows missing"
keys h
wait_screen "\[guest\+host\]"
echo "ok: h cycles guest/host"

# Enter zooms into the top row's dso; Backspace comes back.
dso=$(rows | head -1 | awk '{ print $5 }')
keys Enter
wait_screen "zoom: dso $dso"
rows | awk -v d="$dso" '$5 != d { bad = 1 } END { exit bad }' || fail "zoom: rows of other dsos"
keys BSpace
wait_screen "sort: sym *$"
echo "ok: Enter zooms into $dso"

keys '?'
wait_screen "filter rows by symbol text"
screen | grep -q "zero the counts" || fail "help does not list z"
keys x
wait_screen "sort: sym"

keys z
wait_screen "^Samples: 0 "
[ "$(rows | wc -l)" -eq 0 ] || fail "z: rows left"
echo "ok: ? help, z zeroes"

keys q
[ "$(wait_exit)" = 0 ] || fail "q: non-zero exit"
terminal_sane
echo "ok: q quits, terminal restored"

# Ctrl-C quits too.
tm kill-server
tui_start "$PMUKVM top -i $TMP/mt.data --speed 0"
wait_screen "spin_math"
keys C-c
[ "$(wait_exit)" = 0 ] || fail "Ctrl-C: non-zero exit"
terminal_sane
echo "ok: Ctrl-C quits"
