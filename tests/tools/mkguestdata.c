// SPDX-License-Identifier: GPL-2.0
/*
 * mkguestdata: write perf.data files with KVM guest samples, and the
 * attribution they must get, computed from the guest's symbol files.
 *
 * This machine has no /dev/kvm, so guest samples cannot be recorded live.
 * This tool writes what `perf kvm record` on a KVM host would: a FILE-mode
 * perf.data with one event, the host kernel map, per guest the module and
 * kernel maps (misc GUEST_KERNEL) and COMM records of the QEMU process and
 * its vCPU threads, then guest kernel, guest module, guest user, host kernel
 * and host user samples in time order.
 *
 * It is standalone on purpose (libc and zlib only, none of pmukvm's engine),
 * so that what it computes stays independent of what the tests check.
 *
 * Generate (default mode):
 *   mkguestdata -o FILE [--expect FILE] --guest PID:KALLSYMS:MODULES[:ORDER]...
 *     -o, --output FILE    the perf.data file to write
 *     --expect FILE        the expected attribution, format below
 *     --guest ...          one guest; repeat for more (at most 8). PID 0 is
 *                          the default guest (perf kvm --guestkallsyms/
 *                          --guestmodules); another PID is the QEMU process
 *                          id under a --guestmount DIR/PID/. KALLSYMS and
 *                          MODULES may be gzip-compressed. ORDER overrides
 *                          --order for this guest. Paths must not hold ':'.
 *     --order ORDER        modules-first (default: what perf kvm record
 *                          writes), kernel-first, or no-modules
 *     --kernel-samples N   guest kernel samples per guest (default 2000)
 *     --module-samples N   guest module samples per guest (default 500)
 *     --user-samples N     guest user samples per guest (default 200)
 *     --host-kernel-samples N, --host-user-samples N  (default 100 each)
 *     --kernel-symbols N   how many distinct kernel functions the guest
 *                          kernel samples hit (default 64)
 *     --module-symbols N   same for module functions (default 32)
 *     --vcpus N            vCPU threads per guest (default 2)
 *     --seed N             PRNG seed (default 1); same seed, same file
 *     --event E            cycles (default) or cpu-clock
 *     --period N           sample period (default 100000)
 *     --round N            a FINISHED_ROUND every N samples (default 1000)
 *     --stale HEX          put guest kernel samples HEX bytes past the end of
 *                          the kernel image of KALLSYMS (_end, 2 MiB aligned)
 *                          and guest module samples HEX bytes past the end of
 *                          the module area, as if the guest had rebooted with
 *                          another KASLR offset after its files were copied.
 *                          The MMAP records still follow the files, as perf
 *                          kvm record writes them from the files it is given.
 *     --kaslr HEX          the recording is of another boot than the files:
 *                          the guest kernel map record's _text and every
 *                          guest kernel sample sit HEX bytes higher than the
 *                          files say (KASLR moved the core kernel; modules
 *                          stay). The expectation still names the files'
 *                          symbols: a reader must relocate by the record.
 *     --carry PID:KALLSYMS:MODULES
 *                          carry these files for guest PID instead of its
 *                          --guest ones (implies --carry-files): samples
 *                          follow one copy, the file carries another (e.g.
 *                          symbols read from the guest's memory).
 *     --callchains         sample callchains (PERF_SAMPLE_CALLCHAIN) as perf
 *                          record -g writes them on a 6.1 KVM host: a guest
 *                          sample's chain is the host's context markers
 *                          alone, PERF_CONTEXT_KERNEL then PERF_CONTEXT_USER
 *                          (x86's perf_callchain_kernel and _user store no
 *                          frame while perf_guest_state() says guest; no
 *                          PERF_CONTEXT_GUEST* marker is ever written); a
 *                          host kernel sample's is PERF_CONTEXT_KERNEL, ip, a
 *                          host user sample's PERF_CONTEXT_USER, ip.
 *     --carry-files        store each guest's kallsyms and modules in the file
 *                          as pmukvm record does (feature 200, gzip; see
 *                          util/guest.h), so a report needs no options.
 *
 * Transform symbol files (no perf.data written):
 *   mkguestdata --make-guestmount DIR --pid PID --shift [-]HEX
 *               [--module-shift [-]HEX] --kallsyms K --modules M
 *       writes DIR/PID/proc/kallsyms and DIR/PID/proc/modules with every
 *       nonzero kernel-half address moved by --shift (module addresses by
 *       --module-shift, default the same): a second guest with another
 *       KASLR offset. Per-cpu offsets (absolute symbols near 0) stay.
 *   mkguestdata --zero-kallsyms OUT --kallsyms K
 *   mkguestdata --zero-modules OUT --modules M
 *       write a copy with every address 0, as a non-root user reads them.
 *
 *   mkguestdata -h, --help
 *
 * Exit status: 0 done, 1 a file could not be read or written (or holds no
 * usable symbols), 2 bad usage.
 *
 * Expectation file (--expect): tab-separated, a header comment, then one line
 * per (machine, mode, dso, symbol), sorted by the bytes of the line (like
 * LC_ALL=C sort), then "#total" comment lines:
 *   # mkguestdata expectation v1 ...
 *   # machine<TAB>mode<TAB>dso<TAB>symbol<TAB>samples
 *   0<TAB>guest-kernel<TAB>[guest.kernel.kallsyms]<TAB>schedule<TAB>12
 *   0<TAB>guest-module<TAB>[jbd2]<TAB>jbd2_journal_errno<TAB>3
 *   0<TAB>guest-user<TAB>[guest.user]<TAB>[unknown]<TAB>200
 *   host<TAB>host-kernel<TAB>[kernel.kallsyms]<TAB>[unknown]<TAB>100
 *   host<TAB>host-user<TAB>[unknown]<TAB>[unknown]<TAB>100
 *   #total<TAB>guest-kernel<TAB>2000   (likewise guest-module, guest-user,
 *                                       host-kernel, host-user, guest, host,
 *                                       all)
 * machine is the guest's machine pid (0 default guest) or "host". The guest
 * kernel dso is [guest.kernel.kallsyms] for every guest (the machine column
 * tells guests apart), module dsos are [name], as perf kvm report names
 * them. Stale samples (--stale) are mode guest-kernel-stale /
 * guest-module-stale, dso and symbol [unknown]: no symbol file explains them.
 * Host samples never resolve: host kernel ips lie below the host kernel map,
 * host user ips in a process without maps.
 * The totals also go to stdout.
 *
 * What the file holds: header (feature bits HOSTNAME, OSRELEASE, ARCH,
 * NRCPUS, EVENT_DESC), one event (cycles or cpu-clock, 128-byte attr,
 * sample_type IDENTIFIER|IP|TID|TIME|CPU|PERIOD (|CALLCHAIN with
 * --callchains, the chain after PERIOD), sample_id_all, ids 1000 +
 * cpu), then in the data section: the host kernel MMAP ([kernel.kallsyms]_text
 * at 0xffffffff81000000, pid -1), COMM of a host process (pid 1234 "stress"),
 * per guest COMM "qemu-system-x86" and "CPU <n>/KVM" (QEMU pid = the guest's
 * PID, or 4000 + 100 * its position for the default guest; vCPU n has tid
 * pid + 1 + n and runs on cpu n), the guest's module MMAPs ([name], misc
 * GUEST_KERNEL, pid = machine pid, start = base, len = size) and kernel MMAP
 * ([guest.kernel.kallsyms]_text or [guest.kernel.kallsyms.PID]_text,
 * start = pgoff = _text, len = ~0 - _text), in the --order asked; then the
 * samples, interleaved at random, times rising, FINISHED_ROUND every --round.
 *
 * Which ips: guest kernel samples hit function symbols (kallsyms types
 * t T w W) in [_text, _etext) whose address no other symbol shares and whose
 * next symbol (any type) starts at least 16 bytes later; the ip is the start
 * plus an offset below min(gap, 256). So the expected symbol is the same
 * under any alias or symbol-end rule a profiler may apply. Module samples
 * do the same with the module's own symbols inside its /proc/modules range.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <zlib.h>

#include "pdwrite.h"

/* Bounds on what input may make us allocate. */
#define MAX_SYMS	(4u << 20)	/* a distro kernel has ~100k */
#define MAX_NAMES	(256u << 20)	/* bytes of symbol names */
#define MAX_MODULES	4096
#define MAX_GUESTS	8
#define MAX_VCPUS	256
#define MAX_SAMPLES	(1ull << 32)	/* per category */
#define MAX_HOT		65536
#define LINE_MAX_LEN	4096

