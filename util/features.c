// SPDX-License-Identifier: GPL-2.0
#include "util/features.h"

#include <cpuid.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/data.h"
#include "util/evlist.h"
#include "util/writer.h"

/* perf's string encoding: u32 length, then the bytes NUL-padded to 64. */
static void put_string(struct buf *fb, const char *s)
{
	static const char zeros[64];
	size_t n = strlen(s) + 1, len = PERF_ALIGN(n, 64);

	buf__append_u32(fb, (u32)len);
	buf__append(fb, s, n - 1);
	buf__append(fb, zeros, len - (n - 1));
}

static void set_string(struct perf_writer *w, int feat, const char *s)
{
	struct buf fb = { 0 };

	put_string(&fb, s);
	perf_writer__set_feature(w, feat, fb.data, fb.len);
	buf__free(&fb);
}

void cpuid__string(char *buf, size_t size)
{
	unsigned int a, b, c, d, family, model, stepping;
	char vendor[13];

	if (!__get_cpuid(0, &a, &b, &c, &d)) {
		str_copy(buf, "unknown", size);
		return;
	}
	memcpy(vendor, &b, 4);
	memcpy(vendor + 4, &d, 4);
	memcpy(vendor + 8, &c, 4);
	vendor[12] = '\0';
	__get_cpuid(1, &a, &b, &c, &d);
	stepping = a & 0xf;
	model = (a >> 4) & 0xf;
	family = (a >> 8) & 0xf;
	if (family == 0xf)
		family += (a >> 20) & 0xff;
	if (family >= 0x6)
		model += ((a >> 16) & 0xf) << 4;
	snprintf(buf, size, "%s,%u,%u,%u", vendor, family, model, stepping);
}

/* "model name" of /proc/cpuinfo with runs of blanks squeezed, as perf shows it. */
static void cpu_desc(char *out, size_t size)
{
	char line[512];
	FILE *fp = fopen("/proc/cpuinfo", "re");

	str_copy(out, "unknown", size);
	if (!fp)
		return;
	while (fgets(line, sizeof(line), fp)) {
		char *p = strchr(line, ':'), *q;
		size_t n = 0;

		if (strncmp(line, "model name", 10) || !p)
			continue;
		for (p++; *p == ' ' || *p == '\t'; p++)
			;
		for (q = p; *q && *q != '\n' && n + 1 < size; q++) {
			if (*q == ' ' && n && out[n - 1] == ' ')
				continue;
			out[n++] = *q == '\t' ? ' ' : *q;
		}
		while (n && out[n - 1] == ' ')
			n--;
		out[n] = '\0';
		break;
	}
	fclose(fp);
}

static u64 mem_total_kb(void)
{
	char line[256];
	unsigned long long kb = 0;
	FILE *fp = fopen("/proc/meminfo", "re");

	if (!fp)
		return 0;
	while (fgets(line, sizeof(line), fp))
		if (sscanf(line, "MemTotal: %llu kB", &kb) == 1)
			break;
	fclose(fp);
	return kb;
}

static void set_cmdline(struct perf_writer *w)
{
	struct buf fb = { 0 };
	char exe[4096], *buf = NULL;
	size_t len = 0, i, n = 0;
	ssize_t r;

	r = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[r > 0 ? r : 0] = '\0';
	if (read_file_maybe_gz("/proc/self/cmdline", 1 << 20, &buf, &len))
		len = 0;
	for (i = 0; i < len; i++)
		n += !buf[i];
	/* The binary's path stands for argv[0], as in perf's files. */
	buf__append_u32(&fb, (u32)(n ? n : 1));
	put_string(&fb, exe);
	for (i = 0; len && i < len;) {
		size_t l = strlen(buf + i);

		if (i)
			put_string(&fb, buf + i);
		i += l + 1;
	}
	perf_writer__set_feature(w, HEADER_CMDLINE, fb.data, fb.len);
	buf__free(&fb);
	free(buf);
}

void features__set_host(struct perf_writer *w, const char *version)
{
	struct buf fb = { 0 };
	struct utsname uts;
	char buf[256];

	if (uname(&uts))
		memset(&uts, 0, sizeof(uts));
	set_string(w, HEADER_HOSTNAME, uts.nodename);
	set_string(w, HEADER_OSRELEASE, uts.release);
	set_string(w, HEADER_VERSION, version);
	set_string(w, HEADER_ARCH, uts.machine);
	buf__append_u32(&fb, (u32)sysconf(_SC_NPROCESSORS_CONF));
	buf__append_u32(&fb, (u32)sysconf(_SC_NPROCESSORS_ONLN));
	perf_writer__set_feature(w, HEADER_NRCPUS, fb.data, fb.len);
	buf__free(&fb);
	cpu_desc(buf, sizeof(buf));
	set_string(w, HEADER_CPUDESC, buf);
	cpuid__string(buf, sizeof(buf));
	set_string(w, HEADER_CPUID, buf);
	buf__append_u64(&fb, mem_total_kb());
	perf_writer__set_feature(w, HEADER_TOTAL_MEM, fb.data, fb.len);
	buf__free(&fb);
	set_cmdline(w);
}

void features__set_event_desc(struct perf_writer *w, const struct evlist *evlist)
{
	struct buf fb = { 0 };
	int i;

	buf__append_u32(&fb, (u32)evlist->nr_evsels);
	buf__append_u32(&fb, WRITER_ATTR_SIZE);
	for (i = 0; i < evlist->nr_evsels; i++) {
		const struct evsel *e = &evlist->evsels[i];
		u8 attr[WRITER_ATTR_SIZE] = { 0 };

		memcpy(attr, &e->attr, min_t(size_t, sizeof(e->attr), WRITER_ATTR_SIZE));
		((struct perf_event_attr *)attr)->size = WRITER_ATTR_SIZE;
		buf__append(&fb, attr, sizeof(attr));
		buf__append_u32(&fb, e->nr_ids);
		put_string(&fb, e->name);
		buf__append(&fb, e->ids, e->nr_ids * sizeof(u64));
	}
	perf_writer__set_feature(w, HEADER_EVENT_DESC, fb.data, fb.len);
	buf__free(&fb);
}

void features__set_sample_time(struct perf_writer *w, u64 first, u64 last)
{
	u64 t[2] = { first, last };

	perf_writer__set_feature(w, HEADER_SAMPLE_TIME, t, sizeof(t));
}

void build_id__add(struct buf *fb, s32 pid, u16 cpumode, const u8 *bid, u8 size,
		   const char *filename)
{
	static const char zeros[64];
	struct {
		struct perf_event_header header;
		s32 pid;
		u8 build_id[24];
	} rec = { 0 };
	size_t n = strlen(filename) + 1, len = PERF_ALIGN(n, 64);

	/* Bit 15 of misc: the size byte after the 20 id bytes is valid. */
	rec.header.misc = cpumode | (1u << 15);
	rec.header.size = (u16)(sizeof(rec) + len);
	rec.pid = pid;
	memcpy(rec.build_id, bid, min_t(size_t, size, 20));
	rec.build_id[20] = size;
	buf__append(fb, &rec, sizeof(rec));
	buf__append(fb, filename, n - 1);
	buf__append(fb, zeros, len - (n - 1));
}
