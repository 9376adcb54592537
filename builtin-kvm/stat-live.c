// SPDX-License-Identifier: GPL-2.0
/*
 * pmukvm stat live: stat report's table refreshed every -d seconds, from
 * the kvm tracepoints' ring buffers, or from a data file replayed on its
 * own timestamps (-i). As perf kvm stat live, the counts start again after
 * each refresh while the keys and the vCPU threads' state stay.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "builtin-kvm/builtin.h"
#include "builtin-kvm/stat.h"
#include "ui/stdio.h"
#include "ui/tui.h"
#include "ui/tui/browser.h"
#include "util/buf.h"
#include "util/data.h"
#include "util/evlist.h"
#include "util/evsource.h"
#include "util/features.h"
#include "util/kvm-stat.h"
#include "util/options.h"
#include "util/rbreader.h"
#include "util/replay.h"
#include "util/session.h"
#include "util/synthesize.h"
#include "util/top.h"
#include "util/tracing-data.h"
#include "util/writer.h"

#define NSEC 1000000000ull
#define TICK_MS 100
#define PUMP_BUDGET_NS 50000000ull

struct live {
	struct perf_tool tool;
	struct kvm_stat_opts o;
	struct kvm_stat *ks;
	struct kvm_stat_print p;
	struct perf_data *data;
	struct session *s;
	struct evsource src;
	const char *input;
	double delay, speed;
	unsigned long long iterations, shown;
	unsigned int mmap_pages;
	s32 pid;
	bool stdio, tui, use_tui, all_cpus;
	struct guest_config guest;	/* the guest options */
	struct replay replay;		/* -i: the pacing */
	u64 next_boundary;		/* delivery time that ends the interval */
	struct rbreader *reader;	/* live: empties the ring buffers */
	u64 next_refresh_ns;
	bool finished, done;
	int err;
	struct stat_text text;		/* the snapshot on screen */
	char label[64];
	char msg[128];
};

static volatile sig_atomic_t live_stop;

static void live__sig(int sig)
{
	live_stop = 1;
}

static int opt_pid(const struct opt_desc *opt, const char *arg, bool unset, void *opts)
{
	struct live *l = opts;
	unsigned long long v;

	if (parse_u64(arg, &v) || !v || v > OPT_MAX_PID) {
		pr_err("option '-p' wants a process id, not '%s'", arg);
		return -1;
	}
	l->pid = (s32)v;
	l->p.pid_str = arg;
	return 0;
}

static const struct opt_desc live_opts[] = {
	OPT_REPLAY(struct live, input, speed, "the live tracepoints"),
	OPT_DOUBLE('d', "display", struct live, delay, 0.01, 86400, "SECONDS",
		   "seconds from 0.01 to 86400", "time between refreshes (default 1)"),
	OPT_STAT_EVENT(struct live, o.analysis),
	OPT_STAT_KEY(struct live, o.sort),
	OPT_VCPU(struct live, o.vcpu, "only vCPU N (of every guest)"),
	OPT_CALLBACK('p', "pid", opt_pid, "PID", "only this QEMU process (live: trace only it)"),
	OPT_BOOL('a', "all-cpus", struct live, all_cpus, "system-wide (the default)"),
	OPT_MMAP_PAGES(struct live, mmap_pages,
		       "live: ring buffer data pages per CPU, a power of two (default 128)"),
	OPT_BOOL(0, "stdio", struct live, stdio,
		 "a table per refresh on stdout (default when stdout is not a terminal)"),
	OPT_BOOL(0, "tui", struct live, tui, "the full-screen view (default on a terminal)"),
	OPT_UINT('n', "iterations", struct live, iterations, 1, ~0ull, "N", "a positive count",
		 "stop after N refreshes"),
	OPT_BOOL(0, "extended", struct live, p.extended,
		 "--stdio: pmukvm's tables after perf's (always on in the TUI)"),
	OPT_END
};

const struct opt_desc *stat_live_opts(void)
{
	return live_opts;
}

