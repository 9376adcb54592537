// SPDX-License-Identifier: GPL-2.0
/*
 * pmukvm diff: the rows of a baseline data file next to those of newer
 * ones, with perf diff's columns (Baseline, then Delta Abs, Delta, Ratio
 * or Weighted diff per newer file) and its row order; --fail-above makes
 * it a regression check for scripts.
 *
 * Rows of the files are paired by their printed keys (names: guest, DSO,
 * symbol, command...), never by address, so files of two boots of a guest
 * (another KASLR offset, modules elsewhere) or two builds pair up. As in
 * perf diff, rows without a symbol and otherwise the same keys are one row:
 * in each file their samples add up, the row is named by the least address
 * of the first file that has it, and it pairs with such a row of the others.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin-kvm/builtin.h"
#include "ui/stdio.h"
#include "util/data.h"
#include "util/hist.h"
#include "util/kernel.h"
#include "util/options.h"
#include "util/session.h"

#define DIFF_MAX_FILES	32

enum compute {
	COMPUTE_DELTA,
	COMPUTE_DELTA_ABS,
	COMPUTE_RATIO,
	COMPUTE_WDIFF,
};

/* One file: its per-event rows. */
struct diff_file {
	const char *path;
	struct perf_data *data;
	struct session *session;
	struct perf_tool tool;
	struct hists *hists;		/* one per event */
	u64 *filtered_period;		/* --guest/--host, per event */
	int nr_hists;
	const struct sort_order *so;
	const struct guest_config *guest;	/* which samples count */
};

/* One paired row: its keys and, per file, its counts. */
struct diff_row {
	char **keys;			/* printed, one per sort key */
	char *id;			/* the keys joined: what rows pair by */
	u64 period[DIFF_MAX_FILES], samples[DIFF_MAX_FILES];
	bool has[DIFF_MAX_FILES];
	double value[DIFF_MAX_FILES];	/* the compute column's, per newer file */
	int file;			/* the first file with it, which names it */
	u64 addr;			/* no symbol: the address it is named by */
	bool no_sym;
	struct diff_row *hnext;
};

struct diff {
	struct diff_file files[DIFF_MAX_FILES];
	int nr_files;
	struct sort_order so;
	const char *sort;
	enum compute compute;
	long long w1, w2;
	const char *sep;
	bool absolute, baseline_only, json, quiet;
	double fail_above;
	bool check;			/* --fail-above given */
	unsigned long long min_samples;
	const char *kallsyms, *vmlinux, *symfs;
	bool ignore_vmlinux;
	/* The rows of the event being printed. */
	struct diff_row **rows;
	size_t nr_rows, alloc_rows;
	struct diff_row **table;
	size_t table_size;
	double total[DIFF_MAX_FILES];
	double shown_base_total;	/* -b: the baseline column's total */
	struct guest_config guest;	/* the guest options */
};

static int opt_compute(const struct opt_desc *opt, const char *arg, bool unset, void *opts)
{
	struct diff *d = opts;

	if (!strcmp(arg, "delta")) {
		d->compute = COMPUTE_DELTA;
	} else if (!strcmp(arg, "delta-abs")) {
		d->compute = COMPUTE_DELTA_ABS;
	} else if (!strcmp(arg, "ratio")) {
		d->compute = COMPUTE_RATIO;
	} else if (!strncmp(arg, "wdiff:", 6)) {
		char *end;

		d->compute = COMPUTE_WDIFF;
		errno = 0;
		d->w1 = strtoll(arg + 6, &end, 10);
		if (errno || *end != ',' || end == arg + 6)
			goto bad;
		d->w2 = strtoll(end + 1, &end, 10);
		if (errno || *end || !d->w1 || !d->w2)
			goto bad;
	} else {
		goto bad;
	}
	return 0;
bad:
	pr_err("--compute takes delta, delta-abs, ratio or wdiff:W1,W2 (nonzero weights), not '%s'",
	       arg);
	return -1;
}

static const struct opt_choice percentage_words[] = {
	{ "relative", false }, { "absolute", true }, { NULL, 0 }
};

