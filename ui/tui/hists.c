// SPDX-License-Identifier: GPL-2.0
/*
 * The hists browser: rows by overhead, regrouped from a fine-grained base
 * for the chosen sort, symbol filter, guest/host choice and zoom.
 */
#include "ui/tui.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "symbols/symtab.h"
#include "ui/stdio.h"
#include "ui/tui/browser.h"
#include "ui/tui/slang.h"
#include "util/callchain.h"
#include "util/data.h"
#include "util/hist.h"
#include "util/session.h"

#define MAX_COL_WIDTH	40

enum show_mode { SHOW_BOTH, SHOW_GUEST, SHOW_HOST, SHOW_NR };
static const char *const show_names[SHOW_NR] = { "guest+host", "guest only", "host only" };

enum zoom { ZOOM_NONE, ZOOM_DSO, ZOOM_GUEST };

/** The sort menu: a const registry, as the sort keys are. */
static const struct sort_preset {
	const char *name;
	const char *keys;
	const char *what;
} sort_presets[] = {
	{ "sym", "mode,dso,sym", "by symbol" },
	{ "dso", "mode,dso", "by shared object" },
	{ "guest", "guest,mode", "by guest (host, each VM), kernel and user apart" },
	{ "vcpu", "guest,vcpu", "by guest and vCPU thread" },
	{ "comm", "comm,dso,sym", "by command, then symbol" },
	{ "pid", "pid,sym", "by thread, then symbol" },
};

/* One line of a row's call graph in the browser. */
struct graph_line {
	char *text;
	int parent;		/* the head line it folds under, -1: the row */
	int sign_col;
	u64 key;		/* a head's: its path, for the fold state */
	bool has_children;
};

struct row_graph {
	struct graph_line *lines;
	int nr_lines;
	bool made;
};

/* What screen line @i shows: row @row, and its graph line @line (-1: the row). */
struct disp_line {
	u32 row;
	int line;
};

/* The keys of what is unfolded: open addressing, 0 is never a key. */
struct fold_set {
	u64 *slots;
	size_t size, nr;
};

struct hists_browser {
	struct ui_browser b;
	struct hists *base;
	struct hists view;
	const char *event;
	const char *sort_name;		/* preset name, or "custom" */
	enum show_mode show;
	char filter[128];
	enum zoom zoom;
	const struct dso *zoom_dso;
	const struct machine *zoom_machine;
	size_t widths[SORT_NR_KEYS];
	/* The base's totals when the view was built: a live base moves on. */
	u64 total_period, nr_samples, mode_samples[8];
	u64 whole_period;		/* of every sample: the graphs' percentages */
	size_t cur;			/* the seek cursor */
	bool quit;
	const struct hists_browser_ops *ops;
	/*
	 * Call graphs (-g): each view row's tree (a base row's, or merged
	 * from several: @owned), its lines as --stdio prints them once made,
	 * the fold state as a set of keys (a row's, a branch's path), and
	 * the screen's lines: rows and the lines of unfolded rows.
	 */
	const struct callchain_param *cg;
	struct stdio_opts gopts;
	struct row_graph *graphs;	/* by view row (sorted index) */
	struct callchain_node **owned;
	size_t nr_owned;
	struct fold_set unfolded;
	struct disp_line *disp;
	size_t nr_disp, alloc_disp;
};

static void hb__layout(struct hists_browser *hb);

