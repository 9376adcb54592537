// SPDX-License-Identifier: GPL-2.0
/*
 * pmukvm stat: the cost of the virtualization layer from KVM's tracepoints,
 * perf kvm stat's analyses on the same files, and the guest functions
 * whose instructions made the exits (--by-symbol).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin-kvm/builtin.h"
#include "builtin-kvm/stat.h"
#include "ui/stdio.h"
#include "ui/tui.h"
#include "ui/tui/browser.h"
#include "util/data.h"
#include "util/kvm-stat.h"
#include "util/machine.h"
#include "util/options.h"
#include "util/session.h"

const char *global_input;

/* What perf kvm stat record records on x86. */
#define KVM_STAT_EVENTS "kvm:kvm_entry,kvm:kvm_exit,kvm:kvm_mmio,kvm:kvm_pio,kvm:kvm_msr"

struct stat_report {
	struct perf_tool tool;
	struct kvm_stat_opts o;
	struct kvm_stat *ks;
	const char *input, *pid_str;
	struct kvm_stat_print p;
	s32 *pids;
	size_t nr_pids;
	bool tui, force, stdio;
	struct guest_config guest;	/* the guest options */
	struct stat_text text;
	char msg[128];
};

const struct opt_choice stat_event_words[] = {
	{ "vmexit", KVM_STAT_VMEXIT }, { "mmio", KVM_STAT_MMIO }, { "ioport", KVM_STAT_IOPORT },
	{ "msr", KVM_STAT_MSR }, { NULL, 0 }
};

const struct opt_choice stat_key_words[] = {
	{ "sample", KVM_STAT_SORT_SAMPLE }, { "time", KVM_STAT_SORT_TIME }, { NULL, 0 }
};

static int parse_pids(struct stat_report *r, const char *arg)
{
	const char *p = arg;

	while (*p) {
		unsigned long long v;
		char buf[32];
		size_t n = strcspn(p, ",");

		if (!n || n >= sizeof(buf))
			goto bad;
		memcpy(buf, p, n);
		buf[n] = '\0';
		if (parse_u64(buf, &v) || v > INT32_MAX)
			goto bad;
		r->pids = xrealloc(r->pids, (r->nr_pids + 1) * sizeof(*r->pids));
		r->pids[r->nr_pids++] = (s32)v;
		p += n;
		if (*p == ',')
			p++;
	}
	if (r->nr_pids)
		return 0;
bad:
	pr_err("-p takes process ids separated by commas, not '%s'", arg);
	return -1;
}

static int opt_pids(const struct opt_desc *opt, const char *arg, bool unset, void *opts)
{
	struct stat_report *r = opts;

	r->pid_str = arg;
	return parse_pids(r, arg);
}

static const struct opt_desc stat_report_opts[] = {
	OPT_STRING('i', "input", struct stat_report, input, "FILE",
		   "data file to read (default perf.data.guest, as perf kvm stat)"),
	OPT_STAT_EVENT(struct stat_report, o.analysis),
	OPT_STAT_KEY(struct stat_report, o.sort),
	OPT_VCPU(struct stat_report, o.vcpu, "only vCPU N (of every guest)"),
	OPT_CALLBACK('p', "pid", opt_pids, "PIDS", "only these QEMU processes (comma-separated)"),
	OPT_BOOL('f', "force", struct stat_report, force,
		 "accepted for perf's command line; no effect"),
	OPT_BOOL(0, "stdio", struct stat_report, stdio, "perf's table on stdout (the default)"),
	OPT_BOOL(0, "tui", struct stat_report, tui,
		 "browse perf's table and pmukvm's (or --by-symbol's) full-screen"),
	OPT_BOOL(0, "json", struct stat_report, p.json,
		 "JSON lines: rows, per-guest rows with percentiles and histograms, vCPUs"),
	OPT_STRING('t', "field-separator", struct stat_report, p.field_sep, "SEP",
		   "one row per line, fields split by SEP"),
	OPT_BOOL(0, "extended", struct stat_report, p.extended,
		 "after perf's table: per guest p50/p99/p99.9 and log2 histograms, per vCPU the "
		 "time outside the guest"),
	OPT_BOOL(0, "by-symbol", struct stat_report, o.by_symbol,
		 "per guest, the guest functions whose instructions caused the exits"),
	OPT_END
};

