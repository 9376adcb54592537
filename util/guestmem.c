// SPDX-License-Identifier: GPL-2.0
/*
 * Guest kernel symbols from guest memory (see guestmem.h).
 *
 * Finding the tables: the kallsyms token table holds, at the indexes of
 * the digits, the digits themselves ("0\0" ... "9\0"), and is followed by
 * the token index (256 u16 offsets into it), which must agree with it
 * string by string. Before the token table lie the markers (u32, the
 * names offset of every 256th symbol, from 0, increasing), before them
 * the names, and before the names the symbol count. The offsets (s32) and
 * the relative base (u64, relocated at boot, so the running address) lie
 * before the count up to Linux 6.3 and after the token index from 6.4.
 * Each table starts 8-byte aligned.
 *
 * The kernel image is physically contiguous: its virtual - physical delta
 * is found by trying each 2 MiB-aligned physical _text near the tables
 * and walking the guest's own page tables (init_top_pgt) from there,
 * which must map _text back to it. Modules live in vmalloc space and are
 * read through those page tables.
 */
#include "util/guestmem.h"

#include <bpf/btf.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pmukvm-sonames.h"
#include "util/dlib.h"
#include "util/err.h"

#define KSYM_NAME_LEN	512
#define MAX_SYMS	(1u << 20)
#define MAX_MODS	8192
#define MAX_MOD_SYMS	(1u << 20)
#define MAX_BTF		(64u << 20)
#define SCAN_CHUNK	(4u << 20)
#define PAGE_SZ		4096ull
#define PTE_ADDR	0x000ffffffffff000ull

/* Reads @len bytes at offset @off of the RAM block. */
static int ram_read(struct guest_kernel *gk, u64 off, void *buf, size_t len)
{
	ssize_t n;
	size_t done = 0;

	if (off > gk->ram_size || len > gk->ram_size - off)
		return -EFAULT;
	while (done < len) {
		n = pread(gk->fd, (char *)buf + done, len - done, gk->ram_host + off + done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		done += n;
	}
	gk->bytes_read += len;
	return 0;
}

/* Guest physical address to offset in the RAM block, or -1. */
static u64 phys_to_off(const struct guest_kernel *gk, u64 phys)
{
	if (phys < gk->lowmem)
		return phys;
	if (phys >= (4ull << 30) && phys - (4ull << 30) < gk->ram_size - gk->lowmem)
		return gk->lowmem + phys - (4ull << 30);
	return (u64)-1;
}

static u64 off_to_phys(const struct guest_kernel *gk, u64 off)
{
	return off < gk->lowmem ? off : off - gk->lowmem + (4ull << 30);
}

static int phys_read(struct guest_kernel *gk, u64 phys, void *buf, size_t len)
{
	u64 off = phys_to_off(gk, phys);

	if (off == (u64)-1)
		return -EFAULT;
	return ram_read(gk, off, buf, len);
}

/* Walks the guest's page tables; returns the physical address or -1. */
static u64 virt_to_phys(struct guest_kernel *gk, u64 pgd, int levels, u64 va)
{
	u64 table = pgd, e;
	int level, shift;

	for (level = levels; level >= 1; level--) {
		shift = 12 + 9 * (level - 1);
		if (phys_read(gk, (table & PTE_ADDR) + ((va >> shift) & 511) * 8, &e, 8))
			return (u64)-1;
		if (!(e & 1))
			return (u64)-1;
		if ((level == 2 || level == 3) && (e & 0x80)) {
			u64 mask = (1ull << shift) - 1;

			return ((e & PTE_ADDR) & ~mask) | (va & mask);
		}
		table = e;
	}
	return (table & PTE_ADDR) | (va & (PAGE_SZ - 1));
}

/* Reads guest virtual memory, page by page through the page tables. */
static int virt_read(struct guest_kernel *gk, u64 va, void *buf, size_t len)
{
	while (len) {
		size_t n = PAGE_SZ - (va & (PAGE_SZ - 1));
		u64 pa;
		int err;

		if (n > len)
			n = len;
		pa = virt_to_phys(gk, gk->pgd, gk->levels, va);
		if (pa == (u64)-1)
			return -EFAULT;
		err = phys_read(gk, pa, buf, n);
		if (err)
			return err;
		va += n;
		buf = (char *)buf + n;
		len -= n;
	}
	return 0;
}

/* Reads the kernel image (physically contiguous) by virtual address. */
static int kimage_read(struct guest_kernel *gk, u64 va, void *buf, size_t len)
{
	return phys_read(gk, va - gk->delta, buf, len);
}

/* ---- RAM block ---------------------------------------------------- */

struct ram_cand {
	u64 start, end;
	bool run;		/* several adjacent mappings */
};

static void add_cand(struct ram_cand *c, int *n, int max, u64 start, u64 end, bool run)
{
	if (end - start >= (16ull << 20) && *n < max) {
		c[*n].start = start;
		c[*n].end = end;
		c[*n].run = run;
		(*n)++;
	}
}

/*
 * Candidate RAM blocks: writable, non-executable, anonymous (or memfd,
 * shared memory, hugetlbfs) mappings of at least 16 MiB, largest first;
 * then runs of such mappings that adjoin (a block whose mapping the kernel
 * split), largest first. Each is tried: only the block that starts at
 * guest physical 0 has page tables that map the kernel where it is.
 */
static int find_ram_cands(pid_t pid, struct ram_cand *c, int max)
{
	char path[64], line[512];
	u64 run_start = 0, run_end = 0;
	int n = 0, in_run = 0, i, j;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long s, e, ino;
		char perms[8], name[256] = "", *nm = name;
		bool anon;

		if (sscanf(line, "%llx-%llx %7s %*s %*s %llu %255[^\n]", &s, &e, perms, &ino, name) < 4)
			continue;
		while (*nm == ' ')
			nm++;
		anon = (ino == 0 && (!nm[0] || !strncmp(nm, "[anon", 5))) ||
		       !strncmp(nm, "/memfd:", 7) || !strncmp(nm, "/dev/shm/", 9) ||
		       !strncmp(nm, "/dev/hugepages", 14);
		if (!anon || perms[0] != 'r' || perms[1] != 'w' || perms[2] == 'x' || e <= s) {
			if (in_run > 1)
				add_cand(c, &n, max, run_start, run_end, true);
			in_run = 0;
			continue;
		}
		add_cand(c, &n, max, s, e, false);
		if (in_run && run_end == s) {
			run_end = e;
			in_run++;
		} else {
			if (in_run > 1)
				add_cand(c, &n, max, run_start, run_end, true);
			run_start = s;
			run_end = e;
			in_run = 1;
		}
	}
	if (in_run > 1)
		add_cand(c, &n, max, run_start, run_end, true);
	fclose(f);
	/* single mappings first, each group largest first */
	for (i = 1; i < n; i++)
		for (j = i; j > 0; j--) {
			struct ram_cand t = c[j];
			bool before = c[j].run != c[j - 1].run ? !c[j].run :
				      c[j].end - c[j].start > c[j - 1].end - c[j - 1].start;

			if (!before)
				break;
			c[j] = c[j - 1];
			c[j - 1] = t;
		}
	return n;
}

/* ---- kallsyms ----------------------------------------------------- */

static const char digit_sig[] = "0\0" "1\0" "2\0" "3\0" "4\0" "5\0" "6\0" "7\0" "8\0" "9";

struct ktables {
	u64 tt;			/* RAM offset of kallsyms_token_table */
	u64 ti;			/* kallsyms_token_index */
	u64 markers;
	u64 names;
	u32 nr_markers;
	u32 num_syms;
	u64 seqs_gap;		/* bytes of kallsyms_seqs_of_names, or 0 */
	char tokens[256][KSYM_NAME_LEN / 4];
	u8 token_len[256];
};

/*
 * Checks a token table whose '0' entry is at RAM offset @a: the strings
 * up to 255, then the token index after them must give every string's
 * offset. Fills @kt->tt, ->ti and the tokens.
 */
