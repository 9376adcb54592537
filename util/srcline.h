/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_SRCLINE_H
#define PMUKVM_SRCLINE_H

#include "util/machine.h"

struct srcline_cache;

/**
 * srcline_full_path - srcline texts name the source file by its whole path
 * as the line table gives it, not its base name (report --full-source-path).
 */
extern bool srcline_full_path;

/** srcline_cache__new - an empty cache; free with srcline_cache__delete. */
struct srcline_cache *srcline_cache__new(void);

/**
 * srcline_cache__delete - frees the cache, its DWARF handles and every
 * string it handed out.
 */
void srcline_cache__delete(struct srcline_cache *c);

/**
 * srcline__get - the srcline sort key's text for a resolved sample, as perf
 * report prints it: "file.c:LINE" (the file's base name) from the DSO's
 * DWARF line table (the DSO or its /usr/lib/debug file, through libdw);
 * without line information "sym+OFFSET" (decimal); without a symbol
 * "dso[hexaddr]"; without a map "??:0". The string belongs to @c and lives
 * as long as it; equal texts are the same pointer.
 */
const char *srcline__get(struct srcline_cache *c, const struct addr_location *al);

#endif