#define PADDING8(n)	((8 - ((n) & 7)) & 7)

/* perf.data constants besides pdwrite.h's (see shared/PERF_DATA.md). */
#define CPUMODE_KERNEL	1
#define CPUMODE_USER	2
#define CPUMODE_GUEST_KERNEL 4
#define CPUMODE_GUEST_USER 5
#define SAMPLE_TYPE	(ST_IDENTIFIER | ST_IP | ST_TID | ST_TIME | ST_CPU | ST_PERIOD)
#define CONTEXT_KERNEL	((u64)-128)	/* PERF_CONTEXT_KERNEL */
#define CONTEXT_USER	((u64)-512)	/* PERF_CONTEXT_USER */

/* Where the synthetic host kernel sits; host kernel samples go below it. */
#define HOST_KERNEL_TEXT 0xffffffff81000000ull
#define HOST_USER_PID	1234
#define QEMU_PID_BASE	4000	/* default guest's QEMU: pid 4000, 4100, ... */

const char *prog = "mkguestdata";

/* ---------------------------------------------------------------- symbols */

enum order {
	ORDER_UNSET = -1,	/* a --guest without :ORDER takes --order */
	ORDER_MODULES_FIRST,
	ORDER_KERNEL_FIRST,
	ORDER_NO_MODULES,
};

static const char *const order_names[] = {
	[ORDER_MODULES_FIRST] = "modules-first",
	[ORDER_KERNEL_FIRST] = "kernel-first",
	[ORDER_NO_MODULES] = "no-modules",
};

struct sym {
	u64 addr;
	u32 name;	/* offset into symtab.names */
	s32 mod;	/* index into symtab.mods; -1 core kernel, -2 a module
			 * /proc/modules does not list ([bpf]...) */
	char type;
};

struct module {
	char name[64];
	u64 base, size;
};

struct symtab {
	struct sym *syms;
	size_t nr_syms, alloc_syms;
	char *names;
	size_t names_len, names_alloc;
	struct module mods[MAX_MODULES];
	size_t nr_mods;
	u64 text, etext, end;	/* _text, _etext, _end; 0 when absent */
};

/* A function that samples hit, with the room they may land in. */
struct hot {
	u32 sym;	/* index into symtab.syms */
	u32 room;	/* ip = addr + [0, room) */
	u64 count;
};

struct guest {
	int pid;		/* machine pid: 0 default guest, else QEMU pid */
	int qemu_pid;		/* pid of the samples */
	const char *kallsyms, *modules;
	const char *carry_kallsyms, *carry_modules;	/* --carry, else NULL */
	enum order order;
	struct symtab st;
	struct hot *khot, *mhot;
	size_t nr_khot, nr_mhot;
	u64 kstale, mstale;	/* ip shifts in --stale mode */
	u64 kaslr;		/* --kaslr: core kernel moved since the files */
	u64 left[3];		/* samples still to write, by category */
};

enum cat { CAT_KERNEL, CAT_MODULE, CAT_USER };

/*
 * Reads one line of a (possibly gzipped) file into buf without its newline.
 * Returns 1 for a line, 0 at the end, dies on a line longer than the buffer:
 * symbol files have short lines, a long one means the wrong file.
 */
static int read_line(gzFile f, const char *path, char *buf, size_t size, unsigned long *lineno)
{
	size_t len;

	if (!gzgets(f, buf, (int)size)) {
		int err;
		const char *msg = gzerror(f, &err);

		if (err && err != Z_STREAM_END)
			die("cannot read '%s': %s", path, msg);
		return 0;
	}
	++*lineno;
	len = strlen(buf);
	if (len && buf[len - 1] == '\n')
		buf[--len] = '\0';
	else if (len == size - 1 && !gzeof(f))
		die("%s:%lu: line too long", path, *lineno);
	return 1;
}

static gzFile open_input(const char *path)
{
	gzFile f = gzopen(path, "rb");	/* reads plain files too */

	if (!f)
		die("cannot open '%s': %s", path, errno ? strerror(errno) : "zlib error");
	return f;
}

/* Parses the hex address at the start of s; returns 0 on a malformed one. */
static int parse_hex(const char *s, u64 *val, char **end)
{
	char *e;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	if (!*s || !strchr("0123456789abcdefABCDEF", *s))
		return 0;
	errno = 0;
	*val = strtoull(s, &e, 16);
	if (errno)
		return 0;
	if (end)
		*end = e;
	return 1;
}

static int find_module(const struct symtab *st, const char *name)
{
	for (size_t i = 0; i < st->nr_mods; i++)
		if (!strcmp(st->mods[i].name, name))
			return (int)i;
	return -1;
}

/* /proc/modules: "name size refcnt deps state 0xaddr [taints]". */
static void load_modules(struct symtab *st, const char *path)
{
	char line[LINE_MAX_LEN], name[64];
	unsigned long lineno = 0;
	gzFile f = open_input(path);

	while (read_line(f, path, line, sizeof(line), &lineno)) {
		unsigned long long size;
		char addr[32];
		struct module *m;

		if (!*line)
			continue;
		if (sscanf(line, "%63s %llu %*s %*s %*s %31s", name, &size, addr) != 3)
			die("%s:%lu: not a /proc/modules line", path, lineno);
		if (st->nr_mods == MAX_MODULES)
			die("%s: more than %d modules", path, MAX_MODULES);
		m = &st->mods[st->nr_mods++];
		snprintf(m->name, sizeof(m->name), "%s", name);
		m->size = size;
		if (!parse_hex(addr, &m->base, NULL))
			die("%s:%lu: bad address '%s'", path, lineno, addr);
	}
	gzclose(f);
}

/* /proc/kallsyms: "addr type name" with "\t[module]" for module symbols. */
static void load_kallsyms(struct symtab *st, const char *path)
{
	char line[LINE_MAX_LEN];
	unsigned long lineno = 0;
	gzFile f = open_input(path);

	while (read_line(f, path, line, sizeof(line), &lineno)) {
		char *p, *name, *mod;
		struct sym *s;
		size_t len;
		u64 addr;

		if (!*line)
			continue;
		if (!parse_hex(line, &addr, &p) || p[0] != ' ' || !p[1] || p[2] != ' ' || !p[3])
			die("%s:%lu: not a kallsyms line", path, lineno);
		name = p + 3;
		mod = strchr(name, '\t');
		if (mod)
			*mod++ = '\0';
		len = strlen(name);
		if (st->nr_syms == MAX_SYMS || st->names_len + len + 1 > MAX_NAMES)
			die("%s: too many symbols", path);
		if (st->nr_syms == st->alloc_syms) {
			st->alloc_syms = st->alloc_syms ? st->alloc_syms * 2 : 65536;
			st->syms = xrealloc(st->syms, st->alloc_syms * sizeof(*st->syms));
		}
		while (st->names_len + len + 1 > st->names_alloc) {
			st->names_alloc = st->names_alloc ? st->names_alloc * 2 : 1 << 20;
			st->names = xrealloc(st->names, st->names_alloc);
		}
		s = &st->syms[st->nr_syms++];
		s->addr = addr;
		s->type = p[1];
		s->name = (u32)st->names_len;
		memcpy(st->names + st->names_len, name, len + 1);
		st->names_len += len + 1;
		s->mod = -1;
		if (mod) {
			size_t ml = strlen(mod);

			/*
			 * "[name]"; modules that /proc/modules does not list
			 * ([bpf], [__builtin__kprobes]) get -2: never sampled.
			 */
			if (ml < 3 || mod[0] != '[' || mod[ml - 1] != ']')
				die("%s:%lu: bad module tag '%s'", path, lineno, mod);
			mod[ml - 1] = '\0';
			s->mod = find_module(st, mod + 1);
			if (s->mod < 0)
				s->mod = -2;
		} else if (!strcmp(name, "_text")) {
			st->text = addr;
		} else if (!strcmp(name, "_etext")) {
			st->etext = addr;
		} else if (!strcmp(name, "_end")) {
			st->end = addr;
		}
	}
	gzclose(f);
}

