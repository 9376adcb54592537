/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_FUZZ_SESSION_H
#define PMUKVM_FUZZ_SESSION_H

/*
 * A report's whole path over one opened data file: session, machine
 * model, rows with call paths, the text and JSON output, and the
 * exports (folded stacks, the SVG flame graph, pprof) of its stacks.
 */
#include "fuzz/fuzz.h"
#include "ui/stdio.h"
#include "util/callchain.h"
#include "util/err.h"
#include "util/export.h"
#include "util/hist.h"
#include "util/read-values.h"
#include "util/session.h"

/*
 * The sort the next fuzz_report takes, set by the harness from the input
 * (its size modulo 3): the keys' order, or a sym key with no dso key
 * before it, whose rows of equal share take perf's table order (with a
 * second, collapsing table for comm,sym).
 */
static int fuzz_report_sort;

struct fuzz_report {
	struct perf_tool tool;
	struct hists hists;
	struct read_values reads;	/* report -T's */
	struct flame flame;
	struct pprof *pprof;
	struct callchain_frame frames[CALLCHAIN_MAX_FRAMES];
};

static int fuzz_report_sample(struct perf_tool *tool, struct session *session,
			      struct evsel *evsel, const struct perf_sample *sample,
			      struct addr_location *al)
{
	struct fuzz_report *rep = (struct fuzz_report *)tool;
	struct hist_entry *he = hists__add(&rep->hists, al, sample->period);
	const char *comm = al->thread ? al->thread->comm : ":-1";
	struct pprof_labels l = {
		.comm = comm, .pid = (s32)sample->pid, .tid = (s32)sample->tid,
		.guest = al->machine ? al->machine->name : "host",
		.vcpu = al->thread ? al->thread->vcpu : -1, .mode = "fuzz",
	};
	size_t n = 0;

	if (sample->callchain_nr || sample->user_stack_size) {
		/* caller order's cut (the outermost frames) on one sort in three */
		n = fuzz_report_sort % 3 == 1 ?
			machines__resolve_callchain_outermost(&session->machines, sample,
							      rep->frames, CALLCHAIN_MAX_FRAMES) :
			machines__resolve_callchain(&session->machines, sample, rep->frames,
						    CALLCHAIN_MAX_FRAMES);
		callchain__add(hist_entry__callchain_p(he), rep->frames, n, sample->period);
	}
	if (!n) {
		/* The sample's own frame, as report takes it without a chain. */
		rep->frames[0] = addr_location__frame(al, sample->ip);
		n = 1;
	}
	flame__add(&rep->flame, comm, rep->frames, n, 1);
	pprof__add(rep->pprof, evsel->idx, evsel->name ? evsel->name : "fuzz", sample->period,
		   rep->frames, n, &l);
	return 0;
}

static int fuzz_report_read(struct perf_tool *tool, struct evsel *evsel, u32 pid, u32 tid,
			    u64 value)
{
	read_values__add(&((struct fuzz_report *)tool)->reads, evsel, pid, tid, value);
	return 0;
}

static inline void fuzz_report(struct perf_data *data)
{
	static const char *const sorts[] = { "comm,pid,dso,sym", "sym", "comm,sym" };
	static struct fuzz_report rep;
	struct stdio_opts opts = { .show_nr_samples = true, .callchain = true };
	struct sort_order so;
	struct session *s;
	struct err err;

	if (sort_order__parse(&so, sorts[fuzz_report_sort % 3], &err))
		abort();
	hists__init(&rep.hists, &so);
	rep.hists.table_order = fuzz_report_sort % 3 != 0;
	rep.hists.table_collapse = fuzz_report_sort % 3 == 2;
	rep.tool.sample = fuzz_report_sample;
	rep.tool.read = fuzz_report_read;
	rep.pprof = pprof__new();
	s = session__new(data, &rep.tool, NULL, &err);
	if (s) {
		/* The host's kernel symbols: none (no /proc/kallsyms per input). */
		s->machines.kallsyms_path = "/nonexistent/kallsyms";
		session__process_events(s);
		hists__sort(&rep.hists);
		hists__fprintf(&rep.hists, &opts, fuzz_null());
		hists__fprintf_json(&rep.hists, "fuzz", &opts, fuzz_null());
		perf_data__fprintf_header(data, fuzz_null());
		read_values__fprintf(&rep.reads, fuzz_null());
		flame__fprintf_folded(&rep.flame, fuzz_null());
		flame__write_svg(&rep.flame, "/dev/null", "fuzz");
		pprof__write(rep.pprof, "/dev/null", 0, 0);
		session__delete(s);
	}
	pprof__delete(rep.pprof);
	flame__exit(&rep.flame);
	hists__exit(&rep.hists);
	read_values__exit(&rep.reads);
}

#endif
