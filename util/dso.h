/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_DSO_H
#define PMUKVM_DSO_H

/*
 * DSOs: what symbols come from, one per name and kind in each machine,
 * shared by every map of it. A DSO's symbols are loaded on first use;
 * its file bytes are read through dso__data_read().
 */
#include "util/util.h"

struct err;
struct elf_image;
struct machine;
struct machines;
struct symtab;

enum dso_kind {
	DSO_USER,		/* an ELF file mapped by a process */
	DSO_VDSO,
	DSO_ANON,		/* anonymous or special mappings: no symbols */
	DSO_JIT,		/* anonymous executable memory: /tmp/perf-PID.map */
	DSO_KERNEL,		/* a kernel's core: host or guest */
	DSO_MODULE,		/* a kernel module: host or guest */
	DSO_GUEST_USER,		/* all of a guest's user space, unresolved */
};

/*
 * What only some DSOs need (a file found for their bytes, a [vdso] image,
 * those bytes opened for reading, the unwinder's tables, a JIT map's
 * symbols): behind dso->more, made when first needed. A report of 20,000
 * DSOs with no file behind them makes none.
 */
struct dso_more {
	char *data_path;	/* the file with the recording's bytes, or: */
	void *data_buf;		/* [vdso]: this kernel's image, when it matches */
	size_t data_len;
	/* The bytes dso__data_read() reads: opened on first use. */
	bool tried;		/* opened, or failed to (err) */
	int err;
	int fd;			/* the file where it could not be mapped, or -1 and: */
	const u8 *buf;		/* the image: the file mapped, or data_buf */
	void *map;		/* our mapping of the file (munmap), or NULL */
	u64 size;
	struct dso_unwind *unwind;	/* util/unwind.c's, when it looked: plain memory */
	struct symtab *jit_syms;	/* DSO_JIT: the perf map's symbols, if any */
};

/**
 * struct dso - something symbols come from, shared by every map of it.
 * Small (80 bytes, from a slab): a file may name tens of thousands. The
 * names are not the DSO's: long_name is the machine's copy of it (its
 * dso_names set), short_name points into long_name or into that set. A
 * machine's DSOs are found through that set (machine__for_each_dso).
 */
struct dso {
	const char *long_name;	/* path, or "[kernel.kallsyms]" */
	const char *short_name;	/* what reports show */
	struct machine *machine;
	struct elf_image *elf;	/* DSO_USER, DSO_VDSO */
	struct dso_more *more;	/* NULL until needed (see struct dso_more) */
	struct dso *name_next;	/* same long_name, other kind */
	u32 name_hash;		/* of short_name: rows group by it */
	u8 build_id[20];	/* from the data file's BUILD_ID feature */
	u8 build_id_size;
	u8 kind;		/* enum dso_kind */
	bool loaded;		/* symbols looked for (found or not) */
	bool untrusted;		/* build-id differs from the recording */
	bool path_is_name;	/* the file with its bytes is long_name (no dso_more) */
	u16 owner;		/* DSO_MODULE: owner id in the machine's kallsyms */
};

/**
 * machine__for_each_dso - @dso over every DSO of @machine, in no order
 * that means anything (@i: a size_t of the caller's). Not for deleting.
 */
#define machine__for_each_dso(machine, i, dso)					\
	for ((i) = 0; (i) < (machine)->dso_names.nr; (i)++)			\
		for ((dso) = (machine)->dso_by_name[i]; (dso); (dso) = (dso)->name_next)

/** dso__unwind - util/unwind.c's tables for @dso, NULL before it looked. */
static inline struct dso_unwind *dso__unwind(const struct dso *dso)
{
	return dso->more ? dso->more->unwind : NULL;
}

/** dso__set_unwind - gives @dso util/unwind.c's tables @du (plain memory, freed with it). */
void dso__set_unwind(struct dso *dso, struct dso_unwind *du);

/** dso__jit_syms - a DSO_JIT's symbols from its perf map, or NULL. */
static inline struct symtab *dso__jit_syms(const struct dso *dso)
{
	return dso->more ? dso->more->jit_syms : NULL;
}

/**
 * machine__findnew_dso - @machine's DSO of @name and @kind, created if
 * new (short name @short_name, or @name for "[...]" names, or else the
 * part after the last '/', as perf names them: "//anon" is "anon"). The
 * machine owns it.
 */
struct dso *machine__findnew_dso(struct machine *machine, const char *name,
				 enum dso_kind kind, const char *short_name);

/** dso__delete - frees @dso and everything it holds (symbols, file bytes). */
void dso__delete(struct dso *dso);

/**
 * dso__load - looks for @dso's symbols once: a user DSO's ELF file (its
 * build-id checked against the recording's, else perf's build-id cache),
 * [vdso] from this kernel's image, a JIT map's perf map, a kernel's or
 * module's through its machine. Problems go to machines__warn_once().
 */
void dso__load(struct machines *m, struct dso *dso);

/**
 * dso__data_read - copies @len bytes at file offset @off of @dso's file
 * (the one whose build-id the recording saw; [vdso]: this kernel's image),
 * loading the DSO first if it is not yet. Returns 0, or -ERANGE past the
 * end, -ENOENT where there are no trusted bytes, another -errno.
 */
int dso__data_read(struct dso *dso, u64 off, void *buf, size_t len);

/**
 * dso__data_section - the file offset and size of @dso's ELF section
 * @name. Returns 0, -ENOENT when there is none (or no trusted file),
 * -EINVAL when the file is not ELF.
 */
int dso__data_section(struct dso *dso, const char *name, u64 *off, u64 *size);

/**
 * machines__set_symfs - --symfs: the recording's files (binaries, debug
 * files) looked for under @dir (NULL: none), as perf's --symfs; this
 * machine's kallsyms, [vdso] and perf's build-id cache are not used then.
 * 0, or a negative errno with @err set (@dir is not a directory).
 */
int machines__set_symfs(struct machines *m, const char *dir, struct err *err);

/**
 * dso__debug_file - @dso's separate debug file by its build-id, as perf
 * looks for it: perf's build-id cache's copy (~/.debug/.build-id/xx/rest/
 * debug), else /usr/lib/debug/.build-id/xx/rest.debug; under --symfs only
 * DIR's /usr/lib/debug. A regular file with that build-id: a string the
 * caller frees, or NULL.
 */
char *dso__debug_file(const struct dso *dso);

/**
 * dso__data_path - the file with @dso's bytes as the recording saw them
 * (found by dso__load), or NULL when there is none. Owned by @dso.
 */
const char *dso__data_path(const struct dso *dso);

/** map__dso_name - for reports: the DSO's short name, or "[unknown]". */
const char *map__dso_name(const struct dso *dso);

/** basename_of - the last component of @path (a pointer into it). */
const char *basename_of(const char *path);
/** is_anon_name - a mapping name with no file (or no symbols) behind it. */
bool is_anon_name(const char *name);
/** is_jit_name - executable memory with no file behind it (@flags: the mmap's). */
bool is_jit_name(const char *name, u32 flags);

#endif