static bool check_token_table(struct guest_kernel *gk, u64 a, struct ktables *kt)
{
	static u8 win[16384];
	u16 ti[256];
	u64 lo = a >= 8192 ? a - 8192 : 0, end, start, idx;
	size_t len = sizeof(win), p;
	int i;

	if (lo + len > gk->ram_size)
		len = gk->ram_size - lo;
	if (ram_read(gk, lo, win, len))
		return false;
	/* walk forward from '0' (0x30) to the end of token 255 */
	p = a - lo;
	for (i = 0x30; i < 256; i++) {
		size_t s = p;

		while (p < len && win[p])
			p++;
		if (p >= len || p == s || p - s >= sizeof(kt->tokens[0]))
			return false;
		p++;
	}
	end = lo + p;
	idx = (end + 7) & ~7ull;
	if (ram_read(gk, idx, ti, sizeof(ti)))
		return false;
	if (ti[0] != 0 || ti[0x30] > a - lo || ti[0x30] == 0)
		return false;
	start = a - ti[0x30];
	if (start & 7)
		return false;
	p = start - lo;
	for (i = 0; i < 256; i++) {
		size_t s = p;

		if (start + ti[i] != lo + p)
			return false;
		while (p < len && win[p] && win[p] >= 0x20 && win[p] < 0x7f)
			p++;
		if (p >= len || win[p] || p == s || p - s >= sizeof(kt->tokens[0]))
			return false;
		memcpy(kt->tokens[i], win + s, p - s);
		kt->tokens[i][p - s] = 0;
		kt->token_len[i] = p - s;
		p++;
	}
	if (lo + p != end)
		return false;
	kt->tt = start;
	kt->ti = idx;
	return true;
}

/*
 * Finds the markers before the token table: u32 from 0, increasing, at
 * least two. Between them and the token table there is either nothing or
 * (Linux 6.2 on, and backported to 6.1.y) kallsyms_seqs_of_names, 3 bytes
 * a symbol: then the gap must fit the number of markers.
 */
static bool find_markers(struct guest_kernel *gk, struct ktables *kt, u32 **markers)
{
	u64 span = 3ull * MAX_SYMS + 65536, lo, e;
	size_t n, j, last, nm;
	u32 *m, *st = NULL;

	span = kt->tt < span ? kt->tt & ~7ull : span;
	lo = kt->tt - span;
	n = span / 4;
	if (n < 4)
		return false;
	m = malloc(n * 4);
	st = malloc(n * 4);
	if (!m || !st || ram_read(gk, lo, m, n * 4))
		goto fail;
	/* st[j]: where the run of marker-like steps ending at j starts (linear, whatever the data) */
	for (j = 0; j < n; j++)
		st[j] = j == 0 || m[j] == 0 || m[j - 1] >= m[j] || m[j] - m[j - 1] < 256 * 2 ||
			m[j] - m[j - 1] > 256 * (KSYM_NAME_LEN + 2) ? j : st[j - 1];
	for (e = kt->tt; e >= lo + 16; e -= 8) {
		u64 gap = kt->tt - e;

		last = (e - lo) / 4 - 1;
		if (m[last] == 0 && m[last - 1] != 0)
			last--;		/* padding to 8 bytes */
		j = st[last];
		if (m[j] != 0 || j == last || ((lo + j * 4) & 7) || last - j + 1 > MAX_SYMS / 256)
			continue;
		nm = last - j + 1;
		if (gap && !(gap > 3ull * 256 * (nm - 1) && gap <= ((3ull * 256 * nm + 7) & ~7ull)))
			continue;
		kt->markers = lo + j * 4;
		kt->nr_markers = nm;
		kt->seqs_gap = gap;
		memmove(m, m + j, nm * 4);
		*markers = m;
		free(st);
		return true;
	}
fail:
	free(m);
	free(st);
	return false;
}

/* Length of the name entry at @p (1 or 2 bytes of length), or 0. */
static size_t name_entry(const u8 *buf, size_t p, size_t len, size_t *hdr)
{
	size_t l;

	if (p >= len)
		return 0;
	l = buf[p];
	*hdr = 1;
	if (l & 0x80) {
		if (p + 1 >= len)
			return 0;
		l = (l & 0x7f) | ((size_t)buf[p + 1] << 7);
		*hdr = 2;
	}
	if (l == 0 || p + *hdr + l > len)
		return 0;
	return l;
}

static u32 names_add(struct guest_kernel *gk, const char *s, size_t len)
{
	u32 off;

	if (gk->names_len + len + 1 > gk->names_alloc) {
		gk->names_alloc = (gk->names_len + len + 1) * 2;
		gk->names = xrealloc(gk->names, gk->names_alloc);
	}
	off = gk->names_len;
	memcpy(gk->names + off, s, len);
	gk->names[off + len] = 0;
	gk->names_len += len + 1;
	return off;
}

static void sym_add(struct guest_kernel *gk, u64 addr, char type, const char *name,
		    size_t len, int module)
{
	struct guest_sym *s;

	if (gk->nr_syms == gk->syms_alloc) {
		gk->syms_alloc = gk->syms_alloc ? gk->syms_alloc * 2 : 65536;
		gk->syms = xrealloc(gk->syms, gk->syms_alloc * sizeof(*gk->syms));
	}
	s = &gk->syms[gk->nr_syms++];
	s->addr = addr;
	s->type = type;
	s->name = names_add(gk, name, len);
	s->module = module;
}

/*
 * Finds the names: the u32 count 8 bytes before them must give as many
 * markers as there are, and decoding the last group must end within the
 * padding before the markers. @buf holds RAM from @lo to the markers.
 */
static bool find_names(struct ktables *kt, const u32 *m, const u8 *buf, u64 lo)
{
	u64 last = m[kt->nr_markers - 1], s;
	size_t len = kt->markers - lo;

	if (last + 2 + 16 > len)
		return false;
	for (s = (kt->markers - last - 2) & ~7ull; s >= lo + 8 && kt->markers - s - last <= 256u * (KSYM_NAME_LEN + 2);
	     s -= 8) {
		u32 n;
		size_t p, hdr, l, i, k;

		memcpy(&n, buf + (s - 8 - lo), 4);
		if (n == 0 || n > MAX_SYMS || (n + 255) / 256 != kt->nr_markers)
			continue;
		k = n - 256 * (kt->nr_markers - 1);
		p = s - lo + last;
		for (i = 0; i < k; i++) {
			l = name_entry(buf, p, len, &hdr);
			if (!l)
				break;
			p += hdr + l;
		}
		if (i == k && p <= len && len - p < 8 &&
		    (!kt->seqs_gap || kt->seqs_gap == ((3ull * n + 7) & ~7ull))) {
			kt->names = s;
			kt->num_syms = n;
			return true;
		}
	}
	return false;
}

/*
 * Decodes every name into a symbol at @addrs[i]; checks each group's start
 * against its marker.
 */
static int decode_names(struct guest_kernel *gk, struct ktables *kt, const u32 *m, const u8 *buf,
			u64 lo, const u64 *addrs)
{
	size_t len = kt->markers - lo, p = kt->names - lo, hdr, l, i, j, o;
	char name[KSYM_NAME_LEN + 1];

	for (i = 0; i < kt->num_syms; i++) {
		if (i % 256 == 0 && p - (kt->names - lo) != m[i / 256])
			return -EINVAL;
		l = name_entry(buf, p, len, &hdr);
		if (!l)
			return -EINVAL;
		p += hdr;
		o = 0;
		for (j = 0; j < l; j++) {
			u8 t = buf[p + j];

			if (o + kt->token_len[t] > KSYM_NAME_LEN)
				return -EINVAL;
			memcpy(name + o, kt->tokens[t], kt->token_len[t]);
			o += kt->token_len[t];
		}
		p += l;
		if (o < 2)
			return -EINVAL;
		sym_add(gk, addrs[i], name[0], name + 1, o - 1, -1);
	}
	return 0;
}

static const char layout_pre64[] = "kallsyms offsets before the names (Linux 6.3 and older)";
static const char layout_post64[] = "kallsyms offsets after the token index (Linux 6.4 and later)";

/* Symbol addresses from offsets at @offs, relative base after them. */
static bool decode_offsets(struct guest_kernel *gk, struct ktables *kt, u64 offs, u64 *addrs)
{
	u64 base, rb = (offs + 4ull * kt->num_syms + 7) & ~7ull, prev = 0;
	s32 *o = xmalloc(4ull * kt->num_syms);
	size_t i, neg = 0;
	bool ok = false;

	if (ram_read(gk, offs, o, 4ull * kt->num_syms) || ram_read(gk, rb, &base, 8))
		goto out;
	if (base < 0xffffffff80000000ull)
		goto out;
	for (i = 0; i < kt->num_syms; i++)
		neg += o[i] < 0;
	for (i = 0; i < kt->num_syms; i++) {
		if (neg > kt->num_syms / 2)	/* absolute per-cpu symbols */
			addrs[i] = o[i] >= 0 ? (u64)o[i] : base - 1 - (s64)o[i];
		else
			addrs[i] = base + (u32)o[i];
		/* sorted by address, the absolute ones first */
		if (addrs[i] >= 0xffff800000000000ull) {
			if (addrs[i] < prev)
				goto out;
			prev = addrs[i];
		}
	}
	ok = prev != 0;
out:
	free(o);
	return ok;
}

