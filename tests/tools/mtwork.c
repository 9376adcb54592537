// SPDX-License-Identifier: GPL-2.0
/*
 * A multi-threaded workload for tests: each thread spends its time in its
 * own function and in shared-library calls (libm, libc), so a profile has
 * several threads, a PIE executable and shared libraries in it.
 * Usage: mtwork [THREADS] [MILLISECONDS] [mixed[:K]]
 *
 * With "mixed", every thread calls spin_math and spin_memory in turn, and
 * spin_memory does K times its usual work (default 1): the same binary, one
 * function made K times slower, for regression checks (pmukvm diff). Then
 * MILLISECONDS is each thread's CPU time, not wall time: on a loaded
 * machine the run takes longer but its profile holds as many samples, so
 * two runs compare as well as on an idle one.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double clock_s(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

static volatile double sink;
static double deadline, cpu_ms;
static int mixed, memory_scale = 1;

__attribute__((noinline)) static void spin_math(void)
{
	double x = 0;

	for (int i = 1; i < 20000; i++)
		x += sqrt((double)i) * sin((double)i);
	sink = x;
}

__attribute__((noinline)) static void spin_memory(void)
{
	static char a[65536], b[65536];

	for (int i = 0; i < 8 * memory_scale; i++) {
		memset(a, i, sizeof(a));
		memcpy(b, a, sizeof(b));
	}
	sink = b[100];
}

static void *worker(void *arg)
{
	long n = (long)arg;

	while (mixed ? clock_s(CLOCK_THREAD_CPUTIME_ID) * 1000.0 < cpu_ms : now() < deadline) {
		if (mixed) {
			spin_math();
			spin_memory();
		} else if (n % 2) {
			spin_math();
		} else {
			spin_memory();
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	long threads = argc > 1 ? atol(argv[1]) : 3;
	long ms = argc > 2 ? atol(argv[2]) : 500;
	pthread_t tid[64];

	if (argc > 3 && !strncmp(argv[3], "mixed", 5)) {
		mixed = 1;
		if (argv[3][5] == ':')
			memory_scale = atoi(argv[3] + 6);
		else if (argv[3][5])
			memory_scale = 0;
	} else if (argc > 3) {
		memory_scale = 0;
	}
	if (threads < 1 || threads > 64 || ms < 0 || memory_scale < 1 || memory_scale > 1000) {
		fprintf(stderr, "usage: mtwork [THREADS 1-64] [MILLISECONDS] [mixed[:K 1-1000]]\n");
		return 2;
	}
	deadline = now() + (double)ms / 1000.0;
	cpu_ms = (double)ms;
	for (long i = 0; i < threads; i++)
		pthread_create(&tid[i], NULL, worker, (void *)i);
	for (long i = 0; i < threads; i++)
		pthread_join(tid[i], NULL);
	return 0;
}
