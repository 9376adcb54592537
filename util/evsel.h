/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_EVSEL_H
#define PMUKVM_EVSEL_H

/*
 * Events: struct evsel (read from a file, or to open live), the event-name
 * table used both ways (-e NAME -> attr, attr -> name), the id -> evsel
 * hash, and the parsing of a sample and of a sample_id_all trailer.
 */
#include <linux/perf_event.h>
#include <stddef.h>

#include "util/event.h"
#include "util/util.h"

struct perf_data;

/**
 * struct evsel - one event: of a data file (perf_data's evsels), or to
 * open (an evlist's, where @ids are filled by evlist__open, one per fd,
 * from PERF_EVENT_IOC_ID).
 */
struct evsel {
	struct perf_event_attr attr;	/* read: zero-filled past the file's attr.size */
	char *name;			/* owned; read: from EVENT_DESC, else made from attr */
	u64 *ids;			/* owned */
	u32 nr_ids;
	int idx;
	int time_pos;			/* u64 index of TIME in a sample, -1 none */
	int cpu_pos;			/* u64 index of CPU in a sample, -1 none */
	/* How many one-word fields open a sample of sample_type fixed_for. */
	u64 fixed_for;
	u32 nr_fixed;
	/* Counted while reading. */
	u64 nr_samples;
	u64 total_period;
	u64 nr_lost_samples;
};

/**
 * evsel__init - @attr copied, index @idx, the rest empty: a zeroed evsel
 * made ready (time_pos and cpu_pos from the sample_type).
 */
void evsel__init(struct evsel *evsel, const struct perf_event_attr *attr, int idx);

/** evsel__exit - frees what an evsel owns (name, ids); evsel__delete frees it too. */
void evsel__exit(struct evsel *evsel);
void evsel__delete(struct evsel *evsel);

/** evsel__name_from_attr - a name like perf's for an attr; malloc'ed, caller frees. */
char *evsel__name_from_attr(const struct perf_event_attr *attr);

struct evsel;
/** evsel__name_dup - @evsel's name (the file's, else from its attr); caller frees. */
char *evsel__name_dup(const struct evsel *evsel);

/**
 * perf_data__add_evsel - registers an event of @data (its attrs, a pipe's
 * HEADER_ATTR, a live source's events): @attr and @ids are copied, the ids
 * go into @data's id hash. Returns the new evsel (owned by @data), or
 * NULL past MAX_EVSELS.
 */
struct evsel *perf_data__add_evsel(struct perf_data *data, const struct perf_event_attr *attr,
				   const u64 *ids, u32 nr_ids);

/**
 * perf_data__share_evsels - makes the @nr events opened live (an evlist's
 * array) the events of @data, which has none yet: @data refers to them,
 * ids and all, and does not free them, so they must outlive it. Returns
 * 0, -EBUSY when @data has events already, or -E2BIG past MAX_EVSELS.
 */
int perf_data__share_evsels(struct perf_data *data, struct evsel *evsels, int nr);

/**
 * struct evsel_id_hash - sample id -> evsel, open addressing; keys are
 * hashed with a per-run key so that a file cannot make them collide.
 * Zeroed is empty.
 */
#define ID_HASH_FEW	8
struct evsel_id_hash {
	u64 *keys;
	struct evsel **vals;
	size_t size, used;
	/*
	 * While there are at most ID_HASH_FEW ids (a recording of a few
	 * events on a few CPUs), they are looked up here, by a scan that
	 * costs less than hashing one id: every sample asks.
	 */
	u64 few_keys[ID_HASH_FEW];
	struct evsel *few_vals[ID_HASH_FEW];
	u32 nr_few;
	bool many;		/* more ids than that: the hash alone */
	/*
	 * The last id perf_data__evsel_of found, and its event: a file's
	 * records come a CPU's buffer at a time, mostly one id after another.
	 * NULL after every insert.
	 */
	u64 last_key;
	struct evsel *last_val;
};

/** evsel_id_hash__insert - maps @id to @evsel (replacing what it mapped to). */
void evsel_id_hash__insert(struct evsel_id_hash *h, u64 id, struct evsel *evsel);

/** evsel_id_hash__find - the evsel of @id, or NULL. */
struct evsel *evsel_id_hash__find(const struct evsel_id_hash *h, u64 id);

void evsel_id_hash__exit(struct evsel_id_hash *h);

/** perf_data__evsel - the event a record belongs to, or NULL. */
struct evsel *perf_data__evsel_of(struct perf_data *data, const union perf_event *event);

/**
 * perf_data__parse_sample - fills *sample from a SAMPLE record of @evsel.
 * Returns 0 or -EINVAL when the record is too short for its sample_type.
 */
int perf_data__parse_sample(const struct perf_data *data, const struct evsel *evsel,
			    const union perf_event *event, struct perf_sample *sample);

/**
 * perf_data__parse_trailer - time, cpu, pid/tid, id and stream_id of a
 * non-sample record's sample_id_all trailer (0, or (u32)-1 for pid, tid
 * and cpu, where the trailer has none); the rest of *sample is not
 * touched. Returns 0, or -ENOENT when there is no trailer.
 */
int perf_data__parse_trailer(const struct perf_data *data, const union perf_event *event,
			     struct perf_sample *sample);

/**
 * struct event_spec - one event as perf writes it on a command line:
 * NAME[/TERMS/][:MODIFIERS].
 * @attr: type and config; from the modifiers exclude_user/kernel/hv
 *	(u k h: count only those named), exclude_guest/host (G H), precise_ip
 *	(p, pp, ppp), exclude_idle (I); from the terms sample_period
 *	(period=N) or freq and sample_freq (freq=N).
 * @name: the spec as given (for EVENT_DESC, as perf names events).
 * @has_ukh, @has_GH, @has_period: which of those the spec decided, so that
 *	the command's defaults (--host/--guest, -F/-c) leave them alone.
 */
struct event_spec {
	struct perf_event_attr attr;
	char name[128];
	bool has_ukh, has_GH, has_period;
	bool sample_read;	/* S: its samples read the counters (a group's: the leader samples) */
};

/**
 * event_spec__parse - parses one event spec into @spec. Names: perf's
 * hardware and software event names and aliases (event_name__nth), rNNNN
 * (raw hex code). Terms: period=N, freq=N. Returns 0, -ENOENT for a name
 * not known (a sys:name tracepoint belongs to a parser of its own, which
 * slots in where -ENOENT is returned), -EINVAL for bad terms or modifiers.
 */
int event_spec__parse(const char *str, struct event_spec *spec);

/**
 * event_list__split - the comma list of -e into specs, commas between
 * slashes (terms) kept. Returns a NULL-terminated array (*nr entries),
 * owned by the caller: free with event_list__free.
 */
char **event_list__split(const char *list, int *nr);
void event_list__free(char **list);

/**
 * event_name__parse - type and config of an event spec (modifiers and
 * terms are checked but not applied). Returns 0 or -EINVAL.
 */
int event_name__parse(const char *name, struct perf_event_attr *attr);

/**
 * event_name__nth - the @i-th known event name (for help and shell
 * completion), NULL past the last.
 */
const char *event_name__nth(size_t i);

/* The names and forms event_spec__parse knows, for messages and help. */
extern const char event_names_known[];

#endif
