/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_EVLIST_H
#define PMUKVM_EVLIST_H

/*
 * A list of events opened with perf_event_open on a set of CPUs and/or
 * threads, with their ring buffers. Used by record (writes what it reads
 * to a file) and meant for a live top (hands what it reads to a session).
 *
 * Layout: every event is opened on every (cpu, thread) pair of the target.
 * There is one ring buffer per CPU when CPUs are given, else one per
 * thread; all other fds of that CPU (or thread) redirect into it with
 * PERF_EVENT_IOC_SET_OUTPUT, so records of all events of one buffer come
 * out in time order.
 */
#include <linux/perf_event.h>
#include <sys/types.h>

#include "util/event.h"
#include "util/evsel.h"
#include "util/util.h"

struct evlist_mmap;

/**
 * struct evlist - events, target and buffers.
 * @cpus: CPU numbers; {-1} for "any CPU" (per-thread targets).
 * @threads: thread ids; {-1} for "all threads" (system-wide).
 * @fds: [evsel][cpu][thread], -1 when not open.
 * @id_hash: sample id -> evsel, the ids of the last evlist__open that worked.
 */
struct evlist {
	struct evsel *evsels;
	int nr_evsels;
	int *cpus, nr_cpus;
	pid_t *threads;
	int nr_threads;
	int *fds;
	struct evsel_id_hash id_hash;
	struct evlist_mmap *mmaps;
	int nr_mmaps;
	struct pollfd *pollfds;
	int nr_hup;		/* buffers whose fd reported POLLHUP */
	size_t mmap_len;	/* data pages, without the control page */
	u8 *copybuf;		/* a wrapped record, copied out contiguously */
	/* After a failed evlist__open: which event and on what. */
	int err_evsel, err_cpu;
	pid_t err_thread;
	/*
	 * Event groups (-e '{a,b}'): each event's leader, itself where
	 * alone; NULL without groups. A group's events follow its leader.
	 */
	int *leader;
};

/** evlist__new - an empty list; free with evlist__delete. */
struct evlist *evlist__new(void);
void evlist__delete(struct evlist *evlist);

/**
 * evlist__add - appends an event. @attr is copied; attr.size is set here.
 * @name is copied. Returns the new event's index.
 */
int evlist__add(struct evlist *evlist, const struct perf_event_attr *attr,
		const char *name);

/**
 * evlist__set_cpus - parses a CPU list like "0-3,7"; NULL means every
 * online CPU. Returns 0 or -EINVAL (bad list), -ERANGE (CPU not online).
 */
int evlist__set_cpus(struct evlist *evlist, const char *list);

/** evlist__set_any_cpu - per-thread mode: cpu -1 for every fd. */
void evlist__set_any_cpu(struct evlist *evlist);

/**
 * evlist__set_threads - the threads to follow: @tid alone when @all_threads
 * is false, else every thread of process @tid (from /proc/<tid>/task);
 * @tid -1 means every thread system-wide. Returns 0 or -ESRCH.
 */
int evlist__set_threads(struct evlist *evlist, pid_t tid, bool all_threads);

/**
 * evlist__set_thread_list - as evlist__set_threads for each of @tids (a
 * thread twice is followed once). Returns 0, or -ESRCH with *@bad the id
 * that does not exist.
 */
int evlist__set_thread_list(struct evlist *evlist, const pid_t *tids, int nr,
			    bool all_threads, pid_t *bad);

/**
 * evlist__open - opens every event on every (cpu, thread) and reads the
 * ids. Returns 0, or the negative errno of the first failure with
 * err_evsel/err_cpu/err_thread set; nothing stays open then. A thread that
 * went away meanwhile (-ESRCH) is skipped.
 */
int evlist__open(struct evlist *evlist);

/** evlist__close - closes every fd and unmaps the buffers. */
void evlist__close(struct evlist *evlist);

/**
 * evlist__mmap - maps one ring buffer of @pages data pages (a power of
 * two) per CPU or thread and redirects the other fds into it.
 * Returns 0 or a negative errno (-EPERM: over perf_event_mlock_kb).
 */
int evlist__mmap(struct evlist *evlist, unsigned int pages);

/** evlist__enable / evlist__disable - PERF_EVENT_IOC_ENABLE/DISABLE on all. */
int evlist__enable(struct evlist *evlist);
int evlist__disable(struct evlist *evlist);

/**
 * evlist__poll - waits up to @timeout_ms for data. Returns the number of
 * buffers ready, 0 on timeout, -EINTR on a signal. POLLHUP buffers (their
 * thread exited) are counted in nr_hup and not polled again.
 */
int evlist__poll(struct evlist *evlist, int timeout_ms);

/** evlist__all_hup - true when every buffer's task has exited. */
bool evlist__all_hup(const struct evlist *evlist);

/**
 * evlist_read_cb - gets one record. @event is valid only during the call
 * (it points into the ring buffer, or into a copy when it wrapped).
 * A non-zero return stops evlist__read and is passed up.
 */
typedef int (*evlist_read_cb)(void *ctx, union perf_event *event, int mmap_idx);

/**
 * evlist__read - one pass over all buffers: hands each available record to
 * @cb in buffer order and frees the space after each buffer. Returns the
 * number of records read, or @cb's non-zero value (negative preferred),
 * or -EINVAL on a corrupt buffer.
 */
long evlist__read(struct evlist *evlist, evlist_read_cb cb, void *ctx);

/**
 * evlist__find_evsel - the event with sample id @id (one of its fds'), or
 * NULL: an id no fd of the last open had, or nothing open yet.
 */
struct evsel *evlist__find_evsel(struct evlist *evlist, u64 id);

/**
 * evlist__probe - whether @attr opens on this thread (and is closed again),
 * permissions aside: where the paranoid level refuses, it asks again for
 * user space only. Returns 0 or the negative errno of the open.
 */
int evlist__probe(const struct perf_event_attr *attr);

#endif
