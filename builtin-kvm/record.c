// SPDX-License-Identifier: GPL-2.0
/*
 * pmukvm record: sample the host (and through it its guests) into a
 * perf.data file that perf report reads.
 *
 * Sources: util/evlist (events and ring buffers), util/synthesize (the
 * state before the start), util/writer (the file), util/features.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <inttypes.h>
#include <linux/perf_event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "builtin-kvm/builtin.h"
#include "symbols/kallsyms.h"
#include "util/buf.h"
#include "util/buildid.h"
#include "util/compress.h"
#include "util/data.h"
#include "util/event.h"
#include "util/evlist.h"
#include "util/features.h"
#include "util/guest.h"
#include "util/guestmem.h"
#include "util/options.h"
#include "util/synthesize.h"
#include "util/tracing-data.h"
#include "util/util.h"
#include "util/writer.h"

#include "pmukvm-version.h"	/* generated: build/pmukvm-version.h */

#define DEFAULT_FREQ		4000
#define DEFAULT_MMAP_PAGES	128
#define DEFAULT_STACK_SIZE	8192
#define POLL_MS			100
#define SYNC_NS			1000000000ull	/* rewrite the header this often */
#define MAX_PID			(1u << 22)	/* pid_max's ceiling */
#define MAX_TARGETS		1024		/* ids in one -p or -t list */

/* x86-64 user registers perf samples for DWARF unwinding: all but DS/ES/FS/GS. */
#define X86_64_REGS_MASK	(((1ull << 24) - 1) & ~(0xfull << 12))

enum callgraph_mode { CALLGRAPH_NONE, CALLGRAPH_FP, CALLGRAPH_DWARF };

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
	struct guest_config guest;	/* the guest options */
};

/* What the read loop keeps while writing. */
struct record {
	struct record_opts opts;
	struct evlist *evlist;
	struct perf_writer *writer;
	u64 samples, lost;
	u64 first_time, last_time;
	/*
	 * For BUILD_ID: the files mapped executable, each once (@files),
	 * marked @needed once a process that mapped it got samples. Maps of processes not sampled yet wait in @pend; the
	 * entries of processes that exited unsampled are dropped, so memory
	 * follows the live processes, not every process of a long -a run.
	 */
	u8 *sampled_pids;		/* bitmap of pids that got samples */
	u8 *exited_pids;		/* bitmap of pids whose process exited */
	struct str_set files;
	u8 *needed;			/* by file number */
	size_t alloc_needed;
	struct pend { u32 pid, file; } *pend;
	size_t nr_pend, alloc_pend, compact_at;
	bool kernel_sampled;		/* a host kernel sample: its build-id too */
	u32 drop_mode;			/* bit per cpumode: samples not to keep */
	bool drop_by_event;		/* events differ in drop_mode */
	u64 dropped;
	/* What a new output file (--switch-output) needs again. */
	const struct guest_machine *guests;
	size_t nr_guests;
	const struct buf *guest_fb;
	struct buf tracing_fb;	/* HEADER_TRACING_DATA, built once */
	bool tracing_done;
	bool workload;
	u64 seg_samples, nr_switches;
	bool switch_failed;		/* the files are as the message said */
	u8 *trimbuf;			/* DWARF: a sample with its stack cut */
	u64 trimmed;			/* bytes of stack copies not written */
	int write_err;
};

#define PERF_COMP_ZSTD		1	/* HEADER_COMPRESSED's type */

static const char record_usage[] =
	"pmukvm [guest options] record [-a | -p PID | -t TID | -- COMMAND [ARGS]] [OPTIONS]";

static bool is_hw_type(u32 type)
{
	return type == PERF_TYPE_HARDWARE || type == PERF_TYPE_HW_CACHE ||
	       type == PERF_TYPE_RAW;
}

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
	OPT_STRING('e', "event", struct record_opts, events, "EVENTS",
		   "comma list of perf's hardware and software event names (cycles, cpu-clock, page-faults, cs, ...) or rNNNN, each with :MODIFIERS (u k h G H p I) or /period=N/ /freq=N/ terms, and sys:name tracepoints (default cycles)"),
	OPT_FREQ(struct record_opts, freq,
		 "samples per second (default 4000, capped at perf_event_max_sample_rate)"),
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
	OPT_BOOL('\0', "guest-memory", struct record_opts, guest_memory,
		 "each running guest's kernel symbols read from its memory at the start, carried in the data file"),
	OPT_END
};

/* ---- opening ---- */

static int read_sysctl_int(const char *path, long *val)
{
	char *buf;
	size_t len;
	int err = read_file_maybe_gz(path, 64, &buf, &len);

	if (err)
		return err;
	*val = strtol(buf, NULL, 10);
	free(buf);
	return 0;
}

bool record_kvm_stat;

/*
 * perf kvm stat record on CPUs (-a, -C, or no target) adds a dummy:HG
 * software event, enabled at once, that carries the side-band records
 * (mmap, comm, task, ksymbol, bpf) in place of the first event; perf's
 * attrs, but the read_format of the others.
 */
static void add_kvm_stat_dummy(struct record *rec)
{
	struct perf_event_attr d = { 0 };
	int i;

	for (i = 0; i < rec->evlist->nr_evsels; i++) {
		struct perf_event_attr *a = &rec->evlist->evsels[i].attr;

		a->mmap = a->mmap2 = a->comm = a->comm_exec = a->task = 0;
	}
	d.size = sizeof(d);
	d.type = PERF_TYPE_SOFTWARE;
	d.config = PERF_COUNT_SW_DUMMY;
	d.sample_period = 1;
	d.sample_type = PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_IP | PERF_SAMPLE_TID |
			PERF_SAMPLE_TIME | PERF_SAMPLE_CPU | PERF_SAMPLE_RAW;
	d.read_format = rec->evlist->nr_evsels ? rec->evlist->evsels[0].attr.read_format :
			PERF_FORMAT_ID;
	d.inherit = !rec->opts.tid;
	d.mmap = d.mmap2 = d.comm = d.comm_exec = d.task = 1;
	d.ksymbol = d.bpf_event = 1;
	d.sample_id_all = 1;
	evlist__add(rec->evlist, &d, "dummy:HG");
}

/*
 * Builds the events. A hardware event that cannot open anywhere (no PMU)
 * becomes cpu-clock, said once; a setting the PMU refuses is an error.
 */
