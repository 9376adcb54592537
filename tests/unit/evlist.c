// SPDX-License-Identifier: GPL-2.0
/*
 * evlist__find_evsel: the event of a sample id, through the evlist's id
 * hash, after a real open of software events on this thread (one fd, so
 * one id, per online CPU); and rbreader__process on a real ring buffer.
 */
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tests/unit/unit.h"
#include "util/err.h"
#include "util/evlist.h"
#include "util/rbreader.h"

static void add_sw(struct evlist *evlist, u64 config, const char *name)
{
	struct perf_event_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = config;
	attr.sample_period = 1000000;
	attr.sample_type = PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_TIME;
	attr.disabled = 1;
	attr.exclude_kernel = attr.exclude_hv = 1;
	evlist__add(evlist, &attr, name);
}

/* Every id finds its own event; others (unknown, of an earlier open) none. */
static void check_ids(struct evlist *evlist)
{
	u64 max = 0;

	for (int e = 0; e < evlist->nr_evsels; e++) {
		struct evsel *ev = &evlist->evsels[e];

		CHECK(ev->nr_ids == (u32)evlist->nr_cpus);
		for (u32 i = 0; i < ev->nr_ids; i++) {
			CHECK(evlist__find_evsel(evlist, ev->ids[i]) == ev);
			if (ev->ids[i] > max)
				max = ev->ids[i];
		}
	}
	CHECK(evlist__find_evsel(evlist, max + 1) == NULL);
	CHECK(evlist__find_evsel(evlist, 0) == NULL);
}

void test_evlist_find_evsel(void)
{
	struct evlist *evlist = evlist__new();
	u64 old_id;
	int err;

	add_sw(evlist, PERF_COUNT_SW_TASK_CLOCK, "task-clock");
	add_sw(evlist, PERF_COUNT_SW_CPU_CLOCK, "cpu-clock");
	CHECK(evlist__find_evsel(evlist, 1) == NULL);	/* nothing open */
	CHECK(evlist__set_cpus(evlist, NULL) == 0);
	CHECK(evlist__set_threads(evlist, getpid(), false) == 0);
	err = evlist__open(evlist);
	if (err == -EACCES || err == -EPERM || err == -ENOENT || err == -ENODEV ||
	    err == -ENOSYS) {
		fprintf(stderr, "evlist_find_evsel: skipped: perf_event_open: %s\n",
			strerror(-err));
		evlist__delete(evlist);
		return;
	}
	CHECK(err == 0);
	if (!err) {
		check_ids(evlist);
		old_id = evlist->evsels[1].ids[0];
		evlist__close(evlist);
		CHECK(evlist__open(evlist) == 0);
		check_ids(evlist);
		/* ids are new at each open: the old one is no one's */
		CHECK(evlist->evsels[1].ids[0] == old_id ||
		      evlist__find_evsel(evlist, old_id) == NULL);
	}
	evlist__delete(evlist);
}

struct rb_count {
	int calls, samples, rounds, fail_at;
};

static int rb_count_cb(void *ctx, union perf_event *ev, struct err *e)
{
	struct rb_count *c = ctx;

	c->calls++;
	if (c->calls == c->fail_at)
		return err__set(e, -ECANCELED, "stop at record %d", c->calls);
	c->samples += ev->header.type == PERF_RECORD_SAMPLE;
	c->rounds += ev->header.type == PERF_RECORD_FINISHED_ROUND;
	return 0;
}

/*
 * The reader thread on a real ring buffer (task-clock samples of this
 * thread): rbreader__process hands over what it queued, passes closed by
 * FINISHED_ROUNDs; a callback's error stops it and drops the rest; the
 * queue is then empty.
 */
void test_rbreader_process(void)
{
	struct evlist *evlist = evlist__new();
	struct perf_event_attr attr;
	struct rbreader *r;
	struct rb_count c = { 0 }, c2 = { 0 };
	struct err e = ERR_INIT;
	volatile u64 x = 0;
	u64 until;
	int err;

	memset(&attr, 0, sizeof(attr));
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_TASK_CLOCK;
	attr.sample_period = 100000;	/* every 0.1 ms on the CPU */
	attr.sample_type = PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_TIME;
	attr.disabled = 1;
	attr.exclude_kernel = attr.exclude_hv = 1;
	evlist__add(evlist, &attr, "task-clock");
	evlist__set_any_cpu(evlist);
	CHECK(evlist__set_threads(evlist, getpid(), false) == 0);
	err = evlist__open(evlist);
	if (!err)
		err = evlist__mmap(evlist, 16);
	if (err == -EACCES || err == -EPERM || err == -ENOENT || err == -ENODEV ||
	    err == -ENOSYS) {
		fprintf(stderr, "rbreader_process: skipped: perf_event_open: %s\n", strerror(-err));
		evlist__delete(evlist);
		return;
	}
	CHECK(err == 0);
	if (err) {
		evlist__delete(evlist);
		return;
	}
	evlist__enable(evlist);
	r = rbreader__start(evlist, RBREADER_MAX, &err);
	CHECK(r != NULL);
	if (!r) {
		evlist__delete(evlist);
		return;
	}
	for (until = now_ns() + 50000000ull; now_ns() < until;)
		x += 1;			/* 50 ms on the CPU: hundreds of samples */
	evlist__disable(evlist);
	rbreader__stop(r);		/* its last pass is queued */
	c.fail_at = 3;
	CHECK(rbreader__process(r, rb_count_cb, &c, &e) == -ECANCELED);
	CHECK(c.calls == 3 && e.code == -ECANCELED);
	CHECK_STR(e.msg, "stop at record 3");
	CHECK(rbreader__process(r, rb_count_cb, &c2, &e) == 0);
	CHECK(c2.calls == 0);		/* the rest went with the failed take */
	rbreader__delete(r);

	/* again, all of it this time */
	r = rbreader__start(evlist, RBREADER_MAX, &err);
	CHECK(r != NULL);
	if (r) {
		evlist__enable(evlist);
		for (until = now_ns() + 50000000ull; now_ns() < until;)
			x += 1;
		evlist__disable(evlist);
		rbreader__stop(r);
		err__init(&e);
		CHECK(rbreader__process(r, rb_count_cb, &c2, &e) == 0);
		CHECK(c2.samples > 10 && c2.rounds >= 1 && e.code == 0);
		rbreader__delete(r);
	}
	evlist__delete(evlist);
}
