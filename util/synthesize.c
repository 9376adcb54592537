// SPDX-License-Identifier: GPL-2.0
/*
 * Synthesized records: what existed before the events were enabled.
 */
#include "util/synthesize.h"

#include "symbols/kallsyms.h"
#include "util/err.h"
#include "util/guest.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define MAX_RECORD	4096	/* comm/mmap records with a PATH_MAX name fit */

/* Pads the filename (NUL included) to 8 and appends the zero trailer. */
static int emit(union perf_event *ev, size_t fixed, const char *name,
		size_t id_hdr_size, synth_cb cb, void *ctx)
{
	size_t n = strnlen(name, 1024) + 1, size;

	size = fixed + PERF_ALIGN(n, 8);
	memset((char *)ev + fixed, 0, PERF_ALIGN(n, 8) + id_hdr_size);
	memcpy((char *)ev + fixed, name, n - 1);
	ev->header.size = (u16)(size + id_hdr_size);
	return cb(ctx, ev);
}

static int emit_comm(pid_t pid, pid_t tid, const char *comm, size_t id_hdr_size,
		     synth_cb cb, void *ctx)
{
	u64 buf[MAX_RECORD / 8];
	union perf_event *ev = (union perf_event *)buf;

	memset(ev, 0, sizeof(ev->comm));
	ev->header.type = PERF_RECORD_COMM;
	ev->comm.pid = (u32)pid;
	ev->comm.tid = (u32)tid;
	return emit(ev, sizeof(ev->comm), comm, id_hdr_size, cb, ctx);
}

static int emit_mmap(u32 pid, u16 misc, u64 start, u64 len, u64 pgoff, const char *name,
		     size_t id_hdr_size, synth_cb cb, void *ctx)
{
	u64 buf[MAX_RECORD / 8];
	union perf_event *ev = (union perf_event *)buf;

	memset(ev, 0, sizeof(ev->mmap));
	ev->header.type = PERF_RECORD_MMAP;
	ev->header.misc = misc;
	ev->mmap.pid = pid;
	ev->mmap.tid = pid == (u32)-1 ? 0 : pid;
	ev->mmap.start = start;
	ev->mmap.len = len;
	ev->mmap.pgoff = pgoff;
	return emit(ev, sizeof(ev->mmap), name, id_hdr_size, cb, ctx);
}

/* MMAP2 for each executable (and with SYNTH_DATA_MAPS readable) mapping. */
static int synthesize_maps(pid_t pid, unsigned int flags, size_t id_hdr_size, synth_cb cb,
			   void *ctx)
{
	u64 buf[MAX_RECORD / 8];
	union perf_event *ev = (union perf_event *)buf;
	char path[64], line[4096 + 128];
	FILE *fp;
	int ret = 0;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	fp = fopen(path, "re");
	if (!fp)
		return 0;
	while (fgets(line, sizeof(line), fp)) {
		unsigned long long start, end, pgoff, ino;
		unsigned int maj, min;
		char prot[5], *name;
		int n = 0;

		if (sscanf(line, "%llx-%llx %4s %llx %x:%x %llu %n", &start, &end, prot,
			   &pgoff, &maj, &min, &ino, &n) < 7 || !n)
			continue;
		if (prot[2] != 'x' && (!(flags & SYNTH_DATA_MAPS) || prot[0] != 'r'))
			continue;
		name = line + n;
		name[strcspn(name, "\n")] = '\0';
		if (!strcmp(name, "[vsyscall]"))
			continue;	/* a kernel address, not the process's */
		if (!*name)
			name = (char *)"//anon";
		memset(ev, 0, sizeof(ev->mmap2));
		ev->header.type = PERF_RECORD_MMAP2;
		ev->header.misc = PERF_RECORD_MISC_USER |
				  (prot[2] != 'x' ? PERF_RECORD_MISC_MMAP_DATA : 0);
		ev->mmap2.pid = ev->mmap2.tid = (u32)pid;
		ev->mmap2.start = start;
		ev->mmap2.len = end - start;
		ev->mmap2.pgoff = pgoff;
		ev->mmap2.maj = maj;
		ev->mmap2.min = min;
		ev->mmap2.ino = ino;
		ev->mmap2.prot = (prot[0] == 'r' ? PROT_READ : 0) |
				 (prot[1] == 'w' ? PROT_WRITE : 0) |
				 (prot[2] == 'x' ? PROT_EXEC : 0);
		ev->mmap2.flags = prot[3] == 's' ? MAP_SHARED : MAP_PRIVATE;
		ret = emit(ev, sizeof(ev->mmap2), name, id_hdr_size, cb, ctx);
		if (ret)
			break;
	}
	fclose(fp);
	return ret;
}

