// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/kallsyms and /proc/modules copies. Guests hand us these files, so
 * they are treated as hostile: every line is checked and sizes are bounded.
 */
#include "symbols/kallsyms.h"

#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "util/err.h"

/* Hex digit values plus one; 0 for anything else. */
static const u8 hex_table1[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7, ['7'] = 8,
	['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15,
	['f'] = 16, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

/* A digit's value, or 0xff. */
static inline u8 hexv(char c)
{
	return (u8)(hex_table1[(unsigned char)c] - 1);
}

#define BYTES(b)	(0x0101010101010101ull * (b))

/*
 * Eight hex digits, the first in the lowest byte of @w (as memcpy loads
 * them on a little-endian machine), to their value in *@out: a byte at a
 * time in one word. False when one of them is not a hex digit.
 */
static inline bool hex8(u64 w, u32 *out)
{
	u64 low = w & BYTES(0x7f), folded = low | BYTES(0x20), digit, letter, nib, x;

	/* 0x80 in each byte that is '0'-'9'; in each that is 'a'-'f' or 'A'-'F'. */
	digit = (BYTES(127 + 0x3a) - low) & ~w & (low + BYTES(127 - 0x2f)) & BYTES(0x80);
	letter = (BYTES(127 + 0x67) - folded) & ~w & (folded + BYTES(127 - 0x60)) & BYTES(0x80);
	if ((digit | letter) != BYTES(0x80))
		return false;
	nib = (w & BYTES(0x0f)) + (letter >> 7) * 9;
	/* The first digit is the most significant. */
	x = __builtin_bswap64(nib);
	x = (x | x >> 4) & 0x00ff00ff00ff00ffull;
	x = (x | x >> 8) & 0x0000ffff0000ffffull;
	x = (x | x >> 16) & 0x00000000ffffffffull;
	*out = (u32)x;
	return true;
}

/* Parses up to 16 hex digits; returns chars used, 0 on junk. */
static size_t parse_hex(const char *p, const char *end, u64 *v)
{
	size_t n = 0;
	u64 x = 0;

	/* The usual line: exactly 16 digits and a space, a word at a time. */
	if (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && end - p > 16 && p[16] == ' ') {
		u64 w0, w1;
		u32 hi, lo;

		memcpy(&w0, p, 8);
		memcpy(&w1, p + 8, 8);
		if (hex8(w0, &hi) && hex8(w1, &lo)) {
			*v = (u64)hi << 32 | lo;
			return 16;
		}
	}
	while (p + n < end && hexv(p[n]) != 0xff) {
		if (n == 16)
			return 0;
		x = (x << 4) | hexv(p[n]);
		n++;
	}
	*v = x;
	return n;
}

/* ASCII only, without the locale's tables: types are letters. */
static inline bool is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static inline bool is_alpha(char c)
{
	return is_upper(c) || (c >= 'a' && c <= 'z');
}

static inline char to_upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

static bool keep_type(char t)
{
	t = to_upper(t);
	return t == 'T' || t == 'W' || t == 'D' || t == 'B';
}

u16 kallsyms__module_owner(const struct kallsyms *ks, const char *name)
{
	size_t i;

	for (i = 0; i < ks->nr_modnames; i++)
		if (!strcmp(ks->modnames[i], name))
			return (u16)(i + 1);
	return 0;
}

const char *kallsyms__module_name(const struct kallsyms *ks, u16 owner)
{
	return owner && owner <= ks->nr_modnames ? ks->modnames[owner - 1] : NULL;
}

static u16 module_owner_add(struct kallsyms *ks, const char *name, size_t len,
			    u16 *last, const char **last_name, size_t *last_len)
{
	size_t i;

	/* Module lines come grouped: the previous one is the usual answer. */
	if (*last && *last_len == len && !memcmp(*last_name, name, len))
		return *last;
	for (i = 0; i < ks->nr_modnames; i++)
		if (strlen(ks->modnames[i]) == len && !memcmp(ks->modnames[i], name, len))
			break;
	if (i == ks->nr_modnames) {
		if (ks->nr_modnames >= MAX_MODULES)
			return 0;
		ks->modnames = xrealloc(ks->modnames, (ks->nr_modnames + 1) * sizeof(char *));
		ks->modnames[ks->nr_modnames++] = xstrndup(name, len);
	}
	*last = (u16)(i + 1);
	*last_name = ks->modnames[i];
	/* Not len: a name with a NUL byte in it was stored shorter. */
	*last_len = strlen(ks->modnames[i]);
	return *last;
}

/* Parsing state, so that a file can be parsed as it streams in. */
struct kparse {
	const char *path;
	struct err *err;
	size_t line, nonzero, kept;
	u16 last_owner;
	const char *last_name;
	size_t last_len;
	u64 stext;
	bool has_stext;
	bool nul_module;	/* a module tag with a NUL byte in it */
	u64 off;		/* the file offset of the line parsed (lazy tables) */
};

static int kparse_line(struct kallsyms *ks, struct kparse *st, const char *p, const char *eol)
{
	const char *q, *name, *name_end, *mod = NULL, *mod_end = NULL;
	u64 addr;
	size_t n;
	char type;
	u16 owner = 0;

	st->line++;
	if (eol == p)
		return 0;
	n = parse_hex(p, eol, &addr);
	q = p + n;
	if (!n || q >= eol || *q != ' ' || q + 2 >= eol || q[2] != ' ' ||
	    !is_alpha(q[1])) {
		err__set(st->err, -EINVAL, "%s:%zu: malformed kallsyms line (expected "
			 "'ADDRESS TYPE NAME [MODULE]')", st->path, st->line);
		return -EINVAL;
	}
	type = q[1];
	name = q + 3;
	/* The name ends at the tab before a module tag, or a space, or the line. */
	name_end = memchr(name, '\t', (size_t)(eol - name));
	if (!name_end)
		name_end = eol;
	q = memchr(name, ' ', (size_t)(name_end - name));
	if (q)
		name_end = q;
	if (name_end == name || name_end - name > KSYM_NAME_MAX) {
		err__set(st->err, -EINVAL, "%s:%zu: symbol name is %s", st->path, st->line,
			 name_end == name ? "empty" : "too long");
		return -EINVAL;
	}
	if (name_end < eol) {
		const char *m = name_end;

		while (m < eol && (*m == '\t' || *m == ' '))
			m++;
		if (m < eol) {
			if (*m != '[' || eol[-1] != ']' || eol - m < 3 || eol - m > 64 + 2) {
				err__set(st->err, -EINVAL, "%s:%zu: malformed module tag "
					 "(expected '[module]')", st->path, st->line);
				return -EINVAL;
			}
			mod = m + 1;
			mod_end = eol - 1;
		}
	}
	if (addr)
		st->nonzero++;
	if (!mod && (name_end - name) == 5 && !memcmp(name, "_text", 5)) {
		ks->text = addr;
		ks->has_text = true;
	}
	if (!mod && (name_end - name) == 6 && !memcmp(name, "_stext", 6)) {
		st->stext = addr;
		st->has_stext = true;
	}
	if (!keep_type(type))
		return 0;
	if (mod) {
		if (memchr(mod, '\0', (size_t)(mod_end - mod)))
			st->nul_module = true;
		owner = module_owner_add(ks, mod, (size_t)(mod_end - mod), &st->last_owner,
					 &st->last_name, &st->last_len);
		if (!owner) {
			err__set(st->err, -EINVAL, "%s:%zu: more than %u modules", st->path,
				 st->line, MAX_MODULES);
			return -EINVAL;
		}
	}
	if (ks->tab.refs)
		symtab__add_ref(&ks->tab, addr, type == 'W' || type == 'w' ? STB_WEAK :
				is_upper(type) ? STB_GLOBAL : STB_LOCAL,
				to_upper(type) == 'T' || to_upper(type) == 'W' ? STT_FUNC : STT_OBJECT,
				owner, (u32)st->off);
	else
		symtab__add_owned(&ks->tab, addr, 0,
				  type == 'W' || type == 'w' ? STB_WEAK :
				  is_upper(type) ? STB_GLOBAL : STB_LOCAL,
				  to_upper(type) == 'T' || to_upper(type) == 'W' ?
				  STT_FUNC : STT_OBJECT,
				  name, (size_t)(name_end - name), owner);
	st->kept++;
	return 0;
}

/*
 * A lazy table's line read back (symtab_line_fn): the name of the line
 * that starts @p, as kparse_line found it, if its address is @start and
 * its type one kept; the line kparse_line checked whole at load.
 */
static int kallsyms__line_name(const char *p, size_t len, bool eof, u64 start,
			       const char **name, size_t *name_len)
{
	const char *end = p + len, *q, *n;
	u64 addr;
	size_t d = parse_hex(p, end, &addr);

	q = p + d;
	if (!d || addr != start || end - q < 4 || q[0] != ' ' || !is_alpha(q[1]) ||
	    !keep_type(q[1]) || q[2] != ' ')
		return -EINVAL;
	n = q += 3;
	while (q < end && *q != '\n' && *q != '\t' && *q != ' ')
		q++;
	if ((q == end && !eof) || q == n || q - n > KSYM_NAME_MAX)
		return -EINVAL;
	*name = n;
	*name_len = (size_t)(q - n);
	return 0;
}

static int kparse_finish(struct kallsyms *ks, struct kparse *st)
{
	ks->nr_lines = st->line;
	if (st->line && !st->nonzero) {
		err__set(st->err, -EPERM, "%s: every address is zero: this copy was read "
			 "without privileges. In the guest, copy it as root (e.g. 'sudo cat "
			 "/proc/kallsyms > kallsyms', or set kernel.kptr_restrict=0)", st->path);
		return -EPERM;
	}
	if (!st->kept) {
		err__set(st->err, -EINVAL, "%s: no text or data symbols in %zu lines: not a "
			 "kallsyms copy", st->path, st->line);
		return -EINVAL;
	}
	if (!ks->has_text && st->has_stext) {
		ks->text = st->stext;
		ks->has_text = true;
	}
	symtab__finish(&ks->tab, true);
	return 0;
}

static void kparse_init(struct kallsyms *ks, struct kparse *st, const char *path,
			struct err *err)
{
	memset(ks, 0, sizeof(*ks));
	symtab__init(&ks->tab);
	memset(st, 0, sizeof(*st));
	st->path = path;
	st->err = err;
}

int kallsyms__parse(struct kallsyms *ks, const char *buf, size_t len, const char *path,
		    struct err *err)
{
	const char *p = buf, *end = buf + len;
	struct kparse st;
	int ret = 0;

	kparse_init(ks, &st, path, err);
	while (p < end && !ret) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));

		if (!eol)
			eol = end;
		ret = kparse_line(ks, &st, p, eol);
		p = eol + 1;
	}
	if (!ret)
		ret = kparse_finish(ks, &st);
	if (ret)
		kallsyms__exit(ks);
	return ret;
}

