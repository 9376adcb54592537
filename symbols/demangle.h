/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_DEMANGLE_H
#define PMUKVM_DEMANGLE_H

#include <stddef.h>

/**
 * demangle - a C++ (Itanium ABI) name without its parameter list, as
 * profilers show it: "_ZN2ns1fEv" -> "ns::f". Returns a malloc'ed string
 * the caller frees, or NULL when @name is not a mangled name.
 */
char *demangle(const char *name);

#endif
