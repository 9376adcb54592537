// SPDX-License-Identifier: GPL-2.0
/* Symbol tables, kallsyms and modules parsing: table-driven. */
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "symbols/kallsyms.h"
#include "symbols/symtab.h"
#include "tests/unit/unit.h"
#include "util/err.h"

void test_symtab_aliases(void)
{
	/* Which alias a sample is attributed to, per perf's rules. */
	static const struct {
		const char *names[3];
		u8 bind[3];
		u64 size[3];
		const char *want;
	} cases[] = {
		/* Unsized aliases: the last one spans to the next symbol. */
		{ { "memcpy", "__memcpy", "__pi_memcpy" }, { STB_GLOBAL, STB_GLOBAL, STB_GLOBAL },
		  { 0, 0, 0 }, "__pi_memcpy" },
		/* Sized beats weak and global order. */
		{ { "free", "cfree", "__libc_free" }, { STB_GLOBAL, STB_GLOBAL, STB_GLOBAL },
		  { 16, 16, 16 }, "cfree" },
		{ { "a_weak", "b", NULL }, { STB_WEAK, STB_GLOBAL, 0 }, { 16, 16, 0 }, "b" },
		{ { "local", "global", NULL }, { STB_LOCAL, STB_GLOBAL, 0 }, { 16, 16, 0 }, "global" },
		{ { "__x", "_y", NULL }, { STB_GLOBAL, STB_GLOBAL, 0 }, { 16, 16, 0 }, "_y" },
		{ { "first", "other", NULL }, { STB_GLOBAL, STB_GLOBAL, 0 }, { 16, 16, 0 }, "first" },
	};
	size_t c;

	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct symtab tab;
		const struct symbol *s;
		int i;

		symtab__init(&tab);
		for (i = 0; i < 3 && cases[c].names[i]; i++)
			symtab__add(&tab, 0x1000, cases[c].size[i], cases[c].bind[i], STT_FUNC,
				    cases[c].names[i], strlen(cases[c].names[i]));
		symtab__add(&tab, 0x1010, 0, STB_GLOBAL, STT_FUNC, "next", 4);
		symtab__finish(&tab, false);
		s = symtab__find(&tab, 0x1004);
		CHECK(s != NULL);
		if (s)
			CHECK_STR(symbol__name(s), cases[c].want);
		CHECK(tab.nr == 2);
		symtab__exit(&tab);
	}
}

/*
 * symtab__finish sorts stably: of several sized global symbols at one
 * address (names of one length), the first added is the one kept, however
 * the input is ordered (ascending runs, descending, shuffled).
 */
void test_symtab_sort_stable(void)
{
	static const int shapes[] = { 0, 1, 2, 3 };
	size_t k;

	for (k = 0; k < sizeof(shapes) / sizeof(shapes[0]); k++) {
		enum { N = 20000, STARTS = 3000 };
		struct symtab tab;
		static u32 first[STARTS];
		size_t i;
		u64 st = 99;

		symtab__init(&tab);
		for (i = 0; i < STARTS; i++)
			first[i] = UINT32_MAX;
		for (i = 0; i < N; i++) {
			char name[16];
			u32 a;

			st = st * 6364136223846793005ull + 1442695040888963407ull;
			switch (shapes[k]) {
			case 0:
				a = (u32)((st >> 33) % STARTS);		/* shuffled */
				break;
			case 1:
				a = (u32)(STARTS - 1 - i * STARTS / N);	/* descending */
				break;
			case 2:
				a = (u32)((i % 500) * 6);		/* ascending runs */
				break;
			default:
				a = (u32)(i * STARTS / N);		/* sorted */
				break;
			}
			if (first[a] == UINT32_MAX)
				first[a] = (u32)i;
			snprintf(name, sizeof(name), "s%06zu", i);
			symtab__add(&tab, 0x1000 + a * 16ull, 16, STB_GLOBAL, STT_FUNC, name,
				    strlen(name));
		}
		symtab__finish(&tab, false);
		for (i = 0; i + 1 < tab.nr; i++)
			CHECK(tab.syms[i].start < tab.syms[i + 1].start);
		for (i = 0; i < tab.nr; i++) {
			char want[16];

			snprintf(want, sizeof(want), "s%06u",
				 first[(tab.syms[i].start - 0x1000) / 16]);
			CHECK_STR(symbol__name(&tab.syms[i]), want);
		}
		symtab__exit(&tab);
	}
}

void test_symtab_lookup(void)
{
	struct symtab tab;
	static const struct { u64 addr; const char *want; } cases[] = {
		{ 0x0fff, NULL }, { 0x1000, "a" }, { 0x100f, "a" }, { 0x1010, NULL },
		{ 0x2000, "b" }, { 0x2fff, "b" }, { 0x3000, "c" }, { 0x3fff, "c" },
		{ 0x4000, NULL },
	};
	size_t i;

	symtab__init(&tab);
	symtab__add(&tab, 0x3000, 0, STB_GLOBAL, STT_FUNC, "c", 1);
	symtab__add(&tab, 0x1000, 0x10, STB_GLOBAL, STT_FUNC, "a", 1);
	symtab__add(&tab, 0x2000, 0, STB_GLOBAL, STT_FUNC, "b", 1);
	symtab__finish(&tab, false);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct symbol *s = symtab__find(&tab, cases[i].addr);

		if (!cases[i].want)
			CHECK(s == NULL);
		else if (s)
			CHECK_STR(symbol__name(s), cases[i].want);
		else
			CHECK(!"symbol not found");
	}
	symtab__exit(&tab);
}

/* The symbol containing @addr by a linear scan: what symtab__find must say. */
static const struct symbol *find_linear(const struct symtab *tab, u64 addr)
{
	const struct symbol *best = NULL;
	size_t i;

	for (i = 0; i < tab->nr; i++)
		if (tab->syms[i].start <= addr)
			best = &tab->syms[i];
	return best && addr < symbol__end(tab, best) ? best : NULL;
}

/*
 * The indexed lookup against a linear scan, on tables shaped like real
 * ones: a dense run with small and zero sizes, far outliers below it (the
 * per-CPU symbols of kallsyms), a gap of a gigabyte (modules), a symbol at
 * the top of the address space; addresses at, around and between starts.
 */
static u64 rnd_state = 12345;

static u64 rnd(void)
{
	rnd_state = rnd_state * 6364136223846793005ull + 1442695040888963407ull;
	return rnd_state >> 17;
}

void test_symtab_lookup_index(void)
{
	int round;

#define RND() rnd()
	for (round = 0; round < 40; round++) {
		struct symtab tab;
		size_t nr = 1 + RND() % (round < 20 ? 40 : 5000), i, j;
		u64 base = 0xffffffff81000000ull;

		symtab__init(&tab);
		for (i = 0; i < nr; i++) {
			u64 start = base + RND() % (nr * 300), size = 0;

			if (RND() % 4)
				size = RND() % 400;

			switch (RND() % 16) {
			case 0:
				start = RND() % 0x40000;		/* low outliers */
				break;
			case 1:
				start += 0x3f000000ull;			/* past a gap */
				break;
			case 2:
				start = ~0ull - RND() % 8;		/* the very top */
				size = 0;
				break;
			}
			symtab__add(&tab, start, size, STB_GLOBAL, STT_FUNC, "s", 1);
		}
		symtab__finish(&tab, round & 1);
		for (j = 0; j < 4000; j++) {
			u64 addr;

			if (j % 2) {
				addr = tab.syms[RND() % tab.nr].start + RND() % 3 - 1;
			} else {
				switch (RND() % 4) {
				case 0:
					addr = RND() % 0x50000;
					break;
				case 1:
					addr = base + 0x3f000000ull + RND() % (nr * 300);
					break;
				case 2:
					addr = ~0ull - RND() % 16;
					break;
				default:
					addr = base - 64 + RND() % (nr * 300 + 128);
					break;
				}
			}
			if (symtab__find(&tab, addr) != find_linear(&tab, addr)) {
				fprintf(stderr, "round %d: lookup of %#llx differs\n", round,
					(unsigned long long)addr);
				unit_failures++;
				break;
			}
		}
		symtab__exit(&tab);
	}
#undef RND
}

/*
 * symtab__find's cache of symbols found against a search that bypasses it
 * (symtab__find_hint with a hint of its own), on tables large enough to
 * have one: sized symbols with gaps after them, zero sizes, kallsyms page
 * ends, a packed table read from a file. The lookups come back to a few
 * hot symbols, at their edges and inside them, so that most are hits;
 * between them, addresses anywhere (misses that refill the slots).
 */
