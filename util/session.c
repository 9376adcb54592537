// SPDX-License-Identifier: GPL-2.0
/*
 * A session reads records, puts them in time order and hands them to the
 * machine model and the tool. Ordering follows perf's rounds: at each
 * FINISHED_ROUND, records up to the newest timestamp of the previous round
 * are sorted and delivered; the rest wait.
 */
#include "util/session.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/options.h"

#define ARENA_SIZE	(1u << 20)
#define QUEUE_MAX_BYTES	(256u << 20)
/* Queue nodes kept allocated however few wait (64 KiB). */
#define QUEUE_KEEP	4096u
/*
 * Only a queue array past this many nodes (256 KiB) is shrunk: one that
 * waits for a few thousand records, more or less from flush to flush,
 * would be shrunk and grown again each time (queue_make_room grows it
 * when half of it waits).
 */
#define QUEUE_SHRINK	(4 * QUEUE_KEEP)

/*
 * Queued copies live in 1 MiB arenas, each freed when its last record has
 * been delivered: records wait in place, nothing is copied twice. Records
 * read in place (the map, or its chunks) are not copied at all. In front
 * of each copy: its offset and its arena, for the 16-byte queue node that
 * holds only the copy's address.
 */
struct arena {
	size_t used, live;
	u8 mem[] __attribute__((aligned(8)));
};

struct arena_rec {
	u64 offset;
	struct arena *arena;
};

static union perf_event *arena_copy(struct session *s, const union perf_event *ev, u64 off)
{
	size_t size = ev->header.size;
	struct arena *a = s->arena;
	struct arena_rec *r;

	if (!a || a->used + sizeof(*r) + size > ARENA_SIZE) {
		if (a && !a->live)
			free(a);
		a = s->arena = xmalloc(sizeof(*a) + ARENA_SIZE);
		a->used = a->live = 0;
	}
	r = (struct arena_rec *)(a->mem + a->used);
	r->offset = off;
	r->arena = a;
	memcpy(r + 1, ev, size);
	/* The next copy 8-aligned too (decompressed records may be of any size). */
	a->used += sizeof(*r) + PERF_ALIGN(size, 8);
	a->live++;
	s->queued_bytes += size;
	return (union perf_event *)(r + 1);
}

/*
 * A queue node's ref: where the record is (perf_data__where in place, the
 * copy's address otherwise: both multiples of 8), and in its low 3 bits
 * the index + 1 of the sample's event when that is below 7 (0: none, or
 * look it up again).
 */
#define OE_EVSEL_MASK	7ull

/* The record @oe stands for. */
static inline union perf_event *oe_event(struct session *s, const struct ordered_event *oe)
{
	u64 where = oe->ref & ~OE_EVSEL_MASK;

	if (s->in_place)
		return perf_data__event_at(s->data, where);
	return (union perf_event *)(uintptr_t)where;
}

/* Its offset in the input (@ev: oe_event's answer). */
static inline u64 oe_offset(struct session *s, const struct ordered_event *oe,
			    const union perf_event *ev)
{
	if (s->in_place)
		return perf_data__where_offset(s->data, oe->ref & ~OE_EVSEL_MASK);
	return ((const struct arena_rec *)ev - 1)->offset;
}

/* The sample's event, as found when it was queued; NULL: deliver() looks. */
static inline struct evsel *oe_evsel(struct session *s, const struct ordered_event *oe)
{
	u64 i = oe->ref & OE_EVSEL_MASK;

	return i ? s->data->evsels[i - 1] : NULL;
}

/* @oe (record @ev) is no longer queued. */
static inline void oe_release(struct session *s, const struct ordered_event *oe,
		       const union perf_event *ev)
{
	struct arena *a;

	s->queued_bytes -= ev->header.size;
	if (s->in_place) {
		perf_data__drop(s->data, oe->ref & ~OE_EVSEL_MASK);
		return;
	}
	a = ((const struct arena_rec *)ev - 1)->arena;
	if (--a->live == 0 && a != s->arena)
		free(a);
}

