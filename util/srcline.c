// SPDX-License-Identifier: GPL-2.0
/* The srcline sort key: source file and line of a sample's address (libdw). */
#include "util/srcline.h"

#include <elf.h>
#include <elfutils/libdwfl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pmukvm-sonames.h"
#include "symbols/elf.h"
#include "symbols/symtab.h"
#include "util/dlib.h"

/*
 * libdw, opened on the first DSO whose lines are asked for (util/dlib.h):
 * only the srcline key needs it, and with it liblzma and libbz2.
 */
#define DW_SYMS(X)                                                                 \
	X(dwfl_begin) X(dwfl_end) X(dwfl_line_comp_dir) X(dwfl_lineinfo)              \
	X(dwfl_module_getdwarf)                                                        \
	X(dwfl_module_getelf) X(dwfl_module_getsrc) X(dwfl_offline_section_address)   \
	X(dwfl_report_end) X(dwfl_report_offline) X(dwfl_standard_find_debuginfo)

static struct {
	DW_SYMS(DLIB_PTR)
} dw;

static char *debuginfo_path = NULL;
static Dwfl_Callbacks offline_callbacks = {
	.debuginfo_path = &debuginfo_path,
};

static int dw_bind(struct dlib *lib)
{
#define X(name) DLIB_BIND(&dw, lib, name)
	DW_SYMS(X)
#undef X
	offline_callbacks.find_debuginfo = dw.dwfl_standard_find_debuginfo;
	offline_callbacks.section_address = dw.dwfl_offline_section_address;
	return 0;
}

static struct dlib dw_lib = DLIB_INIT(DW_SONAME, "source lines", dw_bind);

/* One DSO's DWARF: opened once, on its first sample. */
struct srcline_dso {
	const struct dso *dso;
	Dwfl *dwfl;		/* NULL: no line information */
	Dwfl_Module *mod;
	struct srcline_dso *next;
};

struct srcline_slot {
	const struct dso *dso;
	u64 addr;
	const char *text;	/* NULL: empty slot */
};

#define DSO_BUCKETS 64

struct srcline_cache {
	struct str_set strs;
	struct srcline_dso *dsos[DSO_BUCKETS];
	struct srcline_slot *slots;	/* (dso, address) -> text, open addressing */
	size_t nr_slots, used;
};

bool srcline_full_path;

struct srcline_cache *srcline_cache__new(void)
{
	return xzalloc(sizeof(struct srcline_cache));
}

void srcline_cache__delete(struct srcline_cache *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < DSO_BUCKETS; i++) {
		struct srcline_dso *d = c->dsos[i], *n;

		for (; d; d = n) {
			n = d->next;
			if (d->dwfl)
				dw.dwfl_end(d->dwfl);
			free(d);
		}
	}
	free(c->slots);
	str_set__exit(&c->strs);
	free(c);
}

static const char *intern(struct srcline_cache *c, const char *s)
{
	u32 n = str_set__add(&c->strs, s);	/* may move strs: index after */

	return c->strs.strs[n];
}

/* The file with the DSO's line table: its /usr/lib/debug copy, else itself. */
static void srcline_dso__open(struct srcline_dso *d)
{
	const struct dso *dso = d->dso;
	char *debug = NULL;
	const char *path = dso__data_path(dso);
	Dwarf_Addr bias;

	if (dso->kind != DSO_USER || !path || dso->untrusted)
		return;
	if (dlib__load_or_warn(&dw_lib, "no source lines are read"))
		return;
	debug = dso__debug_file(dso);
	if (debug)
		path = debug;
	d->dwfl = dw.dwfl_begin(&offline_callbacks);
	if (!d->dwfl)
		goto out;
	d->mod = dw.dwfl_report_offline(d->dwfl, dso->short_name, path, -1);
	dw.dwfl_report_end(d->dwfl, NULL, NULL);
	if (!d->mod || !dw.dwfl_module_getdwarf(d->mod, &bias)) {
		dw.dwfl_end(d->dwfl);
		d->dwfl = NULL;
		d->mod = NULL;
	}
out:
	free(debug);
}

static struct srcline_dso *srcline_dso__find(struct srcline_cache *c, const struct dso *dso)
{
	size_t b = ((uintptr_t)dso >> 4) % DSO_BUCKETS;
	struct srcline_dso *d;

	for (d = c->dsos[b]; d; d = d->next)
		if (d->dso == dso)
			return d;
	d = xzalloc(sizeof(*d));
	d->dso = dso;
	d->next = c->dsos[b];
	c->dsos[b] = d;
	srcline_dso__open(d);
	return d;
}

