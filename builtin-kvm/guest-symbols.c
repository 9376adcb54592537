// SPDX-License-Identifier: GPL-2.0
/*
 * pmukvm guest-symbols: a running guest's /proc/kallsyms and /proc/modules
 * read from its memory through the VM process, written as a --guestmount
 * tree (DIR/PID/proc/kallsyms, DIR/PID/proc/modules).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "builtin-kvm/builtin.h"
#include "util/guestmem.h"
#include "util/options.h"
#include "util/util.h"

enum {
	OPT_GS_PID = 'p',
	OPT_GS_OUTPUT = 'o',
};

static const struct opt_desc gs_options[] = {
	{ "pid", 'p', required_argument, "PID", "the VM (QEMU) process" },
	{ "output", 'o', required_argument, "DIR",
	  "write DIR/PID/proc/kallsyms and modules (default: the current directory)" },
	OPT_END
};

static const char gs_usage[] = "pmukvm guest-symbols -p PID [-o DIR]";

struct gs_args {
	long long pid;
	const char *dir;
};

static int gs_opt(int val, const char *arg, void *ctx)
{
	struct gs_args *a = ctx;
	unsigned long long v;

	switch (val) {
	case 'p':
		if (parse_u64(arg, &v) || v == 0 || v > 0x3fffffff) {
			pr_err("invalid pid '%s'", arg);
			return -EINVAL;
		}
		a->pid = v;
		return 0;
	case 'o':
		a->dir = arg;
		return 0;
	}
	return 0;
}

static int mkdir_p(const char *path)
{
	char buf[4096], *p;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

static int write_file(const char *dir, const char *name, const struct guest_kernel *gk,
		      int (*fn)(const struct guest_kernel *, FILE *))
{
	char path[4096], tmp[4200];
	FILE *f;
	int err;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f) {
		pr_err("cannot open '%s': %s", tmp, strerror(errno));
		return -1;
	}
	err = fn(gk, f);
	if (fclose(f) || err) {
		pr_err("cannot write '%s': %s", tmp, strerror(errno ? errno : EIO));
		remove(tmp);
		return -1;
	}
	if (rename(tmp, path)) {
		pr_err("cannot rename '%s' to '%s': %s", tmp, path, strerror(errno));
		remove(tmp);
		return -1;
	}
	return 0;
}

int cmd_guest_symbols(int argc, char **argv)
{
	struct gs_args a = { 0, "." };
	struct guest_kernel gk;
	struct timespec t0, t1;
	char dir[4096];
	int i, err, ret = 1;

	i = options_parse(argc, argv, gs_usage, gs_options, gs_opt, &a);
	if (i < 0)
		return 129;
	if (i < argc) {
		pr_err("guest-symbols takes no arguments ('%s')", argv[i]);
		return 129;
	}
	if (!a.pid) {
		pr_err("guest-symbols needs -p PID, the VM process");
		return 129;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = guest_kernel__read(&gk, a.pid);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (err) {
		pr_err("cannot read the symbols of guest %lld from its memory: %s", a.pid, gk.why);
		goto out;
	}
	pr_debug("guest %lld: %s; %zu kernel symbols, %zu modules, %zu module symbols; "
		 "%llu MiB of guest memory read in %.3f s",
		 a.pid, gk.layout, gk.nr_core, gk.nr_mods, gk.nr_syms - gk.nr_core,
		 (unsigned long long)(gk.bytes_read >> 20),
		 (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	if (gk.mod_why[0])
		pr_warning("guest %lld: modules not read: %s", a.pid, gk.mod_why);
	if (snprintf(dir, sizeof(dir), "%s/%lld/proc", a.dir, a.pid) >= (int)sizeof(dir)) {
		pr_err("output directory '%s' is too long", a.dir);
		goto out;
	}
	err = mkdir_p(dir);
	if (err) {
		pr_err("cannot create '%s': %s", dir, strerror(-err));
		goto out;
	}
	if (write_file(dir, "kallsyms", &gk, guest_kernel__write_kallsyms) ||
	    write_file(dir, "modules", &gk, guest_kernel__write_modules))
		goto out;
	ret = 0;
out:
	guest_kernel__exit(&gk);
	return ret;
}