struct session *session__new(struct perf_data *data, struct perf_tool *tool,
			     const struct guest_config *gc, struct err *err)
{
	static const struct guest_config none;
	struct session *s = xzalloc(sizeof(*s));

	s->data = data;
	s->in_place = data->in_place;
	s->tool = tool;
	/*
	 * A map a 16 bytes of data (about twice the data's size in maps,
	 * 2.3 GB at the least): what a real file's forks copy, where a
	 * crafted one whose forks each copy 20,000 maps would ask for 400
	 * times its size.
	 */
	maps__set_limit(data->data_size / 16);
	machines__init(&s->machines, data);
	if (!gc)
		gc = &none;
	if (machines__setup_guests(&s->machines, gc->kallsyms, gc->modules, gc->vmlinux,
				   gc->mount, err)) {
		session__delete(s);
		return NULL;
	}
	s->progress = isatty(2) && !verbose;
	s->progress_delay_ns = 1000000000ull;
	if (getenv("PMUKVM_PROGRESS_DELAY_MS"))
		s->progress_delay_ns = strtoull(getenv("PMUKVM_PROGRESS_DELAY_MS"), NULL, 10) *
				       1000000ull;
	return s;
}

void session__delete(struct session *s)
{
	size_t i;

	if (!s)
		return;
	machines__exit(&s->machines);
	for (i = s->queue_head; !s->in_place && i < s->nr_queued; i++)
		oe_release(s, &s->queue[i], oe_event(s, &s->queue[i]));
	if (s->arena && !s->arena->live)
		free(s->arena);
	free(s->queue);
	free(s->runs);
	free(s->cpu_last);
	free(s->plan);
	u64_index__exit(&s->read_ids);
	free(s->read_vals);
	free(s);
}

static int session__err(struct session *s, int err, const char *fmt, ...) __printf(3, 4);

static int session__err(struct session *s, int err, const char *fmt, ...)
{
	struct err *e = &s->err;
	va_list ap;

	va_start(ap, fmt);
	err__vset(e, err, fmt, ap);
	va_end(ap);
	return err__prefix(e, "%s: ", s->data->path);
}

/* A sample (of @evsel, @sample->period its own) to the tool: counted, resolved, given. */
static inline __attribute__((always_inline)) int deliver_sample(struct session *s,
								struct evsel *evsel,
								struct perf_sample *sample)
{
	struct addr_location al;

	evsel->nr_samples++;
	evsel->total_period += sample->period;
	if (s->tool && s->tool->skip && s->tool->skip(s->tool, evsel, sample))
		return 0;
	/*
	 * A tool that takes no samples (report --stats, -D, --tasks)
	 * needs no symbols: perf report --stats resolves none either.
	 */
	if (s->tool && !s->tool->sample && !s->tool->defer_symbols)
		return 0;
	if (s->tool && s->tool->defer_symbols)
		s->has_lookup = machines__resolve_map(&s->machines, sample, &al, &s->lookup);
	else
		machines__resolve(&s->machines, sample, &al);
	if (s->tool && s->tool->sample)
		return s->tool->sample(s->tool, s, evsel, sample, &al);
	return 0;
}

/* The value id @id had before this one, @value (0 the first time), kept for the next. */
static u64 read_last__swap(struct session *s, u64 id, u64 value)
{
	bool added;
	u32 i = u64_index__add(&s->read_ids, id, &added);
	u64 old = 0;

	if (added)
		ALLOC_GROW(s->read_vals, (size_t)i + 1, s->alloc_read_vals);
	else
		old = s->read_vals[i];
	s->read_vals[i] = value;
	return old;
}

/*
 * A sample that read its counters (PERF_SAMPLE_READ, with their ids), as
 * perf report takes it: a sample for each value's event, its period the
 * value's change since that id's last read (from 0), none where it did not
 * change; an id of no event is counted as one (the header says how many).
 */
static int deliver_read(struct session *s, struct perf_sample *sample)
{
	const struct perf_data *d = s->data;
	u32 i;
	int err;

	for (i = 0; i < sample->read_nr; i++) {
		u64 value = sample->read[(size_t)i * sample->read_stride];
		u64 id = sample->read[(size_t)i * sample->read_stride + sample->read_id];
		struct evsel *evsel = evsel_id_hash__find(&d->id_hash, id);

		if (!evsel) {
			s->stats.nr_no_evsel++;
			continue;
		}
		sample->id = id;
		sample->period = value - read_last__swap(s, id, value);
		if (!sample->period)
			continue;
		err = deliver_sample(s, evsel, sample);
		if (err)
			return err;
	}
	return 0;
}

