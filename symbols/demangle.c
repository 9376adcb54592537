// SPDX-License-Identifier: GPL-2.0
/* C++ names through the C++ runtime's own demangler (libstdc++). */
#include "symbols/demangle.h"

#include <stdlib.h>
#include <string.h>

char *__cxa_demangle(const char *mangled, char *buf, size_t *len, int *status);

/* Drops the trailing parameter list "(...)" and what follows it (" const"). */
static void strip_params(char *s)
{
	size_t n = strlen(s);
	int depth = 0;
	size_t i;

	if (!n)
		return;
	/* Find the '(' that opens the last top-level parenthesis group. */
	for (i = n; i-- > 0;) {
		if (s[i] == ')') {
			depth++;
		} else if (s[i] == '(') {
			if (--depth == 0) {
				/* Not an operator name like "operator()". */
				if (i >= 8 && !strncmp(s + i - 8, "operator", 8))
					continue;
				s[i] = '\0';
				return;
			}
		}
	}
}

char *demangle(const char *name)
{
	int status = 0;
	char *out;

	if (strncmp(name, "_Z", 2))
		return NULL;
	out = __cxa_demangle(name, NULL, NULL, &status);
	if (status || !out) {
		free(out);
		return NULL;
	}
	strip_params(out);
	return out;
}
