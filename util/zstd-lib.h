/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_ZSTD_LIB_H
#define PMUKVM_ZSTD_LIB_H

/*
 * libzstd, opened when a compressed file is first read or record -z first
 * compresses (util/dlib.h): other runs do not load it. compress.c and
 * decompress.c call it through this table, typed from zstd.h.
 */
#include <zstd.h>

#include "util/dlib.h"

#define ZSTD_SYMS(X)                                                                  \
	X(ZSTD_createCCtx) X(ZSTD_freeCCtx) X(ZSTD_CCtx_setParameter)                     \
	X(ZSTD_compressStream2) X(ZSTD_createDStream) X(ZSTD_initDStream)                \
	X(ZSTD_DCtx_setParameter) X(ZSTD_freeDStream) X(ZSTD_decompressStream)           \
	X(ZSTD_isError) X(ZSTD_getErrorName)

struct zstd_syms {
	ZSTD_SYMS(DLIB_PTR)
};

/* Valid once zstd__load() has returned 0. */
extern struct zstd_syms zstd;

/**
 * zstd__load - opens libzstd, the first time. Returns 0, or -ENOENT after
 * a warning (once) naming the library, @consequence saying what fails
 * ("compressed records are not read").
 */
int zstd__load(const char *consequence);

#endif
