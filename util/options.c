// SPDX-License-Identifier: GPL-2.0
#include "util/options.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

static int opt_guest(const struct opt_desc *opt, const char *arg, bool unset, void *opts)
{
	struct guest_config *gc = opts;

	(void)opt;
	(void)arg;
	gc->guest = !unset;
	gc->guest_set = true;
	return 0;
}

static int opt_host(const struct opt_desc *opt, const char *arg, bool unset, void *opts)
{
	struct guest_config *gc = opts;

	(void)opt;
	(void)arg;
	gc->host = !unset;
	gc->host_set = true;
	return 0;
}

/* verbose stays a process-wide setting (util.h), as the message helpers read it. */
static int opt_verbose(const struct opt_desc *opt, const char *arg, bool unset, void *opts)
{
	(void)opt;
	(void)arg;
	(void)unset;
	(void)opts;
	verbose++;
	return 0;
}

const struct opt_desc global_opts[] = {
	OPT_STRING(0, "guestkallsyms", struct guest_config, kallsyms, "FILE",
		   "the default guest's /proc/kallsyms copy (plain or gzip)"),
	OPT_STRING(0, "guestmodules", struct guest_config, modules, "FILE",
		   "the default guest's /proc/modules copy (plain or gzip)"),
	OPT_STRING(0, "guestvmlinux", struct guest_config, vmlinux, "FILE",
		   "the default guest's vmlinux (ELF symbols)"),
	OPT_STRING(0, "guestmount", struct guest_config, mount, "DIR",
		   "per-guest files under DIR/<qemu-pid>/"),
	OPT_CALLBACK_F(0, "guest", opt_guest, OPTF_NEG | OPTF_NOARG, NULL,
		       "guest samples (alone: guest only)", "do not count guest samples"),
	OPT_CALLBACK_F(0, "host", opt_host, OPTF_NEG | OPTF_NOARG, NULL,
		       "host samples (alone: host only)", "do not count host samples"),
	OPT_CALLBACK_FLAG('v', "verbose", opt_verbose, "more messages (repeatable)"),
	{ .kind = OPTK_HELP, .shrt = 'h', .lng = "help", .help = "show this help" },
	OPT_END
};

int opt_freq_value(const char *arg, unsigned long long *freq)
{
	unsigned long long v;

	if (!strcmp(arg, "max")) {
		*freq = OPT_FREQ_MAX;
		return 0;
	}
	if (parse_u64(arg, &v) || !v || v > OPT_MAX_FREQ) {
		pr_err("option '-F' wants a positive frequency in Hz (at most %llu) or max, not '%s'",
		       OPT_MAX_FREQ, arg);
		return -1;
	}
	*freq = v;
	return 0;
}

void guest_config__finish(struct guest_config *gc)
{
	/*
	 * Without --host/--guest (or their --no- forms) both count: a host
	 * user records the whole system. One of them alone decides the other
	 * too: --guest is guest only, --no-guest host only (and so on).
	 */
	if (!gc->guest_set && !gc->host_set)
		gc->guest = gc->host = true;
	else if (!gc->guest_set)
		gc->guest = !gc->host;
	else if (!gc->host_set)
		gc->host = !gc->guest;
}

bool guest_config__has_files(const struct guest_config *gc)
{
	return gc->kallsyms || gc->modules || gc->vmlinux || gc->mount;
}

void guest_config__finish_view(struct guest_config *gc)
{
	/* perf kvm report's default: guest symbols given, guest samples only. */
	if (!gc->guest_set && !gc->host_set && guest_config__has_files(gc)) {
		gc->guest = true;
		gc->guest_set = true;
	}
	guest_config__finish(gc);
}

enum { ARG_NONE, ARG_REQUIRED, ARG_OPTIONAL };

static int opt_takes(const struct opt_desc *o)
{
	switch (o->kind) {
	case OPTK_STRING:
	case OPTK_UINT:
	case OPTK_DOUBLE:
	case OPTK_CHOICE:
	case OPTK_CALLBACK:
		if (o->kind == OPTK_CALLBACK && (o->flags & OPTF_NOARG))
			return ARG_NONE;
		return o->flags & OPTF_OPTARG ? ARG_OPTIONAL : ARG_REQUIRED;
	default:
		return ARG_NONE;
	}
}