enum { CHUNK = 256 * 1024, MAX_LINE = 4096, RANGE_CHUNK = 64 * 1024 };

size_t kallsyms_split_min = 1u << 20;
size_t kallsyms_split_joins;
/* The shortest average line a half's room is made for (kallsyms__load_split). */
#define SPLIT_LINE	36

/*
 * Parses the plain file @fd from @start, which begins a line, to @end, by
 * pread: no file offset shared, so that the two halves of a split parse
 * can read one descriptor at once; or (@end KPARSE_EOF, @start 0, the
 * descriptor's offset 0) all of it by read. A line
 * is cut at '\n' in a chunk buffer, the unfinished tail moved to its front.
 * Returns 0 or a negative errno, with the whole file's messages in st->err;
 * a range that ends early is -EIO, without a message (the caller of a
 * split parse then parses the file whole).
 */
#define KPARSE_EOF	UINT64_MAX

static int kparse_range(struct kallsyms *ks, struct kparse *st, int fd, u64 start, u64 end)
{
	char *buf = scratch_realloc(NULL, 0, RANGE_CHUNK + MAX_LINE);
	size_t have = 0;
	u64 pos = start, base;
	int ret = 0;

	/* Read into whole where the range fills it: mapped in at once (prefault_write). */
	prefault_write(buf, end - start < RANGE_CHUNK ? (size_t)(end - start) : RANGE_CHUNK + MAX_LINE);

	for (;;) {
		size_t want = end - pos < RANGE_CHUNK ? (size_t)(end - pos) : RANGE_CHUNK;
		/* The whole file from its offset, 0: read, as /proc/kallsyms wants it. */
		ssize_t n = !want ? 0 : end == KPARSE_EOF ? read(fd, buf + have, want) :
			    pread(fd, buf + have, want, (off_t)pos);
		char *p = buf, *stop, *eol;

		if (n < 0) {
			int e = -errno;

			ret = err__set(st->err, e, "cannot read '%s': %s", st->path,
				       file__strerror(e));
			break;
		}
		if (n == 0 && want && end != KPARSE_EOF) {
			ret = -EIO;	/* shorter than when the range was cut */
			break;
		}
		pos += (u64)n;
		if (pos > KALLSYMS_MAX_BYTES) {
			ret = err__set(st->err, -EFBIG, "%s: larger than %u MiB: not a kallsyms "
				       "copy", st->path, KALLSYMS_MAX_BYTES >> 20);
			break;
		}
		stop = buf + have + n;
		base = pos - (u64)(stop - buf);	/* the file offset of buf[0] */
		while (!ret && (eol = memchr(p, '\n', (size_t)(stop - p)))) {
			st->off = base + (u64)(p - buf);
			ret = kparse_line(ks, st, p, eol);
			p = eol + 1;
		}
		if (ret)
			break;
		have = (size_t)(stop - p);
		if (n == 0) {
			st->off = base + (u64)(p - buf);
			if (have)
				ret = kparse_line(ks, st, p, stop);
			break;
		}
		if (have >= MAX_LINE) {
			ret = err__set(st->err, -EINVAL, "%s:%zu: line longer than %d bytes",
				       st->path, st->line + 1, MAX_LINE);
			break;
		}
		memmove(buf, p, have);
	}
	scratch_free(buf, RANGE_CHUNK + MAX_LINE);
	return ret;
}

