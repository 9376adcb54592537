/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_BUILDID_H
#define PMUKVM_BUILDID_H

#include <stdbool.h>
#include <string.h>

#include "util/util.h"

#define BUILD_ID_MAX 20

/** build_id__equal - whether build-ids @a (@na bytes) and @b (@nb) are one and the same. */
static inline bool build_id__equal(const u8 *a, int na, const u8 *b, int nb)
{
	return na > 0 && na == nb && !memcmp(a, b, (size_t)na);
}

/**
 * build_id_cache__path - a path in perf's build-id cache, HOME/.debug/
 * then @fmt's text (perf's buildid_dir default); the caller frees it.
 */
char *build_id_cache__path(const char *fmt, ...) __printf(1, 2);

/** build_id__hex - @size bytes of build-id @bid as lower-case hex in @out (2 * @size + 1 bytes). */
static inline char *build_id__hex(const u8 *bid, size_t size, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < size; i++) {
		out[2 * i] = digits[bid[i] >> 4];
		out[2 * i + 1] = digits[bid[i] & 15];
	}
	out[2 * size] = '\0';
	return out;
}

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
