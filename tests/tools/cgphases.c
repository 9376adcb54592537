// SPDX-License-Identifier: GPL-2.0
/*
 * A workload in two phases, with frame pointers, for the call-graph filter
 * tests: first outer1 -> pick -> leaf spins in leaf (pick is on the path,
 * not sampled), then outer2 -> pick spins in pick itself. So the first
 * sample with pick on its path is not in pick, and outer2 appears only on
 * the paths of samples in pick: --children --symbols pick shows outer2's
 * row (made by a sample the filter keeps), as perf does.
 * Usage: cgphases [MILLISECONDS per phase]
 */
#pragma GCC optimize("no-omit-frame-pointer")
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static volatile double sink;

__attribute__((noinline)) static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}


__attribute__((noinline)) void leaf(void)
{
	double x = 0;

	for (int i = 1; i < 20000; i++)
		x += (double)i * 1.0001;
	sink = x;
}

__attribute__((noinline)) void pick(int self, double until)
{
	while (now() < until) {
		if (self) {
			double x = 0;

			for (int i = 1; i < 20000; i++)
				x += (double)i * 1.0001;
			sink = x;
		} else {
			leaf();
		}
	}
	__asm__ volatile("" ::: "memory");	/* not a tail call */
}

__attribute__((noinline)) void outer1(double until)
{
	pick(0, until);
	__asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) void outer2(double until)
{
	pick(1, until);
	__asm__ volatile("" ::: "memory");
}

int main(int argc, char **argv)
{
	double ms = argc > 1 ? atof(argv[1]) : 300;

	if (ms <= 0 || ms > 60000) {
		fprintf(stderr, "usage: cgphases [MILLISECONDS per phase, up to 60000]\n");
		return 2;
	}
	outer1(now() + ms / 1000);
	outer2(now() + ms / 1000);
	return 0;
}
