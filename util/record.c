// SPDX-License-Identifier: GPL-2.0
/*
 * A recording: the event source written into a data file as it is read.
 */
#include "util/record.h"

#include <errno.h>
#include <inttypes.h>
#include <linux/perf_event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "symbols/kallsyms.h"
#include "util/buf.h"
#include "util/buildid.h"
#include "util/compress.h"
#include "util/data.h"
#include "util/event.h"
#include "util/evlist.h"
#include "util/features.h"
#include "util/guest.h"
#include "util/header.h"
#include "util/guestmem.h"
#include "util/synthesize.h"
#include "util/tracing-data.h"

#define POLL_MS			100
#define SYNC_NS			1000000000ull	/* rewrite the header this often */
#define MAX_PID			(1u << 22)	/* pid_max's ceiling */
#define PERF_COMP_ZSTD		1	/* HEADER_COMPRESSED's type */

static int record__tracing_data(struct record *rec, struct buf *fb)
{
	int i, err;

	for (i = 0; i < rec->evlist->nr_evsels; i++)
		if (rec->evlist->evsels[i].attr.type == PERF_TYPE_TRACEPOINT)
			break;
	if (i == rec->evlist->nr_evsels)
		return 0;
	err = tracing_data__build(rec->evlist, fb);
	if (err)
		return err__set(&rec->err, err, "cannot read the tracepoint formats under %s: %s",
				tracefs__dir() ? tracefs__dir() : "tracefs", strerror(-err));
	perf_writer__set_feature(rec->writer, HEADER_TRACING_DATA, fb->data, fb->len);
	return 0;
}


/* ---- writing ---- */

static int write_event(struct record *rec, const union perf_event *ev)
{
	int err = perf_writer__write(rec->writer, ev, ev->header.size);

	if (err && !rec->write_err)
		rec->write_err = err;
	return err;
}

static bool pid_bit(const u8 *map, u32 pid)
{
	return pid < MAX_PID && (map[pid / 8] & (1u << (pid % 8)));
}

static void pid_set(u8 *map, u32 pid, bool on)
{
	if (pid >= MAX_PID)
		return;
	if (on)
		map[pid / 8] |= 1u << (pid % 8);
	else
		map[pid / 8] &= ~(1u << (pid % 8));
}

static void remember_mmap(struct record *rec, u32 pid, const char *filename)
{
	size_t known = rec->files.nr;
	u32 file;

	if (filename[0] != '/')
		return;
	file = str_set__add(&rec->files, filename);
	if (rec->files.nr > known) {	/* a new file: not needed yet */
		ALLOC_GROW(rec->needed, rec->files.nr, rec->alloc_needed);
		rec->needed[file] = 0;
	}
	pid_set(rec->exited_pids, pid, false);	/* a pid in use again */
	if (pid >= MAX_PID || pid_bit(rec->sampled_pids, pid)) {
		rec->needed[file] = 1;
		return;
	}
	/* Consecutive maps of one file: keep one. */
	if (rec->nr_pend && rec->pend[rec->nr_pend - 1].pid == pid &&
	    rec->pend[rec->nr_pend - 1].file == file)
		return;
	ALLOC_GROW(rec->pend, rec->nr_pend + 1, rec->alloc_pend);
	rec->pend[rec->nr_pend].pid = pid;
	rec->pend[rec->nr_pend++].file = file;
}

/*
 * Settles the waiting maps: those of processes sampled since mark their
 * files, those of processes that exited unsampled go. Run between passes
 * over the buffers: by then every sample taken before an exit was read.
 */
static void record__compact_pend(struct record *rec)
{
	size_t i, n = 0;

	for (i = 0; i < rec->nr_pend; i++) {
		struct pend p = rec->pend[i];

		if (pid_bit(rec->sampled_pids, p.pid))
			rec->needed[p.file] = 1;
		else if (!pid_bit(rec->exited_pids, p.pid))
			rec->pend[n++] = p;
	}
	rec->nr_pend = n;
	rec->compact_at = 2 * n > 4096 ? 2 * n : 4096;
}

static int record__synth_cb(void *ctx, union perf_event *ev)
{
	struct record *rec = ctx;

	if (ev->header.type == PERF_RECORD_MMAP2 && (ev->mmap2.prot & 4 /* PROT_EXEC */))
		remember_mmap(rec, ev->mmap2.pid, ev->mmap2.filename);
	return write_event(rec, ev);
}

