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
#include <unistd.h>

#include "util/buildid.h"
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

/* ---- BUILD_ID entries, read where they are ---- */

#define BID_FIXED	offsetof(struct build_id_event, filename)
#define BID_CHUNK	(128u << 10)	/* bytes of the section read at once: > one entry */

/* The entry at @p (@size bytes, checked) as a struct build_id_entry. */
static void bid_decode(const u8 *p, u16 size, struct build_id_entry *e, char *name)
{
	struct build_id_event ev;

	memcpy(&ev, p, BID_FIXED);
	e->pid = ev.pid;
	e->cpumode = ev.header.misc & PERF_RECORD_MISC_CPUMODE_MASK;
	memcpy(e->build_id, ev.build_id, 20);
	e->size = (ev.header.misc & (1 << 15)) ? ev.build_id[20] : 20;
	if (e->size > 20)
		e->size = 20;
	if (name) {
		memcpy(name, p + BID_FIXED, size - BID_FIXED);
		name[size - BID_FIXED] = '\0';
		e->filename = name;
	}
}

/*
 * The whole entries in @p[0..@len), the one at @p at place @at of the
 * table and file offset @off: each is checked (with @d, the error is set)
 * and handed to @fn. @more: bytes follow @len, so an entry cut at the end
 * is read again with them; else what is cut is an error, or, under a
 * header's size, ignored (as perf does). *@used: the bytes taken.
 */
static int bid_parse(struct perf_data *d, const u8 *p, size_t len, u64 off, u64 at, bool more,
		     int (*fn)(const u8 *p, u16 size, u64 at, void *arg), void *arg, size_t *used)
{
	size_t pos = 0;
	int err = 0;

	while (!err && pos + sizeof(struct perf_event_header) <= len) {
		struct perf_event_header h;

		memcpy(&h, p + pos, sizeof(h));
		if (h.size >= BID_FIXED && h.size > len - pos && more)
			break;
		if (h.size < BID_FIXED || h.size > len - pos) {
			err = d ? perf_data__set_err(d, -EINVAL, "BUILD_ID feature: entry at offset %#"
						     PRIx64 " has bad size %u", off + pos, h.size)
				: -EINVAL;
			break;
		}
		err = fn(p + pos, h.size, at + pos, arg);
		pos += h.size;
	}
	*used = more ? pos : len;
	return err;
}

