// SPDX-License-Identifier: GPL-2.0
/* Plain-text rows: what people read and what tests and scripts diff. */
#include "ui/stdio.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "symbols/kallsyms.h"
#include "symbols/symtab.h"
#include "util/callchain.h"
#include "util/buf.h"
#include "util/err.h"

/*
 * Call paths as perf report draws them (percentages of the event's total,
 * or with "fractal" of the parent's): a chain with one way on is a column
 * of names; where it splits, each branch is "|--VALUE--name", the last
 * " --VALUE--name", with its own column below. @prefix is what the lines
 * of this level start with. Lines go to a callback, with the fold unit
 * each belongs to: stdio prints them, the browser folds them.
 */
struct graph {
	u64 total;		/* what values are percentages of */
	u64 min_total;		/* what the minimum (graph) is a share of */
	const struct callchain_param *cg;
	callchain_line_fn fn;
	void *ctx;
	int nr_lines;
	const struct callchain_node *head;	/* the next line's, when a head */
	char prefix[2048];
};

/* Emits one line; returns its index. */
static int graph_emit(struct graph *g, int parent, int sign_col, const char *text)
{
	struct callchain_line l = { .text = text, .parent = parent, .sign_col = sign_col,
				    .node = g->head };

	g->head = NULL;
	g->fn(g->ctx, &l);
	return g->nr_lines++;
}

