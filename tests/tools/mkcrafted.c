// SPDX-License-Identifier: GPL-2.0
/*
 * Writes crafted perf.data files: hostile shapes (adversarial hash keys,
 * shared id sections, odd payload sizes, repeated features, huge header
 * fields) and large ones (many maps, threads, samples) for the tests and
 * the benches. Standalone: it does not link the engine, so the files are
 * laid out from perf.data's format alone.
 *
 * Usage: mkcrafted SHAPE OUT [N] [M]
 *   auxtrace-odd        file mode, callchains; the first record is an
 *                       AUXTRACE with a 13-byte payload
 *   auxtrace-odd-pipe   the same as a pipe-mode stream
 *   hostname-twice      pipe mode; HOSTNAME twice, the second one's string
 *                       length past its payload
 *   id-collide N        two events; the first has N ids that all share one
 *                       slot of a multiplicative (golden ratio) hash
 *   shared-ids N M      N events whose id sections are all one section of
 *                       M ids
 *   maps-desc N [K]     one process with N mmaps in descending address
 *                       order (top-down allocation), samples in each;
 *                       K > 0: a FINISHED_ROUND after every K mmaps
 *                       and every K of the samples after them
 *   maps-asc N [K], maps-random N [K]   the same in ascending / shuffled order
 *   threads N           N threads (tids k << 12), a COMM and a sample each
 *   build-ids N M       N BUILD_ID entries (distinct files) and M mmaps
 *                       of other files, a sample in each
 *   high-addrs N        one process, one map of 2^62 bytes, N samples
 *                       whose offsets in it differ only above bit 44 (a
 *                       fixed multiplier's middle bits do not see them)
 *   comm-bad            comms and a file name that are not UTF-8, a comm
 *                       with quotes, backslashes and control bytes, one
 *                       with a newline and a ';'
 *   huge FIELD          one header field at its largest: attrs, nrcpus,
 *                       hostname, cmdline, event-desc, build-ids,
 *                       feature-size, attr-size, data-size
 *   stream N [K]        N samples on 4 CPUs in time order, no
 *                       FINISHED_ROUND; K > 0: each CPU's records arrive in
 *                       blocks of K, so the file is out of order across
 *                       CPUs within a window (per-CPU ring buffers)
 *   rounds N            the same as stream N 1000, with FINISHED_ROUND
 *                       after each block of every CPU
 *   stream-at N T0      stream N, the times from T0 (ns) on
 *   jitter N [J]        stream N, each time moved up to J (default 4096)
 *                       later: out of order within each CPU too
 *   objects ELF IP:CALLER[@CPU]...   one process with ELF's PT_LOAD
 *                       segments mapped where its headers put them (an
 *                       ET_EXEC), one sample a pair in order: IP,
 *                       callchain IP then CALLER (hex), on CPU (0 when not
 *                       given); for rows of data objects and ties. An
 *                       argument bid=MODE:HEX instead adds a BUILD_ID
 *                       entry for ELF (the host's, cpumode MODE, build-id
 *                       HEX), in the order given
 *   late-maps N         N samples (default 100,000) in time order, no
 *                       FINISHED_ROUND, then the MMAP they fall in and a
 *                       COMM for their process, both timed before them
 *   kernel              host kernel samples, from lines on stdin, each a
 *                       record in time order: "text ADDR" (the kernel map,
 *                       _text at ADDR), "module START LEN NAME" (a module
 *                       map, [NAME]), "comm PID TID NAME", "sample IP PID
 *                       TID CPU" (a kernel-mode sample), "usample IP PID
 *                       TID CPU" (a user-mode one), "kbid HEX" (a
 *                       BUILD_ID entry for [kernel.kallsyms]), "gsample IP PID TID
 *                       CPU" (a guest kernel one, PID the guest's),
 *                       "mmap PID TID START LEN PGOFF NAME" (a user map,
 *                       hex numbers; "dmmap": a data map), "exec
 *                       PID TID NAME" (a COMM of an exec), "fork PID PPID
 *                       TID PTID", "exit PID PPID TID PTID", "wait NS"
 *                       (the next record NS later, decimal); a
 *                       FINISHED_ROUND after every 1000 samples
 *   kernel-g            kernel's, the samples with callchains: each sample
 *                       line's fields after the CPU, in hex (context
 *                       markers too: fffffffffffffe00 user, ...ff80
 *                       kernel), are its callchain
 *   kernel-g2           kernel-g with two events (the same attr, no group
 *                       described): a sample line that begins with "2"
 *                       ("2sample", "2usample") is the second event's
 */
#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdwrite.h"

#define KERNEL		1	/* PERF_RECORD_MISC_KERNEL */
#define USER		2	/* PERF_RECORD_MISC_USER */
#define GUEST_KERNEL	4	/* PERF_RECORD_MISC_GUEST_KERNEL */
#define COMM_EXEC	0x2000	/* PERF_RECORD_MISC_COMM_EXEC */
#define MMAP_DATA	0x2000	/* PERF_RECORD_MISC_MMAP_DATA */

const char *prog = "mkcrafted";

/* Record building: begin, fields, end (sets header.size). */
static size_t rec_start;

/* Pads to 8 bytes from the record's start (from 0 outside records). */
static void pad8(struct buf *b)
{
	static const u8 z[8];

	buf_put(b, z, (8 - (b->len - rec_start) % 8) % 8);
}

static void rec_begin(struct buf *b, u32 type, u16 misc)
{
	rec_start = b->len;
	buf_u32(b, type);
	buf_u32(b, misc);		/* misc, and size set in rec_end */
}

