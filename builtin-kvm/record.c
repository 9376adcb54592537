// SPDX-License-Identifier: GPL-2.0
/*
 * pmukvm record: sample the host (and through it its guests) into a
 * perf.data file that perf report reads.
 *
 * The options in, then util/record: the event source (util/evsource),
 * the state before the start (util/synthesize), the command
 * (util/workload) and the file (util/writer, util/features).
 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin-kvm/builtin.h"
#include "util/options.h"
#include "util/record.h"
#include "util/util.h"

#include "pmukvm-version.h"	/* generated: build/pmukvm-version.h */

#define DEFAULT_FREQ		4000
#define DEFAULT_MMAP_PAGES	128
#define DEFAULT_STACK_SIZE	8192

static const char record_usage[] =
	"pmukvm [guest options] record [-a | -C CPUS | -p PID | -t TID] [OPTIONS] [-- COMMAND [ARGS]]";

/* ---- options ---- */

/* perf's --switch-output forms: signal, SIZE with B/K/M/G, TIME with s/m/h/d. */
static int parse_switch_output(struct record_opts *o, const char *arg)
{
	static const struct { char c; u64 mul; bool time; } units[] = {
		{ 'B', 1, false }, { 'K', 1ull << 10, false }, { 'M', 1ull << 20, false },
		{ 'G', 1ull << 30, false }, { 's', 1000000000ull, true },
		{ 'm', 60000000000ull, true }, { 'h', 3600000000000ull, true },
		{ 'd', 86400000000000ull, true },
	};
	unsigned long long v;
	char *end;
	size_t i;

	o->switch_signal = false;
	o->switch_size = o->switch_ns = 0;
	if (!arg || !strcmp(arg, "signal")) {
		o->switch_signal = true;
		return 0;
	}
	errno = 0;
	v = strtoull(arg, &end, 10);
	if (!errno && end != arg && v && end[0] && !end[1] && isdigit((unsigned char)arg[0])) {
		/* As perf: the unit's case matters (M megabytes, m minutes). */
		for (i = 0; i < ARRAY_SIZE(units); i++) {
			if (end[0] != units[i].c)
				continue;
			if (v > UINT64_MAX / units[i].mul)
				break;
			if (units[i].time)
				o->switch_ns = v * units[i].mul;
			else
				o->switch_size = v * units[i].mul;
			return 0;
		}
	}
	pr_err("'--switch-output' wants signal, a size (10M: B, K, M, G) or a time "
	       "(30s: s, m, h, d), not '%s'", arg);
	return -EINVAL;
}

/* -p and -t: one id or a comma list, as perf: -p 1,2 */
static int opt_targets(const struct opt_desc *opt, const char *arg, bool unset, void *opts)
{
	struct record_opts *o = opts;
	char *list = xstrdup(arg), *tok, *save = NULL;
	unsigned long long v;

	o->nr_targets = 0;
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (parse_u64(tok, &v) || !v || v > OPT_MAX_PID || o->nr_targets >= MAX_TARGETS)
			break;
		o->targets[o->nr_targets++] = (pid_t)v;
	}
	free(list);
	if (tok || !o->nr_targets || arg[strlen(arg) - 1] == ',') {
		pr_err("option '-%c' wants a %s id or a comma list of at most %d, not '%s'",
		       opt->shrt, opt->shrt == 'p' ? "process" : "thread", MAX_TARGETS, arg);
		return -1;
	}
	if (opt->shrt == 'p')
		o->pid = o->targets[0];
	else
		o->tid = o->targets[0];
	return 0;
}

/* -F HZ, or max (perf's): the kernel's perf_event_max_sample_rate (record__cap_freq). */
static int opt_freq(const struct opt_desc *opt, const char *arg, bool unset, void *opts)
{
	(void)opt;
	(void)unset;
	return opt_freq_value(arg, &((struct record_opts *)opts)->freq);
}

static int opt_call_graph(const struct opt_desc *opt, const char *arg, bool unset, void *opts)
{
	struct record_opts *o = opts;
	unsigned long long v;
	char *end;

	if (!strcmp(arg, "fp")) {
		o->callgraph = CALLGRAPH_FP;
		return 0;
	}
	if (!strncmp(arg, "dwarf", 5) && (!arg[5] || arg[5] == ',')) {
		o->callgraph = CALLGRAPH_DWARF;
		o->stack_size = DEFAULT_STACK_SIZE;
		if (!arg[5])
			return 0;
		errno = 0;
		v = strtoull(arg + 6, &end, 0);
		/* The kernel takes up to 65528, a multiple of 8. */
		if (errno || *end || !v || v > 65528) {
			pr_err("'--call-graph dwarf,SIZE' wants SIZE in 8..65528, not '%s'", arg + 6);
			return -1;
		}
		o->stack_size = (u32)PERF_ALIGN(v, 8);
		if (o->stack_size > 65528)
			o->stack_size = 65528;
		return 0;
	}
	pr_err("'--call-graph' wants fp or dwarf[,SIZE], not '%s'", arg);
	return -1;
}

static int opt_switch_output(const struct opt_desc *opt, const char *arg, bool unset, void *opts)
{
	return parse_switch_output(opts, arg) ? -1 : 0;
}