void stat_live_usage(void)
{
	options_usage("pmukvm stat live [options]", live_opts);
}

/* ---- snapshots ---- */

static void live__label(struct live *l, u64 t)
{
	if (l->input) {
		u64 first = l->replay.first_time;

		snprintf(l->label, sizeof(l->label), "+%.3f s of the recording",
			 t > first ? (double)(t - first) / 1e9 : 0.0);
	} else {
		struct timeval tv;
		struct tm tm;
		char hms[16];

		gettimeofday(&tv, NULL);
		localtime_r(&tv.tv_sec, &tm);
		strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
		snprintf(l->label, sizeof(l->label), "%s.%06ld", hms, (long)tv.tv_usec);
	}
}

/* Ends an interval: shows (or keeps for the screen) the tables, then zeroes. */
static void live__snapshot(struct live *l, u64 t)
{
	kvm_stat__finish(l->ks);
	live__label(l, t);
	if (!l->use_tui) {
		printf("\n# %s\n", l->label);
		kvm_stat__fprintf(l->ks, &l->p, stdout);
		fflush(stdout);
	} else if (stat_text__render(&l->text, l->ks, &l->p, false)) {
		l->err = -ENOMEM;
		return;
	}
	kvm_stat__clear(l->ks);
	l->shown++;
	if (l->iterations && l->shown >= l->iterations)
		l->done = true;
}

static bool live__skip(struct perf_tool *tool, struct evsel *evsel, const struct perf_sample *s)
{
	struct live *l = (struct live *)tool;

	if (l->done || l->ks->err.code)
		return true;
	/*
	 * Replay: an interval ends when a delivered sample passes its end, so
	 * that the intervals add up to stat report's.
	 */
	if (l->input) {
		u64 interval = (u64)(l->delay * 1e9);

		if (!l->next_boundary)
			l->next_boundary = l->replay.first_time + interval;
		while (s->time >= l->next_boundary && !l->done) {
			live__snapshot(l, l->next_boundary);
			l->next_boundary += interval;
		}
		if (l->done)
			return true;
	}
	return kvm_stat__sample(l->ks, evsel, s);
}

/* ---- replay ---- */

/*
 * Reads and delivers what the replay clock allows, for at most a tick's
 * budget (util/replay). Returns 1 when something may be due at once, 0
 * when the clock must move first, or a negative errno (said).
 */
static int replay__pump(struct live *l)
{
	int r;

	if (l->done || l->finished)
		return 0;
	r = replay__tick(&l->replay, PUMP_BUDGET_NS);
	if (r < 0) {
		pr_err("%s", err__str(&l->replay.err));
		return r;
	}
	if (l->ks->err.code) {
		pr_err("%s: %s", l->data->path, l->ks->err.msg);
		return -EINVAL;
	}
	if (l->replay.finished) {
		/* the end of the file ends the last interval */
		l->finished = true;
		if (!l->done && l->ks->nr_keys)
			live__snapshot(l, l->next_boundary);
	}
	return r || l->replay.fast;
}

/* ---- live ---- */

/* Processes what the reader thread queued; at each -d, a snapshot. */
static int live__pump(struct live *l)
{
	struct err e = ERR_INIT;
	int r = rbreader__process(l->reader, live__deliver, l->s, &e);

	if (r) {
		pr_err("%s", err__str(&e));
		return r;
	}
	if (l->ks->err.code) {
		pr_err("%s", l->ks->err.msg);
		return -EINVAL;
	}
	if (now_ns() >= l->next_refresh_ns) {
		if (session__flush(l->s)) {
			pr_err("%s", l->s->err.msg);
			return -EINVAL;
		}
		live__snapshot(l, 0);
		l->next_refresh_ns += (u64)(l->delay * 1e9);
	}
	return 0;
}

static int live__synth_cb(void *ctx, union perf_event *ev)
{
	struct live *l = ctx;

	return session__process_event(l->s, ev, 0);
}

