// SPDX-License-Identifier: GPL-2.0
#include "util/read-values.h"
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "util/evsel.h"

void read_values__exit(struct read_values *v)
{
	free(v->thread_key);
	free(v->column);
	free(v->events);
	free(v->thread_slots);
	free(v->cell_key);
	free(v->cell_value);
	free(v->cell_slots);
	memset(v, 0, sizeof(*v));
}

/*
 * The two tables (threads, cells) are u64 keys in an array, found by a
 * hash of slots holding index + 1 (0: empty), linear probing, at most
 * half full. Keyed: a file cannot choose keys that share a slot.
 */

/* The slot of @key, or of the empty slot where it would go: *@found its index + 1, or 0. */
static u32 key_slot(const u32 *slots, u32 nr_slots, const u64 *keys, u64 key, u32 *found)
{
	u32 mask = nr_slots - 1, s;

	for (s = (u32)hash_u64(key) & mask; slots[s]; s = (s + 1) & mask) {
		if (keys[slots[s] - 1] == key) {
			*found = slots[s];
			return s;
		}
	}
	*found = 0;
	return s;
}

/* Room for key @n + 1 (the keys 0..@n - 1 there): twice the slots, filled again, when half full. */
static void key_room(u32 **slots, u32 *nr_slots, const u64 *keys, u32 n)
{
	u32 i, s, found;

	if ((n + 1) * 2 <= *nr_slots)
		return;
	free(*slots);
	*nr_slots = *nr_slots ? *nr_slots * 2 : 64;
	*slots = xcalloc(*nr_slots, sizeof(**slots));
	for (i = 0; i < n; i++) {
		s = key_slot(*slots, *nr_slots, keys, keys[i], &found);
		(*slots)[s] = i + 1;
	}
}

/* The index of thread @pid/@tid, made where new. */
static u32 thread_of(struct read_values *v, u32 pid, u32 tid)
{
	u64 key = (u64)pid << 32 | tid;
	u32 s, found;

	key_room(&v->thread_slots, &v->nr_thread_slots, v->thread_key, v->nr_threads);
	s = key_slot(v->thread_slots, v->nr_thread_slots, v->thread_key, key, &found);
	if (found)
		return found - 1;
	ALLOC_GROW(v->thread_key, v->nr_threads + 1, v->alloc_threads);
	v->thread_key[v->nr_threads] = key;
	v->thread_slots[s] = ++v->nr_threads;
	return v->nr_threads - 1;
}

/* The count of thread @th in column @c: 0 where none was read. */
static u64 cell_get(const struct read_values *v, u32 th, u32 c)
{
	u32 found;

	if (!v->nr_cell_slots)
		return 0;
	key_slot(v->cell_slots, v->nr_cell_slots, v->cell_key, (u64)th << 32 | c, &found);
	return found ? v->cell_value[found - 1] : 0;
}

static void cell_add(struct read_values *v, u32 th, u32 c, u64 value)
{
	u64 key = (u64)th << 32 | c;
	u32 s, found;

	key_room(&v->cell_slots, &v->nr_cell_slots, v->cell_key, v->nr_cells);
	s = key_slot(v->cell_slots, v->nr_cell_slots, v->cell_key, key, &found);
	if (found) {
		v->cell_value[found - 1] += value;
		return;
	}
	ALLOC_GROW(v->cell_key, v->nr_cells + 1, v->alloc_cells);
	ALLOC_GROW(v->cell_value, v->nr_cells + 1, v->alloc_values);
	v->cell_key[v->nr_cells] = key;
	v->cell_value[v->nr_cells] = value;
	v->cell_slots[s] = ++v->nr_cells;
}

void read_values__add(struct read_values *v, const struct evsel *evsel, u32 pid, u32 tid,
		      u64 value)
{
	u32 th;

	if (evsel->idx < 0)
		return;
	if ((u32)evsel->idx >= v->alloc_column) {
		u32 n = (u32)evsel->idx + 1, i;

		v->column = xrealloc(v->column, n * sizeof(*v->column));
		for (i = v->alloc_column; i < n; i++)
			v->column[i] = -1;
		v->alloc_column = n;
	}
	th = thread_of(v, pid, tid);
	if (v->column[evsel->idx] < 0) {
		ALLOC_GROW(v->events, v->nr_columns + 1, v->alloc_events);
		v->column[evsel->idx] = (int)v->nr_columns;
		v->events[v->nr_columns++] = evsel;
	}
	cell_add(v, th, (u32)v->column[evsel->idx], value);
}

u32 read_values__pid(const struct read_values *v, u32 thread)
{
	return (u32)(v->thread_key[thread] >> 32);
}

u32 read_values__tid(const struct read_values *v, u32 thread)
{
	return (u32)v->thread_key[thread];
}

static int width_u64(u64 x)
{
	return snprintf(NULL, 0, "%" PRIu64, x);
}

int read_values__fprintf(const struct read_values *v, FILE *fp)
{
	int pidw = 3, tidw = 3, *w;
	char **names;
	u32 i, j;

	if (!v->nr_threads)
		return 0;
	if ((u64)v->nr_threads * v->nr_columns > READ_VALUES_MAX_TABLE)
		return -E2BIG;
	w = xmalloc(v->nr_columns * sizeof(*w));
	names = xmalloc(v->nr_columns * sizeof(*names));
	for (j = 0; j < v->nr_columns; j++) {
		names[j] = evsel__name_dup(v->events[j]);
		w[j] = (int)strlen(names[j]);
	}
	for (i = 0; i < v->nr_threads; i++) {
		/* as perf's: the ids as signed numbers */
		int pw = snprintf(NULL, 0, "%d", (int)read_values__pid(v, i));
		int tw = snprintf(NULL, 0, "%d", (int)read_values__tid(v, i));

		pidw = pw > pidw ? pw : pidw;
		tidw = tw > tidw ? tw : tidw;
		for (j = 0; j < v->nr_columns; j++) {
			int cw = width_u64(cell_get(v, i, j));

			w[j] = cw > w[j] ? cw : w[j];
		}
	}
	fprintf(fp, "# %*s  %*s", pidw, "PID", tidw, "TID");
	for (j = 0; j < v->nr_columns; j++)
		fprintf(fp, "  %*s", w[j], names[j]);
	fputc('\n', fp);
	for (i = 0; i < v->nr_threads; i++) {
		fprintf(fp, "  %*d  %*d", pidw, (int)read_values__pid(v, i), tidw,
			(int)read_values__tid(v, i));
		for (j = 0; j < v->nr_columns; j++)
			fprintf(fp, "  %*" PRIu64, w[j], cell_get(v, i, j));
		fputc('\n', fp);
	}
	for (j = 0; j < v->nr_columns; j++)
		free(names[j]);
	free(names);
	free(w);
	return 0;
}
