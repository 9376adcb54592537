// SPDX-License-Identifier: GPL-2.0
/*
 * Kernels: a machine's kallsyms, modules and vmlinux, read from files or
 * from the guest files a data file carries; a guest kernel's maps laid
 * out from them (modules from .ko files under --guestmount where kallsyms
 * has no symbols for them), relocated by the recorded _text.
 */
#include "util/kernel.h"

#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/utsname.h>

#include "symbols/elf.h"
#include "symbols/kallsyms.h"
#include "symbols/kmod.h"
#include "symbols/symtab.h"
#include "util/buildid.h"
#include "util/data.h"
#include "util/header.h"
#include "util/err.h"
#include "util/guest.h"
#include "util/machine.h"

static u16 module_owner(const struct machine *machine, const char *modname)
{
	return machine->ks ? kallsyms__module_owner(machine->ks, modname) : 0;
}

/* "[jbd2]" or "/lib/modules/.../jbd2.ko(.xz)" -> "jbd2" */
char *module_name_of(const char *filename)
{
	const char *b = basename_of(filename);
	size_t n;
	char *s, *p;

	if (b[0] == '[') {
		n = strlen(b);
		return xstrndup(b + 1, n > 2 ? n - 2 : 0);
	}
	s = xstrdup(b);
	p = strstr(s, ".ko");
	if (p)
		*p = '\0';
	for (p = s; *p; p++)
		if (*p == '-')
			*p = '_';
	return s;
}

/* Guest symbol files carried in the data file, for machine @pid. */
static int load_carried_file(struct machines *m, s32 pid, u32 kind, char **buf, size_t *len)
{
	/* pmukvm check loads guest files without a data file. */
	const struct header_info *hi = m->data ? &m->data->info : NULL;

	return guest_files__load(hi ? hi->guest_files : NULL, hi ? hi->guest_files_size : 0,
				 pid, kind, buf, len);
}

/*
 * The host's kallsyms where --kallsyms names none. This machine's
 * /proc/kallsyms is the recording's kernel's only when the recording's
 * build-id for [kernel.kallsyms] is the running kernel's (or it has none,
 * as perf takes it): else perf's build-id cache may hold that kernel's
 * copy (perf record keeps one), and without it there is none, said with
 * why: symbols of another kernel would name the samples wrongly.
 */
const char *machines__host_kallsyms(struct machines *m)
{
	u8 rec[BUILD_ID_MAX], run[BUILD_ID_MAX];
	char hex[2 * BUILD_ID_MAX + 1], rhex[128], *want;
	int nrec, nrun;

	if (m->kallsyms_path)
		return m->kallsyms_path;
	if (m->host_ks_chosen)
		return m->host_ks_file;
	m->host_ks_chosen = true;
	if (m->symfs) {
		/* As perf: a recording from elsewhere, its kernel's symbols named or none. */
		m->host_ks_why = xasprintf("[kernel.kallsyms]: with --symfs, this machine's "
					   "kallsyms and perf's build-id cache are not used");
		return NULL;
	}
	nrec = m->data ? header__find_build_id(m->data, "[kernel.kallsyms]", rec) : 0;
	nrun = nrec ? sysfs__read_build_id("/sys/kernel/notes", run, sizeof(run)) : 0;
	if (!nrec || build_id__equal(rec, nrec, run, nrun)) {
		m->host_ks_file = xstrdup("/proc/kallsyms");
		return m->host_ks_file;
	}
	build_id__hex(rec, (size_t)nrec, hex);
	/* perf's cache: [kernel.kallsyms]/<build-id>/kallsyms, or older perfs' <build-id> file */
	want = build_id_cache__path("[kernel.kallsyms]/%s/kallsyms", hex);
	if (file_is_regular(want)) {
		m->host_ks_file = want;
		return want;
	}
	m->host_ks_file = build_id_cache__path("[kernel.kallsyms]/%s", hex);
	if (file_is_regular(m->host_ks_file)) {
		free(want);
		return m->host_ks_file;
	}
	free(m->host_ks_file);
	m->host_ks_file = NULL;
	if (nrun > 0)
		build_id__hex(run, (size_t)nrun, rhex);
	else
		snprintf(rhex, sizeof(rhex), "unknown: /sys/kernel/notes: %s",
			 strerror(nrun ? -nrun : ENOENT));
	m->host_ks_why = xasprintf("[kernel.kallsyms]: the recording's kernel (build-id %s) is "
				   "not the running one (%s), and perf's build-id cache has no "
				   "kallsyms of it (%s)", hex, rhex, want);
	free(want);
	return NULL;
}

