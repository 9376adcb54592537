/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_BUILTIN_H
#define PMUKVM_BUILTIN_H

#include <stdbool.h>

/*
 * Each command: argv[0] is the command word. Returns the exit status.
 * Global options have been parsed into guest_config already where they
 * came before the command word; commands parse the rest.
 */
int cmd_record(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_guest_symbols(int argc, char **argv);
int cmd_stat(int argc, char **argv);

/* -i FILE given before the command word (pmukvm -i FILE stat report). */
extern const char *global_input;
int cmd_diff(int argc, char **argv);

/* Set by stat record: record adds perf kvm stat record's dummy:HG event. */
extern bool record_kvm_stat;

#endif
