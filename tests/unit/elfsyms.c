// SPDX-License-Identifier: GPL-2.0
/* ELF symbol loading through libelf, on the running process's vDSO image. */
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>

#include "symbols/elf.h"
#include "tests/unit/unit.h"
#include "util/err.h"

void test_elf_abs_symbols(void)
{
	/*
	 * The vDSO's .dynsym holds its version definition, LINUX_2.6: an
	 * OBJECT at 0 in SHN_ABS. It names no code; as in perf, it is not a
	 * symbol, so addresses before the first function resolve to none.
	 */
	const unsigned char *base = (const void *)getauxval(AT_SYSINFO_EHDR);
	const Elf64_Ehdr *eh = (const void *)base;
	const struct symbol *s;
	struct elf_image img;
	struct err err;
	size_t len;

	if (!base) {
		printf("  (no vDSO: skipped)\n");
		return;
	}
	/* The image ends with its section headers. */
	len = eh->e_shoff + (size_t)eh->e_shnum * eh->e_shentsize;
	CHECK(elf__load(&img, NULL, NULL, base, len, &err) == 0);
	CHECK(symtab__find_name(&img.tab, "LINUX_2.6") == NULL);
	s = symtab__find_name(&img.tab, "__vdso_clock_gettime");
	CHECK(s != NULL);
	if (s)
		CHECK(symtab__find(&img.tab, s->start) == s);
	CHECK(symtab__find(&img.tab, 0x10) == NULL);
	elf_image__exit(&img);
}
