// SPDX-License-Identifier: GPL-2.0
/*
 * DSOs: what symbols come from. Finding a machine's DSO by name, loading
 * a user DSO's symbols (the recording's build-id checked, perf's build-id
 * cache and /usr/lib/debug searched), [vdso] from this kernel's image,
 * JIT code from /tmp/perf-PID.map, and a DSO's file bytes for whoever
 * reads them (the unwinder).
 */
#include "util/dso.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "symbols/elf.h"
#include "symbols/symtab.h"
#include "util/buildid.h"
#include "util/data.h"
#include "util/err.h"
#include "util/kernel.h"
#include "util/machine.h"
#include "util/slab.h"

const char *basename_of(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/*
 * Mapping names with no file behind them, and what each says (perf's
 * anonymous, "no DSO" and JIT names). A name is listed once per way it
 * matches: "/dev/zero" exactly is anonymous, and executable it is JIT
 * code, as is "/dev/zero (deleted)"; "[heap]" and what follows it is
 * anonymous, JIT code only exactly.
 */
enum {
	NAME_PREFIX = 1 << 0,	/* the name starts so; else it is exactly so */
	NAME_ANON = 1 << 1,	/* is_anon_name's */
	NAME_JIT = 1 << 2,	/* is_jit_name's */
};

static const struct special_name {
	const char *name;
	unsigned char len;
	unsigned char flags;
} special_names[] = {
#define NAME(s, f) { s, sizeof(s) - 1, f }
	NAME("//anon", NAME_ANON | NAME_JIT),
	NAME("/anon_hugepage", NAME_PREFIX | NAME_ANON | NAME_JIT),
	NAME("/dev/zero", NAME_ANON),
	NAME("/dev/zero", NAME_PREFIX | NAME_JIT),
	NAME("/dev/dri/", NAME_PREFIX | NAME_ANON),
	NAME("/SYSV", NAME_PREFIX | NAME_ANON | NAME_JIT),
	NAME("[heap]", NAME_PREFIX | NAME_ANON),
	NAME("[heap]", NAME_JIT),
	NAME("[stack", NAME_PREFIX | NAME_ANON | NAME_JIT),
	NAME("[vsyscall]", NAME_ANON),
	NAME("anon_inode:", NAME_PREFIX | NAME_ANON),
#undef NAME
};

/*
 * Whether @name could be listed: every listed name starts "//", "/a",
 * "/d", "/S", "[" or "a", and a file's path (most names, on the path of
 * every mmap) is told apart here by its first two bytes. (The unit test
 * checks that each listed name gets past.)
 */
static inline bool special_lead(const char *name)
{
	switch (name[0]) {
	case '/':
		return name[1] == '/' || name[1] == 'a' || name[1] == 'd' || name[1] == 'S';
	case '[':
	case 'a':
		return true;
	default:
		return false;
	}
}

/* Whether @name is listed with @what (NAME_ANON or NAME_JIT). */
static bool special_name(const char *name, unsigned int what)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(special_names); i++) {
		const struct special_name *e = &special_names[i];

		if (!(e->flags & what) || e->name[1] != name[1] || e->name[0] != name[0])
			continue;
		if (e->flags & NAME_PREFIX ? !strncmp(name, e->name, e->len) : !strcmp(name, e->name))
			return true;
	}
	return false;
}

bool is_anon_name(const char *name)
{
	return special_lead(name) && special_name(name, NAME_ANON);
}

/*
 * Executable memory with no file behind it: JIT code. As perf does, it is
 * named after the process's perf map, /tmp/perf-PID.map, whose symbols
 * name it when the file exists.
 */
bool is_jit_name(const char *name, u32 flags)
{
	return (flags & MAP_HUGETLB) || (special_lead(name) && special_name(name, NAME_JIT));
}

/* DSOs by the ten thousand: from a slab, no malloc header or rounding each. */
static struct slab dso_slab = SLAB_INIT(struct dso, 512);

