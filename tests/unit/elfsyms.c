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
	CHECK(s && symbol__is_func(s) && !symbol__is_object(s));
	elf_image__exit(&img);
}

/* A data object of this program, for test_elf_object_symbols to find. */
int elfsyms_object[64] = { 1 };

/*
 * ELF STT_OBJECT symbols are kept and marked as data objects (perf names
 * their rows name+0xOFFSET), functions not; on this very program.
 */
void test_elf_object_symbols(void)
{
	const struct symbol *obj, *fn;
	struct elf_image img;
	struct err err;

	if (elf__load(&img, "/proc/self/exe", "/proc/self/exe", NULL, 0, &err)) {
		fprintf(stderr, "load /proc/self/exe: %s\n", err.msg);
		unit_failures++;
		return;
	}
	obj = symtab__find_name(&img.tab, "elfsyms_object");
	fn = symtab__find_name(&img.tab, "test_elf_object_symbols");
	CHECK(obj && symbol__is_object(obj) && !symbol__is_func(obj));
	CHECK(obj && symbol__end(&img.tab, obj) - obj->start == sizeof(elfsyms_object));
	CHECK(fn && symbol__is_func(fn) && !symbol__is_object(fn));
	elf_image__exit(&img);
	elfsyms_object[1] = elfsyms_object[0];	/* used, so kept */
}
