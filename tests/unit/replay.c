// SPDX-License-Identifier: GPL-2.0
/*
 * top's replay pacing (util/replay.c) on a made-up file: records with
 * timestamps and FINISHED_ROUNDs, a queue that delivers up to a time, and
 * a wall clock the test moves.
 */
#include <errno.h>
#include <linux/perf_event.h>
#include <stdint.h>
#include <string.h>

#include "tests/unit/unit.h"
#include "util/event.h"
#include "util/replay.h"

#define SEC	1000000000ull
#define BASE	(100 * SEC)	/* the file's first timestamp */
#define MAX_RECS 64

/* One record: a header with its time behind it (0: a FINISHED_ROUND). */
struct fake_rec {
	struct perf_event_header h;
	u64 time;
};

static struct fake_file {
	struct fake_rec recs[MAX_RECS];
	int nr, next, reads;
	u64 queued[MAX_RECS];	/* delivered into the time queue, not flushed */
	int nr_queued, flushed;
	u64 last_flush;
	int fail_next_at, fail_deliver_at;	/* 1-based record number, 0: never */
} ff;

static u64 fake_clock;

static u64 fake_now(void)
{
	return fake_clock;
}

static void fake_init(const u64 *vts, int nr)
{
	memset(&ff, 0, sizeof(ff));
	for (int i = 0; i < nr; i++) {
		struct fake_rec *r = &ff.recs[ff.nr++];

		r->h.size = sizeof(*r);
		if (vts[i] == UINT64_MAX) {
			r->h.type = PERF_RECORD_FINISHED_ROUND;
		} else {
			r->h.type = PERF_RECORD_SAMPLE;
			r->time = BASE + vts[i];
		}
	}
}

static int fake_next(struct replay *r, union perf_event **ev, u64 *off)
{
	if (ff.next == ff.nr)
		return 0;
	if (ff.next + 1 == ff.fail_next_at)
		return err__set(&r->err, -EIO, "'fake': cannot read at offset %d", ff.next);
	ff.reads++;
	*off = (u64)ff.next;
	*ev = (union perf_event *)&ff.recs[ff.next++];
	return 1;
}

static u64 fake_time(struct replay *r, union perf_event *ev)
{
	return ((struct fake_rec *)ev)->time;
}

static int fake_deliver(struct replay *r, union perf_event *ev, u64 off)
{
	if ((int)off + 1 == ff.fail_deliver_at)
		return err__set(&r->err, -EINVAL, "'fake': bad record at offset %d", (int)off);
	ff.queued[ff.nr_queued++] = ((struct fake_rec *)ev)->time;
	return 0;
}

/* The session's flush: what is queued up to @time goes out. */
static int fake_flush_until(struct replay *r, u64 time)
{
	int n = 0;

	for (int i = 0; i < ff.nr_queued; i++) {
		if (ff.queued[i] <= time)
			ff.flushed++;
		else
			ff.queued[n++] = ff.queued[i];
	}
	ff.nr_queued = n;
	ff.last_flush = time;
	return 0;
}

static const struct replay_ops fake_ops = {
	.next = fake_next, .time = fake_time,
	.deliver = fake_deliver, .flush_until = fake_flush_until,
};

static void replay_setup(struct replay *r, double speed, double delay)
{
	replay__init(r, speed, delay, &fake_ops, NULL);
	r->now = fake_now;
	fake_clock = 7 * SEC;
	replay__start(r);
}

/* The interval and the virtual clock at each speed. */
static void test_replay_clock(void)
{
	static const struct {
		double speed, delay;
		bool fast;
		u64 interval;
	} rows[] = {
		{ 1, 2, false, 2 * SEC },
		{ 3, 2, false, 6 * SEC },
		{ 0.5, 2, false, SEC },
		{ 0, 2, true, 2 * SEC },	/* as fast as possible: delay of recording */
		{ 1e6, 1, false, 1000000 * SEC },
		{ 2e6, 1, true, SEC },		/* above 1e6 is as fast as possible */
		{ 1e6, 1e12, false, UINT64_MAX / 2 },	/* capped */
	};
	struct replay r;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		replay_setup(&r, rows[i].speed, rows[i].delay);
		CHECK(r.fast == rows[i].fast);
		CHECK(replay__interval(&r) == rows[i].interval);
		CHECK(r.next_refresh_vt == rows[i].interval);
		if (rows[i].fast)
			CHECK(replay__vnow(&r, 9 * SEC) == UINT64_MAX);
	}
	replay_setup(&r, 2, 1);
	CHECK(replay__vnow(&r, 7 * SEC) == 0);
	CHECK(replay__vnow(&r, 7 * SEC + SEC / 2) == SEC);	/* 0.5 s at 2x */
	replay_setup(&r, 0.25, 1);
	CHECK(replay__vnow(&r, 11 * SEC) == SEC);		/* 4 s at 1/4 */
}

/*
 * As fast as possible, no rounds: every interval is delay seconds of the
 * recording, the boundary record opens the next one, the last interval
 * ends at the last record and the replay is finished.
 */
