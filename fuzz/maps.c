// SPDX-License-Identifier: GPL-2.0
/*
 * A process's address space (util/maps.c) against a model of what each
 * 256-byte unit of a small space maps (its DSO and file offset, the
 * newest map winning). The input is a program: inserts of any length
 * and place (overlapping, splitting, covering thousands, in any order),
 * lookups, a fork (a clone that then goes its own way), a clear. Every
 * lookup answers as the model does; at the end, and every 64 steps,
 * each unit of both sets is looked up and a walk of each is in order,
 * without overlaps, as long as its count. A wrong answer is a trap.
 */
#include <stdint.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "util/dso.h"
#include "util/maps.h"

#define UNIT	0x100
#define UNITS	8192

struct model {
	int8_t dso[UNITS];	/* -1: nothing mapped */
	u64 off[UNITS];
};

static struct dso *fake_dsos;	/* four distinct addresses, never read */

static void model_insert(struct model *md, const struct map *m)
{
	u64 u;

	for (u = m->start / UNIT; u < m->end / UNIT; u++) {
		md->dso[u] = (int8_t)(m->dso - fake_dsos);
		md->off[u] = m->pgoff + (u * UNIT - m->start);
	}
}

static void check_unit(struct maps *maps, const struct model *md, u64 u, u64 within)
{
	const struct map *map = maps__find(maps, u * UNIT + within);

	if (md->dso[u] < 0 ? map != NULL :
	    !map || map->dso != fake_dsos + md->dso[u] ||
	    map->pgoff + (u * UNIT - map->start) != md->off[u])
		__builtin_trap();
}

static void check_all(struct maps *maps, const struct model *md)
{
	const struct map *map, *prev = NULL;
	u64 u, nr = 0;

	for (u = 0; u < UNITS; u++)
		check_unit(maps, md, u, u % UNIT);
	for (map = maps__first(maps); map; prev = map, map = maps__next(maps, map), nr++)
		if (map->end <= map->start || (prev && prev->end > map->start))
			__builtin_trap();
	if (nr != maps->nr)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct model md, cm;
	static struct dso dsos[4];
	struct maps *maps = maps__new(), *copy = NULL;
	size_t i = 0, step = 0;

	fake_dsos = dsos;
	memset(md.dso, -1, sizeof(md.dso));
	while (i + 6 <= size) {
		const uint8_t *p = data + i;
		u64 a = (u64)(p[1] | p[2] << 8) % UNITS, len = p[3];
		struct maps *set = (p[0] & 0x40) && copy ? copy : maps;
		struct model *sm = set == copy ? &cm : &md;
		struct map m;

		i += 6;
		switch (p[0] & 7) {
		case 0: case 1: case 2: case 3:
			/* An insert: mostly short, some long; a run of them going up or down. */
			if (p[0] & 0x80)
				len = len * 32;
			len = len ? len : 1;
			if (a + len > UNITS)
				len = UNITS - a;
			m.start = a * UNIT;
			m.end = (a + len) * UNIT;
			m.pgoff = (u64)p[4] * UNIT;
			m.dso = fake_dsos + (p[5] & 3);
			if (p[0] & 0x20) {
				u64 k, n = 1 + p[5] * 4u, gap = 1 + (p[4] & 3);

				for (k = 0; k < n; k++) {
					u64 s = (p[0] & 0x10) ? a + k * gap : a + (n - 1 - k) * gap;

					if (s >= UNITS)
						continue;
					m.start = s * UNIT;
					m.end = m.start + UNIT;
					maps__insert(set, &m);
					model_insert(sm, &m);
				}
				break;
			}
			maps__insert(set, &m);
			model_insert(sm, &m);
			break;
		case 4:
		case 5:
			check_unit(set, sm, a, p[4]);
			break;
		case 6:
			/* A fork: the copy takes the set as it is now. */
			maps__put(copy);
			copy = maps__clone(maps);
			cm = md;
			break;
		default:
			maps__clear(set);
			memset(sm->dso, -1, sizeof(sm->dso));
			break;
		}
		if (++step % 64 == 0) {
			check_all(maps, &md);
			if (copy)
				check_all(copy, &cm);
		}
	}
	check_all(maps, &md);
	if (copy)
		check_all(copy, &cm);
	maps__put(copy);
	maps__put(maps);
	return 0;
}