static const struct guest_sym *core_sym(const struct guest_kernel *gk, const char *name)
{
	size_t i;

	for (i = 0; i < gk->nr_core; i++)
		if (!strcmp(gk->names + gk->syms[i].name, name))
			return &gk->syms[i];
	return NULL;
}

/*
 * Decodes the kallsyms whose token table '0' is at RAM offset @a. Returns
 * -EAGAIN when there is no token table there; a table that stops checking
 * at a later step fails with what in @e.
 */
static int kallsyms_at(struct guest_kernel *gk, u64 a, struct err *e)
{
	struct ktables *kt = xcalloc(1, sizeof(*kt));
	u32 *m = NULL;
	u8 *buf = NULL;
	u64 *addrs = NULL, lo, span;
	int err = -ENOENT;

	if (!check_token_table(gk, a, kt)) {
		err = -EAGAIN;	/* not a token table */
		goto out;
	}
	if (!find_markers(gk, kt, &m)) {
		err = err__set(e, -ENOENT, "kallsyms token table at 0x%llx, but no markers before it",
			       (unsigned long long)off_to_phys(gk, kt->tt));
		goto out;
	}
	span = (u64)m[kt->nr_markers - 1] + 256ull * (KSYM_NAME_LEN + 2) + 16;
	if (span > kt->markers)
		span = kt->markers;
	lo = kt->markers - span;
	buf = malloc(span);
	if (!buf || ram_read(gk, lo, buf, span))
		goto out;
	if (!find_names(kt, m, buf, lo)) {
		err = err__set(e, -ENOENT, "kallsyms markers at 0x%llx, but no names before them",
			       (unsigned long long)off_to_phys(gk, kt->markers));
		goto out;
	}
	addrs = malloc((size_t)kt->num_syms * sizeof(*addrs));
	if (!addrs) {
		err = -ENOMEM;
		goto out;
	}
	/* 6.3 and older: offsets, relative base, count, names ... */
	if (kt->names >= 16 + ((4ull * kt->num_syms + 7) & ~7ull) &&
	    decode_offsets(gk, kt, kt->names - 16 - ((4ull * kt->num_syms + 7) & ~7ull), addrs))
		gk->layout = layout_pre64;
	/* 6.4 and later: ... token table, token index, offsets, relative base */
	else if (decode_offsets(gk, kt, kt->ti + 512, addrs))
		gk->layout = layout_post64;
	else {
		err = err__set(e, -ENOENT,
			       "kallsyms names found (%u symbols), but neither layout's offsets and "
			       "relative base (before the names: Linux 6.3 and older; after the token "
			       "index: 6.4 and later) give sorted kernel addresses", kt->num_syms);
		goto out;
	}
	if (decode_names(gk, kt, m, buf, lo, addrs)) {
		err = err__set(e, -EINVAL, "kallsyms names at 0x%llx do not decode (%s)",
			       (unsigned long long)off_to_phys(gk, kt->names), gk->layout);
		gk->nr_syms = 0;
		gk->names_len = 0;
		gk->layout = NULL;
		goto out;
	}
	gk->nr_core = gk->nr_syms;
	gk->tables = kt->tt;
	err = 0;
out:
	free(kt);
	free(m);
	free(buf);
	free(addrs);
	return err;
}

/*
 * Reads @len bytes of the RAM block at @off into @buf, but only the pages
 * the VM process has (/proc/PID/pagemap: present or swapped); the others
 * were never touched, read as zeros, and reading them would make the
 * process allocate them. Returns 1 when no page was there, 0, or -errno.
 */
static int ram_read_present(struct guest_kernel *gk, int pm, u64 off, u8 *buf, size_t len)
{
	static u64 ent[SCAN_CHUNK / PAGE_SZ + 2];
	u64 first = (gk->ram_host + off) / PAGE_SZ;
	size_t np = (len + PAGE_SZ - 1) / PAGE_SZ, i, j;
	bool any = false;
	int err;

	if (pm < 0 || np > ARRAY_SIZE(ent) || ((gk->ram_host + off) & (PAGE_SZ - 1)) ||
	    pread(pm, ent, np * 8, first * 8) != (ssize_t)(np * 8))
		return ram_read(gk, off, buf, len);
	for (i = 0; i < np; i = j) {
		bool here = ent[i] >> 62;
		size_t a = i * PAGE_SZ, b;

		for (j = i + 1; j < np && (bool)(ent[j] >> 62) == here; j++)
			;
		b = j * PAGE_SZ < len ? j * PAGE_SZ : len;
		if (!here) {
			memset(buf + a, 0, b - a);
			continue;
		}
		any = true;
		err = ram_read(gk, off + a, buf + a, b - a);
		if (err)
			return err;
	}
	return any ? 0 : 1;
}

static int locate_image(struct guest_kernel *gk, struct err *e);

/* ---- guest physical layout and the kernel image ------------------- */

#define SZ_2M		(2ull << 20)
#define SZ_4G		(4ull << 30)

/*
 * Where the RAM above the PCI hole may start to be at 4 GiB, for a block
 * of @size bytes: QEMU's pc machine keeps up to 3.5 GiB below 4 GiB, and
 * 3 GiB of more (3.5 GiB on machine types before 1.7); q35 keeps up to
 * 2.75 GiB, and 2 GiB of more. Only a start: the guest's own memory map
 * (e820_lowmem) says which it is.
 */
static size_t lowmem_cands(u64 size, u64 *c)
{
	static const u64 splits[] = { 2ull << 30, 3ull << 30, 0xe0000000ull };
	size_t n = 0, i;

	if (size <= 0xe0000000ull)
		c[n++] = size;
	for (i = 0; i < ARRAY_SIZE(splits); i++)
		if (size > splits[i])
			c[n++] = splits[i];
	return n;
}

static bool pte_ok(u64 e)
{
	/* present; bits 52-62 (software, protection keys) unused by the kernel's own tables */
	return (e & 1) && !(e & 0x7ff0000000000000ull);
}

/*
 * Follows @entry, which must point to a next-level table (present, not a
 * large page): reads that table into @tab and its address into @at.
 */
static int table_down(struct guest_kernel *gk, u64 entry, u64 tab[512], u64 *at)
{
	if (!pte_ok(entry) || (entry & 0x80))
		return -ENOENT;
	*at = entry & PTE_ADDR;
	return phys_read(gk, *at, tab, 512 * sizeof(u64)) ? -EFAULT : 0;
}

/*
 * The kernel image's guest physical range from the page tables that map
 * it at 0xffffffff80000000, starting at the top-level table @pgd: entry
 * 511 (and, with 5 levels, entry 511 again) leads to level3_kernel_pgt,
 * whose entry 510 is level2_kernel_pgt: one entry per 2 MiB from _text to
 * the end of the image (the kernel clears the rest at boot). Both tables
 * lie in the image, and the image is physically contiguous. Returns 0 with
 * the range in [*lo, *lo + *len).
 */
