// SPDX-License-Identifier: GPL-2.0
/*
 * Writes a corrupted copy of a file for fuzz tests: COUNT random bytes
 * (seeded, so a failure can be replayed) set to random values, optionally
 * only at offsets >= FROM.
 * Usage: mutate IN OUT SEED COUNT [FROM]
 */
#include <stdio.h>
#include <stdlib.h>

static unsigned long long state;

static unsigned long long next(void)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state;
}

int main(int argc, char **argv)
{
	FILE *in, *out;
	unsigned char *buf;
	long size, from, i, count;

	if (argc < 5) {
		fprintf(stderr, "usage: mutate IN OUT SEED COUNT [FROM]\n");
		return 2;
	}
	state = strtoull(argv[3], NULL, 0) * 2654435761u + 1;
	count = atol(argv[4]);
	from = argc > 5 ? atol(argv[5]) : 0;
	in = fopen(argv[1], "rb");
	if (!in || fseek(in, 0, SEEK_END) || (size = ftell(in)) <= 0 || fseek(in, 0, SEEK_SET))
		return 1;
	buf = malloc((size_t)size);
	if (!buf || fread(buf, 1, (size_t)size, in) != (size_t)size)
		return 1;
	fclose(in);
	if (from >= size)
		from = 0;
	for (i = 0; i < count; i++) {
		unsigned long long r = next();
		long at = from + (long)(r % (unsigned long long)(size - from));

		/* Small values and all-ones break sizes and counts more often. */
		switch ((r >> 32) % 4) {
		case 0: buf[at] = 0; break;
		case 1: buf[at] = 0xff; break;
		default: buf[at] = (unsigned char)(r >> 40); break;
		}
	}
	out = fopen(argv[2], "wb");
	if (!out || fwrite(buf, 1, (size_t)size, out) != (size_t)size || fclose(out))
		return 1;
	free(buf);
	return 0;
}
