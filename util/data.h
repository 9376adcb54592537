/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_DATA_H
#define PMUKVM_DATA_H

#include <stdio.h>

#include "util/err.h"
#include "util/event.h"
#include "util/evsel.h"
#include "util/header.h"
#include "util/util.h"

struct decomp;

/*
 * Chunks: the data section read in pieces, each kept while records in it
 * wait to be delivered. A record that does not fit in what is left of a
 * chunk starts the next one (its first bytes copied there), so a chunk's
 * records all lie before the next chunk's file offset. 64 KiB: a record's
 * place in its chunk takes 16 bits (perf_data__where).
 */
#define CHUNK_SIZE	(64u << 10)

struct data_chunk {
	struct data_chunk *next;	/* on the spare list */
	u64 file_off;			/* of mem[0] */
	u64 held;			/* records in it that a caller holds */
	u8 mem[] __attribute__((aligned(8)));
};

#define PERF_MAGIC2	0x32454c4946524550ULL	/* "PERFILE2" */
#define PERF_MAGIC1	0x454c494646524550ULL	/* "PERFFILE" */

/** struct file_section - {offset, size} of a part of a data file. */
struct file_section {
	u64 offset, size;
};

/** struct file_header - the 104-byte header of a file-mode data file. */
struct file_header {
	u64 magic, size, attr_size;
	struct file_section attrs, data, event_types;
	u64 features[4];
};

/* Upper bounds on input-sized things, so that no field can make us allocate. */
#define MAX_EVSELS		4096
#define MAX_IDS_PER_EVSEL	(1u << 20)
#define MAX_IDS_TOTAL		(1u << 21)	/* all events together: 16 MB */

/**
 * struct perf_data - an open data file (file or pipe mode).
 * @err: the last error, with file name and offset; readers print it.
 */
struct perf_data {
	char *path;
	int fd;
	bool is_pipe;
	u64 file_size;
	u64 data_offset, data_size;	/* file mode */
	u64 feat_bitmap[4];
	struct evsel **evsels;
	int nr_evsels;
	int nr_evsels_shared;		/* the first ones are a live source's, not owned */
	bool sample_id_all;
	u64 sample_type;		/* of the first event: all share the id position */
	int id_pos_sample;		/* u64 index of the id in a sample, -1 none */
	int id_pos_trailer;		/* u64 index from the end of a trailer, -1 none */
	struct evsel_id_hash id_hash;	/* id -> evsel */
	u64 nr_ids_total;		/* over all events, bounded by MAX_IDS_TOTAL */
	struct header_info info;
	/* Reading. */
	u8 *buf;
	size_t buf_size, buf_len, buf_pos;
	u64 buf_file_off;		/* file offset of buf[0] */
	bool eof;
	/*
	 * File mode: the data section is mapped (buf points into it), so
	 * records stay valid until perf_data__delete.
	 */
	bool mapped;
	void *map;
	size_t map_len, map_released;	/* bytes from map given back */
	/*
	 * Or read in chunks (perf_data__read_chunks): buf is the newest
	 * chunk, and each chunk stays until perf_data__release_before lets
	 * it go. The live chunks are chunkv[chunk_first..nr_chunkv), in file
	 * order; chunkv[i] is the (chunkv_seq + i)th chunk read. A chunk
	 * goes when reading has left it and no record in it is held
	 * (perf_data__hold, perf_data__drop): NULL in chunkv then.
	 */
	bool chunked;
	struct data_chunk **chunkv, *chunks_spare;
	size_t chunk_first, nr_chunkv, alloc_chunkv;
	u64 chunkv_seq;
	struct data_chunk *chunk_cur;	/* the last, being read */
	u64 chunk_cur_where;		/* its sequence number times CHUNK_SIZE */
	u32 nr_spare;
	/* Mapped or chunked: records stay where they are until released. */
	bool in_place;
	/* Records from COMPRESSED records, and the offset of the last of those. */
	struct decomp *decomp;
	u64 decomp_off, nr_compressed;
	struct err err;
};

