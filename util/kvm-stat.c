// SPDX-License-Identifier: GPL-2.0
#include "util/kvm-stat.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <traceevent/event-parse.h>

#include "symbols/symtab.h"
#include "util/data.h"
#include "util/machine.h"

struct exit_reason {
	u64 code;
	const char *name;
};

/* perf 6.1's VMX exit reason names (arch/x86/include/uapi/asm/vmx.h of 6.1). */
static const struct exit_reason vmx_exit_reasons[] = {
	{ 0, "EXCEPTION_NMI" },
	{ 1, "EXTERNAL_INTERRUPT" },
	{ 2, "TRIPLE_FAULT" },
	{ 3, "INIT_SIGNAL" },
	{ 4, "SIPI_SIGNAL" },
	{ 7, "INTERRUPT_WINDOW" },
	{ 8, "NMI_WINDOW" },
	{ 9, "TASK_SWITCH" },
	{ 10, "CPUID" },
	{ 12, "HLT" },
	{ 13, "INVD" },
	{ 14, "INVLPG" },
	{ 15, "RDPMC" },
	{ 16, "RDTSC" },
	{ 18, "VMCALL" },
	{ 19, "VMCLEAR" },
	{ 20, "VMLAUNCH" },
	{ 21, "VMPTRLD" },
	{ 22, "VMPTRST" },
	{ 23, "VMREAD" },
	{ 24, "VMRESUME" },
	{ 25, "VMWRITE" },
	{ 26, "VMOFF" },
	{ 27, "VMON" },
	{ 28, "CR_ACCESS" },
	{ 29, "DR_ACCESS" },
	{ 30, "IO_INSTRUCTION" },
	{ 31, "MSR_READ" },
	{ 32, "MSR_WRITE" },
	{ 33, "INVALID_STATE" },
	{ 34, "MSR_LOAD_FAIL" },
	{ 36, "MWAIT_INSTRUCTION" },
	{ 37, "MONITOR_TRAP_FLAG" },
	{ 39, "MONITOR_INSTRUCTION" },
	{ 40, "PAUSE_INSTRUCTION" },
	{ 41, "MCE_DURING_VMENTRY" },
	{ 43, "TPR_BELOW_THRESHOLD" },
	{ 44, "APIC_ACCESS" },
	{ 45, "EOI_INDUCED" },
	{ 46, "GDTR_IDTR" },
	{ 47, "LDTR_TR" },
	{ 48, "EPT_VIOLATION" },
	{ 49, "EPT_MISCONFIG" },
	{ 50, "INVEPT" },
	{ 51, "RDTSCP" },
	{ 52, "PREEMPTION_TIMER" },
	{ 53, "INVVPID" },
	{ 54, "WBINVD" },
	{ 55, "XSETBV" },
	{ 56, "APIC_WRITE" },
	{ 57, "RDRAND" },
	{ 58, "INVPCID" },
	{ 59, "VMFUNC" },
	{ 60, "ENCLS" },
	{ 61, "RDSEED" },
	{ 62, "PML_FULL" },
	{ 63, "XSAVES" },
	{ 64, "XRSTORS" },
	{ 67, "UMWAIT" },
	{ 68, "TPAUSE" },
	{ 74, "BUS_LOCK" },
	{ 75, "NOTIFY" },
};

/* perf 6.1's SVM exit reason names (arch/x86/include/uapi/asm/svm.h of 6.1). */
static const struct exit_reason svm_exit_reasons[] = {
	{ 0x0, "read_cr0" },
	{ 0x2, "read_cr2" },
	{ 0x3, "read_cr3" },
	{ 0x4, "read_cr4" },
	{ 0x8, "read_cr8" },
	{ 0x10, "write_cr0" },
	{ 0x12, "write_cr2" },
	{ 0x13, "write_cr3" },
	{ 0x14, "write_cr4" },
	{ 0x18, "write_cr8" },
	{ 0x20, "read_dr0" },
	{ 0x21, "read_dr1" },
	{ 0x22, "read_dr2" },
	{ 0x23, "read_dr3" },
	{ 0x24, "read_dr4" },
	{ 0x25, "read_dr5" },
	{ 0x26, "read_dr6" },
	{ 0x27, "read_dr7" },
	{ 0x30, "write_dr0" },
	{ 0x31, "write_dr1" },
	{ 0x32, "write_dr2" },
	{ 0x33, "write_dr3" },
	{ 0x34, "write_dr4" },
	{ 0x35, "write_dr5" },
	{ 0x36, "write_dr6" },
	{ 0x37, "write_dr7" },
	{ 0x40, "DE excp" },
	{ 0x41, "DB excp" },
	{ 0x43, "BP excp" },
	{ 0x44, "OF excp" },
	{ 0x45, "BR excp" },
	{ 0x46, "UD excp" },
	{ 0x47, "NM excp" },
	{ 0x48, "DF excp" },
	{ 0x4a, "TS excp" },
	{ 0x4b, "NP excp" },
	{ 0x4c, "SS excp" },
	{ 0x4d, "GP excp" },
	{ 0x4e, "PF excp" },
	{ 0x50, "MF excp" },
	{ 0x51, "AC excp" },
	{ 0x52, "MC excp" },
	{ 0x53, "XF excp" },
	{ 0x60, "interrupt" },
	{ 0x61, "nmi" },
	{ 0x62, "smi" },
	{ 0x63, "init" },
	{ 0x64, "vintr" },
	{ 0x65, "cr0_sel_write" },
	{ 0x66, "read_idtr" },
	{ 0x67, "read_gdtr" },
	{ 0x68, "read_ldtr" },
	{ 0x69, "read_rt" },
	{ 0x6a, "write_idtr" },
	{ 0x6b, "write_gdtr" },
	{ 0x6c, "write_ldtr" },
	{ 0x6d, "write_rt" },
	{ 0x6e, "rdtsc" },
	{ 0x6f, "rdpmc" },
	{ 0x70, "pushf" },
	{ 0x71, "popf" },
	{ 0x72, "cpuid" },
	{ 0x73, "rsm" },
	{ 0x74, "iret" },
	{ 0x75, "swint" },
	{ 0x76, "invd" },
	{ 0x77, "pause" },
	{ 0x78, "hlt" },
	{ 0x79, "invlpg" },
	{ 0x7a, "invlpga" },
	{ 0x7b, "io" },
	{ 0x7c, "msr" },
	{ 0x7d, "task_switch" },
	{ 0x7e, "ferr_freeze" },
	{ 0x7f, "shutdown" },
	{ 0x80, "vmrun" },
	{ 0x81, "hypercall" },
	{ 0x82, "vmload" },
	{ 0x83, "vmsave" },
	{ 0x84, "stgi" },
	{ 0x85, "clgi" },
	{ 0x86, "skinit" },
	{ 0x87, "rdtscp" },
	{ 0x88, "icebp" },
	{ 0x89, "wbinvd" },
	{ 0x8a, "monitor" },
	{ 0x8b, "mwait" },
	{ 0x8d, "xsetbv" },
	{ 0x8f, "write_efer_trap" },
	{ 0x90, "write_cr0_trap" },
	{ 0x94, "write_cr4_trap" },
	{ 0x98, "write_cr8_trap" },
	{ 0xa2, "invpcid" },
	{ 0x400, "npf" },
	{ 0x401, "avic_incomplete_ipi" },
	{ 0x402, "avic_unaccelerated_access" },
	{ 0x403, "vmgexit" },
	{ 0x80000001, "vmgexit_mmio_read" },
	{ 0x80000002, "vmgexit_mmio_write" },
	{ 0x80000003, "vmgexit_nmi_complete" },
	{ 0x80000004, "vmgexit_ap_hlt_loop" },
	{ 0x80000005, "vmgexit_ap_jump_table" },
	{ 0x80000010, "vmgexit_page_state_change" },
	{ 0x80000011, "vmgexit_guest_request" },
	{ 0x80000012, "vmgexit_ext_guest_request" },
	{ 0x80000013, "vmgexit_ap_creation" },
	{ 0x8000fffd, "vmgexit_hypervisor_feature" },
};

enum kvm_tp_kind { TP_ENTRY, TP_EXIT, TP_MMIO, TP_PIO, TP_MSR, TP_OTHER };

static const char *const tp_names[] = { "kvm_entry", "kvm_exit", "kvm_mmio", "kvm_pio",
					"kvm_msr" };