static void rec_end(struct buf *b)
{
	u16 size;

	pad8(b);
	size = (u16)(b->len - rec_start);
	memcpy(b->p + rec_start + 6, &size, 2);
	rec_start = 0;
}

static void put_str(struct buf *b, const char *s)
{
	buf_put(b, s, strlen(s) + 1);
	pad8(b);
}

/* The layout every shape shares: IP TID TIME ID CPU PERIOD, sample_id_all. */
struct event {
	u64 sample_type;
	u64 *ids;
	u32 nr_ids;
	u64 ids_off;		/* file mode: where the id section lies, set by write_file */
	u64 ids_shared;		/* nonzero: point at the first event's section */
};

static void make_attr(u8 *a, u64 sample_type)
{
	struct attr attr = {
		.type = 1,		/* PERF_TYPE_SOFTWARE, cpu-clock */
		.period = 100000,
		.sample_type = sample_type,
		.flags = (1ull << 18) | (1ull << 5) | (1ull << 6),	/* sample_id_all, exclude_kernel/hv */
	};

	attr_pack(a, &attr);
}

static void trailer(struct buf *b, u32 pid, u32 tid, u64 time, u64 id, u32 cpu)
{
	buf_u32(b, pid);
	buf_u32(b, tid);
	buf_u64(b, time);
	buf_u64(b, id);
	buf_u64(b, cpu);
}

static void rec_sample(struct buf *b, u64 type, u64 ip, u32 pid, u32 tid, u64 time, u64 id,
		       u32 cpu)
{
	rec_begin(b, REC_SAMPLE, USER);
	buf_u64(b, ip);
	buf_u32(b, pid);
	buf_u32(b, tid);
	buf_u64(b, time);
	buf_u64(b, id);
	buf_u64(b, cpu);
	buf_u64(b, 100000);
	if (type & ST_CALLCHAIN) {
		buf_u64(b, 3);
		buf_u64(b, 0xfffffffffffffe00ull);	/* PERF_CONTEXT_USER */
		buf_u64(b, ip);
		buf_u64(b, ip + 0x10);
	}
	rec_end(b);
}

/* An MMAP record of @misc's mode: @name at [@start, @start + @len) from @pgoff. */
static void rec_mmap_mode(struct buf *b, u16 misc, u32 pid, u32 tid, u64 start, u64 len,
			  u64 pgoff, const char *name, u64 time, u64 id)
{
	rec_begin(b, REC_MMAP, misc);
	buf_u32(b, pid);
	buf_u32(b, tid);
	buf_u64(b, start);
	buf_u64(b, len);
	buf_u64(b, pgoff);
	put_str(b, name);
	trailer(b, pid, tid, time, id, 0);
	rec_end(b);
}

static void rec_mmap(struct buf *b, u32 pid, u64 start, u64 len, const char *name, u64 time,
		     u64 id)
{
	rec_mmap_mode(b, USER, pid, pid, start, len, 0, name, time, id);
}

/* A COMM record with @misc (COMM_EXEC: an exec's). */
static void rec_comm_mode(struct buf *b, u16 misc, u32 pid, u32 tid, const char *comm, u64 time,
			  u64 id, u32 cpu)
{
	rec_begin(b, REC_COMM, misc);
	buf_u32(b, pid);
	buf_u32(b, tid);
	put_str(b, comm);
	trailer(b, pid, tid, time, id, cpu);
	rec_end(b);
}

static void rec_comm_cpu(struct buf *b, u32 pid, u32 tid, const char *comm, u64 time, u64 id,
			 u32 cpu)
{
	rec_comm_mode(b, 0, pid, tid, comm, time, id, cpu);
}

static void rec_comm(struct buf *b, u32 pid, u32 tid, const char *comm, u64 time, u64 id)
{
	rec_comm_cpu(b, pid, tid, comm, time, id, 0);
}

static struct feats feats;

/*
 * File mode: header, attrs (each with its id section), id sections, data,
 * the feature table and its payloads. @data_size_override, when nonzero,
 * replaces the data section's size in the header.
 */
static void write_file(const char *path, struct event *ev, u32 nr_ev, struct buf *data,
		       u64 attr_size_override, u64 data_size_override)
{
	struct buf h = { 0 };
	struct file_header fh = { 0 };
	u8 hdr[HEADER_SIZE];
	u64 attr_size = ATTR_SIZE + 16, off, ids_at, data_off;
	u32 i;
	FILE *fp = out_open(path);

	ids_at = HEADER_SIZE + (u64)nr_ev * attr_size;
	off = ids_at;
	for (i = 0; i < nr_ev; i++) {
		ev[i].ids_off = ev[i].ids_shared ? ev[0].ids_off : off;
		if (!ev[i].ids_shared)
			off += (u64)ev[i].nr_ids * 8;
	}
	data_off = (off + 7) & ~7ull;
	fh.attr_size = attr_size_override ? attr_size_override : attr_size;
	fh.attrs_off = HEADER_SIZE;
	fh.attrs_size = (u64)nr_ev * attr_size;
	fh.data_off = data_off;
	fh.data_size = data_size_override ? data_size_override : data->len;
	feats_bits(&feats, fh.feat_bits);
	header_pack(hdr, &fh);
	buf_put(&h, hdr, HEADER_SIZE);
	for (i = 0; i < nr_ev; i++) {
		u8 a[ATTR_SIZE];

		make_attr(a, ev[i].sample_type);
		buf_put(&h, a, ATTR_SIZE);
		buf_u64(&h, ev[i].ids_off);
		buf_u64(&h, (u64)ev[i].nr_ids * 8);
	}
	for (i = 0; i < nr_ev; i++)
		if (!ev[i].ids_shared)
			buf_put(&h, ev[i].ids, (size_t)ev[i].nr_ids * 8);
	pad8(&h);
	out_write(fp, path, h.p, h.len);
	out_write(fp, path, data->p, data->len);
	/* Features: sorted by id, the table first. */
	feats_write(fp, path, &feats, data_off + data->len);
	out_close(fp, path);
	free(h.p);
}

