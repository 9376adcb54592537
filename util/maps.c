// SPDX-License-Identifier: GPL-2.0
/*
 * Address spaces: a process's maps (shared by its threads) and a
 * machine's kernel maps, kept in a B+ tree on start.
 */
#include "util/maps.h"
#include "util/slab.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/*
 * The tree: leaves hold up to LEAF_MAX maps in address order, their room
 * grown and shrunk LEAF_STEP maps at a time (so that a leaf holds what
 * it has with little to spare: 33 to 37 bytes a map, against 40 for a
 * binary tree's node); inner nodes hold up to INNER_MAX children, each
 * with the least start under it (kept exact: a leaf's first start is in
 * every ancestor it is the first of). A lookup reads a few inner nodes,
 * which stay cached, and one leaf, where a binary tree followed some 2
 * ln n links through nodes anywhere in memory (a cache miss each on a
 * large set, in order of arrival).
 *
 * A map after the last of a full leaf goes to the front of the next
 * leaf where that has room. Otherwise a full leaf splits in half, except
 * where the new map goes at either end of it: then the new map starts a
 * leaf of its own and the full one stays full, so that maps that come in
 * address order (up, or down as top-down allocators hand them out) fill
 * their leaves. Inner nodes, a leaf's in 20 or so, split in half. Nothing
 * is merged: a leaf or node left empty goes, and a leaf left with much
 * room to spare gives it back. A node splits only when full: the height
 * grows as the logarithm of the inserts.
 */
#define LEAF_MAX	32
#define LEAF_STEP	4
#define INNER_MAX	32
#define MAX_HEIGHT	16

struct maps_leaf {
	u16 n, cap;		/* maps, room */
	u16 first;		/* the first map's slot: n maps from there */
	struct map slot[];
};

struct maps_inner {
	u32 n;
	u64 key[INNER_MAX];	/* key[i]: the least start under child[i] */
	void *child[INNER_MAX];
};

/* The way down to a leaf: at each inner level, the node and the child taken. */
struct maps_path {
	struct maps_inner *node[MAX_HEIGHT];
	u32 idx[MAX_HEIGHT];
};

/* @l's maps, in address order. */
static inline struct map *lm(const struct maps_leaf *l)
{
	return (struct map *)l->slot + l->first;
}

/* The maps objects (40 bytes) by the hundred thousand (one a process): from a slab. */
static struct slab maps_slab = SLAB_INIT(struct maps, 4096);

/*
 * The maps in every tree, a tree shared by forks counted once, and the
 * most a fork's copy may bring it to (maps__set_limit). Trees change on
 * the model's thread only.
 */
static u64 maps_total;
static u64 maps_limit = MAPS_LIMIT_MIN;

static inline u32 round_step(u32 n)
{
	n = (n + LEAF_STEP - 1) / LEAF_STEP * LEAF_STEP;
	return n ? n : LEAF_STEP;
}

/*
 * Leaves by room, LEAF_STEP maps apart, each from a slab of its size: no
 * allocator's header or rounding, and a leaf that grows or shrinks gives
 * back a block its size's next leaf takes (realloc's freed chunks, of
 * every size, were 15% of the maps' memory).
 */
#define LEAF_SIZE(cap)	(sizeof(struct maps_leaf) + (cap) * sizeof(struct map))
#define LEAF_SLAB(cap)	{ .size = LEAF_SIZE(cap), .per_slab = 32768 / LEAF_SIZE(cap) + 1, \
			  .lock = PTHREAD_MUTEX_INITIALIZER }

static struct slab leaf_slabs[LEAF_MAX / LEAF_STEP] = {
	LEAF_SLAB(4), LEAF_SLAB(8), LEAF_SLAB(12), LEAF_SLAB(16),
	LEAF_SLAB(20), LEAF_SLAB(24), LEAF_SLAB(28), LEAF_SLAB(32),
};

/* An empty leaf of room @cap, its maps to start @front slots in. */
static struct maps_leaf *leaf_alloc(u32 cap, u32 front)
{
	struct maps_leaf *l = slab__alloc_raw(&leaf_slabs[cap / LEAF_STEP - 1]);

