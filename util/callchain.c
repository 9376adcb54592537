// SPDX-License-Identifier: GPL-2.0
#include "util/callchain.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
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
 * and is made when a first node grows wide; the root holds it in place of
 * a key of its own. A node whose children are in the table is marked
 * CALLCHAIN_WIDE: it is the one bit a node needs for it (no count of
 * children, no parent link), as the list is walked whole before a child
 * is added.
 */
#define LIST_MAX	8
#define MEMO_SLOTS	32	/* a power of two */
#define TREE_MAX	((u32)INT32_MAX)	/* nodes: the links are s32 offsets */

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

#define FLAGS		(CALLCHAIN_KEY_ADDR | CALLCHAIN_WIDE)

static inline struct callchain_hash *tree_hash(const struct callchain_node *root)
{
	return (struct callchain_hash *)(root->t.hash & ~CALLCHAIN_WIDE);
}

static inline bool is_wide(const struct callchain_node *n)
{
	return n->k.dso & CALLCHAIN_WIDE;
}

/* Keys are the same when they name the same symbol, or the same address. */
static inline bool node_is(const struct callchain_node *n, const struct callchain_key *k)
{
	if (k->sym)
		return n->k.sym == k->sym && !(n->k.dso & CALLCHAIN_KEY_ADDR);
	return (n->k.dso & ~CALLCHAIN_WIDE) == ((uintptr_t)k->dso | CALLCHAIN_KEY_ADDR) &&
	       n->k.addr == k->addr;
}

static inline void node_set_key(struct callchain_node *n, const struct callchain_key *k)
{
	if (k->sym) {
		n->k.dso = (uintptr_t)k->dso;
		n->k.sym = k->sym;
	} else {
		n->k.dso = (uintptr_t)k->dso | CALLCHAIN_KEY_ADDR;
		n->k.addr = k->addr;
	}
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
	struct callchain_key k = callchain_node__key(&base[node]);
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
	struct callchain_node *root = xcalloc(alloc, sizeof(*root));

	root->t.nr = 1;
	root->t.alloc = alloc;
	return root;
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
	struct callchain_node *root = *rootp;
	size_t alloc = root->t.alloc;

	if (root->t.nr < alloc)
		return true;
	if (root->t.nr >= TREE_MAX)
		return false;
	alloc = alloc == 1 ? 1 + want : alloc + alloc / 4 + 1;
	if (alloc > TREE_MAX)
		alloc = TREE_MAX;
	root = xrealloc(root, alloc * sizeof(*root));
	root->t.alloc = (u32)alloc;
	*rootp = root;
	return true;
}

/*
 * A new node for @k under node @pi, which has @nr children in a list (as
 * find_child counted them) or is wide; first among its children. Hashes
 * the children of a parent that grows wide. Moves the tree; returns the
 * node's number, 0 when the tree is full.
 */
