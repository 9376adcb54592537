/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_HIST_H
#define PMUKVM_HIST_H

#include "util/machine.h"
#include "util/util.h"

struct callchain_node;
struct err;
struct evsel;
struct hist_modes;
struct srcline_cache;

/**
 * struct hist_entry - one row: the sample fields the sort keys look at
 * (those of the row's first sample), its counts, and a pointer to what
 * few rows use (struct hist_more). 48 bytes, laid out without holes: a
 * report that makes a row of nearly every sample holds a million of these.
 * The counts' high words are in struct hist_more, made for the few rows
 * whose period or sample count passes 32 bits.
 */
struct hist_entry {
	const char *comm;
	struct dso *dso;
	/* with HE_SYM the symbol, else perf's al->addr (hist_entry__set_loc) */
	union {
		const struct symbol *sym;
		u64 addr;
	} loc;
	/*
	 * NULL for a row of the default keys: made with the row where the
	 * sort keys compare a field it holds (pid, tid, guest, vcpu, cpu,
	 * srcline), else on first use (hist_entry__more).
	 */
	struct hist_more *more;
	u32 hnext;		/* the next row in the bucket, by index; HIST_ROW_NONE: none */
	u32 period_lo;		/* the period's low word: hist_entry__period */
	u32 samples_lo;		/* the sample count's low word: hist_entry__nr_samples */
	char level;
	u8 cpumode;
	/*
	 * Hidden by --comm/--dso/--symbols/--pid/--tid. As in perf, the row's
	 * first sample decides, and later samples count in it either way.
	 */
	bool filtered;
	/*
	 * enum hist_entry_flags, and in the bits above them the low bits of
	 * the row's hash (hists' own, of the sorted fields): a lookup passes
	 * over rows of another hash without comparing them. The hash itself
	 * is not kept; hists__row_hash makes it again.
	 */
	u8 flags;
};

/* No row: the end of a bucket's chain, an empty free list. */
#define HIST_ROW_NONE		UINT32_MAX
/*
 * Rows live in chunks of HIST_ROW_CHUNK, and are named by 32-bit indices
 * (the table's chains, hists->sorted): row i is in chunk i >>
 * HIST_ROW_CHUNK_SHIFT. A chunk is allocated whole, but its pages are
 * touched only as its rows are made.
 */
#define HIST_ROW_CHUNK_SHIFT	13
#define HIST_ROW_CHUNK		(1u << HIST_ROW_CHUNK_SHIFT)

enum hist_entry_flags {
	HE_MORE_OWN = 1 << 0,	/* ->more was allocated on its own (freed with the row) */
	HE_SYM = 1 << 1,	/* ->loc holds a symbol, not an address */
	HE_HASH_SHIFT = 2,	/* the hash's low bits, from here up */
};

/**
 * struct hist_more - a row's rarely used fields. The key fields are set
 * only in hists whose sort keys compare them (pid, tid, guest, vcpu, cpu,
 * srcline); elsewhere they read as none (NULL, -1).
 */
struct hist_more {
	struct machine *machine;
	/*
	 * The srcline key's text (interned), or the parent key's symbol (the
	 * sample's first frame -p's pattern names): one row's, never both
	 * (report takes the two keys apart); else NULL.
	 */
	union {
		const char *srcline;
		const struct symbol *parent;
	};
	int vcpu;
	int cpu;		/* the sample's, -1 when the file has none */
	/*
	 * period by mode (the overhead_sys/_us/_guest_sys/_guest_us fields,
	 * hist_entry__mode_period): NULL while every sample of the row was
	 * taken in the row's cpumode, as with the default keys always; made
	 * with the row where its symbol is a data object, for the offset.
	 */
	struct hist_modes *modes;
	struct callchain_node *callchain;	/* report -g: the row's call paths */
	u64 period_acc;		/* --children: of the samples with this row on their path */
	union {
		/* --hierarchy: the rows one key finer under this one, by period */
		struct hist_entry **children;
		struct hist_more *next_free;	/* on hists' free list (top) */
	};
	u32 nr_children;
	u32 samples_hi;		/* the sample count's high word */
	u32 period_hi;		/* the period's high word */
	/*
	 * --children with -g: the most frames a path added to the row had
	 * from the row's frame on, in the tree's order (the sample's own
	 * row: all of them), as perf's callchain root's max_depth: rows of
	 * equal Children and thread sort by it (hists->depth_order).
	 */
	u32 max_depth;
	/*
	 * The time key's: the row's samples' time rounded down to the time
	 * quantum (hist_time__round), in nanoseconds; 0 elsewhere.
	 */
	u64 time;
	/*
	 * The first sample's thread: the "pid" key groups by its tid (per
	 * thread, as perf's) and prints the command it has in the end.
	 */
	const struct thread *thread;
};

