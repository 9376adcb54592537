// SPDX-License-Identifier: GPL-2.0
/*
 * The event module: the event-name table both ways, sample and trailer
 * parsing (every sample_type bit the reader knows; a truncated record is
 * refused), the id -> evsel lookup.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/unit.h"
#include "util/data.h"
#include "util/evsel.h"

/* -e NAME -> attr -> name: every listed name, aliases to perf's name. */
void test_event_names(void)
{
	static const struct {
		const char *spec, *name;
	} cases[] = {
		{ "cycles", "cycles" },
		{ "cpu-cycles", "cycles" },
		{ "branch-instructions", "branches" },
		{ "faults", "page-faults" },
		{ "cs", "context-switches" },
		{ "migrations", "cpu-migrations" },
		{ "cpu-clock", "cpu-clock" },
		{ "dummy", "dummy" },
		{ "r1a2B", "r1a2b" },
		{ "cycles:u", "cycles:u" },
		{ "instructions:k", "instructions:k" },
		{ "cycles:Gpp", "cycles:Gpp" },
		{ "task-clock:H", "task-clock:H" },
		{ "cpu-clock/period=1000/u", "cpu-clock:u" },
	};
	struct perf_event_attr attr;
	struct event_spec spec;
	const char *name;
	size_t i, nr = 0;
	char *s;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK(event_spec__parse(cases[i].spec, &spec) == 0);
		s = evsel__name_from_attr(&spec.attr);
		CHECK_STR(s, cases[i].name);
		free(s);
	}

	/* Every listed name parses, and its attr's name parses to the same event. */
	for (i = 0; (name = event_name__nth(i)); i++, nr++) {
		struct perf_event_attr back = { 0 };

		CHECK(event_spec__parse(name, &spec) == 0);
		CHECK(spec.attr.type == PERF_TYPE_HARDWARE || spec.attr.type == PERF_TYPE_SOFTWARE);
		s = evsel__name_from_attr(&spec.attr);
		CHECK(event_name__parse(s, &back) == 0);
		CHECK(back.type == spec.attr.type && back.config == spec.attr.config);
		free(s);
	}
	CHECK(nr == 23);

	/* Names perf writes that -e does not offer: named, not parsed, not listed. */
	memset(&attr, 0, sizeof(attr));
	attr.type = PERF_TYPE_HARDWARE;
	attr.config = PERF_COUNT_HW_STALLED_CYCLES_FRONTEND;
	s = evsel__name_from_attr(&attr);
	CHECK_STR(s, "stalled-cycles-frontend");
	free(s);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_CGROUP_SWITCHES;
	s = evsel__name_from_attr(&attr);
	CHECK_STR(s, "cgroup-switches");
	free(s);
	CHECK(event_spec__parse("cgroup-switches", &spec) == -ENOENT);
	CHECK(event_spec__parse("stalled-cycles-backend", &spec) == -ENOENT);
	for (i = 0; (name = event_name__nth(i)); i++)
		CHECK(strcmp(name, "bpf-output") != 0);

	/* Unknown events: a generic name; bad specs refused. */
	attr.type = PERF_TYPE_HARDWARE;
	attr.config = 99;
	s = evsel__name_from_attr(&attr);
	CHECK_STR(s, "type0/config0x63/");
	free(s);
	attr.type = 42;
	attr.config = 0;
	s = evsel__name_from_attr(&attr);
	CHECK_STR(s, "type42/config0/");
	free(s);
	CHECK(event_spec__parse("no-such-event", &spec) == -ENOENT);
	CHECK(event_spec__parse("cycles:q", &spec) == -EINVAL);
	CHECK(event_spec__parse("cycles/period=0/", &spec) == -EINVAL);
	CHECK(event_spec__parse("r12345678901234567", &spec) == -ENOENT);
}

