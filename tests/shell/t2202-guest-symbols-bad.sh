#!/bin/bash
# guest-symbols on processes whose memory is not a guest, or is a crafted
# one: kallsyms tables that stop checking at each step. Every case ends in
# one clear message, never a crash or a tree written.
. tests/lib.sh
command -v python3 >/dev/null || skip "python3 is not installed"

# fake_guest CASE: a process holding 32 MiB of anonymous memory with the
# case's tables planted; prints its pid once they are in place.
fake_guest() {
	python3 - "$1" <<'PY' &
import ctypes, struct, sys, time
case = sys.argv[1]
ram = bytearray(32 << 20)
addr = ctypes.addressof((ctypes.c_char * len(ram)).from_buffer(ram))
def at(off):  # an offset in ram whose address is 8-byte aligned
    return off + (-(addr + off)) % 8
def put(off, b):
    ram[off:off + len(b)] = b
if case == "digits":
    put(at(1 << 20) + 1, b"/\x000\x001\x002\x003\x004\x005\x006\x007\x008\x009\x00")
else:
    toks = [bytes([i]) if 0x21 <= i < 0x7f else b"x%02x" % i for i in range(256)]
    table = b"".join(t + b"\0" for t in toks)
    index, o = [], 0
    for t in toks:
        index.append(o); o += len(t) + 1
    n = 600
    names = b"".join(bytes([2, ord("T"), ord("a") + i % 26]) for i in range(n))
    markers = [0, 768, 1536]
    base = at(8 << 20)
    offs = base + 16
    offs_len = (4 * n + 7) & ~7
    rb = offs + offs_len
    cnt = rb + 8
    S = cnt + 8
    M = S + ((len(names) + 7) & ~7)
    tt = M + ((4 * len(markers) + 7) & ~7)
    ti = tt + ((len(table) + 7) & ~7)
    put(tt, table)
    put(ti, struct.pack("<256H", *index))
    if case == "many":  # token tables everywhere: the search gives up
        for k in range(1, 80):
            t2 = at((8 << 20) + k * 65536)
            put(t2, table)
            put(t2 + ((len(table) + 7) & ~7), struct.pack("<256H", *index))
    if case not in ("tokens", "many"):
        put(M, struct.pack("<3I", *markers))
    if case not in ("tokens", "markers", "many"):
        put(cnt, struct.pack("<I", n))
        put(S, names)
    if case in ("names", "tramp-loop", "tramp-image"):
        put(S + 300, b"\xff\xff")
    if case in ("names", "image", "tramp-loop", "tramp-image"):
        put(rb, struct.pack("<Q", 0xffffffff81000000))
        put(offs, struct.pack("<%dI" % n, *[16 * i for i in range(n)]))
if case.startswith("tramp"):
    # a page in the first MiB that looks like the real-mode trampoline's
    # page table: entry 511 leads back to itself (the "PUD"), whose entry
    # 510 is a "PMD" of 2 MiB pages from 0: 512 of them (more than the
    # RAM: searched as all RAM) or 16 (all 32 MiB: searched as the image)
    start = next(int(l.split("-")[0], 16) for l in open("/proc/self/maps")
                 if int(l.split("-")[0], 16) <= addr < int(l.split()[0].split("-")[1], 16))
    def page(ram_off):  # ram offset of the mapping -> offset in ram
        return ram_off - (addr - start)
    pgd, pmd = 0x9c000, 0x9d000
    put(page(pgd) + 300 * 8, struct.pack("<Q", 0x5000 | 0x63))
    put(page(pgd) + 510 * 8, struct.pack("<QQ", pmd | 0x63, pgd | 0x63))
    n2m = 512 if case == "tramp-loop" else 16
    put(page(pmd), struct.pack("<%dQ" % n2m, *[(i << 21) | 0xe3 for i in range(n2m)]))
print("ready", flush=True)
time.sleep(120)
PY
}

run_case() {
	local c=$1 want=$2 debug=${3:-} pid
	fake_guest "$c" >"$TMP/fake.out"
	pid=$!
	wait_lines "$TMP/fake.out" '^ready$'
	expect_clean_error "$c" $PMUKVM guest-symbols ${debug:+-v} -p "$pid" -o "$TMP/m"
	[ -z "$debug" ] || grep -q -- "$debug" "$TMP/err" || { cat "$TMP/err"; fail "$c: expected '$debug'"; }
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	grep -q -- "$want" "$TMP/err" || { cat "$TMP/err"; fail "$c: expected '$want'"; }
	[ ! -e "$TMP/m/$pid" ] || fail "$c: a tree was written"
}

run_case digits "no kallsyms token table"
run_case tokens "but no markers"
run_case markers "but no names"
run_case names "do not decode"
run_case offsets "neither layout"
run_case image "lack _text"
run_case many "more than 64 places"
run_case tramp-loop "do not decode" "no page table below 1 MiB maps a kernel image"
run_case tramp-image "do not decode" "trampoline page table at 0x9c000 (4 levels): kernel image at 0x0-0x2000000"

sleep 30 &
expect_clean_error "not a VM" $PMUKVM guest-symbols -p $! -o "$TMP/m"
grep -q "no mapping that could be guest RAM\|no kallsyms" "$TMP/err" || fail "not a VM: wrong message"
kill $!
expect_clean_error "no such process" $PMUKVM guest-symbols -p 999999999 -o "$TMP/m"
$PMUKVM guest-symbols -o "$TMP/m" >/dev/null 2>&1; [ $? -eq 129 ] || fail "no -p: not 129"
$PMUKVM guest-symbols -p abc >/dev/null 2>&1; [ $? -eq 129 ] || fail "bad pid: not 129"
$PMUKVM guest-symbols -p 1 extra >/dev/null 2>&1; [ $? -eq 129 ] || fail "extra argument: not 129"
exit 0