/*
 * A row's symbol, or where it has none its unresolved address (perf's
 * al->addr; 0 with a symbol). Read and set through these: code outside
 * util/hist.c does not touch the fields themselves.
 */
static inline const struct symbol *hist_entry__sym(const struct hist_entry *he)
{
	return he->flags & HE_SYM ? he->loc.sym : NULL;
}

static inline u64 hist_entry__addr(const struct hist_entry *he)
{
	return he->flags & HE_SYM ? 0 : he->loc.addr;
}

/** hist_entry__set_loc - @he's symbol @sym, or where NULL its address @addr. */
static inline void hist_entry__set_loc(struct hist_entry *he, const struct symbol *sym, u64 addr)
{
	if (sym) {
		he->loc.sym = sym;
		he->flags |= HE_SYM;
	} else {
		he->loc.addr = addr;
		he->flags &= (u8)~HE_SYM;
	}
}

/**
 * hist_entry__more - @he's struct hist_more, made (zeroed, vcpu and cpu
 * -1) where it has none. Writers of the fields below go through it.
 */
struct hist_more *hist_entry__more(struct hist_entry *he);

/*
 * Readers: a row without a struct hist_more has none of these (NULL, 0,
 * -1). The graph code reads and writes call paths as
 * hist_entry__callchain(he) and *hist_entry__callchain_p(he), the
 * --children total as hist_entry__period_acc(he) and
 * hist_entry__more(he)->period_acc.
 */
static inline struct machine *hist_entry__machine(const struct hist_entry *he)
{
	return he->more ? he->more->machine : NULL;
}

static inline const char *hist_entry__srcline(const struct hist_entry *he)
{
	return he->more ? he->more->srcline : NULL;
}

static inline int hist_entry__vcpu(const struct hist_entry *he)
{
	return he->more ? he->more->vcpu : -1;
}

/* The thread id the pid and tid keys compare; -1 where the keys compare neither. */
static inline u32 hist_entry__tid(const struct hist_entry *he)
{
	return he->more && he->more->thread ? he->more->thread->tid : (u32)-1;
}

/**
 * hist_entry__pid_comm - the command the "pid" key prints: as perf, the
 * one the row's thread (its first sample's) has at the end, not the one
 * it had at the sample.
 */
const char *hist_entry__pid_comm(const struct hist_entry *he);

static inline u64 hist_entry__time(const struct hist_entry *he)
{
	return he->more ? he->more->time : 0;
}

static inline int hist_entry__cpu(const struct hist_entry *he)
{
	return he->more ? he->more->cpu : -1;
}

static inline struct callchain_node *hist_entry__callchain(const struct hist_entry *he)
{
	return he->more ? he->more->callchain : NULL;
}

/** hist_entry__callchain_p - where @he's call paths hang (for callchain__add). */
static inline struct callchain_node **hist_entry__callchain_p(struct hist_entry *he)
{
	return &hist_entry__more(he)->callchain;
}

static inline u64 hist_entry__period_acc(const struct hist_entry *he)
{
	return he->more ? he->more->period_acc : 0;
}

static inline u32 hist_entry__nr_children(const struct hist_entry *he)
{
	return he->more ? he->more->nr_children : 0;
}

static inline struct hist_entry *hist_entry__child(const struct hist_entry *he, u32 i)
{
	return he->more->children[i];
}

/** hist_entry__add_child - --hierarchy: @child goes under @he. */
void hist_entry__add_child(struct hist_entry *he, struct hist_entry *child);

/** hist_entry__period - @he's period: the sum of its samples' periods. */
static inline u64 hist_entry__period(const struct hist_entry *he)
{
	return he->more ? (u64)he->more->period_hi << 32 | he->period_lo : he->period_lo;
}

