#!/bin/bash
# guest kernel/module maps in perf kvm's order, guest files stored in feature 200.
. tests/shell/lib-record.sh
command -v python3 >/dev/null || skip "no python3 to read feature 200"

cd "$TMP" || fail cd
P=$OLDPWD/$PMUKVM
case $PMUKVM in /*) P=$PMUKVM ;; esac
printf 'ffffffff81000000 T _text\nffffffff81000100 T guest_func\nffffffffc0000000 t mod_func\t[virtio_net]\n' >kallsyms
printf 'virtio_net 65536 0 - Live 0xffffffffc0000000\nvirtio_blk 32768 2 - Live 0xffffffffc0010000\n' >modules
gzip -k kallsyms
mkdir -p mnt/4242/proc && cp kallsyms modules mnt/4242/proc/
"$P" --guestkallsyms kallsyms.gz --guestmodules modules --guestmount mnt record -q -e cpu-clock \
	--duration 0.2 || fail "record failed"
[ -f perf.data.kvm ] || fail "default output is not perf.data.kvm"
"$PERF" script -D -i perf.data.kvm 2>/dev/null | grep 'PERF_RECORD_MMAP ' |
	sed 's/^.*PERF_RECORD_MMAP //' >maps
cat >want <<'W'
0/0: [0xffffffffc0000000(0x10000) @ 0]: x [virtio_net]
0/0: [0xffffffffc0010000(0x8000) @ 0]: x [virtio_blk]
0/0: [0xffffffff81000000(0x7effffff) @ 0xffffffff81000000]: x [guest.kernel.kallsyms]_text
4242/4242: [0xffffffffc0000000(0x10000) @ 0]: x [virtio_net]
4242/4242: [0xffffffffc0010000(0x8000) @ 0]: x [virtio_blk]
4242/4242: [0xffffffff81000000(0x7effffff) @ 0xffffffff81000000]: x [guest.kernel.kallsyms.4242]_text
W
grep -v -- '-1/0' maps | diff -u want - || fail "guest maps differ"
grep -q -- '-1/0: .*\[kernel.kallsyms\]_text' maps || fail "no host kernel map"
perf_quiet report -i perf.data.kvm --stdio
python3 - <<'PY' || fail "feature 200 wrong"
import gzip, struct, sys
d = open('perf.data.kvm', 'rb').read()
feats = struct.unpack_from('<4Q', d, 72)
assert feats[0] & (1 << 3), 'no HOSTNAME bit'
assert feats[3] & (1 << 8), 'no feature 200'
data_off, data_size = struct.unpack_from('<QQ', d, 40)
bits = [b for b in range(256) if feats[b // 64] >> (b % 64) & 1]
off, size = struct.unpack_from('<QQ', d, data_off + data_size + 16 * bits.index(200))
p, end, got = off, off + size, []
while p < end:
    kind, pid, n = struct.unpack_from('<IiQ', d, p)
    got.append((kind, pid, gzip.decompress(d[p + 16:p + 16 + n])))
    p += 16 + (n + 7) // 8 * 8
k, m = open('kallsyms', 'rb').read(), open('modules', 'rb').read()
want = [(1, 0, k), (2, 0, m), (1, 4242, k), (2, 4242, m)]
assert got == want, got
PY
# A guest kallsyms copy read without root is refused, saying how to copy it.
sed 's/^[0-9a-f]* /0000000000000000 /' kallsyms >zeroed
"$P" --guestkallsyms=zeroed record -a -e cpu-clock --duration 0.2 -q -o z.data >/dev/null 2>z.err &&
	fail "a zeroed guest kallsyms was accepted"
grep -q "as root" z.err || { cat z.err; fail "no advice for a zeroed copy"; }
exit 0
