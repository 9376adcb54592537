/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_UI_TUI_H
#define PMUKVM_UI_TUI_H

/*
 * The slang browsers that report and top share. Rows are kept at the
 * finest grain (every sort key, see sort_order__full) in a "base" hists;
 * what the screen shows is regrouped from it for the chosen sort, filter,
 * guest/host choice and zoom, so changing any of them needs no raw
 * samples and memory stays bounded by the number of distinct rows.
 */
#include <stddef.h>

#include "util/util.h"

struct callchain_param;
struct session;
struct hists;
struct sort_order;
struct ui_browser;
struct ui_key_action;

/**
 * tui__load - opens slang (ui/tui/slang.h), which only the browsers use.
 * A command that would show a browser calls it while it can still choose
 * text. Returns 0, or -ENOENT after saying why, naming the library: as an
 * error when @required (--tui), as a warning that text follows otherwise.
 */
int tui__load(bool required);

/**
 * report_tui - browses @hists (one per event, Tab switches) until 'q'.
 * For 's' to regroup exactly, @hists should have been built with a
 * sort_order__full() order; the first view shows its nr_lead keys.
 * @cg: the rows' call graphs (-g) in this form, folded under each row;
 * NULL: none. Returns 0, or -1 when the terminal cannot be used (message
 * printed).
 */
int report_tui(struct session *s, struct hists *hists, int nr_hists,
	       const struct callchain_param *cg);

/** struct hists_browser_ops - what a live caller (top) adds to the browser. */
struct hists_browser_ops {
	/*
	 * Called when no key came for @timeout_ms: pump data into the base
	 * hists. Returns >0 when the rows changed, 0 when not, <0 to quit.
	 */
	int (*tick)(void *ctx);
	/* The first header line: event, rates, lost samples. */
	void (*title)(void *ctx, char *buf, size_t len);
	const struct ui_key_action *keys;	/* extra keys, e.g. top's 'z' */
	int timeout_ms;
	double percent_limit;			/* rows below this % are not shown */
	/* -g: the base rows' call graphs, in this form; NULL: none */
	const struct callchain_param *callchain;
	void *ctx;
};

/**
 * hists__tui_browse - full-screen rows of @base (read, and regrouped
 * after each tick) shown by @so first, until 'q'/Ctrl-C or a tick < 0.
 * The caller has called tui__init(). Returns 0, or the tick's error.
 */
int hists__tui_browse(struct hists *base, const struct sort_order *so, const char *event,
		      const struct hists_browser_ops *ops);

/** hists_browser__ctx - the ops->ctx of the browser an extra key acts on. */
void *hists_browser__ctx(struct ui_browser *b);

/** struct kvm_stat_tui_ops - what stat live gives its screen. */
struct kvm_stat_tui_ops {
	/* Pumps the source: >0 a new snapshot, 0 nothing new, -1 quit, <-1 error. */
	int (*tick)(void *ctx);
	void (*title)(void *ctx, char *buf, size_t len);
	/* The snapshot's text lines (valid until the next tick). */
	const char *const *(*lines)(void *ctx, size_t *nr);
	/* A key ('k', 'x'): returns a message for the status line. */
	const char *(*key)(void *ctx, int key);
	void *ctx;
};

/**
 * kvm_stat__tui - stat live's full-screen view until 'q'/Ctrl-C or a tick
 * < 0. The caller has called tui__init(). Returns 0 or the tick's error.
 */
int kvm_stat__tui(const struct kvm_stat_tui_ops *ops);

#endif