static inline u64 hist_entry__nr_samples(const struct hist_entry *he)
{
	return he->more ? (u64)he->more->samples_hi << 32 | he->samples_lo : he->samples_lo;
}

/*
 * struct hist_modes - what few rows hold beyond struct hist_more: a row's
 * period split by mode, once it has samples of two (or from its first,
 * where its symbol is a data object), and that object's offset.
 */
struct hist_modes {
	u64 sys, us, guest_sys, guest_us;
	/*
	 * A row whose symbol is a data object (symbol__is_object): what perf
	 * prints after its name, "+0x...", the row's first address less the
	 * object's start in that address space (hist_entry__object_offset).
	 */
	u64 obj_off;
};

/**
 * hist_entry__object_offset - where @he's symbol is a data object, the
 * offset perf 6.1 prints after its name (sort.c's he->ip -
 * map->unmap_ip(sym->start)), of the row's first sample in delivery order.
 */
static inline u64 hist_entry__object_offset(const struct hist_entry *he)
{
	return he->more && he->more->modes ? he->more->modes->obj_off : 0;
}

/**
 * hist_entry__mode_period - the period of @he's samples taken in @cpumode
 * (PERF_RECORD_MISC_KERNEL, _USER, _GUEST_KERNEL or _GUEST_USER; 0 for
 * any other).
 */
u64 hist_entry__mode_period(const struct hist_entry *he, u8 cpumode);

enum sort_key_id {
	SORT_COMM,
	SORT_PID,
	SORT_DSO,
	SORT_SYM,
	SORT_GUEST,
	SORT_VCPU,
	SORT_MODE,
	SORT_TID,
	SORT_CPU,
	SORT_PERIOD,
	SORT_SRCLINE,
	SORT_PARENT,
	SORT_TIME,
	SORT_NR_KEYS,
};

/** struct sort_key - a column: how rows group, compare and print. */
struct sort_key {
	const char *name;	/* as given to --sort */
	const char *header;
	int (*cmp)(const struct hist_entry *a, const struct hist_entry *b);
	int (*snprint)(const struct hist_entry *he, char *buf, size_t len);
	/* the order of rows of equal period, where it is not @cmp's (perf's) */
	int (*sort)(const struct hist_entry *a, const struct hist_entry *b);
	bool right;		/* right-aligned to the header's width */
	bool no_pad;		/* perf pads its text only where another column follows */
};

extern const struct sort_key sort_keys[SORT_NR_KEYS];

/*
 * The time key, as perf's: a sample's time rounded down to a multiple of
 * the quantum (100 ms unless hist_time__set says otherwise), printed as
 * seconds with six decimals (nine with @ns) and cut to perf's column of
 * 12 (16) characters. Set once, before any row is made.
 */
#define HIST_TIME_QUANTUM_DEFAULT	100000000ull
void hist_time__set(u64 quantum, bool ns);
u64 hist_time__round(u64 time);
int hist_time__width(void);

/**
 * sort_key__find - the key named @name (as --sort spells it), or -1.
 * sort_keys[] is the one table of keys: --sort, -F, the docs and the
 * shell completion all read their names from it.
 */
int sort_key__find(const char *name);

/** enum sort_by_what - what one of struct sort_order's @by compares. */
enum sort_by_what {
	SORT_BY_KEY,		/* the key @arg (its sort, else its compare) */
	SORT_BY_PERIOD,		/* the period, larger first */
	SORT_BY_SAMPLES,	/* the sample count, larger first */
	SORT_BY_MODE,		/* the period taken in cpumode @arg, larger first */
};

/** struct sort_by - one step of an order of rows given in full (-F's). */
struct sort_by {
	u8 what;		/* enum sort_by_what */
	u8 arg;
};

#define SORT_BY_MAX (SORT_NR_KEYS + 8)

/** struct sort_order - the keys chosen by --sort, in order. */
struct sort_order {
	enum sort_key_id keys[SORT_NR_KEYS];
	int nr;
	int nr_lead;	/* sort_order__full: the keys asked for, before the rest */
	/*
	 * The order of rows, where it is given in full (as perf's with -F:
	 * --sort's keys, then -F's columns and keys in turn; -F's alone
	 * without --sort): @by in turn, in place of the period and then the
	 * keys. nr_by 0: the period first (--children: the children total),
	 * then the keys.
	 */
	struct sort_by by[SORT_BY_MAX];
	int nr_by;
};

