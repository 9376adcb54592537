// SPDX-License-Identifier: GPL-2.0
/*
 * jitloop: runs generated code, as a JIT does: two small loops copied
 * into anonymous executable memory, the first called three times as long
 * as the second.
 *
 *   jitloop MILLISECONDS [map]
 *
 * With "map", writes /tmp/perf-PID.map naming the two loops jit_spin_a and
 * jit_spin_b (perf's JIT map format: "START SIZE NAME", hex), and leaves it
 * for the caller to remove. Prints the code's address on stdout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

/* dec %rdi; jnz .-3; ret */
static const unsigned char spin_code[] = { 0x48, 0xff, 0xcf, 0x75, 0xfb, 0xc3 };

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	unsigned char *code;
	void (*spin_a)(unsigned long), (*spin_b)(unsigned long);
	double end;

	if (argc < 2) {
		fprintf(stderr, "usage: jitloop MILLISECONDS [map]\n");
		return 2;
	}
	code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (code == MAP_FAILED) {
		perror("jitloop: mmap");
		return 1;
	}
	memcpy(code, spin_code, sizeof(spin_code));
	memcpy(code + 64, spin_code, sizeof(spin_code));
	spin_a = (void (*)(unsigned long))code;
	spin_b = (void (*)(unsigned long))(code + 64);
	if (argc > 2 && !strcmp(argv[2], "map")) {
		char path[64];
		FILE *f;

		snprintf(path, sizeof(path), "/tmp/perf-%d.map", (int)getpid());
		f = fopen(path, "w");
		if (!f) {
			perror(path);
			return 1;
		}
		fprintf(f, "%lx %x jit_spin_a\n%lx %x jit_spin_b\n",
			(unsigned long)code, (unsigned)sizeof(spin_code),
			(unsigned long)code + 64, (unsigned)sizeof(spin_code));
		fclose(f);
	}
	printf("%lx\n", (unsigned long)code);
	fflush(stdout);
	end = now() + atoi(argv[1]) / 1000.0;
	while (now() < end) {
		spin_a(3000000);
		spin_b(1000000);
	}
	return 0;
}
