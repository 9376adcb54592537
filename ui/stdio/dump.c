// SPDX-License-Identifier: GPL-2.0
/* report -D and --stats: records and their counts as perf report prints them. */
#include "ui/dump.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "util/data.h"
#include "util/session.h"

static const char *const names[] = {
	[0] = "TOTAL", [PERF_RECORD_MMAP] = "MMAP", [PERF_RECORD_LOST] = "LOST",
	[PERF_RECORD_COMM] = "COMM", [PERF_RECORD_EXIT] = "EXIT",
	[PERF_RECORD_THROTTLE] = "THROTTLE", [PERF_RECORD_UNTHROTTLE] = "UNTHROTTLE",
	[PERF_RECORD_FORK] = "FORK", [PERF_RECORD_READ] = "READ",
	[PERF_RECORD_SAMPLE] = "SAMPLE", [PERF_RECORD_MMAP2] = "MMAP2",
	[PERF_RECORD_AUX] = "AUX", [PERF_RECORD_ITRACE_START] = "ITRACE_START",
	[PERF_RECORD_LOST_SAMPLES] = "LOST_SAMPLES", [PERF_RECORD_SWITCH] = "SWITCH",
	[PERF_RECORD_SWITCH_CPU_WIDE] = "SWITCH_CPU_WIDE",
	[PERF_RECORD_NAMESPACES] = "NAMESPACES", [PERF_RECORD_KSYMBOL] = "KSYMBOL",
	[PERF_RECORD_BPF_EVENT] = "BPF_EVENT", [PERF_RECORD_CGROUP] = "CGROUP",
	[PERF_RECORD_TEXT_POKE] = "TEXT_POKE", [21] = "AUX_OUTPUT_HW_ID",
	[PERF_RECORD_HEADER_ATTR] = "ATTR", [PERF_RECORD_HEADER_EVENT_TYPE] = "EVENT_TYPE",
	[PERF_RECORD_HEADER_TRACING_DATA] = "TRACING_DATA",
	[PERF_RECORD_HEADER_BUILD_ID] = "BUILD_ID",
	[PERF_RECORD_FINISHED_ROUND] = "FINISHED_ROUND", [PERF_RECORD_ID_INDEX] = "ID_INDEX",
	[PERF_RECORD_AUXTRACE_INFO] = "AUXTRACE_INFO", [PERF_RECORD_AUXTRACE] = "AUXTRACE",
	[PERF_RECORD_AUXTRACE_ERROR] = "AUXTRACE_ERROR",
	[PERF_RECORD_THREAD_MAP] = "THREAD_MAP", [PERF_RECORD_CPU_MAP] = "CPU_MAP",
	[PERF_RECORD_STAT_CONFIG] = "STAT_CONFIG", [PERF_RECORD_STAT] = "STAT",
	[PERF_RECORD_STAT_ROUND] = "STAT_ROUND", [PERF_RECORD_EVENT_UPDATE] = "EVENT_UPDATE",
	[PERF_RECORD_TIME_CONV] = "TIME_CONV", [PERF_RECORD_HEADER_FEATURE] = "FEATURE",
	[PERF_RECORD_COMPRESSED] = "COMPRESSED", [PERF_RECORD_FINISHED_INIT] = "FINISHED_INIT",
};

const char *perf_record_name(u32 type)
{
	return type < ARRAY_SIZE(names) && names[type] ? names[type] : "UNKNOWN";
}

/* The raw bytes, 16 a line with their printable characters. */
static void dump_raw(const union perf_event *ev, FILE *fp)
{
	const u8 *p = (const u8 *)ev;
	u16 size = ev->header.size;
	u16 i, j;

	fprintf(fp, ".\n. ... raw event: size %u bytes\n", size);
	for (i = 0; i < size; i += 16) {
		fprintf(fp, ".  %04x: ", i);
		for (j = 0; j < 16; j++) {
			if (i + j < size)
				fprintf(fp, " %02x", p[i + j]);
			else
				fprintf(fp, "   ");
		}
		fprintf(fp, "  ");
		for (j = 0; j < 16; j++)
			fputc(i + j >= size ? ' ' : isprint(p[i + j]) ? p[i + j] : '.', fp);
		fputc('\n', fp);
	}
	fputc('\n', fp);
}

/* A record's string field: bounded by the record, whatever the file says. */
static int field_len(const union perf_event *ev, const char *s)
{
	size_t room = (const char *)ev + ev->header.size - s;

	return (int)strnlen(s, room);
}