/* The second half of a split parse, on its own thread. */
struct khalf {
	struct kallsyms ks;
	struct kparse st;
	struct err err;
	int fd, ret;
	u64 start, end;
};

static void *khalf_main(void *arg)
{
	struct khalf *h = arg;

	h->ret = kparse_range(&h->ks, &h->st, h->fd, h->start, h->end);
	return NULL;
}

/*
 * Joins the second half @b into @ks/@st, as if its lines had followed:
 * modules numbered in the order first seen, the last _text and _stext
 * kept, counts summed. Returns 0, or nonzero where that could differ from
 * one parse of the whole file (the caller then parses it whole).
 */
static int khalf_join(struct kallsyms *ks, struct kparse *st, struct khalf *b)
{
	u16 *remap = xcalloc(b->ks.nr_modnames + 1, sizeof(*remap));
	size_t i, j;
	int ret = 0;

	if (st->nul_module || b->st.nul_module)
		ret = -EINVAL;	/* such names are not matched as stored */
	for (i = 0; !ret && i < b->ks.nr_modnames; i++) {
		for (j = 0; j < ks->nr_modnames; j++)
			if (!strcmp(ks->modnames[j], b->ks.modnames[i]))
				break;
		if (j == ks->nr_modnames) {
			if (ks->nr_modnames >= MAX_MODULES) {
				ret = -EINVAL;
				break;
			}
			ks->modnames = xrealloc(ks->modnames, (ks->nr_modnames + 1) * sizeof(char *));
			ks->modnames[ks->nr_modnames++] = b->ks.modnames[i];
			b->ks.modnames[i] = NULL;
		}
		remap[i + 1] = (u16)(j + 1);
	}
	if (!ret)
		ret = symtab__join_room(&ks->tab, &b->ks.tab, remap);
	free(remap);
	if (ret)
		return ret;
	if (b->ks.has_text) {
		ks->text = b->ks.text;
		ks->has_text = true;
	}
	if (b->st.has_stext) {
		st->stext = b->st.stext;
		st->has_stext = true;
	}
	st->line += b->st.line;
	st->nonzero += b->st.nonzero;
	st->kept += b->st.kept;
	return 0;
}

