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
#include "util/kernel.h"
#include "util/options.h"
#include "util/rbreader.h"
#include "util/synthesize.h"

#define PUMP_BUDGET_NS	50000000ull	/* the UI answers keys at least this often */

/* A failure of a part (the file, the session, the replay): its error is top's. */
static int top__fail(struct top *top, const struct err *src, int ret)
{
	err__copy(&top->err, src);
	top->err.code = ret < 0 ? ret : -EINVAL;
	return top->err.code;
}

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
	if (!top->input && sample->time) {
		if (!top->span_start)
			top->span_start = sample->time;
		if (sample->time > top->span_end)
			top->span_end = sample->time;
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

		callchain__add(hist_entry__callchain_p(he), top->frames, n, sample->period);
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
	if (err)
		return top__fail(top, &s->err, err);
	if (top->input) {
		/* Replay: the interval in recorded time, whatever the speed. */
		secs = replay__interval_secs(&top->replay);
	} else if (top->span_end > top->span_start) {
		/*
		 * Live: the time the interval's samples span, on their own
		 * clock. What reached the hists lags the wall clock by what is
		 * still queued, by a varying amount (a round, or seconds while
		 * the first kernel sample loads the kernel's symbols on a
		 * loaded machine): over wall time the rate came out a tenth
		 * of what was sampled.
		 */
		secs = (double)(top->span_end - top->span_start) / 1e9;
		top->span_start = top->span_end;
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

static void top__mark_threads(void *arg)
{
	const struct top *top = arg;

	hists__mark_threads(&top->base);
}

void top__after_show(struct top *top)
{
	/* The last snapshot stays: nothing comes to replace what decays. */
	if (top->finished)
		return;
	/*
	 * Threads whose tid was given to a new one are freed once no row
	 * names them. Before the decay: the browser's view was regrouped from
	 * these rows, so what it shows is marked too.
	 */
	machine__sweep_threads(&top->session->machines.host, top__mark_threads, top);
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

/* Ends an interval of the replay; >0: new rows to show, <0 a negative errno. */
static int replay_tick(struct top *top)
{
	int r;

	if (top->finished)
		return 0;
	r = replay__tick(&top->replay, PUMP_BUDGET_NS);
	if (r < 0)
		return top__fail(top, &top->replay.err, r);
	if (r == 0)
		return 0;
	top->finished = top->replay.finished;
	r = top__refresh(top);
	return r < 0 ? r : 1;
}

/* The replay: the file opened, its first event named, -C checked. */
static int top__open_replay(struct top *top)
{
	struct err err;
	int i;

	top->data = perf_data__open(top->input, &err);
	if (!top->data)
		return top__fail(top, &err, err.code);
	if (top->data->info.guest_files && !top->guest.host_set && !top->guest.guest_set)
		top->guest.host = false;
	if (top->data->nr_evsels) {
		struct evsel *ev0 = top->data->evsels[0];
		char *n = ev0->name ? xstrdup(ev0->name) : evsel__name_from_attr(&ev0->attr);

		str_copy(top->event_name, n, sizeof(top->event_name));
		free(n);
	}
	if (top->callchain && top->data->nr_evsels &&
	    !(top->data->evsels[0]->attr.sample_type & PERF_SAMPLE_CALLCHAIN))
		return err__set(&top->err, -EINVAL, "-g: %s has no callchains (record with -g)",
				top->input);
	for (i = 0; top->cpus && i < top->data->nr_evsels; i++) {
		if (!(top->data->evsels[i]->attr.sample_type & PERF_SAMPLE_CPU))
			return err__set(&top->err, -EINVAL, "%s: its samples do not say their "
					"CPU: -C cannot select them", top->input);
	}
	return 0;
}

/* ---- live ---- */

int live__deliver(void *session, union perf_event *ev, struct err *e)
{
	struct session *s = session;
	int ret = session__process_event(s, ev, 0);

	if (!ret)
		return 0;
	err__copy(e, &s->err);
	return ret < 0 ? ret : -EINVAL;
}

/*
 * Processes what the reader queued. The queue is taken whole and a fresh
 * one left in its place, so that the reader never waits on processing.
 */
static int live__process_queue(struct top *top)
{
	return rbreader__process(top->reader, live__deliver, top->session, &top->err);
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
	int r;

	if (top->finished)
		return 0;
	if (top->live_error)
		return top->err.code;
	r = live__pump(top);
	if (r < 0)
		return r;
	/* -p's process is gone: one last snapshot, and it stays. */
	if (top->live_done) {
		top->finished = true;
	} else {
		if (now_ns() - top->last_refresh_ns < (u64)(top->delay * 1e9))
			return 0;
		/*
		 * What the reader queued while the pump above processed
		 * belongs in this interval too: that processing can take
		 * seconds (the first kernel sample loads the kernel's
		 * symbols), and the interval showed the first tenth of a
		 * second of samples, or none.
		 */
		r = live__pump(top);
		if (r < 0)
			return r;
		if (top->live_done)
			top->finished = true;
	}
	r = top__refresh(top);
	return r < 0 ? r : 1;
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

	int err = evsource__init(&top->src, &o);

	if (!err)
		err = evsource__open(&top->src, &o);
	if (err)
		return top__fail(top, &top->src.err, err);
	top->fellback = top->src.fellback[0] != '\0';
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
	if (err)
		return top__fail(top, &msg, err);
	t.guests = guests;
	t.nr_guests = nr;
	err = synthesize__state(&t, id_hdr, live__synth_cb, top, &warn, &msg);
	if (warn.code)
		err__copy(&top->warn, &warn);
	if (err)	/* a guest's files, else the session's */
		top__fail(top, msg.code ? &msg : &top->session->err, err);
	guest_machines__free(guests, nr);
	return err ? top->err.code : 0;
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
	e = top->input ? top__open_replay(top) : live__open(top);
	if (e < 0)
		return e;
	top->count_guest = top->guest.guest;
	top->count_host = top->guest.host;
	top->session = session__new(top->data, &top->tool, &top->guest, &err);
	if (!top->session)
		return top__fail(top, &err, err.code);
	top->session->progress = false;
	top->session->machines.ignore_vmlinux = top->ignore_vmlinux;
	e = machines__set_host_kernel(&top->session->machines, top->kallsyms, top->vmlinux, &err);
	if (e)
		return top__fail(top, &err, e);
	if (top->input) {
		replay__init_session(&top->replay, top->speed, top->delay, top->data,
				     top->session);
		return 0;
	}
	e = live__synthesize(top);
	if (e < 0)
		return e;
	evlist__enable(top->src.evlist);
	top->reader = rbreader__start(top->src.evlist, RBREADER_MAX, &e);
	if (!top->reader)
		return err__set(&top->err, e, "cannot start the ring-buffer reader: %s",
				strerror(-e));
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
