// SPDX-License-Identifier: GPL-2.0
/*
 * pmukvm stat live's screen: the last interval's tables (perf's columns,
 * then the per-guest percentiles and histograms and the per-vCPU time
 * outside the guest) in a scrollable list, refreshed as the source says.
 */
#include <stdio.h>

#include "ui/tui.h"
#include "ui/tui/browser.h"
#include "ui/tui/slang.h"

struct kvm_tui {
	const struct kvm_stat_tui_ops *ops;
	const char *const *lines;
	size_t nr_lines, cursor;
};

static size_t kt_refresh(struct ui_browser *b)
{
	struct kvm_tui *kt = b->priv;

	kt->lines = kt->ops->lines(kt->ops->ctx, &kt->nr_lines);
	return kt->nr_lines;
}

static void kt_seek(struct ui_browser *b, size_t idx)
{
	((struct kvm_tui *)b->priv)->cursor = idx;
}

static void kt_write(struct ui_browser *b, int row, bool selected)
{
	struct kvm_tui *kt = b->priv;

	slang.SLsmg_gotorc(b->y + row, b->x);
	ui_browser__set_color(selected ? UI_COLOR_SELECTED : UI_COLOR_NORMAL);
	ui_browser__write_text(kt->cursor < kt->nr_lines ? kt->lines[kt->cursor] : "", b->width);
	kt->cursor++;
}

static void kt_header(struct ui_browser *b, int line)
{
	struct kvm_tui *kt = b->priv;
	char buf[512];

	kt->ops->title(kt->ops->ctx, buf, sizeof(buf));
	slang.SLsmg_gotorc(line, 0);
	ui_browser__set_color(UI_COLOR_TITLE);
	ui_browser__write_text(buf, tui__cols);
}

static enum ui_action_ret kt_quit(struct ui_browser *b, int key)
{
	return UI_EXIT;
}

static enum ui_action_ret kt_key(struct ui_browser *b, int key)
{
	struct kvm_tui *kt = b->priv;

	ui__message(kt->ops->key(kt->ops->ctx, key));
	return UI_CONTINUE;
}

static const struct ui_key_action kt_keys[] = {
	{ 'q', "q", "quit", kt_quit },
	{ K_CTRL_C, "Ctrl-C", "quit", kt_quit },
	{ 'k', "k", "sort by samples or by average time (from the next refresh)", kt_key },
	{ 'x', "x", "show or hide pmukvm's tables (percentiles, histograms, vCPUs)", kt_key },
	{ 0 }
};

int kvm_stat__tui(const struct kvm_stat_tui_ops *ops)
{
	struct kvm_tui kt = { .ops = ops };
	struct ui_browser b = {
		.fullscreen = true, .nr_header = 1, .priv = &kt,
		.refresh = kt_refresh, .seek = kt_seek, .write = kt_write,
		.write_header = kt_header,
		.helpline = "q quit  k samples/time order  x pmukvm's tables  arrows/PgUp/PgDn scroll",
		.keys = kt_keys, .timeout_ms = 100,
	};

	for (;;) {
		int key = ui_browser__run(&b);

		if (key == K_TIMER) {
			int r = ops->tick(ops->ctx);

			if (r < 0)
				return r == -1 ? 0 : r;
			continue;
		}
		if (key == 'q' || key == K_CTRL_C)
			return 0;
	}
}