static void find_slots_check(const struct symtab *tab, const char *what)
{
	size_t hot[48], i, j, hint = SIZE_MAX;
	u64 lo, hi;

	for (i = 0; i < 48; i++)
		hot[i] = rnd() % tab->nr;
	for (j = 0; j < 60000; j++) {
		const struct symbol *a, *b;
		u64 addr;

		i = hot[rnd() % 48];
		lo = symtab__start(tab, i);
		hi = symtab__end_of(tab, i);
		switch (rnd() % 8) {
		case 0:
			addr = symtab__start(tab, rnd() % tab->nr) + rnd() % 64 - 32;
			break;
		case 1:
			addr = lo - 1 + rnd() % 3;
			break;
		case 2:
			addr = hi - 1 + rnd() % 3;
			break;
		default:
			addr = lo + (hi > lo ? rnd() % (hi - lo + 1) : 0);
			break;
		}
		a = symtab__find(tab, addr);
		b = symtab__find_hint(tab, addr, &hint);
		if (a != b) {
			fprintf(stderr, "%s: lookup %zu of %#llx: %s, searched: %s\n", what, j,
				(unsigned long long)addr, a ? "found" : "none", b ? "found" : "none");
			unit_failures++;
			return;
		}
	}
	CHECK(tab->slots != NULL);	/* a large table keeps them */
}

void test_symtab_find_slots(void)
{
	char dir[] = "/tmp/pmukvm-kslots-XXXXXX", *path, *text, line[96];
	size_t nr, i, len, cap;
	struct kallsyms ks;
	struct err err;
	int round;

	for (round = 0; round < 12; round++) {
		struct symtab tab;
		u64 addr = 0xffffffff81000000ull;
		char what[32];

		nr = 4096 + rnd() % 20000;
		symtab__init(&tab);
		for (i = 0; i < nr; i++) {
			u64 size = rnd() % 3 ? rnd() % 300 : 0;

			addr += rnd() % 4 ? rnd() % 400 : 0x2000 + rnd() % 0x10000;
			symtab__add(&tab, addr, size, STB_GLOBAL, rnd() % 4 ? STT_FUNC : STT_OBJECT,
				    "s", 1);
		}
		symtab__finish(&tab, round & 1);
		snprintf(what, sizeof(what), "round %d", round);
		find_slots_check(&tab, what);
		symtab__exit(&tab);
	}
	/*
	 * Lookups spread over the whole table hit the slots rarely: they
	 * pause (and the answers stay the same), then look again and stay
	 * while the lookups come back to a few symbols.
	 */
	{
		struct symtab tab;
		size_t hint = SIZE_MAX, j;
		u64 addr = 0x10000;
		int bad = 0;

		symtab__init(&tab);
		for (i = 0; i < 60000; i++, addr += 0x40)
			symtab__add(&tab, addr, 0x30, STB_GLOBAL, STT_FUNC, "s", 1);
		symtab__finish(&tab, false);
		for (j = 0; j < 2 * FIND_WINDOW; j++) {
			addr = 0x10000 + rnd() % (60000 * 0x40);
			bad += symtab__find(&tab, addr) != symtab__find_hint(&tab, addr, &hint);
		}
		CHECK(tab.slots && tab.slots->skip > 0);	/* paused */
		for (j = 0; j < FIND_PAUSE + 2 * FIND_WINDOW + 100; j++) {
			addr = 0x10000 + (rnd() % 16) * 0x40 * 997 + rnd() % 0x40;
			bad += symtab__find(&tab, addr) != symtab__find_hint(&tab, addr, &hint);
		}
		CHECK(tab.slots && tab.slots->skip == 0 && tab.slots->hits > 0);	/* back */
		CHECK(bad == 0);
		symtab__exit(&tab);
	}
	/* A small table searches: no slots. */
	{
		struct symtab tab;

		symtab__init(&tab);
		for (i = 0; i < 100; i++)
			symtab__add(&tab, 0x1000 + i * 0x10, 0, STB_GLOBAL, STT_FUNC, "s", 1);
		symtab__finish(&tab, false);
		CHECK(symtab__find(&tab, 0x1008) != NULL && tab.slots == NULL);
		symtab__exit(&tab);
	}
	/* A kallsyms copy, packed: page ends before the gaps, modules. */
	memset(&err, 0, sizeof(err));
	CHECK(mkdtemp(dir) != NULL);
	cap = 1 << 20;
	text = malloc(cap);
	len = 0;
	{
		u64 addr = 0xffffffff81000000ull;

		for (i = 0; i < 9000; i++) {
			bool mod = i >= 8000;

			if (i == 8000)
				addr = 0xffffffffc0000000ull;
			addr += rnd() % 16 ? rnd() % 512 : 0x3000 + rnd() % 0x8000;
			snprintf(line, sizeof(line), "%016llx %c f%zu%s\n", (unsigned long long)addr,
				 "TtWD"[rnd() % 4], i, mod ? "\t[m]" : "");
			len += (size_t)snprintf(text + len, cap - len, "%s", line);
		}
	}
	path = unit_write_file(dir, "kallsyms", text);
	if (kallsyms__load(&ks, path, &err)) {
		fprintf(stderr, "load: %s\n", err.msg);
		unit_failures++;
	} else {
		CHECK(ks.tab.packed != NULL);
		find_slots_check(&ks.tab, "packed kallsyms");
		kallsyms__exit(&ks);
	}
	unlink(path);
	free(path);
	free(text);
	rmdir(dir);
}

void test_kallsyms_parse(void)
{
	static const char text[] =
		"0000000000000000 A fixed_percpu_data\n"
		"ffffffff81000000 T _stext\n"
		"ffffffff81000000 T _text\n"
		"ffffffff81000100 t helper\n"
		"ffffffff81000200 r some_rodata\n"
		"ffffffff81000300 D some_data\n"
		"ffffffff81000340 b some_bss\n"
		"ffffffff81000400 W weak_fn\n"
		"ffffffffc0001000 t modfn\t[mymod]\n"
		"ffffffffc0001100 T modfn2\t[mymod]\n"
		"ffffffffc0002000 t other\t[othermod]\n";
	struct kallsyms ks;
	struct err err;
	const struct symbol *s;

	CHECK(kallsyms__parse(&ks, text, sizeof(text) - 1, "test", &err) == 0);
	CHECK(ks.has_text && ks.text == 0xffffffff81000000ull);
	CHECK(ks.nr_modnames == 2);
	s = symtab__find(&ks.tab, 0xffffffff81000050ull);
	CHECK(s && !strcmp(symbol__name(s), "_text"));
	s = symtab__find(&ks.tab, 0xffffffff81000250ull);	/* rodata is not kept */
	CHECK(s && !strcmp(symbol__name(s), "helper"));
	CHECK(s && symbol__is_func(s) && !symbol__is_object(s));
	/* d D b B: data objects (perf names their rows name+0xOFFSET); T W functions */
	s = symtab__find(&ks.tab, 0xffffffff81000310ull);
	CHECK(s && !strcmp(symbol__name(s), "some_data") && symbol__is_object(s) &&
	      !symbol__is_func(s));
	s = symtab__find(&ks.tab, 0xffffffff81000340ull);
	CHECK(s && !strcmp(symbol__name(s), "some_bss") && symbol__is_object(s));
	s = symtab__find(&ks.tab, 0xffffffff81000400ull);
	CHECK(s && !strcmp(symbol__name(s), "weak_fn") && symbol__is_func(s) &&
	      !symbol__is_object(s));
	s = symtab__find(&ks.tab, 0xffffffffc0001150ull);
	CHECK(s && !strcmp(symbol__name(s), "modfn2") && symbol__owner(&ks.tab, s) == kallsyms__module_owner(&ks, "mymod"));
	s = symtab__find(&ks.tab, 0xffffffffc0002010ull);
	CHECK(s && symbol__owner(&ks.tab, s) == kallsyms__module_owner(&ks, "othermod"));
	/* The last core symbol before modules ends a page on, not at the module. */
	s = symtab__find(&ks.tab, 0xffffffff81002000ull);
	CHECK(s == NULL);
	kallsyms__exit(&ks);
}

