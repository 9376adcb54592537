#!/bin/bash
# Records followed by a payload (AUXTRACE, TRACING_DATA) are skipped with
# their payload, whether it fits in the read buffer or not: the rest of
# the stream reads as before. A payload cut short by the end of the input
# is named with its offset. (An AUXTRACE record once made report spin.)
. tests/lib.sh
need_perf

perf record -q -e cpu-clock -o - -- "$TOOLS/hotloop" 2>/dev/null >"$TMP/pipe.data" ||
	fail "perf record -o - failed"
# aux SIZE PAYLOAD_BYTES_PRESENT: an AUXTRACE record, then a FINISHED_ROUND.
aux() {
	python3 - "$1" "$2" <<'PY'
import struct, sys
size, present = int(sys.argv[1]), int(sys.argv[2])
rec = struct.pack('<IHH', 71, 0, 48) + struct.pack('<QQQIIII', size, 0, 0, 0, 0, 0, 0)
sys.stdout.buffer.write(rec + b'\xaa' * present)
if present == size:
    sys.stdout.buffer.write(struct.pack('<IHH', 68, 0, 8))
PY
}
$PMUKVM report -i "$TMP/pipe.data" --stdio -n >"$TMP/want" 2>/dev/null || fail "report on the plain stream"

for size in 16 $((3 << 20)); do
	{ cat "$TMP/pipe.data"; aux $size $size; } >"$TMP/aux.data"
	timeout 30 $PMUKVM report -i "$TMP/aux.data" --stdio -n >"$TMP/got" 2>"$TMP/err"
	rc=$?
	[ $rc = 124 ] && fail "AUXTRACE with a $size-byte payload: report does not finish"
	[ $rc = 0 ] || { cat "$TMP/err"; fail "AUXTRACE with a $size-byte payload: exit $rc"; }
	diff <(grep -v '^#' "$TMP/want") <(grep -v '^#' "$TMP/got") ||
		fail "AUXTRACE with a $size-byte payload: other rows"
	echo "ok: AUXTRACE with a $size-byte payload skipped"
done

off=$(stat -c %s "$TMP/pipe.data")
{ cat "$TMP/pipe.data"; aux 4096 100; } >"$TMP/cut.data"
expect_clean_error "AUXTRACE payload cut short" timeout 30 $PMUKVM report -i "$TMP/cut.data" --stdio
grep -q "record at $(printf '%#x' "$off"): its payload is truncated" "$TMP/err" ||
	{ cat "$TMP/err"; fail "the cut record is not named at $off"; }
