/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_MACHINE_H
#define PMUKVM_MACHINE_H

#include "util/callchain.h"
#include "util/event.h"
#include "util/util.h"

struct symbol;
struct kallsyms;
struct kmodule;
struct elf_image;
struct perf_data;

enum dso_kind {
	DSO_USER,		/* an ELF file mapped by a process */
	DSO_VDSO,
	DSO_ANON,		/* anonymous or special mappings: no symbols */
	DSO_JIT,		/* anonymous executable memory: /tmp/perf-PID.map */
	DSO_KERNEL,		/* a kernel's core: host or guest */
	DSO_MODULE,		/* a kernel module: host or guest */
	DSO_GUEST_USER,		/* all of a guest's user space, unresolved */
};

/** struct dso - something symbols come from, shared by every map of it. */
struct dso {
	char *long_name;	/* path, or "[kernel.kallsyms]" */
	char *short_name;	/* what reports show */
	u64 name_hash;		/* of short_name: rows group by it */
	enum dso_kind kind;
	struct machine *machine;
	bool loaded;		/* symbols looked for (found or not) */
	bool untrusted;		/* build-id differs from the recording */
	u8 build_id[20];	/* from the data file's BUILD_ID feature */
	u8 build_id_size;
	struct elf_image *elf;	/* DSO_USER, DSO_VDSO */
	char *data_path;	/* the file with the recording's bytes, or: */
	void *data_buf;		/* [vdso]: this kernel's image, when it matches */
	size_t data_len;
	struct dso_unwind *unwind;	/* util/unwind.c's, when it looked */
	struct symtab *jit_syms;	/* DSO_JIT: the perf map's symbols, if any */
	u16 owner;		/* DSO_MODULE: owner id in the machine's kallsyms */
	u64 nr_samples;
	struct dso *next;	/* machine's list */
	struct dso *name_next;	/* same long_name, other kind */
};

/** struct map - [start, end) of a process or kernel address space. */
struct map {
	u64 start, end, pgoff;
	struct dso *dso;
};

struct map_node;

/**
 * struct maps - non-overlapping maps in address order; shared by a
 * process's threads. A treap on start (priorities from a PRNG, never from
 * the data): inserts are O(log n) expected whatever order mmaps arrive in
 * (top-down allocators send them in descending order), lookups O(log n).
 */
struct maps {
	struct map_node *root;
	size_t nr;
	int refcnt;
	struct map_node *last;	/* lookup cache; cleared when a node goes */
};

/** maps__first - the lowest map, or NULL. */
struct map *maps__first(struct maps *maps);
/** maps__next - the map after @map (one of @maps'), or NULL. */
struct map *maps__next(struct maps *maps, const struct map *map);
/** maps__clear - removes every map (the struct stays usable). */
void maps__clear(struct maps *maps);

/** struct thread - a task seen in the data; comm follows COMM records. */
struct thread {
	u32 pid, tid;
	const char *comm;	/* interned: equal names share one pointer */
	struct maps *maps;
	int vcpu;		/* from a "CPU <n>/KVM" comm, else -1 */
	struct thread *hnext;
};

enum machine_flags {
	MACHINE_GUEST = 1 << 0,
	MACHINE_NO_SYMBOLS = 1 << 1,	/* a guest with no symbol files */
};

/** struct machine - the host, or one guest. */
struct machine {
	s32 pid;		/* -1 host, 0 default guest, else the QEMU pid */
	unsigned flags;
	char *name;		/* "host", "guest 0", "guest 1234 (vmname)" */
	char *root;		/* --guestmount DIR/<pid>, or NULL */
	struct maps kmaps;	/* kernel and modules */
	struct dso *dsos;
	/* dsos by long_name (a file may name a million): number -> chain. */
	struct str_set dso_names;
	struct dso **dso_by_name;
	size_t dso_by_name_alloc;
	struct dso *kernel_dso;
	struct dso *guest_user_dso;
	struct kallsyms *ks;	/* loaded on first use */
	bool ks_tried;
	char *kallsyms_path, *modules_path, *vmlinux_path;
	struct elf_image *vmlinux;
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
	/* Guest attribution stats. */
	u64 nr_kernel_samples, nr_kernel_unresolved, nr_user_samples;
	char *load_error;	/* why symbols could not be loaded */
	struct machine *next;
};