static u32 new_child(struct callchain_node **rootp, u32 pi, const struct callchain_key *k,
		     size_t want, u32 nr)
{
	struct callchain_node *base, *parent, *c;
	u32 ci;

	if (!tree_room(rootp, want))
		return 0;
	base = *rootp;
	ci = base->t.nr++;
	parent = &base[pi];
	c = &base[ci];
	node_set_key(c, k);
	c->period = c->samples = 0;
	c->child = 0;
	c->next = offset(c, child_of(parent));
	parent->child = offset(parent, c);
	if (is_wide(parent)) {
		hash_insert(tree_hash(base), base, pi, ci);
	} else if (nr == LIST_MAX) {
		struct callchain_node *x;

		if (!tree_hash(base))
			base->t.hash = (uintptr_t)xzalloc(sizeof(struct callchain_hash));
		parent->k.dso |= CALLCHAIN_WIDE;
		for (x = c; x; x = next_of(x))
			hash_insert(tree_hash(base), base, pi, (u32)(x - base));
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
	node->period += period;
	node->samples++;
	for (i = 0; i < n; i++) {
		const struct callchain_frame *f = &frames[i];
		struct callchain_node *c = child_of(node);

		/* The first child first: where the last path through went. */
		if (!c || !(f->sym ? c->k.sym == f->sym && !(c->k.dso & CALLCHAIN_KEY_ADDR) :
			    (c->k.dso & ~CALLCHAIN_WIDE) ==
			    ((uintptr_t)f->dso | CALLCHAIN_KEY_ADDR) && c->k.addr == f->addr)) {
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
		c->period += period;
		c->samples++;
		node = c;
	}
}

/*
 * By period, largest first; ties by name, then address: an order that does
 * not hang on the order paths came in, so that a tree merged from others
 * (the browser's regrouped rows) prints as the one built directly.
 */
static bool node_before(const void *a, const void *b)
{
	const struct callchain_node *x = *(struct callchain_node *const *)a;
	const struct callchain_node *y = *(struct callchain_node *const *)b;
	struct callchain_key kx, ky;
	const struct callchain_key *fx = &kx, *fy = &ky;
	int c;

	if (x->period != y->period)
		return x->period > y->period;
	kx = callchain_node__key(x);
	ky = callchain_node__key(y);
	if (fx->sym && fy->sym) {
		if (fx->sym == fy->sym)
			return false;
		c = strcmp(symbol__name(fx->sym), symbol__name(fy->sym));
		if (c)
			return c < 0;
		if (fx->sym->start != fy->sym->start)
			return fx->sym->start < fy->sym->start;
		return fx->dso && fy->dso && fx->dso != fy->dso &&
		       strcmp(map__dso_name(fx->dso), map__dso_name(fy->dso)) < 0;
	}
	if (fx->sym || fy->sym)
		return fx->sym != NULL;
	if (fx->addr != fy->addr)
		return fx->addr < fy->addr;
	return fx->dso != fy->dso && fx->dso && fy->dso &&
	       strcmp(map__dso_name(fx->dso), map__dso_name(fy->dso)) < 0;
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
	for (i = 0; i < root->t.nr; i++)
		sort_children(&root[i], &arr, &alloc);
	free(arr);
}

void callchain__free(struct callchain_node *root)
{
	struct callchain_hash *ht;

	if (!root)
		return;
	ht = tree_hash(root);
	if (ht) {
		free(ht->table);
		free(ht);
	}
	free(root);
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
		c->period += s->period;
		c->samples += s->samples;
		merge_children(dst, ci, s);	/* as deep as @src: at most 128 */
	}
}

void callchain__merge(struct callchain_node **dst, const struct callchain_node *src)
{
	if (!src)
		return;
	if (!*dst)
		*dst = new_tree(1);
	(*dst)->period += src->period;
	(*dst)->samples += src->samples;
	merge_children(dst, 0, src);
}

u32 *callchain__parents(const struct callchain_node *root)
{
	u32 *parents = xmalloc(root->t.nr * sizeof(*parents)), i;

	parents[0] = 0;
	for (i = 0; i < root->t.nr; i++) {
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
	struct callchain_hash *ht = tree_hash(root);
	u32 nr = root->t.nr, kept = 0, i, *map, *parents;

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

		n->period = n->period * 7 / 8;
		n->samples = n->samples * 7 / 8;
		map[i] = i && ((!n->period && !n->samples) || map[parents[i]] == UINT32_MAX) ?
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
	root->t.nr = kept;
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
			n->k.dso &= ~CALLCHAIN_WIDE;
			if (nc > LIST_MAX) {
				n->k.dso |= CALLCHAIN_WIDE;
				for (c = child_of(n); c; c = next_of(c))
					hash_insert(ht, root, i, (u32)(c - root));
			}
		}
	}
	return root->period || root->samples;
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
		    callchain_param__parse(&p, argv[i + 1], NULL))
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
