#!/bin/bash
# Reading and ordering records, what every report pays before resolving:
# - report --stats (as -D and --tasks) resolves no sample: the host kernel's
#   symbols are not read (perf report --stats reads none either); the -k
#   file is only checked once, at the start.
. tests/lib.sh
need_fixtures

gzip -dc "$FIXTURES/guest-6.1/kallsyms.gz" >"$TMP/gk"
"$TOOLS/mkguestdata" -o "$TMP/h.data" --guest "0:$TMP/gk:$FIXTURES/guest-6.1/modules" \
	--kernel-samples 100 --module-samples 10 --user-samples 10 --host-kernel-samples 200 \
	--host-user-samples 0 --seed 3 >/dev/null || fail "mkguestdata failed"
head -c 300000 "$TMP/gk" >"$TMP/hk"

if command -v strace >/dev/null; then
	# LeakSanitizer cannot run under ptrace: a sanitizer build leaves it out here.
	asan=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
	ASAN_OPTIONS=$asan strace -f -e trace=openat -o "$TMP/trace" $PMUKVM report -i "$TMP/h.data" --stats \
		--kallsyms "$TMP/hk" >"$TMP/stats" 2>"$TMP/err" || { cat "$TMP/err"; fail "--stats failed"; }
	n=$(grep -c "$TMP/hk" "$TMP/trace")
	[ "$n" = 1 ] || fail "--stats opened the -k file $n times (once to check it, not to read symbols)"
	grep -q 'SAMPLE events: *320' "$TMP/stats" || { cat "$TMP/stats"; fail "--stats: wrong sample count"; }
	# report itself still reads it.
	ASAN_OPTIONS=$asan strace -f -e trace=openat -o "$TMP/trace" $PMUKVM report -i "$TMP/h.data" --stdio \
		--kallsyms "$TMP/hk" >/dev/null 2>"$TMP/err" || { cat "$TMP/err"; fail "report failed"; }
	n=$(grep -c "$TMP/hk" "$TMP/trace")
	[ "$n" -ge 2 ] || fail "report opened the -k file $n times: its host kernel samples were not resolved"
	echo "ok: --stats reads no symbols"
else
	echo "no strace: the --stats check is left out"
fi

# - A whole report reads the data section in chunks (64 KiB, given back as
#   their records are delivered), not through a map of the whole file:
#   records that straddle chunks, out of order between CPUs, in rounds,
#   come out in perf's order; a payload record (AUXTRACE) larger than a
#   chunk is skipped without being read; a truncated file gives the same
#   error, with the same offset, as it did.
command -v python3 >/dev/null || skip "no python3 to write the files"
# gen.py KIND OUT: one cpu-clock event (IP TID TIME CPU PERIOD, sample_id_all).
cat >"$TMP/gen.py" <<'PY'
import struct, sys
kind, out = sys.argv[1], sys.argv[2]
def sample(t, cpu, pid, ip):
    return struct.pack('<IHHQQQQQ', 9, 2, 48, ip, pid | (pid << 32), t, cpu, 1)
def comm(pid, name, t):
    fn = name.encode() + b'\0'
    fn += b'\0' * (-len(fn) % 8)
    body = struct.pack('<II', pid, pid) + fn + struct.pack('<QQQ', pid | (pid << 32), t, 0)
    return struct.pack('<IHH', 3, 0, 8 + len(body)) + body
def rnd():
    return struct.pack('<IHH', 68, 0, 8)
def auxtrace(size):
    return struct.pack('<IHHQQQIIII', 71, 0, 48, size, 0, 0, 0, 0, 0, 0) + b'\xaa' * size
recs = [comm(100 + c, 'cpu%d' % c, 1) for c in range(4)]
t = 1000
# Rounds of 4 CPUs' blocks, each block in time order, the CPUs interleaved in time.
for r in range(60):
    for c in range(4):
        recs += [sample(t + 10 * i + c, c, 100 + c, 0x401000 + 16 * ((i * 7 + r) % 50))
                 for i in range(300)]
    recs.append(rnd())
    if kind == 'aux' and r == 20:
        recs.append(auxtrace(200000))
    t += 3000
data = b''.join(recs)
if kind == 'trunc':
    data = data[:-28]		# the last round, and 20 of the last sample's 48 bytes
attr = struct.pack('<IIQQQQQ', 1, 128, 0, 1, 0x187, 0, 1 << 18).ljust(128, b'\0')
ids = struct.pack('<QQ', 0, 0)
data_off = 104 + 144
hdr = b'PERFILE2' + struct.pack('<QQ', 104, 144) + struct.pack('<QQ', 104, 144) + \
      struct.pack('<QQ', data_off, len(data)) + struct.pack('<QQ', 0, 0) + b'\0' * 32
open(out, 'wb').write(hdr + attr + ids + data)
if kind == 'trunc':
    print('%#x' % (data_off + len(data) - 28))