static u64 mix64(u64 x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static bool fold_set__has(const struct fold_set *fs, u64 key)
{
	size_t i;

	if (!fs->size)
		return false;
	for (i = key & (fs->size - 1); fs->slots[i]; i = (i + 1) & (fs->size - 1))
		if (fs->slots[i] == key)
			return true;
	return false;
}

static void fold_set__add(struct fold_set *fs, u64 key)
{
	size_t i;

	if (fold_set__has(fs, key))
		return;
	if (2 * (fs->nr + 1) > fs->size) {
		struct fold_set big = { xcalloc(fs->size ? 2 * fs->size : 64, sizeof(u64)),
					fs->size ? 2 * fs->size : 64, 0 };

		for (i = 0; i < fs->size; i++)
			if (fs->slots[i])
				fold_set__add(&big, fs->slots[i]);
		free(fs->slots);
		*fs = big;
	}
	for (i = key & (fs->size - 1); fs->slots[i]; i = (i + 1) & (fs->size - 1))
		;
	fs->slots[i] = key;
	fs->nr++;
}

static void fold_set__del(struct fold_set *fs, u64 key)
{
	size_t i, j;

	if (!fold_set__has(fs, key))
		return;
	for (i = key & (fs->size - 1); fs->slots[i] != key; i = (i + 1) & (fs->size - 1))
		;
	fs->slots[i] = 0;
	fs->nr--;
	/* put back what follows in the run, so that lookups still find it */
	for (j = (i + 1) & (fs->size - 1); fs->slots[j]; j = (j + 1) & (fs->size - 1)) {
		u64 k = fs->slots[j];

		fs->slots[j] = 0;
		fs->nr--;
		fold_set__add(fs, k);
	}
}

static void fold_set__clear(struct fold_set *fs)
{
	free(fs->slots);
	*fs = (struct fold_set){ 0 };
}

/* Whether a base row passes the filter, the guest/host choice and the zoom. */
static bool hb__shown(const struct hists_browser *hb, const struct hist_entry *he)
{
	if (he->filtered)
		return false;
	if (hb->show == SHOW_GUEST && !cpumode__is_guest(he->cpumode))
		return false;
	if (hb->show == SHOW_HOST && cpumode__is_guest(he->cpumode))
		return false;
	if (hb->zoom == ZOOM_DSO && he->dso != hb->zoom_dso)
		return false;
	if (hb->zoom == ZOOM_GUEST && hist_entry__machine(he) != hb->zoom_machine)
		return false;
	if (hb->filter[0]) {
		char buf[512];
		const char *name = hist_entry__sym(he) ? symbol__name(hist_entry__sym(he)) : buf;

		if (!hist_entry__sym(he))
			hist_entry__snprint_key(he, SORT_SYM, buf, sizeof(buf));
		if (!strstr(name, hb->filter))
			return false;
	}
	return true;
}

/* ---- call graphs: lines, fold state, the screen's lines ---- */

/* A row's fold key: its keys' hash (stable across rebuilds of one sort). */
static u64 row_key(const struct hists *hists, const struct hist_entry *he)
{
	return mix64(hists__row_hash(hists, he) ^ 0x726f77) | 1;
}

/*
 * A branch's: the row's and every frame on the path to it (@root,
 * @parents: @n's tree and callchain__parents of it).
 */
static u64 path_key(u64 row, const struct callchain_node *root, const u32 *parents,
		    const struct callchain_node *n)
{
	u64 h = row;

	for (; n && n != root; n = callchain_node__parent(root, parents, n)) {
		struct callchain_key k = callchain_node__key(n);

		h = mix64(h ^ (k.sym ? (uintptr_t)k.sym : mix64((uintptr_t)k.dso) ^ k.addr));
	}
	return h | 1;
}

struct lines_ctx {
	struct row_graph *g;
	const struct callchain_node *root;
	const u32 *parents;
	u64 row;
	int alloc;
};

static void collect_line(void *ctx, const struct callchain_line *l)
{
	struct lines_ctx *c = ctx;
	struct graph_line *gl;

	if (l->end)
		return;		/* the blank line --stdio leaves between rows */
	if (c->g->nr_lines == c->alloc) {
		c->alloc = c->alloc ? 2 * c->alloc : 32;
		c->g->lines = xrealloc(c->g->lines, (size_t)c->alloc * sizeof(*c->g->lines));
	}
	gl = &c->g->lines[c->g->nr_lines++];
	*gl = (struct graph_line){ .text = xstrdup(l->text), .parent = l->parent,
				   .sign_col = l->sign_col };
	if (l->node)
		gl->key = path_key(c->row, c->root, c->parents, l->node);
	if (l->parent >= 0 && l->parent < c->g->nr_lines - 1)
		c->g->lines[l->parent].has_children = true;
}

/* Row @r's lines, made on first use. */
static struct row_graph *hb__graph(struct hists_browser *hb, size_t r)
{
	struct row_graph *g = &hb->graphs[r];
	struct hist_entry *he = hists__sorted(&hb->view, r);

	if (!g->made) {
		struct lines_ctx c = { .g = g, .row = row_key(&hb->view, he) };

		g->made = true;
		if (hist_entry__callchain(he)) {
			u32 *parents;

			callchain__sort(hist_entry__callchain(he));
			c.root = hist_entry__callchain(he);
			c.parents = parents = callchain__parents(c.root);
			hist_entry__callchain_lines(he, hb->whole_period,
						    hists__graph_min_total(hb->base),
						    &hb->gopts,
						    hb->view.so.nr && hb->view.so.keys[0] == SORT_SYM,
						    collect_line, &c);
			free(parents);
		}
	}
	return g;
}

static bool hb__row_unfolded(struct hists_browser *hb, size_t r)
{
	return fold_set__has(&hb->unfolded, row_key(&hb->view, hists__sorted(&hb->view, r)));
}

static void disp_push(struct hists_browser *hb, u32 row, int line)
{
	if (hb->nr_disp == hb->alloc_disp) {
		hb->alloc_disp = hb->alloc_disp ? 2 * hb->alloc_disp : 256;
		hb->disp = xrealloc(hb->disp, hb->alloc_disp * sizeof(*hb->disp));
	}
	hb->disp[hb->nr_disp++] = (struct disp_line){ row, line };
}

/*
 * The screen's lines: every row, and under an unfolded row the lines of
 * its graph whose heads are all unfolded.
 */
static void hb__layout(struct hists_browser *hb)
{
	size_t r;
	int l;

	hb->nr_disp = 0;
	for (r = 0; r < hb->view.nr_entries; r++) {
		struct row_graph *g;
		bool *shown;

		disp_push(hb, (u32)r, -1);
		if (!hb->cg || !hb__row_unfolded(hb, r))
			continue;
		g = hb__graph(hb, r);
		shown = xcalloc((size_t)g->nr_lines + 1, sizeof(*shown));
		for (l = 0; l < g->nr_lines; l++) {
			int p = g->lines[l].parent;

			shown[l] = p < 0 || (shown[p] && fold_set__has(&hb->unfolded,
								       g->lines[p].key));
			if (shown[l])
				disp_push(hb, (u32)r, l);
		}
		free(shown);
	}
}

/* The fold sign of screen line @d: '+' folded, '-' unfolded, ' ' nothing below. */
static char hb__sign(struct hists_browser *hb, const struct disp_line *d)
{
	struct row_graph *g = hb__graph(hb, d->row);

	if (d->line < 0)
		return !g->nr_lines ? ' ' : hb__row_unfolded(hb, d->row) ? '-' : '+';
	if (!g->lines[d->line].has_children)
		return ' ';
	return fold_set__has(&hb->unfolded, g->lines[d->line].key) ? '-' : '+';
}

/* The key that folds screen line @d, 0 when nothing does. */
static u64 hb__fold_key(struct hists_browser *hb, const struct disp_line *d)
{
	struct row_graph *g = hb__graph(hb, d->row);

	if (d->line < 0)
		return g->nr_lines ? row_key(&hb->view, hists__sorted(&hb->view, d->row)) : 0;
	return g->lines[d->line].has_children ? g->lines[d->line].key : 0;
}

/* Unfolds (or folds) row @r and every branch of its graph. */
static void hb__set_row_folding(struct hists_browser *hb, size_t r, bool unfold)
{
	struct row_graph *g = hb__graph(hb, r);
	int l;

	if (!g->nr_lines)
		return;
	for (l = 0; l < g->nr_lines; l++) {
		if (!g->lines[l].has_children)
			continue;
		if (unfold)
			fold_set__add(&hb->unfolded, g->lines[l].key);
		else
			fold_set__del(&hb->unfolded, g->lines[l].key);
	}
	if (unfold)
		fold_set__add(&hb->unfolded, row_key(&hb->view, hists__sorted(&hb->view, r)));
	else
		fold_set__del(&hb->unfolded, row_key(&hb->view, hists__sorted(&hb->view, r)));
}

static void hb__free_graphs(struct hists_browser *hb)
{
	size_t i;
	int l;

	for (i = 0; hb->graphs && i < hb->view.nr_entries; i++) {
		for (l = 0; l < hb->graphs[i].nr_lines; l++)
			free(hb->graphs[i].lines[l].text);
		free(hb->graphs[i].lines);
	}
	free(hb->graphs);
	hb->graphs = NULL;
	/* the view's rows borrow trees or own merged ones: hists__exit frees neither */
	for (i = 0; i < hb->view.table_size; i++)
		for (struct hist_entry *he = hists__chain(&hb->view, hb->view.table[i]); he;
		     he = hists__chain(&hb->view, he->hnext))
			if (he->more)
				he->more->callchain = NULL;
	for (i = 0; i < hb->nr_owned; i++)
		callchain__free(hb->owned[i]);
	free(hb->owned);
	hb->owned = NULL;
	hb->nr_owned = 0;
}

struct tree_src {
	struct hist_entry *row;		/* the view's */
	struct callchain_node *tree;	/* a base row's */
};

static int tree_src_cmp(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const struct tree_src *)a)->row;
	uintptr_t y = (uintptr_t)((const struct tree_src *)b)->row;

	return x < y ? -1 : x > y;
}

