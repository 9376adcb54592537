// SPDX-License-Identifier: GPL-2.0
/*
 * Address spaces: a process's maps (shared by its threads) and a
 * machine's kernel maps, kept as a treap on start.
 */
#include "util/maps.h"
#include "util/slab.h"

#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

struct map_node {
	struct map map;		/* first: a struct map * is its node */
	struct map_node *l, *r;
};

/*
 * Treap priorities: a keyed hash of the map's start (a node's start never
 * changes; a trimmed map's tail is a new node), the key from the kernel's
 * random bytes for this process, so that a data file cannot choose
 * priorities that unbalance the tree, and a clone keeps its source's.
 */
static u64 maps_key;

__attribute__((constructor)) static void maps_key_init(void)
{
	const u8 *r = (const u8 *)getauxval(AT_RANDOM);

	if (r)
		memcpy(&maps_key, r + 8, sizeof(maps_key));
	maps_key |= 1;
}

static inline u64 map_prio(const struct map_node *n)
{
	/* One multiply: its high bits, which decide, mix all of the start's. */
	return (n->map.start ^ maps_key) * 0x9e3779b97f4a7c15ull;
}

/* Nodes (48 bytes) and maps (32) by the hundred thousand: from slabs. */
static struct slab node_slab = SLAB_INIT(struct map_node, 4096);
static struct slab maps_slab = SLAB_INIT(struct maps, 4096);

static struct map_node *map_node__alloc(void)
{
	return slab__alloc(&node_slab);
}

static void map_node__release(struct map_node *n)
{
	slab__free(&node_slab, n);
}

static struct map_node *map_node__new(const struct map *map)
{
	struct map_node *n = map_node__alloc();

	n->map = *map;
	n->l = n->r = NULL;
	return n;
}

static void map_node__free_all(struct map_node *n, size_t *nr)
{
	while (n) {
		struct map_node *r = n->r;

		map_node__free_all(n->l, nr);
		map_node__release(n);
		(*nr)--;
		n = r;
	}
}

/* Splits @t into starts < @key and starts >= @key. */
static void map_split(struct map_node *t, u64 key, struct map_node **lo, struct map_node **hi)
{
	struct map_node **lp = lo, **hp = hi;

	while (t) {
		if (t->map.start < key) {
			*lp = t;
			lp = &t->r;
			t = t->r;
		} else {
			*hp = t;
			hp = &t->l;
			t = t->l;
		}
	}
	*lp = *hp = NULL;
}

/* Joins @a and @b, every start in @a below every start in @b. */
static struct map_node *map_merge(struct map_node *a, struct map_node *b)
{
	struct map_node *root = NULL, **p = &root;

	while (a && b) {
		if (map_prio(a) > map_prio(b)) {
			*p = a;
			p = &a->r;
			a = a->r;
		} else {
			*p = b;
			p = &b->l;
			b = b->l;
		}
	}
	*p = a ? a : b;
	return root;
}

static struct map_node *map_max(struct map_node *t)
{
	while (t && t->r)
		t = t->r;
	return t;
}

struct maps *maps__new(void)
{
	struct maps *maps = slab__alloc(&maps_slab);

	maps->refcnt = 1;
	return maps;
}

struct maps *maps__get(struct maps *maps)
{
	if (maps)
		maps->refcnt++;
	return maps;
}

void maps__clear(struct maps *maps)
{
	map_node__free_all(maps->root, &maps->nr);
	maps->root = NULL;
	maps->last = NULL;
}

void maps__put(struct maps *maps)
{
	if (maps && --maps->refcnt == 0) {
		maps__clear(maps);
		slab__free(&maps_slab, maps);
	}
}

/* The node with the greatest start <= @ip, or NULL. */
static struct map_node *maps__floor(const struct maps *maps, u64 ip)
{
	struct map_node *t = maps->root, *best = NULL;

	while (t) {
		if (t->map.start <= ip) {
			best = t;
			t = t->r;
		} else {
			t = t->l;
		}
	}
	return best;
}

struct map *maps__find(struct maps *maps, u64 ip)
{
	struct map_node *n;

	if (!maps)
		return NULL;
	n = maps->last;
	if (n && ip >= n->map.start && ip < n->map.end)
		return &n->map;
	n = maps__floor(maps, ip);
	if (n && ip < n->map.end) {
		maps->last = n;
		return &n->map;
	}
	return NULL;
}

struct map *maps__first(struct maps *maps)
{
	struct map_node *t = maps->root;

	while (t && t->l)
		t = t->l;
	return t ? &t->map : NULL;
}

struct map *maps__next(struct maps *maps, const struct map *map)
{
	struct map_node *t = maps->root, *best = NULL;

	while (t) {
		if (t->map.start > map->start) {
			best = t;
			t = t->l;
		} else {
			t = t->r;
		}
	}
	return best ? &best->map : NULL;
}

/*
 * Inserts @new, trimming or splitting whatever it overlaps: split the tree
 * at new's start and end, trim the map reaching in from below, keep the
 * tail of the last covered one, drop the rest. O(log n) expected, plus
 * one free for each map dropped.
 */
void maps__insert(struct maps *maps, const struct map *new)
{
	struct map_node *lo, *mid, *hi, *below, *last, *tail = NULL;

	if (new->end <= new->start)
		return;
	map_split(maps->root, new->start, &lo, &hi);
	below = map_max(lo);
	if (below && below->map.end > new->start) {
		if (below->map.end > new->end) {
			struct map after = below->map;

			after.pgoff += new->end - after.start;
			after.start = new->end;
			tail = map_node__new(&after);
			maps->nr++;
		}
		below->map.end = new->start;
	}
	map_split(hi, new->end, &mid, &hi);
	last = map_max(mid);
	if (last && last->map.end > new->end) {
		struct map after = last->map;

		after.pgoff += new->end - after.start;
		after.start = new->end;
		tail = map_node__new(&after);
		maps->nr++;
	}
	if (mid)
		maps->last = NULL;
	map_node__free_all(mid, &maps->nr);
	maps->nr++;
	maps->root = map_merge(map_merge(lo, map_node__new(new)), map_merge(tail, hi));
}

static struct map_node *map_node__clone(const struct map_node *src)
{
	struct map_node *n;

	if (!src)
		return NULL;
	n = map_node__alloc();
	*n = *src;
	n->l = map_node__clone(src->l);
	n->r = map_node__clone(src->r);
	return n;
}

struct maps *maps__clone(const struct maps *src)
{
	struct maps *maps;

	if (!src)
		return NULL;
	maps = maps__new();
	maps->root = map_node__clone(src->root);
	maps->nr = src->nr;
	return maps;
}