static int machine__load_kallsyms(struct machines *m, struct machine *machine,
				  struct err *err)
{
	struct kallsyms *ks = xzalloc(sizeof(*ks));
	int ret;

	if (machine->kallsyms_path) {
		ret = kallsyms__load(ks, machine->kallsyms_path, err);
	} else if (machine->flags & MACHINE_GUEST) {
		char *buf;
		size_t len;
		char name[64];

		ret = load_carried_file(m, machine->pid, GUEST_FILE_KALLSYMS, &buf, &len);
		if (ret) {
			err__set(err, ret, "no kallsyms for %s", machine->name);
		} else {
			snprintf(name, sizeof(name), "%s: kallsyms stored in the data file",
				 machine->name);
			ret = kallsyms__parse(ks, buf, len, name, err);
			free(buf);
		}
	} else {
		const char *path = machines__host_kallsyms(m);

		if (path)
			ret = kallsyms__load(ks, path, err);
		else if (machine->vmlinux)
			ret = err__set(err, -ENOENT, "%s: module samples are not resolved; give "
				       "the recording kernel's kallsyms with --kallsyms",
				       m->host_ks_why);
		else
			ret = err__set(err, -ENOENT, "%s: host kernel and module samples are not "
				       "resolved; give the recording kernel's kallsyms with "
				       "--kallsyms (or its vmlinux with --vmlinux)", m->host_ks_why);
	}
	if (ret) {
		free(ks);
		return ret;
	}
	machine->ks = ks;
	return 0;
}

static int machine__load_modules(struct machines *m, struct machine *machine,
				 struct err *err)
{
	char *buf;
	size_t len;
	char name[64];
	int ret;

	if (machine->modules_path)
		return modules__load(machine->modules_path, &machine->mods, &machine->nr_mods,
				     err);
	ret = load_carried_file(m, machine->pid, GUEST_FILE_MODULES, &buf, &len);
	if (ret == -ENOENT)
		return 0;
	if (ret) {
		return err__set(err, ret, "%s: cannot read the modules stored in the data file",
				machine->name);
	}
	snprintf(name, sizeof(name), "%s: modules stored in the data file", machine->name);
	ret = modules__parse(buf, len, name, &machine->mods, &machine->nr_mods, err);
	free(buf);
	return ret;
}

void machine__add_kmap(struct machine *machine, u64 start, u64 end, u64 pgoff,
		       struct dso *dso)
{
	struct map map = { .start = start, .end = end, .pgoff = pgoff, .dso = dso };

	maps__insert(&machine->kmaps, &map);
}

void machine__vmlinux_layout(struct machine *machine)
{
	struct map *mp, *keep = NULL;
	size_t i, nr_keep = 0, alloc = 0;

	machine->reloc = machine->has_text_recorded ?
			 (s64)(machine->text_recorded - machine->vmlinux_text) : 0;
	for (mp = maps__first(&machine->kmaps); mp; mp = maps__next(&machine->kmaps, mp)) {
		if (mp->dso->kind == DSO_KERNEL)
			continue;
		ALLOC_GROW(keep, nr_keep + 1, alloc);
		keep[nr_keep++] = *mp;
	}
	maps__clear(&machine->kmaps);
	for (i = 0; i < machine->nr_vsecs; i++) {
		const struct elf_section *sec = &machine->vsecs[i];
		u64 start = sec->addr + (u64)machine->reloc;
		struct dso *dso = machine->kernel_dso;

		if (strcmp(sec->name, ".text")) {
			char *name = xasprintf("%s%s", machine->kernel_dso->long_name, sec->name);

			dso = machine__findnew_dso(machine, name, DSO_KERNEL, name);
			dso->loaded = true;	/* its symbols are the vmlinux's */
			free(name);
		}
		machine__add_kmap(machine, start, start + sec->size, start, dso);
	}
	for (i = 0; i < nr_keep; i++)
		maps__insert(&machine->kmaps, &keep[i]);
	free(keep);
}

