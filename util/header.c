// SPDX-License-Identifier: GPL-2.0
/*
 * The feature table: each feature's read, print and write in one row.
 * Encodings as perf 6.1 writes them (/work/shared/PERF_DATA.md). Reads
 * check every length against the payload; strings and lists are bounded
 * (MAX_FEATURE_STRING, MAX_STRING_LIST).
 */
#include "util/header.h"

#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/data.h"
#include "util/decompress.h"
#include "util/evsel.h"
#include "util/writer.h"

/* ---- encodings ---- */

/*
 * A payload being read. The readers below return -EBADMSG when it ends
 * too soon or holds a length out of bounds: header__read_feature words it.
 */
struct cursor {
	const u8 *p, *end;
};

static int cur_u32(struct cursor *c, u32 *v)
{
	if ((size_t)(c->end - c->p) < 4)
		return -EBADMSG;
	memcpy(v, c->p, 4);
	c->p += 4;
	return 0;
}

static int cur_u64(struct cursor *c, u64 *v)
{
	if ((size_t)(c->end - c->p) < 8)
		return -EBADMSG;
	memcpy(v, c->p, 8);
	c->p += 8;
	return 0;
}

static int cur_string(struct cursor *c, char **s)
{
	u32 len;

	if (cur_u32(c, &len) || len > MAX_FEATURE_STRING || (size_t)(c->end - c->p) < len)
		return -EBADMSG;
	*s = xstrndup((const char *)c->p, len);
	c->p += len;
	return 0;
}

int header__read_build_ids(struct perf_data *d, const u8 *p, size_t len, u64 off)
{
	struct header_info *hi = &d->info;
	size_t pos = 0;

	while (pos + sizeof(struct perf_event_header) <= len) {
		struct build_id_event ev;
		struct build_id_entry *e;
		u16 size;
		size_t fixed = offsetof(struct build_id_event, filename);

		memcpy(&ev, p + pos, min_t(size_t, fixed, len - pos));
		size = ev.header.size;
		if (size < fixed || size > len - pos)
			return perf_data__set_err(d, -EINVAL, "BUILD_ID feature: entry at offset %#"
						  PRIx64 " has bad size %u", off + pos, size);
		if (hi->nr_build_ids >= 1u << 20)
			return perf_data__set_err(d, -EINVAL, "BUILD_ID feature: too many entries");
		ALLOC_GROW(hi->build_ids, hi->nr_build_ids + 1, hi->alloc_build_ids);
		e = &hi->build_ids[hi->nr_build_ids++];
		e->pid = ev.pid;
		e->cpumode = ev.header.misc & PERF_RECORD_MISC_CPUMODE_MASK;
		memcpy(e->build_id, ev.build_id, 20);
		e->size = (ev.header.misc & (1 << 15)) ? ev.build_id[20] : 20;
		if (e->size > 20)
			e->size = 20;
		e->filename = xstrndup((const char *)p + pos + fixed, size - fixed);
		pos += size;
	}
	return 0;
}

/* EVENT_DESC: names the events that have none (their attrs are the file's). */
static int event_desc__parse(struct perf_data *d, struct cursor *c)
{
	u32 nr, attr_size, i;

	if (cur_u32(c, &nr) || cur_u32(c, &attr_size))
		return -EBADMSG;
	if (nr > MAX_EVSELS || attr_size < PERF_ATTR_SIZE_VER0 || attr_size > 4096)
		return -EBADMSG;
	for (i = 0; i < nr; i++) {
		u32 nr_ids;
		char *name;

		if ((size_t)(c->end - c->p) < attr_size)
			return -EBADMSG;
		c->p += attr_size;
		if (cur_u32(c, &nr_ids) || cur_string(c, &name))
			return -EBADMSG;
		if (nr_ids > MAX_IDS_PER_EVSEL || (size_t)(c->end - c->p) / 8 < nr_ids) {
			free(name);
			return -EBADMSG;
		}
		c->p += (size_t)nr_ids * 8;
		if ((int)i < d->nr_evsels && !d->evsels[i]->name && *name)
			d->evsels[i]->name = name;
		else
			free(name);
	}
	return 0;
}

void header__put_string(struct buf *out, const char *s)
{
	static const char zeros[64];
	size_t n = strlen(s) + 1, len = PERF_ALIGN(n, 64);

	buf__append_u32(out, (u32)len);
	buf__append(out, s, n - 1);
	buf__append(out, zeros, len - (n - 1));
}

