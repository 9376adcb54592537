// SPDX-License-Identifier: GPL-2.0
/* pmukvm report: read a data file, attribute samples, print the rows. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builtin-kvm/builtin.h"
#include "symbols/demangle.h"
#include "ui/dump.h"
#include "ui/tasks.h"
#include "symbols/symtab.h"
#include "ui/stdio.h"
#include "ui/tui.h"
#include "util/data.h"
#include "util/export.h"
#include "util/filter.h"
#include "util/hist.h"
#include "util/kernel.h"
#include "util/options.h"
#include "util/read-values.h"
#include "util/session.h"
#include "util/srcline.h"

struct report {
	struct perf_tool tool;
	const char *input;
	const char *sort;
	const char *kallsyms, *vmlinux, *symfs;
	bool ignore_vmlinux;
	/* The parent key: -p's pattern (perf's default without -p), compiled where the key is used */
	const char *parent;
	regex_t parent_re;
	bool parent_key, exclude_other;
	bool time_key;			/* --sort time: al->time set for each sample */
	/* --ignore-callees REGEX, compiled: a matching frame becomes the sample's own */
	const char *ignore_callees;
	regex_t ignore_re;
	bool ignoring;			/* ignore_re compiled */
	u64 time_quantum;		/* --time-quantum (0: the default) */
	bool ns;			/* --ns */
	struct stdio_opts sopts;
	bool stdio, tui, header, header_only, json, quiet, dump, stats, tasks, mmaps;
	struct tasks *task_tree;	/* --tasks, --mmaps */
	struct sort_order so;
	struct hists *hists;		/* one per event */
	int nr_hists;
	/*
	 * The browser with --children: its rows keep every key apart, but
	 * which row a frame joins (an unmapped address takes the mode of a
	 * row already there; a path counts in a row once) is decided on the
	 * rows of the sort asked for, as --stdio decides: these, by event,
	 * hold only which of those rows exist.
	 */
	struct sort_order user_so;
	struct hists *shadow;
	bool count_guest, count_host;
	struct callchain_frame *frames;	/* -g: CALLCHAIN_MAX_FRAMES of them */
	bool folded;			/* --folded */
	const char *flamegraph;		/* --flamegraph FILE */
	struct flame flame;		/* their stacks */
	const char *pprof_path;		/* --pprof FILE */
	struct pprof *pprof;
	u64 first_time, last_time;	/* of the samples: the profile's duration */
	size_t max_stack;		/* --max-stack */
	bool inverted;			/* -G */
	int children;			/* --children 1, --no-children 0, else -1 */
	bool cumulate;			/* rows for callers too */
	int group;			/* --group 1, --no-group 0, else -1 */
	/* the groups shown (print_group_stdio): the file's, or one of all with --group */
	const struct event_group *groups;
	u32 nr_groups;
	struct event_group all_group;	/* --group without the file's: one of all */
	bool forced_group;		/* that one: named by its events alone */
	/*
	 * --children: the location of the sample whose path is counted (its
	 * row's): a row the path makes takes its thread, and a frame no map
	 * covers first on the path its mode
	 */
	const struct addr_location *loc;
	bool cg_given;			/* -g or -G, "none" too */
	struct callchain_frame *cg_frames;	/* the -g tree's copy, ordered */
	/* the sample whose frames report__add_cumulative counts, and its model */
	const struct perf_sample *sample;
	struct machines *machines;
	struct cum_slot *cum_cache;	/* --children: rows by frame */
	struct hist_entry **cum_same;	/* with shadow: the slots' rows there */
	struct sample_filter filter;
	const char *time_str, *fields;
	bool cpu_util;			/* --show-cpu-utilization */
	bool hide_unresolved;		/* -U: samples (and call path frames) without a symbol left out */
	bool sort_given, relative;
	bool table_collapse;	/* hists.table_collapse */
	bool demangle, demangle_kernel;	/* --[no-]demangle, --demangle-kernel */
	bool full_source_path;
	struct guest_config guest;	/* the guest options */
	struct output_field out_fields[OUTPUT_FIELDS_MAX];
	unsigned threads;		/* --threads; 0: from the CPU count */
	/*
	 * Each sample only adds to its row: no row filters, call paths,
	 * stacks or shadow rows (report__plain).
	 */
	bool plain;
	/*
	 * -g's samples held while the host's kallsyms is read beside
	 * (report_sample_graph), in the order held; their frames one after
	 * another in @held_frames.
	 */
	struct graph_held *held;
	u32 nr_held, alloc_held;
	struct callchain_frame *held_frames;
	u32 nr_held_frames, alloc_held_frames;
	u8 count_modes;			/* bit by cpumode: --guest/--host count it */
	struct hist_pool *pool;		/* threads looking up and counting */
	bool thread_counts;		/* -T: the READ records' counts, by thread */
	struct read_values read_values;
	struct err err;			/* an option's parse error */
};

/* --comms, --dsos, --symbols: comma lists; a second one replaces the first. */
static int opt_names(const struct opt_desc *opt, const char *arg, bool unset, void *opts)
{
	struct report *rep = opts;
	char ***list = &rep->filter.comms;
	size_t *nr = &rep->filter.nr_comms;

	if (!strcmp(opt->lng, "dsos")) {
		list = &rep->filter.dsos;
		nr = &rep->filter.nr_dsos;
	} else if (!strcmp(opt->lng, "symbols")) {
		list = &rep->filter.syms;
		nr = &rep->filter.nr_syms;
	} else if (!strcmp(opt->lng, "symbol-filter")) {
		free(rep->filter.sym_part);
		rep->filter.sym_part = *arg ? xstrdup(arg) : NULL;
		return 0;
	}
	str_list__free(*list, *nr);
	str_list__parse(arg, list, nr);
	return 0;
}

static int opt_ids(const struct opt_desc *opt, const char *arg, bool unset, void *opts)
{
	struct report *rep = opts;
	bool pid = !strcmp(opt->lng, "pid");
	int **list = pid ? &rep->filter.pids : &rep->filter.tids;
	size_t *nr = pid ? &rep->filter.nr_pids : &rep->filter.nr_tids;

	free(*list);
	if (int_list__parse(arg, list, nr, &rep->err)) {
		pr_err("--%s: %s", opt->lng, rep->err.msg);
		return -1;
	}
	return 0;
}

static int opt_cpus(const struct opt_desc *opt, const char *arg, bool unset, void *opts)
{
	struct report *rep = opts;

	free(rep->filter.cpus);
	rep->filter.cpus = NULL;
	if (cpu_list__parse(arg, &rep->filter.cpus, &rep->err)) {
		pr_err("--cpu: %s", rep->err.msg);
		return -1;
	}
	return 0;
}

/*
 * --percent-limit: as perf report's, the call paths under PCT percent are
 * left out too (a -g threshold given after it wins, as perf's does).
 */
static int opt_percent_limit(const struct opt_desc *opt, const char *arg, bool unset, void *opts)
{
	struct report *rep = opts;
	double d;

	(void)opt, (void)unset;
	if (parse_double(arg, &d) || !(d >= 0 && d <= 100)) {
		pr_err("option 'percent-limit' wants a number from 0 to 100, not '%s'", arg);
		return -1;
	}
	rep->sopts.percent_limit = d;
	rep->sopts.cg.min_percent = d;
	return 0;
}

static int opt_call_graph(const struct opt_desc *opt, const char *arg, bool unset, void *opts)
{
	struct report *rep = opts;
	struct err err;

	rep->sopts.callchain = true;
	rep->cg_given = true;
	/* A bare -g is perf's default argument, caller order included. */
	if (callchain_param__parse(&rep->sopts.cg, arg ? arg : CALLCHAIN_DEFAULT_OPT, &err)) {
		pr_err("%s", err.msg);
		return -1;
	}
	return 0;
}

/*
 * --time-quantum N[s|ms|us|ns], as perf's: nanoseconds without a unit,
 * 0 refused. A negative number or one past 64 bits in nanoseconds is an
 * error here (perf takes a negative one as a huge quantum).
 */
static int opt_time_quantum(const struct opt_desc *opt, const char *arg, bool unset, void *opts)
{
	static const struct { const char *unit; u64 ns; } units[] = {
		{ "", 1 }, { "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", 1000000000 },
	};
	struct report *rep = opts;
	const char *p = arg;
	char *end;
	unsigned long long v;
	size_t i;

	(void)opt, (void)unset;
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '-')
		goto bad;
	errno = 0;
	v = strtoull(p, &end, 0);
	if (end == p || errno)
		goto bad;
	while (isspace((unsigned char)*end))
		end++;
	for (i = 0; i < ARRAY_SIZE(units); i++) {
		if (strcmp(end, units[i].unit))
			continue;
		if (!v) {
			pr_err("--time-quantum: the time quantum cannot be 0");
			return -1;
		}
		if (v > UINT64_MAX / units[i].ns)
			goto bad;
		rep->time_quantum = v * units[i].ns;
		return 0;
	}
bad:
	pr_err("--time-quantum: cannot parse '%s' (a number of s, ms, us or ns; ns without a "
	       "unit)", arg);
	return -1;
}

static const struct opt_choice percentage_words[] = {
	{ "relative", true }, { "absolute", false }, { NULL, 0 }
};

