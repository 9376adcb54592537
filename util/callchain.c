// SPDX-License-Identifier: GPL-2.0
#include "util/callchain.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "symbols/symtab.h"
#include "util/machine.h"
#include "util/err.h"
#include "util/options.h"

/*
 * Children are a list, searched in order with the one found moved to the
 * front (paths repeat). A node with many children (corrupt frame-pointer
 * chains give thousands) is searched through the tree's hash table of
 * (parent, frame), which holds the children of such nodes only: most
 * nodes have one or two children, and a slot or two for each of them
 * would be a third of the tree's memory. The table is open-addressed (no
 * link in the nodes), holds pairs of node numbers (their place in the
 * tree's array, which moves as it grows), the parent's and the child's,
 * and is made when a first node grows wide; the tree's head holds it. A
 * node whose children are in the table is marked WIDE: it is the one bit
 * a node needs for it (no count of children, no parent link), as the list
 * is walked whole before a child is added.
 */
#define LIST_MAX	8
#define MEMO_SLOTS	32	/* a power of two */
#define TREE_MAX	((u32)INT32_MAX)	/* nodes: the links are s32 offsets */

#define WIDE		((u32)1 << 31)	/* in a node's key: children in the tree's hash */
#define KEY_MAX		(WIDE - 1)	/* key numbers: the rest of the word */

struct callchain_slot {
	u32 parent, node;	/* node 0 (the root, nobody's child): free */
};

struct callchain_hash {
	struct callchain_slot *table;
	size_t size, nr;		/* size: 0 or a power of two */
	/*
	 * The last lookups, by an unkeyed mix of (parent, frame): wide
	 * parents are looked up again and again (a hot caller's callees), and
	 * the keyed hash costs more than the rest of a step. A slot only
	 * suggests: what it holds is checked, so a crafted file that makes
	 * slots collide only makes them miss.
	 */
	struct callchain_slot memo[MEMO_SLOTS];
};

/* What a tree's array has in front of its root. */
struct callchain_tree {
	struct callchain_hash *hash;	/* NULL until a node grows wide */
	u32 nr, alloc;			/* nodes used, room for */
	struct callchain_node nodes[];	/* the root first */
};

static inline struct callchain_tree *tree_of(const struct callchain_node *root)
{
	return (struct callchain_tree *)((uintptr_t)root - offsetof(struct callchain_tree, nodes));
}

/*
 * The keys' table, one for every tree: a key once, by its number (from 1;
 * 0 is the root's, which has none), and an open-addressed index of the
 * numbers by their key. A key keeps its symbol, or its address, and the
 * dso it came with; nodes match a frame by the symbol alone where there
 * is one (as the trees always have), and a symbol met with two dsos has
 * two numbers, so that a node keeps the dso of the first frame it counted.
 * Grows only: a node's key is read back for as long as the tree is kept,
 * and the keys are few beside the nodes (a symbol or an unresolved
 * address each: 116,592 keys for 3 million nodes in the --children trees
 * of a 100 s recording of a build, whose compilers have no symbols).
 */
struct table_key {
	uintptr_t dso;			/* struct dso *, | KEY_ADDR */
	union {
		const struct symbol *sym;
		u64 addr;
	};
};

#define KEY_ADDR	((uintptr_t)1)	/* in table_key.dso: keyed by @addr, not @sym */

#define KEY_MEMO	256	/* a power of two */

static struct {
	struct table_key *keys;		/* [0]: unused */
	u32 *index;			/* key numbers; 0: a free slot */
	size_t size;			/* of index: 0 or a power of two */
	u32 nr, alloc;			/* keys[] used (from 1), room for */
	/*
	 * The last numbers found, by an unkeyed mix of the key: a new node's
	 * key is most often one met a moment ago (the same callers under
	 * another row), and the keyed hash costs more than the rest of a new
	 * node. Checked, as the trees' memo slots are.
	 */
	u32 memo[KEY_MEMO];
} key_table;

