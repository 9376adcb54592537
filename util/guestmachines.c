// SPDX-License-Identifier: GPL-2.0
#include "util/guestmachines.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "util/guestfiles.h"
#include "util/options.h"
#include "util/writer.h"

#define MAX_GUEST_FILE	(256u << 20)

int guest_machines__find(const struct guest_config *gc, struct guest_machine **machines,
			 size_t *nr, const char **bad_path)
{
	struct guest_machine *m = NULL;
	size_t n = 0, alloc = 0;
	struct dirent *de;
	DIR *dir;

	*machines = NULL;
	*nr = 0;
	if (gc->kallsyms || gc->modules) {
		if (gc->kallsyms && access(gc->kallsyms, R_OK)) {
			*bad_path = gc->kallsyms;
			return -errno;
		}
		if (gc->modules && access(gc->modules, R_OK)) {
			*bad_path = gc->modules;
			return -errno;
		}
		ALLOC_GROW(m, n + 1, alloc);
		m[n].pid = 0;
		m[n].kallsyms = gc->kallsyms ? xstrdup(gc->kallsyms) : NULL;
		m[n].modules = gc->modules ? xstrdup(gc->modules) : NULL;
		n++;
	}
	if (gc->mount) {
		dir = opendir(gc->mount);
		if (!dir) {
			int err = -errno;

			guest_machines__free(m, n);
			*bad_path = gc->mount;
			return err;
		}
		while ((de = readdir(dir))) {
			static char bad[PATH_MAX];
			char *k, *mod, *root;
			struct stat st;
			int e;

			if (!isdigit((unsigned char)de->d_name[0]))
				continue;
			/* A guest's files are read inside its tree, never through a link out. */
			root = xasprintf("%s/%s", gc->mount, de->d_name);
			if (!lstat(root, &st) && S_ISLNK(st.st_mode)) {
				str_copy(bad, root, sizeof(bad));
				free(root);
				closedir(dir);
				guest_machines__free(m, n);
				*bad_path = bad;
				return -ELOOP;
			}
			k = guest_tree__resolve(root, "proc/kallsyms", &e);
			mod = guest_tree__resolve(root, "proc/modules", &e);
			free(root);
			if (!k && !mod)
				continue;
			ALLOC_GROW(m, n + 1, alloc);
			m[n].pid = atoi(de->d_name);
			m[n].kallsyms = k;
			m[n].modules = mod;
			n++;
		}
		closedir(dir);
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
static int pack_one(struct feat_buf *fb, u32 kind, pid_t pid, const char *path)
{
	static const u8 zeros[8];
	struct guest_file_hdr hdr = { .kind = kind, .pid = (s32)pid };
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
	if (!err) {
		hdr.size = zs.total_out;
		feat_buf__add(fb, &hdr, sizeof(hdr));
		feat_buf__add(fb, out, zs.total_out);
		feat_buf__add(fb, zeros, PERF_ALIGN(zs.total_out, 8) - zs.total_out);
	}
	deflateEnd(&zs);
	free(out);
	free(buf);
	return err;
}

int guest_files__pack(const struct guest_machine *machines, size_t nr, struct feat_buf *fb)
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
