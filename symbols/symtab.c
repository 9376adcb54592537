// SPDX-License-Identifier: GPL-2.0
/*
 * Symbol tables. While a table is built its symbols go into one array and
 * their names into one arena (a symbol holds the name's offset); finishing
 * it sorts the symbols, keeps one per address, derives the ends that can
 * be derived, and joins symbols and names into one allocation, where a
 * symbol finds its name at a fixed distance from itself.
 */
#include "symbols/symtab.h"
#include "util/introsort.h"

#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define NAMES_CHUNK	(64 * 1024)
/* Symbols and names of one table, together: offsets are 31 bits (SYM_NAME_LAZY). */
#define SYMTAB_MAX_BYTES	((size_t)INT32_MAX)

/*
 * Memory that lives while a table is built (the names arena, the sort's
 * indices, a loader's buffers) is mapped and unmapped directly, not
 * malloc'ed, where large: glibc raises its threshold for mapping a block
 * to the size of each mapped block freed, up to 32 MiB, after which
 * everything smaller comes from the heap, and what is freed there stays.
 * The 2 MB names arena freed at the end of a kernel's load used to put
 * about 1 MB more of the rest of a report in the heap at its peak.
 * Sanitizer builds keep malloc, so that ASan checks these too.
 */
#define SCRATCH_MAP_MIN	(64 * 1024)

#ifdef __SANITIZE_ADDRESS__
void *scratch_realloc(void *p, size_t old, size_t bytes)
{
	(void)old;
	return xrealloc(p, bytes);
}

void scratch_free(void *p, size_t bytes)
{
	(void)bytes;
	free(p);
}

static void scratch_release(void *p, size_t from, size_t to, size_t bytes)
{
	(void)p, (void)from, (void)to, (void)bytes;
}

static void scratch_populate(void *p, size_t from, size_t to, size_t bytes)
{
	(void)p, (void)from, (void)to, (void)bytes;
}
#else
static bool scratch_mapped(size_t bytes)
{
	return bytes >= SCRATCH_MAP_MIN;
}

void *scratch_realloc(void *p, size_t old, size_t bytes)
{
	bool was_mapped = p && scratch_mapped(old), mapped = scratch_mapped(bytes);
	void *q;

	if (!was_mapped && !mapped)
		return xrealloc(p, bytes);
	if (was_mapped && mapped) {
		q = mremap(p, old, bytes, MREMAP_MAYMOVE);
		if (q == MAP_FAILED)
			die("out of memory");
		return q;
	}
	if (mapped) {
		q = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (q == MAP_FAILED)
			die("out of memory");
	} else {
		q = xmalloc(bytes);
	}
	if (p) {
		if (mapped)
			prefault_write(q, old < bytes ? old : bytes);
		memcpy(q, p, old < bytes ? old : bytes);
		scratch_free(p, old);
	}
	return q;
}

void scratch_free(void *p, size_t bytes)
{
	if (!p)
		return;
	if (scratch_mapped(bytes))
		munmap(p, bytes);
	else
		free(p);
}

/*
 * Gives back the whole pages of bytes [@from, @to) of @p (of @bytes from
 * scratch_realloc), read for the last time: they read as zeros after.
 */
static void scratch_release(void *p, size_t from, size_t to, size_t bytes)
{
	size_t page = 4096, a = (from + page - 1) & ~(page - 1), b = to & ~(page - 1);

	if (scratch_mapped(bytes) && a < b)
		madvise((char *)p + a, b - a, MADV_DONTNEED);
}

/* Maps in bytes [@from, @to) of @p (of @bytes from scratch_realloc), about to be written. */
static void scratch_populate(void *p, size_t from, size_t to, size_t bytes)
{
	if (scratch_mapped(bytes) && from < to)
		prefault_write((char *)p + from, to - from);
}
#endif

void symtab__init(struct symtab *tab)
{
	memset(tab, 0, sizeof(*tab));
}

/*
 * Names read back. A table of symtab__set_lazy keeps, for each symbol,
 * the file offset of its line instead of its name: a kernel's 122k names
 * are 1.8 MB, and a report asks for those of the few thousand symbols
 * that get a row or a call-graph node. A name read is copied into the
 * room reserved after the symbols (address space only until written),
 * and the symbol's @name becomes its distance, as in any other table:
 * asked again, it costs nothing. The room holds every name (their bytes
 * are fewer than the file's) and every address given instead.
 */
#define LAZY_MAX_FILE	(64u << 20)	/* with 36 bytes a line at most: under 2 GiB */
#define LAZY_WINDOW	4096		/* the bytes read at once */
#define LAZY_NEED	1024		/* what a line's address, type and name may take */
#define LAZY_ADDR_BYTES	20		/* "0x" and 16 digits and the NUL */

/*
 * The struct symbols made for a packed table's symbols, by index: an
 * open-addressed table, read without the lock; grown (under it) into a
 * new one, the old kept until the table goes, for readers still in it.
 */
struct sym_memo {
	size_t mask;
	u64 a;			/* memo_hash's multiplier: odd, drawn per memo */
	unsigned shift;		/* 64 - log2(mask + 1) */
	struct sym_memo *old;
	u64 slot[];		/* 0, or (index + 1) << 32 | the symbol's offset in the room */
};

struct symtab_lazy {
	int fd;
	char *path;
	symtab_line_fn parse;
	off_t size;			/* the file when loaded */
	struct timespec mtime;
	bool changed;			/* since loaded: names read from now on are addresses */
	bool warned;
	/* Once finished: the symbols' block [lo, hi), the room for names at its end. */
	const char *lo, *hi;
	char *room;
	size_t room_used, names_bytes;
	/* A packed table's: the symbols made (in the room, before their names). */
	struct sym_memo *memo;
	size_t nr_memo;
	/* The bytes last read: [win_off, win_off + win_len) of the file. */
	u64 win_off;
	size_t win_len;
	bool win_eof;
	char win[LAZY_WINDOW];
};

/* The lazy tables, found by their symbols' addresses; the lock also guards the reads. */
static pthread_mutex_t lazy_lock = PTHREAD_MUTEX_INITIALIZER;
static struct symtab_lazy **lazies;
static size_t nr_lazies, lazies_alloc;

int symtab__set_lazy(struct symtab *tab, int fd, const char *path, symtab_line_fn parse)
{
	struct symtab_lazy *lz;
	struct stat st;

	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > (off_t)LAZY_MAX_FILE) {
		close(fd);
		return -EINVAL;
	}
	lz = xcalloc(1, sizeof(*lz));
	lz->fd = fd;
	lz->path = xstrdup(path);
	lz->parse = parse;
	lz->size = st.st_size;
	lz->mtime = st.st_mtim;
	tab->lazy = lz;
	tab->refs = true;
	tab->compact = true;
	return 0;
}

static void lazy_delete(struct symtab_lazy *lz)
{
	size_t i;

	pthread_mutex_lock(&lazy_lock);
	for (i = 0; i < nr_lazies; i++) {
		if (lazies[i] == lz) {
			lazies[i] = lazies[--nr_lazies];
			break;
		}
	}
	if (!nr_lazies) {
		free(lazies);
		lazies = NULL;
		lazies_alloc = 0;
	}
	pthread_mutex_unlock(&lazy_lock);
	while (lz->memo) {
		struct sym_memo *m = lz->memo;

		lz->memo = m->old;
		free(m);
	}
	close(lz->fd);
	free(lz->path);
	free(lz);
}

static bool lazy_file_changed(struct symtab_lazy *lz)
{
	struct stat st;

	return fstat(lz->fd, &st) || st.st_size != lz->size ||
	       st.st_mtim.tv_sec != lz->mtime.tv_sec || st.st_mtim.tv_nsec != lz->mtime.tv_nsec;
}

/*
 * The name on the line at @off, which must be @start's: 0, or -EIO,
 * -EINVAL, -ESTALE (the file changed since the table was loaded). With
 * @check, whether it changed is asked before each read, so that a window's
 * bytes are the file's as it was loaded; without, the caller has asked
 * (for a batch of names) or reads while loading.
 */
static int lazy_line(struct symtab_lazy *lz, u64 start, u64 off, const char **name, size_t *len,
		     bool check)
{
	if (!(off >= lz->win_off && off <= lz->win_off + lz->win_len &&
	      (lz->win_eof || off + LAZY_NEED <= lz->win_off + lz->win_len))) {
		ssize_t n;

		if (check && lazy_file_changed(lz))
			return -ESTALE;
		n = pread(lz->fd, lz->win, LAZY_WINDOW, (off_t)off);

		if (n < 0) {
			lz->win_off = lz->win_len = 0;
			lz->win_eof = false;
			return -EIO;
		}
		lz->win_off = off;
		lz->win_len = (size_t)n;
		lz->win_eof = n < LAZY_WINDOW;
	}
	return lz->parse(lz->win + (off - lz->win_off), (size_t)(lz->win_off + lz->win_len - off),
			 lz->win_eof, start, name, len);
}

