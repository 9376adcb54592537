#!/bin/bash
# Writes the seed corpus (fuzz/corpus/NAME/; no .data names: data files
# live under tests/ only, t0111) from real files: small perf
# and pmukvm recordings (file and pipe mode, -g, DWARF), a guest data file
# that carries its kallsyms and modules, excerpts of the guest-6.1
# fixture, the vDSO, a small object file (a .ko's format) and a small
# executable, a guest's RAM and BTF. Kept to about a megabyte. Run from the repository root after
# `make`, as root (recording). The corpus is committed; this says how it
# was made.
set -eu
out=fuzz/corpus
fix=${FIXTURES:-../shared/fixtures}/guest-6.1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rm -rf "$out"
mkdir -p "$out"/{data-file,data-pipe,kallsyms,modules,elf,kmod,vmlinux,guest-files,kvm-stat}
W=build/tools/mtwork

# Data files: a fraction of a second each, few samples.
perf record -q -e cpu-clock -F 200 -o "$out/data-file/perf-fp" -- $W 1 100 >/dev/null 2>&1
perf record -q -g -e cpu-clock -F 200 -o "$out/data-file/perf-g" -- $W 1 100 >/dev/null 2>&1
perf record -q --call-graph dwarf,512 -e cpu-clock -F 50 -o "$out/data-file/perf-dwarf" \
	-- $W 1 100 >/dev/null 2>&1
perf record -q -e cpu-clock -F 200 -o - -- $W 1 100 2>/dev/null >"$tmp/pipe.data"
perf record -q -g -e cpu-clock,task-clock -F 200 -o - -- $W 1 100 2>/dev/null >"$tmp/pipe-g.data"
./pmukvm record -q -e cpu-clock -F 200 -o "$out/data-file/pmukvm" -- $W 1 100 >/dev/null 2>&1
./pmukvm record -q -g -e cpu-clock -F 200 -o "$out/data-file/pmukvm-g" -- $W 1 100 \
	>/dev/null 2>&1
gzip -dc "$fix/kallsyms.gz" | awk 'NR % 97 == 0 || /_text$|_stext$|_etext$/ || / \[/' |
	head -n 1500 >"$tmp/k"
build/tools/mkguestdata -o "$out/data-file/guest" --guest "0:$tmp/k:$fix/modules" \
	--kernel-samples 60 --module-samples 20 --user-samples 10 --host-kernel-samples 5 \
	--host-user-samples 5 --round 16 --carry-files >/dev/null
build/tools/mkcrafted comm-bad "$out/data-file/comm-bad"
build/tools/mkcrafted maps-random "$out/data-file/maps" 40
build/tools/mkcrafted stream "$out/data-file/stream" 200 8
# kvm stat files as perf kvm stat record writes them (the kvm tracepoint
# formats from tracefs): Intel VMX and AMD SVM, a dozen exits each.
build/tools/mkkvmstat -o "$out/kvm-stat/vmx" --kallsyms "$fix/kallsyms.gz" --exits 12 \
	--guests 1 --vcpus 2 --cpus 2
build/tools/mkkvmstat -o "$out/kvm-stat/svm" --kallsyms "$fix/kallsyms.gz" --exits 8 \
	--guests 1 --vcpus 1 --cpus 1 --vendor amd
# Pipe mode: the harness adds the 16-byte header.
for f in pipe pipe-g; do tail -c +17 "$tmp/$f.data" >"$out/data-pipe/$f"; done
tail -c +17 tests/data/cmdline-twice.data >"$out/data-pipe/cmdline-twice"
tail -c +17 tests/data/read-group-wrap.data >"$out/data-pipe/read-group-wrap"

# kallsyms and modules excerpts.
gzip -dc "$fix/kallsyms.gz" | head -n 300 >"$out/kallsyms/head"
gzip -dc "$fix/kallsyms.gz" | tail -n 300 >"$out/kallsyms/modules-tail"
cp "$tmp/k" "$out/kallsyms/sampled"
cp "$fix/modules" "$out/modules/guest-6.1"
head -c 200 "$fix/modules" >"$out/modules/cut"

# ELF: the vDSO, a small shared object, an object file (ET_REL, as a .ko).
python3 - "$out/elf/vdso.so" <<'PY'
import sys
for line in open('/proc/self/maps'):
    if line.rstrip().endswith('[vdso]'):
        a, b = (int(x, 16) for x in line.split()[0].split('-'))
        with open('/proc/self/mem', 'rb') as m:
            m.seek(a)
            open(sys.argv[1], 'wb').write(m.read(b - a))
PY
cat >"$tmp/lib.c" <<'C'
int counter;
int work(int n) { int s = 0; for (int i = 0; i < n; i++) s += i * counter; return s; }
static int helper(int x) { return x * 3; }
int api(int x) { return helper(x) + work(x); }
C
gcc -O1 -g0 -shared -fPIC -o "$out/elf/small.so" "$tmp/lib.c"
strip --strip-debug "$out/elf/small.so"
gcc -O1 -g0 -c -ffunction-sections -o "$out/kmod/small.ko" "$tmp/lib.c"
cp "$out/kmod/small.ko" "$out/elf/small.o"
cat >"$tmp/vml.c" <<'C'
void _text(void) {}
void _stext(void) {}
void start_kernel(void) { for (;;); }
void _start(void) { start_kernel(); }
void _etext(void) {}
C
gcc -O1 -g0 -nostdlib -static -fno-pic -no-pie -o "$out/vmlinux/tiny" "$tmp/vml.c"

# Carried guest files: the feature 200 payload of the guest data file.
python3 - "$out/data-file/guest" "$out/guest-files/guest-6.1" <<'PY'
import struct, sys
d = open(sys.argv[1], 'rb').read()
data_off, data_size = struct.unpack_from('<QQ', d, 40)
feats = struct.unpack_from('<4Q', d, 72)
secs = data_off + data_size
i = 0
for bit in range(256):
    if feats[bit // 64] >> (bit % 64) & 1:
        off, size = struct.unpack_from('<QQ', d, secs + 16 * i)
        if bit == 200:
            open(sys.argv[2], 'wb').write(d[off:off + size])
        i += 1
PY
# diff: pairs of the data files, each input the baseline's length (u32,
# little-endian), the baseline, the newer file, and a byte that picks
# diff's form (fuzz/diff.c).
mkdir -p "$out/diff"
python3 - "$out/data-file" "$out/diff" <<'PY'
import struct, sys
src, dst = sys.argv[1:]
pairs = [('perf-fp', 'perf-g'), ('pmukvm', 'pmukvm-g'), ('guest', 'guest'),
         ('perf-g', 'pmukvm-g'), ('comm-bad', 'perf-fp'), ('perf-group', 'perf-sample-read')]
for form, (a, b) in enumerate(pairs):
    A = open(f'{src}/{a}', 'rb').read()
    B = open(f'{src}/{b}', 'rb').read()
    open(f'{dst}/{a}-{b}', 'wb').write(struct.pack('<I', len(A)) + A + B + bytes([form]))
PY
# Guest memory: RAM with a kernel image, its kallsyms tables, page tables
# and a module list, and the BTF it describes struct module with.
mkdir -p "$out/guestmem"
clang -target bpf -g -O2 -x c -c fuzz/guestmem-btf.bpf -o "$tmp/btf.o"
llvm-objcopy --dump-section .BTF="$tmp/btf.bin" "$tmp/btf.o"
python3 fuzz/mkguestmem.py "$tmp/btf.bin" "$out/guestmem"
du -sh "$out"