static int graph_line(struct graph *g, int parent, int sign_col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int graph_line(struct graph *g, int parent, int sign_col, const char *fmt, ...)
{
	char buf[4096], *big = NULL;
	va_list ap;
	int n, ret;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(buf)) {
		big = xmalloc((size_t)n + 1);
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	ret = graph_emit(g, parent, sign_col, big ? big : buf);
	free(big);
	return ret;
}

/* Sum of the children's periods (perf's children_hit) and samples. */
static u64 children_period(const struct callchain_node *n, u64 *samples)
{
	const struct callchain_node *c;
	u64 p = 0, s = 0;

	for (c = callchain_node__child(n); c; c = callchain_node__next(c)) {
		p += callchain_node__period(c);
		s += callchain_node__samples(c);
	}
	if (samples)
		*samples = s;
	return p;
}

/*
 * The smallest period a child of @parent is shown with: a share of the
 * event's total ("graph", whole periods as perf counts them) or of the
 * parent's children ("fractal", rounded up).
 */
static u64 min_period(const struct graph *g, const struct callchain_node *parent)
{
	double f = g->cg->min_percent / 100;

	if (g->cg->mode == CHAIN_GRAPH_REL)
		return (u64)ceil((double)children_period(parent, NULL) * f);
	return (u64)((double)g->min_total * f);
}

static int value_snprint(const struct callchain_param *cg, u64 period, u64 samples, u64 total,
			 char *buf, size_t len)
{
	if (cg->value == CCVAL_PERIOD)
		return snprintf(buf, len, "%" PRIu64, period);
	if (cg->value == CCVAL_COUNT)
		return snprintf(buf, len, "%" PRIu64, samples);
	return snprintf(buf, len, "%.2f%%", percent(period, total));
}

/* @n has one child, which carries all of @n's period and is shown. */
static bool one_way_on(const struct graph *g, const struct callchain_node *n)
{
	const struct callchain_node *c = callchain_node__child(n);

	return c && !callchain_node__next(c) && callchain_node__period(c) == callchain_node__period(n) &&
	       callchain_node__period(c) >= min_period(g, n);
}

static bool graph_children(struct graph *g, const struct callchain_node *parent, size_t plen,
			   u64 total, int unit);

/*
 * The column below @n while there is one way on, then the branches where
 * it splits; the lines belong to @unit (the branch's head line).
 */
static void graph_below(struct graph *g, const struct callchain_node *n, size_t plen, int unit)
{
	char addr[CALLCHAIN_ADDR_LEN];
	const char *name;

	while (one_way_on(g, n)) {
		n = callchain_node__child(n);
		name = callchain_node__name(n, addr);
		graph_line(g, unit, -1, "%.*s%s", (int)plen, g->prefix, name);
	}
	if (callchain_node__child(n))
		graph_children(g, n, plen, g->cg->mode == CHAIN_GRAPH_REL ?
			       children_period(n, NULL) : g->total, unit);
}

/*
 * @total: what the children's percentages are of; @unit: the line the
 * branches fold under (-1: the row). Returns whether it printed.
 */
static bool graph_children(struct graph *g, const struct callchain_node *parent, size_t plen,
			   u64 total, int unit)
{
	const struct callchain_node *c, *next;
	u64 min = min_period(g, parent), remaining = total, shown_samples = 0, all_samples;
	bool rel = g->cg->mode == CHAIN_GRAPH_REL;
	char addr[CALLCHAIN_ADDR_LEN], head[96], val[64];
	const char *name;
	u32 printed = 0;

	children_period(parent, &all_samples);
	for (c = callchain_node__child(parent); c && callchain_node__period(c) < min;
	     c = callchain_node__next(c))
		;
	for (; c; c = next) {
		bool last;
		int line;

		for (next = callchain_node__next(c); next && callchain_node__period(next) < min;
		     next = callchain_node__next(next))
			;
		remaining -= callchain_node__period(c);
		shown_samples += callchain_node__samples(c);
		last = !next && (!rel || !remaining);
		name = callchain_node__name(c, addr);
		value_snprint(g->cg, callchain_node__period(c), callchain_node__samples(c), total, val,
			      sizeof(val));
		snprintf(head, sizeof(head), "%s--%s--", last ? " " : "|", val);
		graph_line(g, unit, -1, "%.*s|", (int)plen, g->prefix);
		/* the fold sign goes in the space before the branch */
		g->head = c;
		line = graph_line(g, unit, plen ? (int)plen - 1 : -1, "%.*s%s%s", (int)plen,
				  g->prefix, head, name);
		if (plen + 12 < sizeof(g->prefix)) {
			/* Below the branch: its bar goes on unless it was the last. */
			memset(g->prefix + plen, ' ', 11);
			g->prefix[plen] = last ? ' ' : '|';
			graph_below(g, c, plen + 11, line);
		}
		if (++printed == g->cg->print_limit)
			break;
	}
	/* "fractal": what the branches shown leave of the parent's. */
	if (rel && remaining && remaining != total) {
		if (g->cg->value == CCVAL_COUNT && all_samples <= shown_samples)
			return printed;
		value_snprint(g->cg, remaining, all_samples - shown_samples, total, val,
			      sizeof(val));
		graph_line(g, unit, -1, "%.*s --%s--[...]", (int)plen, g->prefix, val);
		return true;
	}
	return printed;
}

/*
 * @skip_first: the rows are sorted by symbol first, so the first frame
 * (the row's own function) is not printed again, as perf does.
 */
static void callchain_graph_lines(struct graph *g, const struct hist_entry *he,
				  bool skip_first, u64 parent_period)
{
	const struct callchain_param *cg = g->cg;
	const struct callchain_node *root = hist_entry__callchain(he), *n = root, *first, *second = NULL;
	u64 min = min_period(g, root);
	char addr[CALLCHAIN_ADDR_LEN];
	const char *name;
	size_t plen = 12;
	bool any = false;

	memset(g->prefix, ' ', sizeof(g->prefix));
	for (first = callchain_node__child(root); first && callchain_node__period(first) < min;
	     first = callchain_node__next(first))
		;
	if (first)
		for (second = callchain_node__next(first); second && callchain_node__period(second) < min;
		     second = callchain_node__next(second))
			;
	if (first && !second && callchain_node__period(first) == parent_period) {
		/* One path from the row: "---" and a column of names, no value. */
		u32 printed = 0;
		bool skip = skip_first;

		n = first;
		for (;;) {
			if (skip) {
				skip = false;
			} else if (!cg->print_limit || printed < cg->print_limit) {
				name = callchain_node__name(n, addr);
				if (!any) {
					graph_line(g, -1, -1, "%.*s|", (int)plen, g->prefix);
					graph_line(g, -1, -1, "%.*s---%s", (int)plen, g->prefix,
						   name);
				} else {
					graph_line(g, -1, -1, "%.*s%s", (int)plen + 3, g->prefix,
						   name);
				}
				any = true;
				printed++;
			}
			if (!one_way_on(g, n))
				break;
			n = callchain_node__child(n);
		}
		if (any)
			plen += 3;
	}
	if (callchain_node__child(n))
		any |= graph_children(g, n, plen,
				      cg->mode == CHAIN_GRAPH_REL ? parent_period : g->total, -1);
	if (any)	/* nothing above the minimum: the row alone */
		g->fn(g->ctx, &(struct callchain_line){ .text = "", .parent = -1,
							 .sign_col = -1, .end = true });
}

/* Every path that ends at @n or below, in order of its own period. */
struct path_end {
	const struct callchain_node *node;
	u64 self;
};

static void collect_ends(const struct callchain_node *n, bool root, u64 min,
			 struct path_end **ends, size_t *nr, size_t *alloc)
{
	const struct callchain_node *c;
	u64 self = callchain_node__period(n) - children_period(n, NULL);

	for (c = callchain_node__child(n); c; c = callchain_node__next(c))
		collect_ends(c, false, min, ends, nr, alloc);
	if (!root && self && self >= min) {
		if (*nr == *alloc) {
			*alloc = *alloc ? 2 * *alloc : 16;
			*ends = xrealloc(*ends, *alloc * sizeof(**ends));
		}
		(*ends)[(*nr)++] = (struct path_end){ n, self };
	}
}

static bool end_before(const void *a, const void *b)
{
	return ((const struct path_end *)a)->self > ((const struct path_end *)b)->self;
}

/*
 * "flat": the frames of the path to @n, outermost last, a line each
 * (@root, @parents: @n's tree and callchain__parents of it).
 */
static void flat_path(struct graph *g, const struct callchain_node *root, const u32 *parents,
		      const struct callchain_node *n, int unit)
{
	char addr[CALLCHAIN_ADDR_LEN];
	const char *name;

	if (n == root)
		return;
	flat_path(g, root, parents, callchain_node__parent(root, parents, n), unit);
	name = callchain_node__name(n, addr);
	graph_line(g, unit, -1, "                %s", name);
}

/* "folded": the frames of the path to @n joined by @sep, appended to @b. */
static void folded_path(const struct callchain_node *root, const u32 *parents,
			const struct callchain_node *n, const char *sep, struct buf *b, bool *first)
{
	char addr[CALLCHAIN_ADDR_LEN];
	const char *name;

	if (n == root)
		return;
	folded_path(root, parents, callchain_node__parent(root, parents, n), sep, b, first);
	name = callchain_node__name(n, addr);
	if (!*first)
		buf__append(b, sep, strlen(sep));
	buf__append(b, name, strlen(name));
	*first = false;
}

/*
 * "flat": each path with its value, then its frames one a line; "folded":
 * a line each, the value of the samples that end there, then the frames
 * joined by ';' (or -t's separator).
 */
static void callchain_path_lines(struct graph *g, const struct hist_entry *he,
				 const char *field_sep)
{
	const struct callchain_param *cg = g->cg;
	const struct callchain_node *root = hist_entry__callchain(he);
	struct path_end *ends = NULL;
	size_t nr = 0, alloc = 0, i;
	u32 *parents;
	char val[64];

	collect_ends(root, true, min_period(g, root), &ends, &nr, &alloc);
	if (nr > 1)
		sort_runs(ends, nr, sizeof(*ends), end_before);
	parents = nr ? callchain__parents(root) : NULL;
	for (i = 0; i < nr; i++) {
		const struct callchain_node *n = ends[i].node;

		if (cg->mode == CHAIN_FLAT) {
			int head;

			value_snprint(cg, callchain_node__period(n), callchain_node__samples(n), g->total,
				      val, sizeof(val));
			g->head = n;
			head = graph_line(g, -1, 10, "           %s", val);
			flat_path(g, root, parents, n, head);
			graph_emit(g, head, -1, "");
		} else {
			/* a path may be long: the line is built in a buffer of its own */
			struct buf line = { 0 };
			bool first = true;
			u64 samples;

			children_period(n, &samples);
			value_snprint(cg, ends[i].self, callchain_node__samples(n) - samples, g->total, val,
				      sizeof(val));
			buf__append(&line, val, strlen(val));
			buf__append(&line, " ", 1);
			folded_path(root, parents, n, field_sep ? field_sep : ";", &line, &first);
			buf__append(&line, "", 1);
			graph_emit(g, -1, -1, (const char *)line.data);
			buf__free(&line);
		}
		if (i + 1 == cg->print_limit)
			break;
	}
	free(parents);
	free(ends);
}

void hist_entry__callchain_lines(const struct hist_entry *he, u64 total, u64 min_total,
				 const struct stdio_opts *opts, bool skip_first,
				 callchain_line_fn fn, void *ctx)
{
	struct graph *g;

	if (!hist_entry__callchain(he))
		return;
	g = xmalloc(sizeof(*g));
	*g = (struct graph){ .total = total, .min_total = min_total, .cg = &opts->cg, .fn = fn,
			     .ctx = ctx };
	switch (opts->cg.mode) {
	case CHAIN_GRAPH_ABS:
	case CHAIN_GRAPH_REL:
		callchain_graph_lines(g, he, skip_first,
				      opts->children ? hist_entry__period_acc(he) : hist_entry__period(he));
		break;
	case CHAIN_FLAT:
	case CHAIN_FOLDED:
		callchain_path_lines(g, he, opts->field_sep);
		break;
	case CHAIN_NONE:
		break;
	}
	free(g);
}

static void fprint_line(void *ctx, const struct callchain_line *l)
{
	fputs(l->text, ctx);
	fputc('\n', ctx);
}

/* -F's names for the columns that are not sort keys, their headers and widths. */
static const struct {
	const char *name, *header;
	int width;
} cols[COL_KEY] = {
	[COL_OVERHEAD] = { "overhead", "Overhead", 8 },
	[COL_OVERHEAD_SYS] = { "overhead_sys", "sys", 8 },
	[COL_OVERHEAD_US] = { "overhead_us", "usr", 8 },
	[COL_OVERHEAD_GUEST_SYS] = { "overhead_guest_sys", "guest sys", 9 },
	[COL_OVERHEAD_GUEST_US] = { "overhead_guest_us", "guest usr", 9 },
	[COL_SAMPLE] = { "sample", "Samples", 12 },
	[COL_PERIOD] = { "period", "Period", 12 },
	/* --children's, before the others; not one -F names */
	[COL_CHILDREN] = { NULL, "Children", 8 },
};

int output_fields__parse(const char *spec, struct output_field *out, struct sort_order *keys,
			 struct err *err)
{
	char *copy = xstrdup(spec), *tok, *save = NULL;
	int n = 0, ret = 0, i;

	memset(keys, 0, sizeof(*keys));
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		struct output_field f = { COL_KEY, 0 };
		int k;

		for (k = 0; k < COL_KEY; k++)
			if (cols[k].name && !strcmp(cols[k].name, tok))
				break;
		if (k < COL_KEY) {
			f.col = k;
		} else {
			k = sort_key__find(tok);
			if (k < 0) {
				ret = err__set(err, -EINVAL, "unknown field '%s' in -F (overhead, "
					       "overhead_sys, overhead_us, overhead_guest_sys, "
					       "overhead_guest_us, sample, period, or a sort key)", tok);
				break;
			}
			/* "period" is the column; the sort key of that name prints the same */
			f.key = k;
		}
		for (i = 0; i < n; i++)
			if (out[i].col == f.col && (f.col != COL_KEY || out[i].key == f.key))
				break;
		if (i < n)
			continue;
		out[n++] = f;
		if (f.col == COL_KEY)
			keys->keys[keys->nr++] = f.key;
	}
	if (!ret && !n)
		ret = err__set(err, -EINVAL, "-F names no field");
	free(copy);
	return ret ? ret : n;
}

