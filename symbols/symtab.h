/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_SYMTAB_H
#define PMUKVM_SYMTAB_H

#include "util/util.h"

/*
 * struct symbol - one symbol, 16 bytes: [start, end) in the DSO's own
 * address space. Read it through the accessors below: the name is stored
 * as its distance from the symbol (the table's symbols and names are one
 * block), or, in a table whose names are read back from its file, as its
 * line's file offset until first asked for; the end as how to derive it (most ends are the next symbol's
 * start), and the module owner (kallsyms) or the size beside it in @info.
 */
struct symbol {
	u64 start;
	u32 name;		/* bytes from this symbol to its name */
	u32 info;		/* SYM_* fields below */
};

/*
 * @info: bits 0-1 binding class, bit 2 STT_FUNC, bit 3 STT_OBJECT (a data
 * object: perf names its rows with an offset), bits 4-5 end kind, 6-31
 * payload.
 */
#define SYM_BIND_OTHER	0u	/* STB_LOCAL and the rest */
#define SYM_BIND_GLOBAL	1u
#define SYM_BIND_WEAK	2u
#define SYM_FUNC	4u
#define SYM_OBJECT	8u
#define SYM_FLAGS	15u	/* the binding class and the type bits */
#define SYM_KIND_SHIFT	4
#define SYM_PAYLOAD_SHIFT 6
#define SYM_PAYLOAD_MAX	((1u << (32 - SYM_PAYLOAD_SHIFT)) - 1)
/* End kinds. NEXT: the next symbol's start; PAGE: the end of the start's page
 * plus a page (perf's rule for the last symbol of a run); the payload is the
 * owner. SIZE: start + payload, no owner. SIDE: end and owner in tab->side. */
enum { SYM_END_NEXT, SYM_END_PAGE, SYM_END_SIZE, SYM_END_SIDE };

/* One symbol whose end or owner does not fit in @info. */
struct symtab_side {
	u64 val;		/* while building: the size; after: the end */
	u64 owner;
};

#define SYMTAB_FANOUT	16

struct symtab_lazy;

/*
 * A packed symbol: 4 bytes, in a lazy table whose symbols all lie within
 * 4 GiB of its first and end at the next one or a page (a kernel's
 * kallsyms). Symbols go in groups of SYMP_GROUP (struct sym_group):
 * @delta is the start less its group's base; @meta the binding class and
 * type bits of @info (SYM_FLAGS) and SYMP_PAGE for a PAGE end (else
 * NEXT); @step the line's file offset less the previous symbol's in the
 * group (the first's is the group's), 0 where that is not 1..255: the
 * offset is then in the table's exceptions. Owners are in runs.
 */
struct sym_packed {
	u16 delta;
	u8 meta;
	u8 step;
};

#define SYMP_GROUP_SHIFT 4
#define SYMP_GROUP	(1u << SYMP_GROUP_SHIFT)
#define SYMP_PAGE	0x10u
#define SYMP_OFF_BITS	26
#define SYMP_OFF_MASK	((1u << SYMP_OFF_BITS) - 1)
#define SYMP_WIDE	0x80000000u

/*
 * @base: the first start less the table's @pbase; @off: the first
 * symbol's line offset. A group whose starts span more than 64 KiB is
 * wide (@off has SYMP_WIDE): its starts less @pbase are tab->wide[@base]
 * on, one a symbol, and its deltas are unused.
 */
struct sym_group {
	u32 base;
	u32 off;
};

/* Symbol @i's line offset, where its step does not give it. */
struct sym_exc {
	u32 i;
	u32 off;
};

/* Symbols [first, the next run's first) have kallsyms owner @owner. */
struct sym_run {
	u32 first;
	u32 owner;
};

/* symtab__find's cache (symbols/symtab.c says how it is used). */
struct sym_slot {
	u64 lo, hi;			/* the addresses at which @sym is found */
	const struct symbol *sym;
};

#define FIND_SLOTS_MIN	4096		/* tables of fewer symbols have no slots */
#define FIND_WINDOW	16384		/* probes between looks at the hit rate */
#define FIND_PAUSE	(16 * FIND_WINDOW)	/* lookups without slots when few hit */

