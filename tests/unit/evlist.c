// SPDX-License-Identifier: GPL-2.0
/*
 * evlist__find_evsel: the event of a sample id, through the evlist's id
 * hash, after a real open of software events on this thread (one fd, so
 * one id, per online CPU).
 */
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tests/unit/unit.h"
#include "util/evlist.h"

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
