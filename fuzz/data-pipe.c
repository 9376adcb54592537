// SPDX-License-Identifier: GPL-2.0
/*
 * The data reader in pipe mode, from a real pipe on stdin: the input is
 * what follows the 16-byte pipe header (added here), written by a thread.
 */
#include <pthread.h>
#include <signal.h>

#include "fuzz/fuzz-session.h"
#include "util/data.h"
#include "util/err.h"

struct feed {
	int fd;
	const uint8_t *p;
	size_t len;
};

static void *feed_main(void *arg)
{
	struct feed *f = arg;
	u64 hdr[2] = { PERF_MAGIC2, 16 };
	size_t done = 0;

	if (write(f->fd, hdr, sizeof(hdr)) == (ssize_t)sizeof(hdr)) {
		while (done < f->len) {
			ssize_t n = write(f->fd, f->p + done, f->len - done);

			if (n <= 0)
				break;
			done += (size_t)n;
		}
	}
	close(f->fd);
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct perf_data *d;
	struct feed f = { .p = data, .len = size };
	pthread_t t;
	struct err err;
	int p[2], saved = dup(0);

	fuzz_report_sort = (int)(size % 3);
	if (saved < 0 || pipe(p)) {
		if (saved >= 0)
			close(saved);
		return 0;
	}
	dup2(p[0], 0);
	close(p[0]);
	f.fd = p[1];
	signal(SIGPIPE, SIG_IGN);	/* the reader may stop early */
	pthread_create(&t, NULL, feed_main, &f);
	d = perf_data__open("-", &err);
	if (d) {
		fuzz_report(d);
		perf_data__delete(d);
	}
	dup2(saved, 0);		/* closes the read end: the writer ends */
	close(saved);
	pthread_join(t, NULL);
	return 0;
}
