/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_HEADER_H
#define PMUKVM_HEADER_H

/*
 * The feature sections of a data file. Each feature pmukvm knows is one
 * row of feat_ops[] (util/header.c) with its read (payload -> struct
 * header_info), its print (report --header) and its write (struct
 * header_info -> payload, in perf 6.1's encoding: /work/shared/PERF_DATA.md).
 * The reader (util/data.c) hands every feature section and pipe-mode
 * HEADER_FEATURE record to header__read_feature; the writers of record,
 * top and stat live encode through header__set_feature (util/features.c
 * gathers the host's values).
 */
#include <stdio.h>

#include "util/util.h"

struct buf;
struct evsel;
struct perf_data;
struct perf_writer;

enum {
	HEADER_TRACING_DATA = 1,
	HEADER_BUILD_ID,
	HEADER_HOSTNAME,
	HEADER_OSRELEASE,
	HEADER_VERSION,
	HEADER_ARCH,
	HEADER_NRCPUS,
	HEADER_CPUDESC,
	HEADER_CPUID,
	HEADER_TOTAL_MEM,
	HEADER_CMDLINE,
	HEADER_EVENT_DESC,
	HEADER_CPU_TOPOLOGY,
	HEADER_NUMA_TOPOLOGY,
	HEADER_BRANCH_STACK,
	HEADER_PMU_MAPPINGS,
	HEADER_GROUP_DESC,
	HEADER_AUXTRACE,
	HEADER_STAT,
	HEADER_CACHE,
	HEADER_SAMPLE_TIME,
	HEADER_MEM_TOPOLOGY,
	HEADER_CLOCKID,
	HEADER_DIR_FORMAT,
	HEADER_BPF_PROG_INFO,
	HEADER_BPF_BTF,
	HEADER_COMPRESSED,
	HEADER_CPU_PMU_CAPS,
	HEADER_CLOCK_DATA,
	HEADER_HYBRID_TOPOLOGY,
	HEADER_FEAT_BITS = 256,
};

/* pmukvm's own feature: guest symbol files stored in the file (id 200). */
#define HEADER_PMUKVM_GUEST_FILES 200

#define MAX_FEATURE_STRING	(1u << 20)
#define MAX_STRING_LIST		65536

/** struct build_id_entry - one entry of the BUILD_ID feature. */
struct build_id_entry {
	s32 pid;		/* -1 host, 0 default guest, else a guest's pid */
	u16 cpumode;
	u8 build_id[20];
	u8 size;
	char *filename;
};

/**
 * struct build_id_table - where a read file's BUILD_ID entries are. A file
 * may hold a million entries for a few thousand DSOs, so none is copied:
 * the feature's section is read again from the file when an entry is
 * asked for, and only the entries of a stream's records (pipe mode,
 * HEADER_BUILD_ID and HEADER_FEATURE records) are kept, as they came. An
 * entry is named by its place: offsets below @sec_len are the section's,
 * the rest @mem's.
 * @sec_off, @sec_len: the section in the file (@sec_len 0: none).
 * @mem, @mem_len: the stream's entries, one after another.
 * @keys: one for each host entry with a build-id and a cpumode that
 *	counts (header__find_build_id), the hash of its name above
 *	BID_KEY_OFF_BITS bits of its place; sorted on lookup, up to @nr_sorted.
 * @slots, @buckets: the section's keys once it is read whole (a section
 *	under 4 GB), 4 bytes each: @slots in the order of the sorted keys,
 *	each a few more bits of the hash above @off_bits bits of the place;
 *	@buckets (1 << @bucket_bits of them, and one past) where in @slots
 *	each bucket of the hash's top bits starts. @keys then holds only
 *	what the stream adds.
 * @nr: entries in all (bounded: MAX_BUILD_IDS).
 */
struct build_id_table {
	u64 sec_off, sec_len;
	u8 *mem;
	size_t mem_len, mem_alloc;
	u64 *keys;
	size_t nr_keys, alloc_keys, nr_sorted;
	u32 *slots, *buckets;
	u8 bucket_bits, off_bits;
	size_t nr;
};

#define MAX_BUILD_IDS		(1u << 20)
/* An entry is at most 65535 bytes: MAX_BUILD_IDS of them fit in 36 bits. */
#define BID_KEY_OFF_BITS	36

/**
 * struct event_group - a group the events were recorded in (perf record
 * -e '{a,b}'), from HEADER_GROUP_DESC: events @leader to @leader +
 * @nr_members - 1, in the file's order. @name: NULL for an anonymous one.
 */
struct event_group {
	char *name;
	u32 leader, nr_members;
};

/** struct header_info - the feature sections we understand. */
struct header_info {
	char *hostname, *osrelease, *version, *arch, *cpudesc, *cpuid;
	u32 nr_cpus_avail, nr_cpus_online;
	u64 total_mem;
	char **cmdline;
	u32 nr_cmdline;
	/* Writing: the BUILD_ID entries to write (a read file has none here). */
	struct build_id_entry *build_ids;
	size_t nr_build_ids;
	/* Reading: the file's BUILD_ID entries. */
	struct build_id_table bid;
	u64 first_sample_time, last_sample_time;
	bool has_sample_time;
	/* HEADER_COMPRESSED (perf record -z). */
	bool has_comp;
	u32 comp_version, comp_type, comp_level, comp_ratio, comp_mmap_len;
	/* pmukvm's own: guest symbol files carried in the file. */
	u8 *guest_files;
	size_t guest_files_size;
	/* HEADER_GROUP_DESC: checked against the events where they are known. */
	struct event_group *groups;
	u32 nr_groups;
	/* HEADER_TRACING_DATA, as stored: util/trace-event.c parses it. */
	u8 *tracing_data;
	size_t tracing_data_size;
	u64 tracing_data_offset;
};