static const struct opt_desc diff_opts[] = {
	OPT_CALLBACK('c', "compute", opt_compute, "HOW",
		     "delta, delta-abs (default), ratio or wdiff:W1,W2: what the newer files' columns show"),
	OPT_STRING('s', "sort", struct diff, sort, "KEYS",
		   "row keys: comm, pid, dso, sym, guest, vcpu, mode (default dso,sym)"),
	OPT_STRING('t', "field-separator", struct diff, sep, "SEP",
		   "separate fields with SEP instead of padding"),
	OPT_CHOICE(0, "percentage", struct diff, absolute, percentage_words, "HOW",
		   "relative or absolute",
		   "relative (default): shares of the samples counted; absolute: of all samples"),
	OPT_BOOL('b', "baseline-only", struct diff, baseline_only, "only rows that the baseline has"),
	OPT_DOUBLE(0, "fail-above", struct diff, fail_above, 0, 100, "PCT",
		   "a number of percentage points from 0 to 100",
		   "exit 1 when a row's share grew by more than PCT points, else 0 (2: cannot tell)"),
	OPT_UINT(0, "min-samples", struct diff, min_samples, 0, ~0ull, "N", "a number of samples",
		 "leave out rows with fewer than N samples in the baseline and in each newer file"),
	OPT_BOOL(0, "json", struct diff, json, "print rows as JSON lines"),
	OPT_STRING('k', "kallsyms", struct diff, kallsyms, "FILE",
		   "host kernel symbols (default /proc/kallsyms); an ELF FILE is a vmlinux, as "
		   "perf's -k"),
	OPT_STRING(0, "vmlinux", struct diff, vmlinux, "FILE",
		   "host kernel symbols from this vmlinux (ELF); kallsyms then gives only the "
		   "modules'"),
	OPT_BOOL(0, "ignore-vmlinux", struct diff, ignore_vmlinux,
		 "no vmlinux looked for or taken (as perf): the kernel's symbols from kallsyms"),
	OPT_STRING(0, "symfs", struct diff, symfs, "DIR",
		   "the recording's binaries and debug files under DIR (as perf's --symfs); "
		   "the host kernel's symbols then only from -k, --vmlinux or a vmlinux of its build-id under DIR"),
	OPT_BOOL('q', "quiet", struct diff, quiet, "no header comment lines"),
	OPT_END
};

static struct hists *file_hists(struct diff_file *f, const struct evsel *evsel)
{
	if (evsel->idx >= f->nr_hists) {
		int i;

		f->hists = xrealloc(f->hists, (evsel->idx + 1) * sizeof(*f->hists));
		f->filtered_period = xrealloc(f->filtered_period,
					      (evsel->idx + 1) * sizeof(*f->filtered_period));
		for (i = f->nr_hists; i <= evsel->idx; i++) {
			hists__init(&f->hists[i], f->so);
			f->filtered_period[i] = 0;
		}
		f->nr_hists = evsel->idx + 1;
	}
	return &f->hists[evsel->idx];
}

static bool diff_skip(struct perf_tool *tool, struct evsel *evsel, const struct perf_sample *sample)
{
	struct diff_file *f = (struct diff_file *)((char *)tool - offsetof(struct diff_file, tool));

	if (cpumode__is_guest(sample->cpumode) ? f->guest->guest : f->guest->host)
		return false;
	file_hists(f, evsel)->nr_filtered++;
	f->filtered_period[evsel->idx] += sample->period;
	return true;
}

static int diff_sample(struct perf_tool *tool, struct session *session, struct evsel *evsel,
		       const struct perf_sample *sample, struct addr_location *al)
{
	struct diff_file *f = (struct diff_file *)((char *)tool - offsetof(struct diff_file, tool));

	hists__add(file_hists(f, evsel), al, sample->period);
	return 0;
}

/* Reads one file into its rows. Returns 0, or -1 after a message. */
static int diff_file__read(struct diff *d, struct diff_file *f)
{
	struct err err;

	f->so = &d->so;
	f->guest = &d->guest;
	f->tool.sample = diff_sample;
	f->tool.skip = diff_skip;
	f->data = perf_data__open(f->path, &err);
	if (!f->data) {
		pr_err("%s", err.msg);
		return -1;
	}
	f->session = session__new(f->data, &f->tool, &d->guest, &err);
	if (!f->session) {
		pr_err("%s", err.msg);
		return -1;
	}
	f->session->machines.ignore_vmlinux = d->ignore_vmlinux;
	if (machines__set_symfs(&f->session->machines, d->symfs, &err) ||
	    machines__set_host_kernel(&f->session->machines, d->kallsyms, d->vmlinux, &err) ||
	    machines__load_guest_symbols(&f->session->machines, &err)) {
		pr_err("%s", err.msg);
		return -1;
	}
	if (session__process_events(f->session)) {
		pr_err("%s", f->session->err.msg);
		return -1;
	}
	if (f->session->stats.nr_unordered)
		pr_warning("%s: %" PRIu64 " out of order events recorded", f->path,
			   f->session->stats.nr_unordered);
	return 0;
}

