/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_BUF_H
#define PMUKVM_BUF_H

/*
 * A growable byte buffer: feature payloads as they are built, the records
 * a compressor produced, a reader thread's queue. Start it zeroed
 * (struct buf b = { 0 }); growth goes through xrealloc, so appending
 * never fails.
 */
#include <stddef.h>

#include "util/util.h"

/**
 * struct buf - @len bytes at @data, room for @alloc. @data is NULL until
 * the first byte is added.
 */
struct buf {
	u8 *data;
	size_t len, alloc;
};

/** buf__reserve - makes room for @extra more bytes past @len. */
void buf__reserve(struct buf *b, size_t extra);

/** buf__append - appends @len bytes from @p. */
void buf__append(struct buf *b, const void *p, size_t len);

/** buf__append_u32 / buf__append_u64 - appends a value in host order. */
void buf__append_u32(struct buf *b, u32 v);
void buf__append_u64(struct buf *b, u64 v);

/**
 * buf__detach - hands the bytes to the caller (free them with free()),
 * *@len their number when @len is not NULL; the buffer is empty after.
 * Returns NULL when nothing was ever added.
 */
u8 *buf__detach(struct buf *b, size_t *len);

/** buf__reset - empties the buffer and keeps its memory for reuse. */
static inline void buf__reset(struct buf *b)
{
	b->len = 0;
}

/** buf__free - frees the bytes; the buffer is empty and reusable after. */
void buf__free(struct buf *b);

#endif
