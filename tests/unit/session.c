// SPDX-License-Identifier: GPL-2.0
/*
 * Session ordering (util/session.c) on small perf.data files written with
 * util/writer.c: samples from a few CPUs, interleaved out of time order in
 * the file, with and without FINISHED_ROUND; a late sample older than what
 * a round already delivered; a file without sample_id_all (file order).
 * Each sample's period is its index in the file, so the order in which the
 * tool sees them is checked exactly.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/unit/unit.h"
#include "util/data.h"
#include "util/evsel.h"
#include "util/session.h"
#include "util/writer.h"

#define ROUND	0	/* in a row table: a FINISHED_ROUND, not a sample */
#define MAX_SEEN 64

struct row {
	u64 time;	/* ROUND: a FINISHED_ROUND */
	u32 cpu;
};

/* IP, TID, TIME, CPU, PERIOD: the body of one sample. */
struct sample_rec {
	struct perf_event_header h;
	u64 ip;
	u32 pid, tid;
	u64 time;
	u32 cpu, res;
	u64 period;
};

struct order_tool {
	struct perf_tool tool;
	int nr;
	u64 time[MAX_SEEN], tag[MAX_SEEN];
	u32 cpu[MAX_SEEN];
};

static int order_sample(struct perf_tool *tool, struct session *session,
			struct evsel *evsel, const struct perf_sample *sample,
			struct addr_location *al)
{
	struct order_tool *t = (struct order_tool *)tool;

	(void)session;
	(void)evsel;
	(void)al;
	if (t->nr < MAX_SEEN) {
		t->time[t->nr] = sample->time;
		t->cpu[t->nr] = sample->cpu;
		t->tag[t->nr] = sample->period;
	}
	t->nr++;
	return 0;
}

/*
 * Writes @rows to a new file (sample i, counting samples only, has period
 * i + 1 and ip 0x1000 + i) and runs a session over it with @t.
 */
static bool run_rows(const struct row *rows, int nr, bool sample_id_all,
		     struct order_tool *t, struct session_stats *stats)
{
	char dir[] = "/tmp/pmukvm-unit-session.XXXXXX";
	struct perf_event_attr attr = { 0 };
	struct err werr = ERR_INIT, derr = ERR_INIT, serr = ERR_INIT;
	struct perf_writer *w;
	struct perf_data *d;
	struct session *s;
	char path[64];
	u64 tag = 0, id = 1;
	bool ok = false;
	int i;

	memset(t, 0, sizeof(*t));
	t->tool.sample = order_sample;
	if (!mkdtemp(dir)) {
		CHECK(!"mkdtemp");
		return false;
	}
	snprintf(path, sizeof(path), "%s/perf.data", dir);
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_CPU_CLOCK;
	attr.sample_period = 4000;
	attr.sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME |
			   PERF_SAMPLE_CPU | PERF_SAMPLE_PERIOD;
	attr.sample_id_all = sample_id_all;
	w = perf_writer__new(path, &werr);
	CHECK(w != NULL);
	if (!w)
		goto out_dir;
	perf_writer__add_evsel(w, &attr, "cpu-clock", &id, 1);
	CHECK(perf_writer__start(w, 0) == 0);
	for (i = 0; i < nr; i++) {
		if (rows[i].time == ROUND) {
			struct perf_event_header h = {
				.type = PERF_RECORD_FINISHED_ROUND, .size = sizeof(h),
			};

			CHECK(perf_writer__write(w, &h, sizeof(h)) == 0);
		} else {
			struct sample_rec r = {
				.h = { .type = PERF_RECORD_SAMPLE, .misc = PERF_RECORD_MISC_USER,
				       .size = sizeof(r) },
				.ip = 0x1000 + tag, .pid = 1, .tid = 1,
				.time = rows[i].time, .cpu = rows[i].cpu, .period = ++tag,
			};

			CHECK(perf_writer__write(w, &r, sizeof(r)) == 0);
		}
	}
	CHECK(perf_writer__finish(w) == 0);
	perf_writer__delete(w);

	d = perf_data__open(path, &derr);
	CHECK(d != NULL);
	if (!d)
		goto out_file;
	s = session__new(d, &t->tool, NULL, &serr);
	CHECK(s != NULL);
	if (s) {
		ok = session__process_events(s) == 0;
		CHECK(ok);
		*stats = s->stats;
		session__delete(s);
	}
	perf_data__delete(d);
out_file:
	unlink(path);
out_dir:
	rmdir(dir);
	return ok;
}

/* The tool saw exactly the samples tagged @tags, in that order. */
static void check_order(const struct order_tool *t, const struct row *rows, int nr,
			const u64 *tags, int nr_tags)
{
	CHECK(t->nr == nr_tags);
	for (int i = 0; i < nr_tags && i < t->nr && i < MAX_SEEN; i++) {
		int k = 0, j;

		if (t->tag[i] != tags[i])
			fprintf(stderr, "session order: #%d is sample %llu, not %llu\n", i,
				(unsigned long long)t->tag[i], (unsigned long long)tags[i]);
		CHECK(t->tag[i] == tags[i]);
		/* The sample's own time and CPU came through with it. */
		for (j = 0; j < nr; j++)
			if (rows[j].time != ROUND && ++k == (int)tags[i])
				break;
		if (j < nr) {
			CHECK(t->time[i] == rows[j].time);
			CHECK(t->cpu[i] == rows[j].cpu);
		}
	}
}

/*
 * Three CPUs, each in time order, interleaved out of order across CPUs,
 * in rounds; equal times on two CPUs. A round's FINISHED_ROUND delivers
 * what is no newer than the previous round's newest time; what is left
 * goes at the end. Delivery is by (time, arrival): of equal times the one
 * earlier in the file goes first.
 */