static bool stat_skip(struct perf_tool *tool, struct evsel *evsel, const struct perf_sample *s)
{
	struct stat_report *r = (struct stat_report *)tool;

	return kvm_stat__sample(r->ks, evsel, s);
}

/* Guest symbol trouble is loud, as in report. */
static void warn_guests(struct session *s)
{
	struct machine *g;
	size_t i, nr_told = 0;

	for (g = machines__guests(&s->machines); g; g = g->next) {
		u64 k = g->nr_kernel_samples, u = g->nr_kernel_unresolved;

		if (!k || u * 100 < k || nr_told++ >= MACHINES_GUESTS_TOLD)
			continue;
		pr_warning("%s: %.1f%% of guest kernel exit rips could not be resolved: %s",
			   g->name, percent(u, k), guest__unresolved_why(g));
	}
	if (nr_told > MACHINES_GUESTS_TOLD)
		pr_warning("%zu more guests with guest kernel exit rips that could not be resolved",
			   nr_told - MACHINES_GUESTS_TOLD);
	for (i = 0; i < s->machines.warnings.nr; i++)
		pr_warning("%s", s->machines.warnings.strs[i]);
}

void stat_text__exit(struct stat_text *t)
{
	free(t->text);
	free(t->lines);
	memset(t, 0, sizeof(*t));
}

int stat_text__render(struct stat_text *t, struct kvm_stat *ks, const struct kvm_stat_print *p,
		      bool by_symbol)
{
	size_t len = 0, n = 0, i;
	FILE *fp;
	char *q;

	stat_text__exit(t);
	fp = open_memstream(&t->text, &len);
	if (!fp)
		return -ENOMEM;
	if (by_symbol)
		kvm_stat__fprintf_symbols(ks, p, fp);
	else
		kvm_stat__fprintf(ks, p, fp);
	if (fclose(fp))
		return -ENOMEM;
	for (i = 0; i < len; i++)
		n += t->text[i] == '\n';
	t->lines = xcalloc(n + 1, sizeof(char *));
	/* perf's table starts with two empty lines: not on screen */
	for (q = t->text; *q == '\n'; q++)
		;
	while (*q) {
		char *nl = strchr(q, '\n');

		t->lines[t->nr_lines++] = q;
		if (!nl)
			break;
		*nl = '\0';
		q = nl + 1;
	}
	return 0;
}

/* ---- stat report --tui: the tables of a file, browsed ---- */

static int report_tui_tick(void *ctx)
{
	return 0;
}

static void report_tui_title(void *ctx, char *buf, size_t len)
{
	struct stat_report *r = ctx;

	snprintf(buf, len, "pmukvm stat report: %s%s, %s order  [%s]",
		 r->o.by_symbol ? "exits by guest function, " : "",
		 kvm_stat__analysis_name(r->o.analysis),
		 r->ks->opts.sort == KVM_STAT_SORT_TIME ? "time" : "sample", r->input);
}

static const char *const *report_tui_lines(void *ctx, size_t *nr)
{
	struct stat_report *r = ctx;

	*nr = r->text.nr_lines;
	return (const char *const *)r->text.lines;
}

