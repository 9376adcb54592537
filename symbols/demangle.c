// SPDX-License-Identifier: GPL-2.0
/*
 * Symbol names as perf 6.1 shows them. Debian's perf is built without
 * libbfd and links libiberty's cplus_demangle instead: the same function
 * with the same options gives the same names, where libstdc++'s
 * __cxa_demangle writes template return types and parameter lists.
 */
#include "symbols/demangle.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

/* libiberty's header defines ARRAY_SIZE too, the same way. */
#undef ARRAY_SIZE
#include <libiberty/demangle.h>

struct demangle_conf demangle_conf = { .user = true, .kernel = false };

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * OCaml native code: "caml" and a capital letter, "__" between module path
 * parts, "$xx" for a byte given in hex.
 */
static char *ocaml_demangle(const char *name)
{
	const char *p;
	char *out, *o;

	if (strncmp(name, "caml", 4) || !isupper((unsigned char)name[4]))
		return NULL;
	out = o = xmalloc(strlen(name) + 1);
	for (p = name + 4; *p;) {
		if (p[0] == '_' && p[1] == '_') {
			*o++ = '.';
			p += 2;
		} else if (p[0] == '$' && hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
			*o++ = (char)(hexval(p[1]) << 4 | hexval(p[2]));
			p += 3;
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	return out;
}

char *demangle(const char *name, bool kernel)
{
	char *out;

	if (!(kernel ? demangle_conf.kernel : demangle_conf.user))
		return NULL;
	/*
	 * cplus_demangle (automatic style) tries Rust ("_R", "_ZN") and the
	 * C++ ABI ("_Z", "_GLOBAL_" constructors and destructors) only: any
	 * other name, most of a C library's, it returns as it is, after
	 * walking it twice. Those go straight to the OCaml check.
	 */
	if (name[0] == '_' && (name[1] == 'Z' || name[1] == 'R' || !strncmp(name, "_GLOBAL_", 8))) {
		out = cplus_demangle(name, verbose > 0 ? DMGL_PARAMS | DMGL_ANSI : DMGL_NO_OPTS);
		if (out)
			return out;
	}
	return ocaml_demangle(name);
}