	l->n = 0;
	l->cap = (u16)cap;
	l->first = (u16)front;
	return l;
}

static void leaf_free(struct maps_leaf *l)
{
	slab__free(&leaf_slabs[l->cap / LEAF_STEP - 1], l);
}

/* @l's maps in a leaf of room @cap, @front slots in (@l itself where its room is @cap). */
static struct maps_leaf *leaf_resize(struct maps_leaf *l, u32 cap, u32 front)
{
	struct maps_leaf *r;

	if (cap == l->cap)
		return l;
	r = leaf_alloc(cap, front);
	r->n = l->n;
	memcpy(lm(r), lm(l), l->n * sizeof(struct map));
	leaf_free(l);
	return r;
}

/*
 * A hole at place @j of @l's maps, which has room: the maps before it
 * move down a slot or those after it up, whichever are fewer where that
 * side has room. Maps that arrive in descending order go in at the
 * front of a leaf with its room there, and ascending ones at the back:
 * neither moves a map.
 */
static struct map *leaf_open(struct maps_leaf *l, u32 j)
{
	struct map *m = lm(l);
	u32 n = l->n;
	bool front = l->first > 0, back = l->first + n < l->cap;

	l->n++;
	if (front && (!back || j < n - j)) {
		memmove(m - 1, m, j * sizeof(*m));
		l->first--;
		return m - 1 + j;
	}
	memmove(m + j + 1, m + j, (n - j) * sizeof(*m));
	return m + j;
}

/*
 * The searches below take no branch on the keys they read: the way a
 * lookup goes through a node is as good as random, and a mispredicted
 * step costs more than the step (each halving is a conditional move).
 */

/* The last child whose least start is <= @key (the first when there is none). */
static inline u32 inner_slot(const struct maps_inner *in, u64 key)
{
	u32 base = 0, len = in->n;

	while (len > 1) {
		u32 half = len / 2;

		base = in->key[base + half] <= key ? base + half : base;
		len -= half;
	}
	return base;
}

/* How many of @l's maps start at or below @key. */
static inline u32 leaf_upper(const struct maps_leaf *l, u64 key)
{
	u32 base = 0, len = l->n;

	if (!len)
		return 0;
	while (len > 1) {
		u32 half = len / 2;

		base = lm(l)[base + half].start <= key ? base + half : base;
		len -= half;
	}
	return base + (lm(l)[base].start <= key);
}

/*
 * Asks for a node's lines before it is searched: the search's reads then
 * wait for one fetch, not one after another (a leaf is 16 lines, an
 * inner node's keys 4).
 */
static inline void prefetch_node(const void *n, bool leaf)
{
	const char *c = n;
	size_t i, len = leaf ? sizeof(struct maps_leaf) + LEAF_MAX * sizeof(struct map) :
			       offsetof(struct maps_inner, child);

	for (i = 0; i < len; i += 64)
		__builtin_prefetch(c + i);
}

/* The leaf where the greatest start <= @key is (the first leaf when there is none), noting the way in @p. */
static struct maps_leaf *descend(const struct maps *maps, u64 key, struct maps_path *p)
{
	void *n = maps->root;
	u32 h;

	for (h = 0; h < maps->height; h++) {
		struct maps_inner *in = n;
		u32 i = inner_slot(in, key);

		if (p) {
			p->node[h] = in;
			p->idx[h] = i;
		}
		n = in->child[i];
		prefetch_node(n, h + 1 == maps->height);
	}
	return n;
}

/* The node at @depth on the way @p (the root at depth 0) is now @n. */
static void set_node(struct maps *maps, struct maps_path *p, u32 depth, void *n)
{
	if (!depth)
		maps->root = n;
	else
		p->node[depth - 1]->child[p->idx[depth - 1]] = n;
}

/* The node at @depth on the way @p now starts at @key: so do the ancestors it is the first of. */
static void set_first(struct maps_path *p, u32 depth, u64 key)
{
	while (depth-- > 0) {
		p->node[depth]->key[p->idx[depth]] = key;
		if (p->idx[depth])
			break;
	}
}

