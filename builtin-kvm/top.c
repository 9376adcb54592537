// SPDX-License-Identifier: GPL-2.0
/*
 * pmukvm top: report's pipeline (session -> machine model -> hists) fed
 * from a source that keeps running, shown again every -d seconds.
 *
 * Sources: a data file replayed on its own timestamps (-i), or the ring
 * buffers of util/evlist (live). Each refresh flushes the session's time
 * queue, shows the rows and decays them by 7/8, as perf top does.
 *
 * Time in replay is "virtual": nanoseconds of recording since the first
 * timestamp. At --speed X a record is due when X * (wall time since the
 * start) reaches its virtual time, and a refresh comes every X * delay
 * virtual ns; at --speed 0 nothing waits and a refresh comes every delay
 * seconds of recording, so that snapshots do not depend on the machine.
 *
 * Live, a reader thread empties the ring buffers into memory as soon as
 * they fill, so that a slow step of the screen's thread (loading a large
 * symbol table, a popup waiting for a key) does not make the kernel drop
 * samples; the screen's thread processes what was read at each tick.
 */
#include <errno.h>
#include <inttypes.h>
#include <linux/perf_event.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "builtin-kvm/builtin.h"
#include "ui/stdio.h"
#include "ui/tui.h"
#include "ui/tui/browser.h"
#include "util/buf.h"
#include "util/callchain.h"
#include "util/data.h"
#include "util/evlist.h"
#include "util/guest.h"
#include "util/guestmem.h"
#include "util/hist.h"
#include "util/options.h"
#include "util/session.h"
#include "util/writer.h"
#include "util/synthesize.h"

#define NSEC		1000000000ull
#define TICK_MS		100		/* key and ring-buffer polling */
#define PUMP_BUDGET_NS	50000000ull	/* the UI answers keys at least this often */
#define DEFAULT_FREQ	4000
#define DEFAULT_PAGES	128
#define QUEUE_MAX	(64u << 20)	/* live: records read, not yet processed */

#define MAX_CPU_LIST	4096	/* -C: CPU numbers below this */

static const char top_usage[] =
	"pmukvm [guest options] top [-i FILE [--speed X]] [-a | -C LIST | -p PID] [--stdio [--iterations N]] [OPTIONS]";

struct top {
	struct perf_tool tool;
	/* Options. */
	const char *input, *sort, *event, *kallsyms;
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
	bool *cpus;			/* -C: [MAX_CPU_LIST], NULL without -C */
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
	u64 start_ns, last_refresh_ns;
	long snapshots;
	bool decay_due;
	bool zero_due;
	char event_name[64];
	/* Replay. */
	bool fast;
	u64 first_time, last_vt, next_refresh_vt, last_refresh_vt;
	u64 safe_vt;			/* the queue is complete up to here */
	u64 round_vt, prev_round_vt;	/* newest time of this round, of the last */
	bool eof, finished;
	/* Live. */
	struct evlist *evlist;
	struct live_reader *reader;
	bool live_done;
	bool live_error;		/* a pump from ui__idle failed */
	bool fellback;			/* cycles became cpu-clock */
};

static volatile sig_atomic_t top_done;

static void top__sig(int sig)
{
	(void)sig;
	top_done = 1;
}

static int opt_cpu(const struct opt_desc *opt, const char *arg, bool unset, void *opts)
{
	struct top *top = opts;

	if (!top->cpus)
		top->cpus = xcalloc(MAX_CPU_LIST, sizeof(*top->cpus));
	if (parse_cpu_list(arg, top->cpus, MAX_CPU_LIST)) {
		pr_err("--cpu wants a CPU list such as 0-3,7 (CPUs below %d), not '%s'",
		       MAX_CPU_LIST, arg);
		return -1;
	}
	top->cpu_list = arg;
	return 0;
}

static int opt_event(const struct opt_desc *opt, const char *arg, bool unset, void *opts)
{
	struct top *top = opts;
	struct perf_event_attr attr;

	/* A wrong name is a usage error, found before anything opens. */
	if (event_name__parse(arg, &attr)) {
		pr_err("unknown event '%s' (known: %s)", arg, event_names_known);
		return -1;
	}
	top->event = arg;
	return 0;
}

