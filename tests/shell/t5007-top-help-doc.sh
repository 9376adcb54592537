#!/bin/bash
# pmukvm top --help and Documentation/pmukvm-top.txt list the same options;
# the keys page names every key of the browser's help screen.
. tests/lib.sh

$PMUKVM top --help | grep -o -E -- '--[a-z][a-z0-9-]*' | sort -u >"$TMP/help"
grep -o -E -- '^-?[a-zA-Z]?[ ,A-Z]*--[a-z][a-z0-9-]*' Documentation/pmukvm-top.txt |
	grep -o -E -- '--[a-z][a-z0-9-]*' | sort -u >"$TMP/doc"
diff -u "$TMP/help" "$TMP/doc" || fail "top --help and pmukvm-top.txt differ (- help, + page)"
for k in "Up" "PgDn" "Home" "/::" "h::" "s::" "Enter" "Esc" "Backspace" "z::" "Tab::" "?::" "q / Ctrl-C"; do
	grep -q -F -- "$k" Documentation/tui-keys.txt || fail "tui-keys.txt does not name '$k'"
done
echo "help, page and keys agree"
