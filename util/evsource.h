/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_EVSOURCE_H
#define PMUKVM_EVSOURCE_H

/*
 * The live event source that record, top and stat live share: the events
 * of a -e list as perf_event_attrs (sampling, exclude bits, callchains),
 * a hardware event with no PMU behind it turned into cpu-clock, the
 * target (CPUs, threads, a command), the open with its fallback to user
 * space where the paranoid level asks for it, the ring buffers, and the
 * perf_data a session reads the live records through.
 */
#include <stdbool.h>
#include <sys/types.h>

#include "util/err.h"
#include "util/util.h"

struct evlist;
struct perf_data;

enum callgraph_mode { CALLGRAPH_NONE, CALLGRAPH_FP, CALLGRAPH_DWARF };

/* x86-64 user registers perf samples for DWARF unwinding: all but DS/ES/FS/GS. */
#define X86_64_REGS_MASK	(((1ull << 24) - 1) & ~(0xfull << 12))

/**
 * struct evsource_opts - what to sample, and where.
 * @events: a comma list of event specs (event_spec__parse, and sys:name
 *	tracepoints: each hit sampled with its payload); NULL for cycles.
 * @freq, @period: samples per second, or one every @period events (wins).
 * @sample_host, @sample_guest: the exclude bits of events without :G/:H.
 * @callgraph, @stack_size: callchains; DWARF copies @stack_size bytes of
 *	user stack.
 * @sample_type: 0 for ours (IDENTIFIER IP TID TIME CPU PERIOD, and what
 *	callchains and tracepoints add); else these fields exactly.
 * @comm_only: the first event carries COMM and TASK records, no maps.
 * @kvm_stat_dummy: stat record on CPUs: a dummy:HG event carries the
 *	side-band records in place of the first event, as perf kvm stat's.
 * @cpus: a CPU list, NULL for every online CPU.
 * @workload: > 0: that command's (held) process; its events start at its exec.
 * @targets, @nr_targets, @target_pids: -p (processes) or -t (threads).
 * @system_wide: no target; else, where the paranoid level refuses kernel
 *	samples to a user, the events open again for user space only.
 * @mmap_pages: data pages per ring buffer, a power of two.
 */
struct evsource_opts {
	const char *events;
	unsigned long long freq, period;
	bool sample_host, sample_guest;
	enum callgraph_mode callgraph;
	u32 stack_size;
	u64 sample_type;
	bool comm_only;
	bool kvm_stat_dummy;
	const char *cpus;
	pid_t workload;
	const pid_t *targets;
	int nr_targets;
	bool target_pids;
	bool system_wide;
	unsigned int mmap_pages;
	bool inherit_stat;	/* record -s: a task's counts in a READ record at its exit */
};

/**
 * struct evsource - the opened events.
 * @evlist: the events and their ring buffers; owned.
 * @fellback: the events that became cpu-clock, a comma list ("" if none).
 * @user_only: the paranoid level allowed user space only; @paranoid its value.
 * @err: what the last failure was, for the command to say.
 */
struct evsource {
	struct evlist *evlist;
	char fellback[256];
	bool user_only;
	long paranoid;
	struct err err;
};

/**
 * evsource__init - builds the events of @o (not opened yet). Returns 0,
 * -EINVAL for a wrong event (a usage error), or another negative errno
 * (a PMU that refuses the exclude bits), with @err set. Free with
 * evsource__exit, also after a failure.
 */
int evsource__init(struct evsource *src, const struct evsource_opts *o);

/**
 * evsource__open - sets the target of @o, opens every event and maps the
 * ring buffers; the events stay disabled (evlist__enable, or the
 * workload's exec). Returns 0; -EINVAL or -ERANGE for a bad or offline
 * CPU list (a usage error); or another negative errno; @err says why.
 */
int evsource__open(struct evsource *src, const struct evsource_opts *o);

/** evsource__exit - closes and frees the events. */
void evsource__exit(struct evsource *src);

/**
 * evsource__perf_data - a perf_data without a file whose events are the
 * opened ones (the same struct evsel, not copies), for a session to read
 * the live records with. Owned by the caller (perf_data__delete); the
 * evsource must outlive it, and the session reading it.
 */
struct perf_data *evsource__perf_data(const struct evsource *src);

/** evsource__paranoid - /proc/sys/kernel/perf_event_paranoid, 0 if unreadable. */
long evsource__paranoid(void);
/** evsource__max_sample_rate - perf_event_max_sample_rate (samples a second), 0 if unknown. */
long evsource__max_sample_rate(void);

#endif
