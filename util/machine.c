// SPDX-License-Identifier: GPL-2.0
/*
 * The machine model: the host and each guest. Records flow in here in
 * time order and update the machines' threads (util/thread.c), address
 * spaces (util/maps.c), DSOs (util/dso.c) and kernels (util/kernel.c);
 * samples and their callchains are resolved against the state they left.
 */
#include "util/machine.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "symbols/elf.h"
#include "symbols/kallsyms.h"
#include "symbols/kmod.h"
#include "symbols/symtab.h"
#include "util/err.h"
#include "util/data.h"
#include "util/kernel.h"
#include "util/unwind.h"

/* ---- warnings ---- */

void machines__warn_once(struct machines *m, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (m->warnings.nr >= MACHINES_MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		die("out of memory");
	va_end(ap);
	if (str_set__find(&m->warnings, msg) < 0)
		str_set__add(&m->warnings, m->warnings.nr + 1 < MACHINES_MAX_WARNINGS ? msg :
			     "more warnings than these: the rest are left out");
	free(msg);
}

/* ---- machines ---- */

static void machine__init(struct machine *machine, s32 pid, const char *name)
{
	memset(machine, 0, sizeof(*machine));
	machine->pid = pid;
	machine->name = xstrdup(name);
	machine->kmaps.refcnt = 1;
	if (pid >= 0) {
		machine->flags |= MACHINE_GUEST;
		machine->kernel_dso = machine__findnew_dso(machine, "[guest.kernel.kallsyms]",
							   DSO_KERNEL, NULL);
		machine->guest_user_dso = machine__findnew_dso(machine, "[guest.user]",
							       DSO_GUEST_USER, NULL);
	} else {
		machine->kernel_dso = machine__findnew_dso(machine, "[kernel.kallsyms]",
							   DSO_KERNEL, NULL);
	}
}

static void machine__exit(struct machine *machine)
{
	size_t i;

	machine__kernel_abandon(machine);
	machine__delete_threads(machine);
	for (i = 0; i < machine->dso_names.nr; i++)
		while (machine->dso_by_name[i]) {
			struct dso *d = machine->dso_by_name[i];

			machine->dso_by_name[i] = d->name_next;
			dso__delete(d);
		}
	str_set__exit(&machine->dso_names);
	free(machine->dso_by_name);
	u64_index__exit(&machine->elf_files);
	free(machine->elf_by_file);
	maps__clear(&machine->kmaps);
	if (machine->ks) {
		kallsyms__exit(machine->ks);
		free(machine->ks);
	}
	if (machine->vmlinux) {
		elf_image__exit(machine->vmlinux);
		free(machine->vmlinux);
	}
	free(machine->vsecs);
	modules__free(machine->mods, machine->nr_mods);
	modules__free(machine->rec_mods, machine->nr_rec_mods);
	str_set__exit(&machine->rec_mod_names);
	free(machine->name);
	free(machine->root);
	free(machine->kallsyms_path);
	free(machine->modules_path);
	free(machine->vmlinux_path);
	free(machine->load_error);
}

void machines__init(struct machines *m, const struct perf_data *data)
{
	memset(m, 0, sizeof(*m));
	machine__init(&m->host, -1, "host");
	m->host.machines = m;
	m->data = data;
	/* The idle task has no COMM record; name it as perf does. */
	thread__set_comm(m, machine__findnew_thread(&m->host, m, 0, 0), "swapper");
}

void machines__exit(struct machines *m)
{
	free(m->symfs);
	free(m->host_ks_file);
	free(m->host_ks_why);
	free(m->rcache);
	free(m->mcache);
	free(m->fcache);
	machine__exit(&m->host);
	while (m->guests) {
		struct machine *g = m->guests;

		m->guests = g->next;
		machine__exit(g);
		free(g);
	}
	u64_index__exit(&m->guest_ids);
	free(m->guest_by_id);
	str_set__exit(&m->comms);
	str_set__exit(&m->warnings);
	str_set__exit(&m->dirs_missing);
	str_set__exit(&m->dirs_present);
}

struct machine *machines__find(struct machines *m, s32 pid)
{
	u32 i = u64_index__find(&m->guest_ids, (u32)pid);

	return i == U64_INDEX_NONE ? NULL : m->guest_by_id[i];
}

struct machine *machines__add_guest(struct machines *m, s32 pid, const char *name)
{
	struct machine *g = xzalloc(sizeof(*g));
	u32 i = u64_index__add(&m->guest_ids, (u32)pid, NULL);

	machine__init(g, pid, name);
	g->machines = m;
	m->last_guest = NULL;	/* a pid may find another guest now */
	ALLOC_GROW(m->guest_by_id, (size_t)i + 1, m->guest_by_id_alloc);
	m->guest_by_id[i] = g;
	/* At the end; in pid order when machines__guests is asked for them. */
	if (m->guests_tail && m->guests_tail->pid > pid)
		m->guests_unsorted = true;
	if (m->guests_tail)
		m->guests_tail->next = g;
	else
		m->guests = g;
	m->guests_tail = g;
	return g;
}

static int machine_pid_cmp(const void *a, const void *b)
{
	s32 x = (*(struct machine *const *)a)->pid, y = (*(struct machine *const *)b)->pid;

	return x < y ? -1 : x > y;
}

struct machine *machines__guests(struct machines *m)
{
	struct machine **v;
	u32 i, n = m->guest_ids.nr;

	if (!m->guests_unsorted)
		return m->guests;
	v = xmalloc(n * sizeof(*v));
	memcpy(v, m->guest_by_id, n * sizeof(*v));
	qsort(v, n, sizeof(*v), machine_pid_cmp);
	for (i = 0; i + 1 < n; i++)
		v[i]->next = v[i + 1];
	v[n - 1]->next = NULL;
	m->guests = v[0];
	m->guests_tail = v[n - 1];
	m->guests_unsorted = false;
	free(v);
	return m->guests;
}

int machines__load_guest_symbols(struct machines *m, struct err *err)
{
	struct machine *g;

	/* The host's -k file was opened by machines__set_host_kernel. */
	for (g = machines__guests(m); g; g = g->next) {
		if (g->flags & MACHINE_NO_SYMBOLS)
			continue;
		machine__load_kernel(m, g);
		if (g->load_err && (g->kallsyms_path || g->modules_path || g->vmlinux_path))
			return err__set(err, -EINVAL, "%s", g->load_error);
	}
	return 0;
}

/* ---- events ---- */

static struct machine *machines__for_event(struct machines *m, u8 cpumode, s32 pid)
{
	if (cpumode__is_guest(cpumode))
		return machines__find_guest(m, pid);
	return &m->host;
}

static void process_kernel_mmap(struct machines *m, u8 cpumode, s32 pid, u64 start, u64 len,
				u64 pgoff, const char *filename)
{
	struct machine *machine = machines__for_event(m, cpumode, pid);
	u64 end = start + len < start ? UINT64_MAX : start + len;

	/* "[kernel.kallsyms]_text", "[guest.kernel.kallsyms]_text", "[guest.kernel.kallsyms.PID]_text" */
	if (strstr(filename, "kernel.kallsyms]") ||
	    !strncmp(filename, "[guest.kernel.kallsyms.", 23)) {
		if ((machine->flags & MACHINE_GUEST) && machine->has_text_recorded &&
		    machine->text_recorded == pgoff)
			return;	/* the same again: nothing moves */
		machine->text_recorded = pgoff;
		machine->has_text_recorded = true;
		if (machine->vsecs) {
			/* The host's vmlinux is loaded: its sections where this puts them. */
			machine__vmlinux_layout(machine);
			return;
		}
		if (machine->flags & MACHINE_GUEST) {
			/* Layout from the symbol files; the record gives the relocation. */
			if (machine->ks_tried) {
				maps__clear(&machine->kmaps);
				machine->reloc = 0;
				guest__build_kmaps(m, machine);
			}
			return;
		}
		machine__add_kmap(machine, start, end, start, machine->kernel_dso);
		return;
	}
	if (machine->flags & MACHINE_GUEST) {
		/* Guest modules come from the modules file; without one, from these records. */
		guest__record_module(m, machine, start, end, filename);
		return;
	}
	{
		char *mod = module_name_of(filename);
		char *dname = xasprintf("[%s]", mod);
		struct dso *dso = machine__findnew_dso(machine, filename, DSO_MODULE, dname);

		free(mod);
		free(dname);
		machine__add_kmap(machine, start, end, 0, dso);
	}
}

static int process_mmap(struct machines *m, const union perf_event *ev, u64 start, u64 len,
			 u64 pgoff, u32 pid, u32 tid, const char *filename, const u8 *bid,
			 u8 bid_size, u32 flags, bool exec)
{
	char jit_name[64], jit_short[64];
	const char *short_name = NULL;
	u8 cpumode = ev->header.misc & PERF_RECORD_MISC_CPUMODE_MASK;
	struct machine *machine;
	struct thread *t;
	struct map map;
	enum dso_kind kind = DSO_USER;

	if (cpumode__is_kernel(cpumode)) {
		process_kernel_mmap(m, cpumode, (s32)pid, start, len, pgoff, filename);
		return 0;
	}
	machine = machines__for_event(m, cpumode, (s32)pid);
	if (machine->flags & MACHINE_GUEST)
		return 0;	/* guest user space is not resolved */
	if (!strcmp(filename, "[vdso]")) {
		kind = DSO_VDSO;
	} else if (exec && is_jit_name(filename, flags)) {
		kind = DSO_JIT;
		snprintf(jit_name, sizeof(jit_name), "/tmp/perf-%u.map", pid);
		snprintf(jit_short, sizeof(jit_short), "[JIT] tid %u", pid);
		filename = jit_name;
		short_name = jit_short;
	} else if (is_anon_name(filename)) {
		kind = DSO_ANON;
	}
	t = machine__findnew_thread(machine, m, pid, tid);
	map.start = start;
	map.end = start + len < start ? UINT64_MAX : start + len;
	map.pgoff = pgoff;
	map.dso = machine__findnew_dso(machine, filename, kind, short_name);
	if (bid_size && !map.dso->build_id_size) {
		memcpy(map.dso->build_id, bid, bid_size);
		map.dso->build_id_size = bid_size;
	}
	return maps__insert(thread__maps(t), &map);
}

/* Copies a record's NUL-terminated string, bounded by the record's end. */
static void record_string(const union perf_event *ev, const char *s, char *out, size_t outlen)
{
	const char *end = (const char *)ev + ev->header.size;
	size_t n = s < end ? (size_t)(end - s) : 0;
	const char *nul;

	if (n > outlen - 1)
		n = outlen - 1;
	nul = memchr(s, '\0', n);
	if (nul)
		n = (size_t)(nul - s);
	memcpy(out, s, n);
	out[n] = '\0';
}

int machines__process_event(struct machines *m, const union perf_event *ev)
{
	char name[4096];
	u16 size = ev->header.size;

	m->gen++;	/* resolved samples kept so far may no longer hold */
	switch (ev->header.type) {
	case PERF_RECORD_MMAP:
		if (size < sizeof(struct mmap_event))
			return -EINVAL;
		record_string(ev, ev->mmap.filename, name, sizeof(name));
		return process_mmap(m, ev, ev->mmap.start, ev->mmap.len, ev->mmap.pgoff,
				    ev->mmap.pid, ev->mmap.tid, name, NULL, 0, 0,
				    !(ev->header.misc & PERF_RECORD_MISC_MMAP_DATA));
	case PERF_RECORD_MMAP2: {
		const u8 *bid = NULL;
		u8 bid_size = 0;

		if (size < sizeof(struct mmap2_event))
			return -EINVAL;
		if (ev->header.misc & PERF_RECORD_MISC_MMAP_BUILD_ID) {
			bid = ev->mmap2.build_id;
			bid_size = ev->mmap2.build_id_size > 20 ? 20 : ev->mmap2.build_id_size;
		}
		/*
		 * Data maps are kept too, as perf keeps them: a callchain entry
		 * (a return address unwound from garbage) can land in one and
		 * is then named after the data symbol there.
		 */
		record_string(ev, ev->mmap2.filename, name, sizeof(name));
		return process_mmap(m, ev, ev->mmap2.start, ev->mmap2.len, ev->mmap2.pgoff,
				    ev->mmap2.pid, ev->mmap2.tid, name, bid, bid_size,
				    ev->mmap2.flags,
				    !(ev->header.misc & PERF_RECORD_MISC_MMAP_DATA) &&
				    (ev->mmap2.prot & PROT_EXEC));
	}
	case PERF_RECORD_COMM: {
		if (size < sizeof(struct comm_event))
			return -EINVAL;
		record_string(ev, ev->comm.comm, name, sizeof(name));
		machine__findnew_thread_comm(&m->host, m, ev->comm.pid, ev->comm.tid, name);
		return 0;
	}
	case PERF_RECORD_FORK: {
		struct thread *parent, *t;

		if (size < sizeof(struct fork_event))
			return -EINVAL;
		parent = machine__findnew_thread(&m->host, m, ev->fork.ppid, ev->fork.ptid);
		t = machine__find_thread(&m->host, ev->fork.tid);
		if (t && t != parent)
			machine__unhash_thread(&m->host, t);	/* tid reused */
		else if (t == parent)
			return 0;
		t = thread__new_child(ev->fork.pid, ev->fork.tid, parent);
		if (ev->fork.pid == ev->fork.ppid) {
			/* A thread of the parent's process. */
			struct thread *leader = machine__findnew_thread(&m->host, m,
									ev->fork.pid,
									ev->fork.pid);

			t->maps = maps__get(thread__maps(leader));
		} else if (ev->fork.pid == ev->fork.tid) {
			t->maps = maps__clone(parent->maps);
		} else {
			struct thread *leader = machine__findnew_thread(&m->host, m,
									ev->fork.pid,
									ev->fork.pid);

			t->maps = maps__get(thread__maps(leader));
		}
		machine__hash_thread(&m->host, t);
		return 0;
	}
	default:
		return 0;
	}
}

/* ---- resolving samples ---- */

/*
 * The recorded kernel map ends at _etext, but the kernel's text goes on
 * (.init.text: start_kernel and the boot path under every idle callchain).
 * As perf does, the kernel map stands for everything up to the next map.
 */
static struct map *kernel_map_past_end(const struct machine *machine, struct maps *kmaps,
					u64 ip)
{
	struct map *k, *next;

	/* From a vmlinux the maps are its sections, and nothing else is the kernel's. */
	if (machine->vsecs)
		return NULL;
	for (k = maps__first(kmaps); k; k = maps__next(kmaps, k)) {
		if (k->dso->kind != DSO_KERNEL)
			continue;
		next = maps__next(kmaps, k);
		if (ip >= k->end && (!next || ip < next->start))
			return k;
		return NULL;
	}
	return NULL;
}

/* @hint: the caller's symtab hint, NULL for the tables' own. */
static inline const struct symbol *find(const struct symtab *tab, u64 addr, size_t *hint)
{
	return hint ? symtab__find_hint(tab, addr, hint) : symtab__find(tab, addr);
}

static inline __attribute__((always_inline)) const struct symbol *
kernel_symbol(const struct machine *machine, const struct dso *dso, u64 ip, s64 reloc,
	      size_t *hint)
{
	const struct symbol *sym = NULL;
	u64 addr = ip - (u64)reloc;

	if (dso->kind == DSO_KERNEL) {
		if (machine->vmlinux) {
			sym = find(&machine->vmlinux->tab, addr, hint);
			/* The host's kallsyms (for its modules) has other addresses. */
			if (sym || machine->vsecs)
				return sym;
		}
		if (machine->ks) {
			sym = find(&machine->ks->tab, addr, hint);
			if (sym && symbol__owner(&machine->ks->tab, sym))
				sym = NULL;
		}
		return sym;
	}
	/* Modules are not relocated with the core kernel. */
	if (dso->elf)
		return find(&dso->elf->tab, ip, hint);
	if (machine->ks && dso->owner) {
		sym = find(&machine->ks->tab, ip, hint);
		if (sym && symbol__owner(&machine->ks->tab, sym) != dso->owner)
			sym = NULL;
	}
	return sym;
}

/*
 * What sym_lookup__run does, on the lookup's parts: inlined into resolve,
 * which so needs no struct sym_lookup of its own per sample.
 */
static inline __attribute__((always_inline)) void
lookup_symbol(const struct machine *machine, const struct dso *dso, u64 ip, s64 reloc,
	      u64 map_start, u64 map_pgoff, struct addr_location *al, size_t *hint)
{
	switch (dso->kind) {
	case DSO_KERNEL:
		al->sym = kernel_symbol(machine, dso, ip, reloc, hint);
		break;
	case DSO_MODULE:
		al->addr = dso_addr(map_start, map_pgoff, ip);
		al->sym = kernel_symbol(machine, dso, ip, reloc, hint);
		break;
	case DSO_USER:
	case DSO_VDSO: {
		u64 off = dso_addr(map_start, map_pgoff, ip), vaddr;

		al->addr = off;
		if (dso->elf && elf_image__offset_to_vaddr(dso->elf, off, &vaddr))
			al->sym = find(&dso->elf->tab, vaddr, hint);
		break;
	}
	case DSO_JIT:
		if (dso__jit_syms(dso))
			al->sym = find(dso__jit_syms(dso), ip, hint);
		break;
	default:
		break;
	}
}

void machines__resolve_held(struct addr_location *al)
{
	al->held = false;
	al->sym = kernel_symbol(al->machine, al->dso, al->addr, al->machine->reloc, NULL);
	if (al->map)
		al->addr = map__dso_addr(al->map, al->addr);
}

void machines__resolve_held_frames(struct machines *m, struct callchain_frame *frames,
				   size_t n)
{
	struct callchain_frame *f;

	for (f = frames; f < frames + n; f++) {
		if (!f->held)
			continue;
		f->held = false;
		f->sym = kernel_symbol(&m->host, f->dso, f->ip, m->host.reloc, NULL);
		f->addr = f->sym ? 0 : f->ip;
	}
}

void sym_lookup__run(const struct sym_lookup *lk, struct addr_location *al, size_t *hint)
{
	lookup_symbol(lk->machine, lk->dso, lk->ip, lk->reloc, lk->map_start, lk->map_pgoff, al,
		      hint);
}

/*
 * The sample's host thread: samples of a few threads alternate (vCPUs),
 * past what the thread table's last-thread check catches. What
 * machine__findnew_thread gives for a (pid, tid) holds until a record
 * changes the model.
 */
static struct thread *findnew_thread_cached(struct machines *m, u32 pid, u32 tid)
{
	size_t i = (tid ^ (tid >> 6) ^ pid) % ARRAY_SIZE(m->tcache);

	if (m->tcache[i].gen != m->gen + 1 || m->tcache[i].tid != tid || m->tcache[i].pid != pid) {
		m->tcache[i].thread = machine__findnew_thread(&m->host, m, pid, tid);
		m->tcache[i].pid = pid;
		m->tcache[i].tid = tid;
		m->tcache[i].gen = m->gen + 1;
	}
	return m->tcache[i].thread;
}

/*
 * A sample's guest: the samples of one guest follow one another, and
 * which guest a pid finds changes only when a guest is added.
 */
static inline struct machine *guest_of(struct machines *m, s32 pid)
{
	if (!m->last_guest || m->last_guest_pid != pid) {
		m->last_guest = machines__find_guest(m, pid);
		m->last_guest_pid = pid;
	}
	return m->last_guest;
}

/*
 * Attributes @s in @al. With @lk, the symbol is left for
 * sym_lookup__run (returns true when there is one to look up).
 */
static bool resolve(struct machines *m, const struct perf_sample *s,
		    struct addr_location *al, struct sym_lookup *lk)
{
	struct machine *machine;
	struct map *map = NULL;

	memset(al, 0, sizeof(*al));
	al->cpumode = s->cpumode;
	al->addr = s->ip;
	al->thread = findnew_thread_cached(m, s->pid, s->tid);
	switch (s->cpumode) {
	case PERF_RECORD_MISC_KERNEL:
		machine = &m->host;
		al->level = 'k';
		if (!machine->ks_tried)
			machine__load_kernel(m, machine);
		map = maps__find(&machine->kmaps, s->ip);
		if (!map)
			map = kernel_map_past_end(machine, &machine->kmaps, s->ip);
		break;
	case PERF_RECORD_MISC_USER:
		machine = &m->host;
		al->level = '.';
		map = maps__find(al->thread->maps, s->ip);
		break;
	case PERF_RECORD_MISC_GUEST_KERNEL:
		machine = guest_of(m, (s32)s->pid);
		al->level = 'g';
		if (!machine->ks_tried)
			machine__load_kernel(m, machine);
		map = maps__find(&machine->kmaps, s->ip);
		break;
	case PERF_RECORD_MISC_GUEST_USER:
		machine = guest_of(m, (s32)s->pid);
		al->level = 'u';
		al->machine = machine;
		al->dso = machine->guest_user_dso;
		return false;
	default:
		machine = &m->host;
		al->level = 'H';
		break;
	}
	al->machine = machine;
	if (!map)
		return false;
	al->map = map;
	al->dso = map->dso;
	if (!map->dso->loaded)
		dso__load(m, map->dso);
	if (__builtin_expect(machine->ks_job != NULL, 0) &&
	    (map->dso->kind == DSO_KERNEL || map->dso->kind == DSO_MODULE)) {
		al->held = true;	/* looked up once kallsyms is read */
		return false;
	}
	if (!lk) {
		lookup_symbol(machine, map->dso, s->ip, machine->reloc, map->start, map->pgoff, al,
			      NULL);
		return false;
	}
	lk->machine = machine;
	lk->dso = map->dso;
	lk->ip = s->ip;
	lk->reloc = machine->reloc;
	lk->map_start = map->start;
	lk->map_pgoff = map->pgoff;
	/* What sym_lookup__run would set when it finds nothing. */
	if (map->dso->kind == DSO_USER || map->dso->kind == DSO_VDSO ||
	    map->dso->kind == DSO_MODULE)
		al->addr = map__dso_addr(map, s->ip);
	return true;
}

#define RCACHE_SLOTS	1024	/* a power of two */
#define RCACHE_WINDOW	16384	/* probes between looks at the hit rate */
#define RCACHE_PAUSE	(16 * RCACHE_WINDOW)

/*
 * What a kept result is kept by: a sample's ip, pid, tid and cpumode, and
 * the model's generation when it was kept. Both caches (machines__resolve's
 * and machines__resolve_map's) fill and match slots by it alike.
 */
struct sample_key {
	u64 ip;
	u64 pid_tid;		/* pid << 32 | tid */
	u64 gen;		/* 0: empty (gen starts at 1 when kept) */
	u8 cpumode;
};

static inline void sample_key__fill(struct sample_key *k, const struct perf_sample *s, u64 gen)
{
	k->ip = s->ip;
	k->pid_tid = (u64)s->pid << 32 | s->tid;
	k->cpumode = s->cpumode;
	k->gen = gen;
}

static inline bool sample_key__match(const struct sample_key *k, const struct perf_sample *s,
				     u64 gen)
{
	return k->gen == gen && k->ip == s->ip && k->pid_tid == ((u64)s->pid << 32 | s->tid) &&
	       k->cpumode == s->cpumode;
}

static inline size_t rcache__index(const struct perf_sample *s)
{
	u64 h = (s->ip ^ (s->ip >> 13) ^ (u64)s->tid * 0x9e3779b97f4a7c15ull) *
		0xff51afd7ed558ccdull;

	return (h >> 40) & (RCACHE_SLOTS - 1);
}

/* A cache's slots (RCACHE_SLOTS of @size bytes), made on its first miss. */
static __attribute__((noinline)) void *rcache__alloc(struct machines *m, size_t size)
{
	if (!m->gen)
		m->gen = 1;	/* gen only grows from here: 0 stays "empty" */
	return xcalloc(RCACHE_SLOTS, size);
}

struct resolve_slot {
	struct sample_key key;
	struct addr_location al;
};

/* What the header's guest lines count, hit or miss. */
static inline void count_sample(const struct addr_location *al)
{
	if (al->cpumode == PERF_RECORD_MISC_GUEST_KERNEL) {
		al->machine->nr_kernel_samples++;
		if (!al->sym)
			al->machine->nr_kernel_unresolved++;
	} else if (al->cpumode == PERF_RECORD_MISC_GUEST_USER) {
		al->machine->nr_user_samples++;
	}
}

void machines__count_sample(const struct addr_location *al)
{
	count_sample(al);
}

/* The end of a window of probes: pause the cache when few of them hit. */
static __attribute__((noinline)) void rcache__window_end(struct machines *m)
{
	if (m->rc_hits < RCACHE_WINDOW / 4)
		m->rc_skip = RCACHE_PAUSE;
	m->rc_probes = m->rc_hits = 0;
}

/* While the cache pauses (samples that rarely repeat), straight to resolve. */
static __attribute__((noinline)) void resolve_paused(struct machines *m,
						      const struct perf_sample *s,
						      struct addr_location *al)
{
	m->rc_skip--;
	resolve(m, s, al, NULL);
	count_sample(al);
}

/* A probe that missed (or the first): resolves, and keeps the result. */
static __attribute__((noinline)) void resolve_miss(struct machines *m,
						    const struct perf_sample *s,
						    struct addr_location *al)
{
	struct resolve_slot *slot;

	if (!m->rcache)
		m->rcache = rcache__alloc(m, sizeof(*m->rcache));
	resolve(m, s, al, NULL);
	slot = &m->rcache[rcache__index(s)];
	sample_key__fill(&slot->key, s, m->gen);
	slot->al = *al;
	count_sample(al);
	if (++m->rc_probes == RCACHE_WINDOW)
		rcache__window_end(m);
}

/*
 * Samples at the same ip of the same thread resolve alike while @m->gen
 * holds. The hit path calls nothing but at its end: the rest is in
 * functions of their own, called last, so it keeps no registers.
 */
void machines__resolve(struct machines *m, const struct perf_sample *s,
		       struct addr_location *al)
{
	const struct resolve_slot *slot;

	if (__builtin_expect(m->rc_skip != 0, 0))
		return resolve_paused(m, s, al);
	if (__builtin_expect(!m->rcache, 0))
		return resolve_miss(m, s, al);
	slot = &m->rcache[rcache__index(s)];
	if (!sample_key__match(&slot->key, s, m->gen))
		return resolve_miss(m, s, al);
	*al = slot->al;
	m->rc_hits++;
	count_sample(al);
	if (__builtin_expect(++m->rc_probes == RCACHE_WINDOW, 0))
		rcache__window_end(m);
}

/*
 * machines__resolve_map's results (the pool's path) are kept alike, with
 * the symbol lookup they leave: a host sample's thread and map walk cost
 * the delivering thread more than the row a worker then counts.
 */
struct map_slot {
	struct sample_key key;
	bool lookup;		/* resolve's result: @lk holds a lookup */
	struct addr_location al;
	struct sym_lookup lk;
};

static __attribute__((noinline)) bool resolve_map_paused(struct machines *m,
							  const struct perf_sample *s,
							  struct addr_location *al,
							  struct sym_lookup *lk)
{
	m->rc_skip--;
	return resolve(m, s, al, lk);
}

static __attribute__((noinline)) bool resolve_map_miss(struct machines *m,
							const struct perf_sample *s,
							struct addr_location *al,
							struct sym_lookup *lk)
{
	struct map_slot *slot;
	bool ret;

	if (!m->mcache)
		m->mcache = rcache__alloc(m, sizeof(*m->mcache));
	ret = resolve(m, s, al, lk);
	slot = &m->mcache[rcache__index(s)];
	sample_key__fill(&slot->key, s, m->gen);
	slot->al = *al;
	slot->lookup = ret;
	if (ret)
		slot->lk = *lk;
	if (++m->rc_probes == RCACHE_WINDOW)
		rcache__window_end(m);
	return ret;
}

bool machines__resolve_map(struct machines *m, const struct perf_sample *s,
			   struct addr_location *al, struct sym_lookup *lk)
{
	const struct map_slot *slot;

	if (__builtin_expect(m->rc_skip != 0, 0))
		return resolve_map_paused(m, s, al, lk);
	if (__builtin_expect(!m->mcache, 0))
		return resolve_map_miss(m, s, al, lk);
	slot = &m->mcache[rcache__index(s)];
	if (!sample_key__match(&slot->key, s, m->gen))
		return resolve_map_miss(m, s, al, lk);
	*al = slot->al;
	m->rc_hits++;
	if (__builtin_expect(++m->rc_probes == RCACHE_WINDOW, 0))
		rcache__window_end(m);
	if (!slot->lookup)
		return false;
	*lk = slot->lk;
	return true;
}

/*
 * Callchain frames repeat far more than samples do (every sample of a
 * thread walks through the same callers): a frame's resolution is kept
 * by (ip, mode, pid, tid) while @gen holds, as the sample cache keeps a
 * sample's, but only what a frame needs of it. A kernel address resolves
 * alike in every thread (the kernel maps are the machine's; the thread
 * itself was made when the sample was resolved), so kernel frames are
 * kept under one (pid, tid) for all threads.
 */
#define FCACHE_SLOTS	1024	/* a power of two */

struct frame_slot {
	u64 ip;
	u64 gen;		/* @gen + 1 when kept: 0 is empty */
	u32 pid, tid;
	u8 mode;		/* the chain's context for @ip */
	char level;
	u8 cpumode;
	bool held;		/* resolve's al.held */
	struct dso *dso;
	const struct symbol *sym;
};

/* Resolves @ip into @slot (a miss: rare, and out of the loop's way). */
static __attribute__((noinline)) void frame_resolve(struct machines *m,
						    const struct perf_sample *s, u64 ip,
						    u8 cpumode, struct frame_slot *slot)
{
	struct perf_sample fs = *s;
	struct addr_location al;

	fs.ip = ip;
	fs.cpumode = cpumode;
	resolve(m, &fs, &al, NULL);
	slot->ip = ip;
	slot->pid = cpumode == PERF_RECORD_MISC_KERNEL ? (u32)-1 : s->pid;
	slot->tid = cpumode == PERF_RECORD_MISC_KERNEL ? (u32)-1 : s->tid;
	slot->mode = cpumode;
	slot->gen = m->gen + 1;
	slot->dso = al.dso;
	slot->sym = al.sym;
	slot->level = al.level;
	slot->cpumode = al.cpumode;
	slot->held = al.held;
}

/* One resolved frame at @ip, in @cpumode. */
static inline void frame_at(struct machines *m, const struct perf_sample *s, u64 ip,
			    u8 cpumode, struct callchain_frame *f)
{
	struct frame_slot *slot;
	u32 pid = s->pid, tid = s->tid;
	u64 h;

	if (cpumode == PERF_RECORD_MISC_KERNEL)
		pid = tid = (u32)-1;
	h = (ip ^ (ip >> 17) ^ (u64)tid * 0x9e3779b97f4a7c15ull ^ cpumode) * 0xff51afd7ed558ccdull;
	slot = &m->fcache[(h >> 40) & (FCACHE_SLOTS - 1)];
	if (slot->gen != m->gen + 1 || slot->ip != ip || slot->mode != cpumode ||
	    slot->tid != tid || slot->pid != pid)
		frame_resolve(m, s, ip, cpumode, slot);
	f->dso = slot->dso;
	f->sym = slot->sym;
	f->addr = slot->sym ? 0 : ip;	/* as perf shows and compares unresolved frames */
	f->ip = ip;
	f->level = slot->level;
	f->cpumode = slot->cpumode;
	f->held = slot->held;
}

u64 symbol__object_offset(const struct dso *dso, const struct symbol *sym, u64 addr,
			  bool addr_is_ip, s64 reloc, u64 map_start, u64 map_pgoff)
{
	u64 vaddr;

	switch (dso->kind) {
	case DSO_KERNEL:
		/* the kernel's maps are the identity: the address less the relocated start */
		return addr - (sym->start + (u64)reloc);
	case DSO_USER:
	case DSO_VDSO:
		/*
		 * The object's start in the process is the address less its
		 * offset in the object. perf subtracts it from the row's
		 * address as it holds it: the sample's own row holds the
		 * map-relative address (map__map_ip), not the process's, and
		 * prints what that subtraction gives.
		 */
		if (addr_is_ip) {
			u64 off = dso_addr(map_start, map_pgoff, addr);

			if (!dso->elf || !elf_image__offset_to_vaddr(dso->elf, off, &vaddr))
				return 0;
			return vaddr - sym->start;
		}
		if (!dso->elf || !elf_image__offset_to_vaddr(dso->elf, addr, &vaddr))
			return 0;
		return vaddr - sym->start - (map_start - map_pgoff);
	default:
		return addr - sym->start;
	}
}

u64 machines__frame_object_offset(struct machines *m, const struct perf_sample *s,
				  const struct callchain_frame *f)
{
	struct perf_sample fs = *s;
	struct addr_location al;

	fs.ip = f->ip;
	fs.cpumode = f->cpumode;
	resolve(m, &fs, &al, NULL);
	if (al.sym != f->sym || !al.sym || !al.map || !symbol__is_object(al.sym))
		return 0;
	return symbol__object_offset(al.dso, al.sym, f->ip, true,
				     al.machine ? al.machine->reloc : 0, al.map->start,
				     al.map->pgoff);
}

/* --call-graph dwarf: the user part of the chain, unwound from the stack copy. */
static __attribute__((noinline)) size_t unwind_frames(struct machines *m,
						      const struct perf_sample *s,
						      struct callchain_frame *frames, size_t max)
{
	u64 ips[CALLCHAIN_MAX_FRAMES];
	size_t i, nu;

	nu = unwind__user(machine__findnew_thread(&m->host, m, s->pid, s->tid), s, ips,
			  max < ARRAY_SIZE(ips) ? max : ARRAY_SIZE(ips));
	for (i = 0; i < nu; i++)
		frame_at(m, s, ips[i], PERF_RECORD_MISC_USER, &frames[i]);
	return nu;
}

static size_t resolve_callchain(struct machines *m, const struct perf_sample *s,
				struct callchain_frame *frames, size_t max, bool outermost)
{
	u8 cpumode = s->cpumode;
	size_t i, n = 0, skip = 0;
	/* --call-graph dwarf: the user part comes from unwinding the stack copy. */
	bool unwind = s->user_regs && s->user_stack_size &&
		      (s->cpumode == PERF_RECORD_MISC_USER || s->cpumode == PERF_RECORD_MISC_KERNEL);

	if (!m->fcache)
		m->fcache = xcalloc(FCACHE_SLOTS, sizeof(*m->fcache));
	if (outermost && !unwind && s->callchain_nr > max) {
		/* the frames before the outermost @max are passed over (their markers not) */
		for (i = 0; i < s->callchain_nr; i++)
			skip += s->callchain[i] < PERF_CONTEXT_MAX;
		skip = skip > max ? skip - max : 0;
	}
	for (i = 0; i < s->callchain_nr && n < max; i++) {
		u64 ip = s->callchain[i];

		if (ip >= PERF_CONTEXT_MAX) {
			switch ((s64)ip) {
			case PERF_CONTEXT_HV:
				cpumode = PERF_RECORD_MISC_HYPERVISOR;
				break;
			case PERF_CONTEXT_KERNEL:
				cpumode = PERF_RECORD_MISC_KERNEL;
				break;
			case PERF_CONTEXT_USER:
				cpumode = PERF_RECORD_MISC_USER;
				break;
			case PERF_CONTEXT_GUEST_KERNEL:
				cpumode = PERF_RECORD_MISC_GUEST_KERNEL;
				break;
			case PERF_CONTEXT_GUEST_USER:
				cpumode = PERF_RECORD_MISC_GUEST_USER;
				break;
			case PERF_CONTEXT_GUEST:	/* the kernel or user one follows */
				break;
			default:
				/*
				 * Not a context (a frame-pointer walk that read
				 * -1, say): the chain is corrupt and perf drops
				 * all of it; an unwound user part still follows.
				 */
				n = 0;
				goto chain_done;
			}
			continue;
		}
		if (unwind && cpumode == PERF_RECORD_MISC_USER)
			continue;
		if (skip) {
			skip--;
			continue;
		}
		frame_at(m, s, ip, cpumode, &frames[n++]);
	}
chain_done:
	if (!unwind || n >= max)
		return n;
	return n + unwind_frames(m, s, frames + n, max - n);
}

size_t machines__resolve_callchain(struct machines *m, const struct perf_sample *s,
				   struct callchain_frame *frames, size_t max)
{
	return resolve_callchain(m, s, frames, max, false);
}

size_t machines__resolve_callchain_outermost(struct machines *m, const struct perf_sample *s,
					     struct callchain_frame *frames, size_t max)
{
	return resolve_callchain(m, s, frames, max, true);
}