/*
 * Each view row's tree: the one base row's it holds, or the trees of all
 * of them merged (then owned by the browser). A live base (top) decays
 * and drops its trees between two rebuilds: the view keeps copies then.
 */
static void hb__set_trees(struct hists_browser *hb, struct tree_src *src, size_t n)
{
	size_t i, j;

	if (n > 1)
		qsort(src, n, sizeof(*src), tree_src_cmp);
	for (i = 0; i < n; i = j) {
		struct callchain_node *t = NULL;

		for (j = i + 1; j < n && src[j].row == src[i].row; j++)
			;
		if (j == i + 1 && !hb->ops) {
			*hist_entry__callchain_p(src[i].row) = src[i].tree;
			continue;
		}
		for (; i < j; i++)
			callchain__merge(&t, src[i].tree);
		*hist_entry__callchain_p(src[j - 1].row) = t;
		hb->owned = xrealloc(hb->owned, (hb->nr_owned + 1) * sizeof(*hb->owned));
		hb->owned[hb->nr_owned++] = t;
	}
}

/* Regroups the base into the view; column widths follow the rows. */
static void hb__rebuild(struct hists_browser *hb)
{
	struct sort_order so = hb->view.so;
	struct tree_src *src = NULL;
	size_t i, r, nr_src = 0, alloc_src = 0, nr_idx;
	u32 *idx;
	int k;
	char buf[512];

	hb__free_graphs(hb);
	hists__exit(&hb->view);
	hists__init(&hb->view, &so);
	hb->view.cumulate = hb->base->cumulate;
	hb->view.depth_order = hb->base->depth_order;
	hb->view.with_more = hb->base->with_more;
	/* the view's rows are made in the base's order: so, its rows' first samples' */
	hb->view.table_order = hb->base->table_order;
	hb->view.table_collapse = hb->base->table_collapse;
	hb->total_period = hists__total_period(hb->base);
	hb->whole_period = hb->base->total_period;
	hb->nr_samples = hists__nr_samples(hb->base);
	memcpy(hb->mode_samples, hb->base->mode_samples, sizeof(hb->mode_samples));
	/*
	 * The base's rows in the order they were made: a row of the view is
	 * made by the first, and so has the thread of the first sample
	 * (which --children -g's order looks at: hists->depth_order).
	 */
	idx = hists__rows_made(hb->base, &nr_idx);
	for (i = 0; i < nr_idx; i++) {
		struct hist_entry *he = hists__row(hb->base, idx[i]), *row;

		if (!hb__shown(hb, he))
			continue;
		row = hists__add_entry(&hb->view, he);
		if (!hb->cg || !hist_entry__callchain(he))
			continue;
		if (nr_src == alloc_src) {
			alloc_src = alloc_src ? 2 * alloc_src : 256;
			src = xrealloc(src, alloc_src * sizeof(*src));
		}
		src[nr_src++] = (struct tree_src){ row, hist_entry__callchain(he) };
	}
	free(idx);
	hb__set_trees(hb, src, nr_src);
	free(src);
	hists__sort(&hb->view);
	/* Sorted by period: the rows under the limit are the tail. */
	if (hb->ops && hb->ops->percent_limit > 0)
		while (hb->view.nr_entries &&
		       percent(hb->view.cumulate ?
			   hist_entry__period_acc(hists__sorted(&hb->view, hb->view.nr_entries - 1)) :
			   hist_entry__period(hists__sorted(&hb->view, hb->view.nr_entries - 1)), hb->total_period) <
		       hb->ops->percent_limit)
			hb->view.nr_entries--;
	if (hb->cg)
		hb->graphs = xcalloc(hb->view.nr_entries ? hb->view.nr_entries : 1,
				     sizeof(*hb->graphs));
	for (k = 0; k < so.nr; k++) {
		hb->widths[k] = strlen(sort_keys[so.keys[k]].header);
		for (r = 0; r < hb->view.nr_entries && r < 1000; r++) {
			size_t w = (size_t)hist_entry__snprint_key(hists__sorted(&hb->view, r), so.keys[k],
								   buf, sizeof(buf));

			if (w > hb->widths[k])
				hb->widths[k] = min_t(size_t, w, MAX_COL_WIDTH);
		}
	}
	hb__layout(hb);
}

