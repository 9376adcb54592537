// SPDX-License-Identifier: GPL-2.0
/*
 * The machine model: the host and each guest, their threads, address
 * spaces and DSOs. Records flow in here in time order; samples are
 * resolved against the state they left.
 */
#include "util/machine.h"

#include <ctype.h>
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "symbols/elf.h"
#include "symbols/kallsyms.h"
#include "symbols/kmod.h"
#include "symbols/symtab.h"
#include "util/data.h"
#include "util/guestfiles.h"
#include "util/unwind.h"

/* ---- comm interning ---- */

static const char *comm__intern(struct machines *m, const char *s)
{
	u32 i = str_set__add(&m->comms, s);	/* may move the array */

	return m->comms.strs[i];
}

int comm__vcpu(const char *comm)
{
	unsigned n;
	char rest[8];

	/* QEMU names its vCPU threads "CPU <n>/KVM". */
	if (sscanf(comm, "CPU %u/KV%7s", &n, rest) == 2 && !strcmp(rest, "M") && n < 65536)
		return (int)n;
	return -1;
}

/* ---- warnings ---- */

void machines__warn_once(struct machines *m, const char *fmt, ...)
{
	va_list ap;
	char *msg;
	size_t i;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		die("out of memory");
	va_end(ap);
	for (i = 0; i < m->nr_warnings; i++) {
		if (!strcmp(m->warnings[i], msg)) {
			free(msg);
			return;
		}
	}
	if (m->nr_warnings >= 1000) {
		free(msg);
		return;
	}
	m->warnings = xrealloc(m->warnings, (m->nr_warnings + 1) * sizeof(char *));
	m->warnings[m->nr_warnings++] = msg;
}

/* ---- maps ---- */

struct map_node {
	struct map map;		/* first: a struct map * is its node */
	struct map_node *l, *r;
	u64 prio;
};

static u64 maps_rng = 0x853c49e6748fea9bull;

/* Priorities: a xorshift stream, independent of anything in the data. */
static struct map_node *map_node__new(const struct map *map)
{
	struct map_node *n = xmalloc(sizeof(*n));

	maps_rng ^= maps_rng << 13;
	maps_rng ^= maps_rng >> 7;
	maps_rng ^= maps_rng << 17;
	n->map = *map;
	n->l = n->r = NULL;
	n->prio = maps_rng;
	return n;
}

static void map_node__free_all(struct map_node *n, size_t *nr)
{
	while (n) {
		struct map_node *r = n->r;

		map_node__free_all(n->l, nr);
		free(n);
		(*nr)--;
		n = r;
	}
}

/* Splits @t into starts < @key and starts >= @key. */
static void map_split(struct map_node *t, u64 key, struct map_node **lo, struct map_node **hi)
{
	struct map_node **lp = lo, **hp = hi;

	while (t) {
		if (t->map.start < key) {
			*lp = t;
			lp = &t->r;
			t = t->r;
		} else {
			*hp = t;
			hp = &t->l;
			t = t->l;
		}
	}
	*lp = *hp = NULL;
}

/* Joins @a and @b, every start in @a below every start in @b. */
static struct map_node *map_merge(struct map_node *a, struct map_node *b)
{
	struct map_node *root = NULL, **p = &root;

	while (a && b) {
		if (a->prio > b->prio) {
			*p = a;
			p = &a->r;
			a = a->r;
		} else {
			*p = b;
			p = &b->l;
			b = b->l;
		}
	}
	*p = a ? a : b;
	return root;
}

static struct map_node *map_max(struct map_node *t)
{
	while (t && t->r)
		t = t->r;
	return t;
}

static struct maps *maps__new(void)
{
	struct maps *maps = xzalloc(sizeof(*maps));

	maps->refcnt = 1;
	return maps;
}

static struct maps *maps__get(struct maps *maps)
{
	maps->refcnt++;
	return maps;
}

void maps__clear(struct maps *maps)
{
	map_node__free_all(maps->root, &maps->nr);
	maps->root = NULL;
	maps->last = NULL;
}

static void maps__put(struct maps *maps)
{
	if (maps && --maps->refcnt == 0) {
		maps__clear(maps);
		free(maps);
	}
}

/* The node with the greatest start <= @ip, or NULL. */
static struct map_node *maps__floor(const struct maps *maps, u64 ip)
{
	struct map_node *t = maps->root, *best = NULL;

	while (t) {
		if (t->map.start <= ip) {
			best = t;
			t = t->r;
		} else {
			t = t->l;
		}
	}
	return best;
}

struct map *maps__find(struct maps *maps, u64 ip)
{
	struct map_node *n = maps->last;

	if (n && ip >= n->map.start && ip < n->map.end)
		return &n->map;
	n = maps__floor(maps, ip);
	if (n && ip < n->map.end) {
		maps->last = n;
		return &n->map;
	}
	return NULL;
}

struct map *maps__first(struct maps *maps)
{
	struct map_node *t = maps->root;

	while (t && t->l)
		t = t->l;
	return t ? &t->map : NULL;
}

struct map *maps__next(struct maps *maps, const struct map *map)
{
	struct map_node *t = maps->root, *best = NULL;

	while (t) {
		if (t->map.start > map->start) {
			best = t;
			t = t->l;
		} else {
			t = t->r;
		}
	}
	return best ? &best->map : NULL;
}

/*
 * Inserts @new, trimming or splitting whatever it overlaps: split the tree
 * at new's start and end, trim the map reaching in from below, keep the
 * tail of the last covered one, drop the rest. O(log n) expected, plus
 * one free for each map dropped.
 */
static void maps__insert(struct maps *maps, const struct map *new)
{
	struct map_node *lo, *mid, *hi, *below, *last, *tail = NULL;

	if (new->end <= new->start)
		return;
	map_split(maps->root, new->start, &lo, &hi);
	below = map_max(lo);
	if (below && below->map.end > new->start) {
		if (below->map.end > new->end) {
			struct map after = below->map;

			after.pgoff += new->end - after.start;
			after.start = new->end;
			tail = map_node__new(&after);
			maps->nr++;
		}
		below->map.end = new->start;
	}
	map_split(hi, new->end, &mid, &hi);
	last = map_max(mid);
	if (last && last->map.end > new->end) {
		struct map after = last->map;

		after.pgoff += new->end - after.start;
		after.start = new->end;
		tail = map_node__new(&after);
		maps->nr++;
	}
	if (mid)
		maps->last = NULL;
	map_node__free_all(mid, &maps->nr);
	maps->nr++;
	maps->root = map_merge(map_merge(lo, map_node__new(new)), map_merge(tail, hi));
}

static struct map_node *map_node__clone(const struct map_node *src)
{
	struct map_node *n;

	if (!src)
		return NULL;
	n = xmalloc(sizeof(*n));
	*n = *src;
	n->l = map_node__clone(src->l);
	n->r = map_node__clone(src->r);
	return n;
}

static struct maps *maps__clone(const struct maps *src)
{
	struct maps *maps = maps__new();