static const char *sym_name(const struct symtab *st, u32 i)
{
	return st->names + st->syms[i].name;
}

static const struct symtab *sort_st;

static int cmp_sym_idx(const void *a, const void *b)
{
	const struct sym *x = &sort_st->syms[*(const u32 *)a];
	const struct sym *y = &sort_st->syms[*(const u32 *)b];

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return *(const u32 *)a < *(const u32 *)b ? -1 : 1;
}

static bool is_func(char type)
{
	return type == 't' || type == 'T' || type == 'w' || type == 'W';
}

/*
 * Candidate functions: a unique address, the next symbol (of any type,
 * module or not) at least 16 bytes on, and inside the core kernel's
 * [_text, _etext) or, with modules, inside the range /proc/modules gives
 * the symbol's module. order[] is the symbol indexes sorted by address.
 * Fills cand[] (room for every symbol) with {sym, room}; returns how many.
 */
static size_t find_candidates(const struct symtab *st, const u32 *order, bool modules,
			      struct hot *cand)
{
	size_t n = 0, nr = st->nr_syms;
	u64 kend = st->etext;

	if (!kend) {	/* no _etext: stop at the lowest module */
		kend = UINT64_MAX;
		for (size_t i = 0; i < st->nr_mods; i++)
			if (st->mods[i].base && st->mods[i].base < kend)
				kend = st->mods[i].base;
	}
	for (size_t k = 0; k < nr; k++) {
		const struct sym *s = &st->syms[order[k]];
		u64 limit, gap;
		size_t j;

		if (!is_func(s->type) || !s->addr)
			continue;
		if (k > 0 && st->syms[order[k - 1]].addr == s->addr)
			continue;
		for (j = k + 1; j < nr && st->syms[order[j]].addr == s->addr; j++)
			;
		if (j != k + 1 || j == nr)	/* an alias, or the last symbol */
			continue;
		limit = st->syms[order[j]].addr;
		if (modules) {
			const struct module *m;

			if (s->mod < 0)
				continue;
			m = &st->mods[s->mod];
			if (!m->base || s->addr < m->base || s->addr - m->base >= m->size)
				continue;
			if (limit > m->base + m->size)
				limit = m->base + m->size;
		} else {
			if (s->mod != -1 || !st->text || s->addr < st->text || s->addr >= kend)
				continue;
			if (limit > kend)
				limit = kend;
		}
		gap = limit - s->addr;
		if (gap < 16)
			continue;
		cand[n].sym = order[k];
		cand[n].room = gap > 256 ? 256 : (u32)gap;
		cand[n].count = 0;
		n++;
	}
	return n;
}

/* Picks want distinct entries of cand[0..n) (partial Fisher-Yates). */
static struct hot *pick_hot(struct hot *cand, size_t n, size_t want, size_t *nr_out)
{
	struct hot *hot;

	if (want > n)
		want = n;
	for (size_t i = 0; i < want; i++) {
		size_t j = i + rng_below(n - i);
		struct hot t = cand[i];

		cand[i] = cand[j];
		cand[j] = t;
	}
	hot = xcalloc(want, sizeof(*hot));
	memcpy(hot, cand, want * sizeof(*hot));
	*nr_out = want;
	return hot;
}

/* ------------------------------------------------------------ output file */

struct out {
	FILE *f;
	const char *path;
	u64 data_size;
};

static void out_put(struct out *o, const void *buf, size_t len)
{
	out_write(o->f, o->path, buf, len);
}

/* A record under construction: at most 4 KiB, which MMAP/COMM never reach. */
struct rec {
	unsigned char b[4096];
	size_t len;
};

static void rec_put(struct rec *r, const void *p, size_t n)
{
	if (r->len + n > sizeof(r->b))
		die("BUG: record too large");
	memcpy(r->b + r->len, p, n);
	r->len += n;
}

static void rec_u64(struct rec *r, u64 v) { rec_put(r, &v, 8); }
static void rec_u32(struct rec *r, u32 v) { rec_put(r, &v, 4); }

static void rec_begin(struct rec *r, u32 type, u16 misc)
{
	r->len = 0;
	rec_u32(r, type);
	rec_put(r, &misc, 2);
	rec_put(r, "\0\0", 2);	/* size, set by rec_end */
}

/* A NUL-terminated string padded with zeros to 8 bytes. */
static void rec_str(struct rec *r, const char *s)
{
	size_t n = strlen(s) + 1;
	static const char zero[8];

	rec_put(r, s, n);
	rec_put(r, zero, PADDING8(n));
}

/*
 * The sample_id_all trailer in sample_type order: TID, TIME, CPU,
 * IDENTIFIER. perf finds the id counting from the record's end.
 */
static void rec_trailer(struct rec *r, u32 pid, u32 tid, u64 time, u32 cpu, u64 id)
{
	rec_u32(r, pid);
	rec_u32(r, tid);
	rec_u64(r, time);
	rec_u32(r, cpu);
	rec_u32(r, 0);
	rec_u64(r, id);
}

static void rec_end(struct out *o, struct rec *r)
{
	u16 size = (u16)r->len;

	memcpy(r->b + 6, &size, 2);
	out_put(o, r->b, r->len);
	o->data_size += r->len;
}

/* ------------------------------------------------------------ the writer */

struct opts {
	const char *output, *expect;
	struct guest guests[MAX_GUESTS];
	int nr_guests;
	enum order order;
	u64 n_kernel, n_module, n_user, n_host_kernel, n_host_user;
	u64 kernel_symbols, module_symbols;
	u64 vcpus, seed, period, round;
	bool cycles;
	bool stale;
	u64 stale_gap;
	u64 kaslr;
	bool carry;		/* store the guests' files in feature 200 */
	char *carries[MAX_GUESTS];	/* --carry arguments, matched to guests at the end */
	int nr_carries;
	bool callchains;	/* PERF_SAMPLE_CALLCHAIN, as record -g writes it */
};

static u64 event_id(u32 cpu) { return 1000 + cpu; }

static void put_attr(unsigned char *a, const struct opts *o)
{
	struct attr attr = {
		/* cycles is PERF_COUNT_HW_CPU_CYCLES 0, cpu-clock PERF_COUNT_SW_CPU_CLOCK 0 */
		.type = o->cycles ? 0 : 1,
		.period = 4000,		/* sample_freq */
		.sample_type = SAMPLE_TYPE | (o->callchains ? ST_CALLCHAIN : 0),
		/* disabled, inherit, mmap, comm, freq, sample_id_all */
		.flags = (1u << 0) | (1u << 1) | (1u << 8) | (1u << 9) | (1u << 10) | (1u << 18),
	};

	attr_pack(a, &attr);
}

static void write_mmap(struct out *o, u16 misc, u32 pid, u64 start, u64 len, u64 pgoff,
		       const char *name)
{
	struct rec r;

	rec_begin(&r, REC_MMAP, misc);
	rec_u32(&r, pid);
	rec_u32(&r, pid);
	rec_u64(&r, start);
	rec_u64(&r, len);
	rec_u64(&r, pgoff);
	rec_str(&r, name);
	rec_trailer(&r, pid, pid, 0, 0, event_id(0));
	rec_end(o, &r);
}