/* ---- string features: HOSTNAME, OSRELEASE, VERSION, ARCH, CPUDESC, CPUID ---- */

static char **info_string(struct header_info *hi, const struct feat_ops *ops)
{
	return (char **)((u8 *)hi + ops->field);
}

static int string__read(const struct feat_ops *ops, struct perf_data *d, const u8 *p,
			size_t len, u64 off)
{
	struct cursor c = { p, p + len };
	char **str = info_string(&d->info, ops);
	char *v;

	(void)off;
	/* Replaced only when the new one parses: pipe mode may repeat it. */
	if (cur_string(&c, &v))
		return -EBADMSG;
	free(*str);
	*str = v;
	return 0;
}

static void string__print(const struct feat_ops *ops, const struct perf_data *d, FILE *fp)
{
	const char *v = *info_string((struct header_info *)&d->info, ops);

	if (v)
		fprintf(fp, "# %s : %s\n", ops->label, v);
}

static int string__write(const struct feat_ops *ops, const struct feat_src *src,
			 struct buf *out)
{
	const char *v = *info_string((struct header_info *)src->info, ops);

	if (!v)
		return -ENODATA;
	header__put_string(out, v);
	return 0;
}

/* ---- NRCPUS, TOTAL_MEM, CMDLINE ---- */

static int nrcpus__read(const struct feat_ops *ops, struct perf_data *d, const u8 *p,
			size_t len, u64 off)
{
	struct cursor c = { p, p + len };

	(void)ops, (void)off;
	if (cur_u32(&c, &d->info.nr_cpus_avail) || cur_u32(&c, &d->info.nr_cpus_online))
		return -EBADMSG;
	return 0;
}

static void nrcpus__print(const struct feat_ops *ops, const struct perf_data *d, FILE *fp)
{
	if (!perf_data__has_feat(d, ops->id))
		return;
	fprintf(fp, "# nrcpus online : %u\n", d->info.nr_cpus_online);
	fprintf(fp, "# nrcpus avail : %u\n", d->info.nr_cpus_avail);
}

static int nrcpus__write(const struct feat_ops *ops, const struct feat_src *src,
			 struct buf *out)
{
	(void)ops;
	buf__append_u32(out, src->info->nr_cpus_avail);
	buf__append_u32(out, src->info->nr_cpus_online);
	return 0;
}

static int total_mem__read(const struct feat_ops *ops, struct perf_data *d, const u8 *p,
			   size_t len, u64 off)
{
	struct cursor c = { p, p + len };

	(void)ops, (void)off;
	return cur_u64(&c, &d->info.total_mem);
}

static void total_mem__print(const struct feat_ops *ops, const struct perf_data *d, FILE *fp)
{
	if (perf_data__has_feat(d, ops->id))
		fprintf(fp, "# total memory : %" PRIu64 " kB\n", d->info.total_mem);
}

static int total_mem__write(const struct feat_ops *ops, const struct feat_src *src,
			    struct buf *out)
{
	(void)ops;
	buf__append_u64(out, src->info->total_mem);
	return 0;
}

static int cmdline__read(const struct feat_ops *ops, struct perf_data *d, const u8 *p,
			 size_t len, u64 off)
{
	struct header_info *hi = &d->info;
	struct cursor c = { p, p + len };
	u32 n, i;

	(void)ops, (void)off;
	/* Pipe mode may repeat a feature: the last one wins. */
	for (i = 0; i < hi->nr_cmdline; i++)
		free(hi->cmdline[i]);
	free(hi->cmdline);
	hi->cmdline = NULL;
	hi->nr_cmdline = 0;
	if (cur_u32(&c, &n) || n > MAX_STRING_LIST || n > len / 4)
		return -EBADMSG;
	hi->cmdline = xcalloc(n + 1, sizeof(char *));
	for (i = 0; i < n; i++) {
		if (cur_string(&c, &hi->cmdline[i]))
			return -EBADMSG;
		hi->nr_cmdline++;
	}
	return 0;
}

static void cmdline__print(const struct feat_ops *ops, const struct perf_data *d, FILE *fp)
{
	u32 i;

	(void)ops;
	if (!d->info.nr_cmdline)
		return;
	fprintf(fp, "# cmdline :");
	for (i = 0; i < d->info.nr_cmdline; i++)
		fprintf(fp, " %s", d->info.cmdline[i]);
	fprintf(fp, "\n");
}

