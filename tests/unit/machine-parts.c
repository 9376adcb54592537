// SPDX-License-Identifier: GPL-2.0
/*
 * The machine model's parts on their own: util/maps.c (insert, trim and
 * split, find, walk, clone, references) and util/thread.c (the tid hash
 * through its growth, leaders' maps shared, a tid reused).
 */
#include <stdio.h>
#include <string.h>

#include "tests/unit/unit.h"
#include "util/machine.h"

static struct dso fake_dsos[4];

/* One row per step: a map inserted, then what a walk of the set gives. */
static const struct maps_case {
	u64 start, end, pgoff;
	int dso;
	const char *want;	/* "start-end:pgoff:dso ..." in address order */
} maps_cases[] = {
	{ 0x1000, 0x5000, 0, 0, "1000-5000:0:0" },
	/* Below and apart. */
	{ 0x0, 0x800, 0x10, 1, "0-800:10:1 1000-5000:0:0" },
	/* Inside the first: it splits, the tail keeps its file offset. */
	{ 0x2000, 0x3000, 0x40, 2, "0-800:10:1 1000-2000:0:0 2000-3000:40:2 3000-5000:2000:0" },
	/* Over the end of one and the start of the next: both trimmed. */
	{ 0x2800, 0x3800, 0, 3, "0-800:10:1 1000-2000:0:0 2000-2800:40:2 2800-3800:0:3 "
			       "3800-5000:2800:0" },
	/* Covering several exactly: they go. */
	{ 0x1000, 0x3800, 0, 1, "0-800:10:1 1000-3800:0:1 3800-5000:2800:0" },
	/* Empty: ignored. */
	{ 0x9000, 0x9000, 0, 2, "0-800:10:1 1000-3800:0:1 3800-5000:2800:0" },
};

static void maps__describe(struct maps *maps, char *buf, size_t len)
{
	struct map *map;
	size_t n = 0;

	buf[0] = '\0';
	for (map = maps__first(maps); map && n < len; map = maps__next(maps, map))
		n += (size_t)snprintf(buf + n, len - n, "%s%llx-%llx:%llx:%d", n ? " " : "",
				      (unsigned long long)map->start, (unsigned long long)map->end,
				      (unsigned long long)map->pgoff, (int)(map->dso - fake_dsos));
}

/*
 * A model of what each quarter page of a space holds (its DSO and file
 * offset, the newest map winning), for the tests that check every
 * address of a set: unit_insert puts a map in both, unit_matches looks up
 * every quarter page of the first @units and walks the set (in order,
 * no overlap, as many maps as it counts).
 */
#define BIG_MAPS	40000		/* maps_large_sets' sets */
#define UNIT		0x400
#define UNITS		(2 * BIG_MAPS * 4 + 64)

static struct { int dso; u64 off; } unit_model[UNITS];

static void unit_reset(void)
{
	u64 u;

	for (u = 0; u < UNITS; u++)
		unit_model[u].dso = -1;
}

static void unit_insert(struct maps *maps, const struct map *m)
{
	u64 u;

	maps__insert(maps, m);
	for (u = m->start / UNIT; u < m->end / UNIT; u++) {
		unit_model[u].dso = (int)(m->dso - fake_dsos);
		unit_model[u].off = m->pgoff + (u * UNIT - m->start);
	}
}

static bool unit_matches(struct maps *maps, u64 units)
{
	const struct map *map, *prev = NULL;
	u64 u, nr = 0;

	for (u = 0; u < units; u++) {
		map = maps__find(maps, u * UNIT + (u % 3) * 0x100);
		if (unit_model[u].dso < 0 ? map != NULL :
		    !map || map->dso != &fake_dsos[unit_model[u].dso] ||
		    map->pgoff + (u * UNIT - map->start) != unit_model[u].off)
			return false;
	}
	for (map = maps__first(maps); map; prev = map, map = maps__next(maps, map), nr++)
		if (map->end <= map->start || (prev && prev->end > map->start))
			return false;
	return nr == maps->nr;
}

/*
 * Random inserts over 256 pages against a model of what each page holds
 * (its DSO and file offset, the newest map winning): ranges that overlap
 * (the general path), that touch their neighbours end to start or sit in
 * a hole (the no-overlap path), in any order. After each: the walk is in
 * order with no overlap and as many maps as the set counts, every quarter
 * page finds what the model holds, and the new map's start finds it.
 */
