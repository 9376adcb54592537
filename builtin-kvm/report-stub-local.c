/* Local stub so the record branch links; NOT committed (see .git/info/exclude). */
#include <stdio.h>
#include "builtin-kvm/builtin.h"
int cmd_report(int argc, char **argv) { (void)argc; (void)argv; fprintf(stderr, "report: not in this branch\n"); return 1; }