struct sym_slots {
	struct sym_slot s[512];		/* a power of two */
	u32 probes, hits;		/* in this window */
	u32 skip;			/* lookups left to search without the slots */
};

/**
 * struct symtab - a sorted symbol array with its names.
 * Built by symtab__add() calls, then symtab__finish(); read-only after.
 * After symtab__finish, syms[0..nr) and the names they point to are one
 * allocation: a symbol is 16 bytes and its name the bytes of the name
 * (a name that ends another, as "x" ends "__pfx_x", shares its bytes).
 * A lazy table (symtab__set_lazy) has, after its symbols, room for the
 * names read back: address space, touched as names are read.
 */
struct symtab {
	struct symbol *syms;
	size_t nr, alloc;
	size_t populated;	/* while building: bytes of syms mapped in ahead */
	char *names;		/* while building: the names, one arena; then NULL */
	size_t names_used, names_alloc;
	size_t last_name, last_len;	/* the previous name added (arena offset) */
	struct symtab_side *side;
	size_t nr_side, side_alloc;
	size_t dropped;		/* symbols left out: past 2 GiB of symbols and names */
	struct symtab_lazy *lazy;	/* names read back from a file, or NULL */
	bool refs;		/* while building: names are file offsets (symtab__add_ref) */
	/*
	 * While building a lazy table: its symbols are 8-byte keys (struct
	 * symbol's place holds them), the start's low 32 bits over the line's
	 * file offset and the flags (symbols/symtab.c, CKEY_*), its starts'
	 * high 32 bits @chigh for all, the owners as runs of file offsets
	 * (@oruns: from .first on, .owner). A symbol that does not fit turns
	 * the table into struct symbols, or is dropped in a split room.
	 */
	bool compact;
	u32 chigh;
	struct sym_run *oruns;
	size_t nr_oruns, oruns_alloc, orun_hint;
	/*
	 * While two tables are built in one room (symtab__split_room): the
	 * whole room's symbols in the first (whose @alloc is its part);
	 * @view in the second, whose symbols are the rest of that room,
	 * not its own. Neither grows: a symbol past its part is dropped.
	 */
	size_t split_alloc;
	bool view;
	/*
	 * A packed table (symtab__finish of a lazy one, where it fits): syms
	 * is NULL and packed[0..nr) holds the symbols; a struct symbol is
	 * made for one when it is found (symtab__find, symtab__sym), once.
	 */
	struct sym_packed *packed;
	u64 pbase;
	struct sym_group *groups;
	u32 *wide;
	size_t nr_wide;
	struct sym_exc *exc;	/* by index */
	size_t nr_exc;
	struct sym_run *runs;
	size_t nr_runs;
	size_t hint;		/* lookup cache: index of the last symbol found */
	struct sym_slots *slots;	/* symtab__find's symbols found, by address, or NULL */
	/* Lookup index, built by symtab__finish (see symtab__index). */
	u64 *top;		/* every SYMTAB_FANOUT-th start below bbase */
	size_t nr_top;
	u64 bbase;		/* the first start the regions cover */
	u32 *regions;		/* bucket offset, or REGION_EMPTY | a symbol */
	size_t nr_regions;
	u32 *buckets;		/* a region's: first symbol at or after each */
	size_t nr_buckets;
	unsigned int rshift, bshift;
};

/*
 * @name with this bit: the table's names are read back from its file when
 * asked for (see symtab__set_lazy), and this symbol's is not read yet: the
 * rest is the file offset of its line. Once read, @name is its distance.
 */
#define SYM_NAME_LAZY	0x80000000u

const char *symbol__read_name(const struct symbol *s);

/**
 * symbols__read_names - reads the names of those of the @n symbols
 * @syms (NULL ones skipped) whose tables read names back from their files
 * and that are not read yet, in the files' order: a few reads of the file
 * where asking for each in turn (by row, by period) would read for each.
 * @syms is the caller's scratch: its order and contents are not kept.
 */
