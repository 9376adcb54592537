/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_SYMBOLS_ELF_H
#define PMUKVM_SYMBOLS_ELF_H

#include "symbols/symtab.h"

struct err;

#define BUILD_ID_SIZE 20

/** struct elf_segment - a PT_LOAD: how file offsets map to addresses. */
struct elf_segment {
	u64 offset, vaddr, filesz;
};

/** struct elf_image - what a DSO's symbols need from its ELF files. */
struct elf_image {
	struct symtab tab;		/* addresses are ELF virtual addresses */
	struct elf_segment *segs;
	size_t nr_segs;
	u16 e_type;
	bool has_symtab;		/* symbols came from a .symtab */
	u32 sharers;			/* DSOs beside the first one that use it (util/dso.c) */
};

/**
 * elf__read_build_id - the GNU build-id note of @path (or of @buf/@len
 * when @path is NULL). Returns its size (1..20) with the bytes in @bid,
 * 0 when there is none, or a negative errno.
 */
int elf__read_build_id(const char *path, const void *buf, size_t len, u8 bid[BUILD_ID_SIZE]);

/**
 * elf__has_symtab - 1 if @path is an ELF file with a .symtab, 0 if not,
 * negative errno if it cannot be read.
 */
int elf__has_symtab(const char *path);

/**
 * elf__load - loads function and object symbols.
 * @symfile: where symbols come from (.symtab, else .dynsym): the binary
 *   itself or its separate debug file.
 * @runtime: the binary as mapped (program headers, .dynsym and PLT); may
 *   equal @symfile. When @runtime is NULL, @buf/@len hold it in memory
 *   (the vDSO), and @symfile must be NULL too.
 * PLT entries get "name@plt" symbols. Returns 0 or a negative errno with a
 * message in @err. On success the caller owns img (elf_image__exit).
 */
int elf__load(struct elf_image *img, const char *symfile, const char *runtime,
	      const void *buf, size_t len, struct err *err);
void elf_image__exit(struct elf_image *img);

/** struct elf_section - an allocated, executable section of a kernel image. */
struct elf_section {
	char name[32];		/* ".text", ".init.text"... (cut to fit) */
	u64 addr, size;
};

/**
 * elf__exec_sections - the allocated executable sections of @path (a
 * vmlinux), in file order: *@secs (an array the caller frees) and *@nr.
 * Returns 0, or a negative errno with a message in @err.
 */
int elf__exec_sections(const char *path, struct elf_section **secs, size_t *nr,
		       struct err *err);

/** elf_image__offset_to_vaddr - maps a file offset to the ELF address. */
bool elf_image__offset_to_vaddr(const struct elf_image *img, u64 off, u64 *vaddr);

#endif