	maps->root = map_node__clone(src->root);
	maps->nr = src->nr;
	return maps;
}

/* ---- dsos ---- */

static const char *basename_of(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static bool is_anon_name(const char *name)
{
	return !strncmp(name, "//", 2) || !strncmp(name, "[heap]", 6) ||
	       !strncmp(name, "[stack", 6) || !strcmp(name, "/dev/zero") ||
	       !strncmp(name, "/anon_hugepage", 14) || !strncmp(name, "/SYSV", 5) ||
	       !strcmp(name, "[vsyscall]") || !strncmp(name, "anon_inode:", 11) ||
	       !strncmp(name, "/dev/dri/", 9);
}

/*
 * Executable memory with no file behind it (perf's anonymous and "no DSO"
 * names): JIT code. As perf does, it is named after the process's perf
 * map, /tmp/perf-PID.map, whose symbols name it when the file exists.
 */
static bool is_jit_name(const char *name, u32 flags)
{
	return !strcmp(name, "//anon") || !strncmp(name, "/dev/zero", 9) ||
	       !strncmp(name, "/anon_hugepage", 14) || (flags & MAP_HUGETLB) ||
	       !strncmp(name, "[stack", 6) || !strncmp(name, "/SYSV", 5) ||
	       !strcmp(name, "[heap]");
}

static struct dso *machine__findnew_dso(struct machine *machine, const char *name,
					enum dso_kind kind, const char *short_name)
{
	struct dso *dso;
	long n = str_set__find(&machine->dso_names, name);

	if (n >= 0)
		for (dso = machine->dso_by_name[n]; dso; dso = dso->name_next)
			if (dso->kind == kind)
				return dso;
	if (n < 0) {
		n = (long)str_set__add(&machine->dso_names, name);
		ALLOC_GROW(machine->dso_by_name, (size_t)n + 1, machine->dso_by_name_alloc);
		machine->dso_by_name[n] = NULL;
	}
	dso = xzalloc(sizeof(*dso));
	dso->name_next = machine->dso_by_name[n];
	machine->dso_by_name[n] = dso;
	dso->long_name = xstrdup(name);
	if (short_name)
		dso->short_name = xstrdup(short_name);
	else if (name[0] == '[' || !strncmp(name, "//", 2))
		dso->short_name = xstrdup(name);
	else
		dso->short_name = xstrdup(basename_of(name));
	dso->name_hash = str_hash(dso->short_name);
	dso->kind = kind;
	dso->machine = machine;
	dso->next = machine->dsos;
	machine->dsos = dso;
	return dso;
}

const char *map__dso_name(const struct dso *dso)
{
	return dso ? dso->short_name : "[unknown]";
}

static void dso__delete(struct dso *dso)
{
	if (dso->elf) {
		elf_image__exit(dso->elf);
		free(dso->elf);
	}
	unwind__dso_free(dso);
	free(dso->data_path);
	free(dso->data_buf);
	if (dso->jit_syms) {
		symtab__exit(dso->jit_syms);
		free(dso->jit_syms);
	}
	free(dso->long_name);
	free(dso->short_name);
	free(dso);
}

/* Copies the running process's vDSO image; same kernel, same vDSO. */
static void *vdso_image(size_t *len)
{
	unsigned long base = getauxval(AT_SYSINFO_EHDR);
	FILE *f;
	char line[512];
	void *img = NULL;

	if (!base)
		return NULL;
	f = fopen("/proc/self/maps", "r");
	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		unsigned long s, e;

		if (sscanf(line, "%lx-%lx", &s, &e) == 2 && s == base && strstr(line, "[vdso]")) {
			*len = e - s;
			img = xmalloc(*len);
			memcpy(img, (void *)s, *len);
			break;
		}
	}
	fclose(f);
	return img;
}

static void bid_hex(const u8 *bid, u8 size, char *out)
{
	u8 i;

	for (i = 0; i < size; i++)
		snprintf(out + 2 * i, 3, "%02x", bid[i]);
	out[2 * size] = '\0';
}

static bool file_exists(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode);
}

static void dso__load_user(struct machines *m, struct dso *dso)
{
	char err[512], hex[41], *debug = NULL, *cache = NULL, *runtime = NULL;
	u8 bid[BUILD_ID_SIZE];
	int bid_size;
	struct elf_image *img;

	if (dso->kind == DSO_VDSO) {
		size_t len = 0;
		void *buf;

		if (dso->build_id_size) {
			bid_hex(dso->build_id, dso->build_id_size, hex);
			cache = xasprintf("%s/.debug/[vdso]/%s/vdso", getenv("HOME") ?: "/root", hex);
			if (file_exists(cache)) {
				runtime = cache;
				cache = NULL;
			}
		}
		if (!runtime) {
			buf = vdso_image(&len);
			if (!buf)
				goto out;
			bid_size = elf__read_build_id(NULL, buf, len, bid);
			if (dso->build_id_size && (bid_size != dso->build_id_size ||
						   memcmp(bid, dso->build_id, (size_t)bid_size))) {
				dso->untrusted = true;
				machines__warn_once(m, "[vdso] of the recording differs from this "
						    "kernel's: its samples are not resolved");
				free(buf);
				goto out;
			}
			img = xzalloc(sizeof(*img));
			if (!elf__load(img, NULL, NULL, buf, len, err, sizeof(err)))
				dso->elf = img;
			else
				free(img);
			dso->data_buf = buf;	/* the unwinder reads it */
			dso->data_len = len;
			goto out;
		}
	} else {
		struct stat st;

		/* Never open a device node or FIFO a process mapped. */
		if (!stat(dso->long_name, &st) && !S_ISREG(st.st_mode))
			goto out;
		runtime = xstrdup(dso->long_name);
		bid_size = elf__read_build_id(runtime, NULL, 0, bid);
		if (dso->build_id_size && (bid_size != dso->build_id_size ||
					   memcmp(bid, dso->build_id, dso->build_id_size))) {
			/* Changed since recording: perf's build-id cache may hold the old one. */
			bid_hex(dso->build_id, dso->build_id_size, hex);
			cache = xasprintf("%s/.debug/.build-id/%.2s/%s", getenv("HOME") ?: "/root",
					  hex, hex + 2);
			if (file_exists(cache)) {
				free(runtime);
				runtime = cache;
				cache = NULL;
			} else {
				dso->untrusted = true;
				if (bid_size < 0)
					machines__warn_once(m, "cannot read '%s' (%s): its samples "
							    "are not resolved", dso->long_name,
							    strerror(-bid_size));
				else
					machines__warn_once(m, "'%s' changed since recording "
							    "(build-id differs): its samples are not "
							    "resolved", dso->long_name);
				goto out;
			}
		}
		if (!dso->build_id_size && bid_size > 0) {
			memcpy(dso->build_id, bid, (size_t)bid_size);
			dso->build_id_size = (u8)bid_size;
		}
	}
	dso->data_path = xstrdup(runtime);
	if (dso->build_id_size) {
		bid_hex(dso->build_id, dso->build_id_size, hex);
		debug = xasprintf("/usr/lib/debug/.build-id/%.2s/%s.debug", hex, hex + 2);
		if (elf__has_symtab(debug) != 1) {
			free(debug);
			debug = NULL;
		}
	}
	img = xzalloc(sizeof(*img));
	if (elf__load(img, debug ? debug : runtime, runtime, NULL, 0, err, sizeof(err))) {
		pr_debug("%s", err);
		free(img);
	} else {
		dso->elf = img;
	}
out:
	free(debug);
	free(cache);
	free(runtime);
}