static int bid_pread(const struct perf_data *d, u64 off, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(d->fd, (char *)buf + done, len - done, (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		done += (size_t)n;
	}
	return 0;
}

/* @fn on each entry of the section, read BID_CHUNK bytes at a time. */
static int bid_walk_section(struct perf_data *d, const struct perf_data *cd,
			    int (*fn)(const u8 *p, u16 size, u64 at, void *arg), void *arg)
{
	const struct build_id_table *t = &cd->info.bid;
	u64 pos = 0;
	u8 *buf;
	int err = 0;

	if (!t->sec_len)
		return 0;
	buf = xmalloc(BID_CHUNK);
	while (!err && pos < t->sec_len) {
		size_t n = t->sec_len - pos < BID_CHUNK ? (size_t)(t->sec_len - pos) : BID_CHUNK;
		size_t used = 0;

		err = bid_pread(cd, t->sec_off + pos, buf, n);
		if (err) {
			if (d)
				err = perf_data__set_err(d, err, "read error at offset %#" PRIx64
							 ": %s", t->sec_off + pos, strerror(-err));
			break;
		}
		err = bid_parse(d, buf, n, t->sec_off + pos, pos, pos + n < t->sec_len, fn, arg,
				&used);
		pos += used;
	}
	free(buf);
	return err;
}

/*
 * Whether an entry of cpumode @cpumode gives its file a build-id: one of
 * a kernel's or of user space, the host's or a guest's. perf report drops
 * the others (cpumode unknown, hypervisor) as it reads them.
 */
static bool bid_cpumode_counts(u16 cpumode)
{
	return cpumode == PERF_RECORD_MISC_KERNEL || cpumode == PERF_RECORD_MISC_USER ||
	       cpumode == PERF_RECORD_MISC_GUEST_KERNEL || cpumode == PERF_RECORD_MISC_GUEST_USER;
}

/*
 * Counts an entry being read, and keys it when it is a host's with a
 * build-id and a cpumode that counts.
 */
static int bid_index(const u8 *p, u16 size, u64 at, void *arg)
{
	struct perf_data *d = arg;
	struct build_id_table *t = &d->info.bid;
	struct build_id_entry e;
	size_t len;

	if (t->nr >= MAX_BUILD_IDS)
		return perf_data__set_err(d, -EINVAL, "BUILD_ID feature: too many entries");
	t->nr++;
	bid_decode(p, size, &e, NULL);
	if (e.pid != -1 || !e.size || !bid_cpumode_counts(e.cpumode))
		return 0;
	len = strnlen((const char *)p + BID_FIXED, size - BID_FIXED);
	ALLOC_GROW(t->keys, t->nr_keys + 1, t->alloc_keys);
	t->keys[t->nr_keys++] = (hash_bytes(p + BID_FIXED, len) << BID_KEY_OFF_BITS) | at;
	return 0;
}

#define BID_HASH_BITS	(64u - BID_KEY_OFF_BITS)	/* of a name's hash, in a key */

/* How many of the hash's bits past the bucket's a slot keeps. */
static unsigned int bid_filter_bits(const struct build_id_table *t)
{
	unsigned int fb = 32 - t->off_bits;

	return fb < BID_HASH_BITS - t->bucket_bits ? fb : BID_HASH_BITS - t->bucket_bits;
}

/* The bucket of a key's hash @kh, and its filter bits into @filter. */
static u32 bid_bucket(const struct build_id_table *t, u64 kh, u32 *filter)
{
	unsigned int fb = bid_filter_bits(t);

	*filter = (u32)(kh >> (BID_HASH_BITS - t->bucket_bits - fb)) & (u32)((1ull << fb) - 1);
	return (u32)(kh >> (BID_HASH_BITS - t->bucket_bits));
}

/*
 * Packs the section's keys (8 bytes each) into slots of 4 (and a bucket
 * start for every 8 of them or so): 200,000 entries 1.6 -> 0.9 MB, which
 * a report keeps to its end. A lookup reads the entries of its bucket
 * whose filter bits match: about one in 256 of the others with a 16 MB
 * section. A section of 4 GB or more keeps its keys.
 *
 * The keys come in file order; they are counted by bucket, then placed,
 * so a bucket's slots stay in file order: a lookup, which reads its
 * bucket from the end, meets a name's last entry first, as it would among
 * keys sorted whole (a fifth of the section's read went to that sort).
 */
static void bid_pack(struct build_id_table *t)
{
	unsigned int bb = 1, fb;
	size_t i;
	u32 b, nb, filter;

	if (!t->nr_keys || t->sec_len > UINT32_MAX || t->mem_len)
		return;
	while (bb < 20 && (1ull << bb) * 8 < t->nr_keys)
		bb++;
	free(t->slots);
	free(t->buckets);
	t->bucket_bits = (u8)bb;
	t->off_bits = 1;
	while ((1ull << t->off_bits) < t->sec_len)
		t->off_bits++;
	fb = bid_filter_bits(t);
	nb = 1u << bb;
	t->slots = xmalloc(t->nr_keys * sizeof(*t->slots));
	t->buckets = xcalloc((size_t)nb + 1, sizeof(*t->buckets));
	/* buckets[k + 1]: bucket k's count; then buckets[k]: where bucket k starts. */
	for (i = 0; i < t->nr_keys; i++)
		t->buckets[bid_bucket(t, t->keys[i] >> BID_KEY_OFF_BITS, &filter) + 1]++;
	for (b = 0; b < nb; b++)
		t->buckets[b + 1] += t->buckets[b];
	/* Placing moves buckets[k] on to where bucket k ends: bucket k + 1's start. */
	for (i = 0; i < t->nr_keys; i++) {
		u64 kh = t->keys[i] >> BID_KEY_OFF_BITS, at = t->keys[i] & ((1ull << BID_KEY_OFF_BITS) - 1);
		u32 k = bid_bucket(t, kh, &filter);

		t->slots[t->buckets[k]++] = (fb ? filter << t->off_bits : 0) | (u32)at;
	}
	memmove(t->buckets + 1, t->buckets, (size_t)nb * sizeof(*t->buckets));
	t->buckets[0] = 0;
	free(t->keys);
	t->keys = NULL;
	t->nr_keys = t->alloc_keys = t->nr_sorted = 0;
}

int header__read_build_id_section(struct perf_data *d, u64 off, u64 len)
{
	struct build_id_table *t = &d->info.bid;

	int err;

	t->sec_off = off;
	t->sec_len = len;
	err = bid_walk_section(d, d, bid_index, d);
	if (!err)
		bid_pack(t);
	return err;
}

/* bid_index, then the entry copied after the last one kept (@arg: the perf_data). */
static int bid_keep(const u8 *p, u16 size, u64 at, void *arg)
{
	struct perf_data *d = arg;
	struct build_id_table *t = &d->info.bid;
	int err;

	(void)at;
	err = bid_index(p, size, t->sec_len + t->mem_len, d);
	if (err)
		return err;
	ALLOC_GROW(t->mem, t->mem_len + size, t->mem_alloc);
	memcpy(t->mem + t->mem_len, p, size);
	t->mem_len += size;
	return 0;
}

int header__read_build_ids(struct perf_data *d, const u8 *p, size_t len, u64 off)
{
	size_t used;

	return bid_parse(d, p, len, off, 0, false, bid_keep, d, &used);
}

struct bid_each {
	int (*fn)(const struct build_id_entry *e, void *arg);
	void *arg;
	char *name;		/* 65536 bytes: the longest name and its NUL */
};

static int bid_each_one(const u8 *p, u16 size, u64 at, void *arg)
{
	struct bid_each *w = arg;
	struct build_id_entry e;

	(void)at;
	bid_decode(p, size, &e, w->name);
	return w->fn(&e, w->arg);
}

int header__for_each_build_id(const struct perf_data *d,
			      int (*fn)(const struct build_id_entry *e, void *arg), void *arg)
{
	const struct build_id_table *t = &d->info.bid;
	struct bid_each w = { .fn = fn, .arg = arg };
	size_t used;
	int err = 0;

	if (!t->nr)
		return 0;
	w.name = xmalloc(1u << 16);
	err = bid_walk_section(NULL, d, bid_each_one, &w);
	if (!err)
		err = bid_parse(NULL, t->mem, t->mem_len, 0, t->sec_len, false, bid_each_one, &w,
				&used);
	free(w.name);
	return err;
}

/*
 * Whether the entry at place @at is for @name (@len bytes): its build-id
 * into @e when it is. Its bytes are read again (the section's from the file).
 */
static bool bid_entry_is(const struct perf_data *d, u64 at, const char *name, size_t len,
			 struct build_id_entry *e)
{
	const struct build_id_table *t = &d->info.bid;
	u8 stack[BID_FIXED + 256], *p = stack;
	struct perf_event_header h;
	size_t want, have;
	bool same = false;

	if (at >= t->sec_len) {
		p = t->mem + (at - t->sec_len);
		memcpy(&h, p, sizeof(h));
		have = h.size - BID_FIXED;
	} else {
		if (bid_pread(d, t->sec_off + at, &h, sizeof(h)))
			return false;
		have = h.size - BID_FIXED;
		/* The name's bytes and the byte after them, where there is one. */
		want = BID_FIXED + (have < len + 1 ? have : len + 1);
		if (want > sizeof(stack))
			p = xmalloc(want);
		if (bid_pread(d, t->sec_off + at, p, want))
			goto out;
	}
	if (len <= have && !memcmp(p + BID_FIXED, name, len) &&
	    (len == have || !p[BID_FIXED + len])) {
		bid_decode(p, h.size, e, NULL);
		same = true;
	}
out:
	if (p != stack && at < t->sec_len)
		free(p);
	return same;
}

u8 header__find_build_id(const struct perf_data *d, const char *name, u8 *bid)
{
	/* Sorting the keys, once, leaves the table the same to every reader. */
	struct build_id_table *t = (struct build_id_table *)&d->info.bid;
	size_t len = strlen(name), lo = 0, hi;
	u64 h = hash_bytes(name, len) << BID_KEY_OFF_BITS;
	u64 off_mask = (1ull << BID_KEY_OFF_BITS) - 1;
	struct build_id_entry e;

	/*
	 * The name's last entry counts, as in perf, where each entry read sets
	 * the build-id again: the stream's entries (in @keys) come after the
	 * section's, and each set is read from its end.
	 */
	if (t->nr_keys) {
		if (t->nr_sorted != t->nr_keys) {
			sort_u64(t->keys, t->nr_keys);
			t->nr_sorted = t->nr_keys;
		}
		/* Past the last key of the name's hash: those before it, in file order. */
		hi = t->nr_keys;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if ((t->keys[mid] & ~off_mask) <= h)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo > 0 && (t->keys[lo - 1] & ~off_mask) == h; lo--)
			if (bid_entry_is(d, t->keys[lo - 1] & off_mask, name, len, &e)) {
				memcpy(bid, e.build_id, e.size);
				return e.size;
			}
	}
	if (t->slots) {
		u32 filter, k = bid_bucket(t, h >> BID_KEY_OFF_BITS, &filter), i;
		u32 at_mask = (u32)((1ull << t->off_bits) - 1);
		u32 want = bid_filter_bits(t) ? filter << t->off_bits : 0;

		for (i = t->buckets[k + 1]; i > t->buckets[k]; i--)
			if ((t->slots[i - 1] & ~at_mask) == want &&
			    bid_entry_is(d, t->slots[i - 1] & at_mask, name, len, &e)) {
				memcpy(bid, e.build_id, e.size);
				return e.size;
			}
	}
	return 0;
}