static bool read_comm(const char *path, char *comm, size_t size)
{
	FILE *fp = fopen(path, "re");
	bool ok;

	if (!fp)
		return false;
	ok = fgets(comm, (int)size, fp) != NULL;
	fclose(fp);
	if (ok)
		comm[strcspn(comm, "\n")] = '\0';
	return ok;
}

int synthesize__process(pid_t pid, unsigned int flags, size_t id_hdr_size, synth_cb cb,
			void *ctx)
{
	char path[96], comm[64];
	struct dirent *de;
	DIR *dir;
	int ret = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	dir = opendir(path);
	if (!dir)
		return 0;
	/* The leader first, so its maps exist when its threads appear. */
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	if (read_comm(path, comm, sizeof(comm)))
		ret = emit_comm(pid, pid, comm, id_hdr_size, cb, ctx);
	if (!ret && (flags & SYNTH_MAPS))
		ret = synthesize_maps(pid, flags, id_hdr_size, cb, ctx);
	while (!ret && (de = readdir(dir))) {
		pid_t tid;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		tid = atoi(de->d_name);
		if (tid == pid)
			continue;
		/* QEMU's vCPU threads are named here: "CPU 0/KVM". */
		snprintf(path, sizeof(path), "/proc/%d/task/%d/comm", (int)pid, (int)tid);
		if (read_comm(path, comm, sizeof(comm)))
			ret = emit_comm(pid, tid, comm, id_hdr_size, cb, ctx);
	}
	closedir(dir);
	return ret;
}

int synthesize__all_processes(unsigned int flags, size_t id_hdr_size, synth_cb cb,
			      void *ctx)
{
	struct dirent *de;
	DIR *dir = opendir("/proc");
	int ret = 0;

	if (!dir)
		return -errno;
	while (!ret && (de = readdir(dir))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		ret = synthesize__process(atoi(de->d_name), flags, id_hdr_size, cb, ctx);
	}
	closedir(dir);
	return ret;
}

/* One MMAP per line of a /proc/modules text: "name size refs deps state addr". */
static int synthesize_modules(const char *buf, u32 pid, u16 misc, size_t id_hdr_size,
			      synth_cb cb, void *ctx)
{
	const char *p = buf;
	int ret = 0;

	while (!ret && *p) {
		const char *nl = strchr(p, '\n');
		unsigned long long size, addr;
		char name[64], bracketed[80], line[512];
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if (n < sizeof(line)) {
			memcpy(line, p, n);
			line[n] = '\0';
			if (sscanf(line, "%63s %llu %*s %*s %*s %llx", name, &size, &addr) == 3 &&
			    addr) {
				snprintf(bracketed, sizeof(bracketed), "[%s]", name);
				ret = emit_mmap(pid, misc, addr, size, 0, bracketed,
						id_hdr_size, cb, ctx);
			}
		}
		p += n + (nl ? 1 : 0);
	}
	return ret;
}

int synthesize__kernel(size_t id_hdr_size, synth_cb cb, void *ctx, struct err *err)
{
	char *buf;
	size_t len;
	u64 text;
	int ret;

	ret = kallsyms__text_of("/proc/kallsyms", &text, err);
	if (ret)
		return ret;
	/* The map runs to the end of the address space; pgoff is the reloc reference. */
	ret = emit_mmap((u32)-1, PERF_RECORD_MISC_KERNEL, text, ~0ull - text, text,
			"[kernel.kallsyms]_text", id_hdr_size, cb, ctx);
	if (ret)
		return ret;
	if (!read_file_maybe_gz("/proc/modules", MODULES_MAX_BYTES, &buf, &len)) {
		ret = synthesize_modules(buf, (u32)-1, PERF_RECORD_MISC_KERNEL,
					 id_hdr_size, cb, ctx);
		free(buf);
	}
	return ret;
}

