// SPDX-License-Identifier: GPL-2.0
/*
 * machines__resolve keeps what it resolved by (cpumode, pid, tid, ip):
 * a record that changes the model must make the next sample at the same
 * ip resolve again.
 */
#include <string.h>

#include "tests/unit/unit.h"
#include "util/machine.h"

static void mmap_at(struct machines *m, u32 pid, u64 start, const char *file)
{
	union {
		struct mmap_event ev;
		u8 bytes[sizeof(struct mmap_event) + 64];
	} u;

	memset(&u, 0, sizeof(u));
	u.ev.header.type = PERF_RECORD_MMAP;
	u.ev.header.misc = PERF_RECORD_MISC_USER;
	u.ev.header.size = sizeof(u);
	u.ev.pid = u.ev.tid = pid;
	u.ev.start = start;
	u.ev.len = 0x10000;
	strcpy(u.ev.filename, file);
	CHECK(machines__process_event(m, (union perf_event *)&u) == 0);
}

static const char *dso_at(struct machines *m, u32 pid, u64 ip)
{
	struct perf_sample s = { .ip = ip, .pid = pid, .tid = pid,
				 .cpumode = PERF_RECORD_MISC_USER };
	struct addr_location al;

	machines__resolve(m, &s, &al);
	return al.dso ? al.dso->long_name : "(none)";
}

void test_resolve_cache(void)
{
	struct machines m;
	int i;

	machines__init(&m, NULL);
	mmap_at(&m, 100, 0x400000, "/nonexistent/first");
	for (i = 0; i < 3; i++)
		CHECK_STR(dso_at(&m, 100, 0x400100), "/nonexistent/first");
	CHECK_STR(dso_at(&m, 100, 0x900000), "(none)");
	/* The same range mapped again: the same ip is another file now. */
	mmap_at(&m, 100, 0x400000, "/nonexistent/second");
	for (i = 0; i < 3; i++)
		CHECK_STR(dso_at(&m, 100, 0x400100), "/nonexistent/second");
	/* A map where there was none. */
	mmap_at(&m, 100, 0x900000, "/nonexistent/third");
	CHECK_STR(dso_at(&m, 100, 0x900000), "/nonexistent/third");
	/* Another process at the same ip is not the first one's. */
	mmap_at(&m, 200, 0x400000, "/nonexistent/other");
	CHECK_STR(dso_at(&m, 200, 0x400100), "/nonexistent/other");
	CHECK_STR(dso_at(&m, 100, 0x400100), "/nonexistent/second");
	machines__exit(&m);
}
