// SPDX-License-Identifier: GPL-2.0
/* Opening symbol files: regular files only, guest trees never left. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/unit/unit.h"
#include "util/util.h"

static char dir[64];

static void mk(const char *rel, const char *text)
{
	free(unit_write_file(dir, rel, text));
}

/* A symbolic link @rel -> @target, a directory, a FIFO: under dir. */
static void mklink(const char *target, const char *rel)
{
	char *p = xasprintf("%s/%s", dir, rel);

	CHECK(symlink(target, p) == 0);
	free(p);
}

static void mkdir_in(const char *rel)
{
	char *p = xasprintf("%s/%s", dir, rel);

	CHECK(mkdir(p, 0755) == 0);
	free(p);
}

static void mkfifo_in(const char *rel)
{
	char *p = xasprintf("%s/%s", dir, rel);

	CHECK(mkfifo(p, 0600) == 0);
	free(p);
}

static void rm_in(const char *rel, bool is_dir)
{
	char *p = xasprintf("%s/%s", dir, rel);

	CHECK((is_dir ? rmdir(p) : unlink(p)) == 0);
	free(p);
}

/* One row per case: a path inside the guest tree g/ and what it resolves to. */
static const struct resolve_case {
	const char *path;
	const char *want;	/* real path under the tree, or NULL for an error */
	int err;		/* the error with openat2 */
	const char *want_walk;	/* likewise without openat2: no link is followed */
	int err_walk;
} resolve_cases[] = {
	{ "proc/kallsyms",	"/proc/kallsyms", 0,	"/proc/kallsyms", 0 },
	{ "./proc//kallsyms",	"/proc/kallsyms", 0,	"/proc/kallsyms", 0 },
	{ "in",			"/proc/kallsyms", 0,	NULL, -ELOOP },	/* ->proc/kallsyms */
	{ "abs",		"/proc/kallsyms", 0,	NULL, -ELOOP },	/* ->/proc/kallsyms */
	{ "out",		NULL, -ENOENT,		NULL, -ELOOP },	/* ->../secret */
	{ "../secret",		NULL, -ENOENT,		NULL, -EXDEV },
	{ "lnkdir/kallsyms",	"/proc/kallsyms", 0,	NULL, -ELOOP },	/* ->/proc */
	{ "nothere",		NULL, -ENOENT,		NULL, -ENOENT },
};

static void check_resolve(bool walk)
{
	char *root = xasprintf("%s/g", dir);
	size_t i;

	file_open_without_openat2 = walk;
	for (i = 0; i < ARRAY_SIZE(resolve_cases); i++) {
		const struct resolve_case *c = &resolve_cases[i];
		const char *want = walk ? c->want_walk : c->want;
		int e = 0, want_err = walk ? c->err_walk : c->err;
		char *got = guest_tree__resolve(root, c->path, &e);

		if (want) {
			char *full = xasprintf("%s%s", root, want);

			CHECK_STR(got, full);
			free(full);
		} else {
			CHECK(!got);
			if (e != want_err)
				fprintf(stderr, "%s (%s): error %d, want %d\n", c->path,
					walk ? "walk" : "openat2", e, want_err);
			CHECK(e == want_err);
		}
		free(got);
	}
	file_open_without_openat2 = false;
	free(root);
}

void test_guest_files(void)
{
	char *p, *root, *real;
	int fd, e;

	snprintf(dir, sizeof(dir), "/tmp/pmukvm-unit.XXXXXX");
	CHECK(mkdtemp(dir) != NULL);
	mkdir_in("g");
	mkdir_in("g/proc");
	mk("g/proc/kallsyms", "ffffffff81000000 T _text\n");
	mk("secret", "the host's\n");
	mklink("proc/kallsyms", "g/in");
	mklink("/proc/kallsyms", "g/abs");
	mklink("../secret", "g/out");
	mklink("/proc", "g/lnkdir");
	mkfifo_in("g/proc/fifo");
	mklink("g", "glink");

	check_resolve(false);
	check_resolve(true);

	/* The tree's root may not be a link. */
	root = xasprintf("%s/glink", dir);
	CHECK(!guest_tree__resolve(root, "proc/kallsyms", &e) && e == -ELOOP);
	free(root);

	/* Regular files only: a FIFO neither blocks nor opens. */
	p = xasprintf("%s/g/proc/fifo", dir);
	CHECK(file__open_regular(p, 0) == -ENOTREG);
	free(p);
	p = xasprintf("%s/g/proc", dir);
	CHECK(file__open_regular(p, 0) == -EISDIR);
	free(p);
	CHECK(file__open_regular("/dev/null", 0) == -ENOTREG);
	p = xasprintf("%s/secret", dir);
	CHECK(file__open_regular(p, 4) == -EFBIG);
	fd = file__open_regular(p, 0);
	CHECK(fd >= 0);
	if (fd >= 0)
		close(fd);
	free(p);

	/* Under a guest tree (registered by resolving in it), no link is followed. */
	root = xasprintf("%s/g", dir);
	real = guest_tree__resolve(root, "proc/kallsyms", &e);
	CHECK(real != NULL);
	fd = real ? file__open_regular(real, 0) : -1;
	CHECK(fd >= 0);
	if (fd >= 0)
		close(fd);
	free(real);
	p = xasprintf("%s/in", root);
	CHECK(file__open_regular(p, 0) == -ELOOP);
	file_open_without_openat2 = true;
	CHECK(file__open_regular(p, 0) == -ELOOP);
	file_open_without_openat2 = false;
	free(p);
	free(root);
	CHECK_STR(file__strerror(-ENOTREG), "not a regular file (a FIFO, device or socket): refused");

	static const char *const files[] = { "g/proc/kallsyms", "g/proc/fifo", "g/in", "g/abs",
					     "g/out", "g/lnkdir", "glink", "secret" };
	for (size_t i = 0; i < ARRAY_SIZE(files); i++)
		rm_in(files[i], false);
	rm_in("g/proc", true);
	rm_in("g", true);
	CHECK(rmdir(dir) == 0);
}
