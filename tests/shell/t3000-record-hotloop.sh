#!/bin/bash
# record a workload with a known hot function; perf report puts it on top,
# perf script reads every record without a warning.
. tests/shell/lib-record.sh

"$PMUKVM" --host record -e cpu-clock -o "$TMP/hot.data" -- "$HOTLOOP" 400000000 \
	2>"$TMP/err" || { cat "$TMP/err"; fail "record failed"; }
grep -q "^pmukvm: wrote [0-9]* bytes to '$TMP/hot.data' ([0-9]* samples, [0-9]* lost)$" "$TMP/err" ||
	{ cat "$TMP/err"; fail "no summary line"; }
[ "$(wc -l <"$TMP/err")" -eq 1 ] || { cat "$TMP/err"; fail "more than the summary on stderr"; }
[ "$(stat -c %a "$TMP/hot.data")" = 600 ] || fail "file mode is not 0600"

perf_quiet report -i "$TMP/hot.data" --stdio --sort comm,dso,sym -n
top=$(grep -v '^#' "$TMP/perf.out" | grep -m1 '%')
echo "$top" | grep -q 'hotloop .*hot_function' || { cat "$TMP/perf.out"; fail "hot_function not on top: $top"; }
perf_quiet script -i "$TMP/hot.data"
grep -q hotloop "$TMP/perf.out" || fail "perf script shows no hotloop samples"
exit 0
