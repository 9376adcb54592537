#!/bin/bash
# Callchains longer than the 127 frames report keeps (a recording made
# with kernel.perf_event_max_stack raised): as perf, the first 127 frames
# for callee order and the outermost 127 for caller order (-g caller and
# --children, perf's default with -g), --max-stack cutting those from the
# same end; against perf report 6.1 on crafted chains of 120 to 200
# user frames. A --max-stack above 127 is said to be cut, not silently.
. tests/lib.sh
. tests/shell/lib-report.sh
need_perf

# usample lines: one process, chains of L frames cycling through 7
# addresses, a third of them shifted by one or two bytes (three paths)
chains() {
	awk -v lo="$1" -v hi="$2" 'BEGIN {
		print "text ffffffff81000000"; print "comm 64 64 deep"
		print "mmap 64 64 400000 100000 0 /usr/bin/crafted"
		for (i = 0; i < 30; i++) {
			L = lo + (i * 7) % (hi - lo + 1)
			s = "usample 400100 64 64 0 fffffffffffffe00"
			for (j = 0; j < L; j++)
				s = s sprintf(" %x", 4194560 + (j % 7) * 16 + i % 3)
			print s
		}
	}'
}
: >"$TMP/empty"
chains 120 200 | "$TOOLS/mkcrafted" kernel-g "$TMP/long.data" || fail "mkcrafted"
chains 128 128 | "$TOOLS/mkcrafted" kernel-g "$TMP/l128.data" || fail "mkcrafted"
for f in "$TMP/long.data" "$TMP/l128.data"; do
	lines_same "$f" -k "$TMP/empty"
	lines_same "$f" -k "$TMP/empty" -g caller
	lines_same "$f" -k "$TMP/empty" --children -g callee
	lines_same "$f" -k "$TMP/empty" --no-children
	lines_same "$f" -k "$TMP/empty" --no-children -g caller
	lines_same "$f" -k "$TMP/empty" --max-stack 50
	lines_same "$f" -k "$TMP/empty" --max-stack 50 --no-children -g caller
	# folded paths of equal value come in perf's memory order: compared in any order
	LINES_SORTED=1 lines_same "$f" -k "$TMP/empty" -g folded,0,caller
done

$PMUKVM report -i "$TMP/long.data" -k "$TMP/empty" --stdio --max-stack 200 >/dev/null 2>"$TMP/err" ||
	{ cat "$TMP/err"; fail "--max-stack 200"; }
grep -q "max-stack 200: pmukvm keeps at most 127 frames" "$TMP/err" ||
	{ cat "$TMP/err"; fail "--max-stack 200 cut without a word"; }
echo "long callchains as perf keeps them"
