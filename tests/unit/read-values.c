// SPDX-License-Identifier: GPL-2.0
/* struct read_values (report -T): sums by thread and event, order, the table. */
#include <stdlib.h>
#include <string.h>

#include "tests/unit/unit.h"
#include "util/evsel.h"
#include "util/read-values.h"

void test_read_values(void)
{
	struct evsel a = { .name = (char *)"cpu-clock", .idx = 0 };
	struct evsel b = { .name = (char *)"page-faults", .idx = 3 };
	struct read_values v = { 0 };
	char *text = NULL;
	size_t len = 0;
	FILE *fp;
	u32 t;

	/* Nothing read: nothing printed. */
	fp = open_memstream(&text, &len);
	CHECK(read_values__fprintf(&v, fp) == 0);
	fclose(fp);
	CHECK(len == 0);
	free(text);

	/* Threads in the order first read, events too; a thread and event's reads add up. */
	read_values__add(&v, &b, 7, 7, 5);
	read_values__add(&v, &a, 12345, 12346, 1000);
	read_values__add(&v, &a, 7, 7, 20);
	read_values__add(&v, &a, 12345, 12346, 234);
	fp = open_memstream(&text, &len);
	CHECK(read_values__fprintf(&v, fp) == 0);
	fclose(fp);
	CHECK_STR(text, "#   PID    TID  page-faults  cpu-clock\n"
			"      7      7            5         20\n"
			"  12345  12346            0       1234\n");
	free(text);

	/* Many threads (keys of one pattern): each found again, in order. */
	for (t = 0; t < 100000; t++)
		read_values__add(&v, &a, 1, t << 12, t);
	for (t = 0; t < 100000; t++)
		read_values__add(&v, &a, 1, t << 12, 1);
	CHECK(v.threads.nr == 2 + 100000);
	CHECK(read_values__pid(&v, 2) == 1 && read_values__tid(&v, 2) == 0 &&
	      read_values__tid(&v, v.threads.nr - 1) == 99999u << 12);
	CHECK(v.cells.nr == 3 + 100000);
	read_values__exit(&v);
}
