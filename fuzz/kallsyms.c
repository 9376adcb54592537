// SPDX-License-Identifier: GPL-2.0
/*
 * The kallsyms parser, and lookups in what it built: parsed in memory,
 * then loaded from a file as report loads one (names read back when found,
 * the table packed), and looked up by index and by address.
 */
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz/fuzz.h"
#include "symbols/kallsyms.h"
#include "util/err.h"

static void load_from_file(const uint8_t *data, size_t size)
{
	struct kallsyms ks;
	struct err err;
	char path[64];
	size_t i, done = 0, step;
	int fd = memfd_create("kallsyms", 0);

	if (fd < 0)
		return;
	while (done < size) {
		ssize_t n = write(fd, data + done, size - done);

		if (n <= 0)
			goto out;
		done += (size_t)n;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (kallsyms__load(&ks, path, &err))
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
