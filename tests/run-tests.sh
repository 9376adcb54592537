#!/bin/bash
# Runs every test: the unit suite, then each tests/shell/tNNNN-*.sh.
# A shell test exits 0 (pass), 77 (skip, reason on stdout) or anything
# else (fail). PMUKVM names the binary under test (default ./pmukvm),
# PMUKVM_BUILD the build directory (default build; test tools are always
# in build/tools), PMUKVM_UNIT the unit-test binary.
# Usage: tests/run-tests.sh [PATTERN]   (PATTERN filters test file names)
set -u
cd "$(dirname "$0")/.."
export PMUKVM=${PMUKVM:-./pmukvm}
export PMUKVM_BUILD=${PMUKVM_BUILD:-build}
unit=${PMUKVM_UNIT:-$PMUKVM_BUILD/unit-tests}
pattern=${1:-}
pass=0 fail=0 skip=0
failed=()
log_dir=$(mktemp -d /tmp/pmukvm-tests.XXXXXX)

if [ -z "$pattern" ] || [[ unit == *$pattern* ]]; then
	if "$unit" >"$log_dir/unit.log" 2>&1; then
		pass=$((pass + 1)); echo "ok    unit-tests ($(tail -n1 "$log_dir/unit.log"))"
	else
		fail=$((fail + 1)); failed+=(unit-tests)
		echo "FAIL  unit-tests"; sed 's/^/      /' "$log_dir/unit.log" | tail -n 40
	fi
fi
for t in tests/shell/t[0-9]*.sh; do
	name=$(basename "$t" .sh)
	[ -n "$pattern" ] && [[ $name != *$pattern* ]] && continue
	start=$(date +%s)
	bash "$t" >"$log_dir/$name.log" 2>&1
	rc=$?
	secs=$(( $(date +%s) - start ))
	case $rc in
	0) pass=$((pass + 1)); echo "ok    $name (${secs}s)" ;;
	77) skip=$((skip + 1)); echo "skip  $name: $(tail -n1 "$log_dir/$name.log")" ;;
	*) fail=$((fail + 1)); failed+=("$name")
	   echo "FAIL  $name (exit $rc, ${secs}s)"; sed 's/^/      /' "$log_dir/$name.log" | tail -n 40 ;;
	esac
done
echo
# the end of each failed test's log again, last: a CI log shown by its
# head and tail keeps the reason
for name in "${failed[@]}"; do
	[ "$name" = unit-tests ] && f=$log_dir/unit.log || f=$log_dir/$name.log
	echo "--- end of $name:"; tail -n 15 "$f" | cut -c1-200 | sed 's/^/      /'
done
[ ${#failed[@]} -gt 0 ] && echo "failed: ${failed[*]}  (logs in $log_dir)"
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
