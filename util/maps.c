// SPDX-License-Identifier: GPL-2.0
/*
 * Address spaces: a process's maps (shared by its threads) and a
 * machine's kernel maps, kept as a treap on start.
 */
#include "util/maps.h"
#include "util/slab.h"

#include <sched.h>
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
static bool node_lock;	/* held: see node_lock__take */

/*
 * The pool's lock: a flag, as it is all but never contended (sets are
 * changed by the thread that delivers records) and every insert takes
 * it: a mutex's lock and unlock were 55 instructions of the 300 an
 * insert costs.
 */
static inline void node_lock__take(void)
{
	while (__atomic_test_and_set(&node_lock, __ATOMIC_ACQUIRE))
		sched_yield();
}

static inline void node_lock__drop(void)
{
	__atomic_clear(&node_lock, __ATOMIC_RELEASE);
}

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

	node_lock__take();
	if (node_free) {
		i = node_free;
		ASAN_UNPOISON_MEMORY_REGION(N(i), sizeof(struct map_node));
		node_free = N(i)->l;
	} else {
		i = node_top;
		if ((i >> NODE_CHUNK_BITS) >= NODE_CHUNKS)
			die("out of memory: more than %u maps", NODE_CHUNKS * NODE_CHUNK - 1);
		if (!node_chunk[i >> NODE_CHUNK_BITS]) {
			node_chunk[i >> NODE_CHUNK_BITS] = xmalloc(NODE_CHUNK * sizeof(struct map_node));
		}
		node_top++;
	}
	node_lock__drop();
	return i;
}

/* Frees the nodes of subtree @n; the caller holds node_lock. */
static void map_node__release_tree(u32 n, u32 *nr)
{
	while (n) {
		u32 r = N(n)->r;

		map_node__release_tree(N(n)->l, nr);
		N(n)->l = node_free;
		node_free = n;
		/* What reads a freed node is a bug that the sanitizer build reports. */
		ASAN_POISON_MEMORY_REGION(N(n), sizeof(struct map_node));
		(*nr)--;
		n = r;
	}
}

static u32 map_node__new(const struct map *map)
{
	u32 i = map_node__alloc();
	struct map_node *n = N(i);

	n->map = *map;
	n->l = n->r = 0;
	return i;
}

