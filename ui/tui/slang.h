/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_UI_TUI_SLANG_H
#define PMUKVM_UI_TUI_SLANG_H

/*
 * slang, opened when a browser first starts (util/dlib.h): the text
 * commands never load it, nor the libm it needs. The TUI calls it through
 * this table, typed from slang.h: slang.SLsmg_refresh(),
 * *slang.SLtt_Screen_Rows.
 */
#include <slang.h>

#include "util/dlib.h"

#define SLANG_SYMS(X)                                                             \
	X(SLang_getkey) X(SLang_init_tty) X(SLang_input_pending) X(SLang_reset_tty)     \
	X(SLang_ungetkey) X(SLkp_getkey) X(SLkp_init) X(SLsmg_cls) X(SLsmg_draw_box)    \
	X(SLsmg_erase_eol) X(SLsmg_gotorc) X(SLsmg_init_smg) X(SLsmg_refresh)           \
	X(SLsmg_reinit_smg) X(SLsmg_reset_smg) X(SLsmg_set_color)                       \
	X(SLsmg_write_nstring) X(SLsmg_write_string) X(SLtt_get_screen_size)            \
	X(SLtt_get_terminfo) X(SLtt_set_color) X(SLutf8_enable)                         \
	X(SLtt_Screen_Rows) X(SLtt_Screen_Cols)

struct slang_syms {
	SLANG_SYMS(DLIB_PTR)
};

/* Valid once slang__load() has returned 0. */
extern struct slang_syms slang;

/**
 * slang__load - opens slang, the first time. Returns 0, or -ENOENT with
 * @err naming the library and why (tui__init and the commands' choice
 * between the browser and text call it).
 */
int slang__load(struct err *err);

#endif