static void maps_against_model(void)
{
	enum { PAGES = 256, PAGE = 0x1000, STEPS = 3000 };
	struct maps *maps = maps__new();
	u64 seed = 2026;
	int step, bad = 0;

	unit_reset();
	for (step = 0; step < STEPS && !bad; step++) {
		struct map m, *map;
		u64 a, len;

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		a = (seed >> 33) % PAGES;
		/* Mostly short maps, so that many fall in holes or just touch. */
		len = 1 + ((seed >> 20) % 8 ? (seed >> 41) % 3 : (seed >> 41) % 40);
		if (a + len > PAGES)
			len = PAGES - a;
		m.start = a * PAGE;
		m.end = (a + len) * PAGE;
		m.pgoff = ((seed >> 50) % 64) * PAGE;
		m.dso = &fake_dsos[(seed >> 10) % 4];
		unit_insert(maps, &m);
		map = maps__find(maps, m.start);
		bad |= !map || map->start != m.start || map->end != m.end || map->dso != m.dso;
		bad |= !unit_matches(maps, PAGES * PAGE / UNIT);
	}
	CHECK(!bad);
	CHECK(step == STEPS);
	maps__put(maps);
}


/*
 * A brute-force model of a set: a plain array of maps in address order,
 * kept by the rules (the newest map wins; what it covers of an older one
 * is trimmed off, split around it, or dropped).
 */
struct model_set {
	struct map m[4096];
	size_t nr;
};

static void model_insert(struct model_set *ms, const struct map *new)
{
	struct map out[4096];
	size_t i, n = 0;
	bool placed = false;

	if (new->end <= new->start)
		return;
	for (i = 0; i < ms->nr; i++) {
		struct map m = ms->m[i];

		if (m.end <= new->start || m.start >= new->end) {
			if (!placed && m.start >= new->end) {
				out[n++] = *new;
				placed = true;
			}
			out[n++] = m;
			continue;
		}
		if (m.start < new->start) {
			struct map head = m;

			head.end = new->start;
			out[n++] = head;
		}
		if (!placed) {
			out[n++] = *new;
			placed = true;
		}
		if (m.end > new->end) {
			struct map tail = m;

			tail.pgoff += new->end - m.start;
			tail.start = new->end;
			out[n++] = tail;
		}
	}
	if (!placed)
		out[n++] = *new;
	memcpy(ms->m, out, n * sizeof(out[0]));
	ms->nr = n;
}

static const struct map *model_find(const struct model_set *ms, u64 addr)
{
	size_t i;

	for (i = 0; i < ms->nr; i++)
		if (addr >= ms->m[i].start && addr < ms->m[i].end)
			return &ms->m[i];
	return NULL;
}

static bool same_map(const struct map *a, const struct map *b)
{
	if (!a || !b)
		return a == b;
	return a->start == b->start && a->end == b->end && a->pgoff == b->pgoff && a->dso == b->dso;
}

/* Whether a walk of @maps gives the model's maps, in order, and its count. */
static bool walk_matches(struct maps *maps, const struct model_set *ms)
{
	struct map *map;
	size_t n = 0;

	for (map = maps__first(maps); map; map = maps__next(maps, map), n++)
		if (n >= ms->nr || !same_map(map, &ms->m[n]))
			return false;
	return n == ms->nr && maps->nr == ms->nr;
}

static u64 lcg(u64 *seed)
{
	*seed = *seed * 6364136223846793005ull + 1442695040888963407ull;
	return *seed >> 17;
}

/* Shuffles @order's @n entries (Fisher-Yates, lcg from @seed). */
static void shuffle(u32 *order, u64 n, u64 *seed)
{
	u64 i;

	for (i = n; i > 1; i--) {
		u64 j = lcg(seed) % i;
		u32 x = order[i - 1];

		order[i - 1] = order[j];
		order[j] = x;
	}
}

/* A random map over @pages pages: mostly short, some long enough to cover several. */
static struct map random_map(u64 *seed, u64 pages)
{
	enum { PAGE = 0x1000 };
	u64 a = lcg(seed) % pages, len = lcg(seed) % 16 ? 1 + lcg(seed) % 3 : 1 + lcg(seed) % 64;
	struct map m;

