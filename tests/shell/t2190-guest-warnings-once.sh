#!/bin/bash
# Guest warnings: in the report's header ("# WARNING:" lines on stdout,
# which scripts diff) and on stderr, but printed once where both are the
# terminal. With --quiet or --json (no header) they go to stderr only.
. tests/lib.sh
. tests/shell/lib-guest.sh
need_guest_fixture
command -v script >/dev/null || skip "script (util-linux) is not installed"

$G -o "$TMP/s.data" --expect "$TMP/s.exp" --guest "0:$K:$M" --stale 0x1000000 --seed 61 \
	>/dev/null || fail "mkguestdata --stale"
pattern="guest 0: .*of guest kernel samples could not be resolved"

# Not a terminal: the header keeps them, stderr has them once.
$PMUKVM --guestkallsyms="$K" --guestmodules="$M" report -i "$TMP/s.data" --stdio \
	>"$TMP/out" 2>"$TMP/err" || fail "report failed"
[ "$(grep -c "^# WARNING: $pattern" "$TMP/out")" = 1 ] || fail "not once in the header"
[ "$(grep -c "warning: $pattern" "$TMP/err")" = 1 ] || fail "not once on stderr"
echo "ok: redirected: once in the header, once on stderr"

# A terminal for both: once.
script -qec "$PMUKVM --guestkallsyms='$K' --guestmodules='$M' report -i '$TMP/s.data' --stdio" \
	/dev/null >"$TMP/tty" </dev/null || fail "report on a terminal failed"
n=$(grep -c "$pattern" "$TMP/tty")
[ "$n" = 1 ] || { grep "$pattern" "$TMP/tty"; fail "printed $n times on a terminal"; }
grep -q "^# WARNING: $pattern" "$TMP/tty" || fail "on a terminal, not in the header"
echo "ok: terminal: once, in the header"

# Only stdout a terminal, stderr to a file: both still get it.
script -qec "$PMUKVM --guestkallsyms='$K' --guestmodules='$M' report -i '$TMP/s.data' --stdio \
	2>'$TMP/err2'" /dev/null >"$TMP/tty2" </dev/null || fail "report failed"
grep -q "^# WARNING: $pattern" "$TMP/tty2" || fail "stdout on a terminal: not in the header"
grep -q "warning: $pattern" "$TMP/err2" || fail "stderr to a file: no warning there"
echo "ok: stdout a terminal, stderr a file: each has it"

# No header: stderr alone carries them.
for opt in --quiet --json; do
	$PMUKVM --guestkallsyms="$K" --guestmodules="$M" report -i "$TMP/s.data" --stdio $opt \
		>"$TMP/out" 2>"$TMP/err" || fail "report $opt failed"
	! grep -q "WARNING" "$TMP/out" || fail "$opt: a warning in the output"
	[ "$(grep -c "warning: $pattern" "$TMP/err")" = 1 ] || fail "$opt: not once on stderr"
done
echo "ok: --quiet and --json: on stderr only"