static const struct opt_desc top_opts[] = {
	OPT_STRING('i', "input", struct top, input, "FILE",
		   "replay a data file on its own timestamps instead of sampling live"),
	OPT_SPEED(struct top, speed,
		  "replay X times faster than recorded (default 1; 0: as fast as possible)"),
	OPT_DOUBLE('d', "delay", struct top, delay, 0.05, 3600, "SECONDS",
		   "seconds from 0.05 to 3600", "refresh interval (default 2)"),
	OPT_BOOL(0, "no-decay", struct top, no_decay,
		 "cumulative counts (default: decay by 7/8 at each refresh)"),
	OPT_BOOL('z', "zero", struct top, zero,
		 "zero the counts at each refresh: each view holds one interval"),
	OPT_STRING('s', "sort", struct top, sort, "KEYS",
		   "sort keys: comm, pid, dso, sym, guest, vcpu, mode (default mode,dso,sym)"),
	OPT_BOOL(0, "stdio", struct top, stdio,
		 "batch mode: a text snapshot per interval (default when stdout is not a terminal)"),
	OPT_BOOL(0, "tui", struct top, tui, "the interactive browser (default on a terminal)"),
	OPT_UINT(0, "iterations", struct top, iterations, 1, 1000000000, "N", "a positive count",
		 "batch mode: stop after N snapshots"),
	OPT_UINT('E', "entries", struct top, rows, 0, 1000000000, "N", "a count",
		 "batch mode: rows per snapshot (default 20, 0: all)"),
	OPT_BOOL('n', "show-nr-samples", struct top, show_nr_samples,
		 "batch mode: a Samples column (the browser always has one)"),
	OPT_PERCENT(0, "percent-limit", struct top, percent_limit,
		    "hide rows below PCT percent of the samples shown"),
	OPT_BOOL('K', "hide_kernel_symbols", struct top, hide_kernel,
		 "leave out kernel samples, host and guest"),
	OPT_BOOL('U', "hide_user_symbols", struct top, hide_user,
		 "leave out user samples, host and guest"),
	OPT_CALLBACK('C', "cpu", opt_cpu, "LIST",
		     "only CPUs in LIST (0-3,7): live, the CPUs sampled; replay, the samples taken there"),
	OPT_BOOL('a', "all-cpus", struct top, system_wide, "live: sample every CPU (the default)"),
	OPT_PID('p', "pid", struct top, pid, "live: sample the threads of one process"),
	OPT_CALLBACK('e', "event", opt_event, "EVENT",
		     "live: cycles, instructions, branches, branch-misses, cache-misses, "
		     "cache-references, ref-cycles, cpu-clock, task-clock, rNNNN "
		     "(default cycles; cpu-clock where there is no PMU)"),
	OPT_FREQ(struct top, freq, "live: samples per second (default 4000)"),
	OPT_PERIOD(struct top, period, "N",
		   "live: a sample every N events, instead of a frequency (-F)"),
	OPT_MMAP_PAGES(struct top, mmap_pages,
		       "live: ring buffer pages per CPU, a power of two (default 128)"),
	OPT_STRING('k', "kallsyms", struct top, kallsyms, "FILE",
		   "host kernel symbols (default /proc/kallsyms)"),
	OPT_BOOL(0, "guest-memory", struct top, guest_memory,
		 "live: each running guest's kernel symbols read from its memory at the start"),
	OPT_BOOL('g', "call-graph", struct top, callchain,
		 "call graphs: live, callchains sampled (frame pointers, as record -g); each row's "
		 "callers in the browser and the snapshots (callee order, as report -g without "
		 "Children)"),
	OPT_END
};

static bool is_guest_mode(u8 cpumode)
{
	return cpumode == PERF_RECORD_MISC_GUEST_KERNEL || cpumode == PERF_RECORD_MISC_GUEST_USER;
}

static bool is_kernel_mode(u8 cpumode)
{
	return cpumode == PERF_RECORD_MISC_KERNEL || cpumode == PERF_RECORD_MISC_GUEST_KERNEL;
}

/* -K, -U and (replay) -C: samples left out before they are counted. */
static bool top__hides(const struct top *top, const struct perf_sample *sample)
{
	if (is_kernel_mode(sample->cpumode) ? top->hide_kernel : top->hide_user)
		return true;
	/* Live, only the -C CPUs are open; replay filters on the sample's CPU. */
	return top->cpus && (sample->cpu >= MAX_CPU_LIST || !top->cpus[sample->cpu]);
}

static int top__sample(struct perf_tool *tool, struct session *session, struct evsel *evsel,
		       const struct perf_sample *sample, struct addr_location *al)
{
	struct top *top = (struct top *)tool;
	struct hist_entry *he;

	/* One event on screen, as perf top without -e lists shows. */
	if (evsel->idx) {
		top->other_events++;
		return 0;
	}
	if (is_guest_mode(sample->cpumode) ? !top->count_guest : !top->count_host) {
		top->base.nr_filtered++;
		return 0;
	}
	if (top__hides(top, sample)) {
		top->hidden++;
		return 0;
	}
	he = hists__add_cpu(&top->base, al, sample->period,
			    evsel->attr.sample_type & PERF_SAMPLE_CPU ? (int)sample->cpu : -1,
			    false);
	if (top->callchain && sample->callchain_nr) {
		size_t n = machines__resolve_callchain(&session->machines, sample, top->frames,
						       CALLCHAIN_MAX_FRAMES);

		callchain__add(&he->callchain, top->frames, n, sample->period);
	}
	top->interval_samples++;
	return 0;
}

/* ---- refresh ---- */

