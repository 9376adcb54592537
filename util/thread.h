/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_THREAD_H
#define PMUKVM_THREAD_H

/*
 * Threads: the tasks a data file shows, found by tid in their machine's
 * hash (keyed, so that a file cannot choose tids that share a chain), and
 * their names, interned per session.
 */
#include "util/util.h"

struct machine;
struct machines;
struct maps;

/** struct thread - a task seen in the data; comm follows COMM records. */
struct thread {
	u32 pid, tid;
	const char *comm;	/* interned: equal names share one pointer */
	struct maps *maps;	/* NULL until its process maps something */
	int vcpu;		/* from a "CPU <n>/KVM" comm, else -1 */
	bool held;		/* machine__sweep_threads' mark */
	struct thread *hnext;
};

/**
 * machine__findnew_thread - the thread @tid of @machine, created (named
 * ":TID") if new: a thread of a known process (@pid not @tid) shares its
 * leader's maps from the start; a leader, or a thread first seen without
 * its process (@pid -1), has none until thread__maps makes its own. The
 * latter takes the leader's maps once @pid is known. The machine owns it.
 */
struct thread *machine__findnew_thread(struct machine *machine, struct machines *m,
				       u32 pid, u32 tid);

/**
 * machine__findnew_thread_comm - machine__findnew_thread, then named @comm
 * (a COMM record); a new thread is named @comm from the start.
 */
struct thread *machine__findnew_thread_comm(struct machine *machine, struct machines *m,
					    u32 pid, u32 tid, const char *comm);

/**
 * thread__maps - @t's maps, made (empty) first if it has none: for a
 * leader or a thread of no known process, whose maps are its own.
 */
struct maps *thread__maps(struct thread *t);

/** machine__find_thread - the thread @tid of @machine, or NULL. */
struct thread *machine__find_thread(struct machine *machine, u32 tid);

/**
 * thread__new - a thread not yet in any hash, named ":TID", without maps
 * (the caller gives it some and hashes it with machine__hash_thread).
 */
struct thread *thread__new(struct machines *m, u32 pid, u32 tid);

/**
 * thread__new_child - a thread not yet in any hash, named as @parent (a
 * FORK), without maps.
 */
struct thread *thread__new_child(u32 pid, u32 tid, const struct thread *parent);

/** machine__hash_thread - adds @t (a new tid) to @machine's hash, which then owns it. */
void machine__hash_thread(struct machine *machine, struct thread *t);

/**
 * machine__unhash_thread - removes @t (its tid given to a new thread) from
 * @machine's hash: its maps go, the thread itself stays on the machine's
 * dead list (what holds it, a row, still reads its pid, tid and comm).
 */
void machine__unhash_thread(struct machine *machine, struct thread *t);

/**
 * machine__sweep_threads - frees the dead threads of @machine that @mark
 * does not mark held: @mark(@arg) sets thread.held on each thread it
 * still holds (it is cleared before). For a caller that knows every holder
 * (top, between refreshes: only rows hold threads there).
 */
void machine__sweep_threads(struct machine *machine, void (*mark)(void *arg), void *arg);

/** machine__delete_threads - frees every thread of @machine (dead ones too) and the hash. */
void machine__delete_threads(struct machine *machine);

/** thread__set_comm - names @t (interned in @m) and takes its vCPU number from the name. */
void thread__set_comm(struct machines *m, struct thread *t, const char *comm);

/** comm__vcpu - the vCPU number from a QEMU thread name ("CPU <n>/KVM"), or -1. */
int comm__vcpu(const char *comm);

#endif