/* ---- the widget's callbacks ---- */

static size_t hb__refresh(struct ui_browser *b)
{
	return ((struct hists_browser *)b->priv)->nr_disp;
}

static void hb__seek(struct ui_browser *b, size_t idx)
{
	((struct hists_browser *)b->priv)->cur = idx;
}

/* A line of a row's graph: --stdio's text, the fold sign in its place. */
static void hb__write_graph_line(struct hists_browser *hb, const struct disp_line *d, int width)
{
	const struct graph_line *gl = &hb->graphs[d->row].lines[d->line];
	char sign = hb__sign(hb, d);
	size_t len = strlen(gl->text);
	char *line = xmalloc(len + 3);

	line[0] = line[1] = ' ';
	memcpy(line + 2, gl->text, len + 1);
	if (sign != ' ' && gl->sign_col >= 0 && (size_t)gl->sign_col < len)
		line[2 + gl->sign_col] = sign;
	ui_browser__write_text(line, width);
	free(line);
}

static void hb__write(struct ui_browser *b, int row, bool selected)
{
	struct hists_browser *hb = b->priv;
	const struct disp_line *d = &hb->disp[hb->cur++];
	const struct hist_entry *he = hists__sorted(&hb->view, d->row);
	char line[1024], buf[512];
	size_t n = 0;
	int k;

	(void)row;
	if (d->line >= 0) {
		hb__write_graph_line(hb, d, b->width);
		return;
	}
	if (hb->cg)
		n = (size_t)snprintf(line, sizeof(line), "%c ", hb__sign(hb, d));
	if (hb->view.cumulate)
		n += (size_t)snprintf(line + n, sizeof(line) - n, " %7.2f%% ",
				      percent(hist_entry__period_acc(he), hb->total_period));
	n += (size_t)snprintf(line + n, sizeof(line) - n, " %7.2f%% %9" PRIu64,
			      percent(hist_entry__period(he), hb->total_period), hist_entry__nr_samples(he));
	for (k = 0; k < hb->view.so.nr && n < sizeof(line); k++) {
		bool last = k == hb->view.so.nr - 1;

		hist_entry__snprint_key(he, hb->view.so.keys[k], buf, sizeof(buf));
		if (last)
			n += (size_t)snprintf(line + n, sizeof(line) - n, "  %s", buf);
		else
			n += (size_t)snprintf(line + n, sizeof(line) - n, "  %-*.*s",
					      (int)hb->widths[k], (int)hb->widths[k], buf);
	}
	ui_browser__write_text(line, b->width);
}