void test_kallsyms_hostile(void)
{
	static const struct { const char *text; int err; const char *msg; } cases[] = {
		{ "0000000000000000 T a\n0000000000000000 t b\n", -EPERM, "without privileges" },
		{ "zzzz T a\n", -EINVAL, "test:1: malformed" },
		{ "ffffffff81000000 T good\nffffffff81000000\n", -EINVAL, "test:2: malformed" },
		{ "ffffffff81000000 T\n", -EINVAL, "test:1:" },
		{ "ffffffff81000000 T a\tnot-a-module\n", -EINVAL, "module tag" },
		{ "11112222333344445 T a\n", -EINVAL, "malformed" },
		{ "ffffffff81000000 r only_rodata\n", -EINVAL, "no text" },
		/* 16 characters and a space, one of them not a digit. */
		{ "ffffffff8100000g T a\n", -EINVAL, "test:1: malformed" },
		{ "-fffffff81000000 T a\n", -EINVAL, "test:1: malformed" },
		{ "ffffffff81000000 T a b\n", -EINVAL, "module tag" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kallsyms ks;
		struct err err;
		int r = kallsyms__parse(&ks, cases[i].text, strlen(cases[i].text), "test", &err);

		CHECK(r == cases[i].err);
		CHECK(err.code == r);	/* the code travels with the message */
		if (!strstr(err.msg, cases[i].msg)) {
			fprintf(stderr, "case %zu: message '%s' lacks '%s'\n", i, err.msg,
				cases[i].msg);
			unit_failures++;
		}
		if (!r)
			kallsyms__exit(&ks);
	}
	{
		/* Upper-case digits; fewer than 16 digits (some architectures). */
		static const char text[] = "FFFFFFFF81000A00 T up\n1000 T short\n";
		struct kallsyms ks;
		struct err err;

		CHECK(kallsyms__parse(&ks, text, strlen(text), "test", &err) == 0);
		CHECK(symtab__find_name(&ks.tab, "up") &&
		      symtab__find_name(&ks.tab, "up")->start == 0xffffffff81000a00ull);
		CHECK(symtab__find_name(&ks.tab, "short") &&
		      symtab__find_name(&ks.tab, "short")->start == 0x1000);
		kallsyms__exit(&ks);
	}
	{
		/* A name longer than any kernel symbol. */
		char *big = malloc(4096);

		memset(big, 'x', 4095);
		memcpy(big, "ffffffff81000000 T ", 19);
		big[4095] = '\0';
		{
			struct kallsyms ks;
			struct err err;

			CHECK(kallsyms__parse(&ks, big, strlen(big), "test", &err) ==
			      -EINVAL);
		}
		free(big);
	}
}

void test_modules_parse(void)
{
	static const char good[] =
		"jbd2 167936 0 - Live 0xffffffffc0606000\n"
		"crc32c_generic 16384 1 - Live 0xffffffffc05fd000 (E)\n";
	static const struct { const char *text; int err; const char *msg; } bad[] = {
		{ "jbd2 0 0 - Live 0xffffffffc0606000\n", -EINVAL, "absurd size" },
		{ "jbd2 99999999999 0 - Live 0xffffffffc0606000\n", -EINVAL, "absurd size" },
		{ "jbd2 4096 0 - Live 0xfffffffffffff000\n", -EINVAL, "wraps" },
		{ "jbd2 4096\n", -EINVAL, "test:1: malformed" },
		{ "jbd2 4096 0 - Live 0x0000000000000000\n", -EPERM, "without privileges" },
	};
	struct kmodule *mods;
	size_t nr, i;
	struct err err;

	CHECK(modules__parse(good, sizeof(good) - 1, "test", &mods, &nr, &err) == 0);
	CHECK(nr == 2);
	if (nr == 2) {
		CHECK_STR(mods[0].name, "jbd2");
		CHECK(mods[0].size == 167936 && mods[0].start == 0xffffffffc0606000ull);
		CHECK(mods[1].start == 0xffffffffc05fd000ull);
	}
	modules__free(mods, nr);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r;

		err__init(&err);
		r = modules__parse(bad[i].text, strlen(bad[i].text), "test", &mods, &nr, &err);
		CHECK(r == bad[i].err);
		CHECK(err.code == r);
		if (!strstr(err.msg, bad[i].msg)) {
			fprintf(stderr, "modules case %zu: '%s' lacks '%s'\n", i, err.msg,
				bad[i].msg);
			unit_failures++;
		}
		if (!r)
			modules__free(mods, nr);
	}
}

/*
 * The table's layout against a model of perf's rules kept the plain way
 * (start, end, name, owner in a 40-byte record; sort, ends, then aliases),
 * as symtab.c did before symbols became 16 bytes: on random tables with
 * aliases, unsized and zero-size symbols, sizes past the inline field,
 * owners (kallsyms rules) and addresses at the top of the address space,
 * every kept symbol must have the model's start, end, name, owner and
 * type, and lookups at and around every start and end must agree.
 */
struct model_sym {
	u64 start, end;
	const char *name;
	u8 binding, type;
	u16 owner;
	size_t order;
};