	if (a + len > pages)
		len = pages - a;
	m.start = a * PAGE;
	m.end = (a + len) * PAGE;
	if (lcg(seed) % 4 == 0) {	/* part pages: splits inside a page */
		m.start += 0x800;
		m.end += lcg(seed) % 2 ? 0x800 : 0;
	}
	m.pgoff = (lcg(seed) % 64) * PAGE;
	m.dso = &fake_dsos[lcg(seed) % 4];
	return m;
}

/* An address to look up: anywhere, or at a model map's start, last byte or end. */
static u64 random_addr(u64 *seed, const struct model_set *ms, u64 pages)
{
	const struct map *m;

	if (!ms->nr || lcg(seed) % 2)
		return lcg(seed) % (pages * 0x1000 + 0x2000);
	m = &ms->m[lcg(seed) % ms->nr];
	switch (lcg(seed) % 3) {
	case 0:
		return m->start;
	case 1:
		return m->end - 1;
	default:
		return m->end;
	}
}

/*
 * Lookups between inserts against the model: thousands of random
 * inserts, each followed by a run of lookups of random length (none, a
 * few, many: the lookup cache and the tree's way down), a clone now and
 * then that then goes its own way, and a clear; every lookup's answer
 * is the model's, and so is a walk of the set. The set grows past one
 * leaf, so that inserts split leaves and inner nodes.
 */
static void maps_lookups_against_model(void)
{
	enum { PAGES = 2048, STEPS = 6000 };
	static struct model_set ms, cs;
	struct maps *maps = maps__new(), *copy = NULL;
	u64 seed = 1205;
	int step, bad = 0, deep = 0;

	ms.nr = 0;
	for (step = 0; step < STEPS && !bad; step++) {
		struct map m = random_map(&seed, PAGES);
		u64 i, runs;

		maps__insert(maps, &m);
		model_insert(&ms, &m);
		/* Mostly short runs, some long ones. */
		runs = lcg(&seed) % 8 ? lcg(&seed) % 4 : lcg(&seed) % (ms.nr / 4 + 2);
		for (i = 0; i < runs; i++) {
			u64 addr = random_addr(&seed, &ms, PAGES);

			bad |= !same_map(maps__find(maps, addr), model_find(&ms, addr));
		}
		deep |= maps->height > 0;
		if (step % 97 == 0)
			bad |= !walk_matches(maps, &ms);
		if (step % 1000 == 500) {
			/* A fork: the copy's tree is its own. */
			maps__put(copy);
			copy = maps__clone(maps);
			cs = ms;
		}
		if (copy && step % 3 == 0) {
			m = random_map(&seed, PAGES);
			maps__insert(copy, &m);
			model_insert(&cs, &m);
			for (i = 0; i < 40; i++) {
				u64 addr = random_addr(&seed, &cs, PAGES);

				bad |= !same_map(maps__find(copy, addr), model_find(&cs, addr));
			}
		}
		if (step == STEPS / 2) {
			maps__clear(maps);
			ms.nr = 0;
			bad |= maps__first(maps) != NULL;
		}
	}
	CHECK(!bad);
	CHECK(step == STEPS);
	CHECK(deep);
	CHECK(walk_matches(maps, &ms));
	CHECK(copy && walk_matches(copy, &cs));
	maps__put(copy);
	maps__put(maps);
}

/*
 * A set looked up all over, then an insert that splits one map, trims
 * two and replaces others: the next lookups see the change at every
 * edge, the cached last map included.
 */
