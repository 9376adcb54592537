// SPDX-License-Identifier: GPL-2.0
/*
 * Call path trees: a tree merged from trees of parts of the samples is the
 * tree of all of them, siblings of equal period sort alike whatever order
 * the paths came in (the browser's regrouped rows print as --stdio's), and
 * decay scales and prunes paths, with lookups still finding the kept ones.
 */
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "symbols/symtab.h"
#include "tests/unit/unit.h"
#include "util/callchain.h"

#define CHILD(n)	callchain_node__child(n)
#define NEXT(n)		callchain_node__next(n)
#define KEY(n)		callchain_node__key(n)

/* "name(period/samples)[children...]" of a sorted tree (@n its root, or not). */
static size_t dump_node(const struct callchain_node *n, bool root, char *buf, size_t len,
			size_t at)
{
	const struct callchain_node *c;
	char addr[CALLCHAIN_ADDR_LEN];

	if (!root)
		at += (size_t)snprintf(buf + at, len - at, "%s", callchain_node__name(n, addr));
	at += (size_t)snprintf(buf + at, len - at, "(%llu/%llu)[",
			       (unsigned long long)callchain_node__period(n),
			       (unsigned long long)callchain_node__samples(n));
	for (c = CHILD(n); c && at < len; c = NEXT(c))
		at = dump_node(c, false, buf, len, at);
	at += (size_t)snprintf(buf + at, len - at, "]");
	return at < len ? at : len - 1;
}

static size_t dump(const struct callchain_node *root, char *buf, size_t len, size_t at)
{
	return dump_node(root, true, buf, len, at);
}

static void paths_add(struct callchain_node **root, const struct symbol *const *syms,
		      const int (*paths)[4], const u64 *periods, size_t from, size_t to,
		      bool backwards)
{
	for (size_t k = from; k < to; k++) {
		size_t i = backwards ? to - 1 - (k - from) : k;
		struct callchain_frame f[4];
		size_t n = 0;

		for (int j = 0; j < 4 && paths[i][j] >= 0; j++) {
			f[n] = (struct callchain_frame){ .sym = syms[paths[i][j]] };
			if (paths[i][j] == 4) {		/* unresolved: by address */
				f[n].sym = NULL;
				f[n].addr = 0xdead;
			}
			n++;
		}
		callchain__add(root, f, n, periods[i]);
	}
}

void test_callchain_merge(void)
{
	/* callee first: 0 leaf, 1 mid, 2 other, 3 main, 4 an unresolved address */
	static const int paths[][4] = {
		{ 0, 1, 3, -1 }, { 0, 2, 3, -1 }, { 0, 1, 3, -1 }, { 1, 3, -1, -1 },
		{ 2, 3, -1, -1 }, { 0, 4, 3, -1 }, { 0, 2, 3, -1 }, { 2, 4, -1, -1 },
	};
	static const u64 periods[] = { 10, 10, 5, 7, 7, 3, 5, 1 };
	const size_t nr = sizeof(periods) / sizeof(periods[0]);
	const struct symbol *syms[5];
	struct callchain_node *direct = NULL, *other = NULL, *a = NULL, *b = NULL, *merged = NULL;
	struct symtab tab;
	char want[2048], got[2048];

	unit_symtab_funcs(&tab, (const char *const[]){ "leaf", "mid", "other", "main" }, 4);
	for (int i = 0; i < 4; i++)
		syms[i] = symtab__find(&tab, 0x100 * (u64)(i + 1));
	syms[4] = NULL;
	CHECK(syms[0] && syms[3] && !strcmp(symbol__name(syms[1]), "mid"));

	paths_add(&direct, syms, paths, periods, 0, nr, false);
	paths_add(&other, syms, paths, periods, 0, nr, true);	/* another order */
	paths_add(&a, syms, paths, periods, 0, 3, false);
	paths_add(&b, syms, paths, periods, 3, nr, true);
	callchain__merge(&merged, b);
	callchain__merge(&merged, a);
	callchain__merge(&merged, NULL);
	callchain__sort(direct);
	callchain__sort(other);
	callchain__sort(merged);
	dump(direct, want, sizeof(want), 0);
	dump(other, got, sizeof(got), 0);
	CHECK_STR(got, want);
	dump(merged, got, sizeof(got), 0);
	CHECK_STR(got, want);
	/* mid and other under leaf: equal periods, as perf's, the larger start first */
	CHECK_STR(want, "(48/8)[leaf(33/5)[other(15/2)[main(15/2)[]]mid(15/2)[main(15/2)[]]"
		  "0xdead(3/1)[main(3/1)[]]]other(8/2)[main(7/1)[]0xdead(1/1)[]]mid(7/1)[main(7/1)[]]]");

	/* decay: 7/8 of every count, paths at zero dropped, the rest still found */
	CHECK(callchain__decay(merged));
	dump(merged, got, sizeof(got), 0);
	CHECK_STR(got, "(42/7)[leaf(28/4)[other(13/1)[main(13/1)[]]mid(13/1)[main(13/1)[]]"
		  "0xdead(2/0)[main(2/0)[]]]other(7/1)[main(6/0)[]]mid(6/0)[main(6/0)[]]]");
	paths_add(&merged, syms, paths, periods, 0, 1, false);
	callchain__sort(merged);
	dump(merged, got, sizeof(got), 0);
	/* the kept nodes are found again: no second "mid" under leaf */
	{
		const char *w = "(52/8)[leaf(38/5)[mid(23/2)[main(23/2)[]]other(13/1)";

		CHECK(!strncmp(got, w, strlen(w)));
	}
	for (int i = 0; i < 8; i++)
		callchain__decay(merged);
	for (int i = 0; i < 40 && callchain__decay(merged); i++)
		;
	CHECK(!callchain__decay(merged) && !CHILD(merged));

	callchain__free(direct);
	callchain__free(other);
	callchain__free(a);
	callchain__free(b);
	callchain__free(merged);
	symtab__exit(&tab);
}