/*
 * Samples of the cpumodes a software event's exclude_guest/exclude_host
 * exclude. Hardware events are filtered by the PMU; a tracepoint fires in
 * the host's context whatever it traces (kvm:kvm_exit), so it keeps all.
 */
static u32 drop_mask(const struct perf_event_attr *attr)
{
	u32 m = 0;

	if (attr->type != PERF_TYPE_SOFTWARE)
		return 0;

	if (attr->exclude_guest)
		m |= 1u << PERF_RECORD_MISC_GUEST_KERNEL | 1u << PERF_RECORD_MISC_GUEST_USER;
	if (attr->exclude_host)
		m |= 1u << PERF_RECORD_MISC_KERNEL | 1u << PERF_RECORD_MISC_USER |
		     1u << PERF_RECORD_MISC_HYPERVISOR;
	return m;
}

/*
 * Software events (cpu-clock, the fallback) ignore exclude_host and
 * exclude_guest: what they would have excluded is left out here. One mask
 * for all events is the usual case; modifiers (:G, :H) may differ by event.
 */
static void record__set_drop_masks(struct record *rec)
{
	int i;

	rec->drop_mode = drop_mask(&rec->evlist->evsels[0].attr);
	rec->drop_by_event = false;
	for (i = 1; i < rec->evlist->nr_evsels; i++)
		if (drop_mask(&rec->evlist->evsels[i].attr) != rec->drop_mode)
			rec->drop_by_event = true;
}

static bool record__drop_sample(struct record *rec, u64 id, u16 misc)
{
	u32 bit = 1u << (misc & PERF_RECORD_MISC_CPUMODE_MASK);

	if (rec->drop_by_event) {
		struct evsel *e = evlist__find_evsel(rec->evlist, id);

		return e && (drop_mask(&e->attr) & bit);
	}
	return rec->drop_mode & bit;
}

/*
 * The kernel copies sample_stack_user bytes of user stack into every DWARF
 * sample whatever the stack's depth; only dyn_size of them are the stack
 * (perf's unwinders read no more). Writing the sample with its stack copy
 * cut to dyn_size (the size field says so, as the format allows) is one
 * copy of a few hundred bytes instead of writing 8 KB: most of record's
 * cost with --call-graph dwarf was the kernel copying those bytes into the
 * page cache. Returns the record to write (@ev itself when there is
 * nothing to cut).
 */
static const union perf_event *record__trim_stack(struct record *rec, const union perf_event *ev)
{
	const u64 *w = (const u64 *)ev + 1;
	size_t nw = (ev->header.size - sizeof(ev->header)) / 8, i;
	u64 nr, size, dyn, keep;

	/* IDENTIFIER IP TID TIME CPU PERIOD, CALLCHAIN, REGS_USER, STACK_USER. */
	if (nw < 7)
		return ev;
	nr = w[6];
	if (nr > nw - 7)
		return ev;
	i = 7 + (size_t)nr;
	if (i >= nw)
		return ev;
	if (w[i++])	/* abi: the registers follow */
		i += (size_t)__builtin_popcountll(X86_64_REGS_MASK);
	if (i >= nw)
		return ev;
	size = w[i];
	if (!size || size % 8 || size / 8 + 2 + i != nw)
		return ev;	/* no stack, or not laid out as ours: as it is */
	dyn = w[i + 1 + size / 8];
	keep = PERF_ALIGN(dyn < size ? dyn : size, 8);
	if (keep == size)
		return ev;
	/* Header and fields up to the size word, the kept bytes, dyn_size. */
	memcpy(rec->trimbuf, ev, sizeof(ev->header) + (i + 1) * 8 + keep);
	{
		union perf_event *out = (union perf_event *)rec->trimbuf;
		u64 *ow = (u64 *)out + 1;
		size_t n = i + 1 + (size_t)keep / 8;

		ow[i] = keep;
		if (keep)
			ow[n++] = dyn;
		out->header.size = (u16)(sizeof(out->header) + n * 8);
		rec->trimmed += size - keep;
		return out;
	}
}

