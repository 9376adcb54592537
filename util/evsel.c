// SPDX-License-Identifier: GPL-2.0
/*
 * Events: the one table of event names (both directions), the id -> evsel
 * hash, how a data file's events are registered, and sample parsing.
 */
#include "util/evsel.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/data.h"
#include "util/tracing-data.h"

/* The one-word fields a sample opens with, in any combination. */
#define SAMPLE_FIXED	(PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_IP | PERF_SAMPLE_TID |	\
			 PERF_SAMPLE_TIME | PERF_SAMPLE_ADDR | PERF_SAMPLE_ID |		\
			 PERF_SAMPLE_STREAM_ID | PERF_SAMPLE_CPU | PERF_SAMPLE_PERIOD)

static inline size_t nr_fixed(u64 type);

void evsel__init(struct evsel *evsel, const struct perf_event_attr *attr, int idx)
{
	memset(evsel, 0, sizeof(*evsel));
	evsel->attr = *attr;
	evsel->idx = idx;
	evsel->time_pos = -1;
	if (attr->sample_type & PERF_SAMPLE_TIME)
		evsel->time_pos = !!(attr->sample_type & PERF_SAMPLE_IDENTIFIER) +
				  !!(attr->sample_type & PERF_SAMPLE_IP) +
				  !!(attr->sample_type & PERF_SAMPLE_TID);
	evsel->cpu_pos = -1;
	/* The CPU follows these fields (perf_event_open(2)'s layout). */
	if (attr->sample_type & PERF_SAMPLE_CPU)
		evsel->cpu_pos = __builtin_popcountll(attr->sample_type &
			(PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_IP | PERF_SAMPLE_TID |
			 PERF_SAMPLE_TIME | PERF_SAMPLE_ADDR | PERF_SAMPLE_ID |
			 PERF_SAMPLE_STREAM_ID));
	evsel->fixed_for = attr->sample_type;
	evsel->nr_fixed = (u32)nr_fixed(attr->sample_type);
}

void evsel__exit(struct evsel *evsel)
{
	free(evsel->name);
	free(evsel->ids);
	evsel->name = NULL;
	evsel->ids = NULL;
	evsel->nr_ids = 0;
}

void evsel__delete(struct evsel *evsel)
{
	if (!evsel)
		return;
	evsel__exit(evsel);
	free(evsel);
}

/* ---- event names ---- */

/*
 * One table for both directions: -e NAME -> type and config
 * (event_name__lookup), and an attr -> its name for files without
 * EVENT_DESC (evsel__name_from_attr). For an attr the first row with its
 * type and config is the name perf gives it; later rows are aliases.
 * EVENT_NAME_READ_ONLY rows are names perf writes that -e does not offer
 * (they are not listed by event_name__nth either).
 */
enum { EVENT_NAME_READ_ONLY = 1 << 0 };

struct event_name {
	const char *name;
	u32 type;
	u64 config;
	unsigned int flags;
};

