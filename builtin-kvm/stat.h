/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_BUILTIN_STAT_H
#define PMUKVM_BUILTIN_STAT_H

/* What stat report and stat live share. */
#include "util/kvm-stat.h"

#include "util/options.h"

/* The words of --event and -k, for report's and live's rows alike. */
extern const struct opt_choice stat_event_words[];
extern const struct opt_choice stat_key_words[];

#define OPT_STAT_EVENT(type, field)						\
	OPT_CHOICE(0, "event", type, field, stat_event_words, "EVENT",			\
		   "vmexit, mmio, ioport or msr",					\
		   "what to analyse: vmexit (default), mmio, ioport, msr")
#define OPT_STAT_KEY(type, field)						\
	OPT_CHOICE('k', "key", type, field, stat_key_words, "KEY", "sample or time",	\
		   "sort rows by sample (count, default) or time (average)")

/**
 * stat_live - pmukvm stat live (builtin-kvm/stat-live.c); argv[0] is "live",
 * @gc the guest options given before it.
 */
int stat_live(int argc, char **argv, struct guest_config *gc);

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

/**
 * stat_tui__key - a full-screen view's keys: 'k' flips @ks's sort (samples,
 * average time), any other @p->extended; says which into @msg, as taking
 * effect at the next refresh when @later.
 */
void stat_tui__key(struct kvm_stat *ks, struct kvm_stat_print *p, int key, bool later,
		   char *msg, size_t size);

/** stat_live_opts - stat live's option table (for completion). */
const struct opt_desc *stat_live_opts(void);

/** stat_live_usage - stat live's options, for 'pmukvm stat --help'. */
void stat_live_usage(void);

#endif