/*
 * The host's vmlinux, loaded (@img): its executable sections and its
 * _text, for machine__vmlinux_layout. False, with @err set, where it has no
 * .text to lay out.
 */
static bool host_vmlinux_sections(struct machine *machine, const struct elf_image *img,
				  struct err *err)
{
	const struct symbol *t;
	size_t i;

	if (elf__exec_sections(machine->vmlinux_path, &machine->vsecs, &machine->nr_vsecs, err))
		goto fail;
	for (i = 0; i < machine->nr_vsecs && strcmp(machine->vsecs[i].name, ".text"); i++)
		;
	if (i == machine->nr_vsecs) {
		err__set(err, -EINVAL, "'%s' is not a kernel image: it has no .text section",
			 machine->vmlinux_path);
		goto fail;
	}
	/* The recording's kernel map is at _text, as perf's -k relocates by it. */
	t = symtab__find_name(&img->tab, "_text");
	machine->vmlinux_text = t ? t->start : machine->vsecs[i].addr;
	return true;
fail:
	free(machine->vsecs);
	machine->vsecs = NULL;
	machine->nr_vsecs = 0;
	return false;
}

/* Module symbols from DIR/<pid>/lib/modules/.../NAME.ko when kallsyms has none. */
static void guest__load_ko(struct machines *m, struct machine *machine, struct dso *dso,
			   const struct kmodule *km)
{
	char *path = kmod__find(machine->root, km->name);
	struct err err;
	struct elf_image *img;

	if (!path)
		return;
	img = xzalloc(sizeof(*img));
	if (kmod__load(img, path, km->start, &err)) {
		machines__warn_once(m, "%s: %s", machine->name, err.msg);
		free(img);
	} else {
		dso->elf = img;
		pr_debug("%s: %s symbols from %s", machine->name, km->name, path);
	}
	free(path);
}

/*
 * One guest module's map, from its modules file line or, when the guest
 * has no modules file, from the recording's module map record. Symbols
 * come from kallsyms' [module] lines, else from a .ko under --guestmount.
 */
static void guest__add_module(struct machines *m, struct machine *machine,
			      const struct kmodule *km, bool recorded)
{
	const char *src = recorded ? "the recording's module maps" : "the modules file";
	char *dname = xasprintf("[%s]", km->name);
	struct dso *dso = machine__findnew_dso(machine, dname, DSO_MODULE, NULL);

	free(dname);
	dso->loaded = true;
	dso->owner = module_owner(machine, km->name);
	if (!dso->owner && machine->root && !dso->elf)
		guest__load_ko(m, machine, dso, km);
	if (!dso->owner && !dso->elf && machine->ks)
		machines__warn_once(m, "%s: module %s is in %s but has no symbols in kallsyms%s "
				    "(kallsyms/modules inconsistency)", machine->name, km->name,
				    src, machine->root ? " nor a .ko file" : "");
	if (km->start < machine->kernel_map_end && km->start + km->size >
	    machine->kernel_map_start)
		machines__warn_once(m, "%s: module %s [%#" PRIx64 "-%#" PRIx64 ") in %s overlaps "
				    "the core kernel (kallsyms/modules inconsistency)",
				    machine->name, km->name, km->start, km->start + km->size, src);
	machine__add_kmap(machine, km->start, km->start + km->size, 0, dso);
}

/*
 * A guest's kernel layout comes from its symbol files, not from the map
 * records: the core kernel spans its kallsyms core symbols, each module
 * its /proc/modules range (without a modules file, as perf does, the
 * range its module map record gives). The recorded _text, when there is one, gives
 * the KASLR relocation of the core kernel.
 */