static const struct opt_desc record_options[] = {
	OPT_BOOL('a', "all-cpus", struct record_opts, system_wide,
		 "system-wide, on every CPU (the default without a target)"),
	OPT_CALLBACK('p', "pid", opt_targets, "PID[,PID...]",
		     "record the threads of existing processes"),
	OPT_CALLBACK('t', "tid", opt_targets, "TID[,TID...]", "record existing threads"),
	OPT_STRING('C', "cpu", struct record_opts, cpus, "CPUS",
		   "only these CPUs, e.g. 0-3,7 (implies -a without a target)"),
	OPT_STRING_F('e', "event", struct record_opts, events, OPTF_LIST, "EVENTS",
		   "comma list of perf's hardware and software event names (cycles, cpu-clock, page-faults, cs, ...) or rNNNN, each with :MODIFIERS (u k h G H p I S) or /period=N/ /freq=N/ terms, and sys:name tracepoints; {EVENT,EVENT...} a group; given again, it adds (default cycles)"),
	OPT_CALLBACK('F', "freq", opt_freq, "HZ",
		     "samples per second (default 4000, capped at perf_event_max_sample_rate), or max: that rate"),
	OPT_PERIOD(struct record_opts, period, "PERIOD",
		   "a sample every PERIOD events instead of -F"),
	OPT_STRING('o', "output", struct record_opts, output, "FILE",
		   "output file, - for stdout (default perf.data.kvm; .guest with --guest alone, .host with --host alone)"),
	OPT_DURATION(struct record_opts, duration, "stop after this many seconds"),
	OPT_MMAP_PAGES(struct record_opts, mmap_pages,
		       "ring buffer data pages per CPU or thread, a power of two (default 128)"),
	OPT_SET('g', "callchain", struct record_opts, callgraph, CALLGRAPH_FP,
		"record frame-pointer callchains"),
	OPT_CALLBACK('\0', "call-graph", opt_call_graph, "fp|dwarf[,SIZE]",
		     "callchains by frame pointers, or user stack copies of SIZE bytes for DWARF unwinding (default 8192)"),
	OPT_CALLBACK_F('\0', "switch-output", opt_switch_output, OPTF_OPTARG, "signal|SIZE|TIME",
		       "start a new file (the last one renamed FILE.<timestamp>) on SIGUSR2 (default), past SIZE (10M: B, K, M, G) or every TIME (30s: s, m, h, d)",
		       NULL),
	OPT_UINT_F('z', "compression-level", struct record_opts, comp_level, 1, 22, OPTF_OPTARG, 1,
		   "LEVEL", "a zstd level 1..22",
		   "zstd-compress the data as perf record -z (LEVEL 1..22, default 1)"),
	OPT_BOOL('q', "quiet", struct record_opts, quiet, "no messages but errors"),
	OPT_BOOL('s', "stat", struct record_opts, inherit_stat,
		 "each task's counts as it exits, for report -T (a command or -p: inherited events)"),
	OPT_BOOL('N', "no-buildid-cache", struct record_opts, no_buildid_cache,
		 "do not keep the kernel's kallsyms in perf's build-id cache (~/.debug), as perf record -N"),
	OPT_BOOL('\0', "guest-memory", struct record_opts, guest_memory,
		 "each running guest's kernel symbols read from its memory at the start, carried in the data file"),
	OPT_END
};

bool record_kvm_stat;

static struct record_signals record_sig;

static void sig_handler(int sig)
{
	if (sig == SIGCHLD)
		record_sig.child_done = 1;
	else if (sig == SIGUSR2)
		record_sig.switch_pending = 1;
	else
		record_sig.done = 1;
}

static const char *default_output(const struct guest_config *gc)
{
	if (gc->host && gc->guest)
		return "perf.data.kvm";
	if (gc->host)
		return "perf.data.host";
	return "perf.data.guest";
}

/* The defaults and what excludes what; 0 or -EINVAL (said). */
static int record__check_opts(struct record_opts *o, bool workload)
{
	bool freq_given = o->freq != 0;

	if (!o->freq)
		o->freq = DEFAULT_FREQ;
	/* Samples with stack copies are ~8 KB: give the buffers room for them. */
	if (!o->mmap_pages)
		o->mmap_pages = o->callgraph == CALLGRAPH_DWARF ? 4 * DEFAULT_MMAP_PAGES
								 : DEFAULT_MMAP_PAGES;
	/* A command beside -a, -C, -p or -t only runs while they are recorded (perf's -- sleep N). */
	if ((o->pid != 0) + (o->tid != 0) + o->system_wide > 1) {
		pr_err("choose one target: -a, -p PID or -t TID (a command beside it only runs "
		       "while the target is recorded)");
		return -EINVAL;
	}
	if (freq_given && o->period) {
		pr_err("-F and -c exclude each other: a frequency or a period");
		return -EINVAL;
	}
	if (!o->period)
		o->freq = record__cap_freq(o, freq_given);
	if (!o->output)
		o->output = default_output(&o->guest);
	/* Default, as perf kvm record: the whole system; -C without -p or -t: those CPUs. */
	if (!o->pid && !o->tid && (!workload || o->cpus))
		o->system_wide = true;
	return 0;
}

int cmd_record(int argc, char **argv, struct guest_config *gc)
{
	struct record rec = { .workload = WORKLOAD_INIT, .sig = &record_sig,
			      .sig_handler = sig_handler, .kvm_stat = record_kvm_stat,
			      .version = "pmukvm " PMUKVM_VERSION };
	struct record_opts *o = &rec.opts;
	int i, ret;

	o->guest = *gc;
	i = options_parse(argc, argv, record_usage, record_options, o, &o->guest);
	if (i < 0)
		return 129;
	guest_config__finish(&o->guest);
	if (!o->guest.host && !o->guest.guest) {
		pr_err("--no-host --no-guest leaves nothing to record");
		return 129;
	}
	if (record__check_opts(o, i < argc))
		return 129;
	if (record__guests(&rec) < 0) {
		pr_err("%s", err__str(&rec.err));
		ret = 1;
	} else {
		ret = record__run(&rec, i < argc ? argv + i : NULL);
	}
	record__exit(&rec);
	return ret;
}