PY
python3 "$TMP/gen.py" plain "$TMP/p.data" || fail "cannot write p.data"
python3 "$TMP/gen.py" aux "$TMP/a.data" || fail "cannot write a.data"
trunc_at=$(python3 "$TMP/gen.py" trunc "$TMP/t.data") || fail "cannot write t.data"

for f in p a; do
	$PMUKVM report -i "$TMP/$f.data" --stats >"$TMP/stats" 2>"$TMP/err" ||
		{ cat "$TMP/err"; fail "$f.data: --stats failed"; }
	grep -q 'SAMPLE events: *72000' "$TMP/stats" || { cat "$TMP/stats"; fail "$f.data: samples lost"; }
	! grep -q "out of order" "$TMP/err" || { cat "$TMP/err"; fail "$f.data: out of order"; }
	# The delivered order: every sample's time in -D, against perf's.
	$PMUKVM report -D -i "$TMP/$f.data" 2>"$TMP/err" |
		awk '/PERF_RECORD_SAMPLE/ { print $1, $2, $3 }' >"$TMP/$f.order" ||
		{ cat "$TMP/err"; fail "$f.data: -D failed"; }
	[ "$(wc -l <"$TMP/$f.order")" = 72000 ] || fail "$f.data: -D delivered $(wc -l <"$TMP/$f.order") samples"
	sort -c -n -k2 "$TMP/$f.order" || fail "$f.data: -D out of time order"
	$PMUKVM report -i "$TMP/$f.data" --stdio --sort comm -n >"$TMP/$f.out" 2>"$TMP/err" ||
		{ cat "$TMP/err"; fail "$f.data: report failed"; }
	grep -q "^ *25.00% *18000 *cpu3 *\$" "$TMP/$f.out" || { cat "$TMP/$f.out"; fail "$f.data: wrong rows"; }
done
cmp -s "$TMP/p.out" "$TMP/a.out" || fail "the AUXTRACE payload changed the report"
if command -v perf >/dev/null 2>&1; then
	perf report -D -i "$TMP/p.data" 2>/dev/null | awk '/PERF_RECORD_SAMPLE/ { print $1, $2, $3 }' \
		>"$TMP/perf.order"
	cmp -s "$TMP/perf.order" "$TMP/p.order" || fail "p.data: not delivered in perf's order"
	perf_agrees "$TMP/p.data" comm,sym
fi

$PMUKVM report -i "$TMP/t.data" --stdio >/dev/null 2>"$TMP/err" && fail "t.data: a truncated file was read"
grep -q "t.data: record at $trunc_at (type 9, size 48) is truncated: the input ends after 28 of its bytes" \
	"$TMP/err" || { cat "$TMP/err"; fail "t.data: not the truncation error at $trunc_at"; }
# The payload cut short: the file ends inside it.
python3 - "$TMP/a.data" "$TMP/a2.data" <<'PY' || fail "cannot cut a2.data"
import struct, sys
b = bytearray(open(sys.argv[1], 'rb').read())
data_off = struct.unpack_from('<Q', b, 40)[0]
cut = b.index(struct.pack('<IHHQ', 71, 0, 48, 200000)) + 48 + 100000
struct.pack_into('<Q', b, 48, cut - data_off)
open(sys.argv[2], 'wb').write(b[:cut])
PY
$PMUKVM report -i "$TMP/a2.data" --stats >/dev/null 2>"$TMP/err" && fail "a2.data: a cut payload was read"
grep -q "a2.data: record at 0x[0-9a-f]*: its payload is truncated" "$TMP/err" ||
	{ cat "$TMP/err"; fail "a2.data: not the payload error"; }
echo "ok: chunked reading"

# - What reading keeps resident: the records still to be delivered (a
#   round or two here, 100 KB), not the map's pages around them. The
#   3.4 MB file's --stats against a tiny file's: the map took 3.4 MB more
#   (all of it), the chunks 0.6 MB.
if ldd "$PMUKVM" 2>/dev/null | grep -q -E "libasan|libubsan|libtsan"; then
	echo "a sanitizer build: peak RSS is the sanitizer's, not checked"
elif [ -x /usr/bin/time ]; then
	peak() {
		local best="" m i
		for i in 1 2 3; do
			/usr/bin/time -f '%M' -o "$TMP/time" $PMUKVM report -i "$1" --stats >/dev/null 2>&1 ||
				fail "--stats on $1 failed"
			m=$(tail -n1 "$TMP/time")
			if [ -z "$best" ] || [ "$m" -lt "$best" ]; then best=$m; fi
		done
		echo "$best"
	}
	small=$(peak tests/data/cmdline-twice.data)
	big=$(peak "$TMP/p.data")
	echo "peak RSS: $small kB (a tiny file), $big kB (3.4 MB of records)"
	[ $((big - small)) -lt 2048 ] || fail "reading 3.4 MB kept $((big - small)) kB more resident"
fi
