// SPDX-License-Identifier: GPL-2.0
/*
 * report --pprof: samples as a gzipped profile.proto (proto/profile.proto,
 * pprof's schema; the C code comes from protoc-c at build time), which
 * pprof, Parca and Pyroscope read. Every distinct (event, stack, labels)
 * is one Sample whose values are its sample count and, in the event's own
 * column, its period. Each DSO is a Mapping (its path and build-id;
 * has_functions, as the names are given); each (DSO, ip) a Location with
 * the function's line; an unresolved frame is a Location without a line,
 * pprof showing its address.
 */
#include "util/export.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "profile.pb-c.h"
#include "symbols/symtab.h"
#include "util/buildid.h"
#include "util/machine.h"

struct pprof_loc {
	const struct dso *dso;
	const struct symbol *sym;	/* NULL: unresolved */
	u64 ip;
	u64 id;
	struct pprof_loc *hnext;
};

struct pprof_sample {
	u64 *locs;
	size_t nr_locs;
	int event;
	u32 comm, guest, mode;	/* string ids */
	s64 pid, tid;
	int vcpu;
	u64 count, period;
};

struct pprof {
	struct str_set strings;		/* "" is 0 */
	struct str_set keys;		/* a sample's identity, as text */
	struct pprof_sample *samples;
	size_t nr_samples, alloc_samples;
	struct pprof_loc **loc_table, **locs;
	size_t loc_table_size, nr_locs, alloc_locs;
	const struct dso **dsos;	/* mapping id - 1 */
	size_t nr_dsos, alloc_dsos;
	struct str_set func_names;	/* function id - 1, by name and file */
	u32 *func_name, *func_file;
	size_t alloc_funcs;
	const char **event_names;	/* by the event's index in the file */
	size_t nr_events, alloc_events;
	char *key;
	size_t key_alloc;
};

struct pprof *pprof__new(void)
{
	struct pprof *p = xzalloc(sizeof(*p));

	str_set__add(&p->strings, "");
	/* key_printf's room, never NULL: no arithmetic on a null pointer. */
	p->key_alloc = 256;
	p->key = xmalloc(p->key_alloc);
	return p;
}

static u32 str_id(struct pprof *p, const char *s)
{
	return str_set__add(&p->strings, s ? s : "");
}

static u64 mapping_id(struct pprof *p, const struct dso *dso)
{
	size_t i;

	if (!dso)
		return 0;
	for (i = 0; i < p->nr_dsos; i++)
		if (p->dsos[i] == dso)
			return i + 1;
	ALLOC_GROW(p->dsos, p->nr_dsos + 1, p->alloc_dsos);
	p->dsos[p->nr_dsos++] = dso;
	return p->nr_dsos;
}

/* Keyed (hash_bytes): ips come from the file and must not choose the chains. */
static u64 loc_hash(const struct dso *dso, u64 ip)
{
	u64 k[2] = { (uintptr_t)dso, ip };

	return hash_bytes(k, sizeof(k));
}

static u64 location_id(struct pprof *p, const struct callchain_frame *f)
{
	u64 h = loc_hash(f->dso, f->ip);
	struct pprof_loc *l;
	size_t b;

	if (p->nr_locs + 1 > p->loc_table_size / 2) {
		size_t size = p->loc_table_size ? 2 * p->loc_table_size : 1024, i;

		free(p->loc_table);
		p->loc_table = xcalloc(size, sizeof(*p->loc_table));
		p->loc_table_size = size;
		for (i = 0; i < p->nr_locs; i++) {
			l = p->locs[i];
			b = loc_hash(l->dso, l->ip) & (size - 1);
			l->hnext = p->loc_table[b];
			p->loc_table[b] = l;
		}
	}
	b = h & (p->loc_table_size - 1);
	for (l = p->loc_table[b]; l; l = l->hnext)
		if (l->dso == f->dso && l->ip == f->ip)
			return l->id;
	l = xzalloc(sizeof(*l));
	l->dso = f->dso;
	l->sym = f->sym;
	l->ip = f->ip;
	l->id = p->nr_locs + 1;
	mapping_id(p, f->dso);	/* every mapping known before writing */
	l->hnext = p->loc_table[b];
	p->loc_table[b] = l;
	ALLOC_GROW(p->locs, p->nr_locs + 1, p->alloc_locs);
	p->locs[p->nr_locs++] = l;
	return l->id;
}

