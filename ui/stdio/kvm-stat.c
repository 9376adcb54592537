// SPDX-License-Identifier: GPL-2.0
/* pmukvm stat report's text and JSON output. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ui/stdio.h"
#include "util/kvm-stat.h"

static double pct(double a, double b)
{
	return a / b * 100;	/* perf prints nan for 0/0: so do we */
}

static void print_header(const struct kvm_stat *ks, const struct kvm_stat_print *p, FILE *fp)
{
	fprintf(fp, "Analyze events for ");
	if (p->pid_str)
		fprintf(fp, "pid(s) %s, ", p->pid_str);
	else
		fprintf(fp, "all VMs, ");
	if (ks->opts.vcpu < 0)
		fprintf(fp, "all VCPUs:\n\n");
	else
		fprintf(fp, "VCPU %d:\n\n", ks->opts.vcpu);
}

/* perf kvm stat report's table, byte for byte (perf 6.1 prints it on stderr). */
static void print_perf_table(struct kvm_stat *ks, const struct kvm_stat_print *p, FILE *fp)
{
	char decode[KVM_STAT_DECODE_LEN];
	size_t i;

	fprintf(fp, "\n\n");
	print_header(ks, p, fp);
	fprintf(fp, "%*s ", KVM_STAT_DECODE_LEN, kvm_stat__analysis_name(ks->opts.analysis));
	fprintf(fp, "%10s %9s %9s %11s %11s %16s \n\n", "Samples", "Samples%", "Time%",
		"Min Time", "Max Time", "Avg time");
	for (i = 0; i < ks->nr_rows; i++) {
		const struct kvm_stat_row *r = ks->rows[i];
		u64 count = (u64)r->st.n;
		/* perf's per-vCPU minimum starts at zero and stays there */
		u64 min = ks->opts.vcpu >= 0 ? 0 : r->st.min;

		kvm_stat__decode(ks, r->key, r->info, decode, sizeof(decode));
		fprintf(fp, "%*s %10" PRIu64 " %8.2f%% %8.2f%% %9.2fus %9.2fus %9.2fus ( +-%7.2f%% )\n",
			KVM_STAT_DECODE_LEN, decode, count,
			pct((double)count, (double)ks->total_count),
			pct((double)r->st.time, (double)ks->total_time), (double)min / 1000,
			(double)r->st.max / 1000, (double)r->st.time / (double)count / 1000,
			kvm_stats__rel_stddev(&r->st));
	}
	fprintf(fp, "\nTotal Samples:%" PRIu64 ", Total events handled time:%.2fus.\n\n",
		ks->total_count, (double)ks->total_time / 1000);
}

static void print_sep_table(struct kvm_stat *ks, const struct kvm_stat_print *p, FILE *fp)
{
	const char *s = p->field_sep;
	char decode[64];
	size_t i;

	fprintf(fp, "%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s\n", kvm_stat__analysis_name(ks->opts.analysis),
		s, "Samples", s, "Samples%", s, "Time%", s, "Min Time(us)", s, "Max Time(us)", s,
		"Avg time(us)", s, "+-%");
	for (i = 0; i < ks->nr_rows; i++) {
		const struct kvm_stat_row *r = ks->rows[i];
		u64 count = (u64)r->st.n;

		kvm_stat__decode(ks, r->key, r->info, decode, sizeof(decode));
		fprintf(fp, "%s%s%" PRIu64 "%s%.2f%s%.2f%s%.2f%s%.2f%s%.2f%s%.2f\n", decode, s, count,
			s, pct((double)count, (double)ks->total_count), s,
			pct((double)r->st.time, (double)ks->total_time), s,
			(double)(ks->opts.vcpu >= 0 ? 0 : r->st.min) / 1000, s,
			(double)r->st.max / 1000, s, (double)r->st.time / (double)count / 1000, s,
			kvm_stats__rel_stddev(&r->st));
	}
}

static void fprint_hist(const struct kvm_stat_row *r, FILE *fp, bool json)
{
	int lo = 0, hi = KVM_STAT_HIST_BUCKETS - 1, i;

	while (lo < hi && !r->hist[lo])
		lo++;
	while (hi > lo && !r->hist[hi])
		hi--;
	if (json) {
		fprintf(fp, "\"hist_log2_ns\":{\"first\":%d,\"counts\":[", lo);
		for (i = lo; i <= hi; i++)
			fprintf(fp, "%s%" PRIu64, i > lo ? "," : "", r->hist[i]);
		fprintf(fp, "]}");
		return;
	}
	/* "[2^lo ns) c c c ...": one count per power of two */
	fprintf(fp, "2^%d:", lo);
	for (i = lo; i <= hi; i++)
		fprintf(fp, "%s%" PRIu64, i > lo ? "," : "", r->hist[i]);
}

