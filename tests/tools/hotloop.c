// SPDX-License-Identifier: GPL-2.0
/*
 * hotloop: a CPU-bound workload with one known hot function, for record
 * tests and the overhead bench.
 *
 *   hotloop [ITERATIONS [time]]   (default 300000000)
 *
 * With "time", prints the seconds the work took (its own clock, so a
 * profiler's start-up and file writing are not in it) on stderr.
 *
 * Almost all time goes to hot_function(), called from caller_function() so
 * that callchains have a known shape: hot_function <- caller_function <- main.
 */
/* Frame pointers, whatever CFLAGS say: the -g tests walk them. */
#pragma GCC optimize("no-omit-frame-pointer")

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static volatile unsigned long sink;

__attribute__((noinline)) unsigned long hot_function(unsigned long n)
{
	unsigned long x = 1;

	for (unsigned long i = 0; i < n; i++)
		x = x * 6364136223846793005ul + 1442695040888963407ul;
	return x;
}

__attribute__((noinline)) unsigned long caller_function(unsigned long n)
{
	unsigned long r = 0;

	/* Chunks, so that samples land in hot_function with callers on the stack. */
	while (n) {
		unsigned long c = n < 1000000 ? n : 1000000;

		r ^= hot_function(c);
		n -= c;
	}
	return r;
}

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 0) : 300000000ul;
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	sink = caller_function(n);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (argc > 2 && !strcmp(argv[2], "time"))
		fprintf(stderr, "hotloop: %.6f s\n",
			(double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	return 0;
}
