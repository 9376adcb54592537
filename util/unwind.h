/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_UNWIND_H
#define PMUKVM_UNWIND_H

/*
 * User-space stack unwinding for samples recorded with --call-graph dwarf
 * (the user registers and a copy of the user stack), with libunwind's
 * remote interface: the unwind tables are the DSOs' .eh_frame_hdr and
 * .eh_frame, read from the files the process had mapped, and memory reads
 * come from the stack copy or those files.
 */
#include "util/event.h"
#include "util/util.h"

struct thread;

/**
 * unwind__user - the user-space return addresses of a sample, the sampled
 * ip first, at most @max. Returns how many (0 when the sample has no user
 * registers or stack, or the first frame cannot be unwound from).
 */
size_t unwind__user(struct thread *thread, const struct perf_sample *sample, u64 *ips, size_t max);

#endif
