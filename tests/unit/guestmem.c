// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory's errors: what guest_kernel__read and
 * guest_kernel__write_tree say, and with which errno, when a process or a
 * directory is not there; and the tree a read guest gives.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/unit/unit.h"
#include "util/err.h"
#include "util/guestmem.h"
#include "util/util.h"

/* @dir/4242/proc/@name holds @want; removed after. */
static void check_proc_file(const char *dir, const char *name, const char *want)
{
	char *path = xasprintf("%s/4242/proc/%s", dir, name), *text = NULL;
	size_t len;

	CHECK(read_file_maybe_gz(path, 1 << 20, &text, &len) == 0);
	CHECK_STR(text, want);
	free(text);
	unlink(path);
	free(path);
}

/* A guest as guest_kernel__read leaves one: two symbols, one of a module. */
static void fake_guest(struct guest_kernel *gk)
{
	static const char names[] = "_text\0vfat_lookup";

	memset(gk, 0, sizeof(*gk));
	gk->pid = 4242;
	gk->fd = -1;
	gk->names = xmalloc(sizeof(names));
	memcpy(gk->names, names, sizeof(names));
	gk->names_len = sizeof(names);
	gk->syms = xcalloc(2, sizeof(*gk->syms));
	gk->syms[0] = (struct guest_sym){ 0xffffffff81000000ull, 'T', 0, -1 };
	gk->syms[1] = (struct guest_sym){ 0xffffffffc0001000ull, 't', 6, 0 };
	gk->nr_syms = 2;
	gk->nr_core = 1;
	gk->mods = xcalloc(1, sizeof(*gk->mods));
	strcpy(gk->mods[0].name, "vfat");
	gk->mods[0].base = 0xffffffffc0000000ull;
	gk->mods[0].size = 20480;
	gk->mods[0].refcnt = 1;
	strcpy(gk->mods[0].users, "-");
	strcpy(gk->mods[0].taints, "(OE)");
	gk->nr_mods = 1;
}

void test_guestmem_errors(void)
{
	char dir[] = "/tmp/pmukvm-unit-guestmem.XXXXXX", *p, *text;
	struct guest_kernel gk;
	struct err e = ERR_INIT;

	/* No such process: the errno and the file that could not be read. */
	CHECK(guest_kernel__read(&gk, 999999999, &e) == -ENOENT);
	CHECK(e.code == -ENOENT);
	CHECK_STR(err__str(&e), "cannot read /proc/999999999/maps: No such file or directory");
	CHECK(gk.mod_err.code == 0);
	guest_kernel__exit(&gk);
	CHECK(guest_kernel__read(&gk, 999999999, NULL) == -ENOENT);
	guest_kernel__exit(&gk);

	if (!mkdtemp(dir)) {
		CHECK(!"mkdtemp");
		return;
	}
	fake_guest(&gk);
	err__init(&e);
	CHECK(guest_kernel__write_tree(&gk, dir, &e) == 0);
	CHECK(e.code == 0);
	check_proc_file(dir, "kallsyms",
			"ffffffff81000000 T _text\nffffffffc0001000 t vfat_lookup\t[vfat]\n");
	check_proc_file(dir, "modules", "vfat 20480 1 - Live 0xffffffffc0000000 (OE)\n");

	/* A file where a directory must go: the directory named, ENOTDIR. */
	p = unit_write_file(dir, "file", "");
	CHECK(guest_kernel__write_tree(&gk, p, &e) == -ENOTDIR);
	CHECK(e.code == -ENOTDIR);
	text = xasprintf("cannot write '%s/4242/proc': Not a directory", p);
	CHECK_STR(err__str(&e), text);
	free(text);
	CHECK(guest_kernel__write_tree(&gk, p, NULL) == -ENOTDIR);
	unlink(p);
	free(p);
	guest_kernel__exit(&gk);

	p = xasprintf("%s/4242/proc", dir);
	rmdir(p);
	free(p);
	p = xasprintf("%s/4242", dir);
	rmdir(p);
	free(p);
	CHECK(rmdir(dir) == 0);
}
