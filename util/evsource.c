// SPDX-License-Identifier: GPL-2.0
/*
 * The live event source: events from a -e list (with the cpu-clock
 * fallback), the target, the open and the ring buffers.
 */
#include "util/evsource.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/data.h"
#include "util/evlist.h"
#include "util/evsel.h"
#include "util/tracing-data.h"

/* The number in the sysctl file @path, 0 if it cannot be read. */
static long sysctl_long(const char *path)
{
	char *buf;
	size_t len;
	long val;

	if (read_file_maybe_gz(path, 64, &buf, &len))
		return 0;
	val = strtol(buf, NULL, 10);
	free(buf);
	return val;
}

long evsource__paranoid(void)
{
	return sysctl_long("/proc/sys/kernel/perf_event_paranoid");
}

long evsource__max_sample_rate(void)
{
	long val = sysctl_long("/proc/sys/kernel/perf_event_max_sample_rate");

	return val > 0 ? val : 0;
}


static bool is_hw_type(u32 type)
{
	return type == PERF_TYPE_HARDWARE || type == PERF_TYPE_HW_CACHE ||
	       type == PERF_TYPE_RAW;
}

/*
 * perf kvm stat record on CPUs (-a, -C, or no target) adds a dummy:HG
 * software event, enabled at once, that carries the side-band records
 * (mmap, comm, task, ksymbol, bpf) in place of the first event; perf's
 * attrs, but the read_format of the others.
 */
static void add_kvm_stat_dummy(struct evlist *evlist, const struct evsource_opts *o)
{
	struct perf_event_attr d = { 0 };
	int i;

	for (i = 0; i < evlist->nr_evsels; i++) {
		struct perf_event_attr *a = &evlist->evsels[i].attr;

		a->mmap = a->mmap2 = a->comm = a->comm_exec = a->task = 0;
	}
	d.size = sizeof(d);
	d.type = PERF_TYPE_SOFTWARE;
	d.config = PERF_COUNT_SW_DUMMY;
	d.sample_period = 1;
	d.sample_type = PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_IP | PERF_SAMPLE_TID |
			PERF_SAMPLE_TIME | PERF_SAMPLE_CPU | PERF_SAMPLE_RAW;
	d.read_format = evlist->nr_evsels ? evlist->evsels[0].attr.read_format : PERF_FORMAT_ID;
	d.inherit = !(o->nr_targets && !o->target_pids);
	d.mmap = d.mmap2 = d.comm = d.comm_exec = d.task = 1;
	d.ksymbol = d.bpf_event = 1;
	d.sample_id_all = 1;
	evlist__add(evlist, &d, "dummy:HG");
}

/* A wrong event is a usage error (-EINVAL), whatever the parser's errno. */
static int spec_error(struct evsource *src, const char *name, int err)
{
	if (err == -ENOENT)
		return err__set(&src->err, -EINVAL, "unknown event '%s' (known: %s)", name,
				event_names_known);
	if (err != -EINVAL)
		return err__set(&src->err, -EINVAL,
				"event '%s': cannot read the tracepoints under %s: %s", name,
				tracefs__dir() ? tracefs__dir() : "tracefs", strerror(-err));
	return err__set(&src->err, -EINVAL,
			"bad event '%s': perf's forms are NAME, NAME:MODIFIERS (u k h G H p I S), "
			"NAME/period=N/ and NAME/freq=N/ (then MODIFIERS)", name);
}

/*
 * A hardware event that cannot open anywhere (no PMU) becomes cpu-clock
 * (*@fallback set); a PMU that cannot filter by mode as asked is an error.
 */
static int hw_fallback(struct evsource *src, const char *name, struct perf_event_attr *attr,
		       bool *fallback)
{
	int perr = evlist__probe(attr);

	if (perr == -EOPNOTSUPP || perr == -EINVAL) {
		struct perf_event_attr plain = *attr;

		plain.exclude_host = plain.exclude_guest = 0;
		if (!evlist__probe(&plain))
			return err__set(&src->err, -EOPNOTSUPP,
					"event '%s': the PMU refuses %s; record with both --host "
					"--guest, or use a PMU that filters by mode", name,
					attr->exclude_guest ? "exclude_guest (--host only)"
					: "exclude_host (--guest only)");
	}
	if (perr == -ENOENT || perr == -ENODEV || perr == -EOPNOTSUPP || perr == -EINVAL) {
		size_t n = strlen(src->fellback);

		snprintf(src->fellback + n, sizeof(src->fellback) - n, "%s%s", n ? "," : "", name);
		attr->type = PERF_TYPE_SOFTWARE;
		attr->config = PERF_COUNT_SW_CPU_CLOCK;
		attr->precise_ip = 0;
		*fallback = true;
	}
	return 0;
}

