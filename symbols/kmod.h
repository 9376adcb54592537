/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_KMOD_H
#define PMUKVM_KMOD_H

#include "symbols/elf.h"

struct err;

#define KMOD_MAX_BYTES (256u << 20)

/**
 * kmod__load - function symbols of a kernel module file (.ko, or .ko.gz
 * through zlib), placed where the kernel lays the module out when it is
 * loaded at @base: the core executable sections (not .init*), in section
 * header order, each at its alignment. Symbols land in img->tab at their
 * run-time addresses. Returns 0, or a negative errno with a message in @err.
 */
int kmod__load(struct elf_image *img, const char *path, u64 base, struct err *err);

/**
 * kmod__find - the file of module @name under @root/lib/modules/ (any
 * release, any depth), matching '-' and '_' alike. lib/modules is found
 * inside the guest tree @root (guest_tree__resolve), and below it no
 * symbolic link is followed and only regular files match. Returns a
 * malloc'ed path the caller frees, or NULL.
 */
char *kmod__find(const char *root, const char *name);

#endif
