# Helpers for tests that boot a Debian guest kernel under QEMU (TCG) and
# read its symbols from its memory. Source after tests/lib.sh.
#
# guestvm_boot SERIES: prepares the kernel (tests/guestvm/setup.sh; skips
# the test when it cannot), boots it with KASLR, 512 MiB (GUESTVM_MEM: QEMU
# -m; GUESTVM_MACHINE: -M, default pc; GUESTVM_APPEND: more of the kernel
# command line, e.g. nokaslr or guestvm.fill=MIB), and waits until
# the guest has printed its /proc/kallsyms and /proc/modules. Sets
# GUESTVM_PID (the QEMU process), GUESTVM_KALLSYMS, GUESTVM_MODULES (the
# guest's own copies) and GUESTVM_BOOT_S (seconds until they were out).
# The VM is killed when the test exits.
GUESTVM_TIMEOUT=${GUESTVM_TIMEOUT:-600}

guestvm_boot() {
	local series=$1 kdir start i
	command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86 is not installed"
	kdir=$(tests/guestvm/setup.sh "$series" 2>"$TMP/setup.err") ||
		skip "no Debian $series guest kernel: $(tail -n1 "$TMP/setup.err")"
	start=$(date +%s)
	qemu-system-x86_64 -accel tcg -M "${GUESTVM_MACHINE:-pc}" -m "${GUESTVM_MEM:-512M}" -smp 1 \
		-display none -monitor none -no-reboot \
		-kernel "$kdir/vmlinuz" -initrd "$kdir/initrd.gz" \
		-append "console=ttyS0 kaslr quiet panic=-1 ${GUESTVM_APPEND:-}" \
		-serial "file:$TMP/console.log" -serial "file:$TMP/guest.out" \
		-pidfile "$TMP/qemu.pid" -daemonize || fail "qemu did not start"
	GUESTVM_PID=$(cat "$TMP/qemu.pid")
	trap 'kill "$GUESTVM_PID" 2>/dev/null; rm -rf "$TMP"' EXIT
	for ((i = 0; i < GUESTVM_TIMEOUT; i++)); do
		grep -q '^=== end' "$TMP/guest.out" 2>/dev/null && break
		kill -0 "$GUESTVM_PID" 2>/dev/null || { tail -n 20 "$TMP/console.log"; fail "the guest died"; }
		sleep 1
	done
	grep -q '^=== end' "$TMP/guest.out" || { tail -n 20 "$TMP/console.log"; fail "the guest did not print its symbols in ${GUESTVM_TIMEOUT}s"; }
	GUESTVM_BOOT_S=$(( $(date +%s) - start ))
	GUESTVM_KALLSYMS=$TMP/guest.kallsyms
	GUESTVM_MODULES=$TMP/guest.modules
	tr -d '\r' <"$TMP/guest.out" | sed -n '/^=== kallsyms.gz.base64$/,/^=== modules$/p' | sed '1d;$d' |
		base64 -d | gunzip >"$GUESTVM_KALLSYMS" || fail "the guest's kallsyms copy does not decode"
	tr -d '\r' <"$TMP/guest.out" | sed -n '/^=== modules$/,/^=== end$/p' | sed '1d;$d' >"$GUESTVM_MODULES"
	[ -s "$GUESTVM_KALLSYMS" ] && [ -s "$GUESTVM_MODULES" ] || fail "the guest's copies are empty"
}

# carried_files DATA PID OUT: writes the kallsyms and modules that DATA
# carries for guest PID (feature 200) to OUT.kallsyms and OUT.modules;
# fails unless both are there.
carried_files() {
	python3 - "$1" "$2" "$3" <<'PY'
import gzip, struct, sys
f, pid, out = open(sys.argv[1], "rb").read(), int(sys.argv[2]), sys.argv[3]
data_off, data_size = struct.unpack_from("<QQ", f, 40)
bits = int.from_bytes(f[72:104], "little")
if not bits >> 200 & 1:
    sys.exit("feature 200 not set")
idx = bin(bits & ((1 << 200) - 1)).count("1")
off, size = struct.unpack_from("<QQ", f, data_off + data_size + 16 * idx)
p, found = off, 0
while p + 16 <= off + size:
    kind, gpid, n = struct.unpack_from("<IiQ", f, p)
    if gpid == pid:
        name = {1: "kallsyms", 2: "modules"}[kind]
        open(out + "." + name, "wb").write(gzip.decompress(f[p + 16:p + 16 + n]))
        found += 1
    p += 16 + (n + 7) // 8 * 8
sys.exit(0 if found == 2 else 1)
PY
}
