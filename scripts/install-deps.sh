#!/bin/bash
# Installs what pmukvm needs to build and test on Debian 12 (run as root).
# Installs only what is missing; safe to run again.
set -eu
pkgs="gcc binutils make pkg-config libelf-dev libdw-dev libunwind-dev zlib1g-dev libslang2-dev libtraceevent-dev
      libprotobuf-c-dev protobuf-c-compiler libbpf-dev libiberty-dev libzstd-dev g++
      linux-perf tmux procps time gzip python3 asciidoctor man-db chromium-headless-shell golang-go
      strace qemu-system-x86 busybox-static kmod cpio xz-utils
      clang libclang-rt-14-dev"
missing=()
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "install-deps: all packages present"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing ${missing[*]}; run as root (or: sudo $0)" >&2
	exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
