#!/bin/bash
# report's sample filters against perf report on the same files, from perf
# record and pmukvm record: --comm, --dso, --symbols, --pid, --tid, -C and
# --time in perf's forms, with --percentage relative and absolute; and the
# errors for bad filter arguments.
. tests/lib.sh
need_perf

# perf_same FILE ARGS...: every column of -t '|' output (overhead, counts,
# keys) equal, and the header's event count.
perf_same() {
	local f=$1; shift
	perf report -i "$f" --stdio -t '|' "$@" 2>"$TMP/perf.err" >"$TMP/perf.out"
	$PMUKVM report -i "$f" --stdio -t '|' "$@" 2>"$TMP/pmukvm.err" >"$TMP/pmukvm.out"
	for w in perf pmukvm; do
		grep -v '^#' "$TMP/$w.out" | grep -v '^$' | sed 's/ *| */|/g; s/^ *//; s/ *$//' |
			sort >"$TMP/$w.all"
		grep '^# Event count' "$TMP/$w.out" >>"$TMP/$w.all"
	done
	[ -s "$TMP/perf.all" ] || { cat "$TMP/perf.err"; fail "perf report printed nothing ($*)"; }
	diff -u "$TMP/perf.all" "$TMP/pmukvm.all" || fail "pmukvm and perf differ on $f: $*"
	echo "same: $*: $(wc -l <"$TMP/perf.all") lines"
}

# Recorded again while it holds samples under perf-exec (perf cuts that
# comm: tests/lib.sh, perf_record_no_exec).
perf_record_no_exec "$TMP/perf.data" -q -e cpu-clock -F 999 --sample-cpu -- "$TOOLS/mtwork" 3 600 ||
	fail "perf record failed"
$PMUKVM record -q -e cpu-clock -F 999 -o "$TMP/pmukvm.data" -- "$TOOLS/mtwork" 3 600 \
	>/dev/null 2>&1 || fail "pmukvm record failed"

for f in "$TMP/perf.data" "$TMP/pmukvm.data"; do
	pid=$(perf script -i "$f" -F pid 2>/dev/null | sort | uniq -c | sort -rn | awk 'NR == 1 { print $2 }')
	tid=$(perf script -i "$f" -F tid 2>/dev/null | sort -u | awk -v p="$pid" '$1 != p { print $1 }' | head -1)
	cpu=$(perf script -i "$f" -F cpu 2>/dev/null | tr -d '[]' | sort | uniq -c | sort -rn |
		awk 'NR == 1 { print $2 + 0 }')
	# a time window in the middle, from the samples' own clock
	read -r t1 t2 <<<"$(perf script -i "$f" -F time 2>/dev/null | tr -d ' :' |
		awk '{ t[NR] = $1 } END { print t[int(NR / 4)], t[int(NR / 2)] }')"
	[ -n "$pid" ] && [ -n "$tid" ] && [ -n "$t1" ] || fail "cannot read pid/tid/time from $f"

	perf_agrees "$f" comm,dso,sym --comm mtwork
	perf_agrees "$f" comm,dso,sym --comm mtwork,nosuchcomm
	perf_agrees "$f" comm,dso,sym --dso libc.so.6,libm.so.6
	perf_agrees "$f" comm,dso,sym --dso libc.so.6
	perf_agrees "$f" dso,sym --symbols spin_math,worker,__sin_fma
	perf_agrees "$f" pid,dso --pid "$pid"
	perf_agrees "$f" pid,dso --tid "$tid,$pid"
	perf_agrees "$f" cpu,comm,dso -C "$cpu"
	perf_agrees "$f" cpu,comm,dso -C "0-$(( $(nproc) - 1 ))"
	perf_agrees "$f" comm,dso,sym --time "$t1,$t2"
	perf_agrees "$f" comm,dso,sym --time ",$t1"
	perf_agrees "$f" comm,dso,sym --time "$t2,"
	perf_agrees "$f" comm,dso,sym --time ",$t1 $t2,"
	for t in 10%/2 0%-10% 10%-20%,30%-40% 50% 90%-100% 25%/1,25%/4; do
		perf_agrees "$f" comm,dso,sym --time "$t"
	done
	# Percentages and counts, hidden samples in or out of the totals.
	perf_same "$f" --sort dso,sym -n --dso libc.so.6,libm.so.6
	perf_same "$f" --sort dso,sym -n --dso libc.so.6,libm.so.6 --percentage relative
	perf_same "$f" --sort pid,sym -n --tid "$tid" --percentage relative --show-total-period
	perf_same "$f" --sort comm,dso -n --symbols __sin_fma,spin_math --percentage absolute
	perf_same "$f" --sort dso -n --time 10%-60% -C "$cpu"
	# keys that do not show the filtered field: as in perf, a row's first
	# sample decides whether it is shown, and the others count in it
	perf_same "$f" -n --tid "$tid"
	perf_same "$f" -n --tid "$tid" --percentage relative
	perf_same "$f" --sort dso -n --symbols spin_math,__sin_fma
	# perf's short forms; --symbol-filter: rows whose symbol holds it
	perf_same "$f" -n -c mtwork -d libc.so.6,libm.so.6
	perf_same "$f" --sort dso,sym -n -S spin_math,__sin_fma --percentage relative
	perf_same "$f" -n --symbol-filter=sin
	perf_same "$f" -n --symbol-filter=_ --percentage relative
	perf_same "$f" --sort comm,sym -n --symbol-filter=m
	# perf 6.1 takes --symbol-filter only where a key merges rows (comm,
	# srcline): under --sort dso,sym it shows every row. Here the filter holds.
	$PMUKVM report -i "$f" --stdio -q -t '|' --sort dso,sym --symbol-filter=sin >"$TMP/sf"
	grep -q sin "$TMP/sf" || fail "--symbol-filter=sin --sort dso,sym: no row"
	awk -F'|' '$3 !~ /sin/ { bad = 1 } END { exit bad }' "$TMP/sf" ||
		{ cat "$TMP/sf"; fail "--symbol-filter=sin --sort dso,sym: a row without it"; }
	# --time names its slices in the header, as perf's
	$PMUKVM report -i "$f" --stdio --time 10%/2 | grep -q "^# Samples: .* (time slices: 10%/2)$" ||
		fail "no time slices in the header"
	# one-item filters: the column goes, the header says it, as perf's
	$PMUKVM report -i "$f" --stdio --sort comm,dso,sym --dso libc.so.6 >"$TMP/el"
	grep -q '^# dso: libc.so.6$' "$TMP/el" || fail "no '# dso:' line"
	grep -q '^# Overhead  Command  Symbol' "$TMP/el" || fail "the dso column is not elided"
