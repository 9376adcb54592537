// SPDX-License-Identifier: GPL-2.0
/*
 * Runs a harness without libFuzzer: each argument (a file, or a directory
 * of files) is handed to LLVMFuzzerTestOneInput once. The tests replay the
 * seeds and the regression inputs this way, with the build's compiler and
 * sanitizers.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, alloc = 0, n;

	if (!f) {
		fprintf(stderr, "replay: cannot open '%s': %s\n", path, strerror(errno));
		return 1;
	}
	do {
		if (len + 65536 > alloc) {
			alloc = 2 * alloc + 65536;
			buf = realloc(buf, alloc);
			if (!buf) {
				fclose(f);
				return 1;
			}
		}
		n = fread(buf + len, 1, alloc - len, f);
		len += n;
	} while (n);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	int i, err = 0, nr = 0;

	for (i = 1; i < argc; i++) {
		struct stat st;
		DIR *dir;
		struct dirent *de;

		if (stat(argv[i], &st) || !S_ISDIR(st.st_mode)) {
			err |= run_file(argv[i]);
			nr++;
			continue;
		}
		dir = opendir(argv[i]);
		if (!dir) {
			fprintf(stderr, "replay: cannot open '%s': %s\n", argv[i], strerror(errno));
			err = 1;
			continue;
		}
		while ((de = readdir(dir))) {
			char path[4096];

			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", argv[i], de->d_name);
			err |= run_file(path);
			nr++;
		}
		closedir(dir);
	}
	printf("replay: %d inputs\n", nr);
	return err;
}
