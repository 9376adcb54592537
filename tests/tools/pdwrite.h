/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the perf.data generators (mkcrafted, mkguestdata, mkkvmstat) share:
 * dying with a message, checked allocation, a PRNG, a growable byte
 * buffer, and perf.data's file header, attr and feature sections as
 * shared/PERF_DATA.md lays them out. Like the generators it links nothing
 * of pmukvm's engine, so the files stay independent of what reads them.
 *
 * Each generator defines `const char *prog`, the name its messages start
 * with.
 */
#ifndef PDWRITE_H
#define PDWRITE_H

#include <stdint.h>
#include <stdio.h>

typedef uint64_t u64;
typedef uint32_t u32;
typedef uint16_t u16;
typedef uint8_t u8;
typedef int32_t s32;

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

/* perf.data constants (shared/PERF_DATA.md). */
#define PERF_MAGIC	0x32454c4946524550ull	/* "PERFILE2" */
#define HEADER_SIZE	104
#define ATTR_SIZE	128		/* what perf 6.1 writes */

#define FEAT_TRACING_DATA	1
#define FEAT_BUILD_ID		2
#define FEAT_HOSTNAME		3
#define FEAT_OSRELEASE		4
#define FEAT_VERSION		5
#define FEAT_ARCH		6
#define FEAT_NRCPUS		7
#define FEAT_CPUDESC		8
#define FEAT_CPUID		9
#define FEAT_CMDLINE		11
#define FEAT_EVENT_DESC		12
#define FEAT_GUEST_FILES	200	/* pmukvm's: the guests' symbol files */

#define REC_MMAP		1
#define REC_COMM		3
#define REC_EXIT		4
#define REC_FORK		7
#define REC_SAMPLE		9
#define REC_HEADER_ATTR		64
#define REC_FINISHED_ROUND	68
#define REC_AUXTRACE		71
#define REC_HEADER_FEATURE	80

#define ST_IP		(1u << 0)
#define ST_TID		(1u << 1)
#define ST_TIME		(1u << 2)
#define ST_CALLCHAIN	(1u << 5)
#define ST_ID		(1u << 6)
#define ST_CPU		(1u << 7)
#define ST_PERIOD	(1u << 8)
#define ST_RAW		(1u << 10)
#define ST_IDENTIFIER	(1u << 16)

/* ---------------------------------------------------------------- errors */

extern const char *prog;
/* The file being written, or NULL: die() removes it, so no half file stays. */
extern const char *partial_path;

void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...);
void *xrealloc(void *p, size_t n);
void *xcalloc(size_t n, size_t sz);

/* xorshift64*: small, deterministic, and good enough for picking symbols. */
extern u64 rng_state;
u64 rng_next(void);
/* Uniform in [0, n), n > 0; the modulo bias is irrelevant at these sizes. */
u64 rng_below(u64 n);

/* ---------------------------------------------------------------- buffers */

struct buf {
	u8 *p;
	size_t len, alloc;
};

void buf_put(struct buf *b, const void *p, size_t n);
void buf_u64(struct buf *b, u64 v);
void buf_u32(struct buf *b, u32 v);

/* ---------------------------------------------------------------- output */

/* Creates @path for writing and makes it the partial_path. */
FILE *out_open(const char *path);
void out_write(FILE *f, const char *path, const void *p, size_t n);
/* Closes a file of out_open(); it is complete: no longer partial. */
void out_close(FILE *f, const char *path);

/* ---------------------------------------------------------------- perf.data */

/* The fields of struct perf_event_attr the generators set; the rest is 0. */
struct attr {
	u32 type;
	u64 config;
	u64 period;		/* sample_period, or sample_freq with the freq flag */
	u64 sample_type;
	u64 read_format;
	u64 flags;		/* the bit fields after read_format */
};

void attr_pack(u8 a[ATTR_SIZE], const struct attr *attr);

/* The file header's fields; the event_types section stays empty. */
struct file_header {
	u64 attr_size;		/* one attrs entry: the attr and its ids section */
	u64 attrs_off, attrs_size;
	u64 data_off, data_size;
	u64 feat_bits[4];
};

void header_pack(u8 h[HEADER_SIZE], const struct file_header *fh);

/* perf's string: u32 length (the NUL and zeros up to 64 bytes), the bytes. */
void feat_string(struct buf *b, const char *s);

/* Feature payloads, each in its own buffer, in the order they were added. */
#define MAX_FEATS	16

struct feats {
	struct {
		int id;
		struct buf data;
	} f[MAX_FEATS];
	int nr;
};

/* A new payload of feature @id, to fill. */
struct buf *feat_add(struct feats *fs, int id);
/*
 * The host's features every generator writes: HOSTNAME "<prog>-host",
 * OSRELEASE "6.1.0-<prog>", ARCH x86_64 and NRCPUS (@ncpus online and
 * available).
 */
void feats_host(struct feats *fs, u32 ncpus);
/* Sets the header bit of each feature in @bits. */
void feats_bits(const struct feats *fs, u64 bits[4]);
/*
 * Writes the feature section table at @at, the file's position, and the
 * payloads after it, both sorted by feature id (payloads of one id in the
 * order they were added).
 */
void feats_write(FILE *f, const char *path, const struct feats *fs, u64 at);
void feats_free(struct feats *fs);

#endif
