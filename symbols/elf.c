// SPDX-License-Identifier: GPL-2.0
/* ELF symbols, program headers and build-ids, through libelf. */
#include "symbols/elf.h"

#include "symbols/demangle.h"
#include "util/err.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void elf_lib_init(void)
{
	static bool done;

	if (!done) {
		elf_version(EV_CURRENT);
		done = true;
	}
}

struct elf_handle {
	int fd;
	Elf *elf;
};

static int handle_open(struct elf_handle *h, const char *path, const void *buf, size_t len)
{
	elf_lib_init();
	h->fd = -1;
	if (path) {
		h->fd = file__open_regular(path, 0);
		if (h->fd < 0)
			return h->fd;
		/*
		 * Read, not mapped: libelf reads the sections asked for (the
		 * symbols and their names, a note) into memory freed at
		 * elf_end. A mapped file's pages count in 64 KiB runs around
		 * each page touched (the kernel maps the page cache's
		 * neighbours in at a fault): 276 kB of /usr/bin/bash, whose
		 * .dynsym and .dynstr are 100 kB.
		 */
		h->elf = elf_begin(h->fd, ELF_C_READ, NULL);
	} else {
		h->elf = elf_memory((char *)buf, len);
	}
	if (!h->elf || elf_kind(h->elf) != ELF_K_ELF) {
		if (h->elf)
			elf_end(h->elf);
		if (h->fd >= 0)
			close(h->fd);
		h->elf = NULL;
		return -ENOEXEC;
	}
	return 0;
}

static void handle_close(struct elf_handle *h)
{
	if (h->elf)
		elf_end(h->elf);
	if (h->fd >= 0)
		close(h->fd);
}

static Elf_Scn *find_section(Elf *elf, const char *name, GElf_Shdr *shdr, size_t *idx)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;

	if (elf_getshdrstrndx(elf, &shstrndx))
		return NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		const char *n;

		if (!gelf_getshdr(scn, shdr))
			continue;
		n = elf_strptr(elf, shstrndx, shdr->sh_name);
		if (n && !strcmp(n, name)) {
			if (idx)
				*idx = elf_ndxscn(scn);
			return scn;
		}
	}
	return NULL;
}

static Elf_Scn *find_section_type(Elf *elf, Elf64_Word type, GElf_Shdr *shdr)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn)))
		if (gelf_getshdr(scn, shdr) && shdr->sh_type == type)
			return scn;
	return NULL;
}

static int build_id_from_elf(Elf *elf, u8 bid[BUILD_ID_SIZE])
{
	Elf_Scn *scn = NULL;
	GElf_Shdr shdr;

	while ((scn = elf_nextscn(elf, scn))) {
		Elf_Data *data;
		GElf_Nhdr nhdr;
		size_t off = 0, name_off, desc_off;

		if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_NOTE)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data)
			continue;
		while ((off = gelf_getnote(data, off, &nhdr, &name_off, &desc_off)) > 0) {
			if (nhdr.n_type == NT_GNU_BUILD_ID && nhdr.n_namesz == 4 &&
			    !memcmp((char *)data->d_buf + name_off, "GNU", 4)) {
				size_t n = nhdr.n_descsz > BUILD_ID_SIZE ? BUILD_ID_SIZE : nhdr.n_descsz;

				memset(bid, 0, BUILD_ID_SIZE);
				memcpy(bid, (char *)data->d_buf + desc_off, n);
				return (int)n;
			}
		}
	}
	return 0;
}

int elf__read_build_id(const char *path, const void *buf, size_t len, u8 bid[BUILD_ID_SIZE])
{
	struct elf_handle h;
	int ret = handle_open(&h, path, buf, len);

	if (ret)
		return ret;
	ret = build_id_from_elf(h.elf, bid);
	handle_close(&h);
	return ret;
}

int elf__has_symtab(const char *path)
{
	struct elf_handle h;
	GElf_Shdr shdr;
	int ret = handle_open(&h, path, NULL, 0);

	if (ret)
		return ret;
	ret = find_section_type(h.elf, SHT_SYMTAB, &shdr) != NULL;
	handle_close(&h);
	return ret;
}

static bool is_text_section(Elf *elf, const GElf_Shdr *shdr)
{
	size_t shstrndx;
	const char *n;

	if (elf_getshdrstrndx(elf, &shstrndx))
		return false;
	n = elf_strptr(elf, shstrndx, shdr->sh_name);
	return n && strstr(n, ".text");
}