static int build_evlist(struct record *rec, bool workload)
{
	const struct record_opts *o = &rec->opts;
	char **list, fellback[256] = "";
	bool have_cpu_clock = false, fallback;
	int err = 0, nr, i;

	list = event_list__split(o->events ? o->events : "cycles", &nr);
	for (i = 0; i < nr; i++) {
		const char *name = list[i];
		struct event_spec spec;
		struct perf_event_attr attr;
		const char *use = name;

		err = event_spec__parse(name, &spec);
		if (err) {
			if (err == -ENOENT)
				pr_err("unknown event '%s' (known: %s)", name, event_names_known);
			else if (err != -EINVAL)
				pr_err("event '%s': cannot read the tracepoints under %s: %s", name,
				       tracefs__dir() ? tracefs__dir() : "tracefs", strerror(-err));
			else
				pr_err("bad event '%s': perf's forms are NAME, NAME:MODIFIERS "
				       "(u k h G H p I), NAME/period=N/ and NAME/freq=N/ (then "
				       "MODIFIERS)", name);
			err = -EINVAL;
			goto out;
		}
		attr = spec.attr;
		fallback = false;
		attr.size = sizeof(attr);
		if (!spec.has_GH) {
			attr.exclude_host = !o->guest.host;
			attr.exclude_guest = !o->guest.guest;
		}
		attr.disabled = 1;
		if (is_hw_type(attr.type)) {
			int perr = evlist__probe(&attr);

			if (perr == -EOPNOTSUPP || perr == -EINVAL) {
				struct perf_event_attr plain = attr;

				plain.exclude_host = plain.exclude_guest = 0;
				if (!evlist__probe(&plain)) {
					pr_err("event '%s': the PMU refuses %s; record with both "
					       "--host --guest, or use a PMU that filters by mode",
					       name, attr.exclude_guest ? "exclude_guest (--host only)"
					       : "exclude_host (--guest only)");
					err = -EOPNOTSUPP;
					goto out;
				}
			}
			if (perr == -ENOENT || perr == -ENODEV || perr == -EOPNOTSUPP ||
			    perr == -EINVAL) {
				size_t n = strlen(fellback);

				snprintf(fellback + n, sizeof(fellback) - n, "%s%s",
					 n ? "," : "", name);
				attr.type = PERF_TYPE_SOFTWARE;
				attr.config = PERF_COUNT_SW_CPU_CLOCK;
				attr.precise_ip = 0;
				use = "cpu-clock";
				fallback = true;
			}
		}
		if (attr.type == PERF_TYPE_SOFTWARE && attr.config == PERF_COUNT_SW_CPU_CLOCK) {
			if (fallback && have_cpu_clock)
				continue;	/* two fallbacks would be one event twice */
			have_cpu_clock = true;
		}
		attr.sample_type = PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_IP | PERF_SAMPLE_TID |
				   PERF_SAMPLE_TIME | PERF_SAMPLE_CPU | PERF_SAMPLE_PERIOD;
		attr.read_format = PERF_FORMAT_ID;
		if (spec.has_period) {
			/* period=N or freq=N of the spec, as given. */
		} else if (o->period) {
			attr.sample_period = o->period;
		} else {
			attr.freq = 1;
			attr.sample_freq = o->freq;
		}
		if (attr.type == PERF_TYPE_TRACEPOINT) {
			/* every hit, with its payload (perf record -R -c 1) */
			attr.sample_type |= PERF_SAMPLE_RAW;
			attr.freq = 0;
			attr.sample_period = o->period ? o->period : 1;
		}
		attr.sample_id_all = 1;
		attr.inherit = !o->tid;
		attr.enable_on_exec = workload;
		if (o->callgraph != CALLGRAPH_NONE)
			attr.sample_type |= PERF_SAMPLE_CALLCHAIN;
		if (o->callgraph == CALLGRAPH_DWARF) {
			/* The user part comes from unwinding the stack copy. */
			attr.sample_type |= PERF_SAMPLE_REGS_USER | PERF_SAMPLE_STACK_USER;
			attr.sample_regs_user = X86_64_REGS_MASK;
			attr.sample_stack_user = o->stack_size;
			attr.exclude_callchain_user = 1;
			attr.mmap_data = 1;
		}
		if (!rec->evlist->nr_evsels) {
			/* Side-band records come once, from the first event. */
			attr.mmap = attr.mmap2 = attr.comm = attr.comm_exec = attr.task = 1;
		}
		evlist__add(rec->evlist, &attr, use);
	}
	if (record_kvm_stat && (o->system_wide || o->cpus || (!workload && !o->pid && !o->tid)))
		add_kvm_stat_dummy(rec);
	if (fellback[0] && !o->quiet)
		pr_warning("no hardware PMU here: %s fall%s back to cpu-clock", fellback,
			   strchr(fellback, ',') ? "" : "s");
out:
	event_list__free(list);
	return err;
}

/* Tracepoint events: their formats go into the file (HEADER_TRACING_DATA). */
static int record__tracing_data(struct record *rec, struct buf *fb)
{
	int i, err;

	for (i = 0; i < rec->evlist->nr_evsels; i++)
		if (rec->evlist->evsels[i].attr.type == PERF_TYPE_TRACEPOINT)
			break;
	if (i == rec->evlist->nr_evsels)
		return 0;
	err = tracing_data__build(rec->evlist, fb);
	if (err) {
		pr_err("cannot read the tracepoint formats under %s: %s",
		       tracefs__dir() ? tracefs__dir() : "tracefs", strerror(-err));
		return err;
	}
	perf_writer__set_feature(rec->writer, HEADER_TRACING_DATA, fb->data, fb->len);
	return 0;
}