static int read_cb(void *ctx, union perf_event *ev, int mmap_idx)
{
	struct record *rec = ctx;

	switch (ev->header.type) {
	case PERF_RECORD_SAMPLE: {
		/* IDENTIFIER, IP, TID, TIME lead every sample of ours. */
		const u64 *body = (const u64 *)ev + 1;
		u32 pid;
		u64 time;

		if (ev->header.size < 40)
			break;
		/*
		 * Software events (cpu-clock, the fallback) ignore exclude_host
		 * and exclude_guest: what they would have excluded is left out here.
		 */
		if (record__drop_sample(rec, body[0], ev->header.misc)) {
			rec->dropped++;
			return 0;
		}
		pid = (u32)body[2];
		time = body[3];
		rec->samples++;
		rec->seg_samples++;
		if ((ev->header.misc & PERF_RECORD_MISC_CPUMODE_MASK) == PERF_RECORD_MISC_KERNEL)
			rec->kernel_sampled = true;
		if (!rec->first_time || time < rec->first_time)
			rec->first_time = time;
		if (time > rec->last_time)
			rec->last_time = time;
		if (pid < MAX_PID)
			pid_set(rec->sampled_pids, pid, true);
		if (rec->trimbuf)
			return write_event(rec, record__trim_stack(rec, ev));
		break;
	}
	case PERF_RECORD_LOST:
		rec->lost += ev->lost.lost;
		break;
	case PERF_RECORD_LOST_SAMPLES:
		rec->lost += ev->lost_samples.lost;
		break;
	case PERF_RECORD_MMAP2:
		if (ev->mmap2.prot & 4 /* PROT_EXEC */)
			remember_mmap(rec, ev->mmap2.pid, ev->mmap2.filename);
		break;
	case PERF_RECORD_EXIT:
		if (ev->header.size >= sizeof(struct fork_event) && ev->fork.pid == ev->fork.tid)
			pid_set(rec->exited_pids, ev->fork.pid, true);
		break;
	default:
		break;
	}
	return write_event(rec, ev);
}

static int write_round(struct record *rec)
{
	struct perf_event_header h = { .type = PERF_RECORD_FINISHED_ROUND, .size = sizeof(h) };

	return write_event(rec, (const union perf_event *)&h);
}

