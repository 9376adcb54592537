/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_UI_DUMP_H
#define PMUKVM_UI_DUMP_H

#include <stdio.h>

#include "util/event.h"

struct perf_data;
struct session;

/** perf_record_name - perf's name of a record type ("MMAP2", "FINISHED_ROUND"), or "UNKNOWN". */
const char *perf_record_name(u32 type);

/**
 * dump__fprintf_record - one record as perf report -D prints it: the
 * "OFFSET@FILE [SIZE]: event: TYPE" line, the raw bytes, then the record
 * line "[CPU ][TIME ]OFFSET [SIZE]: PERF_RECORD_NAME" with the fields of
 * samples (misc, pid/tid, ip, period, addr, callchain) and of MMAP, MMAP2,
 * COMM, FORK and EXIT records. @delivered: the record reaches the machine
 * model (kernel records, in time order), else it is one of the file's own
 * (types from 64), printed as read, without a time.
 */
void dump__fprintf_record(const struct perf_data *data, const union perf_event *event, u64 offset,
			  bool delivered, FILE *fp);

/**
 * dump__fprintf_stats - perf report --stats: how many records of each
 * type the session took in, then each event's samples.
 */
void dump__fprintf_stats(const struct session *session, FILE *fp);

#endif
