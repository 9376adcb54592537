/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_DLIB_H
#define PMUKVM_DLIB_H

/*
 * Libraries that only some commands use (slang for the TUI, libtraceevent
 * for tracepoint formats, libunwind for DWARF unwinding, libdw for source
 * lines, libbpf for guest BTF) are opened when first needed instead of
 * being linked: a library linked in costs every run its mapped pages,
 * relocations and constructors (with libm, which slang pulls in, about
 * 1.3 MB of the 3.7 MB that `pmukvm --version` was), used or not.
 *
 * Each user keeps a table of pointers typed from the library's own header,
 * so that a prototype cannot drift from the library's:
 *
 *	#define TEP_SYMS(X) X(tep_alloc) X(tep_free)
 *	static struct { TEP_SYMS(DLIB_PTR) } tep;
 *	DLIB_DEFINE(tep_lib, tep, TEP_SYMS, TRACEEVENT_SONAME, "tracepoint formats");
 *	...
 *	if (dlib__load(&tep_lib, err))
 *		return ...;
 *	tep.tep_alloc();
 *
 * A name the header defines as a macro (libunwind's unw_step is
 * _Ux86_64_step) works the same: the member, the call and the looked-up
 * symbol all take the expanded name. The sonames come from the link
 * (the Makefile reads them from the -dev packages' .so links), so the
 * library opened is the one whose header was compiled against.
 */
#include <errno.h>
#include <pthread.h>

#include "util/err.h"

struct dlib;

/**
 * struct dlib - one library, opened at most once.
 * @soname: what dlopen is given ("libslang.so.2").
 * @use: what it is for, in messages ("the TUI").
 * @bind: looks up every symbol with dlib__sym(); returns 0, or -ENOENT
 *	once dlib__sym() has failed.
 * @handle: dlopen's, once opened; never closed (leak checkers name the
 *	library's frames by it, and its code may still be on a stack).
 * @ret: 0 before the first try, 1 loaded, or the negative errno it failed with.
 * @warned: dlib__load_or_warn has said why.
 * @err: why it failed.
 */
struct dlib {
	const char *soname;
	const char *use;
	int (*bind)(struct dlib *lib);
	pthread_mutex_t lock;
	void *handle;
	int ret;
	bool warned;
	struct err err;
};

#define DLIB_INIT(so, what, fn) \
	{ .soname = (so), .use = (what), .bind = (fn), .lock = PTHREAD_MUTEX_INITIALIZER }

/**
 * dlib__load - opens @lib and binds its symbols, the first time; later
 * calls return what the first did. Thread-safe. Returns 0, or -ENOENT (the
 * library or one of its symbols is not there) with @err saying which:
 * "cannot load libslang.so.2 (for the TUI): ...".
 */
int dlib__load(struct dlib *lib, struct err *err);

/**
 * dlib__load_or_warn - dlib__load for a library a command can do without:
 * on failure a warning (once per run) says why and @consequence ("user
 * stacks are not unwound"). Returns what dlib__load does.
 */
int dlib__load_or_warn(struct dlib *lib, const char *consequence);

/**
 * dlib__sym - the address of @name in @lib (in a @bind), or NULL with
 * @lib's error set naming the symbol.
 */
void *dlib__sym(struct dlib *lib, const char *name);

#define DLIB_STR_(x) #x
#define DLIB_STR(x) DLIB_STR_(x)
/* A member of a library's table: a pointer to @name, typed from its declaration. */
#define DLIB_PTR(name) typeof(&name) name;
/* In a bind function: sets table @tbl's member @name, or returns -ENOENT. */
#define DLIB_BIND(tbl, lib, name)                                               \
	do {                                                                    \
		(tbl)->name = (typeof(&name))dlib__sym(lib, DLIB_STR(name));    \
		if (!(tbl)->name)                                               \
			return -ENOENT;                                         \
	} while (0);

/* DLIB_BIND on the table DLIB_DEFINE's bind function names dlib_tbl. */
#define DLIB_BIND_TBL(name) DLIB_BIND(dlib_tbl, lib, name)

/*
 * DLIB_DEFINE - a static struct dlib @var for library @so (used for @what),
 * whose bind function sets every member of table @tbl that the X-macro
 * list @SYMS names.
 */
#define DLIB_DEFINE(var, tbl, SYMS, so, what)                                  \
	static int var##_bind(struct dlib *lib)                                 \
	{                                                                       \
		typeof(tbl) *dlib_tbl = &(tbl);                                 \
		SYMS(DLIB_BIND_TBL)                                             \
		return 0;                                                       \
	}                                                                       \
	static struct dlib var = DLIB_INIT(so, what, var##_bind)

#endif
