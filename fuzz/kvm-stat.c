// SPDX-License-Identifier: GPL-2.0
/*
 * stat report's path over a data file in file mode: the tracing data
 * parsed with libtraceevent, the kvm events found in it, each analysis
 * counted straight from the file (perf's table) and through a session
 * (--extended, --by-symbol with the guest files a file carries), and
 * the tables printed as text, -t fields and JSON.
 */
#include <errno.h>

#include "fuzz/fuzz.h"
#include "ui/stdio.h"
#include "util/err.h"
#include "util/kvm-stat.h"
#include "util/machine.h"
#include "util/session.h"

struct fuzz_stat {
	struct perf_tool tool;
	struct kvm_stat *ks;
};

static bool fuzz_stat_sample(struct perf_tool *tool, struct evsel *evsel,
			     const struct perf_sample *sample)
{
	return kvm_stat__sample(((struct fuzz_stat *)tool)->ks, evsel, sample);
}

/* One analysis over @data: as pmukvm stat report runs it with these options. */
static void fuzz_stat(struct perf_data *data, enum kvm_stat_analysis a, bool extended,
		      bool by_symbol)
{
	struct kvm_stat_opts o = { .analysis = a, .vcpu = -1, .extended = extended,
				   .by_symbol = by_symbol, .sort = KVM_STAT_SORT_TIME };
	struct kvm_stat_print p = { .extended = extended };
	struct fuzz_stat st = { .tool = { .skip = fuzz_stat_sample } };
	struct session *s = NULL;
	struct err err;
	int e = -EOPNOTSUPP;

	st.ks = kvm_stat__new(&o);
	if (kvm_stat__setup(st.ks, data))
		goto out;
	if (!extended && !by_symbol)
		e = kvm_stat__process(st.ks, data);
	if (e == -EOPNOTSUPP) {
		s = session__new(data, &st.tool, NULL, &err);
		if (!s)
			goto out;
		/* The host's kernel symbols: none (no /proc/kallsyms per input). */
		s->machines.kallsyms_path = "/nonexistent/kallsyms";
		st.ks->machines = &s->machines;
		if (by_symbol && machines__load_guest_symbols(&s->machines, &err))
			goto out;
		e = session__process_events(s);
		if (!e && st.ks->err.code)
			e = st.ks->err.code;
	}
	if (e)
		goto out;
	kvm_stat__finish(st.ks);
	if (by_symbol) {
		kvm_stat__fprintf_symbols(st.ks, &p, fuzz_null());
		p.json = true;
		kvm_stat__fprintf_symbols(st.ks, &p, fuzz_null());
	} else {
		kvm_stat__fprintf(st.ks, &p, fuzz_null());
		p.field_sep = "|";
		kvm_stat__fprintf(st.ks, &p, fuzz_null());
		p.field_sep = NULL;
		p.json = true;
		kvm_stat__fprintf(st.ks, &p, fuzz_null());
	}
out:
	if (s)
		session__delete(s);
	kvm_stat__delete(st.ks);
}

/* Perf's table straight from the file, an analysis by the input's size extended, by symbol. */
static void fuzz_stats(struct perf_data *d)
{
	fuzz_stat(d, KVM_STAT_VMEXIT, false, false);
	fuzz_stat(d, (enum kvm_stat_analysis)(d->file_size % 4), true, false);
	fuzz_stat(d, KVM_STAT_VMEXIT, true, true);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_data_file(data, size, fuzz_stats);
	return 0;
}