/* Adds the functions, objects and text labels of one symbol table. */
static void load_symbols(struct elf_image *img, Elf *elf, Elf_Scn *scn, const GElf_Shdr *shdr)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t i, nr;

	if (!data || !shdr->sh_entsize)
		return;
	nr = shdr->sh_size / shdr->sh_entsize;
	/*
	 * Room for them all and their names (the string table's size, up to
	 * 64 MiB) at once: as many symbols as the data read holds.
	 */
	{
		Elf_Scn *str = elf_getscn(elf, shdr->sh_link);
		GElf_Shdr strh;
		size_t have = data->d_size / shdr->sh_entsize;

		symtab__reserve(&img->tab, img->tab.nr + (nr < have ? nr : have),
				img->tab.names_used + (str && gelf_getshdr(str, &strh) &&
						       strh.sh_size < (64u << 20) ? strh.sh_size : 0));
	}
	for (i = 0; i < nr; i++) {
		GElf_Sym sym;
		const char *name;
		char *dm;
		int type;
		bool keep;

		if (!gelf_getsym(data, (int)i, &sym))
			continue;
		/*
		 * Absolute symbols (version definitions such as LINUX_2.6 or
		 * GCC_4.7.0, OBJECTs at 0) name no code: perf leaves them out,
		 * so addresses below a library's first function stay unnamed.
		 */
		if (!sym.st_name || sym.st_shndx == SHN_UNDEF || sym.st_shndx == SHN_ABS)
			continue;
		type = GELF_ST_TYPE(sym.st_info);
		keep = type == STT_FUNC || type == STT_GNU_IFUNC || type == STT_OBJECT;
		if (!keep && type == STT_NOTYPE && sym.st_shndx != SHN_ABS &&
		    sym.st_shndx < SHN_LORESERVE &&
		    GELF_ST_VISIBILITY(sym.st_other) != STV_HIDDEN &&
		    GELF_ST_VISIBILITY(sym.st_other) != STV_INTERNAL) {
			Elf_Scn *sec = elf_getscn(elf, sym.st_shndx);
			GElf_Shdr sh;

			keep = sec && gelf_getshdr(sec, &sh) && is_text_section(elf, &sh);
		}
		if (!keep)
			continue;
		name = elf_strptr(elf, shdr->sh_link, sym.st_name);
		if (!name || !*name)
			continue;
		dm = demangle(name, false);
		if (dm)
			name = dm;
		symtab__add(&img->tab, sym.st_value, sym.st_size, GELF_ST_BIND(sym.st_info),
			    (u8)type, name, strlen(name));
		free(dm);
	}
}

/* "name@plt" for each .rela.plt entry, in .plt order after its header entry. */
static void synthesize_plt(struct elf_image *img, Elf *elf)
{
	GElf_Shdr rel_shdr, plt_shdr, dynsym_shdr;
	Elf_Scn *rel, *plt, *dynsym;
	Elf_Data *rel_data, *sym_data;
	size_t dynsym_idx = 0, i, nr;
	u64 entsize, addr;
	bool rela = true;

	dynsym = find_section(elf, ".dynsym", &dynsym_shdr, &dynsym_idx);
	if (!dynsym)
		return;
	rel = find_section(elf, ".rela.plt", &rel_shdr, NULL);
	if (!rel) {
		rel = find_section(elf, ".rel.plt", &rel_shdr, NULL);
		rela = false;
	}
	if (!rel || rel_shdr.sh_link != dynsym_idx || !rel_shdr.sh_entsize)
		return;
	plt = find_section(elf, ".plt", &plt_shdr, NULL);
	if (!plt)
		return;
	entsize = plt_shdr.sh_entsize;
	if (!entsize)
		return;
	rel_data = elf_getdata(rel, NULL);
	sym_data = elf_getdata(dynsym, NULL);
	if (!rel_data || !sym_data)
		return;
	nr = rel_shdr.sh_size / rel_shdr.sh_entsize;
	addr = plt_shdr.sh_addr + entsize;	/* skip the header entry */
	for (i = 0; i < nr; i++, addr += entsize) {
		GElf_Sym sym;
		size_t symidx;
		const char *name;
		char *dm, buf[600];

		if (rela) {
			GElf_Rela r;

			if (!gelf_getrela(rel_data, (int)i, &r))
				continue;
			symidx = GELF_R_SYM(r.r_info);
		} else {
			GElf_Rel r;

			if (!gelf_getrel(rel_data, (int)i, &r))
				continue;
			symidx = GELF_R_SYM(r.r_info);
		}
		if (!gelf_getsym(sym_data, (int)symidx, &sym))
			continue;
		name = elf_strptr(elf, dynsym_shdr.sh_link, sym.st_name);
		if (!name)
			continue;
		dm = demangle(name, false);
		snprintf(buf, sizeof(buf), "%s@plt", dm ? dm : name);
		free(dm);
		symtab__add(&img->tab, addr, entsize, STB_GLOBAL, STT_FUNC, buf, strlen(buf));
	}
}