static void explain_open_error(struct record *rec, int err)
{
	struct evlist *evlist = rec->evlist;
	const char *name = evlist->err_evsel >= 0 ? evlist->evsels[evlist->err_evsel].name : "?";
	long paranoid = 0;

	if (err == -EACCES || err == -EPERM) {
		read_sysctl_int("/proc/sys/kernel/perf_event_paranoid", &paranoid);
		pr_err("cannot open event '%s': %s (perf_event_paranoid is %ld): run as root, "
		       "or lower /proc/sys/kernel/perf_event_paranoid (-1 for system-wide, "
		       "1 for kernel samples of your own processes)", name, strerror(-err),
		       paranoid);
	} else if (err == -EOPNOTSUPP && (evlist->evsels[evlist->err_evsel].attr.exclude_guest ||
					 evlist->evsels[evlist->err_evsel].attr.exclude_host)) {
		pr_err("cannot open event '%s': the PMU refuses exclude_guest/exclude_host: "
		       "record with --host --guest", name);
	} else if (err == -EMFILE) {
		pr_err("cannot open event '%s': too many open files: raise 'ulimit -n' or "
		       "record fewer CPUs/threads", name);
	} else if (evlist->err_thread != -1) {
		pr_err("cannot open event '%s' on thread %d: %s", name,
		       (int)evlist->err_thread, strerror(-err));
	} else {
		pr_err("cannot open event '%s' on cpu %d: %s", name, evlist->err_cpu,
		       strerror(-err));
	}
}

/* ---- writing ---- */

static int write_event(struct record *rec, const union perf_event *ev)
{
	int err = perf_writer__write(rec->writer, ev, ev->header.size);

	if (err && !rec->write_err)
		rec->write_err = err;
	return err;
}

static bool pid_bit(const u8 *map, u32 pid)
{
	return pid < MAX_PID && (map[pid / 8] & (1u << (pid % 8)));
}

static void pid_set(u8 *map, u32 pid, bool on)
{
	if (pid >= MAX_PID)
		return;
	if (on)
		map[pid / 8] |= 1u << (pid % 8);
	else
		map[pid / 8] &= ~(1u << (pid % 8));
}

static void remember_mmap(struct record *rec, u32 pid, const char *filename)
{
	size_t known = rec->files.nr;
	u32 file;

	if (filename[0] != '/')
		return;
	file = str_set__add(&rec->files, filename);
	if (rec->files.nr > known) {	/* a new file: not needed yet */
		ALLOC_GROW(rec->needed, rec->files.nr, rec->alloc_needed);
		rec->needed[file] = 0;
	}
	pid_set(rec->exited_pids, pid, false);	/* a pid in use again */
	if (pid >= MAX_PID || pid_bit(rec->sampled_pids, pid)) {
		rec->needed[file] = 1;
		return;
	}
	/* Consecutive maps of one file: keep one. */
	if (rec->nr_pend && rec->pend[rec->nr_pend - 1].pid == pid &&
	    rec->pend[rec->nr_pend - 1].file == file)
		return;
	ALLOC_GROW(rec->pend, rec->nr_pend + 1, rec->alloc_pend);
	rec->pend[rec->nr_pend].pid = pid;
	rec->pend[rec->nr_pend++].file = file;
}

/*
 * Settles the waiting maps: those of processes sampled since mark their
 * files, those of processes that exited unsampled go. Run between passes
 * over the buffers: by then every sample taken before an exit was read.
 */
static void record__compact_pend(struct record *rec)
{
	size_t i, n = 0;

	for (i = 0; i < rec->nr_pend; i++) {
		struct pend p = rec->pend[i];

		if (pid_bit(rec->sampled_pids, p.pid))
			rec->needed[p.file] = 1;
		else if (!pid_bit(rec->exited_pids, p.pid))
			rec->pend[n++] = p;
	}
	rec->nr_pend = n;
	rec->compact_at = 2 * n > 4096 ? 2 * n : 4096;
}

static int record__synth_cb(void *ctx, union perf_event *ev)
{
	struct record *rec = ctx;

	if (ev->header.type == PERF_RECORD_MMAP2 && (ev->mmap2.prot & 4 /* PROT_EXEC */))
		remember_mmap(rec, ev->mmap2.pid, ev->mmap2.filename);
	return write_event(rec, ev);
}

/*
 * Samples of the cpumodes a software event's exclude_guest/exclude_host
 * exclude. Hardware events are filtered by the PMU; a tracepoint fires in
 * the host's context whatever it traces (kvm:kvm_exit), so it keeps all.
 */
static u32 drop_mask(const struct perf_event_attr *attr)
{
	u32 m = 0;

	if (attr->type != PERF_TYPE_SOFTWARE)
		return 0;

	if (attr->exclude_guest)
		m |= 1u << PERF_RECORD_MISC_GUEST_KERNEL | 1u << PERF_RECORD_MISC_GUEST_USER;
	if (attr->exclude_host)
		m |= 1u << PERF_RECORD_MISC_KERNEL | 1u << PERF_RECORD_MISC_USER |
		     1u << PERF_RECORD_MISC_HYPERVISOR;
	return m;
}

/*
 * Software events (cpu-clock, the fallback) ignore exclude_host and
 * exclude_guest: what they would have excluded is left out here. One mask
 * for all events is the usual case; modifiers (:G, :H) may differ by event.
 */
static void record__set_drop_masks(struct record *rec)
{
	int i;

	rec->drop_mode = drop_mask(&rec->evlist->evsels[0].attr);
	rec->drop_by_event = false;
	for (i = 1; i < rec->evlist->nr_evsels; i++)
		if (drop_mask(&rec->evlist->evsels[i].attr) != rec->drop_mode)
			rec->drop_by_event = true;
}

static bool record__drop_sample(struct record *rec, u64 id, u16 misc)
{
	u32 bit = 1u << (misc & PERF_RECORD_MISC_CPUMODE_MASK);

	if (rec->drop_by_event) {
		struct evsel *e = evlist__find_evsel(rec->evlist, id);

		return e && (drop_mask(&e->attr) & bit);
	}
	return rec->drop_mode & bit;
}

/*
 * The kernel copies sample_stack_user bytes of user stack into every DWARF
 * sample whatever the stack's depth; only dyn_size of them are the stack
 * (perf's unwinders read no more). Writing the sample with its stack copy
 * cut to dyn_size (the size field says so, as the format allows) is one
 * copy of a few hundred bytes instead of writing 8 KB: most of record's
 * cost with --call-graph dwarf was the kernel copying those bytes into the
 * page cache. Returns the record to write (@ev itself when there is
 * nothing to cut).
 */