/* Reads @s's name into the room and points @s at it (@check: as lazy_line's). Under lazy_lock. */
static const char *lazy_fill(struct symtab_lazy *lz, struct symbol *s, u32 off, bool check)
{
	char addr[LAZY_ADDR_BYTES], *dst;
	const char *name = NULL;
	size_t len = 0;

	if (!lz->changed && (lazy_line(lz, s->start, off, &name, &len, check) ||
			     lz->names_bytes + len + 1 > (size_t)lz->size))
		lz->changed = true;
	if (lz->changed) {
		if (!lz->warned)
			pr_warning("'%s' changed since its symbols were loaded: symbols whose "
				   "names were not read yet are shown by address", lz->path);
		lz->warned = true;
		len = (size_t)snprintf(addr, sizeof(addr), "0x%" PRIx64, s->start);
		name = addr;
	} else {
		lz->names_bytes += len + 1;
	}
	dst = lz->room + lz->room_used;
	memcpy(dst, name, len);
	dst[len] = '\0';
	lz->room_used += len + 1;
	__atomic_store_n(&s->name, (u32)(dst - (char *)s), __ATOMIC_RELEASE);
	return dst;
}

static struct symtab_lazy *lazy_of(const struct symbol *s)
{
	uintptr_t a = (uintptr_t)s;
	size_t i;

	for (i = 0; i < nr_lazies; i++)
		if (a >= (uintptr_t)lazies[i]->lo && a < (uintptr_t)lazies[i]->hi)
			return lazies[i];
	return NULL;
}

/* By table, then by the offset of the line (the symbols' names not read yet; under lazy_lock). */
static bool unread_before(const void *pa, const void *pb, const void *ctx)
{
	const struct symbol *a = *(const struct symbol *const *)pa;
	const struct symbol *b = *(const struct symbol *const *)pb;
	uintptr_t la = (uintptr_t)lazy_of(a), lb = (uintptr_t)lazy_of(b);

	(void)ctx;
	return la < lb || (la == lb && a->name < b->name);
}

void symbols__read_names(const struct symbol **syms, size_t n)
{
	struct symtab_lazy *prev = NULL;
	size_t i, k = 0;

	if (!n || !nr_lazies)
		return;
	pthread_mutex_lock(&lazy_lock);
	for (i = 0; i < n; i++)
		if (syms[i] && (__atomic_load_n(&syms[i]->name, __ATOMIC_RELAXED) & SYM_NAME_LAZY) &&
		    lazy_of(syms[i]))
			syms[k++] = syms[i];
	introsort_inline(syms, k, sizeof(*syms), unread_before, NULL);
	for (i = 0; i < k; i++) {
		u32 name = __atomic_load_n(&syms[i]->name, __ATOMIC_RELAXED);
		struct symtab_lazy *lz = lazy_of(syms[i]);

		/* whether the file changed: once for the batch, before its first read */
		if (lz != prev)
			lz->changed = lz->changed || lazy_file_changed(lz);
		prev = lz;
		/* once for a symbol asked twice */
		if (name & SYM_NAME_LAZY)
			lazy_fill(lz, (struct symbol *)syms[i], name & ~SYM_NAME_LAZY, false);
	}
	pthread_mutex_unlock(&lazy_lock);
}

const char *symbol__read_name(const struct symbol *s)
{
	struct symtab_lazy *lz;
	const char *ret = "";
	u32 name;

	pthread_mutex_lock(&lazy_lock);
	name = __atomic_load_n(&s->name, __ATOMIC_RELAXED);
	if (!(name & SYM_NAME_LAZY)) {
		ret = (const char *)s + name;	/* another thread read it */
		goto out;
	}
	lz = lazy_of(s);
	if (lz)
		ret = lazy_fill(lz, (struct symbol *)s, name & ~SYM_NAME_LAZY, true);
out:
	pthread_mutex_unlock(&lazy_lock);
	return ret;
}

/*
 * The bytes of tab->syms: while building, the symbols' room; once
 * finished, the symbols and their names (tab->names is NULL then).
 */
static size_t syms_bytes(const struct symtab *tab)
{
	size_t alloc = tab->split_alloc ? tab->split_alloc : tab->alloc;

	return alloc * sizeof(struct symbol) + (tab->names ? 0 : tab->names_used);
}

/* The bytes of a symbol while building: a key (compact) or a struct symbol. */
static inline size_t rec_bytes(const struct symtab *tab)
{
	return tab->compact ? sizeof(u64) : sizeof(struct symbol);
}

/* Split in one room (symtab__split_room): the symbols' room cannot grow. */
static inline bool room_fixed(const struct symtab *tab)
{
	return tab->split_alloc || tab->view;
}

static void syms_resize(struct symtab *tab, size_t alloc)
{
	BUG_ON(room_fixed(tab));
	tab->syms = scratch_realloc(tab->syms, syms_bytes(tab), alloc * sizeof(*tab->syms));
	tab->alloc = alloc;
	if (tab->populated > alloc * rec_bytes(tab))
		tab->populated = alloc * rec_bytes(tab);
}

/*
 * A kernel's table is 2 MB of symbols written once, in order: they are
 * mapped in this far ahead of the writes, not a fault a page (see
 * prefault_write).
 */
#define POPULATE_STEP	(32u << 10)

/* Maps in the symbols' room up to @nr symbols and a step beyond (within the room). */
static void syms_populate(struct symtab *tab, size_t nr, size_t step)
{
	size_t room = tab->alloc * rec_bytes(tab), to = nr * rec_bytes(tab) + step;

	if (to > room)
		to = room;
	if (to <= tab->populated)
		return;
	scratch_populate(tab->syms, tab->populated, to, syms_bytes(tab));
	tab->populated = to;
}

void symtab__exit(struct symtab *tab)
{
	if (tab->lazy)
		lazy_delete(tab->lazy);
	if (!tab->view)
		scratch_free(tab->packed ? (void *)tab->packed : (void *)tab->syms, syms_bytes(tab));
	scratch_free(tab->names, tab->names_alloc);
	free(tab->runs);
	free(tab->oruns);
	free(tab->groups);
	free(tab->wide);
	free(tab->exc);
	free(tab->side);
	free(tab->top);
	free(tab->regions);
	free(tab->buckets);
	free(tab->slots);
	memset(tab, 0, sizeof(*tab));
}

static inline u32 payload(const struct symbol *s)
{
	return s->info >> SYM_PAYLOAD_SHIFT;
}

static inline u32 make_info(u32 flags, unsigned int kind, u32 payload)
{
	return flags | (u32)kind << SYM_KIND_SHIFT | payload << SYM_PAYLOAD_SHIFT;
}

/* The name's offset in the arena; a name that ends the previous one shares it. */
static size_t names_add(struct symtab *tab, const char *name, size_t len)
{
	size_t off;

	if (len && tab->last_len >= len &&
	    tab->names[tab->last_name + tab->last_len - len] == name[0] &&
	    !memcmp(tab->names + tab->last_name + tab->last_len - len, name, len))
		return tab->last_name + tab->last_len - len;
	if (tab->names_used + len + 1 > tab->names_alloc) {
		size_t sz = tab->names_alloc ? tab->names_alloc : NAMES_CHUNK;

		while (sz < tab->names_used + len + 1)
			sz *= 2;
		tab->names = scratch_realloc(tab->names, tab->names_alloc, sz);
		tab->names_alloc = sz;
	}
	off = tab->names_used;
	memcpy(tab->names + off, name, len);
	tab->names[off + len] = '\0';
	tab->names_used += len + 1;
	tab->last_name = off;
	tab->last_len = len;
	return off;
}

/*
 * A compact table's key: the start's low 32 bits, then from bit 31 down
 * the PAGE end (set by symtab__finish), the line's file offset and the
 * flags. A table's file offsets grow as its symbols are added: keys
 * sorted are symbols sorted by start, equal starts in the order added.
 */
#define CKEY_OFF_SHIFT	4
#define CKEY_PAGE	(1ull << 30)

static inline u32 ckey_off(u64 key)
{
	return (u32)(key >> CKEY_OFF_SHIFT) & SYMP_OFF_MASK;
}

static inline u64 ckey_start(const struct symtab *tab, u64 key)
{
	return (u64)tab->chigh << 32 | key >> 32;
}

/* The owner of the symbol whose line is at file offset @off (compact tables). */
static u32 orun_owner(struct symtab *tab, u32 off)
{
	const struct sym_run *r = tab->oruns;
	size_t h = tab->orun_hint, n, half;

	if (h < tab->nr_oruns && r[h].first <= off &&
	    (h + 1 == tab->nr_oruns || r[h + 1].first > off))
		return r[h].owner;
	for (n = tab->nr_oruns; n > 1; n -= half) {
		half = n / 2;
		r = r[half].first <= off ? r + half : r;
	}
	tab->orun_hint = (size_t)(r - tab->oruns);
	return r->owner;
}

