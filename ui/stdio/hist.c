// SPDX-License-Identifier: GPL-2.0
/* Plain-text rows: what people read and what tests and scripts diff. */
#include "ui/stdio.h"

#include <inttypes.h>
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
	return !(opts->percent_limit > 0 &&
		 pct(he->period, hists->total_period) < opts->percent_limit);
}

/*
 * Call paths as perf report draws them (callee first, percentages of the
 * event's total): a chain with one way on is a column of names; where it
 * splits, each branch is "|--PCT--name", the last " --PCT--name", with
 * its own column below. @prefix is what the lines of this level start with.
 */
struct graph {
	FILE *fp;
	u64 total;
	double min;
	char prefix[2048];
};

static bool graph_shown(const struct graph *g, const struct callchain_node *n)
{
	return pct(n->period, g->total) >= g->min;
}

/* @n has one child, which carries all of @n's period and is shown. */
static bool one_way_on(const struct graph *g, const struct callchain_node *n)
{
	return n->child && !n->child->next && n->child->period == n->period &&
	       graph_shown(g, n->child);
}

static void graph_below(struct graph *g, const struct callchain_node *n, size_t plen);

/* @n's name, then what is below it, in the same column. */
static void graph_column(struct graph *g, const struct callchain_node *n, size_t plen)
{
	char name[512];

	callchain_frame__snprint(&n->frame, name, sizeof(name));
	fprintf(g->fp, "%.*s%s\n", (int)plen, g->prefix, name);
	graph_below(g, n, plen);
}

static void graph_children(struct graph *g, const struct callchain_node *parent, size_t plen)
{
	const struct callchain_node *c, *last = NULL;
	char name[512], head[64];

	for (c = parent->child; c; c = c->next)
		if (graph_shown(g, c))
			last = c;
	for (c = parent->child; c; c = c->next) {
		size_t hlen, i;

		if (!graph_shown(g, c))
			continue;
		callchain_frame__snprint(&c->frame, name, sizeof(name));
		hlen = (size_t)snprintf(head, sizeof(head), "%s--%.2f%%--", c == last ? " " : "|",
					pct(c->period, g->total));
		fprintf(g->fp, "%.*s|\n", (int)plen, g->prefix);
		fprintf(g->fp, "%.*s%s%s\n", (int)plen, g->prefix, head, name);
		if (plen + hlen + 1 >= sizeof(g->prefix))
			continue;
		/* Below the branch: its bar goes on unless it was the last. */
		g->prefix[plen] = c == last ? ' ' : '|';
		for (i = 1; i < hlen; i++)
			g->prefix[plen + i] = ' ';
		graph_below(g, c, plen + hlen);
	}
}

/* What is below @n: a column while there is one way on, else branches. */
static void graph_below(struct graph *g, const struct callchain_node *n, size_t plen)
{
	if (one_way_on(g, n))
		graph_column(g, n->child, plen);
	else if (n->child)
		graph_children(g, n, plen);
}

/*
 * @skip_first: the rows are sorted by symbol first, so the first frame
 * (the row's own function) is not printed again, as perf does.
 */
static void fprintf_callchain(FILE *fp, const struct hist_entry *he, u64 total, double min,
			      bool skip_first)
{
	struct graph g = { .fp = fp, .total = total, .min = min };
	const struct callchain_node *n = he->callchain, *c;
	char name[512];
	size_t plen = 12;

	if (skip_first && n->child && !n->child->next)
		n = n->child;
	for (c = n->child; c && !graph_shown(&g, c); c = c->next)
		;
	if (!c)
		return;		/* nothing (more) above the minimum: the row alone */
	memset(g.prefix, ' ', sizeof(g.prefix));
	if (one_way_on(&g, n) || (n == he->callchain && !n->child->next)) {
		/* One way on: "---" and a column of names. */
		fprintf(fp, "%.*s|\n", (int)plen, g.prefix);
		n = n->child;
		callchain_frame__snprint(&n->frame, name, sizeof(name));
		fprintf(fp, "%.*s---%s\n", (int)plen, g.prefix, name);
		graph_below(&g, n, plen + 3);
	} else {
		graph_children(&g, n, plen);
	}
	fputc('\n', fp);
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
			fprintf(fp, "# Overhead%s", opts->show_nr_samples ? sep : "");
			if (opts->show_nr_samples)
				fprintf(fp, "Samples");
			for (k = 0; k < hists->so.nr; k++)
				fprintf(fp, "%s%s", sep, sort_keys[hists->so.keys[k]].header);
			fprintf(fp, "\n");
		} else {
			fprintf(fp, "# Overhead%s", opts->show_nr_samples ? "       Samples" : "");
			for (k = 0; k < hists->so.nr; k++)
				fprintf(fp, "  %-*s", (int)widths[k], sort_keys[hists->so.keys[k]].header);
			fprintf(fp, "\n# ........%s", opts->show_nr_samples ? "  ............" : "");
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
			fprintf_callchain(fp, he, hists->total_period, opts->callchain_min,
					  hists->so.nr && hists->so.keys[0] == SORT_SYM);
		}
		rows++;
	}
	return rows;
}

/*
 * Length of the well-formed UTF-8 sequence at @s (RFC 3629: no overlong
 * forms, no surrogates, nothing past U+10FFFF), or 0 when there is none.
 */
static size_t utf8_seq_len(const unsigned char *s)
{
	unsigned char c = s[0];
	size_t n, i;
	unsigned char lo = 0x80, hi = 0xbf;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

/*
 * Names come from the data (comms, file names, symbols) and may hold any
 * byte: each byte that is not part of well-formed UTF-8 is written as
 * U+FFFD, so the output always parses.
 */
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
