#!/bin/bash
# record -e '{a,b}': events in a group, as perf records them: opened
# together (the members with the leader's fd as group_fd), the group's
# modifiers on each, the groups described in the file (HEADER_GROUP_DESC)
# so that perf report shows them side by side, and pmukvm report the same
# rows; perf evlist reads the group back as perf record -e writes it;
# '{a,b}:S' as perf's leader sampling. A brace out of place is a usage
# error.
. tests/lib.sh
. tests/shell/lib-report.sh
need_perf

spec='{cpu-clock,task-clock}:u'
$PMUKVM record -q -e "$spec" -e page-faults -o "$TMP/g.data" -- "$TOOLS/mtwork" 2 300 \
	2>"$TMP/err" || { cat "$TMP/err"; fail "record -e '$spec' failed"; }
perf report -i "$TMP/g.data" --header-only 2>/dev/null | grep -qx '# group: {cpu-clock,task-clock}' ||
	fail "perf does not read the group from the file"
# as perf record writes the same spec (events, their attrs' modes)
perf record -q -e "$spec" -e page-faults -o "$TMP/perf.data" -- true >/dev/null 2>&1 ||
	fail "perf record -e '$spec' failed"
perf evlist -g -i "$TMP/perf.data" 2>/dev/null >"$TMP/perf.ev"
perf evlist -g -i "$TMP/g.data" 2>/dev/null >"$TMP/ours.ev"
diff -u "$TMP/perf.ev" "$TMP/ours.ev" || fail "perf evlist -g reads other groups than perf record writes"
echo "ok: perf evlist -g: $(tr '\n' ' ' <"$TMP/ours.ev")"

# Both reports: by group by default, the same rows.
for o in "" --no-group "-n --sort dso,sym"; do
	# shellcheck disable=SC2086
	rows_same "$TMP/g.data" $o
done
$PMUKVM report -i "$TMP/g.data" --stdio | grep -q "^# Samples: [0-9]*  of events 'anon group { cpu-clock, task-clock }'" ||
	fail "report does not show the group"

# Opened as a group: each member with its leader's fd. (LeakSanitizer
# cannot run under ptrace.)
if command -v strace >/dev/null 2>&1; then
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -f -qq -e trace=perf_event_open -o "$TMP/strace" \
		"$PMUKVM" record -q -e '{cpu-clock,task-clock}' -a --duration 0.1 -o "$TMP/a.data" \
		>/dev/null 2>"$TMP/err" || { cat "$TMP/err"; fail "record -a of a group failed"; }
	leaders=$(grep -c 'perf_event_open(.*, -1, PERF_FLAG_FD_CLOEXEC) = [0-9]' "$TMP/strace")
	members=$(grep -c 'perf_event_open(.*, [0-9][0-9]*, PERF_FLAG_FD_CLOEXEC) = [0-9]' "$TMP/strace")
	if [ "$members" -lt 1 ] || [ "$members" -ne "$leaders" ]; then
		cat "$TMP/strace"
		fail "the group's member is not opened with its leader's fd"
	fi
	echo "ok: $members member fds opened with their leader's"
fi

# :S, as perf's: the leader samples and each sample reads the group
# (PERF_SAMPLE_READ, ids, the group's read format, no inherit); the
# members take no samples of their own. Both reports count each sample
# for every event (t1188).
$PMUKVM record -q -e '{cpu-clock,task-clock}:S' -c 100000 -o "$TMP/s.data" -- "$TOOLS/mtwork" 2 300 \
	2>"$TMP/err" || { cat "$TMP/err"; fail "record -e '{cpu-clock,task-clock}:S' failed"; }
perf evlist -v -i "$TMP/s.data" 2>/dev/null >"$TMP/s.ev"
head -1 "$TMP/s.ev" | grep -q 'sample_type: .*READ' && head -1 "$TMP/s.ev" | grep -q 'read_format: ID|GROUP' ||
	{ cat "$TMP/s.ev"; fail ":S: the leader does not read the group"; }
grep -q 'inherit' "$TMP/s.ev" && { cat "$TMP/s.ev"; fail ":S: a group read inherited"; }
sed -n 2p "$TMP/s.ev" | grep -q 'sample_period\|sample_freq' && { cat "$TMP/s.ev"; fail ":S: the member samples"; }
for o in "" --no-group "-n --sort dso,sym"; do
	# shellcheck disable=SC2086
	rows_same "$TMP/s.data" $o
done
$PMUKVM report -i "$TMP/s.data" --stdio -q | grep -q -E '^ +[0-9.]*[1-9][0-9.]*% +[0-9.]*[1-9][0-9.]*% ' ||
	fail ":S: no row with both events' shares"
# S on a member alone: the group's or its leader's, nothing else.
$PMUKVM record -q -e '{cpu-clock,task-clock:S}' -o "$TMP/bad.data" -- true >/dev/null 2>"$TMP/err"
rc=$?
[ $rc = 129 ] || fail "-e '{cpu-clock,task-clock:S}': exit $rc, not 129"
grep -q "S is the group's" "$TMP/err" || { cat "$TMP/err"; fail "S on a member: no clear error"; }

# Braces out of place.
for bad in '{cpu-clock' 'cpu-clock}' '{}' '{cpu-clock,{task-clock}}' '{cpu-clock,task-clock}x' \
	   '{cpu-clock,task-clock}:'; do
	$PMUKVM record -q -e "$bad" -o "$TMP/bad.data" -- true >/dev/null 2>"$TMP/err"
	rc=$?
	[ $rc = 129 ] || fail "-e '$bad': exit $rc, not 129"
	grep -q "bad event group" "$TMP/err" || { cat "$TMP/err"; fail "-e '$bad': no clear error"; }
done
echo "PASS: event groups recorded as perf records them"
