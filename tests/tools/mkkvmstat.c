// SPDX-License-Identifier: GPL-2.0
/*
 * mkkvmstat: write perf.data files as `perf kvm stat record -a` writes them
 * on an x86 KVM host, for hosts where kvm_exit and kvm_entry never fire.
 *
 * The file holds the events perf kvm stat records (kvm:kvm_entry,
 * kvm:kvm_exit, kvm:kvm_mmio, kvm:kvm_pio, kvm:kvm_msr, dummy:HG), one
 * sample id per event and host CPU, the tracing data (the real format
 * files of this kernel, copied from tracefs, laid out as perf's
 * trace-event-info.c lays out HEADER_TRACING_DATA) and the features perf
 * needs (EVENT_DESC, CPUID). Raw payloads are laid out by the offsets the
 * format files give, so the file says what this kernel would have written.
 *
 * The simulated host runs several guests (QEMU processes) with several
 * vCPU threads each; vCPUs migrate between host CPUs, one guest starts in
 * the middle of the recording, and records are written per host CPU and
 * round, each round ended by FINISHED_ROUND, as perf record drains its
 * ring buffers: within a round a CPU's records come after those of lower
 * CPUs whatever their times. Every exit kind of the table below occurs,
 * with its kvm_pio, kvm_mmio and kvm_msr events; guest rips lie inside
 * functions of the guest's kallsyms (core kernel and modules) or in guest
 * user space.
 *
 * Standalone (libc and zlib only), so what it writes stays independent of
 * what the tests check.
 *
 *   mkkvmstat -o FILE --kallsyms K --modules M [options]
 *     --exits N        kvm_exit events in all (default 20000)
 *     --guests N       QEMU processes (default 3, at most 8)
 *     --vcpus N        vCPUs of the first guest; the others alternate
 *                      N+1, N (default 2)
 *     --cpus N         host CPUs (default 4)
 *     --seed N         PRNG seed (default 1)
 *     --vendor V       intel (default: VMX exit reasons) or amd (SVM)
 *     --cpuid S        write S as the CPUID feature instead
 *     --all-reasons    one exit of every code 0..80 (VMX) besides the mix
 *     --mmio-pages     each kvm_mmio exit at a page of its own (gpa 3 GiB
 *                      and up, 4 KiB apart): as many MMIO keys as exits,
 *                      all in one of perf's 4096 key buckets (key & 4095)
 *     --no-kvm         only the dummy event: a file without kvm events
 *     --jump NS        halfway through, every clock jumps NS ahead (times
 *                      far apart in one file)
 *     --late           every fifth round one CPU's records wait two more
 *                      rounds before they are written (a ring buffer read
 *                      late): they come after perf has delivered up to a
 *                      time past theirs
 *     --tracefs DIR    where the format files are (default /sys/kernel/tracing)
 *     --expect FILE    per guest and guest function, the kvm_exit count:
 *                      "pid<TAB>symbol<TAB>count" sorted as LC_ALL=C sort;
 *                      user-space rips count as [guest.user]
 *
 * Exit status: 0 done, 1 an input could not be read or output written,
 * 2 bad usage.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "pdwrite.h"

#define MAX_GUESTS 8
#define MAX_VCPUS 8

#define TP_SAMPLE_TYPE (ST_IP | ST_TID | ST_TIME | ST_CPU | ST_PERIOD | ST_RAW | ST_IDENTIFIER)
#define DUMMY_SAMPLE_TYPE (ST_IP | ST_TID | ST_TIME | ST_CPU | ST_PERIOD | ST_IDENTIFIER)

const char *prog = "mkkvmstat";

static void *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct buf b = { 0 };
	char chunk[65536];
	size_t n;

	if (!f)
		die("cannot open '%s': %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_put(&b, chunk, n);
	if (ferror(f))
		die("cannot read '%s': %s", path, strerror(errno));
	fclose(f);
	buf_put(&b, "", 1);
	*len = b.len - 1;
	return b.p;
}

/* ------------------------------------------------------------ format files */

struct field {
	char name[32];
	u32 offset, size;
};

struct tp {
	const char *name;	/* kvm_exit */
	char *format;		/* the format file's text */
	size_t format_len;
	u32 id;
	u32 size;		/* end of the last field */
	struct field fields[24];
	int nr_fields;
};

static struct tp tps[] = {
	{ .name = "kvm_entry" },
	{ .name = "kvm_exit" },
	{ .name = "kvm_mmio" },
	{ .name = "kvm_pio" },
	{ .name = "kvm_msr" },
};

enum { TP_ENTRY, TP_EXIT, TP_MMIO, TP_PIO, TP_MSR, NR_TPS, EV_DUMMY = NR_TPS };

