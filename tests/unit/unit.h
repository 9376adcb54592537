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

#endif