static u64 top__lost(const struct top *top)
{
	const struct session_stats *st = &top->session->stats;

	return st->nr_lost + st->nr_lost_samples;
}

/*
 * Ends an interval: everything queued reaches the hists, the rate is
 * taken. The decay comes after the rows are shown (top__after_show).
 */
static int top__refresh(struct top *top)
{
	struct session *s = top->session;
	u64 now = now_ns();
	double secs;
	int err = 0;

	/*
	 * Records of one ring buffer can be older than those of another read
	 * before them; only a FINISHED_ROUND says that nothing older can come
	 * (the session flushes there). Flushing everything at each refresh
	 * would hand samples over before the MMAPs that resolve them. So live,
	 * the whole queue goes only while no round has come, and when the
	 * target is gone; the replay paces its own flushes (replay__pump).
	 */
	if (!top->input && (top->live_done || !s->stats.nr_events[PERF_RECORD_FINISHED_ROUND]))
		err = session__flush(s);
	if (err) {
		pr_err("%s", s->errbuf);
		return err;
	}
	if (top->input) {
		/* Replay: the interval in recorded time, whatever the speed. */
		secs = (double)(top->last_vt - top->last_refresh_vt) / 1e9;
		top->last_refresh_vt = top->last_vt;
	} else {
		secs = (double)(now - top->last_refresh_ns) / 1e9;
	}
	top->rate = secs > 0 ? (double)top->interval_samples / secs : 0;
	top->last_interval_samples = top->interval_samples;
	top->interval_samples = 0;
	top->last_refresh_ns = now;
	top->shown_samples = top->base.nr_samples;
	top->snapshots++;
	return 0;
}

static void top__after_show(struct top *top)
{
	/* The last snapshot stays: nothing comes to replace what decays. */
	if (top->finished)
		return;
	if (top->zero)
		hists__reset(&top->base);
	else if (!top->no_decay)
		hists__decay(&top->base);
}

static const char *top__accumulation(const struct top *top)
{
	return top->zero ? "zeroed each refresh" : top->no_decay ? "cumulative" : "decay 7/8";
}

static double pct(u64 a, u64 b)
{
	return b ? 100.0 * (double)a / (double)b : 0;
}

static void top__title(void *ctx, char *buf, size_t len)
{
	struct top *top = ctx;
	size_t n;

	n = (size_t)snprintf(buf, len, "Samples: %" PRIu64 " of event '%s', %.0f samples/s, "
			     "lost: %" PRIu64 ", %s", top->shown_samples, top->event_name,
			     top->rate, top__lost(top), top__accumulation(top));
	if (n >= len)
		return;
	if (top->input)
		snprintf(buf + n, len - n, "  [replay +%.1fs%s]", (double)top->last_vt / 1e9,
			 top->finished ? ", ended" : "");
	else if (top->live_done)
		snprintf(buf + n, len - n, "  [target exited]");
}

/* The header of a batch snapshot: when, how much, guest/host split. */
static void top__print_snapshot(struct top *top, FILE *fp)
{
	const u64 *m = top->base.mode_samples;
	struct stdio_opts sopts = {
		.show_nr_samples = top->show_nr_samples, .header_names = true,
		.max_rows = (size_t)top->rows, .percent_limit = top->percent_limit,
		.callchain = top->callchain, .cg = top->cg, .callchain_min = top->cg.min_percent,
	};
	struct hists view;
	u64 total = 0, gk = m[PERF_RECORD_MISC_GUEST_KERNEL], gu = m[PERF_RECORD_MISC_GUEST_USER];
	char when[64];
	time_t t = time(NULL);
	size_t i;
	int k;

	strftime(when, sizeof(when), "%H:%M:%S", localtime(&t));
	for (k = 0; k < 8; k++)
		total += m[k];
	fprintf(fp, "# pmukvm top %s  snapshot %ld", when, top->snapshots);
	if (top->input)
		fprintf(fp, "  replay +%.3fs", (double)top->last_vt / 1e9);
	fprintf(fp, "\n# Samples: %" PRIu64 " of event '%s' (%" PRIu64 " this interval, %.0f/s)"
		"  lost: %" PRIu64 "\n", top->base.nr_samples, top->event_name,
		top->last_interval_samples, top->rate, top__lost(top));
	if (top->other_events)
		fprintf(fp, "# (%" PRIu64 " samples of the file's other events are not shown)\n",
			top->other_events);
	if (top->hidden)
		fprintf(fp, "# (%" PRIu64 " samples left out by%s%s%s)\n", top->hidden,
			top->hide_kernel ? " -K" : "", top->hide_user ? " -U" : "",
			top->cpus && top->input ? " -C" : "");
	fprintf(fp, "# guest %.1f%% (kernel %.1f%% user %.1f%%)  host %.1f%% (kernel %.1f%% "
		"user %.1f%%)\n", pct(gk + gu, total), pct(gk, total), pct(gu, total),
		pct(total - gk - gu, total), pct(m[PERF_RECORD_MISC_KERNEL], total),
		pct(m[PERF_RECORD_MISC_USER], total));
	/* The base keeps every key apart; the snapshot groups by --sort. */
	hists__init(&view, &top->so);
	for (i = 0; i < top->base.table_size; i++) {
		for (const struct hist_entry *he = top->base.table[i]; he; he = he->hnext) {
			struct hist_entry *row = hists__add_entry(&view, he);

			/* -g: the view's own trees, merged (hists__exit frees them) */
			callchain__merge(&row->callchain, he->callchain);
		}
	}
	hists__sort(&view);
	hists__fprintf(&view, &sopts, fp);
	fprintf(fp, "\n");
	fflush(fp);
	hists__exit(&view);
}