static int model_cmp(const void *a, const void *b)
{
	const struct model_sym *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int model_underscores(const char *s)
{
	int n = 0;

	while (s[n] == '_')
		n++;
	return n;
}

static bool model_better(const struct model_sym *a, const struct model_sym *b)
{
	bool za = a->end == a->start, zb = b->end == b->start;

	if (za != zb)
		return zb;
	if ((a->binding == STB_WEAK) != (b->binding == STB_WEAK))
		return b->binding == STB_WEAK;
	if ((a->binding == STB_GLOBAL) != (b->binding == STB_GLOBAL))
		return a->binding == STB_GLOBAL;
	if (model_underscores(a->name) != model_underscores(b->name))
		return model_underscores(a->name) < model_underscores(b->name);
	if (strlen(a->name) != strlen(b->name))
		return strlen(a->name) > strlen(b->name);
	return true;
}

static size_t model_finish(struct model_sym *s, size_t n, bool kallsyms)
{
	size_t i, out = 0;

	qsort(s, n, sizeof(*s), model_cmp);
	for (i = 0; i + 1 < n; i++) {
		if (s[i].end != s[i].start)
			continue;
		if (kallsyms && (s[i].owner == 0) != (s[i + 1].owner == 0))
			s[i].end = PERF_ALIGN(s[i].end + 4096, 4096);
		else
			s[i].end = s[i + 1].start;
	}
	if (n && s[n - 1].end == s[n - 1].start)
		s[n - 1].end = PERF_ALIGN(s[n - 1].start, 4096) + 4096;
	for (i = 0; i < n; i++) {
		if (out && s[out - 1].start == s[i].start) {
			if (!model_better(&s[out - 1], &s[i]))
				s[out - 1] = s[i];
			continue;
		}
		s[out++] = s[i];
	}
	return out;
}

static const struct model_sym *model_find(const struct model_sym *s, size_t n, u64 addr)
{
	const struct model_sym *best = NULL;
	size_t i;

	for (i = 0; i < n && s[i].start <= addr; i++)
		best = &s[i];
	return best && addr < best->end ? best : NULL;
}

void test_symtab_model(void)
{
	static const char *const names[] = {
		"__pfx_schedule", "schedule", "_x", "__x", "x", "memcpy", "__memcpy",
		"a_rather_longer_name_than_most", "name", "me", "e", "",
	};
	int round;

	for (round = 0; round < 60; round++) {
		struct symtab tab;
		struct model_sym *m;
		size_t nr = 1 + rnd() % (round < 30 ? 24 : 3000), n, i, j;
		bool kallsyms = round & 1;
		u64 base = round % 3 ? 0xffffffff81000000ull : 0x400000;

		m = calloc(nr, sizeof(*m));
		symtab__init(&tab);
		for (i = 0; i < nr; i++) {
			u64 start = base + (rnd() % (nr * 8)) * 16, size = 0;
			const char *name = names[rnd() % ARRAY_SIZE(names)];
			u16 owner = 0;
			u8 bind = (u8)(rnd() % 3 == 0 ? STB_WEAK : rnd() % 2 ? STB_GLOBAL : STB_LOCAL);
			u8 type = rnd() % 4 ? STT_FUNC : rnd() % 2 ? STT_OBJECT : STT_GNU_IFUNC;

			if (i && rnd() % 4 == 0)
				start = m[rnd() % i].start;		/* an alias */
			switch (rnd() % 10) {
			case 0:
				size = 1ull << 27 | rnd() % 1000;	/* past the inline field */
				break;
			case 1:
				start = ~0ull - rnd() % 64;		/* at the very top */
				size = rnd() % 2 ? 0 : 1 + rnd() % 30;
				break;
			case 2:
			case 3:
				size = 1 + rnd() % 200;
				break;
			case 4:
				start = rnd() % 0x1000;			/* a low outlier */
				break;
			}
			if (kallsyms) {
				size = 0;	/* kallsyms symbols are unsized */
				owner = start >= 0xffffffffc0000000ull || rnd() % 8 == 0 ?
					(u16)(1 + rnd() % 3) : 0;
			} else if (size && rnd() % 8 == 0) {
				owner = (u16)(1 + rnd() % 3);	/* a sized symbol with an owner */
			}
			if (!*name)
				name = "s";
			m[i] = (struct model_sym){ .start = start, .end = start + size, .name = name,
						   .binding = bind, .type = type, .owner = owner,
						   .order = i };
			symtab__add_owned(&tab, start, size, bind, type, name, strlen(name), owner);
		}
		n = model_finish(m, nr, kallsyms);
		symtab__finish(&tab, kallsyms);
		CHECK(tab.nr == n);
		for (i = 0; i < n && i < tab.nr; i++) {
			const struct symbol *s = &tab.syms[i];

			if (s->start != m[i].start || symbol__end(&tab, s) != m[i].end ||
			    strcmp(symbol__name(s), m[i].name) ||
			    symbol__owner(&tab, s) != m[i].owner ||
			    symbol__is_func(s) != (m[i].type == STT_FUNC) ||
			    symbol__is_object(s) != (m[i].type == STT_OBJECT)) {
				fprintf(stderr, "round %d: symbol %zu differs: %#llx-%#llx %s owner %u, "
					"model %#llx-%#llx %s owner %u\n", round, i,
					(unsigned long long)s->start,
					(unsigned long long)symbol__end(&tab, s), symbol__name(s),
					symbol__owner(&tab, s), (unsigned long long)m[i].start,
					(unsigned long long)m[i].end, m[i].name, m[i].owner);
				unit_failures++;
				break;
			}
		}
		for (i = 0; i < n; i++) {
			u64 at[6] = { m[i].start - 1, m[i].start, m[i].start + 1, m[i].end - 1,
				      m[i].end, m[i].end + 1 };

			for (j = 0; j < 6; j++) {
				const struct symbol *s = symtab__find(&tab, at[j]);
				const struct model_sym *w = model_find(m, n, at[j]);

				if ((s == NULL) != (w == NULL) || (s && s->start != w->start)) {
					fprintf(stderr, "round %d: lookup of %#llx differs\n", round,
						(unsigned long long)at[j]);
					unit_failures++;
					i = n;
					break;
				}
			}
		}
		symtab__exit(&tab);
		free(m);
	}
}

/* A symbol is 16 bytes; names share tails; one block holds both. */
void test_symtab_layout(void)
{
	struct symtab tab;
	const struct symbol *pfx, *fn, *other;
	size_t i, bytes;
	char name[32];

	CHECK(sizeof(struct symbol) == 16);
	/* An empty table, finished or not, finds nothing anywhere. */
	symtab__init(&tab);
	CHECK(symtab__find(&tab, 0) == NULL && symtab__find(&tab, ~0ull) == NULL);
	symtab__finish(&tab, false);
	CHECK(symtab__find(&tab, 0) == NULL && symtab__find(&tab, 0x1234) == NULL);
	CHECK(symtab__find(&tab, ~0ull) == NULL && symtab__find_name(&tab, "x") == NULL);
	symtab__exit(&tab);
	symtab__init(&tab);
	symtab__add(&tab, 0x1000, 0, STB_GLOBAL, STT_FUNC, "__pfx_do_work", 13);
	symtab__add(&tab, 0x1010, 0, STB_GLOBAL, STT_FUNC, "do_work", 7);
	symtab__add(&tab, 0x1100, 0x10, STB_GLOBAL, STT_OBJECT, "work", 4);
	/* Zero-size at the end: the page rule; a gap before it: no symbol there. */
	symtab__add(&tab, 0x3000, 0, STB_GLOBAL, STT_FUNC, "last", 4);
	/* Not a tail of the name before it: stored on its own. */
	symtab__add(&tab, 0x5000, 0, STB_GLOBAL, STT_FUNC, "las", 3);
	symtab__finish(&tab, false);
	pfx = symtab__find(&tab, 0x1000);
	fn = symtab__find(&tab, 0x10ff);
	other = symtab__find(&tab, 0x1100);
	CHECK(pfx && fn && other && pfx != fn);
	if (pfx && fn && other) {
		CHECK_STR(symbol__name(pfx), "__pfx_do_work");
		CHECK_STR(symbol__name(fn), "do_work");
		CHECK(symbol__name(fn) == symbol__name(pfx) + 6);	/* shared bytes */
		CHECK_STR(symbol__name(other), "work");
		CHECK(symbol__name(other) == symbol__name(pfx) + 9);	/* "work" ends it too */
		CHECK(symbol__end(&tab, pfx) == 0x1010 && symbol__end(&tab, fn) == 0x1100);
		CHECK(symbol__end(&tab, other) == 0x1110);
		CHECK(symbol__is_func(fn) && !symbol__is_func(other));
		CHECK(!symbol__is_object(fn) && symbol__is_object(other));
		/* The names lie in the symbols' own allocation, after them. */
		CHECK(symbol__name(pfx) >= (const char *)(tab.syms + tab.nr));
	}
	CHECK(symtab__find(&tab, 0x0fff) == NULL);
	CHECK(symtab__find(&tab, 0x1110) == NULL && symtab__find(&tab, 0x2fff) == NULL);
	CHECK(symtab__find(&tab, 0x3fff) == &tab.syms[3] && symtab__find(&tab, 0x4fff) == &tab.syms[3]);
	CHECK(symtab__find(&tab, 0x5fff) == &tab.syms[4] && symtab__find(&tab, 0x6000) == NULL);
	CHECK_STR(symbol__name(&tab.syms[4]), "las");
	CHECK(tab.names_used == 14 + 5 + 4);
	CHECK(symtab__find_name(&tab, "do_work") == fn);
	CHECK(symtab__find_name(&tab, "do_wor") == NULL);
	symtab__exit(&tab);

	/*
	 * What a kallsyms-like table costs: 20,000 unsized functions with
	 * __pfx_ twins, 12-byte names: the 16-byte symbols, the names once,
	 * and an index of a few bytes a symbol.
	 */
	symtab__init(&tab);
	for (i = 0; i < 20000; i++) {
		snprintf(name, sizeof(name), "__pfx_fn%06zu", i);
		symtab__add_owned(&tab, 0xffffffff81000000ull + i * 256, 0, STB_GLOBAL, STT_FUNC,
				  name, strlen(name), 0);
		symtab__add_owned(&tab, 0xffffffff81000000ull + i * 256 + 16, 0, STB_GLOBAL,
				  STT_FUNC, name + 6, strlen(name + 6), 0);
	}
	symtab__finish(&tab, true);
	CHECK(tab.nr == 40000);
	bytes = symtab__bytes(&tab);
	CHECK(bytes < 40000 * (16 + 8) + 20000 * 15);
	CHECK(tab.names_used == 20000 * 15);
	symtab__exit(&tab);
}

/*
 * kallsyms addresses: each byte value at each of the 16 digit positions,
 * parsed as strtoull does or refused as malformed.
 */
void test_kallsyms_hex(void)
{
	static const char digits[] = "0123456789abcdefABCDEF";
	int pos, c, k;

	for (pos = 0; pos < 16; pos++) {
		for (c = 1; c < 256; c++) {
			char addr[17], line[64];
			struct kallsyms ks;
			struct err err;
			bool valid = strchr(digits, c) != NULL;
			int ret;

			if (c == '\n')
				continue;
			for (k = 0; k < 16; k++)
				addr[k] = digits[(k * 7 + pos + c) % 22];
			addr[pos] = (char)c;
			addr[16] = '\0';
			snprintf(line, sizeof(line), "%s T sym\n", addr);
			ret = kallsyms__parse(&ks, line, strlen(line), "test", &err);
			if (valid != (ret == 0)) {
				fprintf(stderr, "byte %#x at %d: %d\n", c, pos, ret);
				unit_failures++;
			}
			if (!ret) {
				CHECK(ks.tab.syms[0].start == strtoull(addr, NULL, 16));
				kallsyms__exit(&ks);
			}
		}
	}
}

/*
 * @a, loaded from the plain file @path, names its symbols as a parse of
 * the same bytes in memory does (names kept), read back one by one.
 */
static void kallsyms_lazy_same(const struct kallsyms *a, const char *path, const char *what)
{
	struct kallsyms m;
	struct err err;
	char *buf;
	size_t len, i;

	memset(&err, 0, sizeof(err));
	if (read_file_maybe_gz(path, KALLSYMS_MAX_BYTES, &buf, &len)) {
		unit_failures++;
		return;
	}
	CHECK(a->tab.lazy != NULL);
	if (kallsyms__parse(&m, buf, len, path, &err)) {
		fprintf(stderr, "%s: loaded, but parsing it in memory fails: %s\n", what, err.msg);
		unit_failures++;
		free(buf);
		return;
	}
	CHECK(!m.tab.lazy && m.tab.nr == a->tab.nr);
	for (i = 0; i < a->tab.nr && i < m.tab.nr; i++) {
		const struct symbol *x = symtab__sym(&a->tab, i), *y = &m.tab.syms[i];

		/* A packed table's symbols, made or not, as the parse's. */
		if (x->start != y->start || strcmp(symbol__name(x), symbol__name(y)) ||
		    symtab__start(&a->tab, i) != y->start ||
		    symbol__end(&a->tab, x) != symbol__end(&m.tab, y) ||
		    symtab__end_of(&a->tab, i) != symbol__end(&m.tab, y) ||
		    symbol__owner(&a->tab, x) != symbol__owner(&m.tab, y) ||
		    symtab__owner_of(&a->tab, i) != symbol__owner(&m.tab, y) ||
		    symbol__is_func(x) != symbol__is_func(y) ||
		    symbol__is_object(x) != symbol__is_object(y) ||
		    symtab__find(&a->tab, y->start) != symtab__find(&a->tab, y->start) ||
		    (symtab__find(&m.tab, y->start) == y) != (symtab__find(&a->tab, y->start) == x)) {
			fprintf(stderr, "%s: symbol %zu read back as %s %#llx, in memory %s %#llx\n",
				what, i, symbol__name(x), (unsigned long long)x->start,
				symbol__name(y), (unsigned long long)y->start);
			unit_failures++;
			break;
		}
	}
	kallsyms__exit(&m);
	free(buf);
}

/* Packed tables' wide groups and offset exceptions met by kallsyms_split_same. */
static size_t split_wide, split_exc;

/* Loads @path whole and split in two; both must give the same table or error. */
static void kallsyms_split_same(const char *path, const char *what)
{
	struct kallsyms a, b;
	struct err ea, eb;
	size_t saved = kallsyms_split_min, i;
	int ra, rb;

	memset(&ea, 0, sizeof(ea));
	memset(&eb, 0, sizeof(eb));
	kallsyms_split_min = SIZE_MAX;
	ra = kallsyms__load(&a, path, &ea);
	kallsyms_split_min = 1;
	rb = kallsyms__load(&b, path, &eb);
	kallsyms_split_min = saved;
	if (ra != rb || (ra && strcmp(ea.msg, eb.msg))) {
		fprintf(stderr, "%s: whole %d '%s', split %d '%s'\n", what, ra, ra ? ea.msg : "",
			rb, rb ? eb.msg : "");
		unit_failures++;
		goto out;
	}
	if (ra)
		return;
	kallsyms_lazy_same(&a, path, what);
	split_wide += a.tab.nr_wide;
	split_exc += a.tab.nr_exc;
	CHECK(a.tab.nr == b.tab.nr && a.nr_modnames == b.nr_modnames &&
	      a.has_text == b.has_text && a.text == b.text && a.nr_lines == b.nr_lines);
	for (i = 0; i < a.nr_modnames && i < b.nr_modnames; i++)
		CHECK_STR(a.modnames[i], b.modnames[i]);
	for (i = 0; i < a.tab.nr && i < b.tab.nr; i++) {
		const struct symbol *x = symtab__sym(&a.tab, i), *y = symtab__sym(&b.tab, i);

		if (x->start != y->start || strcmp(symbol__name(x), symbol__name(y)) ||
		    symbol__end(&a.tab, x) != symbol__end(&b.tab, y) ||
		    symbol__owner(&a.tab, x) != symbol__owner(&b.tab, y) ||
		    symbol__is_func(x) != symbol__is_func(y) ||
		    symbol__is_object(x) != symbol__is_object(y)) {
			fprintf(stderr, "%s: symbol %zu differs: %s %#llx, split %s %#llx\n", what,
				i, symbol__name(x), (unsigned long long)x->start, symbol__name(y),
				(unsigned long long)y->start);
			unit_failures++;
			break;
		}
	}
out:
	if (!ra)
		kallsyms__exit(&a);
	if (!rb)
		kallsyms__exit(&b);
}

/*
 * A kallsyms copy parsed in two halves (symbols/kallsyms.c) gives what one
 * parse gives: the symbols, their names, ends and owners, the modules in
 * the order first seen, _text, and on bad input the same error naming the
 * same line. Packed, the tables have groups of starts over 64 KiB apart
 * and lines out of address order or over 255 bytes apart (their offsets
 * kept apart), read back as the parse gives them.
 */
void test_kallsyms_split(void)
{
	static const char *const mods[] = { "kvm", "kvm_intel", "jbd2", "ext4", "bpf" };
	static const char types[] = "TtWwDdBbrRAa";
	char dir[] = "/tmp/pmukvm-ksplit-XXXXXX";
	unsigned int seed = 12345;
	size_t joins = kallsyms_split_joins;
	int round;

	CHECK(mkdtemp(dir) != NULL);
#define RND() (seed = seed * 1103515245u + 12345u, (seed >> 8) & 0xffffff)
	for (round = 0; round < 60; round++) {
		size_t cap = 1 << 20, len = 0, nlines = 2 + RND() % 3000, i;
		char *text = malloc(cap), *path, what[64];
		u64 addr = 0xffffffff81000000ull;
		int bad = round >= 40 ? (int)(RND() % nlines) : -1;
		/* A symbol whose start's high 32 bits are not the others' (a per-CPU one). */
		size_t low = round % 8 == 7 ? RND() % nlines : SIZE_MAX;

		for (i = 0; i < nlines; i++) {
			const char *mod = NULL;
			char name[320];

			/* Modules' runs out of order in both halves; aliases; __pfx_ pairs. */
			bool text_here = (i == nlines / 4 && round % 3 == 0) ||
					 (i == nlines * 3 / 4 && round % 3 == 1);

			if (RND() % 4 == 0 && !text_here)
				mod = mods[RND() % 5];
			if (RND() % 3)
				addr += RND() % 512;
			if (RND() % 97 == 0)
				addr += 0x10000 + RND() % 0x40000;	/* a wide group */
			if (mod && RND() % 2)
				addr = 0xffffffffc0000000ull + (RND() % 64) * 0x1000;
			if (text_here)
				snprintf(name, sizeof(name), "_text");
			else if (i % 7 == 1)
				snprintf(name, sizeof(name), "__pfx_f%zu", i);
			else if (i % 7 == 2)
				snprintf(name, sizeof(name), "f%zu", i - 1);
			else if (RND() % 50 == 0)
				snprintf(name, sizeof(name), "_stext");
			else if (RND() % 60 == 0)
				snprintf(name, sizeof(name), "long%0300zu", i);	/* a step past 255 */
			else
				snprintf(name, sizeof(name), "%.*s%zu", (int)(RND() % 3), "___", i);
			if ((int)i == bad)
				len += (size_t)snprintf(text + len, cap - len, "%s\n",
							RND() % 2 ? "zz T broken" : "ffffffff81000000 T");
			else if (i == low)
				len += (size_t)snprintf(text + len, cap - len, "%016llx D percpu%zu\n",
							(unsigned long long)(RND() % 4096) * 8, i);
			else
				len += (size_t)snprintf(text + len, cap - len, "%016llx %c %s%s%s%s\n",
							(unsigned long long)addr,
							types[RND() % (sizeof(types) - 1)], name,
							mod ? "\t[" : "", mod ? mod : "", mod ? "]" : "");
			if (RND() % 200 == 0)
				len += (size_t)snprintf(text + len, cap - len, "\n");
		}
		if (round % 5 == 4 && len)
			text[--len] = '\0';	/* no newline at the end */
		snprintf(what, sizeof(what), "round %d", round);
		path = unit_write_file(dir, "kallsyms", text);
		kallsyms_split_same(path, what);
		unlink(path);
		free(path);
		free(text);
	}
#undef RND
	CHECK(split_wide > 0 && split_exc > 0);
	/* Most of those were joined in one room (the bad ones fail either way). */
	CHECK(kallsyms_split_joins - joins >= 30);
	{
		/*
		 * Lines far shorter before the cut than at it: the first half
		 * overflows its room, and the file is parsed again whole.
		 */
		char *text = malloc(2 << 20), *path;
		size_t len = 0, i, before = kallsyms_split_joins;

		for (i = 0; i < 20000; i++)
			len += (size_t)sprintf(text + len, "%016llx t %c\n",
					       0xffffffff81000000ull + i * 16, 'a' + (int)(i % 26));
		for (i = 0; i < 12000; i++)
			len += (size_t)sprintf(text + len, "%016llx T a_long_kernel_function_name_%06zu\n",
					       0xffffffff82000000ull + i * 16, i);
		path = unit_write_file(dir, "kallsyms", text);
		kallsyms_split_same(path, "short lines before the cut");
		CHECK(kallsyms_split_joins == before);
		unlink(path);
		free(path);
		free(text);
	}
	{
		/* A line longer than the split's probe across the middle: parsed whole. */
		char *text = malloc(20000), *path;
		size_t len = 0;

		len += (size_t)sprintf(text + len, "ffffffff81000000 T _text\n");
		len += (size_t)sprintf(text + len, "ffffffff81000010 T ");
		memset(text + len, 'n', 9000);
		len += 9000;
		len += (size_t)sprintf(text + len, "\nffffffff81000020 T b\n");
		path = unit_write_file(dir, "kallsyms", text);
		kallsyms_split_same(path, "long middle line");
		unlink(path);
		free(path);
		free(text);
	}
	{
		/* Every address zero, split in two: the usual -EPERM message. */
		char *path = unit_write_file(dir, "kallsyms", "0000000000000000 T a\n"
					     "0000000000000000 T b\n0000000000000000 T c\n");

		kallsyms_split_same(path, "zero addresses");
		unlink(path);
		free(path);
	}
	rmdir(dir);
}

static char lazy_msgs[4096];
static int nr_lazy_msgs;

static void lazy_capture(int level, const char *msg)
{
	(void)level;
	nr_lazy_msgs++;
	snprintf(lazy_msgs, sizeof(lazy_msgs), "%s", msg);
}

/* Rewrites @path with @text, keeping its modification time (or not). */
static void lazy_rewrite(const char *path, const char *text, bool keep_mtime)
{
	struct stat st;
	struct timespec ts[2];
	FILE *f;

	CHECK(!stat(path, &st));
	f = fopen(path, "r+");
	CHECK(f != NULL);
	if (!f)
		return;
	fputs(text, f);
	fclose(f);
	if (keep_mtime) {
		ts[0] = st.st_atim;
		ts[1] = st.st_mtim;
		CHECK(!utimensat(AT_FDCWD, path, ts, 0));
	}
}

/*
 * A plain kallsyms copy keeps the file offsets of its symbols' lines, not
 * their names: a name is read back when first asked for and kept. A file
 * that changed under the report gives addresses, never a wrong name, and
 * one warning naming the file. A gzip copy and a buffer keep their names.
 */
void test_kallsyms_lazy(void)
{
	static const char text[] =
		"ffffffff81000000 T _text\n"
		"ffffffff81000010 t __pfx_alpha\n"
		"ffffffff81000020 t alpha\n"
		"ffffffff81000030 r not_kept\n"
		"ffffffff81000040 W beta\n"
		"ffffffff81000040 T gamma_longer\n"
		"ffffffff81000080 D delta\n"
		"ffffffffc0001000 t modfn\t[mymod]\n"
		"ffffffffc0001040 T modfn2\t[mymod]\n";
	char dir[] = "/tmp/pmukvm-klazy-XXXXXX", *path, *gz, cmd[256];
	void (*old)(int, const char *) = ui_msg_hook;
	const struct symbol *s[8];
	struct kallsyms ks, kz;
	struct err err;
	size_t i, lazy_bytes;

	memset(&err, 0, sizeof(err));
	CHECK(mkdtemp(dir) != NULL);
	path = unit_write_file(dir, "kallsyms", text);
	if (kallsyms__load(&ks, path, &err)) {
		fprintf(stderr, "load: %s\n", err.msg);
		unit_failures++;
		return;
	}
	CHECK(ks.tab.lazy != NULL && ks.tab.nr == 7);
	CHECK(ks.tab.packed && !ks.tab.syms);	/* 4 bytes a symbol */
	s[0] = symtab__find(&ks.tab, 0xffffffff81000024ull);
	CHECK(s[0] && s[0] == symtab__find(&ks.tab, 0xffffffff81000025ull));	/* made once */
	CHECK(s[0] && s[0] == symtab__sym(&ks.tab, 2));
	CHECK(!((uintptr_t)s[0] & 7));	/* made aligned after 7 packed symbols */
	for (i = 0; i < ks.tab.nr; i++)
		CHECK(symtab__sym(&ks.tab, i)->name & SYM_NAME_LAZY);	/* nothing read yet */
	lazy_bytes = symtab__bytes(&ks.tab);
	CHECK(s[0] && (s[0]->name & SYM_NAME_LAZY));
	CHECK(s[0] && symbol__end(&ks.tab, s[0]) == 0xffffffff81000040ull);
	CHECK(s[0] && !strcmp(symbol__name(s[0]), "alpha"));
	CHECK(s[0] && !(s[0]->name & SYM_NAME_LAZY));	/* read, and kept */
	CHECK(s[0] && symbol__name(s[0]) == symbol__name(s[0]));
	CHECK(symtab__bytes(&ks.tab) == lazy_bytes + 6);
	s[1] = symtab__find(&ks.tab, 0xffffffff81000040ull);
	CHECK(s[1] && !strcmp(symbol__name(s[1]), "gamma_longer"));	/* the alias rules */
	s[2] = symtab__find(&ks.tab, 0xffffffffc0001044ull);
	CHECK(s[2] && !strcmp(symbol__name(s[2]), "modfn2") &&
	      symbol__owner(&ks.tab, s[2]) == kallsyms__module_owner(&ks, "mymod"));
	s[3] = symtab__find(&ks.tab, 0xffffffff81000000ull);
	s[4] = symtab__find(&ks.tab, 0xffffffffc0001000ull);
	CHECK(s[3] && s[4] && (s[3]->name & SYM_NAME_LAZY) && (s[4]->name & SYM_NAME_LAZY));

	/* Changed in place, size and time kept: the line read back is checked. */
	ui_msg_hook = lazy_capture;
	nr_lazy_msgs = 0;
	lazy_rewrite(path, "ffffffff81000001 T _text\n", true);
	CHECK(s[3] && !strcmp(symbol__name(s[3]), "0xffffffff81000000"));
	CHECK(s[4] && !strcmp(symbol__name(s[4]), "0xffffffffc0001000"));
	CHECK(nr_lazy_msgs == 1 && strstr(lazy_msgs, path) && strstr(lazy_msgs, "changed"));
	/* What was read before stays. */
	CHECK(s[0] && !strcmp(symbol__name(s[0]), "alpha"));
	CHECK(s[1] && !strcmp(symbol__name(s[1]), "gamma_longer"));
	kallsyms__exit(&ks);
	free(path);
	path = unit_write_file(dir, "kallsyms", text);
	CHECK(!kallsyms__load(&ks, path, &err));
	CHECK(symtab__find_name(&ks.tab, "delta") == symtab__find(&ks.tab, 0xffffffff81000080ull));
	kallsyms__exit(&ks);

	/* Grown (size and time): addresses, one warning. */
	CHECK(!kallsyms__load(&ks, path, &err));
	nr_lazy_msgs = 0;
	s[0] = symtab__find(&ks.tab, 0xffffffff81000080ull);
	CHECK(s[0] && !strcmp(symbol__name(s[0]), "delta"));
	{
		FILE *f = fopen(path, "a");

		CHECK(f != NULL);
		if (f) {
			fputs("ffffffffc0002000 T more\n", f);
			fclose(f);
		}
	}
	for (i = 0; i < ks.tab.nr; i++) {
		const char *n = symbol__name(symtab__sym(&ks.tab, i));

		CHECK(!strcmp(n, symtab__start(&ks.tab, i) == 0xffffffff81000080ull ? "delta" :
			      (snprintf(cmd, sizeof(cmd), "0x%llx",
					(unsigned long long)symtab__start(&ks.tab, i)), cmd)));
	}
	CHECK(nr_lazy_msgs == 1);
	ui_msg_hook = old;
	kallsyms__exit(&ks);

	/* A gzip copy keeps its names, as a buffer does. */
	free(path);
	path = unit_write_file(dir, "kallsyms", text);
	gz = unit_write_file(dir, "kallsyms.gz", "");
	snprintf(cmd, sizeof(cmd), "gzip -c '%s' > '%s'", path, gz);
	if (system(cmd) == 0) {
		CHECK(!kallsyms__load(&kz, gz, &err));
		CHECK(!kz.tab.lazy && kz.tab.nr == 7);
		for (i = 0; i < kz.tab.nr; i++)
			CHECK(!(kz.tab.syms[i].name & SYM_NAME_LAZY));
		unlink(gz);
		unlink(path);	/* gone: the names are in memory */
		CHECK(!strcmp(symbol__name(symtab__find(&kz.tab, 0xffffffff81000020ull)), "alpha"));
		kallsyms__exit(&kz);
	} else {
		unlink(gz);
		unlink(path);
	}
	free(gz);
	free(path);
	/* /proc/kallsyms has no size to trust: names kept. */
	if (!kallsyms__load(&kz, "/proc/kallsyms", &err)) {
		CHECK(!kz.tab.lazy && kz.tab.nr && !(kz.tab.syms[0].name & SYM_NAME_LAZY));
		kallsyms__exit(&kz);
	}
	/* Starts more than 4 GiB apart (a per-CPU symbol at 0): 16 bytes a symbol, lazy still. */
	path = unit_write_file(dir, "kallsyms", "0000000000001000 D percpu_x\n"
			       "ffffffff81000000 T _text\n"
			       "ffffffff81000100 t f\t[m]\n");
	CHECK(!kallsyms__load(&ks, path, &err));
	CHECK(ks.tab.lazy && !ks.tab.packed && ks.tab.syms && ks.tab.nr == 3);
	s[0] = symtab__find(&ks.tab, 0xffffffff81000104ull);
	CHECK(s[0] && s[0] == &ks.tab.syms[2] && !strcmp(symbol__name(s[0]), "f"));
	s[1] = symtab__find(&ks.tab, 0x1008);
	CHECK(s[1] && !strcmp(symbol__name(s[1]), "percpu_x"));
	for (i = 0; i < ks.tab.nr; i++)
		CHECK(symtab__start(&ks.tab, i) == ks.tab.syms[i].start &&
		      symtab__end_of(&ks.tab, i) == symbol__end(&ks.tab, &ks.tab.syms[i]) &&
		      symtab__owner_of(&ks.tab, i) == symbol__owner(&ks.tab, &ks.tab.syms[i]));
	kallsyms__exit(&ks);
	unlink(path);
	free(path);
	rmdir(dir);
}

/*
 * symbols__read_names reads a batch of lazy names in the file's order:
 * each symbol asked for gets its own name (asked twice, or NULL, or one
 * already read: no harm), the others stay unread; a file that changed
 * before the batch gives addresses and one warning.
 */
void test_kallsyms_lazy_batch(void)
{
	char dir[] = "/tmp/pmukvm-kbatch-XXXXXX", *path, want[32];
	void (*old)(int, const char *) = ui_msg_hook;
	const struct symbol *batch[1200];
	const size_t nr = 3000;
	struct kallsyms ks;
	struct err err;
	size_t i, k = 0;
	char *text = xmalloc(nr * 48 + 64), *p = text;
	FILE *f;

	memset(&err, 0, sizeof(err));
	CHECK(mkdtemp(dir) != NULL);
	p += sprintf(p, "ffffffff81000000 T _text\n");
	for (i = 1; i < nr; i++)
		p += sprintf(p, "%016llx t fn%05zu\n", 0xffffffff81000000ull + 0x10 * i, i);
	path = unit_write_file(dir, "kallsyms", text);
	CHECK(!kallsyms__load(&ks, path, &err));
	CHECK(ks.tab.lazy != NULL && ks.tab.nr == nr);
	CHECK(!strcmp(symbol__name(symtab__sym(&ks.tab, 14)), "fn00014"));	/* read before */
	/* every seventh, from the end backwards, one twice, and a NULL */
	for (i = nr - 1; i > 0 && k + 3 < ARRAY_SIZE(batch); i--)
		if (i % 7 == 0)
			batch[k++] = symtab__sym(&ks.tab, i);
	batch[k++] = symtab__sym(&ks.tab, 21);
	batch[k++] = NULL;
	symbols__read_names(batch, k);
	for (i = 1; i < nr; i++) {
		const struct symbol *s = symtab__sym(&ks.tab, i);

		CHECK(!(s->name & SYM_NAME_LAZY) == (i % 7 == 0));
		if (i % 7)
			continue;
		snprintf(want, sizeof(want), "fn%05zu", i);
		CHECK(!strcmp(symbol__name(s), want));
	}
	kallsyms__exit(&ks);

	/* Grown before the batch: addresses, one warning. */
	CHECK(!kallsyms__load(&ks, path, &err));
	f = fopen(path, "a");
	CHECK(f != NULL);
	if (f) {
		fputs("ffffffffc0002000 T more\n", f);
		fclose(f);
	}
	ui_msg_hook = lazy_capture;
	nr_lazy_msgs = 0;
	for (i = 0, k = 0; i < 100; i++)
		batch[k++] = symtab__sym(&ks.tab, 1 + i * 29);
	symbols__read_names(batch, k);
	for (i = 0; i < 100; i++) {
		snprintf(want, sizeof(want), "0x%llx", 0xffffffff81000000ull + 0x10 * (1 + i * 29));
		CHECK(!strcmp(symbol__name(symtab__sym(&ks.tab, 1 + i * 29)), want));
	}
	CHECK(nr_lazy_msgs == 1 && strstr(lazy_msgs, path) && strstr(lazy_msgs, "changed"));
	ui_msg_hook = old;
	kallsyms__exit(&ks);
	unlink(path);
	free(path);
	free(text);
	rmdir(dir);
}

/* A line of /proc/self/status, in kB; -1 when not there. */
static long status_kb(const char *key)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)))
			v = strtol(line + strlen(key) + 1, NULL, 10);
	if (f)
		fclose(f);
	return v;
}