static int deliver(struct session *s, union perf_event *ev, u64 off, struct evsel *evsel)
{
	struct perf_data *d = s->data;
	struct perf_sample sample;
	u32 type = ev->header.type;
	int err;

	if (type <= PERF_RECORD_FINISHED_INIT)
		s->stats.nr_events[type]++;
	if (s->tool && s->tool->record)
		s->tool->record(s->tool, s, ev, off, true);
	switch (type) {
	case PERF_RECORD_SAMPLE: {
		if (!evsel)
			evsel = perf_data__evsel_of(d, ev);
		if (!evsel) {
			s->stats.nr_no_evsel++;
			return 0;
		}
		if (perf_data__parse_sample(d, evsel, ev, &sample))
			return session__err(s, -EINVAL, "sample record at %#" PRIx64 " (size %u) "
					    "is too short for its sample_type %#" PRIx64, off,
					    ev->header.size, (u64)evsel->attr.sample_type);
		s->stats.nr_samples++;
		if (__builtin_expect(sample.read_nr != 0, 0))
			return deliver_read(s, &sample);
		return deliver_sample(s, evsel, &sample);
	}
	case PERF_RECORD_LOST:
		if (ev->header.size < sizeof(struct lost_event))
			return session__err(s, -EINVAL, "LOST record at %#" PRIx64 " is too short",
					    off);
		s->stats.nr_lost_events++;
		s->stats.nr_lost += ev->lost.lost;
		return 0;
	case PERF_RECORD_LOST_SAMPLES:
		if (ev->header.size < sizeof(struct lost_samples_event))
			return session__err(s, -EINVAL, "LOST_SAMPLES record at %#" PRIx64
					    " is too short", off);
		s->stats.nr_lost_samples += ev->lost_samples.lost;
		evsel = perf_data__evsel_of(d, ev);
		if (evsel)
			evsel->nr_lost_samples += ev->lost_samples.lost;
		return 0;
	case PERF_RECORD_READ:
		if (ev->header.size < sizeof(struct read_event))
			return session__err(s, -EINVAL, "READ record at %#" PRIx64 " is too short",
					    off);
		if (!s->tool || !s->tool->read)
			return 0;
		if (!evsel)
			evsel = perf_data__evsel_of(d, ev);
		if (!evsel) {
			s->stats.nr_no_evsel++;
			return 0;
		}
		return s->tool->read(s->tool, evsel, ev->read.pid, ev->read.tid, ev->read.value);
	case PERF_RECORD_THROTTLE:
		s->stats.nr_throttle++;
		return 0;
	case PERF_RECORD_UNTHROTTLE:
		s->stats.nr_unthrottle++;
		return 0;
	case PERF_RECORD_MMAP:
	case PERF_RECORD_MMAP2:
	case PERF_RECORD_COMM:
	case PERF_RECORD_FORK:
	case PERF_RECORD_EXIT:
		err = machines__process_event(&s->machines, ev);
		if (err == -E2BIG)
			return session__err(s, err, "MMAP record at %#" PRIx64 ": its process's "
					    "copy of the maps it forked with would take all "
					    "processes' maps past %" PRIu64 " (forks that each "
					    "copy a large address space; PMUKVM_MAX_MAPS sets "
					    "the limit); not read further",
					    off, maps__limit());
		if (err)
			return session__err(s, err, "record at %#" PRIx64 " (type %u, size %u) is "
					    "too short for its type", off, type, ev->header.size);
		return 0;
	default:
		if (type < PERF_RECORD_HEADER_ATTR)
			s->stats.nr_unknown += type > PERF_RECORD_TEXT_POKE;
		return 0;
	}
}

/* ---- the ordering queue ---- */

/*
 * In the queue, records of equal time lie in the order they came (true of
 * what is appended, kept by the flush's compaction and by sort_runs, which
 * is stable): so (time, position) orders them as (time, arrival) would.
 */
static bool oe_before_v(const void *a, const void *b)
{
	return ((const struct ordered_event *)a)->time < ((const struct ordered_event *)b)->time;
}

/* A sorted run of the queue being merged: its next record's time and position, its end. */
struct queue_run {
	u64 time;
	size_t cur, end;
};

static inline bool run_before(const struct queue_run *a, const struct queue_run *b)
{
	return a->time < b->time || (a->time == b->time && a->cur < b->cur);
}

