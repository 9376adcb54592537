#!/bin/bash
# A replay of guest samples (mkguestdata, on the guest-6.1 fixture): the
# header's guest/host split, rows that equal report's, and the browser's
# 'h' (guest only / host only) and guest sort.
. tests/lib.sh
. tests/shell/lib-tui.sh
. tests/shell/lib-guest.sh
need_guest_fixture
[ -x "$G" ] || skip "$G is not built"
guest_mix "$TMP/g.data"

# 4300 guest samples, 200 host: 95.6% / 4.4%.
$PMUKVM $GO top -i "$TMP/g.data" --stdio --speed 0 --no-decay -d 1000 -E 0 -n -s dso,sym \
	>"$TMP/top" 2>"$TMP/err" || { cat "$TMP/err"; fail "top replay failed"; }
grep -q "^# guest 95.6% (kernel 88.9% user 6.7%)  host 4.4% (kernel 2.2% user 2.2%)" "$TMP/top" ||
	{ head -5 "$TMP/top"; fail "wrong guest/host split"; }
grep -v '^#' "$TMP/top" | grep . >"$TMP/top.rows"
$PMUKVM $GO report -i "$TMP/g.data" --stdio -n -q --sort dso,sym | grep . >"$TMP/report.rows"
diff -u "$TMP/report.rows" "$TMP/top.rows" || fail "guest rows differ from report's"
grep -q "\[guest.kernel.kallsyms\]" "$TMP/top.rows" || fail "no guest kernel rows"
echo "ok: guest split and $(wc -l <"$TMP/top.rows") rows equal report's"

need_tmux
tui_start "$PMUKVM $GO top -i $TMP/g.data --speed 0"
wait_screen "guest 95.6%"
wait_screen "guest kernel"
keys h
wait_screen "\[guest only\]"
rows | grep -q "host " && fail "guest only: host rows"
rows | grep -q "guest kernel" || fail "guest only: no guest kernel rows"
keys h
wait_screen "\[host only\]"
rows | grep -q "guest " && fail "host only: guest rows"
keys h
keys s; keys g
wait_screen "sort: guest"
rows | grep -q -E "guest 0 +guest kernel" || fail "guest sort: no 'guest 0' row"
keys q
[ "$(wait_exit)" = 0 ] || fail "q: non-zero exit"
terminal_sane
echo "ok: h and the guest sort in the browser"
