#!/bin/bash
# guest-symbols against a Debian 6.12 (bookworm-backports) guest: the
# kallsyms layout of Linux 6.4 and later (offsets after the token index)
# and struct module's mem[] (see t2200, which this runs).
GUESTVM_SERIES=6.12 exec bash tests/shell/t2200-guest-symbols-6.1.sh