static void diff_file__exit(struct diff_file *f)
{
	int i;

	for (i = 0; i < f->nr_hists; i++)
		hists__exit(&f->hists[i]);
	free(f->hists);
	free(f->filtered_period);
	if (f->session)
		session__delete(f->session);
	if (f->data)
		perf_data__delete(f->data);
}

/* perf diff pairs events by type and config. */
static struct evsel *find_event(struct diff_file *f, const struct evsel *like)
{
	int i;

	for (i = 0; i < f->data->nr_evsels; i++) {
		struct evsel *e = f->data->evsels[i];

		if (e->attr.type == like->attr.type && e->attr.config == like->attr.config)
			return e;
	}
	return NULL;
}

static void row_set_keys(struct diff *d, struct diff_row *r, const struct hist_entry *he)
{
	char buf[1024];
	int k;

	for (k = 0; k < d->so.nr; k++) {
		hist_entry__snprint_key(he, d->so.keys[k], buf, sizeof(buf));
		free(r->keys[k]);
		r->keys[k] = xstrdup(buf);
	}
	r->addr = hist_entry__addr(he);
	r->no_sym = !hist_entry__sym(he);
}

/* @he's row, of file @file: made when missing and @create; else NULL. */
static struct diff_row *findnew_row(struct diff *d, const struct hist_entry *he, int file,
				    bool create)
{
	char buf[1024], *id;
	struct diff_row *r;
	size_t len = 0, b;
	int k;

	id = xstrdup("");
	for (k = 0; k < d->so.nr; k++) {
		size_t n;

		if (d->so.keys[k] == SORT_SYM && !hist_entry__sym(he))
			strcpy(buf, "\x1e");	/* no symbol: one row, whatever the address */
		else
			hist_entry__snprint_key(he, d->so.keys[k], buf, sizeof(buf));
		n = strlen(buf);
		id = xrealloc(id, len + n + 2);
		memcpy(id + len, buf, n);
		len += n;
		id[len++] = '\x1f';
		id[len] = 0;
	}
	if (d->nr_rows + 1 > d->table_size / 2) {
		size_t size = d->table_size ? 2 * d->table_size : 1024, i;
		struct diff_row **table = xcalloc(size, sizeof(*table));

		for (i = 0; i < d->nr_rows; i++) {
			r = d->rows[i];
			b = str_hash(r->id) & (size - 1);
			r->hnext = table[b];
			table[b] = r;
		}
		free(d->table);
		d->table = table;
		d->table_size = size;
	}
	b = str_hash(id) & (d->table_size - 1);
	for (r = d->table[b]; r; r = r->hnext)
		if (!strcmp(r->id, id)) {
			free(id);
			if (r->file == file && !hist_entry__sym(he) && hist_entry__addr(he) < r->addr)
				row_set_keys(d, r, he);
			return r;
		}
	if (!create) {
		free(id);
		return NULL;
	}
	r = xzalloc(sizeof(*r));
	r->id = id;
	r->keys = xcalloc(d->so.nr, sizeof(*r->keys));
	r->file = file;
	row_set_keys(d, r, he);
	r->hnext = d->table[b];
	d->table[b] = r;
	ALLOC_GROW(d->rows, d->nr_rows + 1, d->alloc_rows);
	d->rows[d->nr_rows++] = r;
	return r;
}

static void rows_reset(struct diff *d)
{
	size_t i;
	int k;

	for (i = 0; i < d->nr_rows; i++) {
		for (k = 0; k < d->so.nr; k++)
			free(d->rows[i]->keys[k]);
		free(d->rows[i]->keys);
		free(d->rows[i]->id);
		free(d->rows[i]);
	}
	d->nr_rows = 0;
	if (d->table)
		memset(d->table, 0, d->table_size * sizeof(*d->table));
}

static double share(const struct diff *d, const struct diff_row *r, int i)
{
	return d->total[i] ? (r->period[i] * 100.0) / d->total[i] : 0;
}