static void print_row(const char *shrt, const char *prefix, const struct opt_desc *o,
		      int takes, const char *help)
{
	char left[80];
	const char *an = o->argname ? o->argname : "ARG";

	if (takes == ARG_REQUIRED)
		snprintf(left, sizeof(left), "%s--%s%s=%s", shrt, prefix, o->lng, an);
	else if (takes == ARG_OPTIONAL)
		snprintf(left, sizeof(left), "%s--%s%s[=%s]", shrt, prefix, o->lng, an);
	else
		snprintf(left, sizeof(left), "%s--%s%s", shrt, prefix, o->lng);
	printf("    %-30s %s\n", left, help ? help : "");
}

void options_print(const struct opt_desc *opts)
{
	for (; opts && opts->kind != OPTK_END; opts++) {
		char shrt[8] = "    ";

		if (opts->shrt)
			snprintf(shrt, sizeof(shrt), "-%c, ", opts->shrt);
		print_row(shrt, "", opts, opt_takes(opts), opts->help);
		if (opts->flags & OPTF_NEG)
			print_row("    ", "no-", opts, ARG_NONE, opts->neg_help);
	}
}

const struct usage_example *options_examples;

void options_print_examples(const struct usage_example *ex)
{
	if (!ex || !ex->cmd)
		return;
	printf("\nexamples:\n");
	for (; ex->cmd; ex++)
		printf("    %s\n        %s\n", ex->cmd, ex->what);
}

void options_usage(const char *usage, const struct opt_desc *opts)
{
	printf("usage: %s\n\n", usage);
	if (opts && opts->kind != OPTK_END)
		options_print(opts);
	printf("\n  guest and common options (before or after the command):\n");
	options_print(global_opts);
	options_print_examples(options_examples);
}

/* Whether a table before @upto (of @tables) has an option named @lng. */
static bool listed_before(const struct opt_desc *const *tables, size_t upto, const char *lng)
{
	for (size_t t = 0; t < upto; t++)
		for (const struct opt_desc *o = tables[t]; o && o->kind != OPTK_END; o++)
			if (!strcmp(o->lng, lng))
				return true;
	return false;
}

/* "--name[=] [-x]": the long name, '=' when a value follows, the short one. */
static void list_table(const struct opt_desc *const *tables, size_t t)
{
	for (const struct opt_desc *o = tables[t]; o && o->kind != OPTK_END; o++) {
		if (listed_before(tables, t, o->lng))
			continue;
		printf("--%s%s", o->lng, opt_takes(o) == ARG_REQUIRED ? "=" : "");
		if (o->shrt)
			printf(" -%c", o->shrt);
		printf("\n");
		if (o->flags & OPTF_NEG)
			printf("--no-%s\n", o->lng);
	}
}

void options_list(const struct opt_desc *const *tables, size_t nr)
{
	const struct opt_desc *const globals[] = { global_opts };

	for (size_t t = 0; t < nr; t++)
		list_table(tables, t);
	list_table(globals, 0);
}

/* ---- parsing ---- */

struct opt_parser {
	const char *usage;
	const struct opt_desc *tables[2];	/* the command's, the global ones */
	void *bases[2];
};

/* One option found: its row, the struct its value goes to, and its form. */
struct opt_hit {
	const struct opt_desc *o;
	void *base;
	bool unset;		/* --no-NAME */
	char name[72];		/* as the messages name it: "-F", "--freq" */
};

static void store_uint(void *field, size_t size, unsigned long long v)
{
	switch (size) {
	case 1: { unsigned char x = (unsigned char)v; memcpy(field, &x, 1); break; }
	case 2: { unsigned short x = (unsigned short)v; memcpy(field, &x, 2); break; }
	case 4: { unsigned int x = (unsigned int)v; memcpy(field, &x, 4); break; }
	case 8: memcpy(field, &v, 8); break;
	default: BUG_ON(1);
	}
}

static int bad_value(const struct opt_hit *h, const char *arg)
{
	pr_err("option '%s' wants %s, not '%s'", h->name, h->o->what ? h->o->what : "a value",
	       arg);
	return -1;
}

