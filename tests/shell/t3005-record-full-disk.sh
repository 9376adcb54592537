#!/bin/bash
# a full disk stops record with a message and leaves a file perf reads.
. tests/shell/lib-record.sh

mkdir "$TMP/small"
mount -t tmpfs -o size=256k tmpfs "$TMP/small" 2>/dev/null || skip "cannot mount a tmpfs (not root?)"
trap 'umount "$TMP/small" 2>/dev/null; rm -rf "$TMP"' EXIT

"$PMUKVM" --host record -a -e cpu-clock -F 10000 -o "$TMP/small/f.data" --duration 10 2>"$TMP/err" &&
	fail "record said success on a full disk"
grep -q "cannot write '$TMP/small/f.data': No space left on device" "$TMP/err" ||
	{ cat "$TMP/err"; fail "no message about the full disk"; }
perf_quiet report -i "$TMP/small/f.data" --stdio --sort comm -n
grep -q '^# Samples' "$TMP/perf.out" || fail "no samples kept"
perf_quiet script -i "$TMP/small/f.data"
perf_quiet report --header-only -i "$TMP/small/f.data"
grep -q '# hostname' "$TMP/perf.out" || fail "features lost"
exit 0