/* The newer file @i's value for @r, as perf diff computes it. */
static double row_value(const struct diff *d, const struct diff_row *r, int i)
{
	switch (d->compute) {
	case COMPUTE_RATIO:
		return (double)r->period[i] / (double)(r->period[0] ? r->period[0] : 1);
	case COMPUTE_WDIFF:
		/* in 64 bits, wrapping as perf's does on huge periods or weights */
		return (double)(s64)(r->period[i] * (u64)d->w2 - r->period[0] * (u64)d->w1);
	default:
		return share(d, r, i) - (r->has[0] ? share(d, r, 0) : 0);
	}
}

static const struct diff *sort_diff;

static int cmp_value(const struct diff_row *a, const struct diff_row *b, int i)
{
	double x = a->value[i], y = b->value[i];

	if (sort_diff->compute == COMPUTE_DELTA_ABS) {
		x = fabs(x);
		y = fabs(y);
	}
	return x > y ? -1 : x < y;
}

/*
 * perf diff's order: by the first newer file's column (rows it has first;
 * for ratio and wdiff rows the baseline lacks after those it has), then
 * by baseline period, then by each newer file's column, then by the keys.
 */
static int row_cmp(const void *pa, const void *pb)
{
	const struct diff_row *a = *(struct diff_row *const *)pa, *b = *(struct diff_row *const *)pb;
	const struct diff *d = sort_diff;
	int i, k, c;

	if (a->has[1] != b->has[1])
		return a->has[1] ? -1 : 1;
	if (a->has[1]) {
		if (d->compute == COMPUTE_RATIO || d->compute == COMPUTE_WDIFF)
			if (a->has[0] != b->has[0])
				return a->has[0] ? -1 : 1;
		c = cmp_value(a, b, 1);
		if (c)
			return c;
	}
	if (a->period[0] != b->period[0])
		return a->period[0] > b->period[0] ? -1 : 1;
	for (i = 1; i < d->nr_files; i++) {
		if (a->has[i] != b->has[i])
			return a->has[i] ? -1 : 1;
		if (a->has[i] && (c = cmp_value(a, b, i)))
			return c;
	}
	/*
	 * Symbols by name, their "[k] " aside, as perf sorts them; a row
	 * without one after those with one, and equal to another without.
	 */
	for (k = 0; k < d->so.nr; k++) {
		size_t skip = d->so.keys[k] == SORT_SYM && strlen(a->keys[k]) > 4 &&
			      strlen(b->keys[k]) > 4 ? 4 : 0;

		if (d->so.keys[k] == SORT_SYM && (a->no_sym || b->no_sym)) {
			if (a->no_sym != b->no_sym)
				return a->no_sym ? 1 : -1;
			continue;
		}
		c = strcmp(a->keys[k] + skip, b->keys[k] + skip);
		if (c)
			return c;
	}
	return 0;
}

/* Rows of every file for the baseline's event @base; false: a file lacks it. */
static bool collect_rows(struct diff *d, const struct evsel *base)
{
	bool all = true;
	int i;

	rows_reset(d);
	for (i = 0; i < d->nr_files; i++) {
		struct diff_file *f = &d->files[i];
		const struct evsel *e = i ? find_event(f, base) : base;
		struct hists *h;
		size_t j;

		d->total[i] = 0;
		if (!e) {
			all = false;
			continue;
		}
		if (e->idx >= f->nr_hists)
			continue;	/* no samples of it */
		h = &f->hists[e->idx];
		hists__sort(h);
		d->total[i] = (double)h->total_period +
			      (d->absolute ? (double)f->filtered_period[e->idx] : 0);
		for (j = 0; j < h->nr_entries; j++) {
			const struct hist_entry *he = hists__sorted(h, j);
			struct diff_row *r;

			/* -b: rows the baseline lacks are left out (later, those only it has). */
			r = findnew_row(d, he, (int)i, !(i && d->baseline_only));
			if (!r)
				continue;
			r->has[i] = true;
			r->period[i] += hist_entry__period(he);
			r->samples[i] += hist_entry__nr_samples(he);
		}
	}
	return all;
}

static bool row_shown(const struct diff *d, const struct diff_row *r)
{
	bool paired = false;
	int i;

	/* -b: rows of the baseline that a newer file has too. */
	for (i = 1; d->baseline_only && i < d->nr_files; i++)
		paired |= r->has[i];
	if (d->baseline_only && (!r->has[0] || !paired))
		return false;

	if (!d->min_samples)
		return true;
	for (i = 0; i < d->nr_files; i++)
		if (r->samples[i] >= d->min_samples)
			return true;
	return false;
}