static void write_comm(struct out *o, u32 pid, u32 tid, const char *comm)
{
	struct rec r;

	rec_begin(&r, REC_COMM, CPUMODE_USER);
	rec_u32(&r, pid);
	rec_u32(&r, tid);
	rec_str(&r, comm);
	rec_trailer(&r, pid, tid, 0, 0, event_id(0));
	rec_end(o, &r);
}

/* One MMAP per module with a known base, named [name] like perf kvm record. */
static void write_guest_module_maps(struct out *o, const struct guest *g)
{
	const struct symtab *st = &g->st;

	for (size_t i = 0; i < st->nr_mods; i++) {
		const struct module *m = &st->mods[i];
		char name[80];

		if (!m->base)
			continue;
		snprintf(name, sizeof(name), "[%s]", m->name);
		write_mmap(o, CPUMODE_GUEST_KERNEL, (u32)g->pid, m->base, m->size, 0, name);
	}
}

/* start = pgoff = _text, and the map runs to the top of memory like perf's. */
static void write_guest_kernel_map(struct out *o, const struct guest *g)
{
	char name[64];

	if (g->pid)
		snprintf(name, sizeof(name), "[guest.kernel.kallsyms.%d]_text", g->pid);
	else
		snprintf(name, sizeof(name), "[guest.kernel.kallsyms]_text");
	u64 text = g->st.text + g->kaslr;

	write_mmap(o, CPUMODE_GUEST_KERNEL, (u32)g->pid, text, UINT64_MAX - text, text, name);
}

/* The record order matters to perf 6.1: see --order in the header comment. */
static void write_guest_maps(struct out *o, const struct guest *g)
{
	switch (g->order) {
	case ORDER_MODULES_FIRST:
		write_guest_module_maps(o, g);
		write_guest_kernel_map(o, g);
		break;
	case ORDER_KERNEL_FIRST:
		write_guest_kernel_map(o, g);
		write_guest_module_maps(o, g);
		break;
	case ORDER_NO_MODULES:
	case ORDER_UNSET:	/* resolved in guest_setup() */
		write_guest_kernel_map(o, g);
		break;
	}
}

/*
 * With --callchains: the chain perf 6.1 writes on a KVM host. In guest
 * state the x86 callchain walkers store nothing, so a guest sample gets
 * the host's two context markers only; host samples start with their ip.
 */
static bool callchains;

static void write_sample(struct out *o, u16 cpumode, u64 ip, u32 pid, u32 tid, u64 time,
			 u32 cpu, u64 period)
{
	struct rec r;

	rec_begin(&r, REC_SAMPLE, cpumode);
	rec_u64(&r, event_id(cpu));	/* IDENTIFIER */
	rec_u64(&r, ip);
	rec_u32(&r, pid);
	rec_u32(&r, tid);
	rec_u64(&r, time);
	rec_u32(&r, cpu);
	rec_u32(&r, 0);
	rec_u64(&r, period);
	if (callchains) {
		switch (cpumode) {
		case CPUMODE_GUEST_KERNEL:
		case CPUMODE_GUEST_USER:
			rec_u64(&r, 2);
			rec_u64(&r, CONTEXT_KERNEL);
			rec_u64(&r, CONTEXT_USER);
			break;
		default:
			rec_u64(&r, 2);
			rec_u64(&r, cpumode == CPUMODE_KERNEL ? CONTEXT_KERNEL : CONTEXT_USER);
			rec_u64(&r, ip);
			break;
		}
	}
	rec_end(o, &r);
}

/* Samples and module ranges may not overlap in --stale mode. */
static bool inside_files(const struct symtab *st, u64 ip)
{
	u64 kend = st->end ? st->end : st->etext;

	if (ip >= st->text && ip < kend)
		return true;
	for (size_t i = 0; i < st->nr_mods; i++)
		if (st->mods[i].base && ip >= st->mods[i].base &&
		    ip - st->mods[i].base < st->mods[i].size)
			return true;
	return false;
}

/* One guest sample of category c; returns its ip. */
static u64 guest_ip(struct guest *g, enum cat c)
{
	struct hot *h;
	size_t nr, i;
	u64 ip;
	double u;

	if (c == CAT_USER)	/* anywhere in a low user address space */
		return 0x400000 + rng_below(0x7f0000000000ull);
	h = c == CAT_KERNEL ? g->khot : g->mhot;
	nr = c == CAT_KERNEL ? g->nr_khot : g->nr_mhot;
	/* u^2 skews toward the first hot symbols: a profile has a head */
	u = (double)(rng_next() >> 11) / (double)(1ull << 53);
	i = (size_t)(u * u * (double)nr);
	if (i >= nr)
		i = nr - 1;
	h[i].count++;
	ip = g->st.syms[h[i].sym].addr + rng_below(h[i].room);
	if (g->kstale || g->mstale) {
		u64 shift = c == CAT_KERNEL ? g->kstale : g->mstale;

		if (ip + shift < ip || inside_files(&g->st, ip + shift))
			die("--stale: ip %#" PRIx64 " moved by %#" PRIx64
			    " wraps or still lies inside the files' ranges", ip, shift);
		ip += shift;
	}
	if (c == CAT_KERNEL)
		ip += g->kaslr;
	return ip;
}

/*
 * One entry of pmukvm's feature 200 (util/guest.h): u32 kind
 * (1 kallsyms, 2 modules), s32 machine pid, u64 size, the file gzipped,
 * zero padding to 8.
 */