static const struct opt_desc report_opts[] = {
	OPT_STRING('i', "input", struct report, input, "FILE",
		   "data file to read (default: perf kvm's name for the mode, else perf.data; - for a pipe)"),
	OPT_STRING('s', "sort", struct report, sort, "KEYS",
		   "sort keys: comm, pid, dso, sym, guest, vcpu, mode, tid, cpu, period, srcline, "
		   "parent, time (default comm,dso,sym)"),
	OPT_STRING('p', "parent", struct report, parent, "REGEX",
		   "the parent key's pattern (default '^sys_|^do_page_fault'): a sample's parent is "
		   "the first frame up its callchain whose symbol it matches; adds --sort parent"),
	OPT_STRING(0, "ignore-callees", struct report, ignore_callees, "REGEX",
		   "-g, --children: a sample counts in the last frame up its callchain whose symbol "
		   "REGEX matches, its callees left out (as perf's)"),
	OPT_BOOL('x', "exclude-other", struct report, exclude_other,
		 "only the rows of samples with a parent (as perf's)"),
	OPT_BOOL('n', "show-nr-samples", struct report, sopts.show_nr_samples,
		 "show a sample-count column"),
	OPT_CALLBACK(0, "percent-limit", opt_percent_limit, "PCT",
		     "hide rows, and call paths, below PCT percent"),
	OPT_STRING('t', "field-separator", struct report, sopts.field_sep, "SEP",
		   "separate fields with SEP instead of padding"),
	OPT_BOOL(0, "json", struct report, json, "print rows as JSON lines"),
	OPT_CALLBACK_F('g', "call-graph", opt_call_graph, OPTF_OPTARG,
		       "TYPE,MIN,LIMIT,ORDER,KEY,VALUE",
		       "under each row, its call paths (files recorded with -g); perf's fields in any "
		       "order: graph|flat|fractal|folded|none, min percent (0.5), print limit, "
		       "caller|callee (callee), function, percent|period|count", NULL),
	OPT_BOOL_NEG(0, "children", struct report, children,
		     "rows also for the callers on each sample's path, with a Children column of the "
		     "samples below them (the default with -g, as perf)",
		     "-g: rows for the sampled functions only"),
	OPT_BOOL('G', "inverted", struct report, inverted, "-g caller: the outermost caller first"),
	OPT_UINT(0, "max-stack", struct report, max_stack, 0, ~0ull, "N",
		 "a number of frames",
		 "-g: use at most N frames of each callchain, from the sampled function (127)"),
	OPT_PERCENT(0, "call-graph-min", struct report, sopts.cg.min_percent,
		    "-g: hide call paths below PCT of the event's samples (default 0.5)"),
	OPT_UINT(0, "threads", struct report, threads, 1, 64, "N",
		 "a thread count from 1 to 64",
		 "look symbols up and count rows on N threads (default: the CPUs online less "
		 "two, none on 2-3 CPUs; 1: on the thread that reads the model)"),
	OPT_BOOL(0, "folded", struct report, folded,
		 "print one line per stack, 'comm;outer;...;leaf COUNT' (FlameGraph's folded format)"),
	OPT_STRING(0, "flamegraph", struct report, flamegraph, "FILE",
		   "write an interactive flame graph (SVG) of the stacks to FILE"),
	OPT_STRING(0, "pprof", struct report, pprof_path, "FILE",
		   "write the samples as a gzipped pprof profile (profile.proto) to FILE"),
	OPT_BOOL(0, "stdio", struct report, stdio, "plain text output"),
	OPT_BOOL(0, "tui", struct report, tui, "interactive browser (default on a terminal)"),
	OPT_BOOL(0, "header", struct report, header, "print the file's header features first"),
	OPT_BOOL(0, "header-only", struct report, header_only, "print only the header features"),
	OPT_STRING('k', "kallsyms", struct report, kallsyms, "FILE",
		   "host kernel symbols (default /proc/kallsyms); an ELF FILE is a vmlinux, as "
		   "perf's -k"),
	OPT_STRING(0, "vmlinux", struct report, vmlinux, "FILE",
		   "host kernel symbols from this vmlinux (ELF), relocated to the recording's "
		   "_text; kallsyms then gives only the modules'"),
	OPT_BOOL(0, "ignore-vmlinux", struct report, ignore_vmlinux,
		 "no vmlinux looked for or taken (as perf): the kernel's symbols from kallsyms"),
	OPT_STRING(0, "symfs", struct report, symfs, "DIR",
		   "the recording's binaries and debug files under DIR (as perf's --symfs); "
		   "the host kernel's symbols then only from -k, --vmlinux or a vmlinux of its build-id under DIR"),
	OPT_BOOL('q', "quiet", struct report, quiet, "no header comment lines"),
	OPT_BOOL('D', "dump-raw-trace", struct report, dump,
		 "print every record: offset, size, type (and sample fields)"),
	OPT_BOOL(0, "stats", struct report, stats,
		 "print how many records of each type the file holds, as perf report --stats"),
	OPT_BOOL(0, "tasks", struct report, tasks,
		 "print the host's threads as a tree (pid, tid, ppid, comm), as perf report --tasks"),
	OPT_BOOL(0, "mmaps", struct report, mmaps, "--tasks, with each thread's maps"),
	OPT_BOOL_NEG(0, "demangle", struct report, demangle,
		     "demangle C++, Rust and OCaml names as perf does (the default)",
		     "show symbol names as mangled"),
	OPT_BOOL(0, "demangle-kernel", struct report, demangle_kernel,
		 "demangle kernel and module names too"),
	OPT_BOOL(0, "full-source-path", struct report, full_source_path,
		 "-s srcline: the source file's whole path, not its base name"),
	OPT_CALLBACK('c', "comms", opt_names, "COMMS", "only rows of these commands (comma list)"),
	OPT_CALLBACK('d', "dsos", opt_names, "DSOS",
		     "only rows of these shared objects (comma list, short or full names)"),
	OPT_CALLBACK('S', "symbols", opt_names, "SYMS", "only rows of these symbols (comma list)"),
	OPT_CALLBACK(0, "symbol-filter", opt_names, "PART",
		     "only rows of symbols whose name holds PART (as perf's)"),
	OPT_CALLBACK(0, "pid", opt_ids, "PIDS", "only samples of these processes"),
	OPT_CALLBACK(0, "tid", opt_ids, "TIDS", "only samples of these threads"),
	OPT_CALLBACK('C', "cpu", opt_cpus, "CPUS",
		     "only samples taken on these cpus (as 0-2,4); not counted in the totals"),
	OPT_CALLBACK(0, "time-quantum", opt_time_quantum, "TIME",
		     "the time key's slices: N s, ms, us or ns (default 100ms), as perf's"),
	OPT_BOOL(0, "ns", struct report, ns, "the time key in nanoseconds (as perf's --ns)"),
	OPT_STRING(0, "time", struct report, time_str, "RANGE",
		   "only samples in START,STOP (seconds) or percent slices (10%/2, 0%-10%)"),
	OPT_STRING('F', "fields", struct report, fields, "FIELDS",
		   "output columns, rows sorted by them in turn: overhead, overhead_sys, "
		   "overhead_us, overhead_guest_sys, overhead_guest_us, sample, period and sort "
		   "keys; +FIELDS: after the default columns"),
	OPT_CHOICE(0, "percentage", struct report, relative, percentage_words, "relative|absolute",
		   "relative or absolute",
		   "with --comms/--dsos/--symbols/--pid/--tid: percent of the rows shown or of all "
		   "(default absolute)"),
	OPT_BOOL(0, "show-total-period", struct report, sopts.show_total_period,
		 "show a Period column"),
	OPT_BOOL('U', "hide-unresolved", struct report, hide_unresolved,
		 "leave out the samples that no symbol names, and such call path frames (perf's -U)"),
	OPT_BOOL(0, "show-cpu-utilization", struct report, cpu_util,
		 "after Overhead, the shares of kernel (sys) and user (usr) mode, and of the guest's (guest sys, guest usr) where guest samples count as perf kvm counts them"),
	OPT_BOOL_NEG(0, "group", struct report, group,
		     "the events of each group side by side, the leader's rows and paths leading "
		     "(stdio; the default for a file recorded with groups; without any, one group of all)",
		     "each event in a table of its own"),
	OPT_BOOL('T', "thread-counts", struct report, thread_counts,
		 "after the rows, each thread's counts at its exit (record -s), as perf report -T"),
	OPT_BOOL(0, "hierarchy", struct report, sopts.hierarchy,
		 "one level per sort key, each row under its parent (stdio)"),
	OPT_END
};

/* The one value a one-item --comm, --dso or --symbols list fixes for key @k, or NULL. */
static const char *filter__fixed(const struct sample_filter *f, enum sort_key_id k)
{
	if (k == SORT_COMM && f->nr_comms == 1)
		return f->comms[0];
	if (k == SORT_DSO && f->nr_dsos == 1)
		return f->dsos[0];
	if (k == SORT_SYM && f->nr_syms == 1)
		return f->syms[0];
	return NULL;
}

/*
 * Whether rows of equal share go in the order of perf's table of rows
 * (hists.table_order): where the keys' compares are no order, and not
 * with --children's paths drawn (rows of equal Children then go by their
 * paths' depth: hists.depth_order). Then no pool (report__start_pool):
 * the rows are made in the samples' order, the ones of held samples
 * stamped with it (hists__hold).
 */
static bool report__table_order(const struct report *rep)
{
	return sort_order__table_order(&rep->so) && (!rep->cumulate || !rep->sopts.callchain);
}

/*
 * The keys the order of rows passes over, as perf's passes over the
 * columns it elides: those filter__fixed fixes (print_elided), unless
 * that is every key.
 */
static unsigned report__sort_skip(const struct report *rep)
{
	unsigned skip = 0, all = 0;
	int i;

	for (i = 0; i < rep->so.nr; i++) {
		enum sort_key_id k = rep->so.keys[i];

		all |= 1u << k;
		if (filter__fixed(&rep->filter, k))
			skip |= 1u << k;
	}
	return skip == all ? 0 : skip;
}

/* The event's hists, made on its first sample. */
static __attribute__((noinline)) void report__grow_hists(struct report *rep,
							  const struct evsel *evsel)
{
	int i;

	rep->hists = xrealloc(rep->hists, (evsel->idx + 1) * sizeof(*rep->hists));
	if (rep->shadow) {
		rep->shadow = xrealloc(rep->shadow, (evsel->idx + 1) * sizeof(*rep->shadow));
		for (i = rep->nr_hists; i <= evsel->idx; i++)
			hists__init(&rep->shadow[i], &rep->user_so);
	}
	for (i = rep->nr_hists; i <= evsel->idx; i++) {
		hists__init(&rep->hists[i], &rep->so);
		/* by Children first where it is shown: not with -F, as perf */
		rep->hists[i].cumulate = rep->cumulate && (!rep->fields || rep->sopts.fields_added);
		if (rep->hists[i].cumulate && rep->sopts.callchain)
			rep->hists[i].depth_order = rep->sopts.cg.order == ORDER_CALLER ? -1 : 1;
		rep->hists[i].with_more = rep->cumulate || rep->sopts.callchain;
		rep->hists[i].relative = rep->relative;
		rep->hists[i].table_order = report__table_order(rep);
		rep->hists[i].table_collapse = rep->table_collapse;
		if (!rep->shadow)
			rep->hists[i].sort_skip = report__sort_skip(rep);
	}
	rep->nr_hists = evsel->idx + 1;
}

/*
 * A -g sample's call path held (struct report's @held): its row, counted
 * (@he), or held itself (the hists' entry @entry: hists__hold); its
 * frames.
 */
struct graph_held {
	struct hist_entry *he;
	u32 entry;
	u32 evsel_idx;
	u64 period;
	u32 first, nr;		/* its frames in @held_frames */
};

static inline struct hists *report__hists(struct report *rep, const struct evsel *evsel)
{
	if (evsel->idx >= rep->nr_hists)
		report__grow_hists(rep, evsel);
	return &rep->hists[evsel->idx];
}

static int sample_cpu(const struct evsel *evsel, const struct perf_sample *sample)
{
	return evsel->attr.sample_type & PERF_SAMPLE_CPU ? (int)sample->cpu : -1;
}

/*
 * A sample --guest/--host leaves out: never resolved, no row, but in the
 * event's total as a hidden row's (perf kvm filters it so): the shares
 * are of every sample unless --percentage relative.
 */