/*
 * A large plain copy is parsed in two halves at once, the second on a
 * thread of its own: the load is about half as long on a machine with a
 * CPU to spare. The result is the same as one parse's (see khalf_join);
 * where it might not be, and on any error, returns nonzero and the caller
 * parses the file whole, which gives the error its usual message.
 */
static int kallsyms__load_split(struct kallsyms *ks, struct kparse *st, int fd, u64 size)
{
	struct khalf b;
	pthread_t th;
	char probe[MAX_LINE];
	u64 mid = size / 2, cut;
	size_t at, line, i, lines = 0, first, last;
	ssize_t n = pread(fd, probe, sizeof(probe), (off_t)mid);
	const char *nl = n > 0 ? memchr(probe, '\n', (size_t)n) : NULL;
	bool threaded;
	int ret;

	if (!nl)
		return -EINVAL;
	cut = mid + (u64)(nl - probe) + 1;
	if (cut >= size)
		return -EINVAL;
	memset(&b, 0, sizeof(b));
	kparse_init(&b.ks, &b.st, st->path, &b.err);
	b.fd = fd;
	b.start = cut;
	b.end = size;
	/*
	 * Both halves are built in one room, the second from where the first
	 * half's symbols end at most, and moved down to them once both are
	 * done: the room between them is written twice, so the bound is kept
	 * near. Lines are taken to be no shorter on average than SPLIT_LINE
	 * bytes (kernels' average 40-45) or 7/8 of those read at the cut, if
	 * less. A half whose room is too small drops symbols: the caller then
	 * parses the file whole.
	 */
	line = SPLIT_LINE;
	first = last = (size_t)(nl - probe);
	for (i = first + 1; i < (size_t)n; i++) {
		if (probe[i] == '\n') {
			lines++;
			last = i;
		}
	}
	if (lines && (last - first) / lines * 7 / 8 < line)
		line = (last - first) / lines * 7 / 8;
	if (line < 8)
		line = 8;
	at = (size_t)(cut / line) + 16;
	symtab__reserve(&ks->tab, at + (size_t)((size - cut) / line) + 16, 0);
	if (symtab__split_room(&ks->tab, &b.ks.tab, at))
		return -E2BIG;
	threaded = !pthread_create(&th, NULL, khalf_main, &b);
	ret = kparse_range(ks, st, fd, 0, cut);
	if (threaded)
		pthread_join(th, NULL);
	else
		khalf_main(&b);
	if (!ret && !b.ret)
		ret = khalf_join(ks, st, &b);
	else
		ret = ret ? ret : b.ret;
	if (!ret)
		__atomic_add_fetch(&kallsyms_split_joins, 1, __ATOMIC_RELAXED);
	kallsyms__exit(&b.ks);
	return ret;
}

