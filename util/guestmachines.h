/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_GUESTMACHINES_H
#define PMUKVM_GUESTMACHINES_H

/*
 * The guests named on the command line, for record: the default guest
 * (--guestkallsyms/--guestmodules, machine pid 0) and one per
 * --guestmount DIR/<pid>/proc/{kallsyms,modules}.
 */
#include <sys/types.h>

#include "util/util.h"

struct guest_config;
struct feat_buf;

/** struct guest_machine - one guest's symbol files (paths owned, may be NULL). */
struct guest_machine {
	pid_t pid;
	char *kallsyms;
	char *modules;
};

/**
 * guest_machines__find - the guests @gc describes. *machines is a
 * malloc'ed array the caller frees with guest_machines__free. The files
 * of a --guestmount guest are found inside its tree (guest_tree__resolve)
 * and named by their real paths. Returns 0, or -ENOENT/-ENOTDIR, or
 * -ELOOP for a guest directory that is a symbolic link, with *bad_path
 * (static or in @gc) naming the path.
 */
int guest_machines__find(const struct guest_config *gc, struct guest_machine **machines,
			 size_t *nr, const char **bad_path);
void guest_machines__free(struct guest_machine *machines, size_t nr);

/**
 * guest_files__pack - feature HEADER_PMUKVM_GUEST_FILES (util/guestfiles.h):
 * each guest's kallsyms and modules, gzip-compressed, appended to @fb.
 * Returns 0 or a negative errno (a file unreadable: -errno of it).
 */
int guest_files__pack(const struct guest_machine *machines, size_t nr, struct feat_buf *fb);

#endif
