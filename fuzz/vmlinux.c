// SPDX-License-Identifier: GPL-2.0
/*
 * A vmlinux: a guest's (--guestvmlinux), loaded and laid out as the kernel;
 * the host's (--vmlinux), loaded with its sections and laid out where a
 * recorded _text puts it.
 */
#include "fuzz/fuzz.h"
#include "util/data.h"
#include "util/err.h"
#include "util/kernel.h"
#include "util/machine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct machines m;
	struct err err;
	char path[64];
	int fd = fuzz_file(data, size, path, sizeof(path));
	struct perf_data *d;

	if (fd < 0)
		return 0;
	d = perf_data__new_live("fuzz");	/* a report always has its data */
	machines__init(&m, d);
	if (!machines__setup_guests(&m, NULL, NULL, path, NULL, &err))
		machines__load_guest_symbols(&m, &err);
	machines__exit(&m);
	machines__init(&m, d);
	if (!machines__set_host_kernel(&m, NULL, path, &err)) {
		m.host.text_recorded = 0xffffffff9f000000ull;
		m.host.has_text_recorded = true;
		machine__vmlinux_layout(&m.host);
	}
	machines__exit(&m);
	perf_data__delete(d);
	close(fd);
	return 0;
}
