/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_ROW_PREFIX_H
#define PMUKVM_ROW_PREFIX_H

#include "util/util.h"

struct hists;
struct hist_entry;

/*
 * A prefix of each row's place in the default order of rows (period
 * down, then comm, DSO and symbol by name, then address: sorted_cmp_default
 * in util/hist.c), for a counting sort of a million rows that would
 * otherwise compare rows scattered over the whole table.
 *
 * Each key becomes its rank among the rows' distinct values (equal under
 * the key's compare, equal rank), the ranks are laid side by side, the
 * address last, and the prefix is the top bits of that number: a row
 * before another never has a greater prefix. A key with more distinct
 * values than the table allows (row_prefix__new's limit) ends the prefix
 * before it, so the prefix is coarser, never wrong.
 */
struct row_prefix;

/*
 * row_prefix__new - the prefix of the @n rows 0..n-1 of @hists, at most
 * @max_bits wide. NULL where it would tell no rows apart (a single
 * bucket): then only the compares order them.
 */
struct row_prefix *row_prefix__new(const struct hists *hists, size_t n, unsigned max_bits);

/* row_prefix__bits - how many bits wide the prefixes are (1..max_bits). */
unsigned row_prefix__bits(const struct row_prefix *rp);

/* row_prefix__of - @he's prefix, below 1 << row_prefix__bits(). */
u32 row_prefix__of(struct row_prefix *rp, const struct hist_entry *he);

void row_prefix__delete(struct row_prefix *rp);

#endif
