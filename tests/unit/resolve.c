// SPDX-License-Identifier: GPL-2.0
/*
 * machines__resolve keeps what it resolved by (cpumode, pid, tid, ip):
 * a record that changes the model must make the next sample at the same
 * ip resolve again.
 */
#include <stdio.h>
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

/*
 * Maps laid over each other in random order (the insertion trims and
 * splits what they cover) against a page-by-page model of which mmap owns
 * each page: every page resolves to its owner's file, at its offset.
 */
void test_maps_overlay(void)
{
	enum { PAGES = 96, MMAPS = 300 };
	const u64 base = 0x10000000, page = 0x1000;
	int owner[PAGES];
	u64 starts[MMAPS], pgoffs[MMAPS];
	u64 seed = 99;
	struct machines m;
	int k, p;

	machines__init(&m, NULL);
	for (p = 0; p < PAGES; p++)
		owner[p] = -1;
	for (k = 0; k < MMAPS; k++) {
		union {
			struct mmap_event ev;
			u8 bytes[sizeof(struct mmap_event) + 32];
		} u;
		int first, len;

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		first = (int)((seed >> 33) % PAGES);
		len = 1 + (int)((seed >> 17) % 12);
		if (first + len > PAGES)
			len = PAGES - first;
		memset(&u, 0, sizeof(u));
		u.ev.header.type = PERF_RECORD_MMAP;
		u.ev.header.size = sizeof(u);
		u.ev.pid = u.ev.tid = 7;
		u.ev.start = starts[k] = base + (u64)first * page;
		u.ev.len = (u64)len * page;
		u.ev.pgoff = pgoffs[k] = (u64)k * 0x100000;
		snprintf(u.ev.filename, 32, "/nonexistent/f%d", k);
		CHECK(machines__process_event(&m, (union perf_event *)&u) == 0);
		for (p = first; p < first + len; p++)
			owner[p] = k;
		if (k % 10 && k != MMAPS - 1)
			continue;
		for (p = 0; p < PAGES; p++) {
			u64 ip = base + (u64)p * page + 0x123;
			struct perf_sample s = { .ip = ip, .pid = 7, .tid = 7,
						 .cpumode = PERF_RECORD_MISC_USER };
			struct addr_location al;
			char want[32];

			machines__resolve(&m, &s, &al);
			if (owner[p] < 0) {
				CHECK(al.dso == NULL);
				continue;
			}
			snprintf(want, sizeof(want), "/nonexistent/f%d", owner[p]);
			if (!al.dso || strcmp(al.dso->long_name, want) ||
			    al.addr != ip - starts[owner[p]] + pgoffs[owner[p]]) {
				fprintf(stderr, "after mmap %d: page %d: %s at %#llx, want %s at %#llx\n",
					k, p, al.dso ? al.dso->long_name : "(none)",
					(unsigned long long)al.addr, want,
					(unsigned long long)(ip - starts[owner[p]] + pgoffs[owner[p]]));
				unit_failures++;
				machines__exit(&m);
				return;
			}
		}
	}
	machines__exit(&m);
}

/* The frames of a user-space chain of @n ips, in process @pid. */
static size_t chain_at(struct machines *m, u32 pid, u64 context, const u64 *ips, size_t n,
		       struct callchain_frame *frames)
{
	u64 chain[8];
	struct perf_sample s = { .ip = ips[0], .pid = pid, .tid = pid, .cpumode = PERF_RECORD_MISC_USER,
				 .callchain = chain, .callchain_nr = n + 1 };

	chain[0] = context;
	memcpy(chain + 1, ips, n * sizeof(*ips));
	return machines__resolve_callchain(m, &s, frames, CALLCHAIN_MAX_FRAMES);
}

/*
 * Callchain frames are kept by (ip, mode, pid, tid) while the model holds:
 * a new mmap makes the same ips resolve again, another process's frames
 * at the same ips are its own, and the mode is part of what is kept.
 */
void test_resolve_callchain_cache(void)
{
	static const u64 ips[] = { 0x400100, 0x410200, 0x900000 };
	struct callchain_frame f[CALLCHAIN_MAX_FRAMES];
	struct machines m;
	int i;

	machines__init(&m, NULL);
	m.kallsyms_path = "/nonexistent/kallsyms";
	mmap_at(&m, 100, 0x400000, "/nonexistent/first");
	mmap_at(&m, 100, 0x410000, "/nonexistent/lib");
	for (i = 0; i < 3; i++) {
		CHECK(chain_at(&m, 100, PERF_CONTEXT_USER, ips, 3, f) == 3);
		CHECK(f[0].dso && !strcmp(f[0].dso->long_name, "/nonexistent/first"));
		CHECK(f[1].dso && !strcmp(f[1].dso->long_name, "/nonexistent/lib"));
		CHECK(!f[2].dso && f[2].addr == 0x900000 && f[2].ip == 0x900000);
		CHECK(f[0].level == '.' && f[0].cpumode == PERF_RECORD_MISC_USER);
	}
	/* The same ranges mapped again, and one where there was none. */
	mmap_at(&m, 100, 0x400000, "/nonexistent/second");
	mmap_at(&m, 100, 0x900000, "/nonexistent/third");
	CHECK(chain_at(&m, 100, PERF_CONTEXT_USER, ips, 3, f) == 3);
	CHECK(f[0].dso && !strcmp(f[0].dso->long_name, "/nonexistent/second"));
	CHECK(f[1].dso && !strcmp(f[1].dso->long_name, "/nonexistent/lib"));
	CHECK(f[2].dso && !strcmp(f[2].dso->long_name, "/nonexistent/third"));
	/* Another process at the same ips: its own maps. */
	mmap_at(&m, 200, 0x400000, "/nonexistent/other");
	CHECK(chain_at(&m, 200, PERF_CONTEXT_USER, ips, 3, f) == 3);
	CHECK(f[0].dso && !strcmp(f[0].dso->long_name, "/nonexistent/other"));
	CHECK(!f[1].dso && !f[2].dso);
	CHECK(chain_at(&m, 100, PERF_CONTEXT_USER, ips, 1, f) == 1);
	CHECK(f[0].dso && !strcmp(f[0].dso->long_name, "/nonexistent/second"));
	/* The same ip in kernel context is a kernel frame (no kernel map here). */
	for (i = 0; i < 2; i++) {
		CHECK(chain_at(&m, 100 + 100 * (u32)i, PERF_CONTEXT_KERNEL, ips, 1, f) == 1);
		CHECK(!f[0].dso && f[0].level == 'k' && f[0].cpumode == PERF_RECORD_MISC_KERNEL);
	}
	CHECK(chain_at(&m, 100, PERF_CONTEXT_USER, ips, 1, f) == 1);
	CHECK(f[0].dso && f[0].level == '.');
	machines__exit(&m);
}
