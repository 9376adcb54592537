// SPDX-License-Identifier: GPL-2.0
#include "util/buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void buf__reserve(struct buf *b, size_t extra)
{
	BUG_ON(extra > SIZE_MAX / 4 - b->len);
	if (b->len + extra > b->alloc) {
		b->alloc = (b->len + extra) * 2 + 256;
		b->data = xrealloc(b->data, b->alloc);
	}
}

void buf__append(struct buf *b, const void *p, size_t len)
{
	if (!len)
		return;
	buf__reserve(b, len);
	memcpy(b->data + b->len, p, len);
	b->len += len;
}

void buf__append_u32(struct buf *b, u32 v)
{
	buf__append(b, &v, sizeof(v));
}

void buf__append_u64(struct buf *b, u64 v)
{
	buf__append(b, &v, sizeof(v));
}

u8 *buf__detach(struct buf *b, size_t *len)
{
	u8 *data = b->data;

	if (len)
		*len = b->len;
	memset(b, 0, sizeof(*b));
	return data;
}

void buf__free(struct buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}
