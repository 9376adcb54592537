// SPDX-License-Identifier: GPL-2.0
/* What several unit tests set up alike: see unit.h. */
#include <elf.h>
#include <stdio.h>
#include <string.h>

#include "symbols/symtab.h"
#include "tests/unit/unit.h"
#include "util/util.h"

char *unit_write_file(const char *dir, const char *rel, const char *text)
{
	char *p = xasprintf("%s/%s", dir, rel);
	FILE *f = fopen(p, "w");

	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
	return p;
}

void unit_symtab_funcs(struct symtab *tab, const char *const *names, int nr)
{
	symtab__init(tab);
	for (int i = 0; i < nr; i++)
		symtab__add(tab, 0x100 * (u64)(i + 1), 0x10, STB_GLOBAL, STT_FUNC, names[i],
			    strlen(names[i]));
	symtab__finish(tab, false);
}
