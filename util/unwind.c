// SPDX-License-Identifier: GPL-2.0
/*
 * DWARF unwinding of user stacks with libunwind's remote interface.
 *
 * libunwind asks four things of us: the unwind table for an ip
 * (find_proc_info: the DSO's .eh_frame_hdr binary search table, handed to
 * dwarf_search_unwind_table), memory (access_mem: the sample's stack copy,
 * else the bytes of the file mapped at that address), registers
 * (access_reg: the sample's user registers) and nothing else. Addresses in
 * a DSO's segments that the recording did not map (its read-only segment,
 * where .eh_frame lives, is not executable) are read from the DSO being
 * unwound through, at the same load bias as its executable map.
 *
 * A DSO's bytes come from dso__data_read(), which maps its file once and
 * keeps it with the DSO: libunwind reads tables and code 8 bytes at a
 * time, over and over at the same places.
 *
 * x86_64 only, as record's register mask.
 *
 * libunwind is opened on the first stack to unwind (util/dlib.h): runs
 * without DWARF call graphs never load it.
 */
#include "util/unwind.h"

#include <libunwind.h>
#include <stdlib.h>
#include <string.h>

#include "pmukvm-sonames.h"
#include "util/dlib.h"
#include "util/dso.h"
#include "util/maps.h"
#include "util/thread.h"

/* Exported by libunwind, not declared by its headers. */
extern int UNW_OBJ(dwarf_search_unwind_table)(unw_addr_space_t as, unw_word_t ip,
					       unw_dyn_info_t *di, unw_proc_info_t *pi,
					       int need_unwind_info, void *arg);

/* The libunwind calls, typed from its header (names as it defines them: _Ux86_64_step). */
#define UNW_SYMS(X)                                                                      \
	X(unw_create_addr_space) X(unw_set_caching_policy) X(unw_init_remote) X(unw_step)  \
	X(unw_get_reg) X(unw_is_signal_frame) X(UNW_OBJ(dwarf_search_unwind_table))

static struct {
	UNW_SYMS(DLIB_PTR)
} unw;

DLIB_DEFINE(unw_lib, unw, UNW_SYMS, UNWIND_GENERIC_SONAME, "DWARF unwinding");

/* perf's x86 register numbers (bits of sample_regs_user). */
enum {
	PREG_AX, PREG_BX, PREG_CX, PREG_DX, PREG_SI, PREG_DI, PREG_BP, PREG_SP, PREG_IP,
	PREG_R8 = 16,
};

/* What the unwinder keeps per DSO: where its .eh_frame_hdr table is. */
struct dso_unwind {
	bool ok;		/* false: no table; do not look again */
	u64 hdr_off;		/* file offset of .eh_frame_hdr */
	u64 fde_count;
};

struct unwind_ctx {
	struct thread *thread;
	const struct perf_sample *s;
	u64 sp;
	struct dso *dso;	/* of the last table found: its bias for unmapped reads */
	u64 bias;		/* runtime address - file offset, for @dso */
	/* The map of the last read from a file: reads come in runs on one. */
	const struct map *last_map;
};

static struct dso_unwind *dso_unwind(struct dso *dso)
{
	struct dso_unwind *du;
	u64 off, size;
	u8 hdr[12];
	u32 count;

	du = dso__unwind(dso);
	if (du)
		return du->ok ? du : NULL;
	du = xzalloc(sizeof(*du));
	dso__set_unwind(dso, du);
	/* Its bytes: the file whose build-id the recording saw (dso__data_read). */
	if (dso__data_section(dso, ".eh_frame_hdr", &off, &size))
		return NULL;
	/*
	 * The layout perf and the linkers use: version 1, eh_frame_ptr
	 * pcrel|sdata4, fde_count udata4, table datarel|sdata4 (8-byte
	 * entries of initial location and FDE address).
	 */
	if (size < sizeof(hdr) || dso__data_read(dso, off, hdr, sizeof(hdr)) ||
	    hdr[0] != 1 || hdr[2] != 0x03 || hdr[3] != 0x3b)
		return NULL;
	memcpy(&count, hdr + 8, 4);
	if ((u64)count * 8 > size - sizeof(hdr))
		return NULL;
	du->hdr_off = off;
	du->fde_count = count;
	du->ok = true;
	return du;
}

