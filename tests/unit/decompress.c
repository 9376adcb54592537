// SPDX-License-Identifier: GPL-2.0
/* decomp: every record of a compressed payload comes out, however well it packs. */
#include <stdlib.h>
#include <string.h>

#include <zstd.h>

#include "tests/unit/unit.h"
#include "util/decompress.h"
#include "util/err.h"
#include "util/event.h"

/*
 * @nr records of @rec bytes, compressed as perf does (the chunk flushed,
 * the frame left open) into one payload, must all come out of decomp, and
 * nothing may be left over.
 */
static void one_payload(size_t rec, size_t nr)
{
	u8 *raw = calloc(nr, rec), *packed;
	size_t cap = ZSTD_compressBound(nr * rec), i, j;
	ZSTD_CCtx *cc = ZSTD_createCCtx();
	ZSTD_inBuffer in;
	ZSTD_outBuffer out;
	struct decomp *dc = decomp__new();
	union perf_event *ev;
	struct err why = { 0 };
	u64 seen = 0, sum = 0, want = 0;
	int r;

	packed = malloc(cap);
	CHECK(raw && packed && cc && dc);
	if (!raw || !packed || !cc || !dc)
		goto out;
	for (i = 0; i < nr; i++) {
		struct perf_event_header h = { .type = PERF_RECORD_SAMPLE, .size = (u16)rec };
		u64 v = i * 2654435761u;

		memcpy(raw + i * rec, &h, sizeof(h));
		for (j = 8; j + 8 <= rec; j += 8) {
			u64 w = v + j / 64;

			memcpy(raw + i * rec + j, &w, 8);
		}
		want += v;
	}
	in = (ZSTD_inBuffer){ raw, nr * rec, 0 };
	out = (ZSTD_outBuffer){ packed, cap, 0 };
	while (ZSTD_compressStream2(cc, &out, &in, ZSTD_e_flush))
		;
	CHECK(out.pos < 65536 - 8);	/* fits one COMPRESSED record */
	decomp__feed(dc, packed, out.pos);
	while ((r = decomp__next(dc, &ev, &why)) > 0) {
		u64 v;

		memcpy(&v, (const u8 *)ev + 8, 8);
		sum += v;
		seen++;
	}
	CHECK(r == 0);
	CHECK(seen == nr);
	CHECK(sum == want);
	CHECK(decomp__partial(dc) == 0);
	CHECK(!decomp__block_open(dc));
out:
	decomp__delete(dc);
	ZSTD_freeCCtx(cc);
	free(packed);
	free(raw);
}

/*
 * One payload may decompress to far more than decomp's output buffer
 * (perf record -z packs a ring buffer's chunk into one COMPRESSED record
 * when it compresses well). Once the input is used up zstd may still hold
 * decoded bytes back; they must come out before more input is asked for.
 */
void test_decompress_large_payload(void)
{
	one_payload(64, 4096);		/* exactly the output buffer */
	one_payload(56, 5357);		/* ~300 KB: zstd holds back the tail */
	one_payload(88, 3409);
	one_payload(136, 2205);
	one_payload(4104, 300);
}