static const char *compute_header(const struct diff *d)
{
	switch (d->compute) {
	case COMPUTE_DELTA: return "Delta";
	case COMPUTE_RATIO: return "Ratio";
	case COMPUTE_WDIFF: return "Weighted diff";
	default: return "Delta Abs";
	}
}

static int compute_width(const struct diff *d)
{
	switch (d->compute) {
	case COMPUTE_DELTA: return 7;
	case COMPUTE_RATIO:
	case COMPUTE_WDIFF: return 14;
	default: return 9;
	}
}

/* File @i's column of @r, unpadded, as perf diff prints it. */
static void column_text(const struct diff *d, const struct diff_row *r, int i, char *buf,
			size_t len)
{
	buf[0] = 0;
	if (!i) {
		/*
		 * -b: perf drops the baseline's unpaired rows before it prints,
		 * so the column is of what is left (the deltas are not).
		 */
		if (r->has[0])
			snprintf(buf, len, d->sep ? "%.2f" : "%6.2f%%", d->baseline_only ?
				 (d->shown_base_total ? (r->period[0] * 100.0) / d->shown_base_total
						      : 0) : share(d, r, 0));
		return;
	}
	if (!r->has[i])
		return;
	switch (d->compute) {
	case COMPUTE_RATIO:
		if (!r->has[0])
			snprintf(buf, len, "N/A");
		else if (r->value[i] > 0.0)
			snprintf(buf, len, "%14.6F", r->value[i]);
		break;
	case COMPUTE_WDIFF:
		if (!r->has[0])
			snprintf(buf, len, "N/A");
		else
			snprintf(buf, len, "%14lld", (long long)r->value[i]);
		break;
	default:
		snprintf(buf, len, "%+4.2F%%", r->value[i]);
	}
}

static void print_table(struct diff *d, struct diff_row **rows, size_t n, FILE *fp)
{
	size_t widths[DIFF_MAX_FILES + SORT_NR_KEYS];
	char head[DIFF_MAX_FILES][64], buf[1024];
	int i, k, nf = d->nr_files;
	size_t j, w;

	for (i = 0; i < nf; i++) {
		const char *name = i ? compute_header(d) : "Baseline";

		if (nf > 2)
			snprintf(head[i], sizeof(head[i]), "%s/%d", name, i);
		else
			snprintf(head[i], sizeof(head[i]), "%s", name);
		widths[i] = strlen(head[i]);
		if (i && (int)widths[i] < compute_width(d))
			widths[i] = compute_width(d);
	}
	for (k = 0; k < d->so.nr; k++) {
		widths[nf + k] = strlen(sort_keys[d->so.keys[k]].header);
		for (j = 0; j < n; j++) {
			w = strlen(rows[j]->keys[k]);
			if (w > widths[nf + k])
				widths[nf + k] = w;
			/* perf's: a row without a symbol, the address's sixteen digits */
			if (d->so.keys[k] == SORT_DSO && rows[j]->no_sym && !d->sep && widths[nf + k] < 16)
				widths[nf + k] = 16;
		}
		/* perf's "%7d:" and a command column at least "Command" wide. */
		if (d->so.keys[k] == SORT_PID && widths[nf + k] < 8 + strlen("Command"))
			widths[nf + k] = 8 + strlen("Command");
	}
	if (!d->quiet) {
		fprintf(fp, "# ");
		for (i = 0; i < nf + d->so.nr; i++) {
			const char *h = i < nf ? head[i] : sort_keys[d->so.keys[i - nf]].header;

			if (i)
				fputs(d->sep ? d->sep : "  ", fp);
			/* Value columns, and perf's pid column, are right-aligned. */
			if (i < nf || d->so.keys[i - nf] == SORT_PID)
				fprintf(fp, "%*s", (int)widths[i], h);
			else
				fprintf(fp, "%-*s", (int)widths[i], h);
		}
		fputc('\n', fp);
		if (!d->sep) {
			fprintf(fp, "# ");
			for (i = 0; i < nf + d->so.nr; i++) {
				if (i)
					fputs("  ", fp);
				for (w = 0; w < widths[i]; w++)
					fputc('.', fp);
			}
			fprintf(fp, "\n#\n");
		}
	}
	for (j = 0; j < n; j++) {
		const struct diff_row *r = rows[j];

		if (!d->sep)
			fputs("  ", fp);
		for (i = 0; i < nf; i++) {
			column_text(d, r, i, buf, sizeof(buf));
			if (i)
				fputs(d->sep ? d->sep : "  ", fp);
			fprintf(fp, d->sep ? "%-*s" : "%*s", (int)widths[i], buf);
		}
		for (k = 0; k < d->so.nr; k++) {
			fputs(d->sep ? d->sep : "  ", fp);
			/* As perf: every key column padded but a last symbol. */
			if (k == d->so.nr - 1 && d->so.keys[k] == SORT_SYM)
				fputs(r->keys[k], fp);
			else
				fprintf(fp, "%-*s", (int)widths[nf + k], r->keys[k]);
		}
		fputc('\n', fp);
	}
}

