/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_UI_TUI_BROWSER_H
#define PMUKVM_UI_TUI_BROWSER_H

/*
 * A slang list widget, perf's ui/browser.c in small: the widget owns the
 * cursor (selected row, first row shown) and the screen area; the model
 * behind it is reached only through three callbacks, so the same widget
 * shows hists rows, the sort menu and the help text.
 */
#include <stdbool.h>
#include <stddef.h>

#include "util/util.h"

/* Keys beyond bytes: slang's SL_KEY_* values, plus the timer and resize. */
enum {
	K_TIMER = -1,		/* no key before the timeout */
	K_RESIZE = -2,		/* the terminal changed size (SIGWINCH) */
	K_ANY = -3,		/* in a key table: every key not matched before */
	K_ESC = 27,
	K_ENTER = '\r',
	K_CTRL_C = 3,
	K_TAB = '\t',
};

struct ui_browser;

/** enum ui_action_ret - what a key action tells the loop. */
enum ui_action_ret {
	UI_CONTINUE,		/* redraw and go on */
	UI_EXIT,		/* leave ui_browser__run with the key */
};

/** struct ui_key_action - one row of a key table (htop's Action.c). */
struct ui_key_action {
	int key;
	const char *name;	/* for the help screen: "/", "PgDn" */
	const char *help;
	enum ui_action_ret (*action)(struct ui_browser *b, int key);
};

/**
 * struct ui_browser - the widget.
 * @y, @x, @height, @width: the list area on the screen (set by the caller,
 *	or by ui_browser__run from the terminal size when @fullscreen).
 * @nr_header: lines above the list, drawn by @write_header.
 * @refresh: called before each draw; returns the current number of entries
 *	(the model may have changed: top's new samples, a filter).
 * @seek: positions the model's cursor at entry @idx (models that are not
 *	arrays walk to it); called once per draw, for @top_idx.
 * @write: draws the entry at the model's cursor in screen row @row and
 *	advances the cursor; @selected says whether it is the current row.
 * @helpline: the bottom line when no message is shown.
 * @keys: actions for keys the widget does not handle itself; NULL-key end.
 * @timeout_ms: ui_browser__run returns K_TIMER after this long without a
 *	key (top's refresh); <0 waits for a key.
 */
struct ui_browser {
	int y, x, height, width;
	bool fullscreen;
	bool boxed;			/* popups: a frame around the list */
	const char *title;		/* in the frame of a boxed browser */
	int nr_header;
	size_t nr_entries, top_idx, index;
	void *priv;
	size_t (*refresh)(struct ui_browser *b);
	void (*seek)(struct ui_browser *b, size_t idx);
	void (*write)(struct ui_browser *b, int row, bool selected);
	void (*write_header)(struct ui_browser *b, int line);
	const char *helpline;
	const struct ui_key_action *keys;
	const struct ui_key_action *extra_keys;	/* the owner's owner's: top's 'z' */
	int timeout_ms;
};

/** ui_browser__run - draws and handles keys until an action exits or a timer fires. */
int ui_browser__run(struct ui_browser *b);

/** ui_browser__draw - refresh + seek + write of every visible row, then the helpline. */
void ui_browser__draw(struct ui_browser *b);

/** ui_browser__write_text - @text at the cursor, clipped or padded to @width columns. */
void ui_browser__write_text(const char *text, int width);

/** ui_browser__set_color - one of the UI_COLOR_* pairs below. */
void ui_browser__set_color(int color);

enum { UI_COLOR_NORMAL, UI_COLOR_SELECTED, UI_COLOR_TITLE, UI_COLOR_STATUS, UI_COLOR_HOT };

/**
 * ui__getkey - one key: a byte, an SL_KEY_* code, K_ESC for a lone Escape,
 * K_RESIZE after SIGWINCH, or K_TIMER after @timeout_ms (<0: wait).
 */
int ui__getkey(int timeout_ms);

/**
 * ui__idle - called about every 100 ms while ui__getkey waits, popups and
 * the filter prompt included: a live source drains its ring buffers there
 * so that reading the help costs no lost samples. NULL: nothing.
 */
extern void (*ui__idle)(void *ctx);
extern void *ui__idle_ctx;

/**
 * ui__input - a line editor on the bottom row: @prompt, then up to @len-1
 * bytes into @buf (initially shown). Returns true on Enter, false on Esc.
 */
bool ui__input(const char *prompt, char *buf, size_t len);

/** ui__message - shows @msg on the bottom line until the next key. */
void ui__message(const char *msg);

/** ui__popup_text - a boxed, scrollable view of @lines; any other key closes it. */
void ui__popup_text(const char *title, const char *const *lines, size_t nr);

/** ui__help - the help popup for a key table (and an optional second one). */
void ui__help(const char *title, const struct ui_key_action *a, const struct ui_key_action *b);

/* ---- setup (ui/tui/setup.c) ---- */

/**
 * tui__init - slang on the terminal, with the terminal restored on every
 * exit path: atexit, and SIGINT/SIGTERM/SIGHUP/SIGQUIT/SIGSEGV/SIGBUS/
 * SIGABRT/SIGFPE handlers that restore, then die of the same signal.
 * pr_err() and friends go to the status line while the TUI is up, and are
 * repeated on stderr once it is down. Returns 0, -ENOTTY when stdin or
 * stdout is not a terminal, -ENOENT when slang cannot be loaded (said
 * with pr_err, naming the library), or -EIO when slang cannot start
 * (nothing changed then).
 */
int tui__init(void);

/** tui__exit - restores the terminal; safe to call twice. */
void tui__exit(void);

/** tui__resized - true once after a SIGWINCH; the screen is resized then. */
bool tui__resized(void);

extern int tui__rows, tui__cols;
/* The last message said through pr_*() while the TUI is up; "" when none. */
extern char tui__last_msg[256];

#endif
