#!/bin/bash
# guest-symbols against a 16 GiB guest that has written 4 GiB of a tmpfs
# file first (so the QEMU process holds more than 4 GiB of its RAM): what
# is read stays the kernel image's size, as for 512 MiB (see t2200, which
# this runs and which checks the amount read).
GUESTVM_SERIES=6.1 GUESTVM_MEM=16G GUESTVM_FILL_MIB=4096 GUESTVM_APPEND=guestvm.fill=4096 \
	exec bash tests/shell/t2200-guest-symbols-6.1.sh
