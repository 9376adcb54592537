#!/bin/bash
# Bad options and inputs of pmukvm top: one clear message, a non-zero
# exit, no crash; --help lists the options.
. tests/lib.sh

$PMUKVM top --help >"$TMP/help" || fail "top --help failed"
for o in --input --speed --delay --no-decay --sort --stdio --tui --iterations --entries --show-nr-samples --pid \
	--event --freq --mmap-pages --kallsyms; do
	grep -q -- "$o" "$TMP/help" || fail "--help does not list $o"
done
$PMUKVM --help | grep -q "^ *top " || fail "pmukvm --help does not list top"

printf 'PERFILE2' >"$TMP/short"
expect_clean_error "unknown option" $PMUKVM top --no-such-option
expect_clean_error "argument" $PMUKVM top extra
expect_clean_error "bad --speed" $PMUKVM top --speed fast
expect_clean_error "negative --speed" $PMUKVM top --speed -1
expect_clean_error "bad --delay" $PMUKVM top -d 0
expect_clean_error "bad --iterations" $PMUKVM top --stdio --iterations 0
expect_clean_error "bad -E" $PMUKVM top -E many
expect_clean_error "bad sort key" $PMUKVM top -s nosuchkey
expect_clean_error "bad -p" $PMUKVM top -p abc
expect_clean_error "bad -F" $PMUKVM top -F 0
expect_clean_error "bad -m" $PMUKVM top -m 3
expect_clean_error "--stdio with --tui" $PMUKVM top --stdio --tui
expect_clean_error "-p with -i" $PMUKVM top -i "$TMP/short" -p 1
# Live-only options are refused in a replay, not ignored.
$PMUKVM record -q -e cpu-clock -o "$TMP/ok.data" -- true || fail "record of a replay file failed"
$PMUKVM top -i "$TMP/ok.data" --stdio >/dev/null 2>&1 || fail "the replay file does not replay"
expect_clean_error "-F with -i" $PMUKVM top -i "$TMP/ok.data" --stdio -F 100
expect_clean_error "-m with -i" $PMUKVM top -i "$TMP/ok.data" --stdio -m 256
grep -q "not for a replay" "$TMP/err" || fail "-m with -i: the message does not say why"
expect_clean_error "--tui without a terminal" $PMUKVM top -i "$TMP/short" --tui
grep -q terminal "$TMP/err" || fail "--tui: no word of the terminal"
expect_clean_error "missing file" $PMUKVM top -i "$TMP/nope" --stdio
grep -q "nope" "$TMP/err" || fail "missing file not named"
expect_clean_error "short file" $PMUKVM top -i "$TMP/short" --stdio
expect_clean_error "unknown event" $PMUKVM top --stdio -e nosuchevent
expect_clean_error "a group" $PMUKVM top --stdio -e '{cpu-clock,task-clock}'
expect_clean_error "S (counter reads)" $PMUKVM top --stdio -e cpu-clock:S
grep -q "counter reads" "$TMP/err" || fail "-e cpu-clock:S: the message does not say why"
expect_clean_error "no such process" $PMUKVM top --stdio -p 999999999
echo "bad options handled"