/* The columns shown: -F's and the sort keys it lacks, or the default. */
/*
 * @tail_elided (may be NULL): set where the last column was elided, so
 * that, as in perf, the last one shown still has one after it.
 */
static int columns_of(const struct hists *hists, const struct stdio_opts *opts,
		      struct output_field *out, bool *tail_elided)
{
	int n = 0, k, i;
	bool all_elided = true;

	if (tail_elided)
		*tail_elided = false;

	if (!opts->fields || opts->fields_added) {
		/* --children: Children, then Self where Overhead is (as perf, not with -F) */
		if (opts->children)
			out[n++] = (struct output_field){ COL_CHILDREN, 0 };
		out[n++] = (struct output_field){ COL_OVERHEAD, 0 };
		if (opts->cpu_util) {
			out[n++] = (struct output_field){ COL_OVERHEAD_SYS, 0 };
			out[n++] = (struct output_field){ COL_OVERHEAD_US, 0 };
		}
		if (opts->cpu_util > 1) {
			out[n++] = (struct output_field){ COL_OVERHEAD_GUEST_SYS, 0 };
			out[n++] = (struct output_field){ COL_OVERHEAD_GUEST_US, 0 };
		}
		if (opts->show_nr_samples)
			out[n++] = (struct output_field){ COL_SAMPLE, 0 };
		if (opts->show_total_period)
			out[n++] = (struct output_field){ COL_PERIOD, 0 };
	}
	/* -F's, each once (-F +sample with -n: one Samples column) */
	for (i = 0; opts->fields && i < opts->nr_fields; i++) {
		for (k = 0; k < n; k++)
			if (out[k].col == opts->fields[i].col &&
			    (out[k].col != COL_KEY || out[k].key == opts->fields[i].key))
				break;
		if (k == n)
			out[n++] = opts->fields[i];
	}
	for (k = 0; k < hists->so.nr; k++) {
		for (i = 0; i < n; i++)
			if (out[i].col == COL_KEY && out[i].key == hists->so.keys[k])
				break;
		if (i == n)
			out[n++] = (struct output_field){ COL_KEY, hists->so.keys[k] };
	}
	/* As perf: a key that a one-item filter fixes is said once, above; not all of them. */
	for (i = 0; i < n; i++)
		if (out[i].col == COL_KEY && !opts->elide[out[i].key])
			all_elided = false;
	if (all_elided || opts->hierarchy)
		return n;
	if (tail_elided)
		*tail_elided = out[n - 1].col == COL_KEY && opts->elide[out[n - 1].key];
	for (i = k = 0; i < n; i++)
		if (out[i].col != COL_KEY || !opts->elide[out[i].key])
			out[k++] = out[i];
	return k;
}

static u64 col_period(const struct hist_entry *he, enum output_col col)
{
	switch (col) {
	case COL_OVERHEAD_SYS:
		return hist_entry__mode_period(he, PERF_RECORD_MISC_KERNEL);
	case COL_OVERHEAD_US:
		return hist_entry__mode_period(he, PERF_RECORD_MISC_USER);
	case COL_OVERHEAD_GUEST_SYS:
		return hist_entry__mode_period(he, PERF_RECORD_MISC_GUEST_KERNEL);
	case COL_OVERHEAD_GUEST_US:
		return hist_entry__mode_period(he, PERF_RECORD_MISC_GUEST_USER);
	case COL_CHILDREN:
		return hist_entry__period_acc(he);
	default:
		return hist_entry__period(he);
	}
}

