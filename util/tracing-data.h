/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_TRACING_DATA_H
#define PMUKVM_TRACING_DATA_H

/*
 * Tracepoints for record: names to ids through tracefs, and the tracing
 * data (HEADER_TRACING_DATA) that lets perf and pmukvm read their payloads,
 * laid out as perf's trace-event-info.c writes it (version 0.6).
 */
#include <linux/perf_event.h>

#include "util/util.h"

struct evlist;
struct buf;

/** tracefs__dir - where tracefs is mounted (/sys/kernel/tracing or the debugfs one), or NULL. */
const char *tracefs__dir(void);

/**
 * tracepoint__parse - "sys:name" into attr->type PERF_TYPE_TRACEPOINT and
 * attr->config the id from tracefs. Returns 0; -ENOENT when @name is not
 * of that form or no such tracepoint exists (the caller may try other
 * meanings of a name with ':'); -EACCES/-errno when tracefs cannot be read.
 */
int tracepoint__parse(const char *name, struct perf_event_attr *attr);

/**
 * tracing_data__build - the tracing data of @evlist's tracepoint events
 * (named "sys:name") appended to @fb: header_page, header_event, no ftrace
 * formats, one system per distinct sys with its events' format files, no
 * kallsyms, printk formats or saved cmdlines. Returns 0 or a negative
 * errno (a format file unreadable).
 */
int tracing_data__build(const struct evlist *evlist, struct buf *fb);

#endif
