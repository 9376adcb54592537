/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_OPTIONS_H
#define PMUKVM_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Typed options. Each command describes its options once, in a static
 * const table of rows: the option's names, its kind (flag, counter,
 * string, bounded integer, bounded double, a word from a list, or a
 * callback for the few that need code) and where its value goes (an
 * offset into the command's options struct). options_parse fills the
 * struct, and the same rows give --help, --list-opts (shell completion)
 * and so the help/doc sync test.
 *
 *	static const struct opt_desc record_options[] = {
 *		OPT_BOOL('a', "all-cpus", struct record_opts, system_wide, "system-wide"),
 *		OPT_MMAP_PAGES(struct record_opts, mmap_pages, "ring buffer pages"),
 *		OPT_END
 *	};
 *
 * A bad value is refused with "option '-m' wants WHAT, not 'VALUE'", the
 * option named as it was typed and WHAT the row's description of what it
 * takes.
 */

enum opt_kind {
	OPTK_END,
	OPTK_BOOL,	/* bool or int field: 1 (--no-NAME: 0 where negatable) */
	OPTK_SET,	/* int-sized field (an enum, say): the row's value */
	OPTK_COUNTER,	/* int field: one more each time (-vv) */
	OPTK_STRING,	/* const char * field: the value as given (argv's memory) */
	OPTK_UINT,	/* unsigned integer field of 1, 2, 4 or 8 bytes, in [min, max] */
	OPTK_DOUBLE,	/* double field, in [min, max] */
	OPTK_CHOICE,	/* integer field: the value of the word given, from a list */
	OPTK_CALLBACK,	/* the row's function does it */
	OPTK_HELP,	/* prints the usage and exits 0 */
};

enum opt_flags {
	OPTF_NEG = 1 << 0,	/* --no-NAME too (BOOL: 0; CALLBACK: unset) */
	OPTF_OPTARG = 1 << 1,	/* the value is optional; only attached (-z3, --x=3) */
	OPTF_POW2 = 1 << 2,	/* UINT: a power of two */
	OPTF_MIN_OPEN = 1 << 3,	/* DOUBLE: greater than min, not equal */
	OPTF_NOARG = 1 << 4,	/* CALLBACK: takes no value */
	OPTF_LIST = 1 << 5,	/* STRING: given again, the values join with commas */
};

struct opt_desc;

/*
 * opt_cb - what a CALLBACK row runs. @arg is the value (NULL for a flag,
 * or an optional value not given), @unset true for --no-NAME, @opts the
 * command's options struct. Returns 0, or -1 after a message (pr_err).
 */
typedef int (*opt_cb)(const struct opt_desc *opt, const char *arg, bool unset, void *opts);

/** struct opt_choice - one word a CHOICE row takes, and what it stores. */
struct opt_choice {
	const char *word;
	long long value;
};

/**
 * struct opt_desc - one option.
 * @kind:	what it is (enum opt_kind); OPTK_END ends a table
 * @shrt:	the short letter, or 0
 * @lng:	the long name without "--", or NULL (short only)
 * @offset:	where the value goes in the command's options struct
 * @size:	the size of that field
 * @flags:	enum opt_flags
 * @argname:	the value's name in --help (--output=FILE)
 * @help:	one line for --help
 * @neg_help:	OPTF_NEG: the --no-NAME line of --help
 * @what:	what a value must be, for the message about a bad one
 * @min, @max:	UINT bounds (inclusive)
 * @dmin, @dmax: DOUBLE bounds (inclusive, but see OPTF_MIN_OPEN)
 * @value:	SET: what is stored; UINT with OPTF_OPTARG: the value without one
 * @choices:	CHOICE: the words, ended by { NULL }
 * @cb:		CALLBACK: the function
 */
struct opt_desc {
	enum opt_kind kind;
	int shrt;
	const char *lng;
	size_t offset, size;
	unsigned int flags;
	const char *argname;
	const char *help;
	const char *neg_help;
	const char *what;
	unsigned long long min, max;
	double dmin, dmax;
	long long value;
	const struct opt_choice *choices;
	opt_cb cb;
};

/* Compile-time checks that the field has the type the kind writes. */
#define OPT__FIELD(type, field)	(((type *)0)->field)
#define OPT__CHECK(cond, msg)	(0 * sizeof(struct { _Static_assert(cond, msg); int x_; }))
#define OPT__IS_INT(type, field)						\
	(__builtin_classify_type(OPT__FIELD(type, field)) == 1 ||		\
	 __builtin_classify_type(OPT__FIELD(type, field)) == 2 ||		\
	 __builtin_classify_type(OPT__FIELD(type, field)) == 3 ||		\
	 __builtin_classify_type(OPT__FIELD(type, field)) == 4)
#define OPT__IS_UNSIGNED(type, field)	((__typeof__(OPT__FIELD(type, field)))-1 > 0)
#define OPT__AT(type, field)							\
	.offset = offsetof(type, field), .size = sizeof(OPT__FIELD(type, field))

/* A flag: the bool (or int) field becomes true (1). */
#define OPT_BOOL(s, l, type, field, h)						\
	{ .kind = OPTK_BOOL, .shrt = (s), .lng = (l), OPT__AT(type, field), .help = (h)	\
	  + OPT__CHECK(OPT__IS_INT(type, field), #field ": OPT_BOOL wants bool or int") }

/* A flag with a --no- form (perf's): 1 for --NAME, 0 for --no-NAME. */
#define OPT_BOOL_NEG(s, l, type, field, h, nh)					\
	{ .kind = OPTK_BOOL, .shrt = (s), .lng = (l), OPT__AT(type, field),		\
	  .flags = OPTF_NEG, .help = (h), .neg_help = (nh)				\
	  + OPT__CHECK(OPT__IS_INT(type, field), #field ": OPT_BOOL_NEG wants bool or int") }

/* A flag that stores @v (an enum value) into an integer field. */
#define OPT_SET(s, l, type, field, v, h)					\
	{ .kind = OPTK_SET, .shrt = (s), .lng = (l), OPT__AT(type, field), .value = (v),	\
	  .help = (h) + OPT__CHECK(OPT__IS_INT(type, field), #field ": OPT_SET wants an integer") }

/* A counter: -v -v or -vv is 2. */
#define OPT_COUNTER(s, l, type, field, h)					\
	{ .kind = OPTK_COUNTER, .shrt = (s), .lng = (l), OPT__AT(type, field), .help = (h)	\
	  + OPT__CHECK(sizeof(OPT__FIELD(type, field)) == sizeof(int), #field ": not an int") }

/* A string: the field points at the value in argv. */
#define OPT_STRING_F(s, l, type, field, fl, an, h)				\
	{ .kind = OPTK_STRING, .shrt = (s), .lng = (l), OPT__AT(type, field), .flags = (fl),	\
	  .argname = (an),									\
	  .help = (h) + OPT__CHECK(__builtin_types_compatible_p(				\
		__typeof__(OPT__FIELD(type, field)), const char *), #field ": not a const char *") }
#define OPT_STRING(s, l, type, field, an, h)	OPT_STRING_F(s, l, type, field, 0, an, h)

/*
 * An unsigned integer in [@lo, @hi] (decimal, or 0x hex), into an integer
 * field of any size that holds @hi. @w says what it must be, for the message.
 */
#define OPT_UINT_F(s, l, type, field, lo, hi, fl, dv, an, w, h)		\
	{ .kind = OPTK_UINT, .shrt = (s), .lng = (l), OPT__AT(type, field), .flags = (fl),	\
	  .min = (lo), .max = (hi), .value = (dv), .argname = (an), .what = (w),		\
	  .help = (h) + OPT__CHECK(OPT__IS_INT(type, field), #field ": OPT_UINT wants an integer")	\
	  + OPT__CHECK(OPT__IS_UNSIGNED(type, field) ?						\
		(sizeof(OPT__FIELD(type, field)) >= 8 || (unsigned long long)(hi) <=		\
		 (~0ull >> (64 - 8 * sizeof(OPT__FIELD(type, field))))) :			\
		(unsigned long long)(hi) <= (~0ull >> (65 - 8 * sizeof(OPT__FIELD(type, field)))),	\
		#field ": the bound does not fit the field") }
#define OPT_UINT(s, l, type, field, lo, hi, an, w, h)				\
	OPT_UINT_F(s, l, type, field, lo, hi, 0, 0, an, w, h)

/* A double in [@lo, @hi]; OPTF_MIN_OPEN in @fl: greater than @lo. */
#define OPT_DOUBLE_F(s, l, type, field, lo, hi, fl, an, w, h)			\
	{ .kind = OPTK_DOUBLE, .shrt = (s), .lng = (l), OPT__AT(type, field), .flags = (fl),	\
	  .dmin = (lo), .dmax = (hi), .argname = (an), .what = (w),			\
	  .help = (h) + OPT__CHECK(__builtin_types_compatible_p(				\
		__typeof__(OPT__FIELD(type, field)), double), #field ": not a double") }
#define OPT_DOUBLE(s, l, type, field, lo, hi, an, w, h)				\
	OPT_DOUBLE_F(s, l, type, field, lo, hi, 0, an, w, h)

/* One of the words of @ch (struct opt_choice[], ended by { NULL }). */
#define OPT_CHOICE(s, l, type, field, ch, an, w, h)				\
	{ .kind = OPTK_CHOICE, .shrt = (s), .lng = (l), OPT__AT(type, field), .choices = (ch),	\
	  .argname = (an), .what = (w), .help = (h)						\
	  + OPT__CHECK(OPT__IS_INT(type, field), #field ": OPT_CHOICE wants an integer") }

/* Code for the value: @fl OPTF_OPTARG for an optional one, OPTF_NEG for --no-. */
#define OPT_CALLBACK_F(s, l, fn, fl, an, h, nh)				\
	{ .kind = OPTK_CALLBACK, .shrt = (s), .lng = (l), .flags = (fl), .argname = (an),	\
	  .help = (h), .neg_help = (nh), .cb = (fn) }
#define OPT_CALLBACK(s, l, fn, an, h)	OPT_CALLBACK_F(s, l, fn, 0, an, h, NULL)
/* A callback that takes no value (@arg NULL). */
#define OPT_CALLBACK_FLAG(s, l, fn, h)						\
	OPT_CALLBACK_F(s, l, fn, OPTF_NOARG, NULL, h, NULL)

#define OPT_END	{ .kind = OPTK_END }

/*
 * Limits that mean the same thing wherever the option is: the rows of the
 * options several commands share.
 */
#define OPT_MAX_FREQ		1000000ull
#define OPT_MAX_PERIOD		(1ull << 62)
#define OPT_MAX_MMAP_PAGES	(1u << 20)
#define OPT_MAX_PID		0x7fffffffull
#define OPT_MAX_DURATION	1e7		/* seconds, 115 days */

/* -F's value for "max" (opt_freq_value): perf_event_max_sample_rate, read by the caller. */
#define OPT_FREQ_MAX		(~0ull)

/**
 * opt_freq_value - -F's @arg: a frequency in Hz (1..OPT_MAX_FREQ) or "max"
 * (OPT_FREQ_MAX), in *@freq; -1 after a message for anything else.
 */
int opt_freq_value(const char *arg, unsigned long long *freq);

#define OPT_FREQ(type, field, h)						\
	OPT_UINT('F', "freq", type, field, 1, OPT_MAX_FREQ, "HZ",			\
		 "a positive frequency in Hz (at most 1000000)", h)
#define OPT_PERIOD(type, field, an, h)						\
	OPT_UINT('c', "count", type, field, 1, OPT_MAX_PERIOD, an,			\
		 "a positive period (at most 2^62)", h)
#define OPT_MMAP_PAGES(type, field, h)						\
	OPT_UINT_F('m', "mmap-pages", type, field, 1, OPT_MAX_MMAP_PAGES, OPTF_POW2, 0,	\
		   "PAGES", "a power of two of pages (1 to 1048576)", h)
#define OPT_DURATION(type, field, h)						\
	OPT_DOUBLE_F(0, "duration", type, field, 0, OPT_MAX_DURATION, OPTF_MIN_OPEN,	\
		     "SECONDS", "a positive number of seconds (at most 1e7)", h)
#define OPT_SPEED(type, field, h)						\
	OPT_DOUBLE(0, "speed", type, field, 0, 1e9, "X",				\
		   "a factor >= 0 (0: as fast as possible)", h)
/*
 * -i FILE and --speed X of the commands that replay a data file on its own
 * timestamps in place of their live source (top, stat live): two rows.
 */
#define OPT_REPLAY(type, input, speed, instead_of)					\
	OPT_STRING('i', "input", type, input, "FILE",					\
		   "replay a data file on its own timestamps instead of " instead_of),	\
	OPT_SPEED(type, speed,								\
		  "replay X times faster than recorded (default 1; 0: as fast as possible)")
#define OPT_PERCENT(s, l, type, field, h)					\
	OPT_DOUBLE(s, l, type, field, 0, 100, "PCT", "a number from 0 to 100", h)
#define OPT_PID(s, l, type, field, h)						\
	OPT_UINT(s, l, type, field, 1, OPT_MAX_PID, "PID", "a process id", h)
#define OPT_VCPU(type, field, h)						\
	OPT_UINT(0, "vcpu", type, field, 0, 0x7fffffffull, "N", "a vCPU number", h)

/** struct guest_config - the guest options (perf kvm's), before or after the command. */
struct guest_config {
	const char *kallsyms;	/* --guestkallsyms */
	const char *modules;	/* --guestmodules */
	const char *vmlinux;	/* --guestvmlinux */
	const char *mount;	/* --guestmount */
	bool guest, host;	/* which samples count */
	bool guest_set, host_set;
};

/* Options every command accepts (perf kvm's guest options, -v, -h): into a guest_config. */
extern const struct opt_desc global_opts[];

/*
 * options_parse - parses argv[1..] with @opts, filling @cmd_opts, and the
 * global options, filling @gc (which may be NULL only if no global option
 * is given; a NULL @gc takes no global ones). Stops at the first
 * non-option (so that "record -- cmd args" and "record cmd -x" work) or
 * after "--". Returns the index of the first argument not parsed, or -1
 * after a message for a bad option or value. --help prints the usage and
 * exits 0; "--list-opts" as the first argument lists the options for
 * completion and exits 0.
 */
int options_parse(int argc, char **argv, const char *usage, const struct opt_desc *opts,
		  void *cmd_opts, struct guest_config *gc);

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

/* Prints the options of @opts in --help's form (no usage line, no globals). */
void options_print(const struct opt_desc *opts);

/*
 * Prints the --list-opts lines of the @nr tables (an option in several
 * once, under its first), then the global ones.
 */
void options_list(const struct opt_desc *const *tables, size_t nr);

/* Prints the examples' block ("examples:" and indented lines) to stdout. */
void options_print_examples(const struct usage_example *ex);

/*
 * After parsing, for what record and top sample: without --host/--guest
 * (or --no-host/--no-guest) host and guest; one of them alone decides the
 * other (--guest: guest only, --host: host only). perf kvm samples guest
 * only unless told: see Documentation/design.txt.
 */
void guest_config__finish(struct guest_config *gc);

/*
 * After parsing, for what report and top count: as guest_config__finish,
 * except that guest symbol files without --host/--guest mean guest samples
 * only (perf kvm report's default).
 */
void guest_config__finish_view(struct guest_config *gc);

/* Whether any guest symbol file option was given. */
bool guest_config__has_files(const struct guest_config *gc);

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
