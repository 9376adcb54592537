/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_GUEST_H
#define PMUKVM_GUEST_H

/*
 * Guests: where each guest's symbol files come from, and the guest files
 * a data file carries.
 *
 * A guest is found from the command line (the default guest, pid 0, of
 * --guestkallsyms/--guestmodules/--guestvmlinux), from --guestmount
 * (DIR/<pid>/proc/{kallsyms,modules}, read inside DIR/<pid>), from the
 * files a data file carries, or from a sample of a QEMU pid that has none
 * of these (named after the QEMU process's -name). record and top list
 * the guests whose files they carry and synthesize (guest_machines__find);
 * report, top and stat make a machine of each (machines__setup_guests).
 *
 * Carried files live in feature section HEADER_PMUKVM_GUEST_FILES (bit
 * 200 of the feature bitmap; perf skips feature bits it does not know).
 * The payload is a sequence of entries, each 8-byte aligned:
 *
 *   u32 kind;      GUEST_FILE_KALLSYMS or GUEST_FILE_MODULES
 *   s32 pid;       the guest machine: 0 default guest, else the QEMU pid
 *   u64 size;      bytes of data that follow
 *   u8  data[size] the file, gzip-compressed (zlib), then zero padding
 *                  up to a multiple of 8
 *
 * Everything reads them through one iterator (guest_files__next) and
 * record writes them with guest_files__append.
 */
#include <sys/types.h>

#include "util/util.h"

struct buf;
struct err;
struct guest_config;
struct machine;
struct machines;

enum guest_file_kind {
	GUEST_FILE_KALLSYMS = 1,
	GUEST_FILE_MODULES = 2,
};

/** struct guest_file_hdr - an entry's header, as stored. */
struct guest_file_hdr {
	u32 kind;
	s32 pid;
	u64 size;
};

/** struct guest_file - one carried file, pointing into the payload. */
struct guest_file {
	u32 kind;		/* enum guest_file_kind (others are skipped by users) */
	s32 pid;
	const u8 *data;		/* gzip-compressed */
	u64 size;
	size_t offset;		/* of the entry's header in the payload */
};

/** struct guest_files_iter - a walk over a carried-files payload. */
struct guest_files_iter {
	const u8 *buf;
	size_t size;
	size_t off;		/* of the next entry */
};

/** guest_files__iter_init - starts a walk over @size bytes at @buf (NULL: none). */
void guest_files__iter_init(struct guest_files_iter *it, const void *buf, size_t size);

/**
 * guest_files__next - the next entry of the walk in @f. Returns 1, or 0
 * at the end (fewer bytes left than a header), or -EINVAL for an entry
 * whose size goes past the payload (@f->offset is that entry's).
 */
int guest_files__next(struct guest_files_iter *it, struct guest_file *f);

/**
 * guest_files__append - appends one entry (header, @size bytes of
 * gzip-compressed @data, padding to 8) to @fb.
 */
void guest_files__append(struct buf *fb, u32 kind, s32 pid, const void *data, u64 size);

/**
 * guest_files__load - the file of @kind of guest @pid in the payload
 * (@buf, @size; NULL: none), inflated: *out is malloc'ed, NUL-terminated
 * and the caller's. Returns 0, -ENOENT when the payload has none,
 * -EINVAL for a corrupt payload, or gunzip_buf's error.
 */
int guest_files__load(const void *buf, size_t size, s32 pid, u32 kind, char **out,
		      size_t *outlen);

/** struct guest_machine - one guest's symbol files (paths owned, may be NULL). */
struct guest_machine {
	pid_t pid;
	char *kallsyms;
	char *modules;
};

/**
 * guest_machines__find - the guests @gc describes, for record and top:
 * the default guest of --guestkallsyms/--guestmodules and each
 * --guestmount DIR/<pid> with a proc/kallsyms or proc/modules. *machines
 * is a malloc'ed array the caller frees with guest_machines__free. The
 * files of a --guestmount guest are found inside its tree
 * (guest_tree__resolve) and named by their real paths. Returns 0, or
 * -ENOENT/-ENOTDIR, or -ELOOP for a guest directory that is a symbolic
 * link, with @err saying "cannot read 'PATH': reason".
 */
int guest_machines__find(const struct guest_config *gc, struct guest_machine **machines,
			 size_t *nr, struct err *err);
void guest_machines__free(struct guest_machine *machines, size_t nr);

/**
 * guest_files__pack - feature HEADER_PMUKVM_GUEST_FILES: each guest's
 * kallsyms and modules, gzip-compressed, appended to @fb.
 * Returns 0 or a negative errno (a file unreadable: -errno of it).
 */
int guest_files__pack(const struct guest_machine *machines, size_t nr, struct buf *fb);

/**
 * machines__setup_guests - creates guest machines from the guest options:
 * the default guest (pid 0) from @kallsyms/@modules/@vmlinux, one per
 * DIR/<pid> under @mount, and those whose files the data file carries.
 * Returns 0 or a negative errno with @err.
 */
int machines__setup_guests(struct machines *m, const char *kallsyms, const char *modules,
			   const char *vmlinux, const char *mount, struct err *err);

/**
 * guest__unresolved_why - why many of guest @g's kernel samples are not
 * resolved, as report and stat say it: no usable symbol files, or files
 * likely stale or another guest's.
 */
const char *guest__unresolved_why(const struct machine *g);

/**
 * machines__find_guest - the guest machine of QEMU pid @pid: its own, else
 * the default guest (not under --guestmount), else a new one without
 * symbols, named after the QEMU process and warned about.
 */
struct machine *machines__find_guest(struct machines *m, s32 pid);

#endif
