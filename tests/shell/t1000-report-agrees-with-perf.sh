#!/bin/bash
# pmukvm report and perf report agree on every (comm,dso,sym) row of files
# that real perf record wrote here: one command, system-wide, a
# multi-threaded PIE program with shared libraries, two events at once,
# and a pipe-mode stream.
. tests/lib.sh
need_perf

# One command (a shell loop: dash, libc, kernel).
# Files compared by comm hold no sample under perf-exec (perf cuts that
# name: tests/lib.sh, perf_record_no_exec); the system-wide one keeps
# only the workload's and the idle task's rows.
perf_record_no_exec "$TMP/cmd.data" -q -e cpu-clock -F 999 -- \
	sh -c 'i=0; while [ $i -lt 150000 ]; do i=$((i+1)); done' ||
	fail "perf record (one command) failed"
perf_agrees "$TMP/cmd.data" comm,dso,sym

# A multi-threaded PIE binary with shared libraries.
perf_record_no_exec "$TMP/mt.data" -q -e cpu-clock -F 999 -- "$TOOLS/mtwork" 3 600 ||
	fail "perf record (mtwork) failed"
perf_agrees "$TMP/mt.data" comm,dso,sym
perf_agrees "$TMP/mt.data" pid,sym
perf_agrees "$TMP/mt.data" dso
# The shares of kernel and user mode (perf report's: no guest columns).
perf_agrees "$TMP/mt.data" comm,dso,sym --show-cpu-utilization

# System-wide, with a workload running.
perf record -q -a -e cpu-clock -F 499 -o "$TMP/sys.data" -- "$TOOLS/mtwork" 2 800 >/dev/null 2>&1 ||
	fail "perf record -a failed"
# The workload's and the idle task's rows (in the whole file's totals):
# whatever else ran meanwhile (binaries rebuilt since, JIT code of other
# users) is not this test's to judge.
perf_agrees "$TMP/sys.data" comm,dso,sym --comms mtwork,swapper
perf_agrees "$TMP/sys.data" dso --show-cpu-utilization

# Two events at once: each section must agree.
perf_record_no_exec "$TMP/two.data" -q -e cpu-clock,task-clock -F 999 -- "$TOOLS/mtwork" 2 400 ||
	fail "perf record with two events failed"
perf_agrees "$TMP/two.data" comm,dso,sym
$PMUKVM report -i "$TMP/two.data" --stdio | grep -q "of event 'task-clock'" ||
	fail "no task-clock section"

# Pipe mode: the same stream, read from stdin and as a file.
perf_record_no_exec -:"$TMP/pipe.data" -q -e cpu-clock -F 999 -- "$TOOLS/mtwork" 2 300 ||
	fail "perf record -o - failed"
perf_agrees "$TMP/pipe.data" comm,dso,sym
$PMUKVM report -i - --stdio -n --sort comm,dso,sym -t '|' <"$TMP/pipe.data" | norm_rows >"$TMP/stdin.rows"
diff -u "$TMP/perf.rows" "$TMP/stdin.rows" || fail "reading the pipe from stdin differs"
echo "all agree"
