// SPDX-License-Identifier: GPL-2.0
/*
 * The floor of reading a perf.data file: walks the data section's record
 * headers (pread into one 1 MiB buffer) and counts them, doing nothing
 * else. bench/report-speed.sh builds it and times it beside report.
 * Usage: walk-records FILE   (file mode, not compressed, no AUXTRACE payloads)
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BUF_SIZE	(1u << 20)

struct header {
	uint32_t type;
	uint16_t misc, size;
};

int main(int argc, char **argv)
{
	uint64_t h[13], off, end, nr = 0, nr_samples = 0;
	static unsigned char buf[BUF_SIZE];
	size_t len = 0, pos = 0;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: walk-records FILE\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	/* h[1]: the header's size, 104 in file mode; h[5], h[6]: the data section */
	if (fd < 0 || pread(fd, h, sizeof(h), 0) != sizeof(h) ||
	    memcmp(h, "PERFILE2", 8) || h[1] != 104) {
		fprintf(stderr, "walk-records: %s: not a file-mode perf.data file\n", argv[1]);
		return 1;
	}
	off = h[5];
	end = h[5] + h[6];
	for (;;) {
		const struct header *r;

		if (len - pos < sizeof(*r) ||
		    len - pos < ((const struct header *)(buf + pos))->size) {
			ssize_t n;

			memmove(buf, buf + pos, len - pos);
			len -= pos;
			pos = 0;
			if (off >= end)
				break;
			n = pread(fd, buf + len, (size_t)(end - off < BUF_SIZE - len ?
							 end - off : BUF_SIZE - len), (off_t)off);
			if (n <= 0)
				break;
			off += (uint64_t)n;
			len += (size_t)n;
			continue;
		}
		r = (const struct header *)(buf + pos);
		if (r->size < sizeof(*r))
			break;
		nr++;
		nr_samples += r->type == 9;
		pos += r->size;
	}
	printf("%llu records, %llu samples\n", (unsigned long long)nr,
	       (unsigned long long)nr_samples);
	close(fd);
	return 0;
}