/*
 * Two halves of a kallsyms are built in one room and joined in place
 * (symtab__split_room, symtab__join_room): the join writes no page but
 * those between the halves' symbols. The peak is measured from a reset
 * (clear_refs 5); a copy of the second half into fresh pages would add
 * its 1.6 MB to it.
 */
void test_symtab_join_peak(void)
{
	enum { NR = 100000, GAP = 1000 };
	struct symtab a, b;
	long before, peak;
	size_t i;
	FILE *f;

#ifdef __SANITIZE_ADDRESS__
	return;	/* scratch memory is malloc's there */
#endif
	symtab__init(&a);
	symtab__init(&b);
	symtab__reserve(&a, 2 * NR + GAP, 0);
	CHECK(!symtab__split_room(&a, &b, NR + GAP));
	for (i = 0; i < NR; i++) {
		symtab__add_owned(&a, 0xffffffff81000000ull + i * 16, 0, STB_GLOBAL, STT_FUNC, "a", 1, 0);
		symtab__add_owned(&b, 0xffffffff82000000ull + i * 16, 0, STB_GLOBAL, STT_FUNC, "b", 1, 0);
	}
	f = fopen("/proc/self/clear_refs", "w");
	if (!f || fputs("5", f) < 0 || fclose(f)) {
		if (f)
			fclose(f);
		fprintf(stderr, "symtab_join_peak: cannot reset the peak RSS: not checked\n");
		symtab__exit(&a);
		symtab__exit(&b);
		return;
	}
	before = status_kb("VmRSS:");
	CHECK(!symtab__join_room(&a, &b, NULL));
	peak = status_kb("VmHWM:");
	CHECK(a.nr == 2 * NR && b.nr == 0);
	/* The gap's 16 KB, the second half's names (2 bytes), a little slack. */
	if (before < 0 || peak < 0 || peak - before > 200) {
		fprintf(stderr, "symtab_join_peak: %ld kB over the %ld kB before\n", peak - before,
			before);
		unit_failures++;
	}
	symtab__finish(&a, true);
	CHECK(a.nr == 2 * NR && !strcmp(symbol__name(&a.syms[NR]), "b") &&
	      !strcmp(symbol__name(&a.syms[NR - 1]), "a"));
	symtab__exit(&a);
	symtab__exit(&b);
}