/* The fields each analysis reads: found once by name in the file's format. */
struct kvm_tp {
	u64 id;
	enum kvm_tp_kind kind;
	struct tep_format_field *f1, *f2, *f3;	/* see kvm_stat__setup */
	/* kvm_stat__process: u64 word of TID, TIME and the RAW size; -1 none */
	int w_tid, w_time, w_raw;
	/* f1..f3 as offset and size in the payload (size 0: none) */
	u32 off[3], size[3], need;
	/* kvm_stat__process: f1, f2 read as 8 bytes and masked when need8 fits */
	u64 mask[2];
	u32 need8;
};

struct kvm_thread {
	u32 tid, pid;
	bool has_record;		/* perf's vcpu record: from the first kvm_entry */
	int vcpu_id;
	u64 start_time;
	struct kvm_stat_row *last, *glast;
	/* extended: the vCPU's wall time */
	struct kvm_stat_vcpu v;
	u64 exit_time;
	/* by symbol: the exit waiting for its kvm_entry */
	struct kvm_stat_sym_row *pending;
	size_t pending_reason;
	u64 pending_time;
};

struct kvm_sym_cache {
	s32 pid;
	bool used;
	u64 rip;
	struct kvm_stat_sym_row *row;
};

#define INVALID_KEY (~0ULL)
#define MMIO_READ 1
#define MMIO_WRITE 2

double kvm_stats__rel_stddev(const struct kvm_stats *st)
{
	double sd;

	if (st->n < 2)
		return 0.0;
	sd = sqrt(st->M2 / (st->n - 1) / st->n);
	return st->mean ? 100.0 * sd / st->mean : 0.0;
}

static void stats_init(struct kvm_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->min = ~0ULL;
}

/* perf's update_stats, operation for operation, so the doubles agree. */
static inline void stats_update(struct kvm_stats *st, u64 val)
{
	double delta;

	st->n++;
	delta = (double)val - st->mean;
	st->mean += delta / st->n;
	st->M2 += delta * ((double)val - st->mean);
	if (val > st->max)
		st->max = val;
	if (val < st->min)
		st->min = val;
	st->time += val;
}

const char *kvm_stat__analysis_name(enum kvm_stat_analysis a)
{
	switch (a) {
	case KVM_STAT_MMIO:
		return "MMIO Access";
	case KVM_STAT_IOPORT:
		return "IO Port Access";
	case KVM_STAT_MSR:
		return "MSR Access";
	default:
		return "VM-EXIT";
	}
}

struct kvm_stat *kvm_stat__new(const struct kvm_stat_opts *opts)
{
	struct kvm_stat *ks = xcalloc(1, sizeof(*ks));

	ks->opts = *opts;
	return ks;
}

static void free_rows(struct kvm_stat *ks)
{
	size_t i;

	for (i = 0; i < 4096; i++) {
		struct kvm_stat_row *r = ks->buckets[i], *n;

		for (; r; r = n) {
			n = r->hnext;
			free(r);
		}
		ks->buckets[i] = NULL;
	}
	free(ks->keys);
	ks->keys = NULL;
	ks->keys_size = ks->nr_keys = 0;
	for (i = 0; i < ks->grows_size; i++)
		if (ks->grows[i]) {
			free(ks->grows[i]->durs);
			free(ks->grows[i]);
		}
	free(ks->grows);
	ks->grows = NULL;
	ks->grows_size = ks->nr_grows = 0;
	for (i = 0; i < ks->srows_size; i++)
		if (ks->srows[i]) {
			free(ks->srows[i]->reasons);
			free(ks->srows[i]);
		}
	free(ks->srows);
	ks->srows = NULL;
	ks->srows_size = ks->nr_srows = 0;
	for (i = 0; i < ks->threads_size; i++)
		free(ks->threads[i]);
	free(ks->threads);
	ks->threads = NULL;
	ks->threads_size = ks->nr_threads = 0;
	free(ks->scache);
	ks->scache = NULL;
	ks->scache_size = 0;
	free(ks->rows);
	free(ks->guest_rows);
	free(ks->sym_rows);
	free(ks->vcpus);
	ks->rows = ks->guest_rows = NULL;
	ks->sym_rows = NULL;
	ks->vcpus = NULL;
	ks->nr_rows = ks->nr_guest_rows = ks->nr_vcpus = 0;
	ks->total_count = ks->total_time = ks->nr_exits = 0;
}

void kvm_stat__delete(struct kvm_stat *ks)
{
	if (!ks)
		return;
	free_rows(ks);
	free(ks->tps);
	trace_events__exit(&ks->te);
	free(ks);
}

void kvm_stat__reset(struct kvm_stat *ks)
{
	free_rows(ks);
}

void kvm_stat__clear(struct kvm_stat *ks)
{
	size_t i, j;

	for (i = 0; i < 4096; i++) {
		struct kvm_stat_row *r;

		for (r = ks->buckets[i]; r; r = r->hnext)
			stats_init(&r->st);
	}
	for (i = 0; i < ks->grows_size; i++) {
		struct kvm_stat_row *r = ks->grows[i];

		if (!r)
			continue;
		stats_init(&r->st);
		memset(r->hist, 0, sizeof(r->hist));
		r->nr_durs = 0;
	}
	for (i = 0; i < ks->srows_size; i++) {
		struct kvm_stat_sym_row *r = ks->srows[i];

		if (!r)
			continue;
		r->count = r->timed = r->time = 0;
		for (j = 0; j < r->nr_reasons; j++)
			r->reasons[j].count = r->reasons[j].timed = r->reasons[j].time = 0;
	}
	for (i = 0; i < ks->threads_size; i++) {
		struct kvm_thread *t = ks->threads[i];

		if (!t)
			continue;
		t->v.first = t->v.last = t->v.out = t->v.exits = 0;
	}
	ks->total_count = ks->total_time = ks->nr_exits = 0;
}

static int setup_err(struct kvm_stat *ks, int err, const char *fmt, ...) __printf(3, 4);

static int setup_err(struct kvm_stat *ks, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err__vset(&ks->err, err, fmt, ap);
	va_end(ap);
	return err;
}

static struct tep_format_field *need_field(struct kvm_stat *ks, struct tep_event *ev,
					   const char *name, const char *path, int *err)
{
	struct tep_format_field *f = trace_event__field(ev, name);

	if (!f && !*err)
		*err = setup_err(ks, -EINVAL, "%s: the format of kvm:%s has no field '%s'",
				 path, ev->name, name);
	return f;
}

/* The analysed fields' places, checked once: 1, 2, 4 or 8 bytes each. */
static void tp_offsets(struct kvm_tp *tp)
{
	struct tep_format_field *f[3] = { tp->f1, tp->f2, tp->f3 };
	int i;

	tp->need = 0;
	for (i = 0; i < 3; i++) {
		tp->off[i] = tp->size[i] = 0;
		if (!f[i])
			continue;
		if (f[i]->offset < 0 || (f[i]->size != 1 && f[i]->size != 2 && f[i]->size != 4 &&
					 f[i]->size != 8)) {
			tp->size[0] = ~0u;
			return;
		}
		tp->off[i] = (u32)f[i]->offset;
		tp->size[i] = (u32)f[i]->size;
		if (tp->off[i] + tp->size[i] > tp->need)
			tp->need = tp->off[i] + tp->size[i];
	}
	tp->need8 = tp->need;
	for (i = 0; i < 2; i++) {
		tp->mask[i] = tp->size[i] == 8 ? ~0ULL : (1ULL << (8 * tp->size[i])) - 1;
		if (tp->off[i] + 8 > tp->need8)
			tp->need8 = tp->off[i] + 8;
	}
}

/* Where TID, TIME and RAW sit in a sample of this sample_type, when fixed. */
static void tp_layout(struct kvm_tp *tp, u64 st)
{
	int w = 0;

	tp->w_tid = tp->w_time = tp->w_raw = -1;
	if (st & (PERF_SAMPLE_READ | PERF_SAMPLE_CALLCHAIN) || !(st & PERF_SAMPLE_TID) ||
	    !(st & PERF_SAMPLE_TIME) || !(st & PERF_SAMPLE_RAW))
		return;
	w += !!(st & PERF_SAMPLE_IDENTIFIER) + !!(st & PERF_SAMPLE_IP);
	tp->w_tid = w++;
	tp->w_time = w++;
	w += !!(st & PERF_SAMPLE_ADDR) + !!(st & PERF_SAMPLE_ID) + !!(st & PERF_SAMPLE_STREAM_ID) +
	     !!(st & PERF_SAMPLE_CPU) + !!(st & PERF_SAMPLE_PERIOD);
	tp->w_raw = w;
}

