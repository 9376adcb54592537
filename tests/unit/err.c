// SPDX-License-Identifier: GPL-2.0
/* The error type: codes, messages, prefixes, cutting, NULL. */
#include <errno.h>
#include <string.h>

#include "tests/unit/unit.h"
#include "util/err.h"

static int fails_with(struct err *e, int code)
{
	return err__set(e, code, "cannot open '%s': %s", "perf.data", "No such file or directory");
}

void test_err_type(void)
{
	struct err e = ERR_INIT, copy;
	char long_name[3 * ERR_MSG_MAX];

	/* Nothing failed yet: no code, no text. */
	CHECK(e.code == 0);
	CHECK_STR(err__str(&e), "");

	/* err__set returns its code and keeps code and message together. */
	CHECK(fails_with(&e, -ENOENT) == -ENOENT);
	CHECK(e.code == -ENOENT);
	CHECK_STR(err__str(&e), "cannot open 'perf.data': No such file or directory");

	/* A later error replaces the earlier one, code and text. */
	CHECK(err__set(&e, -EINVAL, "empty --sort") == -EINVAL);
	CHECK(e.code == -EINVAL);
	CHECK_STR(e.msg, "empty --sort");

	/* A prefix goes before the message and leaves the code alone. */
	CHECK(err__prefix(&e, "%s: ", "x.data") == -EINVAL);
	CHECK(e.code == -EINVAL);
	CHECK_STR(e.msg, "x.data: empty --sort");

	/* A code without a message reads as the errno's description. */
	err__init(&e);
	CHECK(e.code == 0 && e.msg[0] == '\0');
	e.code = -ENOMEM;
	CHECK_STR(err__str(&e), strerror(ENOMEM));
	e.code = -EISDIR;	/* the readers' own wording */
	CHECK_STR(err__str(&e), "is a directory");

	/* Copies carry both. */
	err__set(&e, -EIO, "%s: record at %#x has size 0", "perf.data", 0x1a40);
	CHECK(err__copy(&copy, &e) == -EIO);
	CHECK(copy.code == -EIO);
	CHECK_STR(copy.msg, "perf.data: record at 0x1a40 has size 0");

	/* No buffer: only the code comes back, nothing is written. */
	CHECK(fails_with(NULL, -EACCES) == -EACCES);
	CHECK(err__prefix(NULL, "x: ") == 0);
	err__init(NULL);

	/* Long messages and prefixes are cut, never overrun, and stay NUL-ended. */
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	CHECK(err__set(&e, -ENAMETOOLONG, "cannot open '%s'", long_name) == -ENAMETOOLONG);
	CHECK(strlen(e.msg) == ERR_MSG_MAX - 1);
	CHECK(strncmp(e.msg, "cannot open 'aaa", 16) == 0);
	err__set(&e, -EIO, "tail");
	err__prefix(&e, "%s: ", long_name);
	CHECK(strlen(e.msg) == ERR_MSG_MAX - 1);
	CHECK(e.code == -EIO);
	err__set(&e, -EIO, "%s", long_name + ERR_MSG_MAX + 10);
	err__prefix(&e, "p: ");
	CHECK(strlen(e.msg) == ERR_MSG_MAX - 1);
	CHECK(strncmp(e.msg, "p: aaa", 6) == 0);
}