/*
 * "%*.2f%%" of @v (a percentage, 0 to 100 and a bit) into @buf, as
 * snprintf prints it, without its cost: printf rounds the exact binary
 * value to two decimals, ties to even. v * 100 is that value within an
 * ulp or two, so away from a half (by far more than the error) its
 * rounding is printf's; near a half (a row of 1 sample in 20,000 is
 * 0.005%), v * 100 less the half is taken in long double, where both are
 * exact (53 bits times 7, and a multiple of a half), and so is their
 * difference: its sign says which way, 0 a tie. (fma would do it in one
 * rounding, but it is libm's, which pmukvm only opens where a command
 * needs it: tests/shell/t0150.)
 */
int percent__snprint(char *buf, size_t len, int width, double v)
{
	char tmp[32], *p = tmp + sizeof(tmp);
	double x = v * 100, fl;
	long double d;
	u64 n;
	size_t l, pad;

	if (!(x >= 0 && x < 1e15))
		return snprintf(buf, len, "%*.2f%%", width, v);
	fl = floor(x);
	if (fabs(x - fl - 0.5) < 1e-6) {
		d = (long double)v * 100 - ((long double)fl + 0.5L);
		n = (u64)fl + (d > 0 || (d == 0 && ((u64)fl & 1)));
	} else {
		n = (u64)fl + (x - fl > 0.5);
	}
	*--p = '%';
	*--p = (char)('0' + n % 10);
	*--p = (char)('0' + n / 10 % 10);
	*--p = '.';
	n /= 100;
	do {
		*--p = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	l = (size_t)(tmp + sizeof(tmp) - p);
	pad = (size_t)width + 1 > l ? (size_t)width + 1 - l : 0;
	if (pad + l >= len)
		return snprintf(buf, len, "%*.2f%%", width, v);
	memset(buf, ' ', pad);
	memcpy(buf + pad, p, l);
	buf[pad + l] = '\0';
	return (int)(pad + l);
}

/*
 * A key's text into @buf padded to @width (0: as is; right-aligned with
 * @right), as snprintf's "%-*s" / "%*s" of it would be. Returns its length.
 */
static int snprint_key_cell(const struct hist_entry *he, enum sort_key_id key, int width,
			    bool right, char *buf, size_t len)
{
	int n = hist_entry__snprint_key(he, key, buf, len);
	size_t l, w;

	if (n < 0)
		return n;
	/* Cut: the whole length, for the caller to print again into more room. */
	if ((size_t)n >= len || (width > 0 && (size_t)width >= len))
		return n > width ? n : width;
	l = (size_t)n < len ? (size_t)n : len - 1;
	w = width > 0 ? (size_t)width : 0;
	if (w >= len)
		w = len - 1;
	if (l >= w)
		return (int)l;
	if (right) {
		memmove(buf + w - l, buf, l + 1);
		memset(buf, ' ', w - l);
	} else {
		memset(buf + l, ' ', w - l);
		buf[w] = '\0';
	}
	return (int)w;
}

/* A value cell of row @he (NULL: an event without the row, zero) of @hists. */
static int snprint_value(const struct hists *hists, const struct hist_entry *he,
			 const struct output_field *f, int width, char *buf, size_t len)
{
	switch (f->col) {
	case COL_SAMPLE:
		return snprintf(buf, len, "%*" PRIu64, width, he ? hist_entry__nr_samples(he) : 0);
	case COL_PERIOD:
		return snprintf(buf, len, "%*" PRIu64, width, he ? hist_entry__period(he) : 0);
	default: {
		double v = percent(he ? col_period(he, f->col) : 0, hists__total_period(hists));
		int n;

		/* as perf's " %*.2f%%": a blank before a value wider than the column too */
		if (!width || len < 2)
			return percent__snprint(buf, len, width ? width - 1 : 0, v);
		buf[0] = ' ';
		n = percent__snprint(buf + 1, len - 1, width - 2, v);
		return n < 0 ? n : n + 1;
	}
	}
}

/*
 * --group: a value cell holds each event's value, the leader's first,
 * each in its column's width (padded: @width is theirs together), or
 * apart by a blank (as is).
 */
static int snprint_group_value(const struct hists *hists, const struct hist_entry *he,
			       const struct output_field *f, int width, char *buf, size_t len)
{
	int w = width / (hists->nr_group + 1), m, k;
	size_t n = 0;

	buf[0] = '\0';
	for (m = -1; m < hists->nr_group; m++) {
		char v[64];

		if (m < 0)
			k = snprint_value(hists, he, f, w, v, sizeof(v));
		else
			k = snprint_value(hists->group[m], hists__group_pair(hists, m, he), f, w,
					  v, sizeof(v));
		if (k < 0 || (size_t)k >= sizeof(v))
			return -1;
		if (m >= 0 && !width) {
			if (n + 1 < len)
				memcpy(buf + n, " ", 2);
			n++;
		}
		/* what does not fit is counted: cell() asks again with room for it */
		if (n + (size_t)k < len)
			memcpy(buf + n, v, (size_t)k + 1);
		n += (size_t)k;
	}
	return (int)n;
}

/* One cell: padded to @width (0: as is). Returns its length. */
static int snprint_cell(const struct hists *hists, const struct hist_entry *he,
			const struct output_field *f, int width, char *buf, size_t len)
{
	if (f->col == COL_KEY)
		return snprint_key_cell(he, f->key, width, sort_keys[f->key].right, buf, len);
	if (hists->nr_group)
		return snprint_group_value(hists, he, f, width, buf, len);
	return snprint_value(hists, he, f, width, buf, len);
}

/* A cell's text, in a buffer that grows to what the longest cell needs. */
struct cellbuf {
	char *p;
	size_t len;
	char small[1024];
};

static void cellbuf__init(struct cellbuf *b)
{
	b->p = b->small;
	b->len = sizeof(b->small);
}

static void cellbuf__exit(struct cellbuf *b)
{
	if (b->p != b->small)
		free(b->p);
}

/* Room for @n bytes and the NUL. */
static void cellbuf__fit(struct cellbuf *b, int n)
{
	if (n < 0 || (size_t)n < b->len)
		return;
	if (b->p != b->small)
		free(b->p);
	b->len = (size_t)n + 1;
	b->p = xmalloc(b->len);
}

/* snprint_cell into @b, whole however long. Returns its length. */
static int cell(struct cellbuf *b, const struct hists *hists, const struct hist_entry *he,
		const struct output_field *f, int width)
{
	int n = snprint_cell(hists, he, f, width, b->p, b->len);

	if (n >= 0 && (size_t)n >= b->len) {
		cellbuf__fit(b, n);
		n = snprint_cell(hists, he, f, width, b->p, b->len);
	}
	return n;
}

/* A key's header as perf's text columns have it: pid's is indented to its numbers. */
static const char *key_header(enum sort_key_id key)
{
	return key == SORT_PID ? "    Pid:Command" : sort_keys[key].header;
}

static int header_width(const struct output_field *f)
{
	if (f->col == COL_KEY)
		return f->key == SORT_PERIOD ? 12 : f->key == SORT_TIME ? hist_time__width() :
		       (int)strlen(key_header(f->key));
	return cols[f->col].width;
}

static const char *header_name(const struct output_field *f, const struct stdio_opts *opts)
{
	if (f->col == COL_OVERHEAD && opts->children && (!opts->fields || opts->fields_added))
		return "Self";
	return f->col == COL_KEY ? key_header(f->key) : cols[f->col].header;
}

static bool row_shown(const struct hists *hists, const struct hist_entry *he,
		      const struct stdio_opts *opts)
{
	/* --percent-limit: of Children with --children (-F too, as perf) */
	u64 period = opts->children ? hist_entry__period_acc(he) : hist_entry__period(he);

	return !he->filtered && !(opts->percent_limit > 0 &&
		 percent(period, hists__total_period(hists)) < opts->percent_limit);
}

static void fprint_dots(FILE *fp, int n)
{
	while (n-- > 0)
		fputc('.', fp);
}

/* ---- --hierarchy: one level per sort key, each row under its parent ---- */

#define HIERARCHY_INDENT 3

struct hier {
	const struct hists *base;
	const struct stdio_opts *opts;
	struct output_field cols[OUTPUT_FIELDS_MAX];	/* the overhead columns */
	int nr_cols;
	enum sort_key_id keys[SORT_NR_KEYS];
	int nr_keys;
	int widths[OUTPUT_FIELDS_MAX];
	int key_widths[SORT_NR_KEYS];
	FILE *fp;
	size_t rows;
};

static bool hier_shown(const struct hier *h, const struct hist_entry *he)
{
	return row_shown(h->base, he, h->opts);
}

static void hier_row(struct hier *h, const struct hist_entry *he, int depth)
{
	const char *sep = h->opts->field_sep;
	struct cellbuf buf;
	const char *t;
	size_t i;
	int c;

	cellbuf__init(&buf);
	fprintf(h->fp, "%*s", depth * HIERARCHY_INDENT, "");
	for (c = 0; c < h->nr_cols; c++) {
		if (!sep || c)
			fputs(sep ? sep : "  ", h->fp);
		cell(&buf, h->base, he, &h->cols[c], sep ? 0 : h->widths[c]);
		fputs(buf.p, h->fp);
	}
	if (!sep)
		fprintf(h->fp, "%*s", (h->nr_keys - 1) * HIERARCHY_INDENT, "");
	{
		struct output_field f = { COL_KEY, h->keys[depth] };
		bool right = sort_keys[f.key].right;

		cell(&buf, h->base, he, &f,
		     sep || right || sort_keys[f.key].no_pad ? 0 : h->key_widths[depth]);
	}
	for (t = buf.p; *t == ' '; t++)
		;
	fprintf(h->fp, "%s%s\n", sep ? sep : "  ", t);
	cellbuf__exit(&buf);
	h->rows++;
	if (depth + 1 >= h->nr_keys)
		return;
	for (i = 0; i < hist_entry__nr_children(he); i++)
		if (hier_shown(h, hist_entry__child(he, i)))
			break;
	if (i == hist_entry__nr_children(he) && hist_entry__nr_children(he)) {
		int ow = 0;

		for (c = 0; c < h->nr_cols; c++)
			ow += h->widths[c] + (c ? 2 : 0);
		if (!sep)
			fprintf(h->fp, "%*s", (h->nr_keys + depth) * HIERARCHY_INDENT, "");
		fprintf(h->fp, "%*sno entry >= %.2f%%\n", ow + 4, "", h->opts->percent_limit);
		return;
	}
	for (i = 0; i < hist_entry__nr_children(he); i++)
		if (hier_shown(h, hist_entry__child(he, i)))
			hier_row(h, hist_entry__child(he, i), depth + 1);
}

static void hier_header(struct hier *h)
{
	const char *sep = h->opts->field_sep;
	int c, d, hw = 0, w;

	fprintf(h->fp, "# ");
	if (!sep)
		fprintf(h->fp, "%*s", (h->nr_keys - 1) * HIERARCHY_INDENT, "");
	for (c = 0; c < h->nr_cols; c++)
		fprintf(h->fp, "%*s%s", sep ? 0 : h->widths[c], header_name(&h->cols[c], h->opts),
			sep ? sep : "  ");
	for (d = 0; d < h->nr_keys; d++)
		hw += fprintf(h->fp, "%s%s", d ? " / " : "", sort_keys[h->keys[d]].header);
	fprintf(h->fp, "\n# ");
	if (!sep)
		fprint_dots(h->fp, (h->nr_keys - 1) * HIERARCHY_INDENT);
	for (c = 0; c < h->nr_cols; c++) {
		if (c)
			fputs(sep ? sep : "..", h->fp);
		fprint_dots(h->fp, h->widths[c]);
	}
	for (d = 0; d < h->nr_keys; d++) {
		w = d * HIERARCHY_INDENT + h->key_widths[d];
		if (w > hw)
			hw = w;
	}
	fputs(sep ? sep : "  ", h->fp);
	fprint_dots(h->fp, hw);
	fprintf(h->fp, "\n#\n");
}

/*
 * perf report --hierarchy: the rows regrouped by the first key, each with
 * the rows of the first two keys under it, and so on; every level sorted
 * by period. The overhead columns come first, indented by level.
 */
/* qsort_r: rows by their keys (@ctx: their hists). */
static int by_key_cmp(const void *a, const void *b, void *ctx)
{
	return hists__entry_cmp(ctx, *(const struct hist_entry *const *)a,
				*(const struct hist_entry *const *)b);
}

static size_t hists__fprintf_hierarchy(const struct hists *hists, const struct stdio_opts *opts,
				       FILE *fp)
{
	const struct hist_entry **by_key;
	struct hier h = { .base = hists, .opts = opts, .fp = fp };
	struct output_field all[OUTPUT_FIELDS_MAX];
	struct hists *levels;
	struct cellbuf buf;
	int n = columns_of(hists, opts, all, NULL), i, d;
	size_t r;

	for (i = 0; i < n; i++) {
		if (all[i].col == COL_KEY)
			h.keys[h.nr_keys++] = all[i].key;
		else
			h.cols[h.nr_cols++] = all[i];
	}
	if (!h.nr_keys)
		return hists__fprintf(hists, &(struct stdio_opts){ .show_nr_samples =
					opts->show_nr_samples, .percent_limit = opts->percent_limit,
					.field_sep = opts->field_sep, .header_names = opts->header_names,
					.show_total_period = opts->show_total_period,
					.fields = opts->fields, .nr_fields = opts->nr_fields,
					.fields_added = opts->fields_added }, fp);
	levels = xcalloc((size_t)h.nr_keys, sizeof(*levels));
	by_key = xcalloc(hists->nr_entries + 1, sizeof(*by_key));
	for (r = 0; r < hists->nr_entries; r++)
		by_key[r] = hists__sorted(hists, r);
	qsort_r(by_key, hists->nr_entries, sizeof(*by_key), by_key_cmp, (void *)hists);
	for (d = 0; d < h.nr_keys; d++) {
		struct sort_order so = { .nr = d + 1 };

		memcpy(so.keys, h.keys, (size_t)(d + 1) * sizeof(so.keys[0]));
		hists__init(&levels[d], &so);
		levels[d].relative = hists->relative;
		/*
		 * As perf's: an upper row holds all of its rows' samples, and
		 * is hidden only when every row under it is. The rows go up
		 * in perf's order, by their keys: an upper row whose symbol
		 * is a data object is named with its first row's offset.
		 */
		for (r = 0; r < hists->nr_entries; r++) {
			const struct hist_entry *src = by_key[r];
			struct hist_entry *he = hists__add_entry(&levels[d], src);

			he->filtered = he->filtered && src->filtered;
		}
		hists__sort(&levels[d]);
		/* the event's totals; with --percentage relative, the shown top rows' */
		levels[d].total_period = hists->total_period;
		levels[d].nr_samples = hists->nr_samples;
		levels[d].hidden_period = levels[d].nr_hidden = 0;
		for (r = 0; r < levels[0].nr_entries; r++) {
			if (!hists__sorted(&levels[0], r)->filtered)
				continue;
			levels[d].hidden_period += hist_entry__period(hists__sorted(&levels[0], r));
			levels[d].nr_hidden += hist_entry__nr_samples(hists__sorted(&levels[0], r));
		}
	}
	h.base = &levels[0];
	for (d = 1; d < h.nr_keys; d++) {
		for (r = 0; r < levels[d].nr_entries; r++) {
			struct hist_entry *he = hists__sorted(&levels[d], r);
			struct hist_entry *p = hists__find(&levels[d - 1], he);

			if (!p)
				continue;	/* cannot be: every row has its parent */
			hist_entry__add_child(p, he);
		}
	}
	for (i = 0; i < h.nr_cols; i++)
		h.widths[i] = header_width(&h.cols[i]);
	cellbuf__init(&buf);
	for (d = 0; d < h.nr_keys; d++) {
		struct output_field f = { COL_KEY, h.keys[d] };

		h.key_widths[d] = header_width(&f);
		for (r = 0; r < levels[d].nr_entries; r++) {
			int w;

			/* as perf, rows under --percent-limit count too */
			w = cell(&buf, &levels[d], hists__sorted(&levels[d], r), &f, 0);
			if (w > h.key_widths[d])
				h.key_widths[d] = w;
		}
	}
	cellbuf__exit(&buf);
	if (opts->header_names)
		hier_header(&h);
	for (r = 0; r < levels[0].nr_entries; r++)
		if (hier_shown(&h, hists__sorted(&levels[0], r)))
			hier_row(&h, hists__sorted(&levels[0], r), 0);
	for (d = 0; d < h.nr_keys; d++)
		hists__exit(&levels[d]);
	free(levels);
	free(by_key);
	return h.rows;
}

/*
 * perf 6.1 works a row's srcline out when a sample or another row is
 * compared with it by that key, and sizes the column from the ones it has
 * before printing: a row of one sample that no other row matches on the
 * keys before srcline (hidden rows too) was never compared, and its text
 * is cut to the column's width. Marks those rows in @cut (indexed as
 * hists->sorted) and returns that width, or 0 when none is cut.
 */
static int srcline_cut(const struct hists *hists, bool *cut)
{
	struct sort_order pre = { .nr = 0 };
	struct hists groups;
	int width = (int)strlen(sort_keys[SORT_SRCLINE].header), any = 0;
	size_t i;

	while (pre.nr < hists->so.nr && hists->so.keys[pre.nr] != SORT_SRCLINE)
		pre.keys[pre.nr] = hists->so.keys[pre.nr], pre.nr++;
	if (!pre.nr || pre.nr == hists->so.nr)
		return 0;
	hists__init(&groups, &pre);
	for (i = 0; i < hists->nr_entries; i++) {
		struct hist_entry one = *hists__sorted(hists, i);
		struct hist_more more;

		if (one.more) {
			more = *one.more;
			more.samples_hi = 0;
			one.more = &more;
		}
		one.samples_lo = 1;
		one.filtered = false;
		hists__add_entry(&groups, &one);
	}
	for (i = 0; i < hists->nr_entries; i++) {
		const struct hist_entry *he = hists__sorted(hists, i);
		const struct hist_entry *g = hists__find(&groups, he);

		cut[i] = g && hist_entry__nr_samples(g) < 2 && hist_entry__nr_samples(he) < 2;
		if (he->filtered)
			continue;
		any |= cut[i];
		if (!cut[i] && hist_entry__srcline(he) &&
		    (int)strlen(hist_entry__srcline(he)) > width)
			width = (int)strlen(hist_entry__srcline(he));
	}
	hists__exit(&groups);
	return any ? width : 0;
}

/*
 * How much longer perf 6.1 takes the name of a symbol of @dso to be: a
 * module's symbols read from kallsyms keep their line's "\t[name]" in
 * the length it sizes columns by.
 */
static int kallsyms_tail(const struct dso *dso)
{
	const char *mod;

	if (!dso || dso->kind != DSO_MODULE || !dso->owner || !dso->machine->ks)
		return 0;
	mod = kallsyms__module_name(dso->machine->ks, dso->owner);
	return mod ? (int)strlen(mod) + 3 : 0;
}

/*
 * What a row asks of its key's column, as perf 6.1 sizes the column
 * (hists__calc_col_len): the length of the name the row holds rather
 * than of its text (kallsyms_tail). An unresolved symbol asks for 22
 * ("[.] 0x" and sixteen digits) even where fewer print; cpu and period
 * are as wide as their headers whatever they print. -1: measured from
 * the text (srcline, and the keys perf has not).
 */
static int key_col_len(const struct hist_entry *he, enum sort_key_id key)
{
	switch (key) {
	case SORT_COMM:
		return (int)strlen(he->comm);
	case SORT_PID:
		return (int)strlen(hist_entry__pid_comm(he)) + 8;	/* "%7d:" */
	case SORT_DSO:
		return he->dso ? (int)strlen(map__dso_name(he->dso)) : 0;
	case SORT_SYM:
		if (!hist_entry__sym(he))
			return 22;
		return (int)strlen(symbol__name(hist_entry__sym(he))) + 4 + kallsyms_tail(he->dso);
	case SORT_CPU:
	case SORT_PERIOD:
	case SORT_TIME:
		return 0;
	default:
		return -1;
	}
}

#define ROWS_AHEAD	24

size_t hists__fprintf(const struct hists *hists, const struct stdio_opts *opts, FILE *fp)
{
	struct output_field f[OUTPUT_FIELDS_MAX];
	int widths[OUTPUT_FIELDS_MAX];
	const char *sep = opts->field_sep;
	size_t i, rows = 0, n = hists->nr_entries;
	int nf, c, last_key = -1, cut_width = 0;
	bool *cut = NULL, tail_elided;
	struct cellbuf buf;

	if (opts->hierarchy)
		return hists__fprintf_hierarchy(hists, opts, fp);
	cellbuf__init(&buf);
	nf = columns_of(hists, opts, f, &tail_elided);
	if (hists->nr_entries) {
		cut = xcalloc(hists->nr_entries, sizeof(*cut));
		cut_width = srcline_cut(hists, cut);
	}
	if (opts->max_rows && n > opts->max_rows)
		n = opts->max_rows;
	for (c = 0; c < nf; c++) {
		widths[c] = header_width(&f[c]);
		if (f[c].col == COL_KEY)
			last_key = c;
		else
			widths[c] *= hists->nr_group + 1;	/* --group: each event's */
	}
	if (!sep) {
		/* As perf: every row the filters keep, --percent-limit's too. */
		for (i = 0; i < hists->nr_entries; i++) {
			const struct hist_entry *he = hists__any(hists, i);

			if (he->filtered)
				continue;
			for (c = 0; c < nf; c++) {
				int w;

				if (f[c].col != COL_KEY)
					continue;
				w = key_col_len(he, f[c].key);
				if (w < 0)
					w = cell(&buf, hists, he, &f[c], 0);
				if (cut_width && f[c].key == SORT_SRCLINE)
					w = cut_width;
				/* an unresolved row: the address's sixteen digits */
				if (f[c].key == SORT_DSO && !hist_entry__sym(he) && !opts->dso_list && w < 16)
					w = 16;
				if (w > widths[c])
					widths[c] = w;
			}
		}
	}
	if (opts->header_names) {
		fprintf(fp, "# ");
		for (c = 0; c < nf; c++) {
			bool right = f[c].col != COL_KEY || sort_keys[f[c].key].right;

			if (c)
				fputs(sep ? sep : "  ", fp);
			/* as perf, the last header too */
			if (sep)
				fputs(header_name(&f[c], opts), fp);
			else
				fprintf(fp, right ? "%*s" : "%-*s", widths[c], header_name(&f[c], opts));
		}
		fputc('\n', fp);
		if (!sep) {
			fprintf(fp, "# ");
			for (c = 0; c < nf; c++) {
				if (c)
					fputs("  ", fp);
				fprint_dots(fp, widths[c]);
			}
			fprintf(fp, "\n#\n");
		}
	}
	/*
	 * The stream locked once for the rows: each fputs then takes it
	 * again without an atomic operation (a tenth of printing a million
	 * rows).
	 */
	flockfile(fp);
	for (i = 0; i < n; i++) {
		const struct hist_entry *he = hists__sorted(hists, i);

		/* the rows, in the sort's order, are anywhere in memory: asked for ahead */
		if (i + ROWS_AHEAD < n) {
			const char *ahead = (const char *)hists__sorted(hists, i + ROWS_AHEAD);

			/* both lines of a row that crosses one */
			__builtin_prefetch(ahead);
			__builtin_prefetch(ahead + sizeof(*he) - 1);
		}
		if (!row_shown(hists, he, opts))
			continue;
		for (c = 0; c < nf; c++) {
			/*
			 * As perf: a column is padded to its width where another
			 * follows (one elided too), and the last where its key
			 * pads itself (all but sym and srcline).
			 */
			bool pad = !sep && !(c == nf - 1 && !tail_elided && f[c].col == COL_KEY &&
					     sort_keys[f[c].key].no_pad);

			int len;

			if (sep && c)
				fputs_unlocked(sep, fp);
			else if (!sep)
				fwrite_unlocked("  ", 1, 2, fp);
			len = cell(&buf, hists, he, &f[c], pad ? widths[c] : 0);
			/* the cell's text up to its first NUL, as fputs would print it */
			len = len < 0 ? 0 : (int)strnlen(buf.p, (size_t)len);
			if (cut_width && cut[i] && f[c].col == COL_KEY && f[c].key == SORT_SRCLINE &&
			    len > cut_width)
				len = cut_width;
			fwrite_unlocked(buf.p, 1, (size_t)len, fp);
		}
		putc_unlocked('\n', fp);
		if (opts->callchain && hist_entry__callchain(he)) {
			callchain__sort(hist_entry__callchain(he));
			/*
			 * As perf: the paths' percentages are of the whole
			 * total, --percentage relative or not; the minimum is
			 * a share of what the rows' percentages are of (less what
			 * --symbol-filter hides).
			 */
			hist_entry__callchain_lines(he, hists->total_period,
						    hists__graph_min_total(hists), opts,
						    last_key >= 0 && !opts->fields && hists->so.nr &&
						    hists->so.keys[0] == SORT_SYM, fprint_line, fp);
		}
		rows++;
	}
	funlockfile(fp);
	free(cut);
	cellbuf__exit(&buf);
	return rows;
}

/*
 * Names come from the data (comms, file names, symbols) and may hold any
 * byte: each byte that is not part of well-formed UTF-8 is written as
 * U+FFFD, so the output always parses.
 */
void json_fprint_double(FILE *fp, double v)
{
	char buf[32];
	int prec;

	if (!isfinite(v)) {
		fputs("null", fp);
		return;
	}
	for (prec = 15; prec < 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	if (prec == 17)
		snprintf(buf, sizeof(buf), "%.17g", v);
	fputs(buf, fp);
}

void json_fprint_string(FILE *fp, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', fp);
	while (*s) {
		size_t n = utf8_seq_len(s);

		if (n == 0) {
			fputs("\\ufffd", fp);
			s++;
		} else if (n > 1) {
			fwrite(s, 1, n, fp);
			s += n;
		} else {
			if (*s == '"' || *s == '\\')
				fprintf(fp, "\\%c", *s);
			else if (*s < 0x20 || *s == 0x7f)
				fprintf(fp, "\\u%04x", *s);
			else
				fputc(*s, fp);
			s++;
		}
	}
	fputc('"', fp);
}

/* Every path that ends at @n (samples that stop there) and below it. */
static void json_paths(FILE *fp, const struct callchain_node *n,
		       const struct callchain_node **stack, size_t depth, bool *first)
{
	const struct callchain_node *c;
	u64 below_p = 0, below_s = 0;
	char addr[CALLCHAIN_ADDR_LEN];
	const char *name;
	size_t i;

	for (c = callchain_node__child(n); c; c = callchain_node__next(c)) {
		below_p += callchain_node__period(c);
		below_s += callchain_node__samples(c);
	}
	if (depth && callchain_node__samples(n) > below_s) {
		fprintf(fp, "%s{\"samples\":%" PRIu64 ",\"period\":%" PRIu64 ",\"frames\":[",
			*first ? "" : ",", callchain_node__samples(n) - below_s, callchain_node__period(n) - below_p);
		for (i = 0; i < depth; i++) {
			name = callchain_node__name(stack[i], addr);
			if (i)
				fputc(',', fp);
			json_fprint_string(fp, name);
		}
		fprintf(fp, "]}");
		*first = false;
	}
	if (depth >= CALLCHAIN_MAX_FRAMES)
		return;
	for (c = callchain_node__child(n); c; c = callchain_node__next(c)) {
		stack[depth] = c;
		json_paths(fp, c, stack, depth + 1, first);
	}
}

size_t hists__fprintf_json(const struct hists *hists, const char *event,
			   const struct stdio_opts *opts, FILE *fp)
{
	size_t i;
	struct cellbuf buf;
	int k;

	cellbuf__init(&buf);
	flockfile(fp);		/* once for the rows, as hists__fprintf */
	for (i = 0; i < hists->nr_entries; i++) {
		const struct hist_entry *he = hists__sorted(hists, i);

		if (i + ROWS_AHEAD < hists->nr_entries)
			__builtin_prefetch(hists__sorted(hists, i + ROWS_AHEAD));
		if (he->filtered)
			continue;
		fprintf(fp, "{\"event\":");
		json_fprint_string(fp, event);
		fprintf(fp, ",\"overhead\":%.4f,\"samples\":%" PRIu64 ",\"period\":%" PRIu64,
			percent(hist_entry__period(he), hists__total_period(hists)),
			hist_entry__nr_samples(he), hist_entry__period(he));
		if (opts->children)
			fprintf(fp, ",\"children\":%.4f,\"children_period\":%" PRIu64,
				percent(hist_entry__period_acc(he), hists__total_period(hists)),
				hist_entry__period_acc(he));
		for (k = 0; k < opts->nr_fields; k++)
			if (opts->fields[k].col > COL_OVERHEAD && opts->fields[k].col < COL_SAMPLE)
				fprintf(fp, ",\"%s\":%.4f", cols[opts->fields[k].col].name,
					percent(col_period(he, opts->fields[k].col),
					    hists__total_period(hists)));
		for (k = 0; k < hists->so.nr; k++) {
			enum sort_key_id key = hists->so.keys[k];

			switch (key) {
			case SORT_SYM:
				fprintf(fp, ",\"level\":\"%c\",\"sym\":", he->level);
				if (hist_entry__sym(he))
					json_fprint_string(fp, symbol__name(hist_entry__sym(he)));
				else if (he->cpumode == PERF_RECORD_MISC_GUEST_USER)
					fprintf(fp, "\"[unknown]\"");
				else
					fprintf(fp, "\"%#018" PRIx64 "\"", hist_entry__addr(he));
				/* a data object: the offset the text output prints after its name */
				if (hist_entry__sym(he) && symbol__is_object(hist_entry__sym(he)))
					fprintf(fp, ",\"offset\":\"0x%" PRIx64 "\"",
						hist_entry__object_offset(he));
				break;
			case SORT_PID:
			case SORT_TID:
				fprintf(fp, ",\"%s\":%d", sort_keys[key].name, (int)hist_entry__tid(he));
				break;
			case SORT_VCPU:
			case SORT_CPU: {
				int v = key == SORT_VCPU ? hist_entry__vcpu(he) : hist_entry__cpu(he);

				if (v < 0)
					fprintf(fp, ",\"%s\":null", sort_keys[key].name);
				else
					fprintf(fp, ",\"%s\":%d", sort_keys[key].name, v);
				break;
			}
			case SORT_PERIOD:
				break;		/* every row has its period */
			case SORT_TIME:
				/* the slice's start, in nanoseconds */
				fprintf(fp, ",\"time\":%" PRIu64, hist_entry__time(he));
				break;
			default:
				cellbuf__fit(&buf, hist_entry__snprint_key(he, key, buf.p, buf.len));
				hist_entry__snprint_key(he, key, buf.p, buf.len);
				fprintf(fp, ",\"%s\":", sort_keys[key].name);
				json_fprint_string(fp, buf.p);
				break;
			}
		}
		if (opts->callchain) {
			const struct callchain_node *stack[CALLCHAIN_MAX_FRAMES];
			bool first = true;

			fprintf(fp, ",\"callchains\":[");
			if (hist_entry__callchain(he)) {
				callchain__sort(hist_entry__callchain(he));
				json_paths(fp, hist_entry__callchain(he), stack, 0, &first);
			}
			fputc(']', fp);
		}
		fprintf(fp, "}\n");
	}
	funlockfile(fp);
	cellbuf__exit(&buf);
	return hists->nr_entries;
}
