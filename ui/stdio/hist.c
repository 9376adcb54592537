// SPDX-License-Identifier: GPL-2.0
/* Plain-text rows: what people read and what tests and scripts diff. */
#include "ui/stdio.h"

#include <inttypes.h>
#include <string.h>

#include "symbols/symtab.h"

static double pct(u64 part, u64 total)
{
	return total ? 100.0 * (double)part / (double)total : 0.0;
}

static bool row_shown(const struct hists *hists, const struct hist_entry *he,
		      const struct stdio_opts *opts)
{
	return !(opts->percent_limit > 0 &&
		 pct(he->period, hists->total_period) < opts->percent_limit);
}

size_t hists__fprintf(const struct hists *hists, const struct stdio_opts *opts, FILE *fp)
{
	size_t widths[SORT_NR_KEYS] = { 0 };
	const char *sep = opts->field_sep;
	size_t i, rows = 0, n = hists->nr_entries;
	char buf[1024];
	int k;

	if (opts->max_rows && n > opts->max_rows)
		n = opts->max_rows;
	for (k = 0; k < hists->so.nr; k++)
		widths[k] = strlen(sort_keys[hists->so.keys[k]].header);
	if (!sep) {
		for (i = 0; i < n; i++) {
			const struct hist_entry *he = hists->sorted[i];

			if (!row_shown(hists, he, opts))
				continue;
			for (k = 0; k < hists->so.nr - 1; k++) {
				size_t w = (size_t)hist_entry__snprint_key(he, hists->so.keys[k],
									   buf, sizeof(buf));

				if (w > widths[k])
					widths[k] = w < sizeof(buf) ? w : sizeof(buf) - 1;
			}
		}
	}
	if (opts->header_names) {
		if (sep) {
			fprintf(fp, "# Overhead%s", opts->show_nr_samples ? sep : "");
			if (opts->show_nr_samples)
				fprintf(fp, "Samples");
			for (k = 0; k < hists->so.nr; k++)
				fprintf(fp, "%s%s", sep, sort_keys[hists->so.keys[k]].header);
			fprintf(fp, "\n");
		} else {
			fprintf(fp, "# Overhead%s", opts->show_nr_samples ? "       Samples" : "");
			for (k = 0; k < hists->so.nr; k++)
				fprintf(fp, "  %-*s", (int)widths[k], sort_keys[hists->so.keys[k]].header);
			fprintf(fp, "\n# ........%s", opts->show_nr_samples ? "  ............" : "");
			for (k = 0; k < hists->so.nr; k++) {
				size_t w;

				fprintf(fp, "  ");
				for (w = 0; w < widths[k]; w++)
					fputc('.', fp);
			}
			fprintf(fp, "\n#\n");
		}
	}
	for (i = 0; i < n; i++) {
		const struct hist_entry *he = hists->sorted[i];

		if (!row_shown(hists, he, opts))
			continue;
		if (sep) {
			fprintf(fp, "%.2f%%", pct(he->period, hists->total_period));
			if (opts->show_nr_samples)
				fprintf(fp, "%s%" PRIu64, sep, he->nr_samples);
		} else {
			fprintf(fp, "  %7.2f%%", pct(he->period, hists->total_period));
			if (opts->show_nr_samples)
				fprintf(fp, "  %12" PRIu64, he->nr_samples);
		}
		for (k = 0; k < hists->so.nr; k++) {
			hist_entry__snprint_key(he, hists->so.keys[k], buf, sizeof(buf));
			if (sep)
				fprintf(fp, "%s%s", sep, buf);
			else if (k == hists->so.nr - 1)
				fprintf(fp, "  %s", buf);
			else
				fprintf(fp, "  %-*s", (int)widths[k], buf);
		}
		fputc('\n', fp);
		rows++;
	}
	return rows;
}

void json_fprint_string(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(fp, "\\%c", c);
		else if (c < 0x20)
			fprintf(fp, "\\u%04x", c);
		else
			fputc(c, fp);
	}
	fputc('"', fp);
}

size_t hists__fprintf_json(const struct hists *hists, const char *event, FILE *fp)
{
	size_t i;
	char buf[1024];
	int k;

	for (i = 0; i < hists->nr_entries; i++) {
		const struct hist_entry *he = hists->sorted[i];

		fprintf(fp, "{\"event\":");
		json_fprint_string(fp, event);
		fprintf(fp, ",\"overhead\":%.4f,\"samples\":%" PRIu64 ",\"period\":%" PRIu64,
			pct(he->period, hists->total_period), he->nr_samples, he->period);
		for (k = 0; k < hists->so.nr; k++) {
			enum sort_key_id key = hists->so.keys[k];

			if (key == SORT_SYM) {
				fprintf(fp, ",\"level\":\"%c\",\"sym\":", he->level);
				if (he->sym)
					json_fprint_string(fp, he->sym->name);
				else if (he->cpumode == PERF_RECORD_MISC_GUEST_USER)
					fprintf(fp, "\"[unknown]\"");
				else
					fprintf(fp, "\"%#018" PRIx64 "\"", he->addr);
				continue;
			}
			hist_entry__snprint_key(he, key, buf, sizeof(buf));
			fprintf(fp, ",\"%s\":", sort_keys[key].name);
			if (key == SORT_PID || key == SORT_VCPU)
				fprintf(fp, "%s", key == SORT_PID ? (snprintf(buf, sizeof(buf), "%d",
							(int)he->tid), buf) :
					he->vcpu < 0 ? "null" : (snprintf(buf, sizeof(buf), "%d",
							he->vcpu), buf));
			else
				json_fprint_string(fp, buf);
		}
		fprintf(fp, "}\n");
	}
	return hists->nr_entries;
}