/**
 * sort_order__parse - "comm,dso,sym" into @so. Returns 0, or -EINVAL with
 * the offending key named in @err.
 */
int sort_order__parse(struct sort_order *so, const char *spec, struct err *err);

struct row_area;

/** struct hists - the rows of one event. */
struct hists {
	struct sort_order so;
	u32 *table;			/* each bucket's first row, by index */
	size_t table_size;
	u32 *sorted;			/* after hists__sort: row indices (hists__sorted) */
	size_t nr_entries;
	u64 total_period;
	u64 nr_samples;
	u64 nr_filtered;		/* dropped by --guest/--host */
	/*
	 * What the filtered rows hold: in the totals but not shown; with
	 * @relative, percentages are of the rows shown (hists__total_period).
	 */
	u64 nr_hidden, hidden_period;
	u64 part_hidden_period;		/* of @hidden_period: hists__hide_but_symbol's rows */
	bool relative;
	struct srcline_cache *srcline;	/* the srcline key's, made on first use */
	bool cumulate;			/* --children: sort by period_acc first */
	/*
	 * Rows were made in their first samples' order (with --children,
	 * a row a frame makes at that frame; report on one thread), or
	 * carry it in @made (hists__hold starts @track_made):
	 * where the keys' compares are no order (sort_order__table_order),
	 * rows of equal share go in the order of perf's table of rows, which
	 * hists__sort works out.
	 */
	bool table_order;
	/*
	 * With @table_order: perf's table collapses into a second one (its
	 * sort keys, not -F's columns alone, have a comm or srcline key:
	 * sort_order__collapses).
	 */
	bool table_collapse;
	/*
	 * --children with -g, as perf: rows of equal period_acc and the same
	 * thread (their first sample's) put the caller first, by max_depth:
	 * 1, the smaller first (callee order); -1, the larger (caller order).
	 */
	signed char depth_order;
	/*
	 * Keys (1 << id) the order of rows passes over, as perf's sort passes
	 * over the columns it elides (a key a one-item --comm/--dso/--symbols
	 * list fixes): where the order is not an order (depth_order), which
	 * rows it compares by them changes where the others land.
	 */
	unsigned sort_skip;
	/* -g, --children: each row made with its struct hist_more (from the chunks) */
	bool with_more;
	/*
	 * hists__add_cpu_later's samples not counted yet, a ring of
	 * HIST_LATER from @later_head (NULL until the first).
	 */
	struct hist_later *later;
	u32 later_head, later_nr;
	struct hist_entry *last;	/* fast path: the last row added to */
	/*
	 * and, for comm,dso,sym and dso,sym, rows by their fields' mix
	 * (@tag): a slot of another row is passed over without reading it.
	 */
	struct hist_cache_slot {
		u64 tag;
		struct hist_entry *he;
	} cache[256];
	unsigned fields;		/* which fields the sort keys compare (hist.c's) */
	unsigned table_shift;		/* a hash's bucket: hash >> table_shift */
	bool unlinked;			/* hists__sort_final: no table, the rows in @sorted */
	/*
	 * Rows, HIST_ROW_CHUNK a chunk (hists__row); @next_row is the index
	 * the next new row gets. Top's decay puts rows it drops on @free_rows
	 * (linked through hnext).
	 */
	struct hist_entry **rows;
	size_t alloc_chunks;
	u32 nr_chunks;
	u32 next_row;
	u32 free_rows;
	/*
	 * Top's base (@track_made): when each row was made, by index (an
	 * index the decay frees goes to a newer row), so that the views
	 * grouped from the base take its rows in that order: a view's row
	 * is then its group's first, as perf's (hists__rows_made). In a
	 * report with @table_order, from the first sample held (hists__hold):
	 * a row made from held samples takes their first one's place.
	 */
	bool track_made;
	u64 *made;
	size_t alloc_made;
	u64 nr_made;
	/*
	 * The chunks' memory (hist.c's row areas): one chunk an area at
	 * first, then ROW_AREA_CHUNKS in an area of huge pages. The chunks
	 * not yet handed out start at @area_next.
	 */
	struct row_area *areas;
	size_t alloc_areas;
	u32 nr_areas;
	u32 area_left;
	struct hist_entry *area_next;
	/* @sorted's bytes where it is a table from huge_alloc, else 0: malloc's */
	size_t sorted_huge;
	/* and their struct hist_more, where the sort keys need one a row */
	struct carve_chunk *more_chunks;
	struct hist_more *free_more;
	/* Split by mode, for headers and top. */
	u64 mode_samples[8];
	struct hists_held *held;	/* hists__hold's, until counted */
	/* --group: the other events' rows, shown beside these (hists__link_group) */
	struct hists **group;
	int nr_group;
};