/* Every sample_type bit perf_data__parse_sample reads. */
#define ALL_SAMPLE_BITS (PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_IP | PERF_SAMPLE_TID |	\
	PERF_SAMPLE_TIME | PERF_SAMPLE_ADDR | PERF_SAMPLE_ID | PERF_SAMPLE_STREAM_ID |	\
	PERF_SAMPLE_CPU | PERF_SAMPLE_PERIOD | PERF_SAMPLE_READ | PERF_SAMPLE_CALLCHAIN |	\
	PERF_SAMPLE_RAW | PERF_SAMPLE_BRANCH_STACK | PERF_SAMPLE_REGS_USER |		\
	PERF_SAMPLE_STACK_USER | PERF_SAMPLE_WEIGHT | PERF_SAMPLE_DATA_SRC |		\
	PERF_SAMPLE_TRANSACTION | PERF_SAMPLE_REGS_INTR | PERF_SAMPLE_PHYS_ADDR |	\
	PERF_SAMPLE_CGROUP | PERF_SAMPLE_DATA_PAGE_SIZE | PERF_SAMPLE_CODE_PAGE_SIZE |	\
	PERF_SAMPLE_AUX)

struct rec {
	u64 w[128];
	size_t n;	/* words after the header */
};

static void put(struct rec *r, u64 v)
{
	r->w[1 + r->n++] = v;
}

static union perf_event *finish(struct rec *r, u16 type, u16 misc)
{
	struct perf_event_header h = { .type = type, .misc = misc,
				       .size = (u16)(8 * (1 + r->n)) };

	memcpy(&r->w[0], &h, sizeof(h));
	return (union perf_event *)r->w;
}