static int image_range(struct guest_kernel *gk, u64 pgd, int levels, u64 *lo, u64 *len)
{
	u64 tab[512], pmd_tab[512], e, p4d, pud, pmd, p0 = 0;
	int i, i0 = -1, i1 = -1, j, err;

	if (phys_read(gk, pgd, tab, sizeof(tab)))
		return -EFAULT;
	if (levels == 5) {
		err = table_down(gk, tab[511], tab, &p4d);
		if (err)
			return err;
	}
	err = table_down(gk, tab[511], tab, &pud);
	if (!err)
		err = table_down(gk, tab[510], pmd_tab, &pmd);
	if (err)
		return err;
	for (i = 0; i < 512; i++) {
		u64 phys;

		e = pmd_tab[i];
		if (!(e & 1))
			continue;
		if (!pte_ok(e))
			return -ENOENT;
		if (e & 0x80) {
			phys = e & PTE_ADDR;
		} else {
			/* split into 4 KiB pages (rodata, freed init): its first present page */
			if (phys_read(gk, e & PTE_ADDR, tab, sizeof(tab)))
				return -EFAULT;
			for (j = 0; j < 512 && !(tab[j] & 1); j++)
				;
			if (j == 512)
				continue;
			if (!pte_ok(tab[j]))
				return -ENOENT;
			phys = (tab[j] & PTE_ADDR) - (u64)j * PAGE_SZ;
		}
		if (i0 < 0) {
			if (phys & (SZ_2M - 1))
				return -ENOENT;
			i0 = i;
			p0 = phys;
		} else if (phys != p0 + (u64)(i - i0) * SZ_2M) {
			return -ENOENT;		/* not one contiguous image */
		}
		i1 = i;
	}
	if (i0 < 0)
		return -ENOENT;
	*lo = p0;
	*len = (u64)(i1 - i0 + 1) * SZ_2M;
	/* the tables are the image's own */
	if (pud < p0 || pud >= p0 + *len || pmd < p0 || pmd >= p0 + *len)
		return -ENOENT;
	return 0;
}

/*
 * The kernel image through the real-mode trampoline: x86-64 Linux keeps,
 * below 1 MiB, the trampoline's top-level page table (trampoline_pgd),
 * whose kernel half is a copy of init_top_pgt's and whose user half is
 * empty but for entry 0. Each page of the first MiB that looks like one is
 * tried, with each place RAM above the PCI hole could start, until
 * image_range finds a contiguous image whose tables lie in it. Sets
 * gk->image_lo/image_hi (RAM offsets) and gk->lowmem. Reads the first MiB
 * and a few page-table pages: nothing that grows with the guest's RAM.
 */
static int image_from_trampoline(struct guest_kernel *gk)
{
	u64 lows[4], pgds[16], lo, len, off;
	size_t nl, np = 0, l, k;
	u64 *low = malloc(1u << 20);
	int levels, err = -ENOENT;

	if (!low)
		return -ENOMEM;
	if (gk->ram_size < (2u << 20) || ram_read(gk, 0, low, 1u << 20))
		goto out;
	for (off = PAGE_SZ; off < (1u << 20) && np < ARRAY_SIZE(pgds); off += PAGE_SZ) {
		const u64 *t = low + off / 8;
		int i, kern = 0;

		if (!pte_ok(t[511]) || (t[511] & 0x80))
			continue;
		for (i = 1; i < 256 && !t[i]; i++)
			;
		if (i < 256)
			continue;
		for (i = 256; i < 511; i++)
			kern += pte_ok(t[i]);
		if (kern)
			pgds[np++] = off;
	}
	nl = lowmem_cands(gk->ram_size, lows);
	for (l = 0; l < nl && err; l++) {
		gk->lowmem = lows[l];
		for (k = 0; k < np && err; k++)
			for (levels = 4; levels <= 5 && err; levels++) {
				if (image_range(gk, pgds[k], levels, &lo, &len))
					continue;
				off = phys_to_off(gk, lo);
				if (off == (u64)-1 || phys_to_off(gk, lo + len - 1) != off + len - 1)
					continue;
				pr_debug("guest %d: trampoline page table at 0x%llx (%d levels): kernel "
					 "image at 0x%llx-0x%llx, 0x%llx bytes of RAM below 4 GiB",
					 (int)gk->pid, (unsigned long long)pgds[k], levels,
					 (unsigned long long)lo, (unsigned long long)(lo + len),
					 (unsigned long long)gk->lowmem);
				gk->image_lo = off;
				gk->image_hi = off + len;
				err = 0;
			}
	}
out:
	free(low);
	return err;
}

/*
 * The guest's own memory map: boot_params.e820_table (as the firmware
 * gave it; the count at 0x1e8, 20-byte entries at 0x2d0). QEMU puts the
 * RAM that does not fit below the PCI hole at 4 GiB, in one e820 RAM
 * range: so the block's RAM below 4 GiB is its size less that range.
 * Sets gk->lowmem when the map agrees with the block (its RAM below 4 GiB
 * ends by then); returns 0, or -errno (the map is missing or disagrees:
 * more than one RAM block, say, and gk->lowmem stays).
 */
static int e820_lowmem(struct guest_kernel *gk)
{
	const struct guest_sym *bp = core_sym(gk, "boot_params");
	u8 nr, tab[128 * 20];
	u64 low_end = 0, high_end = 0, low;
	bool at4g = false;
	unsigned int i;

	if (!bp || kimage_read(gk, bp->addr + 0x1e8, &nr, 1) || nr == 0 || nr > 128 ||
	    kimage_read(gk, bp->addr + 0x2d0, tab, (size_t)nr * 20))
		return -ENOENT;
	for (i = 0; i < nr; i++) {
		u64 addr, size, end;
		u32 type;

		memcpy(&addr, tab + i * 20, 8);
		memcpy(&size, tab + i * 20 + 8, 8);
		memcpy(&type, tab + i * 20 + 16, 4);
		if (type != 1 || !size || addr + size < addr)
			continue;
		end = addr + size;
		if (addr < SZ_4G) {
			if (end > SZ_4G)
				return -EINVAL;
			low_end = end > low_end ? end : low_end;
		} else {
			at4g |= addr == SZ_4G;
			high_end = end > high_end ? end : high_end;
		}
	}
	if (high_end && (!at4g || high_end - SZ_4G >= gk->ram_size))
		return -EINVAL;
	low = gk->ram_size - (high_end ? high_end - SZ_4G : 0);
	if (low < low_end || low > SZ_4G)
		return -EINVAL;
	if (low != gk->lowmem)
		pr_debug("guest %d: its e820 map puts 0x%llx bytes of RAM below 4 GiB (0x%llx assumed)",
			 (int)gk->pid, (unsigned long long)low, (unsigned long long)gk->lowmem);
	gk->lowmem = low;
	return 0;
}


/*
 * Scans the RAM block for the token table; decodes each that checks until
 * one is the running kernel's: the boot decompressor leaves stale copies
 * of the image (unrelocated), which the page tables do not map. A
 * failure always fills @e (not NULL, empty on entry): the first decoded
 * table's reason for not being the running kernel's, else the last table
 * that stopped checking, else that there was none.
 */
static int find_kallsyms(struct guest_kernel *gk, u64 scan_lo, u64 scan_hi, struct err *e)
{
	struct err first = ERR_INIT;
	const char *first_layout = NULL;
	unsigned int candidates = 0;
	u8 *chunk = malloc(SCAN_CHUNK + sizeof(digit_sig));
	char path[64];
	u64 off;
	int err = -ENOENT, pm, r;

	if (!chunk)
		return err__set(e, -ENOMEM, "cannot allocate the %u MiB to scan the guest's RAM with",
				SCAN_CHUNK >> 20);
	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)gk->pid);
	pm = open(path, O_RDONLY | O_CLOEXEC);
	for (off = scan_lo; off < scan_hi; off += SCAN_CHUNK) {
		size_t len = scan_hi - off < SCAN_CHUNK + sizeof(digit_sig) ?
			     scan_hi - off : SCAN_CHUNK + sizeof(digit_sig);
		u8 *p = chunk;

		r = ram_read_present(gk, pm, off, chunk, len);
		if (r < 0) {
			err__set(e, -EIO, "cannot read guest RAM at 0x%llx", (unsigned long long)off);
			break;
		}
		if (r > 0)
			continue;
		while ((p = memmem(p, len - (p - chunk), digit_sig, sizeof(digit_sig)))) {
			/* the '0' token follows the '/' token's NUL */
			r = p > chunk && p[-1] == 0 ? kallsyms_at(gk, off + (p - chunk), e) : -EAGAIN;
			/* a hostile guest could plant token tables everywhere */
			if (r != -EAGAIN && ++candidates > 64) {
				err = err__set(e, -E2BIG, "more than 64 places in the guest's RAM look "
					       "like kallsyms tables");
				goto out;
			}
			if (!r) {
				r = locate_image(gk, e);
				if (!r) {
					err = 0;
					goto out;
				}
				pr_debug("guest %d: kallsyms at RAM offset 0x%llx: %s", (int)gk->pid,
					 (unsigned long long)gk->tables, err__str(e));
				if (!first.code) {
					err__copy(&first, e);
					first_layout = gk->layout;
				}
				gk->nr_syms = gk->nr_core = gk->names_len = 0;
				gk->layout = NULL;
			}
			p++;
		}
	}
	if (first.code) {
		err = err__copy(e, &first);
		gk->layout = first_layout;
	} else if (!e->code) {
		/* no table got as far as saying why it was not the kernel's */
		err__set(e, -ENOENT, "no kallsyms token table in the guest's %s (%llu MiB)",
			 gk->image_hi ? "kernel image" : "RAM",
			 (unsigned long long)((scan_hi - scan_lo) >> 20));
	} else {
		err = e->code;
	}
