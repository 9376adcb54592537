/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_EVENT_H
#define PMUKVM_EVENT_H

#include <linux/perf_event.h>

#include "util/util.h"

/* perf's own record types (not the kernel's). */
enum perf_user_event_type {
	PERF_RECORD_HEADER_ATTR = 64,
	PERF_RECORD_HEADER_EVENT_TYPE = 65,
	PERF_RECORD_HEADER_TRACING_DATA = 66,
	PERF_RECORD_HEADER_BUILD_ID = 67,
	PERF_RECORD_FINISHED_ROUND = 68,
	PERF_RECORD_ID_INDEX = 69,
	PERF_RECORD_AUXTRACE_INFO = 70,
	PERF_RECORD_AUXTRACE = 71,
	PERF_RECORD_AUXTRACE_ERROR = 72,
	PERF_RECORD_THREAD_MAP = 73,
	PERF_RECORD_CPU_MAP = 74,
	PERF_RECORD_STAT_CONFIG = 75,
	PERF_RECORD_STAT = 76,
	PERF_RECORD_STAT_ROUND = 77,
	PERF_RECORD_EVENT_UPDATE = 78,
	PERF_RECORD_TIME_CONV = 79,
	PERF_RECORD_HEADER_FEATURE = 80,
	PERF_RECORD_COMPRESSED = 81,
	PERF_RECORD_FINISHED_INIT = 82,
};

/* Whether a cpumode (header.misc & PERF_RECORD_MISC_CPUMODE_MASK) is a guest's. */
static inline bool cpumode__is_guest(u8 cpumode)
{
	return cpumode == PERF_RECORD_MISC_GUEST_KERNEL || cpumode == PERF_RECORD_MISC_GUEST_USER;
}

/* Whether a cpumode is a kernel's, the host's or a guest's. */
static inline bool cpumode__is_kernel(u8 cpumode)
{
	return cpumode == PERF_RECORD_MISC_KERNEL || cpumode == PERF_RECORD_MISC_GUEST_KERNEL;
}

/* Callchain context markers. */
#define PERF_CONTEXT_HV_		((u64)-32)
#define PERF_CONTEXT_KERNEL_		((u64)-128)
#define PERF_CONTEXT_USER_		((u64)-512)
#define PERF_CONTEXT_GUEST_		((u64)-2048)
#define PERF_CONTEXT_GUEST_KERNEL_	((u64)-2176)
#define PERF_CONTEXT_GUEST_USER_	((u64)-2560)
#define PERF_CONTEXT_MAX_		((u64)-4095)

/* Record bodies, as the kernel and perf lay them out. */
struct mmap_event {
	struct perf_event_header header;
	u32 pid, tid;
	u64 start, len, pgoff;
	char filename[];
};

struct mmap2_event {
	struct perf_event_header header;
	u32 pid, tid;
	u64 start, len, pgoff;
	union {
		struct {
			u32 maj, min;
			u64 ino, ino_generation;
		};
		struct {
			u8 build_id_size;
			u8 __reserved_1;
			u16 __reserved_2;
			u8 build_id[20];
		};
	};
	u32 prot, flags;
	char filename[];
};

struct comm_event {
	struct perf_event_header header;
	u32 pid, tid;
	char comm[];
};

struct fork_event {
	struct perf_event_header header;
	u32 pid, ppid, tid, ptid;
	u64 time;
};

struct lost_event {
	struct perf_event_header header;
	u64 id, lost;
};

struct lost_samples_event {
	struct perf_event_header header;
	u64 lost;
};

/* A task's count when it exited (inherit_stat), in the read_format's layout: value first. */
struct read_event {
	struct perf_event_header header;
	u32 pid, tid;
	u64 value;
};

struct throttle_event {
	struct perf_event_header header;
	u64 time, id, stream_id;
};

struct attr_event {
	struct perf_event_header header;
	struct perf_event_attr attr;	/* attr.size bytes, then u64 ids[] */
};

struct feature_event {
	struct perf_event_header header;
	u64 feat_id;
	char data[];
};

struct build_id_event {
	struct perf_event_header header;
	s32 pid;
	u8 build_id[24];	/* 20 bytes + u8 size + pad, see PERF_DATA.md */
	char filename[];
};

union perf_event {
	struct perf_event_header header;
	struct mmap_event mmap;
	struct mmap2_event mmap2;
	struct comm_event comm;
	struct fork_event fork;
	struct lost_event lost;
	struct lost_samples_event lost_samples;
	struct throttle_event throttle;
	struct read_event read;
	struct attr_event attr;
	struct feature_event feat;
	struct build_id_event build_id;
	u64 raw[1];
};

/* A sample, parsed. Pointers point into the record they came from. */
struct perf_sample {
	u64 ip;
	u32 pid, tid;
	u64 time;
	u64 addr;
	u64 id;
	u64 stream_id;
	u32 cpu;
	u64 period;
	u8 cpumode;		/* PERF_RECORD_MISC_* & 7 */
	u64 callchain_nr;
	const u64 *callchain;	/* may be unaligned only in corrupt files: checked */
	u64 user_regs_abi;
	u64 user_regs_mask;
	const u64 *user_regs;
	u64 user_stack_size;
	const u8 *user_stack;
	u32 raw_size;		/* PERF_SAMPLE_RAW: a tracepoint's payload */
	const void *raw_data;
	/*
	 * PERF_SAMPLE_READ with PERF_FORMAT_ID: @read_nr counter values
	 * (one, or a group's), value i at read[i * read_stride] and its
	 * event's id read_id words after it; read_nr 0 without.
	 */
	u32 read_nr, read_stride, read_id;
	const u64 *read;
};

/* The most values of a group read a sample is split into (perf's groups: a few). */
#define MAX_GROUP_READ	4096

#endif
