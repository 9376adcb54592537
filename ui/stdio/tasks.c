// SPDX-License-Identifier: GPL-2.0
/* report --tasks / --mmaps: the host's task tree as perf report prints it. */
#include "ui/tasks.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "util/util.h"

#define NR_BUCKETS	256	/* perf lists threads by tid % 256, then by tid */

struct tmap {
	u64 start, end, pgoff, ino;
	u32 prot, flags;
	char *name;
};

struct tmaps {
	int refcnt;
	struct tmap *arr;
	size_t nr, alloc;
};

struct tthread {
	int pid, tid, ppid;
	char *comm;		/* NULL: never set, shown as ":tid" */
	struct tmaps *maps;
	struct tthread *next;	/* in its bucket, by tid */
	/* Printing. */
	struct tthread **children;
	size_t nr_children, alloc_children;
	bool listed;
};

struct tasks {
	bool mmaps;
	struct tthread *buckets[NR_BUCKETS];
	size_t nr;
};

static struct tmaps *tmaps__new(void)
{
	struct tmaps *m = xzalloc(sizeof(*m));

	m->refcnt = 1;
	return m;
}

static struct tmaps *tmaps__get(struct tmaps *m)
{
	if (m)
		m->refcnt++;
	return m;
}

static void tmaps__put(struct tmaps *m)
{
	size_t i;

	if (!m || --m->refcnt)
		return;
	for (i = 0; i < m->nr; i++)
		free(m->arr[i].name);
	free(m->arr);
	free(m);
}

static struct tmaps *tmaps__clone(const struct tmaps *src)
{
	struct tmaps *m = tmaps__new();
	size_t i;

	if (!src || !src->nr)
		return m;
	m->arr = xcalloc(src->nr, sizeof(*m->arr));
	m->nr = m->alloc = src->nr;
	for (i = 0; i < src->nr; i++) {
		m->arr[i] = src->arr[i];
		m->arr[i].name = xstrdup(src->arr[i].name);
	}
	return m;
}

/* Inserts @nm (taking its name), cutting the maps it overlaps, as perf does. */
static void tmaps__insert(struct tmaps *m, struct tmap *nm)
{
	struct tmap *out;
	size_t i, n = 0, alloc, lo = 0, hi = m->nr;

	/* Where it goes by start; without overlaps (the usual case) it just goes there. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->arr[mid].start <= nm->start)
			lo = mid + 1;
		else
			hi = mid;
	}
	if ((lo == 0 || m->arr[lo - 1].end <= nm->start) &&
	    (lo == m->nr || m->arr[lo].start >= nm->end)) {
		ALLOC_GROW(m->arr, m->nr + 1, m->alloc);
		memmove(m->arr + lo + 1, m->arr + lo, (m->nr - lo) * sizeof(*m->arr));
		m->arr[lo] = *nm;
		m->nr++;
		return;
	}
	alloc = m->nr * 2 + 2;

	out = xcalloc(alloc, sizeof(*out));
	for (i = 0; i < m->nr; i++) {
		struct tmap *p = &m->arr[i];

		if (p->end <= nm->start || p->start >= nm->end) {
			out[n++] = *p;
			continue;
		}
		if (p->start < nm->start) {
			out[n] = *p;
			out[n].end = nm->start;
			out[n++].name = xstrdup(p->name);
		}
		if (p->end > nm->end) {
			out[n] = *p;
			out[n].pgoff += nm->end - p->start;
			out[n].start = nm->end;
			out[n++].name = xstrdup(p->name);
		}
		free(p->name);
	}
	/* Keep the order by start: find where the new one goes. */
	for (i = n; i > 0 && out[i - 1].start > nm->start; i--)
		;
	memmove(out + i + 1, out + i, (n - i) * sizeof(*out));
	out[i] = *nm;
	n++;
	free(m->arr);
	m->arr = out;
	m->nr = n;
	m->alloc = alloc;
}

static struct tthread *find(const struct tasks *t, int tid)
{
	struct tthread *th;

	for (th = t->buckets[(unsigned)tid % NR_BUCKETS]; th; th = th->next)
		if (th->tid == tid)
			return th;
	return NULL;
}

static void remove_thread(struct tasks *t, struct tthread *victim)
{
	struct tthread **pp = &t->buckets[(unsigned)victim->tid % NR_BUCKETS];

	for (; *pp; pp = &(*pp)->next) {
		if (*pp == victim) {
			*pp = victim->next;
			t->nr--;
			tmaps__put(victim->maps);
			free(victim->comm);
			free(victim->children);
			free(victim);
			return;
		}
	}
}

static struct tthread *findnew(struct tasks *t, int pid, int tid);

