/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_EXPORT_H
#define PMUKVM_EXPORT_H

/*
 * Stacks for other tools: report --folded (the "collapsed" text format of
 * Brendan Gregg's FlameGraph scripts) and report --flamegraph (an SVG).
 * Samples are counted in a tree rooted at the command name, outermost
 * caller first, each frame named as stackcollapse-perf.pl names the
 * frames of perf script's output.
 */
#include <stdio.h>

#include "util/callchain.h"
#include "util/util.h"

/** enum frame_kind - where a frame's code runs: flame graphs colour by it. */
enum frame_kind {
	FRAME_COMM,		/* the root of a stack: the command */
	FRAME_HOST_USER,
	FRAME_HOST_KERNEL,
	FRAME_GUEST_KERNEL,
	FRAME_GUEST_USER,
	FRAME_NR_KINDS,
};

struct flame_node {
	u32 name;		/* in the flame's @names */
	u8 kind;		/* enum frame_kind */
	u64 total;		/* samples through this frame */
	u64 self;		/* samples that end here */
	struct flame_node *child, *next, *parent;
	struct flame_node *hnext;	/* in the flame's hash */
};

/* A frame's name depends only on its symbol, its DSO and the command being java. */
struct flame_name_slot {
	const void *sym, *dso;
	u32 name;
	u8 java;
	u8 state;		/* 0 empty, 1 named, 2 skipped */
};

#define FLAME_NAME_SLOTS 4096

/** struct flame - counted stacks. Zero-initialized is empty. */
struct flame {
	struct flame_node root;	/* stands for all samples */
	struct str_set names;	/* frame names, tidied */
	struct flame_node **table;
	size_t table_size, nr_nodes;
	size_t max_depth;
	struct flame_name_slot *names_cache;	/* FLAME_NAME_SLOTS, on first use */
};

/**
 * flame__add - counts one sample: @comm, then @frames (callee first, as
 * machines__resolve_callchain gives them) from the outermost caller in.
 */
void flame__add(struct flame *fl, const char *comm, const struct callchain_frame *frames,
		size_t n, u64 count);

void flame__exit(struct flame *fl);

/** flame__name - a node's name. */
const char *flame__name(const struct flame *fl, const struct flame_node *n);

/**
 * flame__fprintf_folded - one line per distinct stack, "comm;outer;...;leaf
 * COUNT", sorted bytewise as stackcollapse-perf.pl sorts them. Returns 0,
 * or -EIO when writing failed.
 */
int flame__fprintf_folded(const struct flame *fl, FILE *fp);

/**
 * flame__write_svg - a self-contained interactive flame graph (click to
 * zoom, search, reset) of @fl into @path, titled @title. Returns 0 or a
 * negative errno.
 */
int flame__write_svg(const struct flame *fl, const char *path, const char *title);

/**
 * frame__kind - host or guest, kernel or user, for a resolved frame (a
 * frame without a DSO is host user code, as perf script's [unknown]).
 */
enum frame_kind frame__kind(const struct callchain_frame *f);

struct pprof;

/** struct pprof_labels - what a pprof sample is labelled with. */
struct pprof_labels {
	const char *comm;
	s64 pid, tid;
	const char *guest;	/* "host", or the guest machine's name */
	int vcpu;		/* -1: none */
	const char *mode;	/* "host kernel", "guest user", ... */
};

/** pprof__new - an empty profile; free with pprof__delete. */
struct pprof *pprof__new(void);
void pprof__delete(struct pprof *p);

/**
 * pprof__add - one sample of event @event (its index in the file, @name
 * its name) with @period, @frames callee first (their ips as recorded).
 * Samples with the same stack, event and labels add up.
 */
void pprof__add(struct pprof *p, int event, const char *name, u64 period,
		const struct callchain_frame *frames, size_t n, const struct pprof_labels *l);

/**
 * pprof__write - the profile as gzipped profile.proto into @path: sample
 * types samples/count and, per event, its period (nanoseconds for the
 * clock events, else events). Returns 0 or a negative errno.
 */
int pprof__write(struct pprof *p, const char *path, u64 time_ns, u64 duration_ns);

#endif
