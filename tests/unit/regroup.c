// SPDX-License-Identifier: GPL-2.0
/*
 * The TUI's regrouping: rows kept with every key apart (sort_order__full)
 * and regrouped with hists__add_entry give what direct aggregation gives,
 * for every sort; decay scales rows and the mode split alike.
 */
#include <string.h>

#include "symbols/symtab.h"
#include "tests/unit/unit.h"
#include "util/err.h"
#include "util/hist.h"
#include "util/machine.h"

void test_hists_regroup(void)
{
	struct symtab tab;
	struct machine guest = { .pid = 0, .name = (char *)"guest 0" };
	struct dso dso_a = { .short_name = (char *)"liba.so" };
	struct dso dso_k = { .short_name = (char *)"[guest.kernel.kallsyms]", .machine = &guest };
	struct thread t1 = { .pid = 1, .tid = 1, .comm = "one", .vcpu = -1 };
	struct thread t2 = { .pid = 1, .tid = 2, .comm = "CPU 0/KVM", .vcpu = 0 };
	struct thread t3 = { .pid = 1, .tid = 3, .comm = "CPU 1/KVM", .vcpu = 1 };
	const struct {
		struct thread *t;
		struct machine *m;
		struct dso *d;
		int sym;
		u8 cpumode;
		u64 period;
	} samples[] = {
		{ &t1, NULL, &dso_a, 0, PERF_RECORD_MISC_USER, 10 },
		{ &t1, NULL, &dso_a, 1, PERF_RECORD_MISC_USER, 10 },
		{ &t2, &guest, &dso_k, 2, PERF_RECORD_MISC_GUEST_KERNEL, 30 },
		{ &t3, &guest, &dso_k, 2, PERF_RECORD_MISC_GUEST_KERNEL, 20 },
		{ &t3, &guest, &dso_k, 3, PERF_RECORD_MISC_GUEST_KERNEL, 20 },
		{ &t2, &guest, NULL, -1, PERF_RECORD_MISC_GUEST_USER, 8 },
	};
	static const char *const sorts[] = {
		"mode,dso,sym", "mode,dso", "guest,mode", "guest,vcpu", "comm,dso,sym", "pid,sym", "sym",
	};
	struct sort_order lead, full, so;
	struct hists base, direct, view;
	struct err err;
	size_t s, i;

	unit_symtab_funcs(&tab, (const char *const[]){ "f", "g", "schedule", "do_idle" }, 4);

	CHECK(sort_order__parse(&lead, "dso,sym", &err) == 0);
	sort_order__full(&full, &lead);
	/*
	 * every key but srcline (a DWARF lookup per address), parent (a walk
	 * of the sample's callchain), time (rows by time only where asked)
	 * and period (groups none)
	 */
	CHECK(full.nr == SORT_NR_KEYS - 4 && full.nr_lead == 2);
	for (i = 0; i < (size_t)full.nr; i++)
		CHECK(full.keys[i] != SORT_SRCLINE && full.keys[i] != SORT_PERIOD &&
		      full.keys[i] != SORT_PARENT && full.keys[i] != SORT_TIME);
	CHECK(full.keys[0] == SORT_DSO && full.keys[1] == SORT_SYM);

	hists__init(&base, &full);
	for (s = 0; s < sizeof(sorts) / sizeof(sorts[0]); s++) {
		CHECK(sort_order__parse(&so, sorts[s], &err) == 0);
		hists__init(&direct, &so);
		for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
			struct addr_location al = {
				.thread = samples[i].t, .machine = samples[i].m, .dso = samples[i].d,
				.sym = samples[i].sym >= 0 ? &tab.syms[samples[i].sym] : NULL,
				.level = samples[i].m ? 'g' : '.', .cpumode = samples[i].cpumode,
			};

			if (s == 0)
				hists__add(&base, &al, samples[i].period);
			hists__add(&direct, &al, samples[i].period);
		}
		hists__init(&view, &so);
		for (i = 0; i < base.table_size; i++)
			for (const struct hist_entry *he = hists__chain(&base, base.table[i]); he;
			     he = hists__chain(&base, he->hnext))
				hists__add_entry(&view, he);
		hists__sort(&direct);
		hists__sort(&view);
		CHECK(view.nr_entries == direct.nr_entries);
		CHECK(view.total_period == direct.total_period && view.nr_samples == 6);
		CHECK(!memcmp(view.mode_samples, direct.mode_samples, sizeof(view.mode_samples)));
		for (i = 0; i < view.nr_entries && i < direct.nr_entries; i++) {
			if (hist_entry__period(hists__sorted(&view, i)) !=
			    hist_entry__period(hists__sorted(&direct, i)) ||
			    hist_entry__nr_samples(hists__sorted(&view, i)) !=
			    hist_entry__nr_samples(hists__sorted(&direct, i))) {
				fprintf(stderr, "sort %s: row %zu differs\n", sorts[s], i);
				unit_failures++;
			}
		}
		hists__exit(&view);
		hists__exit(&direct);
	}
	/* Decay: 7/8 of each row and of the mode split; zero rows go. */
	CHECK(base.mode_samples[PERF_RECORD_MISC_GUEST_KERNEL] == 3);
	for (i = 0; i < 2; i++)
		hists__decay(&base);
	CHECK(base.mode_samples[PERF_RECORD_MISC_GUEST_KERNEL] == 1);	/* 3, 2, 1 */
	CHECK(base.nr_samples == 0 && base.nr_entries == 6);	/* periods still > 0 */
	for (i = 0; i < 40; i++)
		hists__decay(&base);
	CHECK(base.nr_entries == 0 && base.total_period == 0);
	hists__exit(&base);
	symtab__exit(&tab);
}
