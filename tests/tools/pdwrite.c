// SPDX-License-Identifier: GPL-2.0
/* What the perf.data generators share: see pdwrite.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pdwrite.h"

const char *partial_path;

void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (partial_path)
		unlink(partial_path);
	exit(1);
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("out of memory (%zu bytes)", n);
	return p;
}

void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz ? sz : 1);

	if (!p)
		die("out of memory (%zu x %zu bytes)", n, sz);
	return p;
}

u64 rng_state;

u64 rng_next(void)
{
	u64 x = rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545f4914f6cdd1dull;
}

u64 rng_below(u64 n)
{
	return rng_next() % n;
}

void buf_put(struct buf *b, const void *p, size_t n)
{
	if (b->len + n > b->alloc) {
		while (b->len + n > b->alloc)
			b->alloc = b->alloc ? b->alloc * 2 : 4096;
		b->p = xrealloc(b->p, b->alloc);
	}
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
}

void buf_u64(struct buf *b, u64 v) { buf_put(b, &v, 8); }
void buf_u32(struct buf *b, u32 v) { buf_put(b, &v, 4); }

FILE *out_open(const char *path)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		die("cannot create '%s': %s", path, strerror(errno));
	partial_path = path;
	return f;
}

void out_write(FILE *f, const char *path, const void *p, size_t n)
{
	if (n && fwrite(p, 1, n, f) != n)
		die("cannot write '%s': %s", path, strerror(errno));
}

void out_close(FILE *f, const char *path)
{
	if (fclose(f))
		die("cannot write '%s': %s", path, strerror(errno));
	partial_path = NULL;
}

void attr_pack(u8 a[ATTR_SIZE], const struct attr *attr)
{
	u32 size = ATTR_SIZE;

	memset(a, 0, ATTR_SIZE);
	memcpy(a + 0, &attr->type, 4);
	memcpy(a + 4, &size, 4);
	memcpy(a + 8, &attr->config, 8);
	memcpy(a + 16, &attr->period, 8);
	memcpy(a + 24, &attr->sample_type, 8);
	memcpy(a + 32, &attr->read_format, 8);
	memcpy(a + 40, &attr->flags, 8);
}

void header_pack(u8 h[HEADER_SIZE], const struct file_header *fh)
{
	u64 v[HEADER_SIZE / 8] = {
		PERF_MAGIC, HEADER_SIZE, fh->attr_size, fh->attrs_off, fh->attrs_size,
		fh->data_off, fh->data_size, 0, 0,	/* event_types: none */
		fh->feat_bits[0], fh->feat_bits[1], fh->feat_bits[2], fh->feat_bits[3],
	};

	memcpy(h, v, HEADER_SIZE);
}

void feat_string(struct buf *b, const char *s)
{
	size_t n = strlen(s);
	u32 len = (u32)((n + 1 + 63) / 64 * 64);
	u8 *z = xcalloc(1, len);

	memcpy(z, s, n);
	buf_u32(b, len);
	buf_put(b, z, len);
	free(z);
}

struct buf *feat_add(struct feats *fs, int id)
{
	if (fs->nr == MAX_FEATS)
		die("BUG: more than %d features", MAX_FEATS);
	fs->f[fs->nr].id = id;
	return &fs->f[fs->nr++].data;
}

void feats_host(struct feats *fs, u32 ncpus)
{
	char s[64];
	struct buf *b;

	snprintf(s, sizeof(s), "%s-host", prog);
	feat_string(feat_add(fs, FEAT_HOSTNAME), s);
	snprintf(s, sizeof(s), "6.1.0-%s", prog);
	feat_string(feat_add(fs, FEAT_OSRELEASE), s);
	feat_string(feat_add(fs, FEAT_ARCH), "x86_64");
	b = feat_add(fs, FEAT_NRCPUS);
	buf_u32(b, ncpus);
	buf_u32(b, ncpus);
}

void feats_bits(const struct feats *fs, u64 bits[4])
{
	for (int i = 0; i < fs->nr; i++)
		bits[fs->f[i].id / 64] |= 1ull << (fs->f[i].id % 64);
}

void feats_write(FILE *f, const char *path, const struct feats *fs, u64 at)
{
	u64 off = at + (u64)fs->nr * 16;

	for (int id = 0; id < 256; id++)
		for (int i = 0; i < fs->nr; i++)
			if (fs->f[i].id == id) {
				u64 sec[2] = { off, fs->f[i].data.len };

				out_write(f, path, sec, sizeof(sec));
				off += fs->f[i].data.len;
			}
	for (int id = 0; id < 256; id++)
		for (int i = 0; i < fs->nr; i++)
			if (fs->f[i].id == id)
				out_write(f, path, fs->f[i].data.p, fs->f[i].data.len);
}

void feats_free(struct feats *fs)
{
	for (int i = 0; i < fs->nr; i++)
		free(fs->f[i].data.p);
	fs->nr = 0;
}
