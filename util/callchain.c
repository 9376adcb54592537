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
 * link in the nodes) and made when a first node grows wide; the root
 * holds it in place of a frame of its own.
 */
#define LIST_MAX	8
#define MEMO_SLOTS	32	/* a power of two */

struct callchain_hash {
	struct callchain_node **table;	/* NULL: free */
	size_t size, nr;		/* size: 0 or a power of two */
	/*
	 * The last lookups, by an unkeyed mix of (parent, frame): wide
	 * parents are looked up again and again (a hot caller's callees), and
	 * the keyed hash costs more than the rest of a step. A slot only
	 * suggests: what it holds is checked, so a crafted file that makes
	 * slots collide only makes them miss.
	 */
	struct callchain_node *memo[MEMO_SLOTS];
};

static void key_of(struct callchain_key *k, const struct callchain_frame *f)
{
	k->dso = f->dso;
	k->sym = f->sym;
	k->addr = f->addr;
}

/* Keys are the same when they name the same symbol, or the same address. */
static inline bool key_eq(const struct callchain_key *a, const struct callchain_key *b)
{
	if (a->sym || b->sym)
		return a->sym == b->sym;
	return a->dso == b->dso && a->addr == b->addr;
}

/* Keyed: addresses come from the file, and must not choose the buckets. */
static size_t key_hash(const struct callchain_node *parent, const struct callchain_key *k)
{
	u64 v[3] = { (uintptr_t)parent, (uintptr_t)k->sym, 0 };

	if (!k->sym) {
		v[1] = (uintptr_t)k->dso;
		v[2] = k->addr;
	}
	return (size_t)hash_bytes(v, sizeof(v));
}

static size_t memo_slot(const struct callchain_node *parent, const struct callchain_key *k)
{
	u64 v = (uintptr_t)parent ^ (k->sym ? (uintptr_t)k->sym : k->addr ^ (uintptr_t)k->dso);

	return (size_t)((v * 0x9e3779b97f4a7c15ull) >> 59) & (MEMO_SLOTS - 1);
}

static void table_put(struct callchain_hash *ht, struct callchain_node *n)
{
	size_t b = key_hash(n->parent, &n->frame) & (ht->size - 1);

	while (ht->table[b])
		b = (b + 1) & (ht->size - 1);
	ht->table[b] = n;
}

static void hash_insert(struct callchain_hash *ht, struct callchain_node *n)
{
	if (2 * (ht->nr + 1) > ht->size) {
		struct callchain_node **old = ht->table;
		size_t osize = ht->size, i;

		ht->size = osize ? 2 * osize : 64;
		ht->table = xcalloc(ht->size, sizeof(*ht->table));
		for (i = 0; i < osize; i++)
			if (old[i])
				table_put(ht, old[i]);
		free(old);
	}
	table_put(ht, n);
	ht->nr++;
}

static struct callchain_node *find_child(struct callchain_hash *ht,
					 struct callchain_node *parent,
					 const struct callchain_key *k)
{
	struct callchain_node **pp, *c;

	if (parent->nr_children > LIST_MAX) {
		size_t m = memo_slot(parent, k), b;

		c = ht->memo[m];
		if (c && c->parent == parent && key_eq(&c->frame, k))
			return c;
		for (b = key_hash(parent, k) & (ht->size - 1); (c = ht->table[b]) != NULL;
		     b = (b + 1) & (ht->size - 1))
			if (c->parent == parent && key_eq(&c->frame, k)) {
				ht->memo[m] = c;
				return c;
			}
		return NULL;
	}
	for (pp = &parent->child; *pp && !key_eq(&(*pp)->frame, k); pp = &(*pp)->next)
		;
	c = *pp;
	if (c && pp != &parent->child) {
		*pp = c->next;
		c->next = parent->child;
		parent->child = c;
	}
	return c;
}

/* The root's table, made on first need. */
static struct callchain_hash *root_hash(struct callchain_node *root)
{
	if (!root->hash)
		root->hash = xzalloc(sizeof(*root->hash));
	return root->hash;
}

/* A new node for @k under @parent; hashes the children of a wide parent. */
static struct callchain_node *new_child(struct callchain_node *root,
					struct callchain_node *parent,
					const struct callchain_key *k)
{
	struct callchain_node *c = xmalloc(sizeof(*c));

	c->frame = *k;
	c->period = c->samples = 0;
	c->child = NULL;
	c->nr_children = 0;
	c->parent = parent;
	c->next = parent->child;
	parent->child = c;
	parent->nr_children++;
	if (parent->nr_children == LIST_MAX + 1) {
		struct callchain_hash *ht = root_hash(root);
		struct callchain_node *x;

		for (x = parent->child; x; x = x->next)
			hash_insert(ht, x);
	} else if (parent->nr_children > LIST_MAX) {
		hash_insert(root->hash, c);
	}
	return c;
}