void guest__build_kmaps(struct machines *m, struct machine *machine)
{
	const struct kallsyms *ks = machine->ks;
	u64 lo = UINT64_MAX, hi = 0;
	size_t i;

	/* By index: a packed table makes no struct symbol for this. */
	for (i = 0; ks && i < ks->tab.nr; i++) {
		u64 start = symtab__start(&ks->tab, i), end;

		if (symtab__owner_of(&ks->tab, i) || !start)
			continue;
		if (start < lo)
			lo = start;
		end = symtab__end_of(&ks->tab, i);
		if (end > hi)
			hi = end;
	}
	if (machine->vmlinux) {
		for (i = 0; i < machine->vmlinux->tab.nr; i++) {
			const struct symbol *s = &machine->vmlinux->tab.syms[i];

			if (s->start < lo)
				lo = s->start;
			if (symbol__end(&machine->vmlinux->tab, s) > hi)
				hi = symbol__end(&machine->vmlinux->tab, s);
		}
	}
	if (ks && ks->has_text && ks->text > lo && ks->text < hi)
		lo = ks->text;
	if (lo < hi) {
		u64 text = lo;

		if (ks && ks->has_text) {
			text = ks->text;
		} else if (machine->vmlinux) {
			const struct symbol *t = symtab__find_name(&machine->vmlinux->tab, "_text");

			if (t)
				text = t->start;
		}

		if (machine->has_text_recorded && machine->text_recorded != text) {
			machine->reloc = (s64)(machine->text_recorded - text);
			machines__warn_once(m, "%s: the recording's kernel _text is %#" PRIx64
					    " but the symbol files say %#" PRIx64 ": the guest "
					    "rebooted or KASLR moved it; core kernel symbols are "
					    "relocated by %+" PRId64 ", module symbols are likely "
					    "stale", machine->name, machine->text_recorded, text,
					    machine->reloc);
		}
		machine->kernel_map_start = lo + (u64)machine->reloc;
		machine->kernel_map_end = hi + (u64)machine->reloc;
		machine__add_kmap(machine, machine->kernel_map_start, machine->kernel_map_end,
				  machine->kernel_map_start, machine->kernel_dso);
	}
	if (machine->nr_mods) {
		for (i = 0; i < machine->nr_mods; i++)
			guest__add_module(m, machine, &machine->mods[i], false);
	} else {
		for (i = 0; i < machine->nr_rec_mods; i++)
			guest__add_module(m, machine, &machine->rec_mods[i], true);
	}
	/* kallsyms module symbols whose module the modules file lacks. */
	for (i = 0; ks && i < ks->nr_modnames; i++) {
		size_t j;
		bool found = false;

		/* BPF programs and ftrace/kprobe trampolines are not modules. */
		if (!strcmp(ks->modnames[i], "bpf") || !strncmp(ks->modnames[i], "__builtin__", 11))
			continue;
		for (j = 0; j < machine->nr_mods && !found; j++)
			found = !strcmp(machine->mods[j].name, ks->modnames[i]);
		if (!found && machine->nr_mods)
			machines__warn_once(m, "%s: kallsyms has symbols of module %s, which the "
					    "modules file does not list (kallsyms/modules "
					    "inconsistency)", machine->name, ks->modnames[i]);
	}
}

/*
 * A kernel image is linked (ET_EXEC) at a kernel address and keeps its
 * symbols; /bin/ls and other programs are not, and would make every
 * guest kernel sample silently unresolved. On failure @img's contents
 * are freed and the reason is in @err.
 */
static bool vmlinux__check(struct elf_image *img, const char *path, struct err *err)
{
	const char *why = NULL;
	bool high = false;
	size_t i;

	for (i = 0; i < img->nr_segs; i++)
		high |= img->segs[i].vaddr >= 0xc0000000ull;
	if (img->e_type != ET_EXEC)
		why = "not an executable ELF file (ET_EXEC) as a vmlinux is";
	else if (!high)
		why = "nothing in it is loaded at a kernel address";
	else if (!img->tab.nr)
		why = "it has no symbols (a stripped image)";
	if (!why)
		return true;
	err__set(err, -EINVAL, "'%s' is not a kernel image: %s", path, why);
	elf_image__exit(img);
	return false;
}

/* The kernel image at @path, loaded and checked; NULL with @err set where it is not one. */
static struct elf_image *vmlinux__load(const char *path, struct err *err)
{
	struct elf_image *img = xzalloc(sizeof(*img));