static void report__filter_mode(struct report *rep, struct evsel *evsel,
				const struct perf_sample *sample)
{
	struct hists *h = report__hists(rep, evsel);

	h->nr_filtered++;
	hists__count_hidden(h, sample->period);
}

/*
 * --time and --cpu drop a sample before anything counts it, as perf's;
 * --guest/--host: report__filter_mode.
 */
static bool report_skip(struct perf_tool *tool, struct evsel *evsel,
			const struct perf_sample *sample)
{
	struct report *rep = (struct report *)tool;

	if (rep->filter.nr_times &&
	    time_ranges__skip(rep->filter.times, rep->filter.nr_times, sample->time))
		return true;
	if (rep->filter.cpus && !cpu_list__has(rep->filter.cpus, sample->cpu))
		return true;

	if (cpumode__is_guest(sample->cpumode) ? rep->count_guest : rep->count_host)
		return false;
	report__filter_mode(rep, evsel, sample);
	return true;
}

/* report_skip without --time and --cpu: the guest/host check alone. */
static bool report_skip_mode(struct perf_tool *tool, struct evsel *evsel,
			     const struct perf_sample *sample)
{
	struct report *rep = (struct report *)tool;

	if ((rep->count_modes >> (sample->cpumode & 7)) & 1)
		return false;
	report__filter_mode(rep, evsel, sample);
	return true;
}

/*
 * --children: the row a frame's key joins, kept by the sample's row and
 * the frame's dso, sym, addr, level and mode, which make the whole key.
 * Rows are never freed while samples come, so the row found for a key
 * stays that key's row; only a key's own row is kept, not another
 * level's that an unmapped address joins (which one may change as rows
 * come). Slots are chosen by an unkeyed mix: a file that makes them
 * collide makes them miss, nothing worse. A slot is 40 bytes (the 4096
 * were 229 kB at 56): a key has a symbol or an address, not both, and the
 * row deciding sameness is the row itself but with the browser's shadow
 * rows, which keep theirs in cum_same.
 */
#define CUM_SLOTS	4096	/* a power of two */

struct cum_slot {
	const struct hist_entry *he;	/* the sample's row; NULL: empty */
	struct dso *dso;
	union {
		const struct symbol *sym;
		u64 addr;		/* by_addr: the key has no symbol */
	};
	struct hist_entry *row;		/* in the event's hists */
	char level;
	u8 cpumode;
	bool by_addr;
};
_Static_assert(sizeof(struct cum_slot) <= 40, "a --children cache slot is 40 bytes");

static struct cum_slot *cum_slot(struct report *rep, const struct hist_entry *he,
				 const struct hist_entry *key)
{
	u64 v = (uintptr_t)he ^ (uintptr_t)key->dso ^ ((uintptr_t)hist_entry__sym(key) >> 3) ^
		hist_entry__addr(key) ^ ((u64)(u8)key->level << 8) ^ key->cpumode;

	if (!rep->cum_cache) {
		rep->cum_cache = xcalloc(CUM_SLOTS, sizeof(*rep->cum_cache));
		if (rep->shadow)
			rep->cum_same = xcalloc(CUM_SLOTS, sizeof(*rep->cum_same));
	}
	return &rep->cum_cache[((v * 0x9e3779b97f4a7c15ull) >> 40) & (CUM_SLOTS - 1)];
}

/* Whether @slot holds the row of @key for the sample's row @he. */
static inline bool cum_slot__is(const struct cum_slot *slot, const struct hist_entry *he,
				const struct hist_entry *key)
{
	return slot->he == he && slot->dso == key->dso &&
	       (hist_entry__sym(key) ? !slot->by_addr && slot->sym == hist_entry__sym(key) :
			   slot->by_addr && slot->addr == hist_entry__addr(key)) &&
	       slot->level == key->level && slot->cpumode == key->cpumode;
}

/* The row deciding sameness of @slot's row. */
static inline struct hist_entry *cum_slot__same(const struct report *rep,
						const struct cum_slot *slot)
{
	return rep->cum_same ? rep->cum_same[slot - rep->cum_cache] : slot->row;
}

static void cum_slot__set(struct report *rep, struct cum_slot *slot, const struct hist_entry *he,
			  const struct hist_entry *key, struct hist_entry *row,
			  struct hist_entry *same)
{
	*slot = (struct cum_slot){ .he = he, .dso = key->dso, .row = row, .level = key->level,
				   .cpumode = key->cpumode, .by_addr = !hist_entry__sym(key) };
	if (hist_entry__sym(key))
		slot->sym = hist_entry__sym(key);
	else
		slot->addr = hist_entry__addr(key);
	if (rep->cum_same)
		rep->cum_same[slot - rep->cum_cache] = same;
}

/*
 * --children: every row on the sample's path (each once, however often it
 * recurs) counts the sample in its Children column, with the path from its
 * frame on (@f in the tree's order) under it; the sample's own row is
 * @he, which has the whole path. Which rows are the same is decided on
 * @rows' keys (the browser's shadow rows keep the sort asked for); a key's
 * row there is unique, so rows are compared by pointer.
 */
static void report__add_cumulative(struct report *rep, struct hists *h, struct hist_entry *he,
				   const struct callchain_frame *f, size_t n, u64 period,
				   bool hidden)
{
	const struct hist_entry *seen[CALLCHAIN_MAX_FRAMES + 1];
	size_t nr_seen = 1, k, j;
	/* the sample's own, not its row's (an unmapped address's row may be of another) */
	char level = rep->loc->level;
	u8 cpumode = rep->loc->cpumode;
	struct hists *rows = rep->shadow ? &rep->shadow[h - rep->hists] : h;

	seen[0] = rep->shadow ? hists__find(rows, he) : he;
	/*
	 * perf's max_depth, kept where it orders rows: the whole path for
	 * the sample's row, from frame k on for k's.
	 */
	if (h->depth_order && n && hist_entry__more(he)->max_depth < n)
		he->more->max_depth = (u32)n;
	for (k = 0; k < n; k++) {
		struct hist_entry key, *row, *same;
		struct hist_more more;
		struct hist_modes obj_modes;
		struct cum_slot *slot;

		/*
		 * A frame no map covers takes the mode of the frame before it on
		 * the path (of the sample for the first), and joins a row of the
		 * same address whatever its mode, as in perf (the first mode seen
		 * names the row).
		 */
		if (f[k].sym || f[k].dso) {
			level = f[k].level;
			cpumode = f[k].cpumode;
		}
		key.dso = f[k].dso;
		hist_entry__set_loc(&key, f[k].sym,
				    f[k].cpumode == PERF_RECORD_MISC_GUEST_USER ? 0 : f[k].addr);
		key.level = level;
		key.cpumode = cpumode;
		slot = cum_slot(rep, he, &key);
		if (cum_slot__is(slot, he, &key)) {
			row = slot->row;
			same = cum_slot__same(rep, slot);
			for (j = 0; j < nr_seen && seen[j] != same; j++)
				;
			if (j < nr_seen)
				continue;
			hist_entry__more(row)->period_acc += period;
		} else {
			bool own = true;

			key = *he;
			/*
			 * As perf: a row first made here is hidden by the filters when
			 * this sample is (by its own fields), whatever hides or shows
			 * the sample's row.
			 */
			key.filtered = hidden;
			key.dso = f[k].dso;
			hist_entry__set_loc(&key, f[k].sym,
					    f[k].cpumode == PERF_RECORD_MISC_GUEST_USER ? 0 : f[k].addr);
			key.level = level;
			key.cpumode = cpumode;
			/* a row made here is of this sample's thread, as perf's */
			more = key.more ? *key.more : (struct hist_more){ .vcpu = -1, .cpu = -1 };
			more.thread = rep->loc->thread;
			key.more = &more;
			if (f[k].sym && symbol__is_object(f[k].sym)) {
				/* the offset a row made from this frame is named with */
				obj_modes = (struct hist_modes){
					.obj_off = machines__frame_object_offset(rep->machines,
										 rep->sample, &f[k]) };
				more.modes = &obj_modes;
			}
			same = hists__find(rows, &key);
			if (!same && (same = hists__find_unmapped(rows, &key))) {
				key.level = same->level;
				key.cpumode = same->cpumode;
				own = false;
			}
			for (j = 0; same && j < nr_seen && seen[j] != same; j++)
				;
			if (same && j < nr_seen) {
				/* Kept too: the row of a frame that repeats one seen. */
				row = rep->shadow ? hists__find(h, &key) : same;
				if (own && row)
					cum_slot__set(rep, slot, he, &key, row, same);
				continue;
			}
			if (rep->shadow)
				same = hists__add_cumulative(rows, &key, 0);
			row = hists__add_cumulative(h, &key, period);
			if (!rep->shadow)
				same = row;
			if (own)
				cum_slot__set(rep, slot, he, &key, row, same);
		}
		seen[nr_seen++] = same;
		if (h->depth_order && hist_entry__more(row)->max_depth < n - k)
			row->more->max_depth = (u32)(n - k);
		if (rep->sopts.callchain)
			callchain__add(hist_entry__callchain_p(row), f + k, n - k, period);
	}
}

/*
 * -g and --children: the sample's @n frames (@frames, callee first)
 * into the trees, in the order asked for, --max-stack applied.
 */
static void report__add_paths(struct report *rep, struct hists *h, struct hist_entry *he,
			      const struct callchain_frame *frames, size_t n, u64 period,
			      bool hidden)
{
	const struct callchain_frame *f = frames;
	size_t from = 0, i;

	/* --max-stack: as perf, the frames nearest the end the tree starts from. */
	if (n > rep->max_stack) {
		if (rep->sopts.cg.order == ORDER_CALLER)
			from = n - rep->max_stack;
		n = rep->max_stack;
	}
	if (rep->sopts.cg.order == ORDER_CALLER) {
		/* the tree's order: the outermost caller first */
		for (i = 0; i < n; i++)
			rep->cg_frames[i] = frames[from + n - 1 - i];
		f = rep->cg_frames;
	}
	if (rep->sopts.callchain)
		callchain__add(hist_entry__callchain_p(he), f, n, period);
	if (rep->cumulate)
		report__add_cumulative(rep, h, he, f, n, period, hidden);
}

/* -U: @frames without those no symbol names, in order; their number. */
static size_t frames_resolved(struct callchain_frame *frames, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (frames[i].sym)
			frames[k++] = frames[i];
	return k;
}