static void print_details(const union perf_event *ev, FILE *fp)
{
	u16 size = ev->header.size;

	switch (ev->header.type) {
	case PERF_RECORD_MMAP:
		if (size < sizeof(ev->mmap))
			break;
		fprintf(fp, " %d/%d: [%#" PRIx64 "(%#" PRIx64 ") @ %#" PRIx64 "]: %c %.*s\n",
			(int)ev->mmap.pid, (int)ev->mmap.tid, ev->mmap.start, ev->mmap.len,
			ev->mmap.pgoff, ev->header.misc & PERF_RECORD_MISC_MMAP_DATA ? 'r' : 'x',
			field_len(ev, ev->mmap.filename), ev->mmap.filename);
		return;
	case PERF_RECORD_MMAP2: {
		const struct mmap2_event *m = &ev->mmap2;
		u32 prot = m->prot;

		if (size < sizeof(*m))
			break;
		fprintf(fp, " %d/%d: [%#" PRIx64 "(%#" PRIx64 ") @ %#" PRIx64 " ", (int)m->pid,
			(int)m->tid, m->start, m->len, m->pgoff);
		if (ev->header.misc & PERF_RECORD_MISC_MMAP_BUILD_ID) {
			u8 i, n = m->build_id_size > 20 ? 20 : m->build_id_size;

			fputc('<', fp);
			for (i = 0; i < n; i++)
				fprintf(fp, "%02x", m->build_id[i]);
			fputc('>', fp);
		} else {
			fprintf(fp, "%02x:%02x %" PRIu64 " %" PRIu64, m->maj, m->min, m->ino,
				m->ino_generation);
		}
		fprintf(fp, "]: %c%c%c%c %.*s\n", prot & PROT_READ ? 'r' : '-',
			prot & PROT_WRITE ? 'w' : '-', prot & PROT_EXEC ? 'x' : '-',
			m->flags & MAP_SHARED ? 's' : 'p', field_len(ev, m->filename), m->filename);
		return;
	}
	case PERF_RECORD_COMM:
		if (size < sizeof(ev->comm))
			break;
		fprintf(fp, "%s: %.*s:%d/%d\n", ev->header.misc & PERF_RECORD_MISC_COMM_EXEC ?
			" exec" : "", field_len(ev, ev->comm.comm), ev->comm.comm,
			(int)ev->comm.pid, (int)ev->comm.tid);
		return;
	case PERF_RECORD_FORK:
	case PERF_RECORD_EXIT:
		if (size < sizeof(ev->fork))
			break;
		fprintf(fp, "(%d:%d):(%d:%d)\n", (int)ev->fork.pid, (int)ev->fork.tid,
			(int)ev->fork.ppid, (int)ev->fork.ptid);
		return;
	}
	fputc('\n', fp);
}

static void print_sample(const struct perf_data *d, const struct evsel *evsel,
			 const union perf_event *ev, const struct perf_sample *s, FILE *fp)
{
	u64 i;

	fprintf(fp, "(IP, 0x%x): %d/%d: %#" PRIx64 " period: %" PRIu64 " addr: %#" PRIx64 "\n",
		ev->header.misc, (int)s->pid, (int)s->tid, s->ip, s->period, s->addr);
	if (!(evsel->attr.sample_type & PERF_SAMPLE_CALLCHAIN))
		return;
	fprintf(fp, "... FP chain: nr:%" PRIu64 "\n", s->callchain_nr);
	for (i = 0; i < s->callchain_nr; i++) {
		u64 ip;

		memcpy(&ip, s->callchain + i, sizeof(ip));
		fprintf(fp, "..... %2d: %016" PRIx64 "\n", (int)i, ip);
	}
	(void)d;
}

/*
 * A READ record as perf prints it: pid, tid, the event, the value, then
 * the read_format fields perf's layout puts at fixed places after the
 * value (time enabled, time running, id, lost: whatever the record holds
 * there), those inside the record only.
 */
static void print_read(const struct perf_data *d, const union perf_event *ev, FILE *fp)
{
	static const struct { u64 bit; const char *label; } fields[] = {
		{ PERF_FORMAT_TOTAL_TIME_ENABLED, "time enabled" },
		{ PERF_FORMAT_TOTAL_TIME_RUNNING, "time running" },
		{ PERF_FORMAT_ID, "id          " },
		{ PERF_FORMAT_LOST, "lost        " },
	};
	const struct evsel *evsel = perf_data__evsel_of((struct perf_data *)d, ev);
	char *name = evsel ? evsel__name_dup(evsel) : NULL;
	size_t i;

	fprintf(fp, ": %d %d %s %" PRIu64 "\n", (int)ev->read.pid, (int)ev->read.tid,
		name ? name : "unknown", ev->read.value);
	free(name);
	for (i = 0; evsel && i < ARRAY_SIZE(fields); i++) {
		size_t at = sizeof(struct read_event) + i * sizeof(u64);
		u64 v;

		if (!(evsel->attr.read_format & fields[i].bit) || at + sizeof(v) > ev->header.size)
			continue;
		memcpy(&v, (const char *)ev + at, sizeof(v));
		fprintf(fp, "... %s : %" PRIu64 "\n", fields[i].label, v);
	}
}