static inline u32 ckey_owner(struct symtab *tab, u64 key)
{
	return orun_owner(tab, ckey_off(key));
}

/* Appends a run of @owner from @first, unless the last run is @owner's. */
static void run_push(struct sym_run **runs, size_t *nr, size_t *alloc, u32 first, u32 owner)
{
	if (*nr && (*runs)[*nr - 1].owner == owner)
		return;
	ALLOC_GROW(*runs, *nr + 1, *alloc);
	(*runs)[(*nr)++] = (struct sym_run){ .first = first, .owner = owner };
}

/* A compact table's owner runs, once its keys are gone. */
static void oruns_free(struct symtab *tab)
{
	free(tab->oruns);
	tab->oruns = NULL;
	tab->nr_oruns = tab->oruns_alloc = tab->orun_hint = 0;
}

/*
 * Turns a compact table's keys into struct symbols, in place (from the
 * last: symbol i is written over keys 2i and 2i + 1, read before).
 */
static void compact_expand(struct symtab *tab)
{
	const u64 *k = (const u64 *)tab->syms;
	size_t i = tab->nr;

	BUG_ON(room_fixed(tab) || !tab->compact);
	tab->compact = false;
	syms_populate(tab, tab->nr, 0);
	while (i--) {
		u64 key = k[i];
		u32 off = ckey_off(key);
		struct symbol s = {
			.start = ckey_start(tab, key),
			.name = SYM_NAME_LAZY | off,
			.info = make_info((u32)key & SYM_FLAGS, SYM_END_NEXT, orun_owner(tab, off)),
		};

		tab->syms[i] = s;
	}
	oruns_free(tab);
}

/* Adds a symbol whose name is @name, or (@name NULL, tab->refs) at file offset @off. */
static void add(struct symtab *tab, u64 start, u64 size, u8 binding, u8 type,
		const char *name, size_t name_len, u16 owner, u32 off)
{
	struct symbol *s;
	u32 flags = (binding == STB_WEAK ? SYM_BIND_WEAK :
		     binding == STB_GLOBAL ? SYM_BIND_GLOBAL : SYM_BIND_OTHER) |
		    (type == STT_FUNC ? SYM_FUNC : type == STT_OBJECT ? SYM_OBJECT : 0);

	if (!name)
		name_len = 0;
	if ((tab->nr + 1) * sizeof(*s) + tab->names_used + name_len + 1 > SYMTAB_MAX_BYTES ||
	    tab->nr_side >= SYM_PAYLOAD_MAX || (!name && off >= LAZY_MAX_FILE) ||
	    (room_fixed(tab) && tab->nr == tab->alloc)) {
		tab->dropped++;
		return;
	}
	if (tab->compact) {
		if (!tab->nr)
			tab->chigh = (u32)(start >> 32);
		if ((u32)(start >> 32) != tab->chigh) {
			if (room_fixed(tab)) {
				tab->dropped++;	/* the split parse is then redone whole */
				return;
			}
			compact_expand(tab);
		}
	}
	if (tab->nr == tab->alloc)
		syms_resize(tab, tab->alloc ? tab->alloc * 3 / 2 + 16 : 16);
	if (__builtin_expect((tab->nr + 1) * rec_bytes(tab) > tab->populated, 0))
		syms_populate(tab, tab->nr + 1, POPULATE_STEP);
	if (tab->compact) {
		run_push(&tab->oruns, &tab->nr_oruns, &tab->oruns_alloc, off, owner);
		((u64 *)tab->syms)[tab->nr++] = (u64)(u32)start << 32 |
						(u64)off << CKEY_OFF_SHIFT | flags;
		return;
	}
	s = &tab->syms[tab->nr++];
	s->start = start;
	s->name = name ? (u32)names_add(tab, name, name_len) : SYM_NAME_LAZY | off;
	/* While building, NEXT stands for unsized (the payload the owner). */
	if (!size) {
		s->info = make_info(flags, SYM_END_NEXT, owner);
	} else if (size <= SYM_PAYLOAD_MAX && !owner) {
		s->info = make_info(flags, SYM_END_SIZE, (u32)size);
	} else {
		ALLOC_GROW(tab->side, tab->nr_side + 1, tab->side_alloc);
		tab->side[tab->nr_side] = (struct symtab_side){ .val = size, .owner = owner };
		s->info = make_info(flags, SYM_END_SIDE, (u32)tab->nr_side++);
	}
}

void symtab__add_owned(struct symtab *tab, u64 start, u64 size, u8 binding, u8 type,
		       const char *name, size_t name_len, u16 owner)
{
	BUG_ON(tab->refs);
	add(tab, start, size, binding, type, name, name_len, owner, 0);
}

void symtab__add_ref(struct symtab *tab, u64 start, u8 binding, u8 type, u16 owner, u32 off)
{
	BUG_ON(!tab->refs);
	add(tab, start, 0, binding, type, NULL, 0, owner, off);
}

void symtab__reserve(struct symtab *tab, size_t nr, size_t name_bytes)
{
	if (tab->refs)
		name_bytes = 0;
	if (nr > tab->alloc && !room_fixed(tab))
		syms_resize(tab, nr);
	if (name_bytes > tab->names_alloc) {
		tab->names = scratch_realloc(tab->names, tab->names_alloc, name_bytes);
		tab->names_alloc = name_bytes;
	}
}

void symtab__add(struct symtab *tab, u64 start, u64 size, u8 binding, u8 type,
		 const char *name, size_t name_len)
{
	symtab__add_owned(tab, start, size, binding, type, name, name_len, 0);
}

/*
 * @s of a table joined to @tab, as it reads in @tab: its name offset
 * past @tab's names (@base), its side entry past @tab's (@side_base), its
 * kallsyms owner through @remap.
 */
static inline struct symbol moved(const struct symtab *tab, struct symbol s, size_t base,
				  size_t side_base, const u16 *remap)
{
	u32 low = s.info & ((1u << SYM_PAYLOAD_SHIFT) - 1);

	if (!tab->refs)
		s.name += (u32)base;	/* file offsets stay */
	if (symbol__end_kind(&s) == SYM_END_NEXT && remap)
		s.info = low | (u32)remap[payload(&s)] << SYM_PAYLOAD_SHIFT;
	else if (symbol__end_kind(&s) == SYM_END_SIDE)
		s.info = low | (payload(&s) + (u32)side_base) << SYM_PAYLOAD_SHIFT;
	return s;
}

/* symtab__join_room's names and side entries, once the symbols moved; @src is let go. */
static void join_rest(struct symtab *tab, struct symtab *src, size_t base, const u16 *remap)
{
	size_t i, names = tab->names_used + src->names_used;

	if (names > tab->names_alloc) {
		tab->names = scratch_realloc(tab->names, tab->names_alloc, names);
		tab->names_alloc = names;
	}
	if (src->names_used)
		memcpy(tab->names + base, src->names, src->names_used);
	tab->names_used = names;
	for (i = 0; i < src->nr_side; i++) {
		struct symtab_side e = src->side[i];

		if (remap)
			e.owner = remap[e.owner];
		ALLOC_GROW(tab->side, tab->nr_side + 1, tab->side_alloc);
		tab->side[tab->nr_side++] = e;
	}
	if (src->last_len || src->names_used) {
		tab->last_name = base + src->last_name;
		tab->last_len = src->last_len;
	}
	symtab__exit(src);
}

int symtab__split_room(struct symtab *tab, struct symtab *view, size_t at)
{
	BUG_ON(tab->split_alloc || tab->view || view->syms || view->nr);
	if (tab->nr > at || at >= tab->alloc)
		return -E2BIG;
	view->syms = tab->compact ? (struct symbol *)((u64 *)tab->syms + at) : tab->syms + at;
	view->alloc = tab->alloc - at;
	view->view = true;
	view->refs = tab->refs;
	view->compact = tab->compact;
	tab->split_alloc = tab->alloc;
	tab->alloc = at;
	if (tab->populated > at * rec_bytes(tab))
		tab->populated = at * rec_bytes(tab);
	return 0;
}

/*
 * The second part's symbols were written where they lie by the thread
 * that built it, and the first part's room up to them by the other: the
 * move down touches no page but those between the two parts' symbols
 * (on this project's VM the first write to a page costs about 6 us,
 * whether or not madvise mapped it in: a copy of a kernel's second half
 * from a table of its own into fresh pages took 2.5 ms).
 */
