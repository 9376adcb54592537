// SPDX-License-Identifier: GPL-2.0
#include "util/read-values.h"
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "util/evsel.h"

void read_values__exit(struct read_values *v)
{
	u64_index__exit(&v->threads);
	free(v->column);
	free(v->events);
	u64_index__exit(&v->cells);
	free(v->cell_value);
	memset(v, 0, sizeof(*v));
}

/* The count of thread @th in column @c: 0 where none was read. */
static u64 cell_get(const struct read_values *v, u32 th, u32 c)
{
	u32 i = u64_index__find(&v->cells, (u64)th << 32 | c);

	return i == U64_INDEX_NONE ? 0 : v->cell_value[i];
}

static void cell_add(struct read_values *v, u32 th, u32 c, u64 value)
{
	bool added;
	u32 i = u64_index__add(&v->cells, (u64)th << 32 | c, &added);

	if (added) {
		ALLOC_GROW(v->cell_value, (size_t)i + 1, v->alloc_values);
		v->cell_value[i] = 0;
	}
	v->cell_value[i] += value;
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
	th = u64_index__add(&v->threads, (u64)pid << 32 | tid, NULL);
	if (v->column[evsel->idx] < 0) {
		ALLOC_GROW(v->events, v->nr_columns + 1, v->alloc_events);
		v->column[evsel->idx] = (int)v->nr_columns;
		v->events[v->nr_columns++] = evsel;
	}
	cell_add(v, th, (u32)v->column[evsel->idx], value);
}

u32 read_values__pid(const struct read_values *v, u32 thread)
{
	return (u32)(v->threads.keys[thread] >> 32);
}

u32 read_values__tid(const struct read_values *v, u32 thread)
{
	return (u32)v->threads.keys[thread];
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

	if (!v->threads.nr)
		return 0;
	if ((u64)v->threads.nr * v->nr_columns > READ_VALUES_MAX_TABLE)
		return -E2BIG;
	w = xmalloc(v->nr_columns * sizeof(*w));
	names = xmalloc(v->nr_columns * sizeof(*names));
	for (j = 0; j < v->nr_columns; j++) {
		names[j] = evsel__name_dup(v->events[j]);
		w[j] = (int)strlen(names[j]);
	}
	for (i = 0; i < v->threads.nr; i++) {
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
	for (i = 0; i < v->threads.nr; i++) {
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