/** rows__at - the row of index @i in the chunk directory @rows (hists->rows). */
static inline struct hist_entry *rows__at(struct hist_entry *const *rows, u32 i)
{
	return &rows[i >> HIST_ROW_CHUNK_SHIFT][i & (HIST_ROW_CHUNK - 1)];
}

/** hists__row - @hists' row of index @i (a table chain's, hists->sorted's). */
static inline struct hist_entry *hists__row(const struct hists *hists, u32 i)
{
	return rows__at(hists->rows, i);
}

/**
 * hists__chain - the row of index @r, NULL for HIST_ROW_NONE: a table
 * chain is walked as he = hists__chain(h, h->table[i]); he; he =
 * hists__chain(h, he->hnext).
 */
static inline struct hist_entry *hists__chain(const struct hists *hists, u32 r)
{
	return r == HIST_ROW_NONE ? NULL : hists__row(hists, r);
}

/**
 * hists__sorted - the row at @i (below nr_entries) in @hists' order, after
 * hists__sort or hists__sort_final: readers outside util/hist.c take the
 * sorted rows through this, not hists->sorted.
 */
static inline struct hist_entry *hists__sorted(const struct hists *hists, size_t i)
{
	return hists__row(hists, hists->sorted[i]);
}

/**
 * hists__rows_dense - every index below next_row is a row: none dropped by
 * top's decay (on the free list), none left out where workers' rows moved
 * in after a part-used chunk.
 */
static inline bool hists__rows_dense(const struct hists *hists)
{
	return hists->free_rows == HIST_ROW_NONE && hists->next_row == hists->nr_entries;
}

/**
 * hists__any - the @i-th (below nr_entries) of @hists' rows after a sort,
 * in whatever order is cheapest to read: the order of their memory where
 * every index is a row (hists__rows_dense), else the sorted order. For
 * passes whose result does not depend on the order (the widths of
 * columns): a million rows read in the sort's order wait on memory a row.
 */
static inline struct hist_entry *hists__any(const struct hists *hists, size_t i)
{
	if (hists__rows_dense(hists))
		return hists__row(hists, (u32)i);
	return hists__sorted(hists, i);
}

void hists__init(struct hists *hists, const struct sort_order *so);
void hists__exit(struct hists *hists);

/** sort_order__has - whether @so groups by @k. */
bool sort_order__has(const struct sort_order *so, enum sort_key_id k);

/**
 * sort_order__full - @lead's keys, then every other key: rows that every
 * sort order can be regrouped from (the TUI keeps its data in these).
 */
void sort_order__full(struct sort_order *so, const struct sort_order *lead);

/**
 * hists__add_entry - adds @he's counts to the row it groups into under
 * @hists's sort order (regrouping a finer hists). @he is only read; its
 * call paths are not carried over. Returns the row.
 */
struct hist_entry *hists__add_entry(struct hists *hists, const struct hist_entry *he);

/**
 * hists__find - the row @key groups into under @hists's sort order, or
 * NULL. @key is only read.
 */
struct hist_entry *hists__find(struct hists *hists, const struct hist_entry *key);

/**
 * hists__find_unmapped - for @key at an address no map covers (neither
 * symbol nor DSO), the row of that address made at another level, which
 * @key joins as perf's rows without a symbol do (compared by address
 * alone); NULL where there is none or the rows are not told apart by
 * symbol. @key is only read.
 */
struct hist_entry *hists__find_unmapped(struct hists *hists, const struct hist_entry *key);

/** hists__add - counts a resolved sample; returns its row. */
struct hist_entry *hists__add(struct hists *hists, const struct addr_location *al, u64 period);

