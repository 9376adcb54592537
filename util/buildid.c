// SPDX-License-Identifier: GPL-2.0
#include "util/buildid.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *build_id_cache__path(const char *fmt, ...)
{
	va_list ap;
	char *rest, *path;

	va_start(ap, fmt);
	if (vasprintf(&rest, fmt, ap) < 0)
		die("out of memory formatting a string");
	va_end(ap);
	path = xasprintf("%s/.debug/%s", getenv("HOME") ?: "/root", rest);
	free(rest);
	return path;
}

/* The build-id note in @data, or -ENOENT. */
static int data__find_build_id(Elf_Data *data, u8 *bid, size_t size)
{
	GElf_Nhdr nhdr;
	size_t off = 0, name_off, desc_off;

	while ((off = gelf_getnote(data, off, &nhdr, &name_off, &desc_off)) > 0) {
		if (nhdr.n_type == NT_GNU_BUILD_ID && nhdr.n_namesz == 4 &&
		    !memcmp((char *)data->d_buf + name_off, "GNU", 4)) {
			size_t n = min_t(size_t, nhdr.n_descsz, size);

			memcpy(bid, (char *)data->d_buf + desc_off, n);
			return (int)n;
		}
	}
	return -ENOENT;
}

int sysfs__read_build_id(const char *path, u8 *bid, size_t size)
{
	Elf_Data data = { 0 };
	char *buf;
	size_t len;
	int ret;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return -EINVAL;
	ret = read_file_maybe_gz(path, 1 << 20, &buf, &len);
	if (ret)
		return ret;
	/* gelf_getnote needs only the bytes and their type, no Elf handle. */
	data.d_buf = buf;
	data.d_size = len;
	data.d_type = ELF_T_NHDR;
	data.d_version = EV_CURRENT;
	ret = data__find_build_id(&data, bid, size);
	free(buf);
	return ret;
}

int filename__read_build_id(const char *path, u8 *bid, size_t size)
{
	Elf_Scn *scn = NULL;
	Elf *elf;
	int fd, ret = -ENOENT;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		ret = -ENOEXEC;
		goto out;
	}
	while (ret == -ENOENT && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr shdr;
		Elf_Data *data;

		if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_NOTE)
			continue;
		data = elf_getdata(scn, NULL);
		if (data)
			ret = data__find_build_id(data, bid, size);
	}
out:
	if (elf)
		elf_end(elf);
	close(fd);
	return ret;
}
