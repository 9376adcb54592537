#!/bin/bash
# guest-symbols against a 5 GiB guest on QEMU's pc machine: its RAM above
# 3 GiB sits at guest physical 4 GiB (one RAM block in the QEMU process,
# two guest ranges). Without KASLR the kernel image stays at 16 MiB, below
# every place the split could be, while the page allocator hands modules
# and page tables pages from above 4 GiB: only the guest's own e820 map
# says where the split is (see t2200, which this runs).
GUESTVM_SERIES=6.1 GUESTVM_MACHINE=pc GUESTVM_MEM=5G GUESTVM_APPEND=nokaslr \
	exec bash tests/shell/t2200-guest-symbols-6.1.sh