static struct map *user_map(struct unwind_ctx *c, u64 addr)
{
	struct map *map = maps__find(c->thread->maps, addr);

	return map && map->dso && (map->dso->kind == DSO_USER || map->dso->kind == DSO_VDSO) ?
	       map : NULL;
}

static int find_proc_info(unw_addr_space_t as, unw_word_t ip, unw_proc_info_t *pi,
			  int need_unwind_info, void *arg)
{
	struct unwind_ctx *c = arg;
	struct map *map = user_map(c, ip);
	struct dso_unwind *du;
	unw_dyn_info_t di;

	if (!map || !(du = dso_unwind(map->dso)))
		return -UNW_EINVAL;
	c->dso = map->dso;
	c->bias = map->start - map->pgoff;
	memset(&di, 0, sizeof(di));
	di.format = UNW_INFO_FORMAT_REMOTE_TABLE;
	di.start_ip = map->start;
	di.end_ip = map->end;
	di.u.rti.segbase = c->bias + du->hdr_off;
	di.u.rti.table_data = c->bias + du->hdr_off + 12;
	di.u.rti.table_len = du->fde_count * 8 / sizeof(unw_word_t);
	return unw.UNW_OBJ(dwarf_search_unwind_table)(as, ip, &di, pi, need_unwind_info, arg);
}

static void put_unwind_info(unw_addr_space_t as, unw_proc_info_t *pi, void *arg)
{
	(void)as;
	(void)pi;
	(void)arg;
}

static int get_dyn_info_list_addr(unw_addr_space_t as, unw_word_t *addr, void *arg)
{
	(void)as;
	(void)addr;
	(void)arg;
	return -UNW_ENOINFO;
}

/* 8 bytes at @off of @dso's file. */
static int read_file(struct dso *dso, u64 off, unw_word_t *val)
{
	return dso__data_read(dso, off, val, sizeof(*val)) ? -UNW_EINVAL : 0;
}

static int access_mem(unw_addr_space_t as, unw_word_t addr, unw_word_t *valp, int write,
		      void *arg)
{
	struct unwind_ctx *c = arg;
	const struct perf_sample *s = c->s;
	struct map *map;

	(void)as;
	if (write)
		return -UNW_EINVAL;
	if (addr >= c->sp && addr - c->sp <= s->user_stack_size - sizeof(*valp) &&
	    s->user_stack_size >= sizeof(*valp)) {
		memcpy(valp, s->user_stack + (addr - c->sp), sizeof(*valp));
		return 0;
	}
	/* Valid for this sample: maps do not change while it is unwound. */
	if (c->last_map && addr >= c->last_map->start && addr < c->last_map->end)
		return read_file(c->last_map->dso, addr - c->last_map->start + c->last_map->pgoff,
				 valp);
	map = user_map(c, addr);
	if (map && dso_unwind(map->dso)) {
		c->last_map = map;
		return read_file(map->dso, addr - map->start + map->pgoff, valp);
	}
	/* A segment of the DSO in hand that was not mapped executable. */
	if (c->dso && addr >= c->bias && dso_unwind(c->dso))
		return read_file(c->dso, addr - c->bias, valp);
	return -UNW_EINVAL;
}

static int reg_value(const struct perf_sample *s, int preg, unw_word_t *valp)
{
	u64 bit = 1ull << preg;

	if (!s->user_regs || !(s->user_regs_mask & bit))
		return -UNW_EBADREG;
	*valp = s->user_regs[__builtin_popcountll(s->user_regs_mask & (bit - 1))];
	return 0;
}

