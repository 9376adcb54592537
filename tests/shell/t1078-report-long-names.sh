#!/bin/bash
# report -g with function names longer than any line buffer: a callee of
# 700 characters called by one of 600, each printed whole in every
# call-graph form (graph, fractal, flat, folded), as perf report 6.1 prints
# them. The graph and folded lines used to cut names at 512 bytes.
. tests/lib.sh
need_perf
command -v gcc >/dev/null || skip "no gcc"

callee=f_$(printf 'x%.0s' $(seq 700))
caller=g_$(printf 'y%.0s' $(seq 600))
cat >"$TMP/long.c" <<SRC
volatile double s;
__attribute__((noinline)) void $callee(void)
{
	for (int i = 0; i < 20000000; i++)
		s += i * 0.5;
}
__attribute__((noinline)) void $caller(void)
{
	$callee();
	s += 1;	/* not a tail call: the caller stays on the stack */
}
int main(void)
{
	for (int k = 0; k < 6; k++)
		$caller();
	return 0;
}
SRC
gcc -O0 -fno-omit-frame-pointer -o "$TMP/long" "$TMP/long.c" || fail "gcc failed"
# Recorded again while it holds samples under perf-exec (perf cuts that
# comm: tests/lib.sh, perf_record_no_exec).
perf_record_no_exec "$TMP/long.data" -q -g -e cpu-clock -- "$TMP/long" ||
	fail "perf record -g failed"

# same OPTIONS...: perf report and pmukvm report print the same, the
# callee's name whole (tests/shell/lib-callgraph.sh).
. tests/shell/lib-callgraph.sh
f=long
must_have=$callee
for form in graph fractal flat folded; do
	same --no-children -g $form
	same --no-children -g $form,0,caller
	same -g $form
done
grep -q -e "$caller;$callee" -e "$callee;$caller" "$TMP/ours.txt" || fail "folded: the path is not whole"
