/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_TRACE_EVENT_H
#define PMUKVM_TRACE_EVENT_H

/*
 * Tracepoint payloads, read through the format files a data file carries
 * in its tracing data (HEADER_TRACING_DATA, perf's trace-event-info.c
 * layout), parsed with libtraceevent: no field offset is assumed.
 */
#include <stddef.h>

#include "util/util.h"

struct err;

struct tep_handle;
struct tep_event;
struct tep_format_field;

/** struct trace_events - the tracing data of one file, parsed. */
struct trace_events {
	struct tep_handle *tep;
	char version[16];
	unsigned nr_events;		/* format files parsed */
};

/**
 * trace_events__parse - parses @len bytes of tracing data (@file_off: its
 * offset in @path, for messages). Every size and count is checked against
 * what is left. Returns 0, or -EINVAL with @err saying what is wrong where
 * (file and offset), -ENOMEM. On error @te holds nothing to free.
 */
int trace_events__parse(struct trace_events *te, const u8 *buf, size_t len, const char *path,
			u64 file_off, struct err *err);

/** trace_events__exit - frees what trace_events__parse made. */
void trace_events__exit(struct trace_events *te);

/** trace_events__find - the format of tracepoint @id, or NULL. */
struct tep_event *trace_events__find(const struct trace_events *te, u64 id);

/** trace_events__name - "sys:name" of @ev into @buf. */
const char *trace_event__name(const struct tep_event *ev, char *buf, size_t size);

/** trace_event__field - field @name of @ev, or NULL. */
struct tep_format_field *trace_event__field(struct tep_event *ev, const char *name);

#endif
