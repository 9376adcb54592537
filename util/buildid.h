/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_BUILDID_H
#define PMUKVM_BUILDID_H

#include "util/util.h"

#define BUILD_ID_MAX 20

/**
 * filename__read_build_id - the GNU build-id note of ELF file @path, read
 * with libelf. Returns its size (<= @size bytes copied to @bid), -ENOENT
 * when the file has none, or a negative errno (-ENOEXEC: not ELF).
 */
int filename__read_build_id(const char *path, u8 *bid, size_t size);

/**
 * sysfs__read_build_id - the GNU build-id in a bare notes blob such as
 * /sys/kernel/notes (the running kernel's), parsed with libelf's
 * gelf_getnote. Returns the size, -ENOENT when there is none, or -errno.
 */
int sysfs__read_build_id(const char *path, u8 *bid, size_t size);

#endif