static int run_cmp_pos(const void *a, const void *b)
{
	size_t x = ((const struct queue_run *)a)->cur, y = ((const struct queue_run *)b)->cur;

	return x < y ? -1 : x > y;
}

/* Min-heap of runs: heap[i] sinks to its place. */
static inline void heap_down(struct queue_run *heap, size_t n, size_t i)
{
	struct queue_run x = heap[i];

	for (;;) {
		size_t l = 2 * i + 1, m;

		if (l >= n)
			break;
		m = l + 1 < n && run_before(&heap[l + 1], &heap[l]) ? l + 1 : l;
		if (!run_before(&heap[m], &x))
			break;
		heap[i] = heap[m];
		i = m;
	}
	heap[i] = x;
}

/*
 * A mapped file: what it holds before every record still queued, and
 * before the read position, is not needed again (chunks go as their
 * records are delivered: oe_release). Records come from the file in
 * order, so what is queued later lies after what waits now: the bound
 * moves only here, after a flush.
 */
static void session__release(struct session *s)
{
	struct perf_data *d = s->data;
	u64 low = d->buf_file_off + d->buf_pos;
	size_t i;

	/* What is queued can only lower the bound: nothing to scan for yet. */
	if (!d->in_place || !perf_data__release_before_due(d, low))
		return;
	if (s->nr_queued > s->queue_head) {
		/* Where orders records as their offsets do. */
		u64 where = UINT64_MAX;

		for (i = s->queue_head; i < s->nr_queued; i++)
			if (s->queue[i].ref < where)
				where = s->queue[i].ref;
		where = perf_data__where_offset(d, where & ~OE_EVSEL_MASK);
		if (where < low)
			low = where;
	}
	perf_data__release_before(d, low);
}

/* Delivers the queued record @oe and lets it go. */
static inline __attribute__((always_inline)) int
deliver_queued(struct session *s, const struct ordered_event *oe)
{
	struct perf_data *d = s->data;
	u64 where = oe->ref & ~OE_EVSEL_MASK;
	union perf_event *ev;
	int err;

	if (s->in_place && d->chunked) {
		/* The chunk looked up once for the record, its offset and its count. */
		struct data_chunk *c = perf_data__chunk_at(d, where);

		ev = perf_data__chunk_event(c, where);
		err = deliver(s, ev, perf_data__chunk_offset(c, where), oe_evsel(s, oe));
		s->queued_bytes -= ev->header.size;
		perf_data__chunk_put(d, c, where);
	} else {
		ev = oe_event(s, oe);
		err = deliver(s, ev, oe_offset(s, oe, ev), oe_evsel(s, oe));
		oe_release(s, oe, ev);
	}
	return err;
}

/*
 * The queue's room: what waits moves to the front, and the array grows
 * when that leaves it two thirds full. Each move then makes room for a
 * third of the array or more (two entries moved for each one appended,
 * at most), and the array is 1.5 to 2.25 times what waits where it
 * grew (2 to 3 times when it grew at half full: 16 bytes a record).
 */
static void queue_make_room(struct session *s)
{
	size_t n = s->nr_queued - s->queue_head;

	if (s->queue_head) {
		memmove(s->queue, s->queue + s->queue_head, n * sizeof(*s->queue));
		s->queue_head = 0;
		s->nr_queued = n;
	}
	ALLOC_GROW(s->queue, s->nr_queued + s->nr_queued / 2 + 1, s->alloc_queued);
}

/*
 * Delivers queued records with time <= @limit (all of them for UINT64_MAX),
 * in (time, arrival) order. The queue is a few sorted runs (each CPU's
 * buffer, and what waited from the last flush): they are merged on the
 * fly from a small heap, so records are neither sorted nor copied; the
 * last run left (input in time order has only one) is read straight
 * through. What still waits is packed against the queue's end, where the
 * next records are appended: what is left of one run (input in time
 * order) is not moved at all.
 */