/* The sampling every event of ours shares: fields, rate, callchains. */
static void set_sampling(struct perf_event_attr *attr, const struct event_spec *spec,
			 const struct evsource_opts *o)
{
	attr->sample_type = PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_IP | PERF_SAMPLE_TID |
			    PERF_SAMPLE_TIME | PERF_SAMPLE_CPU | PERF_SAMPLE_PERIOD;
	attr->read_format = PERF_FORMAT_ID;
	if (spec->has_period) {
		/* period=N or freq=N of the spec, as given. */
	} else if (o->period) {
		attr->sample_period = o->period;
	} else {
		attr->freq = 1;
		attr->sample_freq = o->freq;
	}
	if (attr->type == PERF_TYPE_TRACEPOINT) {
		/* every hit, with its payload (perf record -R -c 1) */
		attr->sample_type |= PERF_SAMPLE_RAW;
		attr->freq = 0;
		attr->sample_period = o->period ? o->period : 1;
	}
	attr->sample_id_all = 1;
	attr->inherit = !(o->nr_targets && !o->target_pids);	/* -t: those threads only */
	attr->enable_on_exec = o->workload > 0;
	if (o->callgraph != CALLGRAPH_NONE)
		attr->sample_type |= PERF_SAMPLE_CALLCHAIN;
	if (o->callgraph == CALLGRAPH_DWARF) {
		/* The user part comes from unwinding the stack copy. */
		attr->sample_type |= PERF_SAMPLE_REGS_USER | PERF_SAMPLE_STACK_USER;
		attr->sample_regs_user = X86_64_REGS_MASK;
		attr->sample_stack_user = o->stack_size;
		attr->exclude_callchain_user = 1;
		attr->mmap_data = 1;
	}
}

/* One event of the -e list: its spec, the name it shows, its group's number (-1: none). */
struct event_item {
	char *spec, *name;
	int group;
};

static void push_event(struct event_item **out, int *nr, char *spec, const char *name, int group)
{
	*out = xrealloc(*out, ((size_t)*nr + 1) * sizeof(**out));
	(*out)[*nr] = (struct event_item){ spec, xstrdup(name), group };
	++*nr;
}

static void events_free(struct event_item *ev, int nr)
{
	int i;

	for (i = 0; i < nr; i++) {
		free(ev[i].spec);
		free(ev[i].name);
	}
	free(ev);
}

/*
 * The -e list into its events, perf's groups among them: "{a,b}" and
 * "{a,b}:MODIFIERS" are their events in turn, the modifiers given to each
 * (in its spec; its name stays as written, as perf names it). Returns the
 * events (*@nr of them; events_free), or NULL after a message for a brace
 * out of place.
 */
static struct event_item *events_split(struct evsource *src, const char *list, int *nr)
{
	struct event_item *out = NULL;
	char **top, **in;
	int nt, i, k, n = 0, g = 0;

	/* Top-level commas: those outside braces (and terms). */
	{
		char *copy = xstrdup(list), *p;
		int depth = 0;
		bool terms = false;

		for (p = copy; *p; p++) {
			if (*p == '/')
				terms = !terms;
			else if (*p == '{')
				depth++;
			else if (*p == '}')
				depth--;
			else if (*p == ',' && depth > 0 && !terms)
				*p = '\x1f';	/* a member's comma, split below */
		}
		top = event_list__split(copy, &nt);
		free(copy);
	}
	for (i = 0; i < nt; i++) {
		char *item = top[i], *open = strchr(item, '{'), *close = strrchr(item, '}');
		const char *mods;

		if (!open && !close) {
			push_event(&out, &n, xstrdup(item), item, -1);
			continue;
		}
		mods = close ? close + 1 : "";
		if (open != item || !close || strchr(open + 1, '{') || strchr(open, '}') != close ||
		    close == open + 1 || (*mods && (*mods != ':' || !mods[1]))) {
			err__set(&src->err, -EINVAL, "bad event group '%s': perf's forms are "
				 "{EVENT,EVENT...} and {EVENT,EVENT...}:MODIFIERS",
				 strchr(item, '\x1f') ? list : item);
			event_list__free(top);
			events_free(out, n);
			return NULL;
		}
		*close = '\0';
		for (char *p = open + 1; *p; p++)
			if (*p == '\x1f')
				*p = ',';
		in = event_list__split(open + 1, &k);
		for (k = 0; in[k]; k++) {
			const char *m = in[k];
			size_t l = strlen(m);
			char *spec;

			if (!*mods)
				spec = xstrdup(m);
			else if ((l && m[l - 1] == '/') || strchr(m, ':'))
				spec = xasprintf("%s%s", m, mods + 1);	/* NAME/terms/MODS, NAME:MODS */
			else
				spec = xasprintf("%s%s", m, mods);
			push_event(&out, &n, spec, m, g);
		}
		event_list__free(in);
		g++;
	}
	event_list__free(top);
	*nr = n;
	return out;
}