/* ---- replay ---- */

/* A record's timestamp, or 0 when it has none. */
static u64 replay__time(struct top *top, union perf_event *ev)
{
	struct perf_data *d = top->data;
	struct perf_sample s = { 0 };
	struct evsel *evsel;

	if (ev->header.type == PERF_RECORD_SAMPLE) {
		evsel = perf_data__evsel_of(d, ev);
		if (evsel && !perf_data__parse_sample(d, evsel, ev, &s))
			return s.time;
	} else if (ev->header.type < PERF_RECORD_HEADER_ATTR && d->sample_id_all &&
		   !perf_data__parse_trailer(d, ev, &s)) {
		return s.time;
	}
	return 0;
}

static u64 replay__vt(const struct top *top, u64 t)
{
	return t > top->first_time ? t - top->first_time : 0;
}

/* Virtual now: how far the replay may have come by the wall clock. */
static u64 replay__vnow(const struct top *top)
{
	if (top->fast)
		return UINT64_MAX;
	return (u64)((double)(now_ns() - top->start_ns) * top->speed);
}

enum pump_ret { PUMP_WAIT, PUMP_REFRESH, PUMP_ERROR };

/*
 * Reads ahead until the time queue is known complete up to @target_vt:
 * perf's rule, everything up to the newest timestamp of the round before
 * the last FINISHED_ROUND is in (per-CPU buffers interleave in the file,
 * and a short recording may be one round). The rounds are kept from the
 * session, so that it delivers only as the replay clock says.
 */
static int replay__read_ahead(struct top *top, u64 target_vt, u64 deadline)
{
	u64 n = 0;

	while (!top->eof && top->safe_vt < target_vt) {
		union perf_event *ev;
		u64 off, t;
		int r = perf_data__next(top->data, &ev, &off);

		if (r < 0) {
			pr_err("%s", top->data->errbuf);
			return -1;
		}
		if (r == 0) {
			top->eof = true;
			top->safe_vt = UINT64_MAX;
			break;
		}
		if (ev->header.type == PERF_RECORD_FINISHED_ROUND) {
			top->safe_vt = top->prev_round_vt;
			top->prev_round_vt = top->round_vt;
			continue;
		}
		t = replay__time(top, ev);
		if (t && !top->first_time)
			top->first_time = t;
		if (replay__vt(top, t) > top->round_vt)
			top->round_vt = replay__vt(top, t);
		if (session__process_event(top->session, ev, off)) {
			pr_err("%s", top->session->errbuf);
			return -1;
		}
		if ((++n & 255) == 0 && now_ns() > deadline)
			break;
	}
	return 0;
}

/*
 * Delivers what is due by the replay clock, at most PUMP_BUDGET_NS of
 * reading. PUMP_REFRESH: the interval (or the file) is complete.
 */
static enum pump_ret replay__pump(struct top *top)
{
	u64 deadline = now_ns() + PUMP_BUDGET_NS;
	u64 target = min_t(u64, replay__vnow(top), top->next_refresh_vt), upto;

	if (replay__read_ahead(top, target, deadline))
		return PUMP_ERROR;
	upto = min_t(u64, target, top->safe_vt);
	if (upto > top->last_vt || top->eof) {
		/* -1: the next interval starts at the boundary itself. */
		u64 abs = top->eof && target >= top->round_vt ? UINT64_MAX :
			  top->first_time + upto - (upto == top->next_refresh_vt);

		if (session__flush_until(top->session, abs)) {
			pr_err("%s", top->session->errbuf);
			return PUMP_ERROR;
		}
		if (upto > top->last_vt)
			top->last_vt = upto;
	}
	if (top->eof && top->last_vt >= top->round_vt)
		return PUMP_REFRESH;
	return upto >= top->next_refresh_vt ? PUMP_REFRESH : PUMP_WAIT;
}

static u64 replay__interval(const struct top *top)
{
	double v = top->delay * 1e9 * (top->fast ? 1.0 : top->speed);

	return v >= 1.8e19 ? UINT64_MAX / 2 : (u64)v;
}

