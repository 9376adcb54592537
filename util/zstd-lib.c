// SPDX-License-Identifier: GPL-2.0
#include "util/zstd-lib.h"

#include "pmukvm-sonames.h"

struct zstd_syms zstd;

DLIB_DEFINE(zstd_lib, zstd, ZSTD_SYMS, ZSTD_SONAME, "zstd compression");

int zstd__load(const char *consequence)
{
	return dlib__load_or_warn(&zstd_lib, consequence);
}