static void machine__load_kernel(struct machines *m, struct machine *machine);

/* The build-id the data file recorded for a host DSO, if any. */
static void dso__find_recorded_build_id(struct machines *m, struct dso *dso)
{
	const struct header_info *hi;
	size_t i;

	long n;

	if (dso->build_id_size || !m->data)
		return;
	hi = &m->data->info;
	if (!m->bid_indexed) {
		m->bid_indexed = true;
		m->bid_entry = xcalloc(hi->nr_build_ids ? hi->nr_build_ids : 1,
				       sizeof(*m->bid_entry));
		for (i = 0; i < hi->nr_build_ids; i++) {
			const struct build_id_entry *e = &hi->build_ids[i];

			if (e->pid != -1 || !e->size || str_set__find(&m->bid_names, e->filename) >= 0)
				continue;
			m->bid_entry[str_set__add(&m->bid_names, e->filename)] = i;
		}
	}
	n = str_set__find(&m->bid_names, dso->long_name);
	if (n >= 0) {
		const struct build_id_entry *e = &hi->build_ids[m->bid_entry[n]];

		memcpy(dso->build_id, e->build_id, e->size);
		dso->build_id_size = e->size;
	}
}

#define PERF_MAP_MAX	(256u << 20)	/* bytes of a perf map read at most */

/*
 * Loads a perf map: lines "START SIZE NAME", START and SIZE in hex. A line
 * that does not parse, or a symbol of size 0 (it covers nothing), is
 * skipped. A missing file leaves the DSO without symbols, as in perf.
 */
static void dso__load_perf_map(struct dso *dso)
{
	char *buf = NULL, *line, *next;
	size_t len = 0;
	struct symtab *tab;
	int err;

	err = read_file_maybe_gz(dso->long_name, PERF_MAP_MAX, &buf, &len);
	if (err) {
		if (err != -ENOENT)
			pr_warning("cannot read '%s': %s", dso->long_name, file__strerror(err));
		return;
	}
	tab = xzalloc(sizeof(*tab));
	symtab__init(tab);
	for (line = buf; line < buf + len; line = next) {
		char *end, *name;
		u64 start, size;
		size_t n;

		next = memchr(line, '\n', buf + len - line);
		next = next ? next + 1 : buf + len;
		errno = 0;
		start = strtoull(line, &end, 16);
		if (end == line || *end != ' ' || errno)
			continue;
		name = end + 1;
		size = strtoull(name, &end, 16);
		if (end == name || *end != ' ' || errno || !size || start + size < start)
			continue;
		name = end + 1;
		n = next - name;
		while (n && (name[n - 1] == '\n' || name[n - 1] == '\r'))
			n--;
		if (n && !memchr(name, '\0', n))
			symtab__add(tab, start, size, STB_GLOBAL, STT_FUNC, name, n);
	}
	free(buf);
	symtab__finish(tab, false);
	dso->jit_syms = tab;
}

static void dso__load(struct machines *m, struct dso *dso)
{
	dso->loaded = true;
	dso__find_recorded_build_id(m, dso);
	switch (dso->kind) {
	case DSO_USER:
	case DSO_VDSO:
		if (dso->machine->flags & MACHINE_GUEST)
			return;
		dso__load_user(m, dso);
		return;
	case DSO_KERNEL:
	case DSO_MODULE:
		machine__load_kernel(m, dso->machine);
		return;
	case DSO_JIT:
		if (!(dso->machine->flags & MACHINE_GUEST))
			dso__load_perf_map(dso);
		return;
	default:
		return;
	}
}

/* ---- kernels ---- */

static u16 module_owner(const struct machine *machine, const char *modname)
{
	return machine->ks ? kallsyms__module_owner(machine->ks, modname) : 0;
}

/* "[jbd2]" or "/lib/modules/.../jbd2.ko(.xz)" -> "jbd2" */
static char *module_name_of(const char *filename)
{
	const char *b = basename_of(filename);
	size_t n;
	char *s, *p;

	if (b[0] == '[') {
		n = strlen(b);
		return xstrndup(b + 1, n > 2 ? n - 2 : 0);
	}
	s = xstrdup(b);
	p = strstr(s, ".ko");
	if (p)
		*p = '\0';
	for (p = s; *p; p++)
		if (*p == '-')
			*p = '_';
	return s;
}

/* Guest symbol files carried in the data file, for machine @pid. */
static int load_carried_file(struct machines *m, s32 pid, u32 kind, char **buf, size_t *len)
{
	const struct header_info *hi = &m->data->info;
	size_t off = 0;

	while (hi->guest_files && off + sizeof(struct guest_file_hdr) <= hi->guest_files_size) {
		struct guest_file_hdr h;

		memcpy(&h, hi->guest_files + off, sizeof(h));
		off += sizeof(h);
		if (h.size > hi->guest_files_size - off)
			return -EINVAL;
		if (h.pid == pid && h.kind == kind)
			return gunzip_buf(hi->guest_files + off, h.size, KALLSYMS_MAX_BYTES, buf, len);
		off += PERF_ALIGN(h.size, 8);
	}
	return -ENOENT;
}

static int machine__load_kallsyms(struct machines *m, struct machine *machine,
				  char *err, size_t errlen)
{
	struct kallsyms *ks = xzalloc(sizeof(*ks));
	int ret;

	if (machine->kallsyms_path) {
		ret = kallsyms__load(ks, machine->kallsyms_path, err, errlen);
	} else if (machine->flags & MACHINE_GUEST) {
		char *buf;
		size_t len;
		char name[64];

		ret = load_carried_file(m, machine->pid, GUEST_FILE_KALLSYMS, &buf, &len);
		if (ret) {
			snprintf(err, errlen, "no kallsyms for %s", machine->name);
		} else {
			snprintf(name, sizeof(name), "%s: kallsyms stored in the data file",
				 machine->name);
			ret = kallsyms__parse(ks, buf, len, name, err, errlen);
			free(buf);
		}
	} else {
		ret = kallsyms__load(ks, m->kallsyms_path ? m->kallsyms_path : "/proc/kallsyms",
				     err, errlen);
	}
	if (ret) {
		free(ks);
		return ret;
	}
	machine->ks = ks;
	return 0;
}

