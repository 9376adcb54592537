/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_RECORD_H
#define PMUKVM_RECORD_H

/*
 * A recording: the event source (util/evsource) written into a data file
 * (util/writer) as it is read, with the state before the start
 * (util/synthesize), the guests' symbol files carried, the BUILD_ID of
 * every file a sampled process mapped, --switch-output's new files, and
 * the command it runs (util/workload). builtin-kvm/record.c parses the
 * options into struct record_opts and hands over.
 *
 * Failures are said on stderr here, where the context to say them is;
 * the functions return the command's exit status.
 */
#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "util/buf.h"
#include "util/evsource.h"
#include "util/options.h"
#include "util/util.h"
#include "util/workload.h"
#include "util/writer.h"

struct guest_machine;

#define MAX_TARGETS		1024		/* ids in one -p or -t list */

/** struct record_opts - record's options, as parsed. */
struct record_opts {
	const char *events;
	const char *output;
	const char *cpus;
	pid_t pid, tid;			/* the first of -p or -t */
	pid_t targets[MAX_TARGETS];	/* all of -p or -t */
	int nr_targets;
	bool system_wide;
	unsigned long long freq, period;
	double duration;
	unsigned int mmap_pages;
	enum callgraph_mode callgraph;
	u32 stack_size;
	int comp_level;			/* -z: zstd level, 0 for none */
	/* --switch-output: on SIGUSR2, past a size or after a time. */
	bool switch_signal;
	u64 switch_size, switch_ns;
	bool quiet;
	bool guest_memory;
	bool inherit_stat;		/* -s */
	bool no_buildid_cache;		/* -N: the kernel's kallsyms not kept */
	struct guest_config guest;	/* the guest options */
};

/**
 * struct record_signals - set by the command's signal handler: @done
 * (SIGINT, SIGTERM), @child_done (SIGCHLD), @switch_pending (SIGUSR2).
 */
struct record_signals {
	volatile sig_atomic_t done, child_done, switch_pending;
};

/** struct pend - a map of a process not sampled yet: its pid, the file's number. */
struct pend {
	u32 pid, file;
};

/** struct record - what the read loop keeps while writing. */
struct record {
	struct record_opts opts;
	const char *version;		/* HEADER_VERSION: "pmukvm <version>" */
	bool kvm_stat;			/* stat record: the dummy:HG side band */
	struct record_signals *sig;
	void (*sig_handler)(int);	/* installed once the events are built */
	struct evsource src;
	struct evlist *evlist;		/* src's */
	struct workload workload;
	bool has_workload;
	/*
	 * The command runs while a target (-a, -C, -p, -t) is recorded and
	 * ends the recording when it exits (perf's "-a -- sleep 10"): it is
	 * not the target, and starts once the events are enabled.
	 */
	bool workload_timer;
	struct perf_writer *writer;
	u64 samples, lost;
	u64 first_time, last_time;
	/*
	 * For BUILD_ID: the files mapped executable, each once (@files),
	 * marked @needed once a process that mapped it got samples. Maps of
	 * processes not sampled yet wait in @pend; the entries of processes
	 * that exited unsampled are dropped, so memory follows the live
	 * processes, not every process of a long -a run.
	 */
	u8 *sampled_pids;		/* bitmap of pids that got samples */
	u8 *exited_pids;		/* bitmap of pids whose process exited */
	struct str_set files;
	u8 *needed;			/* by file number */
	size_t alloc_needed;
	struct pend *pend;
	size_t nr_pend, alloc_pend, compact_at;
	bool kernel_sampled;		/* a host kernel sample: its build-id too */
	u32 drop_mode;			/* bit per cpumode: samples not to keep */
	bool drop_by_event;		/* events differ in drop_mode */
	u64 dropped;
	/* The guests, and what a new output file (--switch-output) needs again. */
	char gm_dir[4096];		/* --guest-memory: the guests' tree */
	struct guest_machine *guests;
	size_t nr_guests;
	struct buf guest_fb;
	struct buf tracing_fb;	/* HEADER_TRACING_DATA, built once */
	bool tracing_done;
	u64 seg_samples, nr_switches;
	bool switch_failed;		/* the files are as the message said */
	u8 *trimbuf;			/* DWARF: a sample with its stack cut */
	u64 trimmed;			/* bytes of stack copies not written */
	int write_err;
	struct err err;			/* why record__guests or a setup step failed */
};

/**
 * record__guests - the guests of the guest options (with --guest-memory,
 * those read from memory first, opts.guest.mount pointing at their tree
 * then), their files checked and packed for the file. Returns 0, or a
 * negative errno with @err saying why (the command prints it).
 */
int record__guests(struct record *rec);

/**
 * record__run - opens the events on the target (@argv: the command, or
 * NULL), writes the file until a signal, --duration, the target's end or
 * a write error, and finishes it. Returns the exit status (129: a wrong
 * event or CPU list), said.
 */
int record__run(struct record *rec, char **argv);

/** record__exit - stops the command if it still runs, frees everything. */
void record__exit(struct record *rec);

/**
 * record__cap_freq - @o's -F, capped at perf_event_max_sample_rate (said
 * unless quiet; @freq_given: the user asked for it).
 */
unsigned long long record__cap_freq(const struct record_opts *o, bool freq_given);

#endif