static void print_json(struct diff *d, const char *event, struct diff_row **rows, size_t n,
		       FILE *fp)
{
	size_t j;
	int i, k;

	for (j = 0; j < n; j++) {
		const struct diff_row *r = rows[j];

		fprintf(fp, "{\"event\":");
		json_fprint_string(fp, event);
		for (k = 0; k < d->so.nr; k++) {
			fprintf(fp, ",\"%s\":", sort_keys[d->so.keys[k]].name);
			json_fprint_string(fp, r->keys[k]);
		}
		fprintf(fp, ",\"files\":[");
		for (i = 0; i < d->nr_files; i++) {
			fprintf(fp, "%s{\"file\":", i ? "," : "");
			json_fprint_string(fp, d->files[i].path);
			/* Numbers that read back as the table's before it rounds them. */
			if (r->has[i]) {
				fprintf(fp, ",\"share\":");
				json_fprint_double(fp, share(d, r, i));
				fprintf(fp, ",\"samples\":%" PRIu64 ",\"period\":%" PRIu64,
					r->samples[i], r->period[i]);
			} else {
				fprintf(fp, ",\"share\":null,\"samples\":0,\"period\":0");
			}
			if (i) {
				fprintf(fp, ",\"delta\":");
				json_fprint_double(fp, share(d, r, i) - (r->has[0] ? share(d, r, 0) : 0));
			}
			fputc('}', fp);
		}
		fprintf(fp, "]}\n");
	}
}

/* --fail-above: the rows whose share grew too much, said on stderr. */
static bool regressed(struct diff *d, const char *event, struct diff_row **rows, size_t n)
{
	bool any = false;
	size_t j;
	int i, k;

	for (j = 0; j < n; j++) {
		const struct diff_row *r = rows[j];

		for (i = 1; i < d->nr_files; i++) {
			double base = r->has[0] ? share(d, r, 0) : 0, now = share(d, r, i);
			char what[1024] = "";
			size_t o = 0;

			if (!r->has[i] || now - base <= d->fail_above)
				continue;
			for (k = 0; k < d->so.nr && o < sizeof(what); k++)
				o += snprintf(what + o, sizeof(what) - o, "%s%s", k ? " " : "",
					      r->keys[k]);
			pr_err("regression: '%s' in %s: %.2f%% -> %.2f%% of '%s' (+%.2f points, "
			       "above %.2f)", what, d->files[i].path, base, now, event, now - base,
			       d->fail_above);
			any = true;
		}
	}
	return any;
}

