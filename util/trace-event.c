// SPDX-License-Identifier: GPL-2.0
#include "util/trace-event.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <traceevent/event-parse.h>

#include "pmukvm-sonames.h"
#include "util/dlib.h"
#include "util/err.h"

/*
 * libtraceevent, opened when a file first has tracing data to parse
 * (util/dlib.h): a report of a sampled profile never loads it.
 */
#define TEP_SYMS(X)                                                                 \
	X(tep_alloc) X(tep_find_event) X(tep_find_field) X(tep_free) X(tep_parse_event) \
	X(tep_set_file_bigendian) X(tep_set_local_bigendian) X(tep_set_long_size)       \
	X(tep_set_page_size)

static struct {
	TEP_SYMS(DLIB_PTR)
} tep;

DLIB_DEFINE(tep_lib, tep, TEP_SYMS, TRACEEVENT_SONAME, "tracepoint formats");

/* Bounds on what tracing data may hold, so that no count makes us loop long. */
#define MAX_SYSTEMS		4096
#define MAX_EVENTS_PER_SYSTEM	65536
#define MAX_FORMAT_SIZE		(1u << 20)

struct td_cursor {
	const u8 *base, *p, *end;
	const char *path;
	u64 file_off;
	struct err *err;
};

static int td_fail(struct td_cursor *c, const char *what)
{
	err__set(c->err, -EINVAL, "%s: tracing data at offset %#" PRIx64 ": %s", c->path,
		 c->file_off + (u64)(c->p - c->base), what);
	return -EINVAL;
}

static int td_bytes(struct td_cursor *c, size_t n, const u8 **out, const char *what)
{
	if ((size_t)(c->end - c->p) < n)
		return td_fail(c, what);
	*out = c->p;
	c->p += n;
	return 0;
}

static int td_u32(struct td_cursor *c, u32 *v, const char *what)
{
	const u8 *p;

	if (td_bytes(c, 4, &p, what))
		return -EINVAL;
	memcpy(v, p, 4);
	return 0;
}

static int td_u64(struct td_cursor *c, u64 *v, const char *what)
{
	const u8 *p;

	if (td_bytes(c, 8, &p, what))
		return -EINVAL;
	memcpy(v, p, 8);
	return 0;
}

/* A NUL-terminated string of at most @max bytes. */
static int td_string(struct td_cursor *c, const char **s, size_t max, const char *what)
{
	size_t avail = (size_t)(c->end - c->p);
	const u8 *nul = memchr(c->p, '\0', avail < max ? avail : max);

	if (!nul)
		return td_fail(c, what);
	*s = (const char *)c->p;
	c->p = nul + 1;
	return 0;
}

/* A u64 size, then that many bytes, at most MAX_FORMAT_SIZE. */
static int td_sized(struct td_cursor *c, const u8 **p, u64 *size, const char *what)
{
	if (td_u64(c, size, what))
		return -EINVAL;
	if (*size > MAX_FORMAT_SIZE || *size > (u64)(c->end - c->p))
		return td_fail(c, what);
	*p = c->p;
	c->p += *size;
	return 0;
}

/*
 * How many of @size bytes at @p, from the start, are text: printable
 * ASCII and white space. libtraceevent 1.7.1's tokenizer takes any other
 * byte for the end of the input, and a field's "[" before such a byte
 * makes it compare a NULL token.
 */
static size_t format_text_len(const u8 *p, u64 size)
{
	size_t i;

	for (i = 0; i < size; i++)
		if ((p[i] < 0x20 || p[i] > 0x7e) && !(p[i] >= '\t' && p[i] <= '\r'))
			break;
	return i;
}

/*
 * One format file, without its print fmt: pmukvm reads fields and prints
 * nothing through the formats, and libtraceevent's parser of print
 * expressions is where hostile files crash it (1.7.1 follows a field an
 * expression names without checking that the format has it). An empty
 * print fmt stands in.
 */
static int parse_format(struct trace_events *te, const u8 *p, u64 size, const char *sys)
{
	static const char tail[] = "print fmt: \"\"\n";
	const u8 *pf = memmem(p, size, "\nprint fmt:", 11);
	size_t keep = pf ? (size_t)(pf - p) + 1 : size;
	char *text = xmalloc(keep + sizeof(tail));
	int ret;

	memcpy(text, p, keep);
	memcpy(text + keep, tail, sizeof(tail));
	ret = tep.tep_parse_event(te->tep, text, keep + sizeof(tail) - 1, sys);
	free(text);
	return ret;
}

