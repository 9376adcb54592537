#!/bin/bash
# report's time key against perf report 6.1 on the same files: --sort time
# alone and with other keys, --time-quantum in each unit, --ns, -n, -F,
# --hierarchy, -t, -g call paths under time rows (--no-children: see
# below); times of 100,000 s and more cut to perf's column (a crafted file
# whose clock starts at 123456789 s). With --children perf counts a
# sample into a time row once a frame (pmukvm-report(1) says why it does
# not): there the rows' Self must be perf's and Children equal to Self.
# --json gives the slice's start in ns; bad quanta, diff and top refuse.
. tests/lib.sh
. tests/shell/lib-report.sh
need_perf

record_g_pair
make -s --no-print-directory "$TOOLS/mkcrafted" >/dev/null || fail "cannot build mkcrafted"
big=$TMP/big.data
"$TOOLS/mkcrafted" stream-at "$big" 20000 123456789012345678 || fail "mkcrafted stream-at"

for f in "$g" "$TMP/pg.data"; do
	# more than one slice at the default quantum, or the comparisons prove little
	n=$($PMUKVM report -i "$f" --stdio -q --no-children -g none --sort time | grep -c '%')
	[ "$n" -ge 2 ] || fail "$f: $n slices of 100 ms"
	lines_same "$f" --no-children -g none --sort time -n
	lines_same "$f" --no-children -g none --sort time,sym --ns
	lines_same "$f" --no-children -g none --sort sym,time --time-quantum 10ms -n
	lines_same "$f" --no-children -g none --sort comm,time --time-quantum 1s --show-total-period
	lines_same "$f" --no-children -g none --sort time --time-quantum '250 us'
	lines_same "$f" --no-children -g none --sort time --time-quantum 2000000
	LINES_SORTED=1 lines_same "$f" --no-children -g folded --sort time --time-quantum 50ms
	LINES_SORTED=1 lines_same "$f" --no-children -g folded,0,caller --sort time,sym
	lines_same "$f" --no-children -g none -F overhead,time,sym
	lines_same "$f" --no-children -g none -F +time
	lines_same "$f" -g none --hierarchy --sort time,sym
	report_same '^# Overhead' "$f" --no-children -g none --sort comm,time,dso -n

	# --children: Self as perf's, Children equal to it
	perf report -i "$f" --stdio -q -g none --sort time 2>/dev/null | grep '%' | awk '{ print $2, $3 }' |
		sort >"$TMP/perf.self"
	$PMUKVM report -i "$f" --stdio -q -g none --sort time 2>"$TMP/err" >"$TMP/ours" ||
		{ cat "$TMP/err"; fail "report --children --sort time"; }
	awk '{ print $2, $3 }' "$TMP/ours" | sort >"$TMP/ours.self"
	cmp -s "$TMP/perf.self" "$TMP/ours.self" ||
		{ diff "$TMP/perf.self" "$TMP/ours.self"; fail "--children --sort time: Self not perf's"; }
	awk '$1 != $2 { bad = 1 } END { exit bad }' "$TMP/ours" ||
		{ cat "$TMP/ours"; fail "--children --sort time: Children is not Self"; }
	echo "ok: --children --sort time: Self as perf's, Children = Self"
done

# Times past 99,999 s: cut to 12 (16 with --ns) characters as perf's.
lines_same "$big" --sort time --time-quantum 1us -n
lines_same "$big" --sort time,comm --ns --time-quantum 10us
report_same '^# Overhead' "$big" --sort time,comm --time-quantum 100us
grep -q '123456789.01$' "$TMP/ours.out" 2>/dev/null ||
	$PMUKVM report -i "$big" --stdio -q --sort time --time-quantum 1us | grep -q ' 123456789.01$' ||
	fail "a time past 99,999 s is not cut to 12 characters"

# --json: the slice's start in ns, a multiple of the quantum
$PMUKVM report -i "$big" --json --sort time --time-quantum 1us >"$TMP/j" 2>"$TMP/err" ||
	{ cat "$TMP/err"; fail "--json --sort time"; }
grep -q '"time":123456789012345000[,}]' "$TMP/j" || { head -3 "$TMP/j"; fail "--json: no time in ns"; }
grep -o '"time":[0-9]*' "$TMP/j" | grep -v '000$' && fail "--json: a time that is not a multiple of the quantum"
echo "ok: --json times in ns"

# perf refuses the first three; it takes the last two as huge quanta
for q in 0 5x 1.5ms -3ms 99999999999999999999s; do
	case $q in 0|5x|1.5ms)
		perf report -i "$g" --stdio --sort time --time-quantum "$q" >/dev/null 2>&1 &&
			fail "perf took --time-quantum $q: the test's premise is wrong"
	esac
	expect_clean_error "--time-quantum $q" $PMUKVM report -i "$g" --stdio --sort time --time-quantum "$q"
done
expect_clean_error "diff --sort time" $PMUKVM diff "$g" "$g" --sort time
expect_clean_error "top --sort time" $PMUKVM top -i "$g" --stdio --sort time
echo "time key agrees with perf"
