/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_SYMTAB_H
#define PMUKVM_SYMTAB_H

#include "util/util.h"

/** struct symbol - one symbol: [start, end) in the DSO's own address space. */
struct symbol {
	u64 start, end;
	const char *name;	/* points into the symtab's string pool */
	u8 binding;		/* STB_* (kallsyms: GLOBAL for upper-case types) */
	u8 type;		/* STT_* */
	u16 owner;		/* kallsyms: 0 core kernel, else module index + 1 */
};

/**
 * struct symtab - a sorted symbol array with its names.
 * Built by symtab__add() calls, then symtab__finish(); read-only after.
 */
struct symtab {
	struct symbol *syms;
	size_t nr, alloc;
	char **pools;		/* name storage, in chunks */
	size_t nr_pools;
	size_t pool_used, pool_size;
	size_t hint;		/* lookup cache: index of the last symbol found */
	/*
	 * Lookup index, built by symtab__finish: the starts alone, densely;
	 * every SYMTAB_FANOUT-th of them; and where the addresses are dense
	 * enough, buckets of 2^bshift bytes from bbase, each with the index
	 * of the first symbol at or after it (nr_buckets + 1 entries).
	 */
	u64 *starts, *top;
	size_t nr_top;
	u32 *buckets;
	size_t nr_buckets;
	u64 bbase;
	unsigned int bshift;
};

#define SYMTAB_FANOUT	16

void symtab__init(struct symtab *tab);
void symtab__exit(struct symtab *tab);

/** symtab__add - adds a symbol; the name is copied. */
void symtab__add(struct symtab *tab, u64 start, u64 size, u8 binding, u8 type,
		 const char *name, size_t name_len);

/**
 * symtab__finish - sorts, gives unsized symbols an end (the next symbol's
 * start), then keeps one symbol per start address, preferring in order: a
 * non-empty one, a non-weak one, a global one, fewer leading underscores,
 * the longer name, the earlier one. These are perf's rules, so that both
 * tools name a sample alike. @kallsyms selects kallsyms rules for the last
 * symbol of a run (end of its page + a page).
 */
void symtab__finish(struct symtab *tab, bool kallsyms);

/**
 * symtab__find - the symbol containing @addr, or NULL. Within the buckets'
 * range: one bucket, then a binary search of its few starts; elsewhere a
 * binary search of the top index, then at most SYMTAB_FANOUT starts.
 */
const struct symbol *symtab__find(const struct symtab *tab, u64 addr);

/**
 * symtab__find_hint - symtab__find with the caller's hint (any value is
 * safe: it is checked) instead of the table's, for threads that share
 * the table.
 */
const struct symbol *symtab__find_hint(const struct symtab *tab, u64 addr, size_t *hint);

/** symtab__find_name - linear search by name (for _text and friends). */
const struct symbol *symtab__find_name(const struct symtab *tab, const char *name);

#endif
