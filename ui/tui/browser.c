// SPDX-License-Identifier: GPL-2.0
/* The list widget: cursor movement, drawing through callbacks, popups. */
#include "ui/tui/browser.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/tui/slang.h"

void ui_browser__set_color(int color)
{
	slang.SLsmg_set_color(color);
}

void ui_browser__write_text(const char *text, int width)
{
	if (width > 0)
		slang.SLsmg_write_nstring((char *)text, (unsigned int)width);
}

void (*ui__idle)(void *ctx);
void *ui__idle_ctx;

int ui__getkey(int timeout_ms)
{
	int waited = 0, key;

	/* Short slices, so that a SIGWINCH is seen while nothing is typed. */
	for (;;) {
		int slice = 100;

		if (tui__resized())
			return K_RESIZE;
		if (timeout_ms >= 0) {
			if (waited >= timeout_ms)
				return K_TIMER;
			if (slice > timeout_ms - waited)
				slice = timeout_ms - waited;
		}
		if (slang.SLang_input_pending(-(slice ? slice : 1)) > 0)
			break;
		waited += slice;
		if (ui__idle)
			ui__idle(ui__idle_ctx);
	}
	key = (int)slang.SLang_getkey();
	if (key == SLANG_GETKEY_ERROR)
		return K_CTRL_C;	/* the terminal is gone: quit, do not spin */
	if (key != K_ESC)
		goto keypad;
	/* A lone Escape, or the start of an escape sequence (perf's ui__getch)? */
	if (slang.SLang_input_pending(-30) <= 0)
		return K_ESC;
keypad:
	slang.SLang_ungetkey((unsigned char)key);
	key = (int)slang.SLkp_getkey();
	if (key == SL_KEY_ENTER || key == '\n')
		return K_ENTER;
	if (key == 127 || key == 8)
		return SL_KEY_BACKSPACE;
	return key;
}

/* ---- cursor movement: the widget's own key table ---- */

static void ui_browser__clamp(struct ui_browser *b)
{
	size_t h = b->height > 0 ? (size_t)b->height : 1;

	if (!b->nr_entries) {
		b->index = b->top_idx = 0;
		return;
	}
	if (b->index >= b->nr_entries)
		b->index = b->nr_entries - 1;
	if (b->top_idx > b->index)
		b->top_idx = b->index;
	if (b->index >= b->top_idx + h)
		b->top_idx = b->index - h + 1;
	/* After a shrink, fill the screen rather than leave rows empty. */
	if (b->top_idx + h > b->nr_entries)
		b->top_idx = b->nr_entries > h ? b->nr_entries - h : 0;
}

static enum ui_action_ret nav_move(struct ui_browser *b, int key)
{
	size_t h = b->height > 0 ? (size_t)b->height : 1;

	switch (key) {
	case SL_KEY_UP:
		if (b->index)
			b->index--;
		break;
	case SL_KEY_DOWN:
		if (b->index + 1 < b->nr_entries)
			b->index++;
		break;
	case SL_KEY_PPAGE:
		b->index = b->index > h ? b->index - h : 0;
		b->top_idx = b->top_idx > h ? b->top_idx - h : 0;
		break;
	case SL_KEY_NPAGE:
		b->index += h;
		b->top_idx += h;
		break;
	case SL_KEY_HOME:
		b->index = b->top_idx = 0;
		break;
	case SL_KEY_END:
		b->index = b->nr_entries ? b->nr_entries - 1 : 0;
		break;
	}
	ui_browser__clamp(b);
	return UI_CONTINUE;
}

static const struct ui_key_action nav_keys[] = {
	{ SL_KEY_UP, "Up", "previous row", nav_move },
	{ SL_KEY_DOWN, "Down", "next row", nav_move },
	{ SL_KEY_PPAGE, "PgUp", "previous page", nav_move },
	{ SL_KEY_NPAGE, "PgDn", "next page", nav_move },
	{ SL_KEY_HOME, "Home", "first row", nav_move },
	{ SL_KEY_END, "End", "last row", nav_move },
	{ 0 }
};

static const struct ui_key_action *find_action(const struct ui_key_action *t, int key)
{
	for (; t && t->action; t++)
		if (t->key == key || t->key == K_ANY)
			return t;
	return NULL;
}

/* ---- drawing ---- */

static void ui_browser__layout(struct ui_browser *b)
{
	if (!b->fullscreen)
		return;
	b->y = b->nr_header;
	b->x = 0;
	b->width = tui__cols;
	b->height = tui__rows - b->nr_header - 1;	/* the last row: status */
	if (b->height < 1)
		b->height = 1;
}

