/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_SLAB_H
#define PMUKVM_SLAB_H
/*
 * Fixed-size objects by the hundred thousand (maps, map nodes, threads):
 * carved from slabs, freed ones kept on a list for the next allocation.
 * No malloc header or rounding per object (a 40-byte object took a
 * 48-byte chunk, a 48-byte one 64). Thread-safe. Slabs are never given
 * back: what is freed is reused. Sanitizer builds use malloc and free, so
 * that ASan sees every object.
 */
#include <pthread.h>
#include <stddef.h>

struct slab {
	size_t size;		/* of an object, at least a pointer */
	size_t per_slab;
	pthread_mutex_t lock;
	void *free_list;
	char *next, *end;
	void **slabs;		/* every slab, so that they stay reachable */
	size_t nr_slabs;
};

#define SLAB_INIT(type, per) { .size = sizeof(type) < sizeof(void *) ? sizeof(void *) : \
			       sizeof(type), .per_slab = (per), .lock = PTHREAD_MUTEX_INITIALIZER }

/** slab__alloc - an object of s->size bytes, zeroed. */
void *slab__alloc(struct slab *s);
/** slab__alloc_raw - an object of s->size bytes, as it was left (for objects filled at once). */
void *slab__alloc_raw(struct slab *s);
/** slab__free - gives @p (from slab__alloc on @s, or NULL) back. */
void slab__free(struct slab *s, void *p);

#endif