static inline struct table_key table_key(const struct callchain_key *k)
{
	if (k->sym)
		return (struct table_key){ .dso = (uintptr_t)k->dso, .sym = k->sym };
	return (struct table_key){ .dso = (uintptr_t)k->dso | KEY_ADDR, .addr = k->addr };
}

static inline const struct table_key *key_of(const struct callchain_node *n)
{
	return &key_table.keys[n->key & ~WIDE];
}

static inline struct callchain_key key_get(const struct table_key *t)
{
	struct callchain_key k = { .dso = (struct dso *)(t->dso & ~KEY_ADDR) };

	if (t->dso & KEY_ADDR)
		k.addr = t->addr;
	else
		k.sym = t->sym;
	return k;
}

struct callchain_key callchain_node__key(const struct callchain_node *n)
{
	return key_get(key_of(n));
}

static size_t key_table_hash(const struct table_key *k)
{
	u64 v[2] = { k->dso, k->addr };

	if (!(k->dso & KEY_ADDR))
		v[1] = (uintptr_t)k->sym;
	return (size_t)hash_bytes(v, sizeof(v));
}

static void key_table_put(u32 nr)
{
	size_t b = key_table_hash(&key_table.keys[nr]) & (key_table.size - 1);

	while (key_table.index[b])
		b = (b + 1) & (key_table.size - 1);
	key_table.index[b] = nr;
}

/* @k's number, made when new; 0 when the table is full. */
static u32 key_number(const struct callchain_key *k)
{
	struct table_key key = table_key(k);
	u64 mix = (key.dso ^ (key.dso & KEY_ADDR ? key.addr : (uintptr_t)key.sym)) *
		  0x9e3779b97f4a7c15ull;
	u32 *memo = &key_table.memo[(mix >> 56) & (KEY_MEMO - 1)];
	size_t b;
	u32 nr = *memo;

	if (nr && key_table.keys[nr].dso == key.dso &&
	    (key.dso & KEY_ADDR ? key_table.keys[nr].addr == key.addr :
	     key_table.keys[nr].sym == key.sym))
		return nr;
	if (key_table.size) {
		for (b = key_table_hash(&key) & (key_table.size - 1);
		     (nr = key_table.index[b]) != 0; b = (b + 1) & (key_table.size - 1)) {
			const struct table_key *x = &key_table.keys[nr];

			if (x->dso == key.dso &&
			    (key.dso & KEY_ADDR ? x->addr == key.addr : x->sym == key.sym)) {
				*memo = nr;
				return nr;
			}
		}
	}
	if (key_table.nr + 1 > KEY_MAX)
		return 0;
	if (key_table.nr + 1 >= key_table.alloc) {
		key_table.alloc = key_table.alloc ? 2 * key_table.alloc : 256;
		key_table.keys = xrealloc(key_table.keys,
					  key_table.alloc * sizeof(*key_table.keys));
	}
	nr = ++key_table.nr;
	key_table.keys[nr] = key;
	if (2 * (size_t)nr > key_table.size) {
		size_t i;

		free(key_table.index);
		key_table.size = key_table.size ? 2 * key_table.size : 512;
		key_table.index = xcalloc(key_table.size, sizeof(*key_table.index));
		for (i = 1; i < nr; i++)
			key_table_put((u32)i);
	}
	key_table_put(nr);
	*memo = nr;
	return nr;
}

/*
 * The big counts: a node's period and samples, once either outgrows its
 * bits in the count word (a period of 2^40: a node's 1.1e12 cycles, some
 * minutes of one CPU; 16.7 million samples), by number. Few nodes get
 * there (the roots and hottest paths of a long recording), so one table
 * for every tree, grown only: a freed tree's big counts stay. The table is
 * blocks that never move, so a tree read on one thread while another
 * grows the table reads its own counts safely.
 */
#define BIG_BLOCK_BITS	12
#define BIG_BLOCKS	65536	/* 2^28 big nodes: 4 GB of counts */
#define PERIOD_LIMIT	(1ull << (64 - CALLCHAIN_SAMPLES_BITS))	/* a narrow period is below */

