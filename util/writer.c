// SPDX-License-Identifier: GPL-2.0
/*
 * perf.data writer (file mode). See util/writer.h.
 */
#include "util/writer.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/compress.h"
#include "util/data.h"
#include "util/err.h"
#include "util/event.h"

#define WRITE_BUF_SIZE	(4u << 20)
/* Kept free past the data for the features, plus the caller's reserve. */
#define FEAT_RESERVE	(64u << 10)
/* fallocate this much ahead at a time, so it is not a call per flush. */
#define ALLOC_AHEAD	(8u << 20)
/*
 * Pipe mode: perf 6.1 ends the features of a stream with a HEADER_FEATURE
 * record of this id and refuses ids past it, so pmukvm's own features
 * (200) stay out of a stream.
 */
#define PIPE_LAST_FEATURE	32
/* After a stop request, how long a stalled reader may keep us waiting. */
#define PIPE_STOP_WAIT_MS	3000


struct writer_evsel {
	u8 attr[WRITER_ATTR_SIZE];
	u64 *ids;
	u32 nr_ids;
};

struct writer_feat {
	void *payload;
	size_t len;
};

struct perf_writer {
	int fd;
	struct writer_evsel *evsels;
	int nr_evsels;
	u64 attrs_offset, data_offset;
	u64 data_disk;		/* data bytes on disk, all whole records */
	u8 *buf;
	size_t buf_len;
	u64 reserved_end;	/* file offset up to which space is allocated */
	size_t reserve;		/* kept free past the data for the features */
	bool no_fallocate;
	bool data_started;	/* past the stream's header records */
	bool pipe;		/* a stream: no seeks, features as records */
	bool own_fd;		/* not standard output */
	const volatile sig_atomic_t *stop;
	struct compressor *zc;		/* -z: records go out as COMPRESSED ones */
	struct buf zbuf;
	u8 feat_sent[HEADER_FEAT_BITS];	/* pipe: features already in the stream */
	int error;
	u64 file_size;
	struct writer_feat feats[HEADER_FEAT_BITS];
};

struct perf_writer *perf_writer__new(const char *path, struct err *e)
{
	struct perf_writer *w;
	struct stat st;
	bool pipe = false;
	int fd;

	if (!strcmp(path, "-")) {
		fd = STDOUT_FILENO;
		pipe = true;
	} else {
		/* A FIFO blocks here until its reader opens it (or a signal). */
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0) {
			err__set(e, -errno, "cannot create '%s': %s", path, strerror(errno));
			return NULL;
		}
		/* A FIFO, socket or device cannot seek: write a stream. */
		if (fstat(fd, &st) || !S_ISREG(st.st_mode))
			pipe = true;
	}
	w = xzalloc(sizeof(*w));
	w->fd = fd;
	w->own_fd = fd != STDOUT_FILENO;
	w->pipe = pipe;
	w->buf = xmalloc(WRITE_BUF_SIZE);
	return w;
}

int perf_writer__set_compression(struct perf_writer *w, int level)
{
	BUG_ON(w->data_started);
	w->zc = compressor__new(level);
	return w->zc ? 0 : -EINVAL;
}

bool perf_writer__compressed_totals(const struct perf_writer *w, u64 *in, u64 *out)
{
	if (!w->zc)
		return false;
	compressor__totals(w->zc, in, out);
	return true;
}

bool perf_writer__is_pipe(const struct perf_writer *w)
{
	return w->pipe;
}

void perf_writer__set_stop(struct perf_writer *w, const volatile sig_atomic_t *stop)
{
	w->stop = stop;
}

/*
 * write(2) of a whole buffer to a stream. A signal that asks us to stop
 * ends a blocked write; once stopped, the rest goes out only as the reader
 * takes it, in pieces that cannot block, and a reader that takes nothing
 * for PIPE_STOP_WAIT_MS ends the wait.
 */
