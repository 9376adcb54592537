/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_BUILTIN_STAT_H
#define PMUKVM_BUILTIN_STAT_H

/* What stat report and stat live share. */
#include "util/kvm-stat.h"

/** stat__parse_event - --event's value; 0, or -1 with a message. */
int stat__parse_event(const char *arg, enum kvm_stat_analysis *out);

/** stat__parse_key - -k's value; 0, or -1 with a message. */
int stat__parse_key(const char *arg, enum kvm_stat_sort *out);

/** stat_live - pmukvm stat live (builtin-kvm/stat-live.c); argv[0] is "live". */
int stat_live(int argc, char **argv);

struct kvm_stat_print;

/** struct stat_text - tables rendered as text lines, for the full-screen views. */
struct stat_text {
	char *text;		/* owned; the lines point into it */
	char **lines;
	size_t nr_lines;
};

/**
 * stat_text__render - @ks's tables (kvm_stat__fprintf, or the by-symbol
 * rows) into @t, replacing what it held. Returns 0 or -ENOMEM.
 */
int stat_text__render(struct stat_text *t, struct kvm_stat *ks, const struct kvm_stat_print *p,
		      bool by_symbol);
void stat_text__exit(struct stat_text *t);

struct opt_desc;

/** stat_live_opts - stat live's option table (for completion). */
const struct opt_desc *stat_live_opts(void);

/** stat_live_usage - stat live's options, for 'pmukvm stat --help'. */
void stat_live_usage(void);

#endif
