#!/bin/bash
# --help and the man pages list the same options as the tables.
. tests/shell/lib-record.sh

for cmd in record check; do
	"$PMUKVM" $cmd --help >"$TMP/help" || fail "$cmd --help failed"
	doc=Documentation/pmukvm-$cmd.txt
	[ -f "$doc" ] || fail "no $doc"
	# Every option of the help (the command's own, before the common ones).
	sed '/guest and common/,$d' "$TMP/help" | grep '^    *-' |
	grep -o -- '--[a-z-]*\(\[\?=[^ ]*\)\?' | sort -u >"$TMP/opts"
	while read -r o; do
		grep -qF -- "$o" "$doc" || fail "$doc lacks $o"
	done <"$TMP/opts"
	# And nothing in the page that the help does not have.
	grep -o -- '^--[a-z][a-z-]*' "$doc" | sort -u | while read -r o; do
		grep -qF -- "$o" "$TMP/help" || fail "$doc has $o, --help does not"
	done || exit 1
done
exit 0