/** struct machines - the host and the guests of one session. */
struct machines {
	struct machine host;
	struct machine *guests;
	struct str_set comms;		/* comm interning: equal names, one pointer */
	/*
	 * The data file's host build-ids by file name (the first entry for
	 * each name): built on first use, so that finding a DSO's does not
	 * scan every entry (a file may hold a million).
	 */
	struct str_set bid_names;
	size_t *bid_entry;		/* by number in bid_names: index in build_ids */
	bool bid_indexed;
	/* Where user-space symbols come from. */
	const char *kallsyms_path;	/* host: --kallsyms, else /proc/kallsyms */
	const struct perf_data *data;
	bool warned_guest_merge;
	char **warnings;
	size_t nr_warnings;
	/*
	 * Samples at the same ip of the same thread resolve alike while the
	 * model stays as it is: results are kept by (cpumode, pid, tid, ip)
	 * and hold while @gen, bumped by every record that changes the model,
	 * has not moved. Where samples rarely repeat an ip, the keeping costs
	 * more than it saves: it pauses for a while when few probes hit.
	 */
	struct resolve_slot *rcache;
	u64 gen;
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
};

void machines__init(struct machines *m, const struct perf_data *data);
void machines__exit(struct machines *m);

/**
 * machines__setup_guests - creates guest machines from the guest options:
 * the default guest (pid 0) from --guestkallsyms/--guestmodules/
 * --guestvmlinux, one per DIR/<pid> under --guestmount, and those whose
 * files the data file carries. Returns 0 or a negative errno with @err.
 */
int machines__setup_guests(struct machines *m, const char *kallsyms, const char *modules,
			   const char *vmlinux, const char *mount, char *err, size_t errlen);

/**
 * machines__load_guest_symbols - loads every guest's symbol files now, so
 * that a bad file given on the command line is an error before any
 * sample is read; the host's kallsyms file (@m->kallsyms_path), read
 * later, is opened to check it is a readable regular file. Returns 0 or a
 * negative errno with @err naming the file.
 */
int machines__load_guest_symbols(struct machines *m, char *err, size_t errlen);

/** machines__process_event - updates the model from a non-sample record. */
int machines__process_event(struct machines *m, const union perf_event *ev);

/** machines__load_dso - loads @dso's symbols (build-id checked) if not yet. */
void machines__load_dso(struct machines *m, struct dso *dso);

/** maps__find - the map containing @addr, or NULL. */
struct map *maps__find(struct maps *maps, u64 addr);

/**
 * machines__resolve_callchain - resolves the sample's callchain into at
 * most @max frames, the context markers (kernel, user, guest) switching
 * how the following entries resolve. Returns the number of frames.
 */
size_t machines__resolve_callchain(struct machines *m, const struct perf_sample *s,
				   struct callchain_frame *frames, size_t max);

/** machines__resolve - attributes a sample. Never fails: unknowns stay NULL. */
void machines__resolve(struct machines *m, const struct perf_sample *s,
		       struct addr_location *al);

/** machines__warn_once - records a warning (deduplicated) for the report header. */
void machines__warn_once(struct machines *m, const char *fmt, ...) __printf(2, 3);

struct thread *machine__findnew_thread(struct machine *machine, struct machines *m,
				       u32 pid, u32 tid);
struct machine *machines__find_guest(struct machines *m, s32 pid);

/** thread__vcpu - the vCPU number from a QEMU thread name, or -1. */
int comm__vcpu(const char *comm);

/** dso__sym_name - for reports: the symbol's name. */
const char *map__dso_name(const struct dso *dso);

#endif