/* Adds symbol @i of split_room_case's list to @tab. */
static void split_room_add(struct symtab *tab, size_t i, u16 owner)
{
	char name[32];
	int len = snprintf(name, sizeof(name), "%sf%zu", i % 5 ? "" : "__pfx_", i / 2);

	/* Unsized with owners, sized, sized with owners (side entries); aliases. */
	symtab__add_owned(tab, 0xffffffff81000000ull + (i - i % 3 / 2) * 32,
			  i % 4 == 1 ? 24 : i % 4 == 2 ? 1ull << 40 : 0,
			  i % 2 ? STB_GLOBAL : STB_LOCAL, i % 6 ? STT_FUNC : STT_OBJECT, name,
			  (size_t)len, i % 4 == 1 ? 0 : owner);
}

/*
 * A table built in two parts in one room and joined is the table built
 * by one thread in order: names (the second part's arena after the
 * first's), ends and sizes, side entries, owners through the remap.
 */
static void split_room_case(size_t n1, size_t n2, size_t at, size_t room)
{
	static const u16 remap[] = { 0, 3, 1, 2 };	/* the second part's owners 1..3 */
	struct symtab whole, a, b;
	size_t i;
	int ret;

	symtab__init(&whole);
	symtab__init(&a);
	symtab__init(&b);
	for (i = 0; i < n1 + n2; i++)
		split_room_add(&whole, i, i < n1 ? (u16)(i % 4) : remap[i % 4]);
	symtab__reserve(&a, room, 0);
	CHECK(!symtab__split_room(&a, &b, at));
	/* Either part first: the two are independent until the join. */
	for (i = n1; i < n1 + n2; i++)
		split_room_add(&b, i, (u16)(i % 4));
	for (i = 0; i < n1; i++)
		split_room_add(&a, i, (u16)(i % 4));
	ret = symtab__join_room(&a, &b, remap);
	if (n1 > at || n2 > room - at) {
		/* A part that overflowed: nothing joined, and both are let go. */
		CHECK(ret == -E2BIG);
		symtab__exit(&whole);
		if (n1 % 2) {
			symtab__exit(&b);
			symtab__exit(&a);
		} else {
			symtab__exit(&a);
			symtab__exit(&b);
		}
		return;
	}
	CHECK(ret == 0 && a.nr == n1 + n2 && b.nr == 0);
	symtab__finish(&whole, true);
	symtab__finish(&a, true);
	CHECK(a.nr == whole.nr && a.nr_side == whole.nr_side);
	for (i = 0; i < a.nr && i < whole.nr; i++) {
		const struct symbol *x = &whole.syms[i], *y = &a.syms[i];

		if (x->start != y->start || strcmp(symbol__name(x), symbol__name(y)) ||
		    symbol__end(&whole, x) != symbol__end(&a, y) ||
		    symbol__owner(&whole, x) != symbol__owner(&a, y) ||
		    symbol__is_func(x) != symbol__is_func(y) ||
		    symbol__is_object(x) != symbol__is_object(y)) {
			fprintf(stderr, "split_room %zu+%zu: symbol %zu differs: %s %#llx, joined "
				"%s %#llx\n", n1, n2, i, symbol__name(x),
				(unsigned long long)x->start, symbol__name(y),
				(unsigned long long)y->start);
			unit_failures++;
			break;
		}
	}
	symtab__exit(&whole);
	symtab__exit(&a);
	symtab__exit(&b);
}

