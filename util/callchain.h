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
struct symbol;

#define CALLCHAIN_MAX_FRAMES	127	/* as perf's default --max-stack */

/** struct callchain_frame - one resolved callchain entry. */
struct callchain_frame {
	struct dso *dso;
	const struct symbol *sym;	/* NULL: unresolved, then @addr */
	u64 addr;
	u64 ip;				/* as recorded (exports; not compared) */
};

struct callchain_hash;

struct callchain_node {
	struct callchain_frame frame;	/* unused in the root */
	u64 period, samples;
	struct callchain_node *child;	/* first child; siblings by @next */
	struct callchain_node *next;
	struct callchain_node *parent;
	u32 nr_children;
	struct callchain_node *hnext;	/* in the root's hash */
	struct callchain_hash *hash;	/* the root's: every node by (parent, frame) */
};

/** callchain__add - counts one sample's path of @n frames under *@root. */
void callchain__add(struct callchain_node **root, const struct callchain_frame *frames,
		    size_t n, u64 period);

/** callchain__sort - children by period, largest first, at every level. */
void callchain__sort(struct callchain_node *root);

void callchain__free(struct callchain_node *root);

/** callchain_frame__snprint - the symbol's name, or the address in hex. */
int callchain_frame__snprint(const struct callchain_frame *f, char *buf, size_t len);

#endif