static void load_format(struct tp *t, const char *tracefs)
{
	char path[4096], *line, *save = NULL, *text;

	snprintf(path, sizeof(path), "%s/events/kvm/%s/format", tracefs, t->name);
	t->format = read_file(path, &t->format_len);
	text = strdup(t->format);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f = strstr(line, "field:"), *semi, *name;
		unsigned off, size;
		struct field *fd;

		if (!strncmp(line, "ID: ", 4))
			t->id = (u32)strtoul(line + 4, NULL, 10);
		if (!f)
			continue;
		semi = strchr(f, ';');
		if (!semi)
			die("%s: bad field line '%s'", path, line);
		*semi = '\0';
		name = strrchr(f, ' ');
		if (!name || sscanf(semi + 1, " offset:%u; size:%u;", &off, &size) != 2)
			die("%s: bad field line '%s'", path, line);
		name++;
		if (strchr(name, '['))
			*strchr(name, '[') = '\0';
		if (t->nr_fields == (int)ARRAY_LEN(t->fields))
			die("%s: too many fields", path);
		fd = &t->fields[t->nr_fields++];
		snprintf(fd->name, sizeof(fd->name), "%s", name);
		fd->offset = off;
		fd->size = size;
		if (off + size > t->size)
			t->size = off + size;
	}
	free(text);
	if (!t->id || !t->nr_fields)
		die("%s: no ID or fields", path);
}

/* Sets field @name of a raw payload; every field this tool writes must exist. */
static void set_field(const struct tp *t, u8 *raw, const char *name, u64 v)
{
	for (int i = 0; i < t->nr_fields; i++) {
		const struct field *f = &t->fields[i];

		if (strcmp(f->name, name))
			continue;
		if (f->size > 8)
			die("%s: field %s is %u bytes", t->name, name, f->size);
		memcpy(raw + f->offset, &v, f->size);	/* little-endian: low bytes first */
		return;
	}
	die("%s has no field '%s' in this kernel's format", t->name, name);
}

static bool has_field(const struct tp *t, const char *name)
{
	for (int i = 0; i < t->nr_fields; i++)
		if (!strcmp(t->fields[i].name, name))
			return true;
	return false;
}

/* ------------------------------------------------------------ guest symbols */

struct sym {
	u64 addr;
	char type;
	int mod;		/* -1 core kernel */
	char *name;
};

struct pick {
	u64 start, span;	/* rips in [start, start + span) */
	const char *name;
};

static struct sym *syms;
static size_t nr_syms;
static struct pick *picks;
static size_t nr_picks;