/**
 * hists__add_cpu_later - hists__add_cpu of an unfiltered sample whose row
 * the caller does not want: where the last row or the small cache does
 * not find it, the sample waits (its fields copied) while the next ones
 * come, its row's bucket and then its row asked for from memory, and is
 * counted HIST_LATER samples on, in the order samples came. hists__add_cpu,
 * hists__hold and hists__count_held count what waits first; call
 * hists__count_later before anything else looks at or adds to @hists
 * (its totals, its rows). Rows are made in their first samples' order,
 * as hists__add_cpu makes them.
 */
void hists__add_cpu_later(struct hists *hists, const struct addr_location *al, u64 period,
			  int cpu);
/** hists__count_later - counts the samples hists__add_cpu_later keeps waiting. */
void hists__count_later(struct hists *hists);

/**
 * hists__add_cpu - hists__add for a sample taken on @cpu (-1: unknown);
 * @filtered: the report's filters hide the sample, and so its row if the
 * sample is the row's first.
 */
struct hist_entry *hists__add_cpu(struct hists *hists, const struct addr_location *al,
				  u64 period, int cpu, bool filtered);

/**
 * hists__hold - keeps a sample of @al, a host kernel sample whose symbol
 * is not looked up yet (@al->held: the host's kallsyms is being read),
 * to be counted by hists__count_held; samples of the same fields and
 * address are kept as one, the same entry (its number in *@entry, where
 * @entry is not NULL). Returns false, keeping nothing, when there is no
 * room left (or the sort keys need more of @al than is kept): the caller
 * then waits for the symbols and counts it as usual.
 */
bool hists__hold(struct hists *hists, const struct addr_location *al, u64 period, int cpu,
		 u32 *entry);

/**
 * hists__count_held - counts the samples hists__hold kept, their symbols
 * looked up now (machines__resolve_held; the kallsyms load settled), in
 * the rows hists__add_cpu would have counted them in, in the order they
 * were first held. Returns how many samples it counted. With @rows, sets
 * *@rows to an array (the caller's to free; NULL where nothing was held)
 * of each entry's row, by the entry's number.
 */
u64 hists__count_held(struct hists *hists, struct hist_entry ***rows);

/** hists__drop_held - forgets the samples held, uncounted. */
void hists__drop_held(struct hists *hists);

/** hists__total_period - what percentages are of: all, or with @relative the shown. */
u64 hists__total_period(const struct hists *hists);

/**
 * hists__graph_min_total - what a call graph's minimum (graph mode) is a
 * share of: hists__total_period, where the rows --symbol-filter hides
 * still count (perf works the minimum out before that filter).
 */
u64 hists__graph_min_total(const struct hists *hists);

/** hists__nr_samples - the sample count the header gives, likewise. */
u64 hists__nr_samples(const struct hists *hists);

/**
 * hists__add_cumulative - --children: adds @period to the children total
 * of the row @key groups into, created with no samples of its own where
 * none is yet. Returns the row.
 */
struct hist_entry *hists__add_cumulative(struct hists *hists, const struct hist_entry *key,
					 u64 period);

/**
 * hists__entry_cmp - @a against @b by @hists' sort keys in order (perf's
 * order of rows before they are sorted by period; 0: the same row).
 */
int hists__entry_cmp(const struct hists *hists, const struct hist_entry *a,
		     const struct hist_entry *b);

/** hist_entry__same_row - @a and @b group into one row under @hists's sort keys. */
bool hist_entry__same_row(const struct hists *hists, const struct hist_entry *a,
			  const struct hist_entry *b);

/**
 * hists__longest_chain - the most rows in one bucket of @hists' table: what
 * a lookup may have to walk (the row hash is keyed at random, so no file
 * can make this grow with its rows).
 */
size_t hists__longest_chain(const struct hists *hists);

/**
 * hists__row_hash - the hash @hists files @he under (of the fields its
 * sort keys compare), made again from the row: the same for the same
 * fields within one run.
 */
u32 hists__row_hash(const struct hists *hists, const struct hist_entry *he);

/**
 * hists__link_group - --group: @leader shows the rows of @members (the
 * group's other events, @n of them) beside its own, each row's value in
 * each event; a row only they have is made in @leader, empty, as perf's
 * group view makes one. @members keep their tables (hists__group_pair
 * looks rows up in them) and must outlive @leader's printing; rows of
 * equal period in @leader then sort by the members' periods in turn.
 */
void hists__link_group(struct hists *leader, struct hists **members, int n);