int evsource__init(struct evsource *src, const struct evsource_opts *o)
{
	bool have_cpu_clock = false, fallback, any_group = false, lead_reads = false;
	struct event_item *list;
	int err = 0, nr = 0, i, *leader = NULL, last_group = -1, lead = -1;

	memset(src, 0, sizeof(*src));
	src->evlist = evlist__new();
	list = events_split(src, o->events ? o->events : "cycles", &nr);
	if (!list)
		return -EINVAL;
	if (nr >= MAX_EVSELS) {
		err = err__set(&src->err, -E2BIG, "%d events: at most %d", nr, MAX_EVSELS - 1);
		goto out;
	}
	leader = xcalloc((size_t)nr + 2, sizeof(*leader));
	for (i = 0; i < nr; i++) {
		const char *name = list[i].spec, *use = list[i].name;
		struct event_spec spec;
		struct perf_event_attr attr;

		err = event_spec__parse(name, &spec);
		if (err) {
			err = spec_error(src, name, err);
			goto out;
		}
		attr = spec.attr;
		fallback = false;
		attr.size = sizeof(attr);
		if (!spec.has_GH) {
			attr.exclude_host = !o->sample_host;
			attr.exclude_guest = !o->sample_guest;
		}
		attr.disabled = 1;
		if (is_hw_type(attr.type)) {
			err = hw_fallback(src, name, &attr, &fallback);
			if (err)
				goto out;
			if (fallback)
				use = "cpu-clock";
		}
		if (attr.type == PERF_TYPE_SOFTWARE && attr.config == PERF_COUNT_SW_CPU_CLOCK) {
			/* two fallbacks would be one event twice (in a group, each has its place) */
			if (fallback && have_cpu_clock && list[i].group < 0)
				continue;
			have_cpu_clock = true;
		}
		set_sampling(&attr, &spec, o);
		if (o->sample_type)
			attr.sample_type = o->sample_type;
		if (!src->evlist->nr_evsels && o->comm_only) {
			attr.comm = attr.task = 1;
		} else if (!src->evlist->nr_evsels) {
			/* Side-band records come once, from the first event. */
			attr.mmap = attr.mmap2 = attr.comm = attr.comm_exec = attr.task = 1;
		}
		/* A group's events open with its first: as one, on the PMU (perf's leader). */
		if (list[i].group >= 0 && list[i].group == last_group) {
			leader[src->evlist->nr_evsels] = lead;
			any_group = true;
			/* as perf's members: on and off with the leader */
			attr.disabled = 0;
			attr.enable_on_exec = 0;
			if (spec.sample_read && !lead_reads) {
				err = err__set(&src->err, -EINVAL, "bad event '%s': S is the group's "
					       "('{a,b}:S') or its first event's", name);
				goto out;
			}
			if (lead_reads) {
				/* perf's :S: the leader's samples read them, they take none */
				const struct perf_event_attr *l = &src->evlist->evsels[lead].attr;

				attr.freq = 0;
				attr.sample_period = 0;
				attr.sample_type = l->sample_type;
				attr.read_format = l->read_format;
				attr.inherit = 0;
			}
		} else {
			lead = src->evlist->nr_evsels;
			leader[lead] = lead;
			lead_reads = spec.sample_read;
			if (lead_reads) {
				/*
				 * perf's :S: each sample reads the counters, with
				 * their ids; a group's, all at once (which the
				 * kernel takes without inherit).
				 */
				attr.sample_type |= PERF_SAMPLE_READ;
				attr.read_format |= PERF_FORMAT_ID;
				if (list[i].group >= 0 && i + 1 < nr && list[i + 1].group == list[i].group) {
					attr.read_format |= PERF_FORMAT_GROUP;
					attr.inherit = 0;
				}
			}
		}
		last_group = list[i].group;
		/* the kernel writes a READ of the inherited count as each task exits */
		attr.inherit_stat = o->inherit_stat && attr.inherit;
		evlist__add(src->evlist, &attr, use);
	}
	if (o->kvm_stat_dummy && (o->system_wide || o->cpus || (o->workload <= 0 && !o->nr_targets))) {
		leader[src->evlist->nr_evsels] = src->evlist->nr_evsels;
		add_kvm_stat_dummy(src->evlist, o);
	}
	if (any_group) {
		src->evlist->leader = leader;
		leader = NULL;
	}
out:
	free(leader);
	events_free(list, nr);
	return err;
}