static int cmdline__write(const struct feat_ops *ops, const struct feat_src *src,
			  struct buf *out)
{
	u32 i;

	(void)ops;
	if (!src->info->nr_cmdline)
		return -ENODATA;
	buf__append_u32(out, src->info->nr_cmdline);
	for (i = 0; i < src->info->nr_cmdline; i++)
		header__put_string(out, src->info->cmdline[i]);
	return 0;
}

/* ---- EVENT_DESC ---- */

static int event_desc__read(const struct feat_ops *ops, struct perf_data *d, const u8 *p,
			    size_t len, u64 off)
{
	struct cursor c = { p, p + len };

	(void)ops, (void)off;
	return event_desc__parse(d, &c);
}

/* Every event of the file, EVENT_DESC or not: names made from attrs show as "?". */
static void event_desc__print(const struct feat_ops *ops, const struct perf_data *d, FILE *fp)
{
	int e;

	(void)ops;
	for (e = 0; e < d->nr_evsels; e++) {
		const struct evsel *ev = d->evsels[e];

		fprintf(fp, "# event : name = %s, type = %u, config = %#" PRIx64
			", sample_type = %#" PRIx64 ", %s = %" PRIu64 ", ids = %u\n",
			ev->name ? ev->name : "?", ev->attr.type, (u64)ev->attr.config,
			(u64)ev->attr.sample_type, ev->attr.freq ? "sample_freq" : "sample_period",
			(u64)ev->attr.sample_period, ev->nr_ids);
	}
}

static int event_desc__write(const struct feat_ops *ops, const struct feat_src *src,
			     struct buf *out)
{
	int i;

	(void)ops;
	if (!src->evsels && src->nr_evsels)
		return -ENODATA;
	buf__append_u32(out, (u32)src->nr_evsels);
	buf__append_u32(out, WRITER_ATTR_SIZE);
	for (i = 0; i < src->nr_evsels; i++) {
		const struct evsel *e = &src->evsels[i];
		u8 attr[WRITER_ATTR_SIZE] = { 0 };

		memcpy(attr, &e->attr, min_t(size_t, sizeof(e->attr), WRITER_ATTR_SIZE));
		((struct perf_event_attr *)attr)->size = WRITER_ATTR_SIZE;
		buf__append(out, attr, sizeof(attr));
		buf__append_u32(out, e->nr_ids);
		header__put_string(out, e->name ? e->name : "");
		buf__append(out, e->ids, e->nr_ids * sizeof(u64));
	}
	return 0;
}

/* ---- BUILD_ID ---- */

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

static int build_id__read(const struct feat_ops *ops, struct perf_data *d, const u8 *p,
			  size_t len, u64 off)
{
	(void)ops;
	return header__read_build_ids(d, p, len, off);
}

static void build_id__print(const struct feat_ops *ops, const struct perf_data *d, FILE *fp)
{
	const struct header_info *hi = &d->info;
	size_t b;
	u32 i;

	(void)ops;
	for (b = 0; b < hi->nr_build_ids; b++) {
		const struct build_id_entry *be = &hi->build_ids[b];
		char hex[41];

		for (i = 0; i < be->size; i++)
			snprintf(hex + 2 * i, 3, "%02x", be->build_id[i]);
		hex[2 * be->size] = '\0';
		fprintf(fp, "# build id : %s %s (pid %d)\n", hex, be->filename, be->pid);
	}
}

static int build_id__write(const struct feat_ops *ops, const struct feat_src *src,
			   struct buf *out)
{
	const struct header_info *hi = src->info;
	size_t b;

	(void)ops;
	if (!hi->nr_build_ids)
		return -ENODATA;
	for (b = 0; b < hi->nr_build_ids; b++) {
		const struct build_id_entry *be = &hi->build_ids[b];

		build_id__add(out, be->pid, be->cpumode, be->build_id, be->size, be->filename);
	}
	return 0;
}

/* ---- SAMPLE_TIME ---- */

static int sample_time__read(const struct feat_ops *ops, struct perf_data *d, const u8 *p,
			     size_t len, u64 off)
{
	struct header_info *hi = &d->info;
	struct cursor c = { p, p + len };
	bool bad;

	(void)ops, (void)off;
	bad = cur_u64(&c, &hi->first_sample_time) || cur_u64(&c, &hi->last_sample_time);
	hi->has_sample_time = !bad;
	return bad ? -EBADMSG : 0;
}