void test_sample_parse(void)
{
	struct perf_data *d = perf_data__new_live("unit");
	struct perf_event_attr attr = { 0 };
	static const u8 raw[6] = { 1, 2, 3, 4, 5, 6 };
	static const u64 ids[2] = { 1001, 1002 };
	struct perf_sample s;
	union perf_event *ev;
	struct evsel *evsel;
	struct rec r = { .n = 0 };
	u16 full;
	u64 v;

	attr.size = sizeof(attr);
	attr.sample_type = ALL_SAMPLE_BITS;
	attr.read_format = PERF_FORMAT_GROUP | PERF_FORMAT_ID | PERF_FORMAT_TOTAL_TIME_ENABLED |
			   PERF_FORMAT_TOTAL_TIME_RUNNING;
	attr.branch_sample_type = PERF_SAMPLE_BRANCH_HW_INDEX;
	attr.sample_regs_user = 0x7;	/* three registers */
	attr.sample_regs_intr = 0x3;	/* two */
	attr.sample_period = 4000;
	attr.sample_id_all = 1;
	evsel = perf_data__add_evsel(d, &attr, ids, 2);
	CHECK(evsel != NULL);
	if (!evsel)
		goto out;
	CHECK(evsel->time_pos == 3);	/* after IDENTIFIER IP TID */

	put(&r, 1001);				/* IDENTIFIER */
	put(&r, 0xffffffff81000000ULL);		/* IP */
	put(&r, (u64)22 << 32 | 11);		/* TID: pid 11, tid 22 */
	put(&r, 123456789);			/* TIME */
	put(&r, 0xdead0000);			/* ADDR */
	put(&r, 1001);				/* ID */
	put(&r, 77);				/* STREAM_ID */
	put(&r, 3);				/* CPU (u32, res) */
	put(&r, 5000);				/* PERIOD */
	put(&r, 2);				/* READ: nr */
	put(&r, 10);				/* time enabled */
	put(&r, 9);				/* time running */
	put(&r, 100), put(&r, 1001);		/* value, id */
	put(&r, 200), put(&r, 1002);
	put(&r, 3);				/* CALLCHAIN: nr */
	put(&r, PERF_CONTEXT_KERNEL), put(&r, 0xffffffff81000010ULL), put(&r, 0xffffffff81000020ULL);
	v = sizeof(raw);			/* RAW: u32 size, bytes, padded to 8 with it */
	memcpy((u8 *)&r.w[1 + r.n], &v, 4);
	memcpy((u8 *)&r.w[1 + r.n] + 4, raw, sizeof(raw));
	r.n += 2;
	put(&r, 1);				/* BRANCH_STACK: nr */
	put(&r, 0);				/* hw_idx */
	put(&r, 1), put(&r, 2), put(&r, 3);	/* one entry */
	put(&r, 2);				/* REGS_USER: abi 64 */
	put(&r, 0xa), put(&r, 0xb), put(&r, 0xc);
	put(&r, 16);				/* STACK_USER: size */
	put(&r, 0x1111), put(&r, 0x2222);
	put(&r, 12);				/* dyn_size */
	put(&r, 5);				/* WEIGHT */
	put(&r, 6);				/* DATA_SRC */
	put(&r, 7);				/* TRANSACTION */
	put(&r, 2);				/* REGS_INTR: abi */
	put(&r, 0xe), put(&r, 0xf);
	put(&r, 0x1000);			/* PHYS_ADDR */
	put(&r, 42);				/* CGROUP */
	put(&r, 4096);				/* DATA_PAGE_SIZE */
	put(&r, 4096);				/* CODE_PAGE_SIZE */
	put(&r, 0);				/* AUX: size 0 */
	ev = finish(&r, PERF_RECORD_SAMPLE, PERF_RECORD_MISC_GUEST_KERNEL);
	full = ev->header.size;

	CHECK(perf_data__evsel_of(d, ev) == evsel);
	CHECK(perf_data__parse_sample(d, evsel, ev, &s) == 0);
	CHECK(s.cpumode == PERF_RECORD_MISC_GUEST_KERNEL);
	CHECK(s.ip == 0xffffffff81000000ULL);
	CHECK(s.pid == 11 && s.tid == 22);
	CHECK(s.time == 123456789);
	CHECK(s.addr == 0xdead0000);
	CHECK(s.id == 1001);
	CHECK(s.stream_id == 77);
	CHECK(s.cpu == 3);
	CHECK(s.period == 5000);
	CHECK(s.callchain_nr == 3 && s.callchain && s.callchain[2] == 0xffffffff81000020ULL);
	CHECK(s.raw_size == sizeof(raw) && s.raw_data && !memcmp(s.raw_data, raw, sizeof(raw)));
	CHECK(s.user_regs_abi == 2 && s.user_regs_mask == 0x7 && s.user_regs &&
	      s.user_regs[2] == 0xc);
	CHECK(s.user_stack && s.user_stack_size == 12);
	if (s.user_stack) {
		memcpy(&v, s.user_stack + 8, 8);
		CHECK(v == 0x2222);
	}
	/* The group read: each value and its id. */
	CHECK(s.read_nr == 2 && s.read && s.read[0] == 100 && s.read[s.read_id] == 1001 &&
	      s.read[s.read_stride] == 200 && s.read[s.read_stride + s.read_id] == 1002);

	/* Every shorter record lacks something its sample_type promises. */
	for (ev->header.size = full - 8; ev->header.size >= 8; ev->header.size -= 8)
		CHECK(perf_data__parse_sample(d, evsel, ev, &s) == -EINVAL);
	ev->header.size = full;

	/* Lengths inside the record that point past its end are refused too. */
	r.w[1 + 16] = 1000;			/* callchain nr */
	CHECK(perf_data__parse_sample(d, evsel, ev, &s) == -EINVAL);
	r.w[1 + 16] = 3;
	r.w[1 + 9] = (u64)1 << 61;		/* read_format group nr */
	CHECK(perf_data__parse_sample(d, evsel, ev, &s) == -EINVAL);
	r.w[1 + 9] = 2;
	CHECK(perf_data__parse_sample(d, evsel, ev, &s) == 0);

	/* Without PERIOD the attr's period stands; freq means 1. */
	attr.sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID;
	evsel->attr = attr;
	r.n = 0;
	put(&r, 0x400000);
	put(&r, (u64)5 << 32 | 5);
	ev = finish(&r, PERF_RECORD_SAMPLE, PERF_RECORD_MISC_USER);
	CHECK(perf_data__parse_sample(d, evsel, ev, &s) == 0);
	CHECK(s.period == 4000 && s.time == 0 && s.cpu == (u32)-1);
	evsel->attr.freq = 1;
	CHECK(perf_data__parse_sample(d, evsel, ev, &s) == 0);
	CHECK(s.period == 1);

	/* One value read, its times between it and its id. */
	attr.sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_READ;
	attr.read_format = PERF_FORMAT_ID | PERF_FORMAT_TOTAL_TIME_ENABLED |
			   PERF_FORMAT_TOTAL_TIME_RUNNING;
	evsel->attr = attr;
	r.n = 0;
	put(&r, 0x400000);
	put(&r, 300), put(&r, 10), put(&r, 9), put(&r, 1002);	/* value, times, id */
	ev = finish(&r, PERF_RECORD_SAMPLE, PERF_RECORD_MISC_USER);
	CHECK(perf_data__parse_sample(d, evsel, ev, &s) == 0);
	CHECK(s.read_nr == 1 && s.read && s.read[0] == 300 && s.read[s.read_id] == 1002);
out:
	perf_data__delete(d);
}