done

# Filters reach every output: --json rows are the -t rows.
f=$TMP/pmukvm.data
$PMUKVM report -i "$f" --stdio -n -t '|' -q --sort comm,dso --time 0%-50% --dso libc.so.6,libm.so.6 |
	awk -F'|' '{ print $2 "|" $3 "|" $4 }' | sort >"$TMP/t.rows"
$PMUKVM report -i "$f" --json --sort comm,dso --time 0%-50% --dso libc.so.6,libm.so.6 |
	sed 's/.*"samples":\([0-9]*\),.*"comm":"\([^"]*\)","dso":"\([^"]*\)".*/\1|\2|\3/' |
	sort >"$TMP/j.rows"
[ -s "$TMP/t.rows" ] || fail "no rows"
diff -u "$TMP/t.rows" "$TMP/j.rows" || fail "--json rows differ from -t rows under filters"

# Bad arguments: a clear message, exit 129 for options, 1 for the file.
expect_clean_error "--time 2,1" $PMUKVM report -i "$f" --stdio --time 2,1
expect_clean_error "--time 1,2,3" $PMUKVM report -i "$f" --stdio --time 1,2,3
expect_clean_error "--time 10%x" $PMUKVM report -i "$f" --stdio --time 10%x
expect_clean_error "--time 0%-10%,30%" $PMUKVM report -i "$f" --stdio --time 0%-10%,30%
expect_clean_error "--time 10%/LONG_MIN" $PMUKVM report -i "$f" --stdio --time 10%/-9223372036854775808
expect_clean_error "--time 10%/0" $PMUKVM report -i "$f" --stdio --time 10%/0
expect_clean_error "--cpu 2-1" $PMUKVM report -i "$f" --stdio -C 2-1
expect_clean_error "--cpu 99999" $PMUKVM report -i "$f" --stdio --cpu 99999
# the first CPU number past the file's (nrcpus avail, the machine's
# configured CPUs: nproc counts only those this process may run on)
avail=$(perf report -i "$f" --header-only 2>/dev/null | sed -n 's/^# nrcpus avail : \([0-9]*\)$/\1/p')
[ -n "$avail" ] || fail "no nrcpus avail in $f's header"
expect_clean_error "--cpu past the recording's cpus" $PMUKVM report -i "$f" --stdio -C "0,$avail"
expect_clean_error "--pid x" $PMUKVM report -i "$f" --stdio --pid x
expect_clean_error "--percentage bogus" $PMUKVM report -i "$f" --stdio --percentage bogus
$PMUKVM report -i "$f" --stdio --percentage bogus >/dev/null 2>&1
[ $? -eq 129 ] || fail "--percentage bogus: exit status is not 129"
perf record -q -e cpu-clock -o "$TMP/nocpu.data" -- "$TOOLS/mtwork" 1 100 >/dev/null 2>&1
expect_clean_error "-C on a file without cpus" $PMUKVM report -i "$TMP/nocpu.data" --stdio -C 0
grep -q "no cpu" "$TMP/err" || fail "-C: the message does not say why"
# a pipe has no sample-time feature: percents cannot be taken, as in perf
perf record -q -e cpu-clock -o - -- "$TOOLS/mtwork" 1 100 2>/dev/null >"$TMP/pipe.data"
expect_clean_error "--time 10% on a pipe" $PMUKVM report -i "$TMP/pipe.data" --stdio --time 10%
echo "all filters agree"