static void sample_time__print(const struct feat_ops *ops, const struct perf_data *d, FILE *fp)
{
	const struct header_info *hi = &d->info;

	(void)ops;
	if (hi->has_sample_time)
		fprintf(fp, "# sample time : %" PRIu64 " .. %" PRIu64 " ns (%.3f s)\n",
			hi->first_sample_time, hi->last_sample_time,
			(double)(hi->last_sample_time - hi->first_sample_time) / 1e9);
}

static int sample_time__write(const struct feat_ops *ops, const struct feat_src *src,
			      struct buf *out)
{
	(void)ops;
	if (!src->info->has_sample_time)
		return -ENODATA;
	buf__append_u64(out, src->info->first_sample_time);
	buf__append_u64(out, src->info->last_sample_time);
	return 0;
}

/* ---- COMPRESSED ---- */

static int compressed__read(const struct feat_ops *ops, struct perf_data *d, const u8 *p,
			    size_t len, u64 off)
{
	struct header_info *hi = &d->info;
	struct cursor c = { p, p + len };
	bool bad;

	(void)ops;
	bad = cur_u32(&c, &hi->comp_version) || cur_u32(&c, &hi->comp_type) ||
	      cur_u32(&c, &hi->comp_level) || cur_u32(&c, &hi->comp_ratio) ||
	      cur_u32(&c, &hi->comp_mmap_len);
	hi->has_comp = !bad;
	if (bad)
		return -EBADMSG;
	if (hi->comp_type != PERF_COMP_ZSTD)
		return perf_data__set_err(d, -ENOTSUP, "feature COMPRESSED at offset %#" PRIx64
					  ": compression type %u is not zstd (1)", off,
					  hi->comp_type);
	return 0;
}

static void compressed__print(const struct feat_ops *ops, const struct perf_data *d, FILE *fp)
{
	const struct header_info *hi = &d->info;

	(void)ops;
	if (hi->has_comp)
		fprintf(fp, "# compressed : %s, level = %u, ratio = %u\n",
			hi->comp_type == PERF_COMP_ZSTD ? "Zstd" : "Unknown", hi->comp_level,
			hi->comp_ratio);
}

static int compressed__write(const struct feat_ops *ops, const struct feat_src *src,
			     struct buf *out)
{
	const struct header_info *hi = src->info;

	(void)ops;
	if (!hi->has_comp)
		return -ENODATA;
	buf__append_u32(out, hi->comp_version);
	buf__append_u32(out, hi->comp_type);
	buf__append_u32(out, hi->comp_level);
	buf__append_u32(out, hi->comp_ratio);
	buf__append_u32(out, hi->comp_mmap_len);
	return 0;
}

/* ---- TRACING_DATA and pmukvm's GUEST_FILES: kept as stored ---- */

static int tracing_data__read(const struct feat_ops *ops, struct perf_data *d, const u8 *p,
			      size_t len, u64 off)
{
	struct header_info *hi = &d->info;

	(void)ops;
	free(hi->tracing_data);
	hi->tracing_data = xmalloc(len ? len : 1);
	memcpy(hi->tracing_data, p, len);
	hi->tracing_data_size = len;
	hi->tracing_data_offset = off;
	return 0;
}

static int tracing_data__write(const struct feat_ops *ops, const struct feat_src *src,
			       struct buf *out)
{
	(void)ops;
	if (!src->info->tracing_data_size)
		return -ENODATA;
	buf__append(out, src->info->tracing_data, src->info->tracing_data_size);
	return 0;
}

static int guest_files__read(const struct feat_ops *ops, struct perf_data *d, const u8 *p,
			     size_t len, u64 off)
{
	struct header_info *hi = &d->info;

	(void)ops, (void)off;
	free(hi->guest_files);
	hi->guest_files = xmalloc(len);
	memcpy(hi->guest_files, p, len);
	hi->guest_files_size = len;
	return 0;
}

static void guest_files__print(const struct feat_ops *ops, const struct perf_data *d, FILE *fp)
{
	(void)ops;
	if (d->info.guest_files_size)
		fprintf(fp, "# guest symbol files : %zu bytes stored in the file\n",
			d->info.guest_files_size);
}

