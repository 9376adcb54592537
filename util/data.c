// SPDX-License-Identifier: GPL-2.0
/*
 * perf.data reader: file mode and pipe mode. Every offset and size taken
 * from the file is checked against the file before it is used, and every
 * allocation sized by the file is bounded first.
 */
#include "util/data.h"
#include "util/decompress.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define READ_BUF_SIZE	(1u << 20)
#define MAX_RECORD	65536u

/*
 * Chunks: the data section read in pieces, each kept while records in it
 * wait to be delivered. A record that does not fit in what is left of a
 * chunk starts the next one (its first bytes copied there), so a chunk's
 * records all lie before the next chunk's file offset.
 */
#define CHUNKS_SPARE	4	/* kept for reuse rather than freed */



static int vset_err(struct perf_data *d, int err, const char *fmt, va_list ap)
{
	err__vset(&d->err, err, fmt, ap);
	return err__prefix(&d->err, "%s: ", d->path);
}

int perf_data__set_err(struct perf_data *d, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset_err(d, err, fmt, ap);
	va_end(ap);
	return err;
}

/* pread exactly len bytes at off; -EIO style error on short read. */
static int read_at(struct perf_data *d, u64 off, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(d->fd, (char *)buf + done, len - done, (off_t)(off + done));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return perf_data__set_err(d, -errno, "read error at offset %#" PRIx64 ": %s",
				       off + done, strerror(errno));
		}
		if (n == 0)
			return perf_data__set_err(d, -EINVAL, "unexpected end of file at offset %#" PRIx64
				       " (wanted %zu bytes at %#" PRIx64 ")",
				       off + done, len, off);
		done += (size_t)n;
	}
	return 0;
}

static bool section_ok(const struct perf_data *d, const struct file_section *s)
{
	return s->offset <= d->file_size && s->size <= d->file_size - s->offset;
}

/* Copies an on-disk attr of @size bytes (0 means VER0) into a zeroed struct. */
static void copy_attr(struct perf_event_attr *dst, const void *src, size_t avail)
{
	u32 size;

	memset(dst, 0, sizeof(*dst));
	memcpy(&size, (const char *)src + 4, sizeof(size));
	if (size == 0)
		size = PERF_ATTR_SIZE_VER0;
	if (size > avail)
		size = (u32)avail;
	memcpy(dst, src, min_t(size_t, size, sizeof(*dst)));
	dst->size = sizeof(*dst);
}

/* ---- features ---- */

static int read_features(struct perf_data *d, const struct file_header *h)
{
	u64 off = h->data.offset + h->data.size;
	int nr = 0, feat, err = 0, i = 0;
	struct file_section *secs;

	for (feat = 0; feat < HEADER_FEAT_BITS; feat++)
		nr += !!(h->features[feat / 64] & (1ull << (feat % 64)));
	if (!nr)
		return 0;
	if (off > d->file_size || (u64)nr * sizeof(*secs) > d->file_size - off)
		return perf_data__set_err(d, -EINVAL, "feature table at offset %#" PRIx64
			       " (%d entries) lies past the end of the file (size %#" PRIx64 ")",
			       off, nr, d->file_size);
	secs = xcalloc(nr, sizeof(*secs));
	err = read_at(d, off, secs, nr * sizeof(*secs));
	for (feat = 0; !err && feat < HEADER_FEAT_BITS; feat++) {
		u8 *payload;

		if (!(h->features[feat / 64] & (1ull << (feat % 64))))
			continue;
		if (!section_ok(d, &secs[i])) {
			err = perf_data__set_err(d, -EINVAL, "feature %d section at %#" PRIx64
				      " size %#" PRIx64 " lies outside the file (size %#" PRIx64 ")",
				      feat, secs[i].offset, secs[i].size, d->file_size);
			break;
		}
		/* BUILD_ID entries stay in the file: it is read a piece at a time. */
		if (feat == HEADER_BUILD_ID) {
			err = header__read_build_id_section(d, secs[i].offset, secs[i].size);
		} else if (header__reads(feat)) {
			/* Only features we parse are read; their size is bounded by the file. */
			payload = malloc(secs[i].size ? secs[i].size : 1);
			if (!payload) {
				err = perf_data__set_err(d, -ENOMEM, "cannot allocate %" PRIu64
					      " bytes for feature %d", secs[i].size, feat);
				break;
			}
			err = read_at(d, secs[i].offset, payload, secs[i].size);
			if (!err)
				err = header__read_feature(d, feat, payload, secs[i].size, secs[i].offset);
			free(payload);
		}
		i++;
	}
	free(secs);
	return err;
}

/* ---- file mode header ---- */

