// SPDX-License-Identifier: GPL-2.0
#include "util/hist.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "symbols/symtab.h"
#include "util/callchain.h"
#include "util/err.h"
#include "util/introsort.h"
#include "util/row-prefix.h"
#include "util/srcline.h"

const char *mode_name(u8 cpumode)
{
	switch (cpumode) {
	case PERF_RECORD_MISC_KERNEL:
		return "host kernel";
	case PERF_RECORD_MISC_USER:
		return "host user";
	case PERF_RECORD_MISC_HYPERVISOR:
		return "hypervisor";
	case PERF_RECORD_MISC_GUEST_KERNEL:
		return "guest kernel";
	case PERF_RECORD_MISC_GUEST_USER:
		return "guest user";
	default:
		return "unknown";
	}
}

static int cmp_u64(u64 a, u64 b)
{
	return a < b ? -1 : a > b;
}

static int cmp_comm(const struct hist_entry *a, const struct hist_entry *b)
{
	return a->comm == b->comm ? 0 : strcmp(a->comm, b->comm);
}

/* By thread id as perf's, signed: the rows of no thread (tid -1) first (pid and tid). */
static int cmp_pid(const struct hist_entry *a, const struct hist_entry *b)
{
	s32 ta = (s32)hist_entry__tid(a), tb = (s32)hist_entry__tid(b);

	return ta < tb ? -1 : ta > tb;
}

/*
 * DSOs group by the name shown and symbols by their address, as perf
 * groups them: two files of the same name, hit at the same symbol, make
 * one row. A row of no DSO ("[unknown]") is apart from every named one
 * and, as in perf, after them.
 */
static int cmp_dso(const struct hist_entry *a, const struct hist_entry *b)
{
	if (a->dso == b->dso)
		return 0;
	if (!a->dso || !b->dso)
		return a->dso ? -1 : 1;
	return strcmp(map__dso_name(a->dso), map__dso_name(b->dso));
}

/*
 * perf compares addresses by their difference as a signed 64-bit number:
 * kernel addresses (the top half) come before user space's.
 */
static int cmp_addr(u64 a, u64 b)
{
	return (s64)a < (s64)b ? -1 : (s64)a > (s64)b;
}

/*
 * Rows without a symbol by their address alone, as perf's, whatever their
 * DSO and level (without a dso key, one row: its first sample's). A
 * symbol's address is its DSO's: as in perf, rows with one compare by
 * DSO first (without a dso key, two programs' functions at one address
 * are two rows), then by where the symbol starts. So this is no order
 * where rows with and without a symbol mix across DSOs
 * (sort_order__table_order).
 */
static int cmp_sym(const struct hist_entry *a, const struct hist_entry *b)
{
	const struct symbol *sa = hist_entry__sym(a), *sb = hist_entry__sym(b);
	int c;

	if (!sa && !sb)
		return cmp_addr(a->loc.addr, b->loc.addr);
	if (sa == sb)
		return 0;
	c = cmp_dso(a, b);
	if (c)
		return c;
	if (!sa || !sb)
		return sa ? -1 : 1;
	return cmp_addr(sa->start, sb->start);
}

/*
 * Rows of equal period: by symbol name, as perf lists them, rows without
 * a symbol after the others. Two rows without one (or of one name) are
 * equal here and the next key orders them; the addresses come in only
 * when every key has said equal (sorted_cmp's second pass).
 */
static int sort_sym(const struct hist_entry *a, const struct hist_entry *b)
{
	const struct symbol *sa = hist_entry__sym(a), *sb = hist_entry__sym(b);

	if (!sa || !sb)
		return sa ? -1 : sb ? 1 : 0;
	return sa == sb ? 0 : strcmp(symbol__name(sa), symbol__name(sb));
}

static int cmp_guest(const struct hist_entry *a, const struct hist_entry *b)
{
	const struct machine *ma = hist_entry__machine(a), *mb = hist_entry__machine(b);
	s64 pa = ma ? ma->pid : -1, pb = mb ? mb->pid : -1;

	return pa < pb ? -1 : pa > pb;
}

static int cmp_vcpu(const struct hist_entry *a, const struct hist_entry *b)
{
	int va = hist_entry__vcpu(a), vb = hist_entry__vcpu(b);

	return va < vb ? -1 : va > vb;
}

static int cmp_mode(const struct hist_entry *a, const struct hist_entry *b)
{
	return cmp_u64(a->cpumode, b->cpumode);
}

static int cmp_cpu(const struct hist_entry *a, const struct hist_entry *b)
{
	int ca = hist_entry__cpu(a), cb = hist_entry__cpu(b);

	return ca < cb ? -1 : ca > cb;
}

/* The period column orders rows (by period, as every row is) but groups none. */
static int cmp_none(const struct hist_entry *a, const struct hist_entry *b)
{
	return 0;
}

/* Interned: equal texts are one pointer, and the order is the text's. */
static int cmp_srcline(const struct hist_entry *a, const struct hist_entry *b)
{
	const char *sa = hist_entry__srcline(a), *sb = hist_entry__srcline(b);

	if (sa == sb)
		return 0;
	return strcmp(sa ? sa : "", sb ? sb : "");
}

/* As perf: parents by name, a row without one ("[other]") last. */
static int cmp_parent(const struct hist_entry *a, const struct hist_entry *b)
{
	const struct symbol *pa = a->more ? a->more->parent : NULL;
	const struct symbol *pb = b->more ? b->more->parent : NULL;

	if (!pa || !pb)
		return pa ? -1 : pb ? 1 : 0;
	return strcmp(symbol__name(pa), symbol__name(pb));
}

static int cmp_time(const struct hist_entry *a, const struct hist_entry *b)
{
	return cmp_u64(hist_entry__time(a), hist_entry__time(b));
}

/* snprintf(buf, len, "%s", s) without its cost: a row's keys print a million times. */
static int print_bytes(char *buf, size_t len, const char *s, size_t n);

static int print_str(char *buf, size_t len, const char *s)
{
	return print_bytes(buf, len, s, strlen(s));
}

static int print_comm(const struct hist_entry *he, char *buf, size_t len)
{
	return print_str(buf, len, he->comm);
}

const char *hist_entry__pid_comm(const struct hist_entry *he)
{
	const struct thread *t = he->more ? he->more->thread : NULL;

	return t ? t->comm : he->comm;
}

static int print_pid(const struct hist_entry *he, char *buf, size_t len)
{
	return snprintf(buf, len, "%7d:%s", (int)hist_entry__tid(he), hist_entry__pid_comm(he));
}

static int print_dso(const struct hist_entry *he, char *buf, size_t len)
{
	return print_str(buf, len, map__dso_name(he->dso));
}

/* @n bytes of @s (a NUL among them too) into @buf as snprintf would: cut to fit, length whole. */
static int print_bytes(char *buf, size_t len, const char *s, size_t n)
{
	if (len) {
		size_t c = n < len ? n : len - 1;

		memcpy(buf, s, c);
		buf[c] = '\0';
	}
	return (int)n;
}

/* "+0x%" PRIx64 of @off after @n bytes of @buf (@len, as snprintf), the length whole. */
static int print_offset(char *buf, size_t len, size_t n, u64 off)
{
	char tmp[24];
	int k = snprintf(tmp, sizeof(tmp), "+0x%" PRIx64, off);

	if (n < len)
		print_bytes(buf + n, len - n, tmp, (size_t)k);
	return (int)n + k;
}

static int print_sym(const struct hist_entry *he, char *buf, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	char tmp[24] = { '[', he->level, ']', ' ' };
	size_t i;
	u64 a = hist_entry__addr(he);
	const struct symbol *sym = hist_entry__sym(he);

	if (he->cpumode == PERF_RECORD_MISC_GUEST_USER)
		return snprintf(buf, len, "[%c] [unknown]", he->level);
	if (sym) {
		/* "[%c] %s", and perf's "+0x%llx" after a data object's name */
		int n;

		if (len >= 5) {
			memcpy(buf, tmp, 4);
			n = 4 + print_str(buf + 4, len - 4, symbol__name(sym));
		} else {
			print_bytes(buf, len, tmp, 4);
			n = (int)(4 + strlen(symbol__name(sym)));
		}
		if (symbol__is_object(sym))
			n = print_offset(buf, len, (size_t)n, hist_entry__object_offset(he));
		return n;
	}
	/*
	 * "[%c] %#018" PRIx64: 0x and sixteen digits; perf's "%#018x" too,
	 * whose zero has no "0x": sixteen digits then.
	 */
	if (a) {
		tmp[4] = '0';
		tmp[5] = 'x';
	}
	for (i = 0; i < 16; i++)
		tmp[(a ? 21 : 19) - i] = hex[(a >> (4 * i)) & 0xf];
	return print_bytes(buf, len, tmp, a ? 22 : 20);
}

static int print_guest(const struct hist_entry *he, char *buf, size_t len)
{
	const struct machine *m = hist_entry__machine(he);

	return snprintf(buf, len, "%s", m ? m->name : "host");
}

static int print_vcpu(const struct hist_entry *he, char *buf, size_t len)
{
	int vcpu = hist_entry__vcpu(he);

	if (vcpu < 0)
		return snprintf(buf, len, "-");
	return snprintf(buf, len, "%d", vcpu);
}

static int print_mode(const struct hist_entry *he, char *buf, size_t len)
{
	return snprintf(buf, len, "%s", mode_name(he->cpumode));
}

static int print_tid(const struct hist_entry *he, char *buf, size_t len)
{
	return snprintf(buf, len, "%d", (int)hist_entry__tid(he));
}

/* As perf: three digits at least, -001 when the file has no cpu. */
static int print_cpu(const struct hist_entry *he, char *buf, size_t len)
{
	return snprintf(buf, len, "%3.3d", hist_entry__cpu(he));
}

static int print_period(const struct hist_entry *he, char *buf, size_t len)
{
	return snprintf(buf, len, "%" PRIu64, hist_entry__period(he));
}

static int print_srcline(const struct hist_entry *he, char *buf, size_t len)
{
	const char *srcline = hist_entry__srcline(he);

	return snprintf(buf, len, "%s", srcline ? srcline : "??:0");
}

static int print_parent(const struct hist_entry *he, char *buf, size_t len)
{
	const struct symbol *p = he->more ? he->more->parent : NULL;

	return print_str(buf, len, p ? symbol__name(p) : "[other]");
}

static u64 time_quantum = HIST_TIME_QUANTUM_DEFAULT;
static bool time_ns;

void hist_time__set(u64 quantum, bool ns)
{
	time_quantum = quantum ? quantum : HIST_TIME_QUANTUM_DEFAULT;
	time_ns = ns;
}

u64 hist_time__round(u64 time)
{
	return time / time_quantum * time_quantum;
}

int hist_time__width(void)
{
	return time_ns ? 16 : 12;
}

/* As perf: SECONDS.MICROSECONDS (.NANOSECONDS with --ns), cut to the column's width. */
static int print_time(const struct hist_entry *he, char *buf, size_t len)
{
	char t[48];
	u64 v = hist_entry__time(he);
	int n;

	if (time_ns)
		n = snprintf(t, sizeof(t), "%" PRIu64 ".%09" PRIu64, v / 1000000000, v % 1000000000);
	else
		n = snprintf(t, sizeof(t), "%" PRIu64 ".%06" PRIu64, v / 1000000000,
			     v % 1000000000 / 1000);
	if (n > hist_time__width())
		n = hist_time__width();
	return print_bytes(buf, len, t, (size_t)n);
}

const struct sort_key sort_keys[SORT_NR_KEYS] = {
	[SORT_COMM] = { "comm", "Command", cmp_comm, print_comm },
	[SORT_PID] = { "pid", "Pid:Command", cmp_pid, print_pid },
	[SORT_DSO] = { "dso", "Shared Object", cmp_dso, print_dso },
	[SORT_SYM] = { "sym", "Symbol", cmp_sym, print_sym, .sort = sort_sym, .no_pad = true },
	[SORT_GUEST] = { "guest", "Guest", cmp_guest, print_guest },
	[SORT_VCPU] = { "vcpu", "vCPU", cmp_vcpu, print_vcpu },
	[SORT_MODE] = { "mode", "Mode", cmp_mode, print_mode },
	[SORT_TID] = { "tid", "Tid", cmp_pid, print_tid, .right = true },
	[SORT_CPU] = { "cpu", "CPU", cmp_cpu, print_cpu, .right = true },
	[SORT_PERIOD] = { "period", "Period", cmp_none, print_period, .right = true },
	[SORT_SRCLINE] = { "srcline", "Source:Line", cmp_srcline, print_srcline, .no_pad = true },
	[SORT_PARENT] = { "parent", "Parent symbol", cmp_parent, print_parent },
	[SORT_TIME] = { "time", "Time", cmp_time, print_time },
};

int sort_key__find(const char *name)
{
	int k;

	/* perf's name for the symbol key too */
	if (!strcmp(name, "symbol"))
		return SORT_SYM;
	for (k = 0; k < SORT_NR_KEYS; k++)
		if (!strcmp(sort_keys[k].name, name))
			return k;
	return -1;
}

