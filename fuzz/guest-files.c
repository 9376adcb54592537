// SPDX-License-Identifier: GPL-2.0
/*
 * Guest symbol files carried in a data file (feature 200): the entries
 * are split into guests, and each guest's kallsyms and modules are
 * unpacked and loaded.
 */
#include "fuzz/fuzz.h"
#include "util/data.h"
#include "util/err.h"
#include "util/machine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct perf_data *d = perf_data__new_live("fuzz");
	struct machines m;
	struct err err;

	d->info.guest_files = xmalloc(size ? size : 1);
	memcpy(d->info.guest_files, data, size);
	d->info.guest_files_size = size;
	machines__init(&m, d);
	if (!machines__setup_guests(&m, NULL, NULL, NULL, NULL, &err))
		machines__load_guest_symbols(&m, &err);
	machines__exit(&m);
	perf_data__delete(d);
	return 0;
}