static void maps_change_cases(void)
{
	enum { N = 300, PAGE = 0x1000 };
	struct maps *maps = maps__new();
	static struct model_set ms;
	static const struct map changes[] = {
		/* The maps are [0x1000, 0x2000), [0x3000, 0x4000) ... */
		{ 0x11400, 0x11800, 0x40, &fake_dsos[3] },	/* inside one: splits it */
		{ 0x21800, 0x27800, 0, &fake_dsos[2] },		/* trims two, drops two */
		{ 0x29000, 0x2b800, 0, &fake_dsos[3] },		/* replaces one, trims one */
		{ 0x0, 0x1000, 0, &fake_dsos[1] },		/* below them all */
		{ 0x40000, 0x80000, 0, &fake_dsos[0] },		/* over many: replaces them */
		{ (2 * N - 1) * PAGE, (2 * N + 8) * PAGE, 0, &fake_dsos[1] },	/* the top one and past */
	};
	size_t c, i, rounds;
	int bad = 0;

	ms.nr = 0;
	/* Descending, one page in every two, as a top-down allocator maps. */
	for (i = N; i-- > 0;) {
		struct map m = { (2 * i + 1) * PAGE, (2 * i + 2) * PAGE, i * PAGE, &fake_dsos[i % 4] };

		maps__insert(maps, &m);
		model_insert(&ms, &m);
	}
	for (c = 0; c < ARRAY_SIZE(changes); c++) {
		/* Twice round: the second starts from the map the first left cached. */
		for (rounds = 0; rounds < 2; rounds++)
			for (i = 0; i < (2 * N + 10) * 2; i++) {
				u64 addr = i * (PAGE / 2) + (i % 3 == 2 ? PAGE / 2 - 1 : 0);

				bad |= !same_map(maps__find(maps, addr), model_find(&ms, addr));
			}
		CHECK(maps->height > 0);
		maps__insert(maps, &changes[c]);
		model_insert(&ms, &changes[c]);
		for (i = 0; i < ms.nr; i++) {
			const struct map *m = &ms.m[i];

			bad |= !same_map(maps__find(maps, m->start), m);
			bad |= !same_map(maps__find(maps, m->end - 1), m);
			bad |= !same_map(maps__find(maps, m->end), model_find(&ms, m->end));
			if (m->start)
				bad |= !same_map(maps__find(maps, m->start - 1), model_find(&ms, m->start - 1));
		}
		CHECK(walk_matches(maps, &ms));
	}
	CHECK(!bad);
	maps__put(maps);
}

/*
 * Maps go in at every place of leaves whose room is before their maps
 * (made by maps coming down) or after them: the maps before the place
 * move down a slot, or those after it up. Odd pages come down, then the
 * even pages between them in random order; after each, every quarter
 * page finds what the model holds and the walk is in order.
 */
static void maps_both_ends(void)
{
	enum { PAGE = 0x1000, N = 96 };
	struct maps *maps = maps__new();
	u32 order[N], i;
	u64 seed = 77, k;
	bool bad = false;

	unit_reset();
	for (k = N; k-- > 0;) {
		struct map m = { (2 * k + 1) * PAGE, (2 * k + 2) * PAGE, k * PAGE,
				 &fake_dsos[k % 4] };

		unit_insert(maps, &m);
	}
	bad |= !unit_matches(maps, 2 * N * PAGE / UNIT);
	for (i = 0; i < N; i++)
		order[i] = i;
	shuffle(order, N, &seed);
	for (i = 0; i < N && !bad; i++) {
		struct map m = { 2 * (u64)order[i] * PAGE, (2 * (u64)order[i] + 1) * PAGE,
				 0x100000 + order[i] * PAGE, &fake_dsos[(order[i] + 1) % 4] };

		unit_insert(maps, &m);
		bad |= !unit_matches(maps, 2 * N * PAGE / UNIT);
	}
	CHECK(!bad);
	CHECK(maps->nr == 2 * N && maps->height >= 1);
	maps__put(maps);
}

/*
 * Sets of tens of thousands of maps, put in going up, going down (as
 * top-down allocators map) and in random order: trees of three levels
 * and more. A model holds what each quarter page maps (its DSO and file
 * offset, the newest map winning); after each step every quarter page
 * finds what the model holds, and a walk is in order with as many maps
 * as the set counts. Then inserts that split a map, cover thousands
 * (leaves and inner nodes emptied on the way) and finally cover the
 * whole set, which leaves one map in one leaf; and a clone that matches.
 */