static struct callchain_big *big_blocks[BIG_BLOCKS];
static u64 nr_big;
static pthread_mutex_t big_lock = PTHREAD_MUTEX_INITIALIZER;

static struct callchain_big *big_at(u64 i)
{
	struct callchain_big *b = __atomic_load_n(&big_blocks[i >> BIG_BLOCK_BITS], __ATOMIC_ACQUIRE);

	return &b[i & ((1u << BIG_BLOCK_BITS) - 1)];
}

const struct callchain_big *callchain__big(const struct callchain_node *n)
{
	return big_at(n->count >> CALLCHAIN_SAMPLES_BITS);
}

/* @n's counts made big, as they are. */
static __attribute__((noinline)) struct callchain_big *count_widen(struct callchain_node *n)
{
	struct callchain_big *b;
	u64 i;

	pthread_mutex_lock(&big_lock);
	i = nr_big++;
	if ((i >> BIG_BLOCK_BITS) >= BIG_BLOCKS)
		die("out of memory: more than %u call-graph nodes with big counts",
		    BIG_BLOCKS << BIG_BLOCK_BITS);
	if (!(i & ((1u << BIG_BLOCK_BITS) - 1)))
		__atomic_store_n(&big_blocks[i >> BIG_BLOCK_BITS],
				 xmalloc(sizeof(struct callchain_big) << BIG_BLOCK_BITS),
				 __ATOMIC_RELEASE);
	pthread_mutex_unlock(&big_lock);
	b = big_at(i);
	b->period = n->count >> CALLCHAIN_SAMPLES_BITS;
	b->samples = n->count & CALLCHAIN_BIG;
	n->count = i << CALLCHAIN_SAMPLES_BITS | CALLCHAIN_BIG;
	return b;
}

static __attribute__((noinline)) void count_add_big(struct callchain_node *n, u64 period,
						    u64 samples)
{
	struct callchain_big *b = callchain_node__big(n) ? big_at(n->count >> CALLCHAIN_SAMPLES_BITS) :
							   count_widen(n);

	b->period += period;
	b->samples += samples;
}

/* Adds @period and @samples to @n's counts. */
static inline void count_add(struct callchain_node *n, u64 period, u64 samples)
{
	u64 c = n->count;

	/* A big node's sample bits are all ones: no room, the slow way. */
	if (__builtin_expect(samples < CALLCHAIN_BIG - (c & CALLCHAIN_BIG) &&
			     period < PERIOD_LIMIT - (c >> CALLCHAIN_SAMPLES_BITS), 1)) {
		n->count = c + (period << CALLCHAIN_SAMPLES_BITS) + samples;
		return;
	}
	count_add_big(n, period, samples);
}

/* @n's counts set, each no more than it was (decay). */
static void count_set(struct callchain_node *n, u64 period, u64 samples)
{
	if (!callchain_node__big(n)) {
		n->count = period << CALLCHAIN_SAMPLES_BITS | samples;
	} else {
		struct callchain_big *b = big_at(n->count >> CALLCHAIN_SAMPLES_BITS);

		b->period = period;
		b->samples = samples;
	}
}

static inline struct callchain_hash *tree_hash(const struct callchain_node *root)
{
	return tree_of(root)->hash;
}

static inline bool is_wide(const struct callchain_node *n)
{
	return n->key & WIDE;
}

/* Keys are the same when they name the same symbol, or the same address. */
static inline bool key_is(const struct table_key *x, const struct callchain_key *k)
{
	if (k->sym)
		return x->sym == k->sym && !(x->dso & KEY_ADDR);
	return x->dso == ((uintptr_t)k->dso | KEY_ADDR) && x->addr == k->addr;
}

static inline bool node_is(const struct callchain_node *n, const struct callchain_key *k)
{
	return key_is(key_of(n), k);
}

static inline struct callchain_node *child_of(struct callchain_node *n)
{
	return n->child ? n + n->child : NULL;
}

static inline struct callchain_node *next_of(struct callchain_node *n)
{
	return n->next ? n + n->next : NULL;
}

