// SPDX-License-Identifier: GPL-2.0
/*
 * A tiny KVM guest for live tests: one vCPU, named as QEMU names its vCPU
 * threads ("CPU 0/KVM"), spinning in 64-bit mode (identity-mapped by one
 * 2 MiB page) on a few bytes of code at guest address 0x1000, for the given
 * milliseconds. Samples taken while it runs are guest kernel samples
 * (ring 0) with ips in [0x1000, 0x1010).
 * With "pio" it loops on port I/O instead (out 0x80; in 0x71), each an exit
 * to user space (kvm_pio and kvm_userspace_exit fire even where a software
 * hypervisor never fires kvm_exit), and prints how many it saw.
 * Usage: tinyvm [MILLISECONDS [pio]]   exits 77 when /dev/kvm cannot be used.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/time.h>
#include <unistd.h>

static volatile sig_atomic_t done;

static void on_alarm(int sig)
{
	(void)sig;
	done = 1;
}

int main(int argc, char **argv)
{
	/* inc rax; inc rbx; inc rcx; jmp back to the start */
	static const unsigned char code[] = {
		0x48, 0xff, 0xc0, 0x48, 0xff, 0xc3, 0x48, 0xff, 0xc1, 0xeb, 0xf5,
	};
	/* out 0x80, al; in al, 0x71; jmp back to the out */
	static const unsigned char pio_code[] = { 0xe6, 0x80, 0xe4, 0x71, 0xeb, 0xfa };
	long ms = argc > 1 ? atol(argv[1]) : 1000;
	int pio = argc > 2 && !strcmp(argv[2], "pio");
	unsigned long nr_io = 0;
	struct kvm_userspace_memory_region region;
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	struct itimerval it;
	struct sigaction sa;
	struct kvm_run *run;
	int kvm, vm, vcpu, run_size;
	unsigned char *mem;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0) {
		printf("tinyvm: cannot open /dev/kvm: %s\n", strerror(errno));
		return 77;
	}
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0) {
		printf("tinyvm: KVM_CREATE_VM: %s\n", strerror(errno));
		return 77;
	}
	mem = mmap(NULL, 0x200000, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return 1;
	if (pio)
		memcpy(mem + 0x1000, pio_code, sizeof(pio_code));
	else
		memcpy(mem + 0x1000, code, sizeof(code));
	/* Page tables at 0x2000 (PML4), 0x3000 (PDPT), 0x4000 (PD): 0-2 MiB. */
	((unsigned long long *)(mem + 0x2000))[0] = 0x3000 | 3;
	((unsigned long long *)(mem + 0x3000))[0] = 0x4000 | 3;
	((unsigned long long *)(mem + 0x4000))[0] = 0x0 | 0x83;	/* present, rw, 2 MiB */
	region = (struct kvm_userspace_memory_region){
		.slot = 0, .guest_phys_addr = 0, .memory_size = 0x200000,
		.userspace_addr = (unsigned long)mem,
	};
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
		printf("tinyvm: KVM_SET_USER_MEMORY_REGION: %s\n", strerror(errno));
		return 77;
	}
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vcpu < 0 || run_size <= 0) {
		printf("tinyvm: cannot create a vCPU: %s\n", strerror(errno));
		return 77;
	}
	run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		return 1;
	if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
		return 1;
	/* Long mode, flat segments, paging on. */
	sregs.cr3 = 0x2000;
	sregs.cr4 = 1u << 5;			/* PAE */
	sregs.cr0 = 0x80050033;			/* PG WP NE ET MP PE */
	sregs.efer = 0x500;			/* LME LMA */
	sregs.cs = (struct kvm_segment){ .base = 0, .limit = 0xffffffff, .selector = 8,
		.type = 11, .present = 1, .dpl = 0, .db = 0, .s = 1, .l = 1, .g = 1 };
	sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = (struct kvm_segment){
		.base = 0, .limit = 0xffffffff, .selector = 16, .type = 3, .present = 1,
		.dpl = 0, .db = 1, .s = 1, .l = 0, .g = 1 };
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0) {
		printf("tinyvm: KVM_SET_SREGS: %s\n", strerror(errno));
		return 77;
	}
	memset(&regs, 0, sizeof(regs));
	regs.rip = 0x1000;
	regs.rflags = 0x2;
	if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
		return 1;
	prctl(PR_SET_NAME, "CPU 0/KVM");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;	/* no SA_RESTART: KVM_RUN returns EINTR */
	sigaction(SIGALRM, &sa, NULL);
	memset(&it, 0, sizeof(it));
	it.it_value.tv_sec = ms / 1000;
	it.it_value.tv_usec = (ms % 1000) * 1000;
	setitimer(ITIMER_REAL, &it, NULL);
	while (!done) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0 && errno != EINTR) {
			printf("tinyvm: KVM_RUN: %s\n", strerror(errno));
			return 1;
		}
		if (pio && run->exit_reason == KVM_EXIT_IO) {
			nr_io++;
			continue;
		}
		if (!done && run->exit_reason != KVM_EXIT_INTR) {
			printf("tinyvm: unexpected exit %u\n", run->exit_reason);
			return 1;
		}
	}
	if (pio)
		printf("tinyvm: %lu port I/O exits\n", nr_io);
	return 0;
}
