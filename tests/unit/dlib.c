// SPDX-License-Identifier: GPL-2.0
/* util/dlib: a library opened on demand, its symbols bound once, failures said. */
#include <errno.h>
#include <string.h>
#include <zlib.h>

#include "tests/unit/unit.h"
#include "util/dlib.h"

static int binds;

/* zlib: the unit tests link it too, so the pointer can be checked. */
static struct {
	DLIB_PTR(zlibVersion)
	DLIB_PTR(crc32)
} z;

static int z_bind(struct dlib *lib)
{
	binds++;
	DLIB_BIND(&z, lib, zlibVersion)
	DLIB_BIND(&z, lib, crc32)
	return 0;
}

static struct {
	DLIB_PTR(zlibVersion)
} nosym;

static int nosym_bind(struct dlib *lib)
{
	binds++;
	/* As DLIB_BIND does, for a name no library has. */
	nosym.zlibVersion = (typeof(&zlibVersion))dlib__sym(lib, "pmukvm_no_such_function");
	return nosym.zlibVersion ? 0 : -ENOENT;
}

void test_dlib(void)
{
	struct dlib zl = DLIB_INIT("libz.so.1", "a test", z_bind);
	struct dlib missing = DLIB_INIT("libpmukvm-no-such-library.so.0", "a test", z_bind);
	struct dlib partial = DLIB_INIT("libz.so.1", "a test", nosym_bind);
	struct err e = ERR_INIT;

	binds = 0;
	CHECK(dlib__load(&zl, &e) == 0);
	CHECK(dlib__load(&zl, &e) == 0);	/* bound once */
	CHECK(binds == 1);
	CHECK(z.zlibVersion == zlibVersion);
	CHECK(z.crc32(0, (const Bytef *)"abc", 3) == crc32(0, (const Bytef *)"abc", 3));

	binds = 0;
	CHECK(dlib__load(&missing, &e) == -ENOENT);
	CHECK(strstr(e.msg, "cannot load libpmukvm-no-such-library.so.0 (for a test): ") == e.msg);
	err__init(&e);
	CHECK(dlib__load(&missing, &e) == -ENOENT);	/* the same answer, not tried again */
	CHECK(strstr(e.msg, "libpmukvm-no-such-library.so.0") != NULL);
	CHECK(binds == 0);

	CHECK(dlib__load(&partial, &e) == -ENOENT);
	CHECK_STR(e.msg, "cannot load libz.so.1 (for a test): it has no 'pmukvm_no_such_function'");
	CHECK(partial.handle == NULL);
	CHECK(dlib__load_or_warn(&partial, "nothing happens") == -ENOENT);
	CHECK(binds == 1);
}
