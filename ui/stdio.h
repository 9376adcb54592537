/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_UI_STDIO_H
#define PMUKVM_UI_STDIO_H

#include <stdio.h>

#include "util/callchain.h"
#include "util/hist.h"

/** enum output_col - the columns -F names besides the sort keys (perf's). */
enum output_col {
	COL_OVERHEAD,
	COL_OVERHEAD_SYS,
	COL_OVERHEAD_US,
	COL_OVERHEAD_GUEST_SYS,
	COL_OVERHEAD_GUEST_US,
	COL_SAMPLE,
	COL_PERIOD,
	COL_CHILDREN,		/* --children's; not one -F names */
	COL_KEY,		/* a sort key: @key */
	COL_NR,
};

/** struct output_field - one column of the output. */
struct output_field {
	enum output_col col;
	enum sort_key_id key;
};

#define OUTPUT_FIELDS_MAX (COL_NR + SORT_NR_KEYS)

/**
 * output_fields__parse - -F's "overhead,sample,comm,...": the columns in
 * order (up to OUTPUT_FIELDS_MAX, each once) into @out, and the sort keys
 * among them, in order, into @keys. Returns the number of columns, or
 * -EINVAL with the bad name in @err.
 */
int output_fields__parse(const char *spec, struct output_field *out, struct sort_order *keys,
			 struct err *err);

/** struct stdio_opts - how rows are printed as text. */
struct stdio_opts {
	bool show_nr_samples;		/* -n: a Samples column */
	double percent_limit;		/* hide rows below this overhead */
	const char *field_sep;		/* -t: separator instead of padding */
	bool header_names;		/* print the column header lines */
	size_t max_rows;		/* 0: all */
	bool callchain;			/* -g: each row's call paths */
	double callchain_min;		/* the same as cg.min_percent, which is used */
	struct callchain_param cg;	/* -g's print type, order, value, limit */
	bool children;			/* --children: a Children column before Self */
	bool show_total_period;		/* a Period column after the counts */
	/*
	 * --show-cpu-utilization: after Overhead, the shares of host kernel
	 * and user mode (1), and of guest kernel and user mode too (2)
	 */
	u8 cpu_util;
	/* -F: these columns, then the sort keys they lack; NULL: the default */
	const struct output_field *fields;
	int nr_fields;
	bool fields_added;		/* -F +FIELDS: @fields after the default columns */
	bool elide[SORT_NR_KEYS];	/* keys a one-item filter fixes: not shown */
	bool hierarchy;			/* --hierarchy: keys nested, one level each */
	/* --dso given: as perf, unresolved rows then do not widen Shared Object */
	bool dso_list;
};

/**
 * hists__fprintf - prints sorted rows (hists__sort first) as perf report
 * --stdio does: overhead, optional samples, one column per sort key.
 * Returns the number of rows printed.
 */
size_t hists__fprintf(const struct hists *hists, const struct stdio_opts *opts, FILE *fp);

/**
 * percent__snprint - snprintf(buf, len, "%*.2f%%", width, v) for a share
 * @v (0 to 100), as the rows print it, at a fraction of its cost.
 */
int percent__snprint(char *buf, size_t len, int width, double v);

/**
 * struct callchain_line - one line of a row's call graph, as --stdio
 * prints it (without the newline).
 * @parent: the index (from 0, in the row's lines) of the line this one
 *	folds under: a branch's head line; -1: the row itself.
 * @sign_col: where a fold sign may go (a space in @text), -1: nowhere.
 * @node: a head line's node (a branch, a flat path's end), else NULL.
 * @end: the blank line after the graph, not part of it.
 */
struct callchain_line {
	const char *text;
	int parent;
	int sign_col;
	const struct callchain_node *node;
	bool end;
};

typedef void (*callchain_line_fn)(void *ctx, const struct callchain_line *l);

/**
 * hist_entry__callchain_lines - @he's call graph in the form @opts->cg
 * gives, a line at a time to @fn (@l is valid during the call). @total:
 * what percentages are of; @min_total: what the minimum percentage
 * (graph) is a share of; @skip_first: the row names the first frame.
 */
void hist_entry__callchain_lines(const struct hist_entry *he, u64 total, u64 min_total,
				 const struct stdio_opts *opts, bool skip_first,
				 callchain_line_fn fn, void *ctx);

/**
 * hists__fprintf_json - the rows as one JSON object per line (JSON lines);
 * with @opts->callchain each row carries its call paths, every path from
 * the sampled function to the outermost caller with its samples and period.
 */
size_t hists__fprintf_json(const struct hists *hists, const char *event,
			   const struct stdio_opts *opts, FILE *fp);

/**
 * json_fprint_string - a JSON string literal with escapes; bytes that are
 * not well-formed UTF-8 are written as U+FFFD, one for each byte.
 */
void json_fprint_string(FILE *fp, const char *s);

/**
 * json_fprint_double - @v as a JSON number in the fewest digits that read
 * back as @v (so a reader rounding it rounds what pmukvm rounded), null if
 * it is not finite.
 */
void json_fprint_double(FILE *fp, double v);

struct kvm_stat;

/** struct kvm_stat_print - how pmukvm stat report prints its analysis. */
struct kvm_stat_print {
	const char *pid_str;		/* -p as given, for the header; NULL: all VMs */
	const char *field_sep;		/* -t: separated fields instead of perf's table */
	bool extended;			/* per-guest rows, percentiles, histograms, vCPUs */
	bool json;
};

/**
 * kvm_stat__fprintf - the analysis as perf kvm stat report prints it
 * (same header, rows, order and numbers), then with @p->extended pmukvm's
 * own tables; or JSON lines, or -t separated fields.
 */
void kvm_stat__fprintf(struct kvm_stat *ks, const struct kvm_stat_print *p, FILE *fp);

/** kvm_stat__fprintf_symbols - --by-symbol: per guest, the guest functions behind the exits. */
void kvm_stat__fprintf_symbols(struct kvm_stat *ks, const struct kvm_stat_print *p, FILE *fp);

#endif
