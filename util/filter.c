// SPDX-License-Identifier: GPL-2.0
/* Report's sample filters: the lists they take and perf's --time forms. */
#include "util/filter.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

#define NSEC_PER_SEC 1000000000ull

void str_list__parse(const char *spec, char ***out, size_t *nr)
{
	char *copy = xstrdup(spec), *p = copy, *comma;

	*out = NULL;
	*nr = 0;
	for (;;) {
		comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		if (*p) {
			*out = xrealloc(*out, (*nr + 1) * sizeof(**out));
			(*out)[(*nr)++] = xstrdup(p);
		}
		if (!comma)
			break;
		p = comma + 1;
	}
	free(copy);
}

void str_list__free(char **list, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++)
		free(list[i]);
	free(list);
}

bool str_list__has(char *const *list, size_t nr, const char *s)
{
	size_t i;

	for (i = 0; i < nr; i++)
		if (!strcmp(list[i], s))
			return true;
	return false;
}

int int_list__parse(const char *spec, int **out, size_t *nr, struct err *err)
{
	const char *p = spec;

	*out = NULL;
	*nr = 0;
	while (*p) {
		char *end;
		long v;

		if (*p == ',') {
			p++;
			continue;
		}
		errno = 0;
		v = strtol(p, &end, 10);
		if (end == p || errno || v < INT_MIN || v > INT_MAX || (*end && *end != ',')) {
			free(*out);
			*out = NULL;
			*nr = 0;
			return err__set(err, -EINVAL, "'%s' is not a list of numbers", spec);
		}
		*out = xrealloc(*out, (*nr + 1) * sizeof(**out));
		(*out)[(*nr)++] = (int)v;
		p = end;
	}
	if (!*nr)
		return err__set(err, -EINVAL, "'%s' is not a list of numbers", spec);
	return 0;
}

bool int_list__has(const int *list, size_t nr, int v)
{
	size_t i;

	for (i = 0; i < nr; i++)
		if (list[i] == v)
			return true;
	return false;
}

static int cpu_number(const char **p, unsigned long *v)
{
	char *end;

	if (!isdigit((unsigned char)**p))
		return -EINVAL;
	errno = 0;
	*v = strtoul(*p, &end, 10);
	if (errno)
		return -EINVAL;
	*p = end;
	return 0;
}

int cpu_list__parse(const char *spec, u64 **bitmap, struct err *err)
{
	const char *p = spec;
	u64 *bm = xcalloc(CPU_LIST_MAX / 64, sizeof(u64));
	bool any = false;

	while (*p) {
		unsigned long a, b, c;

		if (cpu_number(&p, &a))
			goto bad;
		b = a;
		if (*p == '-') {
			p++;
			if (cpu_number(&p, &b) || b < a)
				goto bad;
		}
		if (*p && *p != ',')
			goto bad;
		if (*p)
			p++;
		if (b >= CPU_LIST_MAX) {
			free(bm);
			return err__set(err, -EINVAL, "cpu %lu in '%s' is too large (at most %d)",
					b, spec, CPU_LIST_MAX - 1);
		}
		for (c = a; c <= b; c++)
			bm[c / 64] |= 1ull << (c % 64);
		any = true;
	}
	if (!any)
		goto bad;
	*bitmap = bm;
	return 0;
bad:
	free(bm);
	return err__set(err, -EINVAL, "'%s' is not a cpu list (as 0-2,4)", spec);
}

/* SEC[.NSEC], at most nine decimals. */
static int parse_nsec(const char *s, u64 *t)
{
	u64 sec, nsec = 0;
	char *end;

	errno = 0;
	sec = strtoull(s, &end, 10);
	if (errno || end == s || (*end && *end != '.'))
		return -EINVAL;
	if (*end == '.') {
		const char *f = end + 1;
		size_t n = strlen(f), i;

		if (n > 9)
			return -EINVAL;
		for (i = 0; i < 9; i++) {
			if (i < n && !isdigit((unsigned char)f[i]))
				return -EINVAL;
			nsec = nsec * 10 + (i < n ? (u64)(f[i] - '0') : 0);
		}
	}
	if (sec > UINT64_MAX / NSEC_PER_SEC - 1)
		return -EINVAL;
	*t = sec * NSEC_PER_SEC + nsec;
	return 0;
}

/* "START,STOP": either side may be empty. */
static int parse_range(char *s, struct time_range *r)
{
	char *comma = strchr(s, ',');

	r->start = r->end = 0;
	if (comma)
		*comma = '\0';
	if (*s && parse_nsec(s, &r->start))
		return -EINVAL;
	if (comma && comma[1] && parse_nsec(comma + 1, &r->end))
		return -EINVAL;
	if (r->end && r->end < r->start)
		return -EINVAL;
	return 0;
}

/*
 * Ranges in seconds: as many as there are commas, the ones before the
 * last ended by white space ("1,2 3,4"), in order and apart.
 */
