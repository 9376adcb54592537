// SPDX-License-Identifier: GPL-2.0
/*
 * The feature table: every feature pmukvm writes goes through a file
 * (util/writer.c) and back through the reader, each row's write then read;
 * report --header prints each; a malformed payload is named.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/unit/unit.h"
#include "util/buf.h"
#include "util/data.h"
#include "util/header.h"
#include "util/writer.h"

static bool printed(const char *text, const char *line)
{
	return text && strstr(text, line) != NULL;
}

static size_t nr_seen;

/* Finishes the file @w writes at @path and opens it again for reading. */
static struct perf_data *finish_and_open(struct perf_writer *w, const char *path)
{
	struct err derr;
	struct perf_data *d;

	CHECK(perf_writer__finish(w) == 0);
	perf_writer__delete(w);
	d = perf_data__open(path, &derr);
	CHECK(d != NULL);
	if (!d)
		fprintf(stderr, "%s\n", derr.msg);
	return d;
}

/* header__for_each_build_id: the entries come back as written, in order. */
static int check_build_id(const struct build_id_entry *e, void *arg)
{
	const struct build_id_entry *want = (const struct build_id_entry *)arg + nr_seen;

	if (nr_seen++ >= 2)
		return -1;
	CHECK(e->pid == want->pid);
	CHECK(e->cpumode == want->cpumode);
	CHECK(e->size == want->size);
	CHECK(!memcmp(e->build_id, want->build_id, want->size));
	CHECK_STR(e->filename, want->filename);
	return 0;
}

