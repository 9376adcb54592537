#!/bin/bash
# report's parent key against perf report 6.1 on the same -g files:
# --sort parent, -p REGEX (which adds the key), -x (only rows with a
# parent), the key in -F, --hierarchy and --json; with --children the
# pattern is looked for from the outermost caller (perf's caller order),
# without from the sample up. A file without callchains is refused, as
# perf refuses it.
# Bad patterns stop the command; diff and top refuse the key.
. tests/lib.sh
. tests/shell/lib-report.sh
need_perf

record_g_pair

pat='main|clone|worker|spin'
for f in "$g" "$TMP/pg.data"; do
	# the pattern names some parents here, or the comparisons below prove little
	$PMUKVM report -i "$f" --stdio -q --no-children -g none --sort parent -p "$pat" 2>/dev/null |
		grep -v '\[other\]' | grep -q . || fail "$f: no sample has a parent matching '$pat'"
	lines_same "$f" --no-children -g none --sort parent -n
	lines_same "$f" --no-children -g none --sort parent -p "$pat" -n
	lines_same "$f" --no-children -g none -p "$pat" -n
	lines_same "$f" --no-children -g none --sort sym,parent -p "$pat" -n --percentage relative -x
	lines_same "$f" --no-children -p "$pat"
	lines_same "$f" --no-children -G -p 'sys|mem|irq|fault'
	lines_same "$f" -g none -p "$pat" -n
	lines_same "$f" -p "$pat" -x
	lines_same "$f" --no-children -g none -F overhead,parent,sym -p "$pat"
	lines_same "$f" --no-children -g none -F overhead,sym -p "$pat"
	lines_same "$f" --no-children -g none -F +parent -p "$pat"
	lines_same "$f" --no-children -g none --hierarchy --sort parent,sym -p "$pat"
	# -x without the key: no sample has a parent, no row is shown (as perf)
	perf report -i "$f" --stdio -q -x -g none 2>/dev/null | grep -q '%' &&
		fail "perf shows rows for -x alone: the test's premise is wrong"
	$PMUKVM report -i "$f" --stdio -q -x -g none 2>/dev/null | grep -q '%' &&
		fail "-x without the parent key: rows shown"
done

# --json: the key by its name
$PMUKVM report -i "$g" --json --sort parent -p "$pat" >"$TMP/j" 2>"$TMP/err" || fail "--json"
grep -q '"parent":"\[other\]"' "$TMP/j" && grep -v '\[other\]' "$TMP/j" | grep -q '"parent":"' ||
	{ head -5 "$TMP/j"; fail "--json: no parent field"; }
echo "ok: --json rows carry the parent"

# No callchains: refused, as perf refuses it.
perf record -q -e cpu-clock -F 999 -o "$TMP/flat.data" -- "$TOOLS/mtwork" 1 100 >/dev/null 2>&1 ||
	fail "perf record failed"
perf report -i "$TMP/flat.data" --stdio --sort comm,parent 2>/dev/null | grep -q '%' &&
	fail "perf took --sort parent on a file without callchains"
expect_clean_error "--sort parent without callchains" \
	$PMUKVM report -i "$TMP/flat.data" --stdio --sort comm,parent
grep -q "has no callchains" "$TMP/err" || fail "the message does not say why"

expect_clean_error "-p of a bad pattern" $PMUKVM report -i "$g" --stdio -p '('
grep -q "not a regular expression" "$TMP/err" || fail "-p '(': the message does not say why"
expect_clean_error "-p with the srcline key" $PMUKVM report -i "$g" --stdio --sort srcline -p main
expect_clean_error "diff --sort parent" $PMUKVM diff "$g" "$g" --sort parent
expect_clean_error "top --sort parent" $PMUKVM top -i "$g" --stdio --sort parent
echo "parent key agrees with perf"
