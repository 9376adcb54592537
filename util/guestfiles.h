/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_GUESTFILES_H
#define PMUKVM_GUESTFILES_H

/*
 * Guest symbol files carried inside a data file, so that a report on
 * another machine needs no --guestkallsyms/--guestmodules/--guestmount.
 *
 * They live in feature section HEADER_PMUKVM_GUEST_FILES (bit 200 of the
 * feature bitmap; perf skips feature bits it does not know). The payload
 * is a sequence of entries, each 8-byte aligned:
 *
 *   u32 kind;      GUEST_FILE_KALLSYMS or GUEST_FILE_MODULES
 *   s32 pid;       the guest machine: 0 default guest, else the QEMU pid
 *   u64 size;      bytes of data that follow
 *   u8  data[size] the file, gzip-compressed (zlib), then zero padding
 *                  up to a multiple of 8
 */
#include "util/util.h"

enum guest_file_kind {
	GUEST_FILE_KALLSYMS = 1,
	GUEST_FILE_MODULES = 2,
};

struct guest_file_hdr {
	u32 kind;
	s32 pid;
	u64 size;
};

#endif