static void key_printf(struct pprof *p, size_t *len, const char *fmt, ...) __printf(3, 4);
static void key_printf(struct pprof *p, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(p->key + *len, p->key_alloc - *len, fmt, ap);
		va_end(ap);
		if (n >= 0 && *len + (size_t)n < p->key_alloc)
			break;
		p->key_alloc = 2 * (*len + (size_t)(n > 0 ? n : 0)) + 256;
		p->key = xrealloc(p->key, p->key_alloc);
	}
	*len += (size_t)n;
}

void pprof__add(struct pprof *p, int event, const char *name, u64 period,
		const struct callchain_frame *frames, size_t n, const struct pprof_labels *l)
{
	u32 comm = str_id(p, l->comm), guest = str_id(p, l->guest), mode = str_id(p, l->mode);
	u64 locs[CALLCHAIN_MAX_FRAMES + 1];
	struct pprof_sample *s;
	size_t i, len = 0;
	u32 id;

	if (event < 0)
		return;
	if ((size_t)event >= p->nr_events) {
		ALLOC_GROW(p->event_names, (size_t)event + 1, p->alloc_events);
		while (p->nr_events <= (size_t)event)
			p->event_names[p->nr_events++] = NULL;
	}
	if (!p->event_names[event])
		p->event_names[event] = name;
	if (n > CALLCHAIN_MAX_FRAMES + 1)
		n = CALLCHAIN_MAX_FRAMES + 1;
	key_printf(p, &len, "%d %u %" PRId64 " %" PRId64 " %u %d %u:", event, comm, l->pid, l->tid,
		   guest, l->vcpu, mode);
	for (i = 0; i < n; i++) {
		locs[i] = location_id(p, &frames[i]);
		key_printf(p, &len, "%" PRIu64 ",", locs[i]);
	}
	id = str_set__add(&p->keys, p->key);
	if (id == p->nr_samples) {
		ALLOC_GROW(p->samples, p->nr_samples + 1, p->alloc_samples);
		s = &p->samples[p->nr_samples++];
		memset(s, 0, sizeof(*s));
		s->locs = xmalloc((n ? n : 1) * sizeof(*s->locs));
		memcpy(s->locs, locs, n * sizeof(*locs));
		s->nr_locs = n;
		s->event = event;
		s->comm = comm;
		s->guest = guest;
		s->mode = mode;
		s->pid = l->pid;
		s->tid = l->tid;
		s->vcpu = l->vcpu;
	}
	s = &p->samples[id];
	s->count++;
	s->period += period;
}

void pprof__delete(struct pprof *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->nr_samples; i++)
		free(p->samples[i].locs);
	free(p->samples);
	for (i = 0; i < p->nr_locs; i++)
		free(p->locs[i]);
	free(p->locs);
	free(p->loc_table);
	free(p->dsos);
	free(p->func_name);
	free(p->func_file);
	str_set__exit(&p->func_names);
	str_set__exit(&p->strings);
	str_set__exit(&p->keys);
	free(p->key);
	free(p->event_names);
	free(p);
}

/* A function per distinct (name, file). */
static u64 function_id(struct pprof *p, const struct pprof_loc *l)
{
	const char *file = l->dso && l->dso->long_name ? l->dso->long_name : "";
	char *key = xasprintf("%s%c%s", symbol__name(l->sym), 0x1f, file);
	u32 id = str_set__add(&p->func_names, key);

	free(key);
	if (id + 1 > p->alloc_funcs) {
		size_t alloc = 2 * (id + 1);

		p->func_name = xrealloc(p->func_name, alloc * sizeof(*p->func_name));
		p->func_file = xrealloc(p->func_file, alloc * sizeof(*p->func_file));
		p->alloc_funcs = alloc;
	}
	p->func_name[id] = str_id(p, symbol__name(l->sym));
	p->func_file[id] = str_id(p, file);
	return id + 1;
}

/* Clock events count nanoseconds; the others, events. */
static const char *event_unit(const char *name)
{
	return name && (!strncmp(name, "cpu-clock", 9) || !strncmp(name, "task-clock", 10)) ?
	       "nanoseconds" : "events";
}