static void sort_key__names(char *buf, size_t len)
{
	size_t n = 0;
	int k;

	buf[0] = '\0';
	for (k = 0; k < SORT_NR_KEYS && n < len; k++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", k ? ", " : "", sort_keys[k].name);
}

bool sort_order__has(const struct sort_order *so, enum sort_key_id k)
{
	int i;

	for (i = 0; i < so->nr; i++)
		if (so->keys[i] == k)
			return true;
	return false;
}

int sort_order__parse(struct sort_order *so, const char *spec, struct err *err)
{
	char *copy = xstrdup(spec), *tok, *save = NULL;
	int ret = 0;

	memset(so, 0, sizeof(*so));
	for (tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		int k = sort_key__find(tok);

		if (k < 0) {
			char names[256];

			sort_key__names(names, sizeof(names));
			ret = err__set(err, -EINVAL, "unknown sort key '%s' (keys: %s)", tok, names);
			break;
		}
		if (!sort_order__has(so, (enum sort_key_id)k))
			so->keys[so->nr++] = k;
	}
	if (!ret && !so->nr)
		ret = err__set(err, -EINVAL, "empty --sort");
	free(copy);
	return ret;
}

int hist_entry__snprint_key(const struct hist_entry *he, enum sort_key_id key, char *buf,
			    size_t len)
{
	return sort_keys[key].snprint(he, buf, len);
}

/*
 * A row's lookup.
 *
 * A sample brings its row's fields as a struct hist_key (no counts, no
 * links). Its row is the last one counted into when the fields the sort
 * keys compare are the same pointers and numbers (which makes the same
 * row under every key), else the one its hash finds. Only a new row is
 * built.
 */
struct hist_key {
	const char *comm;
	struct machine *machine;
	struct dso *dso;
	const struct symbol *sym;
	u64 addr;
	const char *srcline;
	u32 tid;
	int vcpu;
	int cpu;
	char level;
	u8 cpumode;
	bool filtered;
	u64 obj_off;		/* @sym a data object: hist_more's obj_off */
	const struct symbol *parent;
	u64 time;		/* the time key's (hist_time__round) */
	const struct thread *thread;	/* the sample's: hist_more's, not compared */
};

/* hists->fields: the row fields each sort key compares. */
enum row_field {
	RF_COMM = 1 << 0,
	RF_TID = 1 << 1,
	RF_DSO = 1 << 2,
	RF_SYM = 1 << 3,	/* sym, addr and level */
	RF_MACHINE = 1 << 4,
	RF_VCPU = 1 << 5,
	RF_MODE = 1 << 6,
	RF_CPU = 1 << 7,
	RF_SRCLINE = 1 << 8,
	RF_PARENT = 1 << 9,	/* by the parent's name */
	RF_TIME = 1 << 10,
};

/* The fields a struct hist_more holds: where the keys compare one, every row has one. */
#define MORE_FIELDS	(RF_TID | RF_MACHINE | RF_VCPU | RF_CPU | RF_SRCLINE | RF_PARENT | RF_TIME)

/*
 * perf's default sort, comm,dso,sym, and dso,sym (a guest's kernel and
 * modules, as perf kvm users sort them): the row lookups are inlined for
 * these fields (dso,sym's took 8% off a 1M-sample guest report's
 * instructions, bench-report.md 2026-12-03).
 */
#define DEFAULT_FIELDS	(RF_COMM | RF_DSO | RF_SYM)
#define DSO_SYM_FIELDS	(RF_DSO | RF_SYM)

static const unsigned key_fields[SORT_NR_KEYS] = {
	[SORT_COMM] = RF_COMM,
	[SORT_PID] = RF_TID,
	[SORT_DSO] = RF_DSO,
	[SORT_SYM] = RF_SYM,
	[SORT_GUEST] = RF_MACHINE,
	[SORT_VCPU] = RF_VCPU,
	[SORT_MODE] = RF_MODE,
	[SORT_TID] = RF_TID,
	[SORT_CPU] = RF_CPU,
	[SORT_PERIOD] = 0,
	[SORT_SRCLINE] = RF_SRCLINE,
	[SORT_PARENT] = RF_PARENT,
	[SORT_TIME] = RF_TIME,
};

/*
 * The row hash: vector multiply-shift (Dietzfelbinger; Thorup, "High
 * speed hashing for integers and strings"): the sorted fields as 32-bit
 * words x[i], h = (a[0] + sum a[i+1] * x[i]) mod 2^64. With the a[] drawn
 * at random, any two distinct word vectors share the top l bits of h with
 * probability 2^-l (and all of h with less than 2^-32) whatever the
 * vectors are: tids, cpus and addresses come from the file, and no file
 * can choose rows that crowd one bucket without knowing a[]. a[] is
 * drawn once per process (from hash_bytes' key), so that every hists
 * (the --threads workers' and the report's they move into) agrees.
 */
#define ROW_HASH_WORDS	16	/* a[0], then one per word below */

static u64 row_hash_a[ROW_HASH_WORDS];
static pthread_once_t row_hash_once = PTHREAD_ONCE_INIT;

static void row_hash_init(void)
{
	u64 i;

	for (i = 0; i < ROW_HASH_WORDS; i++) {
		u64 in[2] = { 0x726f772068617368ull, i };	/* "row hash" */

		row_hash_a[i] = hash_bytes(in, sizeof(in));
	}
}

/*
 * Each field its own words and coefficients, whatever the keys' order
 * (the fields compared decide the row, not their order): the words of
 * the fields @f holds.
 */
static inline __attribute__((always_inline)) u32 key_hash(unsigned f,
							  const struct hist_key *k)
{
	const u64 *a = row_hash_a;
	u64 h = a[0], v;

#define WORD(i, x) (h += (u64)(u32)(x) * a[i])
#define WORDS(i, x) (v = (x), WORD(i, v), WORD((i) + 1, v >> 32))
	/* not the level: rows at one address of no map join (hists__insert_or_join) */
	if (f & RF_SYM)
		WORDS(1, k->sym ? k->sym->start : k->addr);
	if (f & RF_COMM)
		WORDS(3, (uintptr_t)k->comm);
	/* name_hash is keyed (str_hash) already: its low word will do */
	if (f & RF_DSO)
		WORD(5, k->dso ? k->dso->name_hash : 0);
	if (f & RF_TID)
		WORD(6, k->tid);
	if (f & RF_MACHINE)
		WORD(7, k->machine ? k->machine->pid : -1);
	if (f & RF_VCPU)
		WORD(8, k->vcpu);
	if (f & RF_MODE)
		WORD(9, k->cpumode);
	if (f & RF_CPU)
		WORD(10, k->cpu);
	if (f & RF_SRCLINE)
		WORDS(11, k->srcline ? str_hash(k->srcline) : 0);
	if (f & RF_PARENT)
		WORD(13, k->parent ? str_hash(symbol__name(k->parent)) : 0);
	if (f & RF_TIME)
		WORDS(14, k->time);
#undef WORDS
#undef WORD
	/*
	 * Rows in an arithmetic progression (addresses a page apart, say)
	 * make h one too, whose top bits can bunch for some a[]: mixed, they
	 * spread as any other. Distinct rows still share h itself only with
	 * the probability above.
	 */
	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 29;
	return (u32)(h >> 32);
}

static void key_of_entry(struct hist_key *k, const struct hist_entry *he)
{
	k->comm = he->comm;
	k->machine = hist_entry__machine(he);
	k->dso = he->dso;
	k->sym = hist_entry__sym(he);
	k->addr = hist_entry__addr(he);
	k->srcline = hist_entry__srcline(he);
	k->tid = hist_entry__tid(he);
	k->thread = he->more ? he->more->thread : NULL;
	k->vcpu = hist_entry__vcpu(he);
	k->cpu = hist_entry__cpu(he);
	k->level = he->level;
	k->cpumode = he->cpumode;
	k->filtered = he->filtered;
	k->obj_off = hist_entry__object_offset(he);
	k->parent = he->more ? he->more->parent : NULL;
	k->time = hist_entry__time(he);
}

/*
 * @he, a row the sort keys call @k's, takes @k's fields as its first
 * sample's; its counts, and the cpumode they are split by, stay.
 */
static void row__take_fields(struct hist_entry *he, const struct hist_key *k)
{
	he->comm = k->comm;
	he->dso = k->dso;
	hist_entry__set_loc(he, k->sym, k->addr);
	he->level = k->level;
	if (he->more) {
		he->more->machine = k->machine;
		if (k->parent)
			he->more->parent = k->parent;	/* the parent key's, not srcline's */
		else
			he->more->srcline = k->srcline;
		he->more->vcpu = k->vcpu;
		he->more->cpu = k->cpu;
		he->more->thread = k->thread;
		he->more->time = k->time;
		if (he->more->modes && k->sym && symbol__is_object(k->sym))
			he->more->modes->obj_off = k->obj_off;
	}
}

/*
 * @he's fields are @k's, its counts and links zero; @more (NULL: none)
 * takes the fields a struct hist_more holds.
 */
static void entry_of_key(struct hist_entry *he, struct hist_more *more,
			 const struct hist_key *k)
{
	memset(he, 0, sizeof(*he));
	he->cpumode = k->cpumode;
	he->filtered = k->filtered;
	if (more) {
		memset(more, 0, sizeof(*more));
		he->more = more;
	}
	row__take_fields(he, k);
}

/* @he has @k's sorted fields, pointer for pointer: the same row for sure. */
static inline __attribute__((always_inline)) bool row_same(unsigned f,
							   const struct hist_entry *he,
							   const struct hist_key *k)
{
	if ((f & RF_SYM) && (hist_entry__sym(he) != k->sym || hist_entry__addr(he) != k->addr ||
			   he->level != k->level))
		return false;
	if ((f & RF_COMM) && he->comm != k->comm)
		return false;
	if ((f & RF_DSO) && he->dso != k->dso)
		return false;
	if ((f & RF_TID) && hist_entry__tid(he) != k->tid)
		return false;
	if ((f & RF_MODE) && he->cpumode != k->cpumode)
		return false;
	/* the rows of hists comparing these fields all have a struct hist_more */
	if ((f & RF_MACHINE) && he->more->machine != k->machine)
		return false;
	if ((f & RF_VCPU) && he->more->vcpu != k->vcpu)
		return false;
	if ((f & RF_CPU) && he->more->cpu != k->cpu)
		return false;
	if ((f & RF_SRCLINE) && he->more->srcline != k->srcline)
		return false;
	if ((f & RF_PARENT) && he->more->parent != k->parent)
		return false;
	if ((f & RF_TIME) && he->more->time != k->time)
		return false;
	return true;
}

bool sort_order__collapses(const struct sort_order *so)
{
	int i;

	for (i = 0; i < so->nr; i++)
		if (so->keys[i] == SORT_COMM || so->keys[i] == SORT_SRCLINE)
			return true;
	return false;
}

bool sort_order__table_order(const struct sort_order *so)
{
	int i;

	for (i = 0; i < so->nr; i++) {
		if (so->keys[i] == SORT_DSO)
			return false;
		if (so->keys[i] == SORT_SYM)
			return true;
	}
	return false;
}

static unsigned sort_order__fields(const struct sort_order *so)
{
	unsigned f = 0;
	int i;

	for (i = 0; i < so->nr; i++)
		f |= key_fields[so->keys[i]];
	return f;
}

void hists__init(struct hists *hists, const struct sort_order *so)
{
	pthread_once(&row_hash_once, row_hash_init);
	memset(hists, 0, sizeof(*hists));
	hists->so = *so;
	hists->fields = sort_order__fields(so);
	hists->free_rows = HIST_ROW_NONE;
}

/*
 * A row's struct hist_more comes from chunks, each twice the last (up to
 * ROW_CHUNK_MAX): no allocator header per one, and one free per chunk.
 * (The rows themselves are in chunks of HIST_ROW_CHUNK, hists->rows.)
 */
#define ROW_CHUNK_MIN	32
#define ROW_CHUNK_MAX	8192

/* A chunk of struct hist_more, carved from the front. */
struct carve_chunk {
	struct carve_chunk *next;
	size_t used, size;
	max_align_t data[];
};

/* One more @elem-byte object from the chunks at @head; a chunk twice the last when full. */
static void *chunks__carve(struct carve_chunk **head, size_t elem)
{
	struct carve_chunk *c = *head;

	if (!c || c->used == c->size) {
		size_t size = c ? (c->size < ROW_CHUNK_MAX ? 2 * c->size : c->size) : ROW_CHUNK_MIN;

		c = xmalloc(sizeof(*c) + size * elem);
		c->used = 0;
		c->size = size;
		c->next = *head;
		*head = c;
	}
	return (char *)c->data + elem * c->used++;
}

/* @src's chunks put in front of @dst's. */
static void chunks__splice(struct carve_chunk **dst, struct carve_chunk **src)
{
	struct carve_chunk **pp = src;

	while (*pp)
		pp = &(*pp)->next;
	*pp = *dst;
	*dst = *src;
	*src = NULL;
}

static void chunks__free(struct carve_chunk **head)
{
	while (*head) {
		struct carve_chunk *c = *head;

		*head = c->next;
		free(c);
	}
}

static struct hist_more *hists__new_more(struct hists *hists)
{
	struct hist_more *m = hists->free_more;

	if (m) {
		hists->free_more = m->next_free;
		return m;
	}
	return chunks__carve(&hists->more_chunks, sizeof(*m));
}

struct hist_more *hist_entry__more(struct hist_entry *he)
{
	if (!he->more) {
		he->more = xzalloc(sizeof(*he->more));
		he->more->vcpu = -1;
		he->more->cpu = -1;
		he->flags |= HE_MORE_OWN;
	}
	return he->more;
}

void hist_entry__add_child(struct hist_entry *he, struct hist_entry *child)
{
	struct hist_more *m = hist_entry__more(he);

	m->children = xrealloc(m->children, (m->nr_children + 1) * sizeof(*m->children));
	m->children[m->nr_children++] = child;
}

/*
 * What @he's struct hist_more holds, freed; the struct itself too, or
 * back on @hists' free list where it came from there.
 */
static void row__free_more(struct hists *hists, struct hist_entry *he)
{
	struct hist_more *m = he->more;

	if (!m)
		return;
	callchain__free(m->callchain);
	free(m->children);
	free(m->modes);
	if (he->flags & HE_MORE_OWN) {
		free(m);
	} else {
		m->next_free = hists->free_more;
		hists->free_more = m;
	}
	he->more = NULL;
	he->flags &= (u8)~HE_MORE_OWN;
}

/*
 * Rows are taken from a chunk in order: the chunk is mapped in this far
 * ahead of them, not a fault a page (prefault_write).
 */
#define ROWS_PREFAULT	(32u << 10)

/*
 * The chunks' memory. A report's first ROW_AREA_CHUNKS chunks (3 MiB of
 * rows) are one an area, from malloc; past them a report has rows by the
 * hundred thousand, which its table's lookups, the sort and the output
 * read in no order of memory, and its chunks come ROW_AREA_CHUNKS at a
 * time from huge pages (huge_alloc: 16 chunks of 48-byte rows are three
 * of them exactly), a TLB entry a 2 MiB. A report of a million rows
 * (bench/report-shapes.sh's rounds) takes 8-10% less time so.
 */
#define ROW_AREA_CHUNKS	16u

struct row_area {
	void *mem;
	size_t len;	/* huge_alloc's bytes, or 0: one chunk from malloc */
};

static struct hist_entry *hists__new_chunk(struct hists *hists)
{
	const size_t chunk = HIST_ROW_CHUNK * sizeof(struct hist_entry);
	struct hist_entry *c;

	if (!hists->area_left) {
		struct row_area *a;

		ALLOC_GROW(hists->areas, hists->nr_areas + 1, hists->alloc_areas);
		a = &hists->areas[hists->nr_areas++];
		if (hists->nr_chunks < ROW_AREA_CHUNKS) {
			a->len = 0;
			a->mem = xmalloc(chunk);
			hists->area_left = 1;
		} else {
			a->len = ROW_AREA_CHUNKS * chunk;
			a->mem = huge_alloc(a->len);
			hists->area_left = ROW_AREA_CHUNKS;
		}
		hists->area_next = a->mem;
	}
	c = hists->area_next;
	hists->area_next += HIST_ROW_CHUNK;
	hists->area_left--;
	return c;
}

static void hists__free_areas(struct hists *hists)
{
	u32 i;

	for (i = 0; i < hists->nr_areas; i++) {
		if (hists->areas[i].len)
			huge_free(hists->areas[i].mem, hists->areas[i].len);
		else
			free(hists->areas[i].mem);
	}
	free(hists->areas);
	hists->areas = NULL;
	hists->nr_areas = hists->area_left = 0;
	hists->alloc_areas = 0;
	hists->area_next = NULL;
}

/*
 * A table of a million rows (4 MiB and more) is on huge pages
 * (huge_alloc): its buckets are read at random, a row's lookup each. It is
 * filled at once, so nothing is counted that it does not use.
 */
#define TABLE_HUGE_MIN	(2 * HUGE_PAGE)

/* The bytes of a table of @size buckets where it is on huge pages, else 0. */
static size_t table_huge_bytes(size_t size)
{
	return size * sizeof(u32) >= TABLE_HUGE_MIN ? size * sizeof(u32) : 0;
}

/* Frees the table or sorted array @a; @huge: its bytes from huge_alloc, or 0 (malloc's). */
static void index_array__free(u32 *a, size_t huge)
{
	if (huge)
		huge_free(a, huge);
	else
		free(a);
}

/*
 * A new row's memory and its index (in @idx): one dropped by top's decay,
 * else the next in the last chunk, a chunk more when it is full.
 */
static struct hist_entry *hists__new_row(struct hists *hists, u32 *idx)
{
	struct hist_entry *he;
	u32 i = hists->free_rows;
	size_t off;

	if (i != HIST_ROW_NONE) {
		he = hists__row(hists, i);
		hists->free_rows = he->hnext;
		*idx = i;
		return he;
	}
	i = hists->next_row;
	if (i == HIST_ROW_NONE)
		die("more than %u report rows", HIST_ROW_NONE - 1);
	if (!(i & (HIST_ROW_CHUNK - 1)) || !hists->nr_chunks) {
		/* A fresh chunk (after hists__take_rows the last may be part-used). */
		ALLOC_GROW(hists->rows, hists->nr_chunks + 1, hists->alloc_chunks);
		hists->rows[hists->nr_chunks] = hists__new_chunk(hists);
		hists->nr_chunks++;
		i = (hists->nr_chunks - 1) << HIST_ROW_CHUNK_SHIFT;
	}
	hists->next_row = i + 1;
	*idx = i;
	he = hists__row(hists, i);
	off = (size_t)(i & (HIST_ROW_CHUNK - 1)) * sizeof(*he);
	if (off % ROWS_PREFAULT < sizeof(*he)) {
		size_t len = HIST_ROW_CHUNK * sizeof(*he) - off;

		prefault_write(he, len < ROWS_PREFAULT ? len : ROWS_PREFAULT);
	}
	return he;
}

/* Top's decay: row @idx (@he) no count holds any more, for the next new row. */
static void hists__drop_row(struct hists *hists, struct hist_entry *he, u32 idx)
{
	row__free_more(hists, he);
	he->hnext = hists->free_rows;
	hists->free_rows = idx;
}

/*
 * Hands @src's rows' memory to @dst (whose table the rows move into):
 * @src's chunks go after @dst's, and @src's row i is @dst's i + the base
 * returned. @dst's new rows come after @src's from now on.
 */
static u32 hists__take_rows(struct hists *dst, struct hists *src)
{
	u32 base = dst->nr_chunks << HIST_ROW_CHUNK_SHIFT, c;

	if (src->nr_chunks &&
	    (u64)dst->nr_chunks + src->nr_chunks > (u64)HIST_ROW_NONE >> HIST_ROW_CHUNK_SHIFT)
		die("more than %u report rows", HIST_ROW_NONE - 1);
	for (c = 0; c < src->nr_chunks; c++) {
		ALLOC_GROW(dst->rows, dst->nr_chunks + 1, dst->alloc_chunks);
		dst->rows[dst->nr_chunks++] = src->rows[c];
	}
	/* and the areas that hold them (@src's chunks not handed out go too) */
	for (c = 0; c < src->nr_areas; c++) {
		ALLOC_GROW(dst->areas, dst->nr_areas + 1, dst->alloc_areas);
		dst->areas[dst->nr_areas++] = src->areas[c];
	}
	src->nr_areas = 0;		/* @dst's now: only @src's array goes */
	hists__free_areas(src);
	if (src->nr_chunks)
		dst->next_row = base + src->next_row;
	/* @dst's dropped rows keep their indices; @src's own are not reused */
	free(src->rows);
	src->rows = NULL;
	src->nr_chunks = src->alloc_chunks = 0;
	src->next_row = 0;
	src->free_rows = HIST_ROW_NONE;
	chunks__splice(&dst->more_chunks, &src->more_chunks);
	src->free_more = NULL;
	return base;
}

void hists__reset(struct hists *hists)
{
	size_t i;

	for (i = 0; i < hists->table_size; i++) {
		u32 r;

		for (r = hists->table[i]; r != HIST_ROW_NONE; r = hists__row(hists, r)->hnext)
			row__free_more(hists, hists__row(hists, r));
	}
	/* after hists__sort_final the rows are only in the sorted array */
	for (i = 0; hists->unlinked && i < hists->nr_entries; i++)
		row__free_more(hists, hists__any(hists, i));
	hists->unlinked = false;
	hists__free_areas(hists);
	free(hists->rows);
	hists->rows = NULL;
	hists->nr_chunks = hists->alloc_chunks = 0;
	hists->next_row = 0;
	chunks__free(&hists->more_chunks);
	hists->free_rows = HIST_ROW_NONE;
	hists->free_more = NULL;
	index_array__free(hists->table, table_huge_bytes(hists->table_size));
	index_array__free(hists->sorted, hists->sorted_huge);
	hists->table = NULL;
	hists->sorted = NULL;
	hists->sorted_huge = 0;
	hists->last = NULL;
	hists->later_nr = 0;
	memset(hists->cache, 0, sizeof(hists->cache));
	hists->table_size = 0;
	hists->table_shift = 0;
	hists->nr_entries = 0;
	hists->total_period = 0;
	hists->nr_samples = 0;
	hists->nr_filtered = 0;
	hists->nr_hidden = 0;
	hists->hidden_period = 0;
	hists->part_hidden_period = 0;
	memset(hists->mode_samples, 0, sizeof(hists->mode_samples));
	free(hists->made);
	hists->made = NULL;
	hists->alloc_made = 0;
	hists->nr_made = 0;
}

void hists__exit(struct hists *hists)
{
	hists__reset(hists);
	free(hists->later);
	hists->later = NULL;
	srcline_cache__delete(hists->srcline);
	hists->srcline = NULL;
	hists__drop_held(hists);
}

static int entry_cmp(const struct sort_order *so, const struct hist_entry *a,
		     const struct hist_entry *b)
{
	int i, c;

	for (i = 0; i < so->nr; i++) {
		c = sort_keys[so->keys[i]].cmp(a, b);
		if (c)
			return c;
	}
	return 0;
}

/*
 * @he is @k's row by the sort keys (names, symbol starts...) though their
 * pointers differ: rare, and kept off the hot path.
 */
static __attribute__((noinline)) bool row_matches_slow(const struct hists *hists,
							 const struct hist_entry *he,
							 const struct hist_key *k)
{
	struct hist_entry tmp;
	struct hist_more more;

	entry_of_key(&tmp, &more, k);
	return !entry_cmp(&hists->so, he, &tmp);
}

/* The bits of a row's hash its flags keep (hist_entry's flags). */
#define HASH_TAG_MASK	(0xffu >> HE_HASH_SHIFT)

u32 hists__row_hash(const struct hists *hists, const struct hist_entry *he)
{
	struct hist_key k;

	key_of_entry(&k, he);
	return key_hash(hists->fields, &k);
}

static size_t hists__bucket(const struct hists *hists, u32 hash)
{
	return hash >> hists->table_shift;	/* a table has 1024 buckets at least */
}

/* Row @r in under its hash (hists__row_hash), at the head of its bucket's chain. */
static inline void hists__relink(struct hists *hists, struct hist_entry *he, u32 r)
{
	size_t b = hists__bucket(hists, hists__row_hash(hists, he));

	he->hnext = hists->table[b];
	hists->table[b] = r;
}

/*
 * The table twice the size, its rows linked in again. @pending: a row
 * made but not linked yet (hists__link's), or HIST_ROW_NONE. Where every
 * index below next_row but @pending is a linked row, they are read in the
 * order of their memory; otherwise by the old chains, each row a read
 * from anywhere (the growths of a table of a million rows read each row
 * twice over: a tenth of counting them).
 */
static void hists__grow(struct hists *hists, u32 pending)
{
	size_t osz = hists->table_size, i;
	u32 *old = hists->table;
	size_t new_huge;
	bool dense = hists->free_rows == HIST_ROW_NONE &&
		     hists->next_row == hists->nr_entries + (pending != HIST_ROW_NONE);

	/* no row is added after hists__sort_final */
	if (hists->unlinked)
		abort();

	hists->table_size = osz ? osz * 2 : 1024;
	hists->table_shift = 32 - (unsigned)__builtin_ctzll(hists->table_size);
	new_huge = table_huge_bytes(hists->table_size);
	hists->table = new_huge ? huge_alloc(new_huge) :
				  xmalloc(hists->table_size * sizeof(*hists->table));
	memset(hists->table, 0xff, hists->table_size * sizeof(*hists->table));	/* HIST_ROW_NONE */
	if (dense) {
		for (i = 0; i < hists->next_row; i++)
			if (i != pending)
				hists__relink(hists, hists__row(hists, (u32)i), (u32)i);
	} else {
		for (i = 0; i < osz; i++) {
			u32 r = old[i], n;

			for (; r != HIST_ROW_NONE; r = n) {
				struct hist_entry *he = hists__row(hists, r);

				n = he->hnext;
				hists__relink(hists, he, r);
			}
		}
	}
	index_array__free(old, table_huge_bytes(osz));
}

/* The index of the row of @k's fields @f under @hash, HIST_ROW_NONE: none. */
static inline __attribute__((always_inline)) u32
hists__lookup_index_f(const struct hists *hists, unsigned f, const struct hist_key *k, u32 hash)
{
	u32 r;

	if (!hists->table_size)
		return HIST_ROW_NONE;
	for (r = hists->table[hists__bucket(hists, hash)]; r != HIST_ROW_NONE;) {
		const struct hist_entry *he = hists__row(hists, r);

		if (he->flags >> HE_HASH_SHIFT == (hash & HASH_TAG_MASK) &&
		    (row_same(f, he, k) || row_matches_slow(hists, he, k)))
			return r;
		r = he->hnext;
	}
	return HIST_ROW_NONE;
}

static inline __attribute__((always_inline)) struct hist_entry *
hists__lookup_f(const struct hists *hists, unsigned f, const struct hist_key *k, u32 hash)
{
	u32 r = hists__lookup_index_f(hists, f, k, hash);

	return r == HIST_ROW_NONE ? NULL : hists__row(hists, r);
}

static struct hist_entry *hists__lookup(const struct hists *hists, const struct hist_key *k,
					u32 hash)
{
	return hists__lookup_f(hists, hists->fields, k, hash);
}

/* Links a new row @he, of index @idx (its fields set, counts zero), in under @hash. */
static void hists__link(struct hists *hists, struct hist_entry *he, u32 idx, u32 hash)
{
	size_t b;

	if (hists->nr_entries + 1 > hists->table_size)
		hists__grow(hists, idx);
	b = hists__bucket(hists, hash);
	he->flags = (u8)((he->flags & ~(HASH_TAG_MASK << HE_HASH_SHIFT)) |
			 (hash & HASH_TAG_MASK) << HE_HASH_SHIFT);
	he->hnext = hists->table[b];
	hists->table[b] = idx;
	hists->nr_entries++;
}

/* A new row of @k's fields (counts zero) under @hash; its index in @idx. */
static __attribute__((noinline)) struct hist_entry *hists__insert_at(struct hists *hists,
								     const struct hist_key *k,
								     u32 hash, u32 *idx_out)
{
	u32 idx;
	struct hist_entry *he = hists__new_row(hists, &idx);

	entry_of_key(he, hists->with_more || (hists->fields & MORE_FIELDS) ?
			 hists__new_more(hists) : NULL, k);
	if (hists->track_made) {
		ALLOC_GROW(hists->made, (size_t)idx + 1, hists->alloc_made);
		hists->made[idx] = hists->nr_made++;
	}
	/*
	 * The first sample's offset in a data object: the row keeps it in
	 * its split by mode, made now (no period yet, so exact from here).
	 */
	if (k->sym && symbol__is_object(k->sym)) {
		struct hist_more *m = hist_entry__more(he);

		m->modes = xzalloc(sizeof(*m->modes));
		m->modes->obj_off = k->obj_off;
	}
	hists__link(hists, he, idx, hash);
	*idx_out = idx;
	return he;
}

/* A new row of @k's fields (counts zero) under @hash. */
static struct hist_entry *hists__insert(struct hists *hists, const struct hist_key *k, u32 hash)
{
	u32 idx;

	return hists__insert_at(hists, k, hash, &idx);
}

/*
 * The row of @k's address made at another level, where @k is a sample's
 * or frame's at an address no map covers (neither symbol nor DSO) and the
 * rows are told apart by symbol: perf compares rows without a symbol by
 * address alone, so the first sample's level names the row. NULL where
 * there is none.
 */
static struct hist_entry *hists__lookup_unmapped(const struct hists *hists, unsigned f,
						 const struct hist_key *k, u32 hash)
{
	static const char levels[] = "k.guH";
	struct hist_key alt;
	size_t i;

	if (!(f & RF_SYM) || k->sym || k->dso)
		return NULL;
	alt = *k;
	for (i = 0; levels[i]; i++) {
		struct hist_entry *he;

		if (levels[i] == k->level)
			continue;
		alt.level = levels[i];
		he = hists__lookup_f(hists, f, &alt, hash);
		if (he)
			return he;
	}
	return NULL;
}

/*
 * The row for @k's fields, where none has them: a new one, or the row of
 * @k's unmapped address at another level.
 */
static __attribute__((noinline)) struct hist_entry *
hists__insert_or_join(struct hists *hists, unsigned f, const struct hist_key *k, u32 hash)
{
	struct hist_entry *he = hists__lookup_unmapped(hists, f, k, hash);

	return he ? he : hists__insert(hists, k, hash);
}

/* @m's column for @cpumode, NULL for a mode without one. */
static u64 *mode_slot(struct hist_modes *m, u8 cpumode)
{
	switch (cpumode) {
	case PERF_RECORD_MISC_KERNEL:
		return &m->sys;
	case PERF_RECORD_MISC_USER:
		return &m->us;
	case PERF_RECORD_MISC_GUEST_KERNEL:
		return &m->guest_sys;
	case PERF_RECORD_MISC_GUEST_USER:
		return &m->guest_us;
	default:
		return NULL;
	}
}

u64 hist_entry__mode_period(const struct hist_entry *he, u8 cpumode)
{
	struct hist_modes none;
	u64 *slot;

	if (he->more && he->more->modes) {
		slot = mode_slot(he->more->modes, cpumode);
		return slot ? *slot : 0;
	}
	/* Every sample of the row was taken in he->cpumode. */
	return cpumode == he->cpumode && mode_slot(&none, cpumode) ? hist_entry__period(he) : 0;
}

/*
 * Adds @period taken in @cpumode to @he's split by mode, made now (from
 * what @he counts so far, all in he->cpumode) where there is none. Call
 * before adding @period to @he's period.
 */
static __attribute__((noinline)) void row__add_mode(struct hist_entry *he, u8 cpumode,
						     u64 period)
{
	struct hist_more *m = hist_entry__more(he);
	u64 *slot;

	if (!m->modes) {
		m->modes = xzalloc(sizeof(*m->modes));
		slot = mode_slot(m->modes, he->cpumode);
		if (slot)
			*slot = hist_entry__period(he);
	}
	slot = mode_slot(m->modes, cpumode);
	if (slot)
		*slot += period;
}

/* A sample's @period taken in @cpumode, counted in @he's split by mode. */
static inline void add_mode_period(struct hist_entry *he, u8 cpumode, u64 period)
{
	if (__builtin_expect(cpumode != he->cpumode || (he->more && he->more->modes), 0))
		row__add_mode(he, cpumode, period);
}

void hists__count_hidden(struct hists *hists, u64 period)
{
	hists->nr_samples++;
	hists->total_period += period;
	hists->nr_hidden++;
	hists->hidden_period += period;
}

struct hist_entry *hists__add(struct hists *hists, const struct addr_location *al, u64 period)
{
	return hists__add_cpu(hists, al, period, -1, false);
}

u64 hists__total_period(const struct hists *hists)
{
	return hists->relative ? hists->total_period - hists->hidden_period : hists->total_period;
}

u64 hists__graph_min_total(const struct hists *hists)
{
	return hists__total_period(hists) + (hists->relative ? hists->part_hidden_period : 0);
}

u64 hists__nr_samples(const struct hists *hists)
{
	return hists->relative ? hists->nr_samples - hists->nr_hidden : hists->nr_samples;
}

struct hist_entry *hists__find(struct hists *hists, const struct hist_entry *key)
{
	struct hist_key k;

	key_of_entry(&k, key);
	return hists__lookup(hists, &k, key_hash(hists->fields, &k));
}

struct hist_entry *hists__find_unmapped(struct hists *hists, const struct hist_entry *key)
{
	struct hist_key k;

	key_of_entry(&k, key);
	return hists__lookup_unmapped(hists, hists->fields, &k, key_hash(hists->fields, &k));
}

/* @he's period: the low word in the row, a high one in its struct hist_more. */
static void row__set_period(struct hist_entry *he, u64 p)
{
	he->period_lo = (u32)p;
	if (p >> 32 || he->more)
		hist_entry__more(he)->period_hi = (u32)(p >> 32);
}

/* A sample's @period taken in @cpumode, counted in row @he of @hists. */
static inline __attribute__((always_inline)) void row__count(struct hists *hists,
							      struct hist_entry *he,
							      u8 cpumode, u64 period)
{
	if (__builtin_expect(!++he->samples_lo, 0))
		hist_entry__more(he)->samples_hi++;
	add_mode_period(he, cpumode, period);
	row__set_period(he, hist_entry__period(he) + period);
	if (he->filtered) {
		hists->nr_hidden++;
		hists->hidden_period += period;
	}
	hists->nr_samples++;
	hists->total_period += period;
	hists->mode_samples[cpumode & 7]++;
}

/* row__count off the fast path's way: a split by mode, a count's carry. */
static __attribute__((noinline)) struct hist_entry *
hists__count_slow(struct hists *hists, struct hist_entry *he, u8 cpumode, u64 period)
{
	row__count(hists, he, cpumode, period);
	return he;
}

/*
 * The default keys' small cache: a mix of a sample's fields, its tag
 * there; its top byte is the slot (default_slot). Rows of the same
 * fields have the same tag.
 */
static inline u64 default_tag(const struct dso *dso, const struct symbol *sym, u64 addr,
			      const char *comm)
{
	return ((uintptr_t)sym ^ addr ^ ((uintptr_t)comm >> 4) ^ ((uintptr_t)dso >> 6)) *
	       0x9e3779b97f4a7c15ull;
}

static inline size_t default_slot(u64 tag)
{
	return (size_t)(tag >> 56);
}

/*
 * Counts a sample of the fields @k (as hists__add_cpu makes them) into
 * @hists, whose fields are @f: inlined with @f a constant for perf's
 * default sort (comm,dso,sym), the field tests fold away. @known: @k's
 * key_hash where the caller has it already, else NULL.
 */
static inline __attribute__((always_inline)) struct hist_entry *
hists__add_key_f(struct hists *hists, unsigned f, const struct hist_key *k, u64 period,
		 const u32 *known)
{
	struct hist_entry *he = hists->last;

	/*
	 * Samples in a row often come one after another: try the last row
	 * first; with the default keys, then a small cache by symbol and
	 * command, before the hash.
	 */
	if (!he || !row_same(f, he, k)) {
		struct hist_cache_slot *c = NULL;
		u64 tag = 0;
		u32 hash;

		if (f == DEFAULT_FIELDS || f == DSO_SYM_FIELDS) {
			tag = default_tag(k->dso, k->sym, k->addr, f & RF_COMM ? k->comm : NULL);
			c = &hists->cache[default_slot(tag)];
			he = c->he;
			if (he && c->tag == tag && row_same(f, he, k))
				goto found;
		}
		hash = known ? *known : key_hash(f, k);
		he = hists__lookup_f(hists, f, k, hash);
		if (!he)
			he = hists__insert_or_join(hists, f, k, hash);
		if (c) {
			c->tag = tag;
			c->he = he;
		}
found:
		hists->last = he;
	}
	row__count(hists, he, k->cpumode, period);
	return he;
}

/* hists__add_key_f for any sort order, out of the default's way. */
static __attribute__((noinline)) struct hist_entry *
hists__add_key_any(struct hists *hists, const struct hist_key *k, u64 period)
{
	return hists__add_key_f(hists, hists->fields, k, period, NULL);
}

static inline __attribute__((always_inline)) struct hist_entry *
hists__add_key(struct hists *hists, const struct hist_key *k, u64 period)
{
	if (hists->fields == DEFAULT_FIELDS)
		return hists__add_key_f(hists, DEFAULT_FIELDS, k, period, NULL);
	if (hists->fields == DSO_SYM_FIELDS)
		return hists__add_key_f(hists, DSO_SYM_FIELDS, k, period, NULL);
	return hists__add_key_any(hists, k, period);
}

/* symbol__object_offset of a resolved sample's own row. */
static __attribute__((noinline)) u64 sample_object_offset(const struct addr_location *al)
{
	if (!al->dso || !al->map)
		return 0;
	return symbol__object_offset(al->dso, al->sym, al->addr, false,
				     al->machine ? al->machine->reloc : 0, al->map->start,
				     al->map->pgoff);
}

/* A sample's row fields, as hists__add_cpu and the pool take them from @al. */
static inline __attribute__((always_inline)) void
key_of_sample(struct hist_key *k, const struct addr_location *al, int cpu, bool filtered)
{
	const struct thread *t = al->thread;

	k->comm = t ? t->comm : ":-1";
	k->tid = t ? t->tid : (u32)-1;
	k->thread = t;
	k->vcpu = t ? t->vcpu : -1;
	k->machine = al->machine;
	k->dso = al->dso;
	k->sym = al->sym;
	k->addr = al->sym || al->cpumode == PERF_RECORD_MISC_GUEST_USER ? 0 : al->addr;
	k->srcline = NULL;
	k->level = al->level;
	k->cpumode = al->cpumode;
	k->cpu = cpu;
	k->filtered = filtered;
	k->obj_off = 0;
	k->parent = al->parent;
	k->time = al->time;
	if (__builtin_expect(al->sym && symbol__is_object(al->sym), 0))
		k->obj_off = sample_object_offset(al);
}

/* hists__add_cpu for what its fast path does not find. */
static __attribute__((noinline)) struct hist_entry *
hists__add_cpu_slow(struct hists *hists, const struct addr_location *al, u64 period, int cpu,
		    bool filtered)
{
	struct hist_key k;

	key_of_sample(&k, al, cpu, filtered);
	if (__builtin_expect(hists->fields & RF_SRCLINE, 0)) {
		if (!hists->srcline)
			hists->srcline = srcline_cache__new();
		k.srcline = srcline__get(hists->srcline, al);
	}
	return hists__add_key(hists, &k, period);
}

/*
 * @he is the row of these default-key fields, pointer for pointer; with
 * @with_comm false, of these dso,sym fields (the command not compared).
 */
static inline __attribute__((always_inline)) bool
row_same_default(const struct hist_entry *he, const char *comm, const struct dso *dso,
		 const struct symbol *sym, u64 addr, char level, const bool with_comm)
{
	return hist_entry__sym(he) == sym && hist_entry__addr(he) == addr && he->level == level &&
	       (!with_comm || he->comm == comm) &&
	       he->dso == dso;
}

static struct hist_entry *hists__later_push(struct hists *hists, const struct addr_location *al,
					    u64 period, int cpu);

/*
 * The fast path, for the default keys (@with_comm) or dso,sym (perf kvm
 * report's): a sample of the last row or of one in the small cache,
 * counted with no split by mode or carry to make. Small, so that it keeps
 * its values in registers; the rest goes to hists__add_cpu_slow, which
 * looks again from the start, or with @later to wait (hists__later_push).
 */
static inline __attribute__((always_inline)) struct hist_entry *
hists__add_cpu_fast(struct hists *hists, const struct addr_location *al, u64 period, int cpu,
		    bool filtered, const bool with_comm, const bool later)
{
	const struct thread *t = al->thread;
	const char *comm = !with_comm ? NULL : t ? t->comm : ":-1";
	const struct symbol *sym = al->sym;
	u8 cpumode = al->cpumode;
	u64 addr = sym || cpumode == PERF_RECORD_MISC_GUEST_USER ? 0 : al->addr;
	struct hist_entry *he = hists->last;

	if (!he || !row_same_default(he, comm, al->dso, sym, addr, al->level, with_comm)) {
		u64 tag = default_tag(al->dso, sym, addr, comm);
		const struct hist_cache_slot *c = &hists->cache[default_slot(tag)];

		he = c->he;
		if (!he || c->tag != tag ||
		    !row_same_default(he, comm, al->dso, sym, addr, al->level, with_comm))
			return later ? hists__later_push(hists, al, period, cpu) :
				       hists__add_cpu_slow(hists, al, period, cpu, filtered);
		hists->last = he;
	}
	if (__builtin_expect(cpumode != he->cpumode || he->samples_lo == UINT32_MAX ||
			     period > UINT32_MAX - he->period_lo ||
			     (he->more && he->more->modes), 0))
		return hists__count_slow(hists, he, cpumode, period);
	/* no carry into the period's high word: it stays as it is */
	he->samples_lo++;
	he->period_lo += (u32)period;
	if (he->filtered) {
		hists->nr_hidden++;
		hists->hidden_period += period;
	}
	hists->nr_samples++;
	hists->total_period += period;
	hists->mode_samples[cpumode & 7]++;
	return he;
}

/* hists__add_cpu for other keys than the default: dso,sym's fast path, or the slow one. */
static __attribute__((noinline)) struct hist_entry *
hists__add_cpu_other(struct hists *hists, const struct addr_location *al, u64 period, int cpu,
		     bool filtered)
{
	if (hists->fields == DSO_SYM_FIELDS)
		return hists__add_cpu_fast(hists, al, period, cpu, filtered, false, false);
	return hists__add_cpu_slow(hists, al, period, cpu, filtered);
}

struct hist_entry *hists__add_cpu(struct hists *hists, const struct addr_location *al,
				  u64 period, int cpu, bool filtered)
{
	if (__builtin_expect(hists->later_nr != 0, 0))
		hists__count_later(hists);	/* the samples before this one first */
	if (__builtin_expect(hists->fields != DEFAULT_FIELDS, 0))
		return hists__add_cpu_other(hists, al, period, cpu, filtered);
	return hists__add_cpu_fast(hists, al, period, cpu, filtered, true, false);
}

/*
 * Counting later. A sample the fast path misses costs two misses in
 * the cache, one after the other: its bucket, then its row (37% of a
 * guest report of 24,479 rows, bench-report.md 2026-12-07). Each sample
 * that misses waits in a ring of HIST_LATER: its bucket is asked for
 * when it comes, its row when HIST_LATER_ROW more have come (the bucket
 * read then), and it is counted when the ring is full, in the order the
 * samples came. Asking is only a hint: the count looks the row up as
 * hists__add_cpu does, whatever was made or moved meanwhile.
 */
#define HIST_LATER	16	/* a power of two */
#define HIST_LATER_ROW	8

struct hist_later {
	struct hist_key k;
	u64 period;
	u32 hash;
};

static inline u32 later_hash(unsigned f, const struct hist_key *k)
{
	return f == DEFAULT_FIELDS ? key_hash(DEFAULT_FIELDS, k) : key_hash(DSO_SYM_FIELDS, k);
}

/* Counts the oldest sample waiting, by the hash its wait took. */
static void hists__later_count_one(struct hists *hists)
{
	struct hist_later *l = &hists->later[hists->later_head];

	hists->later_head = (hists->later_head + 1) & (HIST_LATER - 1);
	hists->later_nr--;
	if (hists->fields == DEFAULT_FIELDS)
		hists__add_key_f(hists, DEFAULT_FIELDS, &l->k, l->period, &l->hash);
	else
		hists__add_key_f(hists, DSO_SYM_FIELDS, &l->k, l->period, &l->hash);
}

static __attribute__((noinline)) struct hist_entry *
hists__later_push(struct hists *hists, const struct addr_location *al, u64 period, int cpu)
{
	struct hist_later *l;
	u32 slot;

	if (!hists->later)
		hists->later = xmalloc(HIST_LATER * sizeof(*hists->later));
	if (hists->later_nr == HIST_LATER)
		hists__later_count_one(hists);
	slot = (hists->later_head + hists->later_nr++) & (HIST_LATER - 1);
	l = &hists->later[slot];
	key_of_sample(&l->k, al, cpu, false);
	l->period = period;
	l->hash = later_hash(hists->fields, &l->k);
	if (hists->table_size) {
		__builtin_prefetch(&hists->table[hists__bucket(hists, l->hash)]);
		if (hists->later_nr > HIST_LATER_ROW) {
			const struct hist_later *o =
				&hists->later[(slot - HIST_LATER_ROW) & (HIST_LATER - 1)];
			u32 r = hists->table[hists__bucket(hists, o->hash)];

			if (r != HIST_ROW_NONE) {
				/* a row is 48 bytes: it may cross into a second line */
				const char *he = (const char *)hists__row(hists, r);

				__builtin_prefetch(he);
				__builtin_prefetch(he + sizeof(struct hist_entry) - 1);
			}
		}
	}
	return NULL;
}

void hists__add_cpu_later(struct hists *hists, const struct addr_location *al, u64 period,
			  int cpu)
{
	if (hists->fields == DEFAULT_FIELDS)
		hists__add_cpu_fast(hists, al, period, cpu, false, true, true);
	else if (hists->fields == DSO_SYM_FIELDS)
		hists__add_cpu_fast(hists, al, period, cpu, false, false, true);
	else
		hists__add_cpu(hists, al, period, cpu, false);
}

void hists__count_later(struct hists *hists)
{
	while (hists->later_nr)
		hists__later_count_one(hists);
}

/*
 * Samples held while the host's kallsyms is read beside (hists__hold):
 * one entry for each set of row fields (key_of_sample's, the symbol not
 * looked up: @k.addr the ip) and map, in the order first held, with its
 * sample count and period. Counted in that order, each row's first
 * sample is what it would have been (a row's mode and data object offset
 * are its first sample's).
 */
struct held_sample {
	struct hist_key k;
	u64 map_start, map_pgoff;	/* for a data object's offset */
	u64 n, period;
	u64 made;		/* its first sample's place among rows made (table_order) */
	u32 next;		/* the bucket's next entry, HELD_NONE: none */
};

struct hists_held {
	struct held_sample *e;
	u32 nr, alloc;
	u32 *bucket;		/* alloc * 2 of them */
};

static void row__set_samples(struct hist_entry *he, u64 n);

#define HELD_NONE	UINT32_MAX
#define HELD_MIN	256
/* 128 bytes each and 8 of buckets: at most 2.2 MB, then the caller waits. */
#define HELD_MAX	16384

/* Over every field (the row hash covers only the sorted ones). */
static u32 held_hash(const struct held_sample *h)
{
	u64 x = h->k.addr ^ (uintptr_t)h->k.comm * 0x9e3779b97f4a7c15ull ^
		(uintptr_t)h->k.thread << 16 ^ (u64)(u32)h->k.cpu << 8 ^ (uintptr_t)h->k.dso;

	x *= 0xff51afd7ed558ccdull;
	return (u32)(x >> 32);
}

/* Held entries' keys differ only in what key_of_sample gives a symbol-less sample. */
static bool held_same(const struct held_sample *a, const struct held_sample *b)
{
	return a->k.addr == b->k.addr && a->k.comm == b->k.comm && a->k.thread == b->k.thread &&
	       a->k.tid == b->k.tid && a->k.cpu == b->k.cpu && a->k.dso == b->k.dso &&
	       a->k.machine == b->k.machine && a->k.vcpu == b->k.vcpu &&
	       a->map_start == b->map_start && a->map_pgoff == b->map_pgoff &&
	       a->k.level == b->k.level && a->k.cpumode == b->k.cpumode;
}

/* Room for one more entry; false at HELD_MAX. */
static bool held_grow(struct hists_held *hd)
{
	u32 i, n = hd->alloc ? hd->alloc * 2 : HELD_MIN;

	if (hd->nr < hd->alloc)
		return true;
	if (hd->alloc >= HELD_MAX)
		return false;
	hd->e = xrealloc(hd->e, n * sizeof(*hd->e));
	free(hd->bucket);
	hd->bucket = xmalloc(2 * (size_t)n * sizeof(*hd->bucket));
	memset(hd->bucket, 0xff, 2 * (size_t)n * sizeof(*hd->bucket));	/* HELD_NONE */
	hd->alloc = n;
	for (i = 0; i < hd->nr; i++) {
		u32 b = held_hash(&hd->e[i]) & (2 * n - 1);

		hd->e[i].next = hd->bucket[b];
		hd->bucket[b] = i;
	}
	return true;
}

bool hists__hold(struct hists *hists, const struct addr_location *al, u64 period, int cpu,
		 u32 *entry)
{
	struct hists_held *hd = hists->held;
	struct held_sample key;
	u32 b, i;

	/* the samples before this one are counted first: their rows' stamps come first */
	hists__count_later(hists);
	/* srcline keys read the address's line now, from @al; held samples keep no time */
	if (hists->fields & (RF_SRCLINE | RF_TIME))
		return false;
	if (!hd) {
		hd = hists->held = xzalloc(sizeof(*hd));
		held_grow(hd);
	}
	memset(&key, 0, sizeof(key));
	key_of_sample(&key.k, al, cpu, false);	/* @al->sym NULL: addr the ip */
	key.map_start = al->map ? al->map->start : 0;
	key.map_pgoff = al->map ? al->map->pgoff : 0;
	b = held_hash(&key) & (2 * hd->alloc - 1);
	for (i = hd->bucket[b]; i != HELD_NONE; i = hd->e[i].next) {
		if (held_same(&hd->e[i], &key)) {
			hd->e[i].n++;
			hd->e[i].period += period;
			if (entry)
				*entry = i;
			return true;
		}
	}
	if (hd->nr == hd->alloc) {
		if (!held_grow(hd))
			return false;
		b = held_hash(&key) & (2 * hd->alloc - 1);
	}
	key.n = 1;
	key.period = period;
	/*
	 * Where rows must be known in their first samples' order
	 * (table_order), rows are stamped as they are made from here on,
	 * and this entry takes the stamp its first sample comes at: its row,
	 * made when it is counted, takes it (hists__count_held).
	 */
	if (hists->table_order && !hists->track_made) {
		u32 r;

		hists->track_made = true;
		hists->alloc_made = hists->next_row ? hists->next_row : 1;
		hists->made = xmalloc(hists->alloc_made * sizeof(*hists->made));
		for (r = 0; r < hists->next_row; r++)
			hists->made[r] = r;
		hists->nr_made = hists->next_row;
	}
	if (hists->track_made)
		key.made = hists->nr_made++;
	key.next = hd->bucket[b];
	hd->bucket[b] = hd->nr;
	if (entry)
		*entry = hd->nr;
	hd->e[hd->nr++] = key;
	return true;
}

u64 hists__count_held(struct hists *hists, struct hist_entry ***rows)
{
	struct hists_held *hd = hists->held;
	u64 nr = 0;
	u32 i;

	hists__count_later(hists);
	if (rows)
		*rows = hd && hd->nr ? xcalloc(hd->nr, sizeof(**rows)) : NULL;
	for (i = 0; hd && i < hd->nr; i++) {
		const struct held_sample *h = &hd->e[i];
		struct hist_key k = h->k;
		struct addr_location al = {
			.machine = k.machine,
			.dso = k.dso,
			.addr = k.addr,
		};
		struct hist_entry *he;
		u32 hash, r;

		machines__resolve_held(&al);
		k.sym = al.sym;
		/* As lookup_symbol's (al.map: none here); a held sample's map is a kernel's. */
		k.addr = dso_addr(h->map_start, h->map_pgoff, h->k.addr);
		if (al.sym) {
			if (symbol__is_object(al.sym))
				k.obj_off = symbol__object_offset(k.dso, al.sym, k.addr, false,
								  k.machine ? k.machine->reloc : 0,
								  h->map_start, h->map_pgoff);
			k.addr = 0;
		}
		hash = key_hash(hists->fields, &k);
		r = hists__lookup_index_f(hists, hists->fields, &k, hash);
		if (r == HIST_ROW_NONE) {
			he = hists__insert_at(hists, &k, hash, &r);
			if (hists->track_made)
				hists->made[r] = h->made;
		} else {
			he = hists__row(hists, r);
			/*
			 * A row a later sample made (one not held, that the
			 * keys call the same: a user address under --sort
			 * sym): its first sample is this entry's, whose
			 * fields it shows, as perf's.
			 */
			if (hists->track_made && h->made < hists->made[r]) {
				hists->made[r] = h->made;
				row__take_fields(he, &k);
			}
		}
		row__set_samples(he, hist_entry__nr_samples(he) + h->n);
		add_mode_period(he, k.cpumode, h->period);
		row__set_period(he, hist_entry__period(he) + h->period);
		hists->nr_samples += h->n;
		hists->total_period += h->period;
		hists->mode_samples[k.cpumode & 7] += h->n;
		nr += h->n;
		if (rows)
			(*rows)[i] = he;
	}
	hists->last = NULL;
	hists__drop_held(hists);
	return nr;
}

void hists__drop_held(struct hists *hists)
{
	if (!hists->held)
		return;
	free(hists->held->e);
	free(hists->held->bucket);
	free(hists->held);
	hists->held = NULL;
}

void sort_order__full(struct sort_order *so, const struct sort_order *lead)
{
	bool have[SORT_NR_KEYS] = { false };
	int i;

	*so = *lead;
	so->nr_lead = lead->nr;
	for (i = 0; i < so->nr; i++)
		have[so->keys[i]] = true;
	/* srcline costs a DWARF lookup per address, parent a walk of the callchain */
	have[SORT_SRCLINE] = true;
	have[SORT_PARENT] = true;
	have[SORT_TIME] = true;		/* as perf's -F: rows by time only where asked */
	have[SORT_PERIOD] = true;
	for (i = 0; i < SORT_NR_KEYS; i++)
		if (!have[i])
			so->keys[so->nr++] = i;
}

/* @he's sample count: the low word in the row, a high one in its struct hist_more. */
static void row__set_samples(struct hist_entry *he, u64 n)
{
	he->samples_lo = (u32)n;
	if (n >> 32 || he->more)
		hist_entry__more(he)->samples_hi = (u32)(n >> 32);
}

/* A row's sample count and periods added into @row. */
static void row__add_counts(struct hist_entry *row, const struct hist_entry *src)
{
	static const u8 modes[] = {
		PERF_RECORD_MISC_KERNEL, PERF_RECORD_MISC_USER,
		PERF_RECORD_MISC_GUEST_KERNEL, PERF_RECORD_MISC_GUEST_USER,
	};
	size_t i;

	bool src_modes = src->more && src->more->modes;

	if (src_modes || src->cpumode != row->cpumode || (row->more && row->more->modes)) {
		if (src_modes) {
			for (i = 0; i < ARRAY_SIZE(modes); i++)
				row__add_mode(row, modes[i], hist_entry__mode_period(src, modes[i]));
		} else {
			row__add_mode(row, src->cpumode, hist_entry__period(src));
		}
	}
	row__set_samples(row, hist_entry__nr_samples(row) + hist_entry__nr_samples(src));
	row__set_period(row, hist_entry__period(row) + hist_entry__period(src));
	if (hist_entry__period_acc(src))
		hist_entry__more(row)->period_acc += hist_entry__period_acc(src);
	if (src->more && src->more->max_depth > hist_entry__more(row)->max_depth)
		row->more->max_depth = src->more->max_depth;
}

/*
 * The row @src groups into, made where there is none as a copy of @src's
 * fields (counts and links zero); the counts are the caller's.
 */
static struct hist_entry *hists__findnew_entry(struct hists *hists, const struct hist_entry *src)
{
	struct hist_key k;
	u32 hash;
	struct hist_entry *he;

	key_of_entry(&k, src);
	hash = key_hash(hists->fields, &k);
	he = hists__lookup(hists, &k, hash);
	return he ? he : hists__insert(hists, &k, hash);
}

struct hist_entry *hists__add_entry(struct hists *hists, const struct hist_entry *src)
{
	struct hist_entry *he = hists__findnew_entry(hists, src);

	u64 nr = hist_entry__nr_samples(src);

	row__add_counts(he, src);
	hists->nr_samples += nr;
	hists->total_period += hist_entry__period(src);
	hists->mode_samples[src->cpumode & 7] += nr;
	if (he->filtered) {
		hists->nr_hidden += nr;
		hists->hidden_period += hist_entry__period(src);
	}
	return he;
}

struct hist_entry *hists__add_cumulative(struct hists *hists, const struct hist_entry *src,
					 u64 period)
{
	struct hist_entry *he = hists__findnew_entry(hists, src);

	hist_entry__more(he)->period_acc += period;
	return he;
}

void hists__link_group(struct hists *leader, struct hists **members, int n)
{
	size_t i;
	u32 r;
	int m;

	for (m = 0; m < n; m++) {
		const struct hists *h = members[m];

		for (i = 0; i < h->table_size; i++) {
			for (r = h->table[i]; r != HIST_ROW_NONE; r = hists__row(h, r)->hnext) {
				const struct hist_entry *he = hists__row(h, r);

				/* an unmapped address pairs by address alone, as perf's */
				if (!he->filtered && !hists__find_unmapped(leader, he))
					hists__findnew_entry(leader, he);
			}
		}
	}
	leader->group = members;
	leader->nr_group = n;
}

const struct hist_entry *hists__group_pair(const struct hists *leader, int m,
					   const struct hist_entry *he)
{
	/*
	 * Hidden or not there: the value is shown, as perf's pairs are; an
	 * address no map covers pairs with its row at another level too.
	 */
	return hists__find(leader->group[m], he) ?: hists__find_unmapped(leader->group[m], he);
}

int hists__entry_cmp(const struct hists *hists, const struct hist_entry *a,
		     const struct hist_entry *b)
{
	return entry_cmp(&hists->so, a, b);
}

bool hist_entry__same_row(const struct hists *hists, const struct hist_entry *a,
			  const struct hist_entry *b)
{
	return !entry_cmp(&hists->so, a, b);
}

size_t hists__longest_chain(const struct hists *hists)
{
	size_t i, most = 0;

	for (i = 0; i < hists->table_size; i++) {
		size_t n = 0;
		u32 r;

		for (r = hists->table[i]; r != HIST_ROW_NONE; r = hists__row(hists, r)->hnext)
			n++;
		if (n > most)
			most = n;
	}
	return most;
}

/* What the order of rows depends on beyond the rows: the sort keys, --children. */
struct sort_ctx {
	const struct hists *hists;	/* whose rows the indices sorted name */
	const struct sort_order *so;
	bool cumulate;
	bool in_tree;	/* rows_tree_sort's: rows the sort calls equal are equal */
	const u32 *rank;	/* rows_table_order's: each row's place in perf's table */
};

/* What step @by of an order given in full says of @a against @b. */
static int sort_by__cmp(const struct sort_by *by, const struct hist_entry *a,
			const struct hist_entry *b, bool ties)
{
	const struct sort_key *k;
	u64 x, y;

	switch (by->what) {
	case SORT_BY_KEY:
		k = &sort_keys[by->arg];
		if (ties)
			return k->sort ? k->cmp(a, b) : 0;
		return k->sort ? k->sort(a, b) : k->cmp(a, b);
	case SORT_BY_SAMPLES:
		x = hist_entry__nr_samples(a);
		y = hist_entry__nr_samples(b);
		break;
	case SORT_BY_MODE:
		x = hist_entry__mode_period(a, by->arg);
		y = hist_entry__mode_period(b, by->arg);
		break;
	default:
		x = hist_entry__period(a);
		y = hist_entry__period(b);
		break;
	}
	if (ties || x == y)
		return 0;
	return x > y ? -1 : 1;
}

/*
 * The order given in full (so->by): each step in turn; rows every step
 * calls equal (a key's sort, as sort_sym's, may) by those keys' compares,
 * in the same turn (the order perf's table of rows holds them), unless
 * @in_tree (the caller orders those).
 */
static int sorted_cmp_by(const struct sort_order *so, unsigned skip, bool in_tree,
			 const struct hist_entry *a, const struct hist_entry *b)
{
	int i, c;

	for (i = 0; i < so->nr_by; i++) {
		if (so->by[i].what == SORT_BY_KEY && skip & 1u << so->by[i].arg)
			continue;
		c = sort_by__cmp(&so->by[i], a, b, false);
		if (c)
			return c;
	}
	if (in_tree)
		return 0;
	for (i = 0; i < so->nr_by; i++) {
		c = sort_by__cmp(&so->by[i], a, b, true);
		if (c)
			return c;
	}
	return 0;
}

/* The order of rows: by period (the children total first with --children), then by the keys. */
static int sorted_cmp(const struct sort_ctx *ctx, const struct hist_entry *a,
		      const struct hist_entry *b)
{
	u64 pa, pb;
	int i, c;

	if (ctx->cumulate) {
		u64 acc_a = hist_entry__period_acc(a), acc_b = hist_entry__period_acc(b);

		if (acc_a != acc_b)
			return acc_a > acc_b ? -1 : 1;
		if (ctx->hists->depth_order && a->more && b->more &&
		    a->more->thread == b->more->thread &&
		    a->more->max_depth != b->more->max_depth)
			return (a->more->max_depth < b->more->max_depth ? -1 : 1) *
			       ctx->hists->depth_order;
	}
	if (ctx->so->nr_by)
		return sorted_cmp_by(ctx->so, ctx->hists->sort_skip, ctx->in_tree, a, b);
	pa = hist_entry__period(a);
	pb = hist_entry__period(b);
	if (pa != pb)
		return pa > pb ? -1 : 1;
	/* --group: then by the other events' periods in turn, as perf's */
	for (i = 0; i < ctx->hists->nr_group; i++) {
		const struct hist_entry *x = hists__group_pair(ctx->hists, i, a);
		const struct hist_entry *y = hists__group_pair(ctx->hists, i, b);

		pa = x ? hist_entry__period(x) : 0;
		pb = y ? hist_entry__period(y) : 0;
		if (pa != pb)
			return pa > pb ? -1 : 1;
	}
	for (i = 0; i < ctx->so->nr; i++) {
		const struct sort_key *k = &sort_keys[ctx->so->keys[i]];

		if (ctx->hists->sort_skip & 1u << ctx->so->keys[i])
			continue;
		c = k->sort ? k->sort(a, b) : k->cmp(a, b);
		if (c)
			return c;
	}
	if (ctx->in_tree)
		return 0;
	/*
	 * Rows the sort calls equal (sort_sym's): by their keys' compares, in
	 * the order perf's table of rows holds them.
	 */
	for (i = 0; i < ctx->so->nr; i++) {
		const struct sort_key *k = &sort_keys[ctx->so->keys[i]];

		if (k->sort) {
			c = k->cmp(a, b);
			if (c)
				return c;
		}
	}
	return 0;
}

/* sorted_cmp for perf's default sort (comm,dso,sym), its keys' compares inlined. */
static int sorted_cmp_default(const struct sort_ctx *ctx __attribute__((unused)),
			      const struct hist_entry *a, const struct hist_entry *b)
{
	u64 pa, pb;
	int c;

	/* rows without a struct hist_more have no period's high word to read */
	if (__builtin_expect(!a->more && !b->more, 1)) {
		pa = a->period_lo;
		pb = b->period_lo;
	} else {
		pa = hist_entry__period(a);
		pb = hist_entry__period(b);
	}
	if (pa != pb)
		return pa > pb ? -1 : 1;
	c = cmp_comm(a, b);
	if (c)
		return c;
	c = cmp_dso(a, b);
	if (c)
		return c;
	return sort_sym(a, b) ?: cmp_sym(a, b);
}

static inline __attribute__((always_inline)) bool rows_before_default(const void *a, const void *b,
								       const void *ctx)
{
	/* the chunk directory itself: no load of hists->rows a row */
	struct hist_entry *const *rows = ctx;
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return sorted_cmp_default(NULL, rows__at(rows, x), rows__at(rows, y)) < 0;
}

static inline __attribute__((always_inline)) void rows_prefetch_default(const void *a,
									  const void *ctx)
{
	struct hist_entry *const *rows = ctx;

	__builtin_prefetch(rows__at(rows, *(const u32 *)a));
}

static inline __attribute__((always_inline)) void rows_prefetch(const void *a, const void *ctx)
{
	const struct sort_ctx *c = ctx;

	__builtin_prefetch(hists__row(c->hists, *(const u32 *)a));
}

static inline __attribute__((always_inline)) bool rows_before(const void *a, const void *b,
							       const void *ctx)
{
	const struct sort_ctx *c = ctx;

	return sorted_cmp(c, hists__row(c->hists, *(const u32 *)a),
			  hists__row(c->hists, *(const u32 *)b)) < 0;
}

/*
 * The rows' sorts (of their indices), one for the default keys (their
 * compares inlined) and one for any. Not stable, but the order orders
 * distinct rows strictly (rows equal under the sort keys are one row):
 * the result is the one order of the rows, whatever order they come in.
 */
static __attribute__((noinline)) void rows_introsort_default(const struct hists *hists, u32 *a,
							      size_t n)
{
	introsort_inline_prefetch(a, n, sizeof(*a), rows_before_default, rows_prefetch_default,
				  hists->rows);
}

/*
 * The rows are counted into at most 1 << ROW_BUCKET_BITS buckets (a table
 * of 256 KiB), about eight rows a bucket. Fewer rows than
 * ROW_PREFIX_MIN_ROWS (768 KiB of them) stay in the caches for the
 * compares' sort.
 */
#define ROW_BUCKET_BITS		16
#define ROW_PREFIX_MIN_ROWS	(1u << 14)

/* A bucket of more rows than this is sorted by the compares alone (the pairs: 32 KiB). */
#define ROW_BUCKET_MAX		4096

/*
 * The @n rows at @a, of one bucket: their prefixes (in their chain links)
 * and indices as pairs in @pair, sorted, then rows of one prefix by the
 * compares. Only the pairs' sort's memory is touched, and each row once.
 */
static void rows_sort_bucket(const struct hists *hists, u32 *a, size_t n, u64 *pair)
{
	size_t i, j;

	for (i = 0; i < n; i++)
		pair[i] = (u64)hists__row(hists, a[i])->hnext << 32 | a[i];
	sort_u64(pair, n);
	for (i = 0; i < n; i++)
		a[i] = (u32)pair[i];
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && pair[j] >> 32 == pair[i] >> 32; j++)
			;
		if (j - i > 1)
			rows_introsort_default(hists, a + i, j - i);
	}
}