/* Pipe mode: the 16-byte header, HEADER_ATTRs, then @data as it is. */
static void write_pipe(const char *path, struct event *ev, u32 nr_ev, struct buf *data)
{
	struct buf h = { 0 };
	FILE *fp = out_open(path);
	u32 i;

	buf_u64(&h, PERF_MAGIC);
	buf_u64(&h, 16);
	for (i = 0; i < nr_ev; i++) {
		u8 a[ATTR_SIZE];

		make_attr(a, ev[i].sample_type);
		rec_begin(&h, REC_HEADER_ATTR, 0);
		buf_put(&h, a, ATTR_SIZE);
		buf_put(&h, ev[i].ids, (size_t)ev[i].nr_ids * 8);
		rec_end(&h);
	}
	out_write(fp, path, h.p, h.len);
	out_write(fp, path, data->p, data->len);
	out_close(fp, path);
	free(h.p);
}

#define BASE_TYPE	(ST_IP | ST_TID | ST_TIME | ST_ID | ST_CPU | ST_PERIOD)

static u64 one_id = 7;

static struct event one_event(u64 type)
{
	struct event e = { .sample_type = type, .ids = &one_id, .nr_ids = 1 };

	return e;
}

/* A process with a comm and a map, for samples to resolve against. */
static void process(struct buf *d, u32 pid, const char *comm, u64 id)
{
	rec_comm(d, pid, pid, comm, 1, id);
	rec_mmap(d, pid, 0x400000, 0x100000, "/usr/bin/crafted", 2, id);
}

static void shape_auxtrace(const char *path, bool pipe)
{
	struct event e = one_event(BASE_TYPE | ST_CALLCHAIN);
	struct buf d = { 0 };
	static const u8 payload[13] = "thirteen byte";
	int i;

	rec_begin(&d, REC_AUXTRACE, 0);
	buf_u64(&d, sizeof(payload));	/* size */
	buf_u64(&d, 0);			/* offset */
	buf_u64(&d, 1);			/* reference */
	buf_u32(&d, 0);			/* idx */
	buf_u32(&d, 100);		/* tid */
	buf_u32(&d, 0);			/* cpu */
	buf_u32(&d, 0);
	rec_end(&d);
	buf_put(&d, payload, sizeof(payload));
	process(&d, 100, "aux", one_id);
	for (i = 0; i < 16; i++)
		rec_sample(&d, e.sample_type, 0x401000 + 64 * i, 100, 100, 10 + i, one_id, 0);
	if (pipe)
		write_pipe(path, &e, 1, &d);
	else
		write_file(path, &e, 1, &d, 0, 0);
	free(d.p);
}

static void shape_hostname_twice(const char *path)
{
	struct event e = one_event(BASE_TYPE);
	struct buf d = { 0 }, s = { 0 };
	int i;

	rec_begin(&d, REC_HEADER_FEATURE, 0);
	buf_u64(&d, FEAT_HOSTNAME);
	feat_string(&d, "first-host");
	rec_end(&d);
	/* The second: a length past the payload. */
	rec_begin(&d, REC_HEADER_FEATURE, 0);
	buf_u64(&d, FEAT_HOSTNAME);
	buf_u32(&d, 4096);
	buf_put(&d, "second", 6);
	rec_end(&d);
	process(&d, 100, "host2", one_id);
	for (i = 0; i < 4; i++)
		rec_sample(&d, e.sample_type, 0x401000, 100, 100, 10 + i, one_id, 0);
	write_pipe(path, &e, 1, &d);
	free(d.p);
	free(s.p);
}

/* ids whose product with the golden-ratio constant has bits 32-63 zero. */
static void shape_id_collide(const char *path, u32 n)
{
	const u64 k = 0x9e3779b97f4a7c15ull;
	u64 inv = k, *ids = calloc(n, 8);
	struct event e[2] = { one_event(BASE_TYPE), one_event(BASE_TYPE) };
	struct buf d = { 0 };
	static u64 id2 = 3;
	u32 i;

	if (!ids)
		die("out of memory");
	for (i = 0; i < 5; i++)		/* Newton: inv = k^-1 mod 2^64 */
		inv *= 2 - k * inv;
	for (i = 0; i < n; i++)
		ids[i] = (u64)(i + 1) * inv;
	e[0].ids = ids;
	e[0].nr_ids = n;
	e[1].ids = &id2;
	process(&d, 100, "ids", ids[0]);
	for (i = 0; i < 1000; i++)
		rec_sample(&d, BASE_TYPE, 0x401000 + 16 * (i % 64), 100, 100, 10 + i,
			   i % 2 ? id2 : ids[(u64)i * 7919 % n], i % 4);
	write_file(path, e, 2, &d, 0, 0);
	free(ids);
	free(d.p);
}