out:
	if (pm >= 0)
		close(pm);
	free(chunk);
	return err;
}

/*
 * The kernel image's virtual - physical delta and the page tables: for
 * each 2 MiB-aligned physical _text from which the token table lies
 * within the image, init_top_pgt there must map _text to it.
 */
static int find_delta(struct guest_kernel *gk, u64 tt_phys, struct err *e)
{
	const struct guest_sym *text = core_sym(gk, "_text"), *end = core_sym(gk, "_end");
	const struct guest_sym *pgt = core_sym(gk, "init_top_pgt");
	u64 p, img;
	int levels;

	if (!pgt)
		pgt = core_sym(gk, "swapper_pg_dir");
	if (!text || !end || !pgt || end->addr <= text->addr || pgt->addr < text->addr ||
	    pgt->addr >= end->addr) {
		return err__set(e, -ENOENT, "the guest's kallsyms lack _text, _end or init_top_pgt");
	}
	img = end->addr - text->addr;
	if (img > (1ull << 30)) {
		return err__set(e, -EINVAL, "the guest kernel image is %llu MiB",
				(unsigned long long)(img >> 20));
	}
	for (p = (tt_phys > img ? tt_phys - img : 0) & ~((2ull << 20) - 1); p <= tt_phys; p += 2ull << 20) {
		for (levels = 4; levels <= 5; levels++) {
			u64 pgd = p + (pgt->addr - text->addr);
			u64 t = virt_to_phys(gk, pgd, levels, text->addr);
			u64 g = virt_to_phys(gk, pgd, levels, pgt->addr);

			if (verbose > 1 && (t != (u64)-1 || g != (u64)-1))
				pr_debug("guest %d: _text at 0x%llx? %d-level tables map _text to 0x%llx, "
					 "init_top_pgt to 0x%llx", (int)gk->pid, (unsigned long long)p,
					 levels, (unsigned long long)t, (unsigned long long)g);
			/* _text where it would be, the table itself where it is */
			if (t == p && g == pgd) {
				gk->delta = text->addr - p;
				gk->pgd = pgd;
				gk->levels = levels;
				return 0;
			}
		}
	}
	pr_debug("guest %d: _text 0x%llx, _end 0x%llx, init_top_pgt 0x%llx, tables at 0x%llx",
		 (int)gk->pid, (unsigned long long)text->addr, (unsigned long long)end->addr,
		 (unsigned long long)pgt->addr, (unsigned long long)tt_phys);
	return err__set(e, -ENOENT,
			"the guest's page tables (init_top_pgt) do not map its kernel image");
}

/*
 * find_delta, then the guest's own memory map for where its RAM above
 * the PCI hole starts. With the image found through the trampoline, the
 * start is known already; else each place QEMU may put it is tried.
 */
static int locate_image(struct guest_kernel *gk, struct err *e)
{
	u64 lows[4], was;
	size_t n = gk->image_hi ? 1 : lowmem_cands(gk->ram_size, lows), i;
	int err = -ENOENT;

	for (i = 0; i < n && err; i++) {
		if (!gk->image_hi)
			gk->lowmem = lows[i];
		err = find_delta(gk, off_to_phys(gk, gk->tables), e);
	}
	if (err)
		return err;
	was = gk->lowmem;
	if (e820_lowmem(gk)) {
		pr_debug("guest %d: no usable e820 map in its boot_params; RAM above the PCI hole "
			 "assumed from 0x%llx", (int)gk->pid, (unsigned long long)gk->lowmem);
	} else if (gk->lowmem != was && find_delta(gk, off_to_phys(gk, gk->tables), e)) {
		gk->lowmem = was;	/* the image must stay where it was found */
		return find_delta(gk, off_to_phys(gk, gk->tables), e);
	}
	return 0;
}

/* ---- modules ------------------------------------------------------ */

/*
 * libbpf, for the guest's BTF: opened when a guest's module list is first
 * read (util/dlib.h), so that other runs do not load it.
 */
#define BPF_SYMS(X)                                                                  \
	X(btf__new) X(btf__free) X(btf__type_by_id) X(btf__name_by_offset)            \
	X(btf__find_by_name_kind) X(btf__resolve_size)

static struct {
	BPF_SYMS(DLIB_PTR)
} bpf;

DLIB_DEFINE(bpf_lib, bpf, BPF_SYMS, BPF_SONAME, "the guest's BTF");

/*
 * How far a member is looked for: the BTF is the guest's, and libbpf
 * takes typedefs that name themselves and structs inside themselves
 * (anonymous members, looked into) as they come. Depth as libbpf's own
 * resolving (32), and a budget of members read per lookup, for structs
 * of many anonymous members each.
 */
#define BTF_MAX_DEPTH	32
#define BTF_MAX_STEPS	65536

/* Finds member @name of struct/union @id (also inside anonymous members). */
static int btf_member_in(const struct btf *btf, u32 id, const char *name, u32 *off, u32 *type,
			 int depth, u32 *steps)
{
	const struct btf_type *t = bpf.btf__type_by_id(btf, id);
	const struct btf_member *mb;
	int i, vlen, hops = 0;

	while (t && (btf_is_typedef(t) || btf_is_mod(t))) {
		if (++hops > BTF_MAX_DEPTH)
			return -ELOOP;
		id = t->type;
		t = bpf.btf__type_by_id(btf, id);
	}
	if (!t || !btf_is_composite(t))
		return -ENOENT;
	vlen = btf_vlen(t);
	mb = btf_members(t);
	for (i = 0; i < vlen; i++, mb++) {
		const char *n = bpf.btf__name_by_offset(btf, mb->name_off);
		u32 bits = btf_member_bit_offset(t, i);
		int err;

		if (++*steps > BTF_MAX_STEPS)
			return -ELOOP;
		if (n && !strcmp(n, name)) {
			*off = bits / 8;
			*type = mb->type;
			return 0;
		}
		if (n && n[0])
			continue;
		if (depth >= BTF_MAX_DEPTH)
			return -ELOOP;
		err = btf_member_in(btf, mb->type, name, off, type, depth + 1, steps);
		if (!err) {
			*off += bits / 8;
			return 0;
		}
		if (err == -ELOOP)
			return err;
	}
	return -ENOENT;
}

static int btf_member(const struct btf *btf, u32 id, const char *name, u32 *off, u32 *type)
{
	u32 steps = 0;

	return btf_member_in(btf, id, name, off, type, 0, &steps);
}

/* Offset of a path "a.b.c" in struct @id; its type in @type. */
static int btf_path(const struct btf *btf, u32 id, const char *path, u32 *off)
{
	char buf[128], *tok, *save;
	u32 o = 0, mo, type = id;

	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, ".", &save); tok; tok = strtok_r(NULL, ".", &save)) {
		if (btf_member(btf, type, tok, &mo, &type))
			return -ENOENT;
		o += mo;
	}
	*off = o;
	return 0;
}

struct mod_layout {
	u32 size;		/* sizeof(struct module) */
	u32 name, list, state, refcnt, source_list, kallsyms, syms, num_syms, taints;
	bool has_mem;		/* 6.4+: mem[] of struct module_memory */
	u32 mem, mem_nr, mem_sz, mem_base, mem_size;
	u32 core_base, core_size, init_size, data_size;
	bool has_data;
	u32 use_source_list, use_source;
	u32 ks_symtab, ks_num, ks_strtab, ks_typetab;
	u32 ksym_size, ksym_name;
	bool ksym_prel;
};