static int parse_seconds(const char *spec, struct time_range *r, int size)
{
	char *copy = xstrdup(spec), *p = copy, *arg;
	int num = 0, i, ret = -EINVAL;
	const char *c;

	for (c = spec; *c; c++)
		num += *c == ',';
	if (!num || num > size)
		goto out;
	for (i = 0; i < num - 1; i++) {
		arg = p;
		p = strchr(p, ',') + 1;
		while (isspace((unsigned char)*p))
			p++;
		while (*p && !isspace((unsigned char)*p))
			if (*p++ == ',')
				goto out;
		if (*p)
			*p++ = '\0';
		if (parse_range(arg, &r[i]))
			goto out;
	}
	if (parse_range(p, &r[i]))
		goto out;
	for (i = 0; i < num - 1; i++)
		if (r[i].end >= r[i + 1].start)
			goto out;
	ret = num;
out:
	free(copy);
	return ret;
}

/* "P%": what precedes the '%' as a fraction of 1. */
static int parse_pct(char *s, double *frac)
{
	char *pc = s ? strchr(s, '%') : NULL, *end;
	double d;

	if (!pc)
		return -EINVAL;
	*pc = '\0';
	d = strtod(s, &end);
	if (end == s || *end)
		return -EINVAL;
	*frac = d / 100.0;
	return 0;
}

static int set_pct_range(struct time_range *r, double a, double b, u64 first, u64 last)
{
	u64 span = last - first;

	if (a < 0.0 || a > 1.0 || b < 0.0 || b > 1.0)
		return -EINVAL;
	r->start = first + round_u64(a * (double)span);
	r->end = first + round_u64(b * (double)span);
	/* Slices share no edge: each but the last stops a nanosecond short. */
	if (r->end > r->start && r->end != last)
		r->end--;
	return 0;
}

/* "P%/N": the Nth slice of width P. */
static int pct_slash(char *s, struct time_range *r, u64 first, u64 last)
{
	char *slash = strchr(s, '/'), *end;
	double p;
	long n;

	if (!slash)
		return -EINVAL;
	*slash = '\0';
	if (parse_pct(s, &p))
		return -EINVAL;
	errno = 0;
	n = strtol(slash + 1, &end, 10);
	if (errno || *end || p <= 0.0)
		return -EINVAL;
	return set_pct_range(r, p * ((double)n - 1.0), p * (double)n, first, last);
}

/* "A%-B%". */
static int pct_dash(char *s, struct time_range *r, u64 first, u64 last)
{
	char *dash = strchr(s, '-');
	double a, b;

	if (!dash)
		return -EINVAL;
	*dash = '\0';
	if (parse_pct(s, &a) || parse_pct(dash + 1, &b))
		return -EINVAL;
	return set_pct_range(r, a, b, first, last);
}

static int parse_percents(const char *spec, struct time_range *r, int size, u64 first,
			  u64 last)
{
	int (*one)(char *, struct time_range *, u64, u64);
	char *copy, *p, *comma;
	int n = 0;

	if (strchr(spec, '/'))
		one = pct_slash;
	else if (strchr(spec, '-'))
		one = pct_dash;
	else {
		/* "P%" alone: the first slice of width P; the '%' ends it. */
		size_t len = strlen(spec);

		if (!len || spec[len - 1] != '%' || strchr(spec, '%') != spec + len - 1)
			return -EINVAL;
		copy = xasprintf("%s/1", spec);
		n = pct_slash(copy, r, first, last) ? -1 : 1;
		free(copy);
		return n;
	}
	copy = xstrdup(spec);
	for (p = copy; *p; p = comma + 1) {
		if (n >= size)
			goto bad;
		comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		if (one(p, &r[n], first, last))
			goto bad;
		n++;
		if (!comma)
			break;
	}
	free(copy);
	return n ? n : -EINVAL;
bad:
	free(copy);
	return -EINVAL;
}

int time_ranges__parse(const char *spec, u64 first, u64 last, struct time_range **out,
		       struct err *err)
{
	int size = 1, n;
	const char *c;

	*out = NULL;
	for (c = spec; *c; c++)
		size += *c == ',';
	*out = xcalloc((size_t)size, sizeof(**out));
	if (strchr(spec, '%')) {
		if ((!first && !last) || last < first) {
			err__set(err, -EINVAL, "--time '%s': the file gives no first and last "
				 "sample time (its sample-time header feature) to take percents of",
				 spec);
			goto bad;
		}
		n = parse_percents(spec, *out, size, first, last);
	} else {
		n = parse_seconds(spec, *out, size);
	}
	if (n > 0)
		return n;
	err__set(err, -EINVAL, "--time '%s' is not a time range: START,STOP in seconds "
		 "(ranges apart, in order, separated by spaces), or percent slices as "
		 "10%%/2, 0%%-10%%, 10%%-20%%,30%%-40%%", spec);
bad:
	free(*out);
	*out = NULL;
	return -EINVAL;
}

bool time_ranges__skip(const struct time_range *r, int nr, u64 t)
{
	int i;

	if (!r || !nr || !t)
		return false;
	if (nr == 1)
		return (r->start && t < r->start) || (r->end && t > r->end);
	for (i = 0; i < nr; i++)
		if (t >= r[i].start && (t <= r[i].end || !r[i].end))
			return false;
	return true;
}

void sample_filter__exit(struct sample_filter *f)
{
	str_list__free(f->comms, f->nr_comms);
	str_list__free(f->dsos, f->nr_dsos);
	str_list__free(f->syms, f->nr_syms);
	free(f->sym_part);
	free(f->pids);
	free(f->tids);
	free(f->cpus);
	free(f->times);
	memset(f, 0, sizeof(*f));
}
