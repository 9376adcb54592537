// SPDX-License-Identifier: GPL-2.0
/* Hists over a fake machine: grouping by sort keys, without a kernel. */
#include <elf.h>
#include <string.h>

#include "symbols/symtab.h"
#include "tests/unit/unit.h"
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
		if (h.nr_entries != cases[c].rows || h.sorted[0]->nr_samples != cases[c].top) {
			fprintf(stderr, "sort %s: %zu rows (want %zu), top %lu (want %lu)\n",
				cases[c].sort, h.nr_entries, cases[c].rows,
				(unsigned long)h.sorted[0]->nr_samples, (unsigned long)cases[c].top);
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
