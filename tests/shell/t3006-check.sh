#!/bin/bash
# pmukvm check: exit 0 only where guests can be profiled, else the reasons.
. tests/shell/lib-record.sh

"$PMUKVM" check >"$TMP/out" 2>&1
rc=$?
cat "$TMP/out"
for k in kvm: paranoid: pmus: "hw event:" record: result:; do
	grep -q "^$k" "$TMP/out" || fail "no '$k' line"
done
if [ -e /sys/bus/event_source/devices/cpu ] && [ -w /dev/kvm ]; then
	[ $rc -eq 0 ] || grep -q '^  - ' "$TMP/out" || fail "non-zero without a reason"
else
	[ $rc -ne 0 ] || fail "exit 0 without a PMU or /dev/kvm"
	grep -q '^  - ' "$TMP/out" || fail "no reasons listed"
fi
"$PMUKVM" check extra >/dev/null 2>&1 && fail "check took an argument"

# The kernel's symbols: /proc/kallsyms, and a vmlinux of the running
# kernel's build-id where perf looks (./vmlinux first), which report takes.
grep -q "^kernel syms:    /proc/kallsyms" "$TMP/out" || fail "no 'kernel syms:' line"
bid=$(od -An -tx1 -v /sys/kernel/notes 2>/dev/null | tr -d ' \n' |
	sed -n 's/.*040000001[0-9a-f]\{7\}0300000047\(4e\|4E\)5500\([0-9a-f]\{40\}\).*/\2/p')
if [ ${#bid} -eq 40 ]; then
	grep -q "no vmlinux of the running kernel (build-id $bid)" "$TMP/out" ||
		fail "the running kernel's build-id not given"
	pm=$(realpath "$PMUKVM")
	mkdir "$TMP/v"
	echo 'int main(void) { return 0; }' >"$TMP/v.c"
	if gcc -o "$TMP/v/vmlinux" "$TMP/v.c" -Wl,--build-id=0x$bid 2>/dev/null; then
		(cd "$TMP/v" && "$pm" check 2>&1) | grep -q "vmlinux vmlinux (the running kernel's build-id)" ||
			fail "./vmlinux of the running kernel's build-id not found"
		gcc -o "$TMP/v/vmlinux" "$TMP/v.c" -Wl,--build-id=0x0123456789abcdef0123456789abcdef01234567
		(cd "$TMP/v" && "$pm" check 2>&1) | grep -q "no vmlinux of the running kernel" ||
			fail "a vmlinux of another build-id taken"
		echo "ok: a vmlinux of the running kernel's build-id found, of another not"
	fi
fi
# As a user kptr_restrict hides addresses from: said.
if [ "$(cat /proc/sys/kernel/kptr_restrict)" != 0 ] || [ "$(cat /proc/sys/kernel/perf_event_paranoid)" -gt 1 ]; then
	cp "$PMUKVM" "$TMP/pm" && chmod 755 "$TMP" "$TMP/pm"
	if setpriv --reuid=65534 --regid=65534 --clear-groups head -c 16 /proc/kallsyms 2>/dev/null |
		grep -q '^0000000000000000'; then
		setpriv --reuid=65534 --regid=65534 --clear-groups "$TMP/pm" check 2>&1 |
			grep -q "hides its addresses" || fail "hidden kallsyms addresses not said"
		echo "ok: hidden kallsyms addresses said"
	fi
fi
exit 0