static inline s32 offset(const struct callchain_node *from, const struct callchain_node *to)
{
	return to ? (s32)(to - from) : 0;
}

/* Keyed: addresses come from the file, and must not choose the buckets. */
static size_t key_hash(u32 parent, const struct callchain_key *k)
{
	u64 v[3] = { parent, (uintptr_t)k->sym, 0 };

	if (!k->sym) {
		v[1] = (uintptr_t)k->dso;
		v[2] = k->addr;
	}
	return (size_t)hash_bytes(v, sizeof(v));
}

static size_t memo_slot(u32 parent, const struct callchain_key *k)
{
	u64 v = parent ^ (k->sym ? (uintptr_t)k->sym : k->addr ^ (uintptr_t)k->dso);

	return (size_t)((v * 0x9e3779b97f4a7c15ull) >> 59) & (MEMO_SLOTS - 1);
}

static void table_put(struct callchain_hash *ht, const struct callchain_node *base, u32 parent,
		      u32 node)
{
	struct callchain_key k = key_get(key_of(&base[node]));
	size_t b = key_hash(parent, &k) & (ht->size - 1);

	while (ht->table[b].node)
		b = (b + 1) & (ht->size - 1);
	ht->table[b] = (struct callchain_slot){ .parent = parent, .node = node };
}

static void hash_insert(struct callchain_hash *ht, const struct callchain_node *base, u32 parent,
			u32 node)
{
	if (2 * (ht->nr + 1) > ht->size) {
		struct callchain_slot *old = ht->table;
		size_t osize = ht->size, i;

		ht->size = osize ? 2 * osize : 64;
		ht->table = xcalloc(ht->size, sizeof(*ht->table));
		for (i = 0; i < osize; i++)
			if (old[i].node)
				table_put(ht, base, old[i].parent, old[i].node);
		free(old);
	}
	table_put(ht, base, parent, node);
	ht->nr++;
}

/*
 * The child of node @pi of the tree at @base keyed @k, or NULL; then
 * *@nr says how many children @pi has when they are a list (not wide).
 */
static struct callchain_node *find_child(struct callchain_node *base, u32 pi,
					 const struct callchain_key *k, u32 *nr)
{
	struct callchain_node *parent = &base[pi], *c, *prev = NULL;

	*nr = 0;
	if (is_wide(parent)) {
		struct callchain_hash *ht = tree_hash(base);
		size_t m = memo_slot(pi, k), b;
		u32 ci = ht->memo[m].node;

		if (ci && ht->memo[m].parent == pi && node_is(&base[ci], k))
			return &base[ci];
		for (b = key_hash(pi, k) & (ht->size - 1); (ci = ht->table[b].node) != 0;
		     b = (b + 1) & (ht->size - 1))
			if (ht->table[b].parent == pi && node_is(&base[ci], k)) {
				ht->memo[m] = ht->table[b];
				return &base[ci];
			}
		return NULL;
	}
	for (c = child_of(parent); c && !node_is(c, k); prev = c, c = next_of(c))
		++*nr;
	if (c && prev) {
		/* to the front */
		prev->next = offset(prev, next_of(c));
		c->next = offset(c, child_of(parent));
		parent->child = offset(parent, c);
	}
	return c;
}

static struct callchain_node *new_tree(u32 alloc)
{
	struct callchain_tree *t = xcalloc(1, sizeof(*t) + alloc * sizeof(t->nodes[0]));

	t->nr = 1;
	t->alloc = alloc;
	return t->nodes;
}

u32 callchain__nr_nodes(const struct callchain_node *root)
{
	return root ? tree_of(root)->nr : 0;
}

size_t callchain__bytes(const struct callchain_node *root)
{
	const struct callchain_tree *t;
	size_t bytes;

	if (!root)
		return 0;
	t = tree_of(root);
	bytes = sizeof(*t) + t->alloc * sizeof(t->nodes[0]);
	if (t->hash)
		bytes += sizeof(*t->hash) + t->hash->size * sizeof(*t->hash->table);
	return bytes;
}

