// SPDX-License-Identifier: GPL-2.0
/*
 * diff over two data files made of one input: a little-endian u32, the
 * baseline's length, then the baseline, then the newer file (the seeds
 * are pairs of recordings). The input's last byte picks one of diff's
 * forms: computation, sort keys, separators, JSON, --fail-above. The
 * host's kernel symbols come from an empty file, not /proc/kallsyms.
 */
#include <fcntl.h>

#include "builtin-kvm/builtin.h"
#include "fuzz/fuzz.h"
#include "util/options.h"

static const char *const forms[][8] = {
	{ NULL },
	{ "-c", "ratio", "-s", "comm,dso,sym", NULL },
	{ "-c", "wdiff:3,-2", "-s", "sym,dso", "-t", "|", NULL },
	{ "--json", "--fail-above", "0.5", "--min-samples", "2", NULL },
	{ "-c", "delta", "--percentage", "absolute", "-s", "pid,mode,sym", NULL },
	{ "-b", "-q", "-s", "guest,vcpu,dso", NULL },
};
#define NR_FORMS (sizeof(forms) / sizeof(forms[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int null_fd = -1, kallsyms_fd = -1;
	static char kallsyms[64];
	char base[64], new[64], *argv[24];
	const char *const *form;
	int fd_a, fd_b, saved, argc = 0;
	u32 len_a;

	if (null_fd < 0) {
		null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
		kallsyms_fd = fuzz_file(NULL, 0, kallsyms, sizeof(kallsyms));
		if (null_fd < 0 || kallsyms_fd < 0)
			abort();
	}
	if (size < 5)
		return 0;
	memcpy(&len_a, data, 4);
	data += 4;
	size -= 4;
	form = forms[data[size - 1] % NR_FORMS];
	if (len_a > size)
		len_a = (u32)size;
	fd_a = fuzz_file(data, len_a, base, sizeof(base));
	fd_b = fuzz_file(data + len_a, size - len_a, new, sizeof(new));
	if (fd_a < 0 || fd_b < 0)
		goto out;

	argv[argc++] = (char *)"diff";
	argv[argc++] = (char *)"-k";
	argv[argc++] = kallsyms;
	argv[argc++] = (char *)"--ignore-vmlinux";
	while (*form)
		argv[argc++] = (char *)*form++;
	argv[argc++] = base;
	argv[argc++] = new;
	argv[argc] = NULL;

	/* the tables go to /dev/null; the replay program's stdout stays */
	fflush(stdout);
	saved = dup(1);
	if (saved < 0 || dup2(null_fd, 1) < 0)
		abort();
	cmd_diff(argc, argv, &(struct guest_config){ 0 });
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
out:
	if (fd_a >= 0)
		close(fd_a);
	if (fd_b >= 0)
		close(fd_b);
	return 0;
}