/* Ends an interval of the replay; >0: new rows to show, <0 error. */
static int replay__tick(struct top *top)
{
	enum pump_ret pr;

	if (top->finished)
		return 0;
	pr = replay__pump(top);
	if (pr == PUMP_ERROR)
		return -1;
	if (pr == PUMP_WAIT)
		return 0;
	if (top->eof && top->last_vt >= top->round_vt) {
		top->finished = true;
		top->last_vt = top->round_vt;
	} else {
		top->next_refresh_vt += replay__interval(top);
	}
	return top__refresh(top) ? -1 : 1;
}

/* ---- live ---- */

static int live__synth_cb(void *ctx, union perf_event *ev)
{
	struct top *top = ctx;

	return session__process_event(top->session, ev, 0);
}

/*
 * The reader thread. It owns the ring buffers from evlist__enable until it
 * is joined; what it reads goes to a byte queue, one pass of all buffers
 * followed by a FINISHED_ROUND. Above QUEUE_MAX it stops reading, and the
 * kernel counts what it then drops in LOST records: memory stays bounded.
 */
struct live_reader {
	pthread_t thread;
	pthread_mutex_t lock;
	struct evlist *evlist;
	struct buf queue;		/* under lock */
	bool stop;			/* under lock */
	bool joined;
	long err;			/* under lock: evlist__read's error */
};

static int reader__cb(void *ctx, union perf_event *ev, int mmap_idx)
{
	struct live_reader *r = ctx;

	(void)mmap_idx;
	buf__append(&r->queue, ev, ev->header.size);
	return 0;
}

static void *reader__main(void *arg)
{
	struct live_reader *r = arg;
	const struct perf_event_header round = { .type = PERF_RECORD_FINISHED_ROUND,
						 .size = sizeof(round) };
	bool stop = false, full = false;

	while (!stop) {
		long n;

		if (full)
			usleep(TICK_MS * 1000 / 10);
		else
			evlist__poll(r->evlist, TICK_MS);
		/*
		 * A pass copies at most the buffers' size: the lock is held
		 * for that. After stop, one last pass: what is there now.
		 */
		pthread_mutex_lock(&r->lock);
		stop = r->stop;
		if (stop || r->queue.len < QUEUE_MAX) {
			n = evlist__read(r->evlist, reader__cb, r);
			if (n > 0)
				buf__append(&r->queue, &round, sizeof(round));
			if (n < 0) {
				r->err = n;
				stop = true;
			}
		}
		full = r->queue.len >= QUEUE_MAX;
		pthread_mutex_unlock(&r->lock);
	}
	return NULL;
}

/* Starts the reader; signals stay with the screen's thread. */
static int reader__start(struct top *top)
{
	struct live_reader *r = xcalloc(1, sizeof(*r));
	int err;

	r->evlist = top->evlist;
	pthread_mutex_init(&r->lock, NULL);
	err = thread_start(&r->thread, reader__main, r);
	if (err) {
		pr_err("cannot start the ring-buffer reader: %s", strerror(err));
		pthread_mutex_destroy(&r->lock);
		free(r);
		return -1;
	}
	top->reader = r;
	return 0;
}

static void reader__stop(struct top *top)
{
	struct live_reader *r = top->reader;

	if (!r || r->joined)
		return;
	pthread_mutex_lock(&r->lock);
	r->stop = true;
	pthread_mutex_unlock(&r->lock);
	pthread_join(r->thread, NULL);
	r->joined = true;
}

static void reader__delete(struct top *top)
{
	struct live_reader *r = top->reader;

	if (!r)
		return;
	reader__stop(top);
	pthread_mutex_destroy(&r->lock);
	buf__free(&r->queue);
	free(r);
	top->reader = NULL;
}

/*
 * Processes what the reader queued. The queue is taken whole and a fresh
 * one left in its place, so that the reader never waits on processing.
 */
static int live__process_queue(struct top *top)
{
	struct live_reader *r = top->reader;
	u8 *buf;
	size_t len, off;
	long err;

	pthread_mutex_lock(&r->lock);
	buf = buf__detach(&r->queue, &len);
	err = r->err;
	pthread_mutex_unlock(&r->lock);
	for (off = 0; off < len;) {
		union perf_event *ev = (union perf_event *)(buf + off);

		if (session__process_event(top->session, ev, 0)) {
			pr_err("%s", top->session->errbuf);
			free(buf);
			return -1;
		}
		off += ev->header.size;
	}
	free(buf);
	if (err) {
		pr_err("reading the ring buffers: %s", strerror((int)-err));
		return -1;
	}
	return 0;
}

static int live__pump(struct top *top)
{
	if (top->live_done)
		return 0;
	/* Buffers hang up with the thread that owns them: watch the process. */
	if (top->pid && kill(top->pid, 0) && errno == ESRCH) {
		reader__stop(top);	/* its last pass is in the queue */
		top->live_done = true;
	}
	return live__process_queue(top);
}