int symtab__join_room(struct symtab *tab, struct symtab *view, const u16 *remap)
{
	size_t i, n1 = tab->nr, nr = tab->nr + view->nr, base = tab->names_used;
	size_t side_base = tab->nr_side;

	BUG_ON(!tab->split_alloc || !view->view || tab->refs != view->refs ||
	       tab->compact != view->compact ||
	       view->syms != (tab->compact ? (struct symbol *)((u64 *)tab->syms + tab->alloc) :
			      tab->syms + tab->alloc));
	tab->alloc = tab->split_alloc;
	tab->split_alloc = 0;
	if (tab->dropped || view->dropped ||
	    nr * sizeof(struct symbol) + tab->names_used + view->names_used > SYMTAB_MAX_BYTES ||
	    tab->nr_side + view->nr_side >= SYM_PAYLOAD_MAX)
		return -E2BIG;
	if (tab->compact) {
		if (n1 && view->nr && tab->chigh != view->chigh)
			return -E2BIG;
		if (!n1)
			tab->chigh = view->chigh;
		/* Down: a forward copy is safe. */
		for (i = 0; i < view->nr; i++)
			((u64 *)tab->syms)[n1 + i] = ((const u64 *)view->syms)[i];
		for (i = 0; i < view->nr_oruns; i++) {
			const struct sym_run *r = &view->oruns[i];

			run_push(&tab->oruns, &tab->nr_oruns, &tab->oruns_alloc, r->first,
				 remap ? remap[r->owner] : r->owner);
		}
	} else {
		/* Down, or not at all: a forward copy is safe. */
		for (i = 0; i < view->nr; i++)
			tab->syms[n1 + i] = moved(tab, view->syms[i], base, side_base, remap);
	}
	tab->nr = nr;
	tab->populated = nr * rec_bytes(tab);
	view->syms = NULL;
	view->nr = view->alloc = view->populated = 0;
	join_rest(tab, view, base, remap);
	return 0;
}

/* The end of the ascending run of starts that begins at idx[a]. */
static size_t run_end(const struct symbol *s, const u32 *idx, size_t a, size_t n)
{
	for (a++; a < n && s[idx[a - 1]].start <= s[idx[a]].start; a++)
		;
	return a;
}

/*
 * Sorts the symbols by start, stably (equal starts keep their input
 * order, which the alias rules need). A natural merge sort of 32-bit
 * indices, then the symbols moved once, in place, along the cycles of the
 * permutation: 8 bytes a symbol at the peak, not a second copy of the
 * array. A table already in order is not sorted.
 */
static void symtab__sort(struct symtab *tab)
{
	struct symbol *s = tab->syms, saved;
	size_t n = tab->nr, i, j, a;
	u32 *idx, *tmp, *t;

	for (i = 1; i < n && s[i - 1].start <= s[i].start; i++)
		;
	if (i >= n)
		return;
	idx = scratch_realloc(NULL, 0, 2 * n * sizeof(*idx));
	scratch_populate(idx, 0, 2 * n * sizeof(*idx), 2 * n * sizeof(*idx));	/* written whole */
	tmp = idx + n;
	for (i = 0; i < n; i++)
		idx[i] = (u32)i;
	for (;;) {
		size_t merges = 0;

		for (a = 0; a < n; merges++) {
			size_t m = run_end(s, idx, a, n), e = m < n ? run_end(s, idx, m, n) : n;
			size_t l = a, r = m, k = a;

			/* Ties take from the left run: stable. */
			while (l < m && r < e)
				tmp[k++] = s[idx[r]].start < s[idx[l]].start ? idx[r++] : idx[l++];
			while (l < m)
				tmp[k++] = idx[l++];
			while (r < e)
				tmp[k++] = idx[r++];
			a = e;
		}
		t = idx, idx = tmp, tmp = t;
		if (merges <= 1)
			break;
	}
	/* Position i takes symbol idx[i]; a moved position is marked idx[i] == i. */
	for (i = 0; i < n; i++) {
		if (idx[i] == i)
			continue;
		saved = s[i];
		for (j = i; idx[j] != i; ) {
			size_t src = idx[j];

			s[j] = s[src];
			idx[j] = (u32)j;
			j = src;
		}
		s[j] = saved;
		idx[j] = (u32)j;
	}
	scratch_free(idx < tmp ? idx : tmp, 2 * n * sizeof(*idx));
}

/*
 * The index. Symbols below the dense part (kallsyms' per-CPU symbols at
 * small addresses) are found through the top index (every SYMTAB_FANOUT-th
 * start). From the dense part's first start (bbase) on, the addresses are
 * cut into regions of 2^rshift bytes (about one for every REGION_SYMS
 * symbols); a region without symbols (a kernel's core and its modules are
 * a gigabyte apart) holds the index of the symbol running into it, a
 * region with symbols the offset of its buckets: 2^(rshift - bshift)
 * buckets of 2^bshift bytes and one more, each the index of the first
 * symbol at or after the bucket's start. About one bucket (4 bytes) for
 * every BUCKET_SYMS symbols: a lookup reads a region, a bucket and
 * searches a few starts.
 */
#define BUCKET_SYMS	2
#define REGION_SYMS	8
#define MIN_SHIFT	4
#define OUTLIER_SHIFT	16
#define REGION_EMPTY	0x80000000u

/*
 * A start, as the index reads it: a compact table's key or the table's
 * symbol (@compact a constant where index_build is made).
 */
static inline __attribute__((always_inline)) u64 index_start(const struct symtab *tab, size_t i,
							       const bool compact)
{
	if (compact)
		return ckey_start(tab, ((const u64 *)tab->syms)[i]);
	return symtab__start(tab, i);
}

static inline __attribute__((always_inline)) void index_build(struct symtab *tab, const bool compact)
{
	size_t i, nr = tab->nr, lo, hi, f, r, nr_full = 0, per, nb;
	size_t max_regions = nr / REGION_SYMS + 64, max_buckets = nr / BUCKET_SYMS + 64;
	u64 last = index_start(tab, nr - 1, compact), span, prev_r = UINT64_MAX;
	unsigned int rshift, bshift;

	free(tab->top);
	free(tab->regions);
	free(tab->buckets);
	free(tab->slots);	/* found in the table before: made again on a search */
	tab->slots = NULL;
	/* The first symbol from which 64 KiB buckets would fit (spans shrink). */
	for (lo = 0, hi = nr - 1; lo < hi;) {
		size_t mid = lo + (hi - lo) / 2;

		if (((last - index_start(tab, mid, compact)) >> OUTLIER_SHIFT) < 2 * nr + 64)
			hi = mid;
		else
			lo = mid + 1;
	}
	f = lo;
	/*
	 * The top index covers the symbols below the dense part only: a
	 * lookup there finds none of the others (their starts are all
	 * above). A kernel's table, dense from its first symbol, has none.
	 */
	tab->nr_top = (f + SYMTAB_FANOUT - 1) / SYMTAB_FANOUT;
	tab->top = tab->nr_top ? xmalloc(tab->nr_top * sizeof(*tab->top)) : NULL;
	for (i = 0; i < f; i += SYMTAB_FANOUT)
		tab->top[i / SYMTAB_FANOUT] = index_start(tab, i, compact);
	tab->bbase = index_start(tab, f, compact);
	span = last - tab->bbase;
	for (rshift = MIN_SHIFT; (span >> rshift) + 1 > max_regions; rshift++)
		;
	for (i = f; i < nr; i++) {
		u64 ri = (index_start(tab, i, compact) - tab->bbase) >> rshift;

		nr_full += ri != prev_r;
		prev_r = ri;
	}
	for (bshift = MIN_SHIFT; bshift < rshift &&
	     nr_full * ((1ull << (rshift - bshift)) + 1) > max_buckets; bshift++)
		;
	per = (size_t)1 << (rshift - bshift);
	tab->rshift = rshift;
	tab->bshift = bshift;
	tab->nr_regions = (size_t)(span >> rshift) + 1;
	tab->regions = xmalloc(tab->nr_regions * sizeof(*tab->regions));
	tab->nr_buckets = nr_full * (per + 1);
	tab->buckets = xmalloc(tab->nr_buckets * sizeof(*tab->buckets));
	/* Both written whole below: mapped in at once (prefault_write). */
	prefault_write(tab->regions, tab->nr_regions * sizeof(*tab->regions));
	prefault_write(tab->buckets, tab->nr_buckets * sizeof(*tab->buckets));
	for (r = 0, i = f, nb = 0; r < tab->nr_regions; r++) {
		u64 rstart = tab->bbase + ((u64)r << rshift), rend = rstart + ((u64)1 << rshift);
		u32 *bk;
		size_t b;

		/* i: the first symbol at or after the region's start. */
		if (r + 1 < tab->nr_regions ? (i == nr || index_start(tab, i, compact) >= rend) : i == nr) {
			tab->regions[r] = REGION_EMPTY | (u32)(i - 1);
			continue;
		}
		tab->regions[r] = (u32)nb;
		bk = tab->buckets + nb;
		for (b = 0; b < per; b++) {
			u64 bstart = rstart + ((u64)b << bshift);

			/* A bucket starting past 2^64: every symbol is before it. */
			if (((u64)b << bshift) > UINT64_MAX - rstart)
				i = nr;
			while (i < nr && index_start(tab, i, compact) < bstart)
				i++;
			bk[b] = (u32)i;
		}
		/* The sentinel: the next region's first symbol (the last region: past all). */
		while (i < nr && (r + 1 == tab->nr_regions || index_start(tab, i, compact) < rend))
			i++;
		bk[per] = (u32)i;
		nb += per + 1;
	}
}