/*
 * A numeric label of 0 would be all defaults on the wire, which readers
 * take for no label: numbers carry a unit (pprof's own "count").
 */
static Perftools__Profiles__Label *label_new(u32 key, u32 str, s64 num, bool is_num, u32 unit)
{
	Perftools__Profiles__Label *lb = xmalloc(sizeof(*lb));

	perftools__profiles__label__init(lb);
	lb->key = key;
	if (is_num) {
		lb->num = num;
		lb->num_unit = unit;
	} else
		lb->str = str;
	return lb;
}

int pprof__write(struct pprof *p, const char *path, u64 time_ns, u64 duration_ns)
{
	Perftools__Profiles__Profile prof = PERFTOOLS__PROFILES__PROFILE__INIT;
	Perftools__Profiles__ValueType *types, period_type = PERFTOOLS__PROFILES__VALUE_TYPE__INIT;
	Perftools__Profiles__Mapping *maps = NULL;
	Perftools__Profiles__Location *locs = NULL;
	Perftools__Profiles__Line *lines = NULL;
	Perftools__Profiles__Function *funcs = NULL;
	Perftools__Profiles__Sample *samples = NULL;
	u32 k_comm, k_pid, k_tid, k_guest, k_vcpu, k_mode, u_count;
	size_t nv = 1 + p->nr_events, i, j, len;
	u8 *buf = NULL;
	char **table = NULL;	/* the string table, cleaned */
	gzFile gz;
	int ret = 0;

	/* Strings first: every index must exist before the table is taken. */
	k_comm = str_id(p, "comm");
	k_pid = str_id(p, "pid");
	k_tid = str_id(p, "tid");
	k_guest = str_id(p, "guest");
	k_vcpu = str_id(p, "vcpu");
	k_mode = str_id(p, "mode");
	u_count = str_id(p, "count");
	types = xcalloc(nv, sizeof(*types));
	prof.sample_type = xcalloc(nv, sizeof(*prof.sample_type));
	for (i = 0; i < nv; i++) {
		perftools__profiles__value_type__init(&types[i]);
		types[i].type = str_id(p, i ? (p->event_names[i - 1] ? p->event_names[i - 1] : "")
					    : "samples");
		types[i].unit = str_id(p, i ? event_unit(p->event_names[i - 1]) : "count");
		prof.sample_type[i] = &types[i];
	}
	prof.n_sample_type = nv;
	if (p->nr_events) {
		period_type.type = str_id(p, p->event_names[0] ? p->event_names[0] : "");
		period_type.unit = str_id(p, event_unit(p->event_names[0]));
		prof.period_type = &period_type;
	}
	prof.time_nanos = (int64_t)time_ns;
	prof.duration_nanos = (int64_t)duration_ns;

	maps = xcalloc(p->nr_dsos + 1, sizeof(*maps));
	prof.mapping = xcalloc(p->nr_dsos + 1, sizeof(*prof.mapping));
	for (i = 0; i < p->nr_dsos; i++) {
		const struct dso *dso = p->dsos[i];
		char bid[2 * sizeof(dso->build_id) + 1] = "";

		perftools__profiles__mapping__init(&maps[i]);
		build_id__hex(dso->build_id, min_t(size_t, dso->build_id_size,
						   sizeof(dso->build_id)), bid);
		maps[i].id = i + 1;
		maps[i].filename = str_id(p, dso->long_name);
		maps[i].build_id = str_id(p, bid);
		maps[i].has_functions = true;
		prof.mapping[i] = &maps[i];
	}
	prof.n_mapping = p->nr_dsos;

	locs = xcalloc(p->nr_locs + 1, sizeof(*locs));
	lines = xcalloc(p->nr_locs + 1, sizeof(*lines));
	prof.location = xcalloc(p->nr_locs + 1, sizeof(*prof.location));
	for (i = 0; i < p->nr_locs; i++) {
		const struct pprof_loc *l = p->locs[i];

		perftools__profiles__location__init(&locs[i]);
		locs[i].id = l->id;
		locs[i].mapping_id = mapping_id(p, l->dso);
		locs[i].address = l->ip;
		if (l->sym) {
			perftools__profiles__line__init(&lines[i]);
			lines[i].function_id = function_id(p, l);
			locs[i].line = xmalloc(sizeof(*locs[i].line));
			locs[i].line[0] = &lines[i];
			locs[i].n_line = 1;
		}
		prof.location[i] = &locs[i];
	}
	prof.n_location = p->nr_locs;
	/* Mappings of DSOs first seen above (locations outside samples: none). */
	if (prof.n_mapping != p->nr_dsos) {
		ret = -EINVAL;
		goto out;
	}

	funcs = xcalloc(p->func_names.nr + 1, sizeof(*funcs));
	prof.function = xcalloc(p->func_names.nr + 1, sizeof(*prof.function));
	for (i = 0; i < p->func_names.nr; i++) {
		perftools__profiles__function__init(&funcs[i]);
		funcs[i].id = i + 1;
		funcs[i].name = p->func_name[i];
		funcs[i].system_name = p->func_name[i];
		funcs[i].filename = p->func_file[i];
		prof.function[i] = &funcs[i];
	}
	prof.n_function = p->func_names.nr;

	samples = xcalloc(p->nr_samples + 1, sizeof(*samples));
	prof.sample = xcalloc(p->nr_samples + 1, sizeof(*prof.sample));
	for (i = 0; i < p->nr_samples; i++) {
		const struct pprof_sample *s = &p->samples[i];
		Perftools__Profiles__Sample *ps = &samples[i];

		perftools__profiles__sample__init(ps);
		ps->location_id = s->locs;
		ps->n_location_id = s->nr_locs;
		ps->value = xcalloc(nv, sizeof(*ps->value));
		ps->n_value = nv;
		ps->value[0] = (int64_t)s->count;
		ps->value[1 + s->event] = (int64_t)s->period;
		ps->label = xcalloc(6, sizeof(*ps->label));
		ps->label[ps->n_label++] = label_new(k_comm, s->comm, 0, false, 0);
		ps->label[ps->n_label++] = label_new(k_pid, 0, s->pid, true, u_count);
		ps->label[ps->n_label++] = label_new(k_tid, 0, s->tid, true, u_count);
		ps->label[ps->n_label++] = label_new(k_guest, s->guest, 0, false, 0);
		if (s->vcpu >= 0)
			ps->label[ps->n_label++] = label_new(k_vcpu, 0, s->vcpu, true, u_count);
		ps->label[ps->n_label++] = label_new(k_mode, s->mode, 0, false, 0);
		prof.sample[i] = ps;
	}
	prof.n_sample = p->nr_samples;
	/*
	 * profile.proto's strings are UTF-8, and readers that check
	 * (protobuf's own, for proto3) refuse a profile with one stray byte:
	 * names from the data go out with such bytes as U+FFFD, each
	 * distinct string cleaned once, here.
	 */
	table = xmalloc((p->strings.nr ? p->strings.nr : 1) * sizeof(*table));
	for (i = 0; i < p->strings.nr; i++) {
		table[i] = utf8_clean(p->strings.strs[i]);
		if (!table[i])
			table[i] = p->strings.strs[i];
	}
	prof.string_table = table;
	prof.n_string_table = p->strings.nr;

	len = perftools__profiles__profile__get_packed_size(&prof);
	buf = xmalloc(len ? len : 1);
	perftools__profiles__profile__pack(&prof, buf);
	gz = gzopen(path, "wb");
	if (!gz) {
		ret = errno ? -errno : -ENOMEM;
		goto out;
	}
	if (len && gzwrite(gz, buf, (unsigned)len) != (int)len)
		ret = -EIO;
	if (gzclose(gz) != Z_OK && !ret)
		ret = -EIO;
out:
	free(buf);
	for (i = 0; table && i < p->strings.nr; i++)
		if (table[i] != p->strings.strs[i])
			free(table[i]);
	free(table);
	for (i = 0; i < prof.n_sample; i++) {
		for (j = 0; j < samples[i].n_label; j++)
			free(samples[i].label[j]);
		free(samples[i].label);
		free(samples[i].value);
	}
	free(samples);
	free(prof.sample);
	for (i = 0; i < prof.n_location; i++)
		free(locs[i].line);
	free(locs);
	free(lines);
	free(prof.location);
	free(funcs);
	free(prof.function);
	free(maps);
	free(prof.mapping);
	free(types);
	free(prof.sample_type);
	return ret;
}
