// SPDX-License-Identifier: GPL-2.0
/* Kernel module (.ko) loading: sections laid out as the kernel would. */
#include "fuzz/fuzz.h"
#include "symbols/kmod.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_image img;
	struct err err;
	char path[64];
	int fd = fuzz_file(data, size, path, sizeof(path));

	if (fd < 0)
		return 0;
	if (!kmod__load(&img, path, 0xffffffffc0000000ull, &err)) {
		if (img.tab.nr)
			symtab__find(&img.tab, img.tab.syms[img.tab.nr - 1].start);
		elf_image__exit(&img);
	}
	close(fd);
	return 0;
}