/* Frees subtree @n, taking the pool's lock once for all of it. */
static void map_node__free_all(u32 n, u32 *nr)
{
	if (!n)
		return;
	node_lock__take();
	map_node__release_tree(n, nr);
	node_lock__drop();
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

/*
 * The lookup index: the set in blocks of MAPS_INDEX_BLOCK maps in address
 * order, each block's first start, and the root of the smallest subtree
 * that holds the block (the block's shallowest node: in a search tree
 * that is the common ancestor of a run of neighbours). The starts are in
 * Eytzinger order (a[1] the median, the children of a[k] at a[2k] and
 * a[2k + 1]): a search reads the same first lines on every lookup (they
 * stay cached) and one line a level below them. The block found, the walk
 * goes down from its subtree's root: the map wanted is in that subtree
 * (a subtree holds a run of the set's maps, this one the whole block).
 * On 100,000 maps the search and that walk are some 180 instructions
 * where a walk from the set's root was 400, through nodes scattered
 * across the pool. 12 bytes a block, 1.5 a map: a copy of every start
 * (12 bytes a map with its node) searched faster still, but put 1.2 MB
 * on a 6.8 MB peak.
 *
 * It is a copy of the treap's shape: valid only while the set has not
 * changed since it was built. Lookups that walk the treap while it is
 * not valid are counted; once they are an eighth of the set (a walk
 * touches some 2 ln n nodes, a build each node once) it is rebuilt, so a
 * set that changes between every few lookups seldom pays for one. Its
 * arrays are kept across changes for the next build and freed with the
 * set's maps.
 */
#define MAPS_INDEX_MIN		128	/* smaller sets: the treap's few levels do */
#define MAPS_INDEX_SHIFT	3
#define MAPS_INDEX_BLOCK	8

struct maps_index {
	u32 n;			/* blocks; valid only while @valid */
	u32 cap;		/* blocks the arrays hold */
	u32 walks;		/* treap lookups since the set last changed */
	bool valid;
	u64 *start;		/* [1..n]: each block's first start, Eytzinger order */
	u32 *node;		/* [1..n]: the root of the block's subtree */
	struct inorder_slot *stack;	/* the in-order walk's, while building */
	u32 stack_cap;
};

struct inorder_slot {
	u32 node, depth;
};

static void maps_index__free(struct maps_index *x)
{
	if (x) {
		free(x->start);
		free(x->node);
		free(x->stack);
		free(x);
	}
}

/* The treap's nodes in order, one by one, with their depths: a stack of left spines. */
struct inorder {
	struct maps_index *x;
	u32 sp;
	u32 left;		/* nodes not yet handed out */
};

static void inorder__push_left(struct inorder *it, u32 t, u32 depth)
{
	struct maps_index *x = it->x;

	for (; t; t = N(t)->l, depth++) {
		if (it->sp == x->stack_cap) {
			x->stack_cap = x->stack_cap ? 2 * x->stack_cap : 64;
			x->stack = xrealloc(x->stack, x->stack_cap * sizeof(*x->stack));
		}
		x->stack[it->sp++] = (struct inorder_slot){ t, depth };
	}
}

static struct inorder_slot inorder__next(struct inorder *it)
{
	struct inorder_slot s = it->x->stack[--it->sp];

	inorder__push_left(it, N(s.node)->r, s.depth + 1);
	it->left--;
	return s;
}

/* Fills slot @k's subtree of the Eytzinger array with blocks, in order (depth log2 n). */
static void maps_index__fill(struct inorder *it, u64 k)
{
	struct maps_index *x = it->x;
	struct inorder_slot s, top;
	u32 i;

	if (k > x->n)
		return;
	maps_index__fill(it, 2 * k);
	top = s = inorder__next(it);
	x->start[k] = N(s.node)->map.start;
	for (i = 1; i < MAPS_INDEX_BLOCK && it->left; i++) {
		s = inorder__next(it);
		if (s.depth < top.depth)
			top = s;
	}
	x->node[k] = top.node;
	maps_index__fill(it, 2 * k + 1);
}

static void maps_index__build(struct maps *maps)
{
	struct maps_index *x = maps->idx;
	struct inorder it = { .x = x, .left = maps->nr };
	u32 n = (maps->nr + MAPS_INDEX_BLOCK - 1) / MAPS_INDEX_BLOCK;

	if (n > x->cap) {
		/* Room to grow a quarter before the next allocation. */
		x->cap = n + n / 4;
		free(x->start);
		free(x->node);
		x->start = xmalloc(((size_t)x->cap + 1) * sizeof(*x->start));
		x->node = xmalloc(((size_t)x->cap + 1) * sizeof(*x->node));
	}
	x->n = n;
	inorder__push_left(&it, maps->root, 0);
	maps_index__fill(&it, 1);
	x->valid = true;
}

/* The node of subtree @t with the greatest start <= @ip, or 0. */
static inline u32 subtree_floor(u32 t, u64 ip)
{
	u32 best = 0;

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

/* The node with the greatest start <= @ip, from a valid index, or 0. */
static u32 maps_index__floor(const struct maps_index *x, u64 ip)
{
	const u64 *a = x->start;
	u64 k = 1;

	/* Each step appends the turn taken (1: right, a[k] <= ip) to k. */
	while (k <= x->n)
		k = 2 * k + (a[k] <= ip);
	/* The block is the last right turn: drop the left turns after it, and it. */
	k >>= __builtin_ctzll(k) + 1;
	return k ? subtree_floor(x->node[k], ip) : 0;
}

/* The set changed: the index no longer holds, and the walks count anew. */
static inline void maps__changed(struct maps *maps)
{
	if (maps->idx) {
		maps->idx->valid = false;
		maps->idx->walks = 0;
	}
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
	maps_index__free(maps->idx);
	maps->idx = NULL;
}

void maps__put(struct maps *maps)
{
	if (maps && --maps->refcnt == 0) {
		maps__clear(maps);
		slab__free(&maps_slab, maps);
	}
}

/* The node with the greatest start <= @ip, or 0. */
static inline u32 maps__floor(const struct maps *maps, u64 ip)
{
	return subtree_floor(maps->root, ip);
}

/*
 * maps__floor from the index where it holds; otherwise from the treap,
 * counting the walk, and building the index once the walks pay for it.
 */
static u32 maps__floor_any(struct maps *maps, u64 ip)
{
	struct maps_index *x = maps->idx;

	if (x && x->valid)
		return maps_index__floor(x, ip);
	if (maps->nr < MAPS_INDEX_MIN)
		return maps__floor(maps, ip);
	if (!x)
		x = maps->idx = xcalloc(1, sizeof(*x));
	if (++x->walks < maps->nr >> MAPS_INDEX_SHIFT)
		return maps__floor(maps, ip);
	maps_index__build(maps);
	return maps_index__floor(x, ip);
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
	i = maps__floor_any(maps, ip);
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
	maps__changed(maps);
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