static int queue_flush(struct session *s, u64 limit)
{
	size_t n = s->nr_queued - s->queue_head, nr_runs = 0, i, hn, dst;
	struct ordered_event *q;
	struct queue_run *heap;
	u64 last = s->last_flush;
	int err = 0;

	if (!n)
		return 0;	/* the queue may not exist yet: no pointer into it */
	q = s->queue + s->queue_head;
	/* Nothing came older than what came before it: the queue is one run. */
	for (i = s->queue_runs ? 0 : n; i < n; i++) {
		if (i && q[i].time >= q[i - 1].time)
			continue;
		ALLOC_GROW(s->runs, nr_runs + 1, s->alloc_runs);
		if (nr_runs)
			s->runs[nr_runs - 1].end = i;
		s->runs[nr_runs].time = q[i].time;
		s->runs[nr_runs++].cur = i;
	}
	if (!nr_runs) {
		ALLOC_GROW(s->runs, 1, s->alloc_runs);
		s->runs[0].time = q[0].time;
		s->runs[nr_runs++].cur = 0;
	}
	s->runs[nr_runs - 1].end = n;
	heap = s->runs;
	hn = nr_runs;
	for (i = hn / 2; i-- > 0;)
		heap_down(heap, hn, i);
	while (hn && heap[0].time <= limit) {
		struct queue_run *r = &heap[0];
		const struct ordered_event *oe = &q[r->cur];

		if (hn == 1) {
			/* One run left (input in time order: the only one): no heap. */
			size_t j = r->cur, end = r->end;

			while (j < end && q[j].time <= limit) {
				err = deliver_queued(s, &q[j++]);
				if (err)
					break;
			}
			r->cur = j;
			last = q[j - 1].time;
			if (j == end)
				hn = 0;
			else
				r->time = q[r->cur].time;
			break;
		}
		err = deliver_queued(s, oe);
		last = oe->time;
		if (++r->cur == r->end)
			heap[0] = heap[--hn];
		else
			r->time = oe[1].time;
		heap_down(heap, hn, 0);
		if (err)
			break;
	}
	if (err) {
		/* Nothing more is delivered: all that waits is let go. */
		for (i = 0; i < hn; i++)
			for (; heap[i].cur < heap[i].end; heap[i].cur++)
				oe_release(s, &q[heap[i].cur], oe_event(s, &q[heap[i].cur]));
		hn = 0;
	}
	s->last_flush = last;
	/* One run left, all of it no newer than max_timestamp: appending keeps it one. */
	s->queue_runs = hn > 1;
	/*
	 * What waits keeps its order: the runs left, in the order of their
	 * positions (the heap holds them in its own order), packed from the
	 * last backwards so that each moves up, if at all.
	 */
	if (hn > 1)
		qsort(heap, hn, sizeof(*heap), run_cmp_pos);
	dst = n;
	for (i = hn; i-- > 0;) {
		size_t len = heap[i].end - heap[i].cur;

		dst -= len;
		if (dst != heap[i].cur)
			memmove(q + dst, q + heap[i].cur, len * sizeof(*q));
	}
	s->queue_head += dst;
	if (s->queue_head == s->nr_queued)
		s->queue_head = s->nr_queued = 0;
	/*
	 * A queue that held many (input without rounds, before the first
	 * watermark) and now holds few gives the room back.
	 */
	if (s->alloc_queued > QUEUE_SHRINK && n - dst < s->alloc_queued / 8) {
		size_t kept = n - dst;

		memmove(s->queue, s->queue + s->queue_head, kept * sizeof(*s->queue));
		s->queue_head = 0;
		s->nr_queued = kept;
		s->alloc_queued = kept * 2 > QUEUE_KEEP ? kept * 2 : QUEUE_KEEP;
		s->queue = xrealloc(s->queue, s->alloc_queued * sizeof(*s->queue));
	}
	session__release(s);
	return err;
}

/* CPUs beyond this are not tracked: such a record ends the watermark. */
#define MAX_STREAM_CPUS		65536
/* Records queued between two looks at the watermark. */
#define WATERMARK_STEP		1024
/*
 * Records queued before the first look: every CPU with records should
 * have shown up by then (perf drains each CPU's buffer in turn).
 */
#define WATERMARK_WARMUP	65536

/*
 * Notes @time as CPU @cpu's newest. Records come from per-CPU buffers,
 * each in time order: once every CPU seen has gone past T, nothing older
 * than T can follow.
 */