static int explain_open_error(struct evsource *src, int err)
{
	struct evlist *evlist = src->evlist;
	const struct evsel *e = evlist->err_evsel >= 0 ? &evlist->evsels[evlist->err_evsel] : NULL;
	const char *name = e ? e->name : "?";

	if (err == -EACCES || err == -EPERM)
		return err__set(&src->err, err, "cannot open event '%s': %s (perf_event_paranoid "
				"is %ld): run as root, or lower /proc/sys/kernel/perf_event_paranoid "
				"(-1 for system-wide, 1 for kernel samples of your own processes)",
				name, strerror(-err), evsource__paranoid());
	if (err == -EOPNOTSUPP && e && (e->attr.exclude_guest || e->attr.exclude_host))
		return err__set(&src->err, err, "cannot open event '%s': the PMU refuses "
				"exclude_guest/exclude_host: record with --host --guest", name);
	if (err == -EMFILE)
		return err__set(&src->err, err, "cannot open event '%s': too many open files: "
				"raise 'ulimit -n' or record fewer CPUs/threads", name);
	if (evlist->err_thread != -1)
		return err__set(&src->err, err, "cannot open event '%s' on thread %d: %s", name,
				(int)evlist->err_thread, strerror(-err));
	return err__set(&src->err, err, "cannot open event '%s' on cpu %d: %s", name,
			evlist->err_cpu, strerror(-err));
}

/* The CPUs and threads: per CPU unless -t alone (inherited events need a CPU). */
static int set_target(struct evsource *src, const struct evsource_opts *o)
{
	bool tids = o->nr_targets && !o->target_pids;
	int err;

	if (o->system_wide || o->cpus || !tids) {
		err = evlist__set_cpus(src->evlist, o->cpus);
		if (err)
			return err__set(&src->err, err == -ERANGE ? -ERANGE : -EINVAL,
					"bad CPU list '%s': %s", o->cpus ? o->cpus : "(online)",
					err == -ERANGE ? "a CPU is not online" : "expected e.g. 0-3,7");
	} else {
		evlist__set_any_cpu(src->evlist);
	}
	if (o->workload > 0) {
		evlist__set_threads(src->evlist, o->workload, false);
	} else if (o->nr_targets) {
		pid_t bad = 0;

		if (evlist__set_thread_list(src->evlist, o->targets, o->nr_targets, o->target_pids,
					    &bad))
			return err__set(&src->err, -ESRCH, "no such %s: %d",
					o->target_pids ? "process" : "thread", (int)bad);
	} else {
		evlist__set_threads(src->evlist, -1, false);
	}
	return 0;
}

int evsource__open(struct evsource *src, const struct evsource_opts *o)
{
	int err = set_target(src, o), i;

	if (err)
		return err;
	err = evlist__open(src->evlist);
	if ((err == -EACCES || err == -EPERM) && !o->system_wide && geteuid()) {
		/* paranoid 2: a user may sample its own processes, user space only. */
		for (i = 0; i < src->evlist->nr_evsels; i++)
			src->evlist->evsels[i].attr.exclude_kernel =
				src->evlist->evsels[i].attr.exclude_hv = 1;
		err = evlist__open(src->evlist);
		if (!err) {
			src->user_only = true;
			src->paranoid = evsource__paranoid();
		}
	}
	if (err)
		return explain_open_error(src, err);
	err = evlist__mmap(src->evlist, o->mmap_pages);
	if (err == -EPERM)
		return err__set(&src->err, err, "cannot map %u pages per buffer: over "
				"perf_event_mlock_kb; use a smaller -m", o->mmap_pages);
	if (err)
		return err__set(&src->err, err, "cannot map the ring buffers: %s",
				strerror(-err));
	return 0;
}

void evsource__exit(struct evsource *src)
{
	if (src->evlist) {
		evlist__disable(src->evlist);
		evlist__delete(src->evlist);
	}
	src->evlist = NULL;
}

struct perf_data *evsource__perf_data(const struct evsource *src)
{
	struct perf_data *d = perf_data__new_live("live");

	/* evsource__init keeps the number of events far below MAX_EVSELS */
	perf_data__share_evsels(d, src->evlist->evsels, src->evlist->nr_evsels);
	return d;
}