static int module_layout(const struct btf *btf, struct mod_layout *L, struct err *e)
{
	s32 mod = bpf.btf__find_by_name_kind(btf, "module", BTF_KIND_STRUCT);
	s32 use = bpf.btf__find_by_name_kind(btf, "module_use", BTF_KIND_STRUCT);
	s32 ks = bpf.btf__find_by_name_kind(btf, "mod_kallsyms", BTF_KIND_STRUCT);
	s32 ksym = bpf.btf__find_by_name_kind(btf, "kernel_symbol", BTF_KIND_STRUCT);
	u32 t;

	if (mod < 0 || use < 0 || ks < 0 || ksym < 0) {
		return err__set(e, -ENOENT, "the guest's BTF has no struct module, module_use, "
				"mod_kallsyms or kernel_symbol");
	}
	L->size = bpf.btf__resolve_size(btf, mod);
	if (btf_path(btf, mod, "name", &L->name) || btf_path(btf, mod, "list", &L->list) ||
	    btf_path(btf, mod, "state", &L->state) || btf_path(btf, mod, "refcnt", &L->refcnt) ||
	    btf_path(btf, mod, "source_list", &L->source_list) ||
	    btf_path(btf, mod, "kallsyms", &L->kallsyms) || btf_path(btf, mod, "syms", &L->syms) ||
	    btf_path(btf, mod, "num_syms", &L->num_syms) || btf_path(btf, mod, "taints", &L->taints) ||
	    btf_path(btf, use, "source_list", &L->use_source_list) ||
	    btf_path(btf, use, "source", &L->use_source) ||
	    btf_path(btf, ks, "symtab", &L->ks_symtab) || btf_path(btf, ks, "num_symtab", &L->ks_num) ||
	    btf_path(btf, ks, "strtab", &L->ks_strtab) || btf_path(btf, ks, "typetab", &L->ks_typetab))
		goto bad;
	L->ksym_size = bpf.btf__resolve_size(btf, ksym);
	if (!btf_path(btf, ksym, "name_offset", &L->ksym_name))
		L->ksym_prel = true;
	else if (btf_path(btf, ksym, "name", &L->ksym_name))
		goto bad;
	if (!btf_member(btf, mod, "mem", &L->mem, &t)) {
		const struct btf_type *at = bpf.btf__type_by_id(btf, t);
		s32 mm = bpf.btf__find_by_name_kind(btf, "module_memory", BTF_KIND_STRUCT);

		if (!at || !btf_is_array(at) || mm < 0 || btf_path(btf, mm, "base", &L->mem_base) ||
		    btf_path(btf, mm, "size", &L->mem_size))
			goto bad;
		L->has_mem = true;
		L->mem_nr = btf_array(at)->nelems;
		L->mem_sz = bpf.btf__resolve_size(btf, mm);
	} else {
		if (btf_path(btf, mod, "core_layout.base", &L->core_base) ||
		    btf_path(btf, mod, "core_layout.size", &L->core_size) ||
		    btf_path(btf, mod, "init_layout.size", &L->init_size))
			goto bad;
		L->has_data = !btf_path(btf, mod, "data_layout.size", &L->data_size);
	}
	/* the BTF is the guest's too: every offset must lie in what is read */
	if (L->size < 64 || L->size > 65536 || L->ksym_size > 64 || L->ksym_size < 8 ||
	    L->ksym_name + (L->ksym_prel ? 4 : 8) > L->ksym_size ||
	    (L->has_mem && (L->mem_nr > 16 || L->mem_sz > 256 || L->mem_base + 8 > L->mem_sz ||
			    L->mem_size + 4 > L->mem_sz || L->mem + L->mem_nr * L->mem_sz > L->size)) ||
	    (!L->has_mem && (L->core_base + 8 > L->size || L->core_size + 4 > L->size ||
			     L->init_size + 4 > L->size || (L->has_data && L->data_size + 4 > L->size))) ||
	    L->name + 56 > L->size || L->list + 8 > L->size || L->state + 4 > L->size ||
	    L->refcnt + 4 > L->size || L->source_list + 8 > L->size || L->kallsyms + 8 > L->size ||
	    L->syms + 8 > L->size || L->num_syms + 4 > L->size || L->taints + 8 > L->size ||
	    L->use_source_list + 8 > 64 || L->use_source + 8 > 64 || L->ks_symtab + 8 > 64 ||
	    L->ks_num + 4 > 64 || L->ks_strtab + 8 > 64 || L->ks_typetab + 8 > 64)
		goto bad;
	return 0;
bad:
	return err__set(e, -EINVAL, "the guest's struct module (BTF) lacks a field pmukvm reads");
}

static u64 rd64(const u8 *b, u32 off) { u64 v; memcpy(&v, b + off, 8); return v; }
static u32 rd32(const u8 *b, u32 off) { u32 v; memcpy(&v, b + off, 4); return v; }

/* Names exported (EXPORT_SYMBOL, not _GPL) by a module: their addresses. */
static int mod_exports(struct guest_kernel *gk, const struct mod_layout *L, const u8 *mb,
		       char (**names)[KSYM_NAME_LEN], size_t *nr)
{
	u64 syms = rd64(mb, L->syms);
	u32 n = rd32(mb, L->num_syms), i;
	u8 e[64];

	*names = NULL;
	*nr = 0;
	if (!n)
		return 0;
	if (n > 65536)
		return -EINVAL;
	*names = xcalloc(n, KSYM_NAME_LEN);
	for (i = 0; i < n; i++) {
		u64 a = syms + (u64)i * L->ksym_size, na;

		if (virt_read(gk, a, e, L->ksym_size))
			return -EFAULT;
		na = L->ksym_prel ? a + L->ksym_name + (s64)(s32)rd32(e, L->ksym_name)
				  : rd64(e, L->ksym_name);
		if (virt_read(gk, na, (*names)[i], KSYM_NAME_LEN - 1) &&
		    virt_read(gk, na, (*names)[i], PAGE_SZ - (na & (PAGE_SZ - 1)) < KSYM_NAME_LEN - 1 ?
				     PAGE_SZ - (na & (PAGE_SZ - 1)) : KSYM_NAME_LEN - 1))
			return -EFAULT;
		(*names)[i][KSYM_NAME_LEN - 1] = 0;
	}
	*nr = n;
	return 0;
}

