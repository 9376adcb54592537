#!/bin/bash
# --call-graph dwarf: the kernel copies sample_stack_user bytes of stack
# into every sample, of which only dyn_size are stack; record writes each
# sample with its copy cut to dyn_size (rounded to 8), so no sample carries
# bytes past it, and perf script still unwinds the hot samples through
# caller_function to main.
. tests/lib.sh
need_perf
command -v python3 >/dev/null || skip "no python3 to read the samples"
# 8 MB of ring buffer (-m 2048): each sample carries up to 8 KB of stack,
# and the default 512 KB fills in some 60 samples when the recorder is
# kept off the CPU (a loaded CI machine lost 2 chunks once in ten runs).
$PMUKVM record -q -m 2048 --call-graph dwarf -e cpu-clock -o "$TMP/d.data" -- "$TOOLS/hotloop" 300000000 ||
	fail "record --call-graph dwarf failed"
python3 - "$TMP/d.data" <<'PY' || fail "stack copies not cut to dyn_size"
import struct, sys
d = open(sys.argv[1], 'rb').read()
attrs_off, attrs_size = struct.unpack_from('<QQ', d, 24)
data_off, data_size = struct.unpack_from('<QQ', d, 40)
asz = struct.unpack_from('<Q', d, 16)[0]
sample_type, = struct.unpack_from('<Q', d, attrs_off + 24)
regs_mask, = struct.unpack_from('<Q', d, attrs_off + 80)
want = (1 << 16) | 1 | 2 | 4 | 128 | 256 | 32 | (1 << 12) | (1 << 13)
assert sample_type == want, hex(sample_type)
nregs = bin(regs_mask).count('1')
pos, end, n, cut, full = data_off, data_off + data_size, 0, 0, 0
while pos < end:
    typ, misc, size = struct.unpack_from('<IHH', d, pos)
    if typ == 9:
        w = struct.unpack_from('<%dQ' % ((size - 8) // 8), d, pos + 8)
        i = 7 + w[6]
        abi = w[i]; i += 1
        if abi:
            i += nregs
        ssz = w[i]
        if ssz:
            dyn = w[i + 1 + ssz // 8]
            assert i + 2 + ssz // 8 == len(w), "fields after the stack"
            if ssz != (dyn + 7) // 8 * 8:
                print("sample at %#x: stack copy %d bytes, dyn_size %d" % (pos, ssz, dyn))
                sys.exit(1)
            cut += 1
        n += 1
    pos += size
print("%d samples, %d with a user stack, each cut to its dyn_size" % (n, cut))
assert cut > 0
PY
perf script -i "$TMP/d.data" -F ip,sym 2>"$TMP/err" >"$TMP/script" || { cat "$TMP/err"; fail "perf script"; }
# Samples the kernel dropped all the same (LOST records: perf script's
# "lost N chunks") are the machine's load, not the file's fault; any other
# warning fails.
grep -v -E '^(Warning:|Processed [0-9]+ events and lost [0-9]+ chunks!|Check IO/CPU overload!)?$' \
	"$TMP/err" >"$TMP/err.other" || true
[ -s "$TMP/err.other" ] && { cat "$TMP/err"; fail "perf script warned"; }
grep -q 'lost [0-9]* chunks' "$TMP/err" && echo "note: $(grep -o 'lost [0-9]* chunks' "$TMP/err") (load)"
hot=$(awk '$2 == "hot_function" { h = 1; next }
	h == 1 { h = ($2 == "caller_function") ? 2 : 0; next }
	h == 2 { if ($2 == "main") m++; h = 0 } END { print m + 0 }' "$TMP/script")
tot=$(awk '$2 == "hot_function"' "$TMP/script" | wc -l)
[ "$tot" -gt 100 ] && [ $((hot * 100 / tot)) -ge 95 ] ||
	fail "perf script unwinds $hot of $tot hot_function samples to caller_function and main"
echo "ok: $hot of $tot hot_function samples unwind to caller_function and main"