	if (elf__load(img, path, path, NULL, 0, err) || !vmlinux__check(img, path, err)) {
		free(img);
		return NULL;
	}
	return img;
}

/*
 * Whether the -k file @path is an ELF file; 1 if so, 0 if not, or a
 * negative errno (with @err set) where it cannot be opened. The file is
 * read when a host kernel sample needs it: opened now, once, so that a bad
 * path (or a FIFO, which would block) stops the command at the start.
 */
static int kallsyms_file_is_elf(const char *path, struct err *err)
{
	unsigned char magic[SELFMAG];
	int fd = file__open_regular(path, 0);
	int elf;

	if (fd < 0)
		return err__set(err, fd, "cannot read '%s': %s", path, file__strerror(fd));
	elf = pread(fd, magic, sizeof(magic), 0) == sizeof(magic) &&
	      !memcmp(magic, ELFMAG, SELFMAG);
	close(fd);
	return elf;
}

/*
 * Whether a vmlinux asked for by name is the recording's kernel: where
 * the file names its kernel by a build-id, the vmlinux must have that
 * build-id (as perf takes it); another's would name the samples wrongly.
 * False is said, with both build-ids.
 */
static bool vmlinux_is_recorded(struct machines *m, const char *vmlinux)
{
	u8 rec[BUILD_ID_MAX], img[BUILD_ID_MAX];
	char rhex[2 * BUILD_ID_MAX + 1], ihex[2 * BUILD_ID_MAX + 1];
	int nrec = m->data ? header__find_build_id(m->data, "[kernel.kallsyms]", rec) : 0;
	int nimg = nrec ? filename__read_build_id(vmlinux, img, sizeof(img)) : 0;

	if (!nrec || build_id__equal(rec, nrec, img, nimg))
		return true;
	if (nimg > 0)
		build_id__hex(img, (size_t)nimg, ihex);
	else
		snprintf(ihex, sizeof(ihex), "none");
	machines__warn_once(m, "'%s' is not the recording's kernel (build-id %s, the "
			    "recording's %s): not used, the host's kernel and module samples "
			    "are not resolved (as perf)", vmlinux, ihex,
			    build_id__hex(rec, (size_t)nrec, rhex));
	return false;
}

/*
 * Where perf looks for the recording kernel's vmlinux when none is
 * named: two places as they are, then five for the kernel's release (the
 * release between @before and @after).
 */
static const struct {
	const char *before, *after;
	bool release;
} vmlinux_places[] = {
	{ "vmlinux", "", false },
	{ "/boot/vmlinux", "", false },
	{ "/boot/vmlinux-", "", true },
	{ "/usr/lib/debug/boot/vmlinux-", "", true },
	{ "/lib/modules/", "/build/vmlinux", true },
	{ "/usr/lib/debug/lib/modules/", "/vmlinux", true },
	{ "/usr/lib/debug/boot/vmlinux-", ".debug", true },
};

char *vmlinux__find(const char *symfs, const char *release, const u8 *bid, int size)
{
	u8 got[BUILD_ID_MAX];
	struct utsname uts;
	size_t i;

	if (size <= 0)
		return NULL;
	if ((!release || !*release) && !uname(&uts))
		release = uts.release;
	if (release && strchr(release, '/'))
		release = NULL;	/* a name, not a way out of the places */
	for (i = 0; i < ARRAY_SIZE(vmlinux_places); i++) {
		const char *before = vmlinux_places[i].before;
		char *path;

		if (vmlinux_places[i].release && (!release || !*release))
			continue;
		path = xasprintf("%s%s%s%s%s", symfs ? symfs : "", symfs && *before != '/' ? "/" : "",
				 before, vmlinux_places[i].release ? release : "",
				 vmlinux_places[i].after);
		if (file_is_regular(path) &&
		    build_id__equal(bid, size, got, filename__read_build_id(path, got, sizeof(got))))
			return path;
		free(path);
	}
	return NULL;
}

/*
 * The recording kernel's vmlinux where -k and --vmlinux name none: the
 * first of perf's places (each under --symfs DIR where one is given)
 * that is a regular file with the build-id the recording gives its
 * kernel. Without such a build-id nothing is looked for (perf would
 * take whatever ./vmlinux is: another kernel's symbols). NULL: none.
 */