static void hb__write_header(struct ui_browser *b, int line)
{
	struct hists_browser *hb = b->priv;
	const u64 *m = hb->mode_samples;
	u64 total = 0, gk, gu, hk, hu;
	char buf[1024];
	size_t n = 0;
	int k;

	switch (line) {
	case 0:
		if (hb->ops && hb->ops->title)
			hb->ops->title(hb->ops->ctx, buf, sizeof(buf));
		else
			snprintf(buf, sizeof(buf), "Samples: %" PRIu64 " of event '%s', "
				 "Event count (approx.): %" PRIu64, hb->nr_samples, hb->event,
				 hb->total_period);
		ui_browser__set_color(UI_COLOR_TITLE);
		break;
	case 1:
		gk = m[PERF_RECORD_MISC_GUEST_KERNEL];
		gu = m[PERF_RECORD_MISC_GUEST_USER];
		hk = m[PERF_RECORD_MISC_KERNEL];
		hu = m[PERF_RECORD_MISC_USER];
		for (k = 0; k < 8; k++)
			total += m[k];
		n = (size_t)snprintf(buf, sizeof(buf), "guest %.1f%% (kernel %.1f%% user %.1f%%)  "
				     "host %.1f%% (kernel %.1f%% user %.1f%%)  [%s] sort: %s",
				     percent(gk + gu, total), percent(gk, total), percent(gu, total),
				     percent(total - gk - gu, total), percent(hk, total), percent(hu, total),
				     show_names[hb->show], hb->sort_name);
		if (hb->filter[0] && n < sizeof(buf))
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "  filter: \"%s\"",
					      hb->filter);
		if (hb->zoom != ZOOM_NONE && n < sizeof(buf))
			snprintf(buf + n, sizeof(buf) - n, "  zoom: %s %s",
				 hb->zoom == ZOOM_DSO ? "dso" : "guest",
				 hb->zoom == ZOOM_DSO ? map__dso_name(hb->zoom_dso) :
				 hb->zoom_machine ? hb->zoom_machine->name : "host");
		break;
	default:
		n = (size_t)snprintf(buf, sizeof(buf), "%s%s", hb->cg ? "  " : "",
				     hb->view.cumulate ? " Children      Self   Samples" :
				     " Overhead   Samples");
		for (k = 0; k < hb->view.so.nr && n < sizeof(buf); k++)
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "  %-*s",
					      (int)hb->widths[k], sort_keys[hb->view.so.keys[k]].header);
		ui_browser__set_color(UI_COLOR_TITLE);
		break;
	}
	ui_browser__write_text(buf, b->width);
}

/* ---- actions ---- */

static struct hists_browser *hb_of(struct ui_browser *b)
{
	return b->priv;
}

void *hists_browser__ctx(struct ui_browser *b)
{
	return hb_of(b)->ops ? hb_of(b)->ops->ctx : NULL;
}

static enum ui_action_ret act_quit(struct ui_browser *b, int key)
{
	hb_of(b)->quit = true;
	return UI_EXIT;
}

static enum ui_action_ret act_filter(struct ui_browser *b, int key)
{
	struct hists_browser *hb = hb_of(b);
	char buf[sizeof(hb->filter)];

	str_copy(buf, hb->filter, sizeof(buf));
	if (!ui__input("Symbol filter (substring, empty: none): ", buf, sizeof(buf)))
		return UI_CONTINUE;
	str_copy(hb->filter, buf, sizeof(hb->filter));
	b->index = b->top_idx = 0;
	hb__rebuild(hb);
	return UI_CONTINUE;
}