/*
 * The default sort of the @n rows 0..n-1, their chains no longer needed
 * (hists__sort_final): each row's 32-bit prefix of its place
 * (util/row-prefix.c) in its chain link, a counting sort of the rows by
 * the prefix's top bits into @a (the rows read in the table's order), then
 * each bucket of more than one row by the rest of the prefix and the
 * compares (rows_sort_bucket), and the links left empty. A sort of the
 * whole array by the compares reads two rows from anywhere in the table a
 * compare (a million rows: a miss each); here each row is read a few
 * times, in the table's order or a bucket's few rows at once. False where
 * the prefix tells no rows apart.
 */
static bool rows_bucket_sort_default(struct hists *hists, u32 *a, size_t n)
{
	struct row_prefix *rp = n >= ROW_PREFIX_MIN_ROWS ? row_prefix__new(hists, n, 32) : NULL;
	unsigned width, shift, bits = 63 - (unsigned)__builtin_clzll(n) - 3;
	size_t nb, i, start, pf = 0;
	u32 *end;
	u64 *pair;

	if (!rp)
		return false;
	width = row_prefix__bits(rp);
	if (bits > ROW_BUCKET_BITS)
		bits = ROW_BUCKET_BITS;
	shift = width > bits ? width - bits : 0;
	nb = (size_t)1 << (width - shift);
	end = xcalloc(nb + 1, sizeof(*end));
	for (i = 0; i < n; i++) {
		struct hist_entry *he = hists__row(hists, (u32)i);

		he->hnext = row_prefix__of(rp, he);
		end[(he->hnext >> shift) + 1]++;
	}
	row_prefix__delete(rp);
	for (i = 1; i <= nb; i++)
		end[i] += end[i - 1];
	/* end[b]: where bucket b's next row goes; after the pass, where bucket b - 1 ends */
	for (i = 0; i < n; i++)
		a[end[hists__row(hists, (u32)i)->hnext >> shift]++] = (u32)i;
	pair = xmalloc(ROW_BUCKET_MAX * sizeof(*pair));
	for (i = 0, start = 0; i < nb; start = end[i++]) {
		size_t len = end[i] - start;

		/* the links of the buckets ahead on their way while this one sorts */
		for (; pf < n && pf < end[i] + 32; pf++)
			__builtin_prefetch(&hists__row(hists, a[pf])->hnext);
		if (len > ROW_BUCKET_MAX)
			rows_introsort_default(hists, a + start, len);
		else if (len > 1)
			rows_sort_bucket(hists, a + start, len, pair);
	}
	free(pair);
	free(end);
	for (i = 0; i < n; i++)
		hists__row(hists, (u32)i)->hnext = HIST_ROW_NONE;
	return true;
}