/* The least start after the leaf at the end of @p, or UINT64_MAX (no map can start there). */
static u64 next_leaf_start(const struct maps *maps, const struct maps_path *p)
{
	u32 h;

	for (h = maps->height; h-- > 0;)
		if (p->idx[h] + 1 < p->node[h]->n)
			return p->node[h]->key[p->idx[h] + 1];
	return UINT64_MAX;
}

static u64 node_first(const void *n, u32 height)
{
	return height ? ((const struct maps_inner *)n)->key[0] : lm(n)[0].start;
}

/*
 * Adds @sib, which starts at @key, as the right neighbour of the node at
 * @depth on the way @p: a full parent splits in half, and a split root
 * gets a root above it.
 */
static void add_sibling(struct maps *maps, struct maps_path *p, u32 depth, u64 key, void *sib)
{
	struct maps_inner *in, *r;
	u32 i, n, at;
	bool left;

	if (!depth) {
		if (maps->height + 1 >= MAX_HEIGHT)
			die("maps: a tree deeper than %d levels", MAX_HEIGHT);
		in = xmalloc(sizeof(*in));
		in->n = 2;
		in->key[0] = node_first(maps->root, maps->height);
		in->child[0] = maps->root;
		in->key[1] = key;
		in->child[1] = sib;
		maps->root = in;
		maps->height++;
		return;
	}
	in = p->node[depth - 1];
	i = p->idx[depth - 1] + 1;
	n = in->n;
	if (n < INNER_MAX) {
		memmove(&in->key[i + 1], &in->key[i], (n - i) * sizeof(in->key[0]));
		memmove(&in->child[i + 1], &in->child[i], (n - i) * sizeof(in->child[0]));
		in->key[i] = key;
		in->child[i] = sib;
		in->n++;
		return;
	}
	/* Children [n / 2, n) move to @r; the new one goes left of them or right. */
	at = n / 2;
	left = i < at;
	r = xmalloc(sizeof(*r));
	r->n = 0;
	if (!left) {
		memcpy(r->key, &in->key[at], (i - at) * sizeof(in->key[0]));
		memcpy(r->child, &in->child[at], (i - at) * sizeof(in->child[0]));
		r->key[i - at] = key;
		r->child[i - at] = sib;
		memcpy(&r->key[i - at + 1], &in->key[i], (n - i) * sizeof(in->key[0]));
		memcpy(&r->child[i - at + 1], &in->child[i], (n - i) * sizeof(in->child[0]));
		r->n = n - at + 1;
		in->n = at;
	} else {
		memcpy(r->key, &in->key[at], (n - at) * sizeof(in->key[0]));
		memcpy(r->child, &in->child[at], (n - at) * sizeof(in->child[0]));
		r->n = n - at;
		memmove(&in->key[i + 1], &in->key[i], (at - i) * sizeof(in->key[0]));
		memmove(&in->child[i + 1], &in->child[i], (at - i) * sizeof(in->child[0]));
		in->key[i] = key;
		in->child[i] = sib;
		in->n = at + 1;
	}
	add_sibling(maps, p, depth - 1, r->key[0], r);
}

/*
 * Puts @new at place @j of leaf @l (the end of the way @p): grows the
 * leaf's room (the new room on the side @new goes), or splits a full one
 * (at either end the new map starts a leaf of its own, its room on the
 * side the next such map would go). Leaves maps->last at the new map.
 */