/*
 * A node costs its 24 bytes and the array's room to grow, little else: the
 * tree's hash holds only the children of nodes with many (100,000 nodes on
 * paths that do not branch below the root's wide level), nodes are no
 * malloc chunks of their own (72-byte nodes in 80-byte chunks were), and
 * a key is kept once in the keys' table however many nodes have it (here
 * 2,000 first frames, then 97 frames again and again, as the callers of a
 * real profile are). Counted with mallinfo2 (heap and mmapped blocks);
 * skipped where the allocator does not count (sanitizers).
 */
void test_callchain_memory(void)
{
	enum { PATHS = 2000, DEPTH = 50 };
	static struct callchain_frame frames[DEPTH];
	struct callchain_node *root = NULL;
	const struct callchain_node *c;
	struct mallinfo2 before, after;
	size_t p, d, used, nr;

	before = mallinfo2();
	for (p = 0; p < PATHS; p++) {
		for (d = 0; d < DEPTH; d++)
			frames[d] = (struct callchain_frame){
				.addr = d ? 0x500000 + (p + d) % 97 : 0x400000 + p * 4096
			};
		callchain__add(&root, frames, DEPTH, 1);
	}
	after = mallinfo2();
	used = (after.uordblks + after.hblkhd) - (before.uordblks + before.hblkhd);
	if (used) {
		size_t per = used / (PATHS * DEPTH);

		if (per > 32)
			fprintf(stderr, "%zu bytes a node, the node itself %zu\n", per,
				sizeof(*root));
		CHECK(per <= 32);
	}
	CHECK(root && callchain_node__samples(root) == PATHS);
	for (c = root ? CHILD(root) : NULL, nr = 0; c; c = NEXT(c))
		nr++;
	CHECK(nr == PATHS);
	callchain__free(root);
	/* The counts in 64 bits, the key's number and two links in 32 each. */
	CHECK(sizeof(struct callchain_node) == 20);
}

/* Each child of @n once: no key twice among siblings; returns how many. */
static size_t distinct_children(const struct callchain_node *n)
{
	const struct callchain_node *a, *b;
	size_t nr = 0;

	for (a = CHILD(n); a; a = NEXT(a), nr++)
		for (b = NEXT(a); b; b = NEXT(b))
			CHECK(KEY(a).sym != KEY(b).sym || KEY(a).addr != KEY(b).addr ||
			      KEY(a).dso != KEY(b).dso);
	return nr;
}

/*
 * Wide nodes (more than the list's 8 children) are searched through the
 * tree's table and the lookups' memo: against a count kept aside, every
 * path is found again (never a second node for one key), through adds in
 * a scrambled order, merges and decays; symbols and unresolved addresses
 * alike, at the root and one level down.
 */
