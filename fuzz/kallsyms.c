// SPDX-License-Identifier: GPL-2.0
/* The kallsyms parser, and lookups in what it built. */
#include "fuzz/fuzz.h"
#include "symbols/kallsyms.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kallsyms ks;
	struct err err;
	size_t i;

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
