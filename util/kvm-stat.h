/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_KVM_STAT_H
#define PMUKVM_KVM_STAT_H

/*
 * The cost of the virtualization layer, from KVM's tracepoints: perf kvm
 * stat's analyses (vmexit, mmio, ioport, msr), counted as perf 6.1 counts
 * them, plus what perf lacks: latency percentiles and a log2 histogram per
 * key and guest, per vCPU the share of wall time spent outside the guest,
 * and (by symbol) the guest functions whose instructions caused the exits.
 */
#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"
#include "util/trace-event.h"
#include "util/util.h"

struct perf_data;
struct evsel;
struct perf_sample;
struct machines;

enum kvm_stat_analysis { KVM_STAT_VMEXIT, KVM_STAT_MMIO, KVM_STAT_IOPORT, KVM_STAT_MSR };
enum kvm_stat_sort { KVM_STAT_SORT_SAMPLE, KVM_STAT_SORT_TIME };

#define KVM_STAT_HIST_BUCKETS 64
/* perf 6.1 prints keys in a 20-byte buffer: names longer than 19 are cut. */
#define KVM_STAT_DECODE_LEN 20

/** struct kvm_stats - perf's running statistics (Welford), times in ns. */
struct kvm_stats {
	double n, mean, M2;
	u64 max, min;
	u64 time;
};

/** kvm_stats__rel_stddev - perf's "+-": 100 * stddev of the mean / mean. */
double kvm_stats__rel_stddev(const struct kvm_stats *st);

/**
 * struct kvm_stat_row - one key (exit reason, port, gpa, msr), for all
 * guests (@pid -1: the perf-layout rows) or for one guest.
 */
struct kvm_stat_row {
	u64 key, info;
	s32 pid;
	u32 seq;			/* creation order */
	u32 order;			/* where perf meets it when sorting */
	struct kvm_stats st;
	u64 hist[KVM_STAT_HIST_BUCKETS];	/* [i]: handling times in [2^i, 2^(i+1)) ns */
	u64 *durs;			/* guest rows: every handling time, sorted at finish */
	size_t nr_durs, alloc_durs;
	struct kvm_stat_row *hnext;
};

/** struct kvm_stat_reason - one exit reason under a guest function. */
struct kvm_stat_reason {
	u64 reason;
	u64 count, timed;
	u64 time;
};

/** struct kvm_stat_sym_row - a guest function (or user space) that exits came from. */
struct kvm_stat_sym_row {
	s32 pid;
	const char *sym;		/* "[guest.user]" / "[unknown]" when none */
	const char *dso;
	u64 count;			/* every kvm_exit */
	u64 timed;			/* those with a kvm_entry after them */
	u64 time;			/* their handling time, ns */
	struct kvm_stat_reason *reasons;
	size_t nr_reasons;
	const void *id;			/* what makes the row: symbol or dso */
	struct kvm_stat_sym_row *hnext;
};

/** struct kvm_stat_vcpu - one vCPU thread: where its wall time went. */
struct kvm_stat_vcpu {
	u32 pid, tid;
	int vcpu;			/* -1 until a kvm_entry or kvm_exit names it */
	u64 first, last;		/* first and last kvm event */
	u64 out;			/* ns between kvm_exit and the next kvm_entry */
	u64 exits;
};

struct kvm_stat_opts {
	enum kvm_stat_analysis analysis;
	enum kvm_stat_sort sort;
	int vcpu;			/* -1 all */
	const s32 *pids;		/* -p: only these QEMU pids; NULL all */
	size_t nr_pids;
	bool by_symbol;
	bool extended;			/* per-guest rows, durations, vCPU shares */
};

struct kvm_thread;
struct kvm_sym_cache;

