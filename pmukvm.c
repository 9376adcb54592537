// SPDX-License-Identifier: GPL-2.0
/*
 * pmukvm: host-side profiler for KVM guests. This file holds the command
 * table and the global option handling; commands live in builtin-kvm/.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builtin-kvm/builtin.h"
#include "util/evlist.h"
#include "util/hist.h"
#include "util/options.h"
#include "util/util.h"

#include "pmukvm-version.h"	/* generated: build/pmukvm-version.h */

struct cmd_struct {
	const char *name;
	int (*fn)(int argc, char **argv, struct guest_config *gc);
	const char *summary;
	const struct usage_example *examples;	/* the end of its --help */
};

/* The same lines are in each page's EXAMPLES (t0130 checks). */
static const struct usage_example record_examples[] = {
	{ "a guest's kernel for ten seconds, its symbol files stored in the data file",
	  "pmukvm --guestkallsyms=guest-kallsyms --guestmodules=guest-modules record -a --duration 10" },
	{ "host and guests, with call chains, of one QEMU process",
	  "pmukvm --host --guest record -g -p $(pidof qemu-system-x86_64)" },
	{ NULL, NULL }
};

static const struct usage_example report_examples[] = {
	{ "a guest's time by module and symbol",
	  "pmukvm --guestkallsyms=kallsyms --guestmodules=modules report -i perf.data.guest --stdio --sort dso,sym" },
	{ "per guest and vCPU, for scripts",
	  "pmukvm --guestmount=/srv/guests report --sort guest,vcpu,dso,sym -t '|' -n" },
	{ "every row as a JSON object, with its call paths",
	  "pmukvm report -i perf.data --json -g" },
	{ NULL, NULL }
};

static const struct usage_example top_examples[] = {
	{ "watch the host and its guests, live",
	  "pmukvm --guestkallsyms=kallsyms --guestmodules=modules --host --guest top" },
	{ "replay a recording at twice its speed, refreshing every second",
	  "pmukvm top -i perf.data --speed 2 -d 1" },
	{ "three snapshots of 10 rows, for a log",
	  "pmukvm top --stdio --iterations 3 -E 10 >top.log" },
	{ NULL, NULL }
};

static const struct usage_example check_examples[] = {
	{ "can this host profile its guests, and if not, why",
	  "pmukvm check" },
	{ "can these guest symbol files be used",
	  "pmukvm --guestkallsyms=guest-kallsyms --guestmodules=guest-modules check" },
	{ NULL, NULL }
};

static const struct usage_example stat_examples[] = {
	{ "exits of all guests by reason, as perf kvm stat report, from its file",
	  "pmukvm -i perf.data.guest stat report" },
	{ "port I/O of vCPU 1, slowest first, with percentiles per guest",
	  "pmukvm stat report --event=ioport -k time --vcpu 1 --extended" },
	{ "which guest kernel functions cause the exits",
	  "pmukvm --guestmount=/srv/guests stat report --by-symbol" },
	{ NULL, NULL }
};

static const struct usage_example diff_examples[] = {
	{ "as perf diff, on the files of two runs",
	  "pmukvm diff before.data after.data" },
	{ "in a CI job, fail when a function's share grew by more than 2 points, ignoring rows under 50 samples",
	  "pmukvm diff --fail-above 2 --min-samples 50 baseline.data new.data" },
	{ "two boots of a guest, by guest, module and function",
	  "pmukvm --guest diff --sort guest,dso,sym boot1.data boot2.data" },
	{ NULL, NULL }
};

static const struct usage_example guest_symbols_examples[] = {
	{ "a running guest's symbols from its memory, then a report with them",
	  "pmukvm guest-symbols -p $(pidof qemu-system-x86_64) -o /srv/guests && pmukvm --guestmount=/srv/guests report" },
	{ "also say which kallsyms layout the guest has and how long it took",
	  "pmukvm guest-symbols -v -p 4242 -o /srv/guests" },
	{ NULL, NULL }
};

static const struct usage_example main_examples[] = {
	{ "record the host and its guests for ten seconds, then read it",
	  "pmukvm record -a --duration 10 && pmukvm report --stdio" },
	{ "a live view of the host and its guests",
	  "pmukvm --host --guest top" },
	{ NULL, NULL }
};

static const struct cmd_struct commands[] = {
	{ "record", cmd_record, "sample the host and its guests into a data file", record_examples },
	{ "report", cmd_report, "read a data file and show where time went", report_examples },
	{ "top", cmd_top, "live view of where time goes, or a replay of a data file",
	  top_examples },
	{ "check", cmd_check, "say whether this host can profile its guests", check_examples },
	{ "stat", cmd_stat, "the virtualization layer's cost from KVM's tracepoints", stat_examples },
	{ "diff", cmd_diff, "compare data files: what got more or less expensive", diff_examples },
	{ "guest-symbols", cmd_guest_symbols, "read a running guest's kernel symbols from its memory",
	  guest_symbols_examples },
};

