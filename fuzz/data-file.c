// SPDX-License-Identifier: GPL-2.0
/* The data reader in file mode (mapped), through a whole report. */
#include "fuzz/fuzz-session.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_report_sort = (int)(size % 3);
	fuzz_data_file(data, size, fuzz_report);
	return 0;
}