static void leaf_insert(struct maps *maps, struct maps_path *p, struct maps_leaf *l, u32 j,
			const struct map *new)
{
	u32 depth = maps->height, n = l->n, at, nl;
	struct maps_leaf *r;
	struct map *m;
	bool left;

	if (n == l->cap && n < LEAF_MAX) {
		l = leaf_resize(l, l->cap + LEAF_STEP,
				j == 0 ? LEAF_STEP : j == n ? 0 : LEAF_STEP / 2);
		set_node(maps, p, depth, l);
	}
	if (n < l->cap) {
		m = leaf_open(l, j);
		*m = *new;
		if (!j)
			set_first(p, depth, new->start);
		maps->last = m;
		return;
	}
	if (j == n) {
		/*
		 * After the last map of a full leaf: the next leaf's front,
		 * where it has room. Maps coming down into a hole above a full
		 * leaf (top-down allocation below the libraries, with the
		 * program and its heap under the hole) then fill the leaf
		 * they go to, where a split each time left a leaf of one.
		 */
		struct maps_path q;
		u64 s = next_leaf_start(maps, p);
		struct maps_leaf *next = s == UINT64_MAX ? NULL : descend(maps, s, &q);

		if (next && next->n < LEAF_MAX) {
			leaf_insert(maps, &q, next, 0, new);
			return;
		}
	}
	if (j == 0) {
		/* A leaf of its own, to the left of the full one, its room before it. */
		r = leaf_alloc(LEAF_STEP, LEAF_STEP - 1);
		r->n = 1;
		lm(r)[0] = *new;
		set_node(maps, p, depth, r);
		set_first(p, depth, new->start);
		maps->last = lm(r);
		add_sibling(maps, p, depth, lm(l)[0].start, l);
		return;
	}
	/* Maps [at, n) move to a new leaf @r; the new one goes left of at or right. */
	at = j == n ? n : n / 2;
	left = j < at;
	nl = at + left;
	r = leaf_alloc(round_step(n - at + !left), 0);
	if (left) {
		memcpy(lm(r), &lm(l)[at], (n - at) * sizeof(struct map));
		r->n = n - at;
		l->n = at;
		m = leaf_open(l, j);	/* the room the moved maps left */
		*m = *new;
	} else {
		memcpy(lm(r), &lm(l)[at], (j - at) * sizeof(struct map));
		lm(r)[j - at] = *new;
		memcpy(&lm(r)[j - at + 1], &lm(l)[j], (n - j) * sizeof(struct map));
		r->n = n - at + 1;
		l->n = nl;
	}
	l = leaf_resize(l, round_step(nl), 0);
	set_node(maps, p, depth, l);
	maps->last = left ? &lm(l)[j] : &lm(r)[j - at];
	add_sibling(maps, p, depth, lm(r)[0].start, r);
}

/*
 * Takes the node at @depth on the way @p (freed by the caller) out of its
 * parent: a parent left empty goes from its own in turn, a root left with
 * one child gives way to it. The way @p is stale after.
 */
static void unlink_child(struct maps *maps, struct maps_path *p, u32 depth)
{
	struct maps_inner *in;
	u32 i;

	if (!depth) {
		maps->root = NULL;
		maps->height = 0;
		return;
	}
	in = p->node[depth - 1];
	i = p->idx[depth - 1];
	memmove(&in->key[i], &in->key[i + 1], (in->n - i - 1) * sizeof(in->key[0]));
	memmove(&in->child[i], &in->child[i + 1], (in->n - i - 1) * sizeof(in->child[0]));
	if (!--in->n) {
		free(in);
		unlink_child(maps, p, depth - 1);
		return;
	}
	if (!i)
		set_first(p, depth - 1, in->key[0]);
	while (maps->height && ((struct maps_inner *)maps->root)->n == 1) {
		in = maps->root;
		maps->root = in->child[0];
		maps->height--;
		free(in);
	}
}

/* Removes maps [a, b) of leaf @l (the end of the way @p, which is stale after). */
static void leaf_remove(struct maps *maps, struct maps_path *p, struct maps_leaf *l, u32 a, u32 b)
{
	u32 depth = maps->height;

	memmove(&lm(l)[a], &lm(l)[b], (l->n - b) * sizeof(lm(l)[0]));
	l->n -= b - a;
	maps->nr -= b - a;
	maps_total -= b - a;
	if (!l->n) {
		leaf_free(l);
		unlink_child(maps, p, depth);
		return;
	}
	if (!a)
		set_first(p, depth, lm(l)[0].start);
	if (l->cap - l->n >= 2 * LEAF_STEP)
		set_node(maps, p, depth, leaf_resize(l, round_step(l->n), 0));
}

