// SPDX-License-Identifier: GPL-2.0
/*
 * pmukvm check: can this host profile its guests? Looks at KVM, perf's
 * permissions, the PMUs the kernel knows and the CPU's architectural PMU,
 * and says what record would do here.
 */
#include <cpuid.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "builtin-kvm/builtin.h"
#include "symbols/elf.h"
#include "symbols/kallsyms.h"
#include "util/buildid.h"
#include "util/evlist.h"
#include "util/kernel.h"
#include "util/machine.h"
#include "util/options.h"
#include "util/util.h"

static const struct opt_desc check_options[] = {
	OPT_END
};

static const char check_usage[] = "pmukvm check";

/* Why guest recording cannot work here; printed at the end. */
static char reasons[8][256];
static int nr_reasons;

static void add_reason(const char *fmt, ...) __printf(1, 2);
static void add_reason(const char *fmt, ...)
{
	va_list ap;

	if (nr_reasons >= (int)ARRAY_SIZE(reasons))
		return;
	va_start(ap, fmt);
	vsnprintf(reasons[nr_reasons++], sizeof(reasons[0]), fmt, ap);
	va_end(ap);
}

static void check_kvm(void)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC), api;

	if (fd < 0) {
		int err = errno;

		if (err == ENOENT) {
			printf("kvm:            no /dev/kvm (kvm module not loaded, or no "
			       "virtualization extensions)\n");
			add_reason("no /dev/kvm: this host runs no KVM guests");
		} else {
			printf("kvm:            /dev/kvm cannot be opened: %s\n", strerror(err));
			add_reason("/dev/kvm cannot be opened (%s): KVM is not usable here",
				   strerror(err));
		}
		return;
	}
	api = ioctl(fd, KVM_GET_API_VERSION, 0);
	if (api < 0) {
		printf("kvm:            /dev/kvm opens but does not answer KVM_GET_API_VERSION: %s\n",
		       strerror(errno));
		add_reason("/dev/kvm does not behave like KVM");
	} else {
		printf("kvm:            /dev/kvm usable, API version %d\n", api);
	}
	close(fd);
}

static void check_paranoid(void)
{
	char *buf;
	size_t len;
	long v;

	if (read_file_maybe_gz("/proc/sys/kernel/perf_event_paranoid", 64, &buf, &len)) {
		printf("paranoid:       /proc/sys/kernel/perf_event_paranoid unreadable: "
		       "perf events may not exist in this kernel\n");
		add_reason("no perf_event_paranoid: perf events unsupported?");
		return;
	}
	v = strtol(buf, NULL, 10);
	free(buf);
	printf("paranoid:       perf_event_paranoid = %ld", v);
	if (!geteuid()) {
		printf(" (running as root: no limit)\n");
	} else if (v > 0) {
		printf(" (not root: system-wide and guest recording need root or -1)\n");
		add_reason("perf_event_paranoid is %ld and this is not root: run as root or "
			   "'sysctl kernel.perf_event_paranoid=-1'", v);
	} else {
		printf("\n");
	}
}

static bool pmus_have_core(void)
{
	static const char *const core[] = { "cpu", "cpu_core", "cpu_atom", "armv8_pmuv3" };
	DIR *dir = opendir("/sys/bus/event_source/devices");
	struct dirent *de;
	bool have = false;
	int n = 0;

	printf("pmus:           ");
	if (!dir) {
		printf("none (/sys/bus/event_source/devices missing)\n");
		return false;
	}
	while ((de = readdir(dir))) {
		size_t i;

		if (de->d_name[0] == '.')
			continue;
		printf("%s%s", n++ ? " " : "", de->d_name);
		for (i = 0; i < ARRAY_SIZE(core); i++)
			if (!strcmp(de->d_name, core[i]))
				have = true;
	}
	closedir(dir);
	printf("%s\n", have ? "" : "  (no core PMU: no 'cpu' device)");
	return have;
}

static int try_open(u32 type, u64 config, bool excl_guest, bool excl_host)
{
	struct perf_event_attr attr = {
		.type = type, .size = sizeof(attr), .config = config,
		.disabled = 1, .exclude_guest = excl_guest, .exclude_host = excl_host,
		.sample_period = 100000,
	};

	return evlist__probe(&attr);
}

static bool check_hw_event(void)
{
	int err = try_open(PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, false, false);

	if (err) {
		printf("hw event:       'cycles' does not open: %s\n", strerror(-err));
		add_reason("no hardware PMU event opens (cycles: %s): guest samples need a "
			   "PMU (on a VM host: enable the vPMU, e.g. QEMU -cpu host,pmu=on)",
			   strerror(-err));
		return false;
	}
	printf("hw event:       'cycles' opens\n");
	err = try_open(PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, true, false);
	printf("exclude_guest:  %s\n", err ? strerror(-err) : "accepted (--host only works)");
	err = try_open(PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, false, true);
	printf("exclude_host:   %s\n", err ? strerror(-err) : "accepted (--guest only works)");
	/*
	 * record and top ask for neither bit by default (host and guest), so
	 * a PMU that refuses one limits --host/--guest alone, nothing else.
	 */
	if (err)
		printf("                record --guest alone cannot work here; the default "
		       "(host and guest) does, and report --guest picks the guest samples\n");
	return true;
}