static int live__tick(struct top *top)
{
	if (top->finished)
		return 0;
	if (top->live_error || live__pump(top))
		return -1;
	/* -p's process is gone: one last snapshot, and it stays. */
	if (top->live_done) {
		top->finished = true;
		return top__refresh(top) ? -1 : 1;
	}
	if (now_ns() - top->last_refresh_ns < (u64)(top->delay * 1e9))
		return 0;
	return top__refresh(top) ? -1 : 1;
}

/* Opens the event; a hardware event with no PMU behind it becomes cpu-clock. */
static int live__open(struct top *top)
{
	struct perf_event_attr attr;
	struct event_spec spec;
	const char *name = top->event ? top->event : "cycles";
	int err;

	err = event_spec__parse(name, &spec);
	if (err) {
		pr_err("%s event '%s' (known: %s)", err == -ENOENT ? "unknown" : "bad", name,
		       event_names_known);
		return -EINVAL;
	}
	attr = spec.attr;
	attr.size = sizeof(attr);
	attr.sample_type = PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_IP | PERF_SAMPLE_TID |
			   PERF_SAMPLE_TIME | PERF_SAMPLE_CPU | PERF_SAMPLE_PERIOD;
	if (top->callchain)	/* -g: frame pointers, as record -g */
		attr.sample_type |= PERF_SAMPLE_CALLCHAIN;
	attr.read_format = PERF_FORMAT_ID;
	if (!spec.has_period) {
		attr.freq = 1;
		attr.sample_freq = top->freq;
		if (top->period) {	/* -c */
			attr.freq = 0;
			attr.sample_period = top->period;
		}
	}
	attr.sample_id_all = 1;
	attr.disabled = 1;
	attr.inherit = 1;
	if (!spec.has_GH) {
		attr.exclude_host = !top->sample_host;
		attr.exclude_guest = !top->sample_guest;
	}
	attr.mmap = attr.mmap2 = attr.comm = attr.comm_exec = attr.task = 1;
	top->evlist = evlist__new();
	evlist__add(top->evlist, &attr, name);
	err = evlist__set_cpus(top->evlist, top->cpu_list);
	if (err) {
		if (top->cpu_list)
			pr_err("cannot sample CPUs '%s': %s", top->cpu_list,
			       err == -ERANGE ? "not all of them are online" : strerror(-err));
		else
			pr_err("cannot read the online CPUs");
		return err;
	}
	err = evlist__set_threads(top->evlist, top->pid ? top->pid : -1, top->pid != 0);
	if (err) {
		pr_err("no such process: %d", (int)top->pid);
		return err;
	}
	err = evlist__open(top->evlist);
	if (err && attr.type != PERF_TYPE_SOFTWARE &&
	    (err == -ENOENT || err == -ENODEV || err == -EOPNOTSUPP || err == -EINVAL)) {
		struct evsel *e = &top->evlist->evsels[0];

		pr_warning("no hardware PMU here: %s falls back to cpu-clock", name);
		top->fellback = true;
		e->attr.type = PERF_TYPE_SOFTWARE;
		e->attr.config = PERF_COUNT_SW_CPU_CLOCK;
		e->attr.exclude_host = e->attr.exclude_guest = 0;
		free(e->name);
		e->name = xstrdup("cpu-clock");
		err = evlist__open(top->evlist);
	}
	if (err) {
		pr_err("cannot open event '%s': %s%s", top->evlist->evsels[0].name, strerror(-err),
		       err == -EACCES || err == -EPERM ? " (run as root, or lower "
		       "/proc/sys/kernel/perf_event_paranoid)" : "");
		return err;
	}
	err = evlist__mmap(top->evlist, top->mmap_pages);
	if (err) {
		pr_err("cannot map the ring buffers: %s%s", strerror(-err),
		       err == -EPERM ? " (over perf_event_mlock_kb: use a smaller -m)" : "");
		return err;
	}
	str_copy(top->event_name, top->evlist->evsels[0].name, sizeof(top->event_name));
	return 0;
}

/* The session's perf_data: the events as opened, no file. */
static struct perf_data *live__data(struct top *top)
{
	struct perf_data *d = perf_data__new_live("live");

	perf_data__add_evsels(d, top->evlist->evsels, top->evlist->nr_evsels);
	return d;
}

/* What was there before the start: kernel, modules, guests' kernels, processes. */
static int live__synthesize(struct top *top)
{
	const size_t id_hdr = 4 * sizeof(u64);	/* TID TIME CPU IDENTIFIER */
	struct guest_machine *guests = NULL;
	const char *bad = NULL;
	char msg[1024] = "";
	size_t nr = 0, i;
	int err;

	err = synthesize__kernel(id_hdr, live__synth_cb, top, msg, sizeof(msg));
	if (err && msg[0]) {	/* kallsyms, not the session */
		pr_warning("%s: host kernel samples will not resolve", msg);
		err = 0;
	}
	if (err)
		return err;
	err = guest_machines__find(&top->guest, &guests, &nr, &bad);
	if (err) {
		pr_err("cannot read '%s': %s", bad, file__strerror(err));
		return err;
	}
	for (i = 0; !err && i < nr; i++) {
		msg[0] = '\0';
		err = synthesize__guest_kernel(guests[i].kallsyms, guests[i].modules, guests[i].pid,
					       id_hdr, live__synth_cb, top, msg, sizeof(msg));
		if (err)
			pr_err("guest %d: %s", (int)guests[i].pid,
			       msg[0] ? msg : top->session->errbuf);
	}
	guest_machines__free(guests, nr);
	if (err)
		return err;
	if (top->pid)
		return synthesize__process(top->pid, SYNTH_MAPS, id_hdr, live__synth_cb, top);
	return synthesize__all_processes(SYNTH_MAPS, id_hdr, live__synth_cb, top);
}