static int machine__load_modules(struct machines *m, struct machine *machine,
				 char *err, size_t errlen)
{
	char *buf;
	size_t len;
	char name[64];
	int ret;

	if (machine->modules_path)
		return modules__load(machine->modules_path, &machine->mods, &machine->nr_mods,
				     err, errlen);
	ret = load_carried_file(m, machine->pid, GUEST_FILE_MODULES, &buf, &len);
	if (ret == -ENOENT)
		return 0;
	if (ret) {
		snprintf(err, errlen, "%s: cannot read the modules stored in the data file",
			 machine->name);
		return ret;
	}
	snprintf(name, sizeof(name), "%s: modules stored in the data file", machine->name);
	ret = modules__parse(buf, len, name, &machine->mods, &machine->nr_mods, err, errlen);
	free(buf);
	return ret;
}

static void machine__add_kmap(struct machine *machine, u64 start, u64 end, u64 pgoff,
			      struct dso *dso)
{
	struct map map = { .start = start, .end = end, .pgoff = pgoff, .dso = dso };

	maps__insert(&machine->kmaps, &map);
}

/* Module symbols from DIR/<pid>/lib/modules/.../NAME.ko when kallsyms has none. */
static void guest__load_ko(struct machines *m, struct machine *machine, struct dso *dso,
			   const struct kmodule *km)
{
	char *path = kmod__find(machine->root, km->name), err[512];
	struct elf_image *img;

	if (!path)
		return;
	img = xzalloc(sizeof(*img));
	if (kmod__load(img, path, km->start, err, sizeof(err))) {
		machines__warn_once(m, "%s: %s", machine->name, err);
		free(img);
	} else {
		dso->elf = img;
		pr_debug("%s: %s symbols from %s", machine->name, km->name, path);
	}
	free(path);
}

/*
 * One guest module's map, from its modules file line or, when the guest
 * has no modules file, from the recording's module map record. Symbols
 * come from kallsyms' [module] lines, else from a .ko under --guestmount.
 */
static void guest__add_module(struct machines *m, struct machine *machine,
			      const struct kmodule *km, bool recorded)
{
	const char *src = recorded ? "the recording's module maps" : "the modules file";
	char *dname = xasprintf("[%s]", km->name);
	struct dso *dso = machine__findnew_dso(machine, dname, DSO_MODULE, NULL);

	free(dname);
	dso->loaded = true;
	dso->owner = module_owner(machine, km->name);
	if (!dso->owner && machine->root && !dso->elf)
		guest__load_ko(m, machine, dso, km);
	if (!dso->owner && !dso->elf && machine->ks)
		machines__warn_once(m, "%s: module %s is in %s but has no symbols in kallsyms%s "
				    "(kallsyms/modules inconsistency)", machine->name, km->name,
				    src, machine->root ? " nor a .ko file" : "");
	if (km->start < machine->kernel_map_end && km->start + km->size >
	    machine->kernel_map_start)
		machines__warn_once(m, "%s: module %s [%#" PRIx64 "-%#" PRIx64 ") in %s overlaps "
				    "the core kernel (kallsyms/modules inconsistency)",
				    machine->name, km->name, km->start, km->start + km->size, src);
	machine__add_kmap(machine, km->start, km->start + km->size, km->start, dso);
}

/*
 * A guest's kernel layout comes from its symbol files, not from the map
 * records: the core kernel spans its kallsyms core symbols, each module
 * its /proc/modules range (without a modules file, as perf does, the
 * range its module map record gives). The recorded _text, when there is one, gives
 * the KASLR relocation of the core kernel.
 */
static void guest__build_kmaps(struct machines *m, struct machine *machine)
{
	const struct kallsyms *ks = machine->ks;
	u64 lo = UINT64_MAX, hi = 0;
	size_t i;

	for (i = 0; ks && i < ks->tab.nr; i++) {
		const struct symbol *s = &ks->tab.syms[i];

		if (s->owner || !s->start)
			continue;
		if (s->start < lo)
			lo = s->start;
		if (s->end > hi)
			hi = s->end;
	}
	if (machine->vmlinux) {
		for (i = 0; i < machine->vmlinux->tab.nr; i++) {
			const struct symbol *s = &machine->vmlinux->tab.syms[i];

			if (s->start < lo)
				lo = s->start;
			if (s->end > hi)
				hi = s->end;
		}
	}
	if (ks && ks->has_text && ks->text > lo && ks->text < hi)
		lo = ks->text;
	if (lo < hi) {
		u64 text = lo;

		if (ks && ks->has_text) {
			text = ks->text;
		} else if (machine->vmlinux) {
			const struct symbol *t = symtab__find_name(&machine->vmlinux->tab, "_text");

			if (t)
				text = t->start;
		}

		if (machine->has_text_recorded && machine->text_recorded != text) {
			machine->reloc = (s64)(machine->text_recorded - text);
			machines__warn_once(m, "%s: the recording's kernel _text is %#" PRIx64
					    " but the symbol files say %#" PRIx64 ": the guest "
					    "rebooted or KASLR moved it; core kernel symbols are "
					    "relocated by %+" PRId64 ", module symbols are likely "
					    "stale", machine->name, machine->text_recorded, text,
					    machine->reloc);
		}
		machine->kernel_map_start = lo + (u64)machine->reloc;
		machine->kernel_map_end = hi + (u64)machine->reloc;
		machine__add_kmap(machine, machine->kernel_map_start, machine->kernel_map_end,
				  machine->kernel_map_start, machine->kernel_dso);
	}
	if (machine->nr_mods) {
		for (i = 0; i < machine->nr_mods; i++)
			guest__add_module(m, machine, &machine->mods[i], false);
	} else {
		for (i = 0; i < machine->nr_rec_mods; i++)
			guest__add_module(m, machine, &machine->rec_mods[i], true);
	}
	/* kallsyms module symbols whose module the modules file lacks. */
	for (i = 0; ks && i < ks->nr_modnames; i++) {
		size_t j;
		bool found = false;

		/* BPF programs and ftrace/kprobe trampolines are not modules. */
		if (!strcmp(ks->modnames[i], "bpf") || !strncmp(ks->modnames[i], "__builtin__", 11))
			continue;
		for (j = 0; j < machine->nr_mods && !found; j++)
			found = !strcmp(machine->mods[j].name, ks->modnames[i]);
		if (!found && machine->nr_mods)
			machines__warn_once(m, "%s: kallsyms has symbols of module %s, which the "
					    "modules file does not list (kallsyms/modules "
					    "inconsistency)", machine->name, ks->modnames[i]);
	}
}

void machines__load_dso(struct machines *m, struct dso *dso)
{
	if (!dso->loaded)
		dso__load(m, dso);
}

/*
 * A kernel image is linked (ET_EXEC) at a kernel address and keeps its
 * symbols; /bin/ls and other programs are not, and would make every
 * guest kernel sample silently unresolved. On failure @img's contents
 * are freed and the reason is in @err.
 */
static bool vmlinux__check(struct elf_image *img, const char *path, char *err, size_t errlen)
{
	const char *why = NULL;
	bool high = false;
	size_t i;

	for (i = 0; i < img->nr_segs; i++)
		high |= img->segs[i].vaddr >= 0xc0000000ull;
	if (img->e_type != ET_EXEC)
		why = "not an executable ELF file (ET_EXEC) as a vmlinux is";
	else if (!high)
		why = "nothing in it is loaded at a kernel address";
	else if (!img->tab.nr)
		why = "it has no symbols (a stripped image)";
	if (!why)
		return true;
	snprintf(err, errlen, "'%s' is not a kernel image: %s", path, why);
	elf_image__exit(img);
	return false;
}