static __attribute__((noinline)) void rows_introsort_any(u32 *a, size_t n,
							  const struct sort_ctx *ctx)
{
	introsort_inline_prefetch(a, n, sizeof(*a), rows_before, rows_prefetch, ctx);
}

/* The order of perf's table of rows: by the keys' compares. */
static inline __attribute__((always_inline)) bool rows_before_in_table(const void *a,
									const void *b,
									const void *ctx)
{
	const struct sort_ctx *c = ctx;
	const struct hist_entry *x = hists__row(c->hists, *(const u32 *)a);
	const struct hist_entry *y = hists__row(c->hists, *(const u32 *)b);
	int i, r;

	for (i = 0; i < c->so->nr; i++) {
		r = sort_keys[c->so->keys[i]].cmp(x, y);
		if (r)
			return r < 0;
	}
	return false;
}

/* A node of rows_tree_sort's red-black tree: indices into its array. */
struct rb_row {
	u32 parent, left, right;
	bool red;
};

#define RB_NONE UINT32_MAX

/* Rotates the tree at @x: its child on the @left (true) or right side takes its place. */
static void rb_rotate(struct rb_row *t, u32 *root, u32 x, bool up_left)
{
	u32 y = up_left ? t[x].left : t[x].right;
	u32 inner = up_left ? t[y].right : t[y].left;
	u32 p = t[x].parent;

	if (up_left) {
		t[x].left = inner;
		t[y].right = x;
	} else {
		t[x].right = inner;
		t[y].left = x;
	}
	if (inner != RB_NONE)
		t[inner].parent = x;
	t[y].parent = p;
	t[x].parent = y;
	if (p == RB_NONE)
		*root = y;
	else if (t[p].left == x)
		t[p].left = y;
	else
		t[p].right = y;
}

