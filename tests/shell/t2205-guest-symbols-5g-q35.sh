#!/bin/bash
# guest-symbols against a 5 GiB Debian 6.12 guest on QEMU's q35 machine
# (RAM above 2 GiB at guest physical 4 GiB) with KASLR: the kernel image
# may lie above 4 GiB, where only the split found through the guest's
# page tables reaches it (see t2200, which this runs).
GUESTVM_SERIES=6.12 GUESTVM_MACHINE=q35 GUESTVM_MEM=5G \
	exec bash tests/shell/t2200-guest-symbols-6.1.sh
