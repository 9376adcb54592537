# Helpers for tests that boot a Debian guest kernel under QEMU (TCG) and
# read its symbols from its memory. Source after tests/lib.sh.
#
# guestvm_boot SERIES: prepares the kernel (tests/guestvm/setup.sh; skips
# the test when it cannot), boots it with KASLR, 512 MiB, and waits until
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
	qemu-system-x86_64 -accel tcg -m 512M -smp 1 -display none -monitor none -no-reboot \
		-kernel "$kdir/vmlinuz" -initrd "$kdir/initrd.gz" \
		-append 'console=ttyS0 kaslr quiet panic=-1' \
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
	tr -d '\r' <"$TMP/guest.out" | sed -n '/^=== kallsyms$/,/^=== modules$/p' | sed '1d;$d' >"$GUESTVM_KALLSYMS"
	tr -d '\r' <"$TMP/guest.out" | sed -n '/^=== modules$/,/^=== end$/p' | sed '1d;$d' >"$GUESTVM_MODULES"
	[ -s "$GUESTVM_KALLSYMS" ] && [ -s "$GUESTVM_MODULES" ] || fail "the guest's copies are empty"
}