static const union perf_event *record__trim_stack(struct record *rec, const union perf_event *ev)
{
	const u64 *w = (const u64 *)ev + 1;
	size_t nw = (ev->header.size - sizeof(ev->header)) / 8, i;
	u64 nr, size, dyn, keep;

	/* IDENTIFIER IP TID TIME CPU PERIOD, CALLCHAIN, REGS_USER, STACK_USER. */
	if (nw < 7)
		return ev;
	nr = w[6];
	if (nr > nw - 7)
		return ev;
	i = 7 + (size_t)nr;
	if (i >= nw)
		return ev;
	if (w[i++])	/* abi: the registers follow */
		i += (size_t)__builtin_popcountll(X86_64_REGS_MASK);
	if (i >= nw)
		return ev;
	size = w[i];
	if (!size || size % 8 || size / 8 + 2 + i != nw)
		return ev;	/* no stack, or not laid out as ours: as it is */
	dyn = w[i + 1 + size / 8];
	keep = PERF_ALIGN(dyn < size ? dyn : size, 8);
	if (keep == size)
		return ev;
	/* Header and fields up to the size word, the kept bytes, dyn_size. */
	memcpy(rec->trimbuf, ev, sizeof(ev->header) + (i + 1) * 8 + keep);
	{
		union perf_event *out = (union perf_event *)rec->trimbuf;
		u64 *ow = (u64 *)out + 1;
		size_t n = i + 1 + (size_t)keep / 8;

		ow[i] = keep;
		if (keep)
			ow[n++] = dyn;
		out->header.size = (u16)(sizeof(out->header) + n * 8);
		rec->trimmed += size - keep;
		return out;
	}
}

static int read_cb(void *ctx, union perf_event *ev, int mmap_idx)
{
	struct record *rec = ctx;

	switch (ev->header.type) {
	case PERF_RECORD_SAMPLE: {
		/* IDENTIFIER, IP, TID, TIME lead every sample of ours. */
		const u64 *body = (const u64 *)ev + 1;
		u32 pid;
		u64 time;

		if (ev->header.size < 40)
			break;
		/*
		 * Software events (cpu-clock, the fallback) ignore exclude_host
		 * and exclude_guest: what they would have excluded is left out here.
		 */
		if (record__drop_sample(rec, body[0], ev->header.misc)) {
			rec->dropped++;
			return 0;
		}
		pid = (u32)body[2];
		time = body[3];
		rec->samples++;
		rec->seg_samples++;
		if ((ev->header.misc & PERF_RECORD_MISC_CPUMODE_MASK) == PERF_RECORD_MISC_KERNEL)
			rec->kernel_sampled = true;
		if (!rec->first_time || time < rec->first_time)
			rec->first_time = time;
		if (time > rec->last_time)
			rec->last_time = time;
		if (pid < MAX_PID)
			pid_set(rec->sampled_pids, pid, true);
		if (rec->trimbuf)
			return write_event(rec, record__trim_stack(rec, ev));
		break;
	}
	case PERF_RECORD_LOST:
		rec->lost += ev->lost.lost;
		break;
	case PERF_RECORD_LOST_SAMPLES:
		rec->lost += ev->lost_samples.lost;
		break;
	case PERF_RECORD_MMAP2:
		if (ev->mmap2.prot & 4 /* PROT_EXEC */)
			remember_mmap(rec, ev->mmap2.pid, ev->mmap2.filename);
		break;
	case PERF_RECORD_EXIT:
		if (ev->header.size >= sizeof(struct fork_event) && ev->fork.pid == ev->fork.tid)
			pid_set(rec->exited_pids, ev->fork.pid, true);
		break;
	default:
		break;
	}
	return write_event(rec, ev);
}

static int write_round(struct record *rec)
{
	struct perf_event_header h = { .type = PERF_RECORD_FINISHED_ROUND, .size = sizeof(h) };

	return write_event(rec, (const union perf_event *)&h);
}

