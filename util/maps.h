/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_MAPS_H
#define PMUKVM_MAPS_H

/*
 * Address spaces: non-overlapping [start, end) maps of a process or of a
 * machine's kernel, each pointing at the DSO it maps.
 */
#include "util/util.h"

struct dso;

/**
 * struct map - [start, end) of a process or kernel address space.
 * @pgoff: the address, in the DSO's own terms, that @start maps: a file
 * offset for a process's map, 0 for a kernel module (its addresses
 * counted from its start, as perf holds them), @start for the kernel
 * (its addresses are the machine's). map__dso_addr applies it.
 */
struct map {
	u64 start, end, pgoff;
	struct dso *dso;
};

/** dso_addr - @ip of a map from @start whose DSO address there is @pgoff, in the DSO's terms. */
static inline u64 dso_addr(u64 start, u64 pgoff, u64 ip)
{
	return ip - start + pgoff;
}

/** map__dso_addr - @ip, an address in @map, in its DSO's terms. */
static inline u64 map__dso_addr(const struct map *map, u64 ip)
{
	return dso_addr(map->start, map->pgoff, ip);
}

/** map__ip - the address in @map of @addr in its DSO's terms: map__dso_addr undone. */
static inline u64 map__ip(const struct map *map, u64 addr)
{
	return addr - map->pgoff + map->start;
}

/**
 * struct maps - non-overlapping maps in address order; shared by a
 * process's threads. A B+ tree on start (util/maps.c): inserts and
 * lookups read a few nodes whatever order mmaps arrive in (top-down
 * allocators send them in descending order), about 35 bytes a map. A
 * fork's set shares its parent's tree until one of them changes it.
 * A struct map * from the set holds until the set next changes (an
 * insert moves maps within and between the tree's leaves).
 */
struct maps {
	void *root;		/* a leaf, or an inner node when height > 0; NULL: empty */
	struct map *last;	/* lookup cache: the last map found or inserted */
	u32 *sharers;		/* NULL: the tree is this set's alone; else how many share it */
	int refcnt;
	u32 nr;
	u32 height;		/* inner levels above the leaves */
};

/*
 * The most maps a fork's copy may bring all sets' trees to, at the least
 * (about 35 bytes each: 2.3 GB; 1,000 children that each map something
 * of a process with 60,000 maps); maps__set_limit raises it for larger
 * input. PMUKVM_MAX_MAPS in the environment sets it instead.
 */
#define MAPS_LIMIT_MIN	(1ull << 26)

/** maps__new - an empty, reference-counted set (one reference, the caller's). */
struct maps *maps__new(void);
/*
 * A process's set is made when it first maps something (most of a file's
 * tasks may never): until then NULL, which maps__get, maps__put,
 * maps__clone and maps__find take as an empty set.
 */

/** maps__get - takes a reference to @maps and returns it (NULL: NULL). */
struct maps *maps__get(struct maps *maps);
/** maps__put - drops a reference; the last one frees @maps and its maps. NULL is ignored. */
void maps__put(struct maps *maps);
/**
 * maps__clone - a new set (one reference, the caller's) with @src's maps,
 * for a forked process (NULL for NULL). The two share @src's tree until
 * either changes: the one that changes it first takes a copy (forks are
 * cheap however many maps the parent has, and children that exit, or
 * exec without mapping anything, copy nothing).
 */
struct maps *maps__clone(struct maps *src);

/**
 * maps__insert - adds a copy of @new, trimming or splitting whatever it
 * overlaps (the newest map wins, as in the kernel). An empty map
 * (end <= start) is ignored. 0, or -E2BIG where @maps shares its tree
 * and its copy would take the maps of all sets past maps__limit().
 */
int maps__insert(struct maps *maps, const struct map *new);

/**
 * maps__set_limit - raises the limit on all sets' maps that a fork's copy
 * may reach to @limit (never lowers it below MAPS_LIMIT_MIN or an earlier
 * call's): what a crafted file of forks, each copying a large set,
 * may cost is bounded, where a real one's copies stay under it. Where
 * PMUKVM_MAX_MAPS is set (a positive number), that is the limit.
 */
void maps__set_limit(u64 limit);
/** maps__limit - that limit. */
u64 maps__limit(void);

/** maps__find - the map containing @addr, or NULL (also when @maps is NULL). */
struct map *maps__find(struct maps *maps, u64 addr);
/** maps__first - the lowest map, or NULL. */
struct map *maps__first(struct maps *maps);
/** maps__next - the map after @map (one of @maps'), or NULL. */
struct map *maps__next(struct maps *maps, const struct map *map);
/** maps__bytes - the memory @maps' tree takes: its leaves and inner nodes. */
size_t maps__bytes(const struct maps *maps);
/** maps__clear - removes every map (the struct stays usable). */
void maps__clear(struct maps *maps);

#endif
