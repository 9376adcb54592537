// SPDX-License-Identifier: GPL-2.0
/* Hists over a fake machine: grouping by sort keys, without a kernel. */
#include <elf.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "symbols/symtab.h"
#include "tests/unit/unit.h"
#include "ui/stdio.h"
#include "util/err.h"
#include "util/hist.h"
#include "util/machine.h"

void test_sort_parse(void)
{
	struct sort_order so;
	struct err err;

	CHECK(sort_order__parse(&so, "guest,vcpu,dso,sym", &err) == 0);
	CHECK(so.nr == 4 && so.keys[0] == SORT_GUEST && so.keys[3] == SORT_SYM);
	CHECK(sort_order__parse(&so, "comm,comm,dso", &err) == 0 && so.nr == 2);
	CHECK(sort_order__parse(&so, "comm,bogus", &err) != 0);
	CHECK(strstr(err.msg, "bogus") != NULL);
	CHECK(sort_order__parse(&so, "", &err) != 0);
}

void test_hists_grouping(void)
{
	struct symtab tab;
	struct dso dso_a = { .short_name = (char *)"liba.so" };
	struct dso dso_b = { .short_name = (char *)"libb.so" };
	struct thread t1 = { .pid = 1, .tid = 1, .comm = "one", .vcpu = -1 };
	struct thread t2 = { .pid = 1, .tid = 2, .comm = "CPU 0/KVM", .vcpu = 0 };
	struct sort_order so;
	struct hists h;
	struct err err;
	const struct {
		struct thread *t;
		struct dso *d;
		int sym;	/* index, -1 none */
		u64 addr;
	} samples[] = {
		{ &t1, &dso_a, 0, 0 }, { &t1, &dso_a, 0, 0 }, { &t1, &dso_a, 1, 0 },
		{ &t2, &dso_a, 0, 0 }, { &t2, &dso_b, -1, 0x10 }, { &t2, &dso_b, -1, 0x10 },
		{ &t2, &dso_b, -1, 0x20 },
	};
	static const struct { const char *sort; size_t rows; u64 top; } cases[] = {
		{ "comm,dso,sym", 5, 2 },
		{ "dso,sym", 4, 3 },
		{ "dso", 2, 4 },
		{ "comm", 2, 4 },
		{ "vcpu", 2, 4 },
	};
	size_t c, i;

	unit_symtab_funcs(&tab, (const char *const[]){ "f", "g" }, 2);
	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		CHECK(sort_order__parse(&so, cases[c].sort, &err) == 0);
		hists__init(&h, &so);
		for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
			struct addr_location al = {
				.thread = samples[i].t, .dso = samples[i].d,
				.sym = samples[i].sym >= 0 ? &tab.syms[samples[i].sym] : NULL,
				.addr = samples[i].addr, .level = '.', .cpumode = 2,
			};

			hists__add(&h, &al, 1);
		}
		hists__sort(&h);
		if (h.nr_entries != cases[c].rows ||
		    hist_entry__nr_samples(hists__sorted(&h, 0)) != cases[c].top) {
			fprintf(stderr, "sort %s: %zu rows (want %zu), top %lu (want %lu)\n",
				cases[c].sort, h.nr_entries, cases[c].rows,
				(unsigned long)hist_entry__nr_samples(hists__sorted(&h, 0)), (unsigned long)cases[c].top);
			unit_failures++;
		}
		CHECK(h.nr_samples == 7 && h.total_period == 7);
		hists__exit(&h);
	}
	symtab__exit(&tab);
}

