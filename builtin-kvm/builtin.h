/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_BUILTIN_H
#define PMUKVM_BUILTIN_H

#include <stdbool.h>

#include "util/err.h"

struct guest_config;

/*
 * Each command: argv[0] is the command word. Returns the exit status.
 * The guest options that came before the command word are in @gc (owned
 * by pmukvm.c); the command parses the rest into it too, and passes it on
 * to what reads guest files (session__new, guest_machines__find).
 */
int cmd_record(int argc, char **argv, struct guest_config *gc);
int cmd_report(int argc, char **argv, struct guest_config *gc);
int cmd_top(int argc, char **argv, struct guest_config *gc);
int cmd_check(int argc, char **argv, struct guest_config *gc);
int cmd_guest_symbols(int argc, char **argv, struct guest_config *gc);
int cmd_stat(int argc, char **argv, struct guest_config *gc);

/* -i FILE given before the command word (pmukvm -i FILE stat report). */
extern const char *global_input;
int cmd_diff(int argc, char **argv, struct guest_config *gc);

/* Set by stat record: record adds perf kvm stat record's dummy:HG event. */
extern bool record_kvm_stat;

#endif
