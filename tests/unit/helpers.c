// SPDX-License-Identifier: GPL-2.0
/* What several unit tests set up alike: see unit.h. */
#include <elf.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

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

int unit_can_populate(void)
{
#ifdef MADV_POPULATE_WRITE
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int ok = p != MAP_FAILED && !madvise(p, 4096, MADV_POPULATE_WRITE);

	if (p != MAP_FAILED)
		munmap(p, 4096);
	return ok;
#else
	return 0;
#endif
}
