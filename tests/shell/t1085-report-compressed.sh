#!/bin/bash
# Files perf record -z wrote (zstd-compressed records): pmukvm reads them
# and gives perf report's rows, with -g too, in file and pipe mode; its -g
# graphs equal those of the same data decompressed by perf inject. Corrupt
# or cut-short compressed data is a clean error naming the file and offset.
. tests/lib.sh
need_perf
perf record -q -z -e cpu-clock -o "$TMP/probe-z.data" -- true >/dev/null 2>&1 ||
	skip "this perf cannot record -z (no zstd)"

# z_agrees FILE SORT: every row agrees with perf report (no children columns).
z_agrees() {
	perf report -i "$1" --stdio --no-children -g none --sort "$2" -n -t '|' 2>"$TMP/perf.err" |
		norm_rows >"$TMP/perf.rows"
	$PMUKVM report -i "$1" --stdio --no-children -g none --sort "$2" -n -t '|' 2>"$TMP/pmukvm.err" |
		norm_rows >"$TMP/pmukvm.rows"
	[ -s "$TMP/perf.rows" ] || { cat "$TMP/perf.err"; fail "perf report printed no rows for $1"; }
	diff -u "$TMP/perf.rows" "$TMP/pmukvm.rows" | head -n 40
	cmp -s "$TMP/perf.rows" "$TMP/pmukvm.rows" || { cat "$TMP/pmukvm.err"; fail "$1: rows differ (--sort $2)"; }
	echo "agree: $1 --sort $2: $(wc -l <"$TMP/perf.rows") rows"
}

# The files are recorded again while they hold samples under perf-exec
# (perf cuts that comm: tests/lib.sh, perf_record_no_exec).
perf_record_no_exec "$TMP/z.data" -q -z -e cpu-clock -F 999 -- "$TOOLS/mtwork" 3 600 ||
	fail "perf record -z failed"
perf_record_no_exec "$TMP/zg.data" -q -z -g -e cpu-clock -F 999 -- "$TOOLS/mtwork" 2 600 ||
	fail "perf record -z -g failed"
# Several processes (fork, exec, threads) with callchains. (Not -a: other
# processes' JIT maps are named differently, compressed or not.)
perf_record_no_exec "$TMP/za.data" -q -z -g -e cpu-clock -F 999 -- \
	sh -c "$TOOLS/mtwork 2 500 & $TOOLS/mtwork 1 300; i=0; while [ \$i -lt 30000 ]; do i=\$((i+1)); done; wait" ||
	fail "perf record -z -g (several processes) failed"
perf_record_no_exec -:"$TMP/zp.data" -q -z -e cpu-clock -F 999 -- "$TOOLS/mtwork" 2 400 ||
	fail "perf record -z -o - failed"

$PMUKVM report -i "$TMP/z.data" --header-only | grep -q "^# compressed : Zstd, level = 1" ||
	fail "--header-only does not show the COMPRESSED feature"
for f in z zg za zp; do
	z_agrees "$TMP/$f.data" comm,dso,sym
done
# (pid rows of system-wide files are t1000's business, compressed or not.)
for f in z zg zp; do
	z_agrees "$TMP/$f.data" pid,sym
done
$PMUKVM report -i - --stdio --sort comm,dso,sym -n -t '|' <"$TMP/zp.data" | norm_rows >"$TMP/stdin.rows"
z_agrees "$TMP/zp.data" comm,dso,sym
diff -u "$TMP/perf.rows" "$TMP/stdin.rows" || fail "the compressed pipe read from stdin differs"

# -g: the same graphs as on the data perf inject decompressed.
for f in zg za; do
	perf inject -i "$TMP/$f.data" -o "$TMP/$f-plain.data" 2>/dev/null || fail "perf inject $f failed"
	$PMUKVM report -i "$TMP/$f-plain.data" --stdio -g --call-graph-min 0 >"$TMP/plain.txt" 2>&1 ||
		fail "$f: report -g on the decompressed file failed"
	$PMUKVM report -i "$TMP/$f.data" --stdio -g --call-graph-min 0 >"$TMP/z.txt" 2>&1 ||
		{ head "$TMP/z.txt"; fail "$f: report -g on the compressed file failed"; }
	grep -q -- '--' "$TMP/z.txt" || fail "$f: no call graph drawn"
	diff -u "$TMP/plain.txt" "$TMP/z.txt" | head -n 30
	cmp -s "$TMP/plain.txt" "$TMP/z.txt" || fail "$f: -g differs from the decompressed file's"
	echo "ok: $f: -g equals the decompressed file's"
