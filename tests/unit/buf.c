// SPDX-License-Identifier: GPL-2.0
/* struct buf: append, reserve, detach, reset, free. */
#include <stdlib.h>
#include <string.h>

#include "tests/unit/unit.h"
#include "util/buf.h"

void test_buf(void)
{
	struct buf b = { 0 };
	u8 big[5000];
	size_t len = 1, i;
	u8 *data;
	u32 v32;
	u64 v64;

	/* Nothing added: nothing allocated, detach gives NULL and 0. */
	buf__append(&b, "x", 0);
	CHECK(b.data == NULL && b.len == 0);
	data = buf__detach(&b, &len);
	CHECK(data == NULL && len == 0);

	buf__append(&b, "abc", 3);
	buf__append_u32(&b, 0x11223344);
	buf__append_u64(&b, 0x5566778899aabbccULL);
	CHECK(b.len == 3 + 4 + 8);
	CHECK(!memcmp(b.data, "abc", 3));
	memcpy(&v32, b.data + 3, 4);
	memcpy(&v64, b.data + 7, 8);
	CHECK(v32 == 0x11223344);
	CHECK(v64 == 0x5566778899aabbccULL);

	/* Growing keeps what is there. */
	for (i = 0; i < sizeof(big); i++)
		big[i] = (u8)(i * 7);
	buf__append(&b, big, sizeof(big));
	CHECK(b.len == 15 + sizeof(big));
	CHECK(b.alloc >= b.len);
	CHECK(!memcmp(b.data, "abc", 3));
	CHECK(!memcmp(b.data + 15, big, sizeof(big)));

	/* reserve: room without length; appends then do not move the bytes. */
	buf__reserve(&b, 100000);
	CHECK(b.alloc >= b.len + 100000);
	data = b.data;
	buf__append(&b, big, sizeof(big));
	CHECK(b.data == data);

	/* reset keeps the memory, detach hands it over and leaves it empty. */
	buf__reset(&b);
	CHECK(b.len == 0 && b.data == data);
	buf__append(&b, "hello", 6);
	data = buf__detach(&b, &len);
	CHECK(len == 6 && data && !strcmp((char *)data, "hello"));
	CHECK(b.data == NULL && b.len == 0 && b.alloc == 0);
	free(data);

	/* Usable again after detach and after free. */
	buf__append(&b, "again", 5);
	CHECK(b.len == 5 && !memcmp(b.data, "again", 5));
	buf__free(&b);
	CHECK(b.data == NULL && b.len == 0 && b.alloc == 0);
	buf__append_u32(&b, 7);
	CHECK(b.len == 4);
	data = buf__detach(&b, NULL);
	free(data);
}
