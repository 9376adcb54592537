#!/bin/bash
# Files whose samples read their group's counters (perf record -e
# '{a,b}:S': the leader samples, each sample carries every member's
# value and id, PERF_SAMPLE_READ with PERF_FORMAT_GROUP|ID): as perf
# report, each sample counts for every event of the group, its period the
# change of that event's value since the id's last read. Before, the
# samples counted for the leader alone, with its sampling period: the
# members showed 0.00% everywhere and the header half the samples. The
# rows, the header's counts and --stats against perf's, with and
# without -g, grouped and not; the same for a stream.
. tests/lib.sh
. tests/shell/lib-report.sh
need_perf

perf_record_no_exec "$TMP/s.data" -q -e '{cpu-clock,task-clock}:S' -c 100000 \
	-- "$TOOLS/mtwork" 2 300 || fail "perf record :S failed"
perf evlist -v -i "$TMP/s.data" 2>/dev/null | grep -q 'sample_type: .*READ' ||
	skip "perf recorded no group reads here"
perf_record_no_exec "$TMP/g.data" -q -g -e '{cpu-clock,task-clock,page-faults}:S' -c 100000 \
	-- "$TOOLS/mtwork" 2 300 || fail "perf record -g :S failed"

# header FILE OPTIONS...: the Samples and Event count lines, perf's.
header() {
	local f=$1
	shift
	perf report -i "$f" --stdio "$@" 2>/dev/null | grep '^# \(Samples\|Event count\)' >"$TMP/perf.h"
	$PMUKVM report -i "$f" --stdio "$@" 2>"$TMP/err" | grep '^# \(Samples\|Event count\)' \
		>"$TMP/ours.h" || { cat "$TMP/err"; fail "report $* on $f failed"; }
	[ -s "$TMP/perf.h" ] || fail "perf printed no header on $f"
	diff -u "$TMP/perf.h" "$TMP/ours.h" || fail "$f $*: the header's counts differ from perf's"
	echo "ok: header $*: $(wc -l <"$TMP/ours.h") lines as perf"
}

for o in "" --no-group "-n --show-total-period" "--sort dso,sym"; do
	# shellcheck disable=SC2086
	rows_same "$TMP/s.data" $o
	# shellcheck disable=SC2086
	header "$TMP/s.data" $o
	# shellcheck disable=SC2086
	header "$TMP/g.data" $o
done
# Paths as folded lines (siblings of equal value are drawn in an order
# of perf's own where they lie in different DSOs: see the man page).
for o in "-g folded,0" "--no-group -g folded,0" "--no-group --no-children -g folded,0,callee" \
	"--no-group -g none" "-n --show-total-period -g none" "--sort dso,sym -g folded,0"; do
	# shellcheck disable=SC2086
	rows_same "$TMP/g.data" $o
done
# The members have shares of their own, not 0.00%.
$PMUKVM report -i "$TMP/s.data" --stdio -q >"$TMP/out" || fail "report failed"
grep -q -E '^ +[0-9.]+% +0\.00% ' "$TMP/out" && fail "a row with the member at 0.00%"
grep -q -E '^ +[0-9.]*[1-9][0-9.]*% +[0-9.]*[1-9][0-9.]*% ' "$TMP/out" || fail "no row with both events' shares"
# --stats: a record counts once, a delivered sample for its event.
perf report -i "$TMP/g.data" --stats 2>/dev/null | grep -A1 ' stats:$' | grep -v '^--' >"$TMP/perf.st"
$PMUKVM report -i "$TMP/g.data" --stats | grep -A1 ' stats:$' | grep -v '^--' >"$TMP/ours.st"
diff -u "$TMP/perf.st" "$TMP/ours.st" || fail "--stats: the events' sample counts differ from perf's"
# A stream of the same: its events known only as read.
perf inject -i "$TMP/s.data" -o - >"$TMP/s.pipe" 2>/dev/null || fail "perf inject to a stream failed"
perf report -i - --stdio -q <"$TMP/s.pipe" 2>/dev/null | grep . | tr -s ' ' | sort >"$TMP/perf.rows"
$PMUKVM report -i - --stdio -q <"$TMP/s.pipe" | grep . | tr -s ' ' | sort >"$TMP/ours.rows" ||
	fail "report of the stream failed"
[ -s "$TMP/perf.rows" ] || fail "perf printed nothing for the stream"
diff -u "$TMP/perf.rows" "$TMP/ours.rows" | head -10
cmp -s "$TMP/perf.rows" "$TMP/ours.rows" || fail "the stream's rows differ from perf's"
echo "PASS: samples that read their group count for every event, as perf report's"