void stat_tui__key(struct kvm_stat *ks, struct kvm_stat_print *p, int key, bool later,
		   char *msg, size_t size)
{
	const char *when = later ? " from the next refresh" : "";

	if (key == 'k') {
		ks->opts.sort = ks->opts.sort == KVM_STAT_SORT_TIME ? KVM_STAT_SORT_SAMPLE :
				KVM_STAT_SORT_TIME;
		snprintf(msg, size, "%s %s%s", later ? "sort by" : "sorted by",
			 ks->opts.sort == KVM_STAT_SORT_TIME ? "average time" : "samples", when);
	} else {
		p->extended = !p->extended;
		snprintf(msg, size, "pmukvm's tables %s%s", p->extended ? "shown" : "hidden", when);
	}
}

/* The file is read: 'k' and 'x' take effect at once. */
static const char *report_tui_key(void *ctx, int key)
{
	struct stat_report *r = ctx;

	stat_tui__key(r->ks, &r->p, key, false, r->msg, sizeof(r->msg));
	if (key == 'k')
		kvm_stat__finish(r->ks);
	if (stat_text__render(&r->text, r->ks, &r->p, r->o.by_symbol))
		return "out of memory";
	return r->msg;
}

static int stat_report_tui(struct stat_report *r)
{
	struct kvm_stat_tui_ops ops = {
		.tick = report_tui_tick, .title = report_tui_title, .lines = report_tui_lines,
		.key = report_tui_key, .ctx = r,
	};
	int e;

	if (stat_text__render(&r->text, r->ks, &r->p, r->o.by_symbol)) {
		pr_err("out of memory");
		return 1;
	}
	e = tui__init();
	if (e) {
		if (e != -ENOENT)	/* -ENOENT: tui__init said why */
			pr_err("--tui needs a terminal on stdin and stdout (use --stdio)");
		return 1;
	}
	e = kvm_stat__tui(&ops);
	tui__exit();
	return e ? 1 : 0;
}

static int stat_report(int argc, char **argv, struct guest_config *gc)
{
	struct stat_report r = {
		.tool = { .skip = stat_skip },
		.o = { .vcpu = -1 },
	};
	struct err err;
	struct perf_data *data;
	struct session *s = NULL;
	int i, e, ret = 1;
	size_t u;

	r.guest = *gc;
	i = options_parse(argc, argv, "pmukvm stat report [options]", stat_report_opts, &r,
			  &r.guest);
	if (i >= 0 && i < argc) {
		pr_err("stat report takes no arguments ('%s'); use -i FILE", argv[i]);
		i = -1;
	}
	if (i >= 0 && r.p.json && r.p.field_sep) {
		pr_err("--json does not go with -t");
		i = -1;
	}
	if (i >= 0 && r.tui && (r.p.json || r.p.field_sep)) {
		pr_err("--tui does not go with --json or -t");
		i = -1;
	}
	if (i < 0) {
		free(r.pids);
		return 129;
	}
	if (!r.input)
		r.input = global_input ? global_input : "perf.data.guest";
	r.o.pids = r.pids;
	r.o.nr_pids = r.nr_pids;
	r.o.extended = r.p.extended || r.p.json || r.tui;
	if (r.tui)
		r.p.extended = true;
	r.p.pid_str = r.pid_str;
	guest_config__finish(&r.guest);

	data = perf_data__open(r.input, &err);
	if (!data) {
		pr_err("%s", err.msg);
		free(r.pids);
		return 1;
	}
	r.ks = kvm_stat__new(&r.o);
	if (kvm_stat__setup(r.ks, data)) {
		pr_err("%s", r.ks->err.msg);
		goto out;
	}
	/*
	 * perf's table alone needs no machine model: the kvm samples are
	 * ordered and counted straight from the mapped file.
	 */
	if (!r.o.by_symbol && !r.o.extended) {
		e = kvm_stat__process(r.ks, data);
		if (e != -EOPNOTSUPP) {
			if (e) {
				pr_err("%s: %s", data->path, r.ks->err.msg);
				goto out;
			}
			goto print;
		}
	}
	s = session__new(data, &r.tool, &r.guest, &err);
	if (!s) {
		pr_err("%s", err.msg);
		goto out;
	}
	r.ks->machines = &s->machines;
	if (r.o.by_symbol && machines__load_guest_symbols(&s->machines, &err)) {
		pr_err("%s", err.msg);
		goto out;
	}
	e = session__process_events(s);
	if (e) {
		pr_err("%s", s->err.msg);
		goto out;
	}
	if (r.ks->err.code) {
		pr_err("%s: %s", data->path, r.ks->err.msg);
		goto out;
	}
print:
	kvm_stat__finish(r.ks);
	if (r.tui) {
		ret = stat_report_tui(&r);
		if (r.o.by_symbol)
			warn_guests(s);
		goto out;
	}
	if (r.o.by_symbol) {
		kvm_stat__fprintf_symbols(r.ks, &r.p, stdout);
		warn_guests(s);
	} else {
		kvm_stat__fprintf(r.ks, &r.p, stdout);
	}
	for (u = 0; u < r.ks->nr_unknown; u++)
		pr_warning("unknown kvm exit code %" PRIu64 " on %s", r.ks->unknown[u], r.ks->isa);
	ret = 0;
out:
	if (s)
		session__delete(s);
	kvm_stat__delete(r.ks);
	perf_data__delete(data);
	free(r.pids);
	stat_text__exit(&r.text);
	return ret;
}