/** struct kvm_stat - one analysis over one data file or live stream. */
struct kvm_stat {
	struct kvm_stat_opts opts;
	struct trace_events te;
	bool svm;
	const char *isa;		/* "VMX" or "SVM" */
	struct machines *machines;	/* names guests; --by-symbol: resolves rips */
	/* The file's events: tracepoint ids of kvm_entry ... kvm_msr. */
	struct kvm_tp *tps;
	size_t nr_tps;
	/* perf-layout rows: 4096 buckets, newest first, as perf keeps them. */
	struct kvm_stat_row *buckets[4096];
	struct kvm_stat_row **keys;	/* the same rows, found by key and info */
	size_t keys_size, nr_keys;
	/* per-guest rows */
	struct kvm_stat_row **grows;
	size_t grows_size, nr_grows;
	/* threads */
	struct kvm_thread **threads;
	size_t threads_size, nr_threads;
	/* by symbol */
	struct kvm_stat_sym_row **srows;
	size_t srows_size, nr_srows;
	struct kvm_sym_cache *scache;
	size_t scache_size;
	/* results, after kvm_stat__finish */
	struct kvm_stat_row **rows;	/* perf-layout, in perf's order */
	size_t nr_rows;
	struct kvm_stat_row **guest_rows;	/* by guest, then as rows */
	size_t nr_guest_rows;
	struct kvm_stat_sym_row **sym_rows;	/* by guest, count descending */
	size_t nr_sym_rows;
	struct kvm_stat_vcpu **vcpus;	/* by pid, vcpu */
	size_t nr_vcpus;
	u64 total_count, total_time;
	u64 nr_exits;			/* every kvm_exit seen (after -p/--vcpu) */
	/* unknown exit codes met while decoding (warned once each) */
	u64 unknown[16];
	size_t nr_unknown;
	struct err err;		/* setup's error, or the first bad sample's */
};

/** kvm_stat__new - an empty analysis; free with kvm_stat__delete. */
struct kvm_stat *kvm_stat__new(const struct kvm_stat_opts *opts);
void kvm_stat__delete(struct kvm_stat *ks);

/**
 * kvm_stat__setup - reads @data's tracing data and CPU, finds its kvm
 * events. Returns 0, or a negative errno with the reason in ks->err:
 * no or corrupt tracing data, a CPU that is neither Intel nor AMD, no
 * kvm_entry/kvm_exit events, a format lacking a field the analysis reads.
 */
int kvm_stat__setup(struct kvm_stat *ks, struct perf_data *data);

/**
 * kvm_stat__sample - one sample, in time order. Always returns true (the
 * session need not resolve it); a sample whose payload does not fit its
 * format sets ks->err, and is not counted.
 */
bool kvm_stat__sample(struct kvm_stat *ks, const struct evsel *evsel,
		      const struct perf_sample *sample);

/**
 * kvm_stat__process - reads @data (a mapped file whose kvm samples have a
 * fixed layout) and feeds every kvm sample to kvm_stat__sample in perf's
 * order of delivery, without the session: other records are skipped, so
 * guests have no names and rips no symbols. Returns 0, -EOPNOTSUPP when
 * the file does not allow it (use a session then), or a negative errno
 * with ks->err set (corrupt records: file offset).
 */
int kvm_stat__process(struct kvm_stat *ks, struct perf_data *data);

/** kvm_stat__finish - sorts the rows (perf's order) and fills the results. */
void kvm_stat__finish(struct kvm_stat *ks);

/** kvm_stat__reset - forgets everything counted, keys and threads too. */
void kvm_stat__reset(struct kvm_stat *ks);

/**
 * kvm_stat__clear - zeroes the counts and keeps keys and threads, as perf
 * kvm stat live does after each refresh: an exit in flight at the
 * refresh is counted in the next interval.
 */
void kvm_stat__clear(struct kvm_stat *ks);

/**
 * kvm_stat__decode - the key as perf prints it ("HLT", "0x3f8:POUT",
 * "0xfee00300:W", "0x830:W"), in @buf of @size bytes. Unknown exit codes
 * give "UNKNOWN" and are remembered in ks->unknown.
 */
const char *kvm_stat__decode(struct kvm_stat *ks, u64 key, u64 info, char *buf, size_t size);

/** kvm_stat__decode_reason - an exit code's name, "UNKNOWN" when perf has none. */
const char *kvm_stat__decode_reason(struct kvm_stat *ks, u64 code, char *buf, size_t size);

/** kvm_stat__guest_comm - the QEMU process's name, from the COMM records; never NULL. */
const char *kvm_stat__guest_comm(const struct kvm_stat *ks, s32 pid);

/** kvm_stat__reason_name - an exit code's name, or NULL. */
const char *kvm_stat__reason_name(const struct kvm_stat *ks, u64 code);

/** kvm_stat__analysis_name - "VM-EXIT", "MMIO Access", ... as perf heads the table. */
const char *kvm_stat__analysis_name(enum kvm_stat_analysis a);

/** kvm_stat_row__percentile - nearest-rank percentile @p of a guest row, ns. */
u64 kvm_stat_row__percentile(const struct kvm_stat_row *row, double p);

#endif