/* Gives the option @h the value @arg (NULL: none); 0 or -1 after a message. */
static int opt_apply(const struct opt_parser *p, const struct opt_hit *h, const char *arg)
{
	const struct opt_desc *o = h->o;
	char *field = (char *)h->base + o->offset;
	unsigned long long v;
	double d;

	switch (o->kind) {
	case OPTK_BOOL:
		store_uint(field, o->size, h->unset ? 0 : 1);
		return 0;
	case OPTK_SET:
		store_uint(field, o->size, (unsigned long long)o->value);
		return 0;
	case OPTK_COUNTER:
		(*(int *)(void *)field)++;
		return 0;
	case OPTK_STRING:
		if (o->flags & OPTF_LIST) {
			/* Kept from a global: the joined lists live as long as argv. */
			static char **joined;
			static size_t nr_joined;
			const char *old;

			memcpy(&old, field, sizeof(old));
			if (old) {
				joined = xrealloc(joined, (nr_joined + 1) * sizeof(*joined));
				joined[nr_joined] = xasprintf("%s,%s", old, arg);
				arg = joined[nr_joined++];
			}
		}
		memcpy(field, &arg, sizeof(arg));
		return 0;
	case OPTK_UINT:
		if (!arg) {
			store_uint(field, o->size, (unsigned long long)o->value);
			return 0;
		}
		if (parse_u64(arg, &v) || v < o->min || v > o->max ||
		    ((o->flags & OPTF_POW2) && (v & (v - 1))))
			return bad_value(h, arg);
		store_uint(field, o->size, v);
		return 0;
	case OPTK_DOUBLE:
		if (parse_double(arg, &d) || !(d <= o->dmax) ||
		    ((o->flags & OPTF_MIN_OPEN) ? !(d > o->dmin) : !(d >= o->dmin)))
			return bad_value(h, arg);
		memcpy(field, &d, sizeof(d));
		return 0;
	case OPTK_CHOICE:
		for (const struct opt_choice *c = o->choices; c->word; c++) {
			if (!strcmp(c->word, arg)) {
				store_uint(field, o->size, (unsigned long long)c->value);
				return 0;
			}
		}
		return bad_value(h, arg);
	case OPTK_CALLBACK:
		return o->cb(o, arg, h->unset, h->base) ? -1 : 0;
	case OPTK_HELP:
		options_usage(p->usage, p->tables[0]);
		exit(0);
	case OPTK_END:
		break;
	}
	BUG_ON(1);
	return -1;
}

/*
 * The option a long name (@len bytes of @name) is: an exact name, or
 * "no-NAME" of a negatable one, else the one option it is a prefix of.
 * Returns 0, or -1 after a message.
 */
static int find_long(const struct opt_parser *p, const char *name, size_t len,
		     struct opt_hit *h)
{
	struct opt_hit cand[2];
	int nr = 0;

	for (int pass = 0; pass < 2; pass++) {
		for (int t = 0; t < 2; t++) {
			for (const struct opt_desc *o = p->tables[t]; o && o->kind != OPTK_END; o++) {
				size_t n = strlen(o->lng);
				bool neg = (o->flags & OPTF_NEG) && len > 3 && !strncmp(name, "no-", 3);
				bool hit, nhit;

				if (!pass) {	/* exact */
					hit = n == len && !strncmp(name, o->lng, len);
					nhit = neg && n == len - 3 && !strncmp(name + 3, o->lng, n);
				} else {	/* a prefix */
					hit = len < n && !strncmp(name, o->lng, len);
					nhit = neg && len - 3 < n && !strncmp(name + 3, o->lng, len - 3);
				}
				if (!hit && !nhit)
					continue;
				if (nr < 2) {
					cand[nr].o = o;
					cand[nr].base = p->bases[t];
					cand[nr].unset = !hit;
				}
				nr++;
			}
		}
		if (nr == 1 || (!pass && nr))
			break;
		if (nr > 1) {
			pr_err("option '--%.*s' is ambiguous: --%s%s, --%s%s%s (see --help)",
			       (int)len, name, cand[0].unset ? "no-" : "", cand[0].o->lng,
			       cand[1].unset ? "no-" : "", cand[1].o->lng, nr > 2 ? ", ..." : "");
			return -1;
		}
	}
	if (!nr) {
		pr_err("unknown option '--%.*s' (see --help)", (int)len, name);
		return -1;
	}
	*h = cand[0];
	snprintf(h->name, sizeof(h->name), "--%s%s", h->unset ? "no-" : "", h->o->lng);
	return 0;
}

