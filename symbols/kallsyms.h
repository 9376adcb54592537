/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_KALLSYMS_H
#define PMUKVM_KALLSYMS_H

#include "symbols/symtab.h"

struct err;

/* Bounds on what a kallsyms or modules copy may hold. */
#define KALLSYMS_MAX_BYTES	(32u << 20)
#define MODULES_MAX_BYTES	(4u << 20)
#define KSYM_NAME_MAX		512
#define MAX_MODULES		16384
#define MODULE_MAX_SIZE		(1ull << 31)

/** struct kmodule - one line of /proc/modules. */
struct kmodule {
	char *name;
	u64 start, size;
};

/**
 * struct kallsyms - a kernel's symbols from a /proc/kallsyms copy.
 * @tab holds core and module symbols together, sorted; a symbol's owner
 * is 0 for the core kernel, else 1 + its index in @modnames.
 */
struct kallsyms {
	struct symtab tab;
	char **modnames;
	size_t nr_modnames;
	u64 text;		/* address of _text, else _stext */
	bool has_text;
	size_t nr_lines;
};

/**
 * kallsyms__load - reads a kallsyms copy (plain or gzip).
 * Keeps the symbol types a profiler attributes time to (T W D B, either
 * case). Returns 0, or a negative errno with a message naming the file
 * and line in @err: -EPERM when every address is zero (a copy read
 * without root), -EINVAL on a malformed line, -EFBIG when too large.
 */
int kallsyms__load(struct kallsyms *ks, const char *path, struct err *err);

/*
 * A plain kallsyms copy of at least this many bytes is parsed in two
 * halves on two threads (where more than one CPU is online; tests set 1
 * to split any copy of two lines or more, whatever the CPUs).
 */
extern size_t kallsyms_split_min;
/* Split parses joined (the others were parsed again whole): for tests. */
extern size_t kallsyms_split_joins;

/**
 * kallsyms__text_of - the address of _text (else _stext) in a kallsyms
 * copy, after the checks of kallsyms__load. Returns 0, -ENOENT when there
 * is neither symbol, or kallsyms__load's error, with a message in @err.
 */
int kallsyms__text_of(const char *path, u64 *text, struct err *err);

/** kallsyms__parse - the same, from a buffer; @path names it in messages. */
int kallsyms__parse(struct kallsyms *ks, const char *buf, size_t len, const char *path,
		    struct err *err);
void kallsyms__exit(struct kallsyms *ks);

/** kallsyms__module_index - 1 + index of @name in ks->modnames, or 0. */
u16 kallsyms__module_owner(const struct kallsyms *ks, const char *name);

/** kallsyms__module_name - the name of module @owner (kallsyms__module_owner's), or NULL. */
const char *kallsyms__module_name(const struct kallsyms *ks, u16 owner);

/**
 * modules__load - reads a /proc/modules copy (plain or gzip). On success
 * *mods is a malloc'ed array of *nr entries the caller frees with
 * modules__free(). Errors as kallsyms__load, naming the line.
 */
int modules__load(const char *path, struct kmodule **mods, size_t *nr, struct err *err);
int modules__parse(const char *buf, size_t len, const char *path, struct kmodule **mods,
		   size_t *nr, struct err *err);
void modules__free(struct kmodule *mods, size_t nr);

#endif