static int read_segments(struct elf_image *img, Elf *elf)
{
	size_t phnum, i;

	if (elf_getphdrnum(elf, &phnum))
		return -ENOEXEC;
	for (i = 0; i < phnum; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		img->segs = xrealloc(img->segs, (img->nr_segs + 1) * sizeof(*img->segs));
		img->segs[img->nr_segs].offset = ph.p_offset;
		img->segs[img->nr_segs].vaddr = ph.p_vaddr;
		img->segs[img->nr_segs].filesz = ph.p_filesz;
		img->nr_segs++;
	}
	return 0;
}

int elf__load(struct elf_image *img, const char *symfile, const char *runtime,
	      const void *buf, size_t len, struct err *err)
{
	struct elf_handle rt, sf;
	GElf_Ehdr ehdr;
	GElf_Shdr shdr;
	Elf_Scn *scn;
	bool same = !symfile || (runtime && !strcmp(symfile, runtime));
	int ret;

	memset(img, 0, sizeof(*img));
	symtab__init(&img->tab);
	ret = handle_open(&rt, runtime, buf, len);
	if (ret) {
		return err__set(err, ret, "cannot read ELF file '%s': %s",
				runtime ? runtime : "[memory]", ret == -ENOEXEC ? "not an ELF file" :
				file__strerror(ret));
	}
	if (!gelf_getehdr(rt.elf, &ehdr)) {
		err__set(err, -ENOEXEC, "'%s': bad ELF header", runtime ? runtime : "[memory]");
		handle_close(&rt);
		return -ENOEXEC;
	}
	img->e_type = ehdr.e_type;
	read_segments(img, rt.elf);
	sf = rt;
	if (!same) {
		ret = handle_open(&sf, symfile, NULL, 0);
		if (ret)
			sf = rt, same = true;
	}
	scn = find_section_type(sf.elf, SHT_SYMTAB, &shdr);
	if (scn) {
		img->has_symtab = true;
		load_symbols(img, sf.elf, scn, &shdr);
	} else {
		scn = find_section_type(rt.elf, SHT_DYNSYM, &shdr);
		if (scn)
			load_symbols(img, rt.elf, scn, &shdr);
	}
	synthesize_plt(img, rt.elf);
	symtab__finish(&img->tab, false);
	if (!same)
		handle_close(&sf);
	handle_close(&rt);
	return 0;
}

int elf__exec_sections(const char *path, struct elf_section **secs, size_t *nr,
		       struct err *err)
{
	struct elf_handle h;
	Elf_Scn *scn = NULL;
	GElf_Shdr shdr;
	size_t shstrndx, alloc = 0;
	int ret = handle_open(&h, path, NULL, 0);

	*secs = NULL;
	*nr = 0;
	if (ret)
		return err__set(err, ret, "%s: %s", path, ret == -ENOEXEC ? "not an ELF file" :
				file__strerror(ret));
	if (elf_getshdrstrndx(h.elf, &shstrndx)) {
		handle_close(&h);
		return err__set(err, -EINVAL, "%s: no section names", path);
	}
	while ((scn = elf_nextscn(h.elf, scn))) {
		const char *name;

		if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_PROGBITS ||
		    (shdr.sh_flags & (SHF_ALLOC | SHF_EXECINSTR)) != (SHF_ALLOC | SHF_EXECINSTR) ||
		    !shdr.sh_size)
			continue;
		name = elf_strptr(h.elf, shstrndx, shdr.sh_name);
		ALLOC_GROW(*secs, *nr + 1, alloc);
		str_copy((*secs)[*nr].name, name ? name : "", sizeof((*secs)[*nr].name));
		(*secs)[*nr].addr = shdr.sh_addr;
		(*secs)[(*nr)++].size = shdr.sh_size;
	}
	handle_close(&h);
	return 0;
}

void elf_image__exit(struct elf_image *img)
{
	symtab__exit(&img->tab);
	free(img->segs);
	memset(img, 0, sizeof(*img));
}

bool elf_image__offset_to_vaddr(const struct elf_image *img, u64 off, u64 *vaddr)
{
	size_t i;

	for (i = 0; i < img->nr_segs; i++) {
		const struct elf_segment *s = &img->segs[i];

		if (off >= s->offset && off < s->offset + s->filesz) {
			*vaddr = off - s->offset + s->vaddr;
			return true;
		}
	}
	return false;
}