static void machine__load_kernel(struct machines *m, struct machine *machine)
{
	char err[512];
	struct dso *dso;
	int ret;

	if (machine->ks_tried)
		return;
	machine->ks_tried = true;
	for (dso = machine->dsos; dso; dso = dso->next)
		if (dso->kind == DSO_KERNEL || dso->kind == DSO_MODULE)
			dso->loaded = true;
	if (machine->flags & MACHINE_NO_SYMBOLS)
		return;
	if (machine->vmlinux_path) {
		struct elf_image *img = xzalloc(sizeof(*img));

		if (elf__load(img, machine->vmlinux_path, machine->vmlinux_path, NULL, 0, err,
			      sizeof(err)) || !vmlinux__check(img, machine->vmlinux_path, err,
							     sizeof(err))) {
			machines__warn_once(m, "%s: %s", machine->name, err);
			if (!machine->load_error)
				machine->load_error = xstrdup(err);
			free(img);
		} else {
			machine->vmlinux = img;
		}
	}
	if (machine->kallsyms_path || !(machine->flags & MACHINE_GUEST) ||
	    !machine->vmlinux) {
		ret = machine__load_kallsyms(m, machine, err, sizeof(err));
		if (ret) {
			if (!machine->load_error)
				machine->load_error = xstrdup(err);
			if (!(machine->flags & MACHINE_GUEST) || machine->kallsyms_path ||
			    ret != -ENOENT)
				machines__warn_once(m, "%s", err);
		}
	}
	if (machine->flags & MACHINE_GUEST) {
		ret = machine__load_modules(m, machine, err, sizeof(err));
		if (ret) {
			machines__warn_once(m, "%s", err);
			if (!machine->load_error)
				machine->load_error = xstrdup(err);
		}
		guest__build_kmaps(m, machine);
		return;
	}
	/* Host: the map records laid out the kmaps; relocate by _text, and say so. */
	if (machine->ks && machine->ks->has_text && machine->has_text_recorded)
		machine->reloc = (s64)(machine->text_recorded - machine->ks->text);
	if (machine->reloc)
		machines__warn_once(m, "%s: the recording's kernel _text is %#" PRIx64 " but "
				    "'%s' says %#" PRIx64 ": the host rebooted (KASLR moved the "
				    "kernel) or that file is of another kernel; kernel symbols are "
				    "relocated by %+" PRId64 " (wrong if it is another kernel), "
				    "module symbols are likely stale", machine->name,
				    machine->text_recorded,
				    m->kallsyms_path ? m->kallsyms_path : "/proc/kallsyms",
				    machine->ks->text, machine->reloc);
	for (dso = machine->dsos; dso; dso = dso->next) {
		if (dso->kind == DSO_MODULE) {
			char *name = module_name_of(dso->long_name);

			dso->owner = module_owner(machine, name);
			free(name);
		}
	}
}

/* ---- machines ---- */

static void thread__set_comm(struct machines *m, struct thread *t, const char *comm);

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

	for (i = 0; i < machine->thash_size; i++) {
		struct thread *t = machine->thash[i], *n;

		for (; t; t = n) {
			n = t->hnext;
			maps__put(t->maps);
			free(t);
		}
	}
	free(machine->thash);
	str_set__exit(&machine->dso_names);
	free(machine->dso_by_name);
	while (machine->dsos) {
		struct dso *d = machine->dsos;

		machine->dsos = d->next;
		dso__delete(d);
	}
	maps__clear(&machine->kmaps);
	if (machine->ks) {
		kallsyms__exit(machine->ks);
		free(machine->ks);
	}
	if (machine->vmlinux) {
		elf_image__exit(machine->vmlinux);
		free(machine->vmlinux);
	}
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
	m->data = data;
	/* The idle task has no COMM record; name it as perf does. */
	thread__set_comm(m, machine__findnew_thread(&m->host, m, 0, 0), "swapper");
}

void machines__exit(struct machines *m)
{
	size_t i;

	free(m->rcache);
	machine__exit(&m->host);
	while (m->guests) {
		struct machine *g = m->guests;

		m->guests = g->next;
		machine__exit(g);
		free(g);
	}
	str_set__exit(&m->comms);
	str_set__exit(&m->bid_names);
	free(m->bid_entry);
	for (i = 0; i < m->nr_warnings; i++)
		free(m->warnings[i]);
	free(m->warnings);
}

static struct machine *machines__find(struct machines *m, s32 pid)
{
	struct machine *g;

	for (g = m->guests; g; g = g->next)
		if (g->pid == pid)
			return g;
	return NULL;
}

static struct machine *machines__add_guest(struct machines *m, s32 pid, const char *name)
{
	struct machine *g = xzalloc(sizeof(*g)), **pp;

	machine__init(g, pid, name);
	/* Keep them sorted by pid: reports list guests in a stable order. */
	for (pp = &m->guests; *pp && (*pp)->pid < pid; pp = &(*pp)->next)
		;
	g->next = *pp;
	*pp = g;
	return g;
}

/* A QEMU command line's "-name guest=NAME,..." or "-name NAME". */
static char *qemu_vm_name(const struct machines *m, s32 pid)
{
	char path[64], buf[4096];
	FILE *f;
	size_t n, i;
	char *res = NULL;

	(void)m;
	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	for (i = 0; i < n; i += strlen(buf + i) + 1) {
		if (!strcmp(buf + i, "-name") && i + 5 < n) {
			const char *v = buf + i + 6;
			const char *g = strstr(v, "guest=");
			size_t len;

			if (g)
				v = g + 6;
			len = strcspn(v, ",");
			res = xstrndup(v, len);
			break;
		}
	}
	return res;
}

struct machine *machines__find_guest(struct machines *m, s32 pid)
{
	struct machine *g = machines__find(m, pid);
	char name[128];
	char *vm;

	if (g)
		return g;
	/* Only the default guest stands in for others, and only without --guestmount. */
	g = machines__find(m, 0);
	if (g && !g->root)
		return g;
	/* A guest with no symbol files: counted, named, never mapped to another's. */
	vm = qemu_vm_name(m, pid);
	if (vm)
		snprintf(name, sizeof(name), "guest %d (%s)", pid, vm);
	else
		snprintf(name, sizeof(name), "guest %d", pid);
	free(vm);
	g = machines__add_guest(m, pid, name);
	g->flags |= MACHINE_NO_SYMBOLS;
	machines__warn_once(m, "%s: no symbol files (not under --guestmount, none given, none "
			    "in the data file): its kernel samples stay unresolved", name);
	return g;
}