/*
 * symtab__split_room and symtab__join_room: joined tables as built in
 * order, at a gap or none, an empty part, a part past its room (the join
 * fails, both go without a leak or a double free: ASan's run), and the
 * rooms refused.
 */
void test_symtab_split_room(void)
{
	struct symtab a, b;

	split_room_case(5000, 7000, 5000, 12000);	/* no gap, the room full */
	split_room_case(5000, 7000, 6001, 20000);
	split_room_case(0, 7000, 100, 8000);
	split_room_case(5000, 0, 5000, 5001);
	split_room_case(5001, 7000, 5000, 20000);	/* the first part overflows */
	split_room_case(5000, 7001, 6000, 13000);	/* the second */
	symtab__init(&a);
	symtab__init(&b);
	symtab__reserve(&a, 100, 0);
	CHECK(symtab__split_room(&a, &b, 100) == -E2BIG);	/* no room for the second */
	split_room_add(&a, 0, 0);
	split_room_add(&a, 1, 0);
	CHECK(symtab__split_room(&a, &b, 1) == -E2BIG);		/* the first holds more */
	CHECK(!symtab__split_room(&a, &b, 2) && b.view && b.alloc == 98);
	split_room_add(&a, 2, 0);				/* dropped: past its room */
	CHECK(a.nr == 2 && a.dropped == 1);
	symtab__exit(&b);
	symtab__exit(&a);
}

