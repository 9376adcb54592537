// SPDX-License-Identifier: GPL-2.0
/*
 * pmukvm top: the options in, then util/top's engine shown every -d
 * seconds, as a batch of text snapshots or in the browser.
 *
 * Sources: a data file replayed on its own timestamps (-i, util/replay),
 * or the live events (util/evsource), emptied by a reader thread
 * (util/rbreader) so that a slow step of the screen's thread does not
 * make the kernel drop samples.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builtin-kvm/builtin.h"
#include "ui/tui.h"
#include "ui/tui/browser.h"
#include "util/evlist.h"
#include "util/evsource.h"
#include "util/guestmem.h"
#include "util/options.h"
#include "util/top.h"

#define DEFAULT_FREQ	4000
#define DEFAULT_PAGES	128

#define MAX_CPU_LIST	TOP_MAX_CPU	/* -C: CPU numbers below this */

static const char top_usage[] =
	"pmukvm [guest options] top [-i FILE [--speed X]] [-a | -C LIST | -p PID] [--stdio [--iterations N]] [OPTIONS]";

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

/* -F HZ, or max (perf's): the kernel's perf_event_max_sample_rate, read once parsed. */
static int opt_freq(const struct opt_desc *opt, const char *arg, bool unset, void *opts)
{
	(void)opt;
	(void)unset;
	return opt_freq_value(arg, &((struct top *)opts)->freq);
}

static int opt_event(const struct opt_desc *opt, const char *arg, bool unset, void *opts)
{
	struct top *top = opts;
	struct perf_event_attr attr;
	struct event_spec spec;

	/* A wrong name is a usage error, found before anything opens. */
	if (strpbrk(arg, "{}")) {
		pr_err("-e '%s': top samples one event, not a group", arg);
		return -1;
	}
	if (event_name__parse(arg, &attr)) {
		pr_err("unknown event '%s' (known: %s)", arg, event_names_known);
		return -1;
	}
	if (!event_spec__parse(arg, &spec) && spec.sample_read) {
		pr_err("-e '%s': top takes each sample's own period, not counter reads (S)", arg);
		return -1;
	}
	top->event = arg;
	return 0;
}

static const struct opt_desc top_opts[] = {
	OPT_REPLAY(struct top, input, speed, "sampling live"),
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
	OPT_CALLBACK('F', "freq", opt_freq, "HZ",
		     "live: samples per second (default 4000), or max: perf_event_max_sample_rate"),
	OPT_PERIOD(struct top, period, "N",
		   "live: a sample every N events, instead of a frequency (-F)"),
	OPT_MMAP_PAGES(struct top, mmap_pages,
		       "live: ring buffer pages per CPU, a power of two (default 128)"),
	OPT_STRING('k', "kallsyms", struct top, kallsyms, "FILE",
		   "host kernel symbols (default /proc/kallsyms); an ELF FILE is a vmlinux, as "
		   "perf's -k"),
	OPT_STRING(0, "vmlinux", struct top, vmlinux, "FILE",
		   "host kernel symbols from this vmlinux (ELF); kallsyms then gives only the "
		   "modules'"),
	OPT_BOOL(0, "ignore-vmlinux", struct top, ignore_vmlinux,
		 "no vmlinux looked for or taken (as perf): the kernel's symbols from kallsyms"),
	OPT_BOOL(0, "guest-memory", struct top, guest_memory,
		 "live: each running guest's kernel symbols read from its memory at the start"),
	OPT_BOOL('g', "call-graph", struct top, callchain,
		 "call graphs: live, callchains sampled (frame pointers, as record -g); each row's "
		 "callers in the browser and the snapshots (callee order, as report -g without "
		 "Children)"),
	OPT_END
};


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
		.timeout_ms = TOP_TICK_MS, .ctx = top, .percent_limit = top->percent_limit,
		.callchain = top->callchain ? &top->cg : NULL,
	};
	int ret;

	ret = tui__init();
	if (ret) {
		if (ret != -ENOENT)	/* -ENOENT: tui__init said why */
			pr_err("--tui needs a terminal on stdin and stdout (use --stdio)");
		return 1;
	}
	if (top->fellback)
		ui__message("no hardware PMU here: sampling cpu-clock");
	if (!top->input) {
		ui__idle = top__idle;
		ui__idle_ctx = top;
	}
	ret = hists__tui_browse(&top->base, &top->so, top->event_name, &ops);
	ui__idle = NULL;
	tui__exit();
	if (top->err.code)
		pr_err("%s", err__str(&top->err));
	return ret ? 1 : 0;
}

static int top__run_stdio(struct top *top)
{
	while (!top_done) {
		int r = top__tick(top);

		if (r < 0) {
			pr_err("%s", err__str(&top->err));
			return 1;
		}
		if (r > 0) {
			top__print_snapshot(top, stdout);
			if (ferror(stdout))
				return 1;
			if (top->finished || (top->iterations && top->snapshots >= top->iterations))
				return 0;
			top->decay_due = false;
			top__after_show(top);
			continue;
		}
		/* Nothing due: sleep until something may be. */
		if (top->input) {
			if (!top->replay.fast)
				usleep(TOP_TICK_MS * 1000 / 10);
		} else {
			usleep(TOP_TICK_MS * 1000);	/* a signal ends it early */
		}
	}
	return 0;
}