static int cmp_sym(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void load_kallsyms(const char *path)
{
	gzFile f = gzopen(path, "rb");
	char line[1024];
	size_t alloc = 0;
	char *mods[256];
	int nr_mods = 0;

	if (!f)
		die("cannot open '%s': %s", path, strerror(errno));
	while (gzgets(f, line, sizeof(line))) {
		char *p, *name, *mod, type;
		u64 addr = strtoull(line, &p, 16);
		int m = -1;

		if (p == line || p[0] != ' ' || !p[1] || p[2] != ' ')
			continue;
		type = p[1];
		name = p + 3;
		name[strcspn(name, "\n")] = '\0';
		mod = strchr(name, '\t');
		if (mod) {
			*mod++ = '\0';
			for (m = 0; m < nr_mods && strcmp(mods[m], mod); m++)
				;
			if (m == nr_mods) {
				if (nr_mods == (int)ARRAY_LEN(mods))
					die("%s: too many modules", path);
				mods[nr_mods++] = strdup(mod);
			}
		}
		if (nr_syms == alloc) {
			alloc = alloc ? alloc * 2 : 65536;
			syms = xrealloc(syms, alloc * sizeof(*syms));
		}
		syms[nr_syms].addr = addr;
		syms[nr_syms].type = type;
		syms[nr_syms].mod = m;
		syms[nr_syms].name = strdup(name);
		nr_syms++;
	}
	gzclose(f);
	qsort(syms, nr_syms, sizeof(*syms), cmp_sym);
	/*
	 * Functions that name their addresses alone: text symbols no other
	 * symbol shares an address with, at least 16 bytes before the next
	 * symbol of the same module (or of the core kernel).
	 */
	for (size_t i = 1; i + 1 < nr_syms; i++) {
		struct sym *s = &syms[i];
		u64 gap;

		if ((s->type != 't' && s->type != 'T') || s->addr < 0xffffffff80000000ull ||
		    syms[i - 1].addr == s->addr || syms[i + 1].addr == s->addr ||
		    syms[i + 1].mod != s->mod || !strncmp(s->name, "__pfx_", 6) ||
		    !strncmp(s->name, "__cfi_", 6) || !strcmp(s->name, "_text") ||
		    !strcmp(s->name, "_stext") || !strcmp(s->name, "startup_64"))
			continue;
		gap = syms[i + 1].addr - s->addr;
		if (gap < 16)
			continue;
		picks = xrealloc(picks, (nr_picks + 1) * sizeof(*picks));
		picks[nr_picks].start = s->addr;
		picks[nr_picks].span = gap < 64 ? gap : 64;
		picks[nr_picks].name = s->name;
		nr_picks++;
	}
	if (nr_picks < 64)
		die("%s: too few text symbols to place exits (%zu)", path, nr_picks);
}

/* ------------------------------------------------------------ exit reasons */

enum kind { K_PLAIN, K_PIO, K_MMIO, K_MSR_R, K_MSR_W, K_MMIO_NONE };

struct reason {
	u32 code;
	enum kind kind;
	u32 weight;
	u32 base_ns, spread_ns;	/* handling time: base + rng(spread) */
	u32 user_pct;		/* exits from guest user space */
};

/*
 * The mix: every kind of exit and its pio/mmio/msr events. PAUSE and
 * XSETBV take a fixed 700 ns, so their mean times tie under -k time.
 */
static const struct reason vmx_reasons[] = {
	{ 1, K_PLAIN, 120, 300, 2000, 20 },	/* EXTERNAL_INTERRUPT */
	{ 12, K_PLAIN, 80, 20000, 400000, 0 },	/* HLT */
	{ 30, K_PIO, 70, 2000, 6000, 10 },	/* IO_INSTRUCTION */
	{ 49, K_MMIO, 60, 3000, 9000, 0 },	/* EPT_MISCONFIG */
	{ 31, K_MSR_R, 40, 400, 1200, 0 },	/* MSR_READ */
	{ 32, K_MSR_W, 70, 500, 1500, 0 },	/* MSR_WRITE */
	{ 48, K_PLAIN, 50, 1500, 30000, 30 },	/* EPT_VIOLATION */
	{ 10, K_PLAIN, 20, 900, 300, 50 },	/* CPUID */
	{ 40, K_PLAIN, 15, 700, 0, 40 },	/* PAUSE_INSTRUCTION */
	{ 55, K_PLAIN, 5, 700, 0, 0 },		/* XSETBV */
	{ 52, K_PLAIN, 30, 600, 900, 10 },	/* PREEMPTION_TIMER */
	{ 56, K_PLAIN, 25, 800, 700, 0 },	/* APIC_WRITE */
	{ 45, K_PLAIN, 10, 500, 500, 0 },	/* EOI_INDUCED */
	{ 7, K_PLAIN, 10, 250, 250, 10 },	/* INTERRUPT_WINDOW */
	{ 0, K_PLAIN, 4, 1000, 5000, 50 },	/* EXCEPTION_NMI */
	{ 28, K_PLAIN, 3, 600, 100, 0 },	/* CR_ACCESS */
	{ 54, K_PLAIN, 1, 5000, 1000, 0 },	/* WBINVD */
};

static const struct reason svm_reasons[] = {
	{ 0x060, K_PLAIN, 120, 300, 2000, 20 },	/* interrupt */
	{ 0x078, K_PLAIN, 80, 20000, 400000, 0 },	/* hlt */
	{ 0x07b, K_PIO, 70, 2000, 6000, 10 },	/* io */
	{ 0x400, K_MMIO, 60, 3000, 9000, 0 },	/* npf with mmio */
	{ 0x07c, K_MSR_R, 40, 400, 1200, 0 },	/* msr */
	{ 0x07c, K_MSR_W, 70, 500, 1500, 0 },	/* msr */
	{ 0x072, K_PLAIN, 20, 900, 300, 50 },	/* cpuid */
	{ 0x077, K_PLAIN, 15, 700, 0, 40 },	/* pause */
	{ 0x08d, K_PLAIN, 5, 700, 0, 0 },	/* xsetbv */
	{ 0x064, K_PLAIN, 10, 250, 250, 10 },	/* vintr */
	{ 0x04e, K_PLAIN, 20, 1500, 30000, 30 },	/* PF excp */
};

static const u32 ports[] = { 0x70, 0x71, 0x3f8, 0x3fd, 0xcf8, 0xcfc, 0x0, 0x80, 0x510 };
static const u64 gpas[] = { 0xfee00300, 0xfee00380, 0xfebf1000, 0xfec00000, 0xfed000f0,
			    0xfebd4008 };
static const u32 msrs[] = { 0x6e0, 0x830, 0x838, 0x1b, 0x10, 0x4b564d02, 0xc0000103 };

/* ------------------------------------------------------------ the simulation */

static u64 mmio_pages_next;	/* --mmio-pages: the next page */

struct vcpu {
	u32 pid, tid, id;
	u32 cpu;
	u64 t;			/* time of its next event */
	int state;		/* what comes next, see step() */
	const struct reason *r;
	u64 rip;
	u32 mmio_read;		/* K_MMIO: 1 read, 0 write */
	u32 key;
	u64 gpa;		/* K_MMIO */
	long pick;		/* the rip's function in picks[], -1 user space */
};

struct guest {
	u32 pid;
	u64 start;		/* its first event, 0 from the beginning */
	struct vcpu vcpus[MAX_VCPUS];
	int nr_vcpus;
	/* expectation: exits per pick (index), plus user space */
	u64 *per_pick;
	u64 user;
};

struct opts {
	const char *output, *kallsyms, *tracefs, *expect, *cpuid;
	u64 exits, seed, jump;
	u32 guests, vcpus, cpus;
	bool amd, all_reasons, no_kvm, late, mmio_pages;
};

struct cpu_buf {
	struct buf b;
};

static struct cpu_buf *cpubufs;
static u64 event_id(int ev, u32 cpu, u32 ncpu) { return 100 + (u64)ev * ncpu + cpu; }

static u32 ncpus;

/* One tracepoint sample into its CPU's buffer for this round. */
static void emit(int ev, const struct vcpu *v, u64 time, u64 ip, const u8 *raw, u32 rawsz)
{
	struct buf *b = &cpubufs[v->cpu].b;
	u32 rsz = ((rawsz + 4 + 7) & ~7u) - 4;	/* the kernel pads u32 size + data to 8 */
	u16 type = 9, misc = 1;	/* SAMPLE, KERNEL */
	u16 size = (u16)(8 + 8 + 8 + 8 + 8 + 8 + 8 + 4 + rsz);
	static const u8 zero[8];

	buf_put(b, &type, 2);
	buf_put(b, "\0\0", 2);
	buf_put(b, &misc, 2);
	buf_put(b, &size, 2);
	buf_u64(b, event_id(ev, v->cpu, ncpus));
	buf_u64(b, ip);
	buf_u32(b, v->pid);
	buf_u32(b, v->tid);
	buf_u64(b, time);
	buf_u32(b, v->cpu);
	buf_u32(b, 0);
	buf_u64(b, 1);
	buf_u32(b, rsz);
	buf_put(b, raw, rawsz);
	buf_put(b, zero, rsz - rawsz);
}

static void raw_common(const struct tp *t, u8 *raw, u32 pid)
{
	memset(raw, 0, t->size);
	set_field(t, raw, "common_type", t->id);
	set_field(t, raw, "common_pid", pid);
}

/* Host kernel ips of the tracepoint call sites: any kernel address will do. */
#define HOST_IP(ev) (0xffffffff81100000ull + (u64)(ev) * 0x1000)

static void put_entry(const struct vcpu *v)
{
	const struct tp *t = &tps[TP_ENTRY];
	u8 raw[256];

	raw_common(t, raw, v->tid);
	set_field(t, raw, "vcpu_id", v->id);
	set_field(t, raw, "rip", v->rip);
	emit(TP_ENTRY, v, v->t, HOST_IP(TP_ENTRY), raw, t->size);
}

static void put_exit(struct guest *g, const struct vcpu *v, bool amd)
{
	const struct tp *t = &tps[TP_EXIT];
	u8 raw[256];

	raw_common(t, raw, v->tid);
	set_field(t, raw, "exit_reason", v->r->code);
	set_field(t, raw, "guest_rip", v->rip);
	if (has_field(t, "isa"))
		set_field(t, raw, "isa", amd ? 2 : 1);
	if (has_field(t, "vcpu_id"))
		set_field(t, raw, "vcpu_id", v->id);
	set_field(t, raw, "info1", 0x1234);
	emit(TP_EXIT, v, v->t, HOST_IP(TP_EXIT), raw, t->size);
	if (v->pick < 0)
		g->user++;
	else
		g->per_pick[v->pick]++;
}

static void put_pio(const struct vcpu *v)
{
	const struct tp *t = &tps[TP_PIO];
	u8 raw[256];

	raw_common(t, raw, v->tid);
	set_field(t, raw, "rw", v->key & 1);
	set_field(t, raw, "port", ports[v->key >> 1]);
	set_field(t, raw, "size", 1);
	set_field(t, raw, "count", 1);
	set_field(t, raw, "val", 0x5a);
	emit(TP_PIO, v, v->t, HOST_IP(TP_PIO), raw, t->size);
}

static void put_mmio(const struct vcpu *v, u32 type)
{
	const struct tp *t = &tps[TP_MMIO];
	u8 raw[256];

	raw_common(t, raw, v->tid);
	set_field(t, raw, "type", type);
	set_field(t, raw, "len", 4);
	set_field(t, raw, "gpa", v->gpa);
	set_field(t, raw, "val", 0x42);
	emit(TP_MMIO, v, v->t, HOST_IP(TP_MMIO), raw, t->size);
}

static void put_msr(const struct vcpu *v)
{
	const struct tp *t = &tps[TP_MSR];
	u8 raw[256];

	raw_common(t, raw, v->tid);
	set_field(t, raw, "write", v->r->kind == K_MSR_W);
	set_field(t, raw, "ecx", msrs[v->key]);
	set_field(t, raw, "data", 0x77);
	set_field(t, raw, "exception", 0);
	emit(TP_MSR, v, v->t, HOST_IP(TP_MSR), raw, t->size);
}

static const struct reason *pick_reason(const struct reason *tab, size_t n)
{
	u64 total = 0, r;

	for (size_t i = 0; i < n; i++)
		total += tab[i].weight;
	r = rng_below(total);
	for (size_t i = 0; i < n; i++) {
		if (r < tab[i].weight)
			return &tab[i];
		r -= tab[i].weight;
	}
	return &tab[n - 1];
}

static u64 handling(const struct reason *r)
{
	return r->base_ns + (r->spread_ns ? rng_below(r->spread_ns) : 0);
}

/*
 * Picks the rip of the next exit: guest user space for user_pct of them,
 * else one of 8 functions per exit reason (fixed by the seed), so that
 * each reason has its own few guest functions.
 */
static void pick_rip(struct guest *g, struct vcpu *v)
{
	size_t base = ((size_t)v->r->code * 104729u + (size_t)v->r->kind * 7919u) % nr_picks;
	size_t i = (base + rng_below(8) * 997) % nr_picks;

	(void)g;
	if (rng_below(100) < v->r->user_pct) {
		v->rip = 0x401000 + rng_below(0x100000);
		v->pick = -1;
		return;
	}
	v->rip = picks[i].start + rng_below(picks[i].span);
	v->pick = (long)i;
}

/*
 * One event of vCPU @v at v->t, then the time of its next one:
 * state 0: kvm_entry, the guest runs; 1: kvm_exit; 2: the pio/mmio/msr
 * event after the exit; 3: the mmio read's completion.
 */
static void step(struct guest *g, struct vcpu *v, const struct opts *o, bool last)
{
	const struct reason *tab = o->amd ? svm_reasons : vmx_reasons;
	size_t ntab = o->amd ? ARRAY_LEN(svm_reasons) : ARRAY_LEN(vmx_reasons);

	switch (v->state) {
	case 0:
		/* vCPUs migrate now and then between host CPUs */
		if (rng_below(40) == 0)
			v->cpu = (u32)rng_below(ncpus);
		put_entry(v);
		v->t += 500 + rng_below(40000);
		v->state = 1;
		v->r = pick_reason(tab, ntab);
		pick_rip(g, v);
		break;
	case 1:
		put_exit(g, v, o->amd);
		if (v->r->kind == K_PLAIN || (v->r->kind == K_MMIO && rng_below(10) == 0)) {
			/* an EPT_MISCONFIG now and then without its kvm_mmio */
			v->t += handling(v->r);
			v->state = 0;
		} else {
			v->t += 100 + rng_below(400);
			v->state = 2;
		}
		switch (v->r->kind) {
		case K_PIO:
			v->key = (u32)(rng_below(ARRAY_LEN(ports)) << 1 | rng_below(2));
			break;
		case K_MMIO:
			v->key = (u32)rng_below(ARRAY_LEN(gpas));
			v->gpa = o->mmio_pages ? 0xc0000000ull + (mmio_pages_next++ << 12) : gpas[v->key];
			v->mmio_read = rng_below(3) == 0;
			break;
		case K_MSR_R:
		case K_MSR_W:
			v->key = (u32)rng_below(ARRAY_LEN(msrs));
			break;
		default:
			break;
		}
		break;
	case 2:
		if (v->r->kind == K_PIO)
			put_pio(v);
		else if (v->r->kind == K_MMIO)
			put_mmio(v, v->mmio_read ? 0 : 2);
		else
			put_msr(v);
		v->t += handling(v->r);
		v->state = v->r->kind == K_MMIO && v->mmio_read ? 3 : 0;
		break;
	case 3:
		put_mmio(v, 1);
		v->t += 200 + rng_below(300);
		v->state = 0;
		break;
	}
	(void)last;
}

/* ------------------------------------------------------------ the file */

static void put_attr(struct buf *b, u32 type, u64 config, u64 sample_type, u64 flags)
{
	struct attr attr = {
		.type = type,
		.config = config,
		.period = 1,
		.sample_type = sample_type,
		.read_format = 4 | 16,	/* ID | LOST */
		.flags = flags,
	};
	u8 a[ATTR_SIZE];

	attr_pack(a, &attr);
	buf_put(b, a, ATTR_SIZE);
}

/* A header file of tracefs/events: its name with the NUL, u64 size, bytes. */
static void put_header_file(struct buf *b, const char *tracefs, const char *name)
{
	char path[4096];
	void *content;
	size_t len;

	snprintf(path, sizeof(path), "%s/events/%s", tracefs, name);
	content = read_file(path, &len);
	buf_put(b, name, strlen(name) + 1);
	buf_u64(b, len);
	buf_put(b, content, len);
	free(content);
}

static void put_tracing_data(struct buf *b, const char *tracefs, int ntp)
{
	static const u8 magic[] = { 0x17, 0x08, 'D', 't', 'r', 'a', 'c', 'i', 'n', 'g' };
	u32 page = (u32)sysconf(_SC_PAGESIZE);

	buf_put(b, magic, sizeof(magic));
	buf_put(b, "0.6", 4);
	buf_put(b, "\0", 1);		/* little endian */
	buf_put(b, "\x08", 1);		/* sizeof(long) */
	buf_u32(b, page);
	put_header_file(b, tracefs, "header_page");
	put_header_file(b, tracefs, "header_event");
	buf_u32(b, 0);			/* ftrace formats */
	buf_u32(b, ntp ? 1 : 0);	/* event systems */
	if (ntp) {
		buf_put(b, "kvm", 4);
		buf_u32(b, (u32)ntp);
		for (int i = 0; i < ntp; i++) {
			buf_u64(b, tps[i].format_len);
			buf_put(b, tps[i].format, tps[i].format_len);
		}
	}
	buf_u32(b, 0);			/* kallsyms */
	buf_u32(b, 0);			/* printk formats */
	buf_u64(b, 0);			/* saved cmdlines */
}

static void put_comm(struct buf *b, u32 pid, u32 tid, const char *comm)
{
	char name[32] = { 0 };
	size_t n = (strlen(comm) + 1 + 7) & ~(size_t)7;
	u16 size = (u16)(8 + 8 + n + 32);
	u32 type = 3;
	u16 misc = 0;

	snprintf(name, sizeof(name), "%s", comm);
	buf_u32(b, type);
	buf_put(b, &misc, 2);
	buf_put(b, &size, 2);
	buf_u32(b, pid);
	buf_u32(b, tid);
	buf_put(b, name, n);
	/* trailer: TID, TIME, CPU, IDENTIFIER (of the dummy event, CPU 0) */
	buf_u32(b, pid);
	buf_u32(b, tid);
	buf_u64(b, 0);
	buf_u64(b, 0);
	buf_u64(b, event_id(EV_DUMMY, 0, ncpus));
}

static void write_file(const struct opts *o, struct guest *guests)
{
	struct buf data = { 0 }, head = { 0 }, *fb;
	struct feats feats = { 0 };
	struct file_header fh = { 0 };
	u8 hdr[HEADER_SIZE];
	int ntp = o->no_kvm ? 0 : NR_TPS, nev = ntp + 1;
	u64 ids_off = HEADER_SIZE, attrs_off, data_off;
	u64 exits_left = o->exits, now = 1000000000ull, window = 200000, rounds = 0;
	u64 jump = o->jump;
	u32 *held;
	u64 flags_tp = (1u << 0) | (1u << 1) | (1u << 18) | (1u << 19);
	u64 flags_dummy = (1u << 0) | (1u << 1) | (1u << 8) | (1u << 9) | (1u << 13) |
			  (1u << 18) | (1ull << 23) | (1ull << 24);
	bool stop = false;
	FILE *f;

	cpubufs = calloc(ncpus, sizeof(*cpubufs));
	held = calloc(ncpus, sizeof(*held));
	for (u32 g = 0; g < o->guests; g++) {
		put_comm(&data, guests[g].pid, guests[g].pid, "qemu-system-x86");
		for (int i = 0; i < guests[g].nr_vcpus; i++) {
			char comm[32];

			snprintf(comm, sizeof(comm), "CPU %u/KVM", guests[g].vcpus[i].id);
			put_comm(&data, guests[g].pid, guests[g].vcpus[i].tid, comm);
		}
	}
	if (o->all_reasons) {
		/*
		 * One exit of every code, on the first vCPU, before the mix:
		 * VMX 0..80, SVM 0..0x410 and the SEV vmgexit codes.
		 */
		static const u32 svm_extra[] = { 0x80000001, 0x80000002, 0x80000003, 0x80000004,
						 0x80000005, 0x80000010, 0x80000011, 0x80000012,
						 0x80000013, 0x8000fffd, 0xffffffff };
		static struct reason one[0x411 + ARRAY_LEN(svm_extra)];
		struct vcpu *v = &guests[0].vcpus[0];
		u32 nr = o->amd ? 0x411 + ARRAY_LEN(svm_extra) : 81;

		for (u32 c = 0; c < nr; c++) {
			u32 code = c < 0x411 ? c : svm_extra[c - 0x411];

			one[c] = (struct reason){ code, K_PLAIN, 1, 1000 + c, 0, 0 };
			v->r = &one[c];
			v->rip = picks[c % nr_picks].start;
			v->pick = (long)(c % nr_picks);
			put_entry(v);
			v->t += 1000;
			put_exit(&guests[0], v, false);
			v->t += 1000;
		}
		put_entry(v);
		v->t += 1000;
		v->state = 1;
		v->r = &vmx_reasons[0];
		pick_rip(&guests[0], v);
		/* the others start after it, so that no round goes back in time */
		for (u32 g = 0; g < o->guests; g++)
			for (int i = 0; i < guests[g].nr_vcpus; i++)
				if (guests[g].vcpus[i].t < v->t)
					guests[g].vcpus[i].t = v->t + rng_below(20000);
	}
	while (!stop && ntp) {
		/* the vCPU whose next event comes first */
		struct guest *bg = NULL;
		struct vcpu *best = NULL;

		if (jump && exits_left <= o->exits / 2) {
			for (u32 g = 0; g < o->guests; g++) {
				guests[g].start += jump;
				for (int i = 0; i < guests[g].nr_vcpus; i++)
					guests[g].vcpus[i].t += jump;
			}
			now += jump;
			jump = 0;
		}

		for (u32 g = 0; g < o->guests; g++)
			for (int i = 0; i < guests[g].nr_vcpus; i++) {
				struct vcpu *v = &guests[g].vcpus[i];

				if (v->t < guests[g].start)
					v->t = guests[g].start;
				if (!best || v->t < best->t) {
					best = v;
					bg = &guests[g];
				}
			}
		while (best->t >= now + window) {
			/* end of a round: each CPU's buffer, then FINISHED_ROUND */
			if (o->late && !(++rounds % 5))
				held[(rounds / 5) % ncpus] = 3;
			for (u32 c = 0; c < ncpus; c++) {
				if (held[c] && --held[c])
					continue;
				buf_put(&data, cpubufs[c].b.p, cpubufs[c].b.len);
				cpubufs[c].b.len = 0;
			}
			buf_u32(&data, 68);
			buf_u32(&data, 8u << 16);
			now += window;
		}
		if (best->state == 1) {
			if (!exits_left) {
				/* recording stops: vCPUs mid-exit keep begins without ends */
				stop = true;
				break;
			}
			exits_left--;
		}
		step(bg, best, o, false);
	}
	/* a last round, unfinished: perf flushes it at the end */
	for (u32 c = 0; c < ncpus; c++)
		buf_put(&data, cpubufs[c].b.p, cpubufs[c].b.len);

	/* ids, attrs (each with its ids section), data, features */
	attrs_off = ids_off + (u64)nev * ncpus * 8;
	data_off = attrs_off + (u64)nev * (ATTR_SIZE + 16);
	for (int e = 0; e < nev; e++) {
		int ev = e < ntp ? e : EV_DUMMY;

		for (u32 c = 0; c < ncpus; c++)
			buf_u64(&head, event_id(ev, c, ncpus));
	}
	for (int e = 0; e < nev; e++) {
		if (e < ntp)
			put_attr(&head, 2, tps[e].id, TP_SAMPLE_TYPE, flags_tp);
		else
			put_attr(&head, 1, 9, DUMMY_SAMPLE_TYPE, flags_dummy);
		buf_u64(&head, ids_off + (u64)e * ncpus * 8);
		buf_u64(&head, (u64)ncpus * 8);
	}

	if (ntp)
		put_tracing_data(feat_add(&feats, FEAT_TRACING_DATA), o->tracefs, ntp);
	feats_host(&feats, ncpus);
	feat_string(feat_add(&feats, FEAT_VERSION), "6.1.187");
	feat_string(feat_add(&feats, FEAT_CPUDESC), o->amd ? "AMD EPYC 7B13 64-Core Processor" :
		    "Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz");
	feat_string(feat_add(&feats, FEAT_CPUID), o->cpuid ? o->cpuid : o->amd ?
		    "AuthenticAMD,25,1,1" : "GenuineIntel,6,85,4");
	fb = feat_add(&feats, FEAT_EVENT_DESC);
	buf_u32(fb, (u32)nev);
	buf_u32(fb, ATTR_SIZE);
	for (int e = 0; e < nev; e++) {
		char name[64];
		int ev = e < ntp ? e : EV_DUMMY;

		if (e < ntp)
			put_attr(fb, 2, tps[e].id, TP_SAMPLE_TYPE, flags_tp);
		else
			put_attr(fb, 1, 9, DUMMY_SAMPLE_TYPE, flags_dummy);
		buf_u32(fb, ncpus);
		if (e < ntp)
			snprintf(name, sizeof(name), "kvm:%s", tps[e].name);
		else
			snprintf(name, sizeof(name), "dummy:HG");
		feat_string(fb, name);
		for (u32 c = 0; c < ncpus; c++)
			buf_u64(fb, event_id(ev, c, ncpus));
	}

	fh.attr_size = ATTR_SIZE + 16;
	fh.attrs_off = attrs_off;
	fh.attrs_size = (u64)nev * (ATTR_SIZE + 16);
	fh.data_off = data_off;
	fh.data_size = data.len;
	feats_bits(&feats, fh.feat_bits);
	header_pack(hdr, &fh);
	f = out_open(o->output);
	out_write(f, o->output, hdr, HEADER_SIZE);
	out_write(f, o->output, head.p, head.len);
	out_write(f, o->output, data.p, data.len);
	feats_write(f, o->output, &feats, data_off + data.len);
	out_close(f, o->output);
}

/* ------------------------------------------------------------ expectation */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void write_expect(const struct opts *o, struct guest *guests)
{
	char **lines = NULL;
	size_t n = 0;
	FILE *f;

	for (u32 g = 0; g < o->guests; g++) {
		/* several picks may share a name (static functions): add them up */
		for (size_t i = 0; i < nr_picks; i++) {
			u64 c = guests[g].per_pick[i];
			char *line;

			if (!c)
				continue;
			for (size_t j = i + 1; j < nr_picks; j++)
				if (guests[g].per_pick[j] && !strcmp(picks[j].name, picks[i].name)) {
					c += guests[g].per_pick[j];
					guests[g].per_pick[j] = 0;
				}
			if (asprintf(&line, "%u\t%s\t%" PRIu64, guests[g].pid, picks[i].name, c) < 0)
				die("out of memory");
			lines = xrealloc(lines, (n + 1) * sizeof(*lines));
			lines[n++] = line;
		}
		if (guests[g].user) {
			char *line;

			if (asprintf(&line, "%u\t[guest.user]\t%" PRIu64, guests[g].pid,
				     guests[g].user) < 0)
				die("out of memory");
			lines = xrealloc(lines, (n + 1) * sizeof(*lines));
			lines[n++] = line;
		}
	}
	qsort(lines, n, sizeof(*lines), cmp_str);
	f = fopen(o->expect, "w");
	if (!f)
		die("cannot create '%s': %s", o->expect, strerror(errno));
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s\n", lines[i]);
	if (fclose(f))
		die("cannot write '%s': %s", o->expect, strerror(errno));
}

/* ------------------------------------------------------------ main */

static void usage(FILE *f)
{
	fprintf(f, "usage: mkkvmstat -o FILE --kallsyms K [--exits N] [--guests N] [--vcpus N]\n"
		   "                 [--cpus N] [--seed N] [--vendor intel|amd] [--cpuid S]\n"
		   "                 [--all-reasons] [--mmio-pages] [--no-kvm] [--jump NS] [--late]\n"
		   "                 [--tracefs DIR] [--expect FILE]\n");
}

static u64 num(const char *opt, const char *arg, u64 min, u64 max)
{
	char *end;
	u64 v;

	errno = 0;
	v = strtoull(arg, &end, 0);
	if (errno || *end || !*arg || v < min || v > max) {
		fprintf(stderr, "%s: %s takes a number from %" PRIu64 " to %" PRIu64 "\n", prog,
			opt, min, max);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "kallsyms", required_argument, NULL, 'k' },
		{ "exits", required_argument, NULL, 'n' },
		{ "guests", required_argument, NULL, 'g' },
		{ "vcpus", required_argument, NULL, 'V' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "seed", required_argument, NULL, 's' },
		{ "vendor", required_argument, NULL, 'e' },
		{ "cpuid", required_argument, NULL, 'C' },
		{ "all-reasons", no_argument, NULL, 'A' },
		{ "mmio-pages", no_argument, NULL, 'P' },
		{ "no-kvm", no_argument, NULL, 'N' },
		{ "late", no_argument, NULL, 'L' },
		{ "jump", required_argument, NULL, 'J' },
		{ "tracefs", required_argument, NULL, 't' },
		{ "expect", required_argument, NULL, 'x' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct opts o = { .exits = 20000, .guests = 3, .vcpus = 2, .cpus = 4, .seed = 1,
			  .tracefs = "/sys/kernel/tracing" };
	struct guest guests[MAX_GUESTS];
	int c;

	while ((c = getopt_long(argc, argv, "o:h", lo, NULL)) != -1) {
		switch (c) {
		case 'o': o.output = optarg; break;
		case 'k': o.kallsyms = optarg; break;
		case 'n': o.exits = num("--exits", optarg, 1, 100000000); break;
		case 'g': o.guests = (u32)num("--guests", optarg, 1, MAX_GUESTS); break;
		case 'V': o.vcpus = (u32)num("--vcpus", optarg, 1, MAX_VCPUS - 1); break;
		case 'c': o.cpus = (u32)num("--cpus", optarg, 1, 256); break;
		case 's': o.seed = num("--seed", optarg, 1, UINT64_MAX); break;
		case 'e':
			if (strcmp(optarg, "intel") && strcmp(optarg, "amd")) {
				fprintf(stderr, "%s: --vendor is intel or amd\n", prog);
				return 2;
			}
			o.amd = !strcmp(optarg, "amd");
			break;
		case 'C': o.cpuid = optarg; break;
		case 'A': o.all_reasons = true; break;
		case 'P': o.mmio_pages = true; break;
		case 'N': o.no_kvm = true; break;
		case 'L': o.late = true; break;
		case 'J': o.jump = num("--jump", optarg, 1, 1ull << 62); break;
		case 't': o.tracefs = optarg; break;
		case 'x': o.expect = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!o.output || !o.kallsyms || optind < argc) {
		usage(stderr);
		return 2;
	}
	rng_state = o.seed * 0x9e3779b97f4a7c15ull | 1;
	ncpus = o.cpus;
	for (int i = 0; i < NR_TPS; i++)
		load_format(&tps[i], o.tracefs);
	load_kallsyms(o.kallsyms);

	memset(guests, 0, sizeof(guests));
	for (u32 g = 0; g < o.guests; g++) {
		struct guest *gu = &guests[g];

		gu->pid = 4000 + 1000 * g;
		gu->nr_vcpus = (int)(o.vcpus + (g % 2));
		/* the last guest starts late: about a third of the way in */
		gu->start = g == o.guests - 1 && o.guests > 1 ?
			1000000000ull + o.exits * 2000 : 0;
		gu->per_pick = calloc(nr_picks, sizeof(u64));
		for (int i = 0; i < gu->nr_vcpus; i++) {
			struct vcpu *v = &gu->vcpus[i];

			v->pid = gu->pid;
			v->tid = gu->pid + 1 + (u32)i;
			v->id = (u32)i;
			v->cpu = (u32)rng_below(ncpus);
			v->t = 1000000000ull + rng_below(20000);
			/* some are in the guest when recording starts: an exit comes first */
			if (rng_below(2)) {
				v->state = 1;
				v->r = pick_reason(o.amd ? svm_reasons : vmx_reasons,
						   o.amd ? ARRAY_LEN(svm_reasons) :
						   ARRAY_LEN(vmx_reasons));
				pick_rip(gu, v);
			}
		}
	}
	write_file(&o, guests);
	if (o.expect)
		write_expect(&o, guests);
	return 0;
}
