// SPDX-License-Identifier: GPL-2.0
/*
 * The kallsyms parser, and lookups in what it built: parsed in memory,
 * then loaded from a file as report loads one (names read back when found,
 * the table packed), whole and in two halves (which must agree), and
 * looked up by index and by address.
 */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz/fuzz.h"
#include "symbols/kallsyms.h"
#include "util/err.h"

/*
 * The split parse (two halves on two threads, joined in one room) against
 * one parse of the whole: the same table or the same error, or a trap.
 */
static void split_same(const char *path, const struct kallsyms *a, int ra, const struct err *ea)
{
	struct kallsyms b;
	struct err eb;
	size_t saved = kallsyms_split_min, i;
	int rb;

	kallsyms_split_min = 1;
	rb = kallsyms__load(&b, path, &eb);
	kallsyms_split_min = saved;
	if (ra != rb || (ra && strcmp(ea->msg, eb.msg)))
		__builtin_trap();
	if (ra)
		return;
	if (a->tab.nr != b.tab.nr || a->nr_modnames != b.nr_modnames ||
	    a->has_text != b.has_text || a->text != b.text)
		__builtin_trap();
	for (i = 0; i < a->nr_modnames; i++)
		if (strcmp(a->modnames[i], b.modnames[i]))
			__builtin_trap();
	for (i = 0; i < a->tab.nr; i++) {
		const struct symbol *x = symtab__sym(&a->tab, i), *y = symtab__sym(&b.tab, i);

		if (x->start != y->start || symtab__end_of(&a->tab, i) != symtab__end_of(&b.tab, i) ||
		    symtab__owner_of(&a->tab, i) != symtab__owner_of(&b.tab, i) ||
		    (x->info & SYM_FLAGS) != (y->info & SYM_FLAGS) ||
		    strcmp(symbol__name(x), symbol__name(y)))
			__builtin_trap();
	}
	kallsyms__exit(&b);
}

static void load_from_file(const uint8_t *data, size_t size)
{
	struct kallsyms ks;
	struct err err;
	char path[64];
	size_t i, done = 0, step, saved = kallsyms_split_min;
	int fd = memfd_create("kallsyms", 0), ret;

	if (fd < 0)
		return;
	while (done < size) {
		ssize_t n = write(fd, data + done, size - done);

		if (n <= 0)
			goto out;
		done += (size_t)n;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	kallsyms_split_min = SIZE_MAX;
	ret = kallsyms__load(&ks, path, &err);
	kallsyms_split_min = saved;
	split_same(path, &ks, ret, &err);
	if (ret)
		goto out;
	/* The first symbols, then every step-th: groups, wide ones and exceptions. */
	step = ks.tab.nr / 64 + 1;
	for (i = 0; i < ks.tab.nr; i += i < 64 ? 1 : step) {
		u64 start = symtab__start(&ks.tab, i);
		const struct symbol *s = symtab__find(&ks.tab, start);

		symtab__find(&ks.tab, symtab__end_of(&ks.tab, i));
		symtab__owner_of(&ks.tab, i);
		if (s)
			symbol__name(s);
		symbol__name(symtab__sym(&ks.tab, i));
	}
	kallsyms__exit(&ks);
out:
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kallsyms ks;
	struct err err;
	size_t i;

	load_from_file(data, size);
	if (kallsyms__parse(&ks, (const char *)data, size, "fuzz", &err))
		return 0;
	for (i = 0; i < ks.tab.nr && i < 64; i++) {
		const struct symbol *s = &ks.tab.syms[i];

		symtab__find(&ks.tab, s->start);
		symtab__find(&ks.tab, symbol__end(&ks.tab, s));
		symtab__find_name(&ks.tab, symbol__name(s));
		symbol__owner(&ks.tab, s);
	}
	symtab__find(&ks.tab, ks.text);
	kallsyms__module_owner(&ks, "kvm");
	kallsyms__exit(&ks);
	return 0;
}