static enum ui_action_ret act_show(struct ui_browser *b, int key)
{
	struct hists_browser *hb = hb_of(b);

	hb->show = (hb->show + 1) % SHOW_NR;
	b->index = b->top_idx = 0;
	hb__rebuild(hb);
	return UI_CONTINUE;
}

static void hb__set_sort(struct hists_browser *hb, const struct sort_preset *p)
{
	struct sort_order so;

	if (sort_order__parse(&so, p->keys, NULL))
		return;		/* the presets are ours: cannot happen */
	hb->view.so = so;
	hb->sort_name = p->name;
	hb__rebuild(hb);
}

/* The sort menu is the same widget, boxed, over the preset table. */
struct menu {
	size_t cur;
	char lines[ARRAY_SIZE(sort_presets)][128];
};

static void menu_seek(struct ui_browser *b, size_t idx)
{
	((struct menu *)b->priv)->cur = idx;
}

static void menu_write(struct ui_browser *b, int row, bool selected)
{
	struct menu *m = b->priv;

	ui_browser__write_text(m->lines[m->cur++], b->width);
}

static enum ui_action_ret menu_pick(struct ui_browser *b, int key)
{
	size_t i;

	if (key == K_ENTER || key == K_ESC || key == 'q')
		return UI_EXIT;
	/* A preset's first letter picks it at once. */
	for (i = 0; i < ARRAY_SIZE(sort_presets); i++) {
		if (sort_presets[i].name[0] == key) {
			b->index = i;
			return UI_EXIT;
		}
	}
	return UI_CONTINUE;
}

static enum ui_action_ret act_sort(struct ui_browser *b, int key)
{
	static const struct ui_key_action keys[] = {
		{ K_ANY, "Enter", "pick", menu_pick },
		{ 0 }
	};
	struct hists_browser *hb = hb_of(b);
	struct menu m = { 0 };
	struct ui_browser mb = {
		.boxed = true, .title = "Sort by", .nr_entries = ARRAY_SIZE(sort_presets),
		.priv = &m, .seek = menu_seek, .write = menu_write, .keys = keys,
		.timeout_ms = -1,
	};
	size_t i;
	int k;

	for (i = 0; i < ARRAY_SIZE(sort_presets); i++) {
		snprintf(m.lines[i], sizeof(m.lines[i]), " %-6s %-14s %s", sort_presets[i].name,
			 sort_presets[i].keys, sort_presets[i].what);
		if (!strcmp(sort_presets[i].name, hb->sort_name))
			mb.index = i;
	}
	do {
		mb.width = min_t(int, 76, tui__cols - 4);
		mb.height = min_t(int, (int)ARRAY_SIZE(sort_presets), tui__rows - 4);
		mb.y = (tui__rows - mb.height) / 2;
		mb.x = (tui__cols - mb.width) / 2;
		k = ui_browser__run(&mb);
	} while (k == K_RESIZE);
	slang.SLsmg_cls();
	if (k != K_ESC && k != 'q') {
		hb__set_sort(hb, &sort_presets[mb.index]);
		b->index = b->top_idx = 0;
	}
	return UI_CONTINUE;
}

static enum ui_action_ret act_zoom(struct ui_browser *b, int key)
{
	struct hists_browser *hb = hb_of(b);
	const struct hist_entry *he;

	if (hb->zoom != ZOOM_NONE) {
		hb->zoom = ZOOM_NONE;
	} else if ((key == K_ENTER || key == 'd') && b->index < hb->nr_disp) {
		/* The dso where the rows have one, else the guest. */
		he = hists__sorted(&hb->view, hb->disp[b->index].row);
		if (sort_order__has(&hb->view.so, SORT_DSO)) {
			hb->zoom = ZOOM_DSO;
			hb->zoom_dso = he->dso;
		} else if (sort_order__has(&hb->view.so, SORT_GUEST)) {
			hb->zoom = ZOOM_GUEST;
			hb->zoom_machine = hist_entry__machine(he);
		} else {
			ui__message("nothing to zoom into: the sort has no dso or guest column");
			return UI_CONTINUE;
		}
	} else {
		return UI_CONTINUE;
	}
	b->index = b->top_idx = 0;
	hb__rebuild(hb);
	return UI_CONTINUE;
}

/* '+': unfolds or folds the selected row or branch; false when it has nothing below. */
static bool hb__toggle_selected(struct hists_browser *hb, size_t idx)
{
	u64 key;

	if (!hb->cg || idx >= hb->nr_disp)
		return false;
	key = hb__fold_key(hb, &hb->disp[idx]);
	if (!key)
		return false;
	if (fold_set__has(&hb->unfolded, key))
		fold_set__del(&hb->unfolded, key);
	else
		fold_set__add(&hb->unfolded, key);
	hb__layout(hb);
	return true;
}

