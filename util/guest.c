// SPDX-License-Identifier: GPL-2.0
/*
 * Guests: where their symbol files come from (the command line,
 * --guestmount, the files a data file carries, QEMU's names for them),
 * and the carried files' format, read and written here only.
 */
#include "util/guest.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "symbols/kallsyms.h"
#include "util/data.h"
#include "util/err.h"
#include "util/machine.h"
#include "util/options.h"
#include "util/buf.h"
#include "util/writer.h"

/* ---- carried files ---- */

void guest_files__iter_init(struct guest_files_iter *it, const void *buf, size_t size)
{
	it->buf = buf;
	it->size = buf ? size : 0;
	it->off = 0;
}

int guest_files__next(struct guest_files_iter *it, struct guest_file *f)
{
	struct guest_file_hdr h;
	size_t off = it->off;

	if (!it->buf || off > it->size || it->size - off < sizeof(h))
		return 0;
	memcpy(&h, it->buf + off, sizeof(h));
	f->offset = off;
	off += sizeof(h);
	if (h.size > it->size - off)
		return -EINVAL;	/* the walk stays here */
	f->kind = h.kind;
	f->pid = h.pid;
	f->data = it->buf + off;
	f->size = h.size;
	it->off = off + PERF_ALIGN(h.size, 8);	/* may pass the end: then it ends */
	return 1;
}

void guest_files__append(struct buf *fb, u32 kind, s32 pid, const void *data, u64 size)
{
	static const u8 zeros[8];
	struct guest_file_hdr hdr = { .kind = kind, .pid = pid, .size = size };

	buf__append(fb, &hdr, sizeof(hdr));
	buf__append(fb, data, size);
	buf__append(fb, zeros, PERF_ALIGN(size, 8) - size);
}

int guest_files__load(const void *buf, size_t size, s32 pid, u32 kind, char **out,
		      size_t *outlen)
{
	struct guest_files_iter it;
	struct guest_file f;
	int ret;

	guest_files__iter_init(&it, buf, size);
	while ((ret = guest_files__next(&it, &f)) > 0)
		if (f.pid == pid && f.kind == kind)
			return gunzip_buf(f.data, f.size, KALLSYMS_MAX_BYTES, out, outlen);
	return ret < 0 ? ret : -ENOENT;
}

/* ---- --guestmount ---- */

/* One DIR/<pid> under --guestmount. */
struct guest_dir {
	s32 pid;
	char *root;	/* DIR/<pid> */
	bool is_link;	/* to be refused: a guest's tree is never entered through a link */
};

/*
 * The guests' directories under @mount, in readdir order: entries named by
 * a whole positive pid that are directories or symbolic links (lstat).
 * Returns 0 or -errno of opening @mount.
 */
static int guest_mount__read(const char *mount, struct guest_dir **dirs, size_t *nr)
{
	struct guest_dir *d = NULL;
	size_t n = 0, alloc = 0;
	struct dirent *de;
	DIR *dir = opendir(mount);

	*dirs = NULL;
	*nr = 0;
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		char *endp, *root;
		long pid = strtol(de->d_name, &endp, 10);
		struct stat st;

		if (*endp || endp == de->d_name || pid <= 0 || pid > INT32_MAX)
			continue;
		root = xasprintf("%s/%s", mount, de->d_name);
		if (lstat(root, &st) || !(S_ISDIR(st.st_mode) || S_ISLNK(st.st_mode))) {
			free(root);
			continue;
		}
		ALLOC_GROW(d, n + 1, alloc);
		d[n].pid = (s32)pid;
		d[n].root = root;
		d[n].is_link = S_ISLNK(st.st_mode);
		n++;
	}
	closedir(dir);
	*dirs = d;
	*nr = n;
	return 0;
}

static void guest_dirs__free(struct guest_dir *dirs, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++)
		free(dirs[i].root);
	free(dirs);
}

/* ---- record and top: the guests whose files they carry ---- */

#define MAX_GUEST_FILE	(256u << 20)

static int cannot_read(struct err *err, const char *path, int code)
{
	return err__set(err, code, "cannot read '%s': %s", path, file__strerror(code));
}

int guest_machines__find(const struct guest_config *gc, struct guest_machine **machines,
			 size_t *nr, struct err *err)
{
	struct guest_machine *m = NULL;
	size_t n = 0, alloc = 0;

	*machines = NULL;
	*nr = 0;
	if (gc->kallsyms || gc->modules) {
		if (gc->kallsyms && access(gc->kallsyms, R_OK))
			return cannot_read(err, gc->kallsyms, -errno);
		if (gc->modules && access(gc->modules, R_OK))
			return cannot_read(err, gc->modules, -errno);
		ALLOC_GROW(m, n + 1, alloc);
		m[n].pid = 0;
		m[n].kallsyms = gc->kallsyms ? xstrdup(gc->kallsyms) : NULL;
		m[n].modules = gc->modules ? xstrdup(gc->modules) : NULL;
		n++;
	}
	if (gc->mount) {
		struct guest_dir *dirs;
		size_t nr_dirs, i;
		int ret = guest_mount__read(gc->mount, &dirs, &nr_dirs);

		if (ret) {
			guest_machines__free(m, n);
			return cannot_read(err, gc->mount, ret);
		}
		for (i = 0; i < nr_dirs; i++) {
			char *k, *mod, *root = dirs[i].root;
			int e;

			/* A guest's files are read inside its tree, never through a link out. */
			if (dirs[i].is_link) {
				cannot_read(err, root, -ELOOP);
				guest_dirs__free(dirs, nr_dirs);
				guest_machines__free(m, n);
				return -ELOOP;
			}
			k = guest_tree__resolve(root, "proc/kallsyms", &e);
			mod = guest_tree__resolve(root, "proc/modules", &e);
			if (!k && !mod)
				continue;
			ALLOC_GROW(m, n + 1, alloc);
			m[n].pid = dirs[i].pid;
			m[n].kallsyms = k;
			m[n].modules = mod;
			n++;
		}
		guest_dirs__free(dirs, nr_dirs);
	}
	*machines = m;
	*nr = n;
	return 0;
}

