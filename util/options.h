/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_OPTIONS_H
#define PMUKVM_OPTIONS_H

#include <getopt.h>
#include <stdbool.h>

/*
 * One table per command describes its options; the same table drives
 * getopt_long, --help and the help/doc sync test.
 */
struct opt_desc {
	const char *lng;	/* long name without "--" */
	int val;		/* short letter, or a value >= 256 */
	int has_arg;		/* no_argument, required_argument, optional_argument */
	const char *argname;	/* shown in help: --output=FILE */
	const char *help;
};

#define OPT_END { NULL, 0, 0, NULL, NULL }

/* Values >= 256 for long-only options shared by all commands. */
enum {
	OPT_GUESTKALLSYMS = 256,
	OPT_GUESTMODULES,
	OPT_GUESTVMLINUX,
	OPT_GUESTMOUNT,
	OPT_GUEST,
	OPT_HOST,
	OPT_NO_GUEST,
	OPT_NO_HOST,
	OPT_COMMAND_FIRST = 300,	/* commands number theirs from here */
};

/* Options every command accepts (perf kvm's guest options, -v, -h). */
extern const struct opt_desc global_opts[];

/*
 * Parses argv with the command's table plus global_opts. Calls @cb for each
 * option; @cb returns 0 or a negative value to stop with an error. Returns
 * the index of the first non-option argument, or -1 after printing a
 * message for a bad option. Stops at the first non-option (so that
 * "record -- cmd args" and "record cmd -x" work). --help prints usage and
 * exits 0.
 */
int options_parse(int argc, char **argv, const char *usage,
		  const struct opt_desc *opts,
		  int (*cb)(int val, const char *arg, void *ctx), void *ctx);

/** struct usage_example - one command line --help ends with, and what it does. */
struct usage_example {
	const char *what;
	const char *cmd;
};

/*
 * The examples that options_usage prints last: set by pmukvm.c from its
 * command table before it runs a command, so that each command's --help
 * ends with its own. NULL or an empty { NULL, NULL } row ends the list.
 */
extern const struct usage_example *options_examples;

/*
 * For shell completion, not shown in --help: "--list-opts" as the first
 * argument of a command (or of pmukvm) prints its options and the global
 * ones, one per line: the long name ("--name=" where a value follows),
 * then the short one if there is one ("--sort= -s"); then exit 0.
 */
#define OPTIONS_LIST_OPTS "--list-opts"

/* Prints "usage: ...", the option list and options_examples to stdout. */
void options_usage(const char *usage, const struct opt_desc *opts);

/* Prints the examples' block ("examples:" and indented lines) to stdout. */
void options_print_examples(const struct usage_example *ex);

/* Handles a global option value; returns 1 if it was one, 0 if not, <0 on error. */
int global_option(int val, const char *arg);

/* The global guest/host settings, filled from any command's argv. */
struct guest_config {
	const char *kallsyms;	/* --guestkallsyms */
	const char *modules;	/* --guestmodules */
	const char *vmlinux;	/* --guestvmlinux */
	const char *mount;	/* --guestmount */
	bool guest, host;	/* which samples count */
	bool guest_set, host_set;
};
extern struct guest_config guest_config;

/*
 * After parsing, for what record and top sample: without --host/--guest
 * (or --no-host/--no-guest) host and guest; one of them alone decides the
 * other (--guest: guest only, --host: host only). perf kvm samples guest
 * only unless told: see Documentation/design.txt.
 */
void guest_config__finish(void);

/*
 * After parsing, for what report and top count: as guest_config__finish,
 * except that guest symbol files without --host/--guest mean guest samples
 * only (perf kvm report's default).
 */
void guest_config__finish_view(void);

/* Whether any guest symbol file option was given. */
bool guest_config__has_files(void);

/* Parses a decimal/hex number; returns -EINVAL on junk or overflow. */
int parse_u64(const char *s, unsigned long long *out);
int parse_double(const char *s, double *out);

/*
 * parse_cpu_list - a CPU list as perf takes it ("0-3,7") into @cpus[0..@max):
 * true for each CPU named. Returns 0, -EINVAL on junk or an empty or
 * reversed range, -ERANGE for a CPU number >= @max.
 */
int parse_cpu_list(const char *s, bool *cpus, int max);

#endif