/* One pass over all buffers, then FINISHED_ROUND if anything came. */
static long record__mmap_read_all(struct record *rec)
{
	long n = evlist__read(rec->evlist, read_cb, rec);

	if (n > 0)
		write_round(rec);
	if (rec->nr_pend >= rec->compact_at)
		record__compact_pend(rec);
	return n;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* BUILD_ID: every ELF file mapped executable by a process that got samples. */
static void record__set_build_ids(struct record *rec)
{
	struct buf fb = { 0 };
	char **names = xcalloc(rec->files.nr + 1, sizeof(char *));
	size_t i, n = 0;

	record__compact_pend(rec);
	for (i = 0; i < rec->files.nr; i++)
		if (rec->needed[i])
			names[n++] = rec->files.strs[i];
	qsort(names, n, sizeof(char *), cmp_str);
	for (i = 0; i < n; i++) {
		u8 bid[BUILD_ID_MAX];
		int size;

		size = filename__read_build_id(names[i], bid, sizeof(bid));
		if (size > 0)
			build_id__add(&fb, -1, PERF_RECORD_MISC_USER, bid, (u8)size, names[i]);
	}
	if (rec->kernel_sampled) {
		u8 bid[BUILD_ID_MAX];
		int size = sysfs__read_build_id("/sys/kernel/notes", bid, sizeof(bid));

		if (size > 0)
			build_id__add(&fb, -1, PERF_RECORD_MISC_KERNEL, bid, (u8)size,
				      "[kernel.kallsyms]");
	}
	if (fb.len)
		perf_writer__set_feature(rec->writer, HEADER_BUILD_ID, fb.data, fb.len);
	buf__free(&fb);
	free(names);
}

/*
 * HEADER_COMPRESSED as perf 6.1 writes it: u32 version 1, type (zstd),
 * level, ratio (bytes in per byte out, rounded down) and mmap_len, which
 * readers use as the size of one COMPRESSED record's output: the ring
 * buffer's size, and never less than the writer's chunks need.
 */
static void record__set_compressed(struct record *rec)
{
	u64 in = 0, out = 0;
	struct header_info hi = { .has_comp = true };
	struct feat_src src = { .info = &hi };
	u64 mmap_len = ((u64)rec->opts.mmap_pages + 1) * (u64)sysconf(_SC_PAGESIZE);

	perf_writer__compressed_totals(rec->writer, &in, &out);
	if (mmap_len < 4 * COMPRESS_CHUNK)
		mmap_len = 4 * COMPRESS_CHUNK;
	hi.comp_version = 1;
	hi.comp_type = PERF_COMP_ZSTD;
	hi.comp_level = (u32)rec->opts.comp_level;
	hi.comp_ratio = out ? (u32)(in / out) : 0;
	hi.comp_mmap_len = (u32)min_t(u64, mmap_len, UINT32_MAX);
	header__set_feature(rec->writer, HEADER_COMPRESSED, &src);
}

/*
 * After a write error the file holds fewer records than were read: count
 * what it really keeps, with the reader, so the summary tells the truth.
 */
static void recount_from_file(const char *path, u64 *samples, u64 *lost)
{
	char errbuf[256];
	union perf_event *ev;
	struct perf_data *data;
	u64 off, s = 0, l = 0;
	int err;

	data = perf_data__open(path, &err, errbuf, sizeof(errbuf));
	if (!data)
		return;
	while ((err = perf_data__next(data, &ev, &off)) > 0) {
		if (ev->header.type == PERF_RECORD_SAMPLE)
			s++;
		else if (ev->header.type == PERF_RECORD_LOST)
			l += ev->lost.lost;
		else if (ev->header.type == PERF_RECORD_LOST_SAMPLES)
			l += ev->lost_samples.lost;
	}
	if (!err) {
		*samples = s;
		*lost = l;
	}
	perf_data__delete(data);
}

/* ---- the workload ---- */

static pid_t workload_pid = -1;
static volatile sig_atomic_t done, child_done, switch_pending;

static void sig_handler(int sig)
{
	if (sig == SIGCHLD)
		child_done = 1;
	else if (sig == SIGUSR2)
		switch_pending = 1;
	else
		done = 1;
}

/*
 * Forks COMMAND stopped on a pipe; writing to *go_fd lets it exec.
 * Events with enable_on_exec start counting at the exec. *err_fd reads
 * EOF once the exec worked (close-on-exec), or the child's errno if not.
 */
static int workload__prepare(char **argv, bool stdout_is_data, int *go_fd, int *err_fd)
{
	int go[2], ex[2];
	pid_t pid;

	if (pipe2(go, O_CLOEXEC))
		return -errno;
	if (pipe2(ex, O_CLOEXEC)) {
		close(go[0]);
		close(go[1]);
		return -errno;
	}
	pid = fork();
	if (pid < 0) {
		int err = -errno;

		close(go[0]);
		close(go[1]);
		close(ex[0]);
		close(ex[1]);
		return err;
	}
	if (!pid) {
		char c;
		int e;

		close(go[1]);
		close(ex[0]);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);	/* ignored signals stay ignored across exec */
		/* With -o - our stdout is the stream: the command's output goes to stderr. */
		if (stdout_is_data && dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
			_exit(127);
		if (read(go[0], &c, 1) != 1)
			_exit(127);
		execvp(argv[0], argv);
		e = errno;
		if (write(ex[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close(go[0]);
	close(ex[1]);
	workload_pid = pid;
	*go_fd = go[1];
	*err_fd = ex[0];
	return 0;
}

/* Lets the command exec; returns 0 or the exec's negative errno. */
static int workload__start(int go_fd, int err_fd)
{
	int e = 0;
	ssize_t n;

	if (write(go_fd, "g", 1) != 1)
		return -errno;
	do {
		n = read(err_fd, &e, sizeof(e));
	} while (n < 0 && errno == EINTR);
	return n == sizeof(e) ? -e : 0;
}

static bool workload__exited(int *status)
{
	if (workload_pid <= 0)
		return false;
	if (waitpid(workload_pid, status, WNOHANG) == workload_pid) {
		workload_pid = -1;
		return true;
	}
	return false;
}

/* Whether any process (or thread) of -p/-t is still there. */
static bool targets_alive(const struct record_opts *o)
{
	for (int i = 0; i < o->nr_targets; i++)
		if (!kill(o->targets[i], 0) || errno != ESRCH)
			return true;
	return false;
}

/*
 * Reads the buffers until told to stop: a signal, --duration, the command's
 * or the target's exit, or a write error. Polls only after a pass that
 * found nothing, so a busy buffer is drained at once.
 */
static int record__switch_output(struct record *rec, bool at_exit);

static void record__loop(struct record *rec, bool workload, int *status)
{
	const struct record_opts *o = &rec->opts;
	u64 start_ns, last_sync, last_switch;

	start_ns = last_sync = last_switch = now_ns();
	for (;;) {
		long n = record__mmap_read_all(rec);
		u64 now = now_ns();

		if (n < 0 && !rec->write_err)
			pr_err("a ring buffer holds a record of bad size: stopping");
		if (n < 0 || rec->write_err || done)
			break;
		if (workload && child_done && workload__exited(status))
			break;
		/*
		 * With -p the buffers hang up when the thread that owns them
		 * exits, while others may run on: only the process's end counts.
		 */
		if (!workload && !o->system_wide &&
		    ((o->tid && evlist__all_hup(rec->evlist)) || !targets_alive(o)))
			break;
		if (o->duration > 0 && now - start_ns >= (u64)(o->duration * 1e9))
			break;
		if (switch_pending ||
		    (o->switch_size && perf_writer__data_size(rec->writer) >= o->switch_size) ||
		    (o->switch_ns && now - last_switch >= o->switch_ns)) {
			switch_pending = 0;
			if (record__switch_output(rec, false))
				break;
			last_switch = last_sync = now_ns();
			continue;
		}
		/* The header on disk follows the data: a killed record leaves a readable file. */
		if (now - last_sync >= SYNC_NS) {
			if (perf_writer__sync(rec->writer) && !rec->write_err)
				rec->write_err = perf_writer__error(rec->writer);
			last_sync = now;
		}
		if (n == 0)
			evlist__poll(rec->evlist, POLL_MS);
	}
	evlist__disable(rec->evlist);
	if (!rec->write_err)
		record__mmap_read_all(rec);
}

/* ---- the command ---- */

static const char *default_output(const struct guest_config *gc)
{
	if (gc->host && gc->guest)
		return "perf.data.kvm";
	if (gc->host)
		return "perf.data.host";
	return "perf.data.guest";
}

/* perf keeps one previous file as FILE.old. */
static void rotate_old(const char *path)
{
	struct stat st;

	if (!stat(path, &st) && S_ISREG(st.st_mode) && st.st_size) {
		char *old = xasprintf("%s.old", path);

		if (rename(path, old))
			pr_warning("cannot rename '%s' to '%s': %s", path, old, strerror(errno));
		free(old);
	}
}

static int synthesize_all(struct record *rec, const struct guest_machine *guests,
			  size_t nr_guests, bool workload)
{
	/* TID, TIME, CPU, IDENTIFIER: the sample_id_all trailer of our events. */
	const size_t id_hdr = 4 * sizeof(u64);
	const struct record_opts *o = &rec->opts;
	/* DWARF unwinding reads .eh_frame_hdr, which sits in a non-exec map. */
	unsigned int flags = SYNTH_MAPS |
			     (o->callgraph == CALLGRAPH_DWARF ? SYNTH_DATA_MAPS : 0);
	char msg[1024] = "";
	size_t i;
	int err;

	err = synthesize__kernel(id_hdr, record__synth_cb, rec, msg, sizeof(msg));
	if (err && msg[0] && !rec->write_err) {	/* kallsyms, not the output */
		if (!o->quiet)
			pr_warning("%s: host kernel samples will not resolve", msg);
		err = 0;
	}
	for (i = 0; !err && i < nr_guests; i++) {
		err = synthesize__guest_kernel(guests[i].kallsyms, guests[i].modules,
					       guests[i].pid, id_hdr, record__synth_cb, rec,
					       msg, sizeof(msg));
		if (err && !rec->write_err) {
			pr_err("guest %d: %s", (int)guests[i].pid, msg);
			return err;
		}
	}
	if (err)
		return err;
	if (workload)
		return synthesize__process(workload_pid, 0, id_hdr, record__synth_cb, rec);
	if (o->pid || o->tid) {
		pid_t done_tgids[MAX_TARGETS];
		int nr_done = 0;

		for (int t = 0; t < o->nr_targets; t++) {
			/* A thread's process, for its maps and its siblings' names. */
			char path[64], *buf;
			size_t len;
			pid_t tgid = o->targets[t];
			bool seen = false;

			if (o->tid) {
				snprintf(path, sizeof(path), "/proc/%d/status", (int)tgid);
				if (!read_file_maybe_gz(path, 1 << 16, &buf, &len)) {
					char *p = strstr(buf, "\nTgid:");

					if (p)
						tgid = atoi(p + 6);
					free(buf);
				}
			}
			for (int d = 0; d < nr_done; d++)
				seen |= done_tgids[d] == tgid;
			if (seen)
				continue;
			done_tgids[nr_done++] = tgid;
			err = synthesize__process(tgid, flags, id_hdr, record__synth_cb, rec);
			/* One that exited since the open has nothing to say. */
			if (err && err != -ESRCH && err != -ENOENT)
				return err;
			if (rec->write_err)
				return rec->write_err;
		}
		return 0;
	}
	return synthesize__all_processes(flags, id_hdr, record__synth_cb, rec);
}

/*
 * Creates o->output and starts it: events, features, compression. Returns
 * 0, -EEXIST after a message when it cannot be created or set up, or the
 * writer's error.
 */
static int record__new_output(struct record *rec)
{
	const struct record_opts *o = &rec->opts;
	int i, err;

	rec->writer = perf_writer__new(o->output, &err);
	if (!rec->writer) {
		pr_err("cannot create '%s': %s", o->output, strerror(-err));
		return -EEXIST;
	}
	perf_writer__set_stop(rec->writer, &done);
	if (perf_writer__is_pipe(rec->writer) && (o->switch_signal || o->switch_size ||
						  o->switch_ns)) {
		pr_err("--switch-output writes files: '%s' is a stream", o->output);
		return -EEXIST;
	}
	if (perf_writer__is_pipe(rec->writer) && rec->guest_fb->len && !o->quiet)
		pr_warning("'%s' is a stream (pipe mode): the guest symbol files are not "
			   "stored in it (perf refuses pmukvm's feature there)", o->output);
	for (i = 0; i < rec->evlist->nr_evsels; i++) {
		struct evsel *e = &rec->evlist->evsels[i];

		perf_writer__add_evsel(rec->writer, &e->attr, e->name, e->ids, e->nr_ids);
	}
	if (o->comp_level) {
		err = perf_writer__set_compression(rec->writer, o->comp_level);
		if (err) {
			pr_err("zstd cannot compress at level %d", o->comp_level);
			return -EEXIST;
		}
		record__set_compressed(rec);
	}
	features__set_host(rec->writer, "pmukvm " PMUKVM_VERSION);
	features__set_event_desc(rec->writer, rec->evlist);
	if (rec->guest_fb->len)
		perf_writer__set_feature(rec->writer, HEADER_PMUKVM_GUEST_FILES,
					 rec->guest_fb->data, rec->guest_fb->len);
	if (!rec->tracing_done) {
		if (record__tracing_data(rec, &rec->tracing_fb))
			return -EEXIST;	/* said */
		rec->tracing_done = true;
	} else if (rec->tracing_fb.len) {
		perf_writer__set_feature(rec->writer, HEADER_TRACING_DATA, rec->tracing_fb.data,
					 rec->tracing_fb.len);
	}
	return perf_writer__start(rec->writer, rec->guest_fb->len + rec->tracing_fb.len);
}

/* Finishes the current file: the features that come at the end. */
static int record__finish_output(struct record *rec)
{
	if (rec->seg_samples)
		features__set_sample_time(rec->writer, rec->first_time, rec->last_time);
	record__set_build_ids(rec);
	if (rec->opts.comp_level) {
		/* The ratio counts what is still buffered: compress it first. */
		perf_writer__sync(rec->writer);
		record__set_compressed(rec);
	}
	return perf_writer__finish(rec->writer);
}

/* perf's names for switched files: OUTPUT.YYYYmmddHHMMSScc (cc: 1/100 s). */
static char *timestamped_name(const char *output)
{
	struct timespec ts;
	struct tm tm;
	char date[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(date, sizeof(date), "%Y%m%d%H%M%S", &tm);
	return xasprintf("%s.%s%02u", output, date, (unsigned int)(ts.tv_nsec / 10000000));
}

/*
 * --switch-output: the file so far is finished and renamed OUTPUT.<time>;
 * unless at the end, a new OUTPUT starts with the state synthesized again,
 * so that each file reads on its own. Returns 0 or a negative errno (said).
 */
static int record__switch_output(struct record *rec, bool at_exit)
{
	const struct record_opts *o = &rec->opts;
	char *name = timestamped_name(o->output);
	int err;

	/* Drain what the buffers hold into this file; at the end it is finished. */
	if (!at_exit) {
		record__mmap_read_all(rec);
		err = record__finish_output(rec);
		if (err) {
			pr_err("cannot write '%s': %s", o->output, strerror(-err));
			goto fail;
		}
	}
	if (rename(o->output, name)) {
		err = -errno;
		pr_err("cannot rename '%s' to '%s': %s", o->output, name, strerror(errno));
		goto fail;
	}
	rec->nr_switches++;
	if (!o->quiet)
		pr_info("dumped '%s' (%" PRIu64 " samples)", name, rec->seg_samples);
	free(name);
	perf_writer__delete(rec->writer);
	rec->writer = NULL;
	rec->seg_samples = 0;
	rec->first_time = rec->last_time = 0;
	if (at_exit)
		return 0;
	name = NULL;
	err = record__new_output(rec);
	if (err == -EEXIST) {
		err = -EIO;	/* said */
		goto fail;
	}
	if (!err)
		err = synthesize_all(rec, rec->guests, rec->nr_guests, rec->workload);
	if (err) {
		pr_err("cannot write '%s': %s", o->output, strerror(-err));
		goto fail;
	}
	return 0;
fail:
	free(name);
	rec->switch_failed = true;
	if (!rec->write_err)
		rec->write_err = err;
	return err;
}

static unsigned long long cap_freq(const struct record_opts *o, bool freq_given)
{
	long max = 0;

	if (read_sysctl_int("/proc/sys/kernel/perf_event_max_sample_rate", &max) || max <= 0)
		return o->freq;
	if (o->freq <= (unsigned long long)max)
		return o->freq;
	if (freq_given && !o->quiet)
		pr_warning("-F %llu is above the kernel's perf_event_max_sample_rate %ld: "
			   "using %ld (raise /proc/sys/kernel/perf_event_max_sample_rate "
			   "for more)", o->freq, max, max);
	else if (!o->quiet)
		pr_info("sampling at %ld Hz, the kernel's perf_event_max_sample_rate", max);
	return (unsigned long long)max;
}

int cmd_record(int argc, char **argv, struct guest_config *gc)
{
	struct record rec = { 0 };
	struct record_opts *o = &rec.opts;
	struct guest_machine *guests = NULL;
	struct buf guest_fb = { 0 };
	char gm_dir[4096] = "";
	size_t nr_guests = 0;
	const char *bad_path = NULL;
	struct sigaction sa = { 0 };
	bool freq_given, workload, reported = false, failed = false;
	int i, err, go_fd = -1, exec_fd = -1, status = 0, ret = 1;
	char **cmd_argv;

	o->tid = 0;
	o->pid = 0;
	o->guest = *gc;
	i = options_parse(argc, argv, record_usage, record_options, o, &o->guest);
	if (i < 0)
		return 129;
	guest_config__finish(&o->guest);
	if (!o->guest.host && !o->guest.guest) {
		pr_err("--no-host --no-guest leaves nothing to record");
		return 129;
	}
	cmd_argv = argv + i;
	workload = i < argc;
	freq_given = o->freq != 0;
	if (!o->freq)
		o->freq = DEFAULT_FREQ;
	/* Samples with stack copies are ~8 KB: give the buffers room for them. */
	if (!o->mmap_pages)
		o->mmap_pages = o->callgraph == CALLGRAPH_DWARF ? 4 * DEFAULT_MMAP_PAGES
								 : DEFAULT_MMAP_PAGES;
	if ((o->pid != 0) + (o->tid != 0) + workload + o->system_wide > 1) {
		pr_err("choose one target: -a, -p PID, -t TID or a command");
		return 129;
	}
	if (freq_given && o->period) {
		pr_err("-F and -c exclude each other: a frequency or a period");
		return 129;
	}
	if (!o->period)
		o->freq = cap_freq(o, freq_given);
	if (!o->output)
		o->output = default_output(&o->guest);
	/* Default, as perf kvm record: the whole system. */
	if (!o->pid && !o->tid && !workload)
		o->system_wide = true;

	if (o->guest_memory) {
		/* guests read from memory, the --guestmount files where not */
		err = guest_memory__mount(o->guest.mount, o->pid, gm_dir, sizeof(gm_dir));
		if (err < 0) {
			pr_err("cannot make a guest tree in '%s': %s", gm_dir, strerror(-err));
			return 1;
		}
		o->guest.mount = gm_dir;
	}
	err = guest_machines__find(&o->guest, &guests, &nr_guests, &bad_path);
	if (err) {
		pr_err("cannot read '%s': %s", bad_path, file__strerror(err));
		if (o->guest_memory)
			guest_memory__unmount(gm_dir);
		return 1;
	}
	/* Bad guest files stop us before anything is opened, rotated or written. */
	for (size_t g = 0; g < nr_guests; g++) {
		char msg[1024];
		struct kmodule *mods;
		size_t nr_mods;
		u64 text;

		if (guests[g].kallsyms &&
		    kallsyms__text_of(guests[g].kallsyms, &text, msg, sizeof(msg))) {
			pr_err("guest %d: %s", (int)guests[g].pid, msg);
			err = -EINVAL;
			goto out;
		}
		if (guests[g].modules) {
			if (modules__load(guests[g].modules, &mods, &nr_mods, msg, sizeof(msg))) {
				pr_err("guest %d: %s", (int)guests[g].pid, msg);
				err = -EINVAL;
				goto out;
			}
			modules__free(mods, nr_mods);
		}
	}
	err = guest_files__pack(guests, nr_guests, &guest_fb);
	if (err) {
		pr_err("cannot store the guest symbol files: %s", strerror(-err));
		goto out;
	}

	rec.evlist = evlist__new();
	rec.sampled_pids = xcalloc(MAX_PID / 8, 1);
	rec.exited_pids = xcalloc(MAX_PID / 8, 1);
	rec.compact_at = 4096;
	err = build_evlist(&rec, workload);
	if (err) {
		ret = err == -EINVAL ? 129 : 1;
		goto out;
	}
	record__set_drop_masks(&rec);
	if (o->callgraph == CALLGRAPH_DWARF)
		rec.trimbuf = xmalloc(65536);

	/*
	 * Inherited per-task events cannot be mapped with cpu -1: the command
	 * and -p are recorded per CPU (as perf does); -t alone per thread.
	 */
	if (o->system_wide || o->cpus || !o->tid) {
		err = evlist__set_cpus(rec.evlist, o->cpus);
		if (err) {
			pr_err("bad CPU list '%s': %s", o->cpus ? o->cpus : "(online)",
			       err == -ERANGE ? "a CPU is not online" : "expected e.g. 0-3,7");
			ret = 129;
			goto out;
		}
	} else {
		evlist__set_any_cpu(rec.evlist);
	}

	sa.sa_handler = sig_handler;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	if (o->switch_signal)
		sigaction(SIGUSR2, &sa, NULL);
	/* A command that died before its start must not take record with it. */
	signal(SIGPIPE, SIG_IGN);

	if (workload) {
		err = workload__prepare(cmd_argv, !strcmp(o->output, "-"), &go_fd, &exec_fd);
		if (err) {
			pr_err("cannot start '%s': %s", cmd_argv[0], strerror(-err));
			goto out;
		}
		evlist__set_threads(rec.evlist, workload_pid, false);
	} else if (o->pid || o->tid) {
		pid_t bad = 0;

		if (evlist__set_thread_list(rec.evlist, o->targets, o->nr_targets, o->pid != 0,
					    &bad)) {
			pr_err("no such %s: %d", o->pid ? "process" : "thread", (int)bad);
			goto out;
		}
	} else {
		evlist__set_threads(rec.evlist, -1, false);
	}

	err = evlist__open(rec.evlist);
	if ((err == -EACCES || err == -EPERM) && !o->system_wide && geteuid()) {
		/* paranoid 2: a user may sample its own processes, user space only. */
		long paranoid = 0;

		for (i = 0; i < rec.evlist->nr_evsels; i++)
			rec.evlist->evsels[i].attr.exclude_kernel =
				rec.evlist->evsels[i].attr.exclude_hv = 1;
		err = evlist__open(rec.evlist);
		read_sysctl_int("/proc/sys/kernel/perf_event_paranoid", &paranoid);
		if (!err && !o->quiet)
			pr_warning("perf_event_paranoid is %ld: user space only (kernel samples "
				   "need root or perf_event_paranoid <= 1)", paranoid);
	}
	if (err) {
		explain_open_error(&rec, err);
		goto out;
	}
	err = evlist__mmap(rec.evlist, o->mmap_pages);
	if (err) {
		if (err == -EPERM)
			pr_err("cannot map %u pages per buffer: over perf_event_mlock_kb; "
			       "use a smaller -m", o->mmap_pages);
		else
			pr_err("cannot map the ring buffers: %s", strerror(-err));
		goto out;
	}

	pr_debug("%d event(s) on %d cpu slot(s) x %d thread(s), %d ring buffer(s) of %u pages",
		 rec.evlist->nr_evsels, rec.evlist->nr_cpus, rec.evlist->nr_threads,
		 rec.evlist->nr_mmaps, o->mmap_pages);
	if (!o->switch_signal && !o->switch_size && !o->switch_ns)
		rotate_old(o->output);
	rec.guests = guests;
	rec.nr_guests = nr_guests;
	rec.guest_fb = &guest_fb;
	rec.workload = workload;
	err = record__new_output(&rec);
	if (err == -EEXIST)
		goto out;	/* said */
	if (!err)
		err = synthesize_all(&rec, guests, nr_guests, workload);
	if (err) {
		if (rec.write_err || perf_writer__error(rec.writer))
			goto write_error;
		failed = true;
		goto out_finish;
	}

	if (workload) {
		/* Let the command exec; enable_on_exec starts the events. */
		err = done ? -EINTR : workload__start(go_fd, exec_fd);
		if (err) {
			pr_err("cannot run '%s': %s", cmd_argv[0], strerror(-err));
			failed = true;
			goto out_finish;
		}
	} else {
		evlist__enable(rec.evlist);
	}

	record__loop(&rec, workload, &status);
	if (rec.switch_failed)
		goto out;

write_error:
	reported = rec.write_err || perf_writer__error(rec.writer);
	if (reported) {
		int werr = rec.write_err ? rec.write_err : perf_writer__error(rec.writer);

		if (perf_writer__is_pipe(rec.writer))
			pr_err("cannot write '%s': %s; stopping (a stream: its reader has what "
			       "went out)", o->output, strerror(-werr));
		else
			pr_err("cannot write '%s': %s; stopping, the file keeps the records up "
			       "to the last complete one", o->output, strerror(-werr));
	}
out_finish:
	if (!rec.writer)
		goto out;	/* a failed --switch-output said why */
	err = record__finish_output(&rec);
	if (err && !reported)
		pr_err("cannot write '%s': %s", o->output, strerror(-err));
	else if (!err && !failed)
		ret = 0;
	if (reported && !perf_writer__is_pipe(rec.writer))
		recount_from_file(o->output, &rec.samples, &rec.lost);
	if (!o->quiet || ret)
		fprintf(stderr, "pmukvm: wrote %" PRIu64 " bytes to '%s' (%" PRIu64
			" samples, %" PRIu64 " lost)\n", perf_writer__file_size(rec.writer),
			o->output, rec.samples, rec.lost);
	/* As perf: with --switch-output, the last file gets its timestamp too. */
	if (!err && (o->switch_signal || o->switch_size || o->switch_ns) &&
	    record__switch_output(&rec, true))
		ret = 1;
	if (rec.dropped && !o->quiet)
		pr_info("left out %" PRIu64 " samples of a mode the event excludes (--host, "
			"--guest, :G, :H) that a software event cannot exclude itself",
			rec.dropped);
out:
	if (go_fd >= 0)
		close(go_fd);
	if (exec_fd >= 0)
		close(exec_fd);
	if (workload_pid > 0) {
		/* Stopped early (signal, --duration, error): do not leave it behind. */
		kill(workload_pid, SIGTERM);
		waitpid(workload_pid, &status, 0);
		workload_pid = -1;
	}
	perf_writer__delete(rec.writer);
	evlist__delete(rec.evlist);
	guest_machines__free(guests, nr_guests);
	if (o->guest_memory)
		guest_memory__unmount(gm_dir);
	buf__free(&guest_fb);
	buf__free(&rec.tracing_fb);
	str_set__exit(&rec.files);
	free(rec.needed);
	free(rec.pend);
	free(rec.trimbuf);
	free(rec.sampled_pids);
	free(rec.exited_pids);
	return ret;
}
