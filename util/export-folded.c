// SPDX-License-Identifier: GPL-2.0
/*
 * Counted stacks, and their folded text. Frames are named by the rules of
 * stackcollapse-perf.pl (FlameGraph) applied to perf script's lines: the
 * command's spaces become '_'; an unresolved frame is named by the
 * basename of its DSO in brackets ("[libc.so.6]"), "[unknown]" without
 * one; ';' becomes ':'; what follows the first '(' that does not open
 * "(anonymous namespace)" is dropped (C++ parameters), unless the name
 * looks like a Go method ("pkg.(*T).M"); quotes are dropped; under the
 * command "java", a leading 'L' of a name with a '/' goes. A frame whose
 * name starts with '(' is left out, as the script leaves it out. The
 * script reads "SYM (DSO)" lines, so a DSO name with a blank in it
 * ("(deleted)") splits where the script splits it. Beyond the script, a
 * command's ';' becomes ':' too, and a control byte in a command or a
 * name '?': either would otherwise make frames or lines of its own.
 */
#include "util/export.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "symbols/symtab.h"
#include "util/machine.h"

enum frame_kind frame__kind(const struct callchain_frame *f)
{
	const struct dso *dso = f->dso;
	bool kernel, guest;

	if (!dso)
		return FRAME_HOST_USER;
	kernel = dso->kind == DSO_KERNEL || dso->kind == DSO_MODULE;
	guest = dso->machine && (dso->machine->flags & MACHINE_GUEST);
	if (guest)
		return kernel ? FRAME_GUEST_KERNEL : FRAME_GUEST_USER;
	return kernel ? FRAME_HOST_KERNEL : FRAME_HOST_USER;
}

/* "pkg.(*T).M": a '.', then '(' ... ')' then '.', as the script's /\.\(.*\)\./ */
static bool looks_like_go_method(const char *s)
{
	const char *open, *close;

	for (open = strstr(s, ".("); open; open = strstr(open + 1, ".(")) {
		close = strstr(open + 2, ").");
		if (close)
			return true;
	}
	return false;
}

/*
 * perf script's "SYM (DSO)" as the script splits it: the last " (" that a
 * run of non-blanks and ')' follow ends the name. With a DSO name that
 * has a blank ("/memfd:x (deleted)"), the name takes part of the DSO's.
 * @line is cut in place: *@func is its start, *@mod the DSO's part (an
 * empty string where the line has none).
 */
static void script_split(char *line, char **func, char **mod)
{
	size_t len = strlen(line), i;

	*func = line;
	for (i = len; i-- > 0;) {
		size_t j;

		if (line[i] != ' ' || line[i + 1] != '(')
			continue;
		for (j = i + 2; line[j] && line[j] != ')' && line[j] != ' ' && line[j] != '\t'; j++)
			;
		if (line[j] != ')')
			continue;
		line[i] = 0;
		line[j] = 0;
		*mod = line + i + 2;
		return;
	}
	*mod = line + len;
}

/*
 * A name's byte in a folded line: ';' separates frames and becomes ':';
 * a control byte, which a name from the data or a guest may hold (a
 * newline would start a stack of its own), becomes '?'.
 */
static inline char folded_char(char c)
{
	return c == ';' ? ':' : (unsigned char)c < 0x20 || c == 0x7f ? '?' : c;
}

/*
 * The tidied name of @f, allocated, of any length; NULL when the script
 * would skip it.
 */
