/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_MACHINE_H
#define PMUKVM_MACHINE_H

/*
 * The machine model: the host and each guest, what records change in
 * them, and samples resolved against them. A machine's parts have their
 * own files: util/maps.h (address spaces), util/dso.h (DSOs and their
 * bytes), util/thread.h (threads, comms), util/kernel.h (kernel symbol
 * files and kernel maps), util/guest.h (which guests there are, and the
 * guest files a data file carries).
 */
#include "util/callchain.h"
#include "util/dso.h"
#include "util/event.h"
#include "util/guest.h"
#include "util/maps.h"
#include "util/u64-index.h"
#include "util/thread.h"
#include "util/util.h"

struct symbol;
struct kallsyms;
struct kmodule;
struct kernel_job;
struct elf_image;
struct elf_file;
struct perf_data;
struct err;

enum machine_flags {
	MACHINE_GUEST = 1 << 0,
	MACHINE_NO_SYMBOLS = 1 << 1,	/* no kernel symbol files: a guest without any, or the
					   host whose --vmlinux is another kernel's */
};

/** struct machine - the host, or one guest. */
struct machine {
	s32 pid;		/* -1 host, 0 default guest, else the QEMU pid */
	unsigned flags;
	char *name;		/* "host", "guest 0", "guest 1234 (vmname)" */
	char *root;		/* --guestmount DIR/<pid>, or NULL */
	struct machines *machines;	/* the session's: warnings, recorded build-ids */
	struct maps kmaps;	/* kernel and modules */
	/* dsos by long_name (a file may name a million): number -> chain. */
	struct str_set dso_names;
	struct dso **dso_by_name;
	size_t dso_by_name_alloc;
	struct dso *kernel_dso;
	struct dso *guest_user_dso;
	/*
	 * User DSOs' symbols by the files they come from (util/dso.c): a file
	 * that a file names in many ways (a crafted one, or links) is read once.
	 */
	struct u64_index elf_files;
	struct elf_file *elf_by_file;
	size_t elf_by_file_alloc;
	struct kallsyms *ks;	/* loaded on first use */
	bool ks_tried;
	struct kernel_job *ks_job;	/* the host's kallsyms being read beside (kernel.c) */
	char *kallsyms_path, *modules_path, *vmlinux_path;
	struct elf_image *vmlinux;
	/* The host's vmlinux (-k/--vmlinux): its executable sections, its _text */
	struct elf_section *vsecs;
	size_t nr_vsecs;
	u64 vmlinux_text;
	struct kmodule *mods;	/* the modules file's */
	size_t nr_mods;
	struct kmodule *rec_mods;	/* guest module map records, for want of a file */
	size_t nr_rec_mods, alloc_rec_mods;
	struct str_set rec_mod_names;	/* number i: rec_mods[i] */
	u64 text_recorded;	/* _text per the kernel map record */
	bool has_text_recorded;
	s64 reloc;		/* recorded _text - symbol file _text */
	u64 kernel_map_start, kernel_map_end;
	/* Threads (host only). */
	struct thread **thash;
	size_t thash_size, nr_threads;
	struct thread *last_thread;
	/*
	 * Threads whose tid a FORK gave to a new thread: rows still name
	 * them (their pid, their last comm), so they are kept, without their
	 * maps, until the machine goes or machine__sweep_threads finds them
	 * unheld. Linked through hnext.
	 */
	struct thread *dead_threads;
	/* Guest attribution stats. */
	u64 nr_kernel_samples, nr_kernel_unresolved, nr_user_samples;
	char *load_error;	/* why symbols could not be loaded */
	int load_err;		/* its negative errno, 0 when they loaded */
	struct machine *next;
};