/* What excludes what; 0, or -1 after a message (a usage error). */
static int top__check_opts(struct top *top)
{
	if (top->stdio && top->tui) {
		pr_err("--stdio and --tui exclude each other");
		return -1;
	}
	if (top->input && (top->pid || top->event || top->system_wide || top->period ||
			   top->freq_given || top->mmap_pages)) {
		pr_err("-p, -a, -e, -c, -F and -m are for live sampling, not for a replay (-i)");
		return -1;
	}
	if (top->pid && (top->system_wide || top->cpus)) {
		pr_err("choose one target: system-wide (-a, -C LIST) or -p PID");
		return -1;
	}
	if (top->period && top->freq_given) {
		pr_err("-F and -c exclude each other: a frequency or a period");
		return -1;
	}
	if (top->zero && top->no_decay) {
		pr_err("-z and --no-decay exclude each other");
		return -1;
	}
	return 0;
}

/*
 * Sampled: host and guest unless --host/--guest say otherwise (as
 * record). Counted: as report, guest only when guest files are given.
 * Returns 0, or 1 after a message.
 */
static int top__guests(struct top *top)
{
	struct guest_config sampled = top->guest;
	int err;

	guest_config__finish(&sampled);
	top->sample_host = sampled.host;
	top->sample_guest = sampled.guest;
	guest_config__finish_view(&top->guest);
	if (!top->guest_memory)
		return 0;
	/* guests read from memory, the --guestmount files where not */
	err = guest_memory__mount(top->guest.mount, top->pid, top->gm_dir, sizeof(top->gm_dir));
	if (err < 0) {
		pr_err("cannot make a guest tree in '%s': %s", top->gm_dir, strerror(-err));
		top->gm_dir[0] = '\0';
		return 1;
	}
	top->guest.mount = top->gm_dir;
	return 0;
}

int cmd_top(int argc, char **argv, struct guest_config *gc)
{
	struct top top = {
		.sort = "mode,dso,sym",
		.speed = 1, .delay = 2, .rows = 20,
	};
	struct sort_order user;
	struct sigaction sa = { 0 };
	struct err err;
	int i, ret = 129;
	bool use_tui;

	top.guest = *gc;
	i = options_parse(argc, argv, top_usage, top_opts, &top, &top.guest);
	top.freq_given = top.freq != 0;
	if (!top.freq)
		top.freq = DEFAULT_FREQ;
	if (top.freq == OPT_FREQ_MAX) {
		long max = evsource__max_sample_rate();

		/* OPT_MAX_FREQ where the kernel does not say its own */
		top.freq = max > 0 ? (unsigned long long)max : OPT_MAX_FREQ;
		if (max > 0 && !top.input)
			pr_info("-F max: sampling at %llu Hz, the kernel's "
				"perf_event_max_sample_rate", top.freq);
	}
	if (!top.input)
		top.input = global_input;	/* pmukvm -i FILE top */
	if (i < 0)
		goto out;
	if (i < argc) {
		pr_err("top takes no arguments ('%s')", argv[i]);
		goto out;
	}
	if (sort_order__parse(&user, top.sort, &err)) {
		pr_err("%s", err.msg);
		goto out;
	}
	if (sort_order__has(&user, SORT_PARENT)) {
		pr_err("--sort parent is report's (-p): top does not walk callchains for it");
		goto out;
	}
	if (sort_order__has(&user, SORT_TIME)) {
		pr_err("--sort time is report's: top's rows are of the last refresh already");
		goto out;
	}
	user.nr_lead = 0;
	if (top__check_opts(&top))
		goto out;
	if (!top.mmap_pages)
		top.mmap_pages = DEFAULT_PAGES;	/* 0 until then: -m given or not */
	use_tui = !top.stdio && (top.tui || isatty(1));
	if (use_tui && (!isatty(0) || !isatty(1))) {
		if (top.tui) {
			/* Not a usage error: the same line works on a terminal. */
			pr_err("--tui needs a terminal on stdin and stdout (use --stdio)");
			ret = 1;
			goto out;
		}
		use_tui = false;
	}
	if (use_tui && tui__load(top.tui)) {
		if (top.tui) {
			ret = 1;
			goto out;
		}
		use_tui = false;
	}
	if (use_tui && (top.iterations || top.rows != 20 || top.show_nr_samples))
		pr_warning("--iterations, -E and -n are for --stdio; the browser ignores them");
	if (top.guest_memory && top.input) {
		pr_err("--guest-memory reads running guests: it does not go with -i");
		goto out;
	}
	ret = top__guests(&top);
	if (ret)
		goto out;
	if (top.callchain) {
		/* report -g's default without --children: callee order */
		top.cg = (struct callchain_param)CALLCHAIN_PARAM_DEFAULT;
		top.frames = xcalloc(CALLCHAIN_MAX_FRAMES, sizeof(*top.frames));
	}
	top.so = user;
	sort_order__full(&user, &top.so);
	hists__init(&top.base, &user);
	top.base.track_made = true;	/* the snapshots group its rows */
	ret = 1;
	i = top__open(&top);
	if (top.fellback)
		pr_warning("no hardware PMU here: %s falls back to cpu-clock", top.src.fellback);
	if (top.src.user_only)
		pr_warning("perf_event_paranoid is %ld: user space only (kernel samples "
			   "need root or perf_event_paranoid <= 1)", top.src.paranoid);
	if (top.warn.code)
		pr_warning("%s", top.warn.msg);
	if (i < 0) {
		pr_err("%s", err__str(&top.err));
		goto out;
	}
	sa.sa_handler = top__sig;
	sigemptyset(&sa.sa_mask);
	if (!use_tui) {
		/* The TUI installs its own: restore the terminal, then die. */
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
	}
	top__start(&top);
	ret = use_tui ? top__run_tui(&top) : top__run_stdio(&top);
out:
	top__exit(&top);
	return ret;
}