static void shape_shared_ids(const char *path, u32 nr_ev, u32 nr_ids)
{
	struct event *e = calloc(nr_ev, sizeof(*e));
	u64 *ids = calloc(nr_ids, 8);
	struct buf d = { 0 };
	u32 i;

	if (!e || !ids)
		die("out of memory");
	for (i = 0; i < nr_ids; i++)
		ids[i] = 1000 + i;
	for (i = 0; i < nr_ev; i++) {
		e[i].sample_type = BASE_TYPE;
		e[i].ids = ids;
		e[i].nr_ids = nr_ids;
		e[i].ids_shared = i > 0;
	}
	process(&d, 100, "shared", ids[0]);
	rec_sample(&d, BASE_TYPE, 0x401000, 100, 100, 10, ids[0], 0);
	write_file(path, e, nr_ev, &d, 0, 0);
	free(e);
	free(ids);
	free(d.p);
}

static u64 rng = 88172645463325252ull;

static u64 rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/*
 * One process, n mmaps of 64 KiB, 4 KiB apart, in @order; a sample in
 * each, then n samples across them; @round > 0: a FINISHED_ROUND after
 * every @round mmaps and every @round of those samples, so that a reader
 * need not hold the records and the maps are what stays.
 */
static void shape_maps(const char *path, u32 n, int order, u32 round)
{
	struct event e = one_event(BASE_TYPE);
	struct buf d = { 0 };
	u64 base = 0x7f0000000000ull, t = 10, *at = calloc(n, 8);
	u32 i;
	char name[64];

	if (!at)
		die("out of memory");
	for (i = 0; i < n; i++)
		at[i] = order < 0 ? n - 1 - i : i;
	if (order == 0)
		for (i = n; i > 1; i--) {
			u32 j = (u32)(rnd() % i);
			u64 x = at[i - 1];

			at[i - 1] = at[j];
			at[j] = x;
		}
	rec_comm(&d, 100, 100, "maps", 1, one_id);
	for (i = 0; i < n; i++) {
		u64 start = base + at[i] * 0x11000;

		snprintf(name, sizeof(name), "/usr/lib/crafted/lib%u.so", (unsigned)(at[i] % 64));
		rec_mmap(&d, 100, start, 0x10000, name, t++, one_id);
		rec_sample(&d, BASE_TYPE, start + 0x100, 100, 100, t++, one_id, 0);
		if (round && (i + 1) % round == 0) {
			rec_begin(&d, REC_FINISHED_ROUND, 0);
			rec_end(&d);
		}
	}
	/* Then samples across all of them. */
	for (i = 0; i < n; i++) {
		rec_sample(&d, BASE_TYPE, base + (rnd() % n) * 0x11000 + 0x200, 100, 100, t++,
			   one_id, 0);
		if (round && (i + 1) % round == 0) {
			rec_begin(&d, REC_FINISHED_ROUND, 0);
			rec_end(&d);
		}
	}
	write_file(path, &e, 1, &d, 0, 0);
	free(at);
	free(d.p);
}

static void shape_threads(const char *path, u32 n)
{
	struct event e = one_event(BASE_TYPE);
	struct buf d = { 0 };
	char comm[16];
	u64 t = 10;
	u32 i;

	for (i = 0; i < n; i++) {
		u32 tid = (i + 1) << 12 | (i >> 20);

		snprintf(comm, sizeof(comm), "w%u", i % 1000);
		rec_comm(&d, tid, tid, comm, t++, one_id);
		rec_sample(&d, BASE_TYPE, 0x401000, tid, tid, t++, one_id, 0);
	}
	write_file(path, &e, 1, &d, 0, 0);
	free(d.p);
}

/*
 * A BUILD_ID feature entry of @f: @misc's cpumode, @pid (-1: the host),
 * @n bytes of build-id (at most 20) for @name.
 */
static void bid_entry(struct buf *f, u16 misc, u32 pid, const u8 *bid, size_t n, const char *name)
{
	size_t start = f->len;
	u8 id[24] = { 0 };
	u16 size;

	memcpy(id, bid, n < 20 ? n : 20);
	buf_u32(f, 0);		/* type (unused in the feature) */
	buf_put(f, &misc, 2);
	buf_put(f, "\0\0", 2);	/* size: below */
	buf_u32(f, pid);
	buf_put(f, id, sizeof(id));	/* 20 bytes and 4 of padding */
	buf_put(f, name, strlen(name) + 1);
	while ((f->len - start) % 8)
		buf_put(f, "", 1);
	size = (u16)(f->len - start);
	memcpy(f->p + start + 6, &size, 2);
}

/*
 * n BUILD_ID entries for distinct files, as perf record writes a user
 * DSO's (cpumode user, the host), and m mmaps of other distinct files
 * (none of them exists), a sample in each: every DSO looks for its
 * build-id among the entries.
 */
static void shape_build_ids(const char *path, u32 n, u32 m)
{
	struct event e = one_event(BASE_TYPE);
	struct buf d = { 0 }, *f = feat_add(&feats, FEAT_BUILD_ID);
	char name[64];
	u8 bid[20];
	u64 t = 10;
	u32 i;

	for (i = 0; i < n; i++) {
		memcpy(bid, &i, 4);
		memcpy(bid + 4, "crafted-build-id", 16);
		snprintf(name, sizeof(name), "/nonexistent/crafted/bid%u.so", i);
		bid_entry(f, USER, (u32)-1, bid, 20, name);
	}
	rec_comm(&d, 100, 100, "bids", t++, one_id);
	for (i = 0; i < m; i++) {
		u64 start = 0x10000000ull + (u64)i * 0x20000;

		snprintf(name, sizeof(name), "/nonexistent/crafted/map%u.so", i);
		rec_mmap(&d, 100, start, 0x10000, name, t++, one_id);
		rec_sample(&d, BASE_TYPE, start + 0x100, 100, 100, t++, one_id, 0);
	}
	write_file(path, &e, 1, &d, 0, 0);
	free(d.p);
}

