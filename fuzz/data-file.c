// SPDX-License-Identifier: GPL-2.0
/* The data reader in file mode (mapped), through a whole report. */
#include "fuzz/fuzz-session.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct perf_data *d;
	struct err err;
	char path[64];
	int fd = fuzz_file(data, size, path, sizeof(path));

	if (fd < 0)
		return 0;
	d = perf_data__open(path, &err);
	if (d) {
		fuzz_report(d);
		perf_data__delete(d);
	}
	close(fd);
	return 0;
}
