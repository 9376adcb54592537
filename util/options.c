// SPDX-License-Identifier: GPL-2.0
#include "util/options.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

struct guest_config guest_config;

const struct opt_desc global_opts[] = {
	{ "guestkallsyms", OPT_GUESTKALLSYMS, required_argument, "FILE",
	  "the default guest's /proc/kallsyms copy (plain or gzip)" },
	{ "guestmodules", OPT_GUESTMODULES, required_argument, "FILE",
	  "the default guest's /proc/modules copy (plain or gzip)" },
	{ "guestvmlinux", OPT_GUESTVMLINUX, required_argument, "FILE",
	  "the default guest's vmlinux (ELF symbols)" },
	{ "guestmount", OPT_GUESTMOUNT, required_argument, "DIR",
	  "per-guest files under DIR/<qemu-pid>/" },
	{ "guest", OPT_GUEST, no_argument, NULL,
	  "guest samples (alone: guest only)" },
	{ "host", OPT_HOST, no_argument, NULL, "host samples (alone: host only)" },
	{ "no-guest", OPT_NO_GUEST, no_argument, NULL,
	  "do not count guest samples" },
	{ "no-host", OPT_NO_HOST, no_argument, NULL,
	  "do not count host samples" },
	{ "verbose", 'v', no_argument, NULL, "more messages (repeatable)" },
	{ "help", 'h', no_argument, NULL, "show this help" },
	OPT_END
};

int global_option(int val, const char *arg)
{
	switch (val) {
	case OPT_GUESTKALLSYMS:
		guest_config.kallsyms = arg;
		return 1;
	case OPT_GUESTMODULES:
		guest_config.modules = arg;
		return 1;
	case OPT_GUESTVMLINUX:
		guest_config.vmlinux = arg;
		return 1;
	case OPT_GUESTMOUNT:
		guest_config.mount = arg;
		return 1;
	case OPT_GUEST:
		guest_config.guest = true;
		guest_config.guest_set = true;
		return 1;
	case OPT_NO_GUEST:
		guest_config.guest = false;
		guest_config.guest_set = true;
		return 1;
	case OPT_HOST:
		guest_config.host = true;
		guest_config.host_set = true;
		return 1;
	case OPT_NO_HOST:
		guest_config.host = false;
		guest_config.host_set = true;
		return 1;
	case 'v':
		verbose++;
		return 1;
	default:
		return 0;
	}
}

void guest_config__finish(void)
{
	/*
	 * Without --host/--guest (or their --no- forms) both count: a host
	 * user records the whole system. One of them alone decides the other
	 * too: --guest is guest only, --no-guest host only (and so on).
	 */
	if (!guest_config.guest_set && !guest_config.host_set)
		guest_config.guest = guest_config.host = true;
	else if (!guest_config.guest_set)
		guest_config.guest = !guest_config.host;
	else if (!guest_config.host_set)
		guest_config.host = !guest_config.guest;
}

bool guest_config__has_files(void)
{
	return guest_config.kallsyms || guest_config.modules || guest_config.vmlinux ||
	       guest_config.mount;
}

void guest_config__finish_view(void)
{
	/* perf kvm report's default: guest symbols given, guest samples only. */
	if (!guest_config.guest_set && !guest_config.host_set && guest_config__has_files()) {
		guest_config.guest = true;
		guest_config.guest_set = true;
	}
	guest_config__finish();
}

static void print_opts(const struct opt_desc *opts)
{
	for (; opts->lng; opts++) {
		char left[64];
		int n = 0;

		if (opts->val > 0 && opts->val < 256)
			n = snprintf(left, sizeof(left), "-%c, ", opts->val);
		else
			n = snprintf(left, sizeof(left), "    ");
		if (opts->has_arg == required_argument)
			snprintf(left + n, sizeof(left) - n, "--%s=%s", opts->lng,
				 opts->argname ? opts->argname : "ARG");
		else if (opts->has_arg == optional_argument)
			snprintf(left + n, sizeof(left) - n, "--%s[=%s]", opts->lng,
				 opts->argname ? opts->argname : "ARG");
		else
			snprintf(left + n, sizeof(left) - n, "--%s", opts->lng);
		printf("    %-30s %s\n", left, opts->help);
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
	if (opts && opts->lng)
		print_opts(opts);
	printf("\n  guest and common options (before or after the command):\n");
	print_opts(global_opts);
	options_print_examples(options_examples);
}

/* "--name[=] [-x]": the long name, '=' when a value follows, the short one. */
static void list_opts(const struct opt_desc *o)
{
	for (; o && o->lng; o++) {
		printf("--%s%s", o->lng, o->has_arg == required_argument ? "=" : "");
		if (o->val > 0 && o->val < 256)
			printf(" -%c", o->val);
		printf("\n");
	}
}

static size_t count_opts(const struct opt_desc *o)
{
	size_t n = 0;

	while (o && o[n].lng)
		n++;
	return n;
}

static void add_opts(struct option *lo, size_t *nlo, char *so, size_t *nso,
		     const struct opt_desc *o)
{
	for (; o && o->lng; o++) {
		lo[*nlo].name = o->lng;
		lo[*nlo].has_arg = o->has_arg;
		lo[*nlo].flag = NULL;
		lo[*nlo].val = o->val;
		(*nlo)++;
		if (o->val > 0 && o->val < 256) {
			so[(*nso)++] = (char)o->val;
			if (o->has_arg == required_argument)
				so[(*nso)++] = ':';
			else if (o->has_arg == optional_argument) {
				so[(*nso)++] = ':';
				so[(*nso)++] = ':';
			}
		}
	}
}

int options_parse(int argc, char **argv, const char *usage,
		  const struct opt_desc *opts,
		  int (*cb)(int val, const char *arg, void *ctx), void *ctx)
{
	size_t n = count_opts(opts) + count_opts(global_opts);
	struct option *lo = xcalloc(n + 1, sizeof(*lo));
	char *so = xcalloc(3 * n + 3, 1);
	size_t nlo = 0, nso = 0;
	int c, ret = -1;

	if (argc > 1 && !strcmp(argv[1], OPTIONS_LIST_OPTS)) {
		list_opts(opts);
		list_opts(global_opts);
		exit(0);
	}
	so[nso++] = '+';	/* stop at the first non-option */
	so[nso++] = ':';	/* report missing arguments as ':' */
	add_opts(lo, &nlo, so, &nso, opts);
	add_opts(lo, &nlo, so, &nso, global_opts);

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, so, lo, NULL)) != -1) {
		int r;

		if (c == '?') {
			if (optopt > 0 && optopt < 256)
				pr_err("unknown option '-%c' (see --help)", optopt);
			else
				pr_err("unknown option '%s' (see --help)",
				       argv[optind - 1]);
			goto out;
		}
		if (c == ':') {
			pr_err("option '%s' needs a value", argv[optind - 1]);
			goto out;
		}
		if (c == 'h') {
			options_usage(usage, opts);
			exit(0);
		}
		r = global_option(c, optarg);
		if (r < 0)
			goto out;
		if (r > 0)
			continue;
		r = cb(c, optarg, ctx);
		if (r < 0)
			goto out;
	}
	ret = optind;
out:
	free(lo);
	free(so);
	return ret;
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
