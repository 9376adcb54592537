#!/bin/bash
# --help, the man page source and the shell completion list the same
# options, for every command that has a page.
. tests/lib.sh

$PMUKVM --help | grep -q "report" || fail "pmukvm --help does not list report"
$PMUKVM --version | grep -q "^pmukvm version " || fail "--version"
$PMUKVM help report | grep -q -- "--sort" || fail "pmukvm help report"
$PMUKVM nosuchcommand >/dev/null 2>"$TMP/err"; [ $? -eq 129 ] || fail "unknown command exit"
grep -q "not a pmukvm command" "$TMP/err" || fail "unknown command message"

checked=0
for cmd in $($PMUKVM --help | awk '/^commands:/ { on = 1; next } on && NF == 0 { exit } on { print $1 }'); do
	[ "$cmd" = help ] && continue
	page=Documentation/pmukvm-$cmd.txt
	[ -f "$page" ] || fail "no man page source $page for command $cmd"
	$PMUKVM $cmd --help | grep -o -E -- '--[a-z][a-z0-9_-]*' | sort -u >"$TMP/help"
	grep -o -E -- '^-?[a-zA-Z]?[ ,A-Z]*--[a-z][a-z0-9_-]*' "$page" | grep -o -E -- '--[a-z][a-z0-9_-]*' |
		sort -u >"$TMP/doc"
	if ! diff -u "$TMP/help" "$TMP/doc"; then
		fail "$cmd: --help and $page list different options (- help, + page)"
	fi
	# Completion offers what --help lists ("--sort=": a value follows).
	PMUKVM=$PMUKVM bash -c ". contrib/pmukvm-completion.bash; COMP_WORDS=(pmukvm $cmd --); COMP_CWORD=2;
		_pmukvm; printf '%s\n' \"\${COMPREPLY[@]}\"" | sed 's/=$//' | sort -u >"$TMP/comp"
	diff -u "$TMP/help" "$TMP/comp" || fail "$cmd: completion differs from --help"
	checked=$((checked + 1))
done
[ $checked -ge 1 ] || fail "no command checked"
echo "help, pages and completion agree for $checked commands"
