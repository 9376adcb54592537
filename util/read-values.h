/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_READ_VALUES_H
#define PMUKVM_READ_VALUES_H

/*
 * Per-thread counts from PERF_RECORD_READ records (what a task's
 * inherited counters held when it exited: `record -s`), summed by thread
 * and event, for report -T.
 */
#include <stdio.h>
#include "util/util.h"
#include "util/u64-index.h"

struct evsel;

struct read_values {
	struct u64_index threads;	/* pid << 32 | tid, numbered in the order first read */
	int *column;		/* by evsel->idx: its column, -1 while none read */
	u32 alloc_column;
	const struct evsel **events;	/* by column, in the order first read */
	u32 nr_columns;
	size_t alloc_events;
	/*
	 * The counts, one a thread and column read (a record adds at most
	 * one: memory as the records', whatever threads and events a file
	 * names), keyed thread << 32 | column, by the key's number.
	 */
	struct u64_index cells;
	u64 *cell_value;
	size_t alloc_values;
};

/* Empty: zeroed (a static or a zero-initialized member). */
void read_values__exit(struct read_values *v);

/** read_values__add - @value of @evsel read for thread @pid/@tid, added to what it had. */
void read_values__add(struct read_values *v, const struct evsel *evsel, u32 pid, u32 tid,
		      u64 value);

/** read_values__pid, read_values__tid - thread @thread's (0: the first read). */
u32 read_values__pid(const struct read_values *v, u32 thread);
u32 read_values__tid(const struct read_values *v, u32 thread);

/**
 * read_values__fprintf - the counts as a table, as perf report -T prints
 * them: a header line (`#`, PID, TID and each event's name), then a line
 * per thread, each column as wide as its widest entry. Nothing when no
 * count was read. Returns 0, or -E2BIG (nothing printed) for more than
 * READ_VALUES_MAX_TABLE threads times events.
 */
int read_values__fprintf(const struct read_values *v, FILE *fp);

#define READ_VALUES_MAX_TABLE	(1u << 24)

#endif