static bool kallsyms__want_split(u64 size)
{
	if (size < kallsyms_split_min || size < 2)
		return false;
	return kallsyms_split_min <= 1 || sysconf(_SC_NPROCESSORS_ONLN) > 1;
}

/*
 * A plain copy's table keeps no names: they are read back from the file
 * when asked for (symtab__set_lazy), through a descriptor of its own.
 */
static int kallsyms__plain_init(struct kallsyms *ks, int fd, const char *path, size_t size)
{
	int dfd = fcntl(fd, F_DUPFD_CLOEXEC, 0), ret;

	if (dfd < 0)
		return -errno;
	ret = symtab__set_lazy(&ks->tab, dfd, path, kallsyms__line_name);
	if (!ret)
		symtab__reserve(&ks->tab, size / 40 + 16, 0);
	return ret;
}

/*
 * Streams the file through the parser: no copy of the whole file in
 * memory. A plain file is read by kparse_range (in two halves, or whole);
 * a gzip copy through zlib's reader.
 */
int kallsyms__load(struct kallsyms *ks, const char *path, struct err *err)
{
	char *buf;
	struct kparse st;
	struct stat stbuf;
	size_t have = 0, total = 0;
	gzFile gz;
	int fd, ret = 0;

	kparse_init(ks, &st, path, err);
	fd = file__open_regular(path, KALLSYMS_MAX_BYTES);
	if (fd < 0) {
		if (fd == -EFBIG)
			err__set(err, fd, "%s: larger than %u MiB: not a kallsyms copy", path,
				 KALLSYMS_MAX_BYTES >> 20);
		else
			err__set(err, fd, "cannot read '%s': %s", path, file__strerror(fd));
		return fd;
	}
	/*
	 * Room for what a copy of this size holds (a line is 40 bytes or
	 * more, half of it the name), so that the arrays do not grow by
	 * copies, which leave freed holes behind at the peak.
	 */
	if (fstat(fd, &stbuf))
		stbuf.st_size = 0;
	if (stbuf.st_size > 0) {
		size_t size = (size_t)stbuf.st_size;
		u8 head[2], tail[4];

		/* A gzip copy: its last 4 bytes are the plain size (mod 2^32). */
		if (size >= 2 && pread(fd, head, 2, 0) == 2 && head[0] == 0x1f && head[1] == 0x8b) {
			if (size >= 18 && pread(fd, tail, 4, (off_t)size - 4) == 4) {
				size = (size_t)tail[0] | (size_t)tail[1] << 8 |
				       (size_t)tail[2] << 16 | (size_t)tail[3] << 24;
				if (size > KALLSYMS_MAX_BYTES)
					size = KALLSYMS_MAX_BYTES;
				symtab__reserve(&ks->tab, size / 40 + 16, size / 2 + 64);
			}
			goto gzip;
		}
		ret = kallsyms__plain_init(ks, fd, path, size);
		if (!ret && kallsyms__want_split((u64)size)) {
			if (!kallsyms__load_split(ks, &st, fd, (u64)size))
				goto out_close;
			/* Parsed whole below, as if never split. */
			kallsyms__exit(ks);
			kparse_init(ks, &st, path, err);
			ret = kallsyms__plain_init(ks, fd, path, size);
		}
		if (ret) {
			close(fd);
			return err__set(err, ret, "cannot read '%s': %s", path, file__strerror(ret));
		}
	}
	/* A plain file, or one whose size fstat does not give (/proc/kallsyms). */
	ret = kparse_range(ks, &st, fd, 0, KPARSE_EOF);
out_close:
	close(fd);
	goto out_finish;
gzip:
	buf = scratch_realloc(NULL, 0, CHUNK + MAX_LINE);
	gz = gzdopen(fd, "rb");
	if (!gz) {
		close(fd);
		scratch_free(buf, CHUNK + MAX_LINE);
		kallsyms__exit(ks);
		return err__set(err, -ENOMEM, "cannot read '%s': out of memory", path);
	}
	for (;;) {
		int n = gzread(gz, buf + have, CHUNK);
		char *p = buf, *end, *eol;
		int e;

		if (n < 0 || (n == 0 && (gzerror(gz, &e), e != Z_OK && e != Z_STREAM_END))) {
			ret = err__set(err, -EBADMSG, "cannot read '%s': truncated or corrupt "
				       "gzip data", path);
			break;
		}
		total += (size_t)n;
		if (total > KALLSYMS_MAX_BYTES) {
			ret = err__set(err, -EFBIG, "%s: larger than %u MiB: not a kallsyms "
				       "copy", path, KALLSYMS_MAX_BYTES >> 20);
			break;
		}
		end = buf + have + n;
		while (!ret && (eol = memchr(p, '\n', (size_t)(end - p)))) {
			ret = kparse_line(ks, &st, p, eol);
			p = eol + 1;
		}
		if (ret)
			break;
		have = (size_t)(end - p);
		if (n == 0) {
			if (have)
				ret = kparse_line(ks, &st, p, end);
			break;
		}
		if (have >= MAX_LINE) {
			ret = err__set(err, -EINVAL, "%s:%zu: line longer than %d bytes", path,
				       st.line + 1, MAX_LINE);
			break;
		}
		memmove(buf, p, have);
	}
	gzclose(gz);
	scratch_free(buf, CHUNK + MAX_LINE);
out_finish:
	if (!ret)
		ret = kparse_finish(ks, &st);
	if (ret)
		kallsyms__exit(ks);
	return ret;
}