/* The sample_id_all trailer of a non-sample record, and the id lookup. */
void test_trailer_parse(void)
{
	struct perf_data *d = perf_data__new_live("unit");
	struct perf_event_attr attr = { 0 };
	static const u64 ids_a[2] = { 7, 8 }, ids_b[1] = { 9 };
	struct evsel *a, *b;
	struct perf_sample s;
	union perf_event *ev;
	struct rec r = { .n = 0 };

	attr.size = sizeof(attr);
	attr.sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_ID |
			   PERF_SAMPLE_CPU;
	attr.sample_id_all = 1;
	a = perf_data__add_evsel(d, &attr, ids_a, 2);
	b = perf_data__add_evsel(d, &attr, ids_b, 1);
	CHECK(a && b && a != b);
	CHECK(d->id_pos_sample == 3 && d->id_pos_trailer == 2);

	/* A COMM-like record: 2 words of body, then TID TIME ID CPU. */
	put(&r, 0x1111);
	put(&r, 0x2222);
	put(&r, (u64)4 << 32 | 3);
	put(&r, 987654321);
	put(&r, 9);
	put(&r, 5);
	ev = finish(&r, PERF_RECORD_COMM, 0);
	CHECK(perf_data__parse_trailer(d, ev, &s) == 0);
	CHECK(s.pid == 3 && s.tid == 4 && s.time == 987654321 && s.id == 9 && s.cpu == 5);
	CHECK(perf_data__evsel_of(d, ev) == b);
	r.w[1 + 4] = 8;
	CHECK(perf_data__evsel_of(d, ev) == a);
	r.w[1 + 4] = 12345;			/* an id no event has */
	CHECK(perf_data__evsel_of(d, ev) == NULL);

	/* Samples: the id after IP TID TIME. */
	r.n = 0;
	put(&r, 0x400000);
	put(&r, (u64)4 << 32 | 3);
	put(&r, 1);
	put(&r, 7);
	put(&r, 0);
	ev = finish(&r, PERF_RECORD_SAMPLE, PERF_RECORD_MISC_USER);
	CHECK(perf_data__evsel_of(d, ev) == a);
	/* Asked again, the same; once another event takes the id (a pipe's later attr), that one. */
	CHECK(perf_data__evsel_of(d, ev) == a);
	{
		static const u64 ids_c[1] = { 7 };
		struct evsel *c = perf_data__add_evsel(d, &attr, ids_c, 1);

		CHECK(c && c != a && perf_data__evsel_of(d, ev) == c);
	}

	/* Too short for its trailer. */
	r.n = 0;
	put(&r, 1);
	put(&r, 2);
	ev = finish(&r, PERF_RECORD_COMM, 0);
	CHECK(perf_data__parse_trailer(d, ev, &s) == -EINVAL);
	perf_data__delete(d);

	/* Without sample_id_all there is no trailer. */
	d = perf_data__new_live("unit");
	attr.sample_id_all = 0;
	CHECK(perf_data__add_evsel(d, &attr, ids_a, 2) != NULL);
	r.n = 0;
	put(&r, 1);
	ev = finish(&r, PERF_RECORD_COMM, 0);
	CHECK(perf_data__parse_trailer(d, ev, &s) == -ENOENT);
	CHECK(s.pid == (u32)-1 && s.cpu == (u32)-1);
	perf_data__delete(d);
}

