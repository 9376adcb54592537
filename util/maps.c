// SPDX-License-Identifier: GPL-2.0
/*
 * Address spaces: a process's maps (shared by its threads) and a
 * machine's kernel maps, kept as a treap on start.
 */
#include "util/maps.h"
#include "util/slab.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/asan_interface.h>
#else
#define ASAN_POISON_MEMORY_REGION(p, n)		((void)(p), (void)(n))
#define ASAN_UNPOISON_MEMORY_REGION(p, n)	((void)(p), (void)(n))
#endif

struct map_node {
	struct map map;		/* first: a struct map * is its node */
	u32 l, r;		/* node numbers; 0: none */
};

/*
 * The nodes of every set, numbered: chunk (number >> NODE_CHUNK_BITS),
 * then place in it. Chunks (80 KiB, from malloc, so that they reuse what
 * the reading gave back) never move, so a node's address holds while it
 * is in a set; they are never freed (a freed node is reused). The table
 * of chunks is static: its pages are touched as chunks are added.
 * Number 0 is never handed out: it is "none".
 */
#define NODE_CHUNK_BITS	11
#define NODE_CHUNK	(1u << NODE_CHUNK_BITS)
#define NODE_CHUNKS	(1u << 17)	/* at most 268 million nodes (10 GB) */

static struct map_node *node_chunk[NODE_CHUNKS];
static u32 node_top = 1;	/* the lowest number never handed out */
static u32 node_free;		/* freed nodes, chained through l */
static pthread_mutex_t node_lock = PTHREAD_MUTEX_INITIALIZER;

static inline struct map_node *N(u32 i)
{
	return node_chunk[i >> NODE_CHUNK_BITS] + (i & (NODE_CHUNK - 1));
}

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

static inline u64 start_prio(u64 start)
{
	/* One multiply: its high bits, which decide, mix all of the start's. */
	return (start ^ maps_key) * 0x9e3779b97f4a7c15ull;
}

static inline u64 map_prio(const struct map_node *n)
{
	return start_prio(n->map.start);
}

/* The maps objects (24 bytes) by the hundred thousand (one a process): from a slab. */
static struct slab maps_slab = SLAB_INIT(struct maps, 4096);

static u32 map_node__alloc(void)
{
	u32 i;

	pthread_mutex_lock(&node_lock);
	if (node_free) {
		i = node_free;
		ASAN_UNPOISON_MEMORY_REGION(N(i), sizeof(struct map_node));
		node_free = N(i)->l;
	} else {
		i = node_top;
		if (!node_chunk[i >> NODE_CHUNK_BITS]) {
			if ((i >> NODE_CHUNK_BITS) >= NODE_CHUNKS)
				die("out of memory: more than %u maps", NODE_CHUNKS * NODE_CHUNK - 1);
			node_chunk[i >> NODE_CHUNK_BITS] = xmalloc(NODE_CHUNK * sizeof(struct map_node));
		}
		node_top++;
	}
	pthread_mutex_unlock(&node_lock);
	return i;
}

static void map_node__release(u32 i)
{
	pthread_mutex_lock(&node_lock);
	N(i)->l = node_free;
	node_free = i;
	/* What reads a freed node is a bug that the sanitizer build reports. */
	ASAN_POISON_MEMORY_REGION(N(i), sizeof(struct map_node));
	pthread_mutex_unlock(&node_lock);
}

static u32 map_node__new(const struct map *map)
{
	u32 i = map_node__alloc();
	struct map_node *n = N(i);

	n->map = *map;
	n->l = n->r = 0;
	return i;
}

static void map_node__free_all(u32 n, size_t *nr)
{
	while (n) {
		u32 r = N(n)->r;

		map_node__free_all(N(n)->l, nr);
		map_node__release(n);
		(*nr)--;
		n = r;
	}
}

/* Splits @t into starts < @key and starts >= @key. */
static void map_split(u32 t, u64 key, u32 *lo, u32 *hi)
{
	u32 *lp = lo, *hp = hi;

	while (t) {
		struct map_node *n = N(t);

		if (n->map.start < key) {
			*lp = t;
			lp = &n->r;
		} else {
			*hp = t;
			hp = &n->l;
		}
		t = n->map.start < key ? n->r : n->l;
	}
	*lp = *hp = 0;
}

/*
 * Joins @a and @b, every start in @a below every start in @b. Each node's
 * address and priority are worked out once, when the walk reaches it.
 */
static u32 map_merge(u32 a, u32 b)
{
	u32 root = 0, *p = &root;
	struct map_node *na, *nb;
	u64 pa, pb;

	if (!a || !b)
		return a ? a : b;
	na = N(a);
	nb = N(b);
	pa = map_prio(na);
	pb = map_prio(nb);
	for (;;) {
		if (pa > pb) {
			*p = a;
			p = &na->r;
			a = na->r;
			if (!a)
				break;
			na = N(a);
			pa = map_prio(na);
		} else {
			*p = b;
			p = &nb->l;
			b = nb->l;
			if (!b)
				break;
			nb = N(b);
			pb = map_prio(nb);
		}
	}
	*p = a ? a : b;
	return root;
}