static int stream_write(struct perf_writer *w, const void *buf, size_t len)
{
	size_t done = 0;
	int waited = 0;

	while (done < len) {
		size_t chunk = len - done;
		ssize_t n;

		if (w->stop && *w->stop) {
			struct pollfd p = { .fd = w->fd, .events = POLLOUT };
			int r = poll(&p, 1, 100);

			if (r < 0 && errno != EINTR)
				return -errno;
			if (r <= 0) {
				waited += 100;
				if (waited >= PIPE_STOP_WAIT_MS)
					return -EINTR;
				continue;
			}
			if (p.revents & (POLLERR | POLLHUP))
				return -EPIPE;
			if (chunk > PIPE_BUF)
				chunk = PIPE_BUF;
		}
		n = write(w->fd, (const char *)buf + done, chunk);
		if (n < 0) {
			if (errno == EINTR)
				continue;	/* the stop check above decides */
			return -errno;
		}
		if (n == 0)
			return -EIO;
		done += (size_t)n;
		w->file_size += (u64)n;
		waited = 0;
	}
	return 0;
}

/* Pipe mode: one HEADER_FEATURE record (BUILD_ID: its HEADER_BUILD_ID records). */
static int stream_feature(struct perf_writer *w, int feat, const void *payload, size_t len)
{
	struct feature_event fe = { .header = { .type = PERF_RECORD_HEADER_FEATURE } };
	static const u8 zeros[8];
	size_t pad = PERF_ALIGN(len, 8) - len;
	int err;

	if (feat == HEADER_BUILD_ID) {
		const u8 *p = payload, *end = p + len;

		while (p + sizeof(struct perf_event_header) <= end) {
			struct perf_event_header h;

			memcpy(&h, p, sizeof(h));
			if (h.size < sizeof(h) || h.size > (size_t)(end - p))
				return -EINVAL;
			h.type = PERF_RECORD_HEADER_BUILD_ID;
			err = perf_writer__write(w, &h, sizeof(h));
			if (!err)
				err = perf_writer__write(w, p + sizeof(h), h.size - sizeof(h));
			if (err)
				return err;
			p += h.size;
		}
		return 0;
	}
	if (sizeof(fe) + len + pad > 0xffff)
		return -E2BIG;
	fe.header.size = (u16)(sizeof(fe) + len + pad);
	fe.feat_id = (u64)feat;
	err = perf_writer__write(w, &fe, sizeof(fe));
	if (!err && len)
		err = perf_writer__write(w, payload, len);
	if (!err && pad)
		err = perf_writer__write(w, zeros, pad);
	return err;
}

/* Pipe mode: the features set and not yet sent, in id order. */
static int stream_features(struct perf_writer *w)
{
	int i, err;

	for (i = 1; i < PIPE_LAST_FEATURE; i++) {
		if (!w->feats[i].payload || w->feat_sent[i])
			continue;
		err = stream_feature(w, i, w->feats[i].payload, w->feats[i].len);
		if (err)
			return err;
		w->feat_sent[i] = 1;
	}
	return 0;
}

/*
 * Pipe mode start: the 16-byte header, one HEADER_ATTR record per event
 * (attr, then its ids), the features known so far and perf's end-of-
 * features marker.
 */
static int stream_start(struct perf_writer *w)
{
	u64 hdr[2] = { PERF_MAGIC2, 16 };
	int i, err;

	err = stream_write(w, hdr, sizeof(hdr));
	for (i = 0; !err && i < w->nr_evsels; i++) {
		struct perf_event_header h = { .type = PERF_RECORD_HEADER_ATTR };
		size_t ids = w->evsels[i].nr_ids * sizeof(u64);

		if (sizeof(h) + WRITER_ATTR_SIZE + ids > 0xffff) {
			err = -E2BIG;	/* more ids than one record holds */
			break;
		}
		h.size = (u16)(sizeof(h) + WRITER_ATTR_SIZE + ids);
		err = perf_writer__write(w, &h, sizeof(h));
		if (!err)
			err = perf_writer__write(w, w->evsels[i].attr, WRITER_ATTR_SIZE);
		if (!err && ids)
			err = perf_writer__write(w, w->evsels[i].ids, ids);
	}
	if (!err)
		err = stream_features(w);
	if (!err)
		err = stream_feature(w, PIPE_LAST_FEATURE, NULL, 0);
	if (!err)
		err = perf_writer__sync(w);
	w->data_started = true;
	if (err && !w->error)
		w->error = err;
	return err;
}

