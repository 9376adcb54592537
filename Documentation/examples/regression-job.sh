#!/bin/bash
# A regression job for CI: record a workload with pmukvm, compare it with
# a stored baseline, and fail when a function got more expensive.
#
#   regression-job.sh baseline BASELINE.data -- COMMAND [ARGS...]
#       record COMMAND into BASELINE.data (run once, on a known-good build;
#       store the file with the job)
#   regression-job.sh check BASELINE.data -- COMMAND [ARGS...]
#       record COMMAND, compare with BASELINE.data, print the table
#
# Exit status of check: 0 no row's share grew by more than THRESHOLD
# points; 1 one did (the rows are named on stderr); 2 the job cannot tell
# (no baseline, a recording failed, the files have different events).
#
# Environment: PMUKVM (the pmukvm to run, default pmukvm), THRESHOLD
# (percentage points, default 2), MIN_SAMPLES (rows under this many
# samples in both files are noise, default 20), NEW (where the new
# recording goes, default new.data; kept for a look afterwards, e.g.
# "pmukvm report -i new.data --flamegraph new.svg").
set -u
PMUKVM=${PMUKVM:-pmukvm}
THRESHOLD=${THRESHOLD:-2}
MIN_SAMPLES=${MIN_SAMPLES:-20}
NEW=${NEW:-new.data}

usage() {
	echo "usage: $0 baseline|check BASELINE.data -- COMMAND [ARGS...]" >&2
	exit 2
}
[ $# -ge 4 ] && [ "$3" = -- ] || usage
mode=$1 base=$2
shift 3

case $mode in
baseline)
	"$PMUKVM" record -q -o "$base" -- "$@" || { echo "$0: recording the baseline failed" >&2; exit 2; }
	echo "$0: baseline recorded in $base"
	;;
check)
	[ -f "$base" ] || { echo "$0: no baseline '$base' (run: $0 baseline $base -- $*)" >&2; exit 2; }
	"$PMUKVM" record -q -o "$NEW" -- "$@" || { echo "$0: recording failed" >&2; exit 2; }
	"$PMUKVM" diff --fail-above "$THRESHOLD" --min-samples "$MIN_SAMPLES" "$base" "$NEW"
	rc=$?
	case $rc in
	0) echo "$0: no regression above $THRESHOLD points" ;;
	1) echo "$0: REGRESSION: a row grew by more than $THRESHOLD points (see above)" ;;
	*) echo "$0: cannot tell (exit $rc)"; rc=2 ;;
	esac
	exit $rc
	;;
*)
	usage
	;;
esac
