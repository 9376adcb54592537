/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_KERNEL_H
#define PMUKVM_KERNEL_H

/*
 * Kernels: the symbol files of a machine's kernel (kallsyms, modules,
 * vmlinux, a guest's .ko files, the guest files carried in a data file)
 * and the kernel maps a guest's layout is built from.
 */
#include <stdbool.h>

#include "util/util.h"

struct dso;
struct machine;
struct err;
struct machines;

/**
 * machine__load_kernel - loads @machine's kernel symbols once: vmlinux,
 * kallsyms (a file, the carried copy, or the host's), and for a guest its
 * modules, then lays out a guest's kernel maps (guest__build_kmaps); the
 * host's are relocated by the recorded _text and its module DSOs told
 * their kallsyms owner. What fails is warned about and kept in
 * @machine->load_error.
 */
void machine__load_kernel(struct machines *m, struct machine *machine);

/**
 * machine__kernel_settle - where the host's kallsyms is being read beside
 * (machines.kernel_beside), finishes that load as machine__load_kernel
 * would have: at once, or (@wait false) only if the reading is done.
 * Returns true when no load is left running; then samples resolved while
 * it ran (addr_location.held) can be looked up (machines__resolve_held).
 */
bool machine__kernel_settle(struct machines *m, struct machine *machine, bool wait);

/** machine__kernel_abandon - waits for a load beside to end, and drops what it read. */
void machine__kernel_abandon(struct machine *machine);

/**
 * guest__build_kmaps - lays out a guest's kernel maps from its symbol
 * files: the core kernel over its kallsyms core symbols (relocated by the
 * recorded _text), each module over its modules file range or, without a
 * modules file, its module map record's.
 */
void guest__build_kmaps(struct machines *m, struct machine *machine);

/**
 * guest__record_module - keeps a guest module map record (@filename,
 * [@start, @end)) for a guest without a modules file; mapped at once if
 * the guest's kernel is laid out already.
 */
void guest__record_module(struct machines *m, struct machine *machine, u64 start,
			  u64 end, const char *filename);

/**
 * machine__add_kmap - maps [@start, @end) of @machine's kernel space to @dso;
 * @pgoff as struct map's: @start for the kernel, 0 for a module.
 */
void machine__add_kmap(struct machine *machine, u64 start, u64 end, u64 pgoff,
		       struct dso *dso);

/**
 * vmlinux__find - the vmlinux of build-id @bid (@size bytes; none: NULL)
 * in the first of perf's places that holds one: ./vmlinux,
 * /boot/vmlinux, then for kernel @release (NULL: the running one's)
 * /boot/vmlinux-R, /usr/lib/debug/boot/vmlinux-R,
 * /lib/modules/R/build/vmlinux, /usr/lib/debug/lib/modules/R/vmlinux and
 * /usr/lib/debug/boot/vmlinux-R.debug; each under @symfs where not NULL.
 * A new string, or NULL where none holds it.
 */
char *vmlinux__find(const char *symfs, const char *release, const u8 *bid, int size);

/**
 * machines__set_host_kernel - the host's kernel symbol files, from -k and
 * --vmlinux (either may be NULL): a kallsyms copy, and an ELF vmlinux for
 * the core kernel's symbols. A -k FILE that is an ELF file is taken as the
 * vmlinux, as perf's -k takes one. @kallsyms is kept as given (not copied).
 * The vmlinux is read at once: 0, or a negative errno with @err set (not
 * ELF, not a kernel image, no .text).
 */
int machines__set_host_kernel(struct machines *m, const char *kallsyms, const char *vmlinux,
			      struct err *err);

/**
 * machines__host_kallsyms - the host's kallsyms file: -k's, else
 * /proc/kallsyms where the recording's kernel (its [kernel.kallsyms]
 * build-id) is the running one or unnamed, else perf's build-id cache's
 * copy of the recording's (HOME/.debug/[kernel.kallsyms]/BUILD-ID/kallsyms).
 * NULL when there is none; @m->host_ks_why then says why. Chosen once.
 */
const char *machines__host_kallsyms(struct machines *m);

/**
 * machine__vmlinux_layout - the host's kernel maps from its vmlinux (-k,
 * --vmlinux), as perf lays them out: each executable section where the
 * recording's _text puts the image (the relocation), .text as
 * [kernel.kallsyms] and the others as [kernel.kallsyms]<section> (perf's
 * names); the module maps stay, and a kernel address in no section is in
 * no map. Sets machine->reloc.
 */
void machine__vmlinux_layout(struct machine *machine);

/**
 * module_name_of - a module's name from a map name: "[jbd2]" or
 * "/lib/modules/.../jbd2.ko(.xz)" -> "jbd2" (dashes made underscores).
 * The caller frees it.
 */
char *module_name_of(const char *filename);

#endif
