#!/bin/bash
# Crafted files that once broke the reader (tests/data/README): a clear
# message or a clean report, never a crash or a sanitizer report.
. tests/lib.sh
expect_clean_error "READ group count that wraps" $PMUKVM report -i tests/data/read-group-wrap.data --stdio
grep -q "record at 0x98.*too short" "$TMP/err" || fail "the bad sample is not named"
$PMUKVM report -i tests/data/cmdline-twice.data --header --stdio >"$TMP/out" 2>"$TMP/err"
rc=$?
grep -q -E "Sanitizer|runtime error" "$TMP/err" && { cat "$TMP/err"; fail "sanitizer report"; }
[ $rc -lt 128 ] || fail "crash ($rc)"
echo "crafted files handled"