static void symtab__index(struct symtab *tab)
{
	if (tab->compact)
		index_build(tab, true);
	else
		index_build(tab, false);
}

static int leading_underscores(const char *s)
{
	int n = 0;

	while (s[n] == '_')
		n++;
	return n;
}

/* One symbol of a run of equal starts, as the alias rules see it. */
struct cand {
	const struct symbol *s;		/* NULL in a compact table: @key */
	u64 key;
	u32 flags;			/* SYM_FLAGS of its info */
	const char *name;
	unsigned int kind;	/* its end: SYM_END_* */
	bool empty;
	char buf[LAZY_NEED + 1];	/* a lazy table's: the name read back */
};

/* True if @a should be kept over @b, both at the same address. */
static bool better(const struct cand *a, const struct cand *b)
{
	u32 ba = a->flags & 3, bb = b->flags & 3;
	int ua, ub;
	size_t la, lb;

	if (a->empty != b->empty)
		return b->empty;
	if ((ba == SYM_BIND_WEAK) != (bb == SYM_BIND_WEAK))
		return bb == SYM_BIND_WEAK;
	if ((ba == SYM_BIND_GLOBAL) != (bb == SYM_BIND_GLOBAL))
		return ba == SYM_BIND_GLOBAL;
	ua = leading_underscores(a->name);
	ub = leading_underscores(b->name);
	if (ua != ub)
		return ua < ub;
	la = strlen(a->name);
	lb = strlen(b->name);
	if (la != lb)
		return la > lb;
	return true;	/* the earlier one wins */
}

/* The owner of a symbol still being built (payload or side entry). */
static u64 build_owner(const struct symtab *tab, const struct symbol *s)
{
	switch (symbol__end_kind(s)) {
	case SYM_END_NEXT:
		return payload(s);
	case SYM_END_SIDE:
		return tab->side[payload(s)].owner;
	default:
		return 0;
	}
}

/* A lazy table's candidate's name, read back from its line at @off into c->buf. */
static void cand_read_name(const struct symtab *tab, u64 start, u32 off, struct cand *c)
{
	const char *name = "";
	size_t len = 0;

	/* While loading: a file that changes now is said so when a name is asked. */
	if (lazy_line(tab->lazy, start, off, &name, &len, false)) {
		tab->lazy->changed = true;
		len = 0;
	}
	len = len < LAZY_NEED ? len : LAZY_NEED;
	memcpy(c->buf, name, len);
	c->buf[len] = '\0';
	c->name = c->buf;
}

/*
 * How symbol @i (sorted, not yet deduplicated) ends, as perf's rules give
 * it: a sized one at start + size; an unsized one at the next symbol's
 * start (empty when that is an alias at the same start), except that the
 * last one, and with @kallsyms the last of a run of core or module
 * symbols, ends a page after its start's page.
 */
static void classify(const struct symtab *tab, size_t i, bool kallsyms, struct cand *c)
{
	const struct symbol *s = &tab->syms[i], *n = s + 1;

	c->s = s;
	c->flags = s->info & SYM_FLAGS;
	c->kind = symbol__end_kind(s);
	if (tab->refs) {
		cand_read_name(tab, s->start, s->name & ~SYM_NAME_LAZY, c);
	} else {
		c->name = tab->names + s->name;
	}
	c->empty = false;
	if (c->kind != SYM_END_NEXT)
		return;
	if (i + 1 == tab->nr ||
	    (kallsyms && (build_owner(tab, s) == 0) != (build_owner(tab, n) == 0)))
		c->kind = SYM_END_PAGE;
	else
		c->empty = n->start == s->start;
}

/* Writes @c, kept, at @out in its final form (the name still an arena offset). */
static void keep(struct symtab *tab, const struct cand *c, size_t out)
{
	struct symbol s = *c->s;
	u32 flags = s.info & SYM_FLAGS;

	if (c->kind == SYM_END_NEXT && c->empty) {
		/* Not reached (the last alias of a run is never empty): an empty end. */
		u64 owner = build_owner(tab, &s);

		if (owner) {
			ALLOC_GROW(tab->side, tab->nr_side + 1, tab->side_alloc);
			tab->side[tab->nr_side] = (struct symtab_side){ .val = s.start, .owner = owner };
			s.info = make_info(flags, SYM_END_SIDE, (u32)tab->nr_side++);
		} else {
			s.info = make_info(flags, SYM_END_SIZE, 0);
		}
	} else if (c->kind == SYM_END_PAGE) {
		s.info = make_info(flags, SYM_END_PAGE, payload(&s));
	} else if (c->kind == SYM_END_SIDE) {
		tab->side[payload(&s)].val += s.start;	/* the size becomes the end */
	}
	tab->syms[out] = s;
}

/*
 * Packed tables. A kernel's kallsyms table is its largest, 122k symbols,
 * and a report finds a few thousand of them. Its symbols are kept in 4
 * bytes (struct sym_packed) and half a byte of their group's where they
 * can be: the start as an offset from its group's, the line's file
 * offset as a step from the previous line's, the flags and how it ends;
 * the owners as runs. The struct symbol a lookup returns is made the first
 * time that symbol is found, in the lazy room after the packed array,
 * followed by a second whose start is the first's end where that is the
 * next symbol's start (what symbol__end reads), its name read back when
 * asked for as in any lazy table. The memo gives the same one each time.
 */
#define PACKED_MADE	(2 * sizeof(struct symbol))	/* the symbol and the next start */

/*
 * Multiply-shift (Dietzfelbinger) under a random odd multiplier: the top
 * bits of a * i. The indices memoized are the symbols a file's samples
 * hit, so a fixed function would let a file (and a guest's kallsyms)
 * pick symbols of one slot; with @a unknown, any two share a slot with
 * probability 2 / (mask + 1).
 */
static inline size_t memo_hash(const struct sym_memo *m, u32 i)
{
	return (size_t)(((u64)i * m->a) >> m->shift);
}

/* The symbol made for index @i, or NULL. Without the lock: on every lookup. */
static inline __attribute__((always_inline)) const struct symbol *memo_get(const struct symtab_lazy *lz, u32 i)
{
	const struct sym_memo *m = __atomic_load_n(&lz->memo, __ATOMIC_ACQUIRE);
	size_t h;
	u64 v;

	if (!m)
		return NULL;
	for (h = memo_hash(m, i); (v = __atomic_load_n(&m->slot[h], __ATOMIC_ACQUIRE));
	     h = (h + 1) & m->mask)
		if (v >> 32 == (u64)i + 1)
			return (const struct symbol *)(lz->room + (u32)v);
	return NULL;
}

static void memo_insert(struct sym_memo *m, u64 v)
{
	size_t h = memo_hash(m, (u32)((v >> 32) - 1));

	while (m->slot[h])
		h = (h + 1) & m->mask;
	__atomic_store_n(&m->slot[h], v, __ATOMIC_RELEASE);
}

/* Records index @i's symbol at room offset @off. Under lazy_lock. */
static void memo_put(struct symtab_lazy *lz, u32 i, u32 off)
{
	struct sym_memo *m = lz->memo;
	size_t cap = m ? m->mask + 1 : 0, h;

	if (2 * (lz->nr_memo + 1) > cap) {
		struct sym_memo *n;
		size_t ncap = cap ? 2 * cap : 256;

		n = xcalloc(1, sizeof(*n) + ncap * sizeof(n->slot[0]));
		n->mask = ncap - 1;
		n->a = hash_u64((uintptr_t)n) | 1;
		n->shift = 64 - (unsigned)__builtin_ctzll((u64)ncap);
		n->old = m;
		for (h = 0; h < cap; h++)
			if (m->slot[h])
				memo_insert(n, m->slot[h]);
		__atomic_store_n(&lz->memo, n, __ATOMIC_RELEASE);
		m = n;
	}
	memo_insert(m, ((u64)i + 1) << 32 | off);
	lz->nr_memo++;
}

static u16 runs_owner(const struct symtab *tab, size_t i)
{
	const struct sym_run *r = tab->runs;
	size_t n, half;

	for (n = tab->nr_runs; n > 1; n -= half) {
		half = n / 2;
		r = r[half].first <= i ? r + half : r;
	}
	return (u16)r->owner;
}