/*
 * Room for one more node in *@rootp: the first path is made to measure
 * (most trees are one or a few paths), then the array grows by a quarter
 * (by half left 5% more memory on a large system-wide recording and was
 * no faster).
 * Moves the tree. False when it holds TREE_MAX nodes.
 */
static bool tree_room(struct callchain_node **rootp, size_t want)
{
	struct callchain_tree *t = tree_of(*rootp);
	size_t alloc = t->alloc;

	if (t->nr < alloc)
		return true;
	if (t->nr >= TREE_MAX)
		return false;
	alloc = alloc == 1 ? 1 + want : alloc + alloc / 4 + 1;
	if (alloc > TREE_MAX)
		alloc = TREE_MAX;
	t = xrealloc(t, sizeof(*t) + alloc * sizeof(t->nodes[0]));
	t->alloc = (u32)alloc;
	*rootp = t->nodes;
	return true;
}

/*
 * A new node for @k under node @pi, which has @nr children in a list (as
 * find_child counted them) or is wide; first among its children. Hashes
 * the children of a parent that grows wide. Moves the tree; returns the
 * node's number, 0 when the tree or the keys' table is full.
 */
static u32 new_child(struct callchain_node **rootp, u32 pi, const struct callchain_key *k,
		     size_t want, u32 nr)
{
	struct callchain_node *base, *parent, *c;
	struct callchain_tree *t;
	u32 ci, key = key_number(k);

	if (!key || !tree_room(rootp, want))
		return 0;
	base = *rootp;
	t = tree_of(base);
	ci = t->nr++;
	parent = &base[pi];
	c = &base[ci];
	c->key = key;
	c->count = 0;
	c->child = 0;
	c->next = offset(c, child_of(parent));
	parent->child = offset(parent, c);
	if (is_wide(parent)) {
		hash_insert(t->hash, base, pi, ci);
	} else if (nr == LIST_MAX) {
		struct callchain_node *x;

		if (!t->hash)
			t->hash = xzalloc(sizeof(struct callchain_hash));
		parent->key |= WIDE;
		for (x = c; x; x = next_of(x))
			hash_insert(t->hash, base, pi, (u32)(x - base));
	}
	return ci;
}

void callchain__add(struct callchain_node **root, const struct callchain_frame *frames,
		    size_t n, u64 period)
{
	struct callchain_node *base, *node;
	size_t i;

	if (!*root)
		*root = new_tree(1);
	base = node = *root;
	count_add(node, period, 1);
	for (i = 0; i < n; i++) {
		const struct callchain_frame *f = &frames[i];
		struct callchain_node *c = child_of(node);
		const struct table_key *x;

		/* The first child first: where the last path through went. */
		if (!c || (x = key_of(c),
			   !(f->sym ? x->sym == f->sym && !(x->dso & KEY_ADDR) :
			     x->dso == ((uintptr_t)f->dso | KEY_ADDR) && x->addr == f->addr))) {
			struct callchain_key k = { .dso = f->dso, .sym = f->sym, .addr = f->addr };
			u32 pi = (u32)(node - base), ci, nr;

			c = find_child(base, pi, &k, &nr);
			if (!c) {
				ci = new_child(root, pi, &k, n - i, nr);
				if (!ci)
					return;	/* full: the path counts down to here */
				base = *root;
				c = &base[ci];
			}
		}
		count_add(c, period, 1);
		node = c;
	}
}

/*
 * By period, largest first; ties as perf's tree of children holds them:
 * by DSO (perf: the order of its DSO objects in memory, which nothing
 * outside it can know; here by name, no DSO last), then, in one DSO, by
 * the symbol's start, or the address where either has no symbol, the
 * larger first. An order that does not hang on the order paths came in,
 * so that a tree merged from others (the browser's regrouped rows)
 * prints as the one built directly.
 */
