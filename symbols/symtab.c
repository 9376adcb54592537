// SPDX-License-Identifier: GPL-2.0
#include "symbols/symtab.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

#define POOL_CHUNK (256 * 1024)

void symtab__init(struct symtab *tab)
{
	memset(tab, 0, sizeof(*tab));
}

void symtab__exit(struct symtab *tab)
{
	size_t i;

	for (i = 0; i < tab->nr_pools; i++)
		free(tab->pools[i]);
	free(tab->pools);
	free(tab->syms);
	free(tab->starts);
	free(tab->top);
	free(tab->buckets);
	memset(tab, 0, sizeof(*tab));
}

static const char *pool_add(struct symtab *tab, const char *name, size_t len)
{
	char *p;

	if (tab->pool_used + len + 1 > tab->pool_size || !tab->nr_pools) {
		size_t sz = len + 1 > POOL_CHUNK ? len + 1 : POOL_CHUNK;

		tab->pools = xrealloc(tab->pools, (tab->nr_pools + 1) * sizeof(char *));
		tab->pools[tab->nr_pools++] = xmalloc(sz);
		tab->pool_size = sz;
		tab->pool_used = 0;
	}
	p = tab->pools[tab->nr_pools - 1] + tab->pool_used;
	memcpy(p, name, len);
	p[len] = '\0';
	tab->pool_used += len + 1;
	return p;
}

void symtab__add(struct symtab *tab, u64 start, u64 size, u8 binding, u8 type,
		 const char *name, size_t name_len)
{
	struct symbol *s;

	ALLOC_GROW(tab->syms, tab->nr + 1, tab->alloc);
	s = &tab->syms[tab->nr++];
	s->start = start;
	s->end = start + size;
	s->binding = binding;
	s->type = type;
	s->name = pool_add(tab, name, name_len);
}

static int leading_underscores(const char *s)
{
	int n = 0;

	while (s[n] == '_')
		n++;
	return n;
}

/* True if @a should be kept over @b, both at the same address. */
static bool better(const struct symbol *a, const struct symbol *b)
{
	bool za = a->end == a->start, zb = b->end == b->start;
	int ua, ub;
	size_t la, lb;

	if (za != zb)
		return zb;
	if ((a->binding == STB_WEAK) != (b->binding == STB_WEAK))
		return b->binding == STB_WEAK;
	if ((a->binding == STB_GLOBAL) != (b->binding == STB_GLOBAL))
		return a->binding == STB_GLOBAL;
	ua = leading_underscores(a->name);
	ub = leading_underscores(b->name);
	if (ua != ub)
		return ua < ub;
	la = strlen(a->name);
	lb = strlen(b->name);
	if (la != lb)
		return la > lb;
	return true;	/* the earlier one wins */
}

/* The end of the ascending run of starts that begins at idx[a]. */
static size_t run_end(const struct symbol *s, const u32 *idx, size_t a, size_t n)
{
	for (a++; a < n && s[idx[a - 1]].start <= s[idx[a]].start; a++)
		;
	return a;
}

/*
 * Sorts the symbols by start, stably (equal starts keep their input
 * order, which the alias rules need). A natural merge sort of 32-bit
 * indices, then the symbols moved once, in place, along the cycles of the
 * permutation: 8 bytes a symbol at the peak, not a second copy of the
 * array (32 bytes a symbol, 3 MB for a kernel's kallsyms).
 */
static void symtab__sort(struct symtab *tab)
{
	struct symbol *s = tab->syms, saved;
	size_t n = tab->nr, i, j, a;
	u32 *idx, *tmp, *t;

	for (i = 1; i < n && s[i - 1].start <= s[i].start; i++)
		;
	if (i >= n)
		return;
	idx = xmalloc(n * sizeof(*idx));
	tmp = xmalloc(n * sizeof(*tmp));
	for (i = 0; i < n; i++)
		idx[i] = (u32)i;
	for (;;) {
		size_t merges = 0;

		for (a = 0; a < n; merges++) {
			size_t m = run_end(s, idx, a, n), e = m < n ? run_end(s, idx, m, n) : n;
			size_t l = a, r = m, k = a;

			/* Ties take from the left run: stable. */
			while (l < m && r < e)
				tmp[k++] = s[idx[r]].start < s[idx[l]].start ? idx[r++] : idx[l++];
			while (l < m)
				tmp[k++] = idx[l++];
			while (r < e)
				tmp[k++] = idx[r++];
			a = e;
		}
		t = idx, idx = tmp, tmp = t;
		if (merges <= 1)
			break;
	}
	free(tmp);
	/* Position i takes symbol idx[i]; a moved position is marked idx[i] == i. */
	for (i = 0; i < n; i++) {
		if (idx[i] == i)
			continue;
		saved = s[i];
		for (j = i; idx[j] != i; ) {
			size_t src = idx[j];

			s[j] = s[src];
			idx[j] = (u32)j;
			j = src;
		}
		s[j] = saved;
		idx[j] = (u32)j;
	}
	free(idx);
}

/*
 * Buckets: at most BUCKETS_PER_SYM per symbol (4 bytes each), no larger
 * than 64 KiB. Symbols below the dense part (kallsyms' per-CPU symbols
 * at small addresses) stay outside, found through the top index.
 */
#define BUCKETS_PER_SYM	2
#define MIN_SHIFT	6
#define MAX_SHIFT	16