/*
 * The page faults this thread takes from now on (the software event,
 * which counts the faults taken by touching memory, not the pages a
 * madvise maps in): a descriptor to read, or -1.
 */
static int fault_counter(void)
{
	struct perf_event_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_PAGE_FAULTS;
	attr.exclude_kernel = 1;
	attr.exclude_hv = 1;
	return (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
}

/*
 * A kernel's table is built without a fault a page: add() maps in the
 * symbols' room ahead of its writes, in each part of a split room, and
 * symtab__join_room writes where they were. 100,000 symbols are 1.6 MB,
 * 390 pages; the build may take a few faults, not one a page. Where the kernel cannot map in on request, or
 * the counter cannot be opened, nothing is checked.
 */
void test_symtab_build_faults(void)
{
	enum { NR = 100000 };
	struct symtab a, b;
	u64 faults = 0;
	size_t i;
	int fd;
#ifdef __SANITIZE_ADDRESS__
	return;	/* scratch memory is malloc's there */
#endif
	fd = fault_counter();
	if (!unit_can_populate() || fd < 0) {
		fprintf(stderr, "symtab_build_faults: %s: not checked\n",
			fd < 0 ? "no page-fault counter" : "MADV_POPULATE_WRITE not here");
		if (fd >= 0)
			close(fd);
		return;
	}
	symtab__init(&a);
	symtab__init(&b);
	symtab__reserve(&a, 2 * NR + 1000, 0);
	CHECK(!symtab__split_room(&a, &b, NR + 1000));
	ioctl(fd, PERF_EVENT_IOC_RESET, 0);
	ioctl(fd, PERF_EVENT_IOC_ENABLE, 0);
	for (i = 0; i < NR; i++) {
		symtab__add_owned(&a, 0xffffffff81000000ull + i * 16, 0, STB_GLOBAL, STT_FUNC, "a", 1, 0);
		symtab__add_owned(&b, 0xffffffff82000000ull + i * 16, 0, STB_GLOBAL, STT_FUNC, "b", 1, 0);
	}
	CHECK(!symtab__join_room(&a, &b, NULL));
	ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);
	CHECK(read(fd, &faults, sizeof(faults)) == sizeof(faults));
	close(fd);
	/* 3.2 MB written twice (the second half moved down): 781 pages. */
	if (faults > 40) {
		fprintf(stderr, "symtab_build_faults: %llu faults for 781 pages written\n",
			(unsigned long long)faults);
		unit_failures++;
	}
	symtab__finish(&a, true);
	CHECK(a.nr == 2 * NR && !strcmp(symbol__name(&a.syms[NR]), "b"));
	symtab__exit(&a);
	symtab__exit(&b);
}

struct lazy_reader {
	const struct kallsyms *ks;
	size_t start, bad;
};

static void *lazy_reader_main(void *arg)
{
	struct lazy_reader *r = arg;
	size_t i, n = r->ks->tab.nr;
	char want[32];

	/* Each thread from its own place: they meet on names not read yet. */
	for (i = 0; i < n; i++) {
		const struct symbol *s = symtab__sym(&r->ks->tab, (r->start + i) % n);

		snprintf(want, sizeof(want), "fn%llx", (unsigned long long)(s->start & 0xffffff));
		r->bad += strcmp(symbol__name(s), want) != 0;
	}
	return NULL;
}

/* Threads asking for the names of one lazy table at once all get them right. */
void test_kallsyms_lazy_threads(void)
{
	enum { NR = 5000, THREADS = 4 };
	char dir[] = "/tmp/pmukvm-klazyt-XXXXXX", *path, *text = malloc(NR * 64);
	struct lazy_reader r[THREADS];
	pthread_t th[THREADS];
	struct kallsyms ks;
	struct err err;
	size_t len = 0, i;

	CHECK(mkdtemp(dir) != NULL);
	for (i = 0; i < NR; i++)
		len += (size_t)sprintf(text + len, "%016llx T fn%llx\n",
				       0xffffffff81000000ull + i * 32,
				       (unsigned long long)((0x81000000ull + i * 32) & 0xffffff));
	path = unit_write_file(dir, "kallsyms", text);
	memset(&err, 0, sizeof(err));
	CHECK(!kallsyms__load(&ks, path, &err));
	CHECK(ks.tab.lazy && ks.tab.nr == NR);
	for (i = 0; i < THREADS; i++) {
		r[i] = (struct lazy_reader){ .ks = &ks, .start = i * NR / THREADS };
		CHECK(!pthread_create(&th[i], NULL, lazy_reader_main, &r[i]));
	}
	for (i = 0; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		CHECK(r[i].bad == 0);
	}
	kallsyms__exit(&ks);
	unlink(path);
	rmdir(dir);
	free(path);
	free(text);
}
