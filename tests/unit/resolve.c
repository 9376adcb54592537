// SPDX-License-Identifier: GPL-2.0
/*
 * machines__resolve keeps what it resolved by (cpumode, pid, tid, ip):
 * a record that changes the model must make the next sample at the same
 * ip resolve again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/unit/unit.h"
#include "util/err.h"
#include "util/hist.h"
#include "util/kernel.h"
#include "util/machine.h"

/* An MMAP record: @file at [@start, @start + @len) of @pid (-1: the kernel's, @misc KERNEL). */
static void mmap_rec(struct machines *m, u16 misc, u32 pid, u64 start, u64 len, u64 pgoff,
		     const char *file)
{
	union {
		struct mmap_event ev;
		u8 bytes[sizeof(struct mmap_event) + 64];
	} u;

	memset(&u, 0, sizeof(u));
	u.ev.header.type = PERF_RECORD_MMAP;
	u.ev.header.misc = misc;
	u.ev.header.size = sizeof(u);
	u.ev.pid = u.ev.tid = pid;
	u.ev.start = start;
	u.ev.len = len;
	u.ev.pgoff = pgoff;
	strcpy(u.ev.filename, file);
	CHECK(machines__process_event(m, (union perf_event *)&u) == 0);
}

static void mmap_at(struct machines *m, u32 pid, u64 start, const char *file)
{
	mmap_rec(m, PERF_RECORD_MISC_USER, pid, start, 0x10000, 0, file);
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

/* A kernel map record for the host, _text at @text. */
static void kmap_at(struct machines *m, u64 text)
{
	mmap_rec(m, PERF_RECORD_MISC_KERNEL, (u32)-1, text, ~0ull - text, text,
		 "[kernel.kallsyms]_text");
}

static void comm_of(struct machines *m, u32 tid, const char *comm)
{
	union {
		struct comm_event ev;
		u8 bytes[sizeof(struct comm_event) + 32];
	} u;

	memset(&u, 0, sizeof(u));
	u.ev.header.type = PERF_RECORD_COMM;
	u.ev.header.size = sizeof(u);
	u.ev.pid = 1;
	u.ev.tid = tid;
	strcpy(u.ev.comm, comm);
	CHECK(machines__process_event(m, (union perf_event *)&u) == 0);
}

/*
 * The host's kallsyms read beside (machines.kernel_beside): kernel samples
 * resolved before machine__kernel_settle come out held, whatever the
 * reading thread has done by then; hists__hold keeps them and
 * hists__count_held counts them, once it is read, in the rows a machine
 * that waited for kallsyms counts them in: the same rows, counts,
 * periods and data object offsets (of each row's first sample), over
 * 500 functions, two data objects, a thread renamed, two CPUs and periods
 * that differ, for the default keys and pid,sym and cpu,sym. The holding
 * keeps at most 16,384 addresses: the next one is refused (the caller
 * waits then), a repeat is not. The holding side counts the others
 * through hists__add_cpu_later; with dso,sym, rows stamped as they are
 * made (hists.table_order, which report sets for other keys only),
 * periods of 1 and user samples among the held ones, its rows are made
 * in the order counting each sample at once makes them.
 */
void test_kernel_beside(void)
{
	enum { FUNCS = 3000, SAMPLES = 40000 };
	static const char *const orders[] = { "comm,dso,sym", "pid,sym", "cpu,sym", "dso,sym" };
	const u64 text = 0xffffffff81000000ull;
	char dir[64], *path, *ks, *p;
	size_t o, i;

	snprintf(dir, sizeof(dir), "/tmp/pmukvm-unit.XXXXXX");
	CHECK(mkdtemp(dir) != NULL);
	p = ks = malloc((FUNCS + 8) * 64);
	p += sprintf(p, "%016llx T _text\n", (unsigned long long)text);
	for (i = 0; i < FUNCS; i++)
		p += sprintf(p, "%016llx %c f%zu\n", (unsigned long long)(text + 0x100 * i + 0x100),
			     i == 700 || i == 2100 ? 'D' : 't', i);
	path = unit_write_file(dir, "kallsyms", ks);
	free(ks);
	for (o = 0; o < ARRAY_SIZE(orders); o++) {
		struct machines a, b;
		struct sort_order so;
		struct hists ha, hb;
		struct err err;
		u64 x = 777 + o;
		size_t held = 0, counted = 0, r;
		bool made_order = o == 3;
		int k;

		CHECK(sort_order__parse(&so, orders[o], &err) == 0);
		hists__init(&ha, &so);
		hists__init(&hb, &so);
		ha.table_order = hb.table_order = made_order;
		machines__init(&a, NULL);
		machines__init(&b, NULL);
		a.kallsyms_path = b.kallsyms_path = path;
		a.kernel_beside = true;
		kmap_at(&a, text);
		kmap_at(&b, text);
		for (i = 0; i < 3; i++) {
			comm_of(&a, (u32)i + 1, i == 2 ? "two" : "one");
			comm_of(&b, (u32)i + 1, i == 2 ? "two" : "one");
		}
		for (i = 0; i < SAMPLES; i++) {
			struct perf_sample s = { .cpumode = PERF_RECORD_MISC_KERNEL, .pid = 1 };
			struct addr_location la, lb;
			int cpu;

			x = x * 6364136223846793005ull + 1442695040888963407ull;
			s.tid = (u32)(x >> 60) % 3 + 1;
			cpu = (int)(x >> 50) & 1;
			s.period = made_order ? 1 : 1000 + ((x >> 30) & 0xff);
			/* mostly functions; now and then a data object at an offset */
			if ((x >> 20) % 50 == 0)
				s.ip = text + 0x100 * ((x >> 8) % 2 ? 701 : 2101) + ((x >> 12) & 0xf8);
			else
				s.ip = text + 0x100 * (1 + (x >> 24) % 500) + ((x >> 40) & 0x30);
			if (made_order && (x >> 16) % 4 == 0) {
				/* a user sample (no map: a row of its address), never held */
				s.cpumode = PERF_RECORD_MISC_USER;
				s.ip = 0x400000 + 0x40 * ((x >> 8) % 170);
			}
			if (i == SAMPLES / 3) {
				comm_of(&a, 3, "renamed");
				comm_of(&b, 3, "renamed");
			}
			if (i == SAMPLES / 2) {
				CHECK(machine__kernel_settle(&a, &a.host, true));
				counted = (size_t)hists__count_held(&ha, NULL);
			}
			machines__resolve(&a, &s, &la);
			machines__resolve(&b, &s, &lb);
			CHECK(!lb.held && la.held == (i < SAMPLES / 2 &&
						      s.cpumode == PERF_RECORD_MISC_KERNEL));
			if (la.held) {
				CHECK(hists__hold(&ha, &la, s.period, cpu, NULL));
				held++;
			} else {
				hists__add_cpu_later(&ha, &la, s.period, cpu);
			}
			hists__add_cpu(&hb, &lb, s.period, cpu, false);
		}
		hists__count_later(&ha);
		CHECK(counted == held && held > SAMPLES / 4);
		if (made_order) {
			/* made in the same order: the held rows where their first samples came */
			size_t na, nb;
			u32 *ia = hists__rows_made(&ha, &na), *ib = hists__rows_made(&hb, &nb);
			int bad = na != nb;

			for (r = 0; !bad && r < na; r++) {
				const struct hist_entry *e = hists__row(&ha, ia[r]);
				const struct hist_entry *f = hists__row(&hb, ib[r]);
				char eb[128], fb[128];

				sort_keys[SORT_SYM].snprint(e, eb, sizeof(eb));
				sort_keys[SORT_SYM].snprint(f, fb, sizeof(fb));
				bad = strcmp(eb, fb) != 0;
			}
			if (bad) {
				fprintf(stderr, "kernel beside, %s: rows made in another order (row %zu)\n",
					orders[o], r);
				unit_failures++;
			}
			free(ia);
			free(ib);
		}
		CHECK(ha.nr_entries == hb.nr_entries && ha.nr_samples == hb.nr_samples &&
		      ha.total_period == hb.total_period);
		for (i = 0; i < 8; i++)
			CHECK(ha.mode_samples[i] == hb.mode_samples[i]);
		/* the sorted rows one for one (the order is total: rows of equal period by their keys) */
		hists__sort(&ha);
		hists__sort(&hb);
		for (r = 0; r < hb.nr_entries && ha.nr_entries == hb.nr_entries; r++) {
			const struct hist_entry *e = hists__sorted(&hb, r), *f = hists__sorted(&ha, r);
			char eb[128], fb[128];

			/* printed alike: the pid key's command is the thread's last */
			for (k = 0; k < so.nr; k++) {
				sort_keys[so.keys[k]].snprint(e, eb, sizeof(eb));
				sort_keys[so.keys[k]].snprint(f, fb, sizeof(fb));
				if (strcmp(eb, fb))
					break;
			}
			if (k < so.nr || hist_entry__nr_samples(f) != hist_entry__nr_samples(e) ||
			    hist_entry__period(f) != hist_entry__period(e) ||
			    hist_entry__object_offset(f) != hist_entry__object_offset(e)) {
				fprintf(stderr, "kernel beside, %s: row %zu differs ('%s' vs '%s')\n",
					orders[o], r, fb, eb);
				unit_failures++;
				break;
			}
		}
		/* the bound: 16,384 addresses, then no more (a repeat still counts) */
		if (!o) {
			struct addr_location al = { .thread = NULL, .level = 'k',
						    .cpumode = PERF_RECORD_MISC_KERNEL };

			hists__drop_held(&ha);
			for (i = 0; i < 16384; i++) {
				al.addr = text + i;
				CHECK(hists__hold(&ha, &al, 1, 0, NULL));
			}
			al.addr = text + i;
			CHECK(!hists__hold(&ha, &al, 1, 0, NULL));
			al.addr = text + 5;
			CHECK(hists__hold(&ha, &al, 1, 0, NULL));
			hists__drop_held(&ha);
		}
		hists__exit(&ha);
		hists__exit(&hb);
		machines__exit(&a);
		machines__exit(&b);
	}
	unlink(path);
	free(path);
	rmdir(dir);
}
