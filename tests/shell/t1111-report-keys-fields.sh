#!/bin/bash
# report's sort keys cpu, period, srcline (and tid; --full-source-path),
# -F fields, --show-total-period and --hierarchy against perf report on
# the same files, from perf record and pmukvm record.
. tests/lib.sh
need_perf

. tests/shell/lib-report.sh

# perf_same FILE ARGS...: every column of -t '|' output equal, and the
# column header.
perf_same() { report_same '^#.*|' "$@"; }

# hier_paths: --hierarchy -t '|' rows as "key/key/...|columns", sorted.
# A row's depth is its indent / 3 (perf pads the overhead by up to two).
hier_paths() {
	grep -v '^#' | grep -v '^$' | awk -F'|' '{
		lead = match($0, /[^ ]/) - 1; d = int(lead / 3)
		k = $NF; gsub(/^ +| +$/, "", k); path[d] = k
		p = path[0]; for (i = 1; i <= d; i++) p = p "/" path[i]
		v = ""; for (i = 1; i < NF; i++) { c = $i; gsub(/^ +| +$/, "", c); v = v "|" c }
		print p v }' | sort
}

# Recorded again while it holds samples under perf-exec (perf cuts that
# comm: tests/lib.sh, perf_record_no_exec).
perf_record_no_exec "$TMP/perf.data" -q -e cpu-clock -F 999 --sample-cpu -- "$TOOLS/mtwork" 3 600 ||
	fail "perf record failed"
$PMUKVM record -q -e cpu-clock -F 999 -o "$TMP/pmukvm.data" -- "$TOOLS/mtwork" 3 600 \
	>/dev/null 2>&1 || fail "pmukvm record failed"

for f in "$TMP/perf.data" "$TMP/pmukvm.data"; do
	perf_agrees "$f" cpu
	perf_agrees "$f" cpu,pid,sym
	perf_agrees "$f" period
	perf_agrees "$f" dso,period
	# srcline: mtwork is built with -g; libc and libm through their debug files
	perf_agrees "$f" srcline --dso mtwork,libc.so.6
	# whole paths on mtwork's own lines only: in libc's DWARF 5 line tables a
	# file included by another (sysdeps/wordsize-64/strtol_l.c, which
	# includes stdlib/strtol_l.c) gets one directory from addr2line and the
	# other from libdw, the base name and line the same (pmukvm-report(1))
	perf_agrees "$f" srcline --dso mtwork --full-source-path
	grep -q '|/.*/mtwork\.c:[0-9]' "$TMP/pmukvm.rows" ||
		fail "--full-source-path: no whole path for mtwork.c"
	perf_agrees "$f" sym,srcline --dso mtwork,libc.so.6
	perf_agrees "$f" dso,srcline --dso mtwork,libc.so.6,[kernel.kallsyms]
	# -F: columns, and the sort keys they bring
	perf_same "$f" -F overhead,sample,period,comm,dso
	perf_same "$f" -F overhead,overhead_sys,overhead_us,overhead_guest_sys,overhead_guest_us,dso
	perf_same "$f" -F sample,overhead
	perf_same "$f" -F overhead,comm --sort dso
	perf_same "$f" -F period,dso,overhead
	perf_same "$f" -F overhead,sample,cpu,sym --percentage relative --dso libc.so.6,libm.so.6
	perf_same "$f" --sort comm,dso -n --show-total-period
	# --hierarchy: the tree's rows, level by level
	for a in "--sort comm,dso,sym" "--sort dso,sym -n --show-total-period" \
		 "--sort cpu,dso --dso libc.so.6,libm.so.6 --percentage relative" \
		 "--sort dso,sym --time 20%-70%"; do
		# shellcheck disable=SC2086
		perf report -i "$f" --stdio --hierarchy -t '|' $a 2>/dev/null | hier_paths >"$TMP/hp"
		# shellcheck disable=SC2086
		$PMUKVM report -i "$f" --stdio --hierarchy -t '|' $a | hier_paths >"$TMP/hm"
		[ -s "$TMP/hp" ] || fail "perf printed no hierarchy ($a)"
		diff -u "$TMP/hp" "$TMP/hm" || fail "--hierarchy $a: the trees differ"
		echo "same tree: $a: $(wc -l <"$TMP/hp") rows"
	done
done

# --hierarchy as text, padded as perf pads it (rows of distinct periods).
f=$TMP/perf.data
clean() { grep -v '^# To display\|^# (Tip\|^#$\|^$' | grep -v 'Total Lost\|^# Samples\|^# Event' |
	sed 's/ *$//'; }
for a in "--sort comm,dso" "--sort comm,dso -n --show-total-period" "--sort comm,dso --percent-limit 99"; do
	# shellcheck disable=SC2086
	perf report -i "$f" --stdio --hierarchy $a 2>/dev/null | clean >"$TMP/hp"
	# shellcheck disable=SC2086
	$PMUKVM report -i "$f" --stdio --hierarchy $a | clean >"$TMP/hm"
	diff -u "$TMP/hp" "$TMP/hm" || fail "--hierarchy $a: the text differs"
done
grep -q "no entry >= 99.00%" "$TMP/hm" || fail "--percent-limit: no 'no entry' line"

# The keys and fields reach --json; tid is the thread's id.
$PMUKVM report -i "$f" --json --sort tid,cpu,srcline -F overhead,overhead_us,tid >"$TMP/json" ||
	fail "--json with the new keys"
grep -q '"tid":[0-9]*,"cpu":[0-9]*,"srcline":"' "$TMP/json" || { head -3 "$TMP/json"; fail "json keys"; }
grep -q '"overhead_us":[0-9.]*' "$TMP/json" || fail "json overhead_us"
perf_agrees "$f" pid
$PMUKVM report -i "$f" --stdio -n -t '|' -q --sort tid | awk -F'|' '{ print $2 "|" $3 }' |
	sort >"$TMP/tid"
awk -F'|' '{ split($2, a, ":"); print $1 "|" a[1] }' "$TMP/pmukvm.rows" | sort >"$TMP/pid"
diff -u "$TMP/pid" "$TMP/tid" || fail "--sort tid differs from perf's per-thread pid key"

# What the browser cannot show is refused there, and bad fields are errors.
expect_clean_error "-F bogus" $PMUKVM report -i "$f" --stdio -F overhead,bogus
expect_clean_error "--sort bogus" $PMUKVM report -i "$f" --stdio --sort tid,bogus
grep -q "srcline" "$TMP/err" || fail "the unknown-key message does not list the keys"
expect_clean_error "--tui --hierarchy" $PMUKVM report -i "$f" --tui --hierarchy
expect_clean_error "--json --hierarchy" $PMUKVM report -i "$f" --json --hierarchy
echo "keys and fields agree"