static bool node_before(const void *a, const void *b)
{
	const struct callchain_node *x = *(struct callchain_node *const *)a;
	const struct callchain_node *y = *(struct callchain_node *const *)b;
	struct callchain_key kx, ky;
	u64 px = callchain_node__period(x), py = callchain_node__period(y);
	u64 ax, ay;
	int c;

	if (px != py)
		return px > py;
	kx = callchain_node__key(x);
	ky = callchain_node__key(y);
	if (kx.dso != ky.dso) {
		if (!kx.dso || !ky.dso)
			return kx.dso != NULL;
		c = strcmp(map__dso_name(kx.dso), map__dso_name(ky.dso));
		if (c)
			return c < 0;
	}
	if (kx.sym && kx.sym == ky.sym)
		return false;
	ax = kx.sym && ky.sym ? kx.sym->start : kx.sym ? kx.sym->start : kx.addr;
	ay = kx.sym && ky.sym ? ky.sym->start : ky.sym ? ky.sym->start : ky.addr;
	if (ax != ay)
		return ax > ay;
	if (kx.sym && ky.sym)
		return strcmp(symbol__name(kx.sym), symbol__name(ky.sym)) < 0;
	return kx.sym && !ky.sym;
}

static void sort_children(struct callchain_node *node, struct callchain_node ***arr,
			  size_t *alloc)
{
	struct callchain_node *c;
	size_t n = 0, i;

	for (c = child_of(node); c; c = next_of(c))
		n++;
	if (n > 1) {
		struct callchain_node **a;

		if (n > *alloc) {
			*alloc = n;
			*arr = xrealloc(*arr, n * sizeof(**arr));
		}
		a = *arr;
		for (i = 0, c = child_of(node); c; c = next_of(c))
			a[i++] = c;
		sort_runs(a, n, sizeof(*a), node_before);	/* stable */
		for (i = 0; i + 1 < n; i++)
			a[i]->next = offset(a[i], a[i + 1]);
		a[n - 1]->next = 0;
		node->child = offset(node, a[0]);
	}
}

void callchain__sort(struct callchain_node *root)
{
	struct callchain_node **arr = NULL;
	size_t alloc = 0;
	u32 i;

	if (!root)
		return;
	/* Every node's children once; the array's order does not matter. */
	for (i = 0; i < tree_of(root)->nr; i++)
		sort_children(&root[i], &arr, &alloc);
	free(arr);
}

void callchain__read_names(void)
{
	const struct symbol **syms;
	u32 i, k = 0;

	if (!key_table.nr)
		return;
	syms = xmalloc(key_table.nr * sizeof(*syms));
	for (i = 1; i <= key_table.nr; i++)
		if (!(key_table.keys[i].dso & KEY_ADDR))
			syms[k++] = key_table.keys[i].sym;
	symbols__read_names(syms, k);
	free(syms);
}

void callchain__free(struct callchain_node *root)
{
	struct callchain_tree *t;

	if (!root)
		return;
	t = tree_of(root);
	if (t->hash) {
		free(t->hash->table);
		free(t->hash);
	}
	free(t);
}

static void merge_children(struct callchain_node **dst, u32 di, const struct callchain_node *src)
{
	const struct callchain_node *s;

	for (s = callchain_node__child(src); s; s = callchain_node__next(s)) {
		struct callchain_key k = callchain_node__key(s);
		u32 ci, nr;
		struct callchain_node *c = find_child(*dst, di, &k, &nr);

		if (c) {
			ci = (u32)(c - *dst);
		} else {
			ci = new_child(dst, di, &k, 1, nr);
			if (!ci)
				return;
			c = &(*dst)[ci];
		}
		count_add(c, callchain_node__period(s), callchain_node__samples(s));
		merge_children(dst, ci, s);	/* as deep as @src: at most 128 */
	}
}

void callchain__merge(struct callchain_node **dst, const struct callchain_node *src)
{
	if (!src)
		return;
	if (!*dst)
		*dst = new_tree(1);
	count_add(*dst, callchain_node__period(src), callchain_node__samples(src));
	merge_children(dst, 0, src);
}

u32 *callchain__parents(const struct callchain_node *root)
{
	u32 nr = tree_of(root)->nr, *parents = xmalloc(nr * sizeof(*parents)), i;

	parents[0] = 0;
	for (i = 0; i < nr; i++) {
		const struct callchain_node *c;

		for (c = callchain_node__child(&root[i]); c; c = callchain_node__next(c))
			parents[c - root] = i;
	}
	return parents;
}