void perf_writer__add_evsel(struct perf_writer *w, const struct perf_event_attr *attr,
			    const char *name, const u64 *ids, u32 nr_ids)
{
	struct writer_evsel *e;
	size_t n = min_t(size_t, sizeof(*attr), WRITER_ATTR_SIZE);

	(void)name;	/* names travel in EVENT_DESC, which the caller builds */
	w->evsels = xrealloc(w->evsels, (w->nr_evsels + 1) * sizeof(*w->evsels));
	e = &w->evsels[w->nr_evsels++];
	memset(e->attr, 0, sizeof(e->attr));
	memcpy(e->attr, attr, n);
	((struct perf_event_attr *)e->attr)->size = WRITER_ATTR_SIZE;
	e->ids = xmalloc((nr_ids ? nr_ids : 1) * sizeof(u64));
	if (nr_ids)	/* ids may be NULL with none */
		memcpy(e->ids, ids, nr_ids * sizeof(u64));
	e->nr_ids = nr_ids;
}

static int pwrite_all(int fd, const void *buf, size_t len, u64 off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pwrite(fd, (const char *)buf + done, len - done,
				   (off_t)(off + done));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -ENOSPC;
		done += (size_t)n;
	}
	return 0;
}

/*
 * Makes sure [off, off + len + reserve) is allocated. -ENOSPC means the data
 * would not fit with room left for the features: stop before writing it.
 */
static int reserve_space(struct perf_writer *w, u64 off, size_t len)
{
	u64 need = off + len + w->reserve;
	int err;

	if (w->no_fallocate || need <= w->reserved_end)
		return 0;
	if (!fallocate(w->fd, FALLOC_FL_KEEP_SIZE, (off_t)off,
		       (off_t)(need - off + ALLOC_AHEAD))) {
		w->reserved_end = need + ALLOC_AHEAD;
		return 0;
	}
	err = -errno;
	if (err == -EOPNOTSUPP || err == -ENOSYS || err == -EINVAL) {
		w->no_fallocate = true;
		return 0;
	}
	if (err != -ENOSPC)
		return err;
	if (fallocate(w->fd, FALLOC_FL_KEEP_SIZE, (off_t)off, (off_t)(need - off)))
		return -errno;
	w->reserved_end = need;
	return 0;
}

int perf_writer__start(struct perf_writer *w, size_t reserve)
{
	struct file_section *secs;
	u64 off = sizeof(struct file_header);
	size_t attr_rec = WRITER_ATTR_SIZE + sizeof(struct file_section);
	int i, err;

	if (w->pipe)
		return stream_start(w);
	w->reserve = FEAT_RESERVE + reserve;
	secs = xcalloc(w->nr_evsels ? w->nr_evsels : 1, sizeof(*secs));
	/* perf 6.1: every event's ids right after the header, then the attrs. */
	for (i = 0; i < w->nr_evsels; i++) {
		size_t len = w->evsels[i].nr_ids * sizeof(u64);

		secs[i].offset = off;
		secs[i].size = len;
		err = pwrite_all(w->fd, w->evsels[i].ids, len, off);
		if (err)
			goto out;
		off += len;
	}
	w->attrs_offset = off;
	for (i = 0; i < w->nr_evsels; i++) {
		err = pwrite_all(w->fd, w->evsels[i].attr, WRITER_ATTR_SIZE, off);
		if (!err)
			err = pwrite_all(w->fd, &secs[i], sizeof(secs[i]),
					 off + WRITER_ATTR_SIZE);
		if (err)
			goto out;
		off += attr_rec;
	}
	w->data_offset = off;
	w->data_started = true;
	err = reserve_space(w, off, 0);
	if (!err)
		err = perf_writer__sync(w);
out:
	free(secs);
	if (err && !w->error)
		w->error = err;
	return err;
}