void test_header_round_trip(void)
{
	static u8 tracing[] = "\027\010\104tracing0.6 (bytes kept as stored)";
	static u8 guest_files[24] = { 'P', 'K', 'G', 'F', 1, 2, 3 };
	char *cmdline[] = { "/usr/bin/pmukvm", "kvm", "record", "-a" };
	struct build_id_entry bids[2] = {
		{ .pid = -1, .cpumode = PERF_RECORD_MISC_KERNEL, .size = 20,
		  .filename = "[kernel.kallsyms]" },
		{ .pid = 0, .cpumode = PERF_RECORD_MISC_GUEST_USER, .size = 16,
		  .filename = "/usr/lib/x86_64-linux-gnu/libc.so.6" },
	};
	struct event_group groups[1] = { { NULL, 0, 2 } };
	struct header_info hi = {
		.hostname = "unit-host", .osrelease = "6.1.0-unit", .version = "0.9-unit",
		.arch = "x86_64", .cpudesc = "Unit CPU @ 1.00GHz", .cpuid = "GenuineIntel,6,85,7",
		.nr_cpus_avail = 64, .nr_cpus_online = 48, .total_mem = 131072000,
		.cmdline = cmdline, .nr_cmdline = 4,
		.build_ids = bids, .nr_build_ids = 2,
		.first_sample_time = 1000000, .last_sample_time = 3500000000ULL,
		.has_sample_time = true,
		.has_comp = true, .comp_version = 1, .comp_type = 1, .comp_level = 3,
		.comp_ratio = 4, .comp_mmap_len = 528384,
		.guest_files = guest_files, .guest_files_size = sizeof(guest_files),
		.tracing_data = tracing, .tracing_data_size = sizeof(tracing),
		.groups = groups, .nr_groups = 1,
	};
	struct evsel evsels[2] = { 0 };
	static u64 ids0[2] = { 11, 12 }, ids1[1] = { 13 };
	struct feat_src src = { .info = &hi, .evsels = evsels, .nr_evsels = 2 };
	char path[] = "/tmp/pmukvm-unit-header.XXXXXX", *text = NULL;
	const struct header_info *ri;
	struct perf_writer *w;
	struct perf_data *d;
	size_t i, text_len = 0;
	struct err werr = ERR_INIT;
	int fd;
	FILE *fp;

	for (i = 0; i < 20; i++)
		bids[0].build_id[i] = (u8)(0xa0 + i), bids[1].build_id[i] = (u8)i;
	evsels[0].attr.type = PERF_TYPE_SOFTWARE;
	evsels[0].attr.config = PERF_COUNT_SW_CPU_CLOCK;
	evsels[0].attr.sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_ID;
	evsels[0].attr.sample_period = 4000;
	evsels[0].attr.freq = 1;
	evsels[0].name = "cpu-clock";
	evsels[0].ids = ids0;
	evsels[0].nr_ids = 2;
	evsels[1].attr = evsels[0].attr;
	evsels[1].attr.config = PERF_COUNT_SW_TASK_CLOCK;
	evsels[1].name = "task-clock:u";
	evsels[1].ids = ids1;
	evsels[1].nr_ids = 1;

	fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	close(fd);
	w = perf_writer__new(path, &werr);
	CHECK(w != NULL && werr.code == 0);
	if (!w)
		goto out;
	for (i = 0; i < 2; i++)
		perf_writer__add_evsel(w, &evsels[i].attr, evsels[i].name, evsels[i].ids,
				       evsels[i].nr_ids);
	CHECK(perf_writer__start(w, 0) == 0);
	/* Every row that writes: all of pmukvm's features. */
	for (i = 0; i < nr_feat_ops; i++)
		if (feat_ops[i].write)
			CHECK(header__set_feature(w, feat_ops[i].id, &src) == 0);
	d = finish_and_open(w, path);
	if (!d)
		goto out;
	for (i = 0; i < nr_feat_ops; i++)
		if (feat_ops[i].write)
			CHECK(perf_data__has_feat(d, feat_ops[i].id));
	ri = &d->info;
	CHECK_STR(ri->hostname, hi.hostname);
	CHECK_STR(ri->osrelease, hi.osrelease);
	CHECK_STR(ri->version, hi.version);
	CHECK_STR(ri->arch, hi.arch);
	CHECK_STR(ri->cpudesc, hi.cpudesc);
	CHECK_STR(ri->cpuid, hi.cpuid);
	CHECK(ri->nr_cpus_avail == 64 && ri->nr_cpus_online == 48);
	CHECK(ri->total_mem == 131072000);
	CHECK(ri->nr_cmdline == 4);
	for (i = 0; i < 4 && i < ri->nr_cmdline; i++)
		CHECK_STR(ri->cmdline[i], cmdline[i]);
	CHECK(ri->bid.nr == 2);
	nr_seen = 0;
	CHECK(header__for_each_build_id(d, check_build_id, bids) == 0);
	CHECK(nr_seen == 2);
	/* Only host entries with a build-id are found by name. */
	{
		u8 bid[20];

		CHECK(header__find_build_id(d, "[kernel.kallsyms]", bid) == 20);
		CHECK(!memcmp(bid, bids[0].build_id, 20));
		CHECK(header__find_build_id(d, bids[1].filename, bid) == 0);
		CHECK(header__find_build_id(d, "[kernel.kallsyms", bid) == 0);
		CHECK(header__find_build_id(d, "[kernel.kallsyms]x", bid) == 0);
	}
	/* an anonymous group of the two events, read back as written */
	CHECK(ri->nr_groups == 1 && ri->groups && !ri->groups[0].name &&
	      ri->groups[0].leader == 0 && ri->groups[0].nr_members == 2);
	CHECK(ri->has_sample_time && ri->first_sample_time == 1000000 &&
	      ri->last_sample_time == 3500000000ULL);
	CHECK(ri->has_comp && ri->comp_version == 1 && ri->comp_type == 1 &&
	      ri->comp_level == 3 && ri->comp_ratio == 4 && ri->comp_mmap_len == 528384);
	CHECK(ri->guest_files_size == sizeof(guest_files) &&
	      !memcmp(ri->guest_files, guest_files, sizeof(guest_files)));
	CHECK(ri->tracing_data_size == sizeof(tracing) &&
	      !memcmp(ri->tracing_data, tracing, sizeof(tracing)));
	/* EVENT_DESC: the names, with the attrs and ids from the attrs section. */
	CHECK(d->nr_evsels == 2);
	for (i = 0; i < 2 && i < (size_t)d->nr_evsels; i++) {
		CHECK_STR(d->evsels[i]->name, evsels[i].name);
		CHECK(d->evsels[i]->attr.config == evsels[i].attr.config);
		CHECK(d->evsels[i]->nr_ids == evsels[i].nr_ids);
	}

	/* report --header: each row prints what came back. */
	fp = open_memstream(&text, &text_len);
	CHECK(fp != NULL);
	if (fp) {
		perf_data__fprintf_header(d, fp);
		fclose(fp);
	}
	CHECK(printed(text, "# hostname : unit-host\n"));
	CHECK(printed(text, "# os release : 6.1.0-unit\n"));
	CHECK(printed(text, "# perf version : 0.9-unit\n"));
	CHECK(printed(text, "# arch : x86_64\n"));
	CHECK(printed(text, "# nrcpus online : 48\n# nrcpus avail : 64\n"));
	CHECK(printed(text, "# cpudesc : Unit CPU @ 1.00GHz\n"));
	CHECK(printed(text, "# cpuid : GenuineIntel,6,85,7\n"));
	CHECK(printed(text, "# total memory : 131072000 kB\n"));
	CHECK(printed(text, "# cmdline : /usr/bin/pmukvm kvm record -a\n"));
	CHECK(printed(text, "# event : name = task-clock:u, type = 1, config = 0x1, "
		      "sample_type = 0x43, sample_freq = 4000, ids = 1\n"));
	CHECK(printed(text, "# sample time : 1000000 .. 3500000000 ns (3.499 s)\n"));
	CHECK(printed(text, "# build id : a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3 "
		      "[kernel.kallsyms] (pid -1)\n"));
	CHECK(printed(text, "# build id : 000102030405060708090a0b0c0d0e0f "
		      "/usr/lib/x86_64-linux-gnu/libc.so.6 (pid 0)\n"));
	CHECK(printed(text, "# compressed : Zstd, level = 3, ratio = 4\n"));
	CHECK(printed(text, "# guest symbol files : 24 bytes stored in the file\n"));
	CHECK(printed(text, "# missing features : 1 ") == false);	/* TRACING_DATA is there */
	free(text);
	perf_data__delete(d);
out:
	unlink(path);
}

