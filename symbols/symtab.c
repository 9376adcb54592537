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

static bool sym_before(const void *a, const void *b)
{
	return ((const struct symbol *)a)->start < ((const struct symbol *)b)->start;
}

void symtab__finish(struct symtab *tab, bool kallsyms)
{
	size_t i, out = 0;
	struct symbol *last;

	if (!tab->nr)
		return;
	/* Stable: equal starts keep their input order, which alias rules need. */
	sort_runs(tab->syms, tab->nr, sizeof(*tab->syms), sym_before);
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
}

const struct symbol *symtab__find(const struct symtab *tab, u64 addr)
{
	size_t lo = 0, hi = tab->nr;

	/* Samples cluster: try the last hit first. */
	if (tab->hint < tab->nr && addr >= tab->syms[tab->hint].start &&
	    addr < tab->syms[tab->hint].end)
		return &tab->syms[tab->hint];
	/* Last symbol with start <= addr. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (tab->syms[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	if (addr < tab->syms[lo - 1].end) {
		((struct symtab *)tab)->hint = lo - 1;	/* a cache, not state */
		return &tab->syms[lo - 1];
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
