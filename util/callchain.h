/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_CALLCHAIN_H
#define PMUKVM_CALLCHAIN_H

/*
 * The call paths of one report row, as a tree: the root stands for the row,
 * its children are the first frames of the samples' callchains (the
 * sampled function itself), theirs the callers, and so on. Each node
 * counts the samples and period of the paths through it.
 */
#include "util/util.h"

struct dso;
struct err;
struct symbol;

#define CALLCHAIN_MAX_FRAMES	127	/* as perf's default --max-stack */

/** struct callchain_frame - one resolved callchain entry. */
struct callchain_frame {
	struct dso *dso;
	const struct symbol *sym;	/* NULL: unresolved, then @addr */
	u64 addr;
	u64 ip;				/* as recorded (exports; not compared) */
	char level;			/* as addr_location's, for --children rows */
	u8 cpumode;
	/* as addr_location's: @sym not looked up yet (machines__resolve_held_frames) */
	bool held;
};

/**
 * struct callchain_key - what a tree node stands for: a symbol, or (no
 * symbol) an address in a DSO. A frame's key: its dso, sym and addr.
 */
struct callchain_key {
	struct dso *dso;
	const struct symbol *sym;	/* NULL: unresolved, then @addr */
	u64 addr;
};

struct callchain_hash;

/*
 * A tree is one array of nodes, the root first, behind a small head of
 * its own (the root's pointer is the array's); nodes link to their first
 * child and next sibling by offsets in nodes (0: none), so that the array
 * can move as it grows. A node names what it stands for by a number in
 * one table of keys that every tree shares (a tree of a long system-wide
 * recording with --children has millions of nodes, and a few thousand
 * keys), and counts its period and samples in one 64-bit word, 40 bits
 * and 24, with a big form for the node that outgrows them (its counts
 * then in one table of big counts, the word saying where): 20 bytes, no
 * holes, where a 64-bit period and 32-bit count made 24, the key in the
 * node and a 64-bit count 40, and a malloc chunk of its own 72 before
 * that. A node has no link to its parent: the
 * walks that go up (the flat and folded printers, the browser's fold
 * keys) take the parents from callchain__parents(). Read the links, the
 * key and the counts with the callchain_node__ helpers below.
 */
typedef u64 u64_align4 __attribute__((aligned(4)));	/* so that a node is 20 bytes */

struct callchain_node {
	u64_align4 count;		/* period << 24 | samples: callchain_node__period(), __samples() */
	u32 key;			/* its number in the keys' table, | a flag; 0: the root */
	s32 child, next;		/* offsets: first child, next sibling */
};

/*
 * @count's low 24 bits: the sample count, its high 40 the period; the low
 * bits all ones (CALLCHAIN_BIG): both are in the big counts, the high
 * bits saying which (one test on the hot path, where a flag would take
 * two).
 */
#define CALLCHAIN_SAMPLES_BITS	24
#define CALLCHAIN_BIG		((1u << CALLCHAIN_SAMPLES_BITS) - 1)

struct callchain_big {
	u64 period, samples;
};

/* callchain__big - the counts of a node whose count word is big. */
const struct callchain_big *callchain__big(const struct callchain_node *n);

static inline bool callchain_node__big(const struct callchain_node *n)
{
	return ((u32)n->count & CALLCHAIN_BIG) == CALLCHAIN_BIG;
}

/** callchain_node__samples - how many samples' paths pass through @n (the root: all). */
static inline u64 callchain_node__samples(const struct callchain_node *n)
{
	return !callchain_node__big(n) ? (u32)n->count & CALLCHAIN_BIG : callchain__big(n)->samples;
}

/** callchain_node__period - the period of the samples whose paths pass through @n. */
static inline u64 callchain_node__period(const struct callchain_node *n)
{
	return !callchain_node__big(n) ? n->count >> CALLCHAIN_SAMPLES_BITS : callchain__big(n)->period;
}

static inline const struct callchain_node *callchain_node__child(const struct callchain_node *n)
{
	return n->child ? n + n->child : NULL;
}

static inline const struct callchain_node *callchain_node__next(const struct callchain_node *n)
{
	return n->next ? n + n->next : NULL;
}

/* callchain__nr_nodes - how many nodes the tree at @root holds, the root too. */
u32 callchain__nr_nodes(const struct callchain_node *root);

/* callchain__bytes - the memory the tree at @root holds: its array, room to grow, hash table. */
size_t callchain__bytes(const struct callchain_node *root);