void build_id_table__exit(struct build_id_table *t)
{
	free(t->mem);
	free(t->keys);
	free(t->slots);
	free(t->buckets);
	memset(t, 0, sizeof(*t));
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

/* ---- GROUP_DESC ---- */

void header_info__free_groups(struct header_info *hi)
{
	u32 i;

	for (i = 0; i < hi->nr_groups; i++)
		free(hi->groups[i].name);
	free(hi->groups);
	hi->groups = NULL;
	hi->nr_groups = 0;
}

/*
 * As perf writes it: the number of groups, then for each its name
 * ("{anon_group}" for none), leader's index and number of events. Groups
 * must be of two events or more, in order and apart, within the events
 * where those are known (a pipe's come later: report checks them again).
 */
static int group_desc__read(const struct feat_ops *ops, struct perf_data *d, const u8 *p,
			    size_t len, u64 off)
{
	struct header_info *hi = &d->info;
	struct cursor c = { p, p + len };
	u32 n, i, next = 0;

	(void)ops, (void)off;
	header_info__free_groups(hi);
	if (cur_u32(&c, &n) || n > len / 12)
		return -EBADMSG;
	hi->groups = xcalloc(n ? n : 1, sizeof(*hi->groups));
	for (i = 0; i < n; i++) {
		struct event_group *g = &hi->groups[i];

		if (cur_string(&c, &g->name))
			return -EBADMSG;
		hi->nr_groups++;
		if (cur_u32(&c, &g->leader) || cur_u32(&c, &g->nr_members) || g->nr_members < 2 ||
		    g->leader < next || g->nr_members > UINT32_MAX - g->leader ||
		    (d->nr_evsels && g->leader + g->nr_members > (u32)d->nr_evsels))
			return -EBADMSG;
		next = g->leader + g->nr_members;
		if (!strcmp(g->name, "{anon_group}")) {
			free(g->name);
			g->name = NULL;
		}
	}
	return 0;
}

/* As perf record writes it: anonymous groups named "{anon_group}". */
static int group_desc__write(const struct feat_ops *ops, const struct feat_src *src,
			     struct buf *out)
{
	const struct header_info *hi = src->info;
	u32 i;

	(void)ops;
	if (!hi->nr_groups)
		return -ENODATA;
	buf__append_u32(out, hi->nr_groups);
	for (i = 0; i < hi->nr_groups; i++) {
		header__put_string(out, hi->groups[i].name ? hi->groups[i].name : "{anon_group}");
		buf__append_u32(out, hi->groups[i].leader);
		buf__append_u32(out, hi->groups[i].nr_members);
	}
	return 0;
}

/* As perf report --header: "# group: NAME{a,b}", a line a group. */
static void group_desc__print(const struct feat_ops *ops, const struct perf_data *d, FILE *fp)
{
	u32 i, k;

	(void)ops;
	for (i = 0; i < d->info.nr_groups; i++) {
		const struct event_group *g = &d->info.groups[i];

		if (g->leader + g->nr_members > (u32)d->nr_evsels)
			continue;
		fprintf(fp, "# group: %s{", g->name ? g->name : "");
		for (k = 0; k < g->nr_members; k++) {
			const struct evsel *ev = d->evsels[g->leader + k];

			fprintf(fp, "%s%s", k ? "," : "", ev->name ? ev->name : "?");
		}
		fprintf(fp, "}\n");
	}
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

static int build_id__print_one(const struct build_id_entry *be, void *arg)
{
	char hex[2 * BUILD_ID_MAX + 1];

	fprintf(arg, "# build id : %s %s (pid %d)\n",
		build_id__hex(be->build_id, be->size, hex), be->filename, be->pid);
	return 0;
}

static void build_id__print(const struct feat_ops *ops, const struct perf_data *d, FILE *fp)
{
	(void)ops;
	header__for_each_build_id(d, build_id__print_one, fp);
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
	{ .id = HEADER_GROUP_DESC, .read = group_desc__read, .print = group_desc__print,
	  .write = group_desc__write },
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
