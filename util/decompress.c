// SPDX-License-Identifier: GPL-2.0
/* Records inside PERF_RECORD_COMPRESSED records: streaming zstd. */
#include "util/decompress.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/event.h"
#include "util/util.h"
#include "util/zstd-lib.h"

/*
 * The output holds the record being assembled and what follows it: a
 * record is at most 64 KiB, so four times that always leaves room to
 * finish one after sliding the used part out.
 */
#define OUT_SIZE	(256u << 10)
#define IN_SIZE		(64u << 10)
#define BLOCK_HEADER_SIZE	3	/* a zstd block's header (RFC 8878, 3.1.1.2) */

struct decomp {
	ZSTD_DStream *zs;
	u8 *in;
	size_t in_len, in_pos;
	u8 *out;			/* 8-byte aligned: records are read in place */
	size_t out_len, out_pos;
	bool block_open;		/* zstd is inside a block */
	bool out_filled;		/* the last call filled out: zstd may hold more */
};

struct decomp *decomp__new(void)
{
	struct decomp *dc;

	if (zstd__load("compressed records are not read"))
		return NULL;
	dc = xzalloc(sizeof(*dc));
	dc->zs = zstd.ZSTD_createDStream();
	if (!dc->zs) {
		free(dc);
		return NULL;
	}
	if (zstd.ZSTD_isError(zstd.ZSTD_initDStream(dc->zs)) ||
	    zstd.ZSTD_isError(zstd.ZSTD_DCtx_setParameter(dc->zs, ZSTD_d_windowLogMax,
						DECOMP_WINDOW_LOG_MAX))) {
		zstd.ZSTD_freeDStream(dc->zs);
		free(dc);
		return NULL;
	}
	dc->in = xmalloc(IN_SIZE);
	dc->out = xmalloc(OUT_SIZE);
	return dc;
}

void decomp__delete(struct decomp *dc)
{
	if (!dc)
		return;
	zstd.ZSTD_freeDStream(dc->zs);
	free(dc->in);
	free(dc->out);
	free(dc);
}

void decomp__feed(struct decomp *dc, const void *payload, size_t len)
{
	/* A record's size is 16 bits: its payload always fits. */
	if (len > IN_SIZE)
		len = IN_SIZE;
	memcpy(dc->in, payload, len);
	dc->in_len = len;
	dc->in_pos = 0;
}

size_t decomp__partial(const struct decomp *dc)
{
	return dc->out_len - dc->out_pos;
}

bool decomp__block_open(const struct decomp *dc)
{
	return dc->block_open;
}

int decomp__next(struct decomp *dc, union perf_event **event, struct err *err)
{
	for (;;) {
		size_t avail = dc->out_len - dc->out_pos;
		ZSTD_inBuffer in;
		ZSTD_outBuffer out;
		size_t ret;

		if (avail >= sizeof(struct perf_event_header)) {
			struct perf_event_header *h = (void *)(dc->out + dc->out_pos);

			if (h->size < sizeof(*h) || h->size % 8) {
				return err__set(err, -EINVAL, "a record inside has invalid size %u "
						"(type %u)", h->size, h->type);
			}
			if (avail >= h->size) {
				*event = (union perf_event *)h;
				dc->out_pos += h->size;
				return 1;
			}
		}
		/*
		 * Input used up is not the end of this payload's records: a
		 * call that filled the output may have left decoded bytes in
		 * zstd (its hint is the next block header's size all the same).
		 */
		if (dc->in_pos == dc->in_len && !dc->out_filled)
			return 0;
		if (dc->out_pos) {
			memmove(dc->out, dc->out + dc->out_pos, avail);
			dc->out_len = avail;
			dc->out_pos = 0;
		}
		in = (ZSTD_inBuffer){ dc->in, dc->in_len, dc->in_pos };
		out = (ZSTD_outBuffer){ dc->out, OUT_SIZE, dc->out_len };
		ret = zstd.ZSTD_decompressStream(dc->zs, &out, &in);
		if (zstd.ZSTD_isError(ret)) {
			return err__set(err, -EINVAL, "corrupt zstd data: %s",
					zstd.ZSTD_getErrorName(ret));
		}
		if (in.pos == dc->in_pos && out.pos == dc->out_len) {
			if (dc->in_pos == dc->in_len) {
				/* It held nothing back after all. */
				dc->out_filled = false;
				return 0;
			}
			/* Cannot happen with room for a whole record; never spin. */
			return err__set(err, -EINVAL, "zstd made no progress");
		}
		dc->in_pos = in.pos;
		dc->out_len = out.pos;
		dc->out_filled = out.pos == OUT_SIZE;
		/*
		 * perf flushes the stream after each chunk of records: a whole
		 * input ends where zstd waits for a block header, its hint then
		 * being exactly the header's size (0 after a frame's end).
		 */
		dc->block_open = ret != 0 && ret != BLOCK_HEADER_SIZE;
	}
}