static char *machines__find_vmlinux(struct machines *m)
{
	u8 rec[BUILD_ID_MAX];
	char *path;
	int nrec;

	if (m->ignore_vmlinux || !m->data)
		return NULL;
	nrec = header__find_build_id(m->data, "[kernel.kallsyms]", rec);
	path = vmlinux__find(m->symfs, m->data->info.osrelease, rec, nrec);
	if (path)
		pr_debug("host kernel symbols from %s: the recording's kernel's build-id", path);
	return path;
}

int machines__set_host_kernel(struct machines *m, const char *kallsyms, const char *vmlinux,
			      struct err *err)
{
	struct machine *host = &m->host;
	struct elf_image *img;
	char *found = NULL;

	if (kallsyms) {
		int elf = kallsyms_file_is_elf(kallsyms, err);

		if (elf < 0)
			return elf;
		if (elf && vmlinux)
			return err__set(err, -EINVAL, "-k '%s' is an ELF file (a vmlinux) and "
					"--vmlinux names one too: give one of them", kallsyms);
		if (elf) {
			vmlinux = kallsyms;
			kallsyms = NULL;
		}
	}
	m->kallsyms_path = kallsyms;
	if (m->ignore_vmlinux)
		vmlinux = NULL;		/* as perf: a named one too */
	if (!vmlinux && !kallsyms)
		vmlinux = found = machines__find_vmlinux(m);
	if (!vmlinux)
		return 0;
	/*
	 * Read now, so that a bad one asked for by name stops the command
	 * (one found is said and left), and laid out now (at its link
	 * address until a kernel map record gives the recording's _text).
	 */
	host->vmlinux_path = found ? found : xstrdup(vmlinux);
	img = vmlinux__load(vmlinux, err);
	/* one found has the recording's build-id already */
	if (img && !found && !vmlinux_is_recorded(m, vmlinux)) {
		elf_image__exit(img);
		free(img);
		host->flags |= MACHINE_NO_SYMBOLS;
		return 0;
	}
	if (img && host_vmlinux_sections(host, img, err)) {
		host->vmlinux = img;
		machine__vmlinux_layout(host);
		return 0;
	}
	if (img) {
		elf_image__exit(img);
		free(img);
	}
	if (!found)
		return err->code ? err->code : -EINVAL;
	/* Found, not named: kallsyms instead, and why. */
	machines__warn_once(m, "%s: not used for the host kernel's symbols", err->msg);
	free(host->vmlinux_path);
	host->vmlinux_path = NULL;
	err->code = 0;
	err->msg[0] = '\0';
	return 0;
}

/*
 * The host's kallsyms read on a thread of its own (machines.kernel_beside):
 * what machine__load_kernel needs of the machine is taken when it starts,
 * so that finishing it (kernel_finish_host) gives what loading at once
 * would have.
 */
struct kernel_job {
	pthread_t thread;
	char *path;
	struct kallsyms *ks;
	struct err err;
	int ret;
	bool done;		/* atomic: the thread has finished */
	u64 text_recorded;	/* the machine's, when the load started */
	bool has_text_recorded;
	struct dso **mods;	/* the module DSOs there were then */
	size_t nr_mods;
};

static void *kernel_job_main(void *arg)
{
	struct kernel_job *j = arg;
	const char *delay = getenv("PMUKVM_KALLSYMS_DELAY_MS");

	/* tests: every kernel sample held until then (the order of rows made) */
	if (delay) {
		unsigned long ms = strtoul(delay, NULL, 10);
		struct timespec ts = { .tv_sec = (time_t)(ms / 1000),
				       .tv_nsec = (long)(ms % 1000) * 1000000 };

		nanosleep(&ts, NULL);
	}
	j->ret = kallsyms__load(j->ks, j->path, &j->err);
	__atomic_store_n(&j->done, true, __ATOMIC_RELEASE);
	return NULL;
}