static int read_attrs(struct perf_data *d, const struct file_header *h)
{
	u64 nr, i;
	size_t asz = h->attr_size - sizeof(struct file_section);
	u8 *buf;
	int err = 0;

	if (h->attr_size < PERF_ATTR_SIZE_VER0 + sizeof(struct file_section) || h->attr_size > 4096)
		return perf_data__set_err(d, -EINVAL, "header at offset 0x10: attr_size %" PRIu64
			       " is not a valid perf_event_attr size", h->attr_size);
	if (!section_ok(d, &h->attrs))
		return perf_data__set_err(d, -EINVAL, "attrs section at %#" PRIx64 " size %#" PRIx64
			       " lies outside the file (size %#" PRIx64 ")",
			       h->attrs.offset, h->attrs.size, d->file_size);
	if (h->attrs.size % h->attr_size)
		return perf_data__set_err(d, -EINVAL, "attrs section size %#" PRIx64
			       " is not a multiple of attr_size %" PRIu64, h->attrs.size, h->attr_size);
	nr = h->attrs.size / h->attr_size;
	if (nr == 0)
		return perf_data__set_err(d, -EINVAL, "no events in the attrs section at %#" PRIx64,
			       h->attrs.offset);
	if (nr > MAX_EVSELS)
		return perf_data__set_err(d, -EINVAL, "attrs section at %#" PRIx64 " holds %" PRIu64
			       " events (limit %u)", h->attrs.offset, nr, MAX_EVSELS);
	buf = xmalloc(h->attr_size);
	for (i = 0; i < nr && !err; i++) {
		u64 off = h->attrs.offset + i * h->attr_size;
		struct perf_event_attr attr;
		struct file_section ids;
		u64 *idv = NULL, nr_ids;

		err = read_at(d, off, buf, h->attr_size);
		if (err)
			break;
		copy_attr(&attr, buf, asz);
		memcpy(&ids, buf + asz, sizeof(ids));
		if (!section_ok(d, &ids) || ids.size % 8) {
			err = perf_data__set_err(d, -EINVAL, "event %" PRIu64 " (attr at %#" PRIx64
				      "): id section at %#" PRIx64 " size %#" PRIx64
				      " is invalid", i, off, ids.offset, ids.size);
			break;
		}
		nr_ids = ids.size / 8;
		if (nr_ids > MAX_IDS_PER_EVSEL) {
			err = perf_data__set_err(d, -EINVAL, "event %" PRIu64 " has %" PRIu64 " ids (limit %u)",
				      i, nr_ids, MAX_IDS_PER_EVSEL);
			break;
		}
		/* Sections may overlap: the sum is bounded, not only each. */
		if (nr_ids > MAX_IDS_TOTAL - d->nr_ids_total) {
			err = perf_data__set_err(d, -EINVAL, "event %" PRIu64 " (attr at %#" PRIx64 "): %"
				      PRIu64 " ids bring the events' ids past %u in all",
				      i, off, nr_ids, MAX_IDS_TOTAL);
			break;
		}
		if (nr_ids) {
			idv = xcalloc(nr_ids, 8);
			err = read_at(d, ids.offset, idv, ids.size);
		}
		if (!err && i > 0 && attr.sample_id_all != d->sample_id_all)
			err = perf_data__set_err(d, -EINVAL, "event %" PRIu64 " (attr at %#" PRIx64
				      ") disagrees with event 0 on sample_id_all", i, off);
		if (!err)
			perf_data__add_evsel(d, &attr, idv, (u32)nr_ids);
		free(idv);
	}
	free(buf);
	return err;
}

static void map_data(struct perf_data *d);

static int open_file_mode(struct perf_data *d)
{
	struct file_header h;
	int err;

	if (d->file_size < sizeof(h))
		return perf_data__set_err(d, -EINVAL, "file is %" PRIu64 " bytes, too small for a "
			       "perf.data header (%zu bytes)", d->file_size, sizeof(h));
	err = read_at(d, 0, &h, sizeof(h));
	if (err)
		return err;
	if (h.size < sizeof(h))
		return perf_data__set_err(d, -EINVAL, "header at offset 0x8: header size %" PRIu64
			       " is smaller than %zu", h.size, sizeof(h));
	err = read_attrs(d, &h);
	if (err)
		return err;
	if (!section_ok(d, &h.data))
		return perf_data__set_err(d, -EINVAL, "data section at %#" PRIx64 " size %#" PRIx64
			       " extends past the end of the file (size %#" PRIx64
			       "): the file is truncated", h.data.offset, h.data.size, d->file_size);
	d->data_offset = h.data.offset;
	d->data_size = h.data.size;
	memcpy(d->feat_bitmap, h.features, sizeof(d->feat_bitmap));
	err = read_features(d, &h);
	if (err)
		return err;
	d->buf_file_off = d->data_offset;
	/* Records decompressed from the file live in a buffer, not in a map. */
	if (!perf_data__has_feat(d, HEADER_COMPRESSED))
		map_data(d);
	return 0;
}

/*
 * Maps the data section (checked to lie within the file), so that records
 * are read in place and stay valid: no copy into a buffer, none into the
 * session's queue. Where mmap fails the buffered reads serve.
 */