static int guest_files__write(const struct feat_ops *ops, const struct feat_src *src,
			      struct buf *out)
{
	(void)ops;
	if (!src->info->guest_files_size)
		return -ENODATA;
	buf__append(out, src->info->guest_files, src->info->guest_files_size);
	return 0;
}

/* ---- the table ---- */

#define STRING_FEAT(feat, lbl, member) {					\
	.id = (feat), .label = (lbl), .field = offsetof(struct header_info, member),	\
	.read = string__read, .print = string__print, .write = string__write }
#define FEAT(feat, fn) {							\
	.id = (feat), .read = fn##__read, .print = fn##__print, .write = fn##__write }

const struct feat_ops feat_ops[] = {
	STRING_FEAT(HEADER_HOSTNAME, "hostname", hostname),
	STRING_FEAT(HEADER_OSRELEASE, "os release", osrelease),
	STRING_FEAT(HEADER_VERSION, "perf version", version),
	STRING_FEAT(HEADER_ARCH, "arch", arch),
	FEAT(HEADER_NRCPUS, nrcpus),
	STRING_FEAT(HEADER_CPUDESC, "cpudesc", cpudesc),
	STRING_FEAT(HEADER_CPUID, "cpuid", cpuid),
	FEAT(HEADER_TOTAL_MEM, total_mem),
	FEAT(HEADER_CMDLINE, cmdline),
	FEAT(HEADER_EVENT_DESC, event_desc),
	FEAT(HEADER_SAMPLE_TIME, sample_time),
	FEAT(HEADER_BUILD_ID, build_id),
	FEAT(HEADER_COMPRESSED, compressed),
	FEAT(HEADER_PMUKVM_GUEST_FILES, guest_files),
	/* util/trace-event.c parses it; report --header does not show it. */
	{ .id = HEADER_TRACING_DATA, .read = tracing_data__read, .write = tracing_data__write },
};

const size_t nr_feat_ops = ARRAY_SIZE(feat_ops);

const struct feat_ops *feat_ops__find(int feat)
{
	size_t i;

	for (i = 0; i < nr_feat_ops; i++)
		if (feat_ops[i].id == feat)
			return &feat_ops[i];
	return NULL;
}

bool header__reads(int feat)
{
	const struct feat_ops *ops = feat_ops__find(feat);

	return ops && ops->read;
}

int header__read_feature(struct perf_data *d, int feat, const u8 *p, size_t len, u64 off)
{
	const struct feat_ops *ops = feat_ops__find(feat);
	int err;

	if (!ops || !ops->read)
		return 0;	/* features we do not use are skipped */
	err = ops->read(ops, d, p, len, off);
	if (err == -EBADMSG)
		return perf_data__set_err(d, -EINVAL, "feature %d at offset %#" PRIx64
					  " (%zu bytes) is malformed", feat, off, len);
	return err;
}

int header__write_feature(int feat, const struct feat_src *src, struct buf *out)
{
	const struct feat_ops *ops = feat_ops__find(feat);

	if (!ops || !ops->write)
		return -ENOENT;
	return ops->write(ops, src, out);
}

int header__set_feature(struct perf_writer *w, int feat, const struct feat_src *src)
{
	struct buf b = { 0 };
	int err = header__write_feature(feat, src, &b);

	if (!err)
		perf_writer__set_feature(w, feat, b.data, b.len);
	buf__free(&b);
	return err;
}

/* ---- report --header ---- */

void perf_data__fprintf_header(const struct perf_data *d, FILE *fp)
{
	size_t i;
	int e;

	fprintf(fp, "# ========\n");
	fprintf(fp, "# data file : %s (%s mode)\n", d->path, d->is_pipe ? "pipe" : "file");
	if (!d->is_pipe)
		fprintf(fp, "# data size : %" PRIu64 " bytes at offset %#" PRIx64 "\n",
			d->data_size, d->data_offset);
	for (i = 0; i < nr_feat_ops; i++)
		if (feat_ops[i].print)
			feat_ops[i].print(&feat_ops[i], d, fp);
	fprintf(fp, "# missing features :");
	for (e = 1; e <= HEADER_HYBRID_TOPOLOGY; e++)
		if (!perf_data__has_feat(d, e))
			fprintf(fp, " %d", e);
	fprintf(fp, "\n# ========\n#\n");
}
