#!/bin/bash
# report --stdio pads its columns byte for byte as perf report does, for
# every key order: each column to the width perf gives it (the longest
# name its rows hold, whatever --percent-limit shows; 22 for an unresolved
# symbol, 16 at least for Shared Object then; 15 for pid), a column padded
# where another follows it, the last one only where its key pads itself
# (all but sym and srcline), and every header padded, the last one too.
# No blank is squeezed here: the other tests that compare with perf do.
. tests/lib.sh
need_perf

perf_record_no_exec "$TMP/mt.data" -q -e cpu-clock -F 999 --sample-cpu -- "$TOOLS/mtwork" 3 600 ||
	fail "perf record failed"
# user time only, and --time keeps the middle of the run: rows of short
# names, among them the JIT code's unresolved addresses
perf_record_no_exec "$TMP/jit.data" -q -e cpu-clock:u -F 999 -- "$TOOLS/jitloop" 600 ||
	fail "perf record (jitloop) failed"

# The table: from the column header to the last row (perf's own header
# lines and its closing tip differ from pmukvm's, and are not compared).
table() {
	sed -n '/^# *\(Overhead\|Children\|Self\|Samples\) /,$p' |
		sed '/^# (Tip/,$d' | tac | awk 'f || !/^#?$/ { f = 1; print }' | tac
}

same() {
	local f=$1; shift
	perf report -i "$f" --stdio "$@" 2>"$TMP/perf.err" | table >"$TMP/perf.txt"
	$PMUKVM report -i "$f" --stdio "$@" 2>"$TMP/pmukvm.err" | table >"$TMP/pmukvm.txt"
	[ -s "$TMP/perf.txt" ] || { cat "$TMP/perf.err"; fail "perf report printed no table ($*)"; }
	if ! cmp -s "$TMP/perf.txt" "$TMP/pmukvm.txt"; then
		diff -u "$TMP/perf.txt" "$TMP/pmukvm.txt" | head -20 | cat -A
		fail "$(basename "$f") $*: the text differs from perf's"
	fi
	echo "same: $(basename "$f") $*: $(wc -l <"$TMP/perf.txt") lines"
}

f=$TMP/mt.data
for s in comm,dso,sym dso,sym sym,dso comm,sym,dso sym,comm sym pid pid,sym sym,pid comm,pid \
	 cpu,sym sym,cpu sym,cpu,period period,dso dso,period sym,dso,comm; do
	same "$f" --sort $s
done
same "$f" --sort sym,dso -n --show-total-period
same "$f" --sort sym,dso --percent-limit 5
same "$f" --sort sym,comm --comm mtwork
same "$f" --sort dso,sym --dso libc.so.6,libm.so.6
same "$f" -F overhead,sym,dso
same "$f" -F overhead,sample,dso,sym
# srcline: mtwork is built with -g (libm's file names differ between the
# two tools' DWARF readers, so that is left to t1111)
same "$f" --sort srcline,sym --dso mtwork
same "$f" --sort sym,srcline --dso mtwork
same "$f" --sort srcline --dso mtwork
for s in comm,dso,sym sym,dso pid,dso dso,pid; do
	same "$f" --hierarchy --sort $s
done

f=$TMP/jit.data
for s in dso,sym sym,dso comm,dso,sym sym; do
	same "$f" --sort $s --time 20%-80%
done
same "$f" --sort sym,dso --time 20%-80% --dso libc.so.6
echo "columns padded as perf pads them"