/* The kvm tracepoints, each hit a sample as small as it can be (as perf kvm stat live). */
static int live__open(struct live *l)
{
	const struct evsource_opts so = {
		.events = "kvm:kvm_entry,kvm:kvm_exit,kvm:kvm_mmio,kvm:kvm_pio,kvm:kvm_msr",
		.sample_host = true, .sample_guest = true, .comm_only = true,
		.sample_type = PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_TID | PERF_SAMPLE_TIME |
			       PERF_SAMPLE_CPU | PERF_SAMPLE_RAW,
		.targets = &l->pid, .nr_targets = l->pid != 0, .target_pids = true,
		.system_wide = !l->pid, .mmap_pages = l->mmap_pages,
	};
	struct buf fb = { 0 };
	char cpuid[128];
	int err;

	err = evsource__init(&l->src, &so);
	if (err) {
		pr_err("%s (is the kvm module loaded?)", err__str(&l->src.err));
		return err;
	}
	err = evsource__open(&l->src, &so);
	if (err) {
		pr_err("%s", err__str(&l->src.err));
		return err;
	}
	l->data = evsource__perf_data(&l->src);
	/* what a file would carry: the formats and the CPU */
	err = tracing_data__build(l->src.evlist, &fb);
	if (err) {
		pr_err("cannot read the kvm tracepoint formats: %s", strerror(-err));
		buf__free(&fb);
		return err;
	}
	l->data->info.tracing_data = buf__detach(&fb, &l->data->info.tracing_data_size);
	cpuid__string(cpuid, sizeof(cpuid));
	l->data->info.cpuid = xstrdup(cpuid);
	l->data->info.arch = xstrdup("x86_64");
	return 0;
}

/* The QEMU processes' names, for the guest column; then the tracepoints start. */
static int live__start(struct live *l)
{
	const struct synth_target t = { .targets = &l->pid, .nr_targets = l->pid != 0 };
	struct err warn, msg;
	int err;

	synthesize__state(&t, 4 * sizeof(u64) /* TID TIME CPU IDENTIFIER */, live__synth_cb, l,
			  &warn, &msg);
	l->next_refresh_ns = now_ns() + (u64)(l->delay * 1e9);
	if (evlist__enable(l->src.evlist)) {
		pr_err("cannot enable the kvm tracepoints");
		return -1;
	}
	l->reader = rbreader__start(l->src.evlist, RBREADER_MAX, &err);
	if (!l->reader) {
		pr_err("cannot start the ring-buffer reader: %s", strerror(-err));
		return -1;
	}
	return 0;
}

/* ---- the two faces ---- */

static int live__tick(void *ctx)
{
	struct live *l = ctx;
	u64 shown = l->shown;
	int r;

	if (live_stop)
		return -1;
	r = l->input ? replay__pump(l) : live__pump(l);
	if (r < 0)
		return r < -1 ? r : -2;
	return l->shown != shown;
}

static void live__title(void *ctx, char *buf, size_t len)
{
	struct live *l = ctx;

	snprintf(buf, len, "pmukvm stat live: %s, %s order, every %.2f s%s%s%s  [%s]",
		 kvm_stat__analysis_name(l->o.analysis),
		 l->ks->opts.sort == KVM_STAT_SORT_TIME ? "time" : "sample", l->delay,
		 l->input ? ", replay of " : "", l->input ? l->input : "",
		 l->finished ? " (finished)" : "",
		 l->shown ? l->label : "waiting for the first refresh");
}

static const char *const *live__lines(void *ctx, size_t *nr)
{
	struct live *l = ctx;

	*nr = l->text.nr_lines;
	return (const char *const *)l->text.lines;
}

static const char *live__key(void *ctx, int key)
{
	struct live *l = ctx;

	stat_tui__key(l->ks, &l->p, key, true, l->msg, sizeof(l->msg));
	return l->msg;
}

