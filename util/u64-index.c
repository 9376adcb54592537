// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include "util/u64-index.h"

/* The slot of @key, or of the empty slot where it would go; *@found its number + 1, or 0. */
static u32 slot_of(const struct u64_index *x, u64 key, u32 *found)
{
	u32 mask = x->nr_slots - 1, s;

	for (s = (u32)hash_u64(key) & mask; x->slots[s]; s = (s + 1) & mask) {
		if (x->keys[x->slots[s] - 1] == key) {
			*found = x->slots[s];
			return s;
		}
	}
	*found = 0;
	return s;
}

/* Room for one key more: twice the slots, filled again, when half full. */
static void make_room(struct u64_index *x)
{
	u32 i, s, found;

	if (((u64)x->nr + 1) * 2 <= x->nr_slots)
		return;
	if (x->nr_slots > UINT32_MAX / 4)
		die("more than %u keys in one index", UINT32_MAX / 4);
	free(x->slots);
	x->nr_slots = x->nr_slots ? x->nr_slots * 2 : 64;
	x->slots = xcalloc(x->nr_slots, sizeof(*x->slots));
	for (i = 0; i < x->nr; i++) {
		s = slot_of(x, x->keys[i], &found);
		x->slots[s] = i + 1;
	}
}

u32 u64_index__add(struct u64_index *x, u64 key, bool *added)
{
	u32 s, found;

	make_room(x);
	s = slot_of(x, key, &found);
	if (added)
		*added = !found;
	if (found)
		return found - 1;
	ALLOC_GROW(x->keys, (size_t)x->nr + 1, x->alloc);
	x->keys[x->nr] = key;
	x->slots[s] = ++x->nr;
	return x->nr - 1;
}

u32 u64_index__find(const struct u64_index *x, u64 key)
{
	u32 found;

	if (!x->nr_slots)
		return U64_INDEX_NONE;
	slot_of(x, key, &found);
	return found ? found - 1 : U64_INDEX_NONE;
}

void u64_index__exit(struct u64_index *x)
{
	free(x->keys);
	free(x->slots);
	memset(x, 0, sizeof(*x));
}