/* Reads a NUL-terminated string of at most @max - 1 bytes. */
static int virt_string(struct guest_kernel *gk, u64 va, char *out, size_t max)
{
	size_t o = 0;

	while (o < max - 1) {
		size_t n = PAGE_SZ - ((va + o) & (PAGE_SZ - 1));

		if (n > max - 1 - o)
			n = max - 1 - o;
		if (virt_read(gk, va + o, out + o, n))
			return -EFAULT;
		if (memchr(out + o, 0, n))
			return 0;
		o += n;
	}
	out[max - 1] = 0;
	return -E2BIG;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

static int mod_symbols(struct guest_kernel *gk, const struct mod_layout *L, const u8 *mb, int idx)
{
	u8 ks[64];
	u64 kp = rd64(mb, L->kallsyms), symtab, strtab, typetab;
	u32 n, i;
	u8 *syms = NULL, *types = NULL;
	char (*ex)[KSYM_NAME_LEN] = NULL, name[KSYM_NAME_LEN];
	size_t nr_ex = 0;
	int err = -EFAULT;

	if (!kp || virt_read(gk, kp, ks, sizeof(ks)))
		return -EFAULT;
	symtab = rd64(ks, L->ks_symtab);
	n = rd32(ks, L->ks_num);
	strtab = rd64(ks, L->ks_strtab);
	typetab = rd64(ks, L->ks_typetab);
	if (n > MAX_MOD_SYMS || gk->nr_syms + n > 4ull * MAX_SYMS)
		return -E2BIG;
	syms = xmalloc((size_t)n * 24 + 1);
	types = xmalloc((size_t)n + 1);
	if (virt_read(gk, symtab, syms, (size_t)n * 24) || virt_read(gk, typetab, types, n))
		goto out;
	if (mod_exports(gk, L, mb, &ex, &nr_ex))
		goto out;
	if (nr_ex)
		qsort(ex, nr_ex, sizeof(*ex), cmp_name);
	for (i = 0; i < n; i++) {
		u32 st_name = rd32(syms + i * 24, 0);
		u64 value = rd64(syms + i * 24, 8);
		char type = types[i];
		bool exported = false;

		if (virt_string(gk, strtab + st_name, name, sizeof(name)) && !name[0])
			goto out;
		if (!name[0])
			continue;
		exported = nr_ex && bsearch(name, ex, nr_ex, sizeof(*ex), cmp_name);
		type = exported ? toupper((unsigned char)type) : tolower((unsigned char)type);
		sym_add(gk, value, type, name, strlen(name), idx);
	}
	err = 0;
out:
	free(syms);
	free(types);
	free(ex);
	return err;
}

static const char taint_chars[][2] = {
	{ 0, 'P' }, { 1, 'F' }, { 10, 'C' }, { 12, 'O' }, { 13, 'E' }, { 15, 'K' },
	{ 16, 'X' }, { 18, 'N' },
};

/* Reads the module list into @gk; on failure @gk->mod_err says why. */
static int read_modules(struct guest_kernel *gk)
{
	const struct guest_sym *head_sym = core_sym(gk, "modules");
	const struct guest_sym *bs = core_sym(gk, "__start_BTF"), *be = core_sym(gk, "__stop_BTF");
	struct mod_layout L = { 0 };
	struct btf *btf = NULL;
	u8 *raw = NULL, *mb = NULL;
	u64 head, next;
	size_t steps = 0;
	int err = -ENOENT;

	if (!head_sym || !bs || !be || be->addr <= bs->addr || be->addr - bs->addr > MAX_BTF) {
		return err__set(&gk->mod_err, -ENOENT,
				"the guest's kallsyms lack modules, __start_BTF or __stop_BTF");
	}
	raw = xmalloc(be->addr - bs->addr);
	err = kimage_read(gk, bs->addr, raw, be->addr - bs->addr);
	if (err) {
		err__set(&gk->mod_err, err, "cannot read the guest's BTF");
		goto out;
	}
	err = dlib__load(&bpf_lib, &gk->mod_err);
	if (err)
		goto out;
	btf = bpf.btf__new(raw, be->addr - bs->addr);
	if (!btf) {
		err = err__set(&gk->mod_err, errno ? -errno : -EINVAL,
			       "the guest's BTF does not parse: %s", strerror(errno));
		goto out;
	}
	err = module_layout(btf, &L, &gk->mod_err);
	if (err)
		goto out;
	mb = xmalloc(L.size);
	head = head_sym->addr;
	if (kimage_read(gk, head, &next, 8))
		goto fault;
	while (next != head) {
		u64 mod = next - L.list, users;
		struct guest_mod *gm;
		int state, k;
		u64 taints;

		if (++steps > MAX_MODS || virt_read(gk, mod, mb, L.size))
			goto fault;
		next = rd64(mb, L.list);
		state = rd32(mb, L.state);
		if (state == 3)		/* unformed: not shown */
			continue;
		gk->mods = xrealloc(gk->mods, (gk->nr_mods + 1) * sizeof(*gk->mods));
		gm = &gk->mods[gk->nr_mods];
		memset(gm, 0, sizeof(*gm));
		memcpy(gm->name, mb + L.name, sizeof(gm->name) - 1);
		gm->name[strnlen(gm->name, 56)] = 0;
		if (!gm->name[0])
			goto fault;
		gm->state = state;
		gm->refcnt = (int)rd32(mb, L.refcnt) - 1;	/* MODULE_REF_BASE */
		if (L.has_mem) {
			gm->base = rd64(mb, L.mem + L.mem_base);
			for (k = 0; k < (int)L.mem_nr; k++)
				gm->size += rd32(mb, L.mem + k * L.mem_sz + L.mem_size);
		} else {
			gm->base = rd64(mb, L.core_base);
			gm->size = (u64)rd32(mb, L.core_size) + rd32(mb, L.init_size) +
				   (L.has_data ? rd32(mb, L.data_size) : 0);
		}
		/* users: the module_use entries on source_list */
		users = rd64(mb, L.source_list);
		for (k = 0; users != mod + L.source_list && k < 256; k++) {
			u8 ub[64];
			char uname[64] = "";
			u64 src;
			size_t ul = strlen(gm->users);

			if (virt_read(gk, users - L.use_source_list, ub, sizeof(ub)))
				goto fault;
			src = rd64(ub, L.use_source);
			if (virt_read(gk, src + L.name, uname, 56))
				goto fault;
			uname[56] = 0;
			snprintf(gm->users + ul, sizeof(gm->users) - ul, "%s,", uname);
			users = rd64(ub, L.use_source_list);
		}
		if (!gm->users[0])
			snprintf(gm->users, sizeof(gm->users), "-");
		taints = rd64(mb, L.taints);
		if (taints) {
			size_t t, o = 1;

			gm->taints[0] = '(';
			for (t = 0; t < ARRAY_SIZE(taint_chars); t++)
				if (taints & (1ull << taint_chars[t][0]))
					gm->taints[o++] = taint_chars[t][1];
			gm->taints[o++] = ')';
			gm->taints[o] = 0;
		}
		gk->nr_mods++;
		if (mod_symbols(gk, &L, mb, gk->nr_mods - 1))
			goto fault;
	}
	err = 0;
	goto out;
fault:
	err = err__set(&gk->mod_err, -EFAULT,
		       "the guest's module list is unreadable after %zu modules", gk->nr_mods);
out:
	if (btf)
		bpf.btf__free(btf);
	free(raw);
	free(mb);
	return err;
}

/*
 * The core kernel's symbols from the RAM block at gk->ram_host (of
 * gk->ram_size bytes): from the kernel image only, when the page tables
 * below 1 MiB say where it is, else from all of it. 0, or a negative
 * errno with @why saying what failed.
 */
static int ram_block_kallsyms(struct guest_kernel *gk, struct err *why)
{
	int err;

	gk->lowmem = gk->ram_size;
	gk->image_lo = gk->image_hi = 0;
	err__init(why);
	if (!image_from_trampoline(gk)) {
		err = find_kallsyms(gk, gk->image_lo, gk->image_hi, why);
	} else {
		pr_debug("guest %d: no page table below 1 MiB maps a kernel image in RAM "
			 "candidate %#llx-%#llx: searching all of it", (int)gk->pid,
			 (unsigned long long)gk->ram_host,
			 (unsigned long long)(gk->ram_host + gk->ram_size));
		err = -ENOENT;
	}
	if (err) {
		if (gk->image_hi)
			pr_debug("guest %d: not in the kernel image its page tables map (%s); "
				 "searching all RAM", (int)gk->pid, err__str(why));
		gk->image_lo = gk->image_hi = 0;
		gk->lowmem = gk->ram_size;
		err__init(why);
		err = find_kallsyms(gk, 0, gk->ram_size, why);
	}
	return err;
}

int guest_kernel__read(struct guest_kernel *gk, pid_t pid, struct err *e)
{
	struct ram_cand c[64];
	struct err why = ERR_INIT, first = ERR_INIT;
	char path[64];
	int n, i, err = -ENOENT;

	memset(gk, 0, sizeof(*gk));
	gk->pid = pid;
	gk->fd = -1;
	n = find_ram_cands(pid, c, ARRAY_SIZE(c));
	if (n < 0)
		return err__set(e, n, "cannot read /proc/%d/maps: %s", (int)pid, strerror(-n));
	if (n == 0)
		return err__set(e, -ENOENT, "process %d has no mapping that could be guest RAM",
				(int)pid);
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	gk->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (gk->fd < 0)
		return err__set(e, -errno, "cannot open '%s': %s", path, strerror(errno));
	for (i = 0; i < n; i++) {
		gk->ram_host = c[i].start;
		gk->ram_size = c[i].end - c[i].start;
		err = ram_block_kallsyms(gk, &why);
		if (!err)
			break;
		pr_debug("guest %d: RAM candidate %#llx-%#llx: %s", (int)pid,
			 (unsigned long long)c[i].start, (unsigned long long)c[i].end, err__str(&why));
		/* the most telling reason: the first candidate's, the largest */
		if (i == 0)
			err__copy(&first, &why);
	}
	if (err)
		return err__copy(e, &first);
	read_modules(gk);
	return 0;
}

int guest_kernel__write_kallsyms(const struct guest_kernel *gk, FILE *f)
{
	size_t i;

	for (i = 0; i < gk->nr_syms; i++) {
		const struct guest_sym *s = &gk->syms[i];

		if (s->module < 0)
			fprintf(f, "%016llx %c %s\n", (unsigned long long)s->addr, s->type,
				gk->names + s->name);
		else
			fprintf(f, "%016llx %c %s\t[%s]\n", (unsigned long long)s->addr, s->type,
				gk->names + s->name, gk->mods[s->module].name);
	}
	return ferror(f) ? -EIO : 0;
}

int guest_kernel__write_modules(const struct guest_kernel *gk, FILE *f)
{
	static const char *const states[] = { "Live", "Loading", "Unloading" };
	size_t i;

	for (i = 0; i < gk->nr_mods; i++) {
		const struct guest_mod *m = &gk->mods[i];

		fprintf(f, "%s %llu %d %s %s 0x%016llx%s%s\n", m->name, (unsigned long long)m->size,
			m->refcnt, m->users, m->state >= 0 && m->state <= 2 ? states[m->state] : "Live",
			(unsigned long long)m->base, m->taints[0] ? " " : "", m->taints);
	}
	return ferror(f) ? -EIO : 0;
}

void guest_kernel__exit(struct guest_kernel *gk)
{
	if (gk->fd >= 0)
		close(gk->fd);
	gk->fd = -1;
	free(gk->syms);
	free(gk->mods);
	free(gk->names);
	gk->syms = NULL;
	gk->mods = NULL;
	gk->names = NULL;
}

/* Writes @dir/@name whole (a temporary file renamed over it). */
static int write_one(const struct guest_kernel *gk, const char *dir, const char *name,
		     int (*fn)(const struct guest_kernel *, FILE *), struct err *e)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8];
	FILE *f;
	int err;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return err__set(e, -ENAMETOOLONG, "cannot write '%s/%s': %s", dir, name,
				strerror(ENAMETOOLONG));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return err__set(e, -errno, "cannot write '%s': %s", path, strerror(errno));
	err = fn(gk, f);
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err) {
		unlink(tmp);
		return err__set(e, err, "cannot write '%s': %s", path, strerror(-err));
	}
	return 0;
}