/** struct machines - the host and the guests of one session. */
struct machines {
	struct machine host;
	/*
	 * The guests, in pid order once machines__guests has sorted them
	 * (one a pid that a file's guest samples name: a file can name
	 * hundreds of thousands); found by pid through @guest_ids, the
	 * guest of number i at @guest_by_id[i].
	 */
	struct machine *guests;
	struct machine *guests_tail;
	bool guests_unsorted;
	struct u64_index guest_ids;
	struct machine **guest_by_id;
	size_t guest_by_id_alloc;
	struct str_set comms;		/* comm interning: equal names, one pointer */
	/* Where user-space symbols come from. */
	const char *kallsyms_path;	/* host: --kallsyms, else /proc/kallsyms */
	bool ignore_vmlinux;		/* --ignore-vmlinux: no vmlinux looked for */
	/*
	 * --symfs: the recording's files under this directory, and nothing
	 * else of this machine's (kernel, [vdso], build-id cache) unless named.
	 */
	char *symfs;
	/*
	 * Without --kallsyms, the host's kallsyms file for the recording's
	 * kernel (machines__host_kallsyms), or why there is none: chosen once.
	 */
	bool host_ks_chosen;
	char *host_ks_file, *host_ks_why;
	const struct perf_data *data;
	bool warned_guest_merge;
	/*
	 * The host's kallsyms is read on a thread of its own from the first
	 * kernel sample, and its samples and callchain frames come out held
	 * (addr_location.held, callchain_frame.held) until it is read: for
	 * callers that keep such samples and look them up later (report's
	 * plain path and its -g path without --children).
	 */
	bool kernel_beside;
	struct str_set warnings;	/* machines__warn_once's, in the order given */
	/*
	 * Directories of DSOs that are not there, looked at once each
	 * (dso__dir_missing): a recording from another machine can name
	 * thousands of files under a directory this one has not.
	 */
	struct str_set dirs_missing, dirs_present;
	/*
	 * Samples at the same ip of the same thread resolve alike while the
	 * model stays as it is: results are kept by (cpumode, pid, tid, ip)
	 * and hold while @gen, bumped by every record that changes the model,
	 * has not moved. Where samples rarely repeat an ip, the keeping costs
	 * more than it saves: it pauses for a while when few probes hit.
	 */
	struct resolve_slot *rcache;
	struct map_slot *mcache;	/* machines__resolve_map's, likewise */
	struct frame_slot *fcache;	/* callchain frames, likewise (no pause) */
	/* host threads by (pid, tid), likewise while @gen holds */
	struct {
		u32 pid, tid;
		u64 gen;	/* @gen + 1 when kept: 0 is empty */
		struct thread *thread;
	} tcache[64];
	u64 gen;
	/* The guest machines__find_guest gave for @last_guest_pid (NULL: none kept). */
	struct machine *last_guest;
	s32 last_guest_pid;
	u32 rc_probes, rc_hits;	/* this window's */
	u32 rc_skip;		/* samples left to resolve without it */
};

/** struct addr_location - a sample, resolved. */
struct addr_location {
	struct machine *machine;
	struct thread *thread;
	struct map *map;		/* NULL when no map covers the ip */
	struct dso *dso;		/* NULL likewise */
	const struct symbol *sym;	/* NULL when unresolved */
	u64 addr;			/* map-relative address (perf's al->addr) */
	char level;			/* 'k' '.' 'g' 'u' 'H' */
	u8 cpumode;
	/*
	 * A host kernel sample whose symbol is not looked up yet: the host's
	 * kallsyms is still being read (machines.kernel_beside). @sym is NULL
	 * and @addr the ip until machines__resolve_held.
	 */
	bool held;
	/* report's parent key: the first frame -p's pattern names (set by report) */
	const struct symbol *parent;
	/* report's time key: the sample's time, rounded (set by report) */
	u64 time;
};

/** addr_location__frame - the frame of a sample at @ip resolved as @al (its own, no caller's). */
static inline struct callchain_frame addr_location__frame(const struct addr_location *al, u64 ip)
{
	return (struct callchain_frame){ .dso = al->dso, .sym = al->sym,
					 .addr = al->sym ? 0 : al->addr, .ip = ip,
					 .level = al->level, .cpumode = al->cpumode };
}

void machines__init(struct machines *m, const struct perf_data *data);
void machines__exit(struct machines *m);

/**
 * machines__load_guest_symbols - loads every guest's symbol files now, so
 * that a bad file given on the command line is an error before any
 * sample is read; the host's kallsyms file (@m->kallsyms_path), read
 * later, is opened to check it is a readable regular file. Returns 0 or a
 * negative errno with @err naming the file.
 */
int machines__load_guest_symbols(struct machines *m, struct err *err);

/**
 * machines__process_event - updates the model from a non-sample record:
 * 0, -EINVAL for a record too short for its type, or -E2BIG for a map
 * whose process's copy of its parent's maps would pass maps__limit().
 */
int machines__process_event(struct machines *m, const union perf_event *ev);

/**
 * machines__resolve_held - looks up the symbol of @al, a sample resolved
 * while the host's kallsyms was being read (@al->held), once
 * machine__kernel_settle has finished that.
 */
void machines__resolve_held(struct addr_location *al);

/**
 * machines__resolve_held_frames - looks up the symbols of those of the @n
 * @frames that are held (host kernel frames resolved while the host's
 * kallsyms was being read), once machine__kernel_settle has finished that.
 */
