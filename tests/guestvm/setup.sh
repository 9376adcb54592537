#!/bin/bash
# Prepares a Debian guest kernel and an initramfs for the guest-memory
# tests (t2200): downloads linux-image-VERSION-amd64 with apt-get download,
# unpacks vmlinuz and a few modules, and builds a busybox initramfs that
# loads them and prints the guest's /proc/kallsyms and /proc/modules on its
# second serial port, between marker lines, then waits.
#
# Usage: tests/guestvm/setup.sh [DIR]   (default $PMUKVM_GUESTVM_DIR or
#        /var/tmp/pmukvm-guestvm). Prints DIR on success. Safe to run again:
#        what is already there is kept.
# Needs: apt-get (network), dpkg-deb, busybox-static, cpio, gzip.
set -eu
dir=${1:-${PMUKVM_GUESTVM_DIR:-/var/tmp/pmukvm-guestvm}}
# The newest Debian 12 kernel apt knows, unless KVER names one.
kver=${PMUKVM_GUESTVM_KVER:-}
mkdir -p "$dir"
cd "$dir"
if [ -z "$kver" ]; then
	kver=$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-amd64$' 2>/dev/null |
		awk '{print $1}' | sed 's/^linux-image-//' | sort -V | tail -n1)
fi
[ -n "$kver" ] || { echo "setup: no linux-image-6.1.0-*-amd64 package known to apt" >&2; exit 1; }
out=$dir/$kver
if [ -f "$out/initrd.gz" ] && [ -f "$out/vmlinuz" ]; then
	echo "$out"
	exit 0
fi
command -v busybox >/dev/null || [ -x /bin/busybox ] || { echo "setup: busybox-static is not installed" >&2; exit 1; }
rm -rf "$out.tmp"
mkdir -p "$out.tmp/pkg"
( cd "$out.tmp" && apt-get download "linux-image-$kver" >/dev/null 2>&1 ) ||
	{ echo "setup: cannot download linux-image-$kver" >&2; rm -rf "$out.tmp"; exit 1; }
dpkg-deb -x "$out.tmp"/linux-image-*.deb "$out.tmp/pkg"
mods=$out.tmp/pkg/lib/modules/$kver/kernel
root=$out.tmp/root
mkdir -p "$root"/bin "$root"/proc "$root"/sys "$root"/dev "$root"/mods
cp "$(command -v busybox || echo /bin/busybox)" "$root/bin/busybox"
# Modules without dependencies, loaded in this order (vfat needs fat).
n=0
for m in lib/crc7.ko lib/crc8.ko lib/crc-itu-t.ko fs/fat/fat.ko fs/fat/vfat.ko; do
	n=$((n + 1))
	cp "$mods/$m" "$root/mods/$(printf %02d $n)-$(basename "$m")"
done
cat >"$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in /mods/*.ko; do insmod "$m" || echo "insmod $m failed"; done
echo 0 >/proc/sys/kernel/kptr_restrict
{
	echo '=== kallsyms'
	cat /proc/kallsyms
	echo '=== modules'
	cat /proc/modules
	echo '=== end'
} >/dev/ttyS1
echo 'guestvm: ready'
while :; do sleep 3600; done
INIT
chmod +x "$root/init"
( cd "$root" && find . | cpio -o -H newc --quiet | gzip -1 ) >"$out.tmp/initrd.gz"
cp "$out.tmp"/pkg/boot/vmlinuz-* "$out.tmp/vmlinuz"
rm -rf "$out.tmp/pkg" "$out.tmp/root" "$out.tmp"/*.deb
rm -rf "$out"
mv "$out.tmp" "$out"
echo "$out"