/* CPUID leaf 0xA: Intel's architectural performance monitoring. */
static void check_cpuid(void)
{
	static const char *const arch_events[] = {
		"core cycles", "instructions retired", "reference cycles",
		"LLC references", "LLC misses", "branch instructions retired",
		"branch mispredicts retired", "top-down slots",
	};
	unsigned int a = 0, b = 0, c = 0, d = 0, max, version, nr_gp, width, ebx_len, nr_fixed, fwidth, i;

	max = __get_cpuid_max(0, NULL);
	if (__get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 31)))
		printf("cpu:            running under a hypervisor: the PMU is what it exposes\n");
	if (max < 0xa) {
		printf("arch pmu:       CPUID leaf 0xA not available (max leaf %#x)\n", max);
		return;
	}
	__get_cpuid_count(0xa, 0, &a, &b, &c, &d);
	version = a & 0xff;
	nr_gp = (a >> 8) & 0xff;
	width = (a >> 16) & 0xff;
	ebx_len = (a >> 24) & 0xff;
	nr_fixed = d & 0x1f;
	fwidth = (d >> 5) & 0xff;
	if (!version) {
		printf("arch pmu:       CPUID 0xA version 0: no architectural PMU\n");
		return;
	}
	printf("arch pmu:       version %u, %u general counters of %u bits, "
	       "%u fixed counters of %u bits\n", version, nr_gp, width,
	       version > 1 ? nr_fixed : 0, version > 1 ? fwidth : 0);
	/* EBX: a set bit means the event is NOT available. */
	for (i = 0; i < ARRAY_SIZE(arch_events) && i < ebx_len; i++)
		printf("  %-28s %s\n", arch_events[i],
		       (b & (1u << i)) ? "not available" : "available");
}

/* The guest symbol files given, loaded as report would load them. */
static void check_guest_files(const struct guest_config *gc)
{
	struct machines m;
	struct machine *g;
	struct err err;

	if (!guest_config__has_files(gc))
		return;
	machines__init(&m, NULL);
	if (machines__setup_guests(&m, gc->kallsyms, gc->modules, gc->vmlinux, gc->mount, &err) ||
	    machines__load_guest_symbols(&m, &err)) {
		printf("guest files:    %s\n", err.msg);
		add_reason("the guest symbol files cannot be used: %s", err.msg);
		machines__exit(&m);
		return;
	}
	for (g = machines__guests(&m); g; g = g->next) {
		if (g->flags & MACHINE_NO_SYMBOLS) {
			printf("guest files:    %s: none\n", g->name);
			continue;
		}
		printf("guest files:    %s: %zu kernel symbols, %zu modules, _text %s%#" PRIx64 "\n",
		       g->name, g->ks ? g->ks->tab.nr : g->vmlinux ? g->vmlinux->tab.nr : 0,
		       g->nr_mods, g->ks && g->ks->has_text ? "at " : "unknown ",
		       g->ks && g->ks->has_text ? g->ks->text : 0);
	}
	for (size_t i = 0; i < m.warnings.nr; i++)
		printf("guest files:    warning: %s\n", m.warnings.strs[i]);
	machines__exit(&m);
}

/*
 * Where report names this kernel's samples from: /proc/kallsyms (its
 * addresses hidden from a user kptr_restrict keeps them from), and a
 * vmlinux of the running kernel's build-id in perf's places, which
 * report takes first (its symbols' sizes; perf's source lines).
 */
static void check_kernel_symbols(void)
{
	u8 bid[BUILD_ID_MAX];
	char line[32], hex[2 * BUILD_ID_MAX + 1], *vmlinux;
	FILE *f = fopen("/proc/kallsyms", "r");
	int n = sysfs__read_build_id("/sys/kernel/notes", bid, sizeof(bid));

	if (!f)
		printf("kernel syms:    /proc/kallsyms unreadable (%s)", strerror(errno));
	else if (!fgets(line, sizeof(line), f) || !strncmp(line, "0000000000000000", 16))
		printf("kernel syms:    /proc/kallsyms hides its addresses (kptr_restrict): "
		       "host kernel samples stay unresolved unless run as root");
	else
		printf("kernel syms:    /proc/kallsyms");
	if (f)
		fclose(f);
	if (n <= 0) {
		printf("; the running kernel's build-id is unknown (/sys/kernel/notes)\n");
		return;
	}
	vmlinux = vmlinux__find(NULL, NULL, bid, n);
	if (vmlinux)
		printf("; vmlinux %s (the running kernel's build-id), taken first\n", vmlinux);
	else
		printf("; no vmlinux of the running kernel (build-id %s) in perf's places "
		       "(./vmlinux, /boot, /usr/lib/debug)\n", build_id__hex(bid, (size_t)n, hex));
	free(vmlinux);
}

int cmd_check(int argc, char **argv, struct guest_config *gc)
{
	bool core, hw;
	int i;

	i = options_parse(argc, argv, check_usage, check_options, NULL, gc);
	if (i < 0)
		return 129;
	if (i < argc) {
		pr_err("check takes no arguments ('%s')", argv[i]);
		return 129;
	}
	check_kvm();
	check_paranoid();
	core = pmus_have_core();
	hw = check_hw_event();
	check_cpuid();
	check_kernel_symbols();
	check_guest_files(gc);
	printf("default:        record and top sample host and guest (no exclude_host or "
	       "exclude_guest; perf kvm samples guest only)\n");
	if (hw)
		printf("record:         hardware events are used as asked\n");
	else
		printf("record:         hardware events (cycles, instructions, ...) fall back "
		       "to cpu-clock:\n                host samples only; guest time shows as "
		       "the vCPU threads' host time%s\n",
		       core ? "" : " (no core PMU)");
	if (!nr_reasons) {
		printf("\nresult:         guests can be profiled here\n");
		return 0;
	}
	printf("\nresult:         guests cannot be profiled here:\n");
	for (i = 0; i < nr_reasons; i++)
		printf("  - %s\n", reasons[i]);
	return 1;
}