static int live__run_stdio(struct live *l)
{
	while (!live_stop && !l->done && !(l->input && l->finished)) {
		int r = l->input ? replay__pump(l) : live__pump(l);

		if (r < 0)
			return 1;
		if (ferror(stdout))
			return 1;
		if (l->input) {
			if (!r)		/* the next record is not due yet */
				usleep(TICK_MS * 1000 / 10);
		} else if (!l->done) {
			/* the reader thread polls; here, until the refresh is due */
			u64 now = now_ns(), wait = TICK_MS * 1000000ull;

			if (l->next_refresh_ns > now && l->next_refresh_ns - now < wait)
				wait = l->next_refresh_ns - now;
			else if (l->next_refresh_ns <= now)
				wait = 0;
			if (wait)
				usleep((useconds_t)(wait / 1000));
		}
	}
	return 0;
}

int stat_live(int argc, char **argv, struct guest_config *gc)
{
	struct live l = {
		.tool = { .skip = live__skip },
		.o = { .vcpu = -1, .extended = true },
		.delay = 1, .speed = 1, .mmap_pages = 128,
		.guest = *gc,
	};
	struct err err;
	struct sigaction sa;
	int i, e, ret = 1;

	i = options_parse(argc, argv, "pmukvm stat live [options]", live_opts, &l, &l.guest);
	if (i < 0)
		return 129;
	if (i < argc) {
		pr_err("stat live takes no arguments ('%s')", argv[i]);
		return 129;
	}
	if (l.tui && l.stdio) {
		pr_err("--tui does not go with --stdio");
		return 129;
	}
	if (!l.input && global_input)
		l.input = global_input;
	l.use_tui = !l.stdio && (l.tui || isatty(1));
	if (l.use_tui && (!isatty(0) || !isatty(1))) {
		if (l.tui) {
			pr_err("--tui needs a terminal on stdin and stdout (use --stdio)");
			return 1;
		}
		l.use_tui = false;
	}
	if (l.use_tui && tui__load(l.tui)) {
		if (l.tui)
			return 1;
		l.use_tui = false;
	}
	if (l.use_tui)
		l.p.extended = !l.p.extended;	/* on in the TUI unless asked off */
	if (l.pid) {
		l.o.pids = &l.pid;
		l.o.nr_pids = 1;
	}
	guest_config__finish(&l.guest);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = live__sig;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	if (l.input) {
		l.data = perf_data__open(l.input, &err);
		if (!l.data) {
			pr_err("%s", err.msg);
			return 1;
		}
	} else if (live__open(&l)) {
		goto out;
	}
	l.ks = kvm_stat__new(&l.o);
	if (kvm_stat__setup(l.ks, l.data)) {
		pr_err("%s", l.ks->err.msg);
		goto out;
	}
	l.s = session__new(l.data, &l.tool, &l.guest, &err);
	if (!l.s) {
		pr_err("%s", err.msg);
		goto out;
	}
	l.ks->machines = &l.s->machines;
	if (l.input) {
		replay__init_session(&l.replay, l.speed, l.delay, l.data, l.s);
		replay__start(&l.replay);
	} else if (live__start(&l)) {
		goto out;
	}
	if (l.use_tui) {
		struct kvm_stat_tui_ops ops = {
			.tick = live__tick, .title = live__title, .lines = live__lines,
			.key = live__key, .ctx = &l,
		};

		e = tui__init();
		if (e) {
			if (e != -ENOENT)	/* -ENOENT: tui__init said why */
				pr_err("--tui needs a terminal on stdin and stdout (use --stdio)");
			goto out;
		}
		e = kvm_stat__tui(&ops);
		tui__exit();
		ret = e ? 1 : 0;
	} else {
		ret = live__run_stdio(&l);
	}
	if (l.src.evlist)
		evlist__disable(l.src.evlist);
out:
	rbreader__delete(l.reader);
	if (l.s)
		session__delete(l.s);
	kvm_stat__delete(l.ks);
	if (l.data)
		perf_data__delete(l.data);
	evsource__exit(&l.src);		/* after the data: its events are the source's */
	stat_text__exit(&l.text);
	return ret;
}