/* The line offset of packed symbol @i: its group's, then the steps to it. */
static u32 packed_off(const struct symtab *tab, size_t i)
{
	size_t j = i & ~(size_t)(SYMP_GROUP - 1);
	u32 off = tab->groups[i >> SYMP_GROUP_SHIFT].off & SYMP_OFF_MASK;

	for (j++; j <= i; j++) {
		const struct sym_exc *e = tab->exc;
		size_t n, half;

		if (tab->packed[j].step) {
			off += tab->packed[j].step;
			continue;
		}
		for (n = tab->nr_exc; n > 1; n -= half) {
			half = n / 2;
			e = e[half].i <= j ? e + half : e;
		}
		BUG_ON(!tab->nr_exc || e->i != j);
		off = e->off;
	}
	return off;
}

/* Makes the struct symbol of packed symbol @i. Under lazy_lock. */
static const struct symbol *packed_make(const struct symtab *tab, size_t i)
{
	struct symtab_lazy *lz = tab->lazy;
	struct sym_packed p = tab->packed[i];
	size_t off = (lz->room_used + 7) & ~(size_t)7;
	struct symbol *s = (struct symbol *)(lz->room + off);
	bool page = p.meta & SYMP_PAGE;

	BUG_ON(lz->room + off + PACKED_MADE > lz->hi);
	s[0].start = symtab__start(tab, i);
	s[0].name = SYM_NAME_LAZY | packed_off(tab, i);
	s[0].info = make_info(p.meta & SYM_FLAGS, page ? SYM_END_PAGE : SYM_END_NEXT,
			      runs_owner(tab, i));
	s[1].start = page ? 0 : symtab__start(tab, i + 1);
	s[1].name = 0;
	s[1].info = 0;
	lz->room_used = off + PACKED_MADE;
	memo_put(lz, (u32)i, (u32)off);
	return s;
}

static __attribute__((noinline)) const struct symbol *packed_sym_slow(const struct symtab *tab,
									  size_t i)
{
	const struct symbol *s;

	pthread_mutex_lock(&lazy_lock);
	s = memo_get(tab->lazy, (u32)i);
	if (!s)
		s = packed_make(tab, i);
	pthread_mutex_unlock(&lazy_lock);
	return s;
}

static inline __attribute__((always_inline)) const struct symbol *
packed_sym(const struct symtab *tab, size_t i)
{
	const struct symbol *s = memo_get(tab->lazy, (u32)i);

	return s ? s : packed_sym_slow(tab, i);
}

static inline const struct symbol *sym_at(const struct symtab *tab, size_t i)
{
	return tab->packed ? packed_sym(tab, i) : &tab->syms[i];
}

const struct symbol *symtab__sym(const struct symtab *tab, size_t i)
{
	return sym_at(tab, i);
}

u64 symtab__end_of(const struct symtab *tab, size_t i)
{
	if (!tab->packed)
		return symbol__end(tab, &tab->syms[i]);
	if (tab->packed[i].meta & SYMP_PAGE)
		return PERF_ALIGN(symtab__start(tab, i), 4096) + 4096;
	return symtab__start(tab, i + 1);
}

u16 symtab__owner_of(const struct symtab *tab, size_t i)
{
	return tab->packed ? runs_owner(tab, i) : symbol__owner(tab, &tab->syms[i]);
}

/*
 * Whether a finished lazy table packs: its starts within 4 GiB of the
 * first, every end NEXT or PAGE (an alias left empty is the exception),
 * and the room's offsets 32 bits. Its names are unread file offsets under
 * LAZY_MAX_FILE (2^SYMP_OFF_BITS) by construction (add). Returns the
 * number of owner runs, 0 when it does not pack.
 */
static size_t packable(const struct symtab *tab, size_t room)
{
	const struct symbol *s = tab->syms;
	size_t i, runs = 1;
	u32 odd = 0;

	if (!tab->nr || s[tab->nr - 1].start - s[0].start > UINT32_MAX ||
	    tab->nr * sizeof(struct sym_packed) + room > UINT32_MAX)
		return 0;
	for (i = 0; i < tab->nr; i++) {
		odd |= s[i].info & (SYM_END_SIZE << SYM_KIND_SHIFT);	/* SIZE and SIDE */
		runs += i && payload(&s[i]) != payload(&s[i - 1]);
	}
	return odd ? 0 : runs;
}

/* What packing reads of a symbol, a struct symbol's or a compact key's. */
struct pack_rec {
	u64 start;
	u32 off, owner;
	u8 meta;
};

static inline struct pack_rec pack_rec(const struct symtab *tab, const char *base, size_t i)
{
	struct pack_rec r;

	if (tab->compact) {
		u64 key;

		memcpy(&key, base + i * sizeof(key), sizeof(key));
		r.start = ckey_start(tab, key);
		r.off = ckey_off(key);
		r.owner = 0;	/* its runs are made (finish_compact) */
		r.meta = (u8)((key & SYM_FLAGS) | (key & CKEY_PAGE ? SYMP_PAGE : 0));
	} else {
		struct symbol s;

		memcpy(&s, base + i * sizeof(s), sizeof(s));
		r.start = s.start;
		r.off = s.name & SYMP_OFF_MASK;
		r.owner = payload(&s);
		r.meta = (u8)((s.info & SYM_FLAGS) |
			      (symbol__end_kind(&s) == SYM_END_PAGE ? SYMP_PAGE : 0));
	}
	return r;
}

static inline u64 pack_start(const struct symtab *tab, const char *base, size_t i)
{
	u64 v;

	if (tab->compact) {
		memcpy(&v, base + i * sizeof(v), sizeof(v));
		return ckey_start(tab, v);
	}
	memcpy(&v, base + i * sizeof(struct symbol), sizeof(v));
	return v;
}

/*
 * Packs tab->syms (struct symbols or compact keys) in place: symbol i's
 * 4 bytes go where its 16 or 8 began to be read, never over one not read
 * yet (a group's last start is read before any of it is written). The
 * owners become @nr_runs runs; the groups, the wide groups' starts and
 * the exceptions go apart.
 */
static void symtab__pack(struct symtab *tab, size_t nr_runs)
{
	char *base = (char *)tab->syms;
	u64 first = pack_start(tab, base, 0);
	size_t i, nr_groups = (tab->nr + SYMP_GROUP - 1) >> SYMP_GROUP_SHIFT;
	size_t wide_alloc = 0, exc_alloc = 0;
	u32 owner = 0, prev = 0;
	struct sym_group *g = NULL;
	bool runs = !tab->runs;		/* a compact table's are made */

	if (runs) {
		owner = pack_rec(tab, base, 0).owner;
		tab->runs = xmalloc(nr_runs * sizeof(*tab->runs));
		tab->runs[0] = (struct sym_run){ .first = 0, .owner = owner };
		tab->nr_runs = 1;
	}
	tab->groups = xmalloc(nr_groups * sizeof(*tab->groups));
	prefault_write(tab->groups, nr_groups * sizeof(*tab->groups));	/* written whole */
	for (i = 0; i < tab->nr; i++) {
		struct pack_rec s = pack_rec(tab, base, i);
		struct sym_packed p;
		u32 rel, off;

		rel = (u32)(s.start - first);
		off = s.off;
		if (runs && s.owner != owner) {
			owner = s.owner;
			BUG_ON(tab->nr_runs == nr_runs);
			tab->runs[tab->nr_runs++] = (struct sym_run){ .first = (u32)i, .owner = owner };
		}
		p.step = 0;
		if (!(i & (SYMP_GROUP - 1))) {
			size_t last = min_t(size_t, i + SYMP_GROUP, tab->nr) - 1;
			u64 last_start = pack_start(tab, base, last);

			g = &tab->groups[i >> SYMP_GROUP_SHIFT];
			g->base = rel;
			g->off = off;
			if (last_start - s.start > UINT16_MAX) {
				g->base = (u32)tab->nr_wide;
				g->off |= SYMP_WIDE;
				ALLOC_GROW(tab->wide, tab->nr_wide + (last - i) + 1, wide_alloc);
			}
		} else if (off > prev && off - prev <= UINT8_MAX) {
			p.step = (u8)(off - prev);
		} else {
			ALLOC_GROW(tab->exc, tab->nr_exc + 1, exc_alloc);
			tab->exc[tab->nr_exc++] = (struct sym_exc){ .i = (u32)i, .off = off };
		}
		prev = off;
		if (g->off & SYMP_WIDE) {
			tab->wide[tab->nr_wide++] = rel;
			p.delta = 0;
		} else {
			p.delta = (u16)(rel - g->base);
		}
		p.meta = s.meta;
		memcpy(base + i * sizeof(p), &p, sizeof(p));
	}
	if (tab->nr_wide < wide_alloc)
		tab->wide = xrealloc(tab->wide, tab->nr_wide * sizeof(*tab->wide));
	if (tab->nr_exc < exc_alloc)
		tab->exc = xrealloc(tab->exc, tab->nr_exc * sizeof(*tab->exc));
	tab->pbase = first;
}