/* A thread of a known process shares its leader's maps. */
static void set_pid(struct tasks *t, struct tthread *th, int pid)
{
	struct tthread *leader;

	if (pid == th->pid || pid == -1 || th->pid != -1)
		return;
	th->pid = pid;
	if (pid == th->tid)
		return;
	leader = findnew(t, pid, pid);
	if (!leader->maps)
		leader->maps = tmaps__new();
	if (th->maps == leader->maps)
		return;
	tmaps__put(th->maps);
	th->maps = tmaps__get(leader->maps);
}

static struct tthread *findnew(struct tasks *t, int pid, int tid)
{
	struct tthread *th = find(t, tid), **pp;

	if (th) {
		set_pid(t, th, pid);
		return th;
	}
	th = xzalloc(sizeof(*th));
	th->pid = pid;
	th->tid = tid;
	th->ppid = -1;
	/* Sorted by tid within the bucket, as perf's tree is. */
	for (pp = &t->buckets[(unsigned)tid % NR_BUCKETS]; *pp && (*pp)->tid < tid;
	     pp = &(*pp)->next)
		;
	th->next = *pp;
	*pp = th;
	t->nr++;
	if (pid == tid || pid == -1) {
		th->maps = tmaps__new();
	} else {
		struct tthread *leader = findnew(t, pid, pid);

		th->maps = tmaps__get(leader->maps);
	}
	return th;
}

struct tasks *tasks__new(bool mmaps)
{
	struct tasks *t = xzalloc(sizeof(*t));

	t->mmaps = mmaps;
	findnew(t, 0, 0)->comm = xstrdup("swapper");
	return t;
}

void tasks__delete(struct tasks *t)
{
	size_t b;

	if (!t)
		return;
	for (b = 0; b < NR_BUCKETS; b++)
		while (t->buckets[b])
			remove_thread(t, t->buckets[b]);
	free(t);
}

static int str_len(const union perf_event *ev, const char *s)
{
	return (int)strnlen(s, (size_t)((const char *)ev + ev->header.size - s));
}

static bool anon_name(const char *s)
{
	return !strcmp(s, "//anon") || !strncmp(s, "/dev/zero", 9) ||
	       !strncmp(s, "/anon_hugepage", 14);
}

static bool no_dso_name(const char *s)
{
	return !strncmp(s, "[stack", 6) || !strncmp(s, "/SYSV", 5) || !strcmp(s, "[heap]");
}

static void add_map(struct tasks *t, const union perf_event *ev, int pid, int tid, u64 start,
		    u64 len, u64 pgoff, u64 ino, u32 prot, u32 flags, const char *name)
{
	struct tthread *th;
	struct tmap m = { .start = start, .end = start + len, .pgoff = pgoff, .ino = ino,
			  .prot = prot, .flags = flags };
	char buf[64];

	u8 cpumode = ev->header.misc & PERF_RECORD_MISC_CPUMODE_MASK;

	/* Kernel maps belong to the (host or guest) kernel, the rest to a task. */
	if (cpumode__is_kernel(cpumode) || !t->mmaps || !len || start + len < start)
		return;
	th = findnew(t, pid, tid);
	/* Executable anonymous code (a JIT's) is named for its perf map file. */
	if ((anon_name(name) || (flags & MAP_HUGETLB) || no_dso_name(name)) && (prot & PROT_EXEC)) {
		snprintf(buf, sizeof(buf), "/tmp/perf-%d.map", pid);
		m.name = xstrdup(buf);
	} else {
		m.name = xstrndup(name, (size_t)str_len(ev, name));
	}
	if (!strcmp(m.name, "[vdso]"))
		m.pgoff = 0;
	tmaps__insert(th->maps, &m);
}