/* The first kept node from @n on along its siblings, as a new number; -1: none. */
static s32 first_kept(const struct callchain_node *base, const struct callchain_node *n,
		      const u32 *map)
{
	for (; n; n = callchain_node__next(n))
		if (map[n - base] != UINT32_MAX)
			return (s32)map[n - base];
	return -1;
}

bool callchain__decay(struct callchain_node *root)
{
	struct callchain_tree *t = tree_of(root);
	struct callchain_hash *ht = t->hash;
	u32 nr = t->nr, kept = 0, i, *map, *parents;

	/*
	 * Counts scaled; the nodes that keep a count keep their order in the
	 * array, moved down over the dropped ones (a child counts no more
	 * than its parent, and comes after it: a dropped node's children go
	 * too).
	 */
	parents = callchain__parents(root);
	map = xmalloc(nr * sizeof(*map));
	for (i = 0; i < nr; i++) {
		struct callchain_node *n = &root[i];
		u64 samples = callchain_node__samples(n) * 7 / 8;
		u64 period = callchain_node__period(n) * 7 / 8;

		count_set(n, period, samples);
		map[i] = i && ((!period && !samples) || map[parents[i]] == UINT32_MAX) ?
			 UINT32_MAX : kept++;
	}
	/* New links as new numbers: the walks read dropped nodes only. */
	for (i = 0; i < nr; i++) {
		struct callchain_node *n = &root[i];
		s32 child, next;

		if (map[i] == UINT32_MAX)
			continue;
		child = first_kept(root, callchain_node__child(n), map);
		next = first_kept(root, callchain_node__next(n), map);
		n->child = child;
		n->next = next;
	}
	for (i = 0; i < nr; i++) {
		struct callchain_node *n = &root[i], *to;

		if (map[i] == UINT32_MAX)
			continue;
		to = &root[map[i]];
		if (to != n)
			*to = *n;
		to->child = to->child < 0 ? 0 : to->child - (s32)map[i];
		to->next = to->next < 0 ? 0 : to->next - (s32)map[i];
	}
	free(map);
	free(parents);
	t->nr = kept;
	if (ht) {
		/* Emptied, and filled again with the kept children of wide nodes. */
		memset(ht->table, 0, ht->size * sizeof(*ht->table));
		memset(ht->memo, 0, sizeof(ht->memo));
		ht->nr = 0;
		for (i = 0; i < kept; i++) {
			struct callchain_node *n = &root[i], *c;
			u32 nc = 0;

			for (c = child_of(n); c; c = next_of(c))
				nc++;
			n->key &= ~WIDE;
			if (nc > LIST_MAX) {
				n->key |= WIDE;
				for (c = child_of(n); c; c = next_of(c))
					hash_insert(ht, root, i, (u32)(c - root));
			}
		}
	}
	return callchain_node__period(root) || callchain_node__samples(root);
}

const char *callchain_key__name(const struct callchain_key *k, char buf[CALLCHAIN_ADDR_LEN])
{
	if (k->sym)
		return symbol__name(k->sym);
	snprintf(buf, CALLCHAIN_ADDR_LEN, "%#" PRIx64, k->addr);
	return buf;
}

const char *callchain_node__name(const struct callchain_node *n, char buf[CALLCHAIN_ADDR_LEN])
{
	struct callchain_key k = callchain_node__key(n);

	return callchain_key__name(&k, buf);
}

static const struct {
	const char *name;
	int kind;	/* 0 mode, 1 order, 2 value, 3 sort key */
	int val;
} callchain_words[] = {
	{ "graph", 0, CHAIN_GRAPH_ABS }, { "fractal", 0, CHAIN_GRAPH_REL },
	{ "flat", 0, CHAIN_FLAT }, { "folded", 0, CHAIN_FOLDED }, { "none", 0, CHAIN_NONE },
	{ "callee", 1, ORDER_CALLEE }, { "caller", 1, ORDER_CALLER },
	{ "percent", 2, CCVAL_PERCENT }, { "period", 2, CCVAL_PERIOD },
	{ "count", 2, CCVAL_COUNT },
	{ "function", 3, 0 },
};

