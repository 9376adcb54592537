// SPDX-License-Identifier: GPL-2.0
/*
 * Bringing slang up and, above all, down: a profiler that dies with the
 * terminal in raw mode and the alternate screen on costs its user a
 * `reset`, so every way out (return, exit, fatal signal) restores it.
 */
#include "ui/tui/browser.h"

#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pmukvm-sonames.h"
#include "ui/tui.h"
#include "ui/tui/slang.h"

int tui__rows, tui__cols;

struct slang_syms slang;

DLIB_DEFINE(slang_lib, slang, SLANG_SYMS, SLANG_SONAME, "the TUI");

int slang__load(struct err *err)
{
	return dlib__load(&slang_lib, err);
}

int tui__load(bool required)
{
	struct err e = ERR_INIT;

	if (!slang__load(&e))
		return 0;
	if (required)
		pr_err("%s", err__str(&e));
	else
		pr_warning("%s; printing text instead", err__str(&e));
	return -ENOENT;
}

static volatile sig_atomic_t tui_up, winch;
static bool atexit_done;

/* Messages said while the screen is ours: shown on the status line, and
 * repeated on stderr at exit so that nothing said is lost. */
#define MAX_SAVED_MSGS 16
static char *saved_msgs[MAX_SAVED_MSGS];
static int nr_saved_msgs;
char tui__last_msg[256];

static const int fatal_signals[] = {
	SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGBUS, SIGABRT, SIGFPE,
};

static void tui__msg(int level, const char *msg)
{
	static const char *const prefix[] = { "", "warning: ", "", "debug: " };
	const char *p = level >= 0 && level < 4 ? prefix[level] : "";

	snprintf(tui__last_msg, sizeof(tui__last_msg), "%s%s", p, msg);
	if (level <= 1 && nr_saved_msgs < MAX_SAVED_MSGS)
		saved_msgs[nr_saved_msgs++] = xasprintf("%s%s", p, msg);
}

void tui__exit(void)
{
	int i;

	if (!tui_up)
		return;
	tui_up = 0;
	slang.SLsmg_reset_smg();
	slang.SLang_reset_tty();
	ui_msg_hook = NULL;
	for (i = 0; i < nr_saved_msgs; i++) {
		fprintf(stderr, "pmukvm: %s\n", saved_msgs[i]);
		free(saved_msgs[i]);
	}
	nr_saved_msgs = 0;
}

/*
 * Not async-signal-safe, as perf's ui__signal is not: the alternative is
 * a wrecked terminal, and the process is dying anyway.
 */
static void tui__signal(int sig)
{
	if (tui_up) {
		tui_up = 0;
		slang.SLsmg_reset_smg();
		slang.SLang_reset_tty();
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void tui__winch(int sig)
{
	(void)sig;
	winch = 1;
}

bool tui__resized(void)
{
	if (!winch)
		return false;
	winch = 0;
	slang.SLtt_get_screen_size();
	slang.SLsmg_reinit_smg();
	tui__rows = *slang.SLtt_Screen_Rows;
	tui__cols = *slang.SLtt_Screen_Cols;
	return true;
}

int tui__init(void)
{
	struct sigaction sa = { 0 };
	size_t i;

	if (!isatty(0) || !isatty(1))
		return -ENOTTY;
	if (tui__load(true))
		return -ENOENT;
	/*
	 * The character set is the locale's: in a UTF-8 locale slang writes
	 * UTF-8 and draws boxes with the Unicode line characters; elsewhere it
	 * draws them with the terminal's alternate character set (terminfo's
	 * acsc/smacs). Without this slang writes bytes, and the terminal,
	 * expecting UTF-8, shows the ACS letters themselves ("lqqqk"). Only
	 * LC_CTYPE: numbers keep the C locale's decimal point.
	 */
	setlocale(LC_CTYPE, "");
	/* slang writes the terminal by its file descriptor: stdout as it was */
	term_guard_off();
	slang.SLutf8_enable(-1);
	slang.SLtt_get_terminfo();
	slang.SLtt_get_screen_size();
	/*
	 * 0 is _POSIX_VDISABLE: no interrupt character, so Ctrl-C reaches us
	 * as a key (3) and quits cleanly; a SIGINT sent from outside still
	 * goes through tui__signal.
	 */
	if (slang.SLang_init_tty(0, 0, 0) < 0)
		return -EIO;
	if (slang.SLsmg_init_smg() < 0) {
		slang.SLang_reset_tty();
		return -EIO;
	}
	if (slang.SLkp_init() < 0) {
		slang.SLsmg_reset_smg();
		slang.SLang_reset_tty();
		return -EIO;
	}
	tui_up = 1;
	if (!atexit_done) {
		atexit(tui__exit);
		atexit_done = true;
	}
	sa.sa_handler = tui__signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < ARRAY_SIZE(fatal_signals); i++)
		sigaction(fatal_signals[i], &sa, NULL);
	sa.sa_handler = tui__winch;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGWINCH, &sa, NULL);
	tui__rows = *slang.SLtt_Screen_Rows;
	tui__cols = *slang.SLtt_Screen_Cols;
	slang.SLtt_set_color(UI_COLOR_NORMAL, NULL, (char *)"default", (char *)"default");
	slang.SLtt_set_color(UI_COLOR_SELECTED, NULL, (char *)"black", (char *)"cyan");
	slang.SLtt_set_color(UI_COLOR_TITLE, NULL, (char *)"white", (char *)"blue");
	slang.SLtt_set_color(UI_COLOR_STATUS, NULL, (char *)"black", (char *)"lightgray");
	slang.SLtt_set_color(UI_COLOR_HOT, NULL, (char *)"red", (char *)"default");
	ui_msg_hook = tui__msg;
	tui__last_msg[0] = '\0';
	return 0;
}