static void maps_large_sets(void)
{
	enum { PAGE = 0x1000 };
	static u32 order[BIG_MAPS];
	u64 seed = 512, i, kept;
	struct maps *copy;
	struct map m;
	int o;

	for (o = 0; o < 3; o++) {
		struct maps *maps = maps__new();
		bool bad = false;

		unit_reset();
		for (i = 0; i < BIG_MAPS; i++)
			order[i] = (u32)(o == 1 ? BIG_MAPS - 1 - i : i);
		if (o == 2)
			shuffle(order, BIG_MAPS, &seed);
		/* One page in every two, each found right after it is mapped. */
		for (i = 0; i < BIG_MAPS; i++) {
			u64 k = order[i];
			struct map *f;

			m = (struct map){ (2 * k + 1) * PAGE, (2 * k + 2) * PAGE, k * PAGE,
					  &fake_dsos[k % 4] };
			unit_insert(maps, &m);
			f = maps__find(maps, m.start + 0x10);
			bad |= !f || f->start != m.start || f->dso != m.dso;
		}
		CHECK(!bad);
		CHECK(maps->nr == BIG_MAPS && maps->height >= 2);
		/* 32 bytes a map and the leaves' room: in order, they are full. */
		CHECK(maps__bytes(maps) < (o == 2 ? 40 : 34) * (size_t)BIG_MAPS);
		CHECK(unit_matches(maps, UNITS));
		/*
		 * Maps over runs of up to 300, from a start or inside a map to
		 * an end or into the gap after it: runs that end where a leaf
		 * does, or an inner node, leave the next one as it was.
		 */
		for (i = 0; i < 400; i++) {
			u64 a = lcg(&seed) % (BIG_MAPS - 400), b = a + 1 + lcg(&seed) % 300;

			m = (struct map){ (2 * a + 1) * PAGE + (lcg(&seed) % 2) * 0x800,
					  (2 * b + 2) * PAGE + (lcg(&seed) % 2) * 0x400, a * PAGE,
					  &fake_dsos[i % 4] };
			unit_insert(maps, &m);
			if (i % 50 == 49)
				bad |= !unit_matches(maps, UNITS);
		}
		CHECK(!bad);
		/* Inside one map: it splits in three. */
		kept = maps->nr;
		m = (struct map){ 2 * BIG_MAPS * PAGE - 0xc00, 2 * BIG_MAPS * PAGE - 0x800, 0x40000,
				  &fake_dsos[3] };
		unit_insert(maps, &m);
		CHECK(maps->nr == kept + 2);
		/* Over thousands, from inside one to inside another. */
		m = (struct map){ 3001 * PAGE + 0x800, 50001 * PAGE + 0x400, 0x80000, &fake_dsos[1] };
		unit_insert(maps, &m);
		/* Below them all, and over the top one and past it. */
		m = (struct map){ 0, PAGE, 0, &fake_dsos[2] };
		unit_insert(maps, &m);
		m = (struct map){ (2 * BIG_MAPS - 1) * PAGE + 0xc00, (2 * BIG_MAPS + 8) * PAGE, 0,
				  &fake_dsos[0] };
		unit_insert(maps, &m);
		CHECK(unit_matches(maps, UNITS));
		copy = maps__clone(maps);
		kept = maps->nr;
		CHECK(copy->nr == kept && unit_matches(copy, UNITS));
		/* Over everything: one map is left. */
		m = (struct map){ 0, (2 * BIG_MAPS + 16) * PAGE, 0x1000, &fake_dsos[3] };
		unit_insert(maps, &m);
		CHECK(maps->nr == 1 && maps->height == 0);
		CHECK(unit_matches(maps, UNITS));
		maps__put(maps);
		/* The clone kept its own. */
		CHECK(copy->nr == kept && copy->height >= 2 && maps__find(copy, 2 * PAGE) == NULL);
		maps__put(copy);
	}
}

/*
 * Maps coming down into the hole between a low full leaf (a program and
 * its heap) and high ones (libraries), as top-down allocation maps them;
 * and going up into it: leaves fill either way, a few bytes a map over
 * the map itself (a leaf of one each would be 136).
 */