/* Adds @name, not in @machine's set of DSO names yet: its number. */
static u32 machine__dso_name_add(struct machine *machine, const char *name)
{
	u32 n = (u32)str_set__add(&machine->dso_names, name);

	ALLOC_GROW(machine->dso_by_name, (size_t)n + 1, machine->dso_by_name_alloc);
	machine->dso_by_name[n] = NULL;
	return n;
}

/*
 * The number of @name in @machine's set of DSO names, added if new. Every
 * number has its dso_by_name chain (NULL when the name is only a short
 * name). The set's copy of a name lives as long as the machine.
 */
static u32 machine__dso_name(struct machine *machine, const char *name)
{
	long n = str_set__find(&machine->dso_names, name);

	return n < 0 ? machine__dso_name_add(machine, name) : (u32)n;
}

struct dso *machine__findnew_dso(struct machine *machine, const char *name,
				 enum dso_kind kind, const char *short_name)
{
	struct dso *dso;
	long n = str_set__find(&machine->dso_names, name);

	if (n >= 0)
		for (dso = machine->dso_by_name[n]; dso; dso = dso->name_next)
			if (dso->kind == kind)
				return dso;
	if (n < 0)
		n = machine__dso_name_add(machine, name);	/* new: no second look */
	dso = slab__alloc(&dso_slab);
	dso->name_next = machine->dso_by_name[n];
	machine->dso_by_name[n] = dso;
	dso->long_name = machine->dso_names.strs[n];
	if (short_name) {
		/* Adding the name may move the set's array: look it up after. */
		u32 sn = machine__dso_name(machine, short_name);

		dso->short_name = machine->dso_names.strs[sn];
	} else if (name[0] == '[')
		dso->short_name = dso->long_name;
	else
		dso->short_name = basename_of(dso->long_name);
	dso->name_hash = (u32)str_hash(dso->short_name);
	dso->kind = kind;
	dso->machine = machine;
	return dso;
}

const char *map__dso_name(const struct dso *dso)
{
	return dso ? dso->short_name : "[unknown]";
}

/* @dso's struct dso_more, made (nothing found, nothing opened) if need be. */
static struct dso_more *dso__more(struct dso *dso)
{
	if (!dso->more) {
		dso->more = xzalloc(sizeof(*dso->more));
		dso->more->fd = -1;
	}
	return dso->more;
}

const char *dso__data_path(const struct dso *dso)
{
	if (dso->path_is_name)
		return dso->long_name;
	return dso->more ? dso->more->data_path : NULL;
}

void dso__set_unwind(struct dso *dso, struct dso_unwind *du)
{
	dso__more(dso)->unwind = du;
}

