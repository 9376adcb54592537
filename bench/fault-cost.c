// SPDX-License-Identifier: GPL-2.0
/*
 * What a page fault costs on this machine, against mapping the pages in
 * first with one madvise(MADV_POPULATE_WRITE) (util/util.c,
 * prefault_write). Four rounds on fresh 4 MiB anonymous maps, each
 * printing: the first write of each page (a fault a page); the madvise;
 * the first writes after it; the same writes again.
 * Usage: cc -O2 -o /tmp/fault-cost bench/fault-cost.c && /tmp/fault-cost
 */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <time.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

enum { BYTES = 4 << 20, PAGE = 4096 };

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void *fresh(void)
{
	void *p = mmap(NULL, BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		return NULL;
	}
	return p;
}

static double write_all(uint64_t *p)
{
	double t = now();
	size_t i;

	for (i = 0; i < BYTES / 8; i++)
		p[i] = i;
	return now() - t;
}

int main(void)
{
	int round;

	for (round = 0; round < 4; round++) {
		uint64_t *p = fresh(), *q = fresh();
		double fault, pop, first, again;

		if (!p || !q)
			return 1;
		fault = write_all(p);
		pop = now();
		if (madvise(q, BYTES, MADV_POPULATE_WRITE)) {
			perror("madvise(MADV_POPULATE_WRITE)");
			return 1;
		}
		pop = now() - pop;
		first = write_all(q);
		again = write_all(q);
		printf("%d pages: faulting writes %.2f ms (%.2f us a page); populate %.2f ms, "
		       "first writes after it %.2f ms, again %.2f ms\n", BYTES / PAGE, fault * 1e3,
		       fault * 1e6 / (BYTES / PAGE), pop * 1e3, first * 1e3, again * 1e3);
		munmap(p, BYTES);
		munmap(q, BYTES);
	}
	return 0;
}
