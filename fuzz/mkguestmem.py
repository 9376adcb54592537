#!/usr/bin/env python3
# Seeds for fuzz/guestmem.c (run by fuzz/mkcorpus.sh): a guest's RAM that
# guest-symbols reads through, and the BTF alone.
#   mkguestmem.py BTF OUTDIR
# BTF: a .BTF section that describes struct module, module_use,
# mod_kallsyms and kernel_symbol (fuzz/guestmem-btf.c, built with clang
# -target bpf). OUTDIR/ram: 0, then 256 KiB of RAM: a kernel image at
# physical 0 (_text 0xffffffff81000000, mapped by a 2 MiB page through
# init_top_pgt), kallsyms tables in the Linux 6.3 layout (offsets,
# relative base, count, names, markers, token table, token index), the
# BTF between __start_BTF and __stop_BTF, and a module list of one module
# with its symbols and an export. OUTDIR/ram-tramp: the same with the
# real-mode trampoline's page table below 1 MiB, which maps the image.
# OUTDIR/btf: 1, then the BTF.
import struct
import sys

btf = open(sys.argv[1], "rb").read()
out = sys.argv[2]
RAM = 256 << 10
T = 0xffffffff81000000
ram = bytearray(RAM)


def put(off, b):
    ram[off:off + len(b)] = b


def align8(n):
    return (n + 7) & ~7


# Page tables: PGD[511] -> PUD, PUD[510] -> PMD, PMD[8]: 2 MiB at 0.
PGD, PUD, PMD = 0x1000, 0x2000, 0x3000
put(PGD + 511 * 8, struct.pack("<Q", PUD | 0x63))
put(PUD + 510 * 8, struct.pack("<Q", PMD | 0x63))
put(PMD + 8 * 8, struct.pack("<Q", 0x0 | 0xe3))

# struct module (fuzz/guestmem-btf.c's layout): one module on the list.
HEAD, MOD, MKS, SYMTAB, STRTAB, TYPETAB, EXPORT = (0x4000, 0x5000, 0x6000, 0x7000, 0x8000,
                                                    0x8100, 0x8200)
put(HEAD, struct.pack("<QQ", T + MOD + 8, T + MOD + 8))
mod = bytearray(264)
struct.pack_into("<i", mod, 0, 0)                              # state: live
struct.pack_into("<QQ", mod, 8, T + HEAD, T + HEAD)           # list
mod[24:24 + 7] = b"seedmod"                                    # name
struct.pack_into("<QI", mod, 80, T + EXPORT, 1)                # syms, num_syms
struct.pack_into("<QI", mod, 96, 0xffffffffc0002000, 0x3000)   # mem[0]
struct.pack_into("<QQ", mod, 208, T + MOD + 208, T + MOD + 208)  # source_list: none
struct.pack_into("<Q", mod, 240, T + MKS)                      # kallsyms
struct.pack_into("<Q", mod, 248, 1 << 12)                      # taints: O
struct.pack_into("<i", mod, 256, 2)                            # refcnt
put(MOD, mod)
names = [b"", b"modfunc1", b"modfunc2", b"moddata"]
strtab = b"\0".join(names) + b"\0"
offs = [0]
for n in names[1:]:
    offs.append(offs[-1] + len(names[names.index(n) - 1]) + 1)
put(MKS, struct.pack("<QIIQQ", T + SYMTAB, len(names), 0, T + STRTAB, T + TYPETAB))
for i, o in enumerate(offs):
    put(SYMTAB + 24 * i, struct.pack("<IBBHQQ", o, 0, 0, 0, 0xffffffffc0002000 + 0x100 * i, 0))
put(STRTAB, strtab)
put(TYPETAB, b"ttTd")
put(EXPORT, struct.pack("<iii", 0, 0x100 - 4, 0))  # name at EXPORT + 4 + 0xfc
put(EXPORT + 0x100, b"modfunc1\0")

BTF_AT = 0x10000
put(BTF_AT, btf)

# kallsyms: sorted by address.
syms = [("T", "_text", T), ("D", "init_top_pgt", T + PGD), ("d", "modules", T + HEAD),
        ("R", "__start_BTF", T + BTF_AT), ("R", "__stop_BTF", T + BTF_AT + len(btf))]
syms += [("T" if i % 5 else "t", "func_%d" % i, T + 0x30000 + 16 * i) for i in range(700)]
syms.append(("B", "_end", T + RAM))
n = len(syms)
toks = [bytes([i]) if 0x21 <= i < 0x7f else b"x%02x" % i for i in range(256)]
table = b"".join(t + b"\0" for t in toks)
index, o = [], 0
for t in toks:
    index.append(o)
    o += len(t) + 1
enc, markers = bytearray(), []
for i, (ty, name, _) in enumerate(syms):
    if i % 256 == 0:
        markers.append(len(enc))
    s = (ty + name).encode()
    enc += bytes([len(s)]) + s
OFFS = 0x20000
rb = OFFS + align8(4 * n)
cnt = rb + 8
S = cnt + 8
M = S + align8(len(enc))
TT = M + align8(4 * len(markers))
TI = TT + align8(len(table))
put(OFFS, struct.pack("<%di" % n, *[a - T for _, _, a in syms]))
put(rb, struct.pack("<Q", T))
put(cnt, struct.pack("<I", n))
put(S, enc)
put(M, struct.pack("<%dI" % len(markers), *markers))
put(TT, table)
put(TI, struct.pack("<256H", *index))
assert TI + 512 < 0x30000

open(out + "/ram", "wb").write(b"\0" + bytes(ram))
# The trampoline's: a PGD whose entry 511 is itself (as a PUD) and whose
# entry 510 is a PMD of one 2 MiB page at 0 (the image and all RAM).
TPGD, TPMD = 0x3c000, 0x3d000
put(TPGD + 510 * 8, struct.pack("<QQ", TPMD | 0x63, TPGD | 0x63))
put(TPMD, struct.pack("<Q", 0x0 | 0xe3))
open(out + "/ram-tramp", "wb").write(b"\0" + bytes(ram))
open(out + "/btf", "wb").write(b"\1" + btf)