int kvm_stat__setup(struct kvm_stat *ks, struct perf_data *data)
{
	const struct header_info *hi = &data->info;
	bool seen[5] = { false };
	int i, err = 0;

	if (hi->arch && strcmp(hi->arch, "x86_64") && strcmp(hi->arch, "i386") &&
	    strcmp(hi->arch, "i686"))
		return setup_err(ks, -ENOTSUP, "%s: recorded on %s: pmukvm stat analyses x86 "
				 "hosts only", data->path, hi->arch);
	if (!hi->cpuid)
		return setup_err(ks, -EINVAL, "%s: no CPUID feature: cannot tell VMX from SVM "
				 "exit reasons", data->path);
	if (strstr(hi->cpuid, "Intel")) {
		ks->isa = "VMX";
	} else if (strstr(hi->cpuid, "AMD") || strstr(hi->cpuid, "Hygon")) {
		ks->isa = "SVM";
		ks->svm = true;
	} else {
		return setup_err(ks, -ENOTSUP, "%s: CPU %s is not supported: kvm stat reads "
				 "Intel (VMX) and AMD (SVM) hosts", data->path, hi->cpuid);
	}
	if (!hi->tracing_data)
		return setup_err(ks, -EINVAL, "%s: no tracing data: not a 'stat record' file "
				 "(no tracepoint formats to read the kvm events with)", data->path);
	err = trace_events__parse(&ks->te, hi->tracing_data, hi->tracing_data_size, data->path,
				  hi->tracing_data_offset, &ks->err);
	if (err)
		return err;
	ks->tps = xcalloc(data->nr_evsels ? data->nr_evsels : 1, sizeof(*ks->tps));
	for (i = 0; i < data->nr_evsels; i++) {
		const struct evsel *evsel = data->evsels[i];
		struct kvm_tp *tp = &ks->tps[i];
		struct tep_event *ev;
		int k;

		tp->kind = TP_OTHER;
		if (evsel->attr.type != PERF_TYPE_TRACEPOINT)
			continue;
		ev = trace_events__find(&ks->te, evsel->attr.config);
		if (!ev)
			return setup_err(ks, -EINVAL, "%s: event %d (tracepoint id %" PRIu64
					 ") has no format in the file's tracing data", data->path, i,
					 (u64)evsel->attr.config);
		if (strcmp(ev->system, "kvm"))
			continue;
		for (k = 0; k < 5; k++)
			if (!strcmp(ev->name, tp_names[k]))
				break;
		if (k == 5)
			continue;
		tp->kind = (enum kvm_tp_kind)k;
		tp->id = evsel->attr.config;
		tp_layout(tp, evsel->attr.sample_type);
		seen[k] = true;
		switch (tp->kind) {
		case TP_ENTRY:
			tp->f1 = need_field(ks, ev, "vcpu_id", data->path, &err);
			break;
		case TP_EXIT:
			tp->f1 = need_field(ks, ev, "exit_reason", data->path, &err);
			tp->f2 = need_field(ks, ev, "guest_rip", data->path, &err);
			tp->f3 = trace_event__field(ev, "vcpu_id");
			break;
		case TP_MMIO:
			tp->f1 = need_field(ks, ev, "type", data->path, &err);
			tp->f2 = need_field(ks, ev, "gpa", data->path, &err);
			break;
		case TP_PIO:
			tp->f1 = need_field(ks, ev, "rw", data->path, &err);
			tp->f2 = need_field(ks, ev, "port", data->path, &err);
			break;
		case TP_MSR:
			tp->f1 = need_field(ks, ev, "write", data->path, &err);
			tp->f2 = need_field(ks, ev, "ecx", data->path, &err);
			break;
		default:
			break;
		}
		if (err)
			return err;
		tp_offsets(tp);
		if (tp->size[0] == ~0u)
			return setup_err(ks, -EINVAL, "%s: a field kvm:%s reads is not a number of 1, "
					 "2, 4 or 8 bytes", data->path, ev->name);
	}
	ks->nr_tps = (size_t)data->nr_evsels;
	if (!seen[TP_ENTRY] || !seen[TP_EXIT])
		return setup_err(ks, -EINVAL, "%s has no kvm:kvm_entry and kvm:kvm_exit events "
				 "(record them with 'pmukvm stat record' or 'perf kvm stat record')",
				 data->path);
	return 0;
}

const char *kvm_stat__reason_name(const struct kvm_stat *ks, u64 code)
{
	const struct exit_reason *t = ks->svm ? svm_exit_reasons : vmx_exit_reasons;
	size_t n = ks->svm ? ARRAY_SIZE(svm_exit_reasons) : ARRAY_SIZE(vmx_exit_reasons), i;

	for (i = 0; i < n; i++)
		if (t[i].code == code)
			return t[i].name;
	return NULL;
}

const char *kvm_stat__decode(struct kvm_stat *ks, u64 key, u64 info, char *buf, size_t size)
{
	const char *name;
	size_t i;

	switch (ks->opts.analysis) {
	case KVM_STAT_MMIO:
		snprintf(buf, size, "%#lx:%s", (unsigned long)key, info == MMIO_WRITE ? "W" : "R");
		break;
	case KVM_STAT_IOPORT:
		snprintf(buf, size, "%#llx:%s", (unsigned long long)key, info ? "POUT" : "PIN");
		break;
	case KVM_STAT_MSR:
		snprintf(buf, size, "%#llx:%s", (unsigned long long)key, info ? "W" : "R");
		break;
	default:
		name = kvm_stat__reason_name(ks, key);
		if (!name) {
			for (i = 0; i < ks->nr_unknown && ks->unknown[i] != key; i++)
				;
			if (i == ks->nr_unknown && i < ARRAY_SIZE(ks->unknown))
				ks->unknown[ks->nr_unknown++] = key;
			name = "UNKNOWN";
		}
		snprintf(buf, size, "%s", name);
		break;
	}
	return buf;
}

const char *kvm_stat__decode_reason(struct kvm_stat *ks, u64 code, char *buf, size_t size)
{
	enum kvm_stat_analysis a = ks->opts.analysis;

	ks->opts.analysis = KVM_STAT_VMEXIT;
	kvm_stat__decode(ks, code, 0, buf, size);
	ks->opts.analysis = a;
	return buf;
}

const char *kvm_stat__guest_comm(const struct kvm_stat *ks, s32 pid)
{
	struct thread *t;

	if (!ks->machines)
		return "[unknown]";
	t = machine__findnew_thread(&ks->machines->host, ks->machines, (u32)pid, (u32)pid);
	return t && t->comm ? t->comm : "[unknown]";
}

/* ---- hashing ---- */

static u64 mix64(u64 x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb3f99c6ed1a5ULL;
	x ^= x >> 33;
	return x;
}

/* Grows an open-addressing table of pointers; @hash gives each entry's slot hash. */
#define TABLE_FIND(tab, size, h, cond, out)				\
	do {								\
		size_t _i = (size_t)(h) & ((size) - 1);			\
		(out) = NULL;						\
		while ((tab)[_i]) {					\
			if (cond((tab)[_i])) {				\
				(out) = (tab)[_i];			\
				break;					\
			}						\
			_i = (_i + 1) & ((size) - 1);			\
		}							\
	} while (0)

static void table_put(void ***tab, size_t *size, size_t *used, void *item,
		      u64 (*hash)(const void *))
{
	size_t i;

	if ((*used + 1) * 2 > *size) {
		size_t nsize = *size ? *size * 2 : 256, j;
		void **nt = xcalloc(nsize, sizeof(void *));

		for (j = 0; j < *size; j++) {
			if (!(*tab)[j])
				continue;
			i = (size_t)hash((*tab)[j]) & (nsize - 1);
			while (nt[i])
				i = (i + 1) & (nsize - 1);
			nt[i] = (*tab)[j];
		}
		free(*tab);
		*tab = nt;
		*size = nsize;
	}
	i = (size_t)hash(item) & (*size - 1);
	while ((*tab)[i])
		i = (i + 1) & (*size - 1);
	(*tab)[i] = item;
	(*used)++;
}