int guest_kernel__write_tree(const struct guest_kernel *gk, const char *dir, struct err *e)
{
	char d[PATH_MAX];
	int err;

	if (snprintf(d, sizeof(d), "%s/%d/proc", dir, (int)gk->pid) >= (int)sizeof(d))
		return err__set(e, -ENAMETOOLONG, "cannot write '%s': %s", dir,
				strerror(ENAMETOOLONG));
	err = mkdir_p(d);
	if (err)
		return err__set(e, err, "cannot write '%s': %s", d, strerror(-err));
	err = write_one(gk, d, "kallsyms", guest_kernel__write_kallsyms, e);
	if (!err)
		err = write_one(gk, d, "modules", guest_kernel__write_modules, e);
	return err;
}

/* A VM process: a KVM VM open, or a qemu-system executable (TCG). */
static bool is_vm_process(int pid)
{
	char path[64], link[256];
	struct dirent *de;
	DIR *d;
	ssize_t n;
	bool vm = false;

	snprintf(path, sizeof(path), "/proc/%d/exe", pid);
	n = readlink(path, link, sizeof(link) - 1);
	if (n > 0) {
		const char *base;

		link[n] = 0;
		base = strrchr(link, '/');
		base = base ? base + 1 : link;
		if (!strncmp(base, "qemu-system-", 12))
			return true;
	}
	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	d = opendir(path);
	if (!d)
		return false;
	while (!vm && (de = readdir(d))) {
		char fd[300];

		if (de->d_name[0] == '.')
			continue;
		snprintf(fd, sizeof(fd), "/proc/%d/fd/%s", pid, de->d_name);
		n = readlink(fd, link, sizeof(link) - 1);
		if (n > 0) {
			link[n] = 0;
			vm = !strcmp(link, "anon_inode:kvm-vm");
		}
	}
	closedir(d);
	return vm;
}

/*
 * Copies a --guestmount guest's proc/kallsyms and proc/modules (read
 * inside its tree, as guest_machines__find reads them) into @dir/NAME/proc.
 * Returns 1 if it had either, 0 if neither, or a negative errno.
 */
static int copy_guest_files(const char *fallback, const char *name, const char *dir)
{
	static const char *const files[] = { "kallsyms", "modules" };
	char root[PATH_MAX], d[PATH_MAX], path[PATH_MAX + 16];
	size_t i;
	int found = 0, err;

	if (snprintf(root, sizeof(root), "%s/%s", fallback, name) >= (int)sizeof(root) ||
	    snprintf(d, sizeof(d), "%s/%s/proc", dir, name) >= (int)sizeof(d))
		return -ENAMETOOLONG;
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		char rel[32], *real, *buf;
		size_t len;
		FILE *f;

		snprintf(rel, sizeof(rel), "proc/%s", files[i]);
		real = guest_tree__resolve(root, rel, &err);
		if (!real)
			continue;
		err = read_file_maybe_gz(real, 256u << 20, &buf, &len);
		free(real);
		if (err)
			return err;
		err = mkdir_p(d);
		snprintf(path, sizeof(path), "%s/%s", d, files[i]);
		f = err ? NULL : fopen(path, "w");
		if (!f) {
			free(buf);
			return err ? err : -errno;
		}
		if (fwrite(buf, 1, len, f) != len)
			err = -EIO;
		if (fclose(f) && !err)
			err = -errno;
		free(buf);
		if (err)
			return err;
		found = 1;
	}
	return found;
}

int guest_memory__mount(const char *fallback, pid_t only_pid, char *dir, size_t dirlen)
{
	const char *tmp = getenv("TMPDIR");
	struct dirent *de;
	DIR *proc;
	int nr = 0, err;

	if (snprintf(dir, dirlen, "%s/pmukvm-guests.XXXXXX", tmp && tmp[0] ? tmp : "/tmp") >=
	    (int)dirlen)
		return -ENAMETOOLONG;
	if (!mkdtemp(dir))
		return -errno;
	proc = opendir("/proc");
	if (!proc) {
		err = -errno;
		guest_memory__unmount(dir);
		return err;
	}
	while ((de = readdir(proc))) {
		struct guest_kernel gk;
		struct err why = ERR_INIT;
		char *end;
		long pid = strtol(de->d_name, &end, 10);

		if (*end || pid <= 0 || pid == getpid() || (only_pid && pid != only_pid) ||
		    !is_vm_process(pid))
			continue;
		err = guest_kernel__read(&gk, pid, &why);
		if (!err) {
			if (gk.mod_err.code)
				pr_warning("guest %ld: modules not read from its memory: %s", pid,
					   err__str(&gk.mod_err));
			err = guest_kernel__write_tree(&gk, dir, &why);
			if (!err)
				nr++;
		}
		if (err) {
			char fb[PATH_MAX];
			struct stat st;
			bool have = fallback &&
				    snprintf(fb, sizeof(fb), "%s/%ld/proc/kallsyms", fallback, pid) <
					    (int)sizeof(fb) && !stat(fb, &st);

			pr_warning("guest %ld: symbols not read from its memory: %s%s%s%s%s", pid,
				   err__str(&why), gk.layout ? " (" : "", gk.layout ? gk.layout : "",
				   gk.layout ? ")" : "", have ? "; using its --guestmount files" : "");
		}
		guest_kernel__exit(&gk);
	}
	closedir(proc);
	/* the --guestmount guests not read from memory keep their files */
	if (fallback) {
		DIR *fd = opendir(fallback);

		while (fd && (de = readdir(fd))) {
			char ln[PATH_MAX];
			struct stat st;

			if (!isdigit((unsigned char)de->d_name[0]))
				continue;
			snprintf(ln, sizeof(ln), "%s/%s", dir, de->d_name);
			if (!lstat(ln, &st))
				continue;
			err = copy_guest_files(fallback, de->d_name, dir);
			if (err < 0)
				pr_warning("guest %s: cannot copy its files from '%s': %s", de->d_name,
					   fallback, strerror(-err));
			else if (err > 0)
				pr_debug("guest %s: its files under '%s'", de->d_name, fallback);
		}
		if (fd)
			closedir(fd);
	}
	return nr;
}

void guest_memory__unmount(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);

	while (d && (de = readdir(d))) {
		char p[PATH_MAX], q[PATH_MAX + 32];
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (lstat(p, &st))
			continue;
		if (S_ISLNK(st.st_mode)) {
			unlink(p);
			continue;
		}
		snprintf(q, sizeof(q), "%s/proc/kallsyms", p);
		unlink(q);
		snprintf(q, sizeof(q), "%s/proc/modules", p);
		unlink(q);
		snprintf(q, sizeof(q), "%s/proc", p);
		rmdir(q);
		rmdir(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}