static void stream_note(struct session *s, u32 cpu, u64 time)
{
	/* No CPU (synthesized records, or none in sample_type): no stream. */
	if (!s->streams || s->no_streams || cpu == (u32)-1)
		return;
	if (cpu >= MAX_STREAM_CPUS) {
		s->no_streams = true;	/* no CPU to tell streams apart */
		return;
	}
	if (cpu >= s->nr_cpu_last) {
		u32 n = s->nr_cpu_last ? s->nr_cpu_last : 64;

		while (n <= cpu)
			n *= 2;
		s->cpu_last = xrealloc(s->cpu_last, n * sizeof(*s->cpu_last));
		memset(s->cpu_last + s->nr_cpu_last, 0,
		       (n - s->nr_cpu_last) * sizeof(*s->cpu_last));
		s->nr_cpu_last = n;
	}
	if (s->watermark && time < s->watermark) {
		/*
		 * Older than what was delivered: this input's CPUs are not
		 * each in time order. From here on the queue holds everything
		 * (up to its byte bound), as perf's does.
		 */
		s->no_streams = true;
		return;
	}
	/* +1: 0 marks a CPU not seen. */
	if (time + 1 > s->cpu_last[cpu])
		s->cpu_last[cpu] = time + 1;
}

/*
 * Without rounds, delivers what is no newer than the oldest of the CPUs'
 * newest times, every WATERMARK_STEP records: time-ordered input streams
 * in constant memory. A CPU that falls silent holds the mark back; the
 * queue's byte bound still holds then.
 */
static int stream_watermark(struct session *s)
{
	u64 wm = UINT64_MAX;
	u32 c;

	if (!s->streams || s->seen_round || s->no_streams ||
	    ++s->since_watermark < WATERMARK_STEP ||
	    s->seq < WATERMARK_WARMUP)
		return 0;
	s->since_watermark = 0;
	for (c = 0; c < s->nr_cpu_last; c++)
		if (s->cpu_last[c] && s->cpu_last[c] - 1 < wm)
			wm = s->cpu_last[c] - 1;
	if (wm == UINT64_MAX || (s->watermark && wm <= s->watermark))
		return 0;
	s->watermark = wm;
	return queue_flush(s, wm);
}

/*
 * Inlined into session__process_event: called, its register saves and
 * restores were 22 of its 60 instructions a record (callgrind, host file).
 */
static inline __attribute__((always_inline)) int
queue_event(struct session *s, union perf_event *ev, u64 time, u64 off, struct evsel *evsel,
	    u32 cpu)
{
	struct ordered_event *oe;

	if (time < s->last_flush)
		s->stats.nr_unordered++;
	if (s->nr_queued == s->alloc_queued)
		queue_make_room(s);
	oe = &s->queue[s->nr_queued++];
	oe->time = time;
	s->seq++;
	if (s->in_place) {
		/* In the map or a chunk: valid until session__release passes it. */
		oe->ref = perf_data__where(s->data, ev, off);
		perf_data__hold(s->data);
		s->queued_bytes += ev->header.size;
	} else {
		oe->ref = (uintptr_t)arena_copy(s, ev, off);
	}
	/* evsel is one of s->data's, data->evsels[evsel->idx]. */
	if (evsel && (u32)evsel->idx < OE_EVSEL_MASK)
		oe->ref |= (u64)evsel->idx + 1;
	if (time >= s->max_timestamp)
		s->max_timestamp = time;
	else
		s->queue_runs = true;	/* older than one that waits, or than the last */
	/* Once the input has shown rounds, they alone decide: no watermark. */
	if (!s->seen_round)
		stream_note(s, cpu, time);
	if (s->queued_bytes > QUEUE_MAX_BYTES) {
		/* No rounds in this input: bound memory by flushing the older half. */
		struct ordered_event *q = s->queue + s->queue_head;
		size_t n = s->nr_queued - s->queue_head;

		sort_runs(q, n, sizeof(*q), oe_before_v);
		return queue_flush(s, q[n / 2].time);
	}
	return s->seen_round ? 0 : stream_watermark(s);
}

int session__flush(struct session *s)
{
	return queue_flush(s, UINT64_MAX);
}

int session__flush_until(struct session *s, u64 time)
{
	return queue_flush(s, time);
}

/*
 * The time @ev waits in the queue with (s->ordered input), its sample's
 * event (*evselp, NULL for other records) and, when that time is not 0,
 * its CPU (*cpup, (u32)-1 for none). 0 for a record that goes straight
 * through, as perf's do: no time (0 or ~0), or a sample that cannot be
 * placed (deliver() says why).
 */
