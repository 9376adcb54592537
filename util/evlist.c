// SPDX-License-Identifier: GPL-2.0
/*
 * Opening events and reading their ring buffers. See util/evlist.h for the
 * layout of fds and buffers.
 */
#include "util/evlist.h"
#include "util/tracing-data.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_CPUS 4096

/** struct evlist_mmap - one ring buffer; @base is the control page. */
struct evlist_mmap {
	void *base;
	int fd;			/* the fd that owns the buffer */
	bool hup;
};

struct evlist *evlist__new(void)
{
	struct evlist *evlist = xzalloc(sizeof(*evlist));

	evlist->err_evsel = -1;
	return evlist;
}

void evlist__delete(struct evlist *evlist)
{
	int i;

	if (!evlist)
		return;
	evlist__close(evlist);
	evsel_id_hash__exit(&evlist->id_hash);
	for (i = 0; i < evlist->nr_evsels; i++)
		evsel__exit(&evlist->evsels[i]);
	free(evlist->evsels);
	free(evlist->cpus);
	free(evlist->threads);
	free(evlist->leader);
	free(evlist);
}

int evlist__add(struct evlist *evlist, const struct perf_event_attr *attr,
		const char *name)
{
	struct evsel *e;

	/* The array moves: the ids of an earlier open no longer find it. */
	evsel_id_hash__exit(&evlist->id_hash);
	evlist->evsels = xrealloc(evlist->evsels,
				  (evlist->nr_evsels + 1) * sizeof(*evlist->evsels));
	e = &evlist->evsels[evlist->nr_evsels];
	evsel__init(e, attr, evlist->nr_evsels);
	e->attr.size = sizeof(e->attr);
	e->name = xstrdup(name);
	return evlist->nr_evsels++;
}

static int online_cpus(bool *online, int max)
{
	char *buf = NULL;
	size_t len;
	const char *p;
	int err;

	err = read_file_maybe_gz("/sys/devices/system/cpu/online", 4096, &buf, &len);
	if (err)
		return err;
	for (p = buf; *p && *p != '\n';) {
		char *end;
		long a = strtol(p, &end, 10), b = a;

		if (end == p)
			break;
		if (*end == '-')
			b = strtol(end + 1, &end, 10);
		for (; a <= b && a < max; a++)
			online[a] = true;
		p = *end == ',' ? end + 1 : end;
	}
	free(buf);
	return 0;
}

int evlist__set_cpus(struct evlist *evlist, const char *list)
{
	bool *online = xcalloc(MAX_CPUS, sizeof(bool));
	bool *want = xcalloc(MAX_CPUS, sizeof(bool));
	const char *p = list;
	int err, i;

	err = online_cpus(online, MAX_CPUS);
	if (err)
		goto out;
	if (!list)
		memcpy(want, online, MAX_CPUS * sizeof(bool));
	while (p && *p) {
		char *end;
		long a, b;

		if (!isdigit((unsigned char)*p)) {
			err = -EINVAL;
			goto out;
		}
		a = b = strtol(p, &end, 10);
		if (*end == '-') {
			if (!isdigit((unsigned char)end[1])) {
				err = -EINVAL;
				goto out;
			}
			b = strtol(end + 1, &end, 10);
		}
		if (*end && *end != ',') {
			err = -EINVAL;
			goto out;
		}
		if (a > b || b >= MAX_CPUS) {
			err = a > b ? -EINVAL : -ERANGE;
			goto out;
		}
		for (; a <= b; a++) {
			if (!online[a]) {
				err = -ERANGE;
				goto out;
			}
			want[a] = true;
		}
		p = *end ? end + 1 : end;
	}
	free(evlist->cpus);
	evlist->cpus = NULL;
	evlist->nr_cpus = 0;
	for (i = 0; i < MAX_CPUS; i++) {
		if (!want[i])
			continue;
		evlist->cpus = xrealloc(evlist->cpus, (evlist->nr_cpus + 1) * sizeof(int));
		evlist->cpus[evlist->nr_cpus++] = i;
	}
	if (!evlist->nr_cpus)
		err = -EINVAL;
out:
	free(online);
	free(want);
	return err;
}

