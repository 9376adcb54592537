// SPDX-License-Identifier: GPL-2.0
/*
 * Prefixes of the rows' default order (util/row-prefix.h).
 *
 * One pass over the rows gathers each key's distinct values (a
 * u64_index: keyed hashes, a period is the file's to choose); each key's
 * values are then sorted by its compare and ranked, equal values alike.
 * A row's number is its ranks side by side, from the top bit down:
 * period (greatest first), comm, DSO (rows of none after the others),
 * symbol name (rows of none last), then the address the last compare
 * reads, less the least such address. Every key before the last one used
 * is exact (equal ranks only for equal values), so the numbers order rows
 * as the compares do, and so do their top bits.
 */
#include <stdlib.h>
#include <string.h>

#include "util/row-prefix.h"
#include "util/u64-index.h"
#include "util/hist.h"
#include "util/dso.h"
#include "symbols/symtab.h"

enum { RP_PERIOD, RP_COMM, RP_DSO, RP_SYM, RP_LOC, RP_NR };

/* a period's bits below its highest where there are too many periods to rank */
#define PERIOD_FRAC	12

/* A key's distinct values and their ranks, by the values' numbers. */
struct rank_map {
	struct u64_index values;
	u32 *rank;
	size_t limit;
	bool full;		/* more values than @limit: not ranked */
	bool has_null;		/* DSO, symbol: rows of none (not among the values) */
	u32 nr_ranks;
	bool have_last;		/* neighbouring rows mostly share a value */
	u64 last_key;
	u32 last;
};

struct row_prefix {
	struct rank_map map[RP_LOC];
	bool lossy_period;	/* too many periods: a coarse period ends the prefix */
	u64 period_base;	/* lossy: period_code of the greatest period */
	u64 loc_min;
	unsigned bits[RP_NR], nr_used, width;
};

static u64 loc_of(const struct hist_entry *he)
{
	const struct symbol *s = hist_entry__sym(he);

	/* signed, as cmp_addr compares: the top bit flipped orders them unsigned */
	return (s ? s->start : he->loc.addr) ^ (1ull << 63);
}

/* A period's highest bit and the PERIOD_FRAC below it: never less for a greater period. */
static u64 period_code(u64 p)
{
	unsigned hi;

	if (p < (1ull << PERIOD_FRAC))
		return p;
	hi = 63 - (unsigned)__builtin_clzll(p);
	return (u64)(hi - PERIOD_FRAC + 1) << PERIOD_FRAC |
	       (p >> (hi - PERIOD_FRAC) & ((1ull << PERIOD_FRAC) - 1));
}

static unsigned bits_for(u64 range)
{
	return range ? 64 - (unsigned)__builtin_clzll(range) : 0;
}

static void map_init(struct rank_map *m, size_t limit)
{
	memset(m, 0, sizeof(*m));
	m->limit = limit;
}

static void map_free(struct rank_map *m)
{
	u64_index__exit(&m->values);
	free(m->rank);
}

static void map_add(struct rank_map *m, u64 key)
{
	if (m->full || (m->have_last && m->last_key == key))
		return;
	if (m->values.nr == m->limit && u64_index__find(&m->values, key) == U64_INDEX_NONE) {
		m->full = true;
		return;
	}
	m->last = u64_index__add(&m->values, key, NULL);
	m->last_key = key;
	m->have_last = true;
}

static u32 map_rank(struct rank_map *m, u64 key)
{
	if (!m->have_last || m->last_key != key) {
		m->last = u64_index__find(&m->values, key);
		m->last_key = key;
		m->have_last = true;
	}
	return m->rank[m->last];
}

struct rank_ctx {
	const u64 *key;
	int what;
};

static int rank_cmp(const void *a, const void *b, void *arg)
{
	const struct rank_ctx *c = arg;
	u64 x = c->key[*(const u32 *)a], y = c->key[*(const u32 *)b];

	switch (c->what) {
	case RP_PERIOD:
		return x > y ? -1 : x < y;
	case RP_COMM:
		return strcmp((const char *)(uintptr_t)x, (const char *)(uintptr_t)y);
	case RP_DSO:
		return strcmp(map__dso_name((const struct dso *)(uintptr_t)x),
			      map__dso_name((const struct dso *)(uintptr_t)y));
	default:
		return strcmp(symbol__name((const struct symbol *)(uintptr_t)x),
			      symbol__name((const struct symbol *)(uintptr_t)y));
	}
}