/* The id hash on its own: many ids, replacement, misses. */
void test_evsel_id_hash(void)
{
	struct evsel_id_hash h = { 0 };
	struct evsel e[3];
	u64 i;

	CHECK(evsel_id_hash__find(&h, 1) == NULL);
	for (i = 0; i < 5000; i++)
		evsel_id_hash__insert(&h, i * 0x10000 + 1, &e[i % 3]);
	for (i = 0; i < 5000; i++)
		CHECK(evsel_id_hash__find(&h, i * 0x10000 + 1) == &e[i % 3]);
	CHECK(evsel_id_hash__find(&h, 2) == NULL);
	CHECK(h.used == 5000 && h.size >= 10000);
	evsel_id_hash__insert(&h, 1, &e[2]);
	CHECK(evsel_id_hash__find(&h, 1) == &e[2]);
	CHECK(h.used == 5000);
	evsel_id_hash__exit(&h);
	CHECK(h.size == 0 && evsel_id_hash__find(&h, 1) == NULL);
}

/*
 * An evlist's events (struct evsel, as opened) are a live perf_data's: the
 * same structs, found by id, and left to their owner when the data goes.
 */
void test_evsel_live(void)
{
	struct perf_data *d = perf_data__new_live("live");
	struct perf_event_attr attr = { 0 };
	static u64 ids0[2] = { 21, 22 }, ids1[1] = { 23 };
	struct evsel evsels[2];

	attr.size = sizeof(attr);
	attr.sample_type = PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_TIME;
	attr.sample_id_all = 1;
	evsel__init(&evsels[0], &attr, 0);
	evsel__init(&evsels[1], &attr, 1);
	CHECK(evsels[0].time_pos == 1 && evsels[1].idx == 1);
	evsels[0].name = "cpu-clock";
	evsels[0].ids = ids0;
	evsels[0].nr_ids = 2;
	evsels[1].name = "kvm:kvm_exit";
	evsels[1].ids = ids1;
	evsels[1].nr_ids = 1;
	CHECK(perf_data__share_evsels(d, evsels, 2) == 0);
	CHECK(d->nr_evsels == 2);
	if (d->nr_evsels == 2) {
		CHECK(d->evsels[0] == &evsels[0] && d->evsels[1] == &evsels[1]);
		CHECK_STR(d->evsels[1]->name, "kvm:kvm_exit");
		CHECK(evsel_id_hash__find(&d->id_hash, 22) == &evsels[0]);
		CHECK(evsel_id_hash__find(&d->id_hash, 23) == &evsels[1]);
		CHECK(d->id_pos_sample == 0 && d->id_pos_trailer == 1);
		CHECK(d->nr_ids_total == 3);
	}
	CHECK(perf_data__share_evsels(d, evsels, 2) == -EBUSY);
	/* a pipe's later event is the data's own, freed with it */
	CHECK(perf_data__add_evsel(d, &attr, ids1, 0) != NULL);
	CHECK(d->nr_evsels == 3 && d->nr_evsels_shared == 2);
	perf_data__delete(d);	/* frees the third only (ASan: no bad free) */
	CHECK(evsels[0].ids == ids0 && evsels[1].nr_ids == 1);
}
