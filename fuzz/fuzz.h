/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_FUZZ_H
#define PMUKVM_FUZZ_H

/*
 * Helpers the harnesses share. A harness is one file fuzz/NAME.c that
 * defines LLVMFuzzerTestOneInput; `make fuzz` builds every harness with
 * libFuzzer, and fuzz/corpus/NAME/ holds its seeds (optional).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util/data.h"
#include "util/err.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * fuzz_file - the input as a file: a memfd, named by its /proc path
 * (written to @path, of @len bytes). Returns the fd (close it), or -1.
 */
static inline int fuzz_file(const uint8_t *data, size_t size, char *path, size_t len)
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC);
	size_t done = 0;

	if (fd < 0)
		return -1;
	while (done < size) {
		ssize_t n = write(fd, data + done, size - done);

		if (n <= 0) {
			close(fd);
			return -1;
		}
		done += (size_t)n;
	}
	snprintf(path, len, "/proc/self/fd/%d", fd);
	return fd;
}

/*
 * fuzz_data_file - the input opened as a data file in file mode (a memfd,
 * mapped as a file is) and @fn run over it, when the header opens.
 */
static inline void fuzz_data_file(const uint8_t *data, size_t size,
				  void (*fn)(struct perf_data *d))
{
	struct perf_data *d;
	struct err err;
	char path[64];
	int fd = fuzz_file(data, size, path, sizeof(path));

	if (fd < 0)
		return;
	d = perf_data__open(path, &err);
	if (d) {
		fn(d);
		perf_data__delete(d);
	}
	close(fd);
}

/* fuzz_null - a FILE that discards what is written: output code runs too. */
static inline FILE *fuzz_null(void)
{
	static FILE *fp;

	if (!fp)
		fp = fopen("/dev/null", "w");
	return fp;
}

#endif