/* --comm, --pid, --tid, --dso, --symbols: whether the sample's row is hidden. */
static bool report_hidden(const struct sample_filter *f, const struct addr_location *al)
{
	const struct thread *t = al->thread;
	const struct dso *dso = al->dso;

	if (f->nr_comms && (!t || !str_list__has(f->comms, f->nr_comms, t->comm)))
		return true;
	if (f->nr_pids && (!t || !int_list__has(f->pids, f->nr_pids, (int)t->pid)))
		return true;
	if (f->nr_tids && (!t || !int_list__has(f->tids, f->nr_tids, (int)t->tid)))
		return true;
	if (f->nr_dsos && (!dso || !(str_list__has(f->dsos, f->nr_dsos, map__dso_name(dso)) ||
				     str_list__has(f->dsos, f->nr_dsos, dso->short_name) ||
				     str_list__has(f->dsos, f->nr_dsos, dso->long_name))))
		return true;
	if (f->nr_syms && (!al->sym || !str_list__has(f->syms, f->nr_syms, symbol__name(al->sym))))
		return true;
	return false;
}

/*
 * --folded, --flamegraph, --pprof: a guest sample's stack. The host walks
 * no guest stack (perf 6.1 on x86 writes only its context markers for a
 * sample taken in guest mode, and a DWARF stack copy is QEMU's): what the
 * chain holds of the host is not the guest's callers. So the guest frame
 * is the leaf, right under the vCPU thread, with any guest frames the
 * chain has (after PERF_CONTEXT_GUEST_* markers) as its callers.
 */
static size_t report__guest_stack(struct callchain_frame *frames, size_t n,
				  const struct addr_location *al, const struct perf_sample *sample)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (cpumode__is_guest(frames[i].cpumode))
			frames[k++] = frames[i];
	if (k && frames[0].ip == sample->ip)
		return k;
	if (k == CALLCHAIN_MAX_FRAMES)
		k--;
	memmove(frames + 1, frames, k * sizeof(*frames));
	frames[0] = addr_location__frame(al, sample->ip);
	return k + 1;
}

/*
 * -g's held call paths, once the host's kallsyms is read and the held
 * samples counted (@rows: each event's hists__count_held rows): their
 * frames' symbols looked up, each path added to its row's tree. Returns
 * how many of them were of samples counted when held (their rows' symbols
 * known then).
 */
static u32 report__add_held_paths(struct report *rep, struct machines *m,
				  struct hist_entry ***rows)
{
	u32 i, counted = 0;

	for (i = 0; i < rep->nr_held; i++) {
		struct graph_held *g = &rep->held[i];
		struct callchain_frame *f = rep->held_frames + g->first;

		machines__resolve_held_frames(m, f, g->nr);
		counted += g->he != NULL;
		report__add_paths(rep, &rep->hists[g->evsel_idx],
				  g->he ? g->he : rows[g->evsel_idx][g->entry], f, g->nr, g->period,
				  false);
	}
	free(rep->held);
	free(rep->held_frames);
	rep->held = NULL;
	rep->held_frames = NULL;
	rep->nr_held = rep->alloc_held = 0;
	rep->nr_held_frames = rep->alloc_held_frames = 0;
	return counted;
}

/*
 * The host's kallsyms, read beside from the first kernel sample
 * (machines.kernel_beside): once read (at once with @wait), the samples
 * held meanwhile are counted. Returns whether it is read.
 */
static bool report__settle_kernel(struct report *rep, struct session *session, bool wait)
{
	struct machine *host = &session->machines.host;
	bool beside = host->ks_job != NULL;
	struct hist_entry ***rows;
	u64 held = 0;
	int i;

	if (!machine__kernel_settle(&session->machines, host, wait))
		return false;
	/* -g's held paths go in the rows counted here: each event's, by entry */
	rows = rep->nr_held ? xcalloc((size_t)rep->nr_hists, sizeof(*rows)) : NULL;
	for (i = 0; i < rep->nr_hists; i++)
		held += hists__count_held(&rep->hists[i], rows ? &rows[i] : NULL);
	if (rows) {
		held += report__add_held_paths(rep, &session->machines, rows);
		for (i = 0; i < rep->nr_hists; i++)
			free(rows[i]);
		free(rows);
	}
	if (beside)
		pr_debug("report: kallsyms read beside: %" PRIu64 " kernel samples held meanwhile",
			 held);
	return true;
}

/* A held sample that cannot wait (no room, or a path that needs its symbol now). */
static __attribute__((noinline)) void report__resolve_held(struct report *rep,
							   struct session *session,
							   struct addr_location *al)
{
	report__settle_kernel(rep, session, true);
	machines__resolve_held(al);
}

/*
 * A plain sample held: kept for later while kallsyms is being read;
 * once it is, the held ones are counted, then this one.
 */
static __attribute__((noinline)) int report_sample_held(struct report *rep,
							struct session *session,
							struct evsel *evsel,
							const struct perf_sample *sample,
							struct addr_location *al)
{
	struct hists *h = &rep->hists[evsel->idx];
	int cpu = sample_cpu(evsel, sample);

	if (!report__settle_kernel(rep, session, false) &&
	    hists__hold(h, al, sample->period, cpu, NULL))
		return 0;
	report__resolve_held(rep, session, al);
	hists__add_cpu(h, al, sample->period, cpu, false);
	return 0;
}

/*
 * At most this many -g samples and frames held (32 and 40 bytes each:
 * 256 KiB and 1.3 MB), then report waits for kallsyms.
 */
#define GRAPH_HELD_MAX		8192
#define GRAPH_HELD_FRAMES_MAX	32768

/*
 * Keeps a -g sample's call path (rep->frames' @n) for later, and the
 * sample too where its own symbol waits (@al->held: hists__hold), else
 * counts it now; false, keeping and counting nothing, when there is no
 * room.
 */
static bool report__graph_hold(struct report *rep, const struct evsel *evsel,
			       const struct perf_sample *sample, const struct addr_location *al,
			       size_t n, int cpu)
{
	struct hists *h = &rep->hists[evsel->idx];
	struct hist_entry *he = NULL;
	struct graph_held *g;
	u32 entry = 0;

	if (rep->nr_held == GRAPH_HELD_MAX || rep->nr_held_frames + n > GRAPH_HELD_FRAMES_MAX)
		return false;
	if (!al->held)
		he = hists__add_cpu(h, al, sample->period, cpu, false);
	else if (!hists__hold(h, al, sample->period, cpu, &entry))
		return false;
	if (rep->nr_held == rep->alloc_held) {
		rep->alloc_held = rep->alloc_held ? rep->alloc_held * 2 : 256;
		rep->held = xrealloc(rep->held, rep->alloc_held * sizeof(*rep->held));
	}
	/* made at the first hold, frames or not: a held path points into it */
	if (!rep->held_frames || rep->nr_held_frames + n > rep->alloc_held_frames) {
		u32 a = rep->alloc_held_frames ? rep->alloc_held_frames : 4096;

		while (a < rep->nr_held_frames + n)
			a *= 2;
		rep->held_frames = xrealloc(rep->held_frames, a * sizeof(*rep->held_frames));
		rep->alloc_held_frames = a;
	}
	g = &rep->held[rep->nr_held++];
	g->he = he;
	g->entry = entry;
	g->period = sample->period;
	g->evsel_idx = (u32)evsel->idx;
	g->first = rep->nr_held_frames;
	g->nr = (u32)n;
	if (n)
		memcpy(rep->held_frames + g->first, rep->frames, n * sizeof(*rep->frames));
	rep->nr_held_frames += (u32)n;
	return true;
}

/*
 * A -g sample with a host kernel address whose symbol is not looked up
 * yet (its own or a frame's): held while kallsyms is being read; once it
 * is (or where there is no room), the held ones are counted and this one's
 * symbols looked up. Returns whether it was held.
 */
static __attribute__((noinline)) bool report__graph_held(struct report *rep,
							 struct session *session,
							 const struct evsel *evsel,
							 const struct perf_sample *sample,
							 struct addr_location *al, size_t n, int cpu)
{
	if (!report__settle_kernel(rep, session, false) &&
	    report__graph_hold(rep, evsel, sample, al, n, cpu))
		return true;
	report__settle_kernel(rep, session, true);
	if (al->held)
		machines__resolve_held(al);
	machines__resolve_held_frames(&session->machines, rep->frames, n);
	return false;
}

/*
 * The sample's callchain into rep->frames: as perf keeps a chain longer
 * than CALLCHAIN_MAX_FRAMES, its first frames for callee order and its
 * outermost for caller order (-g caller, --children).
 */
static size_t report__resolve(struct report *rep, struct session *session,
			      const struct perf_sample *sample)
{
	if (rep->sopts.cg.order == ORDER_CALLER)
		return machines__resolve_callchain_outermost(&session->machines, sample,
							     rep->frames, CALLCHAIN_MAX_FRAMES);
	return machines__resolve_callchain(&session->machines, sample, rep->frames,
					   CALLCHAIN_MAX_FRAMES);
}

/*
 * report -g's samples where each only adds to its row and that row's
 * call paths (no --children, filters, stacks or shadow rows: see
 * report__graph_plain). The host's kallsyms is read beside meanwhile, as
 * on the plain path: a sample that needs it is held until it is read.
 */
static int report_sample_graph(struct perf_tool *tool, struct session *session,
			       struct evsel *evsel, const struct perf_sample *sample,
			       struct addr_location *al)
{
	struct report *rep = (struct report *)tool;
	struct hists *h = report__hists(rep, evsel);
	int cpu = sample_cpu(evsel, sample);
	struct hist_entry *he;
	size_t n = 0, i;

	if (sample->callchain_nr || sample->user_stack_size)
		n = report__resolve(rep, session, sample);
	if (__builtin_expect(session->machines.host.ks_job != NULL, 0)) {
		bool held = al->held;

		for (i = 0; i < n && !held; i++)
			held = rep->frames[i].held;
		if (held && report__graph_held(rep, session, evsel, sample, al, n, cpu))
			return 0;
	}
	he = hists__add_cpu(h, al, sample->period, cpu, false);
	report__add_paths(rep, h, he, rep->frames, n, sample->period, false);
	return 0;
}

/*
 * The parent key's: the first of the sample's @n frames (its own first)
 * whose symbol -p's pattern matches, in the call graphs' order as perf
 * walks them: from the outermost caller in caller order (--children's).
 */
static const struct symbol *report__parent(const struct report *rep,
					   const struct callchain_frame *f, size_t n)
{
	bool caller = rep->sopts.cg.order == ORDER_CALLER;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct callchain_frame *fr = &f[caller ? n - 1 - i : i];

		if (fr->sym && !regexec(&rep->parent_re, symbol__name(fr->sym), 0, NULL, 0))
			return fr->sym;
	}
	return NULL;
}

/*
 * --ignore-callees: the frame of the sample's @n (@f, its own first) that
 * becomes its own, or -1: as perf walks the callchain (from the outermost
 * caller in caller order), the last frame whose symbol the pattern
 * matches; with the parent key, the frame that is the parent is not
 * looked at (perf takes it as the parent first).
 */