static void put_guest_file(struct buf *b, u32 kind, s32 pid, const char *path)
{
	static const unsigned char zero[8];
	gzFile in = open_input(path);
	z_stream zs = { 0 };
	unsigned char ibuf[65536], obuf[65536];
	u64 size = 0;
	size_t at;
	int n, flush;

	buf_u32(b, kind);
	buf_put(b, &pid, 4);
	at = b->len;
	buf_u64(b, 0);		/* size, known at the end */
	if (deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		die("zlib: deflateInit2 failed");
	do {
		n = gzread(in, ibuf, sizeof(ibuf));
		if (n < 0)
			die("cannot read '%s'", path);
		flush = n == 0 ? Z_FINISH : Z_NO_FLUSH;
		zs.next_in = ibuf;
		zs.avail_in = (uInt)n;
		do {
			zs.next_out = obuf;
			zs.avail_out = sizeof(obuf);
			deflate(&zs, flush);
			buf_put(b, obuf, sizeof(obuf) - zs.avail_out);
			size += sizeof(obuf) - zs.avail_out;
		} while (zs.avail_out == 0);
	} while (flush != Z_FINISH);
	deflateEnd(&zs);
	gzclose(in);
	buf_put(b, zero, (8 - size % 8) % 8);
	memcpy(b->p + at, &size, 8);
}

static void write_perf_data(struct opts *opt)
{
	unsigned char attr[ATTR_SIZE], hdr[HEADER_SIZE] = { 0 };
	u32 ncpu = (u32)opt->vcpus;
	u64 ids_off = HEADER_SIZE, ids_size = 8ull * ncpu;
	u64 attrs_off = ids_off + ids_size, data_off = attrs_off + ATTR_SIZE + 16;
	u64 left[2] = { opt->n_host_kernel, opt->n_host_user }, remaining = 0;
	u64 time = 1000000000ull, nsamples = 0, v;
	struct out o = { .path = opt->output };
	struct feats feats = { 0 };
	struct file_header fh = { 0 };
	struct buf *fb;

	o.f = out_open(opt->output);
	callchains = opt->callchains;
	put_attr(attr, opt);

	/* ids, then the one attr with its ids section, then data */
	out_put(&o, hdr, HEADER_SIZE);
	for (u32 c = 0; c < ncpu; c++) {
		v = event_id(c);
		out_put(&o, &v, 8);
	}
	out_put(&o, attr, ATTR_SIZE);
	out_put(&o, &ids_off, 8);
	out_put(&o, &ids_size, 8);

	write_mmap(&o, CPUMODE_KERNEL, (u32)-1, HOST_KERNEL_TEXT, UINT64_MAX - HOST_KERNEL_TEXT,
		   HOST_KERNEL_TEXT, "[kernel.kallsyms]_text");
	write_comm(&o, HOST_USER_PID, HOST_USER_PID, "stress");
	for (int i = 0; i < opt->nr_guests; i++) {
		struct guest *g = &opt->guests[i];
		char comm[32];

		write_comm(&o, (u32)g->qemu_pid, (u32)g->qemu_pid, "qemu-system-x86");
		for (u32 c = 0; c < ncpu; c++) {
			snprintf(comm, sizeof(comm), "CPU %u/KVM", c);
			write_comm(&o, (u32)g->qemu_pid, (u32)g->qemu_pid + 1 + c, comm);
		}
		write_guest_maps(&o, g);
		for (int c = 0; c < 3; c++)
			remaining += g->left[c];
	}
	remaining += left[0] + left[1];

	/*
	 * Interleave by drawing without replacement: each next sample's
	 * category is chosen in proportion to what is left, so counts are
	 * exact and nothing is buffered.
	 */
	while (remaining) {
		u64 r = rng_below(remaining);
		u32 cpu = (u32)rng_below(ncpu);
		bool done = false;

		time += 1000 + rng_below(9000);
		for (int i = 0; i < opt->nr_guests && !done; i++) {
			struct guest *g = &opt->guests[i];

			for (int c = 0; c < 3 && !done; c++) {
				if (r >= g->left[c]) {
					r -= g->left[c];
					continue;
				}
				g->left[c]--;
				write_sample(&o, c == CAT_USER ? CPUMODE_GUEST_USER :
					     CPUMODE_GUEST_KERNEL, guest_ip(g, c),
					     (u32)g->qemu_pid, (u32)g->qemu_pid + 1 + cpu,
					     time, cpu, opt->period);
				done = true;
			}
		}
		if (!done && r < left[0]) {
			/* below the host kernel map: resolves nowhere */
			left[0]--;
			write_sample(&o, CPUMODE_KERNEL,
				     HOST_KERNEL_TEXT - 0x1000000 + rng_below(0x1000000),
				     HOST_USER_PID, HOST_USER_PID, time, cpu, opt->period);
		} else if (!done) {
			left[1]--;
			write_sample(&o, CPUMODE_USER, 0x10000 + rng_below(0x10000000),
				     HOST_USER_PID, HOST_USER_PID, time, cpu, opt->period);
		}
		remaining--;
		if (++nsamples % opt->round == 0 || !remaining) {
			struct rec r2;

			rec_begin(&r2, REC_FINISHED_ROUND, 0);
			rec_end(&o, &r2);
		}
	}

	/* features: the section table, then the payloads it points at */
	feats_host(&feats, ncpu);
	fb = feat_add(&feats, FEAT_EVENT_DESC);
	buf_u32(fb, 1);
	buf_u32(fb, ATTR_SIZE);
	buf_put(fb, attr, ATTR_SIZE);
	buf_u32(fb, ncpu);
	feat_string(fb, opt->cycles ? "cycles" : "cpu-clock");
	for (u32 c = 0; c < ncpu; c++)
		buf_u64(fb, event_id(c));
	if (opt->carry) {
		fb = feat_add(&feats, FEAT_GUEST_FILES);
		for (int g = 0; g < opt->nr_guests; g++) {
			const struct guest *gg = &opt->guests[g];

			put_guest_file(fb, 1, gg->pid, gg->carry_kallsyms ?
				       gg->carry_kallsyms : gg->kallsyms);
			put_guest_file(fb, 2, gg->pid, gg->carry_modules ?
				       gg->carry_modules : gg->modules);
		}
	}
	feats_write(o.f, o.path, &feats, data_off + o.data_size);
	feats_bits(&feats, fh.feat_bits);
	feats_free(&feats);

	/* and the header, now that the sizes are known */
	fh.attr_size = ATTR_SIZE + 16;
	fh.attrs_off = attrs_off;
	fh.attrs_size = ATTR_SIZE + 16;
	fh.data_off = data_off;
	fh.data_size = o.data_size;
	header_pack(hdr, &fh);
	if (fseek(o.f, 0, SEEK_SET))
		die("cannot seek '%s': %s", o.path, strerror(errno));
	out_put(&o, hdr, HEADER_SIZE);
	out_close(o.f, o.path);
}

/* ------------------------------------------------------------ expectation */

struct exp_line {
	char *key;	/* "machine\tmode\tdso\tsymbol" */
	u64 count;
};

struct expect {
	struct exp_line *lines;
	size_t nr, alloc;
};

static void exp_add(struct expect *e, u64 count, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void exp_add(struct expect *e, u64 count, const char *fmt, ...)
{
	va_list ap;
	char *key;

	if (!count)
		return;
	va_start(ap, fmt);
	if (vasprintf(&key, fmt, ap) < 0)
		die("out of memory");
	va_end(ap);
	if (e->nr == e->alloc) {
		e->alloc = e->alloc ? e->alloc * 2 : 256;
		e->lines = xrealloc(e->lines, e->alloc * sizeof(*e->lines));
	}
	e->lines[e->nr].key = key;
	e->lines[e->nr++].count = count;
}

static int cmp_exp(const void *a, const void *b)
{
	return strcmp(((const struct exp_line *)a)->key, ((const struct exp_line *)b)->key);
}

/*
 * Writes the expectation. Two hot functions may share a name (static
 * functions in different files): their lines merge, as a report sorted by
 * dso,sym and summed by name shows them.
 */
static void write_expect(const struct opts *opt, const u64 totals[], const char *const names[],
			 size_t nr_totals)
{
	struct expect e = { 0 };
	FILE *f;

	for (int i = 0; i < opt->nr_guests; i++) {
		const struct guest *g = &opt->guests[i];
		const char *kdso = "[guest.kernel.kallsyms]";
		u64 stale_k = 0, stale_m = 0;

		for (size_t j = 0; j < g->nr_khot; j++) {
			if (opt->stale)
				stale_k += g->khot[j].count;
			else
				exp_add(&e, g->khot[j].count, "%d\tguest-kernel\t%s\t%s", g->pid,
					kdso, sym_name(&g->st, g->khot[j].sym));
		}
		for (size_t j = 0; j < g->nr_mhot; j++) {
			const struct sym *s = &g->st.syms[g->mhot[j].sym];

			if (opt->stale)
				stale_m += g->mhot[j].count;
			else
				exp_add(&e, g->mhot[j].count, "%d\tguest-module\t[%s]\t%s", g->pid,
					g->st.mods[s->mod].name, sym_name(&g->st, g->mhot[j].sym));
		}
		exp_add(&e, stale_k, "%d\tguest-kernel-stale\t[unknown]\t[unknown]", g->pid);
		exp_add(&e, stale_m, "%d\tguest-module-stale\t[unknown]\t[unknown]", g->pid);
		exp_add(&e, opt->n_user, "%d\tguest-user\t[guest.user]\t[unknown]", g->pid);
	}
	exp_add(&e, opt->n_host_kernel, "host\thost-kernel\t[kernel.kallsyms]\t[unknown]");
	exp_add(&e, opt->n_host_user, "host\thost-user\t[unknown]\t[unknown]");

	qsort(e.lines, e.nr, sizeof(*e.lines), cmp_exp);
	f = fopen(opt->expect, "w");
	if (!f)
		die("cannot create '%s': %s", opt->expect, strerror(errno));
	partial_path = opt->expect;
	fprintf(f, "# mkguestdata expectation v1: seed %" PRIu64 ", %s\n", opt->seed,
		opt->stale ? "stale" : "fresh");
	fprintf(f, "# machine\tmode\tdso\tsymbol\tsamples\n");
	for (size_t i = 0; i < e.nr; i++) {
		size_t j = i;
		u64 sum = 0;

		while (j < e.nr && !strcmp(e.lines[j].key, e.lines[i].key))
			sum += e.lines[j++].count;
		fprintf(f, "%s\t%" PRIu64 "\n", e.lines[i].key, sum);
		i = j - 1;
	}
	for (size_t i = 0; i < nr_totals; i++)
		fprintf(f, "#total\t%s\t%" PRIu64 "\n", names[i], totals[i]);
	for (size_t i = 0; i < e.nr; i++)
		free(e.lines[i].key);
	free(e.lines);
	if (ferror(f) | fclose(f))
		die("cannot write '%s'", opt->expect);
	partial_path = NULL;
}

/* ----------------------------------------------------- symbol file copies */

/*
 * Copies a kallsyms (modules false) or /proc/modules (modules true) file,
 * rewriting each address: zero it (zero true) or move it by kshift (core
 * kernel symbols) or mshift (module symbols and module bases). Only
 * kernel-half addresses move: per-cpu offsets near 0 are not relocated by
 * KASLR. Streams line by line.
 */
static void copy_symfile(const char *in, const char *out, bool modules, bool zero,
			 u64 kshift, u64 mshift)
{
	char line[LINE_MAX_LEN];
	unsigned long lineno = 0;
	gzFile f = open_input(in);
	FILE *o = fopen(out, "w");

	if (!o)
		die("cannot create '%s': %s", out, strerror(errno));
	partial_path = out;
	while (read_line(f, in, line, sizeof(line), &lineno)) {
		char *addr = line, *rest;
		u64 a, shift;

		if (modules) {
			/* the address is the sixth field */
			addr = line;
			for (int i = 0; i < 5 && addr; i++) {
				addr = strchr(addr, ' ');
				if (addr)
					addr++;
			}
			if (!addr || strncmp(addr, "0x", 2))
				die("%s:%lu: not a /proc/modules line", in, lineno);
		}
		if (!parse_hex(addr, &a, &rest))
			die("%s:%lu: bad address", in, lineno);
		shift = modules || strchr(rest, '\t') ? mshift : kshift;
		if (zero) {
			a = 0;
		} else if (a >> 63) {
			if ((a + shift) >> 63 == 0)
				die("%s:%lu: address %#" PRIx64 " leaves the kernel half when moved",
				    in, lineno, a);
			a += shift;
		}
		fprintf(o, "%.*s%s%016" PRIx64 "%s\n", (int)(addr - line), line,
			modules ? "0x" : "", a, rest);
	}
	gzclose(f);
	if (ferror(o) | fclose(o))
		die("cannot write '%s'", out);
	partial_path = NULL;
}

static void mkdir_p(const char *path)
{
	char buf[PATH_MAX];

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		die("path too long: '%s'", path);
	for (char *p = buf + 1; ; p++) {
		if (*p == '/' || !*p) {
			char c = *p;

			*p = '\0';
			if (mkdir(buf, 0755) && errno != EEXIST)
				die("cannot create '%s': %s", buf, strerror(errno));
			*p = c;
			if (!c)
				break;
		}
	}
}

/* ---------------------------------------------------------------- options */

static void usage(FILE *f)
{
	fprintf(f,
"usage: mkguestdata -o FILE [--expect FILE] --guest PID:KALLSYMS:MODULES[:ORDER]...\n"
"                   [--order ORDER] [--kernel-samples N] [--module-samples N]\n"
"                   [--user-samples N] [--host-kernel-samples N]\n"
"                   [--host-user-samples N] [--kernel-symbols N]\n"
"                   [--module-symbols N] [--vcpus N] [--seed N]\n"
"                   [--event cycles|cpu-clock] [--period N] [--round N]\n"
"                   [--stale HEX] [--kaslr HEX] [--carry-files] [--callchains]\n"
"   or: mkguestdata --make-guestmount DIR --pid PID --shift [-]HEX\n"
"                   [--module-shift [-]HEX] --kallsyms K --modules M\n"
"   or: mkguestdata [--zero-kallsyms OUT --kallsyms K] [--zero-modules OUT --modules M]\n"
"\n"
"Writes a perf.data file with KVM guest samples as `perf kvm record` would,\n"
"and the attribution they must get.\n"
"\n"
"  -o, --output FILE        the perf.data file to write\n"
"  --expect FILE            the expected attribution (TSV, see the source)\n"
"  --guest PID:K:M[:ORDER]  a guest (up to %d): PID 0 = default guest\n"
"                           (--guestkallsyms), else the QEMU pid under\n"
"                           --guestmount; K, M: kallsyms and modules, may be .gz\n"
"  --order ORDER            modules-first (default), kernel-first, no-modules\n"
"  --kernel-samples N       guest kernel samples per guest (2000)\n"
"  --module-samples N       guest module samples per guest (500)\n"
"  --user-samples N         guest user samples per guest (200)\n"
"  --host-kernel-samples N  host kernel samples (100)\n"
"  --host-user-samples N    host user samples (100)\n"
"  --kernel-symbols N       distinct guest kernel functions hit (64)\n"
"  --module-symbols N       distinct guest module functions hit (32)\n"
"  --vcpus N                vCPUs per guest, also the host cpus (2)\n"
"  --seed N                 PRNG seed (1)\n"
"  --event E                cycles (default) or cpu-clock\n"
"  --period N               period of every sample (100000)\n"
"  --round N                FINISHED_ROUND every N samples (1000)\n"
"  --kaslr HEX              the recording's guest core kernel (_text record\n"
"                           and kernel samples) HEX bytes above the files'\n"
"  --carry PID:KALLSYMS:MODULES  carry these files for guest PID instead\n"
"                           of its --guest ones (implies --carry-files)\n"
"  --callchains             sample callchains as perf record -g writes them on\n"
"                           a 6.1 KVM host (guest samples: context markers only)\n"
"  --carry-files            store each guest's kallsyms and modules in the\n"
"                           file (pmukvm's feature 200, gzip), as record does\n"
"  --stale HEX              guest samples HEX bytes past the kernel's _end\n"
"                           and the module area: no symbol file covers them\n"
"  --make-guestmount DIR    write DIR/PID/proc/{kallsyms,modules} from\n"
"                           --kallsyms/--modules, moved by --shift\n"
"  --pid PID, --shift [-]HEX, --module-shift [-]HEX\n"
"  --kallsyms K, --modules M  input symbol files of the copy modes\n"
"  --zero-kallsyms OUT      write K with all addresses 0 (a non-root copy)\n"
"  --zero-modules OUT       write M with all addresses 0\n"
"  -h, --help               this text\n", MAX_GUESTS);
}

static void __attribute__((noreturn)) bad_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help'.\n", prog);
	exit(2);
}

static u64 parse_count(const char *opt, const char *arg, u64 min, u64 max)
{
	char *end;
	unsigned long long v;

	errno = 0;
	if (!*arg || *arg == '-' || !strchr("0123456789", *arg))
		bad_usage("%s: '%s' is not a number", opt, arg);
	v = strtoull(arg, &end, 0);
	if (errno || *end)
		bad_usage("%s: '%s' is not a number", opt, arg);
	if (v < min || v > max)
		bad_usage("%s: %llu is out of range [%" PRIu64 ", %" PRIu64 "]", opt, v, min, max);
	return v;
}

/* [-]HEX with or without 0x, as a two's complement shift. */
static u64 parse_shift(const char *opt, const char *arg)
{
	bool neg = *arg == '-';
	char *end;
	u64 v;

	if (!parse_hex(arg + neg, &v, &end) || *end)
		bad_usage("%s: '%s' is not a hex number", opt, arg);
	return neg ? (u64)0 - v : v;
}

static int parse_order(const char *opt, const char *arg, bool must)
{
	for (size_t i = 0; i < ARRAY_LEN(order_names); i++)
		if (!strcmp(arg, order_names[i]))
			return (int)i;
	if (must)
		bad_usage("%s: unknown order '%s' (modules-first, kernel-first, no-modules)",
			  opt, arg);
	return -1;
}

/* PID:KALLSYMS:MODULES[:ORDER]; the ORDER is filled in later if absent. */
static void parse_guest(struct opts *opt, char *arg)
{
	char *f[5];
	int n = 0, order = -1;
	struct guest *g;

	if (opt->nr_guests == MAX_GUESTS)
		bad_usage("--guest: at most %d guests", MAX_GUESTS);
	for (char *p = arg; n < 5; n++) {
		f[n] = p;
		p = strchr(p, ':');
		if (!p) {
			n++;
			break;
		}
		*p++ = '\0';
	}
	if (n < 3 || n > 4 || !*f[1] || !*f[2])
		bad_usage("--guest: want PID:KALLSYMS:MODULES[:ORDER]");
	if (n == 4)
		order = parse_order("--guest", f[3], true);
	g = &opt->guests[opt->nr_guests++];
	memset(g, 0, sizeof(*g));
	g->pid = (int)parse_count("--guest", f[0], 0, 4194304);
	g->kallsyms = f[1];
	g->modules = f[2];
	g->order = (enum order)order;
	for (int i = 0; i < opt->nr_guests - 1; i++)
		if (opt->guests[i].pid == g->pid)
			bad_usage("--guest: pid %d given twice", g->pid);
}

enum {
	OPT_EXPECT = 256, OPT_GUEST, OPT_ORDER, OPT_KSAMPLES, OPT_MSAMPLES, OPT_USAMPLES,
	OPT_HKSAMPLES, OPT_HUSAMPLES, OPT_KSYMS, OPT_MSYMS, OPT_VCPUS, OPT_SEED, OPT_EVENT,
	OPT_PERIOD, OPT_ROUND, OPT_STALE, OPT_KASLR, OPT_CARRY, OPT_CALLCHAINS, OPT_MKMOUNT, OPT_PID, OPT_SHIFT, OPT_MSHIFT,
	OPT_KALLSYMS, OPT_MODULES, OPT_ZKALLSYMS, OPT_ZMODULES, OPT_CARRY_FROM,
};

static const struct option long_opts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "expect", required_argument, NULL, OPT_EXPECT },
	{ "guest", required_argument, NULL, OPT_GUEST },
	{ "order", required_argument, NULL, OPT_ORDER },
	{ "kernel-samples", required_argument, NULL, OPT_KSAMPLES },
	{ "module-samples", required_argument, NULL, OPT_MSAMPLES },
	{ "user-samples", required_argument, NULL, OPT_USAMPLES },
	{ "host-kernel-samples", required_argument, NULL, OPT_HKSAMPLES },
	{ "host-user-samples", required_argument, NULL, OPT_HUSAMPLES },
	{ "kernel-symbols", required_argument, NULL, OPT_KSYMS },
	{ "module-symbols", required_argument, NULL, OPT_MSYMS },
	{ "vcpus", required_argument, NULL, OPT_VCPUS },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "event", required_argument, NULL, OPT_EVENT },
	{ "period", required_argument, NULL, OPT_PERIOD },
	{ "round", required_argument, NULL, OPT_ROUND },
	{ "stale", required_argument, NULL, OPT_STALE },
	{ "kaslr", required_argument, NULL, OPT_KASLR },
	{ "carry-files", no_argument, NULL, OPT_CARRY },
	{ "carry", required_argument, NULL, OPT_CARRY_FROM },
	{ "callchains", no_argument, NULL, OPT_CALLCHAINS },
	{ "make-guestmount", required_argument, NULL, OPT_MKMOUNT },
	{ "pid", required_argument, NULL, OPT_PID },
	{ "shift", required_argument, NULL, OPT_SHIFT },
	{ "module-shift", required_argument, NULL, OPT_MSHIFT },
	{ "kallsyms", required_argument, NULL, OPT_KALLSYMS },
	{ "modules", required_argument, NULL, OPT_MODULES },
	{ "zero-kallsyms", required_argument, NULL, OPT_ZKALLSYMS },
	{ "zero-modules", required_argument, NULL, OPT_ZMODULES },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct copy_opts {
	const char *mount, *kallsyms, *modules, *zkallsyms, *zmodules;
	u64 pid, shift, mshift;
	bool has_pid, has_shift, has_mshift;
};