static void symtab__index(struct symtab *tab)
{
	size_t i, nr = tab->nr, lo, hi, f, b, max = BUCKETS_PER_SYM * nr + 64;
	u64 last = tab->syms[nr - 1].start, span;
	unsigned int shift;

	free(tab->starts);
	free(tab->top);
	free(tab->buckets);
	tab->starts = xmalloc(nr * sizeof(*tab->starts));
	tab->nr_top = (nr + SYMTAB_FANOUT - 1) / SYMTAB_FANOUT;
	tab->top = xmalloc(tab->nr_top * sizeof(*tab->top));
	for (i = 0; i < nr; i++) {
		tab->starts[i] = tab->syms[i].start;
		if (i % SYMTAB_FANOUT == 0)
			tab->top[i / SYMTAB_FANOUT] = tab->syms[i].start;
	}
	/* The first symbol from which 64 KiB buckets would fit (spans shrink). */
	for (lo = 0, hi = nr - 1; lo < hi;) {
		size_t mid = lo + (hi - lo) / 2;

		if (((last - tab->starts[mid]) >> MAX_SHIFT) < max)
			hi = mid;
		else
			lo = mid + 1;
	}
	f = lo;
	span = last - tab->starts[f];
	for (shift = MIN_SHIFT; (span >> shift) >= max; shift++)
		;
	tab->bbase = tab->starts[f];
	tab->bshift = shift;
	tab->nr_buckets = (size_t)(span >> shift) + 1;
	tab->buckets = xmalloc((tab->nr_buckets + 1) * sizeof(*tab->buckets));
	for (b = 0, i = f; b <= tab->nr_buckets; b++) {
		u64 bstart = tab->bbase + ((u64)b << shift);

		/* The last bucket's end may pass 2^64: every symbol is before it. */
		if (b == tab->nr_buckets)
			i = nr;
		while (i < nr && tab->starts[i] < bstart)
			i++;
		tab->buckets[b] = (u32)i;
	}
}

void symtab__finish(struct symtab *tab, bool kallsyms)
{
	size_t i, out = 0;
	struct symbol *last;

	if (!tab->nr)
		return;
	symtab__sort(tab);
	/*
	 * Ends first, then aliases, as perf does: of several unsized aliases
	 * the last one spans to the next address and so is the one kept.
	 */
	for (i = 0; i + 1 < tab->nr; i++) {
		struct symbol *s = &tab->syms[i], *n = &tab->syms[i + 1];

		if (s->end != s->start)
			continue;
		if (kallsyms && (s->owner == 0) != (n->owner == 0))
			s->end = PERF_ALIGN(s->end + 4096, 4096);
		else
			s->end = n->start;
	}
	last = &tab->syms[tab->nr - 1];
	if (last->end == last->start)
		last->end = PERF_ALIGN(last->start, 4096) + 4096;
	for (i = 0; i < tab->nr; i++) {
		if (out && tab->syms[out - 1].start == tab->syms[i].start) {
			if (!better(&tab->syms[out - 1], &tab->syms[i]))
				tab->syms[out - 1] = tab->syms[i];
			continue;
		}
		tab->syms[out++] = tab->syms[i];
	}
	tab->nr = out;
	symtab__index(tab);
}

const struct symbol *symtab__find(const struct symtab *tab, u64 addr)
{
	return symtab__find_hint(tab, addr, &((struct symtab *)tab)->hint);
}

const struct symbol *symtab__find_hint(const struct symtab *tab, u64 addr, size_t *hint)
{
	const u64 *base;
	size_t i, n, half;

	/*
	 * Samples cluster: try the last hit first. It must also be the last
	 * start <= addr, as the search finds, where symbols overlap.
	 */
	i = *hint;
	if (i < tab->nr && addr >= tab->starts[i] && addr < tab->syms[i].end &&
	    (i + 1 == tab->nr || addr < tab->starts[i + 1]))
		return &tab->syms[i];
	if (!tab->nr_top || tab->top[0] > addr)
		return NULL;
	/*
	 * i: the last symbol with start <= addr. Samples land anywhere: the
	 * searches use conditional moves, not branches, on the comparisons.
	 */
	if (addr >= tab->bbase && ((addr - tab->bbase) >> tab->bshift) < tab->nr_buckets) {
		size_t b = (addr - tab->bbase) >> tab->bshift;

		i = tab->buckets[b];	/* start >= bucket start: > addr, or in it */
		n = tab->buckets[b + 1] - i;
		if (i)
			i--, n++;	/* the symbol running into the bucket */
		base = tab->starts + i;
	} else if (addr >= tab->starts[tab->nr - 1]) {
		base = tab->starts + tab->nr - 1;
		n = 1;
	} else {
		/* The last group whose first start is <= addr, then in it. */
		base = tab->top;
		for (n = tab->nr_top; n > 1; n -= half) {
			half = n / 2;
			base = base[half] <= addr ? base + half : base;
		}
		i = (size_t)(base - tab->top) * SYMTAB_FANOUT;
		n = tab->nr - i < SYMTAB_FANOUT ? tab->nr - i : SYMTAB_FANOUT;
		base = tab->starts + i;
	}
	for (; n > 1; n -= half) {
		half = n / 2;
		base = base[half] <= addr ? base + half : base;
	}
	if (*base > addr)
		return NULL;
	i = (size_t)(base - tab->starts);
	if (addr < tab->syms[i].end) {
		*hint = i;	/* a cache, not state */
		return &tab->syms[i];
	}
	return NULL;
}

const struct symbol *symtab__find_name(const struct symtab *tab, const char *name)
{
	size_t i;

	for (i = 0; i < tab->nr; i++)
		if (!strcmp(tab->syms[i].name, name))
			return &tab->syms[i];
	return NULL;
}
