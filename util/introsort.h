/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_INTROSORT_H
#define PMUKVM_INTROSORT_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/*
 * The one in-place sort of the project: an introsort (quicksort with a
 * median of three and Hoare's partition, the smaller side first; heapsort past 2 log2(n)
 * levels; insertion sort for short ranges). Everything is static inline
 * and always_inline: a call with a constant element size and a known
 * @before is specialised by the compiler, its element moves and compares
 * inlined, as a hand-written sort of that type would be. A caller that
 * sorts one way from several places wraps its call in a function of its
 * own (noinline), so that the sort is made once.
 *
 * Not stable. Elements are at most INTROSORT_MAX_ELEM bytes.
 */

/** introsort_before_fn - whether element @a goes strictly before element @b. */
typedef bool (*introsort_before_fn)(const void *a, const void *b, const void *ctx);

/*
 * introsort_prefetch_fn - asks for what comparing element @a will read
 * (the record an index names), a few elements before the partition's
 * scans reach it; NULL where the elements hold what they are compared by.
 */
typedef void (*introsort_prefetch_fn)(const void *a, const void *ctx);

/* How far ahead of its scans a partition asks for what it compares. */
#define INTROSORT_AHEAD	8

#define INTROSORT_MAX_ELEM	32

#define INTROSORT_INLINE static inline __attribute__((always_inline))

INTROSORT_INLINE void *introsort__at(void *base, size_t i, size_t size)
{
	return (char *)base + i * size;
}

INTROSORT_INLINE void introsort__swap(void *base, size_t i, size_t j, size_t size)
{
	unsigned char t[INTROSORT_MAX_ELEM];

	memcpy(t, introsort__at(base, i, size), size);
	memcpy(introsort__at(base, i, size), introsort__at(base, j, size), size);
	memcpy(introsort__at(base, j, size), t, size);
}

/* Heapsort of @n elements at @base: the way out where quicksort goes too deep. */
INTROSORT_INLINE void heapsort_inline(void *base, size_t n, size_t size,
				      introsort_before_fn before, const void *ctx)
{
	unsigned char v[INTROSORT_MAX_ELEM];
	size_t i = n / 2, end = n, c, r;

	while (end > 1) {
		if (i > 0) {
			memcpy(v, introsort__at(base, --i, size), size);
		} else {
			memcpy(v, introsort__at(base, --end, size), size);
			memcpy(introsort__at(base, end, size), base, size);
		}
		for (r = i; (c = 2 * r + 1) < end; r = c) {
			if (c + 1 < end && before(introsort__at(base, c, size),
						  introsort__at(base, c + 1, size), ctx))
				c++;
			if (!before(v, introsort__at(base, c, size), ctx))
				break;
			memcpy(introsort__at(base, r, size), introsort__at(base, c, size), size);
		}
		memcpy(introsort__at(base, r, size), v, size);
	}
}

/**
 * introsort_inline_prefetch - sorts the @n elements of @size bytes at
 * @base in place, by @before (a strict weak order) given @ctx. O(n log n)
 * on any input: sorted, reversed, all equal and organ-pipe inputs
 * included. @prefetch (or NULL) is called on elements the partitions'
 * scans will compare next: for elements that name what they compare by
 * (indices of rows), whose memory a large sort would wait on each time.
 */
INTROSORT_INLINE void introsort_inline_prefetch(void *base, size_t n, size_t size,
						introsort_before_fn before,
						introsort_prefetch_fn prefetch, const void *ctx)
{
	struct { size_t lo, hi; unsigned budget; } st[64];
	unsigned char p[INTROSORT_MAX_ELEM], t[INTROSORT_MAX_ELEM];
	size_t lo = 0, hi = n, i, k, mid, store;
	unsigned budget = 2 * (64 - (unsigned)__builtin_clzll(n | 1)), sp = 0;

#define AT(x) introsort__at(base, (x), size)
	for (;;) {
		while (hi - lo > 16) {
			if (!budget) {
				heapsort_inline(AT(lo), hi - lo, size, before, ctx);
				lo = hi;
				break;
			}
			budget--;
			/* a[lo] <= a[mid] <= a[hi - 1]: the pivot, and sentinels at both ends */
			mid = lo + (hi - lo) / 2;
			if (before(AT(mid), AT(lo), ctx))
				introsort__swap(base, mid, lo, size);
			if (before(AT(hi - 1), AT(lo), ctx))
				introsort__swap(base, hi - 1, lo, size);
			if (before(AT(hi - 1), AT(mid), ctx))
				introsort__swap(base, hi - 1, mid, size);
			memcpy(p, AT(mid), size);
			/*
			 * Hoare's partition: [lo, store) <= pivot <= [store, hi),
			 * neither side empty. Elements equal to the pivot stop
			 * both scans, so all-equal input splits in the middle.
			 */
			for (i = lo, k = hi - 1;;) {
				for (;;) {
					if (prefetch && i + INTROSORT_AHEAD < hi)
						prefetch(AT(i + INTROSORT_AHEAD), ctx);
					if (!before(AT(i), p, ctx))
						break;
					i++;
				}
				for (;;) {
					if (prefetch && k >= lo + INTROSORT_AHEAD)
						prefetch(AT(k - INTROSORT_AHEAD), ctx);
					if (!before(p, AT(k), ctx))
						break;
					k--;
				}
				if (i >= k)
					break;
				introsort__swap(base, i++, k--, size);
			}
			store = k + 1;
			/* the larger side waits on the stack (64 are enough: it halves) */
			if (store - lo < hi - store) {
				st[sp].lo = store, st[sp].hi = hi, st[sp++].budget = budget;
				hi = store;
			} else {
				st[sp].lo = lo, st[sp].hi = store, st[sp++].budget = budget;
				lo = store;
			}
		}
		for (i = lo + 1; i < hi; i++) {
			memcpy(t, AT(i), size);
			for (k = i; k > lo && before(t, AT(k - 1), ctx); k--)
				memcpy(AT(k), AT(k - 1), size);
			memcpy(AT(k), t, size);
		}
		if (!sp)
			break;
		sp--;
		lo = st[sp].lo, hi = st[sp].hi, budget = st[sp].budget;
	}
#undef AT
}

/**
 * introsort_inline - sorts the @n elements of @size bytes at @base in
 * place, by @before (a strict weak order) given @ctx: introsort_inline_prefetch
 * without the prefetch.
 */
INTROSORT_INLINE void introsort_inline(void *base, size_t n, size_t size,
				       introsort_before_fn before, const void *ctx)
{
	introsort_inline_prefetch(base, n, size, before, NULL, ctx);
}

#undef INTROSORT_INLINE

#endif