/* ---- the two faces ---- */

/* While a popup or the filter prompt waits: keep the ring buffers drained. */
static void live__idle(void *ctx)
{
	struct top *top = ctx;

	if (!top->finished && !top->live_error && live__pump(top))
		top->live_error = true;	/* said once; the next tick stops */
}

static int top__tick(void *ctx)
{
	struct top *top = ctx;
	bool zeroed = top->zero_due;
	int r;

	if (zeroed) {
		hists__reset(&top->base);
		top->zero_due = false;
		top->decay_due = false;
		top->shown_samples = 0;
	}
	if (top->decay_due) {
		/* After the browser regrouped the rows it shows. */
		top__after_show(top);
		top->decay_due = false;
	}
	r = top->input ? replay__tick(top) : live__tick(top);
	if (r > 0)
		top->decay_due = true;
	return r == 0 && zeroed ? 1 : r;
}

static enum ui_action_ret act_zero(struct ui_browser *b, int key)
{
	struct top *top = hists_browser__ctx(b);

	/* At the next tick: the rows on screen stay until then. */
	top->zero_due = true;
	ui__message("counts zeroed: new samples from now on");
	return UI_CONTINUE;
}

static const struct ui_key_action top_keys[] = {
	{ 'z', "z", "zero the counts", act_zero },
	{ 0 }
};

static int top__run_tui(struct top *top)
{
	struct hists_browser_ops ops = {
		.tick = top__tick, .title = top__title, .keys = top_keys,
		.timeout_ms = TICK_MS, .ctx = top, .percent_limit = top->percent_limit,
		.callchain = top->callchain ? &top->cg : NULL,
	};
	int ret;

	if (tui__init()) {
		pr_err("--tui needs a terminal on stdin and stdout (use --stdio)");
		return 1;
	}
	if (top->fellback)
		ui__message("no hardware PMU here: sampling cpu-clock");
	if (!top->input) {
		ui__idle = live__idle;
		ui__idle_ctx = top;
	}
	ret = hists__tui_browse(&top->base, &top->so, top->event_name, &ops);
	ui__idle = NULL;
	tui__exit();
	return ret ? 1 : 0;
}

static int top__run_stdio(struct top *top)
{
	while (!top_done) {
		int r = top->input ? replay__tick(top) : live__tick(top);

		if (r < 0)
			return 1;
		if (r > 0) {
			top__print_snapshot(top, stdout);
			if (ferror(stdout))
				return 1;
			if (top->finished || (top->iterations && top->snapshots >= top->iterations))
				return 0;
			top__after_show(top);
			continue;
		}
		/* Nothing due: sleep until something may be. */
		if (top->input) {
			if (!top->fast)
				usleep(TICK_MS * 1000 / 10);
		} else {
			usleep(TICK_MS * 1000);	/* a signal ends it early */
		}
	}
	return 0;
}

