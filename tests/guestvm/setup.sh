#!/bin/bash
# Prepares a Debian guest kernel and an initramfs for the guest-memory
# tests (t2200): downloads linux-image-VERSION-amd64 with apt-get download
# (Debian 12's 6.1, or 6.12 from bookworm-backports, read through a private
# apt state under DIR, so the system's sources are not changed),
# unpacks vmlinuz and a few modules, and builds a busybox initramfs that
# loads them and prints the guest's /proc/kallsyms and /proc/modules on its
# second serial port, between marker lines, then waits.
#
# Usage: tests/guestvm/setup.sh 6.1|6.12 [DIR]   (DIR: default
#        $PMUKVM_GUESTVM_DIR or /var/tmp/pmukvm-guestvm). Prints the
#        kernel's directory (vmlinuz, initrd.gz) on success. Safe to run
#        again: what is already there is kept.
# Needs: apt-get (network), dpkg-deb, busybox-static, cpio, gzip, xz-utils.
set -eu
series=${1:?usage: setup.sh 6.1|6.12 [DIR]}
dir=${2:-${PMUKVM_GUESTVM_DIR:-/var/tmp/pmukvm-guestvm}}
mkdir -p "$dir"
cd "$dir"
apt_opts=()
case $series in
6.1)	pattern='^linux-image-6\.1\.0-[0-9]+-amd64$' ;;
6.12)	pattern='^linux-image-6\.12\.[0-9]+\+deb12-amd64$'
	bpo=$dir/apt-bpo
	mkdir -p "$bpo/lists/partial" "$bpo/cache/archives/partial"
	# The backports suite of the mirror this system's bookworm comes from.
	mirror=$( { awk '/^URIs:/ { u = $2 } /^Suites:/ && / bookworm( |$)/ { print u; exit }' \
			/etc/apt/sources.list.d/*.sources 2>/dev/null
		    awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' /etc/apt/sources.list 2>/dev/null
		  } | head -n1)
	[ -n "$mirror" ] || { echo "setup: no bookworm mirror in the apt sources" >&2; exit 1; }
	echo "deb $mirror bookworm-backports main" >"$bpo/sources.list"
	apt_opts=(-o "Dir::Etc::SourceList=$bpo/sources.list" -o Dir::Etc::SourceParts=/dev/null
		  -o "Dir::State::Lists=$bpo/lists" -o "Dir::Cache=$bpo/cache")
	[ -n "$(ls "$bpo/lists" 2>/dev/null | grep -v partial)" ] ||
		apt-get -qq "${apt_opts[@]}" update >/dev/null 2>&1 ||
		{ echo "setup: cannot reach bookworm-backports" >&2; exit 1; } ;;
*)	echo "setup: unknown kernel series '$series' (6.1 or 6.12)" >&2; exit 1 ;;
esac
kver=$(apt-cache "${apt_opts[@]}" search --names-only "$pattern" 2>/dev/null |
	awk '{print $1}' | sed 's/^linux-image-//' | sort -V | tail -n1)
[ -n "$kver" ] || { echo "setup: no $series kernel package known to apt" >&2; exit 1; }
# Bump when the initramfs changes. Each version has a directory of its own
# (KVER-iN), so that a checkout with another version of this script, run
# against the same DIR, neither replaces it nor has it replaced.
initrd_version=3
out=$dir/$kver-i$initrd_version
if [ -f "$out/initrd.gz" ] && [ -f "$out/vmlinuz" ]; then
	echo "$out"
	exit 0
fi
# an older version's files of this kernel, if any: no download then
old=
for o in "$dir/$kver" "$dir/$kver"-i*; do
	[ -f "$o/initrd.gz" ] && [ -f "$o/vmlinuz" ] && { old=$o; break; }
done
command -v busybox >/dev/null || [ -x /bin/busybox ] || { echo "setup: busybox-static is not installed" >&2; exit 1; }
rm -rf "$out.tmp"
mkdir -p "$out.tmp/pkg"
root=$out.tmp/root
mkdir -p "$root"
if [ -n "$old" ]; then
	# An older initramfs of this kernel: its modules are kept, the rest redone.
	( cd "$root" && gzip -dc "$old/initrd.gz" | cpio -i --quiet ) ||
		{ echo "setup: cannot unpack $old/initrd.gz" >&2; rm -rf "$out.tmp"; exit 1; }
	mkdir -p "$out.tmp/pkg/boot"
	cp "$old/vmlinuz" "$out.tmp/pkg/boot/vmlinuz-$kver"
else
	( cd "$out.tmp" && apt-get "${apt_opts[@]}" download "linux-image-$kver" >/dev/null 2>&1 ) ||
		{ echo "setup: cannot download linux-image-$kver" >&2; rm -rf "$out.tmp"; exit 1; }
	dpkg-deb -x "$out.tmp"/linux-image-*.deb "$out.tmp/pkg"
	mods=$out.tmp/pkg/lib/modules/$kver/kernel
	mkdir -p "$root"/mods
	# Modules without dependencies, loaded in this order (vfat needs fat).
	n=0
	for m in lib/crc7.ko lib/crc8.ko lib/crc-itu-t.ko fs/fat/fat.ko fs/fat/vfat.ko; do
		n=$((n + 1))
		dst=$root/mods/$(printf %02d $n)-$(basename "$m")
		if [ -f "$mods/$m" ]; then
			cp "$mods/$m" "$dst"
		else	# 6.12 modules are xz-compressed; busybox insmod wants them plain
			xz -dc "$mods/$m.xz" >"$dst"
		fi
	done
fi
mkdir -p "$root"/bin "$root"/proc "$root"/sys "$root"/dev "$root"/mods "$root"/fill
cp "$(command -v busybox || echo /bin/busybox)" "$root/bin/busybox"
# guestvm.fill=MIB on the kernel command line: the guest first writes MIB
# MiB of a tmpfs file, so that much of its RAM is in use (and allocated in
# the QEMU process), wherever the kernel placed those pages.
cat >"$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in /mods/*.ko; do insmod "$m" || echo "insmod $m failed"; done
echo 0 >/proc/sys/kernel/kptr_restrict
for a in $(cat /proc/cmdline); do
	case $a in
	guestvm.fill=*)
		fill=${a#guestvm.fill=}
		mount -t tmpfs -o size=${fill}m fill /fill
		dd if=/dev/zero of=/fill/fill bs=1M count=$fill 2>/dev/null
		echo "guestvm: filled $(du -m /fill/fill | cut -f1) MiB" ;;
	esac
done
# One moment's copies; kallsyms compressed, as a serial line is slow.
cat /proc/kallsyms >/kallsyms
cat /proc/modules >/modules
{
	echo '=== kallsyms.gz.base64'
	gzip -c /kallsyms | base64
	echo '=== modules'
	cat /modules
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