/* The header, with @nfeat_bits features and data of w->data_disk bytes. */
static int write_header(struct perf_writer *w, const u64 *features)
{
	struct file_header h = {
		.magic = PERF_MAGIC2,
		.size = sizeof(h),
		.attr_size = WRITER_ATTR_SIZE + sizeof(struct file_section),
		.attrs = { w->attrs_offset, w->data_offset - w->attrs_offset },
		.data = { w->data_offset, w->data_disk },
	};

	memcpy(h.features, features, sizeof(h.features));
	return pwrite_all(w->fd, &h, sizeof(h), 0);
}

/* Bytes of @buf (records of @len bytes) that make up whole records within @n. */
static size_t whole_records(const u8 *buf, size_t len, size_t n)
{
	size_t pos = 0;

	while (pos + sizeof(struct perf_event_header) <= len) {
		const struct perf_event_header *h = (const void *)(buf + pos);

		if (!h->size || pos + h->size > n)
			break;
		pos += h->size;
	}
	return pos;
}

/* pwrite of buf[0..len) at @off; *done says how much went out. */
static int write_out(struct perf_writer *w, const u8 *buf, u64 off, size_t len, size_t *done)
{
	*done = 0;
	while (*done < len) {
		ssize_t n = pwrite(w->fd, buf + *done, len - *done, (off_t)(off + *done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -ENOSPC;
		*done += (size_t)n;
	}
	return 0;
}

/*
 * The disk cannot take the whole buffer: write the whole records that fit
 * while the feature reserve stays free, so the file ends as late as it can.
 */
static void write_what_fits(struct perf_writer *w, const u8 *buf, size_t len, u64 off)
{
	u64 page = (u64)sysconf(_SC_PAGESIZE), avail, fit;
	struct statvfs sv;
	size_t n, done;

	if (fstatvfs(w->fd, &sv))
		return;
	avail = (u64)sv.f_bavail * sv.f_frsize;
	if (w->reserved_end > off)
		avail += w->reserved_end - off;
	if (avail <= w->reserve + 2 * page)
		return;
	fit = avail - w->reserve - 2 * page;
	n = whole_records(buf, len, (size_t)min_t(u64, fit, len));
	if (!n || reserve_space(w, off, n))
		return;
	write_out(w, buf, off, n, &done);
	w->data_disk += whole_records(buf, len, done);
}

static int flush(struct perf_writer *w)
{
	u64 off = w->data_offset + w->data_disk;
	const u8 *buf = w->buf;
	size_t done = 0, len = w->buf_len;
	int err;

	if (w->error)
		return w->error;
	if (!w->buf_len)
		return 0;
	if (w->zc && w->data_started) {
		buf__reset(&w->zbuf);
		err = compressor__records(w->zc, w->buf, w->buf_len, &w->zbuf);
		if (err) {
			w->error = err;
			w->buf_len = 0;
			return err;
		}
		buf = w->zbuf.data;
		len = w->zbuf.len;
	}
	if (w->pipe) {
		err = stream_write(w, buf, len);
		if (err)
			w->error = err;
		else
			w->data_disk += len;
		w->buf_len = 0;
		return err;
	}
	err = reserve_space(w, off, len);
	if (err == -ENOSPC) {
		write_what_fits(w, buf, len, off);
	} else if (!err) {
		err = write_out(w, buf, off, len, &done);
		/* Keep what is on disk up to the last whole record. */
		w->data_disk += err ? whole_records(buf, len, done) : len;
	}
	if (err)
		w->error = err;
	w->buf_len = 0;
	return err;
}

int perf_writer__write(struct perf_writer *w, const void *buf, size_t len)
{
	if (w->error)
		return w->error;
	if (w->buf_len + len > WRITE_BUF_SIZE) {
		int err = flush(w);

		if (err)
			return err;
	}
	if (len > WRITE_BUF_SIZE)
		return -EINVAL;
	memcpy(w->buf + w->buf_len, buf, len);
	w->buf_len += len;
	return 0;
}

int perf_writer__sync(struct perf_writer *w)
{
	/*
	 * No features are announced until finish writes them: a file left
	 * without finish (killed) is header, attrs and the data so far. The
	 * magic alone gives the byte order of a native file.
	 */
	u64 features[4] = { 0 };
	int err = flush(w);

	if (err || w->pipe)
		return err;
	return write_header(w, features);
}

void perf_writer__set_feature(struct perf_writer *w, int feat, const void *payload,
			      size_t len)
{
	BUG_ON(feat <= 0 || feat >= HEADER_FEAT_BITS);
	free(w->feats[feat].payload);
	w->feats[feat].payload = xmalloc(len);
	memcpy(w->feats[feat].payload, payload, len);
	w->feats[feat].len = len;
}

static int write_features(struct perf_writer *w, u64 *features)
{
	u64 off = w->data_offset + w->data_disk;
	struct file_section secs[HEADER_FEAT_BITS];
	u64 pos;
	int i, n = 0, err;

	memset(features, 0, 4 * sizeof(u64));
	for (i = 0; i < HEADER_FEAT_BITS; i++)
		if (w->feats[i].payload)
			n++;
	pos = off + n * sizeof(struct file_section);
	n = 0;
	for (i = 0; i < HEADER_FEAT_BITS; i++) {
		if (!w->feats[i].payload)
			continue;
		secs[n].offset = pos;
		secs[n].size = w->feats[i].len;
		err = pwrite_all(w->fd, w->feats[i].payload, w->feats[i].len, pos);
		if (err)
			return err;
		pos += w->feats[i].len;
		features[i / 64] |= 1ull << (i % 64);
		n++;
	}
	err = pwrite_all(w->fd, secs, n * sizeof(secs[0]), off);
	if (err)
		return err;
	w->file_size = pos;
	return 0;
}

int perf_writer__finish(struct perf_writer *w)
{
	u64 features[4] = { 0 };
	int err, ferr;

	if (w->pipe) {
		/*
		 * What came after the start (SAMPLE_TIME, BUILD_ID) follows the
		 * data, as records of their own: never compressed.
		 */
		err = flush(w);
		w->data_started = false;
		if (!err)
			err = stream_features(w);
		if (!err)
			err = flush(w);
		if (!w->error)
			w->error = err;
		return w->error;
	}
	err = flush(w);

	/*
	 * Features first, over any partly written record: truncating first
	 * would give back the space reserved for them. Then cut what is left
	 * of the reservation past their end.
	 */
	ferr = write_features(w, features);
	if (!ferr && ftruncate(w->fd, (off_t)w->file_size) && !err)
		err = -errno;
	if (ferr) {
		/* No room even for the features: keep the data readable. */
		if (ftruncate(w->fd, (off_t)(w->data_offset + w->data_disk)) < 0)
			ferr = -errno;
		w->file_size = w->data_offset + w->data_disk;
		memset(features, 0, sizeof(features));
		features[0] = 1ull << HEADER_HOSTNAME;
		if (!err)
			err = ferr;
	}
	ferr = write_header(w, features);
	if (!err)
		err = ferr;
	if (fsync(w->fd) && !err && errno != EINVAL)
		err = -errno;
	if (!w->error)
		w->error = err;
	return w->error;
}

void perf_writer__delete(struct perf_writer *w)
{
	int i;

	if (!w)
		return;
	if (w->own_fd)
		close(w->fd);
	for (i = 0; i < w->nr_evsels; i++)
		free(w->evsels[i].ids);
	for (i = 0; i < HEADER_FEAT_BITS; i++)
		free(w->feats[i].payload);
	free(w->evsels);
	free(w->buf);
	compressor__delete(w->zc);
	buf__free(&w->zbuf);
	free(w);
}

u64 perf_writer__data_size(const struct perf_writer *w)
{
	return w->data_disk + w->buf_len;
}

u64 perf_writer__file_size(const struct perf_writer *w)
{
	return w->file_size;
}

int perf_writer__error(const struct perf_writer *w)
{
	return w->error;
}