/* The host's relocation, its warning and its module DSOs' owners, once kallsyms is read. */
static void kernel_finish_host(struct machines *m, struct machine *machine, u64 text_recorded,
			       bool has_text_recorded, struct dso *const *mods, size_t nr_mods)
{
	size_t i;

	/* Host: the map records laid out the kmaps; relocate by _text, and say so. */
	if (machine->vsecs) {
		/*
		 * The core kernel's symbols are the vmlinux's, relocated by
		 * machine__vmlinux_layout; kallsyms gives the modules'.
		 */
		if (nr_mods && machine->ks && machine->ks->has_text && has_text_recorded &&
		    machine->ks->text != text_recorded)
			machines__warn_once(m, "%s: the recording's kernel _text is %#" PRIx64
					    " but '%s' says %#" PRIx64 ": the host rebooted or "
					    "that file is of another kernel; module symbols are "
					    "likely stale", machine->name, text_recorded,
					    machines__host_kallsyms(m),
					    machine->ks->text);
	} else {
		if (machine->ks && machine->ks->has_text && has_text_recorded)
			machine->reloc = (s64)(text_recorded - machine->ks->text);
		if (machine->reloc)
			machines__warn_once(m, "%s: the recording's kernel _text is %#" PRIx64
					    " but '%s' says %#" PRIx64 ": the host rebooted "
					    "(KASLR moved the kernel) or that file is of another "
					    "kernel; kernel symbols are relocated by %+" PRId64
					    " (wrong if it is another kernel), module symbols "
					    "are likely stale", machine->name, text_recorded,
					    machines__host_kallsyms(m),
					    machine->ks->text, machine->reloc);
	}
	for (i = 0; i < nr_mods; i++) {
		char *name = module_name_of(mods[i]->long_name);

		mods[i]->owner = module_owner(machine, name);
		free(name);
	}
}

/* @machine's module DSOs, @*n of them (an array the caller frees). */
static struct dso **module_dsos(struct machine *machine, size_t *n)
{
	struct dso *dso, **mods;
	size_t i, k = 0;

	machine__for_each_dso(machine, i, dso)
		k += dso->kind == DSO_MODULE;
	mods = xcalloc(k ? k : 1, sizeof(*mods));
	*n = 0;
	machine__for_each_dso(machine, i, dso)
		if (dso->kind == DSO_MODULE)
			mods[(*n)++] = dso;
	return mods;
}

/* Frees @j, its thread joined (what it read is the caller's). */
static void kernel_job_free(struct kernel_job *j)
{
	free(j->mods);
	free(j->path);
	free(j);
}

/* Starts the host's kallsyms load beside; false when it cannot (loaded at once then). */
static bool kernel_job_start(struct machines *m, struct machine *machine)
{
	const char *path = machine->kallsyms_path ?: machines__host_kallsyms(m);
	struct kernel_job *j;

	if (!path)
		return false;	/* loaded at once, to say why there is none */
	j = xzalloc(sizeof(*j));
	j->mods = module_dsos(machine, &j->nr_mods);
	j->path = xstrdup(path);
	j->ks = xzalloc(sizeof(*j->ks));
	j->text_recorded = machine->text_recorded;
	j->has_text_recorded = machine->has_text_recorded;
	if (thread_start(&j->thread, kernel_job_main, j)) {
		free(j->ks);
		kernel_job_free(j);
		return false;
	}
	machine->ks_job = j;
	return true;
}

bool machine__kernel_settle(struct machines *m, struct machine *machine, bool wait)
{
	struct kernel_job *j = machine->ks_job;

	if (!j)
		return true;
	if (!wait && !__atomic_load_n(&j->done, __ATOMIC_ACQUIRE))
		return false;
	pthread_join(j->thread, NULL);
	machine->ks_job = NULL;
	if (j->ret) {
		free(j->ks);
		if (!machine->load_err) {
			machine->load_err = j->ret;
			machine->load_error = xstrdup(j->err.msg);
		}
		machines__warn_once(m, "%s", j->err.msg);
	} else {
		machine->ks = j->ks;
	}
	kernel_finish_host(m, machine, j->text_recorded, j->has_text_recorded, j->mods,
			   j->nr_mods);
	m->gen++;	/* samples kept unresolved are resolved from here */
	kernel_job_free(j);
	return true;
}