/* One pass over all buffers, then FINISHED_ROUND if anything came. */
static long record__mmap_read_all(struct record *rec)
{
	long n = evlist__read(rec->evlist, read_cb, rec);

	if (n > 0)
		write_round(rec);
	if (rec->nr_pend >= rec->compact_at)
		record__compact_pend(rec);
	return n;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* BUILD_ID: every ELF file mapped executable by a process that got samples. */
static void record__set_build_ids(struct record *rec)
{
	struct buf fb = { 0 };
	char **names = xcalloc(rec->files.nr + 1, sizeof(char *));
	size_t i, n = 0;

	record__compact_pend(rec);
	for (i = 0; i < rec->files.nr; i++)
		if (rec->needed[i])
			names[n++] = rec->files.strs[i];
	qsort(names, n, sizeof(char *), cmp_str);
	for (i = 0; i < n; i++) {
		u8 bid[BUILD_ID_MAX];
		int size;

		size = filename__read_build_id(names[i], bid, sizeof(bid));
		if (size > 0)
			build_id__add(&fb, -1, PERF_RECORD_MISC_USER, bid, (u8)size, names[i]);
	}
	if (rec->kernel_sampled) {
		u8 bid[BUILD_ID_MAX];
		int size = sysfs__read_build_id("/sys/kernel/notes", bid, sizeof(bid));

		if (size > 0)
			build_id__add(&fb, -1, PERF_RECORD_MISC_KERNEL, bid, (u8)size,
				      "[kernel.kallsyms]");
	}
	if (fb.len)
		perf_writer__set_feature(rec->writer, HEADER_BUILD_ID, fb.data, fb.len);
	buf__free(&fb);
	free(names);
}

/*
 * HEADER_COMPRESSED as perf 6.1 writes it: u32 version 1, type (zstd),
 * level, ratio (bytes in per byte out, rounded down) and mmap_len, which
 * readers use as the size of one COMPRESSED record's output: the ring
 * buffer's size, and never less than the writer's chunks need.
 */
static void record__set_compressed(struct record *rec)
{
	u64 in = 0, out = 0;
	struct header_info hi = { .has_comp = true };
	struct feat_src src = { .info = &hi };
	u64 mmap_len = ((u64)rec->opts.mmap_pages + 1) * (u64)sysconf(_SC_PAGESIZE);

	perf_writer__compressed_totals(rec->writer, &in, &out);
	if (mmap_len < 4 * COMPRESS_CHUNK)
		mmap_len = 4 * COMPRESS_CHUNK;
	hi.comp_version = 1;
	hi.comp_type = PERF_COMP_ZSTD;
	hi.comp_level = (u32)rec->opts.comp_level;
	hi.comp_ratio = out ? (u32)(in / out) : 0;
	hi.comp_mmap_len = (u32)min_t(u64, mmap_len, UINT32_MAX);
	header__set_feature(rec->writer, HEADER_COMPRESSED, &src);
}

/*
 * After a write error the file holds fewer records than were read: count
 * what it really keeps, with the reader, so the summary tells the truth.
 */
static void recount_from_file(const char *path, u64 *samples, u64 *lost)
{
	union perf_event *ev;
	struct perf_data *data;
	u64 off, s = 0, l = 0;
	int err;

	data = perf_data__open(path, NULL);
	if (!data)
		return;
	while ((err = perf_data__next(data, &ev, &off)) > 0) {
		if (ev->header.type == PERF_RECORD_SAMPLE)
			s++;
		else if (ev->header.type == PERF_RECORD_LOST)
			l += ev->lost.lost;
		else if (ev->header.type == PERF_RECORD_LOST_SAMPLES)
			l += ev->lost_samples.lost;
	}
	if (!err) {
		*samples = s;
		*lost = l;
	}
	perf_data__delete(data);
}


static bool targets_alive(const struct record_opts *o)
{
	for (int i = 0; i < o->nr_targets; i++)
		if (!kill(o->targets[i], 0) || errno != ESRCH)
			return true;
	return false;
}

/*
 * Reads the buffers until told to stop: a signal, --duration, the command's
 * or the target's exit, or a write error. Polls only after a pass that
 * found nothing, so a busy buffer is drained at once.
 */
static int record__switch_output(struct record *rec, bool at_exit);

static void record__loop(struct record *rec, int *status)
{
	const struct record_opts *o = &rec->opts;
	u64 start_ns, last_sync, last_switch;

	start_ns = last_sync = last_switch = now_ns();
	for (;;) {
		long n = record__mmap_read_all(rec);
		u64 now = now_ns();

		if (n < 0 && !rec->write_err)
			pr_err("a ring buffer holds a record of bad size: stopping");
		if (n < 0 || rec->write_err || rec->sig->done)
			break;
		if (rec->has_workload && rec->sig->child_done &&
		    workload__exited(&rec->workload, status))
			break;
		/*
		 * With -p the buffers hang up when the thread that owns them
		 * exits, while others may run on: only the process's end counts.
		 */
		if ((!rec->has_workload || rec->workload_timer) && !o->system_wide &&
		    ((o->tid && evlist__all_hup(rec->evlist)) || !targets_alive(o)))
			break;
		if (o->duration > 0 && now - start_ns >= (u64)(o->duration * 1e9))
			break;
		if (rec->sig->switch_pending ||
		    (o->switch_size && perf_writer__data_size(rec->writer) >= o->switch_size) ||
		    (o->switch_ns && now - last_switch >= o->switch_ns)) {
			rec->sig->switch_pending = 0;
			if (record__switch_output(rec, false))
				break;
			last_switch = last_sync = now_ns();
			continue;
		}
		/* The header on disk follows the data: a killed record leaves a readable file. */
		if (now - last_sync >= SYNC_NS) {
			if (perf_writer__sync(rec->writer) && !rec->write_err)
				rec->write_err = perf_writer__error(rec->writer);
			last_sync = now;
		}
		if (n == 0)
			evlist__poll(rec->evlist, POLL_MS);
	}
	evlist__disable(rec->evlist);
	if (!rec->write_err)
		record__mmap_read_all(rec);
}


/* perf keeps one previous file as FILE.old. */
static void rotate_old(const char *path)
{
	struct stat st;

	if (!stat(path, &st) && S_ISREG(st.st_mode) && st.st_size) {
		char *old = xasprintf("%s.old", path);

		if (rename(path, old))
			pr_warning("cannot rename '%s' to '%s': %s", path, old, strerror(errno));
		free(old);
	}
}

/* What was there before the start: kernel, modules, guests' kernels, processes. */
static int synthesize_all(struct record *rec)
{
	/* TID, TIME, CPU, IDENTIFIER: the sample_id_all trailer of our events. */
	const size_t id_hdr = 4 * sizeof(u64);
	const struct record_opts *o = &rec->opts;
	struct synth_target t = {
		.kernels = true, .guests = rec->guests, .nr_guests = rec->nr_guests,
		.workload = rec->has_workload && !rec->workload_timer ? rec->workload.pid : 0,
		.targets = o->targets, .nr_targets = (o->pid || o->tid) ? o->nr_targets : 0,
		.target_tids = o->tid != 0,
		/* DWARF unwinding reads .eh_frame_hdr, which sits in a non-exec map. */
		.flags = SYNTH_MAPS | (o->callgraph == CALLGRAPH_DWARF ? SYNTH_DATA_MAPS : 0),
	};
	struct err warn, msg;
	int err;

	err = synthesize__state(&t, id_hdr, record__synth_cb, rec, &warn, &msg);
	if (warn.code && !o->quiet)
		pr_warning("%s", warn.msg);
	if (err && msg.code && !rec->write_err)	/* a guest's files, not the output */
		pr_err("%s", msg.msg);
	if (!err && rec->write_err)
		err = rec->write_err;
	return err;
}

/*
 * Creates o->output and sets it up: events, features, compression (then
 * record__start_output). Returns 0, or a negative errno with rec->err
 * saying why it cannot be created or set up.
 */
static int record__new_output(struct record *rec)
{
	const struct record_opts *o = &rec->opts;
	int i, err;

	rec->writer = perf_writer__new(o->output, &rec->err);
	if (!rec->writer)
		return rec->err.code < 0 ? rec->err.code : -EIO;
	perf_writer__set_stop(rec->writer, &rec->sig->done);
	if (perf_writer__is_pipe(rec->writer) && (o->switch_signal || o->switch_size ||
						  o->switch_ns))
		return err__set(&rec->err, -EINVAL, "--switch-output writes files: '%s' is a "
				"stream", o->output);
	if (perf_writer__is_pipe(rec->writer) && rec->guest_fb.len && !o->quiet)
		pr_warning("'%s' is a stream (pipe mode): the guest symbol files are not "
			   "stored in it (perf refuses pmukvm's feature there)", o->output);
	for (i = 0; i < rec->evlist->nr_evsels; i++) {
		struct evsel *e = &rec->evlist->evsels[i];

		perf_writer__add_evsel(rec->writer, &e->attr, e->name, e->ids, e->nr_ids);
	}
	if (o->comp_level) {
		err = perf_writer__set_compression(rec->writer, o->comp_level);
		if (err)
			return err__set(&rec->err, err, "zstd cannot compress at level %d",
					o->comp_level);
		record__set_compressed(rec);
	}
	features__set_host(rec->writer, rec->version);
	features__set_event_desc(rec->writer, rec->evlist);
	if (rec->guest_fb.len)
		perf_writer__set_feature(rec->writer, HEADER_PMUKVM_GUEST_FILES,
					 rec->guest_fb.data, rec->guest_fb.len);
	if (!rec->tracing_done) {
		err = record__tracing_data(rec, &rec->tracing_fb);
		if (err)
			return err;
		rec->tracing_done = true;
	} else if (rec->tracing_fb.len) {
		perf_writer__set_feature(rec->writer, HEADER_TRACING_DATA, rec->tracing_fb.data,
					 rec->tracing_fb.len);
	}
	return 0;
}

/*
 * perf record's build-id cache, for the kernel: /proc/kallsyms kept as
 * HOME/.debug/[kernel.kallsyms]/BUILD-ID/kallsyms, where report looks
 * for a recording's kernel that is no longer the running one
 * (machines__host_kallsyms) and perf report too. Once per kernel: an
 * existing copy is left as it is (the kernel's own symbols do not
 * change). Written aside and renamed into place; a failure is said, not
 * fatal: the data file is whole already.
 */
static void record__cache_kallsyms(struct record *rec)
{
	u8 bid[BUILD_ID_MAX];
	char hex[2 * BUILD_ID_MAX + 1], *dir = NULL, *path = NULL, *tmp = NULL, *buf = NULL;
	size_t len = 0, done = 0;
	int size, fd = -1, err = 0;

	if (!rec->kernel_sampled || rec->opts.no_buildid_cache)
		return;
	size = sysfs__read_build_id("/sys/kernel/notes", bid, sizeof(bid));
	if (size <= 0)
		return;
	dir = build_id_cache__path("[kernel.kallsyms]/%s", build_id__hex(bid, (size_t)size, hex));
	path = xasprintf("%s/kallsyms", dir);
	if (!access(path, F_OK))
		goto out;
	err = read_file_maybe_gz("/proc/kallsyms", KALLSYMS_MAX_BYTES, &buf, &len);
	/* Addresses hidden (kptr_restrict): nothing worth keeping. */
	if (err || len < 16 || !strncmp(buf, "0000000000000000", 16))
		goto out;
	err = mkdir_p(dir);
	if (err)
		goto out;
	tmp = xasprintf("%s/.kallsyms.XXXXXX", dir);
	fd = mkstemp(tmp);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	while (done < len) {
		ssize_t n = write(fd, buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? -errno : -EIO;
			goto out;
		}
		done += (size_t)n;
	}
	if (fchmod(fd, 0644) || close(fd) || rename(tmp, path))
		err = -errno;
	fd = -1;
out:
	if (fd >= 0)
		close(fd);
	if (err && tmp)
		unlink(tmp);
	if (err && !rec->opts.quiet)
		pr_warning("cannot keep the kernel's kallsyms in perf's build-id cache (%s): %s",
			   path, strerror(-err));
	free(buf);
	free(tmp);
	free(path);
	free(dir);
}

/* The header goes out; returns 0 or the writer's error. */
static int record__start_output(struct record *rec)
{
	return perf_writer__start(rec->writer, rec->guest_fb.len + rec->tracing_fb.len);
}

/* Finishes the current file: the features that come at the end. */
static int record__finish_output(struct record *rec)
{
	int err;

	if (rec->seg_samples)
		features__set_sample_time(rec->writer, rec->first_time, rec->last_time);
	record__set_build_ids(rec);
	if (rec->opts.comp_level) {
		/* The ratio counts what is still buffered: compress it first. */
		perf_writer__sync(rec->writer);
		record__set_compressed(rec);
	}
	err = perf_writer__finish(rec->writer);
	record__cache_kallsyms(rec);
	return err;
}

/* perf's names for switched files: OUTPUT.YYYYmmddHHMMSScc (cc: 1/100 s). */
static char *timestamped_name(const char *output)
{
	struct timespec ts;
	struct tm tm;
	char date[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(date, sizeof(date), "%Y%m%d%H%M%S", &tm);
	return xasprintf("%s.%s%02u", output, date, (unsigned int)(ts.tv_nsec / 10000000));
}

/*
 * --switch-output: the file so far is finished and renamed OUTPUT.<time>;
 * unless at the end, a new OUTPUT starts with the state synthesized again,
 * so that each file reads on its own. Returns 0 or a negative errno (said).
 */
static int record__switch_output(struct record *rec, bool at_exit)
{
	const struct record_opts *o = &rec->opts;
	char *name = timestamped_name(o->output);
	int err;

	/* Drain what the buffers hold into this file; at the end it is finished. */
	if (!at_exit) {
		record__mmap_read_all(rec);
		err = record__finish_output(rec);
		if (err) {
			pr_err("cannot write '%s': %s", o->output, strerror(-err));
			goto fail;
		}
	}
	if (rename(o->output, name)) {
		err = -errno;
		pr_err("cannot rename '%s' to '%s': %s", o->output, name, strerror(errno));
		goto fail;
	}
	rec->nr_switches++;
	if (!o->quiet)
		pr_info("dumped '%s' (%" PRIu64 " samples)", name, rec->seg_samples);
	free(name);
	perf_writer__delete(rec->writer);
	rec->writer = NULL;
	rec->seg_samples = 0;
	rec->first_time = rec->last_time = 0;
	if (at_exit)
		return 0;
	name = NULL;
	err = record__new_output(rec);
	if (err) {
		pr_err("%s", err__str(&rec->err));
		goto fail;
	}
	err = record__start_output(rec);
	if (!err)
		err = synthesize_all(rec);
	if (err) {
		pr_err("cannot write '%s': %s", o->output, strerror(-err));
		goto fail;
	}
	return 0;
fail:
	free(name);
	rec->switch_failed = true;
	if (!rec->write_err)
		rec->write_err = err;
	return err;
}

unsigned long long record__cap_freq(const struct record_opts *o, bool freq_given)
{
	long max = evsource__max_sample_rate();

	if (max <= 0)
		return o->freq == OPT_FREQ_MAX ? OPT_MAX_FREQ : o->freq;
	if (o->freq <= (unsigned long long)max)
		return o->freq;
	if (o->freq == OPT_FREQ_MAX && !o->quiet)
		pr_info("-F max: sampling at %ld Hz, the kernel's perf_event_max_sample_rate", max);
	else if (freq_given && !o->quiet)
		pr_warning("-F %llu is above the kernel's perf_event_max_sample_rate %ld: "
			   "using %ld (raise /proc/sys/kernel/perf_event_max_sample_rate "
			   "for more)", o->freq, max, max);
	else if (!o->quiet)
		pr_info("sampling at %ld Hz, the kernel's perf_event_max_sample_rate", max);
	return (unsigned long long)max;
}
/* ---- the guests ---- */

/* Bad guest files stop us before anything is opened, rotated or written. */
static int check_guest_files(const struct guest_machine *g, struct err *e)
{
	struct kmodule *mods;
	size_t nr_mods;
	u64 text;
	int err;

	if (g->kallsyms) {
		err = kallsyms__text_of(g->kallsyms, &text, e);
		if (err) {
			err__prefix(e, "guest %d: ", (int)g->pid);
			return err < 0 ? err : -EINVAL;
		}
	}
	if (g->modules) {
		err = modules__load(g->modules, &mods, &nr_mods, e);
		if (err) {
			err__prefix(e, "guest %d: ", (int)g->pid);
			return err < 0 ? err : -EINVAL;
		}
		modules__free(mods, nr_mods);
	}
	return 0;
}

int record__guests(struct record *rec)
{
	struct guest_config *gc = &rec->opts.guest;
	int err;

	if (rec->opts.guest_memory) {
		/* guests read from memory, the --guestmount files where not */
		err = guest_memory__mount(gc->mount, rec->opts.pid, rec->gm_dir,
					  sizeof(rec->gm_dir));
		if (err < 0) {
			err__set(&rec->err, err, "cannot make a guest tree in '%s': %s",
				 rec->gm_dir, strerror(-err));
			rec->gm_dir[0] = '\0';
			return err;
		}
		gc->mount = rec->gm_dir;
	}
	err = guest_machines__find(gc, &rec->guests, &rec->nr_guests, &rec->err);
	if (err)
		return err < 0 ? err : -EINVAL;
	for (size_t g = 0; g < rec->nr_guests; g++) {
		err = check_guest_files(&rec->guests[g], &rec->err);
		if (err)
			return err < 0 ? err : -EINVAL;
	}
	err = guest_files__pack(rec->guests, rec->nr_guests, &rec->guest_fb);
	if (err)
		return err__set(&rec->err, err, "cannot store the guest symbol files: %s",
				strerror(-err));
	return 0;
}

/* ---- the run ---- */

static void record__signals(struct record *rec)
{
	struct sigaction sa = { 0 };

	sa.sa_handler = rec->sig_handler;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	if (rec->opts.switch_signal)
		sigaction(SIGUSR2, &sa, NULL);
	/* A command that died before its start must not take record with it. */
	signal(SIGPIPE, SIG_IGN);
}

/*
 * The events, the command (held), the target, the buffers. Returns 0, or
 * the exit status after a message.
 */
static int record__open(struct record *rec, char **argv)
{
	const struct record_opts *o = &rec->opts;
	bool timer = argv && (o->system_wide || o->pid || o->tid);
	struct evsource_opts so = {
		.events = o->events, .freq = o->freq, .period = o->period,
		.sample_host = o->guest.host, .sample_guest = o->guest.guest,
		.callgraph = o->callgraph, .stack_size = o->stack_size,
		.kvm_stat_dummy = rec->kvm_stat, .cpus = o->cpus,
		/* the pid comes after the events are built */
		.workload = argv && !timer ? 1 : 0,
		.targets = o->targets, .nr_targets = (o->pid || o->tid) ? o->nr_targets : 0,
		.target_pids = o->pid != 0, .system_wide = o->system_wide,
		.mmap_pages = o->mmap_pages, .inherit_stat = o->inherit_stat,
	};
	int err;

	rec->sampled_pids = xcalloc(MAX_PID / 8, 1);
	rec->exited_pids = xcalloc(MAX_PID / 8, 1);
	rec->compact_at = 4096;
	err = evsource__init(&rec->src, &so);
	rec->evlist = rec->src.evlist;
	if (err) {
		pr_err("%s", err__str(&rec->src.err));
		return err == -EINVAL ? 129 : 1;
	}
	if (rec->src.fellback[0] && !o->quiet)
		pr_warning("no hardware PMU here: %s fall%s back to cpu-clock", rec->src.fellback,
			   strchr(rec->src.fellback, ',') ? "" : "s");
	record__set_drop_masks(rec);
	if (o->callgraph == CALLGRAPH_DWARF)
		rec->trimbuf = xmalloc(65536);
	record__signals(rec);
	if (argv) {
		err = workload__prepare(&rec->workload, argv, !strcmp(o->output, "-"));
		if (err) {
			pr_err("cannot start '%s': %s", argv[0], strerror(-err));
			return 1;
		}
		rec->has_workload = true;
		rec->workload_timer = timer;
		if (!timer)
			so.workload = rec->workload.pid;
	}
	err = evsource__open(&rec->src, &so);
	if (err) {
		pr_err("%s", err__str(&rec->src.err));
		return err == -EINVAL || err == -ERANGE ? 129 : 1;
	}
	if (rec->src.user_only && !o->quiet)
		pr_warning("perf_event_paranoid is %ld: user space only (kernel samples "
			   "need root or perf_event_paranoid <= 1)", rec->src.paranoid);
	pr_debug("%d event(s) on %d cpu slot(s) x %d thread(s), %d ring buffer(s) of %u pages",
		 rec->evlist->nr_evsels, rec->evlist->nr_cpus, rec->evlist->nr_threads,
		 rec->evlist->nr_mmaps, o->mmap_pages);
	return 0;
}

/* After the loop, or a failure with a file open: the summary. */
static int record__summary(struct record *rec, bool reported, bool failed)
{
	const struct record_opts *o = &rec->opts;
	int err, ret = 1;

	err = record__finish_output(rec);
	if (err && !reported)
		pr_err("cannot write '%s': %s", o->output, strerror(-err));
	else if (!err && !failed)
		ret = 0;
	if (reported && !perf_writer__is_pipe(rec->writer))
		recount_from_file(o->output, &rec->samples, &rec->lost);
	if (!o->quiet || ret)
		fprintf(stderr, "pmukvm: wrote %" PRIu64 " bytes to '%s' (%" PRIu64
			" samples, %" PRIu64 " lost)\n", perf_writer__file_size(rec->writer),
			o->output, rec->samples, rec->lost);
	/* As perf: with --switch-output, the last file gets its timestamp too. */
	if (!err && (o->switch_signal || o->switch_size || o->switch_ns) &&
	    record__switch_output(rec, true))
		ret = 1;
	if (rec->dropped && !o->quiet)
		pr_info("left out %" PRIu64 " samples of a mode the event excludes (--host, "
			"--guest, :G, :H) that a software event cannot exclude itself",
			rec->dropped);
	return ret;
}

static void record__say_write_error(struct record *rec)
{
	int werr = rec->write_err ? rec->write_err : perf_writer__error(rec->writer);

	if (perf_writer__is_pipe(rec->writer))
		pr_err("cannot write '%s': %s; stopping (a stream: its reader has what "
		       "went out)", rec->opts.output, strerror(-werr));
	else
		pr_err("cannot write '%s': %s; stopping, the file keeps the records up "
		       "to the last complete one", rec->opts.output, strerror(-werr));
}

int record__run(struct record *rec, char **argv)
{
	const struct record_opts *o = &rec->opts;
	bool reported;
	int err, status = 0;

	err = record__open(rec, argv);
	if (err)
		return err;
	if (!o->switch_signal && !o->switch_size && !o->switch_ns)
		rotate_old(o->output);
	err = record__new_output(rec);
	if (err) {
		pr_err("%s", err__str(&rec->err));
		return 1;
	}
	err = record__start_output(rec);
	if (!err)
		err = synthesize_all(rec);
	if (err) {
		reported = rec->write_err || perf_writer__error(rec->writer);
		if (reported)
			record__say_write_error(rec);
		return record__summary(rec, reported, !reported);
	}
	if (!rec->has_workload || rec->workload_timer)
		evlist__enable(rec->evlist);
	if (rec->has_workload) {
		/* Let the command exec; enable_on_exec starts the events of one that is the target. */
		err = rec->sig->done ? -EINTR : workload__start(&rec->workload);
		if (err) {
			pr_err("cannot run '%s': %s", argv[0], strerror(-err));
			return record__summary(rec, false, true);
		}
	}
	record__loop(rec, &status);
	if (rec->switch_failed || !rec->writer)
		return 1;	/* a failed --switch-output said why */
	reported = rec->write_err || perf_writer__error(rec->writer);
	if (reported)
		record__say_write_error(rec);
	return record__summary(rec, reported, false);
}

void record__exit(struct record *rec)
{
	int status;

	workload__exit(&rec->workload, &status);
	perf_writer__delete(rec->writer);
	evsource__exit(&rec->src);
	guest_machines__free(rec->guests, rec->nr_guests);
	if (rec->gm_dir[0])
		guest_memory__unmount(rec->gm_dir);
	buf__free(&rec->guest_fb);
	buf__free(&rec->tracing_fb);
	str_set__exit(&rec->files);
	free(rec->needed);
	free(rec->pend);
	free(rec->trimbuf);
	free(rec->sampled_pids);
	free(rec->exited_pids);
}