static void map_data(struct perf_data *d)
{
	u64 start = d->data_offset & ~(u64)(sysconf(_SC_PAGESIZE) - 1);
	u64 len = d->data_offset + d->data_size - start;
	void *p;

	/* Records are read in place: a misaligned section is read through the buffer. */
	if (!d->data_size || len > SIZE_MAX || d->data_offset % 8)
		return;
	p = mmap(NULL, (size_t)len, PROT_READ, MAP_PRIVATE, d->fd, (off_t)start);
	if (p == MAP_FAILED)
		return;
	madvise(p, (size_t)len, MADV_SEQUENTIAL);
	d->map = p;
	d->map_len = (size_t)len;
	d->mapped = d->in_place = true;
	d->buf = (u8 *)p + (d->data_offset - start);
	d->buf_size = d->buf_len = (size_t)d->data_size;
	d->buf_pos = 0;
}

/*
 * In steps of 2 MiB or more, ending on a 2 MiB boundary of the address: one
 * call per round would be many, and a file's large folios are mapped 2 MiB
 * at a time (a range ending inside one splits the mapping, which costs).
 */
#define RELEASE_STEP	(1u << 21)

/* The page-aligned offset in the map up to which @upto lets us give back. */
static size_t release_to(const struct perf_data *d, const void *upto)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), to;

	if (!d->mapped || (const u8 *)upto < (const u8 *)d->map)
		return 0;
	to = (size_t)((const u8 *)upto - (const u8 *)d->map) & ~(page - 1);
	if (to > d->map_len)
		to = d->map_len & ~(page - 1);
	/* down to a 2 MiB boundary of the address, where there is one */
	if (to >= RELEASE_STEP)
		to -= ((uintptr_t)d->map + to) & (RELEASE_STEP - 1);
	return to;
}

bool perf_data__release_due(const struct perf_data *d, const void *upto)
{
	return release_to(d, upto) >= d->map_released + RELEASE_STEP;
}

void perf_data__release(struct perf_data *d, const void *upto)
{
	size_t to = release_to(d, upto);

	if (to < d->map_released + RELEASE_STEP)
		return;
	madvise((u8 *)d->map + d->map_released, to - d->map_released, MADV_DONTNEED);
	d->map_released = to;
}

struct perf_data *perf_data__open(const char *path, struct err *e)
{
	struct perf_data *d = xzalloc(sizeof(*d));
	struct stat st;
	u64 magic = 0;
	int err = 0;

	d->path = xstrdup(strcmp(path, "-") ? path : "<stdin>");
	d->id_pos_sample = d->id_pos_trailer = -1;
	if (!strcmp(path, "-")) {
		d->fd = 0;
	} else {
		d->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (d->fd < 0) {
			err = perf_data__set_err(d, -errno, "cannot open: %s", strerror(errno));
			goto out_err;
		}
	}
	if (fstat(d->fd, &st)) {
		err = perf_data__set_err(d, -errno, "cannot stat: %s", strerror(errno));
		goto out_err;
	}
	if (S_ISDIR(st.st_mode)) {
		err = perf_data__set_err(d, -EISDIR, "is a directory, not a data file");
		goto out_err;
	}
	if (!S_ISREG(st.st_mode)) {
		/* A stream: must be pipe mode. */
		u64 size = 0;
		ssize_t n;
		size_t got = 0;
		u64 hdr[2];

		d->is_pipe = true;
		while (got < sizeof(hdr)) {
			n = read(d->fd, (char *)hdr + got, sizeof(hdr) - got);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				err = perf_data__set_err(d, -EINVAL, "stream ended after %zu bytes, inside the "
					      "16-byte pipe header", got);
				goto out_err;
			}
			got += (size_t)n;
		}
		magic = hdr[0];
		size = hdr[1];
		if (magic != PERF_MAGIC2 || size != 16) {
			err = perf_data__set_err(d, -EINVAL, "stream at offset 0x0 is not a perf.data pipe "
				      "stream (magic %#" PRIx64 ", size %" PRIu64 ")", magic, size);
			goto out_err;
		}
		d->buf_file_off = 16;
		goto out;
	}
	d->file_size = (u64)st.st_size;
	if (d->file_size == 0) {
		err = perf_data__set_err(d, -EINVAL, "file is empty (0 bytes)");
		goto out_err;
	}
	if (d->file_size < 8) {
		err = perf_data__set_err(d, -EINVAL, "file is %" PRIu64 " bytes, too small for a perf.data "
			      "header", d->file_size);
		goto out_err;
	}
	err = read_at(d, 0, &magic, 8);
	if (err)
		goto out_err;
	if (magic == __builtin_bswap64(PERF_MAGIC2) || magic == __builtin_bswap64(PERF_MAGIC1)) {
		err = perf_data__set_err(d, -ENOTSUP, "offset 0x0: the file was written in the other byte "
			      "order (foreign-endian); pmukvm reads only native-endian files");
		goto out_err;
	}
	if (magic == PERF_MAGIC1) {
		err = perf_data__set_err(d, -ENOTSUP, "offset 0x0: obsolete version 1 format (PERFFILE) "
			      "is not supported");
		goto out_err;
	}
	if (magic != PERF_MAGIC2) {
		err = perf_data__set_err(d, -EINVAL, "offset 0x0: bad magic %#" PRIx64
			      ", not a perf.data file", magic);
		goto out_err;
	}
	if (d->file_size >= 16) {
		u64 hsize;

		err = read_at(d, 8, &hsize, 8);
		if (err)
			goto out_err;
		if (hsize == 16) {
			/* A pipe-mode stream saved to a file. */
			d->is_pipe = true;
				d->buf_file_off = 16;
			d->data_offset = 16;
			d->data_size = d->file_size - 16;
			goto out;
		}
	}
	err = open_file_mode(d);
	if (err)
		goto out_err;