int machines__setup_guests(struct machines *m, const char *kallsyms, const char *modules,
			   const char *vmlinux, const char *mount, char *err, size_t errlen)
{
	const struct header_info *hi = m->data ? &m->data->info : NULL;
	struct machine *g;

	if (kallsyms || modules || vmlinux) {
		g = machines__add_guest(m, 0, "guest 0");
		g->kallsyms_path = kallsyms ? xstrdup(kallsyms) : NULL;
		g->modules_path = modules ? xstrdup(modules) : NULL;
		g->vmlinux_path = vmlinux ? xstrdup(vmlinux) : NULL;
		if (!kallsyms && !vmlinux) {
			snprintf(err, errlen, "--guestmodules needs --guestkallsyms or "
				 "--guestvmlinux for the core kernel's symbols");
			return -EINVAL;
		}
	}
	if (mount) {
		DIR *dir = opendir(mount);
		struct dirent *de;

		if (!dir) {
			snprintf(err, errlen, "cannot open --guestmount '%s': %s", mount,
				 strerror(errno));
			return -errno;
		}
		while ((de = readdir(dir))) {
			char *endp, name[128], *path = NULL, *vm, *root;
			long pid = strtol(de->d_name, &endp, 10);
			struct stat st;
			int e = -ENOENT;

			if (*endp || endp == de->d_name || pid <= 0 || pid > INT32_MAX)
				continue;
			if (machines__find(m, (s32)pid))
				continue;
			root = xasprintf("%s/%s", mount, de->d_name);
			if (lstat(root, &st) || !(S_ISDIR(st.st_mode) || S_ISLNK(st.st_mode))) {
				free(root);
				continue;
			}
			vm = qemu_vm_name(m, (s32)pid);
			if (vm)
				snprintf(name, sizeof(name), "guest %ld (%s)", pid, vm);
			else
				snprintf(name, sizeof(name), "guest %ld", pid);
			free(vm);
			g = machines__add_guest(m, (s32)pid, name);
			/*
			 * Everything of a guest is read inside its tree: a link
			 * out of it (to the host's /proc, say) is refused.
			 */
			if (S_ISLNK(st.st_mode)) {
				g->flags |= MACHINE_NO_SYMBOLS;
				machines__warn_once(m, "%s: '%s' is a symbolic link: refused (a "
						    "guest's directory under --guestmount must be "
						    "the directory itself); its kernel samples stay "
						    "unresolved", name, root);
				free(root);
				continue;
			}
			g->root = guest_tree__resolve(root, ".", &e);
			if (g->root)
				path = guest_tree__resolve(root, "proc/kallsyms", &e);
			if (!g->root || !path) {
				g->flags |= MACHINE_NO_SYMBOLS;
				if (e == -ENOENT)
					machines__warn_once(m, "%s: %s has no proc/kallsyms: its "
							    "kernel samples stay unresolved", name,
							    root);
				else
					machines__warn_once(m, "%s: %s/proc/kallsyms: %s: its kernel "
							    "samples stay unresolved", name, root,
							    file__strerror(e));
				free(root);
				continue;
			}
			g->kallsyms_path = path;
			g->modules_path = guest_tree__resolve(root, "proc/modules", &e);
			if (!g->modules_path && e != -ENOENT)
				machines__warn_once(m, "%s: %s/proc/modules: %s", name, root,
						    file__strerror(e));
			free(root);
		}
		closedir(dir);
		/* The default guest must not stand in for unknown pids under --guestmount. */
		g = machines__find(m, 0);
		if (g)
			g->root = xstrdup(mount);
	}
	/* Guests whose files the data file carries. */
	if (hi && hi->guest_files) {
		size_t off = 0;

		while (off + sizeof(struct guest_file_hdr) <= hi->guest_files_size) {
			struct guest_file_hdr h;

			memcpy(&h, hi->guest_files + off, sizeof(h));
			off += sizeof(h);
			if (h.size > hi->guest_files_size - off) {
				snprintf(err, errlen, "%s: stored guest files are corrupt at "
					 "entry offset %#zx", m->data->path, off - sizeof(h));
				return -EINVAL;
			}
			if (h.pid >= 0 && !machines__find(m, h.pid)) {
				char name[64];

				snprintf(name, sizeof(name), "guest %d", h.pid);
				machines__add_guest(m, h.pid, name);
			}
			off += PERF_ALIGN(h.size, 8);
		}
	}
	return 0;
}

int machines__load_guest_symbols(struct machines *m, char *err, size_t errlen)
{
	struct machine *g;

	/* The host's -k file is read when a host kernel sample needs it: open it now. */
	if (m->kallsyms_path) {
		int fd = file__open_regular(m->kallsyms_path, KALLSYMS_MAX_BYTES);

		if (fd < 0 && fd != -EFBIG) {
			snprintf(err, errlen, "cannot read '%s': %s", m->kallsyms_path,
				 file__strerror(fd));
			return fd;
		}
		if (fd >= 0)
			close(fd);
	}

	for (g = m->guests; g; g = g->next) {
		if (g->flags & MACHINE_NO_SYMBOLS)
			continue;
		machine__load_kernel(m, g);
		if (g->load_error && (g->kallsyms_path || g->modules_path || g->vmlinux_path)) {
			str_copy(err, g->load_error, errlen);
			return -EINVAL;
		}
	}
	return 0;
}

/* ---- threads ---- */

/* Keyed: a file cannot choose tids that share a chain. */
static size_t tid_slot(const struct machine *machine, u32 tid)
{
	return (size_t)hash_u64(tid) & (machine->thash_size - 1);
}

static struct thread *machine__find_thread(struct machine *machine, u32 tid)
{
	struct thread *t;

	if (machine->last_thread && machine->last_thread->tid == tid)
		return machine->last_thread;
	if (!machine->thash_size)
		return NULL;
	for (t = machine->thash[tid_slot(machine, tid)]; t; t = t->hnext)
		if (t->tid == tid) {
			machine->last_thread = t;
			return t;
		}
	return NULL;
}

static void machine__hash_thread(struct machine *machine, struct thread *t)
{
	size_t i;

	if (machine->nr_threads + 1 > machine->thash_size) {
		size_t osz = machine->thash_size;
		struct thread **old = machine->thash;

		machine->thash_size = osz ? osz * 2 : 1024;
		machine->thash = xcalloc(machine->thash_size, sizeof(*machine->thash));
		for (i = 0; i < osz; i++) {
			struct thread *x = old[i], *n;

			for (; x; x = n) {
				n = x->hnext;
				x->hnext = machine->thash[tid_slot(machine, x->tid)];
				machine->thash[tid_slot(machine, x->tid)] = x;
			}
		}
		free(old);
	}
	t->hnext = machine->thash[tid_slot(machine, t->tid)];
	machine->thash[tid_slot(machine, t->tid)] = t;
	machine->nr_threads++;
}

static void machine__unhash_thread(struct machine *machine, struct thread *t)
{
	struct thread **pp = &machine->thash[tid_slot(machine, t->tid)];

	for (; *pp; pp = &(*pp)->hnext) {
		if (*pp == t) {
			*pp = t->hnext;
			machine->nr_threads--;
			break;
		}
	}
	if (machine->last_thread == t)
		machine->last_thread = NULL;
	maps__put(t->maps);
	free(t);
}