void dump__fprintf_record(const struct perf_data *d, const union perf_event *ev, u64 off,
			  bool delivered, FILE *fp)
{
	u64 st = d->nr_evsels ? d->evsels[0]->attr.sample_type : 0;
	struct perf_sample s;
	struct evsel *evsel = NULL;
	bool have = false;
	/* The events known before this record: the reader took a pipe's attr in already. */
	int known = d->nr_evsels - (d->is_pipe && ev->header.type == PERF_RECORD_HEADER_ATTR);

	/* perf counts a pipe's offsets from after its 16-byte header. */
	if (d->is_pipe && off >= 16)
		off -= 16;

	fprintf(fp, "\n%#" PRIx64 "@%s [%#x]: event: %u\n", off, d->path, ev->header.size,
		ev->header.type);
	dump_raw(ev, fp);
	memset(&s, 0, sizeof(s));
	if (ev->header.type == PERF_RECORD_SAMPLE) {
		evsel = perf_data__evsel_of((struct perf_data *)d, ev);
		have = evsel && !perf_data__parse_sample(d, evsel, ev, &s);
		if (evsel)
			st = evsel->attr.sample_type;
	} else if (delivered) {
		have = !perf_data__parse_trailer(d, ev, &s);
	} else {
		have = true;	/* the file's own records: no time, printed as 0 */
	}
	if (ev->header.type != PERF_RECORD_SAMPLE && (known <= 0 || !d->sample_id_all)) {
		fprintf(fp, "-1 -1 ");
	} else if (have) {
		if (st & PERF_SAMPLE_CPU)
			fprintf(fp, "%u ", s.cpu);
		if (st & PERF_SAMPLE_TIME)
			fprintf(fp, "%" PRIu64 " ", s.time);
	}
	fprintf(fp, "%#" PRIx64 " [%#x]: PERF_RECORD_%s", off, ev->header.size,
		perf_record_name(ev->header.type));
	if (ev->header.type == PERF_RECORD_SAMPLE && have)
		print_sample(d, evsel, ev, &s, fp);
	else if (ev->header.type == PERF_RECORD_READ && ev->header.size >= sizeof(ev->read))
		print_read(d, ev, fp);
	else
		print_details(ev, fp);
}

static void print_counts(const u64 *counts, size_t n, FILE *fp)
{
	u64 total = counts[0];
	size_t i;

	for (i = 0; i < n; i++) {
		const char *name = perf_record_name((u32)i);

		if (!strcmp(name, "UNKNOWN") || !counts[i])
			continue;
		if (i && total)
			fprintf(fp, "%16s events: %10" PRIu64 "  (%4.1f%%)\n", name, counts[i],
				percent(counts[i], total));
		else
			fprintf(fp, "%16s events: %10" PRIu64 "\n", name, counts[i]);
	}
}

void dump__fprintf_stats(const struct session *s, FILE *fp)
{
	u64 counts[PERF_RECORD_FINISHED_INIT + 1];
	const struct perf_data *d = s->data;
	size_t i;
	int e;

	memcpy(counts, s->stats.nr_events, sizeof(counts));
	counts[0] = 0;
	counts[PERF_RECORD_COMPRESSED] += d->nr_compressed;
	for (i = 1; i < ARRAY_SIZE(counts); i++)
		counts[0] += counts[i];
	fprintf(fp, "\nAggregated stats:%s\n", perf_data__has_feat(d, HEADER_AUXTRACE) ?
		" (excludes AUX area (e.g. instruction trace) decoded / synthesized events)" : "");
	print_counts(counts, ARRAY_SIZE(counts), fp);
	for (e = 0; e < d->nr_evsels; e++) {
		const struct evsel *evsel = d->evsels[e];
		char *name = evsel->name ? xstrdup(evsel->name) : evsel__name_from_attr(&evsel->attr);

		/* As perf: events with nothing to say are left out. */
		if (evsel->nr_samples || evsel->nr_lost_samples) {
			fprintf(fp, "%s stats:\n", name);
			if (evsel->nr_samples)
				fprintf(fp, "%16s events: %10" PRIu64 "\n", "SAMPLE",
					evsel->nr_samples);
			if (evsel->nr_lost_samples)
				fprintf(fp, "%16s events: %10" PRIu64 "\n", "LOST_SAMPLES",
					evsel->nr_lost_samples);
		}
		free(name);
	}
}