static int run_copies(const struct copy_opts *c)
{
	if (c->mount) {
		char dir[PATH_MAX], k[PATH_MAX + 16], m[PATH_MAX + 16];

		if (!c->has_pid || !c->has_shift || !c->kallsyms || !c->modules)
			bad_usage("--make-guestmount needs --pid, --shift, --kallsyms and --modules");
		if (c->pid == 0)
			bad_usage("--pid: a guestmount guest has a nonzero QEMU pid");
		if (snprintf(dir, sizeof(dir), "%s/%" PRIu64 "/proc", c->mount, c->pid) >=
		    (int)sizeof(dir))
			die("path too long: '%s'", c->mount);
		mkdir_p(dir);
		snprintf(k, sizeof(k), "%s/kallsyms", dir);
		snprintf(m, sizeof(m), "%s/modules", dir);
		copy_symfile(c->kallsyms, k, false, false, c->shift,
			     c->has_mshift ? c->mshift : c->shift);
		copy_symfile(c->modules, m, true, false, 0,
			     c->has_mshift ? c->mshift : c->shift);
	}
	if (c->zkallsyms) {
		if (!c->kallsyms)
			bad_usage("--zero-kallsyms needs --kallsyms");
		copy_symfile(c->kallsyms, c->zkallsyms, false, true, 0, 0);
	}
	if (c->zmodules) {
		if (!c->modules)
			bad_usage("--zero-modules needs --modules");
		copy_symfile(c->modules, c->zmodules, true, true, 0, 0);
	}
	return 0;
}