static u32 map_max(u32 t)
{
	while (t && N(t)->r)
		t = N(t)->r;
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
	maps->root = 0;
	maps->last = 0;
}

void maps__put(struct maps *maps)
{
	if (maps && --maps->refcnt == 0) {
		maps__clear(maps);
		slab__free(&maps_slab, maps);
	}
}

/* The node with the greatest start <= @ip, or 0. */
static u32 maps__floor(const struct maps *maps, u64 ip)
{
	u32 t = maps->root, best = 0;

	while (t) {
		const struct map_node *n = N(t);

		if (n->map.start <= ip) {
			best = t;
			t = n->r;
		} else {
			t = n->l;
		}
	}
	return best;
}

struct map *maps__find(struct maps *maps, u64 ip)
{
	struct map_node *n;
	u32 i;

	if (!maps)
		return NULL;
	if (maps->last) {
		n = N(maps->last);
		if (ip >= n->map.start && ip < n->map.end)
			return &n->map;
	}
	i = maps__floor(maps, ip);
	if (!i)
		return NULL;
	n = N(i);
	if (ip >= n->map.end)
		return NULL;
	maps->last = i;
	return &n->map;
}

struct map *maps__first(struct maps *maps)
{
	u32 t = maps->root;

	while (t && N(t)->l)
		t = N(t)->l;
	return t ? &N(t)->map : NULL;
}

struct map *maps__next(struct maps *maps, const struct map *map)
{
	u32 t = maps->root, best = 0;

	while (t) {
		if (N(t)->map.start > map->start) {
			best = t;
			t = N(t)->l;
		} else {
			t = N(t)->r;
		}
	}
	return best ? &N(best)->map : NULL;
}

/* Whether @n's map and @new share an address. */
static inline bool map_node__overlaps(const struct map_node *n, const struct map *new)
{
	return n->map.start < new->start ? n->map.end > new->start : n->map.start < new->end;
}

/*
 * Inserts @new where it overlaps nothing, and returns true; false (the
 * set untouched) where it overlaps a map. The map below new's start and
 * the one at or above it both lie on the search path of new's start, so
 * that path tells. It is walked once: down to where the new node's
 * priority puts it (a plain treap insert), then on to its end; the new
 * node then takes that place and the subtree there is split between its
 * children. A treap's shape follows from its starts and priorities
 * alone, so the tree is the one the general path (splits and merges)
 * would build.
 */
static bool maps__insert_clear(struct maps *maps, const struct map *new)
{
	u64 prio = start_prio(new->start);
	u32 *p = &maps->root, t, i;

	while (*p && map_prio(N(*p)) > prio) {
		const struct map_node *n = N(*p);

		if (map_node__overlaps(n, new))
			return false;
		p = new->start < n->map.start ? &N(*p)->l : &N(*p)->r;
	}
	for (t = *p; t; ) {
		const struct map_node *n = N(t);

		if (map_node__overlaps(n, new))
			return false;
		t = new->start < n->map.start ? n->l : n->r;
	}
	i = map_node__new(new);
	map_split(*p, new->start, &N(i)->l, &N(i)->r);
	*p = i;
	maps->nr++;
	maps->last = i;	/* what was just mapped is what runs next */
	return true;
}

/*
 * Inserts @new, trimming or splitting whatever it overlaps: split the tree
 * at new's start and end, trim the map reaching in from below, keep the
 * tail of the last covered one, drop the rest. O(log n) expected, plus
 * one free for each map dropped.
 */
void maps__insert(struct maps *maps, const struct map *new)
{
	u32 lo, mid, hi, below, last, tail = 0;

	if (new->end <= new->start)
		return;
	if (maps__insert_clear(maps, new))
		return;
	map_split(maps->root, new->start, &lo, &hi);
	below = map_max(lo);
	if (below && N(below)->map.end > new->start) {
		if (N(below)->map.end > new->end) {
			struct map after = N(below)->map;

			after.pgoff += new->end - after.start;
			after.start = new->end;
			tail = map_node__new(&after);
			maps->nr++;
		}
		N(below)->map.end = new->start;
	}
	map_split(hi, new->end, &mid, &hi);
	last = map_max(mid);
	if (last && N(last)->map.end > new->end) {
		struct map after = N(last)->map;

		after.pgoff += new->end - after.start;
		after.start = new->end;
		tail = map_node__new(&after);
		maps->nr++;
	}
	map_node__free_all(mid, &maps->nr);
	maps->nr++;
	maps->last = map_node__new(new);	/* as in maps__insert_clear */
	maps->root = map_merge(map_merge(lo, maps->last), map_merge(tail, hi));
}

static u32 map_node__clone(u32 src)
{
	u32 n, l, r;

	if (!src)
		return 0;
	n = map_node__alloc();
	l = map_node__clone(N(src)->l);
	r = map_node__clone(N(src)->r);
	N(n)->map = N(src)->map;
	N(n)->l = l;
	N(n)->r = r;
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