static long report__ignore_root(const struct report *rep, const struct callchain_frame *f,
				size_t n)
{
	bool caller = rep->sopts.cg.order == ORDER_CALLER, parent_seen = false;
	long root = -1;
	size_t i;

	for (i = 0; i < n; i++) {
		size_t k = caller ? n - 1 - i : i;
		const char *name = f[k].sym ? symbol__name(f[k].sym) : NULL;

		if (!name)
			continue;
		if (rep->parent_key && !parent_seen &&
		    !regexec(&rep->parent_re, name, 0, NULL, 0)) {
			parent_seen = true;
			continue;
		}
		if (!regexec(&rep->ignore_re, name, 0, NULL, 0))
			root = (long)k;
	}
	return root;
}

/*
 * The call path of a sample whose @*n frames are in rep->frames, and
 * *@n its length: all of them, or with --ignore-callees' frame @root
 * (-1: none) as perf keeps it, from that frame on in the walk's order:
 * its callers in callee order, its callees in caller order.
 */
static struct callchain_frame *report__root_path(struct report *rep, long root, size_t *n)
{
	if (root < 0)
		return rep->frames;
	if (rep->sopts.cg.order == ORDER_CALLER) {
		*n = (size_t)root + 1;
		return rep->frames;
	}
	*n -= (size_t)root;
	return rep->frames + root;
}

/* The sample's callchain as frames in rep->frames (-U: the resolved ones); their count. */
static size_t report__frames(struct report *rep, struct session *session,
			     const struct perf_sample *sample)
{
	size_t n = report__resolve(rep, session, sample);

	return rep->hide_unresolved ? frames_resolved(rep->frames, n) : n;
}

/* report_sample with filters, call paths, stacks, the parent key or the pool. */
static __attribute__((noinline)) int report_sample_full(struct report *rep,
							 struct session *session,
							 struct evsel *evsel,
							 const struct perf_sample *sample,
							 struct addr_location *al)
{
	struct hists *h = report__hists(rep, evsel);
	struct hist_entry *he;
	bool hidden, stacks, have_frames = false;
	/* --ignore-callees where call paths are taken (perf resolves callchains then) */
	bool ignore = rep->ignoring && (rep->sopts.callchain || rep->cumulate || rep->parent_key);
	size_t n = 0;
	/* the row's: the sample's own, or the frame --ignore-callees names (@root) */
	const struct addr_location *row_al = al;
	struct addr_location root_al;
	long root = -1;

	if (al->held) {
		/* held as report_sample holds, once the event's hists are made */
		if (rep->plain)
			return report_sample_held(rep, session, evsel, sample, al);
		report__resolve_held(rep, session, al);
	}

	/* -U: as perf, the sample is not counted anywhere (totals included) */
	if (rep->hide_unresolved && !al->sym)
		return 0;
	if (rep->pool) {
		hist_pool__add(rep->pool, (u32)evsel->idx, al,
			       session->has_lookup ? &session->lookup : NULL, sample->period,
			       sample_cpu(evsel, sample));
		return 0;
	}
	if (rep->parent_key || ignore) {
		if (sample->callchain_nr || sample->user_stack_size)
			n = report__frames(rep, session, sample);
		have_frames = true;
	}
	if (rep->parent_key)
		al->parent = report__parent(rep, rep->frames, n);
	if (rep->time_key)
		al->time = hist_time__round(sample->time);
	if (ignore && (root = report__ignore_root(rep, rep->frames, n)) >= 0) {
		/* As perf: the frame is the sample's location (its path: report__root_path). */
		const struct callchain_frame *fr = &rep->frames[root];

		root_al = *al;
		root_al.map = NULL;
		root_al.dso = fr->dso;
		root_al.sym = fr->sym;
		root_al.addr = fr->addr;
		root_al.level = fr->level;
		root_al.cpumode = fr->cpumode;
		row_al = &root_al;
	}
	/* -x: as perf, the rows of samples without a parent hidden */
	hidden = report_hidden(&rep->filter, row_al) || (rep->exclude_other && !al->parent);
	/* --folded, --flamegraph, --pprof: the samples the filters keep */
	stacks = !hidden && (rep->folded || rep->flamegraph || rep->pprof_path) &&
		 !(rep->filter.sym_part &&
		   (!al->sym || !strstr(symbol__name(al->sym), rep->filter.sym_part)));
	he = hists__add_cpu(h, row_al, sample->period, sample_cpu(evsel, sample), hidden);
	if (rep->cumulate)
		hist_entry__more(he)->period_acc += sample->period;
	if (rep->shadow)
		hists__add_cumulative(&rep->shadow[evsel->idx], he, 0);
	if ((rep->sopts.callchain || rep->cumulate || stacks) &&
	    (sample->callchain_nr || sample->user_stack_size)) {
		if (!have_frames)
			n = report__frames(rep, session, sample);
		if (rep->sopts.callchain || rep->cumulate) {
			size_t pn = n;
			struct callchain_frame *pf = report__root_path(rep, root, &pn);

			rep->sample = sample;
			rep->machines = &session->machines;
			rep->loc = row_al;
			report__add_paths(rep, h, he, pf, pn, sample->period, hidden);
		}
	}
	if (stacks) {
		/* As perf script: without callchains, the sample's own frame. */
		if (!(evsel->attr.sample_type & PERF_SAMPLE_CALLCHAIN)) {
			rep->frames[0] = addr_location__frame(al, sample->ip);
			n = 1;
		} else if (cpumode__is_guest(sample->cpumode)) {
			n = report__guest_stack(rep->frames, n, al, sample);
		}
		if (rep->folded || rep->flamegraph)
			flame__add(&rep->flame, al->thread ? al->thread->comm : ":-1", rep->frames,
				   n, 1);
		if (rep->pprof_path) {
			struct pprof_labels l = {
				.comm = al->thread ? al->thread->comm : ":-1",
				.pid = (s32)sample->pid, .tid = (s32)sample->tid,
				.guest = al->machine ? al->machine->name : "host",
				.vcpu = al->thread ? al->thread->vcpu : -1,
				.mode = mode_name(sample->cpumode),
			};
			char *name = evsel->name ? NULL : evsel__name_from_attr(&evsel->attr);

			if (!rep->first_time || sample->time < rep->first_time)
				rep->first_time = sample->time;
			if (sample->time > rep->last_time)
				rep->last_time = sample->time;
			pprof__add(rep->pprof, evsel->idx, evsel->name ? evsel->name : name,
				   sample->period, rep->frames, n, &l);
			/* The profile keeps the name: keep ours for it. */
			if (name && !evsel->name)
				evsel->name = name;
		}
	}
	return 0;
}

/* -T: a task's counts at its exit (a READ record), summed by thread and event. */
static int report_read(struct perf_tool *tool, struct evsel *evsel, u32 pid, u32 tid, u64 value)
{
	struct report *rep = (struct report *)tool;

	read_values__add(&rep->read_values, evsel, pid, tid, value);
	return 0;
}

static int report_sample(struct perf_tool *tool, struct session *session, struct evsel *evsel,
			 const struct perf_sample *sample, struct addr_location *al)
{
	struct report *rep = (struct report *)tool;

	/*
	 * The event's first sample (its hists to make) takes the full path
	 * too, which counts a plain sample alike: this one then calls
	 * nothing but hists__add_cpu and keeps no registers.
	 */
	if (!rep->plain || evsel->idx >= rep->nr_hists)
		return report_sample_full(rep, session, evsel, sample, al);
	if (__builtin_expect(al->held, 0))
		return report_sample_held(rep, session, evsel, sample, al);
	hists__add_cpu_later(&rep->hists[evsel->idx], al, sample->period,
			     sample_cpu(evsel, sample));
	return 0;
}

/*
 * report_sample with the pool: each sample goes straight to it (once its
 * event's hists are made, which the full path does).
 */
static int report_sample_pool(struct perf_tool *tool, struct session *session,
			      struct evsel *evsel, const struct perf_sample *sample,
			      struct addr_location *al)
{
	struct report *rep = (struct report *)tool;

	if (evsel->idx >= rep->nr_hists)
		return report_sample_full(rep, session, evsel, sample, al);
	hist_pool__add(rep->pool, (u32)evsel->idx, al,
		       session->has_lookup ? &session->lookup : NULL, sample->period,
		       sample_cpu(evsel, sample));
	return 0;
}

/* -D: each record as it is taken in, as perf report -D prints it. */
static void report_record(struct perf_tool *tool, struct session *session,
			  const union perf_event *event, u64 offset, bool delivered)
{
	dump__fprintf_record(session->data, event, offset, delivered, stdout);
}

/* --tasks, --mmaps: the records that make the task tree, in time order. */
static void report_task_record(struct perf_tool *tool, struct session *session,
			       const union perf_event *event, u64 offset, bool delivered)
{
	struct report *rep = (struct report *)tool;

	if (delivered)
		tasks__event(rep->task_tree, event);
}

static const char *default_input(const struct guest_config *gc)
{
	const char *name;
	struct stat st;

	if (gc->guest && gc->host)
		name = "perf.data.kvm";
	else if (gc->host)
		name = "perf.data.host";
	else
		name = "perf.data.guest";
	if (!stat(name, &st))
		return name;
	return "perf.data";
}

/*
 * Guest attribution summary and loud warnings: stale symbols are not silent.
 * The warnings go in the header on @fp ("# WARNING:" lines, which scripts
 * read) and on stderr, but once only where both are the terminal.
 */
static void print_guest_summary(struct report *rep, struct session *s, FILE *fp)
{
	bool header = !rep->quiet && !rep->json;
	bool to_stderr = !header || !term_isatty(fp) || !isatty(STDERR_FILENO);
	struct machine *g;
	size_t i, nr_told = 0, nr_untold = 0;

	for (g = machines__guests(&s->machines); g; g = g->next) {
		u64 k = g->nr_kernel_samples, u = g->nr_kernel_unresolved;

		if (!k && !g->nr_user_samples)
			continue;
		if (header)
			fprintf(fp, "# %s: %" PRIu64 " guest kernel samples, %" PRIu64
				" unresolved (%.2f%%); %" PRIu64 " guest user samples\n",
				g->name, k, u, percent(u, k), g->nr_user_samples);
		if (k && u * 100 >= k) {
			const char *why = guest__unresolved_why(g);

			if (header)
				fprintf(fp, "# WARNING: %s: %.1f%% of guest kernel samples could not "
					"be resolved: %s\n", g->name, percent(u, k), why);
			/* On stderr a few guests each, then how many more (a file can name thousands). */
			if (to_stderr && nr_told++ < MACHINES_GUESTS_TOLD)
				pr_warning("%s: %.1f%% of guest kernel samples could not be resolved: %s",
				   g->name, percent(u, k), why);
			else if (to_stderr)
				nr_untold++;
		}
	}
	if (nr_untold)
		pr_warning("%zu more guests with guest kernel samples that could not be resolved%s",
			   nr_untold, header ? " (the header lists each)" : "");
	for (i = 0; i < s->machines.warnings.nr; i++) {
		if (header)
			fprintf(fp, "# WARNING: %s\n", s->machines.warnings.strs[i]);
		if (to_stderr)
			pr_warning("%s", s->machines.warnings.strs[i]);
	}
}

