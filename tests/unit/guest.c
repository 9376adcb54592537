// SPDX-License-Identifier: GPL-2.0
/*
 * The guest files a data file carries (feature 200): what record packs,
 * the iterator and guest_files__load read back, entry by entry; and
 * payloads cut short or lying about a size end the walk or fail it, never
 * read past it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/unit/unit.h"
#include "util/guest.h"
#include "util/buf.h"
#include "util/writer.h"

static char dir[64];

static char *mkfile(const char *name, const char *text)
{
	return unit_write_file(dir, name, text);
}

/* One row per guest: its pid and files (NULL: none). */
static const struct carry_case {
	pid_t pid;
	const char *kallsyms;
	const char *modules;
} carry_cases[] = {
	{ 0, "ffffffff81000000 T _text\nffffffff81000100 T start_kernel\n",
	  "kvm 1000 0 - Live 0xffffffffc0000000\n" },
	{ 4100, "ffffffff82000000 T _text\n", NULL },
	{ 4200, NULL, "virtio_net 2000 0 - Live 0xffffffffc0100000\n" },
};

static void check_walk(const struct buf *fb)
{
	struct guest_files_iter it;
	struct guest_file f;
	size_t i, n = 0;
	int ret;

	guest_files__iter_init(&it, fb->data, fb->len);
	for (i = 0; i < ARRAY_SIZE(carry_cases); i++) {
		const struct carry_case *c = &carry_cases[i];
		u32 kind;

		for (kind = GUEST_FILE_KALLSYMS; kind <= GUEST_FILE_MODULES; kind++) {
			const char *text = kind == GUEST_FILE_KALLSYMS ? c->kallsyms : c->modules;
			char *out = NULL;
			size_t len = 0;

			if (!text)
				continue;
			ret = guest_files__next(&it, &f);
			CHECK(ret == 1);
			if (ret != 1)
				return;
			n++;
			CHECK(f.kind == kind && f.pid == c->pid);
			CHECK(f.offset % 8 == 0 && f.data == fb->data + f.offset + 16);
			/* The data is a gzip stream of the file. */
			CHECK(f.size > 2 && f.data[0] == 0x1f && f.data[1] == 0x8b);
			CHECK(guest_files__load(fb->data, fb->len, c->pid, kind, &out, &len) == 0);
			CHECK(out && len == strlen(text) && !memcmp(out, text, len));
			free(out);
		}
	}
	CHECK(n == 4);
	CHECK(guest_files__next(&it, &f) == 0);
	CHECK(guest_files__next(&it, &f) == 0);
}

void test_guest_files_round_trip(void)
{
	struct guest_machine machines[ARRAY_SIZE(carry_cases)];
	struct buf fb = { 0 }, cut = { 0 };
	struct guest_files_iter it;
	struct guest_file f;
	char *out = NULL, name[32];
	size_t i, len;
	u64 huge = ~0ull;

	snprintf(dir, sizeof(dir), "/tmp/pmukvm-unit.XXXXXX");
	CHECK(mkdtemp(dir) != NULL);
	for (i = 0; i < ARRAY_SIZE(carry_cases); i++) {
		machines[i].pid = carry_cases[i].pid;
		snprintf(name, sizeof(name), "k%zu", i);
		machines[i].kallsyms = carry_cases[i].kallsyms ?
				       mkfile(name, carry_cases[i].kallsyms) : NULL;
		snprintf(name, sizeof(name), "m%zu", i);
		machines[i].modules = carry_cases[i].modules ?
				      mkfile(name, carry_cases[i].modules) : NULL;
	}
	CHECK(guest_files__pack(machines, ARRAY_SIZE(machines), &fb) == 0);
	CHECK(fb.len % 8 == 0);
	check_walk(&fb);

	/* What is not there. */
	CHECK(guest_files__load(fb.data, fb.len, 4100, GUEST_FILE_MODULES, &out, &len) == -ENOENT);
	CHECK(guest_files__load(fb.data, fb.len, 1, GUEST_FILE_KALLSYMS, &out, &len) == -ENOENT);
	CHECK(guest_files__load(NULL, 0, 0, GUEST_FILE_KALLSYMS, &out, &len) == -ENOENT);
	guest_files__iter_init(&it, NULL, 100);
	CHECK(guest_files__next(&it, &f) == 0);

	/* Cut inside the last entry's data: it fails there, naming its offset. */
	buf__append(&cut, fb.data, fb.len - 9);
	guest_files__iter_init(&it, cut.data, cut.len);
	for (i = 0; i < 3; i++)
		CHECK(guest_files__next(&it, &f) == 1);
	len = f.offset + 16 + (size_t)PERF_ALIGN(f.size, 8);
	CHECK(guest_files__next(&it, &f) == -EINVAL && f.offset == len);
	CHECK(guest_files__load(cut.data, cut.len, 4200, GUEST_FILE_MODULES, &out, &len) == -EINVAL);
	/* Entries before the bad one still load. */
	CHECK(guest_files__load(cut.data, cut.len, 4100, GUEST_FILE_KALLSYMS, &out, &len) == 0);
	free(out);

	/* Fewer bytes than a header left: the walk ends. */
	cut.len = 0;
	buf__append(&cut, fb.data, fb.len);
	buf__append(&cut, "\1\0\0\0", 4);
	check_walk(&cut);

	/* A size that would wrap an offset. */
	memcpy(fb.data + 8, &huge, sizeof(huge));
	guest_files__iter_init(&it, fb.data, fb.len);
	CHECK(guest_files__next(&it, &f) == -EINVAL && f.offset == 0);

	/* The writer alone: header, bytes, padding. */
	cut.len = 0;
	guest_files__append(&cut, GUEST_FILE_MODULES, 7, "abc", 3);
	CHECK(cut.len == 16 + 8 && !memcmp(cut.data + 16, "abc\0\0\0\0\0", 8));
	guest_files__iter_init(&it, cut.data, cut.len);
	CHECK(guest_files__next(&it, &f) == 1 && f.pid == 7 && f.kind == GUEST_FILE_MODULES &&
	      f.size == 3 && !memcmp(f.data, "abc", 3));
	CHECK(guest_files__next(&it, &f) == 0);

	buf__free(&fb);
	buf__free(&cut);
	for (i = 0; i < ARRAY_SIZE(machines); i++) {
		if (machines[i].kallsyms)
			unlink(machines[i].kallsyms);
		if (machines[i].modules)
			unlink(machines[i].modules);
		free(machines[i].kallsyms);
		free(machines[i].modules);
	}
	rmdir(dir);
}