/* Nothing to write: no payload, no feature; a feature without a row is not written. */
void test_header_write_nothing(void)
{
	struct header_info hi = { 0 };
	struct feat_src src = { .info = &hi };
	struct buf b = { 0 };

	CHECK(header__write_feature(HEADER_HOSTNAME, &src, &b) == -ENODATA);
	CHECK(header__write_feature(HEADER_BUILD_ID, &src, &b) == -ENODATA);
	CHECK(header__write_feature(HEADER_SAMPLE_TIME, &src, &b) == -ENODATA);
	CHECK(header__write_feature(HEADER_COMPRESSED, &src, &b) == -ENODATA);
	CHECK(header__write_feature(HEADER_CMDLINE, &src, &b) == -ENODATA);
	CHECK(header__write_feature(HEADER_PMUKVM_GUEST_FILES, &src, &b) == -ENODATA);
	CHECK(header__write_feature(HEADER_TRACING_DATA, &src, &b) == -ENODATA);
	CHECK(header__write_feature(HEADER_CPU_TOPOLOGY, &src, &b) == -ENOENT);
	CHECK(b.len == 0);
	/* perf's string encoding: u32 length, NUL-padded to 64. */
	hi.hostname = "h";
	CHECK(header__write_feature(HEADER_HOSTNAME, &src, &b) == 0);
	CHECK(b.len == 4 + 64 && b.data[0] == 64 && b.data[4] == 'h' && b.data[5] == 0);
	buf__free(&b);
}

/* Malformed payloads are refused with the feature, offset and size named. */
void test_header_read_malformed(void)
{
	struct perf_data *d = perf_data__new_live("unit.data");
	static const u8 short_string[8] = { 200, 0, 0, 0, 'x' };
	static const u8 two_bytes[2] = { 1, 2 };
	u8 comp[20] = { 1, 0, 0, 0, 2 };	/* version 1, type 2: not zstd */
	static const u8 cmdline[8] = { 1, 0, 0, 0, 200, 0, 0, 0 };
	u8 desc[72] = { 1, 0, 0, 0, 128, 0, 0, 0 };	/* 1 event, 128-byte attrs */

	CHECK(header__read_feature(d, HEADER_HOSTNAME, short_string, sizeof(short_string),
				   0x1234) == -EINVAL);
	CHECK_STR(d->err.msg, "unit.data: feature 3 at offset 0x1234 (8 bytes) is malformed");
	CHECK(d->info.hostname == NULL);
	CHECK(header__read_feature(d, HEADER_NRCPUS, two_bytes, 2, 0x40) == -EINVAL);
	CHECK(header__read_feature(d, HEADER_SAMPLE_TIME, two_bytes, 2, 0x40) == -EINVAL);
	CHECK(!d->info.has_sample_time);
	CHECK(header__read_feature(d, HEADER_TOTAL_MEM, two_bytes, 2, 0x48) == -EINVAL);
	CHECK_STR(d->err.msg, "unit.data: feature 10 at offset 0x48 (2 bytes) is malformed");
	/* one string announced, none there */
	CHECK(header__read_feature(d, HEADER_CMDLINE, cmdline, sizeof(cmdline), 0x50) == -EINVAL);
	CHECK_STR(d->err.msg, "unit.data: feature 11 at offset 0x50 (8 bytes) is malformed");
	/* one event whose attr runs past the payload, and a count of events too large */
	CHECK(header__read_feature(d, HEADER_EVENT_DESC, desc, sizeof(desc), 0x60) == -EINVAL);
	CHECK_STR(d->err.msg, "unit.data: feature 12 at offset 0x60 (72 bytes) is malformed");
	desc[0] = 0xff, desc[1] = 0xff;
	CHECK(header__read_feature(d, HEADER_EVENT_DESC, desc, sizeof(desc), 0x60) == -EINVAL);
	CHECK(header__read_feature(d, HEADER_COMPRESSED, comp, sizeof(comp), 0x80) == -ENOTSUP);
	CHECK_STR(d->err.msg, "unit.data: feature COMPRESSED at offset 0x80: compression type 2 "
		  "is not zstd (1)");
	/* A feature without a row is skipped. */
	CHECK(header__read_feature(d, HEADER_CPU_TOPOLOGY, two_bytes, 2, 0) == 0);
	CHECK(!header__reads(HEADER_CPU_TOPOLOGY) && header__reads(HEADER_BUILD_ID));
	perf_data__delete(d);
}

