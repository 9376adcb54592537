/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_MAPS_H
#define PMUKVM_MAPS_H

/*
 * Address spaces: non-overlapping [start, end) maps of a process or of a
 * machine's kernel, each pointing at the DSO it maps.
 */
#include "util/util.h"

struct dso;

/** struct map - [start, end) of a process or kernel address space. */
struct map {
	u64 start, end, pgoff;
	struct dso *dso;
};

struct maps_index;

/**
 * struct maps - non-overlapping maps in address order; shared by a
 * process's threads. A treap on start (priorities from a PRNG, never from
 * the data): inserts are O(log n) expected whatever order mmaps arrive in
 * (top-down allocators send them in descending order), lookups O(log n).
 * Its nodes are numbered (u32, 0: none) in one pool for every set, so
 * that a node is its map and two 4-byte links: 40 bytes.
 *
 * A set that is looked up more than it changes (mmaps at the start, then
 * samples) also gets an index (every eighth start, sorted, and where its
 * run of maps sits in the treap), built once the lookups that walked the
 * treap since the last change are an eighth of its maps, and dropped by
 * the next insert: lookups then search an array and walk a few levels of
 * the treap instead of chasing nodes from its root.
 */
struct maps {
	u32 root;
	u32 last;		/* lookup cache: the last map found or inserted */
	int refcnt;
	u32 nr;
	struct maps_index *idx;	/* NULL until a set of MAPS_INDEX_MIN maps is walked */
};

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
 * maps__clone - a new set (one reference, the caller's) with copies of
 * @src's maps, for a forked process (NULL for NULL).
 */
struct maps *maps__clone(const struct maps *src);

/**
 * maps__insert - adds a copy of @new, trimming or splitting whatever it
 * overlaps (the newest map wins, as in the kernel). An empty map
 * (end <= start) is ignored.
 */
void maps__insert(struct maps *maps, const struct map *new);

/** maps__find - the map containing @addr, or NULL (also when @maps is NULL). */
struct map *maps__find(struct maps *maps, u64 addr);
/** maps__first - the lowest map, or NULL. */
struct map *maps__first(struct maps *maps);
/** maps__next - the map after @map (one of @maps'), or NULL. */
struct map *maps__next(struct maps *maps, const struct map *map);
/** maps__clear - removes every map (the struct stays usable). */
void maps__clear(struct maps *maps);

#endif