/*
 * The @n rows at @a, each in turn, down a red-black tree (left where
 * @before says the row goes before the node's), rebalanced after each
 * insertion as the kernel's rbtree is; @a then holds the tree's order.
 * Where @before is an order this is its sort; where it is not, the
 * order depends on the rows' turn and on the tree's shape, as perf's.
 */
static void rb_insert_all(u32 *a, size_t n,
			  bool (*before)(const struct sort_ctx *ctx, u32 row, u32 node),
			  const struct sort_ctx *ctx)
{
	struct rb_row *t = xmalloc(n * sizeof(*t));
	u32 *rows = xmalloc(n * sizeof(*rows));
	u32 root = RB_NONE, i, x, p;
	size_t k = 0;

	memcpy(rows, a, n * sizeof(*rows));
	for (i = 0; i < n; i++) {
		u32 *link = &root;

		p = RB_NONE;
		while (*link != RB_NONE) {
			p = *link;
			link = before(ctx, rows[i], rows[p]) ? &t[p].left : &t[p].right;
		}
		t[i] = (struct rb_row){ .parent = p, .left = RB_NONE, .right = RB_NONE,
					.red = true };
		*link = i;
		/* the insertion's rebalancing, case by case as the kernel's */
		for (x = i; (p = t[x].parent) != RB_NONE && t[p].red;) {
			u32 g = t[p].parent;
			bool p_left = t[g].left == p;
			u32 uncle = p_left ? t[g].right : t[g].left;

			if (uncle != RB_NONE && t[uncle].red) {
				t[p].red = t[uncle].red = false;
				t[g].red = true;
				x = g;
				continue;
			}
			if (x == (p_left ? t[p].right : t[p].left)) {
				rb_rotate(t, &root, p, !p_left);
				x = p;
				p = t[x].parent;
			}
			rb_rotate(t, &root, g, p_left);
			t[p].red = false;
			t[g].red = true;
			break;
		}
		t[root].red = false;
	}
	/* in order, without a stack: down the left, then up from each right subtree */
	for (x = root; x != RB_NONE && t[x].left != RB_NONE; x = t[x].left)
		;
	while (x != RB_NONE) {
		a[k++] = rows[x];
		if (t[x].right != RB_NONE) {
			for (x = t[x].right; t[x].left != RB_NONE; x = t[x].left)
				;
		} else {
			for (p = t[x].parent; p != RB_NONE && t[p].right == x; p = t[x].parent)
				x = p;
			x = p;
		}
	}
	free(rows);
	free(t);
}

