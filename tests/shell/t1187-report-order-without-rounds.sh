#!/bin/bash
# A file without FINISHED_ROUND records is delivered in perf's order (the
# whole file sorted by time, equal times in file order) however far out
# of order its records lie, and in a window of about 64 KiB of the file
# where they lie in order: the session reads the file once to know, for
# each block of it, the least time still to come (session.c: order_plan).
. tests/lib.sh
MK=$TOOLS/mkcrafted
[ -x "$MK" ] || fail "$MK is not built"
have_perf=1
command -v perf >/dev/null 2>&1 || have_perf=0

# 100,000 samples, then the MMAP they fall in and a COMM that renames
# their process, both timed before the first sample: every sample is the
# renamed process's, in late.so. (A watermark over each CPU's newest time,
# after 65,536 records, delivered 99,323 of them first: early, [unknown].)
"$MK" late-maps "$TMP/late.data" 100000
$PMUKVM report -i "$TMP/late.data" --stdio --sort comm,dso -n -t '|' >"$TMP/late.out" \
	2>"$TMP/late.err" || { cat "$TMP/late.err"; fail "report on late.data failed"; }
rows=$(grep -v '^#' "$TMP/late.out" | grep -c .)
grep -q '^ *100.00%| *100000|renamed *|late.so' "$TMP/late.out" && [ "$rows" = 1 ] ||
	{ cat "$TMP/late.out"; fail "late.data: not every sample in 'renamed', late.so"; }
# In perf's order nothing comes older than what was delivered: no warning.
[ -s "$TMP/late.err" ] && { cat "$TMP/late.err"; fail "late.data: a warning"; }
echo "ok: late.data: 100,000 samples in renamed, late.so"
[ $have_perf = 0 ] || perf_agrees "$TMP/late.data" comm,dso
[ $have_perf = 0 ] || perf_agrees "$TMP/late.data" comm,dso,sym

# The first pass shows its progress on a terminal as the main pass does
# (t1170), named for what it does (the main pass's line, 200 ms after
# it, is not asked for: the pass takes less).
if command -v script >/dev/null 2>&1; then
	PMUKVM_PROGRESS_DELAY_MS=0 script -qec "$PMUKVM report -i $TMP/late.data --stdio >/dev/null" \
		/dev/null >"$TMP/tty" 2>&1
	grep -a -q "pmukvm: scanning $TMP/late.data: *[0-9]*%" "$TMP/tty" ||
		{ od -c "$TMP/tty" | head; fail "no progress line for the first pass"; }
	echo "ok: progress for the first pass"
fi

# The same through a pipe (read once: the watermark, as before) still
# gives an answer, and a bad record late in the file is reported where it
# lies, not at the first pass.
$PMUKVM report -i - --stdio --sort comm <"$TMP/late.data" >/dev/null 2>"$TMP/pipe.err" ||
	{ cat "$TMP/pipe.err"; fail "late.data through a pipe"; }
cp "$TMP/late.data" "$TMP/bad.data"
off=$(python3 - "$TMP/bad.data" <<'PY'
import struct, sys
with open(sys.argv[1], "r+b") as f:
    f.seek(40)
    data, size = struct.unpack("<QQ", f.read(16))
    f.seek(data)
    buf = f.read(size)
    pos = 0
    while pos < len(buf):               # the last record: the COMM
        last = pos
        pos += struct.unpack("<H", buf[pos + 6:pos + 8])[0]
    f.seek(data + last + 6)
    f.write(struct.pack("<H", 12))      # not a multiple of 8
    print("%#x" % (data + last))
PY
) || fail "cannot patch bad.data"
if $PMUKVM report -i "$TMP/bad.data" --stdio >"$TMP/bad.out" 2>"$TMP/bad.err"; then
	fail "bad.data: exit 0"
fi
grep -q "bad.data.*record at $off .*invalid size 12" "$TMP/bad.err" ||
	{ cat "$TMP/bad.err"; fail "bad.data: no message naming the record at $off"; }
echo "ok: bad.data: $(head -n1 "$TMP/bad.err")"

# Out of order within each CPU (each time up to 4096 later), no rounds:
# the window follows the disorder, so peak RSS stays flat as the file
# grows eight times (it held the whole file: 13 MB, then 128 MB). A
# sanitizer build runs the reports without the bound.
"$MK" jitter "$TMP/j1.data" 200000 4096
"$MK" jitter "$TMP/j8.data" 1600000 4096
a=$(peak $PMUKVM report -i "$TMP/j1.data" --stats)
b=$(peak $PMUKVM report -i "$TMP/j8.data" --stats)
grep -q "out of order" "$TMP/err" && { cat "$TMP/err"; fail "j8.data: out of order warning"; }
echo "jitter: 200,000 samples $a kB, 1,600,000 samples $b kB"
if ! sanitized; then
	[ "$b" -le $((a + 2048)) ] || fail "jitter: $b kB for 1.6M samples, $a kB for 200,000"
fi
[ $have_perf = 0 ] || perf_agrees "$TMP/j8.data" comm
echo "order without rounds checked"