static const struct row rounds_rows[] = {
	{ 100, 0 },	/* 1 */
	{ 300, 0 },	/* 2 */
	{ 150, 1 },	/* 3 */
	{ 250, 1 },	/* 4 */
	{ 120, 2 },	/* 5 */
	{ 300, 2 },	/* 6: ties with 2, comes later */
	{ ROUND, 0 },	/* delivers nothing (no earlier round) */
	{ 400, 0 },	/* 7 */
	{ 310, 1 },	/* 8 */
	{ 350, 1 },	/* 9 */
	{ 305, 2 },	/* 10 */
	{ ROUND, 0 },	/* delivers up to 300: 1 5 3 4 2 6 */
	{ 500, 2 },	/* 11 */
	{ 450, 1 },	/* 12 */
	{ 400, 1 },	/* 13: ties with 7, comes later */
	{ ROUND, 0 },	/* delivers up to 400: 10 8 9 7 13 */
	{ 600, 0 },	/* 14 */
	{ 460, 1 },	/* 15 */
	/* end: 12 15 11 14 */
};

static const u64 sorted_tags[] = { 1, 5, 3, 4, 2, 6, 10, 8, 9, 7, 13, 12, 15, 11, 14 };

/*
 * 60 samples on one CPU in time order, a round after every 5: each flush
 * leaves the last round waiting, one run (the queue read straight down,
 * its array's front reclaimed as it fills). Sample 23 is older than 22,
 * which waits (not late: newer than what was delivered): from there the
 * queue is two runs, merged, and after that flush one run again.
 */
static void check_one_run(void)
{
	struct row rows[80];
	u64 tags[60];
	struct order_tool t;
	struct session_stats st;
	int nr = 0, i, j;

	for (i = 1; i <= 60; i++) {
		rows[nr].time = i == 23 ? 215 : 10 * (u64)i;
		rows[nr++].cpu = 0;
		if (i % 5 == 0)
			rows[nr++] = (struct row){ ROUND, 0 };
	}
	/* Expected: by time, ties in file order (none late). */
	for (i = 0; i < 60; i++)
		tags[i] = (u64)i + 1;
	tags[21] = 23;
	tags[22] = 22;
	if (!run_rows(rows, nr, true, &t, &st))
		return;
	check_order(&t, rows, nr, tags, 60);
	CHECK(st.nr_unordered == 0);
	for (i = 1, j = 0; i < 60 && i < MAX_SEEN; i++)
		j += t.time[i] < t.time[i - 1];
	CHECK(j == 0);
}

void test_session_order_rounds(void)
{
	struct order_tool t;
	struct session_stats st;
	int nr = sizeof(rounds_rows) / sizeof(rounds_rows[0]);

	if (!run_rows(rounds_rows, nr, true, &t, &st))
		return;
	check_order(&t, rounds_rows, nr, sorted_tags, sizeof(sorted_tags) / sizeof(u64));
	CHECK(st.nr_samples == 15);
	CHECK(st.nr_unordered == 0);
	CHECK(st.nr_events[PERF_RECORD_FINISHED_ROUND] == 3);
	check_one_run();
}

/* The same samples without FINISHED_ROUND: all at the end, the same order. */
void test_session_order_no_rounds(void)
{
	struct row rows[32];
	struct order_tool t;
	struct session_stats st;
	int nr = 0;

	for (size_t i = 0; i < sizeof(rounds_rows) / sizeof(rounds_rows[0]); i++)
		if (rounds_rows[i].time != ROUND)
			rows[nr++] = rounds_rows[i];
	if (!run_rows(rows, nr, true, &t, &st))
		return;
	check_order(&t, rows, nr, sorted_tags, sizeof(sorted_tags) / sizeof(u64));
	CHECK(st.nr_unordered == 0);
	CHECK(st.nr_events[PERF_RECORD_FINISHED_ROUND] == 0);
}

/*
 * A late sample: older than what a round already delivered. It is counted
 * (nr_unordered) and still delivered, with the next flush, in time order
 * among what is queued then -- after the newer samples already delivered.
 */
void test_session_order_late(void)
{
	static const struct row rows[] = {
		{ 100, 0 },	/* 1 */
		{ 200, 1 },	/* 2 */
		{ ROUND, 0 },	/* nothing */
		{ 300, 0 },	/* 3 */
		{ ROUND, 0 },	/* up to 200: 1 2 */
		{ 150, 1 },	/* 4: late, older than 200 */
		{ 250, 0 },	/* 5: not late */
		{ ROUND, 0 },	/* up to 300: 4 5 3 */
		{ 350, 1 },	/* 6 */
	};
	static const u64 tags[] = { 1, 2, 4, 5, 3, 6 };
	struct order_tool t;
	struct session_stats st;
	int nr = sizeof(rows) / sizeof(rows[0]);

	if (!run_rows(rows, nr, true, &t, &st))
		return;
	check_order(&t, rows, nr, tags, sizeof(tags) / sizeof(u64));
	CHECK(st.nr_unordered == 1);
	CHECK(st.nr_samples == 6);
}

/* Without sample_id_all, as perf: no ordering, the file's order. */
void test_session_order_no_sample_id_all(void)
{
	struct order_tool t;
	struct session_stats st;
	int nr = sizeof(rounds_rows) / sizeof(rounds_rows[0]);
	u64 tags[15];

	for (int i = 0; i < 15; i++)
		tags[i] = i + 1;
	if (!run_rows(rounds_rows, nr, false, &t, &st))
		return;
	check_order(&t, rounds_rows, nr, tags, 15);
	CHECK(st.nr_unordered == 0);
}
