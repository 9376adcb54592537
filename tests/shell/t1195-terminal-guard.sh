#!/bin/bash
# Names a recording or a guest chose reach a terminal without their control
# bytes: a comm with an escape sequence (a window title, a bell), C0 bytes,
# DEL and a C1 control written as UTF-8 show as '?' when report's output
# or a message is a terminal (script(1) gives the command one); piped, the
# bytes are printed as they are, as perf prints them. The browser is
# unchanged (t50xx).
. tests/lib.sh
command -v script >/dev/null || skip "no script(1) to give report a terminal"

# A comm of ESC ] 0 ; t BEL, a comm with ESC [ 2 J and a C1 CSI (U+009B as
# UTF-8), and a plain one; a kernel sample for each.
esc=$(printf 'x\033]0;t\007y')
c1=$(printf 'a\033[2Jb\302\233c\177d')
{
	echo "text ffffffff81000000"
	echo "comm 10 10 $esc"
	echo "comm 11 11 $c1"
	echo "comm 12 12 plain"
	echo "sample ffffffff81000100 10 10 0"
	echo "sample ffffffff81000100 11 11 0"
	echo "sample ffffffff81000100 12 12 0"
} >"$TMP/lines"
"$TOOLS/mkcrafted" kernel "$TMP/c.data" <"$TMP/lines" || fail "mkcrafted kernel"

# control BYTES FILE: how many of the control bytes (but tab, LF, CR) FILE has
controls() { LC_ALL=C tr -cd '\000-\010\013\014\016-\037\177' <"$1" | wc -c; }

$PMUKVM report -i "$TMP/c.data" --stdio --sort comm >"$TMP/pipe" 2>/dev/null || fail "report"
[ "$(controls "$TMP/pipe")" -gt 0 ] || fail "piped: the names' bytes are not printed as they are"
grep -q "plain" "$TMP/pipe" || fail "piped: no plain row"

# (script's own typescript has its header lines: what it copies to stdout has not)
script -qec "$PMUKVM report -i '$TMP/c.data' --stdio --sort comm" /dev/null >"$TMP/tty" 2>&1 ||
	fail "report on a terminal failed"
grep -a -q plain "$TMP/tty" || { cat -v "$TMP/tty"; fail "terminal: no rows"; }
[ "$(controls "$TMP/tty")" -eq 0 ] || { cat -v "$TMP/tty"; fail "terminal: control bytes reached it"; }
LC_ALL=C grep -a -q $'\302\233' "$TMP/tty" && fail "terminal: a C1 control (UTF-8) reached it"
grep -a -q 'x?]0;t?y' "$TMP/tty" || { cat -v "$TMP/tty"; fail "terminal: the escape not shown as '?'"; }
grep -a -q 'a?\[2Jb?c?d' "$TMP/tty" || { cat -v "$TMP/tty"; fail "terminal: C1/DEL not shown as '?'"; }
echo "ok: names on a terminal without their control bytes, piped as they are"

# A message naming a file: the same on a terminal's stderr.
bad=$TMP/$(printf 'no\033[2Jsuch')
script -qec "$PMUKVM report -i '$bad' --stdio" /dev/null >"$TMP/etty" 2>&1
grep -a -q 'pmukvm: ' "$TMP/etty" || { cat -v "$TMP/etty"; fail "no message on the terminal"; }
[ "$(controls "$TMP/etty")" -eq 0 ] || { cat -v "$TMP/etty"; fail "terminal: a message's control bytes reached it"; }
$PMUKVM report -i "$bad" --stdio 2>"$TMP/err" >/dev/null
grep -q $'no\033\\[2Jsuch' "$TMP/err" || fail "piped stderr: the name not as it is"
echo "ok: messages on a terminal without control bytes"
