// SPDX-License-Identifier: GPL-2.0
/* top's replay pacing: records on their own timestamps, intervals of recorded time. */
#include "util/replay.h"

#include <errno.h>

#include "util/data.h"
#include "util/session.h"

void replay__init(struct replay *r, double speed, double delay, const struct replay_ops *ops,
		  void *ctx)
{
	*r = (struct replay){ .ops = ops, .ctx = ctx, .speed = speed, .delay = delay,
			      .now = now_ns, .err = ERR_INIT };
	r->fast = speed == 0 || speed > 1e6;
	r->next_refresh_vt = replay__interval(r);
}

void replay__start(struct replay *r)
{
	r->start_ns = r->now();
}

u64 replay__interval(const struct replay *r)
{
	double v = r->delay * 1e9 * (r->fast ? 1.0 : r->speed);

	return v >= 1.8e19 ? UINT64_MAX / 2 : (u64)v;
}

u64 replay__vnow(const struct replay *r, u64 now)
{
	if (r->fast)
		return UINT64_MAX;
	return (u64)((double)(now - r->start_ns) * r->speed);
}

static u64 replay__vt(const struct replay *r, u64 t)
{
	return t > r->first_time ? t - r->first_time : 0;
}

/*
 * The clock starts at the oldest timestamp, not at the first one read:
 * a round holds the buffers one after the other, so a CPU's later records
 * can come before another's earlier ones (a recording starved until its
 * end is one round of everything: its first record was 0.84 s into 1.58 s,
 * and the replay showed 0.74 s). An older record moves the origin back,
 * and the times measured from the old one move with it (a 0 stays: not
 * known). Only before the first delivery: none can be older after it
 * (perf's rule on rounds); were one, it counts at the origin.
 */
static void replay__origin(struct replay *r, u64 t)
{
	u64 d;

	if (!r->first_time) {
		r->first_time = t;
		return;
	}
	if (t >= r->first_time || r->delivered)
		return;
	d = r->first_time - t;
	r->first_time = t;
	r->round_vt += d;
	if (r->prev_round_vt)
		r->prev_round_vt += d;
	if (r->safe_vt && r->safe_vt != UINT64_MAX)
		r->safe_vt += d;
}

/*
 * Reads ahead until the time queue is known complete up to @target_vt
 * (perf's rule: everything up to the newest timestamp of the round before
 * the last FINISHED_ROUND is in; a short recording may be one round). The
 * rounds are kept from the session, so that it delivers only as the
 * replay clock says.
 */
static int replay__read_ahead(struct replay *r, u64 target_vt, u64 deadline)
{
	u64 n = 0;

	while (!r->eof && r->safe_vt < target_vt) {
		union perf_event *ev;
		u64 off, t;
		int ret = r->ops->next(r, &ev, &off);

		if (ret < 0)
			return ret;
		if (ret == 0) {
			r->eof = true;
			r->safe_vt = UINT64_MAX;
			break;
		}
		if (ev->header.type == PERF_RECORD_FINISHED_ROUND) {
			r->safe_vt = r->prev_round_vt;
			r->prev_round_vt = r->round_vt;
			continue;
		}
		t = r->ops->time(r, ev);
		if (t)
			replay__origin(r, t);
		if (replay__vt(r, t) > r->round_vt)
			r->round_vt = replay__vt(r, t);
		ret = r->ops->deliver(r, ev, off);
		if (ret < 0)
			return ret;
		if ((++n & 255) == 0 && r->now() > deadline)
			break;
	}
	return 0;
}

/*
 * Delivers what is due. Returns 1 when the interval (or the file) is
 * complete, 0 when not, or a negative errno.
 */
static int replay__pump(struct replay *r, u64 budget_ns)
{
	u64 now = r->now(), deadline = now + budget_ns;
	u64 target = min_t(u64, replay__vnow(r, now), r->next_refresh_vt), upto;
	int err = replay__read_ahead(r, target, deadline);

	if (err)
		return err;
	upto = min_t(u64, target, r->safe_vt);
	if (upto > r->last_vt || r->eof) {
		/* -1: the next interval starts at the boundary itself. */
		u64 abs = r->eof && target >= r->round_vt ? UINT64_MAX :
			  r->first_time + upto - (upto == r->next_refresh_vt);

		err = r->ops->flush_until(r, abs);
		if (err)
			return err;
		r->delivered = true;
		if (upto > r->last_vt)
			r->last_vt = upto;
	}
	if (r->eof && r->last_vt >= r->round_vt)
		return 1;
	return upto >= r->next_refresh_vt;
}

int replay__tick(struct replay *r, u64 budget_ns)
{
	int ret;

	if (r->finished)
		return 0;
	ret = replay__pump(r, budget_ns);
	if (ret <= 0)
		return ret;
	if (r->eof && r->last_vt >= r->round_vt) {
		r->finished = true;
		r->last_vt = r->round_vt;
	} else {
		r->next_refresh_vt += replay__interval(r);
	}
	return 1;
}

double replay__interval_secs(struct replay *r)
{
	double secs = (double)(r->last_vt - r->last_refresh_vt) / 1e9;

	r->last_refresh_vt = r->last_vt;
	return secs;
}

/* ---- a data file into a session ---- */

/* A failure of the file or the session: its error becomes the replay's. */
static int replay__fail(struct replay *r, const struct err *src, int ret)
{
	err__copy(&r->err, src);
	r->err.code = ret;
	return ret;
}

static int session_next(struct replay *r, union perf_event **ev, u64 *off)
{
	int ret = perf_data__next(r->data, ev, off);

	return ret < 0 ? replay__fail(r, &r->data->err, ret) : ret;
}

/* A record's timestamp, or 0 when it has none. */
static u64 session_time(struct replay *r, union perf_event *ev)
{
	struct perf_data *d = r->data;
	struct perf_sample s = { 0 };
	struct evsel *evsel;

	if (ev->header.type == PERF_RECORD_SAMPLE) {
		evsel = perf_data__evsel_of(d, ev);
		if (evsel && !perf_data__parse_sample(d, evsel, ev, &s))
			return s.time;
	} else if (ev->header.type < PERF_RECORD_HEADER_ATTR && d->sample_id_all &&
		   !perf_data__parse_trailer(d, ev, &s)) {
		return s.time;
	}
	return 0;
}

static int session_deliver(struct replay *r, union perf_event *ev, u64 off)
{
	int ret = session__process_event(r->session, ev, off);

	return ret ? replay__fail(r, &r->session->err, ret < 0 ? ret : -EINVAL) : 0;
}

static int session_flush_until(struct replay *r, u64 time)
{
	int ret = session__flush_until(r->session, time);

	return ret ? replay__fail(r, &r->session->err, ret < 0 ? ret : -EINVAL) : 0;
}

static const struct replay_ops session_ops = {
	.next = session_next, .time = session_time,
	.deliver = session_deliver, .flush_until = session_flush_until,
};

void replay__init_session(struct replay *r, double speed, double delay, struct perf_data *data,
			  struct session *session)
{
	replay__init(r, speed, delay, &session_ops, NULL);
	r->data = data;
	r->session = session;
}
