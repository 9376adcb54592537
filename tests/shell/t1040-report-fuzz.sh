#!/bin/bash
# Seeded random corruption of real data files (file and pipe mode, host and
# guest, with callchains and user stacks) and of a guest kallsyms copy: pmukvm never crashes, never trips the
# sanitizers, and every failure is one 'pmukvm:' message.
. tests/lib.sh
. tests/shell/lib-guest.sh
need_perf
N=${FUZZ_RUNS:-150}
perf record -q -e cpu-clock -F 999 -o "$TMP/host.data" -- "$TOOLS/mtwork" 2 200 >/dev/null 2>&1 ||
	fail "perf record failed"
perf record -q -e cpu-clock -F 999 -o - -- "$TOOLS/mtwork" 1 150 2>/dev/null >"$TMP/pipe.data"
perf record -q -g -e cpu-clock -F 999 -o "$TMP/cg.data" -- "$TOOLS/mtwork" 2 150 >/dev/null 2>&1 ||
	fail "perf record -g failed"
perf record -q --call-graph dwarf,4096 -e cpu-clock -F 499 -o "$TMP/dw.data" -- "$TOOLS/mtwork" 2 150 \
	>/dev/null 2>&1 || fail "perf record --call-graph dwarf failed"
have_guest=0
if guest_fixture; then
	$G -o "$TMP/guest.data" --guest "0:$K:$M" --kernel-samples 300 \
		--module-samples 100 --user-samples 20 >/dev/null && have_guest=1
	gzip -dc "$K" | head -n 3000 >"$TMP/k3000"
fi

# run_one DESC CMD...: any exit but a crash or a sanitizer report is fine.
run_one() {
	local desc=$1; shift
	"$@" >/dev/null 2>"$TMP/err"
	local rc=$?
	if [ $rc -gt 129 ] || [ $rc -eq 128 ] || grep -q -E "Sanitizer|runtime error" "$TMP/err"; then
		cat "$TMP/err" | head -20
		fail "$desc: exit $rc"
	fi
	if [ $rc -ne 0 ] && ! grep -q "^pmukvm: " "$TMP/err"; then
		cat "$TMP/err" | head -5
		fail "$desc: failed without a message"
	fi
}

for ((i = 1; i <= N; i++)); do
	"$TOOLS/mutate" "$TMP/host.data" "$TMP/m.data" $i $((1 + i % 16))
	run_one "host file, seed $i" $PMUKVM report -i "$TMP/m.data" --stdio
	"$TOOLS/mutate" "$TMP/host.data" "$TMP/m.data" $i $((1 + i % 8)) 104
	run_one "host file past the header, seed $i" $PMUKVM report -i "$TMP/m.data" --stdio
	"$TOOLS/mutate" "$TMP/pipe.data" "$TMP/m.data" $i $((1 + i % 8))
	run_one "pipe stream, seed $i" sh -c "$PMUKVM report -i - --stdio <$TMP/m.data"
	"$TOOLS/mutate" "$TMP/cg.data" "$TMP/m.data" $i $((1 + i % 8)) 104
	run_one "callchains, seed $i" $PMUKVM report -i "$TMP/m.data" --stdio -g --call-graph-min 0
	run_one "callchains as JSON, seed $i" $PMUKVM report -i "$TMP/m.data" --json -g
	# Whatever the bytes of the names, what --json printed parses.
	$PMUKVM report -i "$TMP/m.data" --json -g 2>/dev/null | python3 -c '
import json, sys
for n, line in enumerate(sys.stdin.buffer, 1):
    try:
        json.loads(line)
    except ValueError as e:
        sys.exit("line %d: %s" % (n, e))' || fail "callchains as JSON, seed $i: invalid JSON"
	"$TOOLS/mutate" "$TMP/dw.data" "$TMP/m.data" $i $((1 + i % 8)) 104
	run_one "user stacks, seed $i" $PMUKVM report -i "$TMP/m.data" --stdio -g --call-graph-min 0
	if [ $have_guest = 1 ]; then
		"$TOOLS/mutate" "$TMP/guest.data" "$TMP/m.data" $i $((1 + i % 8)) 104
		run_one "guest file, seed $i" $PMUKVM --guestkallsyms="$K" --guestmodules="$M" \
			report -i "$TMP/m.data" --stdio --sort guest,vcpu,dso,sym
		"$TOOLS/mutate" "$TMP/k3000" "$TMP/mk" $i $((1 + i % 4))
		run_one "guest kallsyms, seed $i" $PMUKVM --guestkallsyms="$TMP/mk" report \
			-i "$TMP/guest.data" --stdio
	fi
done
echo "$N seeds: no crash, no sanitizer report"