/*
 * As perf: a sort key that a one-item --comm, --dso or --symbols list
 * fixes is said once, above the rows, and not as a column (unless every
 * key would go).
 */
static void print_elided(struct report *rep, FILE *fp)
{
	const struct sample_filter *f = &rep->filter;
	struct output_field cols[OUTPUT_FIELDS_MAX];
	int n = 0, i, k;

	for (i = 0; i < rep->sopts.nr_fields; i++)
		cols[n++] = rep->sopts.fields[i];
	for (k = 0; k < rep->so.nr; k++) {
		for (i = 0; i < n; i++)
			if (cols[i].col == COL_KEY && cols[i].key == rep->so.keys[k])
				break;
		if (i == n)
			cols[n++] = (struct output_field){ COL_KEY, rep->so.keys[k] };
	}
	for (i = 0; i < n; i++) {
		const char *v = cols[i].col == COL_KEY ? filter__fixed(f, cols[i].key) : NULL;

		if (!v)
			continue;
		fprintf(fp, "# %s: %s\n", cols[i].key == SORT_SYM ? "symbol" :
			cols[i].key == SORT_DSO ? "dso" : "comm", v);
		rep->sopts.elide[cols[i].key] = true;
	}
}

/*
 * The groups the text shows: the file's (perf record -e '{a,b}'), unless
 * --no-group; with --group and none in the file, one of all its events.
 * A pipe's group descriptions are checked here, its events known only now.
 */
static void report__pick_groups(struct report *rep, const struct perf_data *d)
{
	u32 i;

	rep->nr_groups = 0;
	if (!rep->group || rep->json || rep->fields || rep->sopts.hierarchy || d->nr_evsels < 2)
		return;
	for (i = 0; i < d->info.nr_groups; i++) {
		if (d->info.groups[i].leader + d->info.groups[i].nr_members > (u32)d->nr_evsels) {
			pr_warning("%s: its group descriptions name events it does not have: "
				   "each event is shown apart", d->path);
			return;
		}
	}
	if (d->info.nr_groups) {
		rep->groups = d->info.groups;
		rep->nr_groups = d->info.nr_groups;
		rep->forced_group = false;
	} else if (rep->group == 1) {
		rep->all_group = (struct event_group){ .leader = 0, .nr_members = (u32)d->nr_evsels };
		rep->groups = &rep->all_group;
		rep->nr_groups = 1;
		rep->forced_group = true;
	}
}

/* The group shown whose leader is event @i, or NULL. */
static const struct event_group *report__group_at(const struct report *rep, int i)
{
	u32 k;

	for (k = 0; k < rep->nr_groups; k++)
		if (rep->groups[k].leader == (u32)i)
			return &rep->groups[k];
	return NULL;
}

/* Event @i's name, to be freed. */
static char *event_name(const struct perf_data *d, int i)
{
	return evsel__name_dup(d->evsels[i]);
}

/*
 * One table: its header (without -q) counting @samples of @what ("event
 * 'NAME'"), @filtered and @period, then the rows of @h.
 */
static void print_table(struct report *rep, FILE *fp, struct hists *h, const char *what,
			u64 samples, u64 filtered, u64 period)
{
	if (!rep->quiet) {
		fprintf(fp, "#\n# Samples: %" PRIu64 "  of %s", samples, what);
		if (rep->time_str)
			fprintf(fp, " (time slices: %s)", rep->time_str);
		fputc('\n', fp);
		if (filtered)
			fprintf(fp, "# Filtered out (--guest/--host): %" PRIu64 " samples\n", filtered);
		fprintf(fp, "# Event count (approx.): %" PRIu64 "\n#\n", period);
	}
	rep->sopts.header_names = !rep->quiet;
	rep->sopts.dso_list = rep->filter.nr_dsos > 0;
	hists__fprintf(h, &rep->sopts, fp);
	if (!rep->quiet)
		fprintf(fp, "\n");
}

/*
 * A group in one table, as perf report --group shows it: the leader's
 * rows (and those only the others have, empty in it), each value column
 * giving every event's share of that event's total, the leader's paths;
 * the header's counts are of them all.
 */
static void print_group_stdio(struct report *rep, struct session *s, FILE *fp,
			      const struct event_group *g)
{
	int first = (int)g->leader, n = (int)g->nr_members, i;
	struct hists **members;
	struct hists *h;
	u64 samples = 0, period = 0, filtered = 0;
	/* the events named: "anon group { a, b }", or "a, b" for --group's one of all */
	char *what = rep->forced_group ? xstrdup("") :
		     xasprintf("%s { ", g->name ? g->name : "anon group"), *title;

	if (rep->nr_hists < first + n)
		report__grow_hists(rep, s->data->evsels[first + n - 1]);
	members = xcalloc((size_t)n - 1, sizeof(*members));
	for (i = 1; i < n; i++)
		members[i - 1] = &rep->hists[first + i];
	h = &rep->hists[first];
	hists__link_group(h, members, n - 1);
	hists__sort_final(h);
	for (i = first; i < first + n; i++) {
		char *name = event_name(s->data, i), *more;

		samples += hists__nr_samples(&rep->hists[i]);
		period += hists__total_period(&rep->hists[i]);
		filtered += rep->hists[i].nr_filtered;
		more = xasprintf("%s%s%s", what, i > first ? ", " : "", name);
		free(what);
		free(name);
		what = more;
	}
	title = xasprintf("events '%s%s'", what, rep->forced_group ? "" : " }");
	print_table(rep, fp, h, title, samples, filtered, period);
	free(title);
	free(what);
	h->group = NULL;
	h->nr_group = 0;
	free(members);
}

/* As perf: a group's leader shown alone is still "of events". */
static const char *event_word(const struct perf_data *d, int i)
{
	u32 k;

	for (k = 0; k < d->info.nr_groups; k++)
		if (d->info.groups[k].leader == (u32)i)
			return "events";
	return "event";
}

static void print_hists_stdio(struct report *rep, struct session *s, FILE *fp)
{
	int i;

	if (!rep->json)
		print_elided(rep, fp);
	if (rep->sopts.callchain)
		callchain__read_names();
	if (!rep->quiet && !rep->json) {
		fprintf(fp, "#\n# Total Lost Samples: %" PRIu64 "\n", s->stats.nr_lost_samples +
			s->stats.nr_lost);
		if (s->stats.nr_no_evsel)
			fprintf(fp, "# Samples with an unknown event id: %" PRIu64 "\n",
				s->stats.nr_no_evsel);
	}
	print_guest_summary(rep, s, fp);
	report__pick_groups(rep, s->data);
	for (i = 0; i < s->data->nr_evsels; i++) {
		const struct event_group *g = report__group_at(rep, i);
		struct hists *h;
		char *name, *what;

		if (g) {
			print_group_stdio(rep, s, fp, g);
			i += (int)g->nr_members - 1;
			continue;
		}
		if (i >= rep->nr_hists)
			continue;
		h = &rep->hists[i];
		/* -U left out every sample of the event: as perf, no table */
		if (rep->hide_unresolved && !hists__nr_samples(h) && !h->nr_filtered)
			continue;
		name = event_name(s->data, i);
		hists__sort_final(h);
		if (rep->json) {
			hists__fprintf_json(h, name, &rep->sopts, fp);
			free(name);
			continue;
		}
		what = xasprintf("%s '%s'", event_word(s->data, i), name);
		print_table(rep, fp, h, what, hists__nr_samples(h), h->nr_filtered,
			    hists__total_period(h));
		free(what);
		free(name);
	}
}

/* --folded on stdout, --flamegraph into its file; guest warnings on stderr. */
static int report__write_stacks(struct report *rep)
{
	if (rep->folded && flame__fprintf_folded(&rep->flame, stdout)) {
		pr_err("cannot write the folded stacks: %s", strerror(errno));
		return 1;
	}
	if (rep->flamegraph) {
		char *title = xasprintf("pmukvm: %s", rep->input);
		int e = flame__write_svg(&rep->flame, rep->flamegraph, title);

		free(title);
		if (e) {
			pr_err("cannot write '%s': %s", rep->flamegraph, strerror(-e));
			return 1;
		}
	}
	if (rep->pprof_path) {
		int e = pprof__write(rep->pprof, rep->pprof_path, 0,
				     rep->last_time - rep->first_time);

		if (e) {
			pr_err("cannot write '%s': %s", rep->pprof_path, strerror(-e));
			return 1;
		}
	}
	return 0;
}

/*
 * Whether each sample only adds to its row (report_sample's fast path):
 * no row filters to check, no call paths, stacks or shadow rows, no pool.
 */
static bool report__plain(const struct report *rep)
{
	const struct sample_filter *f = &rep->filter;

	return !rep->pool && !rep->sopts.callchain && !rep->cumulate && !rep->shadow &&
	       !rep->folded && !rep->flamegraph && !rep->pprof_path && !sample_filter__rows(f) &&
	       !rep->hide_unresolved && !rep->parent_key && !rep->exclude_other && !rep->time_key &&
	       !rep->ignoring;
}

/*
 * Whether each sample only adds to its row and the row's call paths
 * (report_sample_graph): -g without --children, row filters, stacks,
 * shadow rows or the pool.
 */
static bool report__graph_plain(const struct report *rep)
{
	const struct sample_filter *f = &rep->filter;

	return !rep->pool && rep->sopts.callchain && !rep->cumulate && !rep->shadow &&
	       !rep->folded && !rep->flamegraph && !rep->pprof_path && !sample_filter__rows(f) &&
	       !rep->hide_unresolved && !rep->parent_key && !rep->exclude_other && !rep->time_key &&
	       !rep->ignoring;
}

/*
 * --threads: symbols are looked up and rows counted on threads of their
 * own where each sample only adds to its row (no call paths, stacks or
 * row filters); the model stays on the delivering thread.
 */
