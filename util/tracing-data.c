// SPDX-License-Identifier: GPL-2.0
#include "util/tracing-data.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/evlist.h"
#include "util/buf.h"
#include "util/writer.h"

#define MAX_TRACEFS_FILE (1u << 20)

const char *tracefs__dir(void)
{
	static const char *const dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	struct stat st;
	size_t i;
	char path[64];

	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		snprintf(path, sizeof(path), "%s/events", dirs[i]);
		if (!stat(path, &st) && S_ISDIR(st.st_mode))
			return dirs[i];
	}
	return NULL;
}

/* Reads a whole tracefs file (they report size 0, so read to the end). */
static int read_tracefs(const char *path, char **out, size_t *len)
{
	size_t alloc = 4096, n = 0;
	char *buf;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	buf = xmalloc(alloc);
	for (;;) {
		ssize_t r;

		if (n == alloc) {
			if (alloc >= MAX_TRACEFS_FILE) {
				free(buf);
				close(fd);
				return -EFBIG;
			}
			alloc *= 2;
			buf = xrealloc(buf, alloc);
		}
		r = read(fd, buf + n, alloc - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			free(buf);
			close(fd);
			return (int)r;
		}
		if (!r)
			break;
		n += (size_t)r;
	}
	close(fd);
	*out = buf;
	*len = n;
	return 0;
}

static bool tp_word(const char *s, size_t n)
{
	size_t i;

	if (!n || n > 128)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-'))
			return false;
	return true;
}

int tracepoint__parse(const char *name, struct perf_event_attr *attr)
{
	const char *colon = strchr(name, ':'), *dir = tracefs__dir();
	char path[512], *text, *end;
	size_t len;
	unsigned long id;
	int err;

	if (!colon || !tp_word(name, (size_t)(colon - name)) ||
	    !tp_word(colon + 1, strlen(colon + 1)))
		return -ENOENT;
	if (!dir)
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/events/%.*s/%s/id", dir, (int)(colon - name), name,
		 colon + 1);
	err = read_tracefs(path, &text, &len);
	if (err)
		return err == -ENOENT ? -ENOENT : err;
	text = xrealloc(text, len + 1);
	text[len] = '\0';
	errno = 0;
	id = strtoul(text, &end, 10);
	err = errno || end == text ? -EINVAL : 0;
	free(text);
	if (err)
		return err;
	attr->type = PERF_TYPE_TRACEPOINT;
	attr->config = id;
	return 0;
}

static int add_file(struct buf *fb, const char *path, const char *label)
{
	char *text;
	size_t len;
	int err = read_tracefs(path, &text, &len);

	if (err)
		return err;
	if (label)
		buf__append(fb, label, strlen(label) + 1);
	buf__append_u64(fb, len);
	buf__append(fb, text, len);
	free(text);
	return 0;
}

int tracing_data__build(const struct evlist *evlist, struct buf *fb)
{
	static const u8 magic[] = { 0x17, 0x08, 'D', 't', 'r', 'a', 'c', 'i', 'n', 'g' };
	const char *dir = tracefs__dir();
	char path[512];
	bool *done;
	u32 nsys = 0;
	int i, j, err;
	u8 b;

	if (!dir)
		return -ENOENT;
	buf__append(fb, magic, sizeof(magic));
	buf__append(fb, "0.6", 4);
	b = 0;				/* little endian */
	buf__append(fb, &b, 1);
	b = sizeof(long);
	buf__append(fb, &b, 1);
	buf__append_u32(fb, (u32)sysconf(_SC_PAGESIZE));
	snprintf(path, sizeof(path), "%s/events/header_page", dir);
	err = add_file(fb, path, "header_page");
	if (err)
		return err;
	snprintf(path, sizeof(path), "%s/events/header_event", dir);
	err = add_file(fb, path, "header_event");
	if (err)
		return err;
	buf__append_u32(fb, 0);	/* ftrace formats */

	done = xcalloc((size_t)evlist->nr_evsels + 1, sizeof(*done));
	for (i = 0; i < evlist->nr_evsels; i++) {
		const struct evsel *e = &evlist->evsels[i];

		if (e->attr.type == PERF_TYPE_TRACEPOINT && strchr(e->name, ':') && !done[i]) {
			nsys++;
			for (j = i; j < evlist->nr_evsels; j++) {
				const struct evsel *f = &evlist->evsels[j];
				size_t n = (size_t)(strchr(e->name, ':') - e->name);

				if (f->attr.type == PERF_TYPE_TRACEPOINT && !strncmp(f->name, e->name, n + 1))
					done[j] = true;
			}
		}
	}
	buf__append_u32(fb, nsys);
	memset(done, 0, (size_t)evlist->nr_evsels + 1);
	for (i = 0; !err && i < evlist->nr_evsels; i++) {
		const struct evsel *e = &evlist->evsels[i];
		size_t n;
		u32 count = 0;

		if (e->attr.type != PERF_TYPE_TRACEPOINT || !strchr(e->name, ':') || done[i])
			continue;
		n = (size_t)(strchr(e->name, ':') - e->name);
		buf__append(fb, e->name, n);
		buf__append(fb, "", 1);
		for (j = i; j < evlist->nr_evsels; j++) {
			const struct evsel *f = &evlist->evsels[j];

			if (f->attr.type == PERF_TYPE_TRACEPOINT && !strncmp(f->name, e->name, n + 1))
				count++;
		}
		buf__append_u32(fb, count);
		for (j = i; !err && j < evlist->nr_evsels; j++) {
			const struct evsel *f = &evlist->evsels[j];

			if (f->attr.type != PERF_TYPE_TRACEPOINT || strncmp(f->name, e->name, n + 1))
				continue;
			done[j] = true;
			snprintf(path, sizeof(path), "%s/events/%.*s/%s/format", dir, (int)n, f->name,
				 f->name + n + 1);
			err = add_file(fb, path, NULL);
		}
	}
	free(done);
	if (err)
		return err;
	buf__append_u32(fb, 0);	/* kallsyms */
	buf__append_u32(fb, 0);	/* printk formats */
	buf__append_u64(fb, 0);	/* saved cmdlines */
	return 0;
}