void dso__delete(struct dso *dso)
{
	struct dso_more *f = dso->more;

	if (dso->elf && dso->elf->sharers) {
		dso->elf->sharers--;	/* another DSO of the same file has it */
	} else if (dso->elf) {
		elf_image__exit(dso->elf);
		free(dso->elf);
	}
	if (f) {
		free(f->unwind);	/* plain memory: the bytes it reads are the dso's */
		if (f->map)
			munmap(f->map, (size_t)f->size);
		if (f->fd >= 0)
			close(f->fd);
		free(f->data_path);
		free(f->data_buf);
		if (f->jit_syms) {
			symtab__exit(f->jit_syms);
			free(f->jit_syms);
		}
		free(f);
	}
	/* The names are the machine's (its dso_names set). */
	slab__free(&dso_slab, dso);
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

/*
 * The files a user DSO's symbols come from, as stat gives them: DSOs
 * whose files are these share the symbols read from them.
 */
struct elf_file {
	dev_t dev, debug_dev;
	ino_t ino, debug_ino;
	off_t size;
	struct timespec mtime;
	struct elf_image *img;
};

/*
 * The symbols of @runtime (from @debug, its separate debug file, where
 * not NULL), read once for all of @machine's DSOs of those files. NULL
 * when they cannot be read.
 */
static struct elf_image *elf_file__load(struct machine *machine, const char *debug,
					const char *runtime)
{
	struct elf_file key, *f;
	struct elf_image *img;
	struct stat st, dst;
	struct err err;
	bool added = false;
	u32 i = U64_INDEX_NONE;

	memset(&key, 0, sizeof(key));	/* hashed whole, padding included */
	if (!stat(runtime, &st) && (!debug || !stat(debug, &dst))) {
		u64 h;

		key.dev = st.st_dev;
		key.ino = st.st_ino;
		key.size = st.st_size;
		key.mtime = st.st_mtim;
		if (debug) {
			key.debug_dev = dst.st_dev;
			key.debug_ino = dst.st_ino;
		}
		h = hash_bytes(&key, sizeof(key));
		i = u64_index__add(&machine->elf_files, h, &added);
		f = added ? NULL : &machine->elf_by_file[i];
		/* entries are copies of such keys: their padding is zero too */
		if (f && !memcmp(f, &key, offsetof(struct elf_file, img))) {
			if (f->img)
				f->img->sharers++;
			return f->img;
		}
		if (!added)
			i = U64_INDEX_NONE;	/* another file of the same hash: read apart */
	}
	img = xzalloc(sizeof(*img));
	if (elf__load(img, debug ? debug : runtime, runtime, NULL, 0, &err)) {
		pr_debug("%s", err.msg);
		free(img);
		img = NULL;
	}
	if (i != U64_INDEX_NONE) {
		ALLOC_GROW(machine->elf_by_file, (size_t)i + 1, machine->elf_by_file_alloc);
		key.img = img;
		machine->elf_by_file[i] = key;
	}
	return img;
}

int machines__set_symfs(struct machines *m, const char *dir, struct err *err)
{
	struct stat st;
	size_t len;

	if (!dir)
		return 0;
	if (stat(dir, &st))
		return err__set(err, -errno, "--symfs '%s': %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return err__set(err, -ENOTDIR, "--symfs '%s': not a directory", dir);
	len = strlen(dir);
	while (len && dir[len - 1] == '/')
		len--;
	free(m->symfs);
	m->symfs = len ? xstrndup(dir, len) : NULL;	/* "/": this machine's own files */
	return 0;
}

/* Whether @path is a regular file with @dso's recorded build-id. */
static bool file_is_recorded(const char *path, const struct dso *dso)
{
	u8 bid[BUILD_ID_SIZE];

	return file_is_regular(path) &&
	       build_id__equal(bid, elf__read_build_id(path, NULL, 0, bid), dso->build_id,
			       dso->build_id_size);
}

char *dso__debug_file(const struct dso *dso)
{
	const char *symfs = dso->machine->machines->symfs;
	char hex[2 * BUILD_ID_MAX + 1], *debug;

	if (!dso->build_id_size)
		return NULL;
	build_id__hex(dso->build_id, dso->build_id_size, hex);
	if (!symfs) {
		/* perf's build-id cache first, as perf looks: the copy perf record kept */
		debug = build_id_cache__path(".build-id/%.2s/%s/debug", hex, hex + 2);
		if (file_is_recorded(debug, dso))
			return debug;
		free(debug);
	}
	debug = xasprintf("%s/usr/lib/debug/.build-id/%.2s/%s.debug", symfs ?: "", hex, hex + 2);
	if (file_is_recorded(debug, dso))
		return debug;
	free(debug);
	return NULL;
}

/*
 * Whether the directory @path names a file in is not there: looked at
 * once a directory (a missing file's directory is the likely reason).
 */
static bool dso__dir_missing(struct machines *m, const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	struct stat st;
	bool missing;

	if (!slash || slash == path)
		return false;
	dir = xstrndup(path, (size_t)(slash - path));
	if (str_set__find(&m->dirs_missing, dir) >= 0) {
		missing = true;
	} else if (str_set__find(&m->dirs_present, dir) >= 0) {
		missing = false;
	} else {
		missing = stat(dir, &st) && errno == ENOENT;
		str_set__add(missing ? &m->dirs_missing : &m->dirs_present, dir);
	}
	free(dir);
	return missing;
}

static void dso__load_user(struct machines *m, struct dso *dso)
{
	char hex[41], *debug = NULL, *cache = NULL, *runtime = NULL;
	struct err err;
	u8 bid[BUILD_ID_SIZE];
	int bid_size;
	struct elf_image *img;

	if (dso->kind == DSO_VDSO && m->symfs) {
		/* Not this machine's [vdso] for a recording from elsewhere (as perf). */
		machines__warn_once(m, "[vdso]: not looked for under --symfs: its samples are not "
				    "resolved");
		goto out;
	}
	if (dso->kind == DSO_VDSO) {
		size_t len = 0;
		void *buf;

		if (dso->build_id_size) {
			build_id__hex(dso->build_id, dso->build_id_size, hex);
			cache = build_id_cache__path("[vdso]/%s/vdso", hex);
			if (file_is_regular(cache)) {
				runtime = cache;
				cache = NULL;
			}
		}
		if (!runtime) {
			buf = vdso_image(&len);
			if (!buf)
				goto out;
			bid_size = elf__read_build_id(NULL, buf, len, bid);
			if (dso->build_id_size &&
			    !build_id__equal(bid, bid_size, dso->build_id, dso->build_id_size)) {
				dso->untrusted = true;
				machines__warn_once(m, "[vdso] of the recording differs from this "
						    "kernel's: its samples are not resolved");
				free(buf);
				goto out;
			}
			img = xzalloc(sizeof(*img));
			if (!elf__load(img, NULL, NULL, buf, len, &err))
				dso->elf = img;
			else
				free(img);
			dso__more(dso)->data_buf = buf;	/* the unwinder reads it */
			dso->more->data_len = len;
			goto out;
		}
	} else {
		struct stat st;
		/* no recorded build-id to look for in the caches, nothing said */
		bool quiet = !dso->build_id_size && !verbose, gone;

		/* Under --symfs, DIR's copy (as perf joins them: DIR then the path). */
		runtime = m->symfs ? xasprintf("%s%s", m->symfs, dso->long_name) :
				     xstrdup(dso->long_name);
		/* A directory that is not there has no file to look at. */
		gone = quiet && dso__dir_missing(m, runtime);
		/* Never open a device node or FIFO a process mapped. */
		if (!gone && !stat(runtime, &st)) {
			if (!S_ISREG(st.st_mode))
				goto out;
		} else if (gone || (errno == ENOENT && quiet)) {
			/*
			 * No file, and no recorded build-id to look for in the
			 * caches: what follows would open it twice to fail, and
			 * say so only under -v. No symbols, as it would leave.
			 */
			if (!m->symfs)
				dso->path_is_name = true;
			goto out;
		}
		bid_size = elf__read_build_id(runtime, NULL, 0, bid);
		if (dso->build_id_size &&
		    !build_id__equal(bid, bid_size, dso->build_id, dso->build_id_size)) {
			/*
			 * Changed since recording: perf's build-id cache may hold
			 * the old one (not under --symfs, as perf).
			 */
			build_id__hex(dso->build_id, dso->build_id_size, hex);
			/* perf 6.1 keeps a directory there, the file in it as "elf" */
			cache = build_id_cache__path(".build-id/%.2s/%s/elf", hex, hex + 2);
			if (!file_is_regular(cache))
				cache[strlen(cache) - 4] = '\0';	/* older perfs: the file */
			/* (a cache's copy can be stale too: a hard link to a file since rewritten) */
			if (!m->symfs && file_is_recorded(cache, dso)) {
				free(runtime);
				runtime = cache;
				cache = NULL;
			} else {
				dso->untrusted = true;
				if (bid_size < 0)
					machines__warn_once(m, "cannot read '%s' (%s): its samples "
							    "are not resolved", runtime,
							    strerror(-bid_size));
				else
					machines__warn_once(m, "'%s' changed since recording "
							    "(build-id differs): its samples are not "
							    "resolved", runtime);
				goto out;
			}
		}
		if (!dso->build_id_size && bid_size > 0) {
			memcpy(dso->build_id, bid, (size_t)bid_size);
			dso->build_id_size = (u8)bid_size;
		}
	}
	if (!strcmp(runtime, dso->long_name))
		dso->path_is_name = true;	/* the usual case: no copy of the name */
	else
		dso__more(dso)->data_path = xstrdup(runtime);
	debug = dso__debug_file(dso);
	if (debug && elf__has_symtab(debug) != 1) {
		free(debug);
		debug = NULL;
	}
	dso->elf = elf_file__load(dso->machine, debug, runtime);
out:
	free(debug);
	free(cache);
	free(runtime);
}

/* The build-id the data file recorded for a host DSO, if any. */
static void dso__find_recorded_build_id(struct machines *m, struct dso *dso)
{
	if (dso->build_id_size || !m->data)
		return;
	dso->build_id_size = header__find_build_id(m->data, dso->long_name, dso->build_id);
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
	dso__more(dso)->jit_syms = tab;
}

void dso__load(struct machines *m, struct dso *dso)
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

/*
 * A DSO's file is mapped once, on first use, and kept with the DSO: the
 * unwinder reads tables and code 8 bytes at a time, over and over at the
 * same places, and each read is a load from the map, bounds-checked
 * against it, instead of a system call. The map is private and writable
 * so that libelf (dso__data_section), which may convert a foreign-endian
 * image in place, never writes to the file or faults; nothing else
 * writes to it. Where the file cannot be mapped, reads go through it.
 */
static int dso__data_open(struct dso *dso)
{
	struct dso_more *f;
	const char *path;
	struct stat st;
	int fd;

	if (dso->more && dso->more->tried)
		return dso->more->err;
	f = dso__more(dso);
	f->tried = true;
	f->err = -ENOENT;
	if (!dso->loaded)
		dso__load(dso->machine->machines, dso);	/* its build-id checked, its bytes found */
	if (dso->untrusted)
		return f->err;
	if (f->data_buf) {
		f->buf = f->data_buf;
		f->size = f->data_len;
		return f->err = 0;
	}
	path = dso__data_path(dso);
	if (!path)
		return f->err;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return f->err = -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size <= 0) {
		close(fd);
		return f->err = -EINVAL;
	}
	f->size = (u64)st.st_size;
	if (f->size <= SIZE_MAX) {
		void *p = mmap(NULL, (size_t)f->size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);

		if (p != MAP_FAILED) {
			f->map = p;
			f->buf = p;
		}
	}
	/* Once the file is mapped, its descriptor is not needed. */
	if (f->map)
		close(fd);
	else
		f->fd = fd;
	return f->err = 0;
}

int dso__data_read(struct dso *dso, u64 off, void *buf, size_t len)
{
	int err = dso__data_open(dso);
	const struct dso_more *f = dso->more;

	if (err)
		return err;
	if (off > f->size || f->size - off < len)
		return -ERANGE;
	if (f->buf) {
		memcpy(buf, f->buf + off, len);
		return 0;
	}
	return pread(f->fd, buf, len, (off_t)off) == (ssize_t)len ? 0 : -EIO;
}

int dso__data_section(struct dso *dso, const char *name, u64 *off, u64 *size)
{
	Elf *elf;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	size_t shstrndx;
	int err = dso__data_open(dso);

	if (err)
		return err;
	if (dso->more->buf)
		elf = elf_memory((char *)dso->more->buf, (size_t)dso->more->size);
	else
		elf = elf_begin(dso->more->fd, ELF_C_READ, NULL);
	if (!elf || elf_getshdrstrndx(elf, &shstrndx)) {
		err = -EINVAL;
		goto out;
	}
	err = -ENOENT;
	while ((scn = elf_nextscn(elf, scn))) {
		const char *sname;

		if (!gelf_getshdr(scn, &sh))
			continue;
		sname = elf_strptr(elf, shstrndx, sh.sh_name);
		if (sname && !strcmp(sname, name)) {
			*off = sh.sh_offset;
			*size = sh.sh_size;
			err = 0;
			break;
		}
	}
out:
	if (elf)
		elf_end(elf);
	return err;
}