/*
 * The tables' hashes are keyed (hash_bytes): tids, exit keys (MMIO
 * addresses, ports, MSRs) and pids come from the file, and must not
 * choose the slots (a fixed mixer can be inverted: keys made to share a
 * slot turn each lookup into a walk of all of them).
 */
static u64 row_hash(u64 key, u64 info, s32 pid)
{
	const u64 v[3] = { key, info, (u64)(u32)pid };

	return hash_bytes(v, sizeof(v));
}

static u64 thread_hash(const void *p)
{
	return hash_u64(((const struct kvm_thread *)p)->tid);
}

static u64 key_hash(const void *p)
{
	const struct kvm_stat_row *r = p;

	return row_hash(r->key, r->info, -1);
}

static u64 grow_hash(const void *p)
{
	const struct kvm_stat_row *r = p;

	return row_hash(r->key, r->info, r->pid);
}

static u64 srow_hash(const void *p)
{
	const struct kvm_stat_sym_row *r = p;

	return row_hash((u64)(uintptr_t)r->id, 0, r->pid);
}

static struct kvm_thread *findnew_thread(struct kvm_stat *ks, u32 pid, u32 tid)
{
	struct kvm_thread *t;

#define THREAD_IS(x) ((x)->tid == tid)
	if (ks->threads_size) {
		TABLE_FIND(ks->threads, ks->threads_size, hash_u64(tid), THREAD_IS, t);
		if (t)
			return t;
	}
#undef THREAD_IS
	t = xcalloc(1, sizeof(*t));
	t->tid = tid;
	t->pid = pid;
	t->v.pid = pid;
	t->v.tid = tid;
	t->v.vcpu = -1;
	table_put((void ***)&ks->threads, &ks->threads_size, &ks->nr_threads, t, thread_hash);
	return t;
}

/*
 * perf's find_create_kvm_event: bucket key & 4095, the newest first (the
 * order perf's table is printed in). A row is found by the keyed index:
 * keys of one bucket (MMIO addresses of one page offset) are not walked.
 */
static struct kvm_stat_row *findnew_row_slow(struct kvm_stat *ks, u64 key, u64 info)
{
	struct kvm_stat_row **head = &ks->buckets[key & 4095], *r;

#define KEY_IS(x) ((x)->key == key && (x)->info == info)
	if (ks->keys_size) {
		TABLE_FIND(ks->keys, ks->keys_size, row_hash(key, info, -1), KEY_IS, r);
		if (r)
			return r;
	}
#undef KEY_IS
	r = xcalloc(1, sizeof(*r));
	r->key = key;
	r->info = info;
	r->pid = -1;
	r->seq = (u32)ks->nr_keys;
	stats_init(&r->st);
	r->hnext = *head;
	*head = r;
	table_put((void ***)&ks->keys, &ks->keys_size, &ks->nr_keys, r, key_hash);
	return r;
}

/* The bucket's newest row first: most keys have a bucket of their own. */
static inline struct kvm_stat_row *findnew_row(struct kvm_stat *ks, u64 key, u64 info)
{
	struct kvm_stat_row *r = ks->buckets[key & 4095];

	if (r && r->key == key && r->info == info)
		return r;
	return findnew_row_slow(ks, key, info);
}

static struct kvm_stat_row *findnew_grow(struct kvm_stat *ks, s32 pid, u64 key, u64 info)
{
	struct kvm_stat_row probe = { .key = key, .info = info, .pid = pid }, *r;

#define GROW_IS(x) ((x)->key == key && (x)->info == info && (x)->pid == pid)
	if (ks->grows_size) {
		TABLE_FIND(ks->grows, ks->grows_size, row_hash(key, info, pid), GROW_IS, r);
		if (r)
			return r;
	}
#undef GROW_IS
	r = xcalloc(1, sizeof(*r));
	*r = probe;
	r->seq = (u32)ks->nr_grows;
	stats_init(&r->st);
	table_put((void ***)&ks->grows, &ks->grows_size, &ks->nr_grows, r, grow_hash);
	return r;
}

static void row_add_dur(struct kvm_stat_row *r, u64 d)
{
	int b = d ? 63 - __builtin_clzll(d) : 0;

	r->hist[b]++;
	if (r->nr_durs == r->alloc_durs) {
		r->alloc_durs = r->alloc_durs ? r->alloc_durs * 2 : 16;
		r->durs = xrealloc(r->durs, r->alloc_durs * sizeof(*r->durs));
	}
	r->durs[r->nr_durs++] = d;
}

/* ---- by symbol ---- */

static struct kvm_stat_sym_row *sym_row(struct kvm_stat *ks, s32 pid, u64 rip)
{
	struct kvm_sym_cache *c;
	struct kvm_stat_sym_row probe = { .pid = pid }, *r;
	struct perf_sample s = { 0 };
	struct addr_location al;
	size_t i;

	if (!ks->scache) {
		ks->scache_size = 1 << 16;
		ks->scache = xcalloc(ks->scache_size, sizeof(*ks->scache));
	}
	c = &ks->scache[mix64(rip ^ ((u64)(u32)pid << 48)) & (ks->scache_size - 1)];
	if (c->used && c->pid == pid && c->rip == rip)
		return c->row;
	s.ip = rip;
	s.pid = s.tid = (u32)pid;
	s.cpumode = rip >= 0xffff800000000000ULL ? PERF_RECORD_MISC_GUEST_KERNEL :
		    PERF_RECORD_MISC_GUEST_USER;
	machines__resolve(ks->machines, &s, &al);
	if (s.cpumode == PERF_RECORD_MISC_GUEST_USER) {
		probe.id = "[guest.user]";
		probe.sym = "[guest.user]";
		probe.dso = "[guest.user]";
	} else if (al.sym) {
		probe.id = al.sym;
		probe.sym = symbol__name(al.sym);
		probe.dso = al.dso ? map__dso_name(al.dso) : "[unknown]";
	} else {
		probe.id = al.dso ? (const void *)al.dso : (const void *)"[unknown]";
		probe.sym = "[unknown]";
		probe.dso = al.dso ? map__dso_name(al.dso) : "[unknown]";
	}
#define SROW_IS(x) ((x)->id == probe.id && (x)->pid == pid)
	r = NULL;
	if (ks->srows_size)
		TABLE_FIND(ks->srows, ks->srows_size, srow_hash(&probe), SROW_IS, r);
#undef SROW_IS
	if (!r) {
		r = xcalloc(1, sizeof(*r));
		*r = probe;
		table_put((void ***)&ks->srows, &ks->srows_size, &ks->nr_srows, r, srow_hash);
	}
	(void)i;
	c->used = true;
	c->pid = pid;
	c->rip = rip;
	c->row = r;
	return r;
}

static size_t sym_reason(struct kvm_stat_sym_row *r, u64 reason)
{
	size_t i;

	for (i = 0; i < r->nr_reasons; i++)
		if (r->reasons[i].reason == reason)
			return i;
	r->reasons = xrealloc(r->reasons, (r->nr_reasons + 1) * sizeof(*r->reasons));
	memset(&r->reasons[i], 0, sizeof(r->reasons[i]));
	r->reasons[i].reason = reason;
	r->nr_reasons++;
	return i;
}

/* ---- the analyses, as perf's handle_kvm_event ---- */

static int kvm_stat__bad(struct kvm_stat *ks, const char *fmt, ...) __printf(2, 3);