out:
	return d;
out_err:
	err__set(e, err, "%s", d->err.msg);
	perf_data__delete(d);
	return NULL;
}

struct perf_data *perf_data__new_live(const char *name)
{
	struct perf_data *d = xzalloc(sizeof(*d));

	d->path = xstrdup(name);
	d->fd = -1;
	d->is_pipe = true;		/* no sizes, no progress meter */
	d->id_pos_sample = d->id_pos_trailer = -1;
	return d;
}

void perf_data__delete(struct perf_data *d)
{
	struct header_info *hi;
	size_t i;

	if (!d)
		return;
	hi = &d->info;
	if (d->fd > 0)
		close(d->fd);
	for (i = (size_t)d->nr_evsels_shared; i < (size_t)d->nr_evsels; i++)
		evsel__delete(d->evsels[i]);
	free(d->evsels);
	evsel_id_hash__exit(&d->id_hash);
	free(hi->hostname);
	free(hi->osrelease);
	free(hi->version);
	free(hi->arch);
	free(hi->cpudesc);
	free(hi->cpuid);
	for (i = 0; i < hi->nr_cmdline; i++)
		free(hi->cmdline[i]);
	free(hi->cmdline);
	build_id_table__exit(&hi->bid);
	free(hi->guest_files);
	header_info__free_groups(hi);
	free(hi->tracing_data);
	decomp__delete(d->decomp);
	for (i = d->chunk_first; i < d->nr_chunkv; i++)
		free(d->chunkv[i]);	/* NULL for those gone */
	free(d->chunkv);
	while (d->chunks_spare) {
		struct data_chunk *c = d->chunks_spare;

		d->chunks_spare = c->next;
		free(c);
	}
	if (d->mapped)
		munmap(d->map, d->map_len);
	else if (!d->chunked)
		free(d->buf);
	free(d->path);
	free(d);
}

bool perf_data__has_feat(const struct perf_data *d, int feat)
{
	return feat >= 0 && feat < HEADER_FEAT_BITS &&
	       (d->feat_bitmap[feat / 64] & (1ull << (feat % 64)));
}

/* ---- record stream ---- */

void perf_data__read_chunks(struct perf_data *d)
{
	if (!d->mapped || d->buf_pos || d->eof || d->decomp)
		return;
	munmap(d->map, d->map_len);
	d->map = NULL;
	d->map_len = d->map_released = 0;
	d->mapped = false;
	d->chunked = true;
	d->buf = NULL;
	d->buf_size = d->buf_len = d->buf_pos = 0;
	d->buf_file_off = d->data_offset;
}

static void chunk_free(struct perf_data *d, struct data_chunk *c)
{
	if (d->nr_spare < CHUNKS_SPARE) {
		c->next = d->chunks_spare;
		d->chunks_spare = c;
		d->nr_spare++;
	} else {
		free(c);
	}
}

/* chunkv[@i] goes: to the spares, its slot NULL; those gone at the front are passed. */
void perf_data__chunk_gone(struct perf_data *d, size_t i)
{
	chunk_free(d, d->chunkv[i]);
	d->chunkv[i] = NULL;
	while (d->chunk_first < d->nr_chunkv && !d->chunkv[d->chunk_first])
		d->chunk_first++;
	if (d->chunk_first == d->nr_chunkv) {
		d->chunkv_seq += d->nr_chunkv;
		d->chunk_first = d->nr_chunkv = 0;
	}
}