void guest_machines__free(struct guest_machine *machines, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		free(machines[i].kallsyms);
		free(machines[i].modules);
	}
	free(machines);
}

/* Appends one entry: header, gzip of the file, padding to 8. */
static int pack_one(struct buf *fb, u32 kind, pid_t pid, const char *path)
{
	z_stream zs = { 0 };
	size_t len, bound;
	char *buf;
	u8 *out;
	int err;

	err = read_file_maybe_gz(path, MAX_GUEST_FILE, &buf, &len);
	if (err)
		return err;
	/* windowBits 15 + 16: a gzip stream, which gunzip and gzread take. */
	if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		free(buf);
		return -ENOMEM;
	}
	bound = deflateBound(&zs, len) + 64;
	out = xmalloc(bound);
	zs.next_in = (Bytef *)buf;
	zs.avail_in = (uInt)len;
	zs.next_out = out;
	zs.avail_out = (uInt)bound;
	err = deflate(&zs, Z_FINISH) == Z_STREAM_END ? 0 : -EIO;
	if (!err)
		guest_files__append(fb, kind, (s32)pid, out, zs.total_out);
	deflateEnd(&zs);
	free(out);
	free(buf);
	return err;
}

int guest_files__pack(const struct guest_machine *machines, size_t nr, struct buf *fb)
{
	size_t i;
	int err = 0;

	for (i = 0; i < nr && !err; i++) {
		if (machines[i].kallsyms)
			err = pack_one(fb, GUEST_FILE_KALLSYMS, machines[i].pid,
				       machines[i].kallsyms);
		if (!err && machines[i].modules)
			err = pack_one(fb, GUEST_FILE_MODULES, machines[i].pid,
				       machines[i].modules);
	}
	return err;
}

/* ---- report: a machine per guest ---- */

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
	/* Said of the first few: the report's summary counts every guest's samples. */
	if (m->guest_ids.nr <= MACHINES_GUESTS_TOLD)
		machines__warn_once(m, "%s: no symbol files (not under --guestmount, none "
				    "given, none in the data file): its kernel samples stay "
				    "unresolved", name);
	return g;
}

int machines__setup_guests(struct machines *m, const char *kallsyms, const char *modules,
			   const char *vmlinux, const char *mount, struct err *err)
{
	const struct header_info *hi = m->data ? &m->data->info : NULL;
	struct machine *g;

	if (kallsyms || modules || vmlinux) {
		g = machines__add_guest(m, 0, "guest 0");
		g->kallsyms_path = kallsyms ? xstrdup(kallsyms) : NULL;
		g->modules_path = modules ? xstrdup(modules) : NULL;
		g->vmlinux_path = vmlinux ? xstrdup(vmlinux) : NULL;
		if (!kallsyms && !vmlinux) {
			return err__set(err, -EINVAL, "--guestmodules needs --guestkallsyms or "
					"--guestvmlinux for the core kernel's symbols");
		}
	}
	if (mount) {
		struct guest_dir *dirs;
		size_t nr_dirs, i;
		int ret = guest_mount__read(mount, &dirs, &nr_dirs);

		if (ret) {
			return err__set(err, ret, "cannot open --guestmount '%s': %s", mount,
					strerror(-ret));
		}
		for (i = 0; i < nr_dirs; i++) {
			char name[128], *path = NULL, *vm, *root = dirs[i].root;
			long pid = dirs[i].pid;
			int e = -ENOENT;

			if (machines__find(m, (s32)pid))
				continue;
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
			if (dirs[i].is_link) {
				g->flags |= MACHINE_NO_SYMBOLS;
				machines__warn_once(m, "%s: '%s' is a symbolic link: refused (a "
						    "guest's directory under --guestmount must be "
						    "the directory itself); its kernel samples stay "
						    "unresolved", name, root);
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
				continue;
			}
			g->kallsyms_path = path;
			g->modules_path = guest_tree__resolve(root, "proc/modules", &e);
			if (!g->modules_path && e != -ENOENT)
				machines__warn_once(m, "%s: %s/proc/modules: %s", name, root,
						    file__strerror(e));
		}
		guest_dirs__free(dirs, nr_dirs);
		/* The default guest must not stand in for unknown pids under --guestmount. */
		g = machines__find(m, 0);
		if (g)
			g->root = xstrdup(mount);
	}
	/* Guests whose files the data file carries. */
	if (hi && hi->guest_files) {
		struct guest_files_iter it;
		struct guest_file f;
		int ret;

		guest_files__iter_init(&it, hi->guest_files, hi->guest_files_size);
		while ((ret = guest_files__next(&it, &f)) > 0) {
			if (f.pid >= 0 && !machines__find(m, f.pid)) {
				char name[64];

				snprintf(name, sizeof(name), "guest %d", f.pid);
				machines__add_guest(m, f.pid, name);
			}
		}
		if (ret < 0) {
			return err__set(err, -EINVAL, "%s: stored guest files are corrupt at "
					"entry offset %#zx", m->data->path, f.offset);
		}
	}
	return 0;
}

const char *guest__unresolved_why(const struct machine *g)
{
	if ((g->flags & MACHINE_NO_SYMBOLS) || g->load_err)
		return "no usable symbol files for this guest";
	return "the kallsyms/modules copy is likely stale (guest rebooted, KASLR moved the "
	       "kernel, modules reloaded) or belongs to another guest";
}