static void shape_high_addrs(const char *path, u32 n)
{
	struct event e = one_event(BASE_TYPE);
	struct buf d = { 0 };
	u64 t = 10, start = 0x100000;
	u32 i;

	rec_comm(&d, 100, 100, "high", t++, one_id);
	rec_mmap(&d, 100, start, 1ull << 62, "/nonexistent/crafted/high.so", t++, one_id);
	for (i = 0; i < n; i++)
		rec_sample(&d, BASE_TYPE, start + ((u64)(i + 1) << 44) + 0x40, 100, 100, t++,
			   one_id, 0);
	write_file(path, &e, 1, &d, 0, 0);
	free(d.p);
}

static void shape_comm_bad(const char *path)
{
	struct event e = one_event(BASE_TYPE);
	struct buf d = { 0 };
	u64 t = 10;
	int i;

	/* "hotloop" with one bit flipped into a lone continuation byte. */
	rec_comm(&d, 100, 100, "hot\xecloop", t++, one_id);
	rec_mmap(&d, 100, 0x400000, 0x100000, "/usr/bin/bad\xff\xfe.so", t++, one_id);
	rec_comm(&d, 200, 200, "q\"uo\\te\x01\x1f\x7f", t++, one_id);
	rec_mmap(&d, 200, 0x400000, 0x100000, "/tmp/caf\xc3\xa9-\xe2\x82", t++, one_id);
	rec_comm(&d, 300, 300, "\xf0\x9f\x98\x80ok\xc0\xaf", t++, one_id);
	/* A folded line's separators: a newline and a ';'. */
	rec_comm(&d, 400, 400, "two\nli;nes", t++, one_id);
	for (i = 0; i < 40; i++)
		rec_sample(&d, BASE_TYPE, 0x401000 + 32 * (i % 5), 100 * (1 + i % 4),
			   100 * (1 + i % 4), t++, one_id, 0);
	write_file(path, &e, 1, &d, 0, 0);
	free(d.p);
}

static void shape_huge(const char *path, const char *field)
{
	struct event e = one_event(BASE_TYPE);
	struct buf d = { 0 }, *f;
	u64 attr_size = 0, data_size = 0;
	u32 i;

	process(&d, 100, "huge", one_id);
	for (i = 0; i < 8; i++)
		rec_sample(&d, BASE_TYPE, 0x401000, 100, 100, 10 + i, one_id, 0);
	if (!strcmp(field, "attrs")) {
		attr_size = 1ull << 62;
	} else if (!strcmp(field, "attr-size")) {
		attr_size = 0xffffffffffffffffull;
	} else if (!strcmp(field, "data-size")) {
		data_size = 0xfffffffffffff000ull;
	} else if (!strcmp(field, "nrcpus")) {
		f = feat_add(&feats, FEAT_NRCPUS);
		buf_u32(f, 0xffffffffu);
		buf_u32(f, 0xffffffffu);
	} else if (!strcmp(field, "hostname")) {
		f = feat_add(&feats, FEAT_HOSTNAME);
		buf_u32(f, 0xfffffff0u);
		buf_put(f, "h", 1);
	} else if (!strcmp(field, "cmdline")) {
		f = feat_add(&feats, FEAT_CMDLINE);
		buf_u32(f, 0xffffffffu);
		for (i = 0; i < 1000; i++)
			buf_u32(f, 0x7fffffffu);
	} else if (!strcmp(field, "event-desc")) {
		f = feat_add(&feats, FEAT_EVENT_DESC);
		buf_u32(f, 0xffffffffu);
		buf_u32(f, ATTR_SIZE);
	} else if (!strcmp(field, "build-ids")) {
		/* 200,000 smallest valid entries. */
		f = feat_add(&feats, FEAT_BUILD_ID);
		for (i = 0; i < 200000; i++) {
			u8 rec[40] = { 0 };
			u16 size = 40;

			memcpy(rec + 6, &size, 2);
			memcpy(rec + 8, &i, 4);
			f->len += 0;
			buf_put(f, rec, sizeof(rec));
		}
	} else if (!strcmp(field, "feature-size")) {
		/* The section's size is patched past the file below. */
		f = feat_add(&feats, FEAT_HOSTNAME);
		feat_string(f, "x");
	} else {
		die("unknown field '%s'", field);
	}
	write_file(path, &e, 1, &d, attr_size, data_size);
	if (!strcmp(field, "attrs")) {
		/* attrs.size: 2^62 as well (file offset 32). */
		FILE *fp = fopen(path, "r+b");
		u64 v = 1ull << 62;

		if (!fp || fseek(fp, 32, SEEK_SET) || fwrite(&v, 8, 1, fp) != 1 || fclose(fp))
			die("cannot patch '%s'", path);
	}
	if (!strcmp(field, "feature-size")) {
		FILE *fp = fopen(path, "r+b");
		u64 data_off, dsize, v = 0xfffffffffffffff0ull;

		if (!fp || fseek(fp, 40, SEEK_SET) || fread(&data_off, 8, 1, fp) != 1 ||
		    fread(&dsize, 8, 1, fp) != 1 ||
		    fseek(fp, (long)(data_off + dsize + 8), SEEK_SET) ||
		    fwrite(&v, 8, 1, fp) != 1 || fclose(fp))
			die("cannot patch '%s'", path);
	}
	free(d.p);
}

