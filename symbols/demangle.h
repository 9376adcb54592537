/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_DEMANGLE_H
#define PMUKVM_DEMANGLE_H

#include <stdbool.h>

/**
 * struct demangle_conf - what gets demangled, as perf's --demangle,
 * --no-demangle and --demangle-kernel choose: user-space names by default,
 * kernel and kernel-module names only when asked.
 */
struct demangle_conf {
	bool user;
	bool kernel;
};

extern struct demangle_conf demangle_conf;

/**
 * demangle - the name perf 6.1 shows for a symbol: C++ (Itanium ABI) and
 * Rust names through libiberty's cplus_demangle, the library Debian's perf
 * is built with, with no options (no parameter list, no return type:
 * "_Z4spinImET_S0_" -> "spin<unsigned long>"), or with parameters when -v
 * is given, as perf does; OCaml names ("camlStdlib__map_12" ->
 * "Stdlib.map_12") by perf's rule. @kernel: the symbol is the kernel's or a
 * module's. Returns a malloc'ed string the caller frees, or NULL when
 * @name stays as it is.
 */
char *demangle(const char *name, bool kernel);

#endif