int trace_events__parse(struct trace_events *te, const u8 *buf, size_t len, const char *path,
			u64 file_off, struct err *err)
{
	static const u8 magic[] = { 0x17, 0x08, 'D', 't', 'r', 'a', 'c', 'i', 'n', 'g' };
	struct td_cursor c = { buf, buf, buf + len, path, file_off, err };
	const char *version, *name;
	const u8 *p;
	u32 page_size, n, nsys, i, j;
	u64 size;
	int ret = -EINVAL;

	memset(te, 0, sizeof(*te));
	if (td_bytes(&c, sizeof(magic), &p, "truncated magic"))
		return -EINVAL;
	if (memcmp(p, magic, sizeof(magic))) {
		c.p = buf;
		return td_fail(&c, "not tracing data (bad magic)");
	}
	if (td_string(&c, &version, sizeof(te->version), "bad version string"))
		return -EINVAL;
	snprintf(te->version, sizeof(te->version), "%s", version);
	if (td_bytes(&c, 2, &p, "truncated header"))
		return -EINVAL;
	if (p[0] != 0) {
		c.p -= 2;
		return td_fail(&c, "big-endian tracing data is not supported");
	}
	if (p[1] != 8) {
		c.p -= 1;
		return td_fail(&c, "tracing data of a 32-bit kernel (long size is not 8)");
	}
	if (td_u32(&c, &page_size, "truncated page size"))
		return -EINVAL;
	ret = dlib__load(&tep_lib, err);
	if (ret)
		return err__prefix(err, "%s: ", path);
	ret = -EINVAL;
	te->tep = tep.tep_alloc();
	if (!te->tep) {
		return err__set(err, -ENOMEM, "%s: cannot allocate a trace event parser", path);
	}
	tep.tep_set_file_bigendian(te->tep, TEP_LITTLE_ENDIAN);
	tep.tep_set_local_bigendian(te->tep, TEP_LITTLE_ENDIAN);
	tep.tep_set_long_size(te->tep, 8);
	tep.tep_set_page_size(te->tep, (int)page_size);

	if (td_string(&c, &name, 16, "missing header_page") || strcmp(name, "header_page")) {
		td_fail(&c, "missing header_page");
		goto out_free;
	}
	if (td_sized(&c, &p, &size, "header_page size runs past the end"))
		goto out_free;
	if (td_string(&c, &name, 16, "missing header_event") || strcmp(name, "header_event")) {
		td_fail(&c, "missing header_event");
		goto out_free;
	}
	if (td_sized(&c, &p, &size, "header_event size runs past the end"))
		goto out_free;
	/* ftrace's own formats: not needed */
	if (td_u32(&c, &n, "truncated ftrace format count"))
		goto out_free;
	if (n > MAX_EVENTS_PER_SYSTEM) {
		td_fail(&c, "implausible ftrace format count");
		goto out_free;
	}
	for (i = 0; i < n; i++)
		if (td_sized(&c, &p, &size, "ftrace format size runs past the end"))
			goto out_free;
	if (td_u32(&c, &nsys, "truncated event system count"))
		goto out_free;
	if (nsys > MAX_SYSTEMS) {
		td_fail(&c, "implausible event system count");
		goto out_free;
	}
	for (i = 0; i < nsys; i++) {
		if (td_string(&c, &name, 256, "bad event system name"))
			goto out_free;
		if (td_u32(&c, &n, "truncated event count"))
			goto out_free;
		if (n > MAX_EVENTS_PER_SYSTEM) {
			td_fail(&c, "implausible event count");
			goto out_free;
		}
		for (j = 0; j < n; j++) {
			const u8 *at;
			size_t text;

			if (td_sized(&c, &p, &size, "event format size runs past the end"))
				goto out_free;
			at = c.p;
			text = format_text_len(p, size);
			if (text < size) {
				c.p = p + text;
				td_fail(&c, "an event format file has a byte that is not text");
				goto out_free;
			}
			if (parse_format(te, p, size, name)) {
				c.p = p;
				td_fail(&c, "an event format file does not parse");
				goto out_free;
			}
			c.p = at;
			te->nr_events++;
		}
	}
	/* kallsyms, printk formats (u32 sizes) and, from 0.6, saved cmdlines (u64) */
	for (i = 0; i < 2; i++) {
		if (td_u32(&c, &n, "truncated kallsyms/printk size"))
			goto out_free;
		if (td_bytes(&c, n, &p, "kallsyms/printk section runs past the end"))
			goto out_free;
	}
	return 0;
out_free:
	tep.tep_free(te->tep);
	te->tep = NULL;
	return ret;
}

void trace_events__exit(struct trace_events *te)
{
	if (te->tep)
		tep.tep_free(te->tep);
	te->tep = NULL;
}

struct tep_event *trace_events__find(const struct trace_events *te, u64 id)
{
	if (!te->tep || id > INT32_MAX)
		return NULL;
	return tep.tep_find_event(te->tep, (int)id);
}

const char *trace_event__name(const struct tep_event *ev, char *buf, size_t size)
{
	snprintf(buf, size, "%s:%s", ev->system, ev->name);
	return buf;
}

struct tep_format_field *trace_event__field(struct tep_event *ev, const char *name)
{
	return tep.tep_find_field(ev, name);
}

#ifdef __SANITIZE_ADDRESS__
/*
 * libtraceevent 1.7.1 leaks a few bytes of a format it fails to parse (a
 * corrupt file's): its leak, not ours, and bounded by the number of
 * formats in the file. LeakSanitizer reads this hook at exit.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libtraceevent.so\n";
}
#endif
