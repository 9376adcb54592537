/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_RBREADER_H
#define PMUKVM_RBREADER_H

/*
 * A thread that empties an evlist's ring buffers into memory as soon as
 * they fill, so that a slow step of the thread that processes them (a
 * large symbol table loading, a popup waiting for a key) does not make
 * the kernel drop samples. What it reads goes to a byte queue, each pass
 * over all buffers followed by a FINISHED_ROUND. Above a bound it stops
 * reading and the kernel counts what it then drops in LOST records:
 * memory stays bounded.
 */
#include <stddef.h>

#include "util/err.h"
#include "util/util.h"

union perf_event;
struct evlist;
struct rbreader;

/** RBREADER_MAX - live top's bound: records read and not yet taken. */
#define RBREADER_MAX	(64u << 20)

/**
 * rbreader__start - starts the thread on @evlist (enabled by the caller),
 * queueing at most about @max bytes. The thread owns the ring buffers
 * until rbreader__stop; signals stay with the other threads. Returns the
 * reader, or NULL with *@err the negative errno.
 */
struct rbreader *rbreader__start(struct evlist *evlist, size_t max, int *err);

/** rbreader__stop - one last pass (what is there now), then joins. Idempotent. */
void rbreader__stop(struct rbreader *r);

/** rbreader__delete - stops the thread and frees what is queued; NULL is fine. */
void rbreader__delete(struct rbreader *r);

/**
 * rbreader__take - hands over what was queued: whole records, *@buf
 * malloc'ed (the caller frees it; NULL when *@len is 0). A fresh queue
 * takes its place, so the thread never waits on processing. Returns 0, or
 * the negative errno with which reading stopped (a corrupt ring buffer);
 * the records before it are handed over still.
 */
long rbreader__take(struct rbreader *r, u8 **buf, size_t *len);

/**
 * rbreader_cb - gets one record taken from the queue (valid during the
 * call). Returns 0, or a negative errno with @e filled where it has more
 * to say: that stops rbreader__process.
 */
typedef int (*rbreader_cb)(void *ctx, union perf_event *ev, struct err *e);

/**
 * rbreader__process - takes what was queued (rbreader__take) and hands
 * each record to @cb, in the order read. Returns 0; @cb's negative errno
 * (the records after that one are dropped); or the errno with which the
 * thread stopped reading, @e saying so, after the records before it went
 * to @cb.
 */
int rbreader__process(struct rbreader *r, rbreader_cb cb, void *ctx, struct err *e);

#endif