static bool tree_before(const struct sort_ctx *ctx, u32 row, u32 node)
{
	return sorted_cmp(ctx, hists__row(ctx->hists, row), hists__row(ctx->hists, node)) < 0;
}

/*
 * The @n rows at @a into perf's order where its sort is not an order
 * (--children with -g: rows of equal Children compare by depth only when
 * of one thread, so that a before b before c need not put a before c):
 * as perf does, each row in turn, in the order of its table of rows,
 * goes down a red-black tree under the sort (after those it calls
 * equal); the order is the tree's. Where the sort is an order this is
 * the sort's own.
 */
static void rows_tree_sort(u32 *a, size_t n, const struct sort_ctx *ctx)
{
	introsort_inline(a, n, sizeof(*a), rows_before_in_table, ctx);
	rb_insert_all(a, n, tree_before, ctx);
}

/* perf's compare of a new row with one of its table: the keys' compares. */
static bool table_before(const struct sort_ctx *ctx, u32 row, u32 node)
{
	return entry_cmp(ctx->so, hists__row(ctx->hists, row), hists__row(ctx->hists, node)) < 0;
}

struct row_made {
	u64 made;
	u32 idx;
};

static int cmp_row_made(const void *a, const void *b)
{
	const struct row_made *x = a, *y = b;

	return x->made < y->made ? -1 : x->made > y->made;
}

