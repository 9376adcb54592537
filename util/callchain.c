// SPDX-License-Identifier: GPL-2.0
#include "util/callchain.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "symbols/symtab.h"

/* Frames are the same when they name the same symbol, or the same address. */
static bool frame_eq(const struct callchain_frame *a, const struct callchain_frame *b)
{
	if (a->sym || b->sym)
		return a->sym == b->sym;
	return a->dso == b->dso && a->addr == b->addr;
}

void callchain__add(struct callchain_node **root, const struct callchain_frame *frames,
		    size_t n, u64 period)
{
	struct callchain_node *node;
	size_t i;

	if (!*root)
		*root = xzalloc(sizeof(**root));
	node = *root;
	node->period += period;
	node->samples++;
	for (i = 0; i < n; i++) {
		struct callchain_node **pp = &node->child, *c;

		/* Move the child found to the front: paths repeat. */
		while (*pp && !frame_eq(&(*pp)->frame, &frames[i]))
			pp = &(*pp)->next;
		c = *pp;
		if (c) {
			*pp = c->next;
		} else {
			c = xzalloc(sizeof(*c));
			c->frame = frames[i];
		}
		c->next = node->child;
		node->child = c;
		c->period += period;
		c->samples++;
		node = c;
	}
}

static bool node_before(const void *a, const void *b)
{
	const struct callchain_node *x = *(struct callchain_node *const *)a;
	const struct callchain_node *y = *(struct callchain_node *const *)b;

	return x->period > y->period;
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

void callchain__free(struct callchain_node *root)
{
	/* Iterative over siblings, recursive over depth (at most 128 deep). */
	while (root) {
		struct callchain_node *next = root->next;

		callchain__free(root->child);
		free(root);
		root = next;
	}
}

int callchain_frame__snprint(const struct callchain_frame *f, char *buf, size_t len)
{
	if (f->sym)
		return snprintf(buf, len, "%s", f->sym->name);
	return snprintf(buf, len, "%#" PRIx64, f->addr);
}