/*
 * stat record is record with perf kvm stat's events: every hit of the kvm
 * tracepoints with its payload (-c 1), 1024 pages per ring buffer as perf
 * asks, and the events' formats in the file. The other options (-a, -p,
 * --duration, -o, -- COMMAND) are record's.
 */
static int stat_record(int argc, char **argv, struct guest_config *gc)
{
	/*
	 * perf kvm stat record's mode (guest: exclude_host, where record's own
	 * default is host and guest) and file name; options given later win.
	 */
	static const char *const pre[] = { "record", "-e", KVM_STAT_EVENTS, "-c", "1", "-m",
					   "1024", "--guest", "-o", "perf.data.guest" };
	char **rargv = xcalloc((size_t)argc + ARRAY_SIZE(pre) + 1, sizeof(char *));
	size_t i, n = 0;
	int ret;

	for (i = 0; i < ARRAY_SIZE(pre); i++)
		rargv[n++] = (char *)pre[i];
	for (i = 1; i < (size_t)argc; i++)
		rargv[n++] = argv[i];
	record_kvm_stat = true;
	ret = cmd_record((int)n, rargv, gc);
	free(rargv);
	return ret;
}

int cmd_stat(int argc, char **argv, struct guest_config *gc)
{
	if (argc >= 2 && !strcmp(argv[1], OPTIONS_LIST_OPTS)) {
		/* completion: report's options and live's, each once */
		const struct opt_desc *const tables[] = { stat_report_opts, stat_live_opts() };

		options_list(tables, ARRAY_SIZE(tables));
		return 0;
	}
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		if (argc < 2) {
			pr_err("usage: pmukvm stat report [options] (see 'pmukvm stat --help')");
			return 129;
		}
		const struct usage_example *ex = options_examples;

		/* report's options, live's, and the examples once at the end */
		options_examples = NULL;
		options_usage("pmukvm stat report [options]", stat_report_opts);
		printf("\n");
		stat_live_usage();
		printf("\nstat record takes record's options: see 'pmukvm record --help'.\n");
		options_print_examples(ex);
		return 0;
	}
	/* perf kvm stat takes any prefix of three letters or more */
	if (strlen(argv[1]) >= 3 && !strncmp(argv[1], "report", strlen(argv[1])))
		return stat_report(argc - 1, argv + 1, gc);
	if (strlen(argv[1]) >= 3 && !strncmp(argv[1], "record", strlen(argv[1])))
		return stat_record(argc - 1, argv + 1, gc);
	if (!strcmp(argv[1], "live"))
		return stat_live(argc - 1, argv + 1, gc);
	pr_err("'%s' is not a stat command: pmukvm stat has record, report and live", argv[1]);
	return 129;
}