static char *frame_name(const struct callchain_frame *f, bool java)
{
	char *line, *raw, *mod, *name, *dso_name = NULL;
	const char *p;
	size_t o = 0;

	line = xasprintf("%s (%s)", f->sym ? symbol__name(f->sym) : "[unknown]",
			 f->dso && f->dso->long_name ? f->dso->long_name : "[unknown]");
	script_split(line, &raw, &mod);
	if (raw[0] == '(') {
		free(line);
		return NULL;
	}
	if (!strcmp(raw, "[unknown]") && strcmp(mod, "[unknown]")) {
		const char *base = strrchr(mod, '/');

		raw = dso_name = xasprintf("[%s]", base ? base + 1 : mod);
	}
	if (!looks_like_go_method(raw)) {
		char *q;

		for (q = strchr(raw, '('); q; q = strchr(q + 1, '('))
			if (strncmp(q + 1, "anonymous namespace)", 20)) {
				*q = 0;
				break;
			}
	}
	p = raw;
	if (java && *p == 'L' && strchr(p, '/'))
		p++;
	name = xmalloc(strlen(p) + 1);
	for (; *p; p++) {
		if (*p == '"' || *p == '\'')
			continue;
		name[o++] = folded_char(*p);
	}
	name[o] = 0;
	free(dso_name);
	free(line);
	return name;
}

static size_t node_hash(const struct flame_node *parent, u32 name, u8 kind)
{
	u64 h = (uintptr_t)parent * 0x9e3779b97f4a7c15ull;

	h ^= ((u64)name << 3 | kind) * 0xff51afd7ed558ccdull;
	h *= 0xc4ceb9fe1a85ec53ull;
	return (size_t)(h ^ (h >> 29));
}

static void table_grow(struct flame *fl)
{
	size_t size = fl->table_size ? 2 * fl->table_size : 1024, i;
	struct flame_node **table = xcalloc(size, sizeof(*table));

	for (i = 0; i < fl->table_size; i++) {
		struct flame_node *n = fl->table[i], *next;

		for (; n; n = next) {
			size_t b = node_hash(n->parent, n->name, n->kind) & (size - 1);

			next = n->hnext;
			n->hnext = table[b];
			table[b] = n;
		}
	}
	free(fl->table);
	fl->table = table;
	fl->table_size = size;
}

static struct flame_node *findnew_child(struct flame *fl, struct flame_node *parent,
					u32 name, u8 kind)
{
	struct flame_node *n;
	size_t b;

	if (fl->nr_nodes + 1 > fl->table_size / 2)
		table_grow(fl);
	b = node_hash(parent, name, kind) & (fl->table_size - 1);
	for (n = fl->table[b]; n; n = n->hnext)
		if (n->parent == parent && n->name == name && n->kind == kind)
			return n;
	n = xzalloc(sizeof(*n));
	n->name = name;
	n->kind = kind;
	n->parent = parent;
	n->next = parent->child;
	parent->child = n;
	n->hnext = fl->table[b];
	fl->table[b] = n;
	fl->nr_nodes++;
	return n;
}

/* The name id of @f, or false when the script skips such a frame. */
static bool frame_name_id(struct flame *fl, const struct callchain_frame *f, bool java, u32 *id)
{
	u64 h = ((uintptr_t)f->sym ^ (uintptr_t)f->dso * 31) * 0x9e3779b97f4a7c15ull;
	struct flame_name_slot *slot;
	char *name;

	if (!fl->names_cache)
		fl->names_cache = xcalloc(FLAME_NAME_SLOTS, sizeof(*fl->names_cache));
	slot = &fl->names_cache[(h >> 40) & (FLAME_NAME_SLOTS - 1)];
	if (slot->state && slot->sym == f->sym && slot->dso == f->dso && slot->java == java) {
		*id = slot->name;
		return slot->state == 1;
	}
	slot->sym = f->sym;
	slot->dso = f->dso;
	slot->java = java;
	name = frame_name(f, java);
	if (!name) {
		slot->state = 2;
		return false;
	}
	slot->state = 1;
	slot->name = *id = str_set__add(&fl->names, name);
	free(name);
	return true;
}