static void thread__set_comm(struct machines *m, struct thread *t, const char *comm)
{
	t->comm = comm__intern(m, comm);
	t->vcpu = comm__vcpu(comm);
}

static struct thread *thread__new(struct machines *m, u32 pid, u32 tid)
{
	struct thread *t = xzalloc(sizeof(*t));
	char comm[32];

	t->pid = pid;
	t->tid = tid;
	snprintf(comm, sizeof(comm), ":%d", (int)tid);
	thread__set_comm(m, t, comm);
	return t;
}

struct thread *machine__findnew_thread(struct machine *machine, struct machines *m,
				       u32 pid, u32 tid)
{
	struct thread *t = machine__find_thread(machine, tid);

	if (t) {
		if (t->pid == (u32)-1 && pid == tid)
			t->pid = pid;	/* a leader: its maps are its own already */
		if (t->pid == (u32)-1 && pid != (u32)-1 && pid != tid) {
			/* Now we know its process: share the leader's maps. */
			struct thread *leader = machine__findnew_thread(machine, m, pid, pid);

			maps__put(t->maps);
			t->maps = maps__get(leader->maps);
			t->pid = pid;
		}
		return t;
	}
	t = thread__new(m, pid, tid);
	if (pid == (u32)-1 || pid == tid) {
		t->maps = maps__new();
	} else {
		struct thread *leader = machine__findnew_thread(machine, m, pid, pid);

		t->maps = maps__get(leader->maps);
	}
	machine__hash_thread(machine, t);
	machine->last_thread = t;
	return t;
}

/* ---- events ---- */

static struct machine *machines__for_event(struct machines *m, u8 cpumode, s32 pid)
{
	if (cpumode == PERF_RECORD_MISC_GUEST_KERNEL || cpumode == PERF_RECORD_MISC_GUEST_USER)
		return machines__find_guest(m, pid);
	return &m->host;
}

/*
 * A guest module map record, kept for a guest without a modules file
 * (--guestkallsyms alone): perf lays such a guest's modules out from
 * these records and names their symbols from kallsyms' [module] lines.
 */
static void guest__record_module(struct machines *m, struct machine *machine, u64 start,
				 u64 end, const char *filename)
{
	struct kmodule *km;
	char *name;
	u32 idx;

	if (machine->nr_rec_mods >= MAX_MODULES) {
		machines__warn_once(m, "%s: module map records of more than %u modules: the "
				    "rest are ignored", machine->name, MAX_MODULES);
		return;
	}
	name = module_name_of(filename);
	if (!*name || end - start > MODULE_MAX_SIZE) {
		machines__warn_once(m, "%s: module map record '%s' [%#" PRIx64 "-%#" PRIx64 ") "
				    "ignored: not a module's name and size", machine->name,
				    filename, start, end);
		free(name);
		return;
	}
	/* Names are numbered in the order first seen, as rec_mods is filled. */
	idx = str_set__add(&machine->rec_mod_names, name);
	if (idx == machine->nr_rec_mods) {
		ALLOC_GROW(machine->rec_mods, machine->nr_rec_mods + 1, machine->alloc_rec_mods);
		km = &machine->rec_mods[machine->nr_rec_mods++];
		km->name = name;
	} else {
		free(name);
		km = &machine->rec_mods[idx];	/* reloaded: the last record holds */
		if (km->start == start && km->size == end - start)
			return;
	}
	km->start = start;
	km->size = end - start;
	if (machine->ks_tried && !machine->nr_mods && !(machine->flags & MACHINE_NO_SYMBOLS))
		guest__add_module(m, machine, km, true);
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
		machine__add_kmap(machine, start, end, start, dso);
	}
}

static void process_mmap(struct machines *m, const union perf_event *ev, u64 start, u64 len,
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

	if (cpumode == PERF_RECORD_MISC_KERNEL || cpumode == PERF_RECORD_MISC_GUEST_KERNEL) {
		process_kernel_mmap(m, cpumode, (s32)pid, start, len, pgoff, filename);
		return;
	}
	machine = machines__for_event(m, cpumode, (s32)pid);
	if (machine->flags & MACHINE_GUEST)
		return;	/* guest user space is not resolved */
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
	maps__insert(t->maps, &map);
}

