/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_TOP_H
#define PMUKVM_TOP_H

/*
 * top's engine: report's pipeline (session -> machine model -> hists) fed
 * from a source that keeps running, an interval at a time. The source is
 * a data file replayed on its own timestamps (util/replay), or the live
 * events (util/evsource) emptied by a reader thread (util/rbreader) and
 * processed at each tick. Each interval ends with the rows shown, then
 * decayed by 7/8 (or zeroed, or kept), as perf top does.
 * builtin-kvm/top.c parses the options into struct top and shows it.
 */
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "util/callchain.h"
#include "util/evsource.h"
#include "util/hist.h"
#include "util/options.h"
#include "util/replay.h"
#include "util/session.h"
#include "util/util.h"

struct perf_data;
struct rbreader;

#define TOP_TICK_MS	100		/* key and ring-buffer polling */
#define TOP_MAX_CPU	4096		/* -C: CPU numbers below this */

/** struct top - top's options (as parsed), its pipeline and its intervals. */
struct top {
	struct perf_tool tool;
	/* Options. */
	const char *input, *sort, *event, *kallsyms, *vmlinux;
	bool ignore_vmlinux;
	double speed, delay, percent_limit;
	bool no_decay, zero, stdio, tui, show_nr_samples, hide_kernel, hide_user;
	bool guest_memory;
	struct guest_config guest;	/* the guest options */
	bool callchain;			/* -g */
	struct callchain_param cg;
	struct callchain_frame *frames;	/* -g: CALLCHAIN_MAX_FRAMES of them */
	char gm_dir[4096];	/* --guest-memory: the guests' tree */
	bool system_wide;
	const char *cpu_list;		/* -C as given */
	bool *cpus;			/* -C: [TOP_MAX_CPU], NULL without -C */
	long iterations, rows;
	pid_t pid;
	unsigned long long freq, period;
	bool freq_given;
	unsigned int mmap_pages;
	/* The pipeline. */
	struct perf_data *data;
	struct session *session;
	struct hists base;		/* every key apart: see ui/tui.h */
	struct sort_order so;		/* what is shown */
	bool count_guest, count_host;
	bool sample_guest, sample_host;	/* live: the exclude bits */
	u64 other_events;		/* samples of events after the first: not shown */
	u64 hidden;			/* left out by -K, -U or -C */
	/* Refresh bookkeeping. */
	u64 interval_samples, last_interval_samples;
	double rate;			/* samples/s of the last interval */
	u64 shown_samples;		/* base.nr_samples at the last refresh */
	u64 last_refresh_ns;
	u64 span_start, span_end;	/* live: the sample times the rate is over */
	long snapshots;
	bool decay_due;
	bool zero_due;
	bool finished;			/* the last interval was shown: it stays */
	char event_name[64];
	/* Replay. */
	struct replay replay;
	/* Live. */
	struct evsource src;
	struct rbreader *reader;
	bool live_done;			/* -p's process is gone */
	bool live_error;		/* a pump from ui__idle failed */
	bool fellback;			/* cycles became cpu-clock */
	/* What went wrong, for the command to say. */
	struct err err;			/* why top__open or top__tick failed */
	struct err warn;		/* what synthesizing the state before the start skipped */
};

/**
 * top__open - the source (the -i file, or the live events opened,
 * what ran before synthesized and the reader started) and the session.
 * Returns 0 or a negative errno, @err saying why; @warn, @fellback and
 * @src's user_only have what to warn of, failed or not.
 */
int top__open(struct top *top);

/** top__start - the clocks start: replay pacing and the first interval. */
void top__start(struct top *top);

/**
 * top__tick - one step: what is due processed. Returns 1 when an interval
 * ended (new rows to show), 0 when not, or a negative errno (@err says
 * why: the command prints it).
 */
int top__tick(void *top);

/** top__after_show - the decay (or zeroing) after the rows were shown. */
void top__after_show(struct top *top);

/**
 * top__idle - while the screen waits (a popup, a prompt): keeps the ring
 * buffers drained; a failure is kept in @err for the next top__tick.
 */
void top__idle(void *top);

/** top__title - the browser's title line: samples, event, rate, lost, accumulation. */
void top__title(void *top, char *buf, size_t len);

/** top__lost - the records the kernel dropped so far. */
u64 top__lost(const struct top *top);

/** top__exit - stops the reader and closes everything top__open made. */
void top__exit(struct top *top);

/** top__print_snapshot - a batch snapshot (ui/stdio/top.c): header and rows. */
void top__print_snapshot(struct top *top, FILE *fp);

/**
 * live__deliver - an rbreader_cb (util/rbreader.h) for a live session,
 * top's and stat live's: a record read from the ring buffers goes to the
 * struct session @session; on failure the session's error is copied to
 * @e and a negative errno returned.
 */
int live__deliver(void *session, union perf_event *ev, struct err *e);

#endif