/**
 * perf_data__open - open and check a data file's header.
 * @path: a file, or "-" for a pipe-mode stream on stdin.
 * Returns a new perf_data (free with perf_data__delete), or NULL with
 * @e (may be NULL) holding the negative errno and the message.
 * Pipe mode reads the attrs and features as the stream goes, so evsels
 * may grow while records are read.
 */
struct perf_data *perf_data__open(const char *path, struct err *e);
void perf_data__delete(struct perf_data *data);

/**
 * perf_data__new_live - a perf_data with no file behind it, for records
 * that come from ring buffers (top): add the events with
 * perf_data__add_evsel, then hand it to session__new. @name is copied
 * into data->path for messages. Free with perf_data__delete.
 */
struct perf_data *perf_data__new_live(const char *name);

/**
 * perf_data__next - the next record of the data section.
 * Returns 1 with *event pointing into an internal buffer valid until the
 * next call (until perf_data__delete when data->mapped, until released
 * when data->chunked), and *offset its file offset; 0 at the end; a
 * negative errno on a corrupt or unreadable file (message in data->err).
 * Header records of pipe mode (attrs, features) are consumed here, and
 * returned too.
 */
int perf_data__next_record(struct perf_data *data, union perf_event **event, u64 *offset);

static inline int perf_data__next(struct perf_data *d, union perf_event **event, u64 *offset)
{
	/*
	 * A kernel record that lies whole in the map or chunk is taken in
	 * place: what perf_data__next_record would find, checked as it would.
	 */
	if (d->in_place && !d->eof && d->buf_len - d->buf_pos >= sizeof(struct perf_event_header)) {
		union perf_event *ev = (union perf_event *)(d->buf + d->buf_pos);
		u16 size = ev->header.size;

		if (ev->header.type < PERF_RECORD_HEADER_ATTR && size >= sizeof(ev->header) &&
		    !(size % 8) && size <= d->buf_len - d->buf_pos) {
			*event = ev;
			*offset = d->buf_file_off + d->buf_pos;
			d->buf_pos += size;
			return 1;
		}
	}
	return perf_data__next_record(d, event, offset);
}

/**
 * perf_data__read_chunks - reads a mapped data section instead in chunks
 * of 64 KiB (pread into buffers that are reused), so that what is
 * resident is what is still to be delivered, not the map's pages around
 * it. Records stay valid until perf_data__release_before passes them.
 * Only before the first record is read; does nothing for files that are
 * not mapped (pipe mode, compressed: those are read through one buffer).
 */
void perf_data__read_chunks(struct perf_data *data);

/**
 * struct data_scan - a walk over a file's data section apart from the
 * reading (perf_data__scan_next), through a buffer of its own: a look
 * ahead at the records that perf_data__next will return.
 */
struct data_scan {
	u8 *buf;
	size_t len, pos;
	u64 buf_off;			/* file offset of buf[0] */
};

/**
 * perf_data__scan_next - the next record of @sc's walk over the data
 * section of @d, a file read in place (d->in_place): the records
 * perf_data__next returns, at the same offsets, in the same order. @sc
 * starts zeroed; perf_data__scan_end frees its buffer. Returns 1 with
 * *event valid until the next call, 0 at the end, a negative errno where
 * the reader would stop on a bad record or a read error (no message:
 * perf_data__next gives it when it gets there).
 */
int perf_data__scan_next(const struct perf_data *d, struct data_scan *sc,
			 const union perf_event **event, u64 *offset);

/** perf_data__scan_end - frees what @sc holds. */
void perf_data__scan_end(struct data_scan *sc);

/**
 * perf_data__where - where the record @ev that perf_data__next just
 * returned (at file offset @off) lies, when mapped or chunked: a number
 * that is a multiple of 8 and orders records as their offsets do, for
 * perf_data__event_at and perf_data__where_offset while the record is not
 * released (session.c's queue keeps it, 8 bytes, instead of a pointer and
 * an offset). Mapped: the offset. Chunked: the chunk's sequence number
 * times 64 Ki, plus the record's place in the chunk.
 */
static inline u64 perf_data__where(const struct perf_data *d, const union perf_event *ev, u64 off)
{
	if (!d->chunked)
		return off;
	return d->chunk_cur_where + (u64)((const u8 *)ev - d->buf);
}

