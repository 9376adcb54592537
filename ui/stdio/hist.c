// SPDX-License-Identifier: GPL-2.0
/* Plain-text rows: what people read and what tests and scripts diff. */
#include "ui/stdio.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "symbols/symtab.h"
#include "util/callchain.h"

static double pct(u64 part, u64 total)
{
	return total ? 100.0 * (double)part / (double)total : 0.0;
}

static bool row_shown(const struct hists *hists, const struct hist_entry *he,
		      const struct stdio_opts *opts)
{
	u64 period = opts->children ? he->period_acc : he->period;

	return !(opts->percent_limit > 0 &&
		 pct(period, hists->total_period) < opts->percent_limit);
}

/*
 * Call paths as perf report draws them (percentages of the event's total,
 * or with "fractal" of the parent's): a chain with one way on is a column
 * of names; where it splits, each branch is "|--VALUE--name", the last
 * " --VALUE--name", with its own column below. @prefix is what the lines
 * of this level start with.
 */
struct graph {
	FILE *fp;
	u64 total;
	const struct callchain_param *cg;
	char prefix[2048];
};

/* Sum of the children's periods (perf's children_hit) and samples. */
static u64 children_period(const struct callchain_node *n, u64 *samples)
{
	const struct callchain_node *c;
	u64 p = 0, s = 0;

	for (c = n->child; c; c = c->next) {
		p += c->period;
		s += c->samples;
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
	return (u64)((double)g->total * f);
}

static int value_snprint(const struct callchain_param *cg, u64 period, u64 samples, u64 total,
			 char *buf, size_t len)
{
	if (cg->value == CCVAL_PERIOD)
		return snprintf(buf, len, "%" PRIu64, period);
	if (cg->value == CCVAL_COUNT)
		return snprintf(buf, len, "%" PRIu64, samples);
	return snprintf(buf, len, "%.2f%%", pct(period, total));
}

/* @n has one child, which carries all of @n's period and is shown. */
static bool one_way_on(const struct graph *g, const struct callchain_node *n)
{
	return n->child && !n->child->next && n->child->period == n->period &&
	       n->child->period >= min_period(g, n);
}

static bool graph_children(struct graph *g, const struct callchain_node *parent, size_t plen,
			   u64 total);

/*
 * The column below @n while there is one way on (at most @left more names
 * when a print limit holds), then the branches where it splits.
 */
static void graph_below(struct graph *g, const struct callchain_node *n, size_t plen)
{
	char name[512];

	while (one_way_on(g, n)) {
		n = n->child;
		callchain_frame__snprint(&n->frame, name, sizeof(name));
		fprintf(g->fp, "%.*s%s\n", (int)plen, g->prefix, name);
	}
	if (n->child)
		graph_children(g, n, plen, g->cg->mode == CHAIN_GRAPH_REL ?
			       children_period(n, NULL) : g->total);
}

/* @total: what the children's percentages are of. Returns whether it printed. */
static bool graph_children(struct graph *g, const struct callchain_node *parent, size_t plen,
			   u64 total)
{
	const struct callchain_node *c, *next;
	u64 min = min_period(g, parent), remaining = total, shown_samples = 0, all_samples;
	bool rel = g->cg->mode == CHAIN_GRAPH_REL;
	char name[512], head[96], val[64];
	u32 printed = 0;

	children_period(parent, &all_samples);
	for (c = parent->child; c && c->period < min; c = c->next)
		;
	for (; c; c = next) {
		bool last;

		for (next = c->next; next && next->period < min; next = next->next)
			;
		remaining -= c->period;
		shown_samples += c->samples;
		last = !next && (!rel || !remaining);
		callchain_frame__snprint(&c->frame, name, sizeof(name));
		value_snprint(g->cg, c->period, c->samples, total, val, sizeof(val));
		snprintf(head, sizeof(head), "%s--%s--", last ? " " : "|", val);
		fprintf(g->fp, "%.*s|\n", (int)plen, g->prefix);
		fprintf(g->fp, "%.*s%s%s\n", (int)plen, g->prefix, head, name);
		if (plen + 12 < sizeof(g->prefix)) {
			/* Below the branch: its bar goes on unless it was the last. */
			memset(g->prefix + plen, ' ', 11);
			g->prefix[plen] = last ? ' ' : '|';
			graph_below(g, c, plen + 11);
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
		fprintf(g->fp, "%.*s --%s--[...]\n", (int)plen, g->prefix, val);
		return true;
	}
	return printed;
}

/*
 * @skip_first: the rows are sorted by symbol first, so the first frame
 * (the row's own function) is not printed again, as perf does.
 */
static void fprintf_callchain_graph(FILE *fp, const struct hist_entry *he, u64 total,
				    const struct callchain_param *cg, bool skip_first,
				    u64 parent_period)
{
	struct graph g = { .fp = fp, .total = total, .cg = cg };
	const struct callchain_node *root = he->callchain, *n = root, *first, *second = NULL;
	u64 min = min_period(&g, root);
	char name[512];
	size_t plen = 12;
	bool any = false;

	memset(g.prefix, ' ', sizeof(g.prefix));
	for (first = root->child; first && first->period < min; first = first->next)
		;
	if (first)
		for (second = first->next; second && second->period < min; second = second->next)
			;
	if (first && !second && first->period == parent_period) {
		/* One path from the row: "---" and a column of names, no value. */
		u32 printed = 0;
		bool skip = skip_first;

		n = first;
		for (;;) {
			if (skip) {
				skip = false;
			} else if (!cg->print_limit || printed < cg->print_limit) {
				callchain_frame__snprint(&n->frame, name, sizeof(name));
				if (!any)
					fprintf(fp, "%.*s|\n%.*s---", (int)plen, g.prefix, (int)plen,
						g.prefix);
				else
					fprintf(fp, "%.*s", (int)plen + 3, g.prefix);
				fprintf(fp, "%s\n", name);
				any = true;
				printed++;
			}
			if (!one_way_on(&g, n))
				break;
			n = n->child;
		}
		if (any)
			plen += 3;
	}
	if (n->child)
		any |= graph_children(&g, n, plen,
				      cg->mode == CHAIN_GRAPH_REL ? parent_period : total);
	if (any)
		fputc('\n', fp);	/* nothing above the minimum: the row alone */
}

/* Every path that ends at @n or below, in order of its own period. */
struct path_end {
	const struct callchain_node *node;
	u64 self;
};

static void collect_ends(const struct callchain_node *n, u64 min, struct path_end **ends,
			 size_t *nr, size_t *alloc)
{
	const struct callchain_node *c;
	u64 self = n->period - children_period(n, NULL);

	for (c = n->child; c; c = c->next)
		collect_ends(c, min, ends, nr, alloc);
	if (n->parent && self && self >= min) {
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

/* @sep: folded, between the names; NULL: flat, a line each. */
static void fprint_path(FILE *fp, const struct callchain_node *n, const char *sep, bool *first)
{
	char name[512];

	if (!n->parent)
		return;
	fprint_path(fp, n->parent, sep, first);
	callchain_frame__snprint(&n->frame, name, sizeof(name));
	if (sep)
		fprintf(fp, "%s%s", *first ? "" : sep, name);
	else
		fprintf(fp, "                %s\n", name);
	*first = false;
}

/*
 * "flat": each path with its value, then its frames one a line; "folded":
 * a line each, the value of the samples that end there, then the frames
 * joined by ';' (or -t's separator).
 */
static void fprintf_callchain_paths(FILE *fp, const struct hist_entry *he, u64 total,
				    const struct callchain_param *cg, const char *field_sep)
{
	struct graph g = { .total = total, .cg = cg };
	struct path_end *ends = NULL;
	size_t nr = 0, alloc = 0, i;
	char val[64];

	collect_ends(he->callchain, min_period(&g, he->callchain), &ends, &nr, &alloc);
	if (nr > 1)
		sort_runs(ends, nr, sizeof(*ends), end_before);
	for (i = 0; i < nr; i++) {
		const struct callchain_node *n = ends[i].node;
		bool first = true;

		if (cg->mode == CHAIN_FLAT) {
			value_snprint(cg, n->period, n->samples, total, val, sizeof(val));
			fprintf(fp, "           %s\n", val);
			fprint_path(fp, n, NULL, &first);
			fputc('\n', fp);
		} else {
			u64 samples;

			children_period(n, &samples);
			value_snprint(cg, ends[i].self, n->samples - samples, total, val,
				      sizeof(val));
			fprintf(fp, "%s ", val);
			fprint_path(fp, n, field_sep ? field_sep : ";", &first);
			fputc('\n', fp);
		}
		if (i + 1 == cg->print_limit)
			break;
	}
	free(ends);
}

static void fprintf_callchain(FILE *fp, const struct hist_entry *he, u64 total,
			      const struct stdio_opts *opts, bool skip_first)
{
	const struct callchain_param *cg = &opts->cg;

	switch (cg->mode) {
	case CHAIN_GRAPH_ABS:
	case CHAIN_GRAPH_REL:
		fprintf_callchain_graph(fp, he, total, cg, skip_first,
					opts->children ? he->period_acc : he->period);
		break;
	case CHAIN_FLAT:
	case CHAIN_FOLDED:
		fprintf_callchain_paths(fp, he, total, cg, opts->field_sep);
		break;
	case CHAIN_NONE:
		break;
	}
}

size_t hists__fprintf(const struct hists *hists, const struct stdio_opts *opts, FILE *fp)
{
	size_t widths[SORT_NR_KEYS] = { 0 };
	const char *sep = opts->field_sep;
	size_t i, rows = 0, n = hists->nr_entries;
	char buf[1024];
	int k;

	if (opts->max_rows && n > opts->max_rows)
		n = opts->max_rows;
	for (k = 0; k < hists->so.nr; k++)
		widths[k] = strlen(sort_keys[hists->so.keys[k]].header);
	if (!sep) {
		for (i = 0; i < n; i++) {
			const struct hist_entry *he = hists->sorted[i];

			if (!row_shown(hists, he, opts))
				continue;
			for (k = 0; k < hists->so.nr - 1; k++) {
				size_t w = (size_t)hist_entry__snprint_key(he, hists->so.keys[k],
									   buf, sizeof(buf));

				if (w > widths[k])
					widths[k] = w < sizeof(buf) ? w : sizeof(buf) - 1;
			}
		}
	}
	if (opts->header_names) {
		if (sep) {
			fprintf(fp, "# %s%s", opts->children ? "Children" : "Overhead",
				opts->show_nr_samples || opts->children ? sep : "");
			if (opts->children)
				fprintf(fp, "Self%s", opts->show_nr_samples ? sep : "");
			if (opts->show_nr_samples)
				fprintf(fp, "Samples");
			for (k = 0; k < hists->so.nr; k++)
				fprintf(fp, "%s%s", sep, sort_keys[hists->so.keys[k]].header);
			fprintf(fp, "\n");
		} else {
			fprintf(fp, "# %s%s%s", opts->children ? "Children" : "Overhead",
				opts->children ? "      Self" : "",
				opts->show_nr_samples ? "       Samples" : "");
			for (k = 0; k < hists->so.nr; k++)
				fprintf(fp, "  %-*s", (int)widths[k], sort_keys[hists->so.keys[k]].header);
			fprintf(fp, "\n# ........%s%s", opts->children ? "  ........" : "",
				opts->show_nr_samples ? "  ............" : "");
			for (k = 0; k < hists->so.nr; k++) {
				size_t w;

				fprintf(fp, "  ");
				for (w = 0; w < widths[k]; w++)
					fputc('.', fp);
			}
			fprintf(fp, "\n#\n");
		}
	}
	for (i = 0; i < n; i++) {
		const struct hist_entry *he = hists->sorted[i];

		if (!row_shown(hists, he, opts))
			continue;
		if (opts->children) {
			/* The Children column, then Self in the usual place. */
			if (sep)
				fprintf(fp, "%.2f%%%s", pct(he->period_acc, hists->total_period), sep);
			else
				fprintf(fp, "  %7.2f%%", pct(he->period_acc, hists->total_period));
		}
		if (sep) {
			fprintf(fp, "%.2f%%", pct(he->period, hists->total_period));
			if (opts->show_nr_samples)
				fprintf(fp, "%s%" PRIu64, sep, he->nr_samples);
		} else {
			fprintf(fp, "  %7.2f%%", pct(he->period, hists->total_period));
			if (opts->show_nr_samples)
				fprintf(fp, "  %12" PRIu64, he->nr_samples);
		}
		for (k = 0; k < hists->so.nr; k++) {
			hist_entry__snprint_key(he, hists->so.keys[k], buf, sizeof(buf));
			if (sep)
				fprintf(fp, "%s%s", sep, buf);
			else if (k == hists->so.nr - 1)
				fprintf(fp, "  %s", buf);
			else
				fprintf(fp, "  %-*s", (int)widths[k], buf);
		}
		fputc('\n', fp);
		if (opts->callchain && he->callchain) {
			callchain__sort(he->callchain);
			fprintf_callchain(fp, he, hists->total_period, opts,
					  hists->so.nr && hists->so.keys[0] == SORT_SYM);
		}
		rows++;
	}
	return rows;
}

void json_fprint_string(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(fp, "\\%c", c);
		else if (c < 0x20)
			fprintf(fp, "\\u%04x", c);
		else
			fputc(c, fp);
	}
	fputc('"', fp);
}

/* Every path that ends at @n (samples that stop there) and below it. */
static void json_paths(FILE *fp, const struct callchain_node *n,
		       const struct callchain_node **stack, size_t depth, bool *first)
{
	const struct callchain_node *c;
	u64 below_p = 0, below_s = 0;
	char name[512];
	size_t i;

	for (c = n->child; c; c = c->next) {
		below_p += c->period;
		below_s += c->samples;
	}
	if (depth && n->samples > below_s) {
		fprintf(fp, "%s{\"samples\":%" PRIu64 ",\"period\":%" PRIu64 ",\"frames\":[",
			*first ? "" : ",", n->samples - below_s, n->period - below_p);
		for (i = 0; i < depth; i++) {
			callchain_frame__snprint(&stack[i]->frame, name, sizeof(name));
			if (i)
				fputc(',', fp);
			json_fprint_string(fp, name);
		}
		fprintf(fp, "]}");
		*first = false;
	}
	if (depth >= CALLCHAIN_MAX_FRAMES)
		return;
	for (c = n->child; c; c = c->next) {
		stack[depth] = c;
		json_paths(fp, c, stack, depth + 1, first);
	}
}

size_t hists__fprintf_json(const struct hists *hists, const char *event,
			   const struct stdio_opts *opts, FILE *fp)
{
	size_t i;
	char buf[1024];
	int k;

	for (i = 0; i < hists->nr_entries; i++) {
		const struct hist_entry *he = hists->sorted[i];

		fprintf(fp, "{\"event\":");
		json_fprint_string(fp, event);
		fprintf(fp, ",\"overhead\":%.4f,\"samples\":%" PRIu64 ",\"period\":%" PRIu64,
			pct(he->period, hists->total_period), he->nr_samples, he->period);
		if (opts->children)
			fprintf(fp, ",\"children\":%.4f,\"children_period\":%" PRIu64,
				pct(he->period_acc, hists->total_period), he->period_acc);
		for (k = 0; k < hists->so.nr; k++) {
			enum sort_key_id key = hists->so.keys[k];

			if (key == SORT_SYM) {
				fprintf(fp, ",\"level\":\"%c\",\"sym\":", he->level);
				if (he->sym)
					json_fprint_string(fp, he->sym->name);
				else if (he->cpumode == PERF_RECORD_MISC_GUEST_USER)
					fprintf(fp, "\"[unknown]\"");
				else
					fprintf(fp, "\"%#018" PRIx64 "\"", he->addr);
				continue;
			}
			hist_entry__snprint_key(he, key, buf, sizeof(buf));
			fprintf(fp, ",\"%s\":", sort_keys[key].name);
			if (key == SORT_PID || key == SORT_VCPU)
				fprintf(fp, "%s", key == SORT_PID ? (snprintf(buf, sizeof(buf), "%d",
							(int)he->tid), buf) :
					he->vcpu < 0 ? "null" : (snprintf(buf, sizeof(buf), "%d",
							he->vcpu), buf));
			else
				json_fprint_string(fp, buf);
		}
		if (opts->callchain) {
			const struct callchain_node *stack[CALLCHAIN_MAX_FRAMES];
			bool first = true;

			fprintf(fp, ",\"callchains\":[");
			if (he->callchain) {
				callchain__sort(he->callchain);
				json_paths(fp, he->callchain, stack, 0, &first);
			}
			fputc(']', fp);
		}
		fprintf(fp, "}\n");
	}
	return hists->nr_entries;
}
