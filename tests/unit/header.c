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
	};
	struct evsel evsels[2] = { 0 };
	static u64 ids0[2] = { 11, 12 }, ids1[1] = { 13 };
	struct feat_src src = { .info = &hi, .evsels = evsels, .nr_evsels = 2 };
	char path[] = "/tmp/pmukvm-unit-header.XXXXXX", *text = NULL;
	struct err derr;
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
	CHECK(perf_writer__finish(w) == 0);
	perf_writer__delete(w);

	d = perf_data__open(path, &derr);
	CHECK(d != NULL);
	if (!d) {
		fprintf(stderr, "%s\n", derr.msg);
		goto out;
	}
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
	CHECK(ri->nr_build_ids == 2);
	for (i = 0; i < 2 && i < ri->nr_build_ids; i++) {
		CHECK(ri->build_ids[i].pid == bids[i].pid);
		CHECK(ri->build_ids[i].cpumode == bids[i].cpumode);
		CHECK(ri->build_ids[i].size == bids[i].size);
		CHECK(!memcmp(ri->build_ids[i].build_id, bids[i].build_id, bids[i].size));
		CHECK_STR(ri->build_ids[i].filename, bids[i].filename);
	}
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