void tasks__event(struct tasks *t, const union perf_event *ev)
{
	u16 size = ev->header.size;

	switch (ev->header.type) {
	case PERF_RECORD_COMM: {
		struct tthread *th;

		if (size < sizeof(ev->comm))
			return;
		th = findnew(t, (int)ev->comm.pid, (int)ev->comm.tid);
		free(th->comm);
		th->comm = xstrndup(ev->comm.comm, (size_t)str_len(ev, ev->comm.comm));
		return;
	}
	case PERF_RECORD_FORK: {
		const struct fork_event *f = &ev->fork;
		struct tthread *th, *parent;

		if (size < sizeof(*f))
			return;
		th = find(t, (int)f->tid);
		parent = findnew(t, (int)f->ppid, (int)f->ptid);
		/* A parent of another process than the record says: stale, replaced. */
		if (parent->pid != (int)f->ppid) {
			remove_thread(t, parent);
			if (th == parent)
				th = NULL;
			parent = findnew(t, (int)f->ppid, (int)f->ptid);
		}
		/* A thread with this tid before: it is gone, the tid was reused. */
		if (th && th != parent)
			remove_thread(t, th);
		th = findnew(t, (int)f->pid, (int)f->tid);
		if (th == parent)
			return;
		if (parent->comm) {
			free(th->comm);
			th->comm = xstrdup(parent->comm);
		}
		th->ppid = parent->tid;
		/* A new process starts with a copy of its parent's maps. */
		if (th->pid != parent->pid && !(ev->header.misc & PERF_RECORD_MISC_FORK_EXEC)) {
			tmaps__put(th->maps);
			th->maps = tmaps__clone(parent->maps);
		}
		return;
	}
	case PERF_RECORD_MMAP:
		if (size < sizeof(ev->mmap))
			return;
		add_map(t, ev, (int)ev->mmap.pid, (int)ev->mmap.tid, ev->mmap.start, ev->mmap.len,
			ev->mmap.pgoff, 0,
			ev->header.misc & PERF_RECORD_MISC_MMAP_DATA ? 0 : PROT_EXEC, 0,
			ev->mmap.filename);
		return;
	case PERF_RECORD_MMAP2: {
		const struct mmap2_event *m = &ev->mmap2;

		if (size < sizeof(*m))
			return;
		add_map(t, ev, (int)m->pid, (int)m->tid, m->start, m->len, m->pgoff,
			ev->header.misc & PERF_RECORD_MISC_MMAP_BUILD_ID ? 0 : m->ino, m->prot,
			m->flags, m->filename);
		return;
	}
	}
}

static void add_child(struct tthread *parent, struct tthread *child)
{
	ALLOC_GROW(parent->children, parent->nr_children + 1, parent->alloc_children);
	parent->children[parent->nr_children++] = child;
}

static void print_one(const struct tthread *th, int level, FILE *fp)
{
	int indent = fprintf(fp, "  %8d %8d %8d |%*s", th->pid, th->tid, th->ppid, level, "");
	size_t i;

	if (th->comm)
		fprintf(fp, "%s\n", th->comm);
	else
		fprintf(fp, ":%d\n", th->tid);
	for (i = 0; th->maps && i < th->maps->nr; i++) {
		const struct tmap *m = &th->maps->arr[i];

		fprintf(fp, "%*s  %" PRIx64 "-%" PRIx64 " %c%c%c%c %08" PRIx64 " %" PRIu64 " %s\n",
			indent, "", m->start, m->end, m->prot & PROT_READ ? 'r' : '-',
			m->prot & PROT_WRITE ? 'w' : '-', m->prot & PROT_EXEC ? 'x' : '-',
			m->flags & MAP_SHARED ? 's' : 'p', m->pgoff, m->ino, m->name);
	}
}

/* Depth first, children in the order they were linked; a stack, not recursion. */
static void print_tree(struct tthread *root, size_t nr, FILE *fp)
{
	struct frame { struct tthread *th; size_t next; } *stack;
	size_t depth = 0;

	stack = xcalloc(nr + 1, sizeof(*stack));
	stack[0].th = root;
	print_one(root, 0, fp);
	for (;;) {
		struct frame *f = &stack[depth];

		if (f->next < f->th->nr_children && depth < nr) {
			struct tthread *child = f->th->children[f->next++];

			stack[++depth] = (struct frame){ child, 0 };
			print_one(child, (int)depth, fp);
		} else if (depth) {
			depth--;
		} else {
			break;
		}
	}
	free(stack);
}

void tasks__fprintf(const struct tasks *t, FILE *fp)
{
	struct tthread **order = xcalloc(t->nr + 1, sizeof(*order)), **roots;
	size_t n = 0, nr_roots = 0, i, b;

	for (b = 0; b < NR_BUCKETS; b++) {
		struct tthread *th;

		for (th = t->buckets[b]; th; th = th->next) {
			th->listed = false;
			th->nr_children = 0;
			order[n++] = th;
		}
	}
	roots = xcalloc(n + 1, sizeof(*roots));
	/*
	 * As perf: each thread in table order is linked under its parent,
	 * then the parent under its own, up to a thread without one (a root)
	 * or one already linked. A parent that is not there leaves the thread
	 * a root (perf gives up on the whole tree).
	 */
	for (i = 0; i < n; i++) {
		struct tthread *th = order[i];

		while (th && !th->listed) {
			struct tthread *parent = th->ppid == -1 ? NULL : find(t, th->ppid);

			th->listed = true;
			if (!parent || parent == th) {
				roots[nr_roots++] = th;
				break;
			}
			add_child(parent, th);
			th = parent;
		}
	}
	fprintf(fp, "# %8s %8s %8s  %s\n", "pid", "tid", "ppid", "comm");
	for (i = 0; i < nr_roots; i++)
		print_tree(roots[i], n, fp);
	free(roots);
	free(order);
}