static void report__start_pool(struct report *rep)
{
	const struct sample_filter *f = &rep->filter;
	unsigned n = rep->threads;

	if (!n) {
		/*
		 * The delivering thread keeps one CPU busy and the kernel's
		 * page cache work part of another: workers pay only on the
		 * CPUs beyond two. On 2 CPUs the hand-over costs about what
		 * it moves, guest reports included (Documentation/
		 * bench-report.md, 2026-12-03: one worker took a guest
		 * report 1.4-2.3x the CPU, and saved 4% of its wall time
		 * at best, or made it 1.3x slower).
		 */
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);

		n = cpus - 2 > 1 ? (unsigned)(cpus - 2 < 64 ? cpus - 2 : 64) : 0;
	} else if (n < 2) {
		n = 0;
	}
	if (!n || !rep->tool.sample || rep->sopts.callchain || rep->cumulate || rep->shadow ||
	    report__table_order(rep) ||
	    rep->folded || rep->flamegraph || rep->pprof_path || rep->tool.record ||
	    sample_filter__rows(f) || rep->hide_unresolved || rep->parent_key || rep->exclude_other ||
	    rep->time_key || rep->ignoring)
		return;
	rep->pool = hist_pool__new(n, &rep->so);
	rep->tool.defer_symbols = rep->pool != NULL;
	if (rep->pool) {
		rep->tool.sample = report_sample_pool;
		pr_debug("report: symbols looked up and rows counted on %u thread%s beside the "
			 "one reading", n, n == 1 ? "" : "s");
	}
}

/*
 * The rows' order with -F, as perf's: --sort's keys (when given), then
 * -F's columns and keys in turn, those not already there; each count
 * larger first. Into @so's by[].
 */
static void report__order_by_fields(struct sort_order *so, const struct sort_order *sort,
				    const struct output_field *f, int n)
{
	static const u8 mode_of[] = {
		[COL_OVERHEAD_SYS] = PERF_RECORD_MISC_KERNEL,
		[COL_OVERHEAD_US] = PERF_RECORD_MISC_USER,
		[COL_OVERHEAD_GUEST_SYS] = PERF_RECORD_MISC_GUEST_KERNEL,
		[COL_OVERHEAD_GUEST_US] = PERF_RECORD_MISC_GUEST_USER,
	};
	int i, j;

	so->nr_by = 0;
	for (i = 0; sort && i < sort->nr; i++)
		so->by[so->nr_by++] = (struct sort_by){ SORT_BY_KEY, (u8)sort->keys[i] };
	for (i = 0; i < n; i++) {
		struct sort_by by;

		switch (f[i].col) {
		case COL_KEY:
			by = (struct sort_by){ SORT_BY_KEY, (u8)f[i].key };
			break;
		case COL_SAMPLE:
			by = (struct sort_by){ SORT_BY_SAMPLES, 0 };
			break;
		case COL_OVERHEAD_SYS:
		case COL_OVERHEAD_US:
		case COL_OVERHEAD_GUEST_SYS:
		case COL_OVERHEAD_GUEST_US:
			by = (struct sort_by){ SORT_BY_MODE, mode_of[f[i].col] };
			break;
		default:	/* overhead, period */
			by = (struct sort_by){ SORT_BY_PERIOD, 0 };
			break;
		}
		for (j = 0; j < so->nr_by; j++)
			if (so->by[j].what == by.what && so->by[j].arg == by.arg)
				break;
		if (j == so->nr_by && so->nr_by < SORT_BY_MAX)
			so->by[so->nr_by++] = by;
	}
}