/**
 * struct feat_src - what a feature's write encodes: @info's fields, and
 * for EVENT_DESC the events (@nr_evsels of them at @evsels).
 */
struct feat_src {
	const struct header_info *info;
	const struct evsel *evsels;
	int nr_evsels;
};

/**
 * struct feat_ops - one feature.
 * @id: HEADER_*.
 * @name: perf's name for it, for messages.
 * @label, @field: string features: "# @label : value", and where the
 *	char * sits in struct header_info.
 * @read: parses a payload of @len bytes at file offset @off into @d.
 *	Returns 0; -EBADMSG when malformed (header__read_feature names the
 *	feature, offset and size); another negative errno with @d->err set.
 * @print: its "# " lines, if the file has something to say.
 * @write: appends its payload to @out. Returns 0, or -ENODATA when @src
 *	holds nothing to write.
 * The table's order is the order report --header prints in.
 */
struct feat_ops {
	int id;
	const char *name;
	const char *label;
	size_t field;
	int (*read)(const struct feat_ops *ops, struct perf_data *d, const u8 *p, size_t len,
		    u64 off);
	void (*print)(const struct feat_ops *ops, const struct perf_data *d, FILE *fp);
	int (*write)(const struct feat_ops *ops, const struct feat_src *src, struct buf *out);
};

extern const struct feat_ops feat_ops[];
extern const size_t nr_feat_ops;

/** feat_ops__find - the row of feature @feat, or NULL when pmukvm does not know it. */
const struct feat_ops *feat_ops__find(int feat);

/**
 * header__read_feature - parses the payload of feature @feat (@len bytes
 * at file offset @off) into @d; a feature without a row is skipped.
 * Returns 0 or a negative errno with @d->err set.
 */
int header__read_feature(struct perf_data *d, int feat, const u8 *p, size_t len, u64 off);

/** header_info__free_groups - forgets @hi's event groups (HEADER_GROUP_DESC). */
void header_info__free_groups(struct header_info *hi);

/**
 * header__read_build_ids - BUILD_ID records in memory (a HEADER_FEATURE
 * record's payload, or a pipe's HEADER_BUILD_ID record, @len bytes at file
 * offset @off), checked and copied into @d->info.bid. Returns 0 or -EINVAL
 * with @d->err set.
 */
int header__read_build_ids(struct perf_data *d, const u8 *p, size_t len, u64 off);

/**
 * header__read_build_id_section - checks the BUILD_ID feature's section
 * (@len bytes at file offset @off), read a piece at a time, and indexes
 * its host entries in @d->info.bid; the entries stay in the file. Returns
 * 0 or a negative errno with @d->err set.
 */
int header__read_build_id_section(struct perf_data *d, u64 off, u64 len);

/**
 * header__for_each_build_id - calls @fn on each BUILD_ID entry of @d in
 * file order (the section's, then the stream's), until it returns non-zero.
 * @e and its filename last for the call only. Returns 0, @fn's value, or
 * a negative errno when the file cannot be read again.
 */
int header__for_each_build_id(const struct perf_data *d,
			      int (*fn)(const struct build_id_entry *e, void *arg), void *arg);

/**
 * header__find_build_id - the build-id of the last host entry (pid -1,
 * size not 0, cpumode a kernel's or user space's) for file @name, as perf
 * report takes it: copied to @bid (20 bytes). Returns its size, or 0 when
 * there is none.
 */
u8 header__find_build_id(const struct perf_data *d, const char *name, u8 *bid);

/** build_id_table__exit - frees what @t holds. */
void build_id_table__exit(struct build_id_table *t);

/** header__reads - whether feature @feat is read (its section is worth loading). */
bool header__reads(int feat);

/**
 * header__write_feature - appends @feat's payload, encoded from @src, to
 * @out. Returns 0, -ENODATA (nothing to write) or -ENOENT (no writer).
 */
int header__write_feature(int feat, const struct feat_src *src, struct buf *out);

/**
 * header__set_feature - header__write_feature into @w's feature @feat.
 * Returns 0 or header__write_feature's error (nothing is set then).
 */
int header__set_feature(struct perf_writer *w, int feat, const struct feat_src *src);

/**
 * header__put_string - perf's string encoding: u32 length, then the bytes
 * NUL-padded to a multiple of 64.
 */
void header__put_string(struct buf *out, const char *s);

/**
 * build_id__add - appends one BUILD_ID feature record: @pid -1 host, 0
 * default guest; @cpumode PERF_RECORD_MISC_*; @bid of @size bytes.
 */
void build_id__add(struct buf *fb, s32 pid, u16 cpumode, const u8 *bid, u8 size,
		   const char *filename);

/**
 * perf_data__fprintf_header - prints what the file and its features say,
 * perf-style "# " lines: the rows of feat_ops[] in order.
 */
void perf_data__fprintf_header(const struct perf_data *data, FILE *fp);

#endif
