// SPDX-License-Identifier: GPL-2.0
/*
 * pmukvm guest-symbols: a running guest's /proc/kallsyms and /proc/modules
 * read from its memory through the VM process, written as a --guestmount
 * tree (DIR/PID/proc/kallsyms, DIR/PID/proc/modules).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "builtin-kvm/builtin.h"
#include "util/err.h"
#include "util/guestmem.h"
#include "util/options.h"
#include "util/util.h"

struct gs_args {
	long long pid;
	const char *dir;
};

static const struct opt_desc gs_options[] = {
	OPT_PID('p', "pid", struct gs_args, pid, "the VM (QEMU) process"),
	OPT_STRING('o', "output", struct gs_args, dir, "DIR",
		   "write DIR/PID/proc/kallsyms and modules (default: the current directory)"),
	OPT_END
};

static const char gs_usage[] = "pmukvm guest-symbols -p PID [-o DIR]";

int cmd_guest_symbols(int argc, char **argv, struct guest_config *gc)
{
	struct gs_args a = { 0, "." };
	struct guest_kernel gk;
	struct err e = ERR_INIT;
	struct timespec t0, t1;
	int i, err, ret = 1;

	i = options_parse(argc, argv, gs_usage, gs_options, &a, gc);
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
	err = guest_kernel__read(&gk, a.pid, &e);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (err) {
		pr_err("cannot read the symbols of guest %lld from its memory: %s%s%s", a.pid, err__str(&e),
		       gk.layout ? "; tables: " : "", gk.layout ? gk.layout : "");
		goto out;
	}
	pr_debug("guest %lld: %s; %zu kernel symbols, %zu modules, %zu module symbols; "
		 "%llu MiB of guest memory read in %.3f s",
		 a.pid, gk.layout, gk.nr_core, gk.nr_mods, gk.nr_syms - gk.nr_core,
		 (unsigned long long)(gk.bytes_read >> 20),
		 (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	pr_debug("guest %lld: RAM %llu MiB, %llu MiB of it below 4 GiB; searched %s, %llu MiB",
		 a.pid, (unsigned long long)(gk.ram_size >> 20), (unsigned long long)(gk.lowmem >> 20),
		 gk.image_hi ? "the kernel image its page tables map" : "all RAM",
		 (unsigned long long)((gk.image_hi ? gk.image_hi - gk.image_lo : gk.ram_size) >> 20));
	if (gk.mod_err.code)
		pr_warning("guest %lld: modules not read: %s", a.pid, err__str(&gk.mod_err));
	err = guest_kernel__write_tree(&gk, a.dir, &e);
	if (err) {
		pr_err("%s", err__str(&e));
		goto out;
	}
	ret = 0;
out:
	guest_kernel__exit(&gk);
	return ret;
}
