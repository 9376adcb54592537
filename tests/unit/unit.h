/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_UNIT_H
#define PMUKVM_UNIT_H

#include <stdio.h>

extern int unit_failures;

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n",		\
			__FILE__, __LINE__, #cond);			\
		unit_failures++;					\
	}								\
} while (0)

#define CHECK_STR(a, b) do {						\
	const char *_a = (a), *_b = (b);				\
	if (!_a || !_b || strcmp(_a, _b)) {				\
		fprintf(stderr, "%s:%d: '%s' != '%s'\n", __FILE__,	\
			__LINE__, _a ? _a : "(null)", _b ? _b : "(null)");\
		unit_failures++;					\
	}								\
} while (0)

struct unit_test {
	const char *name;
	void (*fn)(void);
};

#define UNIT_TESTS(arr) const struct unit_test arr[]

struct symtab;

/* Writes @text to @dir/@rel; returns the path (to free). */
char *unit_write_file(const char *dir, const char *rel, const char *text);
/*
 * A finished symtab of @nr global functions named @names, the i-th at
 * 0x100 * (i + 1), 0x10 bytes long.
 */
void unit_symtab_funcs(struct symtab *tab, const char *const *names, int nr);

/* Whether the running kernel maps in on request (MADV_POPULATE_WRITE, 5.14 on). */
int unit_can_populate(void);

#endif
