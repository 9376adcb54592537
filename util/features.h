/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_FEATURES_H
#define PMUKVM_FEATURES_H

/*
 * The values of the feature sections record writes, gathered from the
 * host and the events; util/header.c's feature table encodes them.
 */
#include "util/header.h"
#include "util/util.h"

struct perf_writer;
struct evlist;
struct buf;

/**
 * features__set_host - HOSTNAME, OSRELEASE, VERSION (@version), ARCH,
 * NRCPUS, CPUDESC, CPUID, TOTAL_MEM and CMDLINE (from /proc/self/cmdline,
 * the binary's path first as perf writes it).
 */
void features__set_host(struct perf_writer *w, const char *version);

/** features__set_event_desc - EVENT_DESC: each event's attr, name and ids. */
void features__set_event_desc(struct perf_writer *w, const struct evlist *evlist);

/** features__set_sample_time - SAMPLE_TIME: first and last sample time. */
void features__set_sample_time(struct perf_writer *w, u64 first, u64 last);

/** cpuid__string - perf's x86 cpuid string "Vendor,family,model,stepping". */
void cpuid__string(char *buf, size_t size);

#endif
