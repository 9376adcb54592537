/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_SESSION_H
#define PMUKVM_SESSION_H

#include "util/data.h"
#include "util/machine.h"
#include "util/u64-index.h"

struct session;
struct guest_config;
struct arena;
struct queue_run;

/**
 * struct perf_tool - what a command does with resolved samples. Records
 * reach the machine model before the tool sees the samples that follow.
 */
struct perf_tool {
	/* Returns 0, or a negative errno to stop. */
	int (*sample)(struct perf_tool *tool, struct session *session, struct evsel *evsel,
		      const struct perf_sample *sample, struct addr_location *al);
	/* Optional: true drops the sample before it is resolved (the tool counts it). */
	bool (*skip)(struct perf_tool *tool, struct evsel *evsel,
		     const struct perf_sample *sample);
	/*
	 * Optional: every record as it is taken in, as perf report -D shows
	 * them: the file's own records (types from 64) when read, the kernel's
	 * when delivered, in time order.
	 */
	void (*record)(struct perf_tool *tool, struct session *session,
		       const union perf_event *event, u64 offset, bool delivered);
	/*
	 * Optional: a READ record (a task's count at its exit, record -s),
	 * in time order. Returns 0, or a negative errno to stop.
	 */
	int (*read)(struct perf_tool *tool, struct evsel *evsel, u32 pid, u32 tid, u64 value);
	/*
	 * The tool looks symbols up itself (on threads of its own): @sample
	 * gets al->sym NULL and, where there is a symbol to find,
	 * session->lookup (session->has_lookup), and the tool calls
	 * sym_lookup__run and machines__count_sample.
	 */
	bool defer_symbols;
};

/** struct session_stats - what the data held, for report headers. */
struct session_stats {
	u64 nr_events[PERF_RECORD_FINISHED_INIT + 1];
	u64 nr_samples;
	u64 nr_lost_events, nr_lost;		/* LOST records and what they lost */
	u64 nr_lost_samples;			/* LOST_SAMPLES */
	u64 nr_throttle, nr_unthrottle;
	u64 nr_unknown;				/* records of types we skip */
	u64 nr_unordered;			/* samples older than the last flush */
	u64 nr_bad_samples;
	u64 nr_no_evsel;
};

/*
 * struct ordered_event - a queued record, waiting for its turn: 16 bytes,
 * as the queue can hold hundreds of thousands. Records read in place (the
 * data file's chunks) are found again by their file offset; copies made
 * for other input are found by their address, with their offset and
 * arena in front of them (session.c: arena_copy). The event a sample
 * belongs to is looked up again when it is delivered, as perf does.
 *
 * Records of equal time go in the order they came: the queue keeps them in
 * that order (session.c: queue_flush), so no sequence number is stored.
 */
struct ordered_event {
	u64 time;
	u64 ref;	/* file offset (in place) or address of the copy */
};

/**
 * struct session - one pass over a data file (or a live stream): the reader,
 * the machine model, the time-ordering queue, the tool.
 */
struct session {
	struct perf_data *data;
	struct machines machines;
	struct perf_tool *tool;
	struct session_stats stats;
	/* Time ordering (per-CPU buffers interleave in the file). */
	bool ordered;
	bool in_place;		/* queued records stay in data's chunks (or map) */
	/*
	 * queue[queue_head..nr_queued) wait, in the order they came;
	 * session.c moves them to the front only when the array is full.
	 */
	struct ordered_event *queue;
	size_t queue_head, nr_queued, alloc_queued;
	struct arena *arena;		/* the one being filled */
	size_t queued_bytes;
	struct queue_run *runs;		/* queue_flush's merge, kept between flushes */
	bool queue_runs;		/* false: the queue is one run, in time order */
	size_t alloc_runs;
	u64 max_timestamp, next_flush, last_flush, seq;
	/*
	 * Input without FINISHED_ROUND: each CPU's records come in time
	 * order, so what is older than every CPU's newest is delivered
	 * (session.c: stream_watermark).
	 */
	bool streams;		/* reading a whole file (not paced, as top's replay) */
	bool seen_round;	/* the input has rounds: they decide */
	bool no_streams;	/* a record without a CPU: no watermark */
	u64 *cpu_last;		/* newest time per CPU; 0: none seen */
	u32 nr_cpu_last;
	u64 since_watermark, watermark;
	/*
	 * Input without rounds read twice (session.c: order_plan): per block
	 * of the data section, the least time of what is queued from there
	 * on; NULL: none, the watermark serves.
	 */
	u64 *plan;
	u32 nr_plan, plan_shift;
	u64 plan_next;		/* where the next block starts; UINT64_MAX: no plan */
	/* Progress on a terminal. */
	bool progress;
	bool progress_shown;
	u64 last_progress_ns, progress_start_ns;
	u64 progress_delay_ns;	/* none before: 1 s, or PMUKVM_PROGRESS_DELAY_MS */
	/*
	 * Samples that read their group (PERF_SAMPLE_READ): each id's last
	 * value, by the id's number (ids with an event only: bounded as they
	 * are).
	 */
	struct u64_index read_ids;
	u64 *read_vals;
	size_t alloc_read_vals;
	/* perf_tool.defer_symbols: the sample's, during the sample callback */
	struct sym_lookup lookup;
	bool has_lookup;
	struct err err;		/* why session__process_events failed */
};

/**
 * session__new - a session over @data (which it does not own), with the
 * guests of @gc (the guest options; NULL: none, only the recording's own
 * carried files). Returns NULL with @err filled when guest setup fails.
 */
struct session *session__new(struct perf_data *data, struct perf_tool *tool,
			     const struct guest_config *gc, struct err *err);
void session__delete(struct session *session);

/**
 * session__process_events - reads every record, in time order where the
 * file has timestamps, feeding the model and the tool.
 * Returns 0 or a negative errno with a message in session->err.
 * Reading, ordering, the model and the tool all run on the calling thread.
 */
int session__process_events(struct session *session);

/** session__process_event - one record from a live source (top). */
int session__process_event(struct session *session, union perf_event *event, u64 offset);

/** session__flush - delivers everything queued (end of input). */
int session__flush(struct session *session);

/**
 * session__flush_until - delivers the queued records with time <= @time,
 * in time order (top's replay paces delivery by the recorded clock; the
 * caller makes sure nothing older than @time is still to be queued).
 */
int session__flush_until(struct session *session, u64 time);

#endif
