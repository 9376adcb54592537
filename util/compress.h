/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_COMPRESS_H
#define PMUKVM_COMPRESS_H

/*
 * Writing zstd-compressed data as perf record -z does: one zstd stream for
 * the whole data section, flushed at the end of every PERF_RECORD_COMPRESSED
 * record, so that a reader decompresses record by record. Each record's
 * payload decompresses to at most COMPRESS_CHUNK bytes (the HEADER_COMPRESSED
 * feature's mmap_len must be at least that); chunks end at record
 * boundaries where a record fits.
 */
#include <stddef.h>

#include "util/util.h"

struct compressor;
struct buf;

/* Input bytes per COMPRESSED record, at most. */
#define COMPRESS_CHUNK	(32u << 10)

/** compressor__new - a zstd stream at @level (1..22); NULL if zstd fails. */
struct compressor *compressor__new(int level);
void compressor__delete(struct compressor *c);

/**
 * compressor__records - compresses @len bytes of whole records at @buf into
 * COMPRESSED records appended to @out. Returns 0 or a negative errno.
 */
int compressor__records(struct compressor *c, const u8 *buf, size_t len, struct buf *out);

/** compressor__totals - bytes taken in and given out so far. */
void compressor__totals(const struct compressor *c, u64 *in, u64 *out);

#endif