void symbols__read_names(const struct symbol **syms, size_t n);

/**
 * symbol__name - @s's name, valid as long as its table. The name of a
 * table of symtab__set_lazy is read from the file the first time (any
 * thread may ask); a file that changed since the table was loaded gives
 * the symbol's address instead, "0x...", and a warning naming the file.
 */
static inline const char *symbol__name(const struct symbol *s)
{
	u32 name = __atomic_load_n(&s->name, __ATOMIC_ACQUIRE);

	if (__builtin_expect(name & SYM_NAME_LAZY, 0))
		return symbol__read_name(s);
	return (const char *)s + name;
}

static inline bool symbol__is_func(const struct symbol *s)
{
	return s->info & SYM_FUNC;
}

/** symbol__is_object - @s is a data object (ELF STT_OBJECT; kallsyms d, D, b, B). */
static inline bool symbol__is_object(const struct symbol *s)
{
	return s->info & SYM_OBJECT;
}

static inline unsigned int symbol__end_kind(const struct symbol *s)
{
	return (s->info >> SYM_KIND_SHIFT) & 3;
}

/** symbol__end - the end of @s, a symbol of @tab. */
static inline u64 symbol__end(const struct symtab *tab, const struct symbol *s)
{
	if (symbol__end_kind(s) == SYM_END_NEXT)
		return s[1].start;
	switch (symbol__end_kind(s)) {
	case SYM_END_PAGE:
		return PERF_ALIGN(s->start, 4096) + 4096;
	case SYM_END_SIZE:
		return s->start + (s->info >> SYM_PAYLOAD_SHIFT);
	default:
		return tab->side[s->info >> SYM_PAYLOAD_SHIFT].val;
	}
}

/** symbol__owner - kallsyms: 0 for the core kernel, else module index + 1. */
static inline u16 symbol__owner(const struct symtab *tab, const struct symbol *s)
{
	switch (symbol__end_kind(s)) {
	case SYM_END_NEXT:
	case SYM_END_PAGE:
		return (u16)(s->info >> SYM_PAYLOAD_SHIFT);
	case SYM_END_SIZE:
		return 0;
	default:
		return (u16)tab->side[s->info >> SYM_PAYLOAD_SHIFT].owner;
	}
}

/**
 * scratch_realloc - memory for what lives only while something is loaded:
 * @p (NULL, or of @old bytes from here) grown or shrunk to @bytes. Large
 * blocks are mapped directly, so that freeing them (scratch_free, with
 * the size) leaves malloc's threshold for mapping blocks where it was.
 */
void *scratch_realloc(void *p, size_t old, size_t bytes);
void scratch_free(void *p, size_t bytes);

void symtab__init(struct symtab *tab);
void symtab__exit(struct symtab *tab);

/**
 * symtab__add - adds a symbol; the name is copied. A symbol that would take
 * the table past 2 GiB (symbols and names) is left out and counted in
 * tab->dropped.
 */
void symtab__add(struct symtab *tab, u64 start, u64 size, u8 binding, u8 type,
		 const char *name, size_t name_len);

/** symtab__reserve - room for @nr symbols and @name_bytes of names (a hint). */
void symtab__reserve(struct symtab *tab, size_t nr, size_t name_bytes);

/**
 * symtab__split_room - lets two threads build @tab and @view at once in
 * @tab's room (symtab__reserve): @tab keeps its first @at symbols' room
 * and @view (symtab__init'ed, with @tab's @refs) gets the rest. Neither
 * grows while split: a symbol past a part's room is dropped, and the join
 * then fails. Returns 0, or -E2BIG where @tab already holds more than @at
 * symbols or has no room past @at (nothing changed).
 */
int symtab__split_room(struct symtab *tab, struct symtab *view, size_t at);

