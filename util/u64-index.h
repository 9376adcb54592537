/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_U64_INDEX_H
#define PMUKVM_U64_INDEX_H

#include "util/util.h"

/*
 * Distinct u64 keys numbered 0, 1, 2... in the order they first came:
 * the caller keeps what goes with each in arrays by that number. Found
 * by a keyed hash (hash_u64) of slots holding number + 1 (0: empty),
 * linear probing, at most half full: keys read from a file cannot be
 * chosen to share a slot. Zeroed is empty.
 */
struct u64_index {
	u64 *keys;		/* by number */
	u32 nr;
	size_t alloc;
	u32 *slots;
	u32 nr_slots;
};

#define U64_INDEX_NONE	UINT32_MAX

/** u64_index__add - @key's number, the next one where it is new (then *@added, if given). */
u32 u64_index__add(struct u64_index *x, u64 key, bool *added);

/** u64_index__find - @key's number, or U64_INDEX_NONE. */
u32 u64_index__find(const struct u64_index *x, u64 key);

void u64_index__exit(struct u64_index *x);

#endif
