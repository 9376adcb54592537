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
# The summary counts what the file keeps, not what was read.
said=$(sed -n 's/.*(\([0-9]*\) samples.*/\1/p' "$TMP/err")
[ "$said" = "$(wc -l <"$TMP/perf.out")" ] || { cat "$TMP/err"; fail "summary says $said samples, the file has $(wc -l <"$TMP/perf.out")"; }
perf_quiet report --header-only -i "$TMP/small/f.data"
grep -q '# hostname' "$TMP/perf.out" || fail "features lost"
exit 0