/** hists__group_pair - the row of @leader's row @he in its @m-th member, or NULL. */
const struct hist_entry *hists__group_pair(const struct hists *leader, int m,
					   const struct hist_entry *he);

/** hists__sort - fills hists->sorted: by period, then by the sort keys. */
void hists__sort(struct hists *hists);

/**
 * hists__sort_final - hists__sort for the end of a report: the rows are
 * sorted through their links, and the table's memory becomes the sorted
 * array, so that no second array of a pointer a row is made. After it,
 * rows are only read (hists->sorted) and the hists only freed: none is
 * looked up, added or decayed.
 */
void hists__sort_final(struct hists *hists);

/**
 * hists__hide_but_symbol - hides the rows (--children's callers' rows
 * too) but those whose symbol's name holds @part, as perf's
 * --symbol-filter: they stay in the totals (hists__total_period leaves
 * them out with --percentage relative).
 */
void hists__hide_but_symbol(struct hists *hists, const char *part);

/** hists__reset - drops every row (top's 'z'). */
void hists__reset(struct hists *hists);

/**
 * hists__decay - scales periods, sample counts and mode_samples by 7/8,
 * and the rows' call paths alike, dropping rows and paths that reach zero
 * (top).
 */
void hists__decay(struct hists *hists);

/**
 * hists__count_hidden - a sample of @period that makes no row but counts in
 * the event's total as a hidden row's would (hists__total_period leaves
 * it out with --percentage relative).
 */
void hists__count_hidden(struct hists *hists, u64 period);

/**
 * sort_order__table_order - whether the keys' compares of @so are no order
 * (a sym key, no dso key before it: rows without a symbol compare by
 * address whatever their DSO, rows with one by DSO first), so that perf's
 * order of rows of equal share depends on the order rows were made
 * (hists.table_order).
 */
bool sort_order__table_order(const struct sort_order *so);

/**
 * sort_order__collapses - whether perf's table of rows under @so's keys
 * collapses into a second table: a comm or srcline key among them (those
 * perf's sort keys group by a second compare).
 */
bool sort_order__collapses(const struct sort_order *so);

/**
 * hists__rows_made - the indices of @hists' rows (in its table), in the
 * order the rows were made (@track_made; else by index, which is that
 * order where no row was dropped), for a view that groups them: xmalloc'd,
 * their number in @n.
 */
u32 *hists__rows_made(const struct hists *hists, size_t *n);

/**
 * hists__mark_threads - sets thread.held on each thread a row of @hists
 * names (machine__sweep_threads' mark).
 */
void hists__mark_threads(const struct hists *hists);

/** hist_entry__snprint_key - one key's text for a row. */
int hist_entry__snprint_key(const struct hist_entry *he, enum sort_key_id key, char *buf,
			    size_t len);

/**
 * struct hist_pool - samples looked up and counted on threads of their
 * own (report --threads): the delivering thread hands each sample over
 * with its row's fields but the symbol, and what finding the symbol
 * needs; the rows come out as hists__add_cpu would have made them on one
 * thread, row for row.
 */
struct hist_pool;

/**
 * hist_pool__new - a pool of @nr_threads threads counting into rows of
 * @so. NULL where threads cannot be started or @so needs the srcline key
 * (its cache is one thread's): count on the calling thread then.
 */
struct hist_pool *hist_pool__new(unsigned nr_threads, const struct sort_order *so);

/**
 * hist_pool__add - counts a sample of event index @idx: @al as the
 * session resolved it, @lk (NULL: none) the symbol lookup it left.
 * @al's thread is read now; the filters (hidden rows) are not supported.
 */
void hist_pool__add(struct hist_pool *pool, u32 idx, const struct addr_location *al,
		    const struct sym_lookup *lk, u64 period, int cpu);

/**
 * hist_pool__finish - waits for the threads, moves their rows into
 * @hists (by event index, @nr_hists of them; each index added must have
 * one), adds the guest header lines the threads counted (as
 * machines__count_sample would) to the guests, and frees @pool. NULL is
 * a no-op.
 */
void hist_pool__finish(struct hist_pool *pool, struct hists *hists, u32 nr_hists);

/** mode_name - "host kernel", "guest user", ... for a cpumode. */
const char *mode_name(u8 cpumode);

#endif