static inline __attribute__((always_inline)) u64
record_time(struct session *s, const union perf_event *ev, struct evsel **evselp, u32 *cpup)
{
	struct perf_data *d = s->data;
	struct perf_sample sample;
	u64 time;

	if (ev->header.type == PERF_RECORD_SAMPLE) {
		struct evsel *evsel = d->nr_evsels == 1 ? d->evsels[0] : perf_data__evsel_of(d, ev);
		size_t words = (ev->header.size - sizeof(ev->header)) / 8;
		const u64 *body = (const u64 *)(&ev->header + 1);

		*evselp = evsel;
		if (!evsel || evsel->time_pos < 0 || (size_t)evsel->time_pos >= words)
			return 0;
		time = body[evsel->time_pos];
		if (time == ~0ULL)
			return 0;
		*cpup = evsel->cpu_pos >= 0 && (size_t)evsel->cpu_pos < words ?
			(u32)body[evsel->cpu_pos] : (u32)-1;
		return time;
	}
	*evselp = NULL;
	if (perf_data__parse_trailer(d, ev, &sample) || sample.time == ~0ULL)
		return 0;
	*cpup = sample.cpu;
	return sample.time;
}

int session__process_event(struct session *s, union perf_event *ev, u64 off)
{
	struct perf_data *d = s->data;
	u32 type = ev->header.type;
	struct evsel *evsel;
	u64 time;
	u32 cpu;

	if (type >= PERF_RECORD_HEADER_ATTR) {
		if (type <= PERF_RECORD_FINISHED_INIT)
			s->stats.nr_events[type]++;
		if (s->tool && s->tool->record)
			s->tool->record(s->tool, s, ev, off, false);
		if (type == PERF_RECORD_FINISHED_ROUND && s->ordered) {
			int err;

			s->seen_round = true;
			err = queue_flush(s, s->next_flush);

			s->next_flush = s->max_timestamp;
			return err;
		}
		return 0;
	}
	if (!d->nr_evsels)
		return session__err(s, -EINVAL, "record at %#" PRIx64 " comes before any event "
				    "description (no HEADER_ATTR)", off);
	/*
	 * As perf: without sample_id_all only samples have a time, and the
	 * maps and comms they need cannot be placed among them: all of it
	 * goes in file order.
	 */
	s->ordered = (d->sample_type & PERF_SAMPLE_TIME) && d->sample_id_all;
	if (!s->ordered)
		return deliver(s, ev, off, NULL);
	/* As perf: records without a time (0 or ~0) are not held back. */
	time = record_time(s, ev, &evsel, &cpu);
	if (!time)
		return deliver(s, ev, off, evsel);
	return queue_event(s, ev, time, off, evsel, cpu);
}

/*
 * "processing FILE: NN%" on a terminal's stderr, for work that has taken
 * longer than progress_delay_ns (1 s), as perf shows one; erased at the
 * end. @what is the pass: "scanning" for order_plan's, "processing".
 */
static void show_progress(struct session *s, const char *what, u64 pos, bool done)
{
	u64 now;
	u64 total = s->data->data_size;

	if (!s->progress || s->data->is_pipe || !total)
		return;
	if (done) {
		if (s->progress_shown)
			fprintf(stderr, "\r%70s\r", "");
		s->progress_shown = false;
		return;
	}
	now = now_ns();
	if (now - s->progress_start_ns < s->progress_delay_ns ||
	    (s->progress_shown && now - s->last_progress_ns < 200000000ull))
		return;
	s->last_progress_ns = now;
	s->progress_shown = true;
	fprintf(stderr, "\rpmukvm: %s %s: %3d%%", what, s->data->path,
		(int)((pos - s->data->data_offset) * 100 / total));
}

/*
 * The plan's blocks: 64 KiB of the data section each, or more for a file
 * past 4 GiB, so that the plan holds 2^16 of them at most (512 KiB).
 */
#define PLAN_BLOCK_SHIFT	16
#define PLAN_MAX_BLOCKS		(1u << 16)

/*
 * Input without rounds that can be read twice: a first pass over the
 * records notes, for each block of the data section, the least time a
 * record in it or in any block after it will be queued with (0 where one
 * goes straight through: queued records wait until it has). While the
 * main pass reads block B, every record queued with a time no later than
 * B's is older than all that is still to be read, or as old and before
 * it in the file: delivered, it is in the order perf's sort of the whole
 * file gives (by time; equal times in file order), and input in time
 * order waits about a block. Input with rounds (the pass stops at the
 * first), pipes, compressed files and files the pass finds bad (the
 * reader says what is wrong when it gets there) get no plan.
 */
