/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_WRITER_H
#define PMUKVM_WRITER_H

/*
 * perf.data writer, file mode, laid out as perf 6.1 does: header, ids,
 * attrs, data, feature sections. Records go through a large buffer.
 *
 * Crash safety: the header on disk always describes a readable file. It is
 * rewritten (with the data size so far) by perf_writer__sync, and space is
 * reserved ahead with fallocate where the file system allows, so that a
 * full disk is seen before a record is cut and the features still fit.
 * On a write error the file is truncated to its last complete record.
 */
#include <linux/perf_event.h>
#include <signal.h>
#include <stdbool.h>

#include "util/util.h"

struct err;
struct perf_writer;

/** Size of the attrs written: PERF_ATTR_SIZE_VER7, what perf 6.1 writes. */
#define WRITER_ATTR_SIZE 128

/**
 * perf_writer__new - creates @path (mode 0600, truncated). Returns a writer
 * or NULL with @e (may be NULL) holding the negative errno and "cannot
 * create 'PATH': reason". "-" is standard output; it, and a
 * path that is no regular file (a FIFO, a socket, a device), get pipe mode
 * as perf record -o - writes it: a 16-byte header, HEADER_ATTR and
 * HEADER_FEATURE records, the records, and at the end the features set
 * since the start (BUILD_ID as HEADER_BUILD_ID records). Features past
 * perf's last (pmukvm's 200) are left out of a stream: perf refuses them.
 */
struct perf_writer *perf_writer__new(const char *path, struct err *e);

/**
 * perf_writer__set_compression - before perf_writer__start: the records of
 * the data section go out zstd-compressed at @level as perf record -z
 * writes them (util/compress.h); the caller sets HEADER_COMPRESSED. The
 * stream's header records and the features are never compressed. Returns
 * 0 or -EINVAL (zstd refused the level).
 */
int perf_writer__set_compression(struct perf_writer *w, int level);

/** perf_writer__compressed_totals - bytes in and out; false when not compressing. */
bool perf_writer__compressed_totals(const struct perf_writer *w, u64 *in, u64 *out);

/** perf_writer__is_pipe - whether the output is a stream (pipe mode). */
bool perf_writer__is_pipe(const struct perf_writer *w);

/**
 * perf_writer__set_stop - in pipe mode, a write blocked on a reader that
 * does not read ends (-EINTR) once *@stop is set by a signal handler.
 */
void perf_writer__set_stop(struct perf_writer *w, const volatile sig_atomic_t *stop);

/**
 * perf_writer__add_evsel - one event and its sample ids, before
 * perf_writer__start. @attr, @name and @ids are copied.
 */
void perf_writer__add_evsel(struct perf_writer *w, const struct perf_event_attr *attr,
			    const char *name, const u64 *ids, u32 nr_ids);

/**
 * perf_writer__start - writes ids and attrs; the data section starts after.
 * @reserve: bytes to keep reserved for the features (beyond a default).
 */
int perf_writer__start(struct perf_writer *w, size_t reserve);

/**
 * perf_writer__write - appends whole records (@len bytes, at record
 * boundaries) to the data section. Returns 0 or a negative errno; after an
 * error every later call returns it again (see perf_writer__error).
 */
int perf_writer__write(struct perf_writer *w, const void *buf, size_t len);

/** perf_writer__sync - flushes and rewrites the header with the data so far. */
int perf_writer__sync(struct perf_writer *w);

/**
 * perf_writer__set_feature - the payload of feature @feat (copied);
 * written by perf_writer__finish. Setting one twice replaces it.
 */
void perf_writer__set_feature(struct perf_writer *w, int feat, const void *payload,
			      size_t len);

/**
 * perf_writer__finish - flushes, writes the features and the final header.
 * After a write error, cuts the file to the last complete record first.
 * Returns 0 or the first error seen (negative errno).
 */
int perf_writer__finish(struct perf_writer *w);

/** perf_writer__delete - closes and frees (does not finish). */
void perf_writer__delete(struct perf_writer *w);

/** perf_writer__data_size - bytes of records accepted so far. */
u64 perf_writer__data_size(const struct perf_writer *w);

/** perf_writer__file_size - bytes of the file after finish. */
u64 perf_writer__file_size(const struct perf_writer *w);

/** perf_writer__error - the first write error, 0 if none. */
int perf_writer__error(const struct perf_writer *w);

#endif
