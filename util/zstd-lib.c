// SPDX-License-Identifier: GPL-2.0
#include "util/zstd-lib.h"

#include "pmukvm-sonames.h"

struct zstd_syms zstd;

static int zstd_bind(struct dlib *lib)
{
#define X(name) DLIB_BIND(&zstd, lib, name)
	ZSTD_SYMS(X)
#undef X
	return 0;
}

static struct dlib zstd_lib = DLIB_INIT(ZSTD_SONAME, "zstd compression", zstd_bind);

int zstd__load(const char *consequence)
{
	return dlib__load_or_warn(&zstd_lib, consequence);
}