void machines__resolve_held_frames(struct machines *m, struct callchain_frame *frames,
				   size_t n);

/**
 * machines__resolve_callchain - resolves the sample's callchain into at
 * most @max frames, the context markers (kernel, user, guest) switching
 * how the following entries resolve. Returns the number of frames.
 */
size_t machines__resolve_callchain(struct machines *m, const struct perf_sample *s,
				   struct callchain_frame *frames, size_t max);
/*
 * machines__resolve_callchain_outermost - the same, but where the chain
 * holds more than @max frames, the outermost @max of them (still callee
 * first): what perf keeps of a long chain for caller order (--max-stack,
 * -g caller, --children). A DWARF-unwound chain is cut as the other.
 */
size_t machines__resolve_callchain_outermost(struct machines *m, const struct perf_sample *s,
					     struct callchain_frame *frames, size_t max);

/**
 * symbol__object_offset - hist_entry__object_offset for a row made now: @sym (a
 * data object of @dso) and @addr, perf's al->addr for a sample's own row
 * (map-relative in a user DSO), the address as recorded for a row made
 * from a callchain entry (@addr_is_ip); @reloc, @map_start and @map_pgoff
 * as the sample's struct sym_lookup has them.
 */
u64 symbol__object_offset(const struct dso *dso, const struct symbol *sym, u64 addr,
			  bool addr_is_ip, s64 reloc, u64 map_start, u64 map_pgoff);

/**
 * machines__frame_object_offset - for a frame of @s's callchain whose
 * symbol is a data object, the offset perf prints after the name of a
 * --children row made from it (symbol__object_offset of the address as recorded);
 * 0 for any other frame.
 */
u64 machines__frame_object_offset(struct machines *m, const struct perf_sample *s,
				  const struct callchain_frame *f);

/**
 * struct sym_lookup - what finding a sample's symbol reads, taken from the
 * model as the sample is delivered: the lookup itself (sym_lookup__run)
 * reads only symbol tables already loaded, which nothing changes, so it
 * may run later and on another thread while the model moves on.
 */
struct sym_lookup {
	const struct machine *machine;	/* its vmlinux and kallsyms tables */
	const struct dso *dso;		/* loaded */
	u64 ip;
	s64 reloc;			/* the machine's, when the sample came */
	u64 map_start, map_pgoff;	/* the map's, likewise */
};

/**
 * machines__resolve_map - machines__resolve but for the symbol: fills @al
 * (al->sym NULL) and, where there is a symbol to look up, @lk, and
 * returns true. The caller runs sym_lookup__run on @lk into @al, then
 * machines__count_sample. Results are kept as machines__resolve keeps
 * its own (by cpumode, pid, tid and ip, while the model holds).
 */
bool machines__resolve_map(struct machines *m, const struct perf_sample *s,
			   struct addr_location *al, struct sym_lookup *lk);

/**
 * sym_lookup__run - sets al->sym (and al->addr for user DSOs) from @lk.
 * @hint: a symbol table hint of the calling thread's own (NULL: the
 * tables' hints, for one thread only).
 */
void sym_lookup__run(const struct sym_lookup *lk, struct addr_location *al, size_t *hint);

/** machines__count_sample - the header's guest counts, for a resolved sample. */
void machines__count_sample(const struct addr_location *al);

/** machines__resolve - attributes a sample. Never fails: unknowns stay NULL. */
void machines__resolve(struct machines *m, const struct perf_sample *s,
		       struct addr_location *al);

/*
 * The most warnings kept: the last one kept says the rest are left out
 * (a file can name a guest, each with its warning, a sample).
 */
#define MACHINES_MAX_WARNINGS	1000

/*
 * Guests whose trouble is told on stderr one by one, at most (a file can
 * name thousands): past them, how many more.
 */
#define MACHINES_GUESTS_TOLD	32

/** machines__warn_once - records a warning (deduplicated) for the report header. */
void machines__warn_once(struct machines *m, const char *fmt, ...) __printf(2, 3);

/** machines__find - the guest machine of pid @pid, or NULL. */
struct machine *machines__find(struct machines *m, s32 pid);

/** machines__add_guest - a new guest machine, owned by @m. */
struct machine *machines__add_guest(struct machines *m, s32 pid, const char *name);
/**
 * machines__guests - @m's guests in pid order (reports list them so):
 * the first, the others along ->next. Guests added after are at the end
 * until the next call.
 */
struct machine *machines__guests(struct machines *m);

#endif