void ui_browser__draw(struct ui_browser *b)
{
	int row;

	ui_browser__layout(b);
	if (b->refresh)
		b->nr_entries = b->refresh(b);
	ui_browser__clamp(b);
	if (b->boxed) {
		slang.SLsmg_set_color(UI_COLOR_NORMAL);
		slang.SLsmg_draw_box(b->y - 1, b->x - 1, (unsigned)b->height + 2, (unsigned)b->width + 2);
		if (b->title) {
			slang.SLsmg_gotorc(b->y - 1, b->x + 1);
			slang.SLsmg_set_color(UI_COLOR_TITLE);
			ui_browser__write_text(b->title, min_t(int, (int)strlen(b->title),
							       b->width - 2));
		}
	}
	for (row = 0; row < b->nr_header && b->write_header; row++) {
		slang.SLsmg_gotorc(b->y - b->nr_header + row, b->x);
		slang.SLsmg_set_color(UI_COLOR_NORMAL);
		b->write_header(b, row);
	}
	if (b->nr_entries && b->seek)
		b->seek(b, b->top_idx);
	for (row = 0; row < b->height; row++) {
		size_t idx = b->top_idx + (size_t)row;

		slang.SLsmg_gotorc(b->y + row, b->x);
		if (idx < b->nr_entries) {
			bool sel = idx == b->index;

			slang.SLsmg_set_color(sel ? UI_COLOR_SELECTED : UI_COLOR_NORMAL);
			b->write(b, row, sel);
		} else {
			slang.SLsmg_set_color(UI_COLOR_NORMAL);
			ui_browser__write_text("", b->width);
		}
	}
	if (b->fullscreen) {
		slang.SLsmg_gotorc(tui__rows - 1, 0);
		slang.SLsmg_set_color(UI_COLOR_STATUS);
		ui_browser__write_text(tui__last_msg[0] ? tui__last_msg :
				       b->helpline ? b->helpline : "", tui__cols);
	}
	slang.SLsmg_set_color(UI_COLOR_NORMAL);
	slang.SLsmg_refresh();
}

int ui_browser__run(struct ui_browser *b)
{
	for (;;) {
		const struct ui_key_action *a;
		int key;

		ui_browser__draw(b);
		key = ui__getkey(b->timeout_ms);
		if (key == K_TIMER)
			return key;
		if (key == K_RESIZE) {
			slang.SLsmg_cls();
			if (!b->fullscreen)	/* the owner recomputes the popup's place */
				return key;
			continue;
		}
		tui__last_msg[0] = '\0';
		a = find_action(nav_keys, key);
		if (!a)
			a = find_action(b->keys, key);
		if (!a)
			a = find_action(b->extra_keys, key);
		if (a && a->action(b, key) == UI_EXIT)
			return key;
	}
}

/* ---- small screens over the browser ---- */

void ui__message(const char *msg)
{
	str_copy(tui__last_msg, msg, sizeof(tui__last_msg));
}

bool ui__input(const char *prompt, char *buf, size_t len)
{
	size_t n = strlen(buf);

	for (;;) {
		int key;

		slang.SLsmg_gotorc(tui__rows - 1, 0);
		slang.SLsmg_set_color(UI_COLOR_STATUS);
		slang.SLsmg_write_string((char *)prompt);
		slang.SLsmg_write_string(buf);
		slang.SLsmg_erase_eol();
		slang.SLsmg_refresh();
		key = ui__getkey(-1);
		if (key == K_ENTER)
			return true;
		if (key == K_ESC || key == K_CTRL_C)
			return false;
		if (key == SL_KEY_BACKSPACE) {
			if (n)
				buf[--n] = '\0';
		} else if (key >= 32 && key < 127 && n + 1 < len) {
			buf[n++] = (char)key;
			buf[n] = '\0';
		}
	}
}

/* A popup is a boxed browser over an array of lines. */
struct text_view {
	const char *const *lines;
	size_t cur;
};

static void text_seek(struct ui_browser *b, size_t idx)
{
	((struct text_view *)b->priv)->cur = idx;
}

static void text_write(struct ui_browser *b, int row, bool selected)
{
	struct text_view *tv = b->priv;

	(void)row;
	(void)selected;
	slang.SLsmg_set_color(UI_COLOR_NORMAL);	/* text: no cursor bar */
	ui_browser__write_text(tv->lines[tv->cur++], b->width);
}

static enum ui_action_ret popup_close(struct ui_browser *b, int key)
{
	return UI_EXIT;
}

void ui__popup_text(const char *title, const char *const *lines, size_t nr)
{
	static const struct ui_key_action keys[] = {
		{ K_ANY, "any", "close", popup_close },
		{ 0 }
	};
	struct text_view tv = { lines, 0 };
	struct ui_browser b = {
		.boxed = true, .title = title, .nr_entries = nr, .priv = &tv,
		.seek = text_seek, .write = text_write, .keys = keys, .timeout_ms = -1,
	};
	size_t i, w = strlen(title) + 4;

	for (i = 0; i < nr; i++)
		if (strlen(lines[i]) > w)
			w = strlen(lines[i]);
	for (;;) {
		b.width = (int)min_t(size_t, w + 2, (size_t)(tui__cols > 4 ? tui__cols - 4 : 1));
		b.height = (int)min_t(size_t, nr, (size_t)(tui__rows > 4 ? tui__rows - 4 : 1));
		b.y = (tui__rows - b.height) / 2;
		b.x = (tui__cols - b.width) / 2;
		/* The (unseen) cursor starts on the last row: Down scrolls at once. */
		b.index = b.top_idx + (size_t)b.height - 1;
		if (ui_browser__run(&b) != K_RESIZE)
			break;
	}
	slang.SLsmg_cls();
}

void ui__help(const char *title, const struct ui_key_action *a, const struct ui_key_action *b)
{
	const struct ui_key_action *tables[] = { nav_keys, a, b };
	char *lines[64];
	size_t n = 0, t;

	for (t = 0; t < ARRAY_SIZE(tables); t++)
		for (const struct ui_key_action *k = tables[t]; k && k->action && n < 64; k++)
			if (k->help && k->key != K_ANY)
				lines[n++] = xasprintf(" %-10s %s", k->name, k->help);
	ui__popup_text(title, (const char *const *)lines, n);
	while (n)
		free(lines[--n]);
}
