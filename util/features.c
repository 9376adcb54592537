// SPDX-License-Identifier: GPL-2.0
#include "util/features.h"

#include <cpuid.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/data.h"
#include "util/evlist.h"
#include "util/writer.h"

void cpuid__string(char *buf, size_t size)
{
	unsigned int a, b, c, d, family, model, stepping;
	char vendor[13];

	if (!__get_cpuid(0, &a, &b, &c, &d)) {
		str_copy(buf, "unknown", size);
		return;
	}
	memcpy(vendor, &b, 4);
	memcpy(vendor + 4, &d, 4);
	memcpy(vendor + 8, &c, 4);
	vendor[12] = '\0';
	__get_cpuid(1, &a, &b, &c, &d);
	stepping = a & 0xf;
	model = (a >> 4) & 0xf;
	family = (a >> 8) & 0xf;
	if (family == 0xf)
		family += (a >> 20) & 0xff;
	if (family >= 0x6)
		model += ((a >> 16) & 0xf) << 4;
	snprintf(buf, size, "%s,%u,%u,%u", vendor, family, model, stepping);
}

/* "model name" of /proc/cpuinfo with runs of blanks squeezed, as perf shows it. */
static void cpu_desc(char *out, size_t size)
{
	char line[512];
	FILE *fp = fopen("/proc/cpuinfo", "re");

	str_copy(out, "unknown", size);
	if (!fp)
		return;
	while (fgets(line, sizeof(line), fp)) {
		char *p = strchr(line, ':'), *q;
		size_t n = 0;

		if (strncmp(line, "model name", 10) || !p)
			continue;
		for (p++; *p == ' ' || *p == '\t'; p++)
			;
		for (q = p; *q && *q != '\n' && n + 1 < size; q++) {
			if (*q == ' ' && n && out[n - 1] == ' ')
				continue;
			out[n++] = *q == '\t' ? ' ' : *q;
		}
		while (n && out[n - 1] == ' ')
			n--;
		out[n] = '\0';
		break;
	}
	fclose(fp);
}

static u64 mem_total_kb(void)
{
	char line[256];
	unsigned long long kb = 0;
	FILE *fp = fopen("/proc/meminfo", "re");

	if (!fp)
		return 0;
	while (fgets(line, sizeof(line), fp))
		if (sscanf(line, "MemTotal: %llu kB", &kb) == 1)
			break;
	fclose(fp);
	return kb;
}

/*
 * The command line from /proc/self/cmdline, the binary's path standing
 * for argv[0] as in perf's files. The strings point into *@buf (and
 * @exe); free *@buf and the array after.
 */
static char **read_cmdline(const char *exe, char **buf, u32 *nr)
{
	size_t len = 0, i, n = 0;
	char **argv;

	*buf = NULL;
	if (read_file_maybe_gz("/proc/self/cmdline", 1 << 20, buf, &len))
		len = 0;
	for (i = 0; i < len; i++)
		n += !(*buf)[i];
	argv = xcalloc(n + 1, sizeof(*argv));
	argv[0] = (char *)exe;
	*nr = 1;
	for (i = 0; len && i < len;) {
		size_t l = strlen(*buf + i);

		if (i && *nr < n)
			argv[(*nr)++] = *buf + i;
		i += l + 1;
	}
	return argv;
}

void features__set_host(struct perf_writer *w, const char *version)
{
	static const int feats[] = {
		HEADER_HOSTNAME, HEADER_OSRELEASE, HEADER_VERSION, HEADER_ARCH, HEADER_NRCPUS,
		HEADER_CPUDESC, HEADER_CPUID, HEADER_TOTAL_MEM, HEADER_CMDLINE,
	};
	struct header_info hi = { 0 };
	struct feat_src src = { .info = &hi };
	char desc[256], cpuid[256], exe[4096], *cmdline;
	struct utsname uts;
	ssize_t r;
	size_t i;

	if (uname(&uts))
		memset(&uts, 0, sizeof(uts));
	hi.hostname = uts.nodename;
	hi.osrelease = uts.release;
	hi.version = xstrdup(version);
	hi.arch = uts.machine;
	hi.nr_cpus_avail = (u32)sysconf(_SC_NPROCESSORS_CONF);
	hi.nr_cpus_online = (u32)sysconf(_SC_NPROCESSORS_ONLN);
	cpu_desc(desc, sizeof(desc));
	hi.cpudesc = desc;
	cpuid__string(cpuid, sizeof(cpuid));
	hi.cpuid = cpuid;
	hi.total_mem = mem_total_kb();
	r = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[r > 0 ? r : 0] = '\0';
	hi.cmdline = read_cmdline(exe, &cmdline, &hi.nr_cmdline);
	for (i = 0; i < ARRAY_SIZE(feats); i++)
		header__set_feature(w, feats[i], &src);
	free(hi.cmdline);
	free(cmdline);
	free(hi.version);
}

void features__set_event_desc(struct perf_writer *w, const struct evlist *evlist)
{
	struct header_info hi = { 0 };
	struct feat_src src = { .info = &hi, .evsels = evlist->evsels,
				.nr_evsels = evlist->nr_evsels };
	int e, k;

	header__set_feature(w, HEADER_EVENT_DESC, &src);
	/* The event groups, as perf record describes them: those of two events or more. */
	for (e = 0; evlist->leader && e < evlist->nr_evsels; e = k) {
		for (k = e + 1; k < evlist->nr_evsels && evlist->leader[k] == e; k++)
			;
		if (k - e < 2)
			continue;
		hi.groups = xrealloc(hi.groups, (hi.nr_groups + 1) * sizeof(*hi.groups));
		hi.groups[hi.nr_groups++] = (struct event_group){ NULL, (u32)e, (u32)(k - e) };
	}
	header__set_feature(w, HEADER_GROUP_DESC, &src);
	free(hi.groups);
}

void features__set_sample_time(struct perf_writer *w, u64 first, u64 last)
{
	struct header_info hi = { .first_sample_time = first, .last_sample_time = last,
				  .has_sample_time = true };
	struct feat_src src = { .info = &hi };

	header__set_feature(w, HEADER_SAMPLE_TIME, &src);
}