static enum ui_action_ret act_toggle(struct ui_browser *b, int key)
{
	hb__toggle_selected(hb_of(b), b->index);
	return UI_CONTINUE;
}

/* Enter: as perf's browser with call graphs, folds what has a graph; else zooms. */
static enum ui_action_ret act_enter(struct ui_browser *b, int key)
{
	struct hists_browser *hb = hb_of(b);

	if (hb__toggle_selected(hb, b->index))
		return UI_CONTINUE;
	if (b->index < hb->nr_disp && hb->disp[b->index].line >= 0)
		return UI_CONTINUE;	/* a graph line with nothing below */
	return act_zoom(b, key);
}

/* '-': folds the selected branch, or the one (or the row) the line is in. */
static enum ui_action_ret act_fold(struct ui_browser *b, int key)
{
	struct hists_browser *hb = hb_of(b);
	const struct disp_line *d;
	u64 k;
	int parent;
	size_t i;

	if (!hb->cg || b->index >= hb->nr_disp)
		return UI_CONTINUE;
	d = &hb->disp[b->index];
	k = hb__fold_key(hb, d);
	if (k && fold_set__has(&hb->unfolded, k)) {
		fold_set__del(&hb->unfolded, k);
		hb__layout(hb);
		return UI_CONTINUE;
	}
	if (d->line < 0)
		return UI_CONTINUE;
	parent = hb->graphs[d->row].lines[d->line].parent;
	/* the enclosing one is above, and shown */
	for (i = b->index; i-- > 0;)
		if (hb->disp[i].row == d->row && hb->disp[i].line == parent)
			break;
	k = parent < 0 ? row_key(&hb->view, hists__sorted(&hb->view, d->row)) :
			 hb->graphs[d->row].lines[parent].key;
	fold_set__del(&hb->unfolded, k);
	if (i < b->index)	/* shown above: it stays where it is */
		b->index = i;
	hb__layout(hb);
	return UI_CONTINUE;
}

/* 'e': the selected row's whole graph, unfolded or folded. */
static enum ui_action_ret act_expand_row(struct ui_browser *b, int key)
{
	struct hists_browser *hb = hb_of(b);
	size_t r, i;
	bool all = true;
	struct row_graph *g;

	if (!hb->cg || b->index >= hb->nr_disp)
		return UI_CONTINUE;
	r = hb->disp[b->index].row;
	g = hb__graph(hb, r);
	all = hb__row_unfolded(hb, r);
	for (i = 0; all && i < (size_t)g->nr_lines; i++)
		if (g->lines[i].has_children && !fold_set__has(&hb->unfolded, g->lines[i].key))
			all = false;
	hb__set_row_folding(hb, r, !all);
	/* the cursor goes to the row */
	while (b->index && hb->disp[b->index].line >= 0)
		b->index--;
	hb__layout(hb);
	return UI_CONTINUE;
}

/* 'E' and 'C': every row's graph unfolded, or all folded; back to the top. */
static enum ui_action_ret act_fold_all(struct ui_browser *b, int key)
{
	struct hists_browser *hb = hb_of(b);
	size_t r;

	if (!hb->cg)
		return UI_CONTINUE;
	fold_set__clear(&hb->unfolded);
	for (r = 0; key == 'E' && r < hb->view.nr_entries; r++)
		hb__set_row_folding(hb, r, true);
	b->index = b->top_idx = 0;
	hb__layout(hb);
	return UI_CONTINUE;
}

/* report: back to report_tui, which shows the next event. */
static enum ui_action_ret act_next_event(struct ui_browser *b, int key)
{
	return hb_of(b)->ops ? UI_CONTINUE : UI_EXIT;
}

static enum ui_action_ret act_help(struct ui_browser *b, int key);

static const struct ui_key_action hists_keys[] = {
	{ '/', "/", "filter rows by symbol text (substring)", act_filter },
	{ 'h', "h", "cycle guest+host / guest only / host only", act_show },
	{ 's', "s", "choose the sort: sym, dso, guest, vcpu, comm, pid", act_sort },
	{ K_ENTER, "Enter", "-g: unfold/fold the call graph; else zoom (as d)", act_enter },
	{ '+', "+", "-g: unfold/fold the selected row or branch", act_toggle },
	{ '-', "-", "-g: fold the branch (or row) the line is in", act_fold },
	{ 'e', "e", "-g: unfold/fold the selected row's whole graph", act_expand_row },
	{ 'E', "E", "-g: unfold every call graph", act_fold_all },
	{ 'C', "C", "-g: fold every call graph", act_fold_all },
	{ 'd', "d", "zoom into the row's dso (or guest); again: back", act_zoom },
	{ K_ESC, "Esc", "zoom back out", act_zoom },
	{ SL_KEY_BACKSPACE, "Backspace", "zoom back out", act_zoom },
	{ K_TAB, "Tab", "next event (report)", act_next_event },
	{ '?', "?", "this help", act_help },
	{ 'q', "q", "quit", act_quit },
	{ K_CTRL_C, "Ctrl-C", "quit", act_quit },
	{ 0 }
};