/* Loads a guest's files and picks the functions its samples hit. */
static void guest_setup(struct opts *opt, struct guest *g, int idx)
{
	struct symtab *st = &g->st;
	struct hot *cand;
	u32 *order;
	size_t n;

	load_modules(st, g->modules);
	load_kallsyms(st, g->kallsyms);
	if (!st->text)
		die("'%s': no _text symbol: not a kallsyms file, or read without root "
		    "(all addresses 0)", g->kallsyms);
	g->qemu_pid = g->pid ? g->pid : QEMU_PID_BASE + 100 * idx;
	if (g->order == ORDER_UNSET)
		g->order = opt->order;

	order = xcalloc(st->nr_syms, sizeof(*order));
	for (size_t i = 0; i < st->nr_syms; i++)
		order[i] = (u32)i;
	sort_st = st;
	qsort(order, st->nr_syms, sizeof(*order), cmp_sym_idx);
	cand = xcalloc(st->nr_syms, sizeof(*cand));

	n = find_candidates(st, order, false, cand);
	if (!n && opt->n_kernel)
		die("'%s': no kernel function qualifies for samples", g->kallsyms);
	g->khot = pick_hot(cand, n, opt->kernel_symbols, &g->nr_khot);
	n = find_candidates(st, order, true, cand);
	if (!n && opt->n_module)
		die("'%s' and '%s': no module function qualifies for samples "
		    "(use --module-samples 0)", g->kallsyms, g->modules);
	g->mhot = pick_hot(cand, n, opt->module_symbols, &g->nr_mhot);
	free(cand);
	free(order);

	g->kaslr = opt->kaslr;
	g->left[CAT_KERNEL] = opt->n_kernel;
	g->left[CAT_MODULE] = opt->n_module;
	g->left[CAT_USER] = opt->n_user;

	if (opt->stale) {
		u64 kend = st->end ? st->end : st->etext, lo = UINT64_MAX, hi = 0;

		g->kstale = ((kend - st->text + (2u << 20) - 1) & ~((u64)(2u << 20) - 1)) +
			    opt->stale_gap;
		for (size_t i = 0; i < st->nr_mods; i++) {
			if (!st->mods[i].base)
				continue;
			if (st->mods[i].base < lo)
				lo = st->mods[i].base;
			if (st->mods[i].base + st->mods[i].size > hi)
				hi = st->mods[i].base + st->mods[i].size;
		}
		g->mstale = (hi > lo ? hi - lo : 0) + opt->stale_gap;
	}
}