void test_callchain_wide(void)
{
	enum { WIDE = 300, ROUNDS = 7 };
	static u64 want[WIDE][2];	/* samples at (i, leaf symbol or not) */
	const struct symbol *syms[3];
	struct callchain_node *root = NULL, *merged = NULL;
	const struct callchain_node *c;
	struct symtab tab;
	size_t r, i, k;

	unit_symtab_funcs(&tab, (const char *const[]){ "a", "b", "c" }, 3);
	for (i = 0; i < 3; i++)
		syms[i] = symtab__find(&tab, 0x100 * (u64)(i + 1));
	for (r = 0; r < ROUNDS; r++) {
		for (k = 0; k < WIDE; k++) {
			/* a scrambled order: 7 is prime to WIDE */
			struct callchain_frame f[3];

			i = (k * 7 + r * 13) % WIDE;
			f[0] = (struct callchain_frame){ .addr = 0x1000 + 16 * i };
			f[1] = (struct callchain_frame){ .sym = syms[i % 3] };
			f[2] = (struct callchain_frame){ .addr = 0x900000 + i };
			callchain__add(&root, f, (r + i) % 2 ? 3 : 2, 1 + i % 5);
			want[i][(r + i) % 2]++;
		}
		if (r == 3)
			callchain__merge(&merged, root);
	}
	CHECK(callchain_node__samples(root) == WIDE * ROUNDS && distinct_children(root) == WIDE);
	for (c = CHILD(root); c; c = NEXT(c)) {
		i = (KEY(c).addr - 0x1000) / 16;
		CHECK(!KEY(c).sym && i < WIDE &&
		      callchain_node__samples(c) == want[i][0] + want[i][1]);
		CHECK(distinct_children(c) == 1 && KEY(CHILD(c)).sym == syms[i % 3]);
		CHECK(callchain_node__samples(CHILD(c)) == callchain_node__samples(c));
		CHECK(CHILD(CHILD(c)) && callchain_node__samples(CHILD(CHILD(c))) == want[i][1] &&
		      KEY(CHILD(CHILD(c))).addr == 0x900000 + i);
	}
	/*
	 * One level down, wide too: two root children with the same keys
	 * under each, taking turns (a node is its parent's, not a sibling's
	 * of the same key elsewhere).
	 */
	for (i = 0; i < 4 * WIDE; i++) {
		struct callchain_frame f[2] = { { .sym = syms[i % 2] },
						{ .addr = 0x5000 + (i / 2) % WIDE } };

		callchain__add(&merged, f, 2, 1);
	}
	for (k = 0; k < 2; k++) {
		const struct callchain_node *d;
		u32 *parents = callchain__parents(merged);

		for (c = CHILD(merged); c && KEY(c).sym != syms[k]; c = NEXT(c))
			;
		CHECK(c && distinct_children(c) == WIDE);
		for (d = c ? CHILD(c) : NULL; d; d = NEXT(d))
			CHECK(callchain_node__parent(merged, parents, d) == c &&
			      (KEY(d).addr < 0x5000 || callchain_node__samples(d) == 2));
		free(parents);
	}
	/* Decay keeps what has counts left, and finds it again. */
	CHECK(callchain__decay(root));
	for (k = 0; k < WIDE; k++) {
		struct callchain_frame f[2] = { { .addr = 0x1000 + 16 * k }, { .sym = syms[k % 3] } };

		callchain__add(&root, f, 2, 1);
	}
	CHECK(distinct_children(root) == WIDE);
	for (c = CHILD(root); c; c = NEXT(c))
		CHECK(distinct_children(c) == 1);
	callchain__merge(&merged, root);
	for (c = CHILD(merged); c; c = NEXT(c))
		CHECK(distinct_children(c) >= 1);
	CHECK(distinct_children(merged) == WIDE + 2);
	callchain__free(root);
	callchain__free(merged);
	symtab__exit(&tab);
}

/* Nodes reachable below @n in the tree at @root, each one's parent checked. */
static size_t reachable_below(const struct callchain_node *root, const u32 *parents,
			      const struct callchain_node *n)
{
	const struct callchain_node *c;
	size_t nr = 0;

	for (c = CHILD(n); c; c = NEXT(c)) {
		CHECK(callchain_node__parent(root, parents, c) == n &&
		      callchain_node__period(c) <= callchain_node__period(n));
		nr += 1 + reachable_below(root, parents, c);
	}
	return nr;
}