static const char usage_str[] =
	"pmukvm [--version] [--help] [-v] [guest options] COMMAND [ARGS]";

static void print_usage(void)
{
	size_t i;

	printf("usage: %s\n\n", usage_str);
	printf("pmukvm profiles KVM hosts and their guests from the host.\n\n");
	printf("commands:\n");
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		printf("   %-10s %s\n", commands[i].name, commands[i].summary);
	printf("   %-10s %s\n", "help", "show help for a command");
	printf("\nguest options (perf kvm's), accepted before or after the command:\n");
	options_usage("pmukvm COMMAND", NULL);
	printf("\nSee 'pmukvm help COMMAND' or 'man pmukvm-COMMAND'.\n");
	options_print_examples(main_examples);
}

/*
 * What shell completion asks for (contrib/pmukvm-completion.bash), one per
 * line, from the tables the code uses, so completion follows them. Not
 * shown in --help, as perf's --list-cmds. Returns false for another word.
 */
static bool list_for_completion(const char *what)
{
	size_t i;
	const char *name;

	if (!strcmp(what, "--list-cmds")) {
		for (i = 0; i < ARRAY_SIZE(commands); i++)
			printf("%s\n", commands[i].name);
		printf("help\n");
	} else if (!strcmp(what, "--list-sort-keys")) {
		for (i = 0; i < SORT_NR_KEYS; i++)
			printf("%s\n", sort_keys[i].name);
	} else if (!strcmp(what, "--list-events")) {
		for (i = 0; (name = event_name__nth(i)); i++)
			printf("%s\n", name);
	} else {
		return false;
	}
	return true;
}

static const struct cmd_struct *find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

/* The options before the command word that are not guest options. */
struct main_opts {
	const char *input;
};

static int opt_version(const struct opt_desc *opt, const char *arg, bool unset, void *opts)
{
	printf("pmukvm version %s\n", PMUKVM_VERSION);
	exit(0);
}

static const struct opt_desc main_opts[] = {
	OPT_CALLBACK_FLAG('V', "version", opt_version, "print the version"),
	OPT_STRING('i', "input", struct main_opts, input, "FILE",
		   "the data file, for stat, report and top (as perf kvm -i)"),
	OPT_END
};

/* Runs the command and makes sure what it printed reached stdout. */
static int run_builtin(const struct cmd_struct *cmd, int argc, char **argv,
		       struct guest_config *gc)
{
	int status;

	options_examples = cmd->examples;
	status = cmd->fn(argc, argv, gc);

	if (fflush(stdout) || ferror(stdout)) {
		if (errno == EPIPE)
			return status;
		pr_err("write failure on standard output: %s", strerror(errno));
		return status ? status : 1;
	}
	return status;
}

int main(int argc, char **argv)
{
	const struct cmd_struct *cmd;
	struct guest_config gc = { 0 };
	struct main_opts mo = { 0 };
	int i;

	if (argc > 1 && !strcmp(argv[1], "--version")) {
		printf("pmukvm version %s\n", PMUKVM_VERSION);
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "--help")) {
		print_usage();
		return 0;
	}
	if (argc == 2 && list_for_completion(argv[1]))
		return 0;
	/* Global options before the command word, as perf kvm takes them. */
	i = options_parse(argc, argv, usage_str, main_opts, &mo, &gc);
	if (i < 0)
		return 129;
	global_input = mo.input;
	argc -= i;
	argv += i;
	if (argc < 1) {
		print_usage();
		return 129;
	}
	if (!strcmp(argv[0], "help")) {
		char *hargv[] = { NULL, (char *)"--help", NULL };

		if (argc < 2) {
			print_usage();
			return 0;
		}
		cmd = find_cmd(argv[1]);
		if (!cmd) {
			pr_err("'%s' is not a pmukvm command (see 'pmukvm --help')", argv[1]);
			return 129;
		}
		hargv[0] = argv[1];
		return run_builtin(cmd, 2, hargv, &gc);
	}
	if (!strcmp(argv[0], "version")) {
		printf("pmukvm version %s\n", PMUKVM_VERSION);
		return 0;
	}
	cmd = find_cmd(argv[0]);
	if (!cmd) {
		pr_err("'%s' is not a pmukvm command (see 'pmukvm --help')", argv[0]);
		return 129;
	}
	if (global_input && cmd->fn != cmd_stat && cmd->fn != cmd_report && cmd->fn != cmd_top) {
		pr_err("-i FILE before the command word is for stat, report and top, not %s",
		       cmd->name);
		return 129;
	}
	term_guard_stdout();
	return run_builtin(cmd, argc, argv, &gc);
}
