/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_ERR_H
#define PMUKVM_ERR_H

/*
 * The error convention of util/, symbols/ and ui/: a function returns 0 or
 * a negative errno; where it has more to say than the errno (a file name,
 * an offset, the option value at fault), it also takes a struct err * and
 * fills it with err__set(). The return value alone says whether the call
 * failed: a caller never decides that by looking at the message.
 *
 *	int kallsyms__load(struct kallsyms *ks, const char *path, struct err *e);
 *
 *	struct err e = ERR_INIT;
 *	if (kallsyms__load(&ks, path, &e) < 0)
 *		pr_err("%s", err__str(&e));
 *
 * A function may be passed a NULL struct err *: it then only returns the
 * errno. Messages follow the house style: lowercase, the subject in quotes,
 * corrupt input named with its offset; the "pmukvm: " prefix is pr_err's.
 */

#include <stddef.h>

#include "util/util.h"

/* Longest message kept (with its NUL); longer ones are cut. */
#define ERR_MSG_MAX 1024

/**
 * struct err - what went wrong, for the caller to print or to pass on.
 * @code: the negative errno given to the last err__set(), 0 before any.
 * @msg: its message, "" before any.
 */
struct err {
	int code;
	char msg[ERR_MSG_MAX];
};

#define ERR_INIT { 0, "" }

/** err__init - empties @e (may be NULL). */
void err__init(struct err *e);

/**
 * err__set - records @code (a negative errno) and the message made from
 * @fmt in @e, replacing what was there. @e may be NULL. Returns @code, so
 * that a failing path reads `return err__set(e, -EINVAL, "...", ...);`.
 */
int err__set(struct err *e, int code, const char *fmt, ...) __printf(3, 4);

/** err__vset - err__set with a va_list. */
int err__vset(struct err *e, int code, const char *fmt, va_list ap) __printf(3, 0);

/**
 * err__prefix - puts the text made from @fmt before @e's message (as
 * "PATH: " before a parser's message). Keeps @e's code. Returns it.
 */
int err__prefix(struct err *e, const char *fmt, ...) __printf(2, 3);

/**
 * err__copy - makes @dst (may be NULL) what @src is. Returns @src's code.
 */
int err__copy(struct err *dst, const struct err *src);

/**
 * err__str - the text to show for @e: its message, or the errno's
 * description (file__strerror) when none was written, or "" when nothing failed.
 */
const char *err__str(const struct err *e);

#endif
