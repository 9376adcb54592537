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
	for (i = 0; i < evlist->nr_evsels; i++) {
		free(evlist->evsels[i].name);
		free(evlist->evsels[i].ids);
	}
	free(evlist->evsels);
	free(evlist->cpus);
	free(evlist->threads);
	free(evlist);
}

int evlist__add(struct evlist *evlist, const struct perf_event_attr *attr,
		const char *name)
{
	struct evlist_evsel *e;

	evlist->evsels = xrealloc(evlist->evsels,
				  (evlist->nr_evsels + 1) * sizeof(*evlist->evsels));
	e = &evlist->evsels[evlist->nr_evsels];
	memset(e, 0, sizeof(*e));
	e->attr = *attr;
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
	nfds = (size_t)evlist->nr_evsels * evlist->nr_cpus * evlist->nr_threads;
	free(evlist->fds);
	evlist->fds = xmalloc(nfds * sizeof(int));
	for (size_t i = 0; i < nfds; i++)
		evlist->fds[i] = -1;

	for (e = 0; e < evlist->nr_evsels; e++) {
		struct evlist_evsel *ev = &evlist->evsels[e];

		free(ev->ids);
		ev->ids = xcalloc(evlist->nr_cpus * evlist->nr_threads, sizeof(u64));
		ev->nr_ids = 0;
		for (c = 0; c < evlist->nr_cpus; c++) {
			for (t = 0; t < evlist->nr_threads; t++) {
				int fd = sys_perf_event_open(&ev->attr, evlist->threads[t],
							     evlist->cpus[c], -1,
							     PERF_FLAG_FD_CLOEXEC);

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

struct evlist_evsel *evlist__find_evsel(struct evlist *evlist, u64 id)
{
	int e;
	u32 i;

	for (e = 0; e < evlist->nr_evsels; e++)
		for (i = 0; i < evlist->evsels[e].nr_ids; i++)
			if (evlist->evsels[e].ids[i] == id)
				return &evlist->evsels[e];
	return NULL;
}

/* ---- event names ---- */

struct event_name {
	const char *name;
	u32 type;
	u64 config;
};

/* perf's names and aliases, in the order help lists them. */
static const struct event_name event_names[] = {
	{ "cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES },
	{ "cpu-cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES },
	{ "instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS },
	{ "cache-references", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_REFERENCES },
	{ "cache-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES },
	{ "branches", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS },
	{ "branch-instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS },
	{ "branch-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES },
	{ "bus-cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BUS_CYCLES },
	{ "ref-cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_REF_CPU_CYCLES },
	{ "cpu-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK },
	{ "task-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK },
	{ "page-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS },
	{ "faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS },
	{ "context-switches", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES },
	{ "cs", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES },
	{ "cpu-migrations", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS },
	{ "migrations", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS },
	{ "minor-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MIN },
	{ "major-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MAJ },
	{ "alignment-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_ALIGNMENT_FAULTS },
	{ "emulation-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_EMULATION_FAULTS },
	{ "dummy", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_DUMMY },
};

const char event_names_known[] = "cycles, instructions, branches, branch-misses, "
	"bus-cycles, cache-misses, cache-references, ref-cycles, cpu-clock, task-clock, "
	"page-faults (faults), context-switches (cs), cpu-migrations (migrations), "
	"minor-faults, major-faults, alignment-faults, emulation-faults, dummy, rNNNN; "
	"NAME:MODIFIERS (u k h G H p I), NAME/period=N/ or NAME/freq=N/ (then MODIFIERS); "
	"tracepoints as sys:name";

const char *event_name__nth(size_t i)
{
	return i < ARRAY_SIZE(event_names) ? event_names[i].name : NULL;
}

/* The name part alone (no terms, no modifiers): type and config. */
static int event_name__lookup(const char *name, size_t len, struct perf_event_attr *attr)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(event_names); i++) {
		if (strlen(event_names[i].name) == len && !strncmp(name, event_names[i].name, len)) {
			attr->type = event_names[i].type;
			attr->config = event_names[i].config;
			return 0;
		}
	}
	if (len > 1 && name[0] == 'r') {
		u64 v = 0;

		/* rNNNN: up to 16 hex digits of raw event code. */
		if (len > 17)
			return -ENOENT;
		for (i = 1; i < len; i++) {
			int c = tolower((unsigned char)name[i]);

			if (!isxdigit(c))
				return -ENOENT;
			v = v << 4 | (u64)(isdigit(c) ? c - '0' : c - 'a' + 10);
		}
		attr->type = PERF_TYPE_RAW;
		attr->config = v;
		return 0;
	}
	return -ENOENT;
}

/* "period=N,freq=N": the terms between the slashes. */
static int event_terms__parse(const char *p, size_t len, struct event_spec *spec)
{
	char *terms = xstrndup(p, len), *t, *save = NULL;
	int err = 0;

	for (t = strtok_r(terms, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(t, '='), *end;
		unsigned long long v;

		if (!eq) {
			err = -EINVAL;
			break;
		}
		*eq = '\0';
		errno = 0;
		v = strtoull(eq + 1, &end, 0);
		if (errno || end == eq + 1 || *end || !v || eq[1] == '-') {
			err = -EINVAL;
			break;
		}
		if (!strcmp(t, "period")) {
			spec->attr.freq = 0;
			spec->attr.sample_period = v;
		} else if (!strcmp(t, "freq")) {
			spec->attr.freq = 1;
			spec->attr.sample_freq = v;
		} else {
			err = -EINVAL;
			break;
		}
		spec->has_period = true;
	}
	free(terms);
	return err;
}

/* perf's modifiers: u k h (what to count), G H (guest, host), p (precise), I (no idle). */
static int event_mods__parse(const char *m, struct event_spec *spec)
{
	bool u = false, k = false, h = false, G = false, H = false;
	int precise = 0;

	if (!*m)
		return -EINVAL;
	for (; *m; m++) {
		switch (*m) {
		case 'u': u = true; break;
		case 'k': k = true; break;
		case 'h': h = true; break;
		case 'G': G = true; break;
		case 'H': H = true; break;
		case 'p': precise++; break;
		case 'I': spec->attr.exclude_idle = 1; break;
		default: return -EINVAL;
		}
	}
	if (precise > 3)
		return -EINVAL;
	if (u || k || h) {
		spec->attr.exclude_user = !u;
		spec->attr.exclude_kernel = !k;
		spec->attr.exclude_hv = !h;
		spec->has_ukh = true;
	}
	if (G || H) {
		spec->attr.exclude_guest = !G;
		spec->attr.exclude_host = !H;
		spec->has_GH = true;
	}
	spec->attr.precise_ip = (u64)precise;
	return 0;
}

int event_spec__parse(const char *str, struct event_spec *spec)
{
	const char *slash = strchr(str, '/'), *colon, *end_name, *mods = NULL;
	int err;

	memset(spec, 0, sizeof(*spec));
	str_copy(spec->name, str, sizeof(spec->name));
	if (!*str || strlen(str) >= sizeof(spec->name))
		return -EINVAL;
	if (slash) {
		const char *close = strchr(slash + 1, '/');

		if (!close || close == slash + 1)
			return -EINVAL;
		end_name = slash;
		err = event_terms__parse(slash + 1, (size_t)(close - slash - 1), spec);
		if (err)
			return err;
		/* perf: cpu-clock/period=N/u; a colon there is taken too. */
		if (close[1])
			mods = close + (close[1] == ':' ? 2 : 1);
	} else {
		colon = strchr(str, ':');
		end_name = colon ? colon : str + strlen(str);
		if (colon)
			mods = colon + 1;
	}
	err = event_name__lookup(str, (size_t)(end_name - str), &spec->attr);
	if (err == -ENOENT && !slash && mods) {
		/* Not NAME:MODIFIERS of a known name: sys:name of a tracepoint (kvm:kvm_exit). */
		memset(&spec->attr, 0, sizeof(spec->attr));
		return tracepoint__parse(str, &spec->attr);
	}
	if (err)
		return err;
	if (mods) {
		err = event_mods__parse(mods, spec);
		if (err)
			return err;
	}
	return 0;
}

char **event_list__split(const char *list, int *nr)
{
	char **out = NULL;
	const char *p = list, *start = list;
	bool in_terms = false;

	*nr = 0;
	for (;; p++) {
		if (*p == '/')
			in_terms = !in_terms;
		if ((*p == ',' && !in_terms) || !*p) {
			out = xrealloc(out, (*nr + 2) * sizeof(*out));
			out[(*nr)++] = xstrndup(start, (size_t)(p - start));
			out[*nr] = NULL;
			if (!*p)
				break;
			start = p + 1;
		}
	}
	return out;
}

void event_list__free(char **list)
{
	for (char **p = list; p && *p; p++)
		free(*p);
	free(list);
}

int event_name__parse(const char *name, struct perf_event_attr *attr)
{
	struct event_spec spec;
	int err = event_spec__parse(name, &spec);

	if (err)
		return -EINVAL;
	attr->type = spec.attr.type;
	attr->config = spec.attr.config;
	return 0;
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
