#!/bin/bash
# two events at once, each with its own ids; perf maps the samples to both.
. tests/shell/lib-record.sh

"$PMUKVM" --host record -q -e cpu-clock,task-clock -o "$TMP/2.data" -- "$HOTLOOP" 300000000 ||
	fail "record failed"
perf_quiet report -i "$TMP/2.data" --stdio --sort sym -n
for ev in cpu-clock task-clock; do
	grep -q "^# Samples: .* of event '$ev'" "$TMP/perf.out" || { cat "$TMP/perf.out"; fail "no samples of $ev"; }
done
[ "$(grep -c 'hot_function' "$TMP/perf.out")" -eq 2 ] || fail "hot_function not in both events"
perf_quiet report --header-only -i "$TMP/2.data"
ids=$(grep -o 'id = { [0-9, ]* }' "$TMP/perf.out" | tr -dc '0-9 \n' | tr ' ' '\n' | grep . | sort)
[ -n "$ids" ] && [ "$(echo "$ids" | uniq -d)" = "" ] || fail "event ids missing or shared: $ids"
exit 0