/* perf's names and aliases, in the order help lists them. */
static const struct event_name event_names[] = {
	{ "cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES },
	{ "cpu-cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES },
	{ "instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS },
	{ "cache-references", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_REFERENCES },
	{ "cache-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES },
	{ "branches", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS },
	{ "branch-instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS },
	{ "branch-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES },
	{ "bus-cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BUS_CYCLES },
	{ "ref-cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_REF_CPU_CYCLES },
	{ "cpu-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK },
	{ "task-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK },
	{ "page-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS },
	{ "faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS },
	{ "context-switches", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES },
	{ "cs", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES },
	{ "cpu-migrations", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS },
	{ "migrations", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS },
	{ "minor-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MIN },
	{ "major-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MAJ },
	{ "alignment-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_ALIGNMENT_FAULTS },
	{ "emulation-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_EMULATION_FAULTS },
	{ "dummy", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_DUMMY },
	{ "stalled-cycles-frontend", PERF_TYPE_HARDWARE, PERF_COUNT_HW_STALLED_CYCLES_FRONTEND,
	  EVENT_NAME_READ_ONLY },
	{ "stalled-cycles-backend", PERF_TYPE_HARDWARE, PERF_COUNT_HW_STALLED_CYCLES_BACKEND,
	  EVENT_NAME_READ_ONLY },
	{ "bpf-output", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_BPF_OUTPUT, EVENT_NAME_READ_ONLY },
	{ "cgroup-switches", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CGROUP_SWITCHES,
	  EVENT_NAME_READ_ONLY },
};

const char event_names_known[] = "cycles, instructions, branches, branch-misses, "
	"bus-cycles, cache-misses, cache-references, ref-cycles, cpu-clock, task-clock, "
	"page-faults (faults), context-switches (cs), cpu-migrations (migrations), "
	"minor-faults, major-faults, alignment-faults, emulation-faults, dummy, rNNNN; "
	"NAME:MODIFIERS (u k h G H p I S), NAME/period=N/ or NAME/freq=N/ (then MODIFIERS); "
	"tracepoints as sys:name";

const char *event_name__nth(size_t i)
{
	size_t j;

	for (j = 0; j < ARRAY_SIZE(event_names); j++) {
		if (event_names[j].flags & EVENT_NAME_READ_ONLY)
			continue;
		if (!i--)
			return event_names[j].name;
	}
	return NULL;
}

/* The name perf gives an event of @type and @config, NULL when it has none here. */
static const char *event_name__of(u32 type, u64 config)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(event_names); i++)
		if (event_names[i].type == type && event_names[i].config == config)
			return event_names[i].name;
	return NULL;
}

/* The name part alone (no terms, no modifiers): type and config. */
static int event_name__lookup(const char *name, size_t len, struct perf_event_attr *attr)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(event_names); i++) {
		if (event_names[i].flags & EVENT_NAME_READ_ONLY)
			continue;
		if (strlen(event_names[i].name) == len && !strncmp(name, event_names[i].name, len)) {
			attr->type = event_names[i].type;
			attr->config = event_names[i].config;
			return 0;
		}
	}
	if (len > 1 && name[0] == 'r') {
		u64 v = 0;

		/* rNNNN: up to 16 hex digits of raw event code. */
		if (len > 17)
			return -ENOENT;
		for (i = 1; i < len; i++) {
			int c = tolower((unsigned char)name[i]);

			if (!isxdigit(c))
				return -ENOENT;
			v = v << 4 | (u64)(isdigit(c) ? c - '0' : c - 'a' + 10);
		}
		attr->type = PERF_TYPE_RAW;
		attr->config = v;
		return 0;
	}
	return -ENOENT;
}

/* "period=N,freq=N": the terms between the slashes. */
static int event_terms__parse(const char *p, size_t len, struct event_spec *spec)
{
	char *terms = xstrndup(p, len), *t, *save = NULL;
	int err = 0;

	for (t = strtok_r(terms, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(t, '='), *end;
		unsigned long long v;

		if (!eq) {
			err = -EINVAL;
			break;
		}
		*eq = '\0';
		errno = 0;
		v = strtoull(eq + 1, &end, 0);
		if (errno || end == eq + 1 || *end || !v || eq[1] == '-') {
			err = -EINVAL;
			break;
		}
		if (!strcmp(t, "period")) {
			spec->attr.freq = 0;
			spec->attr.sample_period = v;
		} else if (!strcmp(t, "freq")) {
			spec->attr.freq = 1;
			spec->attr.sample_freq = v;
		} else {
			err = -EINVAL;
			break;
		}
		spec->has_period = true;
	}
	free(terms);
	return err;
}

/*
 * perf's modifiers: u k h (what to count), G H (guest, host), p (precise),
 * I (no idle), S (samples read the counters).
 */
static int event_mods__parse(const char *m, struct event_spec *spec)
{
	bool u = false, k = false, h = false, G = false, H = false;
	int precise = 0;

	if (!*m)
		return -EINVAL;
	for (; *m; m++) {
		switch (*m) {
		case 'u': u = true; break;
		case 'k': k = true; break;
		case 'h': h = true; break;
		case 'G': G = true; break;
		case 'H': H = true; break;
		case 'p': precise++; break;
		case 'I': spec->attr.exclude_idle = 1; break;
		case 'S': spec->sample_read = true; break;
		default: return -EINVAL;
		}
	}
	if (precise > 3)
		return -EINVAL;
	if (u || k || h) {
		spec->attr.exclude_user = !u;
		spec->attr.exclude_kernel = !k;
		spec->attr.exclude_hv = !h;
		spec->has_ukh = true;
	}
	if (G || H) {
		spec->attr.exclude_guest = !G;
		spec->attr.exclude_host = !H;
		spec->has_GH = true;
	}
	spec->attr.precise_ip = (u64)precise;
	return 0;
}

int event_spec__parse(const char *str, struct event_spec *spec)
{
	const char *slash = strchr(str, '/'), *colon, *end_name, *mods = NULL;
	int err;

	memset(spec, 0, sizeof(*spec));
	str_copy(spec->name, str, sizeof(spec->name));
	if (!*str || strlen(str) >= sizeof(spec->name))
		return -EINVAL;
	if (slash) {
		const char *close = strchr(slash + 1, '/');

		if (!close || close == slash + 1)
			return -EINVAL;
		end_name = slash;
		err = event_terms__parse(slash + 1, (size_t)(close - slash - 1), spec);
		if (err)
			return err;
		/* perf: cpu-clock/period=N/u; a colon there is taken too. */
		if (close[1])
			mods = close + (close[1] == ':' ? 2 : 1);
	} else {
		colon = strchr(str, ':');
		end_name = colon ? colon : str + strlen(str);
		if (colon)
			mods = colon + 1;
	}
	err = event_name__lookup(str, (size_t)(end_name - str), &spec->attr);
	if (err == -ENOENT && !slash && mods) {
		/* Not NAME:MODIFIERS of a known name: sys:name of a tracepoint (kvm:kvm_exit). */
		memset(&spec->attr, 0, sizeof(spec->attr));
		return tracepoint__parse(str, &spec->attr);
	}
	if (err)
		return err;
	if (mods) {
		err = event_mods__parse(mods, spec);
		if (err)
			return err;
	}
	return 0;
}

char **event_list__split(const char *list, int *nr)
{
	char **out = NULL;
	const char *p = list, *start = list;
	bool in_terms = false;

	*nr = 0;
	for (;; p++) {
		if (*p == '/')
			in_terms = !in_terms;
		if ((*p == ',' && !in_terms) || !*p) {
			out = xrealloc(out, (*nr + 2) * sizeof(*out));
			out[(*nr)++] = xstrndup(start, (size_t)(p - start));
			out[*nr] = NULL;
			if (!*p)
				break;
			start = p + 1;
		}
	}
	return out;
}

void event_list__free(char **list)
{
	for (char **p = list; p && *p; p++)
		free(*p);
	free(list);
}

int event_name__parse(const char *name, struct perf_event_attr *attr)
{
	struct event_spec spec;
	int err = event_spec__parse(name, &spec);

	if (err)
		return -EINVAL;
	attr->type = spec.attr.type;
	attr->config = spec.attr.config;
	return 0;
}

char *evsel__name_from_attr(const struct perf_event_attr *attr)
{
	char base[64], mods[16];
	const char *known = NULL;
	int m = 0;

	if (attr->type == PERF_TYPE_HARDWARE || attr->type == PERF_TYPE_SOFTWARE)
		known = event_name__of(attr->type, attr->config);
	if (known)
		snprintf(base, sizeof(base), "%s", known);
	else if (attr->type == PERF_TYPE_RAW)
		snprintf(base, sizeof(base), "r%" PRIx64, (u64)attr->config);
	else
		snprintf(base, sizeof(base), "type%u/config%#" PRIx64 "/", attr->type,
			 (u64)attr->config);
	if (attr->exclude_kernel && !attr->exclude_user)
		mods[m++] = 'u';
	if (attr->exclude_user && !attr->exclude_kernel)
		mods[m++] = 'k';
	if (attr->exclude_host && !attr->exclude_guest)
		mods[m++] = 'G';
	if (attr->exclude_guest && !attr->exclude_host)
		mods[m++] = 'H';
	for (unsigned i = 0; i < attr->precise_ip && m < 14; i++)
		mods[m++] = 'p';
	mods[m] = '\0';
	return m ? xasprintf("%s:%s", base, mods) : xstrdup(base);
}

char *evsel__name_dup(const struct evsel *evsel)
{
	return evsel->name ? xstrdup(evsel->name) : evsel__name_from_attr(&evsel->attr);
}

/* ---- the id hash ---- */

static size_t id_slot(const struct evsel_id_hash *h, u64 id)
{
	/* Keyed: a file cannot choose ids that share a slot. */
	return (size_t)hash_u64(id) & (h->size - 1);
}

static void id_hash_grow(struct evsel_id_hash *h)
{
	u64 *keys = h->keys;
	struct evsel **vals = h->vals;
	size_t old = h->size, i;

	h->size = old ? old * 2 : 64;
	h->used = 0;
	h->keys = xcalloc(h->size, sizeof(*h->keys));
	h->vals = xcalloc(h->size, sizeof(*h->vals));
	for (i = 0; i < old; i++)
		if (vals[i])
			evsel_id_hash__insert(h, keys[i], vals[i]);
	free(keys);
	free(vals);
}

void evsel_id_hash__insert(struct evsel_id_hash *h, u64 id, struct evsel *evsel)
{
	size_t i;
	u32 k;

	h->last_val = NULL;
	for (k = 0; k < h->nr_few && h->few_keys[k] != id; k++)
		;
	if (k < h->nr_few) {
		h->few_vals[k] = evsel;
	} else if (k < ID_HASH_FEW) {
		h->few_keys[k] = id;
		h->few_vals[k] = evsel;
		h->nr_few++;
	} else {
		h->many = true;
	}
	if ((h->used + 1) * 2 > h->size)
		id_hash_grow(h);
	for (i = id_slot(h, id);; i = (i + 1) & (h->size - 1)) {
		if (!h->vals[i] || h->keys[i] == id) {
			h->used += !h->vals[i];
			h->keys[i] = id;
			h->vals[i] = evsel;
			return;
		}
	}
}

struct evsel *evsel_id_hash__find(const struct evsel_id_hash *h, u64 id)
{
	size_t i;

	if (!h->many) {
		u32 k;

		for (k = 0; k < h->nr_few; k++)
			if (h->few_keys[k] == id)
				return h->few_vals[k];
		return NULL;
	}
	for (i = id_slot(h, id);; i = (i + 1) & (h->size - 1)) {
		if (!h->vals[i])
			return NULL;
		if (h->keys[i] == id)
			return h->vals[i];
	}
}

void evsel_id_hash__exit(struct evsel_id_hash *h)
{
	free(h->keys);
	free(h->vals);
	memset(h, 0, sizeof(*h));
}

/* ---- a data file's events ---- */

/* Where the id sits: in a sample (from the start) and in a trailer (from the end). */
static void compute_id_pos(struct perf_data *d)
{
	u64 t = d->sample_type;
	int pos;

	if (t & PERF_SAMPLE_IDENTIFIER) {
		d->id_pos_sample = 0;
		d->id_pos_trailer = 1;
		return;
	}
	if (!(t & PERF_SAMPLE_ID)) {
		d->id_pos_sample = -1;
		d->id_pos_trailer = -1;
		return;
	}
	pos = 0;
	pos += !!(t & PERF_SAMPLE_IP);
	pos += !!(t & PERF_SAMPLE_TID);
	pos += !!(t & PERF_SAMPLE_TIME);
	pos += !!(t & PERF_SAMPLE_ADDR);
	d->id_pos_sample = pos;
	/* Trailer: TID TIME ID STREAM_ID CPU; counted from the end. */
	pos = 1;
	pos += !!(t & PERF_SAMPLE_CPU);
	pos += !!(t & PERF_SAMPLE_STREAM_ID);
	d->id_pos_trailer = pos;
}

/* @evsel (index d->nr_evsels) joins @d: the list, the id hash, the id position. */
static void perf_data__register(struct perf_data *d, struct evsel *evsel)
{
	u32 i;

	d->nr_ids_total += evsel->nr_ids;
	d->evsels = xrealloc(d->evsels, (d->nr_evsels + 1) * sizeof(*d->evsels));
	d->evsels[d->nr_evsels++] = evsel;
	if (evsel->idx == 0) {
		d->sample_type = evsel->attr.sample_type;
		d->sample_id_all = evsel->attr.sample_id_all;
		compute_id_pos(d);
	}
	for (i = 0; i < evsel->nr_ids; i++)
		evsel_id_hash__insert(&d->id_hash, evsel->ids[i], evsel);
}

struct evsel *perf_data__add_evsel(struct perf_data *d, const struct perf_event_attr *attr,
				   const u64 *ids, u32 nr_ids)
{
	struct evsel *evsel;

	if (d->nr_evsels >= MAX_EVSELS)
		return NULL;
	evsel = xzalloc(sizeof(*evsel));
	evsel__init(evsel, attr, d->nr_evsels);
	evsel->nr_ids = nr_ids;
	if (nr_ids) {
		evsel->ids = xcalloc(nr_ids, sizeof(u64));
		memcpy(evsel->ids, ids, nr_ids * sizeof(u64));
	}
	perf_data__register(d, evsel);
	return evsel;
}

int perf_data__share_evsels(struct perf_data *d, struct evsel *evsels, int nr)
{
	int i;

	if (d->nr_evsels)
		return -EBUSY;
	if (nr > MAX_EVSELS)
		return -E2BIG;
	for (i = 0; i < nr; i++) {
		evsels[i].idx = i;
		perf_data__register(d, &evsels[i]);
	}
	d->nr_evsels_shared = nr;
	return 0;
}

/* ---- sample parsing ---- */


struct evsel *perf_data__evsel_of(struct perf_data *d, const union perf_event *ev)
{
	size_t nwords;
	const u64 *body;
	u64 id;

	if (d->nr_evsels == 1)
		return d->evsels[0];
	if (d->nr_evsels == 0)
		return NULL;
	nwords = (ev->header.size - sizeof(struct perf_event_header)) / 8;
	body = (const u64 *)(&ev->header + 1);
	if (ev->header.type == PERF_RECORD_SAMPLE) {
		if (d->id_pos_sample < 0 || (size_t)d->id_pos_sample >= nwords)
			return d->evsels[0];
		id = body[d->id_pos_sample];
	} else {
		if (!d->sample_id_all || d->id_pos_trailer < 0 ||
		    (size_t)d->id_pos_trailer > nwords)
			return d->evsels[0];
		id = body[nwords - d->id_pos_trailer];
	}
	if (d->id_hash.last_val && d->id_hash.last_key == id)
		return d->id_hash.last_val;
	d->id_hash.last_key = id;
	d->id_hash.last_val = evsel_id_hash__find(&d->id_hash, id);
	return d->id_hash.last_val;
}

#define TAKE(dst) do {							\
	if (p >= end) return -EINVAL;					\
	(dst) = *p++;							\
} while (0)

/* The fields after the one-word ones, from @p (a sample of @evsel ending at @end). */
static __attribute__((noinline)) int parse_sample_rest(const struct evsel *evsel, const u64 *p,
						      const u64 *end, struct perf_sample *s)
{
	u64 type = evsel->attr.sample_type;
	u64 v;

	if (type & PERF_SAMPLE_READ) {
		u64 rf = evsel->attr.read_format, n = 1, per;
		const u64 *value = p;

		/* Every step is bounded: p never passes end. */
		if (rf & PERF_FORMAT_GROUP)
			TAKE(n);
		else
			TAKE(v);	/* value */
		if (rf & PERF_FORMAT_TOTAL_TIME_ENABLED)
			TAKE(v);
		if (rf & PERF_FORMAT_TOTAL_TIME_RUNNING)
			TAKE(v);
		per = (rf & PERF_FORMAT_GROUP) ? 1 : 0;
		per += !!(rf & PERF_FORMAT_ID) + !!(rf & PERF_FORMAT_LOST);
		if (!(rf & PERF_FORMAT_GROUP))
			n = 1;
		if (per && n > (u64)(end - p) / per)
			return -EINVAL;
		/*
		 * The values and their ids: a group's entries are {value,
		 * id, lost}; one value has the times between it and its id.
		 */
		if ((rf & PERF_FORMAT_ID) && n && n <= MAX_GROUP_READ) {
			s->read_nr = (u32)n;
			s->read_stride = (u32)per;
			s->read = (rf & PERF_FORMAT_GROUP) ? p : value;
			s->read_id = (rf & PERF_FORMAT_GROUP) ? 1 : (u32)(p - value);
		}
		p += per * n;
	}
	if (type & PERF_SAMPLE_CALLCHAIN) {
		TAKE(s->callchain_nr);
		if (s->callchain_nr > (u64)(end - p))
			return -EINVAL;
		s->callchain = p;
		p += s->callchain_nr;
	}
	/* And with -g, here. */
	if (!(type & ~(SAMPLE_FIXED | PERF_SAMPLE_READ | PERF_SAMPLE_CALLCHAIN)))
		return 0;
	if (type & PERF_SAMPLE_RAW) {
		u32 sz;

		if ((const u8 *)p + 4 > (const u8 *)end)
			return -EINVAL;
		memcpy(&sz, p, 4);
		/* The u32 size and the data are padded together to 8 bytes. */
		if (PERF_ALIGN((u64)sz + 4, 8) > (u64)((const u8 *)end - (const u8 *)p))
			return -EINVAL;
		s->raw_size = sz;
		s->raw_data = (const u8 *)p + 4;
		p = (const u64 *)((const u8 *)p + PERF_ALIGN((u64)sz + 4, 8));
	}
	if (type & PERF_SAMPLE_BRANCH_STACK) {
		u64 nr;

		TAKE(nr);
		if (evsel->attr.branch_sample_type & PERF_SAMPLE_BRANCH_HW_INDEX)
			TAKE(v);
		if (nr > (u64)(end - p) / 3)
			return -EINVAL;
		p += nr * 3;
	}
	if (type & PERF_SAMPLE_REGS_USER) {
		TAKE(s->user_regs_abi);
		if (s->user_regs_abi) {
			u64 n = (u64)__builtin_popcountll(evsel->attr.sample_regs_user);

			if (n > (u64)(end - p))
				return -EINVAL;
			s->user_regs_mask = evsel->attr.sample_regs_user;
			s->user_regs = p;
			p += n;
		}
	}
	if (type & PERF_SAMPLE_STACK_USER) {
		u64 sz;

		TAKE(sz);
		if (sz) {
			if (sz % 8 || sz / 8 > (u64)(end - p))
				return -EINVAL;
			s->user_stack = (const u8 *)p;
			p += sz / 8;
			TAKE(v);	/* dyn_size */
			s->user_stack_size = v < sz ? v : sz;
		}
	}
	if (type & (PERF_SAMPLE_WEIGHT | PERF_SAMPLE_WEIGHT_STRUCT))
		TAKE(v);
	if (type & PERF_SAMPLE_DATA_SRC)
		TAKE(v);
	if (type & PERF_SAMPLE_TRANSACTION)
		TAKE(v);
	if (type & PERF_SAMPLE_REGS_INTR) {
		TAKE(v);
		if (v) {
			u64 n = (u64)__builtin_popcountll(evsel->attr.sample_regs_intr);

			if (n > (u64)(end - p))
				return -EINVAL;
			p += n;
		}
	}
	if (type & PERF_SAMPLE_PHYS_ADDR)
		TAKE(v);
	if (type & PERF_SAMPLE_CGROUP)
		TAKE(v);
	if (type & PERF_SAMPLE_DATA_PAGE_SIZE)
		TAKE(v);
	if (type & PERF_SAMPLE_CODE_PAGE_SIZE)
		TAKE(v);
	if (type & PERF_SAMPLE_AUX) {
		u64 sz;

		TAKE(sz);
		if (PERF_ALIGN(sz, 8) / 8 > (u64)(end - p))
			return -EINVAL;
	}
	return 0;
}

/* How many of the one-word fields @type has (bits 0-3, 6-9 and 16). */
static inline size_t nr_fixed(u64 type)
{
	static const u8 bits4[16] = { 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4 };

	return bits4[type & 0xf] + bits4[(type >> 6) & 0xf] + ((type >> 16) & 1);
}

int perf_data__parse_sample(const struct perf_data *d, const struct evsel *evsel,
			    const union perf_event *ev, struct perf_sample *s)
{
	u64 type = evsel->attr.sample_type;
	const u64 *p = (const u64 *)(&ev->header + 1);
	const u64 *end = (const u64 *)((const u8 *)ev + ev->header.size);
	u64 v;

	(void)d;
	/* Field by field: a struct's worth of zeroes costs more, as rep stos. */
	s->ip = s->time = s->addr = s->id = s->stream_id = 0;
	s->pid = s->tid = s->cpu = (u32)-1;
	s->period = evsel->attr.freq ? 1 : evsel->attr.sample_period;
	s->cpumode = ev->header.misc & PERF_RECORD_MISC_CPUMODE_MASK;
	s->callchain_nr = s->user_regs_abi = s->user_regs_mask = s->user_stack_size = 0;
	s->callchain = s->user_regs = NULL;
	s->user_stack = NULL;
	s->raw_size = 0;
	s->raw_data = NULL;
	s->read_nr = 0;
	/* The one-word fields: one bound check for all of them. */
	if ((size_t)(end - p) < (evsel->fixed_for == type ? evsel->nr_fixed : nr_fixed(type)))
		return -EINVAL;
	if (type & PERF_SAMPLE_IDENTIFIER)
		s->id = *p++;
	if (type & PERF_SAMPLE_IP)
		s->ip = *p++;
	if (type & PERF_SAMPLE_TID) {
		v = *p++;
		s->pid = (u32)v;
		s->tid = (u32)(v >> 32);
	}
	if (type & PERF_SAMPLE_TIME)
		s->time = *p++;
	if (type & PERF_SAMPLE_ADDR)
		s->addr = *p++;
	if (type & PERF_SAMPLE_ID)
		s->id = *p++;
	if (type & PERF_SAMPLE_STREAM_ID)
		s->stream_id = *p++;
	if (type & PERF_SAMPLE_CPU)
		s->cpu = (u32)*p++;
	if (type & PERF_SAMPLE_PERIOD)
		s->period = *p++;
	/* What report records most (cpu-clock, with or without -g) ends here or soon after. */
	if (!(type & ~SAMPLE_FIXED))
		return 0;
	return parse_sample_rest(evsel, p, end, s);
}

int perf_data__parse_trailer(const struct perf_data *d, const union perf_event *ev,
			     struct perf_sample *s)
{
	u64 type = d->sample_type;
	size_t nwords = (ev->header.size - sizeof(struct perf_event_header)) / 8;
	const u64 *body = (const u64 *)(&ev->header + 1);
	size_t need = 0, i;
	const u64 *p;

	/* Only what a trailer holds: a whole struct's clearing was most of the work. */
	s->pid = s->tid = (u32)-1;
	s->cpu = (u32)-1;
	s->time = s->id = s->stream_id = 0;
	if (!d->sample_id_all)
		return -ENOENT;
	need += !!(type & PERF_SAMPLE_TID) + !!(type & PERF_SAMPLE_TIME) +
		!!(type & PERF_SAMPLE_ID) + !!(type & PERF_SAMPLE_STREAM_ID) +
		!!(type & PERF_SAMPLE_CPU) + !!(type & PERF_SAMPLE_IDENTIFIER);
	if (need > nwords)
		return -EINVAL;
	p = body + nwords - need;
	i = 0;
	if (type & PERF_SAMPLE_TID) {
		s->pid = (u32)p[i];
		s->tid = (u32)(p[i] >> 32);
		i++;
	}
	if (type & PERF_SAMPLE_TIME)
		s->time = p[i++];
	if (type & PERF_SAMPLE_ID)
		s->id = p[i++];
	if (type & PERF_SAMPLE_STREAM_ID)
		s->stream_id = p[i++];
	if (type & PERF_SAMPLE_CPU)
		s->cpu = (u32)p[i++];
	if (type & PERF_SAMPLE_IDENTIFIER)
		s->id = p[i++];
	return 0;
}