int kallsyms__text_of(const char *path, u64 *text, struct err *err)
{
	struct kallsyms ks;
	int ret = kallsyms__load(&ks, path, err);

	if (ret)
		return ret;
	if (ks.has_text) {
		*text = ks.text;
	} else {
		ret = err__set(err, -ENOENT, "%s: no _text or _stext symbol", path);
	}
	kallsyms__exit(&ks);
	return ret;
}

void kallsyms__exit(struct kallsyms *ks)
{
	size_t i;

	symtab__exit(&ks->tab);
	for (i = 0; i < ks->nr_modnames; i++)
		free(ks->modnames[i]);
	free(ks->modnames);
	memset(ks, 0, sizeof(*ks));
}

void modules__free(struct kmodule *mods, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++)
		free(mods[i].name);
	free(mods);
}

int modules__parse(const char *buf, size_t len, const char *path, struct kmodule **modsp,
		   size_t *nrp, struct err *err)
{
	const char *p = buf, *end = buf + len;
	struct kmodule *mods = NULL;
	size_t nr = 0, alloc = 0, line = 0, nonzero = 0;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		char lbuf[1024], name[128], state[32], deps[512], addrs[64], *endp;
		unsigned long long size, addr;
		int refs, n;

		if (!eol)
			eol = end;
		line++;
		if (eol == p) {
			p = eol + 1;
			continue;
		}
		if ((size_t)(eol - p) >= sizeof(lbuf)) {
			err__set(err, -EINVAL, "%s:%zu: line too long for a modules entry", path, line);
			goto out_inval;
		}
		memcpy(lbuf, p, (size_t)(eol - p));
		lbuf[eol - p] = '\0';
		n = sscanf(lbuf, "%127s %llu %d %511s %31s %63s", name, &size, &refs, deps,
			   state, addrs);
		if (n == 6) {
			errno = 0;
			addr = strtoull(addrs, &endp, 16);
			if (errno || *endp || strncmp(addrs, "0x", 2) || !addrs[2])
				n = -1;
		}
		if (n != 6) {
			err__set(err, -EINVAL, "%s:%zu: malformed modules line (expected 'NAME SIZE "
				 "REFS DEPS STATE ADDRESS')", path, line);
			goto out_inval;
		}
		if (size == 0 || size > MODULE_MAX_SIZE) {
			err__set(err, -EINVAL, "%s:%zu: module '%s' has an absurd size %llu",
				 path, line, name, size);
			goto out_inval;
		}
		if (addr && addr + size < addr) {
			err__set(err, -EINVAL, "%s:%zu: module '%s' wraps the address space",
				 path, line, name);
			goto out_inval;
		}
		if (nr >= MAX_MODULES) {
			err__set(err, -EINVAL, "%s:%zu: more than %u modules", path, line, MAX_MODULES);
			goto out_inval;
		}
		nonzero += addr != 0;
		ALLOC_GROW(mods, nr + 1, alloc);
		mods[nr].name = xstrdup(name);
		mods[nr].start = addr;
		mods[nr].size = size;
		nr++;
		p = eol + 1;
	}
	if (nr && !nonzero) {
		err__set(err, -EPERM, "%s: every module address is zero: this copy was read "
			 "without privileges. In the guest, copy it as root", path);
		modules__free(mods, nr);
		return -EPERM;
	}
	*modsp = mods;
	*nrp = nr;
	return 0;
out_inval:
	modules__free(mods, nr);
	return -EINVAL;
}

int modules__load(const char *path, struct kmodule **mods, size_t *nr, struct err *err)
{
	char *buf;
	size_t len;
	int ret;

	ret = read_file_maybe_gz(path, MODULES_MAX_BYTES, &buf, &len);
	if (ret == -EFBIG)
		return err__set(err, ret, "%s: larger than %u MiB: not a modules copy", path,
				MODULES_MAX_BYTES >> 20);
	if (ret)
		return err__set(err, ret, "cannot read '%s': %s", path, file__strerror(ret));
	ret = modules__parse(buf, len, path, mods, nr, err);
	free(buf);
	return ret;
}