static size_t reachable(const struct callchain_node *root)
{
	u32 *parents = callchain__parents(root);
	size_t nr = reachable_below(root, parents, root);

	CHECK(!callchain_node__parent(root, parents, root));
	free(parents);
	return nr;
}

/*
 * Decay drops the paths that reach zero and packs the kept nodes down in
 * the tree's array: top's trees, decayed on every refresh while new paths
 * come in, stay the size of what they count (no holes kept), and the kept
 * paths, wide ones too, are found again and linked both ways.
 */
void test_callchain_decay_compacts(void)
{
	enum { HOT = 20, COLD = 100, ROUNDS = 50 };
	struct callchain_node *root = NULL;
	struct callchain_frame f[3];
	size_t r, i;

	for (r = 0; r < ROUNDS; r++) {
		for (i = 0; i < COLD; i++) {
			f[0] = (struct callchain_frame){ .addr = 0x100000 + r * COLD + i };
			f[1] = (struct callchain_frame){ .addr = 0x200000 + i };
			f[2] = (struct callchain_frame){ .addr = 0x300000 + i };
			callchain__add(&root, f, 3, 1);
		}
		for (i = 0; i < HOT; i++) {
			f[0] = (struct callchain_frame){ .addr = 0x1000 + i };
			f[1] = (struct callchain_frame){ .addr = 0x2000 + i };
			callchain__add(&root, f, 2, 1000);
		}
		CHECK(callchain__nr_nodes(root) == 1 + 2 * HOT + 3 * COLD);
		CHECK(reachable(root) == callchain__nr_nodes(root) - 1);
		CHECK(callchain__decay(root));
		/* the cold paths (period 1) are gone, the hot ones kept */
		CHECK(callchain__nr_nodes(root) == 1 + 2 * HOT && reachable(root) == 2 * HOT);
		CHECK(callchain__bytes(root) <= 2 * (1 + 2 * HOT + 3 * COLD) * sizeof(*root) + 4096);
	}
	/* Found again after the decays: no second node for a hot frame. */
	for (i = 0; i < HOT; i++) {
		f[0] = (struct callchain_frame){ .addr = 0x1000 + i };
		f[1] = (struct callchain_frame){ .addr = 0x2000 + i };
		callchain__add(&root, f, 2, 1);
	}
	CHECK(callchain__nr_nodes(root) == 1 + 2 * HOT && distinct_children(root) == HOT);
	callchain__free(root);
}

/*
 * A node counts its samples in 24 bits and its period in 40 until either
 * outgrows them, then in the big counts: trees merged into
 * trees twice their count, 34 times over, count 3 * 2^34 samples on a
 * path of two, and 2^34 on its side branch, exactly; a sample more is
 * counted on the big nodes, and decay scales the big counts as the
 * narrow ones.
 */
void test_callchain_wide_samples(void)
{
	struct callchain_frame f[2] = { { .addr = 0x1000 }, { .addr = 0x2000 } };
	struct callchain_node *t = NULL, *next;
	const struct callchain_node *a, *b;
	int round;

	callchain__add(&t, f, 2, 10);
	callchain__add(&t, f, 2, 10);
	f[1].addr = 0x3000;
	callchain__add(&t, f, 2, 10);
	for (round = 0; round < 34; round++) {
		next = NULL;
		callchain__merge(&next, t);
		callchain__merge(&next, t);
		callchain__free(t);
		t = next;
	}
	callchain__sort(t);
	a = CHILD(t);
	CHECK(a && !NEXT(a) && callchain_node__samples(t) == 3ull << 34);
	CHECK(a && callchain_node__big(a));
	CHECK(callchain_node__samples(a) == 3ull << 34 && callchain_node__period(a) == 30ull << 34);
	b = a ? CHILD(a) : NULL;
	CHECK(b && KEY(b).addr == 0x2000 && callchain_node__samples(b) == 2ull << 34);
	CHECK(b && NEXT(b) && KEY(NEXT(b)).addr == 0x3000 &&
	      callchain_node__samples(NEXT(b)) == 1ull << 34);
	/* one more sample on a wide node */
	f[1].addr = 0x2000;
	callchain__add(&t, f, 2, 1);
	a = CHILD(t);
	CHECK(callchain_node__samples(a) == (3ull << 34) + 1);
	CHECK(callchain__decay(t));
	a = CHILD(t);
	CHECK(callchain_node__samples(t) == ((3ull << 34) + 1) * 7 / 8);
	CHECK(callchain_node__samples(a) == ((3ull << 34) + 1) * 7 / 8);
	CHECK(callchain_node__samples(CHILD(a)) == ((2ull << 34) + 1) * 7 / 8);
	callchain__free(t);
}

