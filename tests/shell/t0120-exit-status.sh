#!/bin/bash
# One exit status convention for every command (Documentation/pmukvm.txt,
# EXIT STATUS): 129 for a wrong command line, 1 for work that failed, 0
# for success. Each row: expected status, then the arguments; stdin and
# stdout are not terminals.
. tests/lib.sh
grep -q "^EXIT STATUS" Documentation/pmukvm.txt || fail "pmukvm(1) has no EXIT STATUS section"
grep -q "^129::" Documentation/pmukvm.txt || fail "pmukvm(1) does not document 129"

good=$TMP/good.data
$PMUKVM record -e cpu-clock -o "$good" -- true >/dev/null 2>&1 || good=tests/data/cmdline-twice.data

while IFS='|' read -r want args; do
	[ -z "$want" ] && continue
	eval "set -- $args"
	$PMUKVM "$@" </dev/null >"$TMP/out" 2>"$TMP/err"
	rc=$?
	[ $rc -eq "$want" ] || { cat "$TMP/err"; fail "pmukvm $args: exit $rc, want $want"; }
	if [ "$want" -ne 0 ]; then
		grep -q "^pmukvm: " "$TMP/err" || [ "$args" = "" ] ||
			{ cat "$TMP/err"; fail "pmukvm $args: no 'pmukvm:' message"; }
		grep -q -E "Sanitizer|runtime error" "$TMP/err" && fail "pmukvm $args: sanitizer report"
	fi
	echo "ok: $want  pmukvm $args"
done <<ROWS
129|
129|--bogus
129|nosuchcommand
129|help nosuchcommand
0|--version
0|--help
0|help report
129|--guestmount
129|record --bogus
129|record -F abc
129|record -c 0
129|record -m 3
129|record -e nosuchevent -o $TMP/x.data -- true
129|record -a -p 1
129|record --duration abc
0|record --help
1|record -e cpu-clock -o /nonexistent/dir/x.data -- true
129|report --bogus
129|report -i
129|report -s nosuchkey -i $good
129|report extra-argument
129|report --percent-limit abc -i $good
129|report --tui --stdio -i $good
0|report --help
1|report -i /nonexistent.data
1|report --tui -i $good
129|top --bogus
129|top -F abc
129|top -e nosuchevent --stdio
129|top -s nosuchkey -i $good
129|top extra-argument
129|top --stdio --tui -i $good
129|top -i $good -p 1
129|top --delay 0
0|top --help
1|top -i /nonexistent.data --stdio
1|top --tui -i $good
129|check --bogus
129|check extra-argument
0|check --help
ROWS
echo "ok: every command follows the exit status convention"
