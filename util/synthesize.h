/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_SYNTHESIZE_H
#define PMUKVM_SYNTHESIZE_H

/*
 * Records that describe the state before recording started, built from
 * /proc and from guest symbol files: COMM and MMAP2 of running processes,
 * the host kernel and module maps, each guest's module and kernel maps.
 *
 * Every record gets @id_hdr_size zero bytes appended: the sample_id_all
 * trailer, all zero (id 0 is the first event, time 0 sorts first).
 */
#include <sys/types.h>

#include "util/event.h"
#include "util/util.h"

struct guest_machine;
struct err;

/** synth_cb - gets one record, valid during the call; non-zero stops. */
typedef int (*synth_cb)(void *ctx, union perf_event *event);

/** enum synth_flags - what synthesize__process emits besides COMM. */
enum synth_flags {
	SYNTH_MAPS = 1 << 0,		/* MMAP2 of executable mappings */
	SYNTH_DATA_MAPS = 1 << 1,	/* and of readable data (DWARF unwinding reads them) */
};

/**
 * synthesize__process - COMM of every thread of @pid, and MMAP2 records
 * as @flags say. A process that went away is not an error. Returns 0 or
 * the callback's value.
 */
int synthesize__process(pid_t pid, unsigned int flags, size_t id_hdr_size, synth_cb cb,
			void *ctx);

/** synthesize__all_processes - synthesize__process for every process in /proc. */
int synthesize__all_processes(unsigned int flags, size_t id_hdr_size, synth_cb cb,
			      void *ctx);

/**
 * synthesize__kernel - the host kernel map (`[kernel.kallsyms]_text` at
 * _text) and one MMAP per module in /proc/modules. Returns 0, the
 * callback's value, or kallsyms__text_of's error on /proc/kallsyms, with
 * its message in @err (the callback's failures are the caller's to tell
 * apart: @err is not written for them).
 */
int synthesize__kernel(size_t id_hdr_size, synth_cb cb, void *ctx, struct err *err);

/**
 * synthesize__guest_kernel - a guest's module maps from @modules (may be
 * NULL), then its kernel map from @kallsyms, misc GUEST_KERNEL, pid
 * @machine_pid (0: the default guest, named `[guest.kernel.kallsyms]`,
 * else `[guest.kernel.kallsyms.<pid>]`). Files may be gzip-compressed.
 * Returns 0, the callback's value or a negative errno on the files, with
 * a message in @err.
 */
int synthesize__guest_kernel(const char *kallsyms, const char *modules, pid_t machine_pid,
			     size_t id_hdr_size, synth_cb cb, void *ctx, struct err *err);

/**
 * struct synth_target - the state before the start that a live source needs.
 * @kernels: the host kernel and modules, then each of @guests' kernel and
 *	modules.
 * @workload: > 0: the held command of record -- COMMAND: its COMM alone
 *	(it has not exec'd yet); else -p/-t's @targets (@target_tids: thread
 *	ids, each standing for its process), each process once; else every
 *	process. @flags: synthesize__process's, for targets and every process.
 */
struct synth_target {
	bool kernels;
	const struct guest_machine *guests;
	size_t nr_guests;
	pid_t workload;
	const pid_t *targets;
	int nr_targets;
	bool target_tids;
	unsigned int flags;
};

/**
 * synthesize__state - the records of @t. Host kernel symbols that cannot
 * be read are not an error: @warn says so (its code is 0 when there is
 * nothing to say). Returns 0, or the callback's value, or a negative errno
 * of a guest's files, with @err naming the guest: @err's code is that
 * errno exactly when the guest's files failed, 0 when the callback or the
 * processes' synthesis did (the caller knows its own callback's error).
 */
int synthesize__state(const struct synth_target *t, size_t id_hdr_size, synth_cb cb, void *ctx,
		      struct err *warn, struct err *err);

#endif
