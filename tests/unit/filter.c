// SPDX-License-Identifier: GPL-2.0
/* report's filters: perf's --time forms, cpu lists, number and name lists. */
#include <stdlib.h>
#include <string.h>

#include "tests/unit/unit.h"
#include "ui/stdio.h"
#include "util/err.h"
#include "util/filter.h"

#define S 1000000000ull

void test_time_ranges(void)
{
	/* the file's span: 1 s to 2 s */
	static const struct {
		const char *spec;
		int n;			/* ranges, or -1: refused */
		struct time_range r[2];
	} cases[] = {
		{ "1.5,2", 1, { { 1500000000, 2 * S } } },
		{ ",2.000000001", 1, { { 0, 2000000001 } } },
		{ "1,", 1, { { S, 0 } } },
		{ "1.25,1.5 1.75,", 2, { { 1250000000, 1500000000 }, { 1750000000, 0 } } },
		{ "10%/2", 1, { { 1100000000, 1200000000 - 1 } } },
		{ "0%-10%", 1, { { S, 1100000000 - 1 } } },
		{ "10%-20%,30%-40%", 2, { { 1100000000, 1200000000 - 1 },
					  { 1300000000, 1400000000 - 1 } } },
		{ "10%/1,10%/3", 2, { { S, 1100000000 - 1 }, { 1200000000, 1300000000 - 1 } } },
		{ "50%", 1, { { S, 1500000000 - 1 } } },
		{ "90%-100%", 1, { { 1900000000, 2 * S } } },	/* the last keeps its end */
		{ "5", -1, { { 0 } } },
		{ "abc,", -1, { { 0 } } },
		{ "2,1", -1, { { 0 } } },
		{ "1,2,3", -1, { { 0 } } },
		{ "1,3 2,4", -1, { { 0 } } },		/* overlapping */
		{ "1.1234567891,", -1, { { 0 } } },	/* ten decimals */
		{ "10%/x", -1, { { 0 } } },
		{ "0%/1", -1, { { 0 } } },
		{ "110%-120%", -1, { { 0 } } },
		{ "10%x", -1, { { 0 } } },
		{ "0%-10%,30%", -1, { { 0 } } },
	};
	struct time_range *r;
	struct err err;
	size_t c;
	int i, n;

	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		n = time_ranges__parse(cases[c].spec, S, 2 * S, &r, &err);
		if (n < 0)
			n = -1;
		if (n != cases[c].n)
			fprintf(stderr, "time '%s': %d ranges, want %d\n", cases[c].spec, n,
				cases[c].n);
		CHECK(n == cases[c].n);
		for (i = 0; i < n && n == cases[c].n; i++) {
			CHECK(r[i].start == cases[c].r[i].start);
			CHECK(r[i].end == cases[c].r[i].end);
		}
		if (n < 0)
			CHECK(r == NULL && strstr(err.msg, cases[c].spec) != NULL);
		free(r);
	}
	/* percents need the span the header gives */
	CHECK(time_ranges__parse("10%", 0, 0, &r, &err) < 0);
	CHECK(strstr(err.msg, "sample time") != NULL);
	CHECK(time_ranges__parse("1,2", 0, 0, &r, &err) == 1);
	free(r);
}

void test_time_skip(void)
{
	struct time_range one = { 10, 20 }, open = { 10, 0 };
	struct time_range two[2] = { { 10, 20 }, { 30, 0 } };

	CHECK(time_ranges__skip(&one, 1, 9));
	CHECK(!time_ranges__skip(&one, 1, 10));
	CHECK(!time_ranges__skip(&one, 1, 20));
	CHECK(time_ranges__skip(&one, 1, 21));
	CHECK(!time_ranges__skip(&one, 1, 0));		/* no time: kept */
	CHECK(!time_ranges__skip(&open, 1, 1000));
	CHECK(!time_ranges__skip(two, 2, 15));
	CHECK(time_ranges__skip(two, 2, 25));
	CHECK(!time_ranges__skip(two, 2, 300));
	CHECK(time_ranges__skip(two, 2, 5));
	CHECK(!time_ranges__skip(NULL, 0, 5));
}

void test_filter_lists(void)
{
	static const struct { const char *spec; int ok; const char *in, *out; } cpus[] = {
		{ "0-2,4", 1, "0 1 2 4", "3 5 63 64" },
		{ "7", 1, "7", "0 6 8" },
		{ "63-65", 1, "63 64 65", "62 66" },
		{ "4095", 1, "4095", "0" },
		{ "4096", 0, "", "" },
		{ "2-1", 0, "", "" },
		{ "a", 0, "", "" },
		{ "1,,2", 0, "", "" },
		{ "-1", 0, "", "" },
		{ "", 0, "", "" },
	};
	struct err err;
	char **names;
	size_t c, nr;
	u64 *bm;
	int *ints;

	for (c = 0; c < sizeof(cpus) / sizeof(cpus[0]); c++) {
		int r = cpu_list__parse(cpus[c].spec, &bm, &err);
		char *list, *tok, *save = NULL;

		CHECK((r == 0) == cpus[c].ok);
		if (r)
			continue;
		list = strdup(cpus[c].in);
		for (tok = strtok_r(list, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
			CHECK(cpu_list__has(bm, (u32)atoi(tok)));
		free(list);
		list = strdup(cpus[c].out);
		save = NULL;
		for (tok = strtok_r(list, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
			CHECK(!cpu_list__has(bm, (u32)atoi(tok)));
		free(list);
		CHECK(!cpu_list__has(bm, 5000));
		free(bm);
	}
	CHECK(int_list__parse("12,-3,4", &ints, &nr, &err) == 0 && nr == 3);
	CHECK(int_list__has(ints, nr, -3) && !int_list__has(ints, nr, 5));
	free(ints);
	CHECK(int_list__parse("12,x", &ints, &nr, &err) < 0);
	CHECK(int_list__parse("99999999999", &ints, &nr, &err) < 0);
	CHECK(int_list__parse("", &ints, &nr, &err) < 0);
	str_list__parse("libc.so.6,,[kernel.kallsyms]", &names, &nr);
	CHECK(nr == 2 && str_list__has(names, nr, "[kernel.kallsyms]") &&
	      !str_list__has(names, nr, "libc"));
	str_list__free(names, nr);
}

void test_output_fields(void)
{
	struct output_field f[OUTPUT_FIELDS_MAX];
	struct sort_order keys;
	struct err err;
	int n;

	n = output_fields__parse("overhead,overhead_guest_us,sample,comm,period,srcline,comm",
				 f, &keys, &err);
	CHECK(n == 6);
	CHECK(f[0].col == COL_OVERHEAD && f[1].col == COL_OVERHEAD_GUEST_US &&
	      f[2].col == COL_SAMPLE && f[3].col == COL_KEY && f[3].key == SORT_COMM &&
	      f[4].col == COL_PERIOD && f[5].key == SORT_SRCLINE);
	CHECK(keys.nr == 2 && keys.keys[0] == SORT_COMM && keys.keys[1] == SORT_SRCLINE);
	CHECK(output_fields__parse("overhead,bogus", f, &keys, &err) < 0);
	CHECK(strstr(err.msg, "bogus") != NULL);
	CHECK(output_fields__parse(",", f, &keys, &err) < 0);
	CHECK(output_fields__parse("overhead", f, &keys, &err) == 1 && keys.nr == 0);
}