/* fill() for a chunked read: the next chunk, from the read position on. */
static int fill_chunk(struct perf_data *d, size_t need, size_t *avail)
{
	u64 end = d->data_offset + d->data_size;
	u64 at = d->buf_file_off + d->buf_pos;
	size_t len = d->buf_len - d->buf_pos;
	struct data_chunk *c;

	if (at + len >= end)
		return 0;		/* *avail: what there is */
	c = d->chunks_spare;
	if (c) {
		d->chunks_spare = c->next;
		d->nr_spare--;
	} else {
		c = xmalloc(sizeof(*c) + CHUNK_SIZE);
		/* Read into whole, or as far as the data goes. */
		prefault_write(c, sizeof(*c) + (size_t)min_t(u64, CHUNK_SIZE, end - at));
	}
	c->next = NULL;
	c->file_off = at;
	c->held = 0;
	if (len)
		memcpy(c->mem, d->buf + d->buf_pos, len);
	/* Reading leaves the last chunk: it goes now unless a record in it is held. */
	if (d->nr_chunkv > d->chunk_first && !d->chunkv[d->nr_chunkv - 1]->held)
		perf_data__chunk_gone(d, d->nr_chunkv - 1);
	if (d->chunk_first && d->nr_chunkv == d->alloc_chunkv) {
		/* Those gone at the front make room. */
		memmove(d->chunkv, d->chunkv + d->chunk_first,
			(d->nr_chunkv - d->chunk_first) * sizeof(*d->chunkv));
		d->nr_chunkv -= d->chunk_first;
		d->chunkv_seq += d->chunk_first;
		d->chunk_first = 0;
	}
	ALLOC_GROW(d->chunkv, d->nr_chunkv + 1, d->alloc_chunkv);
	d->chunkv[d->nr_chunkv++] = c;
	d->chunk_cur = c;
	d->chunk_cur_where = (d->chunkv_seq + d->nr_chunkv - 1) * CHUNK_SIZE;
	d->buf = c->mem;
	d->buf_size = CHUNK_SIZE;
	d->buf_file_off = at;
	d->buf_pos = 0;
	while (len < CHUNK_SIZE && at + len < end) {
		size_t want = (size_t)min_t(u64, CHUNK_SIZE - len, end - (at + len));
		ssize_t n = pread(d->fd, c->mem + len, want, (off_t)(at + len));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			d->buf_len = len;
			return perf_data__set_err(d, -errno, "read error at offset %#" PRIx64 ": %s",
				       at + len, strerror(errno));
		}
		if (n == 0)
			break;		/* the file shrank: what is there is truncated */
		len += (size_t)n;
	}
	d->buf_len = len;
	*avail = len;
	return len >= need;
}

bool perf_data__release_before_due(const struct perf_data *d, u64 off)
{
	if (d->mapped)
		return off >= d->buf_file_off &&
		       perf_data__release_due(d, d->buf + (off - d->buf_file_off));
	return false;	/* chunked: perf_data__drop lets chunks go */
}


void perf_data__release_before(struct perf_data *d, u64 off)
{
	if (d->mapped && off >= d->buf_file_off)
		perf_data__release(d, d->buf + (off - d->buf_file_off));
}

/*
 * Makes at least @need bytes available at buf_pos. Returns 1 if they are,
 * 0 if the input ended first (*avail says how many were there), <0 on error.
 */
static int fill(struct perf_data *d, size_t need, size_t *avail)
{
	*avail = d->buf_len - d->buf_pos;
	if (*avail >= need)
		return 1;
	if (d->mapped)
		return 0;
	if (d->chunked)
		return fill_chunk(d, need, avail);
	if (!d->buf) {
		/*
		 * Made on the first read, not at open: a mapped or chunked
		 * read never needs it. A file's buffer is no larger than its
		 * data section (any record lies within that), a stream's 1 MiB.
		 */
		d->buf_size = READ_BUF_SIZE;
		if (!d->is_pipe || d->data_size)
			d->buf_size = (size_t)min_t(u64, READ_BUF_SIZE, PERF_ALIGN(d->data_size, 8) + 8);
		d->buf = xmalloc(d->buf_size);
	}
	/* Slide what is left to the front. */
	if (d->buf_pos) {
		memmove(d->buf, d->buf + d->buf_pos, d->buf_len - d->buf_pos);
		d->buf_file_off += d->buf_pos;
		d->buf_len -= d->buf_pos;
		d->buf_pos = 0;
	}
	while (d->buf_len < need) {
		ssize_t n;
		size_t want = d->buf_size - d->buf_len;

		if (!d->is_pipe || d->data_size) {
			u64 end = d->data_offset + d->data_size;
			u64 at = d->buf_file_off + d->buf_len;

			if (at >= end)
				break;
			if (want > end - at)
				want = (size_t)(end - at);
			n = pread(d->fd, d->buf + d->buf_len, want, (off_t)at);
		} else {
			n = read(d->fd, d->buf + d->buf_len, want);
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return perf_data__set_err(d, -errno, "read error at offset %#" PRIx64 ": %s",
				       d->buf_file_off + d->buf_len, strerror(errno));
		}
		if (n == 0)
			break;
		d->buf_len += (size_t)n;
	}
	*avail = d->buf_len - d->buf_pos;
	return *avail >= need;
}

/* ---- a look ahead ---- */

/* Twice the largest record: a refill always leaves room for a whole one. */
#define SCAN_BUF_SIZE	(2 * MAX_RECORD)