/*
 * A lazy table's symbols (@block bytes, of the @old of its room, packed
 * or not) followed by the @room for names and made symbols: the block
 * resized to that and the table registered, so that its symbols' names
 * are found.
 */
static void lazy_place(struct symtab *tab, size_t old, size_t block, size_t room, bool pack)
{
	struct symtab_lazy *lz = tab->lazy;
	char *syms = scratch_realloc(tab->syms, old, block + room);

	tab->names_used = block + room;	/* syms_bytes: the whole block */
	tab->alloc = 0;
	if (pack) {
		tab->packed = (struct sym_packed *)syms;
		tab->syms = NULL;
	} else {
		tab->syms = (struct symbol *)syms;
		tab->names_used = room;
		tab->alloc = tab->nr;
	}
	lz->lo = syms;
	lz->hi = syms + block + room;
	lz->room = syms + block;
	pthread_mutex_lock(&lazy_lock);
	ALLOC_GROW(lazies, nr_lazies + 1, lazies_alloc);
	lazies[nr_lazies++] = lz;
	pthread_mutex_unlock(&lazy_lock);
}

static bool ckey_before(const void *a, const void *b, const void *ctx)
{
	u64 x, y;

	(void)ctx;
	memcpy(&x, a, sizeof(x));
	memcpy(&y, b, sizeof(y));
	return x < y;
}

/* classify for a compact table's key @i. */
static void classify_key(struct symtab *tab, size_t i, bool kallsyms, struct cand *c)
{
	const u64 *k = (const u64 *)tab->syms;

	c->s = NULL;
	c->key = k[i];
	c->flags = (u32)c->key & SYM_FLAGS;
	c->kind = SYM_END_NEXT;
	c->empty = false;
	cand_read_name(tab, ckey_start(tab, c->key), ckey_off(c->key), c);
	if (i + 1 == tab->nr ||
	    (kallsyms && (ckey_owner(tab, c->key) == 0) != (ckey_owner(tab, k[i + 1]) == 0)))
		c->kind = SYM_END_PAGE;
	else
		c->empty = (u32)(k[i + 1] >> 32) == (u32)(c->key >> 32);
}

/*
 * symtab__finish of a compact table: sorted, its aliases resolved and its
 * ends set by the same rules, on the keys in place, then packed from them:
 * a kernel's table never takes 16 bytes a symbol. False where it would
 * not pack; the table is then struct symbols, for the general way.
 */
static bool finish_compact(struct symtab *tab, bool kallsyms)
{
	u64 *k = (u64 *)tab->syms;
	struct symtab_lazy *lz = tab->lazy;
	size_t n = tab->nr, i, g, out = 0, old = syms_bytes(tab), block, room, runs_alloc = 0;
	u32 owner, next = 0;

	if (n * (sizeof(struct sym_packed) + LAZY_ADDR_BYTES + PACKED_MADE + 8) +
	    (size_t)lz->size > UINT32_MAX) {
		compact_expand(tab);
		return false;
	}
	for (i = 1; i < n && k[i - 1] < k[i]; i++)
		;
	if (i < n)
		introsort_inline(k, n, sizeof(*k), ckey_before, NULL);
	next = ckey_owner(tab, k[0]);
	for (g = 0; g < n; g = i) {
		u32 lo = (u32)(k[g] >> 32);
		u64 key;

		i = g + 1;
		owner = next;		/* k[g]'s */
		if (i == n || (u32)(k[i] >> 32) != lo) {
			key = k[g];
			if (i < n)
				next = ckey_owner(tab, k[i]);
			if (i == n || (kallsyms && (owner == 0) != (next == 0)))
				key |= CKEY_PAGE;
		} else {
			struct cand best, c;

			classify_key(tab, g, kallsyms, &best);
			for (i = g + 1; i < n && (u32)(k[i] >> 32) == lo; i++) {
				classify_key(tab, i, kallsyms, &c);
				if (!better(&best, &c)) {
					best = c;
					best.name = best.buf;
				}
			}
			/* The last of a run is never empty, and wins over those that are. */
			BUG_ON(best.empty);
			key = best.key | (best.kind == SYM_END_PAGE ? CKEY_PAGE : 0);
			owner = ckey_owner(tab, key);
			if (i < n)
				next = ckey_owner(tab, k[i]);
		}
		run_push(&tab->runs, &tab->nr_runs, &runs_alloc, (u32)out, owner);
		k[out++] = key;
	}
	tab->nr = out;
	if (tab->nr_runs < runs_alloc)
		tab->runs = xrealloc(tab->runs, tab->nr_runs * sizeof(*tab->runs));
	block = (out * sizeof(struct sym_packed) + 7) & ~(size_t)7;
	room = (size_t)lz->size + out * (LAZY_ADDR_BYTES + PACKED_MADE + 8);
	symtab__index(tab);	/* from the keys: the starts at hand */
	symtab__pack(tab, tab->nr_runs);
	tab->compact = false;
	oruns_free(tab);
	scratch_release(tab->syms, block, old, old);
	lazy_place(tab, old, block, room, true);
	return true;
}

void symtab__finish(struct symtab *tab, bool kallsyms)
{
	size_t i, g, out = 0, block;
	struct symbol *syms;

	tab->last_len = 0;
	tab->populated = 0;
	if (!tab->nr) {
		scratch_free(tab->names, tab->names_alloc);
		tab->names = NULL;
		tab->names_used = tab->names_alloc = 0;
		tab->compact = false;
		return;
	}
	if (tab->compact && finish_compact(tab, kallsyms))
		return;
	symtab__sort(tab);
	/*
	 * Ends first, then aliases, as perf does: of several unsized aliases
	 * the last one spans to the next address and so is the one kept.
	 * A run's kept symbol is written over the run's first slot or before.
	 */
	for (g = 0; g < tab->nr; g = i) {
		struct cand best, c;

		i = g + 1;
		if (i == tab->nr || tab->syms[i].start != tab->syms[g].start) {
			/* No alias, the usual case: only a PAGE end or a SIDE end to set. */
			struct symbol *s = &tab->syms[g];

			switch (symbol__end_kind(s)) {
			case SYM_END_NEXT:
				if (i == tab->nr || (kallsyms && (payload(s) == 0) !=
						     (build_owner(tab, s + 1) == 0)))
					s->info += (SYM_END_PAGE - SYM_END_NEXT) << SYM_KIND_SHIFT;
				break;
			case SYM_END_SIDE:
				tab->side[payload(s)].val += s->start;
				break;
			default:
				break;
			}
			tab->syms[out++] = *s;
			continue;
		}
		classify(tab, g, kallsyms, &best);
		for (i = g + 1; i < tab->nr && tab->syms[i].start == tab->syms[g].start; i++) {
			classify(tab, i, kallsyms, &c);
			if (!better(&best, &c)) {
				best = c;
				if (tab->refs)
					best.name = best.buf;
			}
		}
		keep(tab, &best, out++);
	}
	tab->nr = out;
	block = out * sizeof(*syms);
	if (tab->refs) {
		/*
		 * The symbols, then the room for the names read back (see
		 * lazy_fill), and in a packed table for the symbols made.
		 */
		struct symtab_lazy *lz = tab->lazy;
		size_t room = (size_t)lz->size + out * LAZY_ADDR_BYTES, old = syms_bytes(tab);
		size_t pack = packable(tab, room + out * (PACKED_MADE + 8));

		if (tab->nr_side < tab->side_alloc && tab->nr_side) {
			tab->side = xrealloc(tab->side, tab->nr_side * sizeof(*tab->side));
			tab->side_alloc = tab->nr_side;
		}
		symtab__index(tab);	/* indices: the same for both forms */
		if (pack) {
			room += out * (PACKED_MADE + 8);	/* 8: a made symbol's alignment */
			/* The room after it 8-aligned, for the symbols made there. */
			block = (out * sizeof(struct sym_packed) + 7) & ~(size_t)7;
			symtab__pack(tab, pack);
			/* The pages past the packed symbols are the room's now: unwritten. */
			scratch_release(tab->syms, block, old, old);
		}
		lazy_place(tab, old, block, room, pack);
		return;
	}
	/* One block: the symbols, then the names; a symbol's name by distance. */
	syms = scratch_realloc(tab->syms, tab->alloc * sizeof(*syms), block + tab->names_used);
	memcpy((char *)syms + block, tab->names, tab->names_used);
	for (i = 0; i < out; i++)
		syms[i].name = (u32)(block + syms[i].name - i * sizeof(*syms));
	scratch_free(tab->names, tab->names_alloc);
	tab->names = NULL;
	tab->names_alloc = 0;	/* names_used: the names' bytes in the block */
	tab->syms = syms;
	tab->alloc = out;
	if (tab->nr_side < tab->side_alloc && tab->nr_side) {
		tab->side = xrealloc(tab->side, tab->nr_side * sizeof(*tab->side));
		tab->side_alloc = tab->nr_side;
	}
	symtab__index(tab);
}