static void maps_into_a_hole(void)
{
	enum { PAGE = 0x1000, LOW = 96, N = 20000, HIGH = 100 };	/* LOW: full leaves */
	int dir;

	for (dir = 0; dir < 2; dir++) {
		struct maps *maps = maps__new();
		u64 i, hole = (LOW + 10) * 2 * PAGE;
		bool bad = false;

		for (i = 0; i < LOW; i++) {
			struct map m = { 2 * i * PAGE, (2 * i + 1) * PAGE, 0, &fake_dsos[0] };

			maps__insert(maps, &m);
		}
		for (i = 0; i < HIGH; i++) {
			struct map m = { hole + (2 * N + 2 * i) * PAGE, hole + (2 * N + 2 * i + 1) * PAGE,
					 0, &fake_dsos[1] };

			maps__insert(maps, &m);
		}
		for (i = 0; i < N; i++) {
			u64 k = dir ? i : N - 1 - i;
			struct map m = { hole + 2 * k * PAGE, hole + (2 * k + 1) * PAGE, k * PAGE,
					 &fake_dsos[2] };
			struct map *f;

			maps__insert(maps, &m);
			f = maps__find(maps, m.start + PAGE - 1);
			bad |= !f || f->start != m.start || f->pgoff != m.pgoff;
		}
		CHECK(!bad);
		CHECK(maps->nr == LOW + N + HIGH);
		CHECK(maps__bytes(maps) < 40 * (size_t)maps->nr);
		maps__put(maps);
	}
}

/*
 * Forks share their parent's tree until one of them changes it: a clone
 * of a clone, each of the three changed in turn or not at all, a set let
 * go of while others share its tree, a shared set cleared. Each sees
 * only its own changes (the unit model of each is its own copy).
 */
static void maps_copy_on_write(void)
{
	enum { N = 3000, PAGE = 0x1000 };
	static struct { int dso; u64 off; } saved[UNITS];
	struct maps *p = maps__new(), *c1, *c2;
	struct map m;
	char want[512], got[512];
	u64 i;

	unit_reset();
	for (i = 0; i < N; i++) {
		m = (struct map){ i * 2 * PAGE, i * 2 * PAGE + PAGE, i, &fake_dsos[i % 4] };
		unit_insert(p, &m);
	}
	c1 = maps__clone(p);
	c2 = maps__clone(c1);
	/* Nothing copied yet: one tree, three sets. */
	CHECK(c1->root == p->root && c2->root == p->root && c1->nr == N && c2->nr == N);
	CHECK(p->sharers && *p->sharers == 3 && c2->sharers == p->sharers);
	CHECK(maps__find(p, 2 * PAGE) && maps__find(c2, 2 * PAGE));
	memcpy(saved, unit_model, sizeof(saved));
	/* c1 changes: its copy only (p's lookup cache still finds p's own). */
	m = (struct map){ 0, 3 * PAGE, 0, &fake_dsos[3] };
	CHECK(maps__insert(c1, &m) == 0);
	CHECK(c1->root != p->root && !c1->sharers && *p->sharers == 2);
	CHECK(c1->nr == N - 1);
	CHECK(maps__find(c1, 2 * PAGE)->dso == &fake_dsos[3]);
	CHECK(maps__find(p, 2 * PAGE)->dso == &fake_dsos[1]);
	CHECK(unit_matches(p, 2 * N * 4) && unit_matches(c2, 2 * N * 4));
	/* p goes: c2 is left the tree's one set, and changes it in place. */
	maps__describe(c2, want, sizeof(want));
	maps__put(p);
	maps__describe(c2, got, sizeof(got));
	CHECK_STR(got, want);
	m = (struct map){ 4 * PAGE, 4 * PAGE + 0x800, 0x77, &fake_dsos[2] };
	unit_insert(c2, &m);
	CHECK(!c2->sharers && c2->nr == N + 1 && unit_matches(c2, 2 * N * 4));
	/* c1 kept its own: the model before c2's change, and c1's. */
	memcpy(unit_model, saved, sizeof(saved));
	for (i = 0; i < 3 * PAGE / UNIT; i++)
		unit_model[i].dso = 3, unit_model[i].off = i * UNIT;
	CHECK(unit_matches(c1, 2 * N * 4));
	/* A shared set cleared: the other keeps the tree. */
	p = maps__clone(c1);
	maps__clear(c1);
	CHECK(c1->nr == 0 && maps__first(c1) == NULL && !c1->sharers && *p->sharers == 1);
	CHECK(unit_matches(p, 2 * N * 4));
	m = (struct map){ 0, PAGE, 0, &fake_dsos[0] };
	CHECK(maps__insert(c1, &m) == 0 && c1->nr == 1 && unit_matches(p, 2 * N * 4));
	maps__put(c1);
	maps__put(c2);
	maps__put(p);
	CHECK(maps__clone(NULL) == NULL);
}