static const char *guest_name(const struct kvm_stat *ks, s32 pid)
{
	return kvm_stat__guest_comm(ks, pid);
}

static void print_extended(struct kvm_stat *ks, const struct kvm_stat_print *p, FILE *fp)
{
	char decode[64];
	size_t i;

	fprintf(fp, "Per guest (pmukvm): times in us; hist: counts per power of two of ns, "
		"from 2^first\n\n");
	fprintf(fp, "%8s %-16s %20s %10s %9s %9s %9s %9s %9s  %s\n", "pid", "guest",
		kvm_stat__analysis_name(ks->opts.analysis), "Samples", "Min", "Avg", "p50", "p99",
		"p99.9", "hist");
	for (i = 0; i < ks->nr_guest_rows; i++) {
		const struct kvm_stat_row *r = ks->guest_rows[i];

		kvm_stat__decode(ks, r->key, r->info, decode, sizeof(decode));
		fprintf(fp, "%8d %-16.16s %20s %10" PRIu64 " %9.2f %9.2f %9.2f %9.2f %9.2f  ", r->pid,
			guest_name(ks, r->pid), decode, (u64)r->st.n, (double)r->st.min / 1000,
			(double)r->st.time / r->st.n / 1000,
			(double)kvm_stat_row__percentile(r, 50) / 1000,
			(double)kvm_stat_row__percentile(r, 99) / 1000,
			(double)kvm_stat_row__percentile(r, 99.9) / 1000);
		fprint_hist(r, fp, false);
		fprintf(fp, "\n");
	}
	fprintf(fp, "\nPer vCPU (pmukvm): share of wall time outside the guest, kvm_exit to "
		"kvm_entry\n\n");
	fprintf(fp, "%8s %-16s %8s %5s %10s %12s %12s %8s\n", "pid", "guest", "tid", "vcpu",
		"exits", "wall(us)", "outside(us)", "outside%");
	for (i = 0; i < ks->nr_vcpus; i++) {
		const struct kvm_stat_vcpu *v = ks->vcpus[i];
		u64 wall = v->last - v->first;

		fprintf(fp, "%8u %-16.16s %8u %5d %10" PRIu64 " %12.2f %12.2f %7.2f%%\n", v->pid,
			guest_name(ks, (s32)v->pid), v->tid, v->vcpu, v->exits, (double)wall / 1000,
			(double)v->out / 1000, percent(v->out, wall));
	}
	fprintf(fp, "\n");
}

static void print_json(struct kvm_stat *ks, const struct kvm_stat_print *p, FILE *fp)
{
	char decode[64];
	size_t i;

	for (i = 0; i < ks->nr_rows; i++) {
		const struct kvm_stat_row *r = ks->rows[i];
		u64 count = (u64)r->st.n;

		kvm_stat__decode(ks, r->key, r->info, decode, sizeof(decode));
		fprintf(fp, "{\"kind\":\"key\",\"key\":");
		json_fprint_string(fp, decode);
		fprintf(fp, ",\"samples\":%" PRIu64 ",\"time_ns\":%" PRIu64 ",\"min_ns\":%" PRIu64
			",\"max_ns\":%" PRIu64 ",\"avg_ns\":%.2f,\"stddev_pct\":%.2f}\n", count,
			r->st.time, r->st.min, r->st.max, (double)r->st.time / (double)count,
			kvm_stats__rel_stddev(&r->st));
	}
	for (i = 0; i < ks->nr_guest_rows; i++) {
		const struct kvm_stat_row *r = ks->guest_rows[i];

		kvm_stat__decode(ks, r->key, r->info, decode, sizeof(decode));
		fprintf(fp, "{\"kind\":\"guest_key\",\"pid\":%d,\"guest\":", r->pid);
		json_fprint_string(fp, guest_name(ks, r->pid));
		fprintf(fp, ",\"key\":");
		json_fprint_string(fp, decode);
		fprintf(fp, ",\"samples\":%" PRIu64 ",\"time_ns\":%" PRIu64 ",\"min_ns\":%" PRIu64
			",\"max_ns\":%" PRIu64 ",\"p50_ns\":%" PRIu64 ",\"p99_ns\":%" PRIu64
			",\"p999_ns\":%" PRIu64 ",", (u64)r->st.n, r->st.time, r->st.min, r->st.max,
			kvm_stat_row__percentile(r, 50), kvm_stat_row__percentile(r, 99),
			kvm_stat_row__percentile(r, 99.9));
		fprint_hist(r, fp, true);
		fprintf(fp, "}\n");
	}
	for (i = 0; i < ks->nr_vcpus; i++) {
		const struct kvm_stat_vcpu *v = ks->vcpus[i];
		u64 wall = v->last - v->first;

		fprintf(fp, "{\"kind\":\"vcpu\",\"pid\":%u,\"guest\":", v->pid);
		json_fprint_string(fp, guest_name(ks, (s32)v->pid));
		fprintf(fp, ",\"tid\":%u,\"vcpu\":%d,\"exits\":%" PRIu64 ",\"wall_ns\":%" PRIu64
			",\"outside_ns\":%" PRIu64 ",\"outside_pct\":%.2f}\n", v->tid, v->vcpu, v->exits,
			wall, v->out, percent(v->out, wall));
	}
	fprintf(fp, "{\"kind\":\"total\",\"analysis\":");
	json_fprint_string(fp, kvm_stat__analysis_name(ks->opts.analysis));
	fprintf(fp, ",\"vcpu\":%d,\"samples\":%" PRIu64 ",\"time_ns\":%" PRIu64 "}\n",
		ks->opts.vcpu, ks->total_count, ks->total_time);
}

