// SPDX-License-Identifier: GPL-2.0
/* top's batch snapshots (--stdio): a header, then the rows as report shows them. */
#include <inttypes.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ui/stdio.h"
#include "util/top.h"

/* The header of a batch snapshot: when, how much, guest/host split. */
void top__print_snapshot(struct top *top, FILE *fp)
{
	const u64 *m = top->base.mode_samples;
	struct stdio_opts sopts = {
		.show_nr_samples = top->show_nr_samples, .header_names = true,
		.max_rows = (size_t)top->rows, .percent_limit = top->percent_limit,
		.callchain = top->callchain, .cg = top->cg, .callchain_min = top->cg.min_percent,
	};
	struct hists view;
	u64 total = 0, gk = m[PERF_RECORD_MISC_GUEST_KERNEL], gu = m[PERF_RECORD_MISC_GUEST_USER];
	char when[64];
	time_t t = time(NULL);
	size_t i, n;
	u32 *idx;
	int k;

	strftime(when, sizeof(when), "%H:%M:%S", localtime(&t));
	for (k = 0; k < 8; k++)
		total += m[k];
	fprintf(fp, "# pmukvm top %s  snapshot %ld", when, top->snapshots);
	if (top->input)
		fprintf(fp, "  replay +%.3fs", (double)top->replay.last_vt / 1e9);
	fprintf(fp, "\n# Samples: %" PRIu64 " of event '%s' (%" PRIu64 " this interval, %.0f/s)"
		"  lost: %" PRIu64 "\n", top->base.nr_samples, top->event_name,
		top->last_interval_samples, top->rate, top__lost(top));
	if (top->other_events)
		fprintf(fp, "# (%" PRIu64 " samples of the file's other events are not shown)\n",
			top->other_events);
	if (top->hidden)
		fprintf(fp, "# (%" PRIu64 " samples left out by%s%s%s)\n", top->hidden,
			top->hide_kernel ? " -K" : "", top->hide_user ? " -U" : "",
			top->cpus && top->input ? " -C" : "");
	fprintf(fp, "# guest %.1f%% (kernel %.1f%% user %.1f%%)  host %.1f%% (kernel %.1f%% "
		"user %.1f%%)\n", percent(gk + gu, total), percent(gk, total), percent(gu, total),
		percent(total - gk - gu, total), percent(m[PERF_RECORD_MISC_KERNEL], total),
		percent(m[PERF_RECORD_MISC_USER], total));
	/*
	 * The base keeps every key apart; the snapshot groups by --sort,
	 * each group's row made by its oldest (its first sample's thread,
	 * level, data object offset).
	 */
	hists__init(&view, &top->so);
	idx = hists__rows_made(&top->base, &n);
	for (i = 0; i < n; i++) {
		const struct hist_entry *he = hists__row(&top->base, idx[i]);
		struct hist_entry *row = hists__add_entry(&view, he);

		/* -g: the view's own trees, merged (hists__exit frees them) */
		if (hist_entry__callchain(he))
			callchain__merge(hist_entry__callchain_p(row), hist_entry__callchain(he));
	}
	free(idx);
	hists__sort(&view);
	hists__fprintf(&view, &sopts, fp);
	fprintf(fp, "\n");
	fflush(fp);
	hists__exit(&view);
}
