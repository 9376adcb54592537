// SPDX-License-Identifier: GPL-2.0
/*
 * report --folded's frame names: stackcollapse-perf.pl's rules, one case
 * per row, on names that recorded files rarely hold (';', C++ parameter
 * lists, quotes, Go methods, Java, DSO names with blanks).
 */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "symbols/symtab.h"
#include "tests/unit/unit.h"
#include "util/export.h"
#include "util/machine.h"

static char *folded_of(struct flame *fl)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	CHECK(fp && !flame__fprintf_folded(fl, fp));
	fclose(fp);
	return buf;
}

void test_folded_names(void)
{
	static const struct {
		const char *comm, *sym, *dso, *want;
	} cases[] = {
		{ "a", "foo;bar", "/bin/a", "a;foo:bar 1\n" },
		{ "a", "ns::f(int, char const*)", "/bin/a", "a;ns::f 1\n" },
		{ "a", "x::(anonymous namespace)::g(int)", "/bin/a", "a;x::(anonymous namespace)::g 1\n" },
		{ "a", "(anonymous namespace)::g(int)", "/bin/a", "a 1\n" },	/* skipped */
		{ "a", "net/http.(*Client).Do", "/bin/a", "a;net/http.(*Client).Do 1\n" },
		{ "a", "x\"y'z", "/bin/a", "a;xyz 1\n" },
		{ "a", "f+0x10", "/bin/a", "a;f+0x10 1\n" },	/* a name, not an offset */
		{ "a", NULL, "/usr/lib/libc.so.6", "a;[libc.so.6] 1\n" },
		{ "a", NULL, "[kernel.kallsyms]", "a;[[kernel.kallsyms]] 1\n" },
		{ "a", NULL, NULL, "a;[unknown] 1\n" },
		{ "a", NULL, "/memfd:x (deleted)", "a;[unknown]  1\n" },
		{ "a", "f", "/memfd:x (deleted)", "a;f  1\n" },
		{ "java", "Lorg/foo/Bar;.baz(I)V", "/tmp/perf-1.map", "java;org/foo/Bar:.baz 1\n" },
		{ "jav", "Lorg/foo/Bar;.baz(I)V", "/tmp/perf-1.map", "jav;Lorg/foo/Bar:.baz 1\n" },
		{ "CPU 0/KVM", "schedule", "[guest.kernel.kallsyms]", "CPU_0/KVM;schedule 1\n" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct symtab tab;
		struct dso dso = { .long_name = (char *)cases[i].dso, .kind = DSO_USER };
		struct callchain_frame f = { .dso = cases[i].dso ? &dso : NULL, .addr = 0x1234 };
		struct flame fl = { 0 };
		char *got;

		symtab__init(&tab);
		if (cases[i].sym) {
			symtab__add(&tab, 0x1000, 0x100, STB_GLOBAL, STT_FUNC, cases[i].sym,
				    strlen(cases[i].sym));
			symtab__finish(&tab, false);
			f.sym = &tab.syms[0];
		}
		flame__add(&fl, cases[i].comm, &f, 1, 1);
		got = folded_of(&fl);
		CHECK_STR(got, cases[i].want);
		free(got);
		flame__exit(&fl);
		symtab__exit(&tab);
	}
}

/* Callee-first frames print outermost first; equal stacks add up, sorted. */
void test_folded_stacks(void)
{
	struct symtab tab;
	const struct symbol *leaf, *mid, *top;
	struct machine guest = { .flags = MACHINE_GUEST };
	struct dso host_dso = { .long_name = (char *)"/bin/a", .kind = DSO_USER };
	struct dso guest_dso = { .long_name = (char *)"[guest.kernel.kallsyms]", .kind = DSO_KERNEL,
				 .machine = &guest };
	struct callchain_frame one[3], two[2], three[2];
	struct flame fl = { 0 };
	char *got;

	unit_symtab_funcs(&tab, (const char *const[]){ "leaf", "mid", "main" }, 3);
	leaf = symtab__find(&tab, 0x100);
	mid = symtab__find(&tab, 0x200);
	top = symtab__find(&tab, 0x300);
	one[0] = (struct callchain_frame){ .dso = &host_dso, .sym = leaf };
	one[1] = (struct callchain_frame){ .dso = &host_dso, .sym = mid };
	one[2] = (struct callchain_frame){ .dso = &host_dso, .sym = top };
	two[0] = one[1];
	two[1] = one[2];
	/* The same name in guest code: another frame kind, the same text. */
	three[0] = (struct callchain_frame){ .dso = &guest_dso, .sym = mid };
	three[1] = one[2];

	flame__add(&fl, "b", one, 3, 1);
	flame__add(&fl, "a", two, 2, 1);
	flame__add(&fl, "b", one, 3, 1);
	flame__add(&fl, "a", three, 2, 1);
	flame__add(&fl, "a", NULL, 0, 1);
	got = folded_of(&fl);
	CHECK_STR(got, "a 1\na;main;mid 2\nb;main;mid;leaf 2\n");
	CHECK(frame__kind(&three[0]) == FRAME_GUEST_KERNEL);
	CHECK(frame__kind(&one[0]) == FRAME_HOST_USER);
	CHECK(fl.root.total == 5);
	free(got);
	flame__exit(&fl);
	symtab__exit(&tab);
}
