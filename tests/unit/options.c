// SPDX-License-Identifier: GPL-2.0
/* Typed options (util/options.c): each kind, bounds, bad values, forms. */
#include <stdlib.h>
#include <string.h>

#include "tests/unit/unit.h"
#include "util/options.h"
#include "util/util.h"

struct topts {
	bool flag, quiet;
	int children;			/* -1 unless --children / --no-children */
	int mode;
	int verbose;
	const char *out;
	unsigned int pages;
	unsigned long long freq;
	long rows;
	int level;
	double delay, duration;
	int pick;
	bool relative;
	const char *cb_arg;
	int cb_calls;
	bool cb_unset;
};

enum { MODE_NONE, MODE_FP, MODE_DWARF };

static int test_cb(const struct opt_desc *opt, const char *arg, bool unset, void *opts)
{
	struct topts *t = opts;

	t->cb_calls++;
	t->cb_arg = arg;
	t->cb_unset = unset;
	if (arg && !strcmp(arg, "bad")) {
		pr_err("option '--%s' refuses '%s'", opt->lng, arg);
		return -1;
	}
	return 0;
}

static const struct opt_choice words[] = {
	{ "one", 1 }, { "two", 2 }, { "ten", 10 }, { NULL, 0 }
};

static const struct opt_choice rel_words[] = {
	{ "relative", true }, { "absolute", false }, { NULL, 0 }
};

static const struct opt_desc topts_table[] = {
	OPT_BOOL('a', "all", struct topts, flag, "a flag"),
	OPT_BOOL('q', "quiet", struct topts, quiet, "another"),
	OPT_BOOL_NEG(0, "children", struct topts, children, "with children", "without"),
	OPT_SET('g', "callchain", struct topts, mode, MODE_FP, "frame pointers"),
	OPT_COUNTER('x', "extra", struct topts, verbose, "more"),
	OPT_STRING('o', "output", struct topts, out, "FILE", "output"),
	OPT_MMAP_PAGES(struct topts, pages, "pages"),
	OPT_FREQ(struct topts, freq, "frequency"),
	OPT_UINT('E', "entries", struct topts, rows, 0, 1000, "N", "a count", "rows"),
	OPT_UINT_F('z', "level", struct topts, level, 1, 22, OPTF_OPTARG, 1, "LEVEL",
		   "a level 1..22", "level"),
	OPT_DOUBLE('d', "delay", struct topts, delay, 0.05, 3600, "SECONDS",
		   "seconds from 0.05 to 3600", "delay"),
	OPT_DURATION(struct topts, duration, "how long"),
	OPT_CHOICE(0, "pick", struct topts, pick, words, "WORD", "one, two or ten", "a word"),
	OPT_CHOICE(0, "percentage", struct topts, relative, rel_words, "HOW",
		   "relative or absolute", "percent of"),
	OPT_CALLBACK_F(0, "call", test_cb, OPTF_OPTARG | OPTF_NEG, "ARG", "code", "no code"),
	OPT_CALLBACK(0, "callreq", test_cb, "ARG", "code with a value"),
	OPT_CALLBACK(0, "callreq-other", test_cb, "ARG", "another"),
	OPT_END
};

static char msg[1024];
static char *held;	/* the last line's words: the strings parsed point into it */

static void capture(int level, const char *m)
{
	(void)level;
	str_copy(msg, m, sizeof(msg));
}

