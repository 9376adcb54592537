// SPDX-License-Identifier: GPL-2.0
/*
 * zstd compression of the data section (record -z). See util/compress.h.
 */
#include "util/compress.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/event.h"
#include "util/buf.h"
#include "util/writer.h"
#include "util/zstd-lib.h"

/* A record's size is a u16: the compressed bytes that one holds. */
#define MAX_PAYLOAD	(0xffffu - sizeof(struct perf_event_header))

struct compressor {
	ZSTD_CCtx *cctx;
	u64 in, out;
};

struct compressor *compressor__new(int level)
{
	struct compressor *c;
	ZSTD_CCtx *cctx;

	if (zstd__load("the data is not compressed"))
		return NULL;
	cctx = zstd.ZSTD_createCCtx();
	if (!cctx)
		return NULL;
	if (zstd.ZSTD_isError(zstd.ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level))) {
		zstd.ZSTD_freeCCtx(cctx);
		return NULL;
	}
	c = xzalloc(sizeof(*c));
	c->cctx = cctx;
	return c;
}

void compressor__delete(struct compressor *c)
{
	if (!c)
		return;
	zstd.ZSTD_freeCCtx(c->cctx);
	free(c);
}

/* One COMPRESSED record holding @len input bytes, flushed. */
static int compress_chunk(struct compressor *c, const u8 *src, size_t len, struct buf *out)
{
	struct perf_event_header h = { .type = PERF_RECORD_COMPRESSED };
	u8 dst[MAX_PAYLOAD];
	ZSTD_inBuffer in = { src, len, 0 };
	ZSTD_outBuffer o = { dst, sizeof(dst), 0 };
	size_t left;

	do {
		left = zstd.ZSTD_compressStream2(c->cctx, &o, &in, ZSTD_e_flush);
		if (zstd.ZSTD_isError(left))
			return -EIO;
	} while (left && o.pos < o.size);
	/* COMPRESS_CHUNK is far below what fills a record: this cannot be. */
	if (left || in.pos != in.size)
		return -E2BIG;
	h.size = (u16)(sizeof(h) + o.pos);
	buf__append(out, &h, sizeof(h));
	buf__append(out, dst, o.pos);
	c->in += len;
	c->out += sizeof(h) + o.pos;
	return 0;
}

int compressor__records(struct compressor *c, const u8 *buf, size_t len, struct buf *out)
{
	size_t pos = 0, split_end = 0;	/* end of a record cut across chunks */

	while (pos < len) {
		size_t end = pos;
		int err;

		if (split_end > pos) {
			end = min_t(size_t, split_end, pos + COMPRESS_CHUNK);
		} else {
			/* Whole records up to COMPRESS_CHUNK. */
			while (end + sizeof(struct perf_event_header) <= len) {
				const struct perf_event_header *h = (const void *)(buf + end);

				if (!h->size || end + h->size > len)
					return -EINVAL;
				if (end + h->size - pos > COMPRESS_CHUNK)
					break;
				end += h->size;
			}
			if (end == pos) {
				/* A record larger than a chunk: in pieces. */
				const struct perf_event_header *h = (const void *)(buf + pos);

				if (len - pos < sizeof(*h))
					return -EINVAL;
				split_end = pos + h->size;
				end = pos + COMPRESS_CHUNK;
			}
		}
		err = compress_chunk(c, buf + pos, end - pos, out);
		if (err)
			return err;
		pos = end;
	}
	return 0;
}

void compressor__totals(const struct compressor *c, u64 *in, u64 *out)
{
	*in = c->in;
	*out = c->out;
}