void machine__kernel_abandon(struct machine *machine)
{
	struct kernel_job *j = machine->ks_job;

	if (!j)
		return;
	pthread_join(j->thread, NULL);
	machine->ks_job = NULL;
	if (!j->ret)
		kallsyms__exit(j->ks);
	free(j->ks);
	kernel_job_free(j);
}

void machine__load_kernel(struct machines *m, struct machine *machine)
{
	struct dso *dso, **mods;
	struct err err;
	size_t i, n;
	int ret;

	if (machine->ks_tried)
		return;
	machine->ks_tried = true;
	machine__for_each_dso(machine, i, dso)
		if (dso->kind == DSO_KERNEL || dso->kind == DSO_MODULE)
			dso->loaded = true;
	if (machine->flags & MACHINE_NO_SYMBOLS)
		return;
	if (m->kernel_beside && !(machine->flags & MACHINE_GUEST) && !machine->vmlinux_path &&
	    kernel_job_start(m, machine))
		return;
	if (machine->vmlinux_path && !machine->vmlinux) {
		machine->vmlinux = vmlinux__load(machine->vmlinux_path, &err);
		if (!machine->vmlinux) {
			machines__warn_once(m, "%s: %s", machine->name, err.msg);
			if (!machine->load_err) {
				machine->load_err = err.code;
				machine->load_error = xstrdup(err.msg);
			}
		}
	}
	if (machine->kallsyms_path || !(machine->flags & MACHINE_GUEST) ||
	    !machine->vmlinux) {
		ret = machine__load_kallsyms(m, machine, &err);
		if (ret) {
			if (!machine->load_err) {
				machine->load_err = ret;
				machine->load_error = xstrdup(err.msg);
			}
			if (!(machine->flags & MACHINE_GUEST) || machine->kallsyms_path ||
			    ret != -ENOENT)
				machines__warn_once(m, "%s", err.msg);
		}
	}
	if (machine->flags & MACHINE_GUEST) {
		ret = machine__load_modules(m, machine, &err);
		if (ret) {
			machines__warn_once(m, "%s", err.msg);
			if (!machine->load_err) {
				machine->load_err = ret;
				machine->load_error = xstrdup(err.msg);
			}
		}
		guest__build_kmaps(m, machine);
		return;
	}
	mods = module_dsos(machine, &n);
	kernel_finish_host(m, machine, machine->text_recorded, machine->has_text_recorded, mods, n);
	free(mods);
}

/*
 * A guest module map record, kept for a guest without a modules file
 * (--guestkallsyms alone): perf lays such a guest's modules out from
 * these records and names their symbols from kallsyms' [module] lines.
 */
void guest__record_module(struct machines *m, struct machine *machine, u64 start,
			  u64 end, const char *filename)
{
	struct kmodule *km;
	char *name;
	u32 idx;

	if (machine->nr_rec_mods >= MAX_MODULES) {
		machines__warn_once(m, "%s: module map records of more than %u modules: the "
				    "rest are ignored", machine->name, MAX_MODULES);
		return;
	}
	name = module_name_of(filename);
	if (!*name || end - start > MODULE_MAX_SIZE) {
		machines__warn_once(m, "%s: module map record '%s' [%#" PRIx64 "-%#" PRIx64 ") "
				    "ignored: not a module's name and size", machine->name,
				    filename, start, end);
		free(name);
		return;
	}
	/* Names are numbered in the order first seen, as rec_mods is filled. */
	idx = str_set__add(&machine->rec_mod_names, name);
	if (idx == machine->nr_rec_mods) {
		ALLOC_GROW(machine->rec_mods, machine->nr_rec_mods + 1, machine->alloc_rec_mods);
		km = &machine->rec_mods[machine->nr_rec_mods++];
		km->name = name;
	} else {
		free(name);
		km = &machine->rec_mods[idx];	/* reloaded: the last record holds */
		if (km->start == start && km->size == end - start)
			return;
	}
	km->start = start;
	km->size = end - start;
	if (machine->ks_tried && !machine->nr_mods && !(machine->flags & MACHINE_NO_SYMBOLS))
		guest__add_module(m, machine, km, true);
}