void flame__add(struct flame *fl, const char *comm, const struct callchain_frame *frames,
		size_t n, u64 count)
{
	struct flame_node *node;
	size_t len = strlen(comm), i, depth = 1;
	char small[64], *name = len < sizeof(small) ? small : xmalloc(len + 1);
	bool java = !strcmp(comm, "java");

	for (i = 0; i < len; i++)
		name[i] = comm[i] == ' ' ? '_' : folded_char(comm[i]);
	name[len] = 0;
	fl->root.total += count;
	node = findnew_child(fl, &fl->root, str_set__add(&fl->names, name), FRAME_COMM);
	if (name != small)
		free(name);
	node->total += count;
	for (i = n; i-- > 0;) {
		u32 id;

		if (!frame_name_id(fl, &frames[i], java, &id))
			continue;
		node = findnew_child(fl, node, id, frame__kind(&frames[i]));
		node->total += count;
		depth++;
	}
	node->self += count;
	if (depth > fl->max_depth)
		fl->max_depth = depth;
}

const char *flame__name(const struct flame *fl, const struct flame_node *n)
{
	return fl->names.strs[n->name];
}

void flame__exit(struct flame *fl)
{
	size_t i;

	for (i = 0; i < fl->table_size; i++) {
		struct flame_node *n = fl->table[i], *next;

		for (; n; n = next) {
			next = n->hnext;
			free(n);
		}
	}
	free(fl->table);
	free(fl->names_cache);
	str_set__exit(&fl->names);
	memset(fl, 0, sizeof(*fl));
}

struct folded_line {
	char *text;
	u64 count;
};

struct folded {
	struct folded_line *lines;
	size_t nr, alloc;
	char *path;		/* the stack being walked, ';'-joined */
	size_t len, size;
};

/*
 * Iterative walk (stacks may be as deep as the callchains): every node
 * that samples end at is a line. A frame of the same name as a sibling but
 * another kind (host and guest code of one name) prints alike: lines are
 * merged after sorting.
 */
static void folded_collect(const struct flame *fl, struct folded *out)
{
	const struct flame_node *n = fl->root.child;
	size_t *lens = xcalloc(fl->max_depth + 2, sizeof(*lens));
	size_t depth = 0;

	while (n) {
		const char *name = flame__name(fl, n);
		size_t nl = strlen(name), need = out->len + nl + 2;

		if (need > out->size) {
			out->size = need * 2;
			out->path = xrealloc(out->path, out->size);
		}
		lens[depth] = out->len;
		if (depth)
			out->path[out->len++] = ';';
		memcpy(out->path + out->len, name, nl);
		out->len += nl;
		out->path[out->len] = 0;
		if (n->self) {
			ALLOC_GROW(out->lines, out->nr + 1, out->alloc);
			out->lines[out->nr].text = xstrdup(out->path);
			out->lines[out->nr++].count = n->self;
		}
		if (n->child) {
			n = n->child;
			depth++;
			continue;
		}
		/* Up until there is a next sibling. */
		while (n && !n->next) {
			n = n->parent == &fl->root ? NULL : n->parent;
			if (depth)
				depth--;
		}
		if (n) {
			n = n->next;
			out->len = lens[depth];
		}
	}
	free(lens);
}

static int line_cmp(const void *a, const void *b)
{
	return strcmp(((const struct folded_line *)a)->text, ((const struct folded_line *)b)->text);
}

int flame__fprintf_folded(const struct flame *fl, FILE *fp)
{
	struct folded out = { 0 };
	size_t i;

	folded_collect(fl, &out);
	if (out.nr)	/* none: lines is NULL, which qsort must not get */
		qsort(out.lines, out.nr, sizeof(*out.lines), line_cmp);
	for (i = 0; i < out.nr; i++) {
		u64 count = out.lines[i].count;

		while (i + 1 < out.nr && !strcmp(out.lines[i].text, out.lines[i + 1].text)) {
			free(out.lines[i].text);
			count += out.lines[++i].count;
		}
		fprintf(fp, "%s %llu\n", out.lines[i].text, (unsigned long long)count);
		free(out.lines[i].text);
	}
	free(out.lines);
	free(out.path);
	return ferror(fp) ? -EIO : 0;
}