/*
 * N samples over 4 CPUs, times rising on each. blk == 0: in global time
 * order. Else each CPU's samples come in blocks of blk (as perf record
 * drains per-CPU buffers); rounds: a FINISHED_ROUND after every pass.
 * Written as it goes: the file may be larger than memory.
 */
/*
 * No rounds, @n samples on 4 CPUs in time order, then the MMAP they all
 * fall in and a COMM that renames their process, both written last but
 * timed before every sample: in perf's order (the whole file sorted by
 * time) every sample is in late.so and in the renamed process.
 */
static void shape_late_maps(const char *path, u64 n)
{
	struct event e = one_event(BASE_TYPE);
	struct buf d = { 0 };
	u64 i;

	process(&d, 100, "early", one_id);
	for (i = 0; i < n; i++)
		rec_sample(&d, BASE_TYPE, 0x800000 + (i % 16) * 0x100, 100, 100, 100 + i, one_id,
			   (u32)(i % 4));
	rec_mmap(&d, 100, 0x800000, 0x10000, "/usr/lib/crafted/late.so", 50, one_id);
	rec_comm_cpu(&d, 100, 100, "renamed", 60, one_id, 1);
	write_file(path, &e, 1, &d, 0, 0);
	free(d.p);
}

static void shape_stream(const char *path, u64 n, u64 blk, int rounds, u64 jitter, u64 t0)
{
	struct event e = one_event(BASE_TYPE);
	struct buf d = { 0 }, h = { 0 };
	FILE *fp;
	u64 done = 0, t = t0, total = 0;
	u32 pid;

	(void)h;
	for (pid = 1; pid <= 8; pid++) {
		char comm[16];

		snprintf(comm, sizeof(comm), "job%u", pid);
		process(&d, 1000 + pid, comm, one_id);
	}
	/* A file-mode header whose data size is patched at the end. */
	write_file(path, &e, 1, &d, 0, 0);
	fp = fopen(path, "r+b");
	if (!fp || fseek(fp, 0, SEEK_END))
		die("cannot reopen '%s'", path);
	total = d.len;
	d.len = 0;
	while (done < n) {
		u64 step = blk ? blk : 1, c, i;

		for (c = 0; c < 4 && done < n; c++) {
			for (i = 0; i < step && done < n; i++, done++) {
				u64 time = blk ? t + i * 4 + c : t + done * 16;
				u32 p = 1001 + (u32)(rnd() % 8), cpu = (u32)(blk ? c : done % 4);

				if (jitter)	/* out of order within a CPU too */
					time += rnd() % jitter;
				rec_sample(&d, BASE_TYPE, 0x400000 + (rnd() % 0x40000) * 4, p, p,
					   time, one_id, cpu);
				/*
				 * Now and then a process renames itself: the rows by
				 * comm are right only in time order.
				 */
				if (done % 9973 == 9972) {
					char comm[16];

					snprintf(comm, sizeof(comm), "job%u.%u", p,
						 (unsigned)(done / 9973 % 5));
					rec_comm_cpu(&d, p, p, comm, time, one_id, cpu);
				}
			}
			if (!blk)
				break;
		}
		if (blk) {
			t += step * 4;
			if (rounds) {
				rec_begin(&d, REC_FINISHED_ROUND, 0);
				rec_end(&d);
			}
		}
		if (d.len > (4u << 20)) {
			out_write(fp, path, d.p, d.len);
			total += d.len;
			d.len = 0;
		}
	}
	out_write(fp, path, d.p, d.len);
	total += d.len;
	/* The data section's size (offset 48); the features moved nowhere: none. */
	if (fseek(fp, 48, SEEK_SET) || fwrite(&total, 8, 1, fp) != 1)
		die("cannot patch '%s'", path);
	out_close(fp, path);
	free(d.p);
}

/* The PT_LOAD segments of the ET_EXEC @elf, each an MMAP of process @pid. */
static void map_segments(struct buf *d, const char *elf, u32 pid, u64 id)
{
	FILE *fp = fopen(elf, "rb");
	Elf64_Ehdr eh;
	int i;

	if (!fp || fread(&eh, sizeof(eh), 1, fp) != 1 || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_type != ET_EXEC)
		die("'%s': not a 64-bit ET_EXEC ELF file", elf);
	for (i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		u64 start, pgoff;

		if (fseek(fp, (long)(eh.e_phoff + (u64)i * eh.e_phentsize), SEEK_SET) ||
		    fread(&ph, sizeof(ph), 1, fp) != 1)
			die("'%s': cannot read program header %d", elf, i);
		if (ph.p_type != PT_LOAD)
			continue;
		start = ph.p_vaddr & ~0xfffull;
		pgoff = ph.p_offset & ~0xfffull;
		rec_begin(d, REC_MMAP, USER);
		buf_u32(d, pid);
		buf_u32(d, pid);
		buf_u64(d, start);
		buf_u64(d, ((ph.p_vaddr + ph.p_memsz + 0xfff) & ~0xfffull) - start);
		buf_u64(d, pgoff);
		put_str(d, elf);
		trailer(d, pid, pid, 2, id, 0);
		rec_end(d);
	}
	fclose(fp);
}

