// SPDX-License-Identifier: GPL-2.0
#include "util/slab.h"

#include <stdlib.h>
#include <string.h>

#include "util/util.h"

#ifdef __SANITIZE_ADDRESS__
void *slab__alloc(struct slab *s)
{
	return xzalloc(s->size);
}

void *slab__alloc_raw(struct slab *s)
{
	return xmalloc(s->size);
}

void slab__free(struct slab *s, void *p)
{
	(void)s;
	free(p);
}
#else
void *slab__alloc_raw(struct slab *s)
{
	void *p;

	pthread_mutex_lock(&s->lock);
	if (s->free_list) {
		p = s->free_list;
		s->free_list = *(void **)p;
	} else {
		if (s->next == s->end) {
			size_t bytes = s->per_slab * s->size;

			s->next = xmalloc(bytes);
			s->end = s->next + bytes;
			/*
			 * A kind that fills slabs (a large set's maps, threads)
			 * has each slab after its first mapped in at once: one
			 * call, not a page fault every page, where a fault is
			 * dear (a guest's). The first is faulted in as used, so
			 * that a kind with a few objects costs a few pages.
			 */
			if (s->nr_slabs)
				prefault_write(s->next, bytes);
			s->slabs = xrealloc(s->slabs, (s->nr_slabs + 1) * sizeof(*s->slabs));
			s->slabs[s->nr_slabs++] = s->next;
		}
		p = s->next;
		s->next += s->size;
	}
	pthread_mutex_unlock(&s->lock);
	return p;
}

void *slab__alloc(struct slab *s)
{
	return memset(slab__alloc_raw(s), 0, s->size);
}

void slab__free(struct slab *s, void *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&s->lock);
	*(void **)p = s->free_list;
	s->free_list = p;
	pthread_mutex_unlock(&s->lock);
}
#endif