static void test_replay_fast_intervals(void)
{
	u64 vts[10];
	struct replay r;
	int delivered[] = { 2, 4, 6, 8, 10 };

	for (int i = 0; i < 10; i++)
		vts[i] = (u64)i * SEC / 2;	/* 0, 0.5, ... 4.5 s */
	fake_init(vts, 10);
	replay_setup(&r, 0, 1);
	for (int k = 0; k < 5; k++) {
		CHECK(replay__tick(&r, SEC) == 1);
		CHECK(ff.flushed == delivered[k]);
		CHECK(r.finished == (k == 4));
		CHECK(r.first_time == BASE);
		if (k < 4) {
			CHECK(ff.last_flush == BASE + (u64)(k + 1) * SEC - 1);
			CHECK(replay__interval_secs(&r) == 1.0);
		} else {
			CHECK(ff.last_flush == UINT64_MAX);
			CHECK(r.last_vt == 4 * SEC + SEC / 2);
			CHECK(replay__interval_secs(&r) == 0.5);
		}
	}
	CHECK(replay__tick(&r, SEC) == 0);	/* finished: nothing more */
	CHECK(ff.reads == 10);
}

/*
 * Rounds: the queue is complete up to the newest time of the round before
 * the last FINISHED_ROUND, so the replay reads only that far ahead and
 * delivers only what is complete.
 */
static void test_replay_rounds(void)
{
	const u64 R = UINT64_MAX;
	u64 vts[] = { 0, SEC, R, 2 * SEC, 3 * SEC, R, 4 * SEC, 5 * SEC, R, 6 * SEC };
	struct replay r;

	fake_init(vts, sizeof(vts) / sizeof(vts[0]));
	replay_setup(&r, 0, 1);
	CHECK(replay__tick(&r, SEC) == 1);
	CHECK(ff.reads == 6);		/* up to the second round, not the file */
	CHECK(!r.eof);
	CHECK(r.safe_vt == SEC);
	CHECK(ff.flushed == 1);		/* vt 0; vt 1 s opens the next interval */
	CHECK(replay__tick(&r, SEC) == 1);
	CHECK(ff.reads == 9);
	CHECK(r.safe_vt == 3 * SEC);
	CHECK(ff.flushed == 2);
}

/* At --speed 1 the wall clock decides what is due, within an interval too. */
static void test_replay_paced(void)
{
	u64 vts[6];
	struct replay r;

	for (int i = 0; i < 6; i++)
		vts[i] = (u64)i * SEC / 2;
	fake_init(vts, 6);
	replay_setup(&r, 1, 1);
	fake_clock += SEC / 2;			/* 0.5 s in: vt 0 and 0.5 due */
	CHECK(replay__tick(&r, SEC) == 0);
	CHECK(ff.flushed == 2);
	CHECK(ff.last_flush == BASE + SEC / 2);
	CHECK(r.last_vt == SEC / 2);
	fake_clock += SEC / 4;			/* 0.75 s: nothing new */
	CHECK(replay__tick(&r, SEC) == 0);
	CHECK(ff.flushed == 2);
	fake_clock += SEC / 4;			/* 1 s: the interval ends */
	CHECK(replay__tick(&r, SEC) == 1);
	CHECK(ff.flushed == 2);
	CHECK(r.next_refresh_vt == 2 * SEC);
	fake_clock += 10 * SEC;			/* long after: the rest, but one interval */
	CHECK(replay__tick(&r, SEC) == 1);
	CHECK(ff.flushed == 4);
	CHECK(!r.finished);
	CHECK(replay__tick(&r, SEC) == 1);
	CHECK(ff.flushed == 6);
	CHECK(r.finished);
}

/*
 * A failure of the file or of the delivery ends the tick with its errno,
 * the replay's err saying why; the records before it were delivered.
 */
static void test_replay_errors(void)
{
	u64 vts[6];
	struct replay r;

	for (int i = 0; i < 6; i++)
		vts[i] = (u64)i * SEC / 10;
	fake_init(vts, 6);
	ff.fail_deliver_at = 4;
	replay_setup(&r, 0, 10);
	CHECK(r.err.code == 0);
	CHECK(replay__tick(&r, SEC) == -EINVAL);
	CHECK(r.err.code == -EINVAL);
	CHECK_STR(r.err.msg, "'fake': bad record at offset 3");
	CHECK(ff.nr_queued == 3);
	CHECK(!r.finished);

	fake_init(vts, 6);
	ff.fail_next_at = 2;
	replay_setup(&r, 0, 10);
	CHECK(replay__tick(&r, SEC) == -EIO);
	CHECK_STR(err__str(&r.err), "'fake': cannot read at offset 1");
	CHECK(ff.nr_queued == 1 && !r.eof);
}

/*
 * One round read buffer by buffer: CPU 0's records (2 s to 3 s) come
 * before CPU 1's (0 to 1.5 s). The clock starts at the oldest, 0: three
 * intervals of 1 s to the end at 3 s, each with its own records.
 */
static void test_replay_origin(void)
{
	u64 vts[] = { 2 * SEC, 2 * SEC + SEC / 2, 3 * SEC, 0, SEC / 2, SEC, SEC + SEC / 2 };
	int delivered[] = { 2, 4, 7 };
	struct replay r;

	fake_init(vts, sizeof(vts) / sizeof(vts[0]));
	replay_setup(&r, 0, 1);
	for (int k = 0; k < 3; k++) {
		CHECK(replay__tick(&r, SEC) == 1);
		CHECK(r.first_time == BASE);
		CHECK(ff.flushed == delivered[k]);
		CHECK(r.finished == (k == 2));
	}
	CHECK(r.last_vt == 3 * SEC);
	CHECK(replay__tick(&r, SEC) == 0);
}

void test_replay_pacing(void)
{
	test_replay_errors();
	test_replay_clock();
	test_replay_fast_intervals();
	test_replay_rounds();
	test_replay_paced();
	test_replay_origin();
}