/*
 * callchain__parents - the number (place in the array) of every node's
 * parent in the tree at @root, the root's 0; free() it.
 */
u32 *callchain__parents(const struct callchain_node *root);

/* @n's parent in the tree at @root, with @parents from callchain__parents; NULL: the root. */
static inline const struct callchain_node *callchain_node__parent(const struct callchain_node *root,
								  const u32 *parents,
								  const struct callchain_node *n)
{
	return n == root ? NULL : root + parents[n - root];
}

/** callchain_node__key - a node's key (not the root's): its symbol, or its dso and address. */
struct callchain_key callchain_node__key(const struct callchain_node *n);

/** callchain__add - counts one sample's path of @n frames under *@root. */
void callchain__add(struct callchain_node **root, const struct callchain_frame *frames,
		    size_t n, u64 period);

/**
 * callchain__sort - children by period, largest first, at every level;
 * equal ones by name, then address (not by the order they came in).
 */
void callchain__sort(struct callchain_node *root);

void callchain__free(struct callchain_node *root);

/**
 * callchain__read_names - reads the names of every symbol a tree's node
 * stands for, in their files' order (symbols__read_names), before the
 * trees are sorted and drawn.
 */
void callchain__read_names(void);

/**
 * callchain__merge - adds every path of @src, with its counts, to *@dst
 * (made when NULL). @src is only read.
 */
void callchain__merge(struct callchain_node **dst, const struct callchain_node *src);

/**
 * callchain__decay - scales every count by 7/8, as hists__decay does rows,
 * dropping the paths that reach zero (top). Returns whether @root still
 * counts anything.
 */
bool callchain__decay(struct callchain_node *root);

/*
 * How call paths are shown, as perf report's -g/--call-graph argument
 * gives it: print type, order, what the numbers are, the minimum and how
 * many entries a level prints.
 */
enum callchain_mode {
	CHAIN_GRAPH_ABS,	/* "graph": percentages of the event's total */
	CHAIN_GRAPH_REL,	/* "fractal": of the parent's */
	CHAIN_FLAT,		/* "flat": each path whole, outermost last */
	CHAIN_FOLDED,		/* "folded": each path on a line, ';' between */
	CHAIN_NONE,		/* "none": no paths */
};

enum callchain_order {
	ORDER_CALLEE,		/* the sampled function first */
	ORDER_CALLER,		/* the outermost caller first */
};

enum callchain_value {
	CCVAL_PERCENT,
	CCVAL_PERIOD,
	CCVAL_COUNT,		/* samples */
};

struct callchain_param {
	enum callchain_mode mode;
	enum callchain_order order;
	enum callchain_value value;
	double min_percent;	/* hide paths below this (default 0.5) */
	u32 print_limit;	/* entries per level; 0: all */
	bool order_set;		/* order given, not the default */
};

#define CALLCHAIN_PARAM_DEFAULT { .mode = CHAIN_GRAPH_ABS, .order = ORDER_CALLEE, \
				  .value = CCVAL_PERCENT, .min_percent = 0.5 }

/* What a bare -g stands for, as in perf. */
#define CALLCHAIN_DEFAULT_OPT	"graph,0.5,caller,function,percent"

/**
 * callchain_param__parse - perf report's -g argument: comma-separated
 * fields in any order: a print type (graph, flat, fractal, folded, none),
 * an order (caller, callee), a sort key (function), a value (percent,
 * period, count), then numbers: the minimum percentage, then the print
 * limit. Returns 0, or -EINVAL with the bad field named in @err.
 */
int callchain_param__parse(struct callchain_param *p, const char *arg, struct err *err);

/**
 * callchain_argv__join - as perf's -g, whose argument may be the next word:
 * "-g caller" (or "--call-graph caller") becomes "--call-graph=caller" where
 * the word parses as callchain_param__parse takes it. Returns the new argc.
 */
int callchain_argv__join(int argc, char **argv);

/* Room for a frame's address as callchain_key__name writes it ("0x" and 16 digits). */
#define CALLCHAIN_ADDR_LEN	19

/**
 * callchain_key__name - a node's name: its symbol's, whole, or else its
 * address in hex, written into @buf.
 */
const char *callchain_key__name(const struct callchain_key *k, char buf[CALLCHAIN_ADDR_LEN]);

/* callchain_node__name - as callchain_key__name, a node's (not the root's). */
const char *callchain_node__name(const struct callchain_node *n, char buf[CALLCHAIN_ADDR_LEN]);

#endif