void test_maps_insert_find(void)
{
	struct maps *maps = maps__new(), *copy, *shared;
	char got[512];
	struct map *map;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(maps_cases); i++) {
		const struct maps_case *c = &maps_cases[i];
		struct map m = { .start = c->start, .end = c->end, .pgoff = c->pgoff,
				 .dso = &fake_dsos[c->dso] };

		maps__insert(maps, &m);
		maps__describe(maps, got, sizeof(got));
		CHECK_STR(got, c->want);
	}
	CHECK(maps->nr == 3);
	/* Lookups: inside, at a start, at an end (exclusive), in a hole. */
	map = maps__find(maps, 0x3800);
	CHECK(map && map->start == 0x3800 && map->dso == &fake_dsos[0]);
	map = maps__find(maps, 0x37ff);
	CHECK(map && map->start == 0x1000 && map->dso == &fake_dsos[1]);
	CHECK(maps__find(maps, 0x800) == NULL);
	CHECK(maps__find(maps, 0x5000) == NULL);
	CHECK(maps__find(maps, 0x4fff) != NULL);

	/* A clone is a copy: changes to one leave the other alone. */
	copy = maps__clone(maps);
	CHECK(copy->refcnt == 1 && copy->nr == maps->nr);
	{
		struct map m = { .start = 0, .end = 0x10000, .dso = &fake_dsos[3] };

		maps__insert(copy, &m);
	}
	maps__describe(copy, got, sizeof(got));
	CHECK_STR(got, "0-10000:0:3");
	maps__describe(maps, got, sizeof(got));
	CHECK_STR(got, maps_cases[ARRAY_SIZE(maps_cases) - 1].want);
	maps__put(copy);

	/* References: the set lives until the last one goes. */
	shared = maps__get(maps);
	CHECK(shared == maps && maps->refcnt == 2);
	maps__put(shared);
	CHECK(maps->refcnt == 1 && maps->nr == 3);
	maps__clear(maps);
	CHECK(maps->nr == 0 && maps__first(maps) == NULL && maps__find(maps, 0x1000) == NULL);
	maps__put(maps);
	maps__put(NULL);
	maps_against_model();
	maps_change_cases();
	maps_lookups_against_model();
	maps_large_sets();
	maps_both_ends();
	maps_into_a_hole();
	maps_copy_on_write();
}

static struct thread *sweep_held;

/* machine__sweep_threads' mark for test_thread_hash: *@arg is held. */
static void sweep_mark(void *arg)
{
	struct thread **held = arg;

	if (*held)
		(*held)->held = true;
}