static int find_short(const struct opt_parser *p, int c, struct opt_hit *h)
{
	for (int t = 0; t < 2; t++) {
		for (const struct opt_desc *o = p->tables[t]; o && o->kind != OPTK_END; o++) {
			if (o->shrt == c) {
				h->o = o;
				h->base = p->bases[t];
				h->unset = false;
				snprintf(h->name, sizeof(h->name), "-%c", c);
				return 0;
			}
		}
	}
	pr_err("unknown option '-%c' (see --help)", c);
	return -1;
}

/* A global option needs somewhere to go. */
static int check_base(const struct opt_hit *h)
{
	if (h->base || h->o->kind == OPTK_HELP || h->o->cb == opt_verbose)
		return 0;
	pr_err("option '%s' is not taken here", h->name);
	return -1;
}

int options_parse(int argc, char **argv, const char *usage, const struct opt_desc *opts,
		  void *cmd_opts, struct guest_config *gc)
{
	struct opt_parser p = {
		.usage = usage,
		.tables = { opts, global_opts },
		.bases = { cmd_opts, gc },
	};
	int i;

	if (argc > 1 && !strcmp(argv[1], OPTIONS_LIST_OPTS)) {
		options_list(&opts, 1);
		exit(0);
	}
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		struct opt_hit h;

		if (a[0] != '-' || !a[1])
			break;		/* the first non-option, or "-" */
		if (!strcmp(a, "--"))
			return i + 1;
		if (a[1] == '-') {
			const char *name = a + 2, *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			int takes;

			if (find_long(&p, name, len, &h) || check_base(&h))
				return -1;
			takes = h.unset ? ARG_NONE : opt_takes(h.o);
			if (eq && takes == ARG_NONE) {
				pr_err("option '%s' takes no value", h.name);
				return -1;
			}
			if (!eq && takes == ARG_REQUIRED) {
				if (i + 1 >= argc) {
					pr_err("option '%s' needs a value", a);
					return -1;
				}
				if (opt_apply(&p, &h, argv[++i]))
					return -1;
				continue;
			}
			if (opt_apply(&p, &h, eq ? eq + 1 : NULL))
				return -1;
			continue;
		}
		/* -abc: flags together, the last may take a value: -F100, -F 100 */
		for (const char *c = a + 1; *c; c++) {
			int takes;

			if (find_short(&p, (unsigned char)*c, &h) || check_base(&h))
				return -1;
			takes = opt_takes(h.o);
			if (takes == ARG_NONE) {
				if (opt_apply(&p, &h, NULL))
					return -1;
				continue;
			}
			if (c[1]) {
				if (opt_apply(&p, &h, c + 1))
					return -1;
			} else if (takes == ARG_OPTIONAL) {
				if (opt_apply(&p, &h, NULL))
					return -1;
			} else if (i + 1 < argc) {
				if (opt_apply(&p, &h, argv[++i]))
					return -1;
			} else {
				pr_err("option '%s' needs a value", h.name);
				return -1;
			}
			break;
		}
	}
	return i;
}

int parse_u64(const char *s, unsigned long long *out)
{
	char *end;

	if (!s || !*s || *s == '-')
		return -EINVAL;
	errno = 0;
	*out = strtoull(s, &end, 0);
	if (errno || *end)
		return -EINVAL;
	return 0;
}

int parse_double(const char *s, double *out)
{
	char *end;

	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	*out = strtod(s, &end);
	if (errno || *end)
		return -EINVAL;
	return 0;
}

int parse_cpu_list(const char *s, bool *cpus, int max)
{
	const char *p = s;

	if (!s || !*s)
		return -EINVAL;
	memset(cpus, 0, (size_t)max * sizeof(*cpus));
	for (;;) {
		unsigned long a, b;
		char *end;

		if (*p < '0' || *p > '9')
			return -EINVAL;
		errno = 0;
		a = b = strtoul(p, &end, 10);
		if (*end == '-') {
			if (end[1] < '0' || end[1] > '9')
				return -EINVAL;
			b = strtoul(end + 1, &end, 10);
		}
		if (errno || (*end && *end != ','))
			return -EINVAL;
		if (a > b)
			return -EINVAL;
		if (b >= (unsigned long)max)
			return -ERANGE;
		for (; a <= b; a++)
			cpus[a] = true;
		if (!*end)
			return 0;
		p = end + 1;
	}
}