void test_comm_vcpu(void)
{
	static const struct { const char *comm; int vcpu; } cases[] = {
		{ "CPU 0/KVM", 0 }, { "CPU 17/KVM", 17 }, { "CPU 3/KVMX", -1 },
		{ "qemu-system-x86", -1 }, { "CPU x/KVM", -1 }, { "CPU 1/TCG", -1 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK(comm__vcpu(cases[i].comm) == cases[i].vcpu);
}

void test_hists_same_name_dsos(void)
{
	/* Two files called "tool" hit at the same symbol address: one row, as perf. */
	struct symtab t1, t2;
	struct dso d1 = { .short_name = (char *)"tool", .name_hash = 7 };
	struct dso d2 = { .short_name = (char *)"tool", .name_hash = 7 };
	struct thread th = { .pid = 1, .tid = 1, .comm = "tool", .vcpu = -1 };
	struct sort_order so;
	struct hists h;
	struct err err;
	struct addr_location al = { .thread = &th, .level = '.', .cpumode = 2 };

	symtab__init(&t1);
	symtab__init(&t2);
	symtab__add(&t1, 0x100, 0x10, STB_GLOBAL, STT_FUNC, "f", 1);
	symtab__add(&t2, 0x100, 0x10, STB_GLOBAL, STT_FUNC, "f", 1);
	symtab__finish(&t1, false);
	symtab__finish(&t2, false);
	CHECK(sort_order__parse(&so, "comm,dso,sym", &err) == 0);
	hists__init(&h, &so);
	al.dso = &d1;
	al.sym = &t1.syms[0];
	hists__add(&h, &al, 1);
	al.dso = &d2;
	al.sym = &t2.syms[0];
	hists__add(&h, &al, 1);
	CHECK(h.nr_entries == 1);
	hists__exit(&h);
	symtab__exit(&t1);
	symtab__exit(&t2);
}

/*
 * Rows keyed by values a file chooses (addresses, tids, cpus), picked the
 * way that defeats unkeyed hashes: differing only in high bits, only in
 * multiples of a power of two, or cancelling in a sum. Each is a row of
 * its own, found again, and no bucket holds more than a few: the row hash
 * is keyed at random.
 */
void test_hists_adversarial_keys(void)
{
	enum { N = 40000 };
	static const struct { const char *sort; int shape; } cases[] = {
		{ "sym", 0 },		/* addresses apart in the high half only */
		{ "sym", 1 },		/* in the top 16 bits only */
		{ "comm,dso,sym", 2 },	/* the default keys' inlined path, likewise */
		{ "pid", 3 },		/* tids apart in the high 16 bits only */
		{ "cpu", 4 },		/* cpus 4096 apart */
		{ "tid,cpu", 5 },	/* tid + cpu the same for every row */
		{ "guest,vcpu,mode", 6 },	/* vcpus apart in the high bits */
	};
	/* a thread for each tid (a thread's tid never changes) */
	static struct thread ts[N];
	struct thread t = { .pid = 1, .tid = 1, .comm = "x", .vcpu = -1 };
	struct dso d = { .short_name = (char *)"d", .name_hash = 1 };
	size_t c, longest;
	int pass, i;

	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct sort_order so;
		struct hists h;
		struct err err;
		bool all_found = true;

		CHECK(sort_order__parse(&so, cases[c].sort, &err) == 0);
		hists__init(&h, &so);
		for (pass = 0; pass < 2; pass++) {
			for (i = 0; i < N; i++) {
				struct addr_location al = { .thread = &t, .dso = &d, .level = '.',
							    .cpumode = 2 };
				int cpu = 0;
				u64 u = (u64)i;

				switch (cases[c].shape) {
				case 0: al.addr = u << 32; break;
				case 1: al.addr = u << 48; break;
				case 2: al.addr = (u << 40) | 0x1000; break;
				case 3:
					ts[i] = t;
					ts[i].tid = (u32)(u << 16);
					al.thread = &ts[i];
					break;
				case 4: cpu = i * 4096; break;
				case 5:
					ts[i] = t;
					ts[i].tid = (u32)i;
					al.thread = &ts[i];
					cpu = -i;
					break;
				case 6: t.vcpu = i << 15; break;
				}
				hists__add_cpu(&h, &al, 1, cpu, false);
			}
		}
		longest = hists__longest_chain(&h);
		for (i = 0; i < N && all_found; i += 97) {
			struct hist_more more = { .vcpu = t.vcpu, .thread = &t };
			struct hist_entry key = { .comm = t.comm, .dso = &d, .level = '.',
						  .cpumode = 2, .more = &more };
			const struct hist_entry *he;
			u64 u = (u64)i;

			switch (cases[c].shape) {
			case 0: hist_entry__set_loc(&key, NULL, u << 32); break;
			case 1: hist_entry__set_loc(&key, NULL, u << 48); break;
			case 2: hist_entry__set_loc(&key, NULL, (u << 40) | 0x1000); break;
			case 3: more.thread = &ts[i]; break;
			case 4: more.cpu = i * 4096; break;
			case 5: more.thread = &ts[i]; more.cpu = -i; break;
			case 6: more.vcpu = i << 15; break;
			}
			he = hists__find(&h, &key);
			all_found = he && hist_entry__nr_samples(he) == 2;
		}
		if (h.nr_entries != N || !all_found || longest > 16 || h.nr_samples != 2 * N) {
			fprintf(stderr, "sort %s, shape %d: %zu rows (want %d), found %d, "
				"longest chain %zu\n", cases[c].sort, cases[c].shape,
				h.nr_entries, N, all_found, longest);
			unit_failures++;
		}
		hists__exit(&h);
		t.vcpu = -1;
	}
}

/*
 * The fast paths (the last row, the cache by symbol and comm) of the
 * default keys and of dso,sym against a count by hand: samples over many
 * rows in a scrambled order, some rows sharing cache slots, each counted
 * in its own row. With dso,sym the three commands' samples of a symbol
 * are one row. The same samples counted later (hists__add_cpu_later,
 * the waiting ones counted now and then and at the end) make the same
 * rows in the same order, with the same counts and totals.
 */
void test_hists_row_cache(void)
{
	enum { ROWS = 3000, SAMPLES = 60000 };
	static const char *const comms[] = { "a", "b", "c" };
	static const char *const orders[] = { "comm,dso,sym", "dso,sym" };
	static u32 want[ROWS];
	struct symtab tab;
	struct thread t[3];
	struct dso d = { .short_name = (char *)"d", .name_hash = 5 };
	struct sort_order so;
	struct hists h, direct[2];
	struct err err;
	int i, o, later;

	symtab__init(&tab);
	for (i = 0; i < ROWS / 6; i++) {
		char name[16];

		snprintf(name, sizeof(name), "f%d", i);
		symtab__add(&tab, 0x1000 + 0x40 * (u64)i, 0x40, STB_GLOBAL, STT_FUNC, name,
			    strlen(name));
	}
	symtab__finish(&tab, false);
	for (i = 0; i < 3; i++)
		t[i] = (struct thread){ .pid = 1, .tid = (u32)i + 1, .comm = comms[i], .vcpu = -1 };
	for (o = 0; o < 4; o++) {
		/* row r: comm r % 3 (dso,sym: none, the row is r / 3 * 3) */
		size_t nr_rows = 0;
		u64 x = 12345;
		int bad = 0;

		later = o >= 2;
		memset(want, 0, sizeof(want));
		CHECK(sort_order__parse(&so, orders[o % 2], &err) == 0);
		hists__init(&h, &so);
		for (i = 0; i < SAMPLES; i++) {
			/* symbol r / 3 for r / 3 < ROWS / 6, else an unresolved address */
			int r, s;
			struct addr_location al = { .dso = &d, .level = '.', .cpumode = 2 };

			x = x * 6364136223846793005ull + 1442695040888963407ull;
			r = (int)((x >> 33) % ROWS);
			/* runs of one row now and then, for the last-row path */
			if (i && (x >> 20) % 4 == 0)
				r = (int)(((x >> 40) % 7) * 13 % ROWS);
			s = r / 3;
			al.thread = &t[r % 3];
			if (s < ROWS / 6)
				al.sym = &tab.syms[s];
			else
				al.addr = 0x100000 + 0x1000 * (u64)s;
			want[o % 2 ? s * 3 : r]++;
			if (!later)
				hists__add_cpu(&h, &al, 1, 0, false);
			else
				hists__add_cpu_later(&h, &al, 1, 0);
			if (later && (x >> 24) % 997 == 0)
				hists__count_later(&h);	/* as a held sample does */
		}
		if (later)
			hists__count_later(&h);
		for (i = 0; i < ROWS; i++) {
			int s = i / 3;
			struct hist_entry key = { .comm = comms[i % 3], .dso = &d, .level = '.',
						  .cpumode = 2 };
			const struct hist_entry *he;

			if (o % 2 && i % 3)
				continue;	/* dso,sym: the row of i - i % 3 */
			if (s < ROWS / 6)
				hist_entry__set_loc(&key, &tab.syms[s], 0);
			else
				hist_entry__set_loc(&key, NULL, 0x100000 + 0x1000 * (u64)s);
			he = hists__find(&h, &key);
			nr_rows += want[i] != 0;
			if (want[i] ? !he || hist_entry__nr_samples(he) != want[i] : he != NULL)
				bad++;
		}
		if (later) {
			/* row by row, in the order they were made, as counted at once */
			for (i = 0; i < (int)h.nr_entries && i < (int)direct[o % 2].nr_entries; i++) {
				const struct hist_entry *a = hists__row(&h, (u32)i);
				const struct hist_entry *b = hists__row(&direct[o % 2], (u32)i);

				bad += a->comm != b->comm || hist_entry__sym(a) != hist_entry__sym(b) ||
				       hist_entry__addr(a) != hist_entry__addr(b) ||
				       hist_entry__nr_samples(a) != hist_entry__nr_samples(b);
			}
			bad += h.nr_entries != direct[o % 2].nr_entries ||
			       h.nr_samples != direct[o % 2].nr_samples ||
			       h.total_period != direct[o % 2].total_period || h.later_nr != 0;
			hists__exit(&direct[o % 2]);
		}
		if (bad || h.nr_entries != nr_rows) {
			fprintf(stderr, "row cache, %s%s: %d rows miscounted, %zu rows (want %zu)\n",
				orders[o % 2], later ? ", counted later" : "", bad, h.nr_entries,
				nr_rows);
			unit_failures++;
		}
		if (!later)
			direct[o] = h;	/* o + 2 compares with it */
		else
			hists__exit(&h);
	}
	symtab__exit(&tab);
}

/*
 * hists__sort and hists__sort_final: every row once, by period and then
 * by the keys, rows without a symbol by their address last (rows of
 * equal period are many here), for the default
 * keys' sort and the others', on input in every order; after hists__sort
 * the table it used as scratch is whole again: each row is found, and
 * samples added after it count in their rows. Rows of two modes have a
 * struct hist_more, which hists__exit frees after hists__sort_final too.
 */
void test_hists_sort_scratch(void)
{
	enum { ROWS = 5000 };
	static const char *const comms[] = { "a", "b", "c" };
	static const char *const orders[] = { "comm,dso,sym", "dso,sym,comm" };
	struct thread t[3];
	struct dso d = { .short_name = (char *)"d", .name_hash = 5 };
	struct sort_order so;
	struct hists h;
	struct err err;
	size_t o, i;
	int r, pass, shape, bad = 0;

	for (i = 0; i < 3; i++)
		t[i] = (struct thread){ .pid = 1, .tid = (u32)i + 1, .comm = comms[i], .vcpu = -1 };
	for (o = 0; o < 2 * sizeof(orders) / sizeof(orders[0]); o++)
	for (shape = 0; shape < 4; shape++) {
		bool final = o >= 2;

		CHECK(sort_order__parse(&so, orders[o % 2], &err) == 0);
		hists__init(&h, &so);
		for (pass = 0; pass < (final ? 1 : 2); pass++) {
			for (r = 0; r < ROWS; r++) {
				/*
				 * row r: comm r % 3, address r / 3; periods random from 1 to
				 * 7, rising, falling or all equal; a row's second pass the same
				 */
				struct addr_location al = { .thread = &t[r % 3], .dso = &d, .level = '.',
							    .cpumode = 2, .addr = 0x1000 + 0x10 * (u64)(r / 3) };
				u64 period = shape == 0 ? (u64)(r * 7919 % 7) + 1 :
					     shape == 1 ? (u64)r + 1 : shape == 2 ? (u64)(ROWS - r) : 3;

				hists__add_cpu(&h, &al, period, 0, false);
				if (r % 97 == 0) {
					al.cpumode = 1;	/* a second mode: a struct hist_more */
					hists__add_cpu(&h, &al, 0, 0, false);
				}
			}
			if (final)
				hists__sort_final(&h);
			else
				hists__sort(&h);
			if (h.nr_entries != ROWS)
				bad++;
			for (i = 0; i < h.nr_entries; i++) {
				const struct hist_entry *a = hists__sorted(&h, i), *b = i ? hists__sorted(&h, i - 1) : NULL;
				int c = b ? strcmp(b->comm, a->comm) : 0;

				if ((!final && hists__find(&h, a) != a) ||
				    (!a->more && hist_entry__nr_samples(a) != (u64)pass + 1) ||
				    (a->more && hist_entry__nr_samples(a) < (u64)pass + 1))
					bad++;
				if (!b || hist_entry__period(b) != hist_entry__period(a)) {
					bad += b && hist_entry__period(b) < hist_entry__period(a);
					continue;
				}
				/*
				 * equal periods: by comm, then address; for dso,sym,comm
				 * too, as perf's sort calls two rows without a symbol
				 * equal and goes on to the next key (the addresses last)
				 */
				if (c > 0 || (!c && hist_entry__addr(b) >= hist_entry__addr(a)))
					bad++;
			}
		}
		hists__exit(&h);
	}
	if (bad) {
		fprintf(stderr, "sort: %d rows out of place or lost\n", bad);
		unit_failures++;
	}
}

/*
 * hists__sort_final's counting sort by prefixes of the rows' places
 * (util/row-prefix.c) gives hists__sort's order, the compares', on the
 * default keys: comms, two DSOs of one name and rows of none, symbols of one name at several addresses and
 * rows of none, user and kernel addresses (the top half first), periods
 * all equal, few, past 32 bits and too many to rank (a coarse period ends
 * the prefix), and too many symbols to rank (the prefix ends before them).
 */
void test_hists_sort_prefix(void)
{
	enum { ROWS = 60000, SYMS = 4000 };
	/* interned, as a machine's comms are: one pointer a name */
	static const char *const comms[] = { "alpha", "beta", "alphabet", "a", "zz", "" };
	struct dso dsos[4] = {
		{ .short_name = (char *)"libx.so", .name_hash = 1 },
		{ .short_name = (char *)"libx.so", .name_hash = 1 },
		{ .short_name = (char *)"a", .name_hash = 3 },
		{ .short_name = (char *)"[kernel.kallsyms]", .name_hash = 4 },
	};
	struct thread t[6];
	struct symtab tab;
	struct sort_order so;
	struct err err;
	char name[16];
	int shape, bad = 0;
	size_t i;

	symtab__init(&tab);
	for (i = 0; i < SYMS; i++) {
		int len = snprintf(name, sizeof(name), "s%zu", i % 2500);

		symtab__add(&tab, 0x1000 + 0x10 * (u64)i, 0x10, STB_GLOBAL, STT_FUNC, name,
			    (size_t)len);
	}
	symtab__finish(&tab, false);
	for (i = 0; i < 6; i++)
		t[i] = (struct thread){ .pid = 1, .tid = (u32)i + 1, .comm = comms[i], .vcpu = -1 };
	CHECK(sort_order__parse(&so, "comm,dso,sym", &err) == 0);
	for (shape = 0; shape < 5; shape++) {
		struct hists h[2];
		u64 x = 12345 + (u64)shape;
		int r;

		hists__init(&h[0], &so);
		hists__init(&h[1], &so);
		for (r = 0; r < ROWS; r++) {
			struct addr_location al = { .level = '.', .cpumode = 2 };
			u64 period, v;

			x = x * 6364136223846793005ull + 1442695040888963407ull;
			v = x >> 16;
			al.thread = &t[v % 6];
			al.dso = v / 6 % 8 ? &dsos[v / 48 % 4] : NULL;
			if (al.dso && v / 192 % 2)
				al.sym = &tab.syms[v / 384 % (shape == 4 ? SYMS : 64)];
			else
				al.addr = v / 384 % 3 ? (v >> 20) % 0x100000 :
					  0xffffffff81000000ull + (v >> 24) % 0x100000;
			period = shape == 0 ? 7 : shape == 1 || shape == 4 ? 1 + (v >> 30) % 5 :
				 shape == 2 ? 0x100000000ull * ((v >> 30) % 3) + (v >> 33) % 4 :
				 1 + (x >> 20);
			hists__add_cpu(&h[0], &al, period, 0, false);
			hists__add_cpu(&h[1], &al, period, 0, false);
		}
		hists__sort(&h[0]);
		hists__sort_final(&h[1]);
		/* enough rows for the prefix's sort (hist.c's ROW_PREFIX_MIN_ROWS) */
		if (h[0].nr_entries != h[1].nr_entries || h[0].nr_entries < 1u << 14)
			bad++;
		for (i = 0; i < h[0].nr_entries && i < h[1].nr_entries; i++) {
			const struct hist_entry *a = hists__sorted(&h[0], i), *b = hists__sorted(&h[1], i);

			if (a->comm != b->comm || a->dso != b->dso ||
			    hist_entry__sym(a) != hist_entry__sym(b) ||
			    hist_entry__addr(a) != hist_entry__addr(b) ||
			    hist_entry__period(a) != hist_entry__period(b)) {
				if (!bad++)
					fprintf(stderr, "sort by prefix, shape %d: row %zu differs\n",
						shape, i);
			}
		}
		hists__exit(&h[0]);
		hists__exit(&h[1]);
	}
	if (bad) {
		fprintf(stderr, "sort by prefix: %d rows out of the compares' order\n", bad);
		unit_failures++;
	}
	symtab__exit(&tab);
}

/*
 * hists__rows_made: with track_made, the rows in the order they were
 * made, also where the decay dropped older rows and new ones took their
 * indices (the index order puts those first); without it, by index.
 */
void test_hists_rows_made(void)
{
	struct thread t = { .pid = 1, .tid = 1, .comm = "x", .vcpu = -1 };
	struct dso d = { .short_name = (char *)"d", .name_hash = 3 };
	struct sort_order so;
	struct hists h;
	struct err err;
	size_t n, i;
	u32 *idx;
	int bad = 0;

	CHECK(sort_order__parse(&so, "comm,dso,sym", &err) == 0);
	hists__init(&h, &so);
	h.track_made = true;
	/* rows 0..9: the even ones of period 1 (the decay drops them), the odd of 64 */
	for (i = 0; i < 10; i++) {
		struct addr_location al = { .thread = &t, .dso = &d, .addr = 0x1000 + i,
					    .level = '.', .cpumode = 2 };

		hists__add(&h, &al, i % 2 ? 64 : 1);
	}
	hists__decay(&h);
	CHECK(h.nr_entries == 5);
	/* five new rows take the five freed indices */
	for (i = 0; i < 5; i++) {
		struct addr_location al = { .thread = &t, .dso = &d, .addr = 0x2000 + i,
					    .level = '.', .cpumode = 2 };

		hists__add(&h, &al, 8);
	}
	idx = hists__rows_made(&h, &n);
	CHECK(n == 10);
	for (i = 0; i < n; i++) {
		const struct hist_entry *he = hists__row(&h, idx[i]);
		u64 want = i < 5 ? 0x1000 + 2 * i + 1 : 0x2000 + i - 5;

		bad += hist_entry__addr(he) != want;
	}
	CHECK(bad == 0);
	free(idx);
	/* untracked: by index */
	h.track_made = false;
	idx = hists__rows_made(&h, &n);
	for (i = 1; i < n; i++)
		bad += idx[i - 1] >= idx[i];
	CHECK(bad == 0);
	free(idx);
	hists__exit(&h);
}

/*
 * top's decay drops rows that reach zero; their memory goes to the next
 * new rows. A sample of a dropped row's fields makes a row in the table
 * again (not one counted off it through the last row or the cache).
 */
void test_hists_decay_reuse(void)
{
	struct thread t = { .pid = 1, .tid = 1, .comm = "x", .vcpu = -1 };
	struct dso d = { .short_name = (char *)"d", .name_hash = 3 };
	struct sort_order so;
	struct hists h;
	struct err err;
	int i, bad = 0;

	CHECK(sort_order__parse(&so, "comm,dso,sym", &err) == 0);
	hists__init(&h, &so);
	for (i = 0; i < 100; i++) {
		struct addr_location al = { .thread = &t, .dso = &d, .addr = 0x1000 + (u64)i,
					    .level = '.', .cpumode = 2 };

		hists__add(&h, &al, 1);
	}
	CHECK(h.nr_entries == 100);
	hists__decay(&h);
	CHECK(h.nr_entries == 0 && h.total_period == 0);
	for (i = 0; i < 300; i++) {
		struct addr_location al = { .thread = &t, .dso = &d,
					    .addr = 0x1000 + (u64)(i % 150), .level = '.',
					    .cpumode = 2 };

		hists__add(&h, &al, 8);
	}
	CHECK(h.nr_entries == 150 && h.total_period == 2400);
	for (i = 0; i < 150; i++) {
		struct hist_entry key = { .comm = t.comm, .dso = &d, .level = '.', .cpumode = 2 };
		const struct hist_entry *he;

		hist_entry__set_loc(&key, NULL, 0x1000 + (u64)i);
		he = hists__find(&h, &key);

		if (!he || hist_entry__nr_samples(he) != 2 || hist_entry__period(he) != 16)
			bad++;
	}
	CHECK(bad == 0);
	hists__exit(&h);
}

/*
 * A row's period by mode: kept as the row's mode alone until a sample of
 * another mode comes (any sort without sym or mode), then split; the
 * split survives regrouping and decays with the row.
 */
void test_hists_mode_split(void)
{
	static const u8 modes[] = { PERF_RECORD_MISC_KERNEL, PERF_RECORD_MISC_USER,
				    PERF_RECORD_MISC_GUEST_KERNEL, PERF_RECORD_MISC_GUEST_USER };
	struct thread t = { .pid = 1, .tid = 1, .comm = "x", .vcpu = -1 };
	struct sort_order so, by_mode;
	struct hists h, v;
	struct err err;
	const struct hist_entry *he;
	size_t i;

	CHECK(sort_order__parse(&so, "comm", &err) == 0);
	hists__init(&h, &so);
	{
		struct addr_location al = { .thread = &t, .level = 'k', .cpumode = modes[0] };

		hists__add(&h, &al, 100);
		he = h.last;
		CHECK(he && !he->more);
		CHECK(hist_entry__mode_period(he, modes[0]) == 100);
		CHECK(hist_entry__mode_period(he, modes[1]) == 0);
		al.cpumode = modes[1];
		hists__add(&h, &al, 30);
		al.cpumode = PERF_RECORD_MISC_HYPERVISOR;	/* in no column */
		hists__add(&h, &al, 5);
		al.cpumode = modes[0];
		hists__add(&h, &al, 8);
	}
	CHECK(h.nr_entries == 1 && hist_entry__period(he) == 143 && he->more && he->more->modes);
	CHECK(hist_entry__mode_period(he, modes[0]) == 108);
	CHECK(hist_entry__mode_period(he, modes[1]) == 30);
	CHECK(hist_entry__mode_period(he, modes[2]) == 0);
	CHECK(hist_entry__mode_period(he, PERF_RECORD_MISC_HYPERVISOR) == 0);
	/* regrouped under another sort, as the browser does: the split comes along */
	CHECK(sort_order__parse(&by_mode, "pid", &err) == 0);
	hists__init(&v, &by_mode);
	{
		const struct hist_entry *row = hists__add_entry(&v, he);

		CHECK(v.nr_entries == 1 && row != he && hist_entry__period(row) == 143);
		for (i = 0; i < ARRAY_SIZE(modes); i++)
			CHECK(hist_entry__mode_period(row, modes[i]) ==
			      hist_entry__mode_period(he, modes[i]));
	}
	hists__exit(&v);
	hists__decay(&h);
	CHECK(hist_entry__mode_period(he, modes[0]) == 108 * 7 / 8);
	CHECK(hist_entry__mode_period(he, modes[1]) == 30 * 7 / 8);
	CHECK(hist_entry__period(he) == 143 * 7 / 8);
	hists__exit(&h);
}

/*
 * A row's layout: 56 bytes, what only -g, --children, --hierarchy, the
 * pid/tid/guest/vcpu/cpu/srcline keys, rows of two modes and sample
 * counts past 32 bits use behind one pointer (struct hist_more), made
 * only for the rows that need it.
 */
void test_hists_row_layout(void)
{
	struct thread t = { .pid = 1, .tid = 1, .comm = "x", .vcpu = 3 };
	struct addr_location al = { .thread = &t, .level = '.', .cpumode = 2, .addr = 0x1000 };
	struct sort_order so;
	struct hists h, v;
	struct err err;
	struct hist_entry *he, *child;

	CHECK(sizeof(struct hist_entry) <= 48);
	/* 88: the first sample's thread (the pid key's tid and last command), the time key's slice */
	CHECK(sizeof(struct hist_more) <= 88);

	/* the default keys: no struct hist_more, its fields read as none */
	CHECK(sort_order__parse(&so, "comm,dso,sym", &err) == 0);
	hists__init(&h, &so);
	he = hists__add_cpu(&h, &al, 10, 5, false);
	CHECK(he && !he->more);
	CHECK(!hist_entry__callchain(he) && !hist_entry__period_acc(he) &&
	      !hist_entry__nr_children(he) && !hist_entry__machine(he) &&
	      !hist_entry__srcline(he) && hist_entry__vcpu(he) == -1 &&
	      hist_entry__cpu(he) == -1 && hist_entry__nr_samples(he) == 1);

	/* --children: the total goes in a struct hist_more made then */
	CHECK(hists__add_cumulative(&h, he, 7) == he && he->more);
	CHECK(hist_entry__period_acc(he) == 7 && hist_entry__nr_samples(he) == 1);

	/* -g: the paths hang off it too */
	CHECK(hist_entry__callchain_p(he) == &he->more->callchain && !hist_entry__callchain(he));

	/* past 32 bits, the sample count carries into it */
	he->samples_lo = UINT32_MAX;
	hists__add_cpu(&h, &al, 1, 5, false);
	CHECK(he->samples_lo == 0 && hist_entry__nr_samples(he) == (u64)UINT32_MAX + 1);
	hists__add_cpu(&h, &al, 1, 5, false);
	CHECK(hist_entry__nr_samples(he) == (u64)UINT32_MAX + 2);

	/* regrouped, the count and the children total come along whole */
	CHECK(sort_order__parse(&so, "dso", &err) == 0);
	hists__init(&v, &so);
	child = hists__add_entry(&v, he);
	CHECK(child && hist_entry__nr_samples(child) == (u64)UINT32_MAX + 2 &&
	      hist_entry__period_acc(child) == 7 && v.nr_samples == (u64)UINT32_MAX + 2);

	/* --hierarchy: rows one key finer hang under a row */
	hist_entry__add_child(child, he);
	CHECK(hist_entry__nr_children(child) == 1 && hist_entry__child(child, 0) == he);
	hists__exit(&v);
	hists__exit(&h);

	/* keys comparing the fields it holds: every row has one, set */
	CHECK(sort_order__parse(&so, "cpu,vcpu", &err) == 0);
	hists__init(&h, &so);
	he = hists__add_cpu(&h, &al, 10, 5, false);
	CHECK(he && he->more && hist_entry__cpu(he) == 5 && hist_entry__vcpu(he) == 3 &&
	      !hist_entry__machine(he) && !hist_entry__period_acc(he));
	CHECK(hists__add_cpu(&h, &al, 10, 6, false) != he && h.nr_entries == 2);
	hists__exit(&h);
}

/*
 * The row printing's own formatters give what snprintf gives: shares
 * (those near a half and exact ties included), unresolved and resolved
 * symbols, every buffer length down to none.
 */
void test_hists_print_formats(void)
{
	static const int widths[] = { 0, 1, 5, 6, 7 };
	static const double ties[] = { 0.125, 0.375, 50.005, 0.005, 12.345, 99.995, 100.0, 0 };
	struct symtab tab;
	struct thread t = { .pid = 1, .tid = 1, .comm = "a-command", .vcpu = -1 };
	char want[64], got[64];
	u64 part, total, x = 0x9e3779b97f4a7c15ull;
	size_t i, w, len, bad = 0;

	for (total = 1; total < 700; total += 7)
		for (part = 0; part <= total; part++)
			for (w = 0; w < ARRAY_SIZE(widths); w++) {
				double v = percent(part, total);
				int a = snprintf(want, sizeof(want), "%*.2f%%", widths[w], v);
				int b = percent__snprint(got, sizeof(got), widths[w], v);

				bad += a != b || strcmp(want, got);
			}
	for (i = 0; i < 200000; i++) {
		double v;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		v = percent(x >> (x & 31), (x >> (x & 31)) + (x >> 40));
		for (len = 0; len < 12; len += 11) {
			int a = snprintf(want, len ? len : 1, "%*.2f%%", 6, v);
			int b = percent__snprint(got, len ? len : 1, 6, v);

			bad += a != b || strcmp(want, got);
		}
	}
	for (i = 0; i < ARRAY_SIZE(ties); i++) {
		int a = snprintf(want, sizeof(want), "%*.2f%%", 6, ties[i]);
		int b = percent__snprint(got, sizeof(got), 6, ties[i]);

		bad += a != b || strcmp(want, got);
	}
	/*
	 * Shares near a half: k in 2,000, 20,000 and 200,000, and the exact
	 * ties (2i + 1) / 8, with the doubles on either side of each.
	 */
	for (total = 2000; total <= 200000; total *= 10)
		for (part = 1; part <= total; part += part < 1000 ? 1 : 997) {
			double v = percent(part, total);
			double near[3] = { nextafter(v, 0), v, nextafter(v, 200) };

			for (w = 0; w < 3; w++) {
				int a = snprintf(want, sizeof(want), "%*.2f%%", 6, near[w]);
				int b = percent__snprint(got, sizeof(got), 6, near[w]);

				bad += a != b || strcmp(want, got);
			}
		}
	for (i = 0; i < 4096; i++) {
		double v = ldexp((double)(2 * i + 1), -3);	/* x.125, x.375, ...: ties */
		double near[3] = { nextafter(v, 0), v, nextafter(v, 2000) };

		for (w = 0; w < 3; w++) {
			int a = snprintf(want, sizeof(want), "%*.2f%%", 6, near[w]);
			int b = percent__snprint(got, sizeof(got), 6, near[w]);

			bad += a != b || strcmp(want, got);
		}
	}
	CHECK(!bad);

	symtab__init(&tab);
	symtab__add(&tab, 0x1000, 0x10, STB_GLOBAL, STT_FUNC, "a_function_name", 15);
	symtab__finish(&tab, false);
	bad = 0;
	for (i = 0; i < 3000; i++) {
		struct hist_entry he = { .comm = t.comm, .level = i & 1 ? 'k' : '.', .cpumode = 2 };

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		hist_entry__set_loc(&he, i % 5 == 0 ? &tab.syms[0] : NULL,
				    i % 3 == 0 ? 0 : x >> (x & 63));
		if (hist_entry__sym(&he))
			snprintf(want, sizeof(want), "[%c] %s", he.level,
				 symbol__name(hist_entry__sym(&he)));
		else if (!hist_entry__addr(&he))
			snprintf(want, sizeof(want), "[%c] %016x", he.level, 0);
		else
			snprintf(want, sizeof(want), "[%c] %#018" PRIx64, he.level,
				 hist_entry__addr(&he));
		for (len = 0; len < 30; len++) {
			int a = (int)strlen(want), b;
			size_t end = (size_t)a < len ? (size_t)a : len - 1;

			memset(got, 'x', sizeof(got));
			b = hist_entry__snprint_key(&he, SORT_SYM, got, len);
			bad += a != b || (len && (strncmp(got, want, end) || got[end]));
			bad += len < sizeof(got) && got[len] != 'x';
			b = hist_entry__snprint_key(&he, SORT_COMM, got, len);
			end = strlen(t.comm) < len ? strlen(t.comm) : len - 1;
			bad += b != (int)strlen(t.comm) || (len && (strncmp(got, t.comm, end) || got[end]));
		}
	}
	CHECK(!bad);
	symtab__exit(&tab);
}

/* A thread "x" in a DSO "d" without symbols: rows by address. */
struct rows_fixture {
	struct thread t;
	struct dso d;
	struct addr_location al;	/* of t in d, its address the test's */
	struct sort_order so;		/* comm,dso,sym */
};

/* @f set up, and @h's hists by its sort order. */
static void rows_fixture__init(struct rows_fixture *f, struct hists *h)
{
	struct err err;

	memset(f, 0, sizeof(*f));
	f->t = (struct thread){ .pid = 1, .tid = 1, .comm = "x", .vcpu = -1 };
	f->d = (struct dso){ .short_name = (char *)"d", .name_hash = 3 };
	f->al = (struct addr_location){ .thread = &f->t, .dso = &f->d, .level = '.',
					.cpumode = 2 };
	CHECK(sort_order__parse(&f->so, "comm,dso,sym", &err) == 0);
	hists__init(h, &f->so);
}

/*
 * Rows over several chunks (HIST_ROW_CHUNK a chunk, named by index): half
 * dropped by top's decay and their places taken by new rows, each found
 * again and sorted in order; and periods past 32 bits, whose high word
 * goes to the row's struct hist_more, counted, compared and decayed
 * whole.
 */
void test_hists_row_chunks(void)
{
	enum { ROWS = 2 * HIST_ROW_CHUNK + 100 };
	struct rows_fixture f;
	struct hists h;
	struct hist_entry *big, *bigger;
	u32 i, nr_chunks;
	int bad = 0;

	rows_fixture__init(&f, &h);
	for (i = 0; i < ROWS; i++) {
		f.al.addr = 0x1000 + i;
		hists__add(&h, &f.al, i % 2 ? 1 : 16);
	}
	CHECK(h.nr_entries == ROWS && h.nr_chunks == 3);
	nr_chunks = h.nr_chunks;
	hists__decay(&h);
	CHECK(h.nr_entries == ROWS / 2 && h.total_period == (u64)ROWS / 2 * 14);
	/* the dropped rows' places are taken first: no chunk more */
	for (i = 0; i < ROWS / 2; i++) {
		f.al.addr = 0x100000 + i;
		hists__add(&h, &f.al, 3);
	}
	CHECK(h.nr_entries == ROWS && h.nr_chunks == nr_chunks);
	for (i = 0; i < ROWS; i++) {
		struct hist_entry key = { .comm = f.t.comm, .dso = &f.d, .level = '.',
					  .cpumode = 2 };
		const struct hist_entry *he;
		u64 addr = i < ROWS / 2 ? 0x1000 + 2 * (u64)i : 0x100000 + (u64)(i - ROWS / 2);

		hist_entry__set_loc(&key, NULL, addr);
		he = hists__find(&h, &key);
		bad += !he || hist_entry__period(he) != (i < ROWS / 2 ? 14u : 3u);
	}
	CHECK(bad == 0);
	hists__sort(&h);
	for (i = 1; i < h.nr_entries; i++)
		bad += hist_entry__period(hists__sorted(&h, i - 1)) <
		       hist_entry__period(hists__sorted(&h, i));
	CHECK(bad == 0 && hist_entry__period(hists__sorted(&h, 0)) == 14 &&
	      hist_entry__period(hists__sorted(&h, ROWS - 1)) == 3);
	hists__exit(&h);

	/* periods past 32 bits */
	hists__init(&h, &f.so);
	f.al.addr = 0x2000;
	big = hists__add(&h, &f.al, 3000000000u);
	CHECK(big && !big->more && hist_entry__period(big) == 3000000000u);
	CHECK(hists__add(&h, &f.al, 3000000000u) == big && big->more &&
	      hist_entry__period(big) == 6000000000ull);
	f.al.addr = 0x3000;
	bigger = hists__add(&h, &f.al, 6000000001ull);
	CHECK(bigger && hist_entry__period(bigger) == 6000000001ull &&
	      h.total_period == 12000000001ull);
	hists__sort(&h);
	CHECK(hists__sorted(&h, 0) == bigger && hists__sorted(&h, 1) == big);
	hists__decay(&h);
	CHECK(hist_entry__period(big) == 6000000000ull * 7 / 8 &&
	      hist_entry__period(bigger) == 6000000001ull * 7 / 8);
	hists__exit(&h);
}

/*
 * A report of 150,000 rows: its first 16 chunks one an area from malloc,
 * the next from one area of huge pages (aligned to one); every row found
 * and counted, the sort's order right, and hists__any giving each row
 * once, in the order of memory after hists__sort_final and the sorted
 * order where a row was dropped. hists__exit gives both kinds of area
 * back (the sanitizer build checks what is left).
 */
void test_hists_row_areas(void)
{
	enum { ROWS = 18 * HIST_ROW_CHUNK + 7 };
	struct rows_fixture f;
	struct hists h;
	unsigned char *seen = xcalloc(ROWS, 1);
	u32 i, c;
	int bad = 0;

	rows_fixture__init(&f, &h);
	for (i = 0; i < ROWS; i++) {
		f.al.addr = 0x10000 + 4 * (u64)i;
		hists__add(&h, &f.al, 1 + i % 5);
	}
	f.al.addr = 0x10000;
	hists__add(&h, &f.al, 10);
	CHECK(h.nr_entries == ROWS && h.nr_chunks == 19 && h.nr_areas == 17);
	CHECK((uintptr_t)h.rows[16] % HUGE_PAGE == 0);
	for (c = 17; c < h.nr_chunks; c++)
		bad += h.rows[c] != h.rows[c - 1] + HIST_ROW_CHUNK;
	CHECK(bad == 0);
	/* the table of 262,144 buckets: 1 MiB, from malloc */
	CHECK(h.table_size * sizeof(*h.table) < 2 * HUGE_PAGE);
	for (i = 0; i < ROWS; i++) {
		struct hist_entry key = { .comm = f.t.comm, .dso = &f.d, .level = '.',
					  .cpumode = 2 };
		const struct hist_entry *he;

		hist_entry__set_loc(&key, NULL, 0x10000 + 4 * (u64)i);
		he = hists__find(&h, &key);
		bad += !he || hist_entry__period(he) != 1 + i % 5 + (i ? 0 : 10);
	}
	CHECK(bad == 0);
	hists__sort_final(&h);
	CHECK(hist_entry__period(hists__sorted(&h, 0)) == 11);
	for (i = 1; i < ROWS; i++) {
		const struct hist_entry *a = hists__sorted(&h, i - 1), *b = hists__sorted(&h, i);

		bad += hist_entry__period(a) < hist_entry__period(b) ||
		       (hist_entry__period(a) == hist_entry__period(b) && a->loc.addr >= b->loc.addr);
	}
	CHECK(bad == 0);
	for (i = 0; i < ROWS; i++) {
		bad += hists__any(&h, i) != hists__row(&h, i);
		seen[(hists__any(&h, i)->loc.addr - 0x10000) / 4]++;
	}
	for (i = 0; i < ROWS; i++)
		bad += seen[i] != 1;
	CHECK(bad == 0);
	hists__exit(&h);

	/* top's decay drops rows: hists__any is the sorted order then */
	hists__init(&h, &f.so);
	for (i = 0; i < ROWS; i++) {
		f.al.addr = 0x10000 + 4 * (u64)i;
		hists__add(&h, &f.al, i % 2 ? 1 : 16);
	}
	hists__decay(&h);
	CHECK(h.nr_entries == (ROWS + 1) / 2);
	hists__sort(&h);
	for (i = 0; i < h.nr_entries; i++)
		bad += hists__any(&h, i) != hists__sorted(&h, i);
	CHECK(bad == 0);
	hists__exit(&h);
	free(seen);
}
