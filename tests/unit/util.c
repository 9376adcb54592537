// SPDX-License-Identifier: GPL-2.0
/* util helpers: in-memory gunzip, rounding, the sorts. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <zlib.h>

#include "tests/unit/unit.h"
#include "ui/stdio.h"
#include "util/introsort.h"
#include "util/u64-index.h"
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

/* introsort_inline's elements for the test: wider than a word, a key and where it came from. */
struct intro_elem {
	u32 key;
	u32 pad;
	u64 from;
};

struct intro_ctx {
	unsigned long compares;
	bool desc;
};

static bool intro_elem_before(const void *a, const void *b, const void *ctx)
{
	struct intro_ctx *c = (struct intro_ctx *)ctx;
	const struct intro_elem *x = a, *y = b;

	c->compares++;
	return c->desc ? x->key > y->key : x->key < y->key;
}

static int intro_elem_order(const void *a, const void *b)
{
	const struct intro_elem *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

static bool u32_before(const void *a, const void *b, const void *ctx)
{
	(void)ctx;
	return *(const u32 *)a < *(const u32 *)b;
}

static int u32_order(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

/* introsort_inline_prefetch's elements: u32 indices into struct ix_ctx's keys. */
struct ix_ctx {
	const u32 *keys;
	const u32 *base;	/* the array sorted */
	size_t n;
	unsigned long prefetches, outside;
};

static bool ix_before(const void *a, const void *b, const void *ctx)
{
	const struct ix_ctx *c = ctx;

	return c->keys[*(const u32 *)a] < c->keys[*(const u32 *)b];
}

/* Counts the calls, and those for an element outside the array. */
static void ix_prefetch(const void *a, const void *ctx)
{
	struct ix_ctx *c = (struct ix_ctx *)ctx;
	const u32 *e = a;

	c->prefetches++;
	c->outside += e < c->base || e >= c->base + c->n;
}

/*
 * util/introsort.h on adversarial inputs: random, sorted, reversed, all
 * equal, organ-pipe, few distinct and a sawtooth, at every size past the
 * insertion cut-off: the keys come out as qsort's, every element once
 * (16-byte elements: the key's order, the origins a permutation), in
 * either direction, and within a bound on compares that a quadratic
 * quicksort breaks (heapsort takes over at depth).
 */
void test_introsort(void)
{
	enum { N = 6000 };
	static struct intro_elem a[N], b[N];
	static u32 u[N], v[N];
	static unsigned char seen[N];
	static u32 ix[N], w[N];
	struct ix_ctx ixc;
	u64 x = 0x9e3779b97f4a7c15ull;
	int bad = 0, bad_u32 = 0, bad_perm = 0, bad_compares = 0, bad_ix = 0;

	for (int shape = 0; shape < 7; shape++)
		for (size_t n = 0; n <= N; n += n < 70 ? 1 : 1499) {
			struct intro_ctx ctx = { .desc = shape == 6 };
			unsigned long lg = 1;

			for (size_t i = 0; i < n; i++) {
				x ^= x << 13, x ^= x >> 7, x ^= x << 17;
				a[i].key = shape == 0 ? (u32)x : shape == 1 ? (u32)i :
					   shape == 2 ? (u32)(n - i) : shape == 3 ? 42 :
					   shape == 4 ? (u32)(i < n / 2 ? i : n - i) :
					   shape == 5 ? (u32)(x % 4) : (u32)(i % 64);
				a[i].pad = 0;
				a[i].from = i;
				u[i] = a[i].key;
			}
			memcpy(b, a, n * sizeof(*a));
			memcpy(v, u, n * sizeof(*u));
			memcpy(w, u, n * sizeof(*u));	/* the keys in their shape's order */
			introsort_inline(a, n, sizeof(*a), intro_elem_before, &ctx);
			qsort(b, n, sizeof(*b), intro_elem_order);
			memset(seen, 0, n);
			for (size_t i = 0; i < n; i++) {
				bad += a[i].key != b[ctx.desc ? n - 1 - i : i].key;
				bad_perm += a[i].from >= n || seen[a[i].from]++;
			}
			while ((1ul << lg) < n)
				lg++;
			bad_compares += ctx.compares > 8 * n * lg + 64;
			introsort_inline(u, n, sizeof(*u), u32_before, NULL);
			qsort(v, n, sizeof(*v), u32_order);
			bad_u32 += memcmp(u, v, n * sizeof(*u)) != 0;
			/*
			 * Indices sorted by the keys they name (unsorted, in the
			 * shape's order), what they name asked for ahead: the
			 * keys come out as qsort's, every index once.
			 */
			for (size_t i = 0; i < n; i++)
				ix[i] = (u32)i;
			ixc = (struct ix_ctx){ .keys = w, .base = ix, .n = n };
			introsort_inline_prefetch(ix, n, sizeof(*ix), ix_before, ix_prefetch, &ixc);
			memset(seen, 0, n);
			for (size_t i = 0; i < n; i++)
				bad_ix += ix[i] >= n || seen[ix[i]]++ || w[ix[i]] != v[i];
			bad_ix += ixc.outside != 0 || (n > 64 && !ixc.prefetches);
		}
	CHECK(!bad);
	CHECK(!bad_perm);
	CHECK(!bad_compares);
	CHECK(!bad_u32);
	CHECK(!bad_ix);
}

/*
 * huge_alloc: aligned to a huge page, zeroed, every byte writable, its
 * length rounded up; huge_free gives it back (and takes NULL).
 */
void test_huge_alloc(void)
{
	size_t lens[] = { 1, HUGE_PAGE - 1, HUGE_PAGE, 3 * HUGE_PAGE + 4096 };
	unsigned char vec[1];
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		size_t round = (lens[i] + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
		unsigned char *p = huge_alloc(lens[i]);
		int bad = 0;

		CHECK((uintptr_t)p % HUGE_PAGE == 0);
		for (j = 0; j < round; j += 4096) {
			bad += p[j] != 0;
			p[j] = 0xa5;
		}
		p[lens[i] - 1] = 1;
		CHECK(!bad);
		huge_free(p, lens[i]);
		/* all of it given back: the first page is no longer mapped */
		CHECK(mincore(p, 4096, vec) && errno == ENOMEM);
	}
	huge_free(NULL, HUGE_PAGE);
}

/*
 * prefault_write maps in exactly the pages that hold the range (mincore
 * sees them resident, the neighbours not), keeps what they hold, and a
 * table's build takes no fault a page for its symbols.
 */
void test_prefault_write(void)
{
	enum { PAGES = 8 };
	unsigned char vec[PAGES];
	char *p;
	size_t i;

	if (!unit_can_populate()) {
		fprintf(stderr, "prefault_write: MADV_POPULATE_WRITE not here: not checked\n");
		return;
	}
	p = mmap(NULL, PAGES * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);
	if (p == MAP_FAILED)
		return;
	p[3 * 4096 + 7] = 'x';		/* page 3 holds something already */
	errno = 1234;
	prefault_write(p + 2 * 4096 + 100, 4096);	/* pages 2 and 3 */
	CHECK(errno == 1234);
	prefault_write(p + 6 * 4096, 0);		/* nothing */
	CHECK(!mincore(p, PAGES * 4096, vec));
	for (i = 0; i < PAGES; i++)
		CHECK(!!(vec[i] & 1) == (i == 2 || i == 3));
	CHECK(p[3 * 4096 + 7] == 'x' && p[2 * 4096 + 100] == 0);
	munmap(p, PAGES * 4096);
}

/*
 * JSON numbers read back as the double written: a share whose two-place
 * rounding is a tie in decimal (26.975 - 21.5 is 5.4750000000000014) keeps
 * the digits that make a reader round it as the table did.
 */
void test_json_double(void)
{
	static const double vals[] = { 0, 21.5, 0.1, 1e-7, 123456789.125, -3.25, 1e300 };
	char buf[64];
	size_t i;
	double d = 269750000 * 100.0 / 1000000000 - 215000000 * 100.0 / 1000000000;
	FILE *fp;

	for (i = 0; i < sizeof(vals) / sizeof(vals[0]) + 2; i++) {
		double v = i < sizeof(vals) / sizeof(vals[0]) ? vals[i] : i == 7 ? d : NAN;

		fp = fmemopen(buf, sizeof(buf), "w");
		if (!fp) {
			unit_failures++;
			return;
		}
		json_fprint_double(fp, v);
		fclose(fp);
		if (isnan(v)) {
			CHECK_STR(buf, "null");
			continue;
		}
		CHECK(strtod(buf, NULL) == v);
		if (v == 21.5)
			CHECK_STR(buf, "21.5");
		if (v == 0.1)
			CHECK_STR(buf, "0.1");
	}
	fp = fmemopen(buf, sizeof(buf), "w");
	if (fp) {
		json_fprint_double(fp, d);
		fclose(fp);
		snprintf(buf + 32, 32, "%.2f", strtod(buf, NULL));
		CHECK_STR(buf + 32, "5.48");
	}
}

/*
 * utf8_clean: well-formed text (up to U+10FFFF) is left alone (NULL);
 * each byte of a stray continuation, a cut sequence, an overlong form, a
 * surrogate or a code past U+10FFFF becomes U+FFFD, the rest kept.
 */
void test_utf8_clean(void)
{
	static const char *const good[] = {
		"", "plain", "caf\xc3\xa9", "\xe2\x82\xac", "\xef\xbf\xbf", "\xf0\x9f\x98\x80",
		"\xf4\x8f\xbf\xbf", "\x01\x7f",
	};
	static const struct { const char *in, *out; } bad[] = {
		{ "hot\xecloop", "hot" UTF8_REPLACEMENT "loop" },
		{ "\x80", UTF8_REPLACEMENT },
		{ "a\xe2\x82", "a" UTF8_REPLACEMENT UTF8_REPLACEMENT },
		{ "\xc0\xaf", UTF8_REPLACEMENT UTF8_REPLACEMENT },
		{ "\xed\xa0\x80x", UTF8_REPLACEMENT UTF8_REPLACEMENT UTF8_REPLACEMENT "x" },
		{ "\xf4\x90\x80\x80", UTF8_REPLACEMENT UTF8_REPLACEMENT UTF8_REPLACEMENT
					 UTF8_REPLACEMENT },
		{ "\xff\xc3\xa9\xfe", UTF8_REPLACEMENT "\xc3\xa9" UTF8_REPLACEMENT },
	};
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		CHECK(utf8_clean(good[i]) == NULL);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *c = utf8_clean(bad[i].in);

		CHECK(c != NULL);
		if (c)
			CHECK_STR(c, bad[i].out);
		free(c);
	}
}

/*
 * u64_index: keys numbered in the order they first came, found again
 * (UINT64_MAX among them), absent ones not, over many growths; the keys
 * differ only above bit 40, where a table indexed by the low bits would
 * probe them all in one run (tens of seconds for these 200,000).
 */
void test_u64_index(void)
{
	enum { N = 200000 };
	struct u64_index x = { 0 };
	bool added;
	u32 i;
	int bad = 0;

	CHECK(u64_index__find(&x, 7) == U64_INDEX_NONE);
	for (i = 0; i < N; i++)
		bad += u64_index__add(&x, (u64)i << 40, &added) != i || !added;
	CHECK(u64_index__add(&x, UINT64_MAX, &added) == N && added);
	for (i = 0; i < N; i++)
		bad += u64_index__add(&x, (u64)i << 40, &added) != i || added ||
		       u64_index__find(&x, (u64)i << 40) != i || x.keys[i] != (u64)i << 40;
	CHECK(u64_index__find(&x, UINT64_MAX) == N && x.nr == N + 1);
	CHECK(u64_index__find(&x, 1) == U64_INDEX_NONE);
	CHECK(u64_index__find(&x, (u64)N << 40) == U64_INDEX_NONE);
	CHECK(!bad);
	u64_index__exit(&x);
	CHECK(x.nr == 0 && u64_index__find(&x, 0) == U64_INDEX_NONE);
}

/*
 * str_set: strings numbered in the order they first came and found again
 * with their copies intact, over many blocks; a string longer than a
 * quarter of a block (its own block) between short ones leaves the
 * short ones' block in use; the empty string; a set's first four strings
 * each in a block of its own (a set per guest machine, by the ten
 * thousand); exit frees every block (ASan's leak check).
 */
void test_str_set(void)
{
	enum { N = 20000 };
	struct str_set set = { 0 };
	char s[64], *big = xmalloc(10000);
	u32 i;
	int bad = 0;

	memset(big, 'x', 9999);
	big[9999] = '\0';
	CHECK(str_set__find(&set, "a") == -1);
	/* a set's first four strings each alone, then a block of 1 KiB */
	for (i = 0; i < 6; i++) {
		snprintf(s, sizeof(s), "%c", 'a' + i);
		CHECK(str_set__add(&set, s) == i);
		CHECK(set.block_size == (i < 4 ? 0u : 1024u));
	}
	CHECK(set.strs[5] == set.strs[4] + 2 && set.strs[4] != set.strs[3] + 2);
	str_set__exit(&set);
	for (i = 0; i < N; i++) {
		snprintf(s, sizeof(s), "/nonexistent/crafted/map%u.so", i);
		bad += str_set__add(&set, s) != (i <= N / 2 ? i : i + 1);
		if (i == N / 2)
			CHECK(str_set__add(&set, big) == N / 2 + 1);
	}
	CHECK(!bad);
	CHECK(str_set__add(&set, "") == N + 1 && set.nr == N + 2);
	for (i = 0; i < N; i++) {
		u32 k = i <= N / 2 ? i : i + 1;

		snprintf(s, sizeof(s), "/nonexistent/crafted/map%u.so", i);
		bad += str_set__find(&set, s) != (long)k || strcmp(set.strs[k], s) ||
		       str_set__add(&set, s) != k;
	}
	CHECK(!bad);
	CHECK(!strcmp(set.strs[N / 2 + 1], big) && str_set__find(&set, big) == N / 2 + 1);
	CHECK(set.strs[N + 1][0] == '\0' && str_set__find(&set, "") == N + 1);
	/* the copies are packed: neighbours in one block are their lengths apart */
	CHECK(set.strs[5] == set.strs[4] + strlen(set.strs[4]) + 1);
	CHECK(set.strs[N / 2 + 2] == set.strs[N / 2] + strlen(set.strs[N / 2]) + 1);
	str_set__exit(&set);
	CHECK(set.nr == 0 && str_set__find(&set, "a") == -1);
	free(big);
}
