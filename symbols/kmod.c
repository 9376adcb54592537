// SPDX-License-Identifier: GPL-2.0
/* Kernel module files (.ko, .ko.gz): symbols at their loaded addresses. */
#include "symbols/kmod.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "symbols/demangle.h"
#include "util/err.h"

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

/* The whole file, gunzipped when it ends in .gz. */
static int read_module(const char *path, char **buf, size_t *len)
{
	if (ends_with(path, ".ko") || ends_with(path, ".ko.gz"))
		return read_file_maybe_gz(path, KMOD_MAX_BYTES, buf, len);
	return -ENOTSUP;
}

int kmod__load(struct elf_image *img, const char *path, u64 base, struct err *err)
{
	Elf *elf;
	GElf_Ehdr ehdr;
	Elf_Scn *scn = NULL;
	size_t shstrndx, nsec, i;
	u64 *addr = NULL, size = 0;
	char *buf;
	size_t len;
	int ret;

	memset(img, 0, sizeof(*img));
	symtab__init(&img->tab);
	ret = read_module(path, &buf, &len);
	if (ret) {
		return err__set(err, ret, "cannot read module '%s': %s", path,
				ret == -ENOTSUP ? "only .ko and .ko.gz are read" :
				file__strerror(ret));
	}
	elf_version(EV_CURRENT);
	elf = elf_memory(buf, len);
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &ehdr) ||
	    ehdr.e_type != ET_REL || elf_getshdrnum(elf, &nsec) || elf_getshdrstrndx(elf, &shstrndx)) {
		ret = err__set(err, -ENOEXEC, "'%s' is not a kernel module (relocatable ELF)",
			       path);
		goto out;
	}
	/* Where each core text section lands, as the kernel lays it out. */
	addr = xcalloc(nsec ? nsec : 1, sizeof(*addr));
	for (i = 0; i < nsec; i++) {
		GElf_Shdr sh;
		const char *name;
		u64 align;

		scn = elf_getscn(elf, i);
		if (!scn || !gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if ((sh.sh_flags & (SHF_EXECINSTR | SHF_ALLOC)) != (SHF_EXECINSTR | SHF_ALLOC) ||
		    !name || !strncmp(name, ".init", 5))
			continue;
		align = sh.sh_addralign ? sh.sh_addralign : 1;
		if (align & (align - 1) || align > (1u << 20))
			continue;
		size = PERF_ALIGN(size, align);
		addr[i] = base + size;
		size += sh.sh_size;
	}
	scn = NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		size_t n, k;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || !sh.sh_entsize)
			continue;
		data = elf_getdata(scn, NULL);
		n = data ? sh.sh_size / sh.sh_entsize : 0;
		for (k = 0; k < n; k++) {
			GElf_Sym sym;
			const char *name;
			char *dm;

			if (!gelf_getsym(data, (int)k, &sym) || GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
			    sym.st_shndx == SHN_UNDEF || sym.st_shndx >= nsec || !addr[sym.st_shndx])
				continue;
			name = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (!name || !*name)
				continue;
			dm = demangle(name, true);
			symtab__add(&img->tab, addr[sym.st_shndx] + sym.st_value, sym.st_size,
				    GELF_ST_BIND(sym.st_info), STT_FUNC, dm ? dm : name,
				    strlen(dm ? dm : name));
			free(dm);
		}
	}
	symtab__finish(&img->tab, false);
	ret = 0;
out:
	if (elf)
		elf_end(elf);
	free(addr);
	free(buf);
	return ret;
}

/* nftw has no context argument: the search runs one at a time. */
static const char *find_name;
static char *find_result;
static size_t find_visited;

static bool same_module_name(const char *file, const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < n; i++) {
		char a = file[i] == '-' ? '_' : file[i];
		char b = name[i] == '-' ? '_' : name[i];

		if (!file[i] || a != b)
			return false;
	}
	return !strcmp(file + n, ".ko") || !strcmp(file + n, ".ko.gz");
}

static int find_cb(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	if (++find_visited > 200000)
		return 1;	/* an absurd tree: stop looking */
	/* FTW_PHYS: st is the entry's own, links and FIFOs are not modules. */
	if (type == FTW_F && S_ISREG(st->st_mode) &&
	    same_module_name(path + ftw->base, find_name)) {
		find_result = xstrdup(path);
		return 1;
	}
	return 0;
}

char *kmod__find(const char *root, const char *name)
{
	int err;
	char *dir = guest_tree__resolve(root, "lib/modules", &err);

	if (!dir)
		return NULL;
	find_name = name;
	find_result = NULL;
	find_visited = 0;
	nftw(dir, find_cb, 16, FTW_PHYS);
	free(dir);
	return find_result;
}