/**
 * perf_data__chunk_at - when chunked, the chunk that holds the record at
 * @where (perf_data__where's answer): for perf_data__chunk_event,
 * perf_data__chunk_offset and perf_data__chunk_put, one look-up for all three.
 */
static inline struct data_chunk *perf_data__chunk_at(const struct perf_data *d, u64 where)
{
	return d->chunkv[where / CHUNK_SIZE - d->chunkv_seq];
}

/** perf_data__chunk_event - the record at @where, in its chunk @c. */
static inline union perf_event *perf_data__chunk_event(const struct data_chunk *c, u64 where)
{
	return (union perf_event *)(c->mem + where % CHUNK_SIZE);
}

/** perf_data__chunk_offset - the file offset of the record at @where, in its chunk @c. */
static inline u64 perf_data__chunk_offset(const struct data_chunk *c, u64 where)
{
	return c->file_off + where % CHUNK_SIZE;
}

/** perf_data__event_at - the record at @where (perf_data__where's answer). */
static inline union perf_event *perf_data__event_at(const struct perf_data *d, u64 where)
{
	if (!d->chunked)
		return (union perf_event *)(d->buf + (where - d->buf_file_off));
	return perf_data__chunk_event(perf_data__chunk_at(d, where), where);
}

/** perf_data__where_offset - the file offset of the record at @where. */
static inline u64 perf_data__where_offset(const struct perf_data *d, u64 where)
{
	if (!d->chunked)
		return where;
	return perf_data__chunk_offset(perf_data__chunk_at(d, where), where);
}

/**
 * perf_data__hold - when chunked, keeps the chunk of the record that
 * perf_data__next just returned until perf_data__drop lets go of that
 * record (a chunk that reading has left goes as soon as none of its
 * records is held: one record that waits long keeps only its own chunk).
 * When mapped, records stay until perf_data__release_before.
 */
static inline void perf_data__hold(struct perf_data *d)
{
	if (d->chunked)
		d->chunk_cur->held++;
}

void perf_data__chunk_gone(struct perf_data *data, size_t i);

/**
 * perf_data__chunk_put - the record at @where, in its chunk @c
 * (perf_data__chunk_at), is not held any more.
 */
static inline void perf_data__chunk_put(struct perf_data *d, struct data_chunk *c, u64 where)
{
	/* The one being read stays (reading lets it go when it leaves it). */
	if (--c->held == 0 && c != d->chunk_cur)
		perf_data__chunk_gone(d, (size_t)(where / CHUNK_SIZE - d->chunkv_seq));
}

/** perf_data__drop - the record at @where (perf_data__where) is not held any more. */
static inline void perf_data__drop(struct perf_data *d, u64 where)
{
	if (d->chunked)
		perf_data__chunk_put(d, perf_data__chunk_at(d, where), where);
}

/**
 * perf_data__release_before - when mapped, gives back what
 * lies before file offset @off (a record's offset from perf_data__next,
 * or the read position): records there must not be used again.
 */
void perf_data__release_before(struct perf_data *data, u64 off);

/**
 * perf_data__release_before_due - whether perf_data__release_before(@off)
 * would give anything back.
 */
bool perf_data__release_before_due(const struct perf_data *data, u64 off);

/**
 * perf_data__release - when mapped, gives back the pages of the data
 * section before @upto (a record pointer from perf_data__next): records
 * there must not be used again. Keeps a mapped read's memory to what is
 * still queued. Does nothing otherwise.
 */
void perf_data__release(struct perf_data *data, const void *upto);

/**
 * perf_data__release_due - whether perf_data__release(@upto) would give
 * anything back: a caller about to work out @upto (no later than this
 * one) can skip that while it would not.
 */
bool perf_data__release_due(const struct perf_data *data, const void *upto);

/**
 * perf_data__set_err - puts "PATH: " and the message in @d->err, for
 * the reader and its modules (util/header.c). Returns @err.
 */
int perf_data__set_err(struct perf_data *d, int err, const char *fmt, ...) __printf(3, 4);

/** perf_data__has_feat - whether feature bit @feat is set. */
bool perf_data__has_feat(const struct perf_data *data, int feat);

#endif
