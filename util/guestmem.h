/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_GUESTMEM_H
#define PMUKVM_GUESTMEM_H

/*
 * A guest kernel's symbols read from the guest's memory, through the
 * memory of the VM process (QEMU maps guest RAM into its address space):
 * the kernel's compressed kallsyms tables for the core kernel, the module
 * list (struct module laid out as the guest kernel's own BTF says) for
 * modules. Read-only: /proc/PID/mem is only read; the guest runs on.
 * Everything read is untrusted: every size and pointer is bounded and
 * checked before use.
 */
#include <stdio.h>
#include <sys/types.h>
#include "util/err.h"
#include "util/util.h"

struct guest_sym {
	u64 addr;
	char type;
	u32 name;		/* offset in guest_kernel.names */
	int module;		/* index in guest_kernel.mods, -1 for the core kernel */
};

struct guest_mod {
	char name[64];
	u64 base;
	u64 size;
	int refcnt;
	int state;		/* 0 live, 1 coming, 2 going */
	char users[256];	/* "vfat," etc., or "-" */
	char taints[24];	/* "(OE)" or "" */
};

struct guest_kernel {
	pid_t pid;
	int fd;			/* /proc/PID/mem */
	u64 ram_host;		/* host address of guest physical 0 */
	u64 ram_size;		/* bytes of the RAM block */
	u64 lowmem;		/* guest RAM below 4 GiB; the rest is at 4 GiB */
	u64 image_lo, image_hi;	/* RAM offsets of the kernel image, when its page
				   tables gave them (0, 0: all RAM was searched) */
	u64 tables;		/* RAM offset of the kallsyms token table */
	u64 delta;		/* kernel image: virtual - physical */
	u64 pgd;		/* physical address of init_top_pgt */
	int levels;		/* paging levels: 4 or 5 */
	const char *layout;	/* which kallsyms layout the guest has */
	struct guest_sym *syms;
	size_t nr_syms, nr_core, syms_alloc;
	struct guest_mod *mods;
	size_t nr_mods;
	char *names;
	size_t names_len, names_alloc;
	u64 bytes_read;		/* of guest memory, for -v */
	struct err mod_err;	/* why modules could not be read (code 0 if they were) */
};

/**
 * guest_kernel__read - finds the guest RAM of VM process @pid, decodes its
 * kernel's kallsyms and walks its module list. Returns 0, or a negative
 * errno with @e saying what failed (@gk->layout, when set, names the
 * kallsyms layout it was read as). Module failures do not fail the call:
 * the core symbols are kept and @gk->mod_err says why. Free with
 * guest_kernel__exit() in either case.
 */
int guest_kernel__read(struct guest_kernel *gk, pid_t pid, struct err *e);

/** guest_kernel__write_kallsyms - @gk's symbols in /proc/kallsyms form. */
int guest_kernel__write_kallsyms(const struct guest_kernel *gk, FILE *f);

/** guest_kernel__write_modules - @gk's modules in /proc/modules form. */
int guest_kernel__write_modules(const struct guest_kernel *gk, FILE *f);

void guest_kernel__exit(struct guest_kernel *gk);

/**
 * guest_kernel__write_tree - writes @dir/PID/proc/kallsyms and modules
 * (directories created, files replaced whole). Returns 0 or a negative
 * errno with @e saying "cannot write 'PATH': reason".
 */
int guest_kernel__write_tree(const struct guest_kernel *gk, const char *dir, struct err *e);

/**
 * guest_memory__mount - a --guestmount tree of every running guest's
 * symbols read from its memory: a new directory under $TMPDIR (or /tmp),
 * its name in @dir. VM processes are those with a KVM VM open or a
 * qemu-system executable; only @only_pid's when it is one (non-zero).
 * A guest that cannot be read is warned about. The guests of @fallback (a
 * --guestmount DIR, may be NULL) not read from memory have their
 * proc/kallsyms and proc/modules copied in. Returns the number of guests
 * read from memory, or a negative errno.
 */
int guest_memory__mount(const char *fallback, pid_t only_pid, char *dir, size_t dirlen);

/** guest_memory__unmount - removes a tree guest_memory__mount made. */
void guest_memory__unmount(const char *dir);

#endif
