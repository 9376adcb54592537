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
 * Random inserts over 256 pages against a model of what each page holds
 * (its DSO and file offset, the newest map winning): ranges that overlap
 * (the general path), that touch their neighbours end to start or sit in
 * a hole (the no-overlap path), in any order. After each: the walk is in
 * order with no overlap and as many maps as the set counts, every page
 * finds what the model holds, and the new map's start finds it.
 */
static void maps_against_model(void)
{
	enum { PAGES = 256, PAGE = 0x1000, STEPS = 3000 };
	struct { int dso; u64 off; } model[PAGES];
	struct maps *maps = maps__new();
	u64 seed = 2026;
	int step, p, bad = 0;

	for (p = 0; p < PAGES; p++)
		model[p].dso = -1;
	for (step = 0; step < STEPS && !bad; step++) {
		struct map m, *map, *prev = NULL;
		u64 a, len;
		size_t nr = 0;

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
		maps__insert(maps, &m);
		for (p = (int)a; p < (int)(a + len); p++) {
			model[p].dso = (int)(m.dso - fake_dsos);
			model[p].off = m.pgoff + (p - a) * PAGE;
		}
		map = maps__find(maps, m.start);
		bad |= !map || map->start != m.start || map->end != m.end || map->dso != m.dso;
		for (map = maps__first(maps); map; prev = map, map = maps__next(maps, map), nr++)
			bad |= map->end <= map->start || (prev && prev->end > map->start);
		bad |= nr != maps->nr;
		for (p = 0; p < PAGES; p++) {
			map = maps__find(maps, (u64)p * PAGE + 0x800);
			if (model[p].dso < 0)
				bad |= map != NULL;
			else
				bad |= !map || map->dso != &fake_dsos[model[p].dso] ||
				       map->pgoff + ((u64)p * PAGE - map->start) != model[p].off;
		}
	}
	CHECK(!bad);
	CHECK(step == STEPS);
	maps__put(maps);
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

	/* Unhashed (a tid reused): gone, and its reference to the maps with it. */
	machine__unhash_thread(&m.host, late);
	CHECK(machine__find_thread(&m.host, 90001) == NULL);
	CHECK(leader->maps->refcnt == 2);
	CHECK(m.host.nr_threads == N + 2);

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