int synthesize__guest_kernel(const char *kallsyms, const char *modules, pid_t machine_pid,
			     size_t id_hdr_size, synth_cb cb, void *ctx, struct err *err)
{
	char *buf, name[80];
	size_t len;
	u64 text;
	int ret;

	/* perf kvm report resolves guest modules only when they come first. */
	if (modules) {
		ret = read_file_maybe_gz(modules, MODULES_MAX_BYTES, &buf, &len);
		if (ret) {
			return err__set(err, ret, "cannot read '%s': %s", modules,
					file__strerror(ret));
		}
		ret = synthesize_modules(buf, (u32)machine_pid, PERF_RECORD_MISC_GUEST_KERNEL,
					 id_hdr_size, cb, ctx);
		free(buf);
		if (ret)
			return ret;
	}
	if (!kallsyms)
		return 0;
	ret = kallsyms__text_of(kallsyms, &text, err);
	if (ret)
		return ret;
	if (machine_pid)
		snprintf(name, sizeof(name), "[guest.kernel.kallsyms.%d]_text", (int)machine_pid);
	else
		snprintf(name, sizeof(name), "[guest.kernel.kallsyms]_text");
	return emit_mmap((u32)machine_pid, PERF_RECORD_MISC_GUEST_KERNEL, text, ~0ull - text,
			 text, name, id_hdr_size, cb, ctx);
}

/* -t: a thread's process, for its maps and its siblings' names. */
static pid_t tgid_of(pid_t tid)
{
	char path[64], *buf, *p;
	size_t len;
	pid_t tgid = tid;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	if (!read_file_maybe_gz(path, 1 << 16, &buf, &len)) {
		p = strstr(buf, "\nTgid:");
		if (p)
			tgid = atoi(p + 6);
		free(buf);
	}
	return tgid;
}

static int synthesize_targets(const struct synth_target *t, size_t id_hdr_size, synth_cb cb,
			      void *ctx)
{
	pid_t *done = xcalloc((size_t)t->nr_targets, sizeof(*done));
	int nr_done = 0, err = 0;

	for (int i = 0; i < t->nr_targets && !err; i++) {
		pid_t tgid = t->target_tids ? tgid_of(t->targets[i]) : t->targets[i];
		bool seen = false;

		for (int d = 0; d < nr_done; d++)
			seen |= done[d] == tgid;
		if (seen)
			continue;
		done[nr_done++] = tgid;
		err = synthesize__process(tgid, t->flags, id_hdr_size, cb, ctx);
		/* One that exited since the open has nothing to say. */
		if (err == -ESRCH || err == -ENOENT)
			err = 0;
	}
	free(done);
	return err;
}

/* The callback with its first error kept: a failure is the files' or its own. */
struct synth_guard {
	synth_cb cb;
	void *ctx;
	int err;
};

static int synth_guard__cb(void *ctx, union perf_event *event)
{
	struct synth_guard *g = ctx;
	int ret = g->cb(g->ctx, event);

	if (ret && !g->err)
		g->err = ret;
	return ret;
}

int synthesize__state(const struct synth_target *t, size_t id_hdr_size, synth_cb cb, void *ctx,
		      struct err *warn, struct err *err)
{
	struct synth_guard guard = { cb, ctx, 0 };
	struct err msg;
	size_t i;
	int ret = 0;

	err__init(warn);
	err__init(err);
	if (t->kernels) {
		ret = synthesize__kernel(id_hdr_size, synth_guard__cb, &guard, &msg);
		if (ret && !guard.err) {	/* kallsyms, not the callback */
			err__set(warn, ret, "%s: host kernel samples will not resolve", msg.msg);
			ret = 0;
		}
		for (i = 0; !ret && i < t->nr_guests; i++) {
			const struct guest_machine *g = &t->guests[i];

			ret = synthesize__guest_kernel(g->kallsyms, g->modules, g->pid, id_hdr_size,
						       synth_guard__cb, &guard, &msg);
			if (ret && !guard.err)
				err__set(err, ret, "guest %d: %s", (int)g->pid, msg.msg);
		}
		if (ret)
			return ret;
	}
	if (t->workload > 0)
		return synthesize__process(t->workload, 0, id_hdr_size, cb, ctx);
	if (t->nr_targets)
		return synthesize_targets(t, id_hdr_size, cb, ctx);
	return synthesize__all_processes(t->flags, id_hdr_size, cb, ctx);
}