static int access_reg(unw_addr_space_t as, unw_regnum_t regnum, unw_word_t *valp, int write,
		      void *arg)
{
	static const int preg[] = {
		[UNW_X86_64_RAX] = PREG_AX, [UNW_X86_64_RDX] = PREG_DX,
		[UNW_X86_64_RCX] = PREG_CX, [UNW_X86_64_RBX] = PREG_BX,
		[UNW_X86_64_RSI] = PREG_SI, [UNW_X86_64_RDI] = PREG_DI,
		[UNW_X86_64_RBP] = PREG_BP, [UNW_X86_64_RSP] = PREG_SP,
		[UNW_X86_64_R8] = PREG_R8, [UNW_X86_64_R9] = PREG_R8 + 1,
		[UNW_X86_64_R10] = PREG_R8 + 2, [UNW_X86_64_R11] = PREG_R8 + 3,
		[UNW_X86_64_R12] = PREG_R8 + 4, [UNW_X86_64_R13] = PREG_R8 + 5,
		[UNW_X86_64_R14] = PREG_R8 + 6, [UNW_X86_64_R15] = PREG_R8 + 7,
		[UNW_X86_64_RIP] = PREG_IP,
	};
	struct unwind_ctx *c = arg;

	(void)as;
	if (write || regnum < 0 || (size_t)regnum >= ARRAY_SIZE(preg))
		return -UNW_EBADREG;
	return reg_value(c->s, preg[regnum], valp);
}

static int access_fpreg(unw_addr_space_t as, unw_regnum_t num, unw_fpreg_t *val, int write,
			void *arg)
{
	(void)as;
	(void)num;
	(void)val;
	(void)write;
	(void)arg;
	return -UNW_EINVAL;
}

static int resume(unw_addr_space_t as, unw_cursor_t *cu, void *arg)
{
	(void)as;
	(void)cu;
	(void)arg;
	return -UNW_EINVAL;
}

static int get_proc_name(unw_addr_space_t as, unw_word_t addr, char *bufp, size_t buf_len,
			 unw_word_t *offp, void *arg)
{
	(void)as;
	(void)addr;
	(void)bufp;
	(void)buf_len;
	(void)offp;
	(void)arg;
	return -UNW_EINVAL;
}

static unw_accessors_t accessors = {
	.find_proc_info = find_proc_info,
	.put_unwind_info = put_unwind_info,
	.get_dyn_info_list_addr = get_dyn_info_list_addr,
	.access_mem = access_mem,
	.access_reg = access_reg,
	.access_fpreg = access_fpreg,
	.resume = resume,
	.get_proc_name = get_proc_name,
};

size_t unwind__user(struct thread *thread, const struct perf_sample *s, u64 *ips, size_t max)
{
	static unw_addr_space_t as;
	struct unwind_ctx c = { .thread = thread, .s = s };
	unw_cursor_t cursor;
	unw_word_t ip, sp;
	size_t n = 0;

	if (!thread || !max || !s->user_regs || !s->user_stack ||
	    !s->user_stack_size || reg_value(s, PREG_SP, &sp) || reg_value(s, PREG_IP, &ip))
		return 0;
	c.sp = sp;
	if (!as) {
		if (dlib__load_or_warn(&unw_lib, "user stacks are not unwound"))
			return 0;
		as = unw.unw_create_addr_space(&accessors, 0);
		if (!as)
			return 0;
		/* Processes differ in what is mapped where: nothing is kept. */
		unw.unw_set_caching_policy(as, UNW_CACHE_NONE);
	}
	ips[n++] = ip;
	if (unw.unw_init_remote(&cursor, as, &c))
		return n;
	while (n < max && unw.unw_step(&cursor) > 0) {
		if (unw.unw_get_reg(&cursor, UNW_REG_IP, &ip))
			break;
		/*
		 * A caller's frame holds a return address: the call is the
		 * instruction before it (which may end a function, the next
		 * one starting there). As perf and libdw, step back one byte,
		 * except where a signal interrupted the frame. Like perf, a
		 * step that succeeds with a return address of 0 still gives a
		 * frame (0 less one: [unknown]), and only a zero left after
		 * the step back is no frame.
		 */
		if (unw.unw_is_signal_frame(&cursor) <= 0)
			ip--;
		if (ip)
			ips[n++] = ip;
	}
	return n;
}
