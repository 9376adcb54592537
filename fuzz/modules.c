// SPDX-License-Identifier: GPL-2.0
/* The /proc/modules parser. */
#include "fuzz/fuzz.h"
#include "symbols/kallsyms.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kmodule *mods = NULL;
	size_t nr = 0;
	struct err err;

	if (!modules__parse((const char *)data, size, "fuzz", &mods, &nr, &err))
		modules__free(mods, nr);
	return 0;
}
