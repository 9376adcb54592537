/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_DECOMPRESS_H
#define PMUKVM_DECOMPRESS_H

#include <stdbool.h>
#include <stddef.h>

union perf_event;

/* HEADER_COMPRESSED's type for zstd, the only one perf writes. */
#define PERF_COMP_ZSTD	1

/*
 * The records inside PERF_RECORD_COMPRESSED records (perf record -z):
 * one zstd stream over all of them, where a record may begin in one
 * compressed record and end in the next. Memory is bounded: one compressed
 * payload (at most 64 KiB), an output buffer of a few records' worth, and
 * zstd's window, capped at DECOMP_WINDOW_LOG_MAX.
 */
struct decomp;
struct err;

#define DECOMP_WINDOW_LOG_MAX	25	/* 32 MiB: -z at any level on any mmap size perf takes */

/** decomp__new - a decompressor; NULL when zstd cannot allocate one. */
struct decomp *decomp__new(void);
void decomp__delete(struct decomp *dc);

/**
 * decomp__feed - hands over the payload of one COMPRESSED record (copied).
 * Call only when decomp__next has returned 0 (all input used).
 */
void decomp__feed(struct decomp *dc, const void *payload, size_t len);

/**
 * decomp__next - the next whole record decompressed so far.
 * Returns 1 with *event pointing into the decompressor's buffer (valid
 * until the next call), 0 when more input is needed, or -EINVAL on
 * corrupt data with a message (no file name or offset: the caller adds
 * them) in @err.
 */
int decomp__next(struct decomp *dc, union perf_event **event, struct err *err);

/**
 * decomp__partial - bytes of a record begun but not finished: nonzero at
 * the end of the input means the compressed data was cut short.
 */
size_t decomp__partial(const struct decomp *dc);

/**
 * decomp__block_open - whether the input stopped inside a zstd block: true
 * at the end of the input means the compressed data was cut short (perf
 * and pmukvm flush whole blocks).
 */
bool decomp__block_open(const struct decomp *dc);

#endif
