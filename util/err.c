// SPDX-License-Identifier: GPL-2.0
#include "util/err.h"

#include <stdio.h>
#include <string.h>

#include "util/util.h"

void err__init(struct err *e)
{
	if (!e)
		return;
	e->code = 0;
	e->msg[0] = '\0';
}

int err__vset(struct err *e, int code, const char *fmt, va_list ap)
{
	if (e) {
		e->code = code;
		if (vsnprintf(e->msg, sizeof(e->msg), fmt, ap) < 0)
			e->msg[0] = '\0';
	}
	return code;
}

int err__set(struct err *e, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err__vset(e, code, fmt, ap);
	va_end(ap);
	return code;
}

int err__prefix(struct err *e, const char *fmt, ...)
{
	char old[ERR_MSG_MAX];
	va_list ap;
	int n;

	if (!e)
		return 0;
	memcpy(old, e->msg, sizeof(old));
	va_start(ap, fmt);
	n = vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n < sizeof(e->msg))
		snprintf(e->msg + n, sizeof(e->msg) - n, "%s", old);
	return e->code;
}

int err__copy(struct err *dst, const struct err *src)
{
	if (dst && dst != src)
		memcpy(dst, src, sizeof(*dst));
	return src->code;
}

const char *err__str(const struct err *e)
{
	if (e->msg[0])
		return e->msg;
	if (e->code)
		return file__strerror(e->code);
	return "";
}
