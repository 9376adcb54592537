#!/bin/bash
# pmukvm --help and each command's --help end with two or three examples;
# each example's options are options of that command, and each example is
# in the command's page (EXAMPLES) word for word.
. tests/lib.sh

# check_examples PAGE HELP-ARGS...
check_examples() {
	local page=$1; shift
	$PMUKVM "$@" >"$TMP/help" || fail "pmukvm $*: exit $?"
	# The block after the last "examples:" line, and nothing after it.
	awk '/^examples:$/ { n = NR } END { print n + 0 }' "$TMP/help" >"$TMP/at"
	local at=$(cat "$TMP/at")
	[ "$at" -gt 0 ] || fail "pmukvm $*: --help has no examples"
	tail -n +"$((at + 1))" "$TMP/help" >"$TMP/ex"
	grep -v -E '^    pmukvm |^        [^ ]' "$TMP/ex" | grep -q . &&
		fail "pmukvm $*: something other than examples after 'examples:': $(cat "$TMP/ex")"
	grep -E '^    pmukvm ' "$TMP/ex" | sed 's/^    //' >"$TMP/cmds"
	local n=$(wc -l <"$TMP/cmds")
	[ "$n" -ge 2 ] && [ "$n" -le 3 ] || fail "pmukvm $*: $n examples, want 2 or 3"
	[ "$(grep -c -E '^        [^ ]' "$TMP/ex")" -eq "$n" ] ||
		fail "pmukvm $*: an example without its one-line explanation"
	head -n "$((at - 1))" "$TMP/help" >"$TMP/opts"
	while read -r line; do
		grep -q -F -x "	$line" "$page" || fail "'$line' is not in $page"
		[ "$1" = --help ] && continue
		for o in $(echo "$line" | grep -o -E -- '(^| )--[a-z][a-z0-9-]*' | tr -d ' '); do
			grep -q -E -- "$o([=[ ]|$)" "$TMP/opts" || fail "$1 example '$line': $o is not an option of $1"
		done
		for o in $(echo "$line" | grep -o -E -- ' -[a-zA-Z]( |$)' | tr -d ' '); do
			grep -q -E -- "^ +$o, " "$TMP/opts" || fail "$1 example '$line': $o is not an option of $1"
		done
	done <"$TMP/cmds"
	echo "ok: pmukvm $*: $n examples, in $page"
}

check_examples Documentation/pmukvm.txt --help
for cmd in $($PMUKVM --help | awk '/^commands:/ { on = 1; next } on && NF == 0 { exit } on { print $1 }'); do
	[ "$cmd" = help ] && continue
	check_examples "Documentation/pmukvm-$cmd.txt" "$cmd" --help
	# pmukvm help CMD is the same text.
	$PMUKVM help "$cmd" | cmp -s - <($PMUKVM "$cmd" --help) || fail "pmukvm help $cmd differs from $cmd --help"
done