void kvm_stat__fprintf(struct kvm_stat *ks, const struct kvm_stat_print *p, FILE *fp)
{
	if (p->json) {
		print_json(ks, p, fp);
		return;
	}
	if (p->field_sep)
		print_sep_table(ks, p, fp);
	else
		print_perf_table(ks, p, fp);
	if (p->extended && !p->field_sep)
		print_extended(ks, p, fp);
}

void kvm_stat__fprintf_symbols(struct kvm_stat *ks, const struct kvm_stat_print *p, FILE *fp)
{
	const char *sep = p->field_sep;
	char name[64];
	size_t i, j;
	s32 pid = -2;
	u64 total = 0;

	for (i = 0; i < ks->nr_sym_rows; i++) {
		const struct kvm_stat_sym_row *r = ks->sym_rows[i];

		if (p->json) {
			fprintf(fp, "{\"pid\":%d,\"guest\":", r->pid);
			json_fprint_string(fp, guest_name(ks, r->pid));
			fprintf(fp, ",\"sym\":");
			json_fprint_string(fp, r->sym);
			fprintf(fp, ",\"dso\":");
			json_fprint_string(fp, r->dso);
			fprintf(fp, ",\"samples\":%" PRIu64 ",\"timed\":%" PRIu64 ",\"time_ns\":%" PRIu64
				",\"reasons\":[", r->count, r->timed, r->time);
			for (j = 0; j < r->nr_reasons; j++) {
				const struct kvm_stat_reason *x = &r->reasons[j];

				fprintf(fp, "%s{\"reason\":", j ? "," : "");
				json_fprint_string(fp, kvm_stat__decode_reason(ks, x->reason, name,
									     sizeof(name)));
				fprintf(fp, ",\"samples\":%" PRIu64 ",\"time_ns\":%" PRIu64 "}", x->count,
					x->time);
			}
			fprintf(fp, "]}\n");
			continue;
		}
		if (sep) {
			for (j = 0; j < r->nr_reasons; j++) {
				const struct kvm_stat_reason *x = &r->reasons[j];

				fprintf(fp, "%d%s%s%s%s%s%s%s%" PRIu64 "%s%.2f%s%s%s%" PRIu64 "%s%.2f\n",
					r->pid, sep, guest_name(ks, r->pid), sep, r->sym, sep, r->dso, sep,
					r->count, sep, (double)r->time / 1000, sep,
					kvm_stat__decode_reason(ks, x->reason, name, sizeof(name)), sep,
					x->count, sep, (double)x->time / 1000);
			}
			continue;
		}
		if (r->pid != pid) {
			total = 0;
			for (j = i; j < ks->nr_sym_rows && ks->sym_rows[j]->pid == r->pid; j++)
				total += ks->sym_rows[j]->count;
			pid = r->pid;
			fprintf(fp, "%s# guest %d (%s): %" PRIu64 " exits\n#\n", i ? "\n" : "", pid,
				guest_name(ks, pid), total);
			fprintf(fp, "#  %10s %8s %12s %10s  %s\n", "Exits", "Exits%", "Handling(us)",
				"Avg(us)", "Guest function [dso] / exit reason");
		}
		fprintf(fp, "   %10" PRIu64 " %7.2f%% %12.2f %10.2f  %s %s\n", r->count,
			100.0 * (double)r->count / (double)total, (double)r->time / 1000,
			r->timed ? (double)r->time / (double)r->timed / 1000 : 0.0, r->sym, r->dso);
		for (j = 0; j < r->nr_reasons; j++) {
			const struct kvm_stat_reason *x = &r->reasons[j];

			fprintf(fp, "   %10" PRIu64 " %7.2f%% %12.2f %10.2f      %s\n", x->count,
				100.0 * (double)x->count / (double)r->count, (double)x->time / 1000,
				x->timed ? (double)x->time / (double)x->timed / 1000 : 0.0,
				kvm_stat__decode_reason(ks, x->reason, name, sizeof(name)));
		}
	}
}