/*
 * The lookup, for one form of table (@packed a constant where it is
 * inlined below: the two forms get a search each, without a test of
 * the form on every start read).
 */
static inline __attribute__((always_inline)) u64 start_of(const struct symtab *tab, size_t i,
							   const bool packed)
{
	return packed ? symtab__start(tab, i) : tab->syms[i].start;
}

/* Whether symbol @i, the last whose start is <= @addr, contains it. */
static inline __attribute__((always_inline)) bool sym_covers(const struct symtab *tab, size_t i,
							      u64 addr, const bool packed)
{
	if (packed)
		return !(tab->packed[i].meta & SYMP_PAGE) ||
		       addr < PERF_ALIGN(start_of(tab, i, true), 4096) + 4096;
	return symbol__end_kind(&tab->syms[i]) == SYM_END_NEXT || addr < symbol__end(tab, &tab->syms[i]);
}

static inline __attribute__((always_inline)) const struct symbol *
find_in(const struct symtab *tab, u64 addr, size_t *hint, const bool packed)
{
	const u64 *top;
	size_t i, n, half;

	/*
	 * Samples cluster: try the last hit first. It must also be the last
	 * start <= addr, as the search finds, where symbols overlap.
	 */
	i = *hint;
	if (i < tab->nr && addr >= start_of(tab, i, packed) &&
	    (i + 1 == tab->nr || addr < start_of(tab, i + 1, packed)) &&
	    sym_covers(tab, i, addr, packed))
		return packed ? packed_sym(tab, i) : &tab->syms[i];
	/*
	 * i: the last symbol with start <= addr. Samples land anywhere: the
	 * searches use conditional moves, not branches, on the comparisons.
	 */
	if (addr >= tab->bbase && ((addr - tab->bbase) >> tab->rshift) < tab->nr_regions) {
		u64 d = addr - tab->bbase;
		u32 e = tab->regions[d >> tab->rshift];

		if (e & REGION_EMPTY) {
			i = e & ~REGION_EMPTY;	/* the symbol running into the region */
			n = 1;
		} else {
			const u32 *bk = tab->buckets + e +
					((d >> tab->bshift) & ((1u << (tab->rshift - tab->bshift)) - 1));

			i = bk[0];	/* start >= bucket start: > addr, or in it */
			n = bk[1] - i;
			if (i)
				i--, n++;	/* the symbol running into the bucket */
		}
	} else if (addr >= tab->bbase) {
		if (!tab->nr)
			return NULL;	/* an empty table has no regions */
		i = tab->nr - 1;	/* past the last region: past the last start */
		n = 1;
	} else {
		if (!tab->nr_top || tab->top[0] > addr)
			return NULL;
		/* The last group whose first start is <= addr, then in it. */
		top = tab->top;
		for (n = tab->nr_top; n > 1; n -= half) {
			half = n / 2;
			top = top[half] <= addr ? top + half : top;
		}
		i = (size_t)(top - tab->top) * SYMTAB_FANOUT;
		n = tab->nr - i < SYMTAB_FANOUT ? tab->nr - i : SYMTAB_FANOUT;
	}
	for (; n > 1; n -= half) {
		half = n / 2;
		i = start_of(tab, i + half, packed) <= addr ? i + half : i;
	}
	if (start_of(tab, i, packed) > addr)
		return NULL;
	/* i is the last start <= addr: a NEXT end is past addr. */
	if (sym_covers(tab, i, addr, packed)) {
		*hint = i;	/* a cache, not state */
		return packed ? packed_sym(tab, i) : &tab->syms[i];
	}
	return NULL;
}

const struct symbol *symtab__find_hint(const struct symtab *tab, u64 addr, size_t *hint)
{
	return tab->packed ? find_in(tab, addr, hint, true) : find_in(tab, addr, hint, false);
}

/*
 * symtab__find's cache: a symbol found and the addresses [lo, hi) for
 * which a search finds it again (from its start to the next symbol's
 * start or its own end, whichever comes first), in the slot of its
 * bucket. Samples come back to the same few hot symbols at addresses
 * spread over them: the hint (the last symbol found) holds one of them,
 * the slots a few hundred, where a search reads the index, the starts
 * around the address and, in a packed table, the memo of the symbols
 * made (about 160 instructions; a hit, about 10). Where few lookups hit
 * (samples spread over thousands of symbols), the slots pause, as the
 * resolve cache does: a miss and its refill cost about 40 more.
 */
#define FIND_SLOTS	ARRAY_SIZE(((struct sym_slots *)0)->s)

/* The end of a window of FIND_WINDOW probes: pauses the slots if few hit. */
static __attribute__((noinline)) void find_window_end(struct sym_slots *ss)
{
	if (ss->hits < FIND_WINDOW / 4)
		ss->skip = FIND_PAUSE;
	ss->probes = ss->hits = 0;
}

static inline struct sym_slot *find_slot(const struct symtab *tab, u64 addr)
{
	return &tab->slots->s[(addr >> tab->bshift) & (FIND_SLOTS - 1)];
}

/* Symbol @i's addresses, as find_in would find it: [*lo, return value). */
static u64 find_range(const struct symtab *tab, size_t i, u64 *lo)
{
	u64 hi = i + 1 < tab->nr ? start_of(tab, i + 1, tab->packed) : UINT64_MAX;
	u64 end = hi;

	*lo = start_of(tab, i, tab->packed);
	if (tab->packed ? (tab->packed[i].meta & SYMP_PAGE) :
	    symbol__end_kind(&tab->syms[i]) != SYM_END_NEXT)
		end = symtab__end_of(tab, i);
	if (end < hi)
		hi = end;
	return hi < *lo ? *lo : hi;	/* an end before the start: found nowhere */
}

/* symtab__find past its slots: a miss (kept), or the first lookup. */
static __attribute__((noinline)) const struct symbol *find_miss(struct symtab *tab, u64 addr)
{
	struct sym_slots *ss = tab->slots;
	const struct symbol *sym;
	struct sym_slot *e;

	if (!ss) {
		if (tab->nr < FIND_SLOTS_MIN)
			return symtab__find_hint(tab, addr, &tab->hint);
		ss = tab->slots = xcalloc(1, sizeof(*tab->slots));
	}
	sym = symtab__find_hint(tab, addr, &tab->hint);
	if (sym) {
		/* the hint is the index found */
		e = find_slot(tab, addr);
		e->hi = find_range(tab, tab->hint, &e->lo);
		e->sym = sym;
	}
	if (++ss->probes == FIND_WINDOW)
		find_window_end(ss);
	return sym;
}

const struct symbol *symtab__find(const struct symtab *tab, u64 addr)
{
	struct symtab *t = (struct symtab *)tab;
	struct sym_slots *ss = t->slots;
	const struct sym_slot *e;

	if (!ss)
		return find_miss(t, addr);
	if (ss->skip) {
		ss->skip--;
		return symtab__find_hint(tab, addr, &t->hint);
	}
	e = find_slot(t, addr);
	if (addr - e->lo >= e->hi - e->lo)
		return find_miss(t, addr);
	ss->hits++;
	if (__builtin_expect(++ss->probes == FIND_WINDOW, 0))
		find_window_end(ss);
	return e->sym;
}

const struct symbol *symtab__find_name(const struct symtab *tab, const char *name)
{
	size_t i;

	for (i = 0; i < tab->nr; i++)
		if (!strcmp(symbol__name(sym_at(tab, i)), name))
			return sym_at(tab, i);
	return NULL;
}

size_t symtab__bytes(const struct symtab *tab)
{
	size_t names = tab->names ? tab->names_alloc : tab->names_used;
	size_t syms = tab->packed ? tab->nr * sizeof(struct sym_packed) +
				    tab->nr_runs * sizeof(*tab->runs) +
				    ((tab->nr + SYMP_GROUP - 1) >> SYMP_GROUP_SHIFT) *
				    sizeof(*tab->groups) + tab->nr_wide * sizeof(*tab->wide) +
				    tab->nr_exc * sizeof(*tab->exc) :
				    tab->nr * sizeof(struct symbol);

	if (tab->lazy) {
		pthread_mutex_lock(&lazy_lock);
		/* The names read so far, and a packed table's symbols made and their memo. */
		names = tab->lazy->room_used;
		if (tab->lazy->memo)
			names += (tab->lazy->memo->mask + 1) * sizeof(u64);
		pthread_mutex_unlock(&lazy_lock);
	}
	return syms + names +
	       tab->nr_side * sizeof(*tab->side) + tab->nr_top * sizeof(*tab->top) +
	       tab->nr_regions * sizeof(*tab->regions) + tab->nr_buckets * sizeof(*tab->buckets) +
	       (tab->slots ? sizeof(*tab->slots) : 0);
}
