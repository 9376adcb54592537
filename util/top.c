// SPDX-License-Identifier: GPL-2.0
/*
 * top's engine: the session fed from a replay or the live events, an
 * interval at a time.
 */
#include "util/top.h"

#include <errno.h>
#include <inttypes.h>
#include <linux/perf_event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/data.h"
#include "util/evlist.h"
#include "util/guest.h"
#include "util/guestmem.h"
#include "util/options.h"
#include "util/rbreader.h"
#include "util/synthesize.h"

#define PUMP_BUDGET_NS	50000000ull	/* the UI answers keys at least this often */

/* -K, -U and (replay) -C: samples left out before they are counted. */
static bool top__hides(const struct top *top, const struct perf_sample *sample)
{
	if (cpumode__is_kernel(sample->cpumode) ? top->hide_kernel : top->hide_user)
		return true;
	/* Live, only the -C CPUs are open; replay filters on the sample's CPU. */
	return top->cpus && (sample->cpu >= TOP_MAX_CPU || !top->cpus[sample->cpu]);
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
	if (cpumode__is_guest(sample->cpumode) ? !top->count_guest : !top->count_host) {
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

u64 top__lost(const struct top *top)
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
		pr_err("%s", s->err.msg);
		return err;
	}
	if (top->input) {
		/* Replay: the interval in recorded time, whatever the speed. */
		secs = replay__interval_secs(&top->replay);
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

void top__after_show(struct top *top)
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

void top__title(void *ctx, char *buf, size_t len)
{
	struct top *top = ctx;
	size_t n;

	n = (size_t)snprintf(buf, len, "Samples: %" PRIu64 " of event '%s', %.0f samples/s, "
			     "lost: %" PRIu64 ", %s", top->shown_samples, top->event_name,
			     top->rate, top__lost(top), top__accumulation(top));
	if (n >= len)
		return;
	if (top->input)
		snprintf(buf + n, len - n, "  [replay +%.1fs%s]", (double)top->replay.last_vt / 1e9,
			 top->finished ? ", ended" : "");
	else if (top->live_done)
		snprintf(buf + n, len - n, "  [target exited]");
}

/* ---- replay ---- */

/* Ends an interval of the replay; >0: new rows to show, <0 error. */
static int replay_tick(struct top *top)
{
	int r;

	if (top->finished)
		return 0;
	r = replay__tick(&top->replay, PUMP_BUDGET_NS);
	if (r < 0)
		pr_err("%s", err__str(&top->replay.err));
	if (r <= 0)
		return r;
	top->finished = top->replay.finished;
	return top__refresh(top) ? -1 : 1;
}

/* The replay: the file opened, its first event named, -C checked. */
static int top__open_replay(struct top *top)
{
	struct err err;
	int i;

	top->data = perf_data__open(top->input, &err);
	if (!top->data) {
		pr_err("%s", err.msg);
		return -1;
	}
	if (top->data->info.guest_files && !top->guest.host_set && !top->guest.guest_set)
		top->guest.host = false;
	if (top->data->nr_evsels) {
		struct evsel *ev0 = top->data->evsels[0];
		char *n = ev0->name ? xstrdup(ev0->name) : evsel__name_from_attr(&ev0->attr);

		str_copy(top->event_name, n, sizeof(top->event_name));
		free(n);
	}
	if (top->callchain && top->data->nr_evsels &&
	    !(top->data->evsels[0]->attr.sample_type & PERF_SAMPLE_CALLCHAIN)) {
		pr_err("-g: %s has no callchains (record with -g)", top->input);
		return -1;
	}
	for (i = 0; top->cpus && i < top->data->nr_evsels; i++) {
		if (!(top->data->evsels[i]->attr.sample_type & PERF_SAMPLE_CPU)) {
			pr_err("%s: its samples do not say their CPU: -C cannot select them",
			       top->input);
			return -1;
		}
	}
	return 0;
}

/* ---- live ---- */

static int live__deliver(void *ctx, union perf_event *ev, struct err *e)
{
	struct top *top = ctx;
	int ret = session__process_event(top->session, ev, 0);

	if (!ret)
		return 0;
	err__copy(e, &top->session->err);
	return ret < 0 ? ret : -EINVAL;
}

/*
 * Processes what the reader queued. The queue is taken whole and a fresh
 * one left in its place, so that the reader never waits on processing.
 */
static int live__process_queue(struct top *top)
{
	struct err e = ERR_INIT;
	int ret = rbreader__process(top->reader, live__deliver, top, &e);

	if (ret)
		pr_err("%s", err__str(&e));
	return ret ? -1 : 0;
}

static int live__pump(struct top *top)
{
	if (top->live_done)
		return 0;
	/* Buffers hang up with the thread that owns them: watch the process. */
	if (top->pid && kill(top->pid, 0) && errno == ESRCH) {
		rbreader__stop(top->reader);	/* its last pass is in the queue */
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

/* The events: a hardware event with no PMU behind it becomes cpu-clock. */
static int live__open(struct top *top)
{
	struct evsource_opts o = {
		.events = top->event, .freq = top->freq, .period = top->period,
		.sample_host = top->sample_host, .sample_guest = top->sample_guest,
		.cpus = top->cpu_list, .targets = &top->pid, .nr_targets = top->pid != 0,
		.target_pids = true, .system_wide = !top->pid, .mmap_pages = top->mmap_pages,
		/* -g: frame pointers, as record -g */
		.callgraph = top->callchain ? CALLGRAPH_FP : CALLGRAPH_NONE,
	};

	if (evsource__init(&top->src, &o) || evsource__open(&top->src, &o)) {
		pr_err("%s", top->src.errbuf);
		return -1;
	}
	if (top->src.fellback[0]) {
		pr_warning("no hardware PMU here: %s falls back to cpu-clock", top->src.fellback);
		top->fellback = true;
	}
	if (top->src.user_only)
		pr_warning("perf_event_paranoid is %ld: user space only (kernel samples "
			   "need root or perf_event_paranoid <= 1)", top->src.paranoid);
	str_copy(top->event_name, top->src.evlist->evsels[0].name, sizeof(top->event_name));
	top->data = evsource__perf_data(&top->src);
	return 0;
}

static int live__synth_cb(void *ctx, union perf_event *ev)
{
	struct top *top = ctx;

	return session__process_event(top->session, ev, 0);
}

/* What was there before the start: kernel, modules, guests' kernels, processes. */
static int live__synthesize(struct top *top)
{
	const size_t id_hdr = 4 * sizeof(u64);	/* TID TIME CPU IDENTIFIER */
	struct synth_target t = {
		.kernels = true, .targets = &top->pid, .nr_targets = top->pid != 0,
		.flags = SYNTH_MAPS,
	};
	struct guest_machine *guests = NULL;
	struct err warn, msg;
	size_t nr = 0;
	int err;

	err = guest_machines__find(&top->guest, &guests, &nr, &msg);
	if (err) {
		pr_err("%s", msg.msg);
		return err;
	}
	t.guests = guests;
	t.nr_guests = nr;
	err = synthesize__state(&t, id_hdr, live__synth_cb, top, &warn, &msg);
	if (warn.code)
		pr_warning("%s", warn.msg);
	if (err)	/* a guest's files, else the session's */
		pr_err("%s", msg.code ? msg.msg : top->session->err.msg);
	guest_machines__free(guests, nr);
	return err;
}

/* ---- both ---- */

void top__idle(void *ctx)
{
	struct top *top = ctx;

	if (!top->finished && !top->live_error && live__pump(top))
		top->live_error = true;	/* said once; the next tick stops */
}

int top__tick(void *ctx)
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
	r = top->input ? replay_tick(top) : live__tick(top);
	if (r > 0)
		top->decay_due = true;
	return r == 0 && zeroed ? 1 : r;
}

int top__open(struct top *top)
{
	struct err err;
	int e;

	top->tool.sample = top__sample;
	if (top->input ? top__open_replay(top) : live__open(top))
		return -1;
	top->count_guest = top->guest.guest;
	top->count_host = top->guest.host;
	top->session = session__new(top->data, &top->tool, &top->guest, &err);
	if (!top->session) {
		pr_err("%s", err.msg);
		return -1;
	}
	top->session->progress = false;
	top->session->machines.kallsyms_path = top->kallsyms;
	if (top->input) {
		replay__init_session(&top->replay, top->speed, top->delay, top->data,
				     top->session);
		return 0;
	}
	if (live__synthesize(top))
		return -1;
	evlist__enable(top->src.evlist);
	top->reader = rbreader__start(top->src.evlist, RBREADER_MAX, &e);
	if (!top->reader) {
		pr_err("cannot start the ring-buffer reader: %s", strerror(-e));
		return -1;
	}
	return 0;
}

void top__start(struct top *top)
{
	top->last_refresh_ns = now_ns();
	if (top->input)
		replay__start(&top->replay);
}

void top__exit(struct top *top)
{
	rbreader__delete(top->reader);
	top->reader = NULL;
	session__delete(top->session);
	hists__exit(&top->base);
	free(top->frames);
	top->frames = NULL;
	perf_data__delete(top->data);
	evsource__exit(&top->src);	/* after the data: its events are the source's */
	if (top->gm_dir[0])
		guest_memory__unmount(top->gm_dir);
	free(top->cpus);
}
