/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_HIST_H
#define PMUKVM_HIST_H

#include "util/machine.h"
#include "util/util.h"

struct evsel;

/** struct hist_entry - one row: the sample fields the sort keys look at. */
struct hist_entry {
	const char *comm;
	u32 tid;		/* the "pid" key is per thread, as perf's */
	struct machine *machine;
	struct dso *dso;
	const struct symbol *sym;
	u64 addr;		/* when unresolved: perf's al->addr */
	int vcpu;
	char level;
	u8 cpumode;
	u64 nr_samples;
	u64 period;
	u64 hash;
	struct hist_entry *hnext;
	/* Live view decay. */
	u64 shown_period;
	struct callchain_node *callchain;	/* report -g: the row's call paths */
	u64 period_acc;		/* --children: of the samples with this row on their path */
};

enum sort_key_id {
	SORT_COMM,
	SORT_PID,
	SORT_DSO,
	SORT_SYM,
	SORT_GUEST,
	SORT_VCPU,
	SORT_MODE,
	SORT_NR_KEYS,
};

/** struct sort_key - a column: how rows group, compare and print. */
struct sort_key {
	const char *name;	/* as given to --sort */
	const char *header;
	int (*cmp)(const struct hist_entry *a, const struct hist_entry *b);
	int (*snprint)(const struct hist_entry *he, char *buf, size_t len);
};

extern const struct sort_key sort_keys[SORT_NR_KEYS];

/** struct sort_order - the keys chosen by --sort, in order. */
struct sort_order {
	enum sort_key_id keys[SORT_NR_KEYS];
	int nr;
	int nr_lead;	/* sort_order__full: the keys asked for, before the rest */
};

/**
 * sort_order__parse - "comm,dso,sym" into @so. Returns 0, or -EINVAL with
 * the offending key named in @err.
 */
int sort_order__parse(struct sort_order *so, const char *spec, char *err, size_t errlen);

/** struct hists - the rows of one event. */
struct hists {
	struct sort_order so;
	struct hist_entry **table;
	size_t table_size;
	struct hist_entry **sorted;	/* after hists__sort */
	size_t nr_entries;
	u64 total_period;
	u64 nr_samples;
	u64 nr_filtered;		/* dropped by --guest/--host */
	bool cumulate;			/* --children: sort by period_acc first */
	struct hist_entry *last;		/* fast path: the last row added to */
	struct hist_entry *cache[256];		/* and rows by thread and symbol */
	/* Split by mode, for headers and top. */
	u64 mode_samples[8];
};

void hists__init(struct hists *hists, const struct sort_order *so);
void hists__exit(struct hists *hists);

/**
 * sort_order__full - @lead's keys, then every other key: rows that every
 * sort order can be regrouped from (the TUI keeps its data in these).
 */
void sort_order__full(struct sort_order *so, const struct sort_order *lead);

/**
 * hists__add_entry - adds @he's counts to the row it groups into under
 * @hists's sort order (regrouping a finer hists). @he is only read; its
 * call paths are not carried over.
 */
void hists__add_entry(struct hists *hists, const struct hist_entry *he);

/** hists__add - counts a resolved sample; returns its row. */
struct hist_entry *hists__add(struct hists *hists, const struct addr_location *al, u64 period);

/**
 * hists__add_cumulative - --children: adds @period to the children total
 * of the row @key groups into, created with no samples of its own where
 * none is yet. Returns the row.
 */
struct hist_entry *hists__add_cumulative(struct hists *hists, const struct hist_entry *key,
					 u64 period);

/** hists__find - the row @key groups into, or NULL where there is none yet. */
struct hist_entry *hists__find(const struct hists *hists, const struct hist_entry *key);

/** hist_entry__same_row - @a and @b group into one row under @hists's sort keys. */
bool hist_entry__same_row(const struct hists *hists, const struct hist_entry *a,
			  const struct hist_entry *b);

/** hists__sort - fills hists->sorted: by period, then by the sort keys. */
void hists__sort(struct hists *hists);

/** hists__reset - drops every row (top's 'z'). */
void hists__reset(struct hists *hists);

/**
 * hists__decay - scales periods, sample counts and mode_samples by 7/8,
 * dropping rows that reach zero (top).
 */
void hists__decay(struct hists *hists);

/** hist_entry__snprint_key - one key's text for a row. */
int hist_entry__snprint_key(const struct hist_entry *he, enum sort_key_id key, char *buf,
			    size_t len);

/** mode_name - "host kernel", "guest user", ... for a cpumode. */
const char *mode_name(u8 cpumode);

#endif