void evlist__set_any_cpu(struct evlist *evlist)
{
	free(evlist->cpus);
	evlist->cpus = xmalloc(sizeof(int));
	evlist->cpus[0] = -1;
	evlist->nr_cpus = 1;
}

int evlist__set_threads(struct evlist *evlist, pid_t tid, bool all_threads)
{
	char path[64];
	struct dirent *de;
	DIR *dir;

	free(evlist->threads);
	evlist->threads = NULL;
	evlist->nr_threads = 0;
	if (tid == -1 || !all_threads) {
		if (tid != -1 && kill(tid, 0) && errno == ESRCH)
			return -ESRCH;
		evlist->threads = xmalloc(sizeof(pid_t));
		evlist->threads[0] = tid;
		evlist->nr_threads = 1;
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/%d/task", (int)tid);
	dir = opendir(path);
	if (!dir)
		return -ESRCH;
	while ((de = readdir(dir))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		evlist->threads = xrealloc(evlist->threads,
					   (evlist->nr_threads + 1) * sizeof(pid_t));
		evlist->threads[evlist->nr_threads++] = atoi(de->d_name);
	}
	closedir(dir);
	return evlist->nr_threads ? 0 : -ESRCH;
}

int evlist__set_thread_list(struct evlist *evlist, const pid_t *tids, int nr,
			    bool all_threads, pid_t *bad)
{
	pid_t *all = NULL;
	int n = 0;

	for (int i = 0; i < nr; i++) {
		if (evlist__set_threads(evlist, tids[i], all_threads)) {
			free(all);
			*bad = tids[i];
			return -ESRCH;
		}
		all = xrealloc(all, (n + evlist->nr_threads) * sizeof(pid_t));
		for (int t = 0; t < evlist->nr_threads; t++) {
			bool dup = false;

			for (int j = 0; j < n && !dup; j++)
				dup = all[j] == evlist->threads[t];
			if (!dup)
				all[n++] = evlist->threads[t];
		}
	}
	free(evlist->threads);
	evlist->threads = all;
	evlist->nr_threads = n;
	return 0;
}

static int *fdp(struct evlist *evlist, int e, int c, int t)
{
	return &evlist->fds[((size_t)e * evlist->nr_cpus + c) * evlist->nr_threads + t];
}

static int sys_perf_event_open(struct perf_event_attr *attr, pid_t pid, int cpu,
			       int group_fd, unsigned long flags)
{
	return (int)syscall(__NR_perf_event_open, attr, pid, cpu, group_fd, flags);
}

int evlist__open(struct evlist *evlist)
{
	size_t nfds;
	int e, c, t, err = 0;

	if (!evlist->nr_cpus)
		evlist__set_any_cpu(evlist);
	if (!evlist->nr_threads)
		evlist__set_threads(evlist, -1, false);
	evsel_id_hash__exit(&evlist->id_hash);
	nfds = (size_t)evlist->nr_evsels * evlist->nr_cpus * evlist->nr_threads;
	free(evlist->fds);
	evlist->fds = xmalloc(nfds * sizeof(int));
	for (size_t i = 0; i < nfds; i++)
		evlist->fds[i] = -1;

	for (e = 0; e < evlist->nr_evsels; e++) {
		struct evsel *ev = &evlist->evsels[e];

		free(ev->ids);
		ev->ids = xcalloc(evlist->nr_cpus * evlist->nr_threads, sizeof(u64));
		ev->nr_ids = 0;
		for (c = 0; c < evlist->nr_cpus; c++) {
			for (t = 0; t < evlist->nr_threads; t++) {
				int lead = -1, fd;

				/* a group's member: with its leader's event there */
				if (evlist->leader && evlist->leader[e] != e) {
					lead = *fdp(evlist, evlist->leader[e], c, t);
					if (lead < 0)
						continue;	/* the leader's thread exited */
				}
				fd = sys_perf_event_open(&ev->attr, evlist->threads[t],
							 evlist->cpus[c], lead, PERF_FLAG_FD_CLOEXEC);

				if (fd < 0) {
					err = -errno;
					/* A thread of -p that exited meanwhile. */
					if (err == -ESRCH && evlist->threads[t] != -1 &&
					    evlist->nr_threads > 1)
						continue;
					evlist->err_evsel = e;
					evlist->err_cpu = evlist->cpus[c];
					evlist->err_thread = evlist->threads[t];
					goto out_close;
				}
				*fdp(evlist, e, c, t) = fd;
				if (ioctl(fd, PERF_EVENT_IOC_ID, &ev->ids[ev->nr_ids]) < 0) {
					err = -errno;
					evlist->err_evsel = e;
					evlist->err_cpu = evlist->cpus[c];
					evlist->err_thread = evlist->threads[t];
					goto out_close;
				}
				ev->nr_ids++;
			}
		}
	}
	for (e = 0; e < evlist->nr_evsels; e++) {
		struct evsel *ev = &evlist->evsels[e];

		for (u32 i = 0; i < ev->nr_ids; i++)
			evsel_id_hash__insert(&evlist->id_hash, ev->ids[i], ev);
	}
	return 0;

out_close:
	evlist__close(evlist);
	return err;
}

void evlist__close(struct evlist *evlist)
{
	size_t i, nfds;

	for (i = 0; i < (size_t)evlist->nr_mmaps; i++)
		if (evlist->mmaps[i].base)
			munmap(evlist->mmaps[i].base, evlist->mmap_len + sysconf(_SC_PAGESIZE));
	free(evlist->mmaps);
	evlist->mmaps = NULL;
	evlist->nr_mmaps = 0;
	free(evlist->pollfds);
	evlist->pollfds = NULL;
	free(evlist->copybuf);
	evlist->copybuf = NULL;
	if (evlist->fds) {
		nfds = (size_t)evlist->nr_evsels * evlist->nr_cpus * evlist->nr_threads;
		for (i = 0; i < nfds; i++)
			if (evlist->fds[i] >= 0)
				close(evlist->fds[i]);
		free(evlist->fds);
		evlist->fds = NULL;
	}
}

/* Maps a buffer on @fd or redirects @fd into the buffer owned by *owner. */
static int mmap_or_redirect(struct evlist *evlist, int fd, int *owner)
{
	size_t page = sysconf(_SC_PAGESIZE);
	struct evlist_mmap *m;
	void *base;

	if (fd < 0)
		return 0;
	if (*owner >= 0)
		return ioctl(fd, PERF_EVENT_IOC_SET_OUTPUT, *owner) < 0 ? -errno : 0;
	base = mmap(NULL, evlist->mmap_len + page, PROT_READ | PROT_WRITE,
		    MAP_SHARED, fd, 0);
	if (base == MAP_FAILED)
		return -errno;
	m = &evlist->mmaps[evlist->nr_mmaps];
	m->base = base;
	m->fd = fd;
	m->hup = false;
	evlist->pollfds[evlist->nr_mmaps].fd = fd;
	evlist->pollfds[evlist->nr_mmaps].events = POLLIN;
	evlist->nr_mmaps++;
	*owner = fd;
	return 0;
}

int evlist__mmap(struct evlist *evlist, unsigned int pages)
{
	size_t page = sysconf(_SC_PAGESIZE);
	bool per_cpu = evlist->cpus[0] != -1;
	int n = per_cpu ? evlist->nr_cpus : evlist->nr_threads;
	int e, c, t, err;

	if (!pages || (pages & (pages - 1)))
		return -EINVAL;
	evlist->mmap_len = (size_t)pages * page;
	evlist->mmaps = xcalloc(n, sizeof(*evlist->mmaps));
	evlist->pollfds = xcalloc(n, sizeof(*evlist->pollfds));
	evlist->copybuf = xmalloc(65536);
	evlist->nr_mmaps = 0;
	evlist->nr_hup = 0;

	/* One buffer per CPU (all threads on it) or per thread (any CPU). */
	for (int o = 0; o < n; o++) {
		int owner = -1;

		for (e = 0; e < evlist->nr_evsels; e++) {
			for (int i = 0; i < (per_cpu ? evlist->nr_threads : evlist->nr_cpus); i++) {
				c = per_cpu ? o : i;
				t = per_cpu ? i : o;
				err = mmap_or_redirect(evlist, *fdp(evlist, e, c, t), &owner);
				if (err)
					return err;
			}
		}
	}
	return 0;
}

static int ioctl_all(struct evlist *evlist, unsigned long req)
{
	size_t i, nfds = (size_t)evlist->nr_evsels * evlist->nr_cpus * evlist->nr_threads;
	int err = 0;

	for (i = 0; evlist->fds && i < nfds; i++)
		if (evlist->fds[i] >= 0 && ioctl(evlist->fds[i], req, 0) < 0)
			err = -errno;
	return err;
}

int evlist__enable(struct evlist *evlist)
{
	return ioctl_all(evlist, PERF_EVENT_IOC_ENABLE);
}

int evlist__disable(struct evlist *evlist)
{
	return ioctl_all(evlist, PERF_EVENT_IOC_DISABLE);
}

int evlist__poll(struct evlist *evlist, int timeout_ms)
{
	int i, n;

	n = poll(evlist->pollfds, evlist->nr_mmaps, timeout_ms);
	if (n < 0)
		return -errno;
	for (i = 0; i < evlist->nr_mmaps; i++) {
		struct pollfd *p = &evlist->pollfds[i];

		if (p->revents & (POLLHUP | POLLERR)) {
			/* Negative fds are ignored by poll: read it, not poll it. */
			if (!evlist->mmaps[i].hup) {
				evlist->mmaps[i].hup = true;
				evlist->nr_hup++;
			}
			p->fd = -1;
		}
	}
	return n;
}

bool evlist__all_hup(const struct evlist *evlist)
{
	return evlist->nr_mmaps && evlist->nr_hup == evlist->nr_mmaps;
}

/* Reads one buffer; returns records read or the callback's value. */
static long mmap__read(struct evlist *evlist, int idx, evlist_read_cb cb, void *ctx)
{
	struct evlist_mmap *m = &evlist->mmaps[idx];
	struct perf_event_mmap_page *pc = m->base;
	u8 *data = (u8 *)m->base + sysconf(_SC_PAGESIZE);
	u64 mask = evlist->mmap_len - 1;
	u64 head, tail;
	long n = 0;
	int ret = 0;

	/* Pairs with the kernel's write barrier before it moves data_head. */
	head = __atomic_load_n(&pc->data_head, __ATOMIC_ACQUIRE);
	tail = pc->data_tail;
	while (tail < head) {
		union perf_event *ev = (union perf_event *)&data[tail & mask];
		size_t size = ev->header.size;
		size_t off = tail & mask;

		/* The header itself never wraps: records are 8-byte aligned. */
		if (size < sizeof(ev->header) || (size & 7) || size > head - tail) {
			ret = -EINVAL;
			break;
		}
		if (off + size > evlist->mmap_len) {
			size_t first = evlist->mmap_len - off;

			memcpy(evlist->copybuf, &data[off], first);
			memcpy(evlist->copybuf + first, data, size - first);
			ev = (union perf_event *)evlist->copybuf;
		}
		ret = cb(ctx, ev, idx);
		if (ret)
			break;
		tail += size;
		n++;
	}
	/* Our reads of the data are done before the kernel may reuse it. */
	__atomic_store_n(&pc->data_tail, tail, __ATOMIC_RELEASE);
	return ret ? ret : n;
}

long evlist__read(struct evlist *evlist, evlist_read_cb cb, void *ctx)
{
	long total = 0;
	int i;

	for (i = 0; i < evlist->nr_mmaps; i++) {
		long n = mmap__read(evlist, i, cb, ctx);

		if (n < 0)
			return n;
		total += n;
	}
	return total;
}

struct evsel *evlist__find_evsel(struct evlist *evlist, u64 id)
{
	return evsel_id_hash__find(&evlist->id_hash, id);
}

int evlist__probe(const struct perf_event_attr *attr)
{
	struct perf_event_attr a = *attr;
	int fd = sys_perf_event_open(&a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);

	if (fd < 0 && errno == EACCES) {
		a.exclude_kernel = a.exclude_hv = 1;
		fd = sys_perf_event_open(&a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	}
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}
