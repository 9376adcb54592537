#!/bin/bash
# Peak memory of reading and ordering alone (report --stats: no symbols,
# no rows) on input without FINISHED_ROUND. Such a file is read twice:
# the first pass finds, per 64 KiB block, the least time still to come,
# and records wait only until the main pass reaches it (session.c:
# order_plan), about a block for input in time order; the session once
# queued 65,536 records before it first delivered by a watermark. The
# bounds are a little over what the current code takes, above the floor
# of the binary doing nothing (pmukvm --version);
# Documentation/bench-report.md (2026-12-02, the reading window) and
# bench-memory.md (order, sixth round) have the figures.
. tests/lib.sh
MK=$TOOLS/mkcrafted
[ -x "$MK" ] || fail "$MK is not built"
# A sanitizer's shadow memory and quarantine make RSS say nothing: such a
# build runs the same reads (and the counts against perf) without bounds.
floor=$(peak $PMUKVM --version)
echo "floor: $floor kB"

# 200,000 samples on 4 CPUs, no rounds. With 65,536 queued at once:
# 40-byte queue nodes (time, offset, record, event, arena) 6.8 MB above
# the floor, 16-byte ones (time, where the record lies) 5.2 MB; a block's
# records at a time: 0.6 MB.
"$MK" stream "$TMP/stream.data" 200000 >/dev/null
within "--stats, 200,000 samples without rounds" 1500 \
	$PMUKVM report -i "$TMP/stream.data" --stats
# 200,000 threads, a COMM and a sample each, no rounds: 13.4 MB above the
# floor with 40-byte nodes, 10.9 MB with 16-byte ones (8 MB of it the
# threads themselves).
"$MK" threads "$TMP/threads.data" 200000 >/dev/null
within "--stats, 200,000 threads without rounds" 12000 \
	$PMUKVM report -i "$TMP/threads.data" --stats
# The same records with rounds: delivered a round at a time (1.3 MB).
"$MK" rounds "$TMP/rounds.data" 200000 >/dev/null
within "--stats, 200,000 samples in rounds" 2500 \
	$PMUKVM report -i "$TMP/rounds.data" --stats

# The same 200,000 samples, the first record's time made 2^62: it waits
# to the end. The chunk it lies in stays; those after it go as their
# records are delivered (each chunk once stayed until every record before
# its end was delivered: the whole file, 11 MB; 12 MB above the floor;
# then 65,536 records at a time, 5 MB; now a block's, 0.8 MB).
cp "$TMP/stream.data" "$TMP/late.data"
python3 - "$TMP/late.data" <<'PY' || fail "cannot patch late.data"
import struct, sys
with open(sys.argv[1], "r+b") as f:
    f.seek(40)
    data = struct.unpack("<Q", f.read(8))[0]     # header: data section offset
    f.seek(data)
    typ, misc, size = struct.unpack("<IHH", f.read(8))
    assert typ == 3 and size == 56, (typ, size)  # COMM: pid, tid, comm[8], trailer
    f.seek(data + 0x20)                          # the trailer's time
    f.write(struct.pack("<Q", 1 << 62))
PY
within "--stats, 200,000 samples, the first record last" 1500 \
	$PMUKVM report -i "$TMP/late.data" --stats

# What was read is what is delivered: the counts agree with perf's.
if command -v perf >/dev/null 2>&1; then
	for f in stream rounds late; do
		n=$($PMUKVM report -i "$TMP/$f.data" --stats | awk '/^ *SAMPLE events:/ { print $3; exit }')
		p=$(perf report -i "$TMP/$f.data" --stats 2>/dev/null | awk '/^ *SAMPLE events:/ { print $3; exit }')
		[ -n "$n" ] && [ "$n" = "$p" ] || fail "$f: pmukvm counts $n samples, perf $p"
		echo "ok: $f: $n samples, as perf"
	done
fi
exit 0