int cmd_top(int argc, char **argv, struct guest_config *gc)
{
	struct top top = {
		.tool = { .sample = top__sample },
		.sort = "mode,dso,sym",
		.speed = 1, .delay = 2, .rows = 20,
		.mmap_pages = DEFAULT_PAGES,
	};
	struct sort_order user;
	struct sigaction sa = { 0 };
	char err[1024];
	int i, e, ret = 1;
	bool use_tui;

	top.guest = *gc;
	i = options_parse(argc, argv, top_usage, top_opts, &top, &top.guest);
	top.freq_given = top.freq != 0;
	if (!top.freq)
		top.freq = DEFAULT_FREQ;
	if (!top.input)
		top.input = global_input;	/* pmukvm -i FILE top */
	if (i < 0)
		goto usage;
	if (i < argc) {
		pr_err("top takes no arguments ('%s')", argv[i]);
		goto usage;
	}
	if (sort_order__parse(&user, top.sort, err, sizeof(err))) {
		pr_err("%s", err);
		goto usage;
	}
	user.nr_lead = 0;
	if (top.stdio && top.tui) {
		pr_err("--stdio and --tui exclude each other");
		goto usage;
	}
	if (top.input && (top.pid || top.event || top.system_wide || top.period)) {
		pr_err("-p, -a, -e and -c are for live sampling, not for a replay (-i)");
		goto usage;
	}
	if (top.pid && (top.system_wide || top.cpus)) {
		pr_err("choose one target: system-wide (-a, -C LIST) or -p PID");
		goto usage;
	}
	if (top.period && top.freq_given) {
		pr_err("-F and -c exclude each other: a frequency or a period");
		goto usage;
	}
	if (top.zero && top.no_decay) {
		pr_err("-z and --no-decay exclude each other");
		goto usage;
	}
	use_tui = !top.stdio && (top.tui || isatty(1));
	if (use_tui && (!isatty(0) || !isatty(1))) {
		if (top.tui) {
			/* Not a usage error: the same line works on a terminal. */
			pr_err("--tui needs a terminal on stdin and stdout (use --stdio)");
			free(top.cpus);
			return 1;
		}
		use_tui = false;
	}
	if (use_tui && (top.iterations || top.rows != 20 || top.show_nr_samples))
		pr_warning("--iterations, -E and -n are for --stdio; the browser ignores them");
	if (top.guest_memory && top.input) {
		pr_err("--guest-memory reads running guests: it does not go with -i");
		goto usage;
	}
	/*
	 * Sampled: host and guest unless --host/--guest say otherwise (as
	 * record). Counted: as report, guest only when guest files are given.
	 */
	{
		struct guest_config sampled = top.guest;

		guest_config__finish(&sampled);
		top.sample_host = sampled.host;
		top.sample_guest = sampled.guest;
	}
	guest_config__finish_view(&top.guest);
	if (top.guest_memory) {
		/* guests read from memory, the --guestmount files where not */
		int gerr = guest_memory__mount(top.guest.mount, top.pid, top.gm_dir,
					       sizeof(top.gm_dir));

		if (gerr < 0) {
			pr_err("cannot make a guest tree in '%s': %s", top.gm_dir, strerror(-gerr));
			free(top.cpus);
			return 1;
		}
		top.guest.mount = top.gm_dir;
	}

	if (top.callchain) {
		/* report -g's default without --children: callee order */
		top.cg = (struct callchain_param)CALLCHAIN_PARAM_DEFAULT;
		top.frames = xcalloc(CALLCHAIN_MAX_FRAMES, sizeof(*top.frames));
	}
	top.so = user;
	sort_order__full(&user, &top.so);
	hists__init(&top.base, &user);
	top.fast = top.speed == 0 || top.speed > 1e6;

	if (top.input) {
		top.data = perf_data__open(top.input, &e, err, sizeof(err));
		if (!top.data) {
			pr_err("%s", err);
			goto out;
		}
		if (top.data->info.guest_files && !top.guest.host_set && !top.guest.guest_set)
			top.guest.host = false;
		if (top.data->nr_evsels) {
			struct evsel *ev0 = top.data->evsels[0];
			char *n = ev0->name ? xstrdup(ev0->name) : evsel__name_from_attr(&ev0->attr);

			str_copy(top.event_name, n, sizeof(top.event_name));
			free(n);
		}
		if (top.callchain && top.data->nr_evsels &&
		    !(top.data->evsels[0]->attr.sample_type & PERF_SAMPLE_CALLCHAIN)) {
			pr_err("-g: %s has no callchains (record with -g)", top.input);
			goto out;
		}
		for (i = 0; top.cpus && i < top.data->nr_evsels; i++) {
			if (!(top.data->evsels[i]->attr.sample_type & PERF_SAMPLE_CPU)) {
				pr_err("%s: its samples do not say their CPU: -C cannot select them",
				       top.input);
				goto out;
			}
		}
		top.next_refresh_vt = replay__interval(&top);
	} else {
		if (live__open(&top))
			goto out;
		top.data = live__data(&top);
	}
	top.count_guest = top.guest.guest;
	top.count_host = top.guest.host;
	top.session = session__new(top.data, &top.tool, &top.guest, err, sizeof(err));
	if (!top.session) {
		pr_err("%s", err);
		goto out;
	}
	top.session->progress = false;
	top.session->machines.kallsyms_path = top.kallsyms;
	if (!top.input) {
		if (live__synthesize(&top))
			goto out;
		evlist__enable(top.evlist);
		if (reader__start(&top))
			goto out;
	}

	sa.sa_handler = top__sig;
	sigemptyset(&sa.sa_mask);
	if (!use_tui) {
		/* The TUI installs its own: restore the terminal, then die. */
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
	}
	top.start_ns = top.last_refresh_ns = now_ns();
	ret = use_tui ? top__run_tui(&top) : top__run_stdio(&top);
out:
	reader__delete(&top);
	if (top.evlist) {
		evlist__disable(top.evlist);
		evlist__delete(top.evlist);
	}
	session__delete(top.session);
	hists__exit(&top.base);
	free(top.frames);
	perf_data__delete(top.data);
	if (top.gm_dir[0])
		guest_memory__unmount(top.gm_dir);
	free(top.cpus);
	return ret;
usage:
	free(top.cpus);
	return 129;
}