/* The @n row indices at @idx into the order the rows were made (hists.made), in place. */
static void rows_by_made(const struct hists *hists, u32 *idx, size_t n)
{
	struct row_made *rm = xmalloc((n ? n : 1) * sizeof(*rm));
	size_t i;

	for (i = 0; i < n; i++) {
		rm[i].made = hists->track_made ? hists->made[idx[i]] : idx[i];
		rm[i].idx = idx[i];
	}
	qsort(rm, n, sizeof(*rm), cmp_row_made);
	for (i = 0; i < n; i++)
		idx[i] = rm[i].idx;
	free(rm);
}

/*
 * Each row's place in perf's table of rows, where the keys' compares are
 * no order (sort_order__table_order): perf puts each row in its table
 * (a red-black tree) when the row's first sample comes, and where it
 * collapses (hists.table_collapse) moves them, in the table's order, into
 * a second table under the same compares; rows of equal share come out
 * in that order.
 * The @n rows are the indices 0..n-1, made in the samples' order, or
 * in the order of hists.made where some were made from held samples. A
 * new array of n ranks, by index.
 */
static u32 *rows_table_order(size_t n, const struct sort_ctx *ctx)
{
	u32 *order = xmalloc(n * sizeof(*order)), *rank = xmalloc(n * sizeof(*rank));
	size_t i;

	for (i = 0; i < n; i++)
		order[i] = (u32)i;
	if (ctx->hists->track_made)
		rows_by_made(ctx->hists, order, n);
	rb_insert_all(order, n, table_before, ctx);
	if (ctx->hists->table_collapse)
		rb_insert_all(order, n, table_before, ctx);
	for (i = 0; i < n; i++)
		rank[order[i]] = (u32)i;
	free(order);
	return rank;
}

/* Whether rows with a symbol and rows without one are both among the @n at @a. */
static bool rows_mix_syms(const struct hists *hists, const u32 *a, size_t n)
{
	bool with = false, without = false;
	size_t i;

	for (i = 0; i < n && !(with && without); i++) {
		if (hist_entry__sym(hists__row(hists, a[i])))
			with = true;
		else
			without = true;
	}
	return with && without;
}

static inline __attribute__((always_inline)) bool rows_before_ranked(const void *a,
								      const void *b,
								      const void *ctx)
{
	const struct sort_ctx *c = ctx;
	u32 x = *(const u32 *)a, y = *(const u32 *)b;
	int r = sorted_cmp(c, hists__row(c->hists, x), hists__row(c->hists, y));

	return r ? r < 0 : c->rank[x] < c->rank[y];
}

static __attribute__((noinline)) void rows_introsort_ranked(u32 *a, size_t n,
							     const struct sort_ctx *ctx)
{
	introsort_inline_prefetch(a, n, sizeof(*a), rows_before_ranked, rows_prefetch, ctx);
}

/*
 * The names of the @n rows' symbols (their indices at @a), read before
 * the sort and the output ask for them row by row: a kallsyms table reads
 * them back from its file, and in the file's order that is a few reads
 * instead of one a row.
 */
static void hists__read_names(const struct hists *hists, const u32 *a, size_t n)
{
	const struct symbol **syms;
	size_t i, k = 0;

	if (!(hists->fields & RF_SYM) || !n)
		return;
	syms = xmalloc(n * sizeof(*syms));
	for (i = 0; i < n; i++) {
		const struct symbol *s = hist_entry__sym(hists__row(hists, a[i]));

		if (s)
			syms[k++] = s;
	}
	symbols__read_names(syms, k);
	free(syms);
}

/*
 * The @n rows of @hists whose indices are at @a into their order, in
 * place, their symbols' names read first (hists__read_names). With
 * @own_links the rows are 0..n-1 (in any order at @a) and their chain
 * links are the sort's to use.
 */
static void hists__sort_rows(struct hists *hists, u32 *a, size_t n, bool own_links)
{
	const struct sort_order *so = &hists->so;
	struct sort_ctx ctx = { .hists = hists, .so = so, .cumulate = hists->cumulate };

	hists__read_names(hists, a, n);
	if (n < 2)
		return;
	if (hists->cumulate && hists->depth_order) {
		ctx.in_tree = true;
		rows_tree_sort(a, n, &ctx);
		return;
	}
	if (hists->table_order && !hists->sort_skip &&
	    !hists->nr_group && sort_order__table_order(so) && n == hists->next_row &&
	    hists__rows_dense(hists) && rows_mix_syms(hists, a, n)) {
		u32 *rank = rows_table_order(n, &ctx);

		ctx.in_tree = true;	/* ties: by rank, not the keys' compares */
		ctx.rank = rank;
		rows_introsort_ranked(a, n, &ctx);
		free(rank);
		return;
	}
	if (!hists->cumulate && !so->nr_by && !hists->sort_skip && !hists->nr_group && so->nr == 3 &&
	    so->keys[0] == SORT_COMM &&
	    so->keys[1] == SORT_DSO && so->keys[2] == SORT_SYM) {
		if (!own_links || !rows_bucket_sort_default(hists, a, n))
			rows_introsort_default(hists, a, n);
	} else
		rows_introsort_any(a, n, &ctx);
}

