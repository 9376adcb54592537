// SPDX-License-Identifier: GPL-2.0
/* Symbol names as perf 6.1 shows them: table-driven. */
#include <stdlib.h>
#include <string.h>

#include "symbols/demangle.h"
#include "tests/unit/unit.h"
#include "util/util.h"

void test_demangle_names(void)
{
	static const struct {
		const char *mangled;
		bool kernel;
		int verbose;
		const char *want;	/* NULL: the name stays as it is */
	} cases[] = {
		{ "main", false, 0, NULL },
		{ "_Z4spinImET_S0_", false, 0, "spin<unsigned long>" },
		{ "_Z4spinImET_S0_", false, 1, "unsigned long spin<unsigned long>(unsigned long)" },
		{ "_ZN2ns4overEmi", false, 0, "ns::over" },
		{ "_ZN2ns4overEmi", false, 1, "ns::over(unsigned long, int)" },
		{ "_ZNK2ns3vecltERKS0_", false, 0, "ns::vec::operator<" },
		{ "_ZN2ns3vecC2Em", false, 0, "ns::vec::vec" },
		{ "_ZZ4mainENKUlmE_clEm.constprop.0", false, 0,
		  "main::{lambda(unsigned long)#1}::operator()" },
		{ "_ZN12_GLOBAL__N_16hiddenEm", false, 0, "(anonymous namespace)::hidden" },
		/* Rust, legacy mangling: libiberty drops the hash. */
		{ "_ZN4core3fmt5write17h0123456789abcdefE", false, 0, "core::fmt::write" },
		/* OCaml, by perf's rule. */
		{ "camlStdlib__bytes__$2b$2b_2205", false, 0, "Stdlib.bytes.++_2205" },
		{ "camlstdlib", false, 0, NULL },
		/* Kernel names only with --demangle-kernel. */
		{ "_ZN2ns4overEmi", true, 0, NULL },
		{ "_Z", false, 0, NULL },
	};
	size_t i;
	int old_verbose = verbose;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char *got;

		verbose = cases[i].verbose;
		got = demangle(cases[i].mangled, cases[i].kernel);
		if (cases[i].want)
			CHECK_STR(got, cases[i].want);
		else
			CHECK(!got);
		free(got);
	}
	demangle_conf.user = false;
	CHECK(!demangle("_ZN2ns4overEmi", false));
	demangle_conf.user = true;
	demangle_conf.kernel = true;
	{
		char *got = demangle("_ZN2ns4overEmi", true);

		CHECK_STR(got, "ns::over");
		free(got);
	}
	demangle_conf.kernel = false;
	verbose = old_verbose;
}