static void order_plan(struct session *s)
{
	struct perf_data *d = s->data;
	struct data_scan sc = { 0 };
	const union perf_event *ev;
	struct evsel *evsel;
	u32 shift = PLAN_BLOCK_SHIFT, nr, b, cpu;
	u64 off, time, *min, n = 0;
	int r;

	s->plan_next = UINT64_MAX;
	if (!d->chunked || !d->data_size || !d->nr_evsels ||
	    !(d->sample_type & PERF_SAMPLE_TIME) || !d->sample_id_all)
		return;
	while ((d->data_size - 1) >> shift >= PLAN_MAX_BLOCKS)
		shift++;
	nr = (u32)(((d->data_size - 1) >> shift) + 1);
	min = xmalloc(((size_t)nr + 1) * sizeof(*min));
	for (b = 0; b <= nr; b++)
		min[b] = UINT64_MAX;
	while ((r = perf_data__scan_next(d, &sc, &ev, &off)) > 0) {
		if (ev->header.type == PERF_RECORD_FINISHED_ROUND) {
			r = -EAGAIN;	/* rounds decide */
			break;
		}
		if (ev->header.type >= PERF_RECORD_HEADER_ATTR)
			continue;
		time = record_time(s, ev, &evsel, &cpu);
		b = (u32)((off - d->data_offset) >> shift);
		if (time < min[b])
			min[b] = time;
		if ((++n & 0xffff) == 0)
			show_progress(s, "scanning", off, false);
	}
	perf_data__scan_end(&sc);
	if (r) {
		free(min);
		return;
	}
	for (b = nr; b-- > 0;)
		if (min[b + 1] < min[b])
			min[b] = min[b + 1];
	s->plan = min;
	s->nr_plan = nr;
	s->plan_shift = shift;
	s->plan_next = d->data_offset;
}

/*
 * The main pass reaches the block of the record at @off: what is queued
 * and no newer than all from here on goes (order_plan).
 */
static int plan_flush(struct session *s, u64 off)
{
	u64 b = (off - s->data->data_offset) >> s->plan_shift;

	if (b >= s->nr_plan) {
		s->plan_next = UINT64_MAX;
		return 0;
	}
	s->plan_next = s->data->data_offset + ((b + 1) << s->plan_shift);
	return s->plan[b] ? queue_flush(s, s->plan[b]) : 0;
}

/* Reads every record, orders it and delivers it. */
static int read_all(struct session *s)
{
	union perf_event *ev;
	u64 off;
	int r, err = 0;
	u64 n = 0;

	s->progress_start_ns = s->last_progress_ns = now_ns();
	order_plan(s);
	/*
	 * The whole input is read here, delivered as soon as it is known in
	 * order (not when a caller's clock says, as top's replay does); by
	 * the plan where there is one, by the per-CPU watermark otherwise.
	 */
	s->streams = !s->plan;
	while ((r = perf_data__next(s->data, &ev, &off)) > 0) {
		if (off >= s->plan_next) {
			err = plan_flush(s, off);
			if (err)
				break;
		}
		err = session__process_event(s, ev, off);
		if (err)
			break;
		if ((++n & 0xffff) == 0) {
			show_progress(s, "processing", off, false);
			if (s->nr_queued == s->queue_head)
				session__release(s);
		}
	}
	show_progress(s, NULL, 0, true);
	if (r < 0)
		return err__set(&s->err, r, "%s", s->data->err.msg);
	if (err)
		return err;
	return session__flush(s);
}

int session__process_events(struct session *s)
{
	/*
	 * Chunks rather than the map: what stays resident is what waits to
	 * be delivered (bench-report.md, 2026-12-02). One thread reads,
	 * orders and delivers: on two CPUs handing records to a second
	 * thread cost more CPU than it overlapped, and wall time too on
	 * the host and -g files; on the guest file the overlap was worth
	 * more (0.07 s with the reader thread, 0.09 s without: bench-report.md,
	 * "The hand-over" and the low-load run after it, 2026-12-02).
	 */
	perf_data__read_chunks(s->data);
	return read_all(s);
}
