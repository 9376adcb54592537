#!/bin/bash
# Time order as perf keeps it, on small crafted files: records that come in
# older than what was already delivered are said ("N out of order events
# recorded", as perf report and diff warn), and a file without sample_id_all (only samples
# have a time) is taken in file order, as perf does, not with its samples
# sorted past the maps that come between them.
. tests/lib.sh
command -v python3 >/dev/null || skip "no python3 to write the files"

# gen.py KIND OUT: a one-event perf.data (cpu-clock; IP TID TIME PERIOD).
cat >"$TMP/gen.py" <<'PY'
import struct, sys
kind, out = sys.argv[1], sys.argv[2]
PID = 4242
def sample(t, ip):
    return struct.pack('<IHHQQQQ', 9, 2, 40, ip, PID | (PID << 32), t, 1)
def rnd():
    return struct.pack('<IHH', 68, 0, 8)
def mmap(start, size, name, t=None):
    fn = name.encode() + b'\0'
    fn += b'\0' * (-len(fn) % 8)
    trailer = struct.pack('<QQ', PID | (PID << 32), t) if t is not None else b''
    body = struct.pack('<IIQQQ', PID, PID, start, size, 0) + fn + trailer
    return struct.pack('<IHH', 1, 2, 8 + len(body)) + body
if kind == 'late':
    # perf flushes up to 200 at the second round: 150 comes in late.
    id_all = 1
    recs = [sample(100, 0x401000), sample(200, 0x401000), rnd(), sample(300, 0x401000),
            rnd(), sample(150, 0x401000), sample(400, 0x401000), rnd()]
else:
    # No sample_id_all: the map comes between the samples, and is not timed.
    id_all = 0
    recs = [sample(100, 0x401000), sample(110, 0x401000),
            mmap(0x400000, 0x100000, '/nonexistent/pmukvm-order-test'),
            sample(200, 0x401000), rnd()]
data = b''.join(recs)
attr = struct.pack('<IIQQQQQ', 1, 128, 0, 1, 0x107, 0, id_all << 18).ljust(128, b'\0')
ids = struct.pack('<QQ', 0, 0)
data_off = 104 + 144
hdr = b'PERFILE2' + struct.pack('<QQ', 104, 144) + struct.pack('<QQ', 104, 144) + \
      struct.pack('<QQ', data_off, len(data)) + struct.pack('<QQ', 0, 0) + b'\0' * 32
open(out, 'wb').write(hdr + attr + ids + data)
PY
python3 "$TMP/gen.py" late "$TMP/late.data" || fail "cannot write late.data"
python3 "$TMP/gen.py" noid "$TMP/noid.data" || fail "cannot write noid.data"

$PMUKVM report -i "$TMP/late.data" --stdio >"$TMP/out" 2>"$TMP/err" ||
	{ cat "$TMP/err"; fail "report of late.data failed"; }
grep -q "1 out of order events recorded" "$TMP/err" ||
	{ cat "$TMP/err"; fail "the late sample is not said"; }
grep -q "^ *100.00%" "$TMP/out" || { cat "$TMP/out"; fail "late.data: the samples are not all counted"; }
$PMUKVM diff "$TMP/late.data" "$TMP/late.data" >/dev/null 2>"$TMP/err" || { cat "$TMP/err"; fail "diff failed"; }
grep -q "late.data: 1 out of order events recorded" "$TMP/err" ||
	{ cat "$TMP/err"; fail "diff does not say the late sample"; }

# Two samples before the map (unresolved), one after it.
$PMUKVM report -i "$TMP/noid.data" --stdio --sort dso -n -t '|' 2>"$TMP/err" | norm_rows >"$TMP/rows"
cat "$TMP/rows"
grep -qx '2|\[unknown\]' "$TMP/rows" && grep -qx '1|pmukvm-order-test' "$TMP/rows" ||
	{ cat "$TMP/err"; fail "noid.data: samples were not taken in file order"; }
! grep -q "out of order" "$TMP/err" || fail "noid.data: no order to be out of"

if command -v perf >/dev/null 2>&1; then
	perf report -i "$TMP/late.data" --stdio 2>&1 >/dev/null | grep -q "1 out of order events recorded" ||
		fail "perf does not warn about late.data as expected"
	perf_agrees "$TMP/noid.data" dso
fi
echo "order as perf keeps it"