static int diff__run(struct diff *d, FILE *fp)
{
	struct perf_data *base = d->files[0].data;
	bool first = true, worse = false;
	struct diff_row **shown = NULL;
	int e, i;

	/* Every newer file's events must be the baseline's, to judge. */
	for (i = 1; d->check && i < d->nr_files; i++) {
		int j;

		for (j = 0; j < d->files[i].data->nr_evsels; j++)
			if (!find_event(&d->files[0], d->files[i].data->evsels[j])) {
				char *name = evsel__name_dup(d->files[i].data->evsels[j]);

				pr_err("cannot compare: %s has event '%s', %s does not",
				       d->files[i].path, name, d->files[0].path);
				free(name);
				return 2;
			}
	}
	for (e = 0; e < base->nr_evsels; e++) {
		const struct evsel *evsel = base->evsels[e];
		char *name = evsel__name_dup(evsel);
		size_t j, n = 0;

		if (!collect_rows(d, evsel) && d->check) {
			for (i = 1; i < d->nr_files; i++)
				if (!find_event(&d->files[i], evsel))
					pr_err("cannot compare: %s has event '%s', %s does not",
					       d->files[0].path, name, d->files[i].path);
			free(name);
			free(shown);
			return 2;
		}
		for (j = 0; j < d->nr_rows; j++)
			for (i = 1; i < d->nr_files; i++)
				d->rows[j]->value[i] = row_value(d, d->rows[j], i);
		shown = xrealloc(shown, (d->nr_rows + 1) * sizeof(*shown));
		d->shown_base_total = 0;
		for (j = 0; j < d->nr_rows; j++)
			if (row_shown(d, d->rows[j])) {
				shown[n++] = d->rows[j];
				d->shown_base_total += (double)d->rows[j]->period[0];
			}
		sort_diff = d;
		qsort(shown, n, sizeof(*shown), row_cmp);
		if (d->json) {
			print_json(d, name, shown, n, fp);
		} else {
			if (!d->quiet) {
				fprintf(fp, "%s# Event '%s'\n#\n", first ? "" : "\n", name);
				if (d->nr_files > 2) {
					fprintf(fp, "# Data files:\n");
					for (i = 0; i < d->nr_files; i++)
						fprintf(fp, "#  [%d] %s %s\n", i, d->files[i].path,
							i ? "" : "(Baseline)");
					fprintf(fp, "#\n");
				}
			}
			print_table(d, shown, n, fp);
		}
		first = false;
		if (d->check)
			worse |= regressed(d, name, shown, n);
		free(name);
	}
	free(shown);
	return worse ? 1 : 0;
}

int cmd_diff(int argc, char **argv, struct guest_config *gc)
{
	static const char *const defaults[] = { "perf.data.old", "perf.data" };
	struct diff d = { .sort = "dso,sym", .compute = COMPUTE_DELTA_ABS, .fail_above = -1,
			  .guest = *gc };
	const char *paths[DIFF_MAX_FILES];
	int nr_paths = 0, i, ret, fail;
	struct err err;

	/* Options and file names in any order. */
	for (i = 0; i < argc;) {
		int n = options_parse(argc - i, argv + i, "pmukvm diff [options] [BASELINE [NEW...]]",
				      diff_opts, &d, &d.guest);

		if (n < 0)
			return 129;
		i += n;
		if (i >= argc)
			break;
		if (nr_paths == DIFF_MAX_FILES) {
			pr_err("diff compares at most %d files", DIFF_MAX_FILES);
			return 129;
		}
		paths[nr_paths++] = argv[i];
	}
	d.check = d.fail_above >= 0;	/* --fail-above given */
	fail = d.check ? 2 : 1;
	if (d.sep && !*d.sep) {
		pr_err("-t takes a separator, not an empty string");
		return 129;
	}
	if (d.json && d.sep) {
		pr_err("--json does not go with -t");
		return 129;
	}
	if (sort_order__parse(&d.so, d.sort, &err)) {
		pr_err("%s", err.msg);
		return 129;
	}
	if (sort_order__has(&d.so, SORT_PARENT)) {
		pr_err("--sort parent is report's (-p): diff pairs rows without it");
		return 129;
	}
	if (sort_order__has(&d.so, SORT_TIME)) {
		pr_err("--sort time is report's: two recordings' times do not pair");
		return 129;
	}
	/* As perf diff: none, perf.data.old against perf.data; one, against it. */
	if (nr_paths < 2) {
		paths[1] = nr_paths ? paths[0] : defaults[1];
		paths[0] = defaults[0];
		nr_paths = 2;
	}
	/* Which samples count: as report (every one unless guest options say). */
	if (!d.guest.guest_set && !d.guest.host_set && !guest_config__has_files(&d.guest)) {
		d.guest.guest = d.guest.host = true;
		d.guest.guest_set = d.guest.host_set = true;
	}
	guest_config__finish(&d.guest);
	d.nr_files = nr_paths;
	ret = fail;
	for (i = 0; i < nr_paths; i++) {
		d.files[i].path = paths[i];
		if (diff_file__read(&d, &d.files[i]))
			goto out;
	}
	ret = diff__run(&d, stdout);
	if (ret == 2 && !d.check)
		ret = 1;
out:
	rows_reset(&d);
	free(d.rows);
	free(d.table);
	for (i = 0; i < d.nr_files; i++)
		diff_file__exit(&d.files[i]);
	return ret;
}