static int cmp_u32(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

/*
 * The rows are sorted in an array of their own: the table stays for
 * lookups (--hierarchy, top). They go into the sort by index, as into
 * hists__sort_final's, not in the table's order (the keyed row hash's,
 * drawn afresh by each process): where the compares are no order (rows
 * with and without a symbol across DSOs, --children's depth order) the
 * sort's result depends on what comes in, and the browser's view then
 * gave rows of equal share in another order than --stdio, now and then.
 */
void hists__sort(struct hists *hists)
{
	size_t i, n = 0;

	index_array__free(hists->sorted, hists->sorted_huge);
	hists->sorted_huge = 0;
	hists->sorted = xcalloc(hists->nr_entries ? hists->nr_entries : 1, sizeof(*hists->sorted));
	if (hists__rows_dense(hists)) {
		for (n = 0; n < hists->nr_entries; n++)
			hists->sorted[n] = (u32)n;
	} else {
		for (i = 0; i < hists->table_size; i++) {
			u32 r;

			for (r = hists->table[i]; r != HIST_ROW_NONE; r = hists__row(hists, r)->hnext)
				hists->sorted[n++] = r;
		}
		qsort(hists->sorted, n, sizeof(*hists->sorted), cmp_u32);
	}
	hists__sort_rows(hists, hists->sorted, n, false);
}

void hists__sort_final(struct hists *hists)
{
	u32 head = HIST_ROW_NONE, *tail = &head, r;
	size_t i, n = 0;

	index_array__free(hists->sorted, hists->sorted_huge);
	hists->sorted = hists->table ? hists->table : xcalloc(1, sizeof(*hists->sorted));
	hists->sorted_huge = hists->table ? table_huge_bytes(hists->table_size) : 0;
	if (hists__rows_dense(hists)) {
		/*
		 * Every index below next_row is a row in the table (none was
		 * dropped, none left out): the indices themselves, without a
		 * walk of the table's chains (their rows, scattered, were a
		 * tenth of a report of a million rows). The sort's order does
		 * not depend on the order the rows come in.
		 */
		for (n = 0; n < hists->nr_entries; n++)
			hists->sorted[n] = (u32)n;
	} else {
		/* The rows in one list, then into the table's array. */
		for (i = 0; i < hists->table_size; i++) {
			*tail = hists->table[i];
			while (*tail != HIST_ROW_NONE)
				tail = &hists__row(hists, *tail)->hnext;
		}
		for (r = head; r != HIST_ROW_NONE; r = hists__row(hists, r)->hnext)
			hists->sorted[n++] = r;
		/* by index, as hists__sort: not the keyed hash's order */
		qsort(hists->sorted, n, sizeof(*hists->sorted), cmp_u32);
	}
	hists->table = NULL;
	hists->table_size = 0;
	hists->table_shift = 0;
	hists->last = NULL;
	memset(hists->cache, 0, sizeof(hists->cache));
	hists->unlinked = true;
	hists__sort_rows(hists, hists->sorted, n, hists__rows_dense(hists));
}

u32 *hists__rows_made(const struct hists *hists, size_t *n)
{
	u32 *idx = xmalloc((hists->nr_entries ? hists->nr_entries : 1) * sizeof(*idx)), r;
	size_t k = 0, i;

	for (i = 0; i < hists->table_size; i++)
		for (r = hists->table[i]; r != HIST_ROW_NONE; r = hists__row(hists, r)->hnext)
			idx[k++] = r;
	rows_by_made(hists, idx, k);
	*n = k;
	return idx;
}

void hists__hide_but_symbol(struct hists *hists, const char *part)
{
	u32 i;

	for (i = 0; i < hists->next_row; i++) {
		struct hist_entry *he = hists__row(hists, i);
		const struct symbol *sym = hist_entry__sym(he);

		if (he->filtered || (sym && strstr(symbol__name(sym), part)))
			continue;
		he->filtered = true;
		hists->nr_hidden += hist_entry__nr_samples(he);
		hists->hidden_period += hist_entry__period(he);
		hists->part_hidden_period += hist_entry__period(he);
	}
}

void hists__mark_threads(const struct hists *hists)
{
	u32 i;

	/* A row dropped by the decay has no struct hist_more. */
	for (i = 0; i < hists->next_row; i++) {
		const struct hist_entry *he = hists__row(hists, i);

		if (he->more && he->more->thread)
			((struct thread *)he->more->thread)->held = true;
	}
}

void hists__decay(struct hists *hists)
{
	size_t i;

	hists->total_period = 0;
	hists->nr_samples = 0;
	for (i = 0; i < ARRAY_SIZE(hists->mode_samples); i++)
		hists->mode_samples[i] = hists->mode_samples[i] * 7 / 8;
	for (i = 0; i < hists->table_size; i++) {
		u32 *pp = &hists->table[i];

		while (*pp != HIST_ROW_NONE) {
			u32 r = *pp;
			struct hist_entry *he = hists__row(hists, r);
			struct hist_more *m = he->more;
			u64 nr = hist_entry__nr_samples(he) * 7 / 8;

			row__set_period(he, hist_entry__period(he) * 7 / 8);
			if (m && m->modes) {
				m->modes->sys = m->modes->sys * 7 / 8;
				m->modes->us = m->modes->us * 7 / 8;
				m->modes->guest_sys = m->modes->guest_sys * 7 / 8;
				m->modes->guest_us = m->modes->guest_us * 7 / 8;
			}
			row__set_samples(he, nr);
			/* top -g: the paths decay with their row */
			if (m && m->callchain && !callchain__decay(m->callchain)) {
				callchain__free(m->callchain);
				m->callchain = NULL;
			}
			if (!hist_entry__period(he) && !nr) {
				*pp = he->hnext;
				hists__drop_row(hists, he, r);
				hists->nr_entries--;
				continue;
			}
			hists->total_period += hist_entry__period(he);
			hists->nr_samples += nr;
			pp = &he->hnext;
		}
	}
	index_array__free(hists->sorted, hists->sorted_huge);
	hists->sorted = NULL;
	hists->sorted_huge = 0;
	hists->last = NULL;
	memset(hists->cache, 0, sizeof(hists->cache));
}

/*
 * The pool: report's samples looked up and counted on threads.
 *
 * The delivering thread fills batches of samples, each with the fields
 * of its row but the symbol, and what the symbol's lookup needs. Every
 * worker takes every batch, in order: first it looks up its share of the
 * batch's symbols (a slice), then, once all have, it counts the samples
 * whose row falls to it (by the row's hash), in the batch's order, into
 * hists of its own. A row is so counted by one thread, from its samples
 * in delivery order, as one thread would; the rows of the workers are
 * disjoint, and hists__sort orders rows by their keys alone, so the
 * result is the one thread's, whatever the threads' timing.
 */
#define POOL_BATCH	4096
#define POOL_SLOTS	4

struct pool_sample {
	struct sym_lookup lk;
	struct machine *machine;
	struct dso *dso;
	const struct symbol *sym;
	const char *comm;
	const struct thread *thread;
	u64 addr, period;
	u32 tid, idx, part;
	int vcpu, cpu;
	char level;
	u8 cpumode;
	bool lookup;
};

struct pool_batch {
	struct pool_sample *items;
	size_t n;
	/*
	 * Each slice's samples by the worker that counts them, in order:
	 * order[first[s][t] ...] for slice s and worker t, and
	 * first[s][nr] the slice's end.
	 */
	u16 *order;
	u32 *first;
	unsigned looked_up, counted;	/* workers done with each step: under lock */
};

/* A worker's share of a guest's header counts (machines__count_sample's). */
struct pool_count {
	struct machine *machine;
	u64 kernel, unresolved, user;
};

struct pool_worker {
	struct hist_pool *pool;
	pthread_t thread;
	unsigned id;
	bool started;
	struct hists *hists;	/* by event index */
	u32 nr_hists;
	size_t hint;		/* its symbol tables' lookup hint */
	/* the guests' header counts of its samples, added up at the end */
	struct pool_count *counts;
	size_t nr_counts;
	struct pool_count *last_count;
};

struct hist_pool {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	u64 submitted;		/* batches handed to the workers */
	u64 recycled;		/* batches taken back by the delivering thread */
	bool done;		/* no more batches */
	struct pool_batch slots[POOL_SLOTS];
	struct sort_order so;
	unsigned fields;	/* sort_order__fields(&so) */
	unsigned nr;
	struct pool_worker *workers;
};

static struct hists *worker__hists(struct pool_worker *w, u32 idx)
{
	if (idx >= w->nr_hists) {
		u32 i;

		w->hists = xrealloc(w->hists, (idx + 1) * sizeof(*w->hists));
		for (i = w->nr_hists; i <= idx; i++)
			hists__init(&w->hists[i], &w->pool->so);
		w->nr_hists = idx + 1;
	}
	return &w->hists[idx];
}

/* The header's guest counts of @ps (a guest sample, its symbol looked up). */
static void worker__count(struct pool_worker *w, const struct pool_sample *ps)
{
	struct pool_count *c = w->last_count;

	if (!c || c->machine != ps->machine) {
		size_t i;

		for (i = 0; i < w->nr_counts && w->counts[i].machine != ps->machine; i++)
			;
		if (i == w->nr_counts) {
			w->counts = xrealloc(w->counts, (i + 1) * sizeof(*w->counts));
			w->counts[i] = (struct pool_count){ .machine = ps->machine };
			w->nr_counts++;
		}
		c = w->last_count = &w->counts[i];
	}
	if (ps->cpumode == PERF_RECORD_MISC_GUEST_KERNEL) {
		c->kernel++;
		c->unresolved += !ps->sym;
	} else {
		c->user++;
	}
}

/* The symbol of @ps, where it has one to look up; and the guest counts. */
static inline void worker__lookup(struct pool_worker *w, struct pool_sample *ps)
{
	if (ps->lookup) {
		struct addr_location al = { .addr = ps->addr };

		sym_lookup__run(&ps->lk, &al, &w->hint);
		ps->sym = al.sym;
		ps->addr = al.addr;
	}
	if (cpumode__is_guest(ps->cpumode) && ps->machine)
		worker__count(w, ps);
}

static void pool_sample__key(const struct pool_sample *ps, struct hist_key *key)
{
	key->comm = ps->comm;
	key->tid = ps->tid;
	key->thread = ps->thread;
	key->machine = ps->machine;
	key->dso = ps->dso;
	key->sym = ps->sym;
	key->addr = ps->sym || ps->cpumode == PERF_RECORD_MISC_GUEST_USER ? 0 : ps->addr;
	key->srcline = NULL;
	key->parent = NULL;
	key->time = 0;
	key->vcpu = ps->vcpu;
	key->level = ps->level;
	key->cpumode = ps->cpumode;
	key->cpu = ps->cpu;
	key->filtered = false;
	/* @lk holds the map's fields where the symbol is a data object (hist_pool__add) */
	key->obj_off = 0;
	if (__builtin_expect(ps->sym && symbol__is_object(ps->sym), 0) && ps->lk.dso)
		key->obj_off = symbol__object_offset(ps->lk.dso, ps->sym, ps->addr, false,
						     ps->lk.reloc, ps->lk.map_start,
						     ps->lk.map_pgoff);
}

/* Slice @s ([@lo, @hi)) of @batch by counting worker, in order. */
static void pool_slice__order(const struct hist_pool *p, struct pool_batch *batch, unsigned s,
			      size_t lo, size_t hi)
{
	u32 *first = &batch->first[s * (p->nr + 1)];
	size_t i;
	unsigned t;

	for (t = 0; t <= p->nr; t++)
		first[t] = 0;
	for (i = lo; i < hi; i++)
		first[batch->items[i].part + 1]++;
	first[0] = (u32)lo;
	for (t = 1; t <= p->nr; t++)
		first[t] += first[t - 1];
	/* first[t] counts up to where worker t's run ends, then back. */
	for (i = lo; i < hi; i++)
		batch->order[first[batch->items[i].part]++] = (u16)i;
	for (t = p->nr; t > 0; t--)
		first[t] = first[t - 1];
	first[0] = (u32)lo;
}

static void *pool_worker_main(void *arg)
{
	struct pool_worker *w = arg;
	struct hist_pool *p = w->pool;
	struct hist_key key;
	unsigned s;
	u64 b;

	for (b = 0;; b++) {
		struct pool_batch *batch;
		size_t i, lo, hi;

		pthread_mutex_lock(&p->lock);
		while (p->submitted <= b && !p->done)
			pthread_cond_wait(&p->cond, &p->lock);
		if (p->submitted <= b) {
			pthread_mutex_unlock(&p->lock);
			break;
		}
		pthread_mutex_unlock(&p->lock);
		batch = &p->slots[b % POOL_SLOTS];
		if (p->nr == 1) {
			/* One worker: every sample and row is its, in order. */
			for (i = 0; i < batch->n; i++) {
				struct pool_sample *ps = &batch->items[i];

				worker__lookup(w, ps);
				pool_sample__key(ps, &key);
				hists__add_key(worker__hists(w, ps->idx), &key, ps->period);
			}
			pthread_mutex_lock(&p->lock);
			batch->looked_up = batch->counted = 1;
			pthread_cond_broadcast(&p->cond);
			pthread_mutex_unlock(&p->lock);
			continue;
		}
		/* This worker's slice: symbols, and which worker counts the row. */
		lo = batch->n * w->id / p->nr;
		hi = batch->n * (w->id + 1) / p->nr;
		for (i = lo; i < hi; i++) {
			struct pool_sample *ps = &batch->items[i];

			worker__lookup(w, ps);
			pool_sample__key(ps, &key);
			ps->part = key_hash(p->fields, &key) % p->nr;
		}
		pool_slice__order(p, batch, w->id, lo, hi);
		pthread_mutex_lock(&p->lock);
		if (++batch->looked_up == p->nr)
			pthread_cond_broadcast(&p->cond);
		while (batch->looked_up < p->nr)
			pthread_cond_wait(&p->cond, &p->lock);
		pthread_mutex_unlock(&p->lock);
		for (s = 0; s < p->nr; s++) {
			const u32 *first = &batch->first[s * (p->nr + 1)];

			for (i = first[w->id]; i < first[w->id + 1]; i++) {
				const struct pool_sample *ps = &batch->items[batch->order[i]];

				pool_sample__key(ps, &key);
				hists__add_key(worker__hists(w, ps->idx), &key, ps->period);
			}
		}
		pthread_mutex_lock(&p->lock);
		if (++batch->counted == p->nr)
			pthread_cond_broadcast(&p->cond);
		pthread_mutex_unlock(&p->lock);
	}
	return NULL;
}

struct hist_pool *hist_pool__new(unsigned nr_threads, const struct sort_order *so)
{
	struct hist_pool *p;
	unsigned i;

	if (nr_threads < 1 || sort_order__has(so, SORT_SRCLINE) || sort_order__has(so, SORT_PARENT) ||
	    sort_order__has(so, SORT_TIME))
		return NULL;
	p = xzalloc(sizeof(*p));
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	p->so = *so;
	p->fields = sort_order__fields(so);
	p->nr = nr_threads;
	for (i = 0; i < POOL_SLOTS; i++) {
		p->slots[i].items = xmalloc(POOL_BATCH * sizeof(*p->slots[i].items));
		p->slots[i].order = xmalloc(POOL_BATCH * sizeof(*p->slots[i].order));
		p->slots[i].first = xmalloc(nr_threads * (nr_threads + 1) *
					    sizeof(*p->slots[i].first));
	}
	p->workers = xcalloc(nr_threads, sizeof(*p->workers));
	for (i = 0; i < nr_threads; i++) {
		struct pool_worker *w = &p->workers[i];

		w->pool = p;
		w->id = i;
	}
	for (i = 0; i < nr_threads; i++) {
		if (thread_start(&p->workers[i].thread, pool_worker_main, &p->workers[i]))
			break;
		p->workers[i].started = true;
	}
	if (i < nr_threads) {
		/* Not every thread started: stop those that did, one thread does it all. */
		hist_pool__finish(p, NULL, 0);
		return NULL;
	}
	return p;
}

/* The delivering thread takes a counted batch back. */
static void pool_recycle(struct hist_pool *p, struct pool_batch *batch)
{
	batch->n = 0;
	batch->looked_up = batch->counted = 0;
	p->recycled++;
}

static void pool_submit(struct hist_pool *p)
{
	struct pool_batch *next;

	pthread_mutex_lock(&p->lock);
	p->submitted++;
	pthread_cond_broadcast(&p->cond);
	next = &p->slots[p->submitted % POOL_SLOTS];
	if (p->submitted - p->recycled == POOL_SLOTS) {
		/* The next slot holds the oldest batch: wait until it is counted. */
		while (next->counted < p->nr)
			pthread_cond_wait(&p->cond, &p->lock);
		pthread_mutex_unlock(&p->lock);
		pool_recycle(p, next);
		return;
	}
	pthread_mutex_unlock(&p->lock);
}

void hist_pool__add(struct hist_pool *p, u32 idx, const struct addr_location *al,
		    const struct sym_lookup *lk, u64 period, int cpu)
{
	struct pool_batch *batch = &p->slots[p->submitted % POOL_SLOTS];
	struct pool_sample *ps = &batch->items[batch->n];

	ps->lookup = lk != NULL;
	if (lk)
		ps->lk = *lk;
	ps->machine = al->machine;
	ps->dso = al->dso;
	ps->sym = al->sym;
	ps->comm = al->thread ? al->thread->comm : ":-1";
	ps->tid = al->thread ? al->thread->tid : (u32)-1;
	ps->thread = al->thread;
	ps->vcpu = al->thread ? al->thread->vcpu : -1;
	ps->addr = al->addr;
	ps->period = period;
	ps->idx = idx;
	ps->cpu = cpu;
	ps->level = al->level;
	ps->cpumode = al->cpumode;
	if (!lk && al->sym && symbol__is_object(al->sym)) {
		/* what the key's object offset needs (a lookup's @lk has it) */
		ps->lk.dso = al->map ? al->map->dso : NULL;
		ps->lk.reloc = al->machine ? al->machine->reloc : 0;
		ps->lk.map_start = al->map ? al->map->start : 0;
		ps->lk.map_pgoff = al->map ? al->map->pgoff : 0;
	}
	if (++batch->n == POOL_BATCH)
		pool_submit(p);
}

/* Moves @src's rows (none of them in @dst) and totals into @dst. */
static void hists__absorb(struct hists *dst, struct hists *src)
{
	size_t i, k;
	/* @src's rows are @dst's from here: row r of @src is @dst's base + r */
	u32 base = hists__take_rows(dst, src), r, n;

	for (i = 0; i < src->table_size; i++) {
		for (r = src->table[i]; r != HIST_ROW_NONE; r = n) {
			struct hist_entry *he = hists__row(dst, base + r), *row;

			n = he->hnext;
			if (dst->nr_entries + 1 > dst->table_size)
				hists__grow(dst, HIST_ROW_NONE);
			row = hists__find(dst, he);
			if (row) {
				/* Not reached (a row is one worker's); kept whole all the same. */
				row__add_counts(row, he);
				row__free_more(src, he);
				continue;
			}
			k = hists__bucket(dst, hists__row_hash(dst, he));
			he->hnext = dst->table[k];
			dst->table[k] = base + r;
			dst->nr_entries++;
		}
		src->table[i] = HIST_ROW_NONE;
	}
	dst->total_period += src->total_period;
	dst->nr_samples += src->nr_samples;
	dst->nr_hidden += src->nr_hidden;
	dst->hidden_period += src->hidden_period;
	for (k = 0; k < ARRAY_SIZE(dst->mode_samples); k++)
		dst->mode_samples[k] += src->mode_samples[k];
	dst->last = NULL;
	src->nr_entries = 0;
	hists__exit(src);
}

void hist_pool__finish(struct hist_pool *p, struct hists *hists, u32 nr_hists)
{
	unsigned i;
	u32 k;

	if (!p)
		return;
	if (p->slots[p->submitted % POOL_SLOTS].n)
		pool_submit(p);
	pthread_mutex_lock(&p->lock);
	p->done = true;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i < p->nr; i++)
		if (p->workers[i].started)
			pthread_join(p->workers[i].thread, NULL);
	while (p->recycled < p->submitted)
		pool_recycle(p, &p->slots[p->recycled % POOL_SLOTS]);
	for (i = 0; i < p->nr; i++) {
		struct pool_worker *w = &p->workers[i];
		size_t c;

		for (c = 0; c < w->nr_counts; c++) {
			struct machine *g = w->counts[c].machine;

			g->nr_kernel_samples += w->counts[c].kernel;
			g->nr_kernel_unresolved += w->counts[c].unresolved;
			g->nr_user_samples += w->counts[c].user;
		}
		free(w->counts);
		for (k = 0; k < w->nr_hists; k++) {
			if (k < nr_hists)
				hists__absorb(&hists[k], &w->hists[k]);
			else
				hists__exit(&w->hists[k]);
		}
		free(w->hists);
	}
	for (i = 0; i < POOL_SLOTS; i++) {
		free(p->slots[i].items);
		free(p->slots[i].order);
		free(p->slots[i].first);
	}
	free(p->workers);
	pthread_cond_destroy(&p->cond);
	pthread_mutex_destroy(&p->lock);
	free(p);
}