/* Parses the words of @line ("cmd -a --x=1 ..."), as options_parse sees argv. */
static int parse(const char *line, struct topts *t, struct guest_config *gc)
{
	char *copy, *argv[64], *save = NULL, *w;
	int argc = 0, r;

	free(held);
	held = copy = xstrdup(line);

	for (w = strtok_r(copy, " ", &save); w && argc < 63; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	memset(t, 0, sizeof(*t));
	t->children = -1;
	memset(gc, 0, sizeof(*gc));
	msg[0] = '\0';
	r = options_parse(argc, argv, "test", topts_table, t, gc);
	return r;
}

void test_options_kinds(void)
{
	struct guest_config gc;
	struct topts t;
	void (*old)(int, const char *) = ui_msg_hook;

	ui_msg_hook = capture;

	/* flags alone, in a cluster, and the last of a cluster taking a value */
	CHECK(parse("c -a", &t, &gc) == 2 && t.flag && !t.quiet);
	CHECK(parse("c -aq", &t, &gc) == 2 && t.flag && t.quiet);
	CHECK(parse("c -aqo f.data", &t, &gc) == 3 && t.flag && t.quiet);
	CHECK_STR(t.out, "f.data");
	CHECK(parse("c -aqof.data", &t, &gc) == 2 && t.flag);
	CHECK_STR(t.out, "f.data");
	/* values: attached, after '=', as the next word */
	CHECK(parse("c --output=x y", &t, &gc) == 2);
	CHECK_STR(t.out, "x");
	CHECK(parse("c --output x y", &t, &gc) == 3);
	CHECK_STR(t.out, "x");
	CHECK(parse("c -E5", &t, &gc) == 2 && t.rows == 5);
	CHECK(parse("c -E 0x10", &t, &gc) == 3 && t.rows == 16);
	CHECK(parse("c --entries=1000", &t, &gc) == 2 && t.rows == 1000);
	/* a value that starts with '-' is still the value */
	CHECK(parse("c -o -x", &t, &gc) == 3);
	CHECK_STR(t.out, "-x");
	/* set, counter */
	CHECK(parse("c -g -xx --extra", &t, &gc) == 4 && t.mode == MODE_FP && t.verbose == 3);
	/* negatable: --X, --no-X, the last wins; untouched without either */
	CHECK(parse("c", &t, &gc) == 1 && t.children == -1);
	CHECK(parse("c --children", &t, &gc) == 2 && t.children == 1);
	CHECK(parse("c --no-children", &t, &gc) == 2 && t.children == 0);
	CHECK(parse("c --no-children --children", &t, &gc) == 3 && t.children == 1);
	CHECK(parse("c --no-all", &t, &gc) == -1);
	CHECK_STR(msg, "unknown option '--no-all' (see --help)");
	CHECK(parse("c --no-children=1", &t, &gc) == -1);
	CHECK_STR(msg, "option '--no-children' takes no value");
	/* powers of two within bounds */
	CHECK(parse("c -m 1", &t, &gc) == 3 && t.pages == 1);
	CHECK(parse("c -m 1048576", &t, &gc) == 3 && t.pages == 1048576);
	CHECK(parse("c -m 3", &t, &gc) == -1);
	CHECK_STR(msg, "option '-m' wants a power of two of pages (1 to 1048576), not '3'");
	CHECK(parse("c --mmap-pages=2097152", &t, &gc) == -1);
	CHECK_STR(msg, "option '--mmap-pages' wants a power of two of pages (1 to 1048576), "
		       "not '2097152'");
	CHECK(parse("c -m 0", &t, &gc) == -1);
	/* integers: junk, negative, out of bounds, overflow */
	CHECK(parse("c -F 4000", &t, &gc) == 3 && t.freq == 4000);
	CHECK(parse("c -F abc", &t, &gc) == -1);
	CHECK_STR(msg, "option '-F' wants a positive frequency in Hz (at most 1000000), not 'abc'");
	CHECK(parse("c -F 0", &t, &gc) == -1);
	CHECK(parse("c --freq=1000001", &t, &gc) == -1);
	CHECK(parse("c -F -5", &t, &gc) == -1);
	CHECK(parse("c -F 99999999999999999999999", &t, &gc) == -1);
	CHECK(parse("c -F 10x", &t, &gc) == -1);
	CHECK(parse("c -E 1001", &t, &gc) == -1);
	CHECK_STR(msg, "option '-E' wants a count, not '1001'");
	/* an optional value: only attached; its default without one */
	CHECK(parse("c -z", &t, &gc) == 2 && t.level == 1);
	CHECK(parse("c -z5", &t, &gc) == 2 && t.level == 5);
	CHECK(parse("c --level=22", &t, &gc) == 2 && t.level == 22);
	CHECK(parse("c -z 5", &t, &gc) == 2 && t.level == 1);	/* 5: the first non-option */
	CHECK(parse("c -z23", &t, &gc) == -1);
	CHECK_STR(msg, "option '-z' wants a level 1..22, not '23'");
	/* doubles: bounds inclusive, open where asked, junk and NaN refused */
	CHECK(parse("c -d 0.05", &t, &gc) == 3 && t.delay == 0.05);
	CHECK(parse("c -d 3600", &t, &gc) == 3 && t.delay == 3600);
	CHECK(parse("c -d 0.04", &t, &gc) == -1);
	CHECK_STR(msg, "option '-d' wants seconds from 0.05 to 3600, not '0.04'");
	CHECK(parse("c -d nan", &t, &gc) == -1);
	CHECK(parse("c -d 1s", &t, &gc) == -1);
	CHECK(parse("c --delay=", &t, &gc) == -1);
	CHECK(parse("c --duration 0.5", &t, &gc) == 3 && t.duration == 0.5);
	CHECK(parse("c --duration 0", &t, &gc) == -1);
	CHECK_STR(msg, "option '--duration' wants a positive number of seconds (at most 1e7), "
		       "not '0'");
	CHECK(parse("c --duration -1", &t, &gc) == -1);
	CHECK(parse("c --duration inf", &t, &gc) == -1);
	/* choices */
	CHECK(parse("c --pick ten", &t, &gc) == 3 && t.pick == 10);
	CHECK(parse("c --pick=two", &t, &gc) == 2 && t.pick == 2);
	CHECK(parse("c --pick three", &t, &gc) == -1);
	CHECK_STR(msg, "option '--pick' wants one, two or ten, not 'three'");
	CHECK(parse("c --percentage relative", &t, &gc) == 3 && t.relative);
	CHECK(parse("c --percentage relative --percentage absolute", &t, &gc) == 5 &&
	      !t.relative);
	/* callbacks: value, optional value, --no- form, refusal */
	CHECK(parse("c --call", &t, &gc) == 2 && t.cb_calls == 1 && !t.cb_arg && !t.cb_unset);
	CHECK(parse("c --call=v", &t, &gc) == 2 && t.cb_calls == 1);
	CHECK_STR(t.cb_arg, "v");
	CHECK(parse("c --no-call", &t, &gc) == 2 && t.cb_calls == 1 && t.cb_unset);
	CHECK(parse("c --callreq v", &t, &gc) == 3 && t.cb_calls == 1);
	CHECK_STR(t.cb_arg, "v");
	CHECK(parse("c --callreq bad", &t, &gc) == -1);
	CHECK_STR(msg, "option '--callreq' refuses 'bad'");

	free(held);
	held = NULL;
	ui_msg_hook = old;
}

void test_options_forms(void)
{
	struct guest_config gc;
	struct topts t;
	void (*old)(int, const char *) = ui_msg_hook;

	ui_msg_hook = capture;

	/* where parsing stops: the first non-option, "--", a lone "-" */
	CHECK(parse("c -a cmd -q", &t, &gc) == 2 && t.flag && !t.quiet);
	CHECK(parse("c -a -- -q", &t, &gc) == 3 && !t.quiet);
	CHECK(parse("c - -q", &t, &gc) == 1 && !t.quiet);
	/* unknown options, short and long, and in a cluster */
	CHECK(parse("c --nope", &t, &gc) == -1);
	CHECK_STR(msg, "unknown option '--nope' (see --help)");
	CHECK(parse("c --nope=3", &t, &gc) == -1);
	CHECK_STR(msg, "unknown option '--nope' (see --help)");
	CHECK(parse("c -aY", &t, &gc) == -1);
	CHECK_STR(msg, "unknown option '-Y' (see --help)");
	/* a missing value, short and long; a flag given one */
	CHECK(parse("c -o", &t, &gc) == -1);
	CHECK_STR(msg, "option '-o' needs a value");
	CHECK(parse("c --output", &t, &gc) == -1);
	CHECK_STR(msg, "option '--output' needs a value");
	CHECK(parse("c --all=1", &t, &gc) == -1);
	CHECK_STR(msg, "option '--all' takes no value");
	/* unambiguous prefixes, as getopt_long and perf take them; exact names first */
	CHECK(parse("c --out f", &t, &gc) == 3);
	CHECK_STR(t.out, "f");
	CHECK(parse("c --no-chi", &t, &gc) == 2 && t.children == 0);
	CHECK(parse("c --callreq x", &t, &gc) == 3 && t.cb_calls == 1);
	CHECK(parse("c --callr x", &t, &gc) == -1);
	CHECK_STR(msg, "option '--callr' is ambiguous: --callreq, --callreq-other (see --help)");
	CHECK(parse("c --e 3", &t, &gc) == -1);	/* --entries, --extra */
	/* the global options: into the guest_config, before or among the command's */
	CHECK(parse("c --guestkallsyms=k -a --guestmount m --guest", &t, &gc) == 6 && t.flag);
	CHECK_STR(gc.kallsyms, "k");
	CHECK_STR(gc.mount, "m");
	CHECK(gc.guest && gc.guest_set && !gc.host_set);
	CHECK(parse("c --no-host", &t, &gc) == 2 && !gc.host && gc.host_set && !gc.guest_set);
	guest_config__finish(&gc);
	CHECK(gc.guest && !gc.host);
	CHECK(parse("c", &t, &gc) == 1);
	guest_config__finish(&gc);
	CHECK(gc.guest && gc.host);
	CHECK(parse("c --guestmodules=m", &t, &gc) == 2 && guest_config__has_files(&gc));
	guest_config__finish_view(&gc);
	CHECK(gc.guest && !gc.host);

	free(held);
	held = NULL;
	ui_msg_hook = old;
}