/* Copies a record's NUL-terminated string, bounded by the record's end. */
static void record_string(const union perf_event *ev, const char *s, char *out, size_t outlen)
{
	const char *end = (const char *)ev + ev->header.size;
	size_t n = 0;

	while (s + n < end && s[n] && n + 1 < outlen)
		n++;
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
		process_mmap(m, ev, ev->mmap.start, ev->mmap.len, ev->mmap.pgoff, ev->mmap.pid,
			     ev->mmap.tid, name, NULL, 0, 0,
			     !(ev->header.misc & PERF_RECORD_MISC_MMAP_DATA));
		return 0;
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
		process_mmap(m, ev, ev->mmap2.start, ev->mmap2.len, ev->mmap2.pgoff,
			     ev->mmap2.pid, ev->mmap2.tid, name, bid, bid_size, ev->mmap2.flags,
			     !(ev->header.misc & PERF_RECORD_MISC_MMAP_DATA) &&
			     (ev->mmap2.prot & PROT_EXEC));
		return 0;
	}
	case PERF_RECORD_COMM: {
		struct thread *t;

		if (size < sizeof(struct comm_event))
			return -EINVAL;
		record_string(ev, ev->comm.comm, name, sizeof(name));
		t = machine__findnew_thread(&m->host, m, ev->comm.pid, ev->comm.tid);
		thread__set_comm(m, t, name);
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
		t = thread__new(m, ev->fork.pid, ev->fork.tid);
		t->comm = parent->comm;
		t->vcpu = parent->vcpu;
		if (ev->fork.pid == ev->fork.ppid) {
			/* A thread of the parent's process. */
			struct thread *leader = machine__findnew_thread(&m->host, m,
									ev->fork.pid,
									ev->fork.pid);

			t->maps = maps__get(leader->maps);
		} else if (ev->fork.pid == ev->fork.tid) {
			t->maps = maps__clone(parent->maps);
		} else {
			struct thread *leader = machine__findnew_thread(&m->host, m,
									ev->fork.pid,
									ev->fork.pid);

			t->maps = maps__get(leader->maps);
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
static struct map *kernel_map_past_end(struct maps *kmaps, u64 ip)
{
	struct map *k, *next;

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

static const struct symbol *kernel_symbol(struct machine *machine, struct dso *dso, u64 ip)
{
	const struct symbol *sym = NULL;
	u64 addr = ip - (u64)machine->reloc;

	if (dso->kind == DSO_KERNEL) {
		if (machine->vmlinux) {
			sym = symtab__find(&machine->vmlinux->tab, addr);
			if (sym)
				return sym;
		}
		if (machine->ks) {
			sym = symtab__find(&machine->ks->tab, addr);
			if (sym && sym->owner)
				sym = NULL;
		}
		return sym;
	}
	/* Modules are not relocated with the core kernel. */
	if (dso->elf)
		return symtab__find(&dso->elf->tab, ip);
	if (machine->ks && dso->owner) {
		sym = symtab__find(&machine->ks->tab, ip);
		if (sym && sym->owner != dso->owner)
			sym = NULL;
	}
	return sym;
}

static void resolve(struct machines *m, const struct perf_sample *s,
		       struct addr_location *al)
{
	struct machine *machine;
	struct map *map = NULL;

	memset(al, 0, sizeof(*al));
	al->cpumode = s->cpumode;
	al->addr = s->ip;
	al->thread = machine__findnew_thread(&m->host, m, s->pid, s->tid);
	switch (s->cpumode) {
	case PERF_RECORD_MISC_KERNEL:
		machine = &m->host;
		al->level = 'k';
		if (!machine->ks_tried)
			machine__load_kernel(m, machine);
		map = maps__find(&machine->kmaps, s->ip);
		if (!map)
			map = kernel_map_past_end(&machine->kmaps, s->ip);
		break;
	case PERF_RECORD_MISC_USER:
		machine = &m->host;
		al->level = '.';
		map = maps__find(al->thread->maps, s->ip);
		break;
	case PERF_RECORD_MISC_GUEST_KERNEL:
		machine = machines__find_guest(m, (s32)s->pid);
		al->level = 'g';
		if (!machine->ks_tried)
			machine__load_kernel(m, machine);
		map = maps__find(&machine->kmaps, s->ip);
		break;
	case PERF_RECORD_MISC_GUEST_USER:
		machine = machines__find_guest(m, (s32)s->pid);
		al->level = 'u';
		al->machine = machine;
		al->dso = machine->guest_user_dso;
		return;
	default:
		machine = &m->host;
		al->level = 'H';
		break;
	}
	al->machine = machine;
	if (!map)
		return;
	al->map = map;
	al->dso = map->dso;
	if (!map->dso->loaded)
		dso__load(m, map->dso);
	switch (map->dso->kind) {
	case DSO_KERNEL:
	case DSO_MODULE:
		al->sym = kernel_symbol(machine, map->dso, s->ip);
		break;
	case DSO_USER:
	case DSO_VDSO: {
		u64 off = s->ip - map->start + map->pgoff, vaddr;

		al->addr = off;
		if (map->dso->elf && elf_image__offset_to_vaddr(map->dso->elf, off, &vaddr))
			al->sym = symtab__find(&map->dso->elf->tab, vaddr);
		break;
	}
	case DSO_JIT:
		if (map->dso->jit_syms)
			al->sym = symtab__find(map->dso->jit_syms, s->ip);
		break;
	default:
		break;
	}
}

#define RCACHE_SLOTS	1024	/* a power of two */
#define RCACHE_WINDOW	16384	/* probes between looks at the hit rate */
#define RCACHE_PAUSE	(16 * RCACHE_WINDOW)

struct resolve_slot {
	u64 ip;
	u32 pid, tid;
	u64 gen;		/* 0: empty (gen starts at 1 when kept) */
	u8 cpumode;
	struct addr_location al;
};

static void resolve_cached(struct machines *m, const struct perf_sample *s,
			   struct addr_location *al)
{
	struct resolve_slot *slot;
	u64 h;

	if (m->rc_skip) {
		m->rc_skip--;
		resolve(m, s, al);
		return;
	}
	if (!m->rcache)
		m->rcache = xcalloc(RCACHE_SLOTS, sizeof(*m->rcache));
	if (!m->gen)
		m->gen = 1;
	h = (s->ip ^ (s->ip >> 13) ^ (u64)s->tid * 0x9e3779b97f4a7c15ull) * 0xff51afd7ed558ccdull;
	slot = &m->rcache[(h >> 40) & (RCACHE_SLOTS - 1)];
	if (slot->gen == m->gen && slot->ip == s->ip && slot->tid == s->tid &&
	    slot->pid == s->pid && slot->cpumode == s->cpumode) {
		*al = slot->al;
		m->rc_hits++;
	} else {
		resolve(m, s, al);
		slot->ip = s->ip;
		slot->pid = s->pid;
		slot->tid = s->tid;
		slot->cpumode = s->cpumode;
		slot->gen = m->gen;
		slot->al = *al;
	}
	if (++m->rc_probes == RCACHE_WINDOW) {
		if (m->rc_hits < RCACHE_WINDOW / 4)
			m->rc_skip = RCACHE_PAUSE;
		m->rc_probes = m->rc_hits = 0;
	}
}

void machines__resolve(struct machines *m, const struct perf_sample *s,
		       struct addr_location *al)
{
	resolve_cached(m, s, al);
	/* What the header's guest lines count, hit or miss. */
	if (s->cpumode == PERF_RECORD_MISC_GUEST_KERNEL) {
		al->machine->nr_kernel_samples++;
		if (!al->sym)
			al->machine->nr_kernel_unresolved++;
	} else if (s->cpumode == PERF_RECORD_MISC_GUEST_USER) {
		al->machine->nr_user_samples++;
	}
}

/* One resolved frame at @ip, in @cpumode. */
static void frame_at(struct machines *m, const struct perf_sample *s, u64 ip, u8 cpumode,
		     struct callchain_frame *f)
{
	struct perf_sample fs = *s;
	struct addr_location al;

	fs.ip = ip;
	fs.cpumode = cpumode;
	resolve_cached(m, &fs, &al);
	f->dso = al.dso;
	f->sym = al.sym;
	f->addr = al.sym ? 0 : ip;	/* as perf shows and compares unresolved frames */
	f->ip = ip;
	f->level = al.level;
	f->cpumode = al.cpumode;
}

size_t machines__resolve_callchain(struct machines *m, const struct perf_sample *s,
				   struct callchain_frame *frames, size_t max)
{
	u64 ips[CALLCHAIN_MAX_FRAMES];
	u8 cpumode = s->cpumode;
	size_t i, n = 0, nu;
	/* --call-graph dwarf: the user part comes from unwinding the stack copy. */
	bool unwind = s->user_regs && s->user_stack_size &&
		      (s->cpumode == PERF_RECORD_MISC_USER || s->cpumode == PERF_RECORD_MISC_KERNEL);

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
			default:	/* PERF_CONTEXT_GUEST: the kernel or user one follows */
				break;
			}
			continue;
		}
		if (unwind && cpumode == PERF_RECORD_MISC_USER)
			continue;
		frame_at(m, s, ip, cpumode, &frames[n++]);
	}
	if (!unwind || n >= max)
		return n;
	nu = unwind__user(m, machine__findnew_thread(&m->host, m, s->pid, s->tid), s, ips,
			  max - n < ARRAY_SIZE(ips) ? max - n : ARRAY_SIZE(ips));
	for (i = 0; i < nu; i++)
		frame_at(m, s, ips[i], PERF_RECORD_MISC_USER, &frames[n++]);
	return n;
}
