// SPDX-License-Identifier: GPL-2.0
/*
 * Threads: a machine's tasks in a hash keyed by tid, and their names,
 * interned so that equal names share one pointer.
 */
#include "util/thread.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/machine.h"
#include "util/maps.h"
#include "util/slab.h"

/* 40 bytes a thread, by the hundred thousand: from slabs, not 48-byte chunks. */
static struct slab thread_slab = SLAB_INIT(struct thread, 1024);

static const char *comm__intern(struct machines *m, const char *s)
{
	u32 i = str_set__add(&m->comms, s);	/* may move the array */

	return m->comms.strs[i];
}

int comm__vcpu(const char *comm)
{
	unsigned n;
	char rest[8];

	/*
	 * QEMU names its vCPU threads "CPU <n>/KVM". What does not start
	 * "CPU" fails the pattern's first bytes: no sscanf for it.
	 */
	if (strncmp(comm, "CPU", 3))
		return -1;
	if (sscanf(comm, "CPU %u/KV%7s", &n, rest) == 2 && !strcmp(rest, "M") && n < 65536)
		return (int)n;
	return -1;
}

/* Keyed: a file cannot choose tids that share a chain. */
static size_t tid_slot(const struct machine *machine, u32 tid)
{
	return (size_t)hash_u64(tid) & (machine->thash_size - 1);
}

struct thread *machine__find_thread(struct machine *machine, u32 tid)
{
	struct thread *t;

	if (machine->last_thread && machine->last_thread->tid == tid)
		return machine->last_thread;
	if (!machine->thash_size)
		return NULL;
	for (t = machine->thash[tid_slot(machine, tid)]; t; t = t->hnext)
		if (t->tid == tid) {
			machine->last_thread = t;
			return t;
		}
	return NULL;
}

void machine__hash_thread(struct machine *machine, struct thread *t)
{
	size_t i;

	if (machine->nr_threads + 1 > machine->thash_size) {
		size_t osz = machine->thash_size;
		struct thread **old = machine->thash;

		machine->thash_size = osz ? osz * 2 : 1024;
		machine->thash = xcalloc(machine->thash_size, sizeof(*machine->thash));
		for (i = 0; i < osz; i++) {
			struct thread *x = old[i], *n;

			for (; x; x = n) {
				size_t j = tid_slot(machine, x->tid);

				n = x->hnext;
				x->hnext = machine->thash[j];
				machine->thash[j] = x;
			}
		}
		free(old);
	}
	i = tid_slot(machine, t->tid);
	t->hnext = machine->thash[i];
	machine->thash[i] = t;
	machine->nr_threads++;
}

void machine__unhash_thread(struct machine *machine, struct thread *t)
{
	struct thread **pp = &machine->thash[tid_slot(machine, t->tid)];

	for (; *pp; pp = &(*pp)->hnext) {
		if (*pp == t) {
			*pp = t->hnext;
			machine->nr_threads--;
			break;
		}
	}
	if (machine->last_thread == t)
		machine->last_thread = NULL;
	maps__put(t->maps);
	t->maps = NULL;
	t->hnext = machine->dead_threads;
	machine->dead_threads = t;
}

void machine__sweep_threads(struct machine *machine, void (*mark)(void *arg), void *arg)
{
	struct thread **pp, *t;

	for (t = machine->dead_threads; t; t = t->hnext)
		t->held = false;
	mark(arg);
	for (pp = &machine->dead_threads; (t = *pp);) {
		if (t->held) {
			pp = &t->hnext;
		} else {
			*pp = t->hnext;
			slab__free(&thread_slab, t);
		}
	}
}

void thread__set_comm(struct machines *m, struct thread *t, const char *comm)
{
	t->comm = comm__intern(m, comm);
	t->vcpu = comm__vcpu(comm);
}

/* A thread without a name yet: the caller names it. */
static struct thread *thread__alloc(u32 pid, u32 tid)
{
	struct thread *t = slab__alloc(&thread_slab);

	t->pid = pid;
	t->tid = tid;
	t->vcpu = -1;
	return t;
}

/*
 * Names @t @comm, or ":TID" when @comm is NULL. A thread that a COMM or a
 * FORK creates is named from it directly: the ":TID" name it would
 * otherwise have first stays interned for good (50 bytes a thread; a file
 * may have a million threads).
 */
static void thread__name(struct machines *m, struct thread *t, const char *comm)
{
	char tidname[32];

	if (!comm) {
		snprintf(tidname, sizeof(tidname), ":%d", (int)t->tid);
		comm = tidname;
	}
	thread__set_comm(m, t, comm);
}

struct maps *thread__maps(struct thread *t)
{
	if (!t->maps)
		t->maps = maps__new();
	return t->maps;
}

struct thread *thread__new(struct machines *m, u32 pid, u32 tid)
{
	struct thread *t = thread__alloc(pid, tid);

	thread__name(m, t, NULL);
	return t;
}

struct thread *thread__new_child(u32 pid, u32 tid, const struct thread *parent)
{
	struct thread *t = thread__alloc(pid, tid);

	t->comm = parent->comm;
	t->vcpu = parent->vcpu;
	return t;
}

static struct thread *findnew(struct machine *machine, struct machines *m, u32 pid, u32 tid,
			      const char *comm)
{
	struct thread *t = machine__find_thread(machine, tid);

	if (t) {
		if (t->pid == (u32)-1 && pid == tid)
			t->pid = pid;	/* a leader: its maps are its own already */
		if (t->pid == (u32)-1 && pid != (u32)-1 && pid != tid) {
			/* Now we know its process: share the leader's maps. */
			struct thread *leader = machine__findnew_thread(machine, m, pid, pid);

			maps__put(t->maps);
			t->maps = maps__get(thread__maps(leader));
			t->pid = pid;
		}
		if (comm)
			thread__set_comm(m, t, comm);
		return t;
	}
	t = thread__alloc(pid, tid);
	thread__name(m, t, comm);
	/* A process's maps come with its first mmap; its threads share them. */
	if (pid != (u32)-1 && pid != tid) {
		struct thread *leader = machine__findnew_thread(machine, m, pid, pid);

		t->maps = maps__get(thread__maps(leader));
	}
	machine__hash_thread(machine, t);
	machine->last_thread = t;
	return t;
}

struct thread *machine__findnew_thread(struct machine *machine, struct machines *m,
				       u32 pid, u32 tid)
{
	return findnew(machine, m, pid, tid, NULL);
}

struct thread *machine__findnew_thread_comm(struct machine *machine, struct machines *m,
					    u32 pid, u32 tid, const char *comm)
{
	return findnew(machine, m, pid, tid, comm);
}

void machine__delete_threads(struct machine *machine)
{
	struct thread *t, *n;
	size_t i;

	for (i = 0; i < machine->thash_size; i++) {
		for (t = machine->thash[i]; t; t = n) {
			n = t->hnext;
			maps__put(t->maps);
			slab__free(&thread_slab, t);
		}
	}
	while ((t = machine->dead_threads)) {
		machine->dead_threads = t->hnext;
		slab__free(&thread_slab, t);
	}
	free(machine->thash);
	machine->thash = NULL;
	machine->thash_size = machine->nr_threads = 0;
	machine->last_thread = NULL;
}
