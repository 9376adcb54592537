#!/bin/bash
# record -z / --compression-level: the data as zstd COMPRESSED records with
# the COMPRESSED feature, as perf record -z writes them (file and pipe mode;
# samples larger than one compressed record's chunk too). perf report reads
# them and agrees with pmukvm report row by row.
. tests/lib.sh
need_perf
command -v python3 >/dev/null || skip "no python3 to read the records"
H=$TOOLS/hotloop

# Where pmukvm's reader still refuses compressed data, its part waits.
reader_ok=1
check_pmukvm() {
	if ! $PMUKVM report -i "$1" --stdio >/dev/null 2>"$TMP/rerr"; then
		if grep -q -e 'does not read compressed data' -e '(type 81) has invalid size' "$TMP/rerr"; then
			reader_ok=0
			return 1
		fi
		cat "$TMP/rerr"; fail "pmukvm report cannot read $1"
	fi
	return 0
}

# Record types and the COMPRESSED feature of a file-mode FILE.
types() {
	python3 - "$1" <<'PY'
import struct, sys
d = open(sys.argv[1], 'rb').read()
off, size = struct.unpack_from('<QQ', d, 40)
feat = struct.unpack_from('<4Q', d, 72)
pos, end, kinds = off, off + size, {}
while pos < end:
    t, m, s = struct.unpack_from('<IHH', d, pos)
    kinds[t] = kinds.get(t, 0) + 1
    pos += s
assert pos == end, "records do not end at the data's end"
print("compressed-feature" if feat[0] >> 27 & 1 else "no-feature", " ".join("%d:%d" % kv for kv in sorted(kinds.items())))
PY
}

$PMUKVM record -q -z -e cpu-clock -o "$TMP/z.data" -- "$H" 300000000 || fail "record -z failed"
$PMUKVM record -q -e cpu-clock -o "$TMP/plain.data" -- "$H" 300000000 || fail "record failed"
t=$(types "$TMP/z.data")
echo "z.data: $t"
case $t in compressed-feature\ 81:*) ;; *) fail "not only COMPRESSED records with the feature: $t" ;; esac
perf report -i "$TMP/z.data" --header-only 2>/dev/null | grep -q '^# compressed : Zstd, level = 1, ratio = [1-9]' ||
	fail "perf does not see the COMPRESSED feature"
[ "$(stat -c %s "$TMP/z.data")" -lt "$(stat -c %s "$TMP/plain.data")" ] || fail "-z is not smaller"
perf report -i "$TMP/z.data" --stdio --sort sym 2>"$TMP/err" >"$TMP/out" || { cat "$TMP/err"; fail "perf report -z file"; }
grep -q hot_function "$TMP/out" || fail "perf report: no hot_function in the -z file"

# Level, pipe mode, and samples larger than a chunk (40 KB stack copies).
$PMUKVM record -q --compression-level=6 -e cpu-clock -o - -- "$H" 300000000 >"$TMP/zp.data" ||
	fail "record -z -o - failed"
perf report -i - --stdio --sort sym <"$TMP/zp.data" 2>"$TMP/err" >"$TMP/out" || { cat "$TMP/err"; fail "perf report -i - of a -z stream"; }
grep -q hot_function "$TMP/out" || fail "perf report -i -: no hot_function in the -z stream"
$PMUKVM record -q -z --call-graph dwarf,40000 -e cpu-clock -o "$TMP/zd.data" -- "$H" 100000000 ||
	fail "record -z --call-graph dwarf,40000 failed"
perf script -i "$TMP/zd.data" -F ip,sym 2>"$TMP/err" | grep -c 'caller_function' >"$TMP/n"
[ "$(cat "$TMP/n")" -gt 100 ] || { cat "$TMP/err"; fail "perf script does not unwind the -z DWARF file"; }
expect_clean_error "-z 0" $PMUKVM record -q --compression-level=0 -o "$TMP/x.data" -- true
expect_clean_error "-z 23" $PMUKVM record -q --compression-level=23 -o "$TMP/x.data" -- true

for f in z zp; do
	check_pmukvm "$TMP/$f.data" || continue
	perf_agrees "$TMP/$f.data" comm,dso,sym
done
if check_pmukvm "$TMP/zd.data"; then
	n=$($PMUKVM report -i "$TMP/zd.data" --stdio 2>/dev/null | awk '/^# Samples:/ { print $3 }')
	p=$(perf report -i "$TMP/zd.data" --stdio -n --sort dso --no-children -g none -t '|' 2>/dev/null | grep -v '^#' |
		awk -F'|' 'NF > 2 { s += $2 } END { print s }')
	[ "$n" = "$p" ] || fail "zd.data: pmukvm counts $n samples, perf $p"
	echo "agree: zd.data: $n samples"
fi
[ $reader_ok = 1 ] || skip "perf reads the compressed files; pmukvm report does not read zstd data yet (util/data.c)"
exit 0