void test_thread_hash(void)
{
	enum { N = 5000 };	/* past several doublings of the hash */
	struct machines m;
	struct thread *t, *leader, *late;
	u32 tid;
	int bad = 0;

	machines__init(&m, NULL);
	/* The idle task is there from the start, named as perf names it. */
	t = machine__find_thread(&m.host, 0);
	CHECK(t && !strcmp(t->comm, "swapper"));

	for (tid = 1000; tid < 1000 + N; tid++) {
		t = machine__findnew_thread(&m.host, &m, tid, tid);
		/* A process has no maps until it maps something. */
		bad += t->tid != tid || t->pid != tid || t->maps || t->vcpu != -1;
	}
	CHECK(!bad);
	CHECK(m.host.nr_threads == N + 1);
	for (tid = 1000; tid < 1000 + N; tid++) {
		t = machine__find_thread(&m.host, tid);
		bad += !t || t->tid != tid;
		/* findnew finds: the same thread, not a second one. */
		bad += machine__findnew_thread(&m.host, &m, tid, tid) != t;
	}
	CHECK(!bad);
	CHECK(m.host.nr_threads == N + 1);
	CHECK(machine__find_thread(&m.host, 999) == NULL);

	/* New threads are named by tid; a comm interns and gives the vCPU. */
	t = machine__find_thread(&m.host, 1001);
	CHECK_STR(t->comm, ":1001");
	thread__set_comm(&m, t, "CPU 3/KVM");
	CHECK(t->vcpu == 3);
	thread__set_comm(&m, machine__find_thread(&m.host, 1002), "CPU 3/KVM");
	CHECK(machine__find_thread(&m.host, 1002)->comm == t->comm);

	/* A thread of a process shares its leader's maps. */
	leader = machine__find_thread(&m.host, 1000);
	t = machine__findnew_thread(&m.host, &m, 1000, 90000);
	CHECK(t->maps == leader->maps && leader->maps->refcnt == 2);
	/* Seen first without its process, it takes the leader's maps later. */
	late = machine__findnew_thread(&m.host, &m, (u32)-1, 90001);
	CHECK(late->pid == (u32)-1 && late->maps != leader->maps);
	CHECK(machine__findnew_thread(&m.host, &m, 1000, 90001) == late);
	CHECK(late->pid == 1000 && late->maps == leader->maps && leader->maps->refcnt == 3);

	/*
	 * Unhashed (a tid reused): not found, its reference to the maps gone,
	 * the thread itself kept (a row may name it) until a sweep finds it
	 * unheld.
	 */
	machine__unhash_thread(&m.host, late);
	CHECK(machine__find_thread(&m.host, 90001) == NULL);
	CHECK(leader->maps->refcnt == 2);
	CHECK(m.host.nr_threads == N + 2);
	CHECK(m.host.dead_threads == late && late->tid == 90001 && late->pid == 1000 &&
	      !late->maps);
	t = machine__findnew_thread(&m.host, &m, 1000, 90002);
	machine__unhash_thread(&m.host, t);
	CHECK(m.host.dead_threads == t && t->hnext == late);
	sweep_held = late;
	machine__sweep_threads(&m.host, sweep_mark, &sweep_held);
	CHECK(m.host.dead_threads == late && !late->hnext && late->held);
	sweep_held = NULL;
	machine__sweep_threads(&m.host, sweep_mark, &sweep_held);
	CHECK(m.host.dead_threads == NULL);
	late = machine__findnew_thread(&m.host, &m, 1000, 90003);
	machine__unhash_thread(&m.host, late);	/* freed by machines__exit */

	/*
	 * A process without maps: its threads made later share the maps it
	 * gets then, and see what it maps afterwards. NULL reads as empty.
	 */
	{
		struct map mp = { .start = 0x400000, .end = 0x401000 };
		struct thread *p = machine__findnew_thread(&m.host, &m, 7000, 7000);

		CHECK(p->maps == NULL && maps__find(p->maps, 0x400000) == NULL);
		CHECK(maps__clone(p->maps) == NULL && maps__get(p->maps) == NULL);
		t = machine__findnew_thread(&m.host, &m, 7000, 7001);
		CHECK(p->maps && t->maps == p->maps && p->maps->refcnt == 2);
		maps__insert(thread__maps(p), &mp);
		CHECK(maps__find(t->maps, 0x400800) == &maps__first(p->maps)[0]);
		/* A process's first mmap makes its own maps, no one else's. */
		p = machine__findnew_thread(&m.host, &m, 7100, 7100);
		CHECK(thread__maps(p) != NULL && thread__maps(p) == p->maps && p->maps->refcnt == 1);
	}
	machines__exit(&m);
}

/*
 * DSOs by name: one per (name, kind), and a short name given with a new
 * name: adding it may move the set of names (its array grows) between the
 * two lookups; every DSO keeps its own names whatever the growth.
 */
void test_dso_names(void)
{
	enum { N = 3000 };	/* past several doublings of the name set */
	struct machines m;
	char name[64], sname[64];
	int bad = 0;

	machines__init(&m, NULL);
	for (int i = 0; i < N; i++) {
		struct dso *d;

		snprintf(name, sizeof(name), "/lib/modules/x/m%d.ko", i);
		snprintf(sname, sizeof(sname), "[m%d]", i);
		d = machine__findnew_dso(&m.host, name, DSO_MODULE, sname);
		bad += strcmp(d->long_name, name) || strcmp(d->short_name, sname);
		bad += machine__findnew_dso(&m.host, name, DSO_MODULE, sname) != d;
	}
	CHECK(!bad);
	for (int i = 0; i < N; i += 7) {
		struct dso *d;

		snprintf(name, sizeof(name), "/lib/modules/x/m%d.ko", i);
		snprintf(sname, sizeof(sname), "[m%d]", i);
		d = machine__findnew_dso(&m.host, name, DSO_MODULE, NULL);
		bad += strcmp(d->short_name, sname);
	}
	CHECK(!bad);
	machines__exit(&m);
}
