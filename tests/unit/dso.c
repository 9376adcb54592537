// SPDX-License-Identifier: GPL-2.0
/*
 * util/dso.c's names of mappings with no file behind them: every listed
 * name, and near misses, through is_anon_name and is_jit_name.
 */
#include <string.h>
#include <sys/mman.h>

#include "tests/unit/unit.h"
#include "util/dso.h"

static const struct special_case {
	const char *name;
	bool anon, jit;		/* is_anon_name's and is_jit_name's answers */
} special_cases[] = {
	/* Each name in the table, and what follows the prefixes. */
	{ "//anon", true, true },
	{ "/anon_hugepage", true, true },
	{ "/anon_hugepage (deleted)", true, true },
	{ "/dev/zero", true, true },
	{ "/dev/zero (deleted)", false, true },
	{ "/dev/dri/", true, false },
	{ "/dev/dri/renderD128", true, false },
	{ "/SYSV", true, true },
	{ "/SYSV00000000 (deleted)", true, true },
	{ "[heap]", true, true },
	{ "[heap]x", true, false },
	{ "[stack", true, true },
	{ "[stack]", true, true },
	{ "[stack:1234]", true, true },
	{ "[vsyscall]", true, false },
	{ "anon_inode:", true, false },
	{ "anon_inode:[perf_event]", true, false },
	/* Near misses: one byte short, another case, a path that only starts alike. */
	{ "", false, false },
	/* The kernel's other "//" names are files to perf ("//toolong": d_path failed) */
	{ "//", false, false },
	{ "//anon2", false, false },
	{ "//toolong", false, false },
	{ "//enomem", false, false },
	{ "//usr/lib/x86_64-linux-gnu/libc.so.6", false, false },
	{ "/", false, false },
	{ "/a", false, false },
	{ "/d", false, false },
	{ "/S", false, false },
	{ "[", false, false },
	{ "a", false, false },
	{ "/anon_hugepag", false, false },
	{ "/dev/zer", false, false },
	{ "/dev/zeros", false, true },
	{ "/dev/dri", false, false },
	{ "/dev/null", false, false },
	{ "/SYS", false, false },
	{ "/sysv", false, false },
	{ "/anon", false, false },
	{ "[hea", false, false },
	{ "[heap", false, false },
	{ "[stac", false, false },
	{ "[vsyscall", false, false },
	{ "[vsyscall]x", false, false },
	{ "[vdso]", false, false },
	{ "anon_inode", false, false },
	{ "anon_inodes:", false, false },
	{ "/usr/lib/x86_64-linux-gnu/libc.so.6", false, false },
	{ "/tmp//anon", false, false },
	{ "/SYSV/../usr/lib/libc.so.6", true, true },
};

void test_special_names(void)
{
	for (size_t i = 0; i < sizeof(special_cases) / sizeof(special_cases[0]); i++) {
		const struct special_case *c = &special_cases[i];

		if (is_anon_name(c->name) != c->anon || is_jit_name(c->name, 0) != c->jit) {
			fprintf(stderr, "'%s': anon %d jit %d, want %d %d\n", c->name,
				is_anon_name(c->name), is_jit_name(c->name, 0), c->anon, c->jit);
			unit_failures++;
		}
		/* MAP_HUGETLB memory is JIT code whatever its name. */
		CHECK(is_jit_name(c->name, MAP_HUGETLB));
	}
}
