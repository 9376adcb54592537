// SPDX-License-Identifier: GPL-2.0
/*
 * ELF symbol loading from memory (the vDSO's path) and from a file
 * (a user DSO: symbols and program headers from the same file), with the
 * build-id note reader.
 */
#include "fuzz/fuzz.h"
#include "symbols/elf.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_image img;
	u8 bid[BUILD_ID_SIZE];
	struct err err;
	char path[64];
	u64 vaddr;
	int fd;

	elf__read_build_id(NULL, data, size, bid);
	if (!elf__load(&img, NULL, NULL, data, size, &err)) {
		elf_image__offset_to_vaddr(&img, 0x1000, &vaddr);
		if (img.tab.nr)
			symtab__find(&img.tab, img.tab.syms[0].start);
		elf_image__exit(&img);
	}
	fd = fuzz_file(data, size, path, sizeof(path));
	if (fd < 0)
		return 0;
	elf__has_symtab(path);
	if (!elf__load(&img, path, path, NULL, 0, &err))
		elf_image__exit(&img);
	close(fd);
	return 0;
}
