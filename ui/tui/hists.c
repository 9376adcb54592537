// SPDX-License-Identifier: GPL-2.0
/*
 * The hists browser: rows by overhead, regrouped from a fine-grained base
 * for the chosen sort, symbol filter, guest/host choice and zoom.
 */
#include "ui/tui.h"

#include <inttypes.h>
#include <slang.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "symbols/symtab.h"
#include "ui/tui/browser.h"
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
	size_t cur;			/* the seek cursor */
	bool quit;
	const struct hists_browser_ops *ops;
};

static double pct(u64 a, u64 b)
{
	return b ? 100.0 * (double)a / (double)b : 0.0;
}

static bool is_guest(u8 cpumode)
{
	return cpumode == PERF_RECORD_MISC_GUEST_KERNEL || cpumode == PERF_RECORD_MISC_GUEST_USER;
}

static bool so_has(const struct sort_order *so, enum sort_key_id k)
{
	int i;

	for (i = 0; i < so->nr; i++)
		if (so->keys[i] == k)
			return true;
	return false;
}

/* Whether a base row passes the filter, the guest/host choice and the zoom. */
static bool hb__shown(const struct hists_browser *hb, const struct hist_entry *he)
{
	if (he->filtered)
		return false;
	if (hb->show == SHOW_GUEST && !is_guest(he->cpumode))
		return false;
	if (hb->show == SHOW_HOST && is_guest(he->cpumode))
		return false;
	if (hb->zoom == ZOOM_DSO && he->dso != hb->zoom_dso)
		return false;
	if (hb->zoom == ZOOM_GUEST && he->machine != hb->zoom_machine)
		return false;
	if (hb->filter[0]) {
		char buf[512];
		const char *name = he->sym ? he->sym->name : buf;

		if (!he->sym)
			hist_entry__snprint_key(he, SORT_SYM, buf, sizeof(buf));
		if (!strstr(name, hb->filter))
			return false;
	}
	return true;
}

/* Regroups the base into the view; column widths follow the rows. */
static void hb__rebuild(struct hists_browser *hb)
{
	struct sort_order so = hb->view.so;
	size_t i, r;
	int k;
	char buf[512];

	hists__exit(&hb->view);
	hists__init(&hb->view, &so);
	hb->total_period = hists__total_period(hb->base);
	hb->nr_samples = hists__nr_samples(hb->base);
	memcpy(hb->mode_samples, hb->base->mode_samples, sizeof(hb->mode_samples));
	for (i = 0; i < hb->base->table_size; i++)
		for (const struct hist_entry *he = hb->base->table[i]; he; he = he->hnext)
			if (hb__shown(hb, he))
				hists__add_entry(&hb->view, he);
	hists__sort(&hb->view);
	/* Sorted by period: the rows under the limit are the tail. */
	if (hb->ops && hb->ops->percent_limit > 0)
		while (hb->view.nr_entries &&
		       pct(hb->view.sorted[hb->view.nr_entries - 1]->period, hb->total_period) <
		       hb->ops->percent_limit)
			hb->view.nr_entries--;
	for (k = 0; k < so.nr; k++) {
		hb->widths[k] = strlen(sort_keys[so.keys[k]].header);
		for (r = 0; r < hb->view.nr_entries && r < 1000; r++) {
			size_t w = (size_t)hist_entry__snprint_key(hb->view.sorted[r], so.keys[k],
								   buf, sizeof(buf));

			if (w > hb->widths[k])
				hb->widths[k] = min_t(size_t, w, MAX_COL_WIDTH);
		}
	}
}

/* ---- the widget's callbacks ---- */

static size_t hb__refresh(struct ui_browser *b)
{
	return ((struct hists_browser *)b->priv)->view.nr_entries;
}

static void hb__seek(struct ui_browser *b, size_t idx)
{
	((struct hists_browser *)b->priv)->cur = idx;
}

static void hb__write(struct ui_browser *b, int row, bool selected)
{
	struct hists_browser *hb = b->priv;
	const struct hist_entry *he = hb->view.sorted[hb->cur++];
	char line[1024], buf[512];
	size_t n;
	int k;

	(void)row;
	n = (size_t)snprintf(line, sizeof(line), " %7.2f%% %9" PRIu64,
			     pct(he->period, hb->total_period), he->nr_samples);
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
				     pct(gk + gu, total), pct(gk, total), pct(gu, total),
				     pct(total - gk - gu, total), pct(hk, total), pct(hu, total),
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
		n = (size_t)snprintf(buf, sizeof(buf), " Overhead   Samples");
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
	char err[256];

	if (sort_order__parse(&so, p->keys, err, sizeof(err)))
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
	SLsmg_cls();
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
	} else if (key == K_ENTER && b->index < hb->view.nr_entries) {
		/* The dso where the rows have one, else the guest. */
		he = hb->view.sorted[b->index];
		if (so_has(&hb->view.so, SORT_DSO)) {
			hb->zoom = ZOOM_DSO;
			hb->zoom_dso = he->dso;
		} else if (so_has(&hb->view.so, SORT_GUEST)) {
			hb->zoom = ZOOM_GUEST;
			hb->zoom_machine = he->machine;
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
	{ K_ENTER, "Enter", "zoom into the row's dso (or guest); again: back", act_zoom },
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
		char err[64];

		if (!sort_order__parse(&p, sort_presets[i].keys, err, sizeof(err)) && p.nr == nr &&
		    !memcmp(p.keys, so->keys, (size_t)nr * sizeof(so->keys[0])))
			return &sort_presets[i];
	}
	return NULL;
}

int hists__tui_browse(struct hists *base, const struct sort_order *so, const char *event,
		      const struct hists_browser_ops *ops)
{
	struct hists_browser hb = {
		.b = {
			.fullscreen = true, .nr_header = 3, .refresh = hb__refresh,
			.seek = hb__seek, .write = hb__write, .write_header = hb__write_header,
			.helpline = ops && ops->keys ?
				"q quit  / filter  h guest/host  s sort  Enter zoom  z zero  ? help" :
				"q quit  / filter  h guest/host  s sort  Enter zoom  Tab next event  ? help",
			.keys = hists_keys, .extra_keys = ops ? ops->keys : NULL,
			.timeout_ms = ops ? ops->timeout_ms : -1,
		},
		.base = base, .event = event, .ops = ops,
	};
	struct sort_order view = *so;
	const struct sort_preset *p;
	int ret = 0, key;

	hb.b.priv = &hb;
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
	hists__exit(&hb.view);
	if (ret)
		return ret;
	return hb.quit ? 0 : K_TAB;
}

/* ---- report ---- */

int report_tui(struct session *s, struct hists *hists, int nr_hists)
{
	struct hists empty;
	int i = 0, ret = 0, tries;

	if (!nr_hists) {
		/* No samples at all: an empty browser says so better than nothing. */
		hists__init(&empty, &(struct sort_order){ .keys = { SORT_SYM }, .nr = 1 });
		hists = &empty;
		nr_hists = 1;
	}
	if (tui__init()) {
		pr_err("--tui needs a terminal on stdin and stdout");
		return -1;
	}
	for (;;) {
		struct evsel *evsel = i < s->data->nr_evsels ? s->data->evsels[i] : NULL;
		char *name = evsel && evsel->name ? xstrdup(evsel->name) :
			     evsel ? evsel__name_from_attr(&evsel->attr) : xstrdup("?");

		ret = hists__tui_browse(&hists[i], &hists[i].so, name, NULL);
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
