#!/bin/bash
# Runs libFuzzer harnesses (make fuzz): each SECONDS long, from its seeds.
# New inputs go to build-fuzz/corpus/NAME (the tree's seeds stay as they
# are); a crash, leak or timeout leaves its input in build-fuzz/crashes/NAME
# and makes the run fail.
# Usage: fuzz/run.sh SECONDS NAME...
set -u
secs=$1; shift
failed=()
# leaks in libraries' own error paths (fuzz/lsan.supp says which)
export LSAN_OPTIONS="suppressions=$PWD/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
for name in "$@"; do
	bin=build-fuzz/fuzz/$name
	corpus=build-fuzz/corpus/$name
	crashes=build-fuzz/crashes/$name
	mkdir -p "$corpus" "$crashes"
	seeds=()
	[ -d "fuzz/corpus/$name" ] && seeds+=("fuzz/corpus/$name")
	[ -d "tests/data/fuzz/$name" ] && seeds+=("tests/data/fuzz/$name")
	echo "fuzz: $name for ${secs}s"
	# Workers share the machine with the rest of CI: one job each.
	"$bin" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 -max_len=1048576 \
		-artifact_prefix="$crashes/" -print_final_stats=1 "$corpus" "${seeds[@]}" \
		>"build-fuzz/$name.log" 2>&1
	rc=$?
	grep -E "^stat::number_of_executed_units|^Done" "build-fuzz/$name.log" | sed 's/^/  /'
	if [ $rc -ne 0 ]; then
		failed+=("$name")
		grep -E -m5 "ERROR|SUMMARY|Test unit written" "build-fuzz/$name.log" | sed 's/^/  /'
	fi
done
if [ ${#failed[@]} -gt 0 ]; then
	echo "fuzz: failed: ${failed[*]} (logs in build-fuzz/NAME.log, inputs in build-fuzz/crashes/)"
	exit 1
fi
echo "fuzz: ${#@} harnesses, no crash"