done

# Where the COMPRESSED records (type 81) lie: "offset size" per line.
cat >"$TMP/walk.py" <<'PY'
import struct, sys
d = open(sys.argv[1], 'rb').read()
if struct.unpack_from('<Q', d, 8)[0] == 16:   # pipe mode
    pos, end = 16, len(d)
else:
    off, size = struct.unpack_from('<QQ', d, 40)
    end, pos = off + size, off
while pos + 8 <= end:
    typ, misc, sz = struct.unpack_from('<IHH', d, pos)
    if sz < 8:
        break
    if typ == 81:
        print(pos, sz)
    pos += sz
PY
python3 "$TMP/walk.py" "$TMP/zg.data" >"$TMP/comp"
[ -s "$TMP/comp" ] || fail "no COMPRESSED record found in zg.data"
read -r first fsize <"$TMP/comp"
echo "first COMPRESSED record at $first ($fsize bytes), $(wc -l <"$TMP/comp") in all"

# The zstd frame's magic number broken: an error naming the file and that record.
cp "$TMP/zg.data" "$TMP/bad-magic.data"
printf '\xde\xad\xbe\xef' | dd of="$TMP/bad-magic.data" bs=1 seek=$((first + 8)) conv=notrunc status=none
expect_clean_error "broken zstd magic" $PMUKVM report -i "$TMP/bad-magic.data" --stdio
grep -q "bad-magic.data" "$TMP/err" || fail "the message does not name the file"
grep -q "COMPRESSED record at $(printf '%#x' "$first")" "$TMP/err" || fail "the message does not name the offset"

# A pipe-mode stream ending inside its last COMPRESSED record (the record's
# size cut to match): the zstd data ends inside a block.
python3 "$TMP/walk.py" "$TMP/zp.data" >"$TMP/pcomp"
read -r last lsize < <(tail -n 1 "$TMP/pcomp")
head -c $((last + lsize / 2)) "$TMP/zp.data" >"$TMP/cut.data"
put_u16 "$TMP/cut.data" $((last + 6)) $((lsize / 2))
expect_clean_error "compressed data cut short" $PMUKVM report -i "$TMP/cut.data" --stdio
grep -q "cut.data: COMPRESSED record at $(printf '%#x' "$last"): the compressed data ends inside" \
	"$TMP/err" || fail "the message does not name the file, the record and what is wrong"

# Seeded damage inside compressed payloads: a clean error or a report, never a crash.
for seed in 1 2 3 4 5 6 7 8; do
	cp "$TMP/zg.data" "$TMP/fuzz.data"
	n=$(wc -l <"$TMP/comp")
	read -r o s < <(sed -n "$(( (seed * 7) % n + 1 ))p" "$TMP/comp")
	at=$(( o + 8 + 4 + (seed * 977) % (s - 12) ))
	printf "\\x$(printf '%02x' $(( (seed * 53) & 255 )))" |
		dd of="$TMP/fuzz.data" bs=1 seek=$at conv=notrunc status=none
	$PMUKVM report -i "$TMP/fuzz.data" --stdio -g >"$TMP/out" 2>"$TMP/err"
	rc=$?
	[ $rc -le 1 ] || { cat "$TMP/err"; fail "seed $seed: exit $rc"; }
	! grep -q -E "Sanitizer|runtime error" "$TMP/err" || { cat "$TMP/err"; fail "seed $seed: sanitizer"; }
	[ $rc -eq 0 ] || grep -q "^pmukvm: .*fuzz.data" "$TMP/err" || { cat "$TMP/err"; fail "seed $seed: unclear error"; }
done
echo "compressed files agree with perf"