int callchain_param__parse(struct callchain_param *p, const char *arg, struct err *err)
{
	char *copy = xstrdup(arg), *save = NULL, *tok, *s;
	bool min_set = false, limit_set = false;
	int ret = 0;

	for (s = copy; (tok = strtok_r(s, ",", &save)) != NULL; s = NULL) {
		size_t i;
		char *end;

		for (i = 0; i < ARRAY_SIZE(callchain_words); i++)
			if (!strcmp(tok, callchain_words[i].name))
				break;
		if (i < ARRAY_SIZE(callchain_words)) {
			int v = callchain_words[i].val;

			switch (callchain_words[i].kind) {
			case 0:
				p->mode = (enum callchain_mode)v;
				break;
			case 1:
				p->order = (enum callchain_order)v;
				p->order_set = true;
				break;
			case 2:
				p->value = (enum callchain_value)v;
				break;
			default:
				break;
			}
			continue;
		}
		if (!strcmp(tok, "address") || !strcmp(tok, "srcline") || !strcmp(tok, "branch")) {
			ret = err__set(err, -EINVAL, "-g: '%s' is not supported (paths are by "
				       "function)", tok);
			break;
		}
		if (!min_set) {
			double d;

			if (parse_double(tok, &d) || d < 0 || d > 100 || isnan(d)) {
				ret = err__set(err, -EINVAL, "-g: '%s' is neither a field "
					       "(graph, flat, fractal, folded, none, caller, callee, "
					       "function, percent, period, count) nor a percentage", tok);
				break;
			}
			p->min_percent = d;
			min_set = true;
			continue;
		}
		errno = 0;
		if (!limit_set && *tok >= '0' && *tok <= '9') {
			unsigned long l = strtoul(tok, &end, 0);

			if (!*end && !errno && l <= UINT32_MAX) {
				p->print_limit = (u32)l;
				limit_set = true;
				continue;
			}
		}
		ret = err__set(err, -EINVAL, "-g: '%s' is not a print limit (a whole number) "
			       "or a field", tok);
		break;
	}
	free(copy);
	return ret;
}

/*
 * Whether @arg, which does not parse, was meant as -g's: its first field
 * is one of -g's words ("caller,address"), so that its error is -g's,
 * not that of a stray argument.
 */
static bool callchain_spec_like(const char *arg)
{
	size_t i, n = strcspn(arg, ",");

	for (i = 0; i < ARRAY_SIZE(callchain_words); i++)
		if (strlen(callchain_words[i].name) == n && !strncmp(arg, callchain_words[i].name, n))
			return true;
	return false;
}

/* The joined words, kept for as long as argv is. */
static char *joined_args[16];

int callchain_argv__join(int argc, char **argv)
{
	size_t nr_joined = 0;
	int i, j;

	for (i = 1; i + 1 < argc; i++) {
		struct callchain_param p = CALLCHAIN_PARAM_DEFAULT;
		size_t len;

		if (!strcmp(argv[i], "--"))
			break;
		if (strcmp(argv[i], "-g") && strcmp(argv[i], "--call-graph"))
			continue;
		if (nr_joined == ARRAY_SIZE(joined_args) || argv[i + 1][0] == '-' || !argv[i + 1][0] ||
		    (callchain_param__parse(&p, argv[i + 1], NULL) && !callchain_spec_like(argv[i + 1])))
			continue;
		len = strlen("--call-graph=") + strlen(argv[i + 1]) + 1;
		argv[i] = joined_args[nr_joined++] = xmalloc(len);
		snprintf(argv[i], len, "--call-graph=%s", argv[i + 1]);
		for (j = i + 1; j + 1 < argc; j++)
			argv[j] = argv[j + 1];
		argv[--argc] = NULL;
	}
	return argc;
}