/**
 * symtab__join_room - ends a split: @view's symbols move down to follow
 * @tab's in the one room (in place: no copy into memory not written
 * yet), as if they had been added to @tab in that order, except that
 * @view's first name shares no bytes with @tab's last. A symbol's
 * kallsyms owner o becomes @remap[o] (@remap NULL: kept). @view is left
 * empty for symtab__exit. Returns 0, or -E2BIG (nothing moved, @tab's
 * room whole again) where sequential adds would have dropped symbols:
 * either part dropped some (its room was too small), or past 2 GiB.
 * A split that is not joined is undone by symtab__exit of both, in
 * either order.
 */
int symtab__join_room(struct symtab *tab, struct symtab *view, const u16 *remap);

/**
 * symtab_line_fn - where, in the bytes @p[0..@len) read at a symbol's
 * file offset (@eof: the file ends after them), its name is: 0 and
 * *@name, *@name_len when they make a well-formed line whose address is
 * @start, else -EINVAL.
 */
typedef int (*symtab_line_fn)(const char *p, size_t len, bool eof, u64 start,
			      const char **name, size_t *name_len);

/**
 * symtab__set_lazy - @tab (empty, not finished) keeps no names: its
 * symbols are added with symtab__add_ref, the file offset of their
 * lines in @fd, which @parse reads. The table owns @fd from here (also
 * on error) and reads the names back from it when they are asked for;
 * @path names the file in the warning when it changed (size or
 * modification time, or a line that no longer reads back). The file
 * must be under 256 MiB. Returns 0, or a negative errno (@fd closed).
 */
int symtab__set_lazy(struct symtab *tab, int fd, const char *path, symtab_line_fn parse);

/**
 * symtab__add_ref - symtab__add_owned of an unsized symbol of a lazy
 * table (symtab__set_lazy), or of a table being built for one (@tab->refs
 * set, to be appended to it), whose line is at file offset @off.
 */
void symtab__add_ref(struct symtab *tab, u64 start, u8 binding, u8 type, u16 owner, u32 off);

/** symtab__add_owned - symtab__add with a kallsyms owner (see symbol__owner). */
void symtab__add_owned(struct symtab *tab, u64 start, u64 size, u8 binding, u8 type,
		       const char *name, size_t name_len, u16 owner);

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
 * binary search of the top index, then at most SYMTAB_FANOUT starts. A
 * large table keeps the symbols found in a small cache by address, which
 * is tried first: only one thread may call this on a table (the others
 * call symtab__find_hint).
 */
const struct symbol *symtab__find(const struct symtab *tab, u64 addr);

/**
 * symtab__find_hint - symtab__find with the caller's hint (any value is
 * safe: it is checked) instead of the table's, for threads that share
 * the table.
 */
const struct symbol *symtab__find_hint(const struct symtab *tab, u64 addr, size_t *hint);

/**
 * symtab__sym - symbol @i (< tab->nr) of a finished table: &tab->syms[i],
 * or in a packed table the struct symbol made for it (the same pointer
 * each time). Neighbours in a packed table are not adjacent in memory:
 * walk a table by index.
 */
const struct symbol *symtab__sym(const struct symtab *tab, size_t i);

/** symtab__start - the start of symbol @i, without making it (packed tables). */
static inline u64 symtab__start(const struct symtab *tab, size_t i)
{
	const struct sym_group *g;

	if (!tab->packed)
		return tab->syms[i].start;
	g = &tab->groups[i >> SYMP_GROUP_SHIFT];
	if (__builtin_expect(!(g->off & SYMP_WIDE), 1))
		return tab->pbase + g->base + tab->packed[i].delta;
	return tab->pbase + tab->wide[g->base + (i & (SYMP_GROUP - 1))];
}

/** symtab__end_of - symbol__end of symbol @i, without making it. */
u64 symtab__end_of(const struct symtab *tab, size_t i);

/** symtab__owner_of - symbol__owner of symbol @i, without making it. */
u16 symtab__owner_of(const struct symtab *tab, size_t i);

/** symtab__find_name - linear search by name (for _text and friends). */
const struct symbol *symtab__find_name(const struct symtab *tab, const char *name);

/** symtab__bytes - what the table takes in memory (symbols, names, index). */
size_t symtab__bytes(const struct symtab *tab);

#endif