static enum ui_action_ret act_help(struct ui_browser *b, int key)
{
	ui__help("Keys (any other key closes)", hists_keys, hb_of(b)->ops ? hb_of(b)->ops->keys
										: NULL);
	return UI_CONTINUE;
}

static const struct sort_preset *preset_for(const struct sort_order *so, int nr)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sort_presets); i++) {
		struct sort_order p;

		if (!sort_order__parse(&p, sort_presets[i].keys, NULL) && p.nr == nr &&
		    !memcmp(p.keys, so->keys, (size_t)nr * sizeof(so->keys[0])))
			return &sort_presets[i];
	}
	return NULL;
}

static int hists__browse(struct hists *base, const struct sort_order *so, const char *event,
			 const struct hists_browser_ops *ops, const struct callchain_param *cg)
{
	struct hists_browser hb = {
		.b = {
			.fullscreen = true, .nr_header = 3, .refresh = hb__refresh,
			.seek = hb__seek, .write = hb__write, .write_header = hb__write_header,
			.helpline = cg ? (ops && ops->keys ?
				"q quit  Enter/+/- fold  E/C all  / filter  h guest/host  s sort  d zoom  z zero  ? help" :
				"q quit  Enter/+/- fold  E/C all  / filter  h guest/host  s sort  d zoom  Tab event  ? help") :
				ops && ops->keys ?
				"q quit  / filter  h guest/host  s sort  Enter zoom  z zero  ? help" :
				"q quit  / filter  h guest/host  s sort  Enter zoom  Tab next event  ? help",
			.keys = hists_keys, .extra_keys = ops ? ops->keys : NULL,
			.timeout_ms = ops ? ops->timeout_ms : -1,
		},
		.base = base, .event = event, .ops = ops, .cg = cg,
	};
	struct sort_order view = *so;
	const struct sort_preset *p;
	int ret = 0, key;

	hb.b.priv = &hb;
	if (cg)
		hb.gopts = (struct stdio_opts){ .callchain = true, .cg = *cg,
						.callchain_min = cg->min_percent,
						.children = base->cumulate };
	view.nr = so->nr_lead ? so->nr_lead : so->nr;
	view.nr_lead = 0;
	p = preset_for(&view, view.nr);
	hb.sort_name = p ? p->name : "custom";
	hists__init(&hb.view, &view);
	hb__rebuild(&hb);
	while (!hb.quit) {
		key = ui_browser__run(&hb.b);
		if (key == K_TAB && !ops)
			break;
		if (key != K_TIMER)
			continue;
		ret = ops && ops->tick ? ops->tick(ops->ctx) : 0;
		if (ret < 0)
			break;
		if (ret > 0)
			hb__rebuild(&hb);
		ret = 0;
	}
	hb__free_graphs(&hb);
	hists__exit(&hb.view);
	fold_set__clear(&hb.unfolded);
	free(hb.disp);
	if (ret)
		return ret;
	return hb.quit ? 0 : K_TAB;
}

int hists__tui_browse(struct hists *base, const struct sort_order *so, const char *event,
		      const struct hists_browser_ops *ops)
{
	return hists__browse(base, so, event, ops, ops ? ops->callchain : NULL);
}

/* ---- report ---- */

int report_tui(struct session *s, struct hists *hists, int nr_hists,
	       const struct callchain_param *cg)
{
	struct hists empty;
	int i = 0, ret = 0, tries;

	if (!nr_hists) {
		/* No samples at all: an empty browser says so better than nothing. */
		hists__init(&empty, &(struct sort_order){ .keys = { SORT_SYM }, .nr = 1 });
		hists = &empty;
		nr_hists = 1;
	}
	ret = tui__init();
	if (ret) {
		if (ret != -ENOENT)	/* -ENOENT: tui__init said why */
			pr_err("--tui needs a terminal on stdin and stdout");
		return ret;
	}
	for (;;) {
		struct evsel *evsel = i < s->data->nr_evsels ? s->data->evsels[i] : NULL;
		char *name = evsel && evsel->name ? xstrdup(evsel->name) :
			     evsel ? evsel__name_from_attr(&evsel->attr) : xstrdup("?");

		ret = hists__browse(&hists[i], &hists[i].so, name, NULL, cg);
		free(name);
		if (ret != K_TAB)
			break;
		/* Tab: the next event that has rows. */
		for (tries = 0; tries < nr_hists; tries++) {
			i = (i + 1) % nr_hists;
			if (hists[i].nr_entries)
				break;
		}
	}
	tui__exit();
	if (hists == &empty)
		hists__exit(&empty);
	return ret;
}