/* A build-id of 1 to 20 bytes in hex (@s, to its end or a newline) into @bid: its size, or 0. */
static size_t parse_bid(const char *s, u8 *bid)
{
	unsigned int byte;
	size_t n = 0;
	int used;

	for (; n < 20 && sscanf(s, "%2x%n", &byte, &used) == 1 && used == 2; s += 2)
		bid[n++] = (u8)byte;
	return *s && *s != '\n' ? 0 : n;
}

static void shape_objects(const char *path, const char *elf, char **pairs, int nr)
{
	struct event e = one_event(BASE_TYPE | ST_CALLCHAIN);
	struct buf d = { 0 }, *bf = NULL;
	int i;

	rec_comm(&d, 100, 100, "objects", 1, one_id);
	map_segments(&d, elf, 100, one_id);
	for (i = 0; i < nr; i++) {
		char *end;
		u64 ip, caller, cpu = 0;

		if (!strncmp(pairs[i], "bid=", 4)) {
			unsigned long mode = strtoul(pairs[i] + 4, &end, 10);
			u8 bid[20];
			size_t n;

			if (*end != ':' || mode > 7)
				die("'%s': want bid=MODE:HEX", pairs[i]);
			n = parse_bid(end + 1, bid);
			if (!n)
				die("'%s': want bid=MODE:HEX (2 to 40 hex digits)", pairs[i]);
			if (!bf)
				bf = feat_add(&feats, FEAT_BUILD_ID);
			bid_entry(bf, (u16)mode, (u32)-1, bid, n, elf);
			continue;
		}
		ip = strtoull(pairs[i], &end, 16);

		if (*end != ':')
			die("'%s': want IP:CALLER[@CPU]", pairs[i]);
		caller = strtoull(end + 1, &end, 16);
		if (*end == '@')
			cpu = strtoull(end + 1, &end, 10);
		if (*end || cpu > UINT32_MAX)
			die("'%s': want IP:CALLER[@CPU]", pairs[i]);
		rec_begin(&d, REC_SAMPLE, USER);
		buf_u64(&d, ip);
		buf_u32(&d, 100);
		buf_u32(&d, 100);
		buf_u64(&d, 10 + (u64)i);
		buf_u64(&d, one_id);
		buf_u64(&d, cpu);
		buf_u64(&d, 100000);
		buf_u64(&d, 3);
		buf_u64(&d, 0xfffffffffffffe00ull);	/* PERF_CONTEXT_USER */
		buf_u64(&d, ip);
		buf_u64(&d, caller);
		rec_end(&d);
	}
	write_file(path, &e, 1, &d, 0, 0);
	free(d.p);
}

/* A kernel map (pid -1), as perf record writes the kernel's and each module's. */
static void rec_kmap(struct buf *b, u64 start, u64 len, u64 pgoff, const char *name, u64 time)
{
	rec_mmap_mode(b, KERNEL, (u32)-1, 0, start, len, pgoff, name, time, one_id);
}

static void shape_kernel(const char *path, bool chains, u32 nr_ev)
{
	static u64 second_id = 8;
	struct event e[2] = { one_event(BASE_TYPE | (chains ? ST_CALLCHAIN : 0)),
			      one_event(BASE_TYPE | (chains ? ST_CALLCHAIN : 0)) };
	struct buf d = { 0 }, *bf = NULL;
	/* a record is at most 64 KiB: a chain of up to 8,000 entries */
	static char buf[160000];
	static u64 chain[8000];
	char name[256], mname[300], *line;
	u64 a, len, pgoff, time = 1, nr = 0, id;
	unsigned pid, tid, ppid, ptid, cpu;
	int used;

	e[1].ids = &second_id;
	while (fgets(buf, sizeof(buf), stdin)) {
		time++;
		line = buf;
		id = one_id;
		if (nr_ev == 2 && line[0] == '2') {
			line++;
			id = second_id;
		}
		if (sscanf(line, "wait %" SCNu64, &a) == 1) {
			time += a;
		} else if (!strncmp(line, "kbid ", 5)) {
			u8 bid[20];
			size_t n = parse_bid(line + 5, bid);

			if (!n)
				die("kernel: bad line '%s'", line);
			if (!bf)
				bf = feat_add(&feats, FEAT_BUILD_ID);
			bid_entry(bf, KERNEL, (u32)-1, bid, n, "[kernel.kallsyms]");
		} else if (sscanf(line, "text %" SCNx64, &a) == 1) {
			rec_kmap(&d, a, UINT64_MAX - a, a, "[kernel.kallsyms]_text", time);
		} else if (sscanf(line, "module %" SCNx64 " %" SCNx64 " %255s", &a, &len, name) == 3) {
			snprintf(mname, sizeof(mname), "[%s]", name);
			rec_kmap(&d, a, len, 0, mname, time);
		} else if (sscanf(line, "comm %u %u %255s", &pid, &tid, name) == 3) {
			rec_comm(&d, pid, tid, name, time, one_id);
		} else if (sscanf(line, "exec %u %u %255s", &pid, &tid, name) == 3) {
			rec_comm_mode(&d, COMM_EXEC, pid, tid, name, time, one_id, 0);
		} else if (sscanf(line, "mmap %u %u %" SCNx64 " %" SCNx64 " %" SCNx64 " %255s", &pid,
				  &tid, &a, &len, &pgoff, name) == 6 ||
			   sscanf(line, "dmmap %u %u %" SCNx64 " %" SCNx64 " %" SCNx64 " %255s", &pid,
				  &tid, &a, &len, &pgoff, name) == 6) {
			rec_mmap_mode(&d, line[0] == 'd' ? USER | MMAP_DATA : USER, pid, tid, a, len,
				      pgoff, name, time, one_id);
		} else if (sscanf(line, "fork %u %u %u %u", &pid, &ppid, &tid, &ptid) == 4 ||
			   sscanf(line, "exit %u %u %u %u", &pid, &ppid, &tid, &ptid) == 4) {
			rec_begin(&d, line[0] == 'f' ? REC_FORK : REC_EXIT, 0);
			buf_u32(&d, pid);
			buf_u32(&d, ppid);
			buf_u32(&d, tid);
			buf_u32(&d, ptid);
			buf_u64(&d, time);
			trailer(&d, pid, tid, time, one_id, 0);
			rec_end(&d);
		} else if (sscanf(line, "sample %" SCNx64 " %u %u %u%n", &a, &pid, &tid, &cpu,
				  &used) == 4 ||
			   sscanf(line, "usample %" SCNx64 " %u %u %u%n", &a, &pid, &tid, &cpu,
				  &used) == 4 ||
			   sscanf(line, "gsample %" SCNx64 " %u %u %u%n", &a, &pid, &tid, &cpu,
				  &used) == 4) {
			char *p = line + used;
			size_t k = 0;

			/* strtoull: sscanf measures the whole rest of the line each call */
			while (chains && k < ARRAY_LEN(chain)) {
				char *end;

				chain[k] = strtoull(p, &end, 16);
				if (end == p)
					break;
				k++;
				p = end;
			}
			rec_begin(&d, REC_SAMPLE, line[0] == 'u' ? USER : line[0] == 'g' ? GUEST_KERNEL :
				  KERNEL);
			buf_u64(&d, a);
			buf_u32(&d, pid);
			buf_u32(&d, tid);
			buf_u64(&d, time);
			buf_u64(&d, id);
			buf_u64(&d, cpu);
			buf_u64(&d, 100000 + (a & 0xff));	/* periods that differ */
			if (chains) {
				buf_u64(&d, k);
				for (size_t i = 0; i < k; i++)
					buf_u64(&d, chain[i]);
			}
			rec_end(&d);
			if (++nr % 1000 == 0) {
				rec_begin(&d, REC_FINISHED_ROUND, 0);
				rec_end(&d);
			}
		} else {
			die("kernel: bad line '%s'", line);
		}
	}
	write_file(path, e, nr_ev, &d, 0, 0);
	free(d.p);
}