int main(int argc, char **argv)
{
	struct opts *opt = xcalloc(1, sizeof(*opt));
	struct copy_opts copy = { 0 };
	u64 totals[9] = { 0 };
	static const char *const tnames[] = {
		"guest-kernel", "guest-module", "guest-user", "host-kernel", "host-user",
		"guest", "host", "all", "guest-stale",
	};
	int c;

	opt->n_kernel = 2000;
	opt->n_module = 500;
	opt->n_user = 200;
	opt->n_host_kernel = 100;
	opt->n_host_user = 100;
	opt->kernel_symbols = 64;
	opt->module_symbols = 32;
	opt->vcpus = 2;
	opt->seed = 1;
	opt->period = 100000;
	opt->round = 1000;
	opt->cycles = true;

	while ((c = getopt_long(argc, argv, "o:h", long_opts, NULL)) != -1) {
		switch (c) {
		case 'o': opt->output = optarg; break;
		case 'h': usage(stdout); free(opt); return 0;
		case OPT_EXPECT: opt->expect = optarg; break;
		case OPT_GUEST: parse_guest(opt, optarg); break;
		case OPT_ORDER:
			opt->order = (enum order)parse_order("--order", optarg, true);
			break;
		case OPT_KSAMPLES:
			opt->n_kernel = parse_count("--kernel-samples", optarg, 0, MAX_SAMPLES);
			break;
		case OPT_MSAMPLES:
			opt->n_module = parse_count("--module-samples", optarg, 0, MAX_SAMPLES);
			break;
		case OPT_USAMPLES:
			opt->n_user = parse_count("--user-samples", optarg, 0, MAX_SAMPLES);
			break;
		case OPT_HKSAMPLES:
			opt->n_host_kernel = parse_count("--host-kernel-samples",
			                                 optarg, 0, MAX_SAMPLES);
			break;
		case OPT_HUSAMPLES:
			opt->n_host_user = parse_count("--host-user-samples",
			                               optarg, 0, MAX_SAMPLES);
			break;
		case OPT_KSYMS:
			opt->kernel_symbols = parse_count("--kernel-symbols", optarg, 1, MAX_HOT);
			break;
		case OPT_MSYMS:
			opt->module_symbols = parse_count("--module-symbols", optarg, 1, MAX_HOT);
			break;
		case OPT_VCPUS: opt->vcpus = parse_count("--vcpus", optarg, 1, MAX_VCPUS); break;
		case OPT_SEED: opt->seed = parse_count("--seed", optarg, 0, UINT64_MAX); break;
		case OPT_PERIOD:
			opt->period = parse_count("--period", optarg, 1, UINT64_MAX);
			break;
		case OPT_ROUND: opt->round = parse_count("--round", optarg, 1, UINT64_MAX); break;
		case OPT_EVENT:
			if (!strcmp(optarg, "cycles"))
				opt->cycles = true;
			else if (!strcmp(optarg, "cpu-clock"))
				opt->cycles = false;
			else
				bad_usage("--event: '%s' is neither cycles nor cpu-clock", optarg);
			break;
		case OPT_CARRY:
			opt->carry = true;
			break;
		case OPT_CARRY_FROM:
			if (opt->nr_carries == MAX_GUESTS)
				bad_usage("--carry: at most %d", MAX_GUESTS);
			opt->carries[opt->nr_carries++] = optarg;
			opt->carry = true;
			break;
		case OPT_CALLCHAINS:
			opt->callchains = true;
			break;
		case OPT_STALE:
			opt->stale = true;
			opt->stale_gap = parse_shift("--stale", optarg);
			if (optarg[0] == '-')
				bad_usage("--stale: the gap cannot be negative");
			break;
		case OPT_KASLR:
			opt->kaslr = parse_shift("--kaslr", optarg);
			break;
		case OPT_MKMOUNT: copy.mount = optarg; break;
		case OPT_PID:
			copy.pid = parse_count("--pid", optarg, 1, 4194304);
			copy.has_pid = true;
			break;
		case OPT_SHIFT:
			copy.shift = parse_shift("--shift", optarg);
			copy.has_shift = true;
			break;
		case OPT_MSHIFT:
			copy.mshift = parse_shift("--module-shift", optarg);
			copy.has_mshift = true;
			break;
		case OPT_KALLSYMS: copy.kallsyms = optarg; break;
		case OPT_MODULES: copy.modules = optarg; break;
		case OPT_ZKALLSYMS: copy.zkallsyms = optarg; break;
		case OPT_ZMODULES: copy.zmodules = optarg; break;
		default: bad_usage("unknown option");
		}
	}
	if (optind < argc)
		bad_usage("unexpected argument '%s'", argv[optind]);

	if (copy.mount || copy.zkallsyms || copy.zmodules) {
		if (opt->output || opt->nr_guests)
			bad_usage("the copy modes do not write perf.data: drop -o and --guest");
		free(opt);
		return run_copies(&copy);
	}
	if (copy.kallsyms || copy.modules || copy.has_pid || copy.has_shift || copy.has_mshift)
		bad_usage("--kallsyms, --modules, --pid and --shift belong to the copy modes");
	if (!opt->output)
		bad_usage("no output file (-o)");
	if (!opt->nr_guests)
		bad_usage("no guest (--guest PID:KALLSYMS:MODULES)");
	if (opt->stale && opt->kaslr)
		bad_usage("--stale and --kaslr do not combine");
	for (int i = 0; i < opt->nr_carries; i++) {
		char *k = strchr(opt->carries[i], ':'), *m = k ? strchr(k + 1, ':') : NULL;
		struct guest *g = NULL;
		int pid;

		if (!k || !m || k[1] == ':' || !m[1] || strchr(m + 1, ':'))
			bad_usage("--carry: want PID:KALLSYMS:MODULES");
		*k++ = '\0';
		*m++ = '\0';
		pid = (int)parse_count("--carry", opt->carries[i], 0, 4194304);
		for (int j = 0; j < opt->nr_guests; j++)
			if (opt->guests[j].pid == pid)
				g = &opt->guests[j];
		if (!g)
			bad_usage("--carry: no --guest with pid %d", pid);
		if (g->carry_kallsyms)
			bad_usage("--carry: pid %d given twice", pid);
		g->carry_kallsyms = k;
		g->carry_modules = m;
	}

	rng_state = opt->seed * 0x9e3779b97f4a7c15ull + 0x853c49e6748fea9bull;
	if (!rng_state)
		rng_state = 1;
	for (int i = 0; i < opt->nr_guests; i++)
		guest_setup(opt, &opt->guests[i], i);
	write_perf_data(opt);

	for (int i = 0; i < opt->nr_guests; i++) {
		totals[0] += opt->n_kernel;
		totals[1] += opt->n_module;
		totals[2] += opt->n_user;
	}
	totals[3] = opt->n_host_kernel;
	totals[4] = opt->n_host_user;
	totals[5] = totals[0] + totals[1] + totals[2];
	totals[6] = totals[3] + totals[4];
	totals[7] = totals[5] + totals[6];
	totals[8] = opt->stale ? totals[0] + totals[1] : 0;
	if (opt->expect)
		write_expect(opt, totals, tnames, ARRAY_LEN(tnames));
	for (size_t i = 0; i < ARRAY_LEN(tnames); i++)
		printf("%s%s=%" PRIu64, i ? " " : "", tnames[i], totals[i]);
	printf("\n");
	for (int i = 0; i < opt->nr_guests; i++) {
		free(opt->guests[i].st.syms);
		free(opt->guests[i].st.names);
		free(opt->guests[i].khot);
		free(opt->guests[i].mhot);
	}
	free(opt);
	if (fflush(stdout) || ferror(stdout))
		die("cannot write to stdout");
	return 0;
}