/* A writer that cannot create its file says which and why, with the errno. */
void test_writer_new_fails(void)
{
	struct err e = ERR_INIT;

	CHECK(perf_writer__new("/nonexistent-pmukvm-unit/perf.data", &e) == NULL);
	CHECK(e.code == -ENOENT);
	CHECK_STR(err__str(&e), "cannot create '/nonexistent-pmukvm-unit/perf.data': "
		  "No such file or directory");
	CHECK(perf_writer__new("/nonexistent-pmukvm-unit/perf.data", NULL) == NULL);
}

/*
 * BUILD_ID entries read where they are: 3,000 entries of every length
 * (not multiples of 8, some past 300 bytes) so that the section is read
 * in several pieces with entries across them, names repeated, guests'
 * entries, entries without a build-id and entries of cpumodes perf drops
 * (unknown, hypervisor) among them. Every entry comes back as written, and
 * a name finds the last host entry with a build-id and a kernel's or user
 * space's cpumode, as a plain scan finds it: in the file's section, and
 * again as a stream's entries.
 */
#define BID_MODEL_NR	3000
#define BID_MODEL_NAMES	300

struct bid_model {
	s32 pid;
	u16 cpumode;
	u8 size, bid[20];
	char name[400];
};

static size_t bid_model_seen;

static int bid_model_check(const struct build_id_entry *e, void *arg)
{
	const struct bid_model *m = (const struct bid_model *)arg + bid_model_seen;

	if (bid_model_seen++ >= BID_MODEL_NR)
		return -1;
	CHECK(e->pid == m->pid && e->cpumode == m->cpumode && e->size == m->size);
	CHECK(!memcmp(e->build_id, m->bid, m->size));
	CHECK_STR(e->filename, m->name);
	return 0;
}

/* Each model name, and the names one byte short and one byte long, looked up in @d. */
static void bid_model_lookups(const struct perf_data *d, const struct bid_model *m)
{
	char name[420];
	size_t i, j;

	for (i = 0; i < BID_MODEL_NAMES + 2; i++) {
		const struct bid_model *want = NULL;
		u8 bid[20], size;
		int k;

		/* Each name, and the names one byte short and one byte long. */
		for (k = 0; k < 3; k++) {
			if (i < BID_MODEL_NAMES)
				snprintf(name, sizeof(name), "%s%s", m[i].name, k == 2 ? "x" : "");
			else
				snprintf(name, sizeof(name), "/lib/absent%zu", i);
			if (k == 1)
				name[strlen(name) - 1] = '\0';
			want = NULL;
			for (j = 0; j < BID_MODEL_NR; j++)
				if (m[j].pid == -1 && m[j].size &&
				    (m[j].cpumode == PERF_RECORD_MISC_USER ||
				     m[j].cpumode == PERF_RECORD_MISC_KERNEL) &&
				    !strcmp(m[j].name, name))
					want = &m[j];
			memset(bid, 0xee, sizeof(bid));
			size = header__find_build_id(d, name, bid);
			CHECK(size == (want ? want->size : 0));
			if (want)
				CHECK(!memcmp(bid, want->bid, want->size));
		}
	}
}

