// SPDX-License-Identifier: GPL-2.0
/* The ring-buffer reader thread: ring buffers into a bounded byte queue. */
#include "util/rbreader.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/evlist.h"
#include "util/buf.h"

#define POLL_MS	100

struct rbreader {
	pthread_t thread;
	pthread_mutex_t lock;
	struct evlist *evlist;
	size_t max;
	struct buf queue;		/* under lock */
	bool stop;			/* under lock */
	bool joined;
	long err;			/* under lock: evlist__read's error */
};

static int rbreader__cb(void *ctx, union perf_event *ev, int mmap_idx)
{
	struct rbreader *r = ctx;

	(void)mmap_idx;
	buf__append(&r->queue, ev, ev->header.size);
	return 0;
}

static void *rbreader__main(void *arg)
{
	struct rbreader *r = arg;
	const struct perf_event_header round = { .type = PERF_RECORD_FINISHED_ROUND,
						 .size = sizeof(round) };
	bool stop = false, full = false;

	while (!stop) {
		long n;

		if (full)
			usleep(POLL_MS * 1000 / 10);
		else
			evlist__poll(r->evlist, POLL_MS);
		/*
		 * A pass copies at most the buffers' size: the lock is held
		 * for that. After stop, one last pass: what is there now.
		 */
		pthread_mutex_lock(&r->lock);
		stop = r->stop;
		if (stop || r->queue.len < r->max) {
			n = evlist__read(r->evlist, rbreader__cb, r);
			if (n > 0)
				buf__append(&r->queue, &round, sizeof(round));
			if (n < 0) {
				r->err = n;
				stop = true;
			}
		}
		full = r->queue.len >= r->max;
		pthread_mutex_unlock(&r->lock);
	}
	return NULL;
}

struct rbreader *rbreader__start(struct evlist *evlist, size_t max, int *err)
{
	struct rbreader *r = xcalloc(1, sizeof(*r));
	int e;

	r->evlist = evlist;
	r->max = max;
	pthread_mutex_init(&r->lock, NULL);
	e = thread_start(&r->thread, rbreader__main, r);
	if (e) {
		pthread_mutex_destroy(&r->lock);
		free(r);
		*err = -e;
		return NULL;
	}
	return r;
}

void rbreader__stop(struct rbreader *r)
{
	if (!r || r->joined)
		return;
	pthread_mutex_lock(&r->lock);
	r->stop = true;
	pthread_mutex_unlock(&r->lock);
	pthread_join(r->thread, NULL);
	r->joined = true;
}

void rbreader__delete(struct rbreader *r)
{
	if (!r)
		return;
	rbreader__stop(r);
	pthread_mutex_destroy(&r->lock);
	buf__free(&r->queue);
	free(r);
}

long rbreader__take(struct rbreader *r, u8 **buf, size_t *len)
{
	long err;

	pthread_mutex_lock(&r->lock);
	*buf = buf__detach(&r->queue, len);
	err = r->err;
	pthread_mutex_unlock(&r->lock);
	return err;
}

int rbreader__process(struct rbreader *r, rbreader_cb cb, void *ctx, struct err *e)
{
	u8 *buf;
	size_t len, off;
	long err = rbreader__take(r, &buf, &len);
	int ret = 0;

	for (off = 0; off < len && !ret;) {
		union perf_event *ev = (union perf_event *)(buf + off);

		ret = cb(ctx, ev, e);
		off += ev->header.size;
	}
	free(buf);
	if (ret)
		return ret < 0 ? ret : -EINVAL;
	if (err)
		return err__set(e, (int)err, "cannot read the ring buffers: %s",
				strerror((int)-err));
	return 0;
}
