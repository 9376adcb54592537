// SPDX-License-Identifier: GPL-2.0
/* util helpers: in-memory gunzip. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "tests/unit/unit.h"
#include "util/util.h"

static size_t gzip_buf(const char *in, size_t len, unsigned char *out, size_t cap)
{
	z_stream zs = { 0 };
	size_t n;

	deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)len;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	deflate(&zs, Z_FINISH);
	n = cap - zs.avail_out;
	deflateEnd(&zs);
	return n;
}

void test_gunzip_buf(void)
{
	static char text[200000];
	static unsigned char gz[300000];
	char *out;
	size_t n, outlen, i;

	for (i = 0; i < sizeof(text); i++)
		text[i] = (char)('a' + (i * 7 + i / 13) % 26);
	n = gzip_buf(text, sizeof(text), gz, sizeof(gz));
	CHECK(n > 0 && n < sizeof(text));
	CHECK(gunzip_buf(gz, n, 1 << 20, &out, &outlen) == 0);
	CHECK(outlen == sizeof(text) && !memcmp(out, text, outlen) && out[outlen] == '\0');
	free(out);
	/* Cut short, corrupt, over the limit. */
	CHECK(gunzip_buf(gz, n / 2, 1 << 20, &out, &outlen) == -EBADMSG);
	gz[n / 2] ^= 0xff;
	gz[n / 2 + 1] ^= 0xff;
	CHECK(gunzip_buf(gz, n, 1 << 20, &out, &outlen) < 0);
	gz[n / 2] ^= 0xff;
	gz[n / 2 + 1] ^= 0xff;
	CHECK(gunzip_buf(gz, n, 1000, &out, &outlen) == -EFBIG);
	CHECK(gunzip_buf("not gzip", 8, 1000, &out, &outlen) == -EBADMSG);
}

struct kv {
	int key, order;
};

static bool kv_before(const void *a, const void *b)
{
	return ((const struct kv *)a)->key < ((const struct kv *)b)->key;
}

void test_sort_runs(void)
{
	static struct kv v[1000];
	int i;

	/* Several runs with repeated keys: sorted by key, ties in input order. */
	for (i = 0; i < 1000; i++) {
		v[i].key = (i * 37) % 101 % 13;
		v[i].order = i;
	}
	sort_runs(v, 1000, sizeof(v[0]), kv_before);
	for (i = 1; i < 1000; i++) {
		CHECK(v[i - 1].key <= v[i].key);
		if (v[i - 1].key == v[i].key)
			CHECK(v[i - 1].order < v[i].order);
	}
	sort_runs(v, 1, sizeof(v[0]), kv_before);
	sort_runs(v, 0, sizeof(v[0]), kv_before);
}

/* round_u64 is libm's round() for every value in [0, 2^64): halves, the
 * last doubles below a half, where doubles stop having fractions, and a
 * spread of random fractions of random spans (as filter.c's --time %). */
void test_round_u64(void)
{
	static const double cases[] = {
		0.0, 0.25, 0.49999999999999994, 0.5, 0.5000000000000001, 1.0, 1.5, 2.5,
		3.49999999999999956, 1e6 + 0.5, 4503599627370495.5, 4503599627370496.0,
		9007199254740993.0, 1e19, 18446744073709549568.0,
	};
	unsigned i;
	u64 seed = 1;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		CHECK(round_u64(cases[i]) == (u64)round(cases[i]));
	for (i = 0; i < 200000; i++) {
		double f, x;

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		f = (double)(seed >> 11) / 9007199254740992.0;
		x = f * (double)(seed >> (seed & 63));
		CHECK(round_u64(x) == (u64)round(x));
	}
}

static int u64_order(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* sort_u64 agrees with qsort on random, sorted, reversed, equal, few
 * distinct and organ-pipe inputs of every size up to past the cut-offs. */
void test_sort_u64(void)
{
	enum { N = 5000 };
	static u64 a[N], b[N];
	u64 x = 88172645463325252ull;
	int bad = 0;

	for (int shape = 0; shape < 6; shape++)
		for (size_t n = 0; n <= N; n += n < 40 ? 1 : 997) {
			for (size_t i = 0; i < n; i++) {
				x ^= x << 13, x ^= x >> 7, x ^= x << 17;
				a[i] = shape == 0 ? x : shape == 1 ? i : shape == 2 ? n - i :
				       shape == 3 ? 7 : shape == 4 ? x % 3 : (i < n / 2 ? i : n - i);
			}
			memcpy(b, a, n * sizeof(*a));
			sort_u64(a, n);
			qsort(b, n, sizeof(*b), u64_order);
			bad += memcmp(a, b, n * sizeof(*a)) != 0;
		}
	CHECK(!bad);
}