int main(int argc, char **argv)
{
	const char *shape, *path;
	u64 n, m;

	if (argc < 3) {
		fprintf(stderr, "usage: mkcrafted SHAPE OUT [N] [M] (shapes: see the source)\n");
		return 2;
	}
	shape = argv[1];
	path = argv[2];
	n = argc > 3 ? strtoull(argv[3], NULL, 0) : 0;
	m = argc > 4 ? strtoull(argv[4], NULL, 0) : 0;
	if (!strcmp(shape, "auxtrace-odd"))
		shape_auxtrace(path, false);
	else if (!strcmp(shape, "auxtrace-odd-pipe"))
		shape_auxtrace(path, true);
	else if (!strcmp(shape, "hostname-twice"))
		shape_hostname_twice(path);
	else if (!strcmp(shape, "id-collide"))
		shape_id_collide(path, n ? (u32)n : 200000);
	else if (!strcmp(shape, "shared-ids"))
		shape_shared_ids(path, n ? (u32)n : 4096, m ? (u32)m : 1u << 20);
	else if (!strcmp(shape, "maps-desc"))
		shape_maps(path, n ? (u32)n : 100000, -1, (u32)m);
	else if (!strcmp(shape, "maps-asc"))
		shape_maps(path, n ? (u32)n : 100000, 1, (u32)m);
	else if (!strcmp(shape, "maps-random"))
		shape_maps(path, n ? (u32)n : 100000, 0, (u32)m);
	else if (!strcmp(shape, "threads"))
		shape_threads(path, n ? (u32)n : 100000);
	else if (!strcmp(shape, "build-ids"))
		shape_build_ids(path, n ? (u32)n : 200000, m ? (u32)m : 20000);
	else if (!strcmp(shape, "comm-bad"))
		shape_comm_bad(path);
	else if (!strcmp(shape, "high-addrs"))
		shape_high_addrs(path, n ? (u32)n : 100000);
	else if (!strcmp(shape, "huge") && argc > 3)
		shape_huge(path, argv[3]);
	else if (!strcmp(shape, "late-maps"))
		shape_late_maps(path, n ? n : 100000);
	else if (!strcmp(shape, "stream"))
		shape_stream(path, n ? n : 1000000, m, 0, 0, 1000);
	else if (!strcmp(shape, "jitter"))
		shape_stream(path, n ? n : 1000000, 0, 0, m ? m : 4096, 1000);
	else if (!strcmp(shape, "objects") && argc > 3)
		shape_objects(path, argv[3], argv + 4, argc - 4);
	else if (!strcmp(shape, "kernel"))
		shape_kernel(path, false, 1);
	else if (!strcmp(shape, "kernel-g"))
		shape_kernel(path, true, 1);
	else if (!strcmp(shape, "kernel-g2"))
		shape_kernel(path, true, 2);
	else if (!strcmp(shape, "rounds"))
		shape_stream(path, n ? n : 1000000, 1000, 1, 0, 1000);
	else if (!strcmp(shape, "stream-at") && argc > 4)
		shape_stream(path, n, 0, 0, 0, m);
	else
		die("unknown shape '%s'", shape);
	return 0;
}