static int kvm_stat__bad(struct kvm_stat *ks, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err__vset(&ks->err, -EINVAL, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static bool pid_selected(const struct kvm_stat *ks, u32 pid)
{
	size_t i;

	if (!ks->opts.pids)
		return true;
	for (i = 0; i < ks->opts.nr_pids; i++)
		if ((u32)ks->opts.pids[i] == pid)
			return true;
	return false;
}

static bool bad_payload(struct kvm_stat *ks, const struct perf_sample *s, const char *what)
{
	if (!ks->err.code)
		err__set(&ks->err, -EINVAL, "a %s sample (time %" PRIu64 ", tid %u) has a raw "
			 "payload of %u bytes, too short for its format", what, s->time, s->tid,
			 s->raw_size);
	return true;
}

static inline __attribute__((always_inline)) void
handle_end(struct kvm_stat *ks, struct kvm_thread *t, u64 key, u64 info, u64 time)
{
	struct kvm_stat_row *row = t->last, *grow = t->glast;
	u64 begin = t->start_time, d;

	if (!begin)
		return;
	if (!row && key == INVALID_KEY)
		return;
	if (!row) {
		row = findnew_row(ks, key, info);
		if (ks->opts.extended)
			grow = findnew_grow(ks, (s32)t->pid, key, info);
	}
	t->last = t->glast = NULL;
	t->start_time = 0;
	if (time < begin)
		return;
	d = time - begin;
	stats_update(&row->st, d);
	if (grow) {
		stats_update(&grow->st, d);
		row_add_dur(grow, d);
	}
}

static inline __attribute__((always_inline)) void
handle_begin(struct kvm_stat *ks, struct kvm_thread *t, u64 key, u64 info, u64 time)
{
	t->last = t->glast = NULL;
	if (key != INVALID_KEY) {
		t->last = findnew_row(ks, key, info);
		if (ks->opts.extended)
			t->glast = findnew_grow(ks, (s32)t->pid, key, info);
	}
	t->start_time = time;
}

/* The analysed fields of a sample; false when the payload is too short. */
static inline u64 raw_read(const u8 *p, u32 size)
{
	u64 v8;
	u32 v4;
	u16 v2;

	switch (size) {
	case 1:
		return *p;
	case 2:
		memcpy(&v2, p, 2);
		return v2;
	case 4:
		memcpy(&v4, p, 4);
		return v4;
	case 8:
		memcpy(&v8, p, 8);
		return v8;
	default:
		return 0;
	}
}

/*
 * The analysed fields of a payload (little-endian: trace_events__parse
 * accepts no other); false when the payload is too short for them.
 */
static bool tp_fields(const struct kvm_stat *ks, const struct kvm_tp *tp, const void *raw,
		      u32 raw_size, u64 *v1, u64 *v2, u64 *v3)
{
	if (raw_size < tp->need)
		return false;
	*v1 = raw_read((const u8 *)raw + tp->off[0], tp->size[0]);
	*v2 = raw_read((const u8 *)raw + tp->off[1], tp->size[1]);
	*v3 = raw_read((const u8 *)raw + tp->off[2], tp->size[2]);
	return true;
}

/*
 * perf's handle_kvm_event: a thread counts from its first kvm_entry (the
 * vCPU id comes from it), then the analysis pairs its begin and end events.
 */
static inline __attribute__((always_inline)) void
perf_event_of(struct kvm_stat *ks, enum kvm_stat_analysis analysis, int vcpu,
	      struct kvm_thread *t, enum kvm_tp_kind kind, u64 time, u64 v1, u64 v2)
{
	u64 key = INVALID_KEY, info = 0;
	bool begin = false, end = false;

	if (!t->has_record) {
		if (kind != TP_ENTRY)
			return;
		t->has_record = true;
		t->vcpu_id = (int)v1;
	}
	if (vcpu >= 0 && vcpu != t->vcpu_id)
		return;

	/* every analysis ends at kvm_entry; what begins one, and its key, differ */
	switch (analysis) {
	case KVM_STAT_VMEXIT:
		if (kind == TP_EXIT) {
			begin = true;
			key = v1;
		}
		break;
	case KVM_STAT_MMIO:
		/* a write begins (at its exit too), a read ends; keyed by gpa and type */
		if (kind == TP_EXIT) {
			begin = true;
		} else if (kind == TP_MMIO && (v1 == MMIO_WRITE || v1 == MMIO_READ)) {
			begin = v1 == MMIO_WRITE;
			end = !begin;
			key = v2;
			info = v1;
		}
		break;
	case KVM_STAT_IOPORT:
	case KVM_STAT_MSR:
		/* the access begins, keyed by port or MSR and direction */
		if (kind == (analysis == KVM_STAT_IOPORT ? TP_PIO : TP_MSR)) {
			begin = true;
			key = v2;
			info = v1;
		}
		break;
	}
	if (kind == TP_ENTRY)
		end = true;
	if (begin)
		handle_begin(ks, t, key, info, time);
	else if (end)
		handle_end(ks, t, key, info, time);
}

static inline void kvm_stat__perf_event(struct kvm_stat *ks, struct kvm_thread *t,
					enum kvm_tp_kind kind, u64 time, u64 v1, u64 v2)
{
	perf_event_of(ks, ks->opts.analysis, ks->opts.vcpu, t, kind, time, v1, v2);
}

static void kvm_stat__event(struct kvm_stat *ks, const struct kvm_tp *tp, u32 pid, u32 tid,
			    u64 time, u64 v1, u64 v2, u64 v3);

bool kvm_stat__sample(struct kvm_stat *ks, const struct evsel *evsel,
		      const struct perf_sample *s)
{
	const struct kvm_tp *tp;
	u64 v1 = 0, v2 = 0, v3 = 0;

	if (ks->err.code || evsel->idx < 0 || (size_t)evsel->idx >= ks->nr_tps)
		return true;
	tp = &ks->tps[evsel->idx];
	if (tp->kind == TP_OTHER)
		return true;
	if (!pid_selected(ks, s->pid))
		return true;
	if (!tp_fields(ks, tp, s->raw_data, s->raw_size, &v1, &v2, &v3))
		return bad_payload(ks, s, tp_names[tp->kind]);
	kvm_stat__event(ks, tp, s->pid, s->tid, s->time, v1, v2, v3);
	return true;
}

/* One kvm event, its fields read: perf's handle_kvm_event, and ours. */
static void kvm_stat__event(struct kvm_stat *ks, const struct kvm_tp *tp, u32 pid, u32 tid,
			    u64 time, u64 v1, u64 v2, u64 v3)
{
	const struct { u32 pid, tid; u64 time; } sv = { pid, tid, time }, *s = &sv;
	struct kvm_thread *t;

	t = findnew_thread(ks, s->pid, s->tid);

	/* What pmukvm adds: wall time per vCPU and exits by guest function. */
	if (ks->opts.vcpu < 0 || (t->has_record && t->vcpu_id == ks->opts.vcpu) ||
	    (!t->has_record && tp->kind == TP_ENTRY && (int)v1 == ks->opts.vcpu)) {
		if (!t->v.first)
			t->v.first = s->time;
		if (s->time > t->v.last)
			t->v.last = s->time;
		if (tp->kind == TP_EXIT) {
			t->exit_time = s->time;
			t->v.exits++;
			ks->nr_exits++;
			if (tp->f3)
				t->v.vcpu = (int)v3;
			if (ks->opts.by_symbol && ks->machines) {
				struct kvm_stat_sym_row *r = sym_row(ks, (s32)s->pid, v2);

				r->count++;
				t->pending = r;
				t->pending_reason = sym_reason(r, v1);
				r->reasons[t->pending_reason].count++;
				t->pending_time = s->time;
			}
		} else if (tp->kind == TP_ENTRY) {
			t->v.vcpu = (int)v1;
			if (t->exit_time && s->time >= t->exit_time)
				t->v.out += s->time - t->exit_time;
			t->exit_time = 0;
			if (t->pending && s->time >= t->pending_time) {
				struct kvm_stat_reason *r = &t->pending->reasons[t->pending_reason];

				t->pending->timed++;
				t->pending->time += s->time - t->pending_time;
				r->timed++;
				r->time += s->time - t->pending_time;
			}
			t->pending = NULL;
		}
	}

	kvm_stat__perf_event(ks, t, tp->kind, s->time, v1, v2);
}

/* ---- results ---- */

u64 kvm_stat_row__percentile(const struct kvm_stat_row *row, double p)
{
	size_t rank;

	if (!row->nr_durs)
		return 0;
	rank = (size_t)ceil(p / 100.0 * (double)row->nr_durs);
	if (rank < 1)
		rank = 1;
	if (rank > row->nr_durs)
		rank = row->nr_durs;
	return row->durs[rank - 1];
}

static enum kvm_stat_sort sort_key;

static u64 row_sort_value(const struct kvm_stat_row *r)
{
	return sort_key == KVM_STAT_SORT_TIME ? (u64)r->st.mean : (u64)r->st.n;
}

/* Descending; ties keep the order they came in (perf's rb-tree insertion). */
static int cmp_rows(const void *a, const void *b)
{
	const struct kvm_stat_row *x = *(const struct kvm_stat_row *const *)a;
	const struct kvm_stat_row *y = *(const struct kvm_stat_row *const *)b;
	u64 vx = row_sort_value(x), vy = row_sort_value(y);

	if (vx != vy)
		return vx > vy ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Guest rows: by pid, then as the perf-layout rows within a guest. */
static int cmp_grows(const void *a, const void *b)
{
	const struct kvm_stat_row *x = *(const struct kvm_stat_row *const *)a;
	const struct kvm_stat_row *y = *(const struct kvm_stat_row *const *)b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return cmp_rows(a, b);
}

static int cmp_srows(const void *a, const void *b)
{
	const struct kvm_stat_sym_row *x = *(const struct kvm_stat_sym_row *const *)a;
	const struct kvm_stat_sym_row *y = *(const struct kvm_stat_sym_row *const *)b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->sym, y->sym);
}

static int cmp_reasons(const void *a, const void *b)
{
	const struct kvm_stat_reason *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x->reason < y->reason ? -1 : x->reason > y->reason;
}

static int cmp_vcpus(const void *a, const void *b)
{
	const struct kvm_stat_vcpu *x = *(const struct kvm_stat_vcpu *const *)a;
	const struct kvm_stat_vcpu *y = *(const struct kvm_stat_vcpu *const *)b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->vcpu != y->vcpu)
		return x->vcpu < y->vcpu ? -1 : 1;
	return x->tid < y->tid ? -1 : x->tid > y->tid;
}

void kvm_stat__finish(struct kvm_stat *ks)
{
	size_t i, n = 0;
	u32 order = 0;

	free(ks->rows);
	free(ks->guest_rows);
	free(ks->sym_rows);
	free(ks->vcpus);
	sort_key = ks->opts.sort;
	ks->rows = xcalloc(ks->nr_keys + 1, sizeof(*ks->rows));
	ks->total_count = ks->total_time = 0;
	for (i = 0; i < 4096; i++) {
		struct kvm_stat_row *r;

		for (r = ks->buckets[i]; r; r = r->hnext) {
			r->order = order++;
			if (!r->st.n)
				continue;
			ks->rows[n++] = r;
			ks->total_count += (u64)r->st.n;
			ks->total_time += r->st.time;
		}
	}
	ks->nr_rows = n;
	qsort(ks->rows, n, sizeof(*ks->rows), cmp_rows);

	ks->guest_rows = xcalloc(ks->nr_grows + 1, sizeof(*ks->guest_rows));
	for (i = 0, n = 0; i < ks->grows_size; i++) {
		struct kvm_stat_row *r = ks->grows[i];

		if (!r || !r->st.n)
			continue;
		r->order = r->seq;
		sort_u64(r->durs, r->nr_durs);
		ks->guest_rows[n++] = r;
	}
	ks->nr_guest_rows = n;
	qsort(ks->guest_rows, n, sizeof(*ks->guest_rows), cmp_grows);

	ks->sym_rows = xcalloc(ks->nr_srows + 1, sizeof(*ks->sym_rows));
	for (i = 0, n = 0; i < ks->srows_size; i++) {
		struct kvm_stat_sym_row *r = ks->srows[i];

		if (!r || !r->count)
			continue;
		qsort(r->reasons, r->nr_reasons, sizeof(*r->reasons), cmp_reasons);
		ks->sym_rows[n++] = r;
	}
	ks->nr_sym_rows = n;
	qsort(ks->sym_rows, n, sizeof(*ks->sym_rows), cmp_srows);

	ks->vcpus = xcalloc(ks->nr_threads + 1, sizeof(*ks->vcpus));
	for (i = 0, n = 0; i < ks->threads_size; i++) {
		struct kvm_thread *t = ks->threads[i];

		if (!t || !t->v.first)
			continue;
		ks->vcpus[n++] = &t->v;
	}
	ks->nr_vcpus = n;
	qsort(ks->vcpus, n, sizeof(*ks->vcpus), cmp_vcpus);
}

/* ---- reading a file without the session ---- */

/*
 * perf's ordered events for a file of tracepoint samples only. Each kvm
 * sample the analysis needs is copied out as it is read (its thread, kind,
 * time and two fields: 32 bytes, so the mapped pages can go at once) and
 * waits. perf delivers, at each FINISHED_ROUND, what waits up to the newest
 * timestamp of the round before, in (time, file) order.
 *
 * Its limits only grow, so while no sample comes in at or below the last
 * limit (a late one), what all those deliveries give is what waits, in
 * (time, file) order, up to the last limit: here a delivery waits until
 * FQ_BATCH samples do, and is made then, up to the last limit, with one
 * sort. A late sample first has delivered what perf delivered before it
 * came (up to the last limit, once per limit), so it meets, at the next
 * delivery, what perf would have it meet. The sort is a stable radix sort
 * of 64-bit keys, the time (less the least) above the sample's index, which
 * is file order: two or three passes of 12 bits over a batch in the cache,
 * where a merge of the per-CPU runs makes a chain of dependent comparisons
 * per sample. Times too far apart for one key go through qsort.
 *
 * The sorting and counting run on a thread of their own (fq_counter), a
 * delivery behind the reading: the reader hands over each delivery in a
 * slot (FQ_SLOTS of them go round, so memory stays bounded) and goes on.
 * Only the counting thread touches the analysis' rows and the vCPU
 * threads' state; the reader only creates vCPU threads, before handing
 * over the samples that point to them.
 */
#ifndef FQ_BATCH
#define FQ_BATCH 4096
#endif
#ifndef FQ_DIGIT
#define FQ_DIGIT 12
#endif
#define FQ_BUCKETS (1u << FQ_DIGIT)
/* passes enough for 64 bits */
#define FQ_PASSES ((64 + FQ_DIGIT - 1) / FQ_DIGIT)
/* vCPU threads by tid below this, straight from a table */
#define TID_MAP_SIZE 65536
#ifndef PREFETCH_AHEAD
#define PREFETCH_AHEAD 2048
#endif

struct fq_ent {
	u64 time;
	uintptr_t tk;		/* the struct kvm_thread, its low 3 bits the event kind */
	u64 v1, v2;
};

#define FQ_KIND_MASK ((uintptr_t)7)
_Static_assert(_Alignof(struct kvm_thread) > FQ_KIND_MASK && TP_OTHER <= FQ_KIND_MASK,
	       "a kvm_thread pointer has room for the event kind");

/*
 * The samples read wait in the reader's slot, in file order. A delivery
 * moves what is not due yet to the next slot and hands the slot, holding
 * what is due, to the counting thread, which sorts and counts it while the
 * reader goes on. FQ_SLOTS slots go round between the two.
 */
struct fq_batch {
	struct fq_ent *e;
	size_t nr, alloc;
	u64 lo, hi;		/* the least and greatest time of a delivery */
	u64 *key, *tmp;		/* its sort keys (the counting thread's) */
	size_t alloc_key;
};

#ifndef FQ_SLOTS
#define FQ_SLOTS 8
#endif
/* the counting thread sleeps until this many deliveries wait (a wake-up costs) */
#define FQ_WAKE (FQ_SLOTS / 2)

struct fqueue {
	u64 done;		/* the limit delivered up to (with done_any) */
	bool done_any;
	/* slot[head] is the reader's; [tail, head) wait for the counting thread */
	struct fq_batch slot[FQ_SLOTS];
	size_t head, tail;
	struct kvm_stat *ks;
	u32 (*cnt)[FQ_BUCKETS];	/* the counting thread's, for each radix pass */
	bool threaded, closed;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t filled, emptied;
};

static inline struct fq_batch *fq_reading(struct fqueue *q)
{
	return &q->slot[q->head % FQ_SLOTS];
}

/* Room for @n more entries in @b. */
static inline void fq_reserve(struct fq_batch *b, size_t n)
{
	if (b->nr + n <= b->alloc)
		return;
	while (b->nr + n > b->alloc)
		b->alloc = b->alloc ? b->alloc * 2 : FQ_BATCH * 2;
	b->e = xrealloc(b->e, b->alloc * sizeof(*b->e));
}

static inline void fq_event(struct kvm_stat *ks, const struct fq_ent *f)
{
	kvm_stat__perf_event(ks, (struct kvm_thread *)(f->tk & ~FQ_KIND_MASK),
			     (enum kvm_tp_kind)(f->tk & FQ_KIND_MASK), f->time, f->v1, f->v2);
}

/* Counts @b's entries in the order of @idx (the low @ibits of each), the analysis fixed. */
#define FQ_COUNT_AS(ks, b, idx, n, ibits, analysis)					\
	do {										\
		int _vcpu = (ks)->opts.vcpu;						\
		size_t _i;								\
											\
		for (_i = 0; _i < (n); _i++) {						\
			const struct fq_ent *_f = &(b)->e[(idx)[_i] & ((1ULL << (ibits)) - 1)]; \
											\
			perf_event_of(ks, analysis, _vcpu,				\
				      (struct kvm_thread *)(_f->tk & ~FQ_KIND_MASK),	\
				      (enum kvm_tp_kind)(_f->tk & FQ_KIND_MASK), _f->time,	\
				      _f->v1, _f->v2);					\
		}									\
	} while (0)

static int cmp_fq_ent(const void *a, const void *b)
{
	const struct fq_ent *x = *(const struct fq_ent *const *)a;
	const struct fq_ent *y = *(const struct fq_ent *const *)b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return x < y ? -1 : x > y;	/* file order */
}

/* Bits to hold @v (0 for 0). */
static unsigned int fq_bits(u64 v)
{
	return v ? 64 - (unsigned int)__builtin_clzll(v) : 0;
}

/* Counts a delivery in (time, file) order. */
static void fq_count(struct kvm_stat *ks, struct fq_batch *b, u32 (*cnt)[FQ_BUCKETS])
{
	u64 *a, *t;
	size_t i, n = b->nr;
	unsigned int ibits, tbits, npass, width, p;
	u32 mask;

	if (!n)
		return;
	ibits = fq_bits(n - 1);
	if (ibits + fq_bits(b->hi - b->lo) > 64 || n > UINT32_MAX) {
		const struct fq_ent **o = xcalloc(n, sizeof(*o));

		for (i = 0; i < n; i++)
			o[i] = &b->e[i];
		qsort(o, n, sizeof(*o), cmp_fq_ent);
		for (i = 0; i < n; i++)
			fq_event(ks, o[i]);
		free(o);
		return;
	}
	if (b->alloc_key < n) {
		b->alloc_key = b->alloc;
		free(b->key);
		free(b->tmp);
		b->key = xcalloc(b->alloc_key, sizeof(*b->key));
		b->tmp = xcalloc(b->alloc_key, sizeof(*b->tmp));
	}
	/*
	 * Stable LSD passes over the time bits, of equal widths up to
	 * FQ_DIGIT; the index bits below keep file order. Every pass's counts
	 * are taken in the one read that makes the keys.
	 */
	tbits = fq_bits(b->hi - b->lo);
	npass = (tbits + FQ_DIGIT - 1) / FQ_DIGIT;
	width = npass ? (tbits + npass - 1) / npass : 0;
	mask = (1u << width) - 1;
	memset(cnt, 0, npass * sizeof(*cnt));
	a = b->key;
	t = b->tmp;
	if (npass == 2) {
		for (i = 0; i < n; i++) {
			u64 d = b->e[i].time - b->lo;

			a[i] = d << ibits | i;
			cnt[0][d & mask]++;
			cnt[1][(d >> width) & mask]++;
		}
	} else {
		for (i = 0; i < n; i++) {
			u64 d = b->e[i].time - b->lo;

			a[i] = d << ibits | i;
			for (p = 0; p < npass; p++)
				cnt[p][(d >> (p * width)) & mask]++;
		}
	}
	for (p = 0; p < npass; p++) {
		u32 sum = 0, c, *cp = cnt[p];
		unsigned int shift = ibits + p * width;
		u64 *sw;

		for (i = 0; i <= mask; i++) {
			c = cp[i];
			cp[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			t[cp[(a[i] >> shift) & mask]++] = a[i];
		sw = a;
		a = t;
		t = sw;
	}
	/* vmexit, the default, with the analysis fixed so that its tests fold away */
	if (ks->opts.analysis == KVM_STAT_VMEXIT)
		FQ_COUNT_AS(ks, b, a, n, ibits, KVM_STAT_VMEXIT);
	else
		FQ_COUNT_AS(ks, b, a, n, ibits, ks->opts.analysis);
}

/*
 * The counting thread: each delivery in turn, until the reader closes. It
 * sleeps when none waits, and is woken when FQ_WAKE do (or at the close).
 */
static void *fq_counter(void *arg)
{
	struct fqueue *q = arg;
	struct fq_batch *b;

	pthread_mutex_lock(&q->lock);
	for (;;) {
		while (q->tail == q->head && !q->closed)
			pthread_cond_wait(&q->filled, &q->lock);
		if (q->tail == q->head)
			break;
		b = &q->slot[q->tail % FQ_SLOTS];
		pthread_mutex_unlock(&q->lock);
		fq_count(q->ks, b, q->cnt);
		pthread_mutex_lock(&q->lock);
		q->tail++;
		pthread_cond_signal(&q->emptied);
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

/* Counting on a thread of its own; where none can be had, the reader counts. */
static void fq_start(struct fqueue *q, struct kvm_stat *ks)
{
	q->ks = ks;
	q->cnt = xcalloc(FQ_PASSES, sizeof(*q->cnt));
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->filled, NULL);
	pthread_cond_init(&q->emptied, NULL);
	/* PMUKVM_STAT_ONE_THREAD (for tests): the reader counts */
	q->threaded = !getenv("PMUKVM_STAT_ONE_THREAD") &&
		      !pthread_create(&q->thread, NULL, fq_counter, q);
	if (q->threaded)
		pthread_setname_np(q->thread, "pmukvm-count");
}

/* Waits for every delivery to be counted, and frees the queue. */
static void fq_stop(struct fqueue *q)
{
	size_t i;

	if (q->threaded) {
		pthread_mutex_lock(&q->lock);
		q->closed = true;
		pthread_cond_signal(&q->filled);
		pthread_mutex_unlock(&q->lock);
		pthread_join(q->thread, NULL);
	}
	pthread_cond_destroy(&q->emptied);
	pthread_cond_destroy(&q->filled);
	pthread_mutex_destroy(&q->lock);
	for (i = 0; i < FQ_SLOTS; i++) {
		free(q->slot[i].e);
		free(q->slot[i].key);
		free(q->slot[i].tmp);
	}
	free(q->cnt);
}

/* Delivers what waits up to @limit, in (time, file) order; the rest waits. */
static int fq_deliver(struct kvm_stat *ks, struct fqueue *q, u64 limit)
{
	struct fq_batch *b, *nb, swap;
	u64 lo = ~0ULL, hi = 0;
	size_t i, n = 0;

	q->done = limit;
	q->done_any = true;
	/* the slot after the reader's takes what is not due: wait until it is free */
	if (q->threaded) {
		pthread_mutex_lock(&q->lock);
		while (q->head - q->tail >= FQ_SLOTS - 1)
			pthread_cond_wait(&q->emptied, &q->lock);
		pthread_mutex_unlock(&q->lock);
	}
	b = fq_reading(q);
	nb = &q->slot[(q->head + 1) % FQ_SLOTS];
	nb->nr = 0;
	/* what is due to the front, what is not to the next slot, both in file order */
	for (i = 0; i < b->nr; i++) {
		const struct fq_ent *f = &b->e[i];

		if (f->time <= limit) {
			lo = f->time < lo ? f->time : lo;
			hi = f->time > hi ? f->time : hi;
			if (n != i)
				b->e[n] = *f;
			n++;
		} else {
			fq_reserve(nb, 1);
			nb->e[nb->nr++] = *f;
		}
	}
	if (!n) {
		/* nothing due: everything waits on, now in the next slot; swap back */
		swap = *b;
		*b = *nb;
		*nb = swap;
		nb->nr = 0;
		return ks->err.code;
	}
	b->nr = n;
	b->lo = lo;
	b->hi = hi;
	if (!q->threaded) {
		fq_count(ks, b, q->cnt);
		q->head++;
		q->tail++;
		return ks->err.code;
	}
	pthread_mutex_lock(&q->lock);
	q->head++;
	if (q->head - q->tail >= FQ_WAKE)
		pthread_cond_signal(&q->filled);
	pthread_mutex_unlock(&q->lock);
	return ks->err.code;
}

/* The kinds of kvm event an analysis reads (kvm_stat__perf_event). */
static unsigned int analysis_kinds(enum kvm_stat_analysis a)
{
	unsigned int m = 1u << TP_ENTRY;

	switch (a) {
	case KVM_STAT_VMEXIT:
		return m | 1u << TP_EXIT;
	case KVM_STAT_MMIO:
		return m | 1u << TP_EXIT | 1u << TP_MMIO;
	case KVM_STAT_IOPORT:
		return m | 1u << TP_PIO;
	case KVM_STAT_MSR:
		return m | 1u << TP_MSR;
	}
	return m;
}

int kvm_stat__process(struct kvm_stat *ks, struct perf_data *data)
{
	/* event id -> its kvm_tp (NULL: not a kvm event), direct mapped */
	struct { u64 id; const struct kvm_tp *tp; } idc[64];
	struct fqueue q = { 0 };
	struct kvm_thread *last_t = NULL, **tid_map = NULL;
	u64 max_time = 0, limit = 0, flushed = 0;
	bool have_flushed = false;
	unsigned int kinds = analysis_kinds(ks->opts.analysis);
	/* the map, as locals: the loop reads them for every record */
	const u8 *buf = data->buf;
	size_t len = data->buf_len, pos = data->buf_pos;
	bool eof = data->eof;
	/* where the event id sits in a sample, when there are several events */
	int id_pos = data->nr_evsels > 1 ? data->id_pos_sample : -1;
	/* the reader's slot: its entries, count and room, as locals */
	struct fq_batch *rb;
	struct fq_ent *re;
	size_t rnr, ralloc;
	bool all_pids = !ks->opts.pids;
	int i, ret = 0;

	if (!data->mapped || data->is_pipe)
		return -EOPNOTSUPP;
	for (i = 0; i < data->nr_evsels; i++)
		if (ks->tps[i].kind != TP_OTHER && ks->tps[i].w_raw < 0)
			return -EOPNOTSUPP;
	/* an empty slot holds an id of another slot, which no lookup there matches */
	for (i = 0; i < 64; i++) {
		idc[i].id = (u64)(i ^ 1);
		idc[i].tp = NULL;
	}
	fq_start(&q, ks);
#define READER_SLOT() (rb = fq_reading(&q), re = rb->e, rnr = rb->nr, ralloc = rb->alloc)
	READER_SLOT();
	for (;;) {
		union perf_event *ev;
		const struct kvm_tp *tp;
		const u64 *body;
		const u8 *payload;
		struct fq_ent *f;
		u64 off, t;
		size_t words;
		u32 raw, pid, tid;
		int r;

		/*
		 * A sample or round record that lies whole in the map is taken
		 * in place, as perf_data__next would; anything else goes
		 * through it.
		 */
		ev = (union perf_event *)(buf + pos);
		if (!eof && len - pos >= sizeof(ev->header) && !(pos % 8) &&
		    (ev->header.type == PERF_RECORD_SAMPLE ||
		     ev->header.type == PERF_RECORD_FINISHED_ROUND) &&
		    ev->header.size >= sizeof(ev->header) && !(ev->header.size % 8) &&
		    ev->header.size <= len - pos) {
			off = data->buf_file_off + pos;
			pos += ev->header.size;
		} else {
			data->buf_pos = pos;
			r = perf_data__next(data, &ev, &off);
			buf = data->buf;
			len = data->buf_len;
			pos = data->buf_pos;
			eof = data->eof;
			if (r < 0) {
				ret = err__set(&ks->err, r, "%s", data->err.msg);
				goto out;
			}
			if (r == 0)
				break;
		}
		if (ev->header.type == PERF_RECORD_FINISHED_ROUND) {
			/* perf delivers up to limit here; see fq_deliver for when this does */
			flushed = limit;
			have_flushed = true;
			if (rnr >= FQ_BATCH) {
				rb->nr = rnr;
				ret = fq_deliver(ks, &q, flushed);
				READER_SLOT();
				if (ret)
					goto out;
			}
			limit = max_time;
			/* what waits was copied out: the pages read so far can go */
			if (perf_data__release_due(data, ev))
				perf_data__release(data, ev);
			continue;
		}
		if (ev->header.type != PERF_RECORD_SAMPLE)
			continue;
		/* the mapped file is read once, front to back (records > 64 bytes) */
		__builtin_prefetch((const u8 *)ev + PREFETCH_AHEAD);
		__builtin_prefetch((const u8 *)ev + PREFETCH_AHEAD + 64);
		words = (ev->header.size - sizeof(ev->header)) / 8;
		body = (const u64 *)(&ev->header + 1);
		if (id_pos >= 0 && (size_t)id_pos < words) {
			u64 id = body[id_pos];
			unsigned int slot = (unsigned int)(id & 63);

			if (idc[slot].id != id) {
				struct evsel *evsel = perf_data__evsel_of(data, ev);

				idc[slot].id = id;
				idc[slot].tp = evsel && evsel->idx >= 0 && evsel->idx < data->nr_evsels ?
					       &ks->tps[evsel->idx] : NULL;
			}
			tp = idc[slot].tp;
		} else {
			struct evsel *evsel = perf_data__evsel_of(data, ev);

			tp = evsel && evsel->idx >= 0 && evsel->idx < data->nr_evsels ?
			     &ks->tps[evsel->idx] : NULL;
		}
		if (!tp || tp->kind == TP_OTHER)
			continue;
		if ((size_t)tp->w_raw >= words) {
			ret = kvm_stat__bad(ks, "sample record at %#" PRIx64 " (size %u) is too short "
					    "for its sample_type", off, ev->header.size);
			goto out;
		}
		memcpy(&raw, body + tp->w_raw, 4);
		if ((u64)raw + 4 > (u64)(words - (size_t)tp->w_raw) * 8) {
			ret = kvm_stat__bad(ks, "sample record at %#" PRIx64 ": raw data of %u bytes "
					    "runs past the record", off, raw);
			goto out;
		}
		t = body[tp->w_time];
		max_time = t > max_time ? t : max_time;
		pid = (u32)body[tp->w_tid];
		tid = (u32)(body[tp->w_tid] >> 32);
		if (!all_pids && !pid_selected(ks, pid))
			continue;
		if (raw < tp->need) {
			ret = kvm_stat__bad(ks, "sample record at %#" PRIx64 ": the raw payload of "
					    "%s (%u bytes) is too short for its format", off,
					    tp_names[tp->kind], raw);
			goto out;
		}
		/* an event the analysis does not read changes nothing */
		if (!(kinds & 1u << tp->kind))
			continue;
		/* a CPU's records come in runs of one vCPU thread */
		if (!last_t || last_t->tid != tid) {
			if (tid < TID_MAP_SIZE) {
				if (!tid_map)
					tid_map = xcalloc(TID_MAP_SIZE, sizeof(*tid_map));
				if (!tid_map[tid])
					tid_map[tid] = findnew_thread(ks, pid, tid);
				last_t = tid_map[tid];
			} else {
				last_t = findnew_thread(ks, pid, tid);
			}
		}
		/* late (perf delivered its time before it came): what perf delivered goes first */
		if (have_flushed && t <= flushed && (!q.done_any || q.done < flushed)) {
			rb->nr = rnr;
			ret = fq_deliver(ks, &q, flushed);
			READER_SLOT();
			if (ret)
				goto out;
		}
		if (rnr == ralloc) {
			rb->nr = rnr;
			fq_reserve(rb, 1);
			READER_SLOT();
		}
		f = &re[rnr];
		payload = (const u8 *)(body + tp->w_raw) + 4;
		if (raw >= tp->need8) {
			memcpy(&f->v1, payload + tp->off[0], 8);
			memcpy(&f->v2, payload + tp->off[1], 8);
			f->v1 &= tp->mask[0];
			f->v2 &= tp->mask[1];
		} else {
			f->v1 = raw_read(payload + tp->off[0], tp->size[0]);
			f->v2 = raw_read(payload + tp->off[1], tp->size[1]);
		}
		f->time = t;
		f->tk = (uintptr_t)last_t | (uintptr_t)tp->kind;
		rnr++;
	}
	rb->nr = rnr;
	ret = fq_deliver(ks, &q, ~0ULL);
out:
	data->buf_pos = pos;
#undef READER_SLOT
	fq_stop(&q);
	free(tid_map);
	return ret;
}