int cmd_report(int argc, char **argv, struct guest_config *gc)
{
	struct report rep = {
		.tool = { .sample = report_sample, .skip = report_skip },
		.sopts = { .callchain_min = 0.5, .cg = CALLCHAIN_PARAM_DEFAULT },
		.max_stack = CALLCHAIN_MAX_FRAMES,
		.children = -1,
		.group = -1,
		.demangle = true,
		.guest = *gc,
	};
	struct err err;
	struct perf_data *data;
	struct session *s;
	bool use_tui, stream, any_callchain = false;
	int i, ret = 1, e;

	argc = callchain_argv__join(argc, argv);
	i = options_parse(argc, argv, "pmukvm report [options]", report_opts, &rep, &rep.guest);
	if (i < 0)
		goto out_usage;
	rep.sort_given = rep.sort != NULL;
	if (!rep.sort)
		rep.sort = "comm,dso,sym";
	if (rep.inverted) {
		rep.sopts.callchain = true;
		rep.cg_given = true;
	}
	if (rep.mmaps)
		rep.tasks = true;
	if (rep.max_stack > CALLCHAIN_MAX_FRAMES) {
		pr_warning("--max-stack %zu: pmukvm keeps at most %d frames of a callchain, "
			   "perf up to %zu", rep.max_stack, CALLCHAIN_MAX_FRAMES, rep.max_stack);
		rep.max_stack = CALLCHAIN_MAX_FRAMES;
	}
	demangle_conf.user = rep.demangle;
	srcline_full_path = rep.full_source_path;
	if (rep.demangle_kernel)
		demangle_conf.kernel = true;
	/* -G: as perf, caller order; "-g none" leaves no paths to show. */
	if (rep.inverted)
		rep.sopts.cg.order = ORDER_CALLER;
	if (rep.sopts.cg.mode == CHAIN_NONE)
		rep.sopts.callchain = false;
	rep.sopts.callchain_min = rep.sopts.cg.min_percent;
	if (i < argc) {
		pr_err("report takes no arguments ('%s'); use -i FILE", argv[i]);
		goto out_usage;
	}
	if (sort_order__parse(&rep.so, rep.sort, &err)) {
		pr_err("%s", err.msg);
		goto out_usage;
	}
	/*
	 * perf's table collapses by its sort keys (--sort's, or the default
	 * ones), not by -F's columns: -F alone (no '+') has none.
	 */
	rep.table_collapse = sort_order__collapses(&rep.so) &&
			     !(rep.fields && rep.fields[0] != '+' && !rep.sort_given);
	if (rep.fields) {
		/* As perf: -F +FIELDS adds columns after the default ones; rows as without -F */
		bool added = rep.fields[0] == '+';
		struct sort_order fkeys;
		int n = output_fields__parse(rep.fields + added, rep.out_fields, &fkeys, &err);

		if (n < 0) {
			pr_err("%s", err.msg);
			goto out_usage;
		}
		rep.sopts.fields = rep.out_fields;
		rep.sopts.nr_fields = n;
		rep.sopts.fields_added = added;
		if (added) {
			/* its keys group the rows too, after --sort's */
			for (i = 0; i < fkeys.nr; i++)
				if (!sort_order__has(&rep.so, fkeys.keys[i]))
					rep.so.keys[rep.so.nr++] = fkeys.keys[i];
		} else {
			struct sort_order pre = { 0 };

			if (rep.sort_given)
				pre = rep.so;
			/* As perf: -p's parent key sorts after --sort's keys, before -F's */
			if (rep.parent && !sort_order__has(&pre, SORT_PARENT))
				pre.keys[pre.nr++] = SORT_PARENT;
			if (!rep.sopts.hierarchy)
				report__order_by_fields(&fkeys, pre.nr ? &pre : NULL, rep.out_fields, n);
			/* As perf: -F's keys group the rows, then --sort's that it lacks. */
			for (i = 0; rep.sort_given && i < rep.so.nr; i++)
				if (!sort_order__has(&fkeys, rep.so.keys[i]))
					fkeys.keys[fkeys.nr++] = rep.so.keys[i];
			rep.so = fkeys;
		}
	}
	/* As perf: -p adds the parent key after the others. */
	if (rep.parent && !sort_order__has(&rep.so, SORT_PARENT))
		rep.so.keys[rep.so.nr++] = SORT_PARENT;
	if (sort_order__has(&rep.so, SORT_PARENT) && sort_order__has(&rep.so, SORT_SRCLINE)) {
		pr_err("the parent and srcline keys do not go together (a row keeps one of them)");
		goto out_usage;
	}
	if (sort_order__has(&rep.so, SORT_PARENT)) {
		const char *pat = rep.parent ? rep.parent : "^sys_|^do_page_fault";
		int rc = regcomp(&rep.parent_re, pat, REG_EXTENDED | REG_NOSUB);

		if (rc) {
			char why[128];

			regerror(rc, &rep.parent_re, why, sizeof(why));
			pr_err("-p '%s': not a regular expression: %s", pat, why);
			goto out_usage;
		}
		rep.parent_key = true;
	}
	if (rep.ignore_callees) {
		int rc = regcomp(&rep.ignore_re, rep.ignore_callees, REG_EXTENDED | REG_NOSUB);

		if (rc) {
			char why[128];

			regerror(rc, &rep.ignore_re, why, sizeof(why));
			pr_err("--ignore-callees '%s': not a regular expression: %s", rep.ignore_callees,
			       why);
			goto out_usage;
		}
		rep.ignoring = true;
	}
	rep.time_key = sort_order__has(&rep.so, SORT_TIME);
	hist_time__set(rep.time_quantum, rep.ns);
	if (rep.cpu_util && rep.json) {
		pr_err("--show-cpu-utilization is text's: with --json, the period of each mode is "
		       "not printed");
		goto out_usage;
	}
	if (rep.thread_counts && (rep.tui || rep.json)) {
		pr_err("-T is printed after the text report: not with --tui or --json");
		goto out_usage;
	}
	if (rep.thread_counts)
		rep.tool.read = report_read;
	if (rep.tui && (rep.fields || rep.sopts.hierarchy || rep.sopts.show_total_period ||
			rep.cpu_util)) {
		pr_err("-F, --hierarchy, --show-total-period and --show-cpu-utilization are not "
		       "shown by the browser (use --stdio)");
		goto out_usage;
	}
	if (rep.group == 1 && (rep.tui || rep.json || rep.fields || rep.sopts.hierarchy)) {
		pr_err("--group does not go with --tui, --json, -F or --hierarchy");
		goto out_usage;
	}
	if (rep.sopts.hierarchy && (rep.json || rep.sopts.callchain)) {
		pr_err("--hierarchy does not go with --json or -g");
		goto out_usage;
	}
	if (rep.tui && (rep.stdio || rep.json || rep.sopts.field_sep)) {
		pr_err("--tui does not go with --stdio, --json or -t");
		goto out_usage;
	}
	if ((rep.folded || rep.flamegraph || rep.pprof_path) &&
	    (rep.tui || rep.json || rep.sopts.callchain)) {
		pr_err("--folded, --flamegraph and --pprof do not go with --tui, --json or -g");
		return 129;
	}
	/* As perf report: the browser on a terminal, text otherwise. */
	use_tui = !rep.stdio && !rep.json && !rep.sopts.field_sep && !rep.dump && !rep.stats &&
		  !rep.tasks &&
		  !rep.header_only && !rep.folded && !rep.flamegraph &&
		  !rep.pprof_path && !rep.fields && !rep.sopts.hierarchy &&
		  !rep.sopts.show_total_period && !rep.cpu_util && !rep.thread_counts && rep.group != 1 &&
		  (rep.tui || isatty(1));
	if (use_tui && (!isatty(0) || !isatty(1))) {
		if (rep.tui) {
			pr_err("--tui needs a terminal on stdin and stdout (use --stdio)");
			goto out_filter;
		}
		use_tui = false;
	}
	/* slang is opened only for the browser: without it, text (or, with --tui, an error). */
	if (use_tui && tui__load(rep.tui)) {
		if (rep.tui)
			goto out_filter;
		use_tui = false;
	}
	/* The browser regroups rows for its own sorts: keep every key apart. */
	if (use_tui) {
		rep.user_so = rep.so;
		sort_order__full(&rep.so, &rep.user_so);
	}
	/* perf kvm's name for the mode the user asked for, before our default. */
	if (!rep.input)
		rep.input = global_input;	/* pmukvm -i FILE report */
	if (!rep.input) {
		struct guest_config asked = rep.guest;

		guest_config__finish(&asked);
		rep.input = default_input(&asked);
	}
	/*
	 * As perf kvm: guest samples only once guest symbols are given. With
	 * none, every sample counts, as plain perf report counts the host.
	 */
	/*
	 * perf kvm's view (guest options given): guest columns too, unless
	 * --host --no-guest (perf kvm takes guest samples back without --host)
	 */
	if (rep.cpu_util)
		rep.sopts.cpu_util = (guest_config__has_files(&rep.guest) || rep.guest.guest_set ||
				      rep.guest.host_set) &&
				     !(rep.guest.host_set && rep.guest.host && rep.guest.guest_set &&
				       !rep.guest.guest) ? 2 : 1;
	guest_config__finish_view(&rep.guest);

	data = perf_data__open(rep.input, &err);
	if (!data) {
		pr_err("%s", err.msg);
		goto out_filter;
	}
	if (rep.filter.cpus) {
		for (i = 0; i < data->nr_evsels; i++) {
			if (!(data->evsels[i]->attr.sample_type & PERF_SAMPLE_CPU)) {
				pr_err("--cpu: %s has no cpu in its samples (record system-wide or "
				       "with the cpu sampled)", data->path);
				goto out_data;
			}
		}
		/* As perf: a cpu the recording machine did not have is an error. */
		for (i = (int)data->info.nr_cpus_avail; data->info.nr_cpus_avail &&
		     i < CPU_LIST_MAX; i++) {
			if (cpu_list__has(rep.filter.cpus, (u32)i)) {
				pr_err("--cpu: cpu %d is not in %s (its machine had %u cpus)", i,
				       data->path, data->info.nr_cpus_avail);
				goto out_data;
			}
		}
	}
	if (rep.time_str) {
		const struct header_info *hi = &data->info;
		int n = time_ranges__parse(rep.time_str, hi->has_sample_time ? hi->first_sample_time : 0,
					   hi->has_sample_time ? hi->last_sample_time : 0,
					   &rep.filter.times, &err);

		if (n < 0) {
			pr_err("%s: %s", data->path, err.msg);
			goto out_data;
		}
		rep.filter.nr_times = n;
	}
	if (rep.header || rep.header_only)
		perf_data__fprintf_header(data, stdout);
	if (rep.header_only) {
		ret = 0;
		goto out_data;
	}
	/* -D, --stats, --tasks read every record and count, resolving nothing. */
	if (rep.dump || rep.stats || rep.tasks) {
		rep.tool.sample = NULL;
		rep.tool.skip = NULL;
		rep.tool.record = rep.dump ? report_record : NULL;
		rep.sopts.callchain = false;
	}
	/*
	 * As perf report: a file with callchains shows its call paths
	 * without -g (and Children first, unless --no-children); "-g none"
	 * leaves the paths out. --json, --hierarchy and the exports take
	 * them only as asked. A stream's events are known only as it is
	 * read: perf then takes paths as on and Children as off (a sample
	 * without a callchain has no paths to show).
	 */
	stream = data->is_pipe && !data->nr_evsels;
	for (i = 0; i < data->nr_evsels; i++)
		any_callchain |= (data->evsels[i]->attr.sample_type & PERF_SAMPLE_CALLCHAIN) != 0;
	if (!rep.cg_given && !rep.json && !rep.sopts.hierarchy && !rep.folded &&
	    !rep.flamegraph && !rep.pprof_path && !rep.dump && !rep.stats && !rep.tasks &&
	    (any_callchain || stream))
		rep.sopts.callchain = rep.cg_given = true;
	if (rep.parent_key && !stream) {
		if (!any_callchain) {
			/* as perf: the key is found on callchains */
			pr_err("--sort parent: %s has no callchains (record with -g)", data->path);
			goto out_data;
		}
	}
	if (rep.sopts.callchain || rep.folded || rep.flamegraph || rep.pprof_path || rep.parent_key ||
	    rep.ignoring)
		rep.frames = xcalloc(CALLCHAIN_MAX_FRAMES, sizeof(*rep.frames));
	if (rep.pprof_path)
		rep.pprof = pprof__new();
	if (rep.tasks && !rep.dump && !rep.stats) {
		rep.task_tree = tasks__new(rep.mmaps);
		rep.tool.record = report_task_record;
	}
	if (rep.cg_given || rep.children == 1) {
		if (!any_callchain && rep.sopts.callchain && !stream) {
			pr_err("-g: %s has no callchains (record with -g)", data->path);
			goto out_data;
		}
		/*
		 * As perf: --children is the default where call paths are shown,
		 * and quietly off for a file without callchains and with --hierarchy.
		 */
		rep.cumulate = any_callchain && rep.children != 0 && !rep.sopts.hierarchy;
		rep.sopts.children = rep.cumulate;
		if (use_tui && rep.cumulate)
			rep.shadow = xcalloc(1, sizeof(*rep.shadow));	/* grown by report__hists */
		/*
		 * The order perf takes when none is given: callers first with
		 * --children, which on a stream is off but still sets the order.
		 */
		if (!rep.sopts.cg.order_set)
			rep.sopts.cg.order = rep.cumulate || (stream && rep.children != 0 &&
							      !rep.sopts.hierarchy) ?
					     ORDER_CALLER : ORDER_CALLEE;
		if (rep.inverted)
			rep.sopts.cg.order = ORDER_CALLER;
		if (!rep.frames)
			rep.frames = xcalloc(CALLCHAIN_MAX_FRAMES, sizeof(*rep.frames));
		rep.cg_frames = xcalloc(CALLCHAIN_MAX_FRAMES, sizeof(*rep.cg_frames));
	}
	rep.count_guest = rep.guest.guest;
	rep.count_host = rep.guest.host;
	for (i = 0; i < 8; i++)
		if (cpumode__is_guest((u8)i) ? rep.count_guest : rep.count_host)
			rep.count_modes |= (u8)(1u << i);
	/* Without --time and --cpu, report_skip drops only by --guest/--host, if at all. */
	if (rep.tool.skip && !rep.filter.nr_times && !rep.filter.cpus)
		rep.tool.skip = rep.count_modes == 0xff ? NULL : report_skip_mode;
	s = session__new(data, &rep.tool, &rep.guest, &err);
	if (!s) {
		pr_err("%s", err.msg);
		goto out_data;
	}
	s->machines.ignore_vmlinux = rep.ignore_vmlinux;
	if (machines__set_symfs(&s->machines, rep.symfs, &err) ||
	    machines__set_host_kernel(&s->machines, rep.kallsyms, rep.vmlinux, &err) ||
	    machines__load_guest_symbols(&s->machines, &err)) {
		pr_err("%s", err.msg);
		goto out_session;
	}
	report__start_pool(&rep);
	rep.plain = report__plain(&rep);
	/*
	 * The plain path holds the host's kernel samples while kallsyms is
	 * read on a thread of its own, instead of waiting for it.
	 */
	if (rep.tool.sample == report_sample && report__graph_plain(&rep))
		rep.tool.sample = report_sample_graph;
	s->machines.kernel_beside = (rep.plain && rep.tool.sample == report_sample) ||
				    rep.tool.sample == report_sample_graph;
	e = session__process_events(s);
	for (i = 0; i < rep.nr_hists; i++)
		hists__count_later(&rep.hists[i]);
	report__settle_kernel(&rep, s, true);
	hist_pool__finish(rep.pool, rep.hists, (u32)rep.nr_hists);
	rep.pool = NULL;
	if (rep.filter.sym_part)
		for (i = 0; i < rep.nr_hists; i++)
			hists__hide_but_symbol(&rep.hists[i], rep.filter.sym_part);
	if (e) {
		pr_err("%s", s->err.msg);
		goto out_session;
	}
	/* As perf: what came after its time was delivered is said, not hidden. */
	if (s->stats.nr_unordered)
		pr_warning("%" PRIu64 " out of order events recorded", s->stats.nr_unordered);
	if (rep.dump || rep.stats) {
		dump__fprintf_stats(s, stdout);
		ret = 0;
		goto out_session;
	}
	if (rep.task_tree) {
		tasks__fprintf(rep.task_tree, stdout);
		ret = 0;
		goto out_session;
	}
	if (use_tui) {
		ret = report_tui(s, rep.hists, rep.nr_hists,
				 rep.sopts.callchain ? &rep.sopts.cg : NULL) ? 1 : 0;
		/* The guest warnings the text report prints: on stderr, once restored. */
		rep.quiet = true;
		print_guest_summary(&rep, s, stdout);
		goto out_session;
	}
	if (rep.folded || rep.flamegraph || rep.pprof_path) {
		rep.quiet = true;	/* the guest warnings: on stderr only */
		print_guest_summary(&rep, s, stdout);
		ret = report__write_stacks(&rep);
		goto out_session;
	}
	print_hists_stdio(&rep, s, stdout);
	ret = 0;
	if (rep.thread_counts) {
		fputc('\n', stdout);
		if (read_values__fprintf(&rep.read_values, stdout)) {
			pr_err("-T: %s: %u threads by %u events are too many to print",
			       data->path, rep.read_values.threads.nr, rep.read_values.nr_columns);
			ret = 1;
		}
	}
out_session:
	session__delete(s);
	for (i = 0; i < rep.nr_hists; i++) {
		hists__exit(&rep.hists[i]);
		if (rep.shadow)
			hists__exit(&rep.shadow[i]);
	}
	free(rep.hists);
out_data:
	read_values__exit(&rep.read_values);
	free(rep.shadow);
	flame__exit(&rep.flame);
	pprof__delete(rep.pprof);
	tasks__delete(rep.task_tree);
	free(rep.frames);
	free(rep.cg_frames);
	free(rep.held);
	free(rep.held_frames);
	free(rep.cum_cache);
	free(rep.cum_same);
	perf_data__delete(data);
out_filter:
	sample_filter__exit(&rep.filter);
	if (rep.parent_key)
		regfree(&rep.parent_re);
	if (rep.ignoring)
		regfree(&rep.ignore_re);
	return ret;
out_usage:
	sample_filter__exit(&rep.filter);
	if (rep.parent_key)
		regfree(&rep.parent_re);
	if (rep.ignoring)
		regfree(&rep.ignore_re);
	return 129;
}