/* Inserts @new, which overlaps no map of @maps. */
static void insert_clear(struct maps *maps, const struct map *new)
{
	struct maps_path p;
	struct maps_leaf *l;

	maps->nr++;
	maps_total++;
	if (!maps->root) {
		l = leaf_alloc(LEAF_STEP, 0);
		lm(l)[0] = *new;
		l->n = 1;
		maps->root = l;
		maps->last = &lm(l)[0];
		return;
	}
	l = descend(maps, new->start, &p);
	leaf_insert(maps, &p, l, leaf_upper(l, new->start), new);
}

/*
 * Removes the maps that start in [@lo, @hi), a leaf's run at a time; the
 * part past @hi of the last one is kept in *@tail.
 */
static void remove_starting_in(struct maps *maps, u64 lo, u64 hi, struct map *tail, bool *has_tail)
{
	struct maps_path p;

	while (maps->root) {
		struct maps_leaf *l = descend(maps, lo, &p);
		u32 a = lo ? leaf_upper(l, lo - 1) : 0, b;	/* the first start >= lo */

		if (a == l->n) {
			/* Past this leaf's maps: the next leaf's first start, where it is below @hi. */
			u64 s = next_leaf_start(maps, &p);

			if (s >= hi)
				return;
			l = descend(maps, s, &p);
			a = 0;
		}
		for (b = a; b < l->n && lm(l)[b].start < hi; b++)
			;
		if (b == a)
			return;
		if (lm(l)[b - 1].end > hi) {
			*tail = lm(l)[b - 1];
			tail->pgoff += hi - tail->start;
			tail->start = hi;
			*has_tail = true;
		}
		leaf_remove(maps, &p, l, a, b);
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

static void node_free(void *n, u32 height)
{
	struct maps_inner *in = n;
	u32 i;

	if (!height) {
		leaf_free(n);
		return;
	}
	for (i = 0; i < in->n; i++)
		node_free(in->child[i], height - 1);
	free(n);
}

/*
 * @maps lets go of its tree: freed where the tree is its alone or it is
 * the last of the sets sharing it, left to the others where not.
 */
void maps__clear(struct maps *maps)
{
	u32 *sharers = maps->sharers;

	if (sharers && --*sharers) {
		maps->sharers = NULL;
	} else {
		free(sharers);
		maps->sharers = NULL;
		if (maps->root)
			node_free(maps->root, maps->height);
		maps_total -= maps->nr;
	}
	maps->root = NULL;
	maps->height = 0;
	maps->nr = 0;
	maps->last = NULL;
}

void maps__put(struct maps *maps)
{
	if (maps && --maps->refcnt == 0) {
		maps__clear(maps);
		slab__free(&maps_slab, maps);
	}
}

struct map *maps__find(struct maps *maps, u64 ip)
{
	struct maps_leaf *l;
	struct map *m;
	u32 j;

	if (!maps)
		return NULL;
	m = maps->last;
	if (m && ip >= m->start && ip < m->end)
		return m;
	if (!maps->root)
		return NULL;
	l = descend(maps, ip, NULL);
	j = leaf_upper(l, ip);
	if (!j || ip >= lm(l)[j - 1].end)
		return NULL;
	maps->last = m = &lm(l)[j - 1];
	return m;
}

struct map *maps__first(struct maps *maps)
{
	return maps->root ? lm(descend(maps, 0, NULL)) : NULL;
}

struct map *maps__next(struct maps *maps, const struct map *map)
{
	struct maps_path p;
	struct maps_leaf *l = descend(maps, map->start, &p);
	u32 j = leaf_upper(l, map->start);
	u64 s;

	if (j < l->n)
		return &lm(l)[j];
	s = next_leaf_start(maps, &p);
	return s == UINT64_MAX ? NULL : lm(descend(maps, s, NULL));
}

/*
 * The tree @maps shares with other sets (a fork's, copy on write) becomes
 * its own: a copy, unless the others have all let go of it. A copy that
 * would take the maps past maps_limit is not made: -E2BIG.
 */
static void *node_clone(const void *n, u32 height);

static int maps__own(struct maps *maps)
{
	if (*maps->sharers > 1) {
		if (maps->nr > maps_limit - maps_total)
			return -E2BIG;
		--*maps->sharers;
		maps->root = node_clone(maps->root, maps->height);
		maps_total += maps->nr;
	} else {
		free(maps->sharers);
	}
	maps->sharers = NULL;
	maps->last = NULL;
	return 0;
}

/*
 * Inserts @new, trimming or splitting whatever it overlaps. The map that
 * starts below it and reaches in is trimmed (split where it reaches past
 * new's end too), those that start inside it go (the part past its end
 * of the last one stays), then new goes in where nothing is left in its
 * way.
 */
int maps__insert(struct maps *maps, const struct map *new)
{
	struct maps_path p;
	struct maps_leaf *l;
	struct map tail;
	bool has_tail = false;
	u32 j;

	if (new->end <= new->start)
		return 0;
	if (maps->sharers && maps__own(maps))
		return -E2BIG;
	maps->last = NULL;
	if (!maps->root) {
		insert_clear(maps, new);
		return 0;
	}
	l = descend(maps, new->start, &p);
	j = leaf_upper(l, new->start);
	if ((!j || lm(l)[j - 1].end <= new->start) &&
	    (j < l->n ? lm(l)[j].start : next_leaf_start(maps, &p)) >= new->end) {
		maps->nr++;
		maps_total++;
		leaf_insert(maps, &p, l, j, new);
		return 0;
	}
	if (j && lm(l)[j - 1].end > new->start) {
		struct map *below = &lm(l)[j - 1];

		if (below->end > new->end) {
			tail = *below;
			tail.pgoff += new->end - tail.start;
			tail.start = new->end;
			has_tail = true;
		}
		if (below->start < new->start)
			below->end = new->start;	/* its start, the tree's key, stays */
		else
			leaf_remove(maps, &p, l, j - 1, j);
	}
	remove_starting_in(maps, new->start, new->end, &tail, &has_tail);
	if (has_tail)
		insert_clear(maps, &tail);
	insert_clear(maps, new);
	return 0;
}

static size_t node_bytes(const void *n, u32 height)
{
	const struct maps_inner *in = n;
	size_t bytes = sizeof(*in);
	u32 i;

	if (!height)
		return LEAF_SIZE(((const struct maps_leaf *)n)->cap);
	for (i = 0; i < in->n; i++)
		bytes += node_bytes(in->child[i], height - 1);
	return bytes;
}

size_t maps__bytes(const struct maps *maps)
{
	return maps->root ? node_bytes(maps->root, maps->height) : 0;
}

static void *node_clone(const void *n, u32 height)
{
	const struct maps_inner *in = n;
	struct maps_inner *c;
	u32 i;

	if (!height) {
		const struct maps_leaf *l = n;
		struct maps_leaf *cl = leaf_alloc(round_step(l->n), 0);

		memcpy(lm(cl), lm(l), l->n * sizeof(lm(l)[0]));
		cl->n = l->n;
		return cl;
	}
	c = xmalloc(sizeof(*c));
	*c = *in;
	for (i = 0; i < in->n; i++)
		c->child[i] = node_clone(in->child[i], height - 1);
	return c;
}

struct maps *maps__clone(struct maps *src)
{
	struct maps *maps;

	if (!src)
		return NULL;
	maps = maps__new();
	if (!src->root)
		return maps;
	if (!src->sharers) {
		src->sharers = xmalloc(sizeof(*src->sharers));
		*src->sharers = 1;
	}
	++*src->sharers;
	maps->sharers = src->sharers;
	maps->root = src->root;
	maps->height = src->height;
	maps->nr = src->nr;
	return maps;
}

void maps__set_limit(u64 limit)
{
	const char *env = getenv("PMUKVM_MAX_MAPS");
	unsigned long long v = 0;
	char *end = NULL;

	if (env) {
		errno = 0;
		v = strtoull(env, &end, 10);
		if (errno || end == env || *end)
			v = 0;
	}
	if (v)
		maps_limit = v;
	else if (limit > maps_limit)
		maps_limit = limit;
}

u64 maps__limit(void)
{
	return maps_limit;
}
