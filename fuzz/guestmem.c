// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory, which the guest writes: the input's first byte chooses
 * what the rest is. Even: a guest's RAM block, read as guest-symbols reads
 * a VM process's (the kernel image by the trampoline's page tables, the
 * kallsyms tables, the image's page tables, the module list and its BTF),
 * then written as kallsyms and modules. Odd: the guest's BTF alone,
 * through the layout of struct module read from it. util/guestmem.c is
 * compiled in here, its static functions called as guest_kernel__read
 * calls them; the RAM is a memfd of 4 MiB (the input, then zeros), read
 * with pread as /proc/PID/mem is.
 */
#include "util/guestmem.c"

#include "fuzz/fuzz.h"

#define RAM_SIZE	(4u << 20)

static void ram_block(const uint8_t *data, size_t size)
{
	struct guest_kernel gk;
	struct err why = ERR_INIT;
	char path[64];

	memset(&gk, 0, sizeof(gk));
	gk.pid = 0;		/* no /proc/0/pagemap: every page is read */
	gk.fd = fuzz_file(data, size, path, sizeof(path));
	if (gk.fd < 0)
		return;
	/* RAM of 4 MiB, the input at its start: room for the trampoline's search (2 MiB) */
	if (size > RAM_SIZE || ftruncate(gk.fd, RAM_SIZE)) {
		close(gk.fd);
		return;
	}
	gk.ram_host = 0;
	gk.ram_size = RAM_SIZE;
	if (!ram_block_kallsyms(&gk, &why)) {
		read_modules(&gk);
		guest_kernel__write_kallsyms(&gk, fuzz_null());
		guest_kernel__write_modules(&gk, fuzz_null());
	}
	guest_kernel__exit(&gk);
}

static void btf_layout(const uint8_t *data, size_t size)
{
	struct mod_layout L = { 0 };
	struct err e = ERR_INIT;
	struct btf *btf;

	if (dlib__load(&bpf_lib, &e))
		return;
	btf = bpf.btf__new(data, (u32)size);
	if (!btf)
		return;
	module_layout(btf, &L, &e);
	bpf.btf__free(btf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	if (data[0] & 1)
		btf_layout(data + 1, size - 1);
	else
		ram_block(data + 1, size - 1);
	return 0;
}