/*
 * The count word's edges: a period that reaches 2^40 with few samples (a
 * cycles recording's hot path), samples that reach 2^24 - 1 with a small
 * period, one sample of a period past 2^40; each exact on both sides of
 * the edge, merged, and decayed. A node is 20 bytes.
 */
void test_callchain_big_counts(void)
{
	struct callchain_frame f[2] = { { .addr = 0x1000 }, { .addr = 0x2000 } };
	struct callchain_node *t = NULL, *m = NULL;
	const struct callchain_node *a, *b;
	const u64 lim = 1ull << 40, step = 1ull << 36;
	u64 i;

	/* 15 samples of 2^36: 2^40 - 2^36, narrow; the 16th reaches 2^40: big. */
	for (i = 0; i < 15; i++)
		callchain__add(&t, f, 2, step);
	a = CHILD(t);
	CHECK(a && !callchain_node__big(a) && callchain_node__period(a) == lim - step &&
	      callchain_node__samples(a) == 15);
	callchain__add(&t, f, 1, step - 1);	/* 2^40 - 1: still narrow */
	a = CHILD(t);
	CHECK(a && !callchain_node__big(a) && callchain_node__period(a) == lim - 1);
	CHECK(a && CHILD(a) && !callchain_node__big(CHILD(a)) &&
	      callchain_node__period(CHILD(a)) == lim - step);
	callchain__add(&t, f, 1, 1);
	a = CHILD(t);
	CHECK(a && callchain_node__big(a) && callchain_node__period(a) == lim &&
	      callchain_node__samples(a) == 17);
	CHECK(callchain_node__big(t) && callchain_node__period(t) == lim);
	/* One sample past 2^40 on a new path: big at once, the counts exact. */
	f[1].addr = 0x3000;
	callchain__add(&t, f, 2, 3 * lim + 5);
	a = CHILD(t);
	b = a ? CHILD(a) : NULL;	/* the sort has not run: the new child first */
	CHECK(b && KEY(b).addr == 0x3000 && callchain_node__big(b) &&
	      callchain_node__period(b) == 3 * lim + 5 && callchain_node__samples(b) == 1);
	CHECK(a && callchain_node__period(a) == 4 * lim + 5 && callchain_node__samples(a) == 18);
	callchain__merge(&m, t);
	callchain__merge(&m, t);
	a = CHILD(m);
	CHECK(a && callchain_node__period(a) == 8 * lim + 10 && callchain_node__samples(a) == 36);
	CHECK(callchain__decay(m));
	a = CHILD(m);
	CHECK(a && callchain_node__period(a) == (8 * lim + 10) * 7 / 8 &&
	      callchain_node__samples(a) == 36 * 7 / 8);
	callchain__free(m);
	callchain__free(t);
	m = NULL;
	/* Samples: 2^24 - 2 (2^1 + ... + 2^23, merged) narrow, the next one big. */
	t = NULL;
	callchain__add(&m, f, 1, 1);
	for (i = 1; i <= 23; i++) {
		struct callchain_node *next = NULL;

		callchain__merge(&next, m);
		callchain__merge(&next, m);
		callchain__free(m);
		m = next;
		callchain__merge(&t, m);
	}
	callchain__free(m);
	a = CHILD(t);
	CHECK(a && !callchain_node__big(a) && callchain_node__samples(a) == CALLCHAIN_BIG - 1 &&
	      callchain_node__period(a) == CALLCHAIN_BIG - 1);
	callchain__add(&t, f, 1, 2);
	a = CHILD(t);
	CHECK(a && callchain_node__big(a) && callchain_node__samples(a) == CALLCHAIN_BIG &&
	      callchain_node__period(a) == CALLCHAIN_BIG + 1);
	callchain__free(t);
}
