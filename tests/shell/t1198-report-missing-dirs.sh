#!/bin/bash
# A recording from another machine names DSOs under directories this one
# has not: report looks at each such directory once, not at each file in
# it (20,000 DSOs under one missing directory cost 20,000 stat calls, a
# third of report's time). Files in a directory that is there are still
# looked at one by one, and the rows are perf's either way.
. tests/lib.sh
. tests/shell/lib-report.sh
MK=$TOOLS/mkcrafted
[ -x "$MK" ] || fail "$MK is not built"
command -v strace >/dev/null 2>&1 || skip "strace is not installed"

# 2,000 mmaps of /nonexistent/crafted/mapN.so, a sample in each.
"$MK" build-ids "$TMP/dsos.data" 1 2000

# lookups OUT ARGS...: report ARGS on the file under strace; OUT: the
# file-name system calls made.
lookups() {
	local out=$1; shift
	# (LeakSanitizer cannot run under ptrace.)
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -f -qq -o "$out" \
		-e trace=stat,lstat,newfstatat,statx,open,openat,access,faccessat,faccessat2,readlink \
		$PMUKVM report -i "$TMP/dsos.data" --stdio "$@" >"$TMP/out" 2>"$TMP/err" ||
		{ cat "$TMP/err"; fail "report $* failed"; }
	grep -q 'map1999\.so' "$TMP/out" || fail "report $*: no row of map1999.so"
}

# count OUT PATTERN: the system calls in OUT whose path matches PATTERN.
count() {
	grep -c -E "\"$2\"" "$1" || true
}

lookups "$TMP/none.strace"
n=$(count "$TMP/none.strace" '[^"]*/crafted/map[0-9]+\.so')
d=$(count "$TMP/none.strace" '/nonexistent/crafted')
echo "missing directory: $n lookups of its files, $d of it"
[ "$n" -eq 0 ] || { grep -m5 crafted "$TMP/none.strace"; fail "$n files looked at in a directory that is not there"; }
[ "$d" -eq 1 ] || { grep crafted "$TMP/none.strace" | head; fail "the missing directory looked at $d times, not once"; }

# Under --symfs DIR the files are DIR's: none of the directory there, the same.
mkdir -p "$TMP/empty"
lookups "$TMP/empty.strace" --symfs "$TMP/empty"
n=$(count "$TMP/empty.strace" '[^"]*/crafted/map[0-9]+\.so')
[ "$n" -eq 0 ] || fail "--symfs without the directory: $n files looked at"

# A directory that is there: every file in it is looked for, and the one
# that is there is read.
mkdir -p "$TMP/sym/nonexistent/crafted"
cp "$TOOLS/hotloop" "$TMP/sym/nonexistent/crafted/map7.so"
lookups "$TMP/sym.strace" --symfs "$TMP/sym"
n=$(count "$TMP/sym.strace" "$TMP/sym/nonexistent/crafted/map[0-9]+\\.so")
echo "present directory: $n lookups of its files"
[ "$n" -ge 2000 ] || fail "--symfs to a present directory: $n lookups of its 2,000 files"
grep -E 'open(at)?\(.*"'"$TMP"'/sym/nonexistent/crafted/map7\.so"' "$TMP/sym.strace" | grep -qv ENOENT ||
	fail "the file that is there was not opened"

# The rows are perf's; -v (which says why each file has no symbols) prints the same rows.
need_perf
lines_same "$TMP/dsos.data"
lines_same "$TMP/dsos.data" --sort dso,sym -n
$PMUKVM report -i "$TMP/dsos.data" --stdio -v >"$TMP/v.out" 2>"$TMP/v.err" || fail "report -v failed"
$PMUKVM report -i "$TMP/dsos.data" --stdio >"$TMP/q.out" 2>/dev/null
cmp -s "$TMP/v.out" "$TMP/q.out" || { diff "$TMP/q.out" "$TMP/v.out" | head; fail "-v changed the rows"; }