/* Ranks @m's values in the key's order, equal values alike. */
static void map_rank_all(struct rank_map *m, int what)
{
	struct rank_ctx ctx = { .key = m->values.keys, .what = what };
	u32 n = m->values.nr, *order = xmalloc((n ? n : 1) * sizeof(*order)), r = 0, i;

	for (i = 0; i < n; i++)
		order[i] = i;
	qsort_r(order, n, sizeof(*order), rank_cmp, &ctx);
	m->rank = xmalloc((n ? n : 1) * sizeof(*m->rank));
	for (i = 0; i < n; i++) {
		if (i && rank_cmp(&order[i - 1], &order[i], &ctx))
			r++;
		m->rank[order[i]] = r;
	}
	free(order);
	m->nr_ranks = n ? r + 1 : 0;
	m->have_last = false;
}

static u64 key_of(const struct hist_entry *he, int what)
{
	switch (what) {
	case RP_PERIOD:
		return hist_entry__period(he);
	case RP_COMM:
		return (uintptr_t)he->comm;
	case RP_DSO:
		return (uintptr_t)he->dso;
	default:
		return (uintptr_t)hist_entry__sym(he);
	}
}

/* The value of key @what in @he's number: its rank, or the coarse period, or the address. */
static u64 value_of(struct row_prefix *rp, const struct hist_entry *he, int what)
{
	u64 k;

	if (what == RP_LOC)
		return loc_of(he) - rp->loc_min;
	k = key_of(he, what);
	if (what == RP_PERIOD && rp->lossy_period)
		return rp->period_base - period_code(k);
	if (!k && (what == RP_DSO || what == RP_SYM))
		return rp->map[what].nr_ranks;	/* after every named one */
	return map_rank(&rp->map[what], k);
}

struct row_prefix *row_prefix__new(const struct hists *hists, size_t n, unsigned max_bits)
{
	struct row_prefix *rp = xcalloc(1, sizeof(*rp));
	size_t limit = n / 16, i;
	u64 pmin = UINT64_MAX, pmax = 0, lmin = UINT64_MAX, lmax = 0;
	unsigned total = 0;
	int w;

	if (limit < 256)
		limit = 256;
	if (limit > 1u << 15)
		limit = 1u << 15;
	for (w = 0; w < RP_LOC; w++)
		map_init(&rp->map[w], limit);
	for (i = 0; i < n; i++) {
		const struct hist_entry *he = hists__row(hists, (u32)i);
		u64 p = hist_entry__period(he), l = loc_of(he);

		pmin = p < pmin ? p : pmin;
		pmax = p > pmax ? p : pmax;
		lmin = l < lmin ? l : lmin;
		lmax = l > lmax ? l : lmax;
		/* the keys after one that cannot be ranked are not used */
		for (w = 0; w < RP_LOC && !rp->map[w].full; w++) {
			u64 k = key_of(he, w);

			if (!k && (w == RP_DSO || w == RP_SYM))
				rp->map[w].has_null = true;
			else
				map_add(&rp->map[w], k);
		}
	}
	rp->loc_min = lmin;
	/* the keys in the compares' order, up to the first that cannot be ranked */
	for (w = 0; w < RP_NR; w++) {
		struct rank_map *m = &rp->map[w];

		if (w == RP_LOC) {
			rp->bits[w] = n ? bits_for(lmax - lmin) : 0;
		} else if (m->full && w == RP_PERIOD) {
			rp->lossy_period = true;
			rp->period_base = period_code(pmax);
			rp->bits[w] = bits_for(rp->period_base - period_code(pmin));
		} else if (m->full) {
			break;
		} else {
			u64 values;

			map_rank_all(m, w);
			values = (u64)m->nr_ranks + m->has_null;
			rp->bits[w] = values ? bits_for(values - 1) : 0;
		}
		total += rp->bits[w];
		rp->nr_used = (unsigned)w + 1;
		if (total >= max_bits || rp->lossy_period)
			break;
	}
	rp->width = total < max_bits ? total : max_bits;
	if (!rp->width) {
		row_prefix__delete(rp);
		return NULL;
	}
	return rp;
}

unsigned row_prefix__bits(const struct row_prefix *rp)
{
	return rp->width;
}

u32 row_prefix__of(struct row_prefix *rp, const struct hist_entry *he)
{
	unsigned shift = 64, floor = 64 - rp->width, w;
	u64 k = 0;

	for (w = 0; w < rp->nr_used && shift > floor; w++) {
		unsigned b = rp->bits[w];
		u64 v;

		if (!b)
			continue;
		v = value_of(rp, he, (int)w);
		if (b <= shift) {
			shift -= b;
			k |= v << shift;
		} else {
			k |= v >> (b - shift);
			shift = 0;
		}
	}
	return (u32)(k >> floor);
}

void row_prefix__delete(struct row_prefix *rp)
{
	int w;

	if (!rp)
		return;
	for (w = 0; w < RP_LOC; w++)
		map_free(&rp->map[w]);
	free(rp);
}