static struct callchain_node *new_root(void)
{
	return xzalloc(sizeof(struct callchain_node));
}

void callchain__add(struct callchain_node **root, const struct callchain_frame *frames,
		    size_t n, u64 period)
{
	struct callchain_node *node;
	size_t i;

	if (!*root)
		*root = new_root();
	node = *root;
	node->period += period;
	node->samples++;
	for (i = 0; i < n; i++) {
		const struct callchain_frame *f = &frames[i];
		struct callchain_node *c = node->child;

		/* The first child first: where the last path through went. */
		if (!c || !(f->sym || c->frame.sym ? c->frame.sym == f->sym :
			    c->frame.dso == f->dso && c->frame.addr == f->addr)) {
			struct callchain_key k;

			key_of(&k, f);
			c = find_child((*root)->hash, node, &k);
			if (!c)
				c = new_child(*root, node, &k);
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
	const struct callchain_key *fx = &x->frame, *fy = &y->frame;
	int c;

	if (x->period != y->period)
		return x->period > y->period;
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

void callchain__sort(struct callchain_node *root)
{
	struct callchain_node *c, **arr;
	size_t n = 0, i;

	if (!root)
		return;
	for (c = root->child; c; c = c->next)
		n++;
	if (n > 1) {
		arr = xmalloc(n * sizeof(*arr));
		for (i = 0, c = root->child; c; c = c->next)
			arr[i++] = c;
		sort_runs(arr, n, sizeof(*arr), node_before);	/* stable */
		for (i = 0; i + 1 < n; i++)
			arr[i]->next = arr[i + 1];
		arr[n - 1]->next = NULL;
		root->child = arr[0];
		free(arr);
	}
	for (c = root->child; c; c = c->next)
		callchain__sort(c);
}

static void free_nodes(struct callchain_node *n)
{
	/* Iterative over siblings, recursive over depth (at most 128 deep). */
	while (n) {
		struct callchain_node *next = n->next;

		free_nodes(n->child);
		free(n);
		n = next;
	}
}

void callchain__free(struct callchain_node *root)
{
	if (!root)
		return;
	if (root->hash) {
		free(root->hash->table);
		free(root->hash);
	}
	free_nodes(root->child);
	free(root);
}

static void merge_children(struct callchain_node *root, struct callchain_node *dst,
			   const struct callchain_node *src)
{
	const struct callchain_node *s;

	for (s = src->child; s; s = s->next) {
		struct callchain_node *c = find_child(root->hash, dst, &s->frame);

		if (!c)
			c = new_child(root, dst, &s->frame);
		c->period += s->period;
		c->samples += s->samples;
		merge_children(root, c, s);	/* as deep as @src: at most 128 */
	}
}

void callchain__merge(struct callchain_node **dst, const struct callchain_node *src)
{
	if (!src)
		return;
	if (!*dst)
		*dst = new_root();
	(*dst)->period += src->period;
	(*dst)->samples += src->samples;
	merge_children(*dst, *dst, src);
}

/*
 * Scales @n's children, drops those that reach zero; re-hashes the kept
 * ones where @n still has more than LIST_MAX.
 */
static void decay_children(struct callchain_hash *ht, struct callchain_node *n)
{
	struct callchain_node **pp = &n->child, *c;

	n->nr_children = 0;
	while (*pp) {
		c = *pp;
		c->period = c->period * 7 / 8;
		c->samples = c->samples * 7 / 8;
		if (!c->period && !c->samples) {
			*pp = c->next;
			c->next = NULL;
			free_nodes(c->child);
			free(c);
			continue;
		}
		n->nr_children++;
		pp = &c->next;
	}
	for (c = n->child; c; c = c->next) {
		if (n->nr_children > LIST_MAX)
			hash_insert(ht, c);
		decay_children(ht, c);
	}
}

bool callchain__decay(struct callchain_node *root)
{
	struct callchain_hash *ht = root->hash;

	root->period = root->period * 7 / 8;
	root->samples = root->samples * 7 / 8;
	if (ht) {
		/* Emptied, and filled again with the kept children of wide nodes. */
		memset(ht->table, 0, ht->size * sizeof(*ht->table));
		memset(ht->memo, 0, sizeof(ht->memo));
		ht->nr = 0;
	}
	decay_children(ht, root);
	return root->period || root->samples;
}

const char *callchain_key__name(const struct callchain_key *k, char buf[CALLCHAIN_ADDR_LEN])
{
	if (k->sym)
		return symbol__name(k->sym);
	snprintf(buf, CALLCHAIN_ADDR_LEN, "%#" PRIx64, k->addr);
	return buf;
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