/* "file:line" for @vaddr (an address of the ELF file), or NULL. */
static const char *dwarf_srcline(struct srcline_cache *c, struct srcline_dso *d, u64 vaddr)
{
	Dwarf_Addr bias, a;
	Dwfl_Line *line;
	const char *file, *base;
	int lineno = 0;
	char buf[1024];

	if (!d->dwfl || !dw.dwfl_module_getelf(d->mod, &bias))
		return NULL;
	line = dw.dwfl_module_getsrc(d->mod, vaddr + bias);
	if (!line)
		return NULL;
	file = dw.dwfl_lineinfo(line, &a, &lineno, NULL, NULL, NULL);
	if (!file || !*file)
		return NULL;
	if (srcline_full_path) {
		/* A name relative to its unit's directory is joined to it, as addr2line does. */
		const char *dir = file[0] != '/' ? dw.dwfl_line_comp_dir(line) : NULL;

		snprintf(buf, sizeof(buf), "%s%s%s:%d", dir ? dir : "", dir ? "/" : "", file,
			 lineno);
		return intern(c, buf);
	}
	base = strrchr(file, '/');
	snprintf(buf, sizeof(buf), "%s:%d", base ? base + 1 : file, lineno);
	return intern(c, buf);
}

/*
 * Keyed (hash_bytes): addresses come from the file. A fixed multiplier's
 * middle bits ignore the address's high bits, so addresses that differ
 * only there would share one chain.
 */
static size_t slot_of(const struct srcline_cache *c, const struct dso *dso, u64 addr)
{
	const u64 k[2] = { (uintptr_t)dso, addr };

	return (size_t)hash_bytes(k, sizeof(k)) & (c->nr_slots - 1);
}

static void slots_grow(struct srcline_cache *c)
{
	struct srcline_slot *old = c->slots;
	size_t n = c->nr_slots, i;

	c->nr_slots = n ? 2 * n : 1024;
	c->slots = xcalloc(c->nr_slots, sizeof(*c->slots));
	for (i = 0; i < n; i++) {
		size_t j;

		if (!old[i].text)
			continue;
		j = slot_of(c, old[i].dso, old[i].addr);
		while (c->slots[j].text)
			j = (j + 1) & (c->nr_slots - 1);
		c->slots[j] = old[i];
	}
	free(old);
}

/*
 * Whether addr2line names a function at @vaddr: it takes the nearest
 * function symbol at or below it, whatever that symbol's size.
 */
static bool function_before(const struct dso *dso, u64 vaddr)
{
	const struct symtab *tab = dso->elf ? &dso->elf->tab : NULL;
	size_t lo = 0, hi = tab ? tab->nr : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (tab->syms[mid].start <= vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo-- > 0) {
		const struct symbol *sym = &tab->syms[lo];

		if (symbol__is_func(sym) && !strstr(symbol__name(sym), "@plt"))
			return true;
	}
	return false;
}

const char *srcline__get(struct srcline_cache *c, const struct addr_location *al)
{
	const struct dso *dso = al->dso;
	u64 addr = al->addr, vaddr;
	const char *text = NULL;
	char buf[1024];
	size_t j;

	if (!al->map || !dso)
		return intern(c, "??:0");
	if (2 * (c->used + 1) > c->nr_slots)
		slots_grow(c);
	j = slot_of(c, dso, addr);
	for (; c->slots[j].text; j = (j + 1) & (c->nr_slots - 1))
		if (c->slots[j].dso == dso && c->slots[j].addr == addr)
			return c->slots[j].text;
	/* al->addr: a user DSO's file offset, a kernel's address, a module's from its start. */
	vaddr = dso->kind == DSO_MODULE ? map__ip(al->map, addr) : addr;
	if ((dso->kind == DSO_USER || dso->kind == DSO_VDSO) && dso->elf &&
	    !elf_image__offset_to_vaddr(dso->elf, addr, &vaddr))
		vaddr = addr;
	if (dso->kind == DSO_USER)
		text = dwarf_srcline(c, srcline_dso__find(c, dso), vaddr);
	/*
	 * perf asks addr2line: where that names the function but finds no
	 * line it says "??:0"; where it names none (no symbol of the file's
	 * own there, as at a PLT entry), perf falls back to sym+offset.
	 */
	if (!text && dso->kind == DSO_USER &&
	    (al->sym ? !strstr(symbol__name(al->sym), "@plt") : function_before(dso, vaddr)))
		text = intern(c, "??:0");
	if (!text) {
		if (al->sym)
			snprintf(buf, sizeof(buf), "%s+%" PRIu64, symbol__name(al->sym),
				 vaddr - al->sym->start);
		else
			snprintf(buf, sizeof(buf), "%s[%" PRIx64 "]", map__dso_name(dso), vaddr);
		text = intern(c, buf);
	}
	c->slots[j] = (struct srcline_slot){ .dso = dso, .addr = addr, .text = text };
	c->used++;
	return text;
}
