/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_REPLAY_H
#define PMUKVM_REPLAY_H

/*
 * The pacing of top's replay of a data file: records are delivered on
 * their own timestamps, and an interval ends every --delay seconds of the
 * recording.
 *
 * Time is "virtual": nanoseconds of recording since the first timestamp.
 * At --speed X a record is due when X * (wall time since the start)
 * reaches its virtual time, and an interval is X * delay virtual ns; at
 * --speed 0 (or above 1e6) nothing waits and an interval is delay seconds
 * of recording, so that what each interval holds does not depend on the
 * machine.
 *
 * perf writes per-CPU buffers one after another, so records interleave:
 * only the newest timestamp of the round before the last FINISHED_ROUND
 * is known complete. The replay reads ahead until the queue is complete up
 * to what is due, then flushes the queue up to there.
 */
#include <stdbool.h>

#include "util/err.h"
#include "util/util.h"

union perf_event;
struct perf_data;
struct session;
struct replay;

/**
 * struct replay_ops - where the records come from and go. Each returns
 * 0 (next: 1 for a record, 0 at the end) or a negative errno, with what
 * went wrong in the replay's @err where there is more to say.
 * @next: the next record of the file and its offset.
 * @time: a record's timestamp, 0 when it has none.
 * @deliver: a record into the time queue.
 * @flush_until: delivers the queued records up to @time (absolute).
 */
struct replay_ops {
	int (*next)(struct replay *r, union perf_event **ev, u64 *off);
	u64 (*time)(struct replay *r, union perf_event *ev);
	int (*deliver)(struct replay *r, union perf_event *ev, u64 off);
	int (*flush_until)(struct replay *r, u64 time);
};

/**
 * struct replay - the replay clock and how far the file has come.
 * @speed, @delay, @fast: --speed, --delay; @fast: nothing waits.
 * @start_ns: the wall clock at the start (replay__start).
 * @now: the wall clock (now_ns; tests put their own).
 * @first_time: the oldest timestamp of the file (of what was read before
 * the first delivery, which is all that can be older: see replay__origin).
 * @delivered: something was flushed to the session.
 * @last_vt: delivered up to here; @last_refresh_vt: where the interval began.
 * @next_refresh_vt: where the current interval ends.
 * @safe_vt: the queue is complete up to here.
 * @round_vt, @prev_round_vt: the newest time of this round, of the last.
 * @eof: the file is read; @finished: and every interval was shown.
 * @data, @session: replay__init_session's source and sink.
 * @err: why the last replay__tick failed (the file's or the session's error).
 */
struct replay {
	const struct replay_ops *ops;
	void *ctx;
	double speed, delay;
	bool fast;
	u64 start_ns;
	u64 (*now)(void);
	u64 first_time, last_vt, next_refresh_vt, last_refresh_vt;
	u64 safe_vt;
	u64 round_vt, prev_round_vt;
	bool eof, finished, delivered;
	struct perf_data *data;
	struct session *session;
	struct err err;
};

/** replay__init - a replay at @speed, intervals of @delay s, through @ops. */
void replay__init(struct replay *r, double speed, double delay, const struct replay_ops *ops,
		  void *ctx);

/** replay__init_session - replay__init reading @data into @session. */
void replay__init_session(struct replay *r, double speed, double delay, struct perf_data *data,
			  struct session *session);

/** replay__start - the replay clock starts now. */
void replay__start(struct replay *r);

/** replay__interval - one interval in virtual ns (huge ones capped at UINT64_MAX / 2). */
u64 replay__interval(const struct replay *r);

/** replay__vnow - virtual now: how far the replay may have come at wall time @now. */
u64 replay__vnow(const struct replay *r, u64 now);

/**
 * replay__tick - reads and delivers what is due by the replay clock, for
 * at most @budget_ns of reading. Returns 1 when an interval (or the file)
 * is complete (then @finished may be set, and the next interval begins),
 * 0 when nothing is due yet, or a negative errno (@err says why).
 */
int replay__tick(struct replay *r, u64 budget_ns);

/**
 * replay__interval_secs - the recorded seconds since the last call: the
 * length of the interval just completed.
 */
double replay__interval_secs(struct replay *r);

#endif
