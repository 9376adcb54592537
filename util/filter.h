/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_FILTER_H
#define PMUKVM_FILTER_H

#include <stddef.h>

#include "util/util.h"

struct err;

/** struct time_range - [start, end] in ns of the sample clock; 0 leaves a side open. */
struct time_range {
	u64 start, end;
};

/**
 * struct sample_filter - report's sample filters, in perf report's sense:
 * cpus and time ranges drop a sample before it is counted; comms, dsos,
 * symbols, pids and tids hide its row but leave it in the totals
 * (--percentage says which total the percentages are of).
 * @cpus: bitmap of CPU_LIST_MAX bits, NULL for every cpu.
 */
struct sample_filter {
	char **comms, **dsos, **syms;
	size_t nr_comms, nr_dsos, nr_syms;
	/* --symbol-filter: rows whose symbol's name holds it (hists__hide_but_symbol) */
	char *sym_part;
	int *pids, *tids;
	size_t nr_pids, nr_tids;
	u64 *cpus;
	struct time_range *times;
	int nr_times;
};

#define CPU_LIST_MAX 4096

/** sample_filter__rows - whether @f hides rows: a comm, pid, tid, DSO or symbol filter. */
static inline bool sample_filter__rows(const struct sample_filter *f)
{
	return f->nr_comms || f->nr_dsos || f->nr_syms || f->nr_pids || f->nr_tids;
}

/**
 * str_list__parse - "a,b,c" into a new array of new strings (empty items
 * dropped, as perf's string lists). The caller frees with str_list__free.
 */
void str_list__parse(const char *spec, char ***out, size_t *nr);
void str_list__free(char **list, size_t nr);
/** str_list__has - whether @s is one of the list's strings. */
bool str_list__has(char *const *list, size_t nr, const char *s);

/**
 * int_list__parse - "1,2,3" into a new array (the caller frees). Returns 0,
 * or -EINVAL with the bad item named in @err.
 */
int int_list__parse(const char *spec, int **out, size_t *nr, struct err *err);
bool int_list__has(const int *list, size_t nr, int v);

/**
 * cpu_list__parse - "0-2,4" into a new bitmap of CPU_LIST_MAX bits (the
 * caller frees). Returns 0, or -EINVAL with the reason in @err.
 */
int cpu_list__parse(const char *spec, u64 **bitmap, struct err *err);

static inline bool cpu_list__has(const u64 *bitmap, u32 cpu)
{
	return cpu < CPU_LIST_MAX && (bitmap[cpu / 64] >> (cpu % 64) & 1);
}

/**
 * time_ranges__parse - perf report's --time: "START,STOP" in seconds with
 * up to nine decimals, either side empty; several such ranges separated by
 * spaces, in order and not overlapping; or percent slices of the span
 * [@first, @last]: "10%/2" (the second tenth), "0%-10%", "50%", each a
 * comma list. Returns the number of ranges (a new array in *@out, the
 * caller frees), or -EINVAL with the reason in @err. Percent forms need a
 * span: with @first and @last both 0 they fail, as perf's do.
 */
int time_ranges__parse(const char *spec, u64 first, u64 last, struct time_range **out,
		       struct err *err);

/**
 * time_ranges__skip - whether a sample at @t is outside the ranges: one
 * range drops what lies before its start or after its end; several keep
 * what falls in any of them. A sample without a time (0) is kept.
 */
bool time_ranges__skip(const struct time_range *r, int nr, u64 t);

/** sample_filter__exit - frees what the filter's lists hold. */
void sample_filter__exit(struct sample_filter *f);

#endif