/* At least @need bytes at sc->pos: 1 if they are there, 0 at the end, <0 on error. */
static int scan_fill(const struct perf_data *d, struct data_scan *sc, size_t need)
{
	u64 end = d->data_offset + d->data_size;

	if (sc->len - sc->pos >= need)
		return 1;
	memmove(sc->buf, sc->buf + sc->pos, sc->len - sc->pos);
	sc->buf_off += sc->pos;
	sc->len -= sc->pos;
	sc->pos = 0;
	while (sc->len < SCAN_BUF_SIZE && sc->buf_off + sc->len < end) {
		size_t want = (size_t)min_t(u64, SCAN_BUF_SIZE - sc->len,
					    end - (sc->buf_off + sc->len));
		ssize_t n = pread(d->fd, sc->buf + sc->len, want, (off_t)(sc->buf_off + sc->len));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		sc->len += (size_t)n;
	}
	return sc->len >= need;
}

int perf_data__scan_next(const struct perf_data *d, struct data_scan *sc,
			 const union perf_event **event, u64 *offset)
{
	u64 end = d->data_offset + d->data_size;
	const union perf_event *ev;
	u64 extra;
	int r;

	if (!d->in_place)
		return -EINVAL;
	if (!sc->buf) {
		/*
		 * Mapped, not malloc'ed: glibc raises its mmap threshold to
		 * the size of a mapped block freed, and the heap of the
		 * pass that follows would then grow where it mapped.
		 */
		void *p = mmap(NULL, SCAN_BUF_SIZE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return -ENOMEM;
		/* Read into whole, or as far as the data goes. */
		prefault_write(p, (size_t)min_t(u64, SCAN_BUF_SIZE, d->data_size));
		sc->buf = p;
		sc->buf_off = d->data_offset;
	}
	for (;;) {
		/* Refilled only when the record is not all there: once in 2,000 here. */
		r = 1;
		if (sc->len - sc->pos < sizeof(struct perf_event_header))
			r = scan_fill(d, sc, sizeof(struct perf_event_header));
		if (r <= 0)
			return r < 0 ? r : sc->len > sc->pos ? -EINVAL : 0;
		ev = (const union perf_event *)(sc->buf + sc->pos);
		/* As perf_data__next_record checks a record read in place. */
		if (ev->header.size < sizeof(ev->header) || ev->header.size % 8 ||
		    ev->header.type == PERF_RECORD_COMPRESSED)
			return -EINVAL;
		if (sc->len - sc->pos < ev->header.size) {
			r = scan_fill(d, sc, ev->header.size);
			if (r <= 0)
				return r < 0 ? r : -EINVAL;
			ev = (const union perf_event *)(sc->buf + sc->pos);
		}
		*offset = sc->buf_off + sc->pos;
		sc->pos += ev->header.size;
		extra = 0;
		if (ev->header.type == PERF_RECORD_HEADER_TRACING_DATA) {
			u32 sz;

			if (ev->header.size < 12)
				return -EINVAL;
			memcpy(&sz, (const u8 *)ev + 8, 4);
			extra = PERF_ALIGN((u64)sz, 8);
		} else if (ev->header.type == PERF_RECORD_AUXTRACE) {
			if (ev->header.size < 16)
				return -EINVAL;
			memcpy(&extra, (const u8 *)ev + 8, 8);
			if (extra % 8)
				return -EINVAL;
		}
		if (!extra) {
			*event = ev;
			return 1;
		}
		/* The payload is passed over, and its record is not returned, as the reader does. */
		if (extra > end - (sc->buf_off + sc->pos))
			return -EINVAL;
		if (extra <= sc->len - sc->pos) {
			sc->pos += (size_t)extra;
		} else {
			sc->buf_off += sc->pos + extra;
			sc->pos = sc->len = 0;
		}
	}
}

void perf_data__scan_end(struct data_scan *sc)
{
	if (sc->buf)
		munmap(sc->buf, SCAN_BUF_SIZE);
	memset(sc, 0, sizeof(*sc));
}

static int process_pipe_header(struct perf_data *d, union perf_event *ev, u64 off)
{
	u32 size = ev->header.size;

	switch (ev->header.type) {
	case PERF_RECORD_HEADER_ATTR: {
		struct perf_event_attr attr;
		size_t hdr = sizeof(struct perf_event_header);
		u32 asz;
		u64 *ids;
		u32 nr_ids;
		struct evsel *evsel;

		if (size < hdr + PERF_ATTR_SIZE_VER0)
			return perf_data__set_err(d, -EINVAL, "HEADER_ATTR record at %#" PRIx64
				       " is too small (%u bytes)", off, size);
		memcpy(&asz, (u8 *)ev + hdr + 4, 4);
		if (asz == 0)
			asz = PERF_ATTR_SIZE_VER0;
		if (asz > size - hdr || asz % 8)
			return perf_data__set_err(d, -EINVAL, "HEADER_ATTR record at %#" PRIx64
				       ": attr size %u does not fit the record (%u bytes)",
				       off, asz, size);
		copy_attr(&attr, (u8 *)ev + hdr, asz);
		nr_ids = (size - hdr - asz) / 8;
		if (nr_ids > MAX_IDS_TOTAL - d->nr_ids_total)
			return perf_data__set_err(d, -EINVAL, "HEADER_ATTR record at %#" PRIx64 ": %u ids "
				       "bring the events' ids past %u in all", off, nr_ids,
				       MAX_IDS_TOTAL);
		ids = xcalloc(nr_ids ? nr_ids : 1, 8);
		memcpy(ids, (u8 *)ev + hdr + asz, (size_t)nr_ids * 8);
		if (d->nr_evsels && attr.sample_id_all != d->sample_id_all) {
			free(ids);
			return perf_data__set_err(d, -EINVAL, "HEADER_ATTR record at %#" PRIx64
				       " disagrees with event 0 on sample_id_all", off);
		}
		evsel = perf_data__add_evsel(d, &attr, ids, nr_ids);
		free(ids);
		if (!evsel)
			return perf_data__set_err(d, -EINVAL, "HEADER_ATTR record at %#" PRIx64
				       ": too many events (limit %u)", off, MAX_EVSELS);
		return 0;
	}
	case PERF_RECORD_HEADER_FEATURE: {
		u64 feat;

		if (size < sizeof(struct perf_event_header) + 8)
			return perf_data__set_err(d, -EINVAL, "HEADER_FEATURE record at %#" PRIx64
				       " is too small", off);
		feat = ev->feat.feat_id;
		if (feat >= HEADER_FEAT_BITS)
			return 0;
		d->feat_bitmap[feat / 64] |= 1ull << (feat % 64);
		return header__read_feature(d, (int)feat, (const u8 *)ev->feat.data,
				     size - sizeof(struct perf_event_header) - 8, off + 16);
	}
	case PERF_RECORD_HEADER_BUILD_ID:
		return header__read_build_ids(d, (const u8 *)ev, size, off);
	default:
		return 0;
	}
}

/* Bytes that follow some records without being counted in header.size. */
static int trailing_payload(struct perf_data *d, union perf_event *ev, u64 off, u64 *extra)
{
	*extra = 0;
	if (ev->header.type == PERF_RECORD_HEADER_TRACING_DATA) {
		u32 sz;

		if (ev->header.size < 12)
			return perf_data__set_err(d, -EINVAL, "TRACING_DATA record at %#" PRIx64
				       " is too small", off);
		memcpy(&sz, (u8 *)ev + 8, 4);
		*extra = PERF_ALIGN((u64)sz, 8);
	} else if (ev->header.type == PERF_RECORD_AUXTRACE) {
		u64 sz;

		if (ev->header.size < 16)
			return perf_data__set_err(d, -EINVAL, "AUXTRACE record at %#" PRIx64
				       " is too small", off);
		memcpy(&sz, (u8 *)ev + 8, 8);
		/*
		 * perf pads the payload to 8 bytes; records after an odd one
		 * would lie misaligned (and a mapped file cannot be realigned).
		 */
		if (sz % 8)
			return perf_data__set_err(d, -EINVAL, "AUXTRACE record at %#" PRIx64 ": payload "
				       "size %" PRIu64 " is not a multiple of 8", off, sz);
		*extra = sz;
	}
	return 0;
}

/* A COMPRESSED record's payload goes to the decompressor. */
static int feed_compressed(struct perf_data *d, const union perf_event *ev, u64 off)
{
	if (d->is_pipe && !d->info.has_comp) {
		d->eof = true;
		return perf_data__set_err(d, -EINVAL, "record at %#" PRIx64 " is COMPRESSED but no "
			       "COMPRESSED feature came before it", off);
	}
	if (!d->decomp) {
		d->decomp = decomp__new();
		if (!d->decomp) {
			d->eof = true;
			return perf_data__set_err(d, -ENOMEM, "record at %#" PRIx64 ": cannot set up zstd "
				       "decompression", off);
		}
	}
	d->decomp_off = off;
	d->nr_compressed++;
	decomp__feed(d->decomp, (const u8 *)ev + sizeof(ev->header),
		     ev->header.size - sizeof(ev->header));
	return 0;
}

/* 1 and a record decompressed so far, 0 when none is left, <0 on corrupt data. */
static int next_decompressed(struct perf_data *d, union perf_event **event, u64 *offset)
{
	struct err why;
	int r = decomp__next(d->decomp, event, &why);

	if (r < 0) {
		d->eof = true;
		return perf_data__set_err(d, r, "COMPRESSED record at %#" PRIx64 ": %s", d->decomp_off,
			       why.msg);
	}
	if (r > 0)
		*offset = d->decomp_off;
	return r;
}

int perf_data__next_record(struct perf_data *d, union perf_event **event, u64 *offset)
{
	union perf_event *ev;
	size_t avail = 0;
	u16 size;
	u64 off, extra;
	int r;

again:
	if (d->decomp) {
		r = next_decompressed(d, event, offset);
		if (r)
			return r;
	}
	if (d->eof)
		return 0;
	off = d->buf_file_off + d->buf_pos;
	r = fill(d, sizeof(struct perf_event_header), &avail);
	if (r < 0)
		return r;
	if (r == 0) {
		d->eof = true;
		if (avail)
			return perf_data__set_err(d, -EINVAL, "record at %#" PRIx64 " is truncated: %zu bytes "
				       "left, less than a record header", off, avail);
		if (d->decomp && decomp__partial(d->decomp))
			return perf_data__set_err(d, -EINVAL, "COMPRESSED record at %#" PRIx64 ": the "
				       "compressed data ends inside a record (%zu bytes of it)",
				       d->decomp_off, decomp__partial(d->decomp));
		if (d->decomp && decomp__block_open(d->decomp))
			return perf_data__set_err(d, -EINVAL, "COMPRESSED record at %#" PRIx64 ": the "
				       "compressed data ends inside a zstd block", d->decomp_off);
		return 0;
	}
	if (d->buf_pos % 8 && d->in_place) {
		/* Records read in place are never realigned (the map is read-only). */
		d->eof = true;
		return perf_data__set_err(d, -EINVAL, "record at %#" PRIx64 " is not 8-byte aligned", off);
	}
	if (d->buf_pos % 8) {
		/* After a pipe-mode record of odd size: realign what is left. */
		memmove(d->buf, d->buf + d->buf_pos, d->buf_len - d->buf_pos);
		d->buf_file_off += d->buf_pos;
		d->buf_len -= d->buf_pos;
		d->buf_pos = 0;
	}
	ev = (union perf_event *)(d->buf + d->buf_pos);
	size = ev->header.size;
	if (ev->header.type == PERF_RECORD_COMPRESSED && d->in_place) {
		d->eof = true;
		return perf_data__set_err(d, -EINVAL, "record at %#" PRIx64 " is COMPRESSED but the file "
			       "has no COMPRESSED feature", off);
	}
	/* perf's own pipe-mode header records need not be 8-byte multiples. */
	if (size < sizeof(struct perf_event_header) ||
	    (size % 8 && (ev->header.type < PERF_RECORD_HEADER_ATTR || d->in_place))) {
		d->eof = true;
		return perf_data__set_err(d, -EINVAL, "record at %#" PRIx64 " (type %u) has invalid size %u",
			       off, ev->header.type, size);
	}
	r = fill(d, size, &avail);
	if (r < 0)
		return r;
	if (r == 0) {
		d->eof = true;
		return perf_data__set_err(d, -EINVAL, "record at %#" PRIx64 " (type %u, size %u) is "
			       "truncated: the input ends after %zu of its bytes",
			       off, ((union perf_event *)(d->buf + d->buf_pos))->header.type,
			       size, avail);
	}
	ev = (union perf_event *)(d->buf + d->buf_pos);
	d->buf_pos += size;
	r = trailing_payload(d, ev, off, &extra);
	if (r) {
		d->eof = true;
		return r;
	}
	if (extra && d->chunked && extra > d->buf_len - d->buf_pos) {
		/* Not read at all: the next chunk starts after it. */
		u64 at = d->buf_file_off + d->buf_pos;

		if (extra > d->data_offset + d->data_size - at) {
			d->eof = true;
			return perf_data__set_err(d, -EINVAL, "record at %#" PRIx64 ": its payload "
				       "is truncated", off);
		}
		d->buf_file_off = at + extra;
		d->buf_pos = d->buf_len = 0;
		goto again;
	}
	if (extra) {
		/* Skip the payload, which may be larger than our buffer. */
		while (extra) {
			size_t take;

			r = fill(d, 1, &avail);
			if (r < 0)
				return r;
			if (r == 0) {
				d->eof = true;
				return perf_data__set_err(d, -EINVAL, "record at %#" PRIx64 ": its payload "
					       "is truncated", off);
			}
			take = min_t(u64, extra, avail);
			d->buf_pos += take;
			extra -= take;
		}
		goto again;	/* the record pointer is stale now; payload records are not data */
	}
	if (ev->header.type == PERF_RECORD_COMPRESSED) {
		r = feed_compressed(d, ev, off);
		if (r)
			return r;
		goto again;
	}
	if (d->is_pipe && (ev->header.type == PERF_RECORD_HEADER_ATTR ||
			   ev->header.type == PERF_RECORD_HEADER_FEATURE ||
			   ev->header.type == PERF_RECORD_HEADER_BUILD_ID)) {
		r = process_pipe_header(d, ev, off);
		if (r)
			return r;
	}
	*event = ev;
	*offset = off;
	return 1;
}
