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

/** stat_live_usage - stat live's options, for 'pmukvm stat --help'. */
void stat_live_usage(void);

#endif