void test_header_build_id_model(void)
{
	struct bid_model *m = xcalloc(BID_MODEL_NR, sizeof(*m));
	char path[] = "/tmp/pmukvm-unit-bid.XXXXXX";
	struct buf fb = { 0 };
	struct err werr = ERR_INIT;
	struct perf_writer *w = NULL;
	struct evsel ev = { 0 };
	struct perf_data *d = NULL;
	u64 seed = 12345, id = 1;
	size_t i, j, half;
	int fd;

	for (i = 0; i < BID_MODEL_NR; i++) {
		struct {
			struct perf_event_header header;
			s32 pid;
			u8 build_id[24];
		} rec = { 0 };
		size_t n, pad;

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		m[i].pid = (seed >> 33) % 5 == 0 ? (s32)((seed >> 40) % 3) : -1;
		m[i].cpumode = (seed >> 20) % 8 == 0 ? PERF_RECORD_MISC_CPUMODE_UNKNOWN :
			       (seed >> 20) % 8 == 1 ? PERF_RECORD_MISC_HYPERVISOR :
			       (seed >> 20) % 2 ? PERF_RECORD_MISC_USER : PERF_RECORD_MISC_KERNEL;
		m[i].size = (seed >> 50) % 7 == 0 ? 0 : (seed >> 50) % 7 == 1 ? 4 : 20;
		for (j = 0; j < 20; j++)
			m[i].bid[j] = (u8)(i * 7 + j);
		/* Names of 1 to 380 bytes, the same name every 300 entries. */
		n = 1 + (i % BID_MODEL_NAMES) * 379 / BID_MODEL_NAMES;
		snprintf(m[i].name, sizeof(m[i].name), "/lib/%zu-", i % BID_MODEL_NAMES);
		for (j = strlen(m[i].name); j < n; j++)
			m[i].name[j] = (char)('a' + (i % BID_MODEL_NAMES + j) % 26);
		m[i].name[n] = '\0';
		n = strlen(m[i].name);
		pad = 1 + (seed >> 12) % 6;	/* the NUL, and bytes after it */
		rec.header.misc = m[i].cpumode | (1u << 15);
		rec.header.size = (u16)(sizeof(rec) + n + pad);
		rec.pid = m[i].pid;
		memcpy(rec.build_id, m[i].bid, 20);
		rec.build_id[20] = m[i].size;
		buf__append(&fb, &rec, sizeof(rec));
		buf__append(&fb, m[i].name, n);
		buf__append(&fb, "\0xyzab", pad);
	}
	CHECK(fb.len > 4 * (128u << 10));

	fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd < 0)
		goto out;
	close(fd);
	ev.attr.type = PERF_TYPE_SOFTWARE;
	ev.attr.size = sizeof(ev.attr);
	ev.attr.sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_ID;
	w = perf_writer__new(path, &werr);
	CHECK(w != NULL);
	if (!w)
		goto out;
	perf_writer__add_evsel(w, &ev.attr, "cpu-clock", &id, 1);
	CHECK(perf_writer__start(w, 0) == 0);
	perf_writer__set_feature(w, HEADER_BUILD_ID, fb.data, fb.len);
	d = finish_and_open(w, path);
	if (!d)
		goto out;
	CHECK(d->info.bid.nr == BID_MODEL_NR);
	bid_model_seen = 0;
	CHECK(header__for_each_build_id(d, bid_model_check, m) == 0);
	CHECK(bid_model_seen == BID_MODEL_NR);
	bid_model_lookups(d, m);
	/*
	 * The same entries as a stream's (pipe mode: kept as they come, in two
	 * pieces): the keys' lookup, sorted, from the name's last entry back.
	 */
	build_id_table__exit(&d->info.bid);
	half = 0;
	while (half < fb.len / 2) {
		u16 sz;

		memcpy(&sz, fb.data + half + 6, 2);
		half += sz;
	}
	CHECK(header__read_build_ids(d, fb.data, half, 0) == 0);
	CHECK(header__read_build_ids(d, fb.data + half, fb.len - half, half) == 0);
	CHECK(d->info.bid.nr == BID_MODEL_NR && !d->info.bid.slots);
	bid_model_seen = 0;
	CHECK(header__for_each_build_id(d, bid_model_check, m) == 0);
	CHECK(bid_model_seen == BID_MODEL_NR);
	bid_model_lookups(d, m);
out:
	perf_data__delete(d);
	if (fd >= 0)
		unlink(path);
	buf__free(&fb);
	free(m);
}
