#!/bin/bash
# Corrupt and truncated data files: one clear message naming the file (and
# the offset where there is one), a non-zero exit, no crash.
. tests/lib.sh
need_perf

perf record -q -e cpu-clock -F 999 -o "$TMP/good.data" -- "$TOOLS/mtwork" 1 200 >/dev/null 2>&1 ||
	fail "perf record failed"
good=$TMP/good.data
$PMUKVM report -i "$good" --stdio >/dev/null || fail "the good file does not read"
size=$(stat -c %s "$good")
data_off=$(get_u64 "$good" 40)
data_size=$(get_u64 "$good" 48)

: >"$TMP/empty"
expect_clean_error "zero-length file" $PMUKVM report -i "$TMP/empty" --stdio
grep -q "empty" "$TMP/err" || fail "message does not say empty"

printf 'PERFILE' >"$TMP/short"
expect_clean_error "7-byte file" $PMUKVM report -i "$TMP/short" --stdio

cp "$good" "$TMP/magic"; printf 'NOTPERF!' | dd of="$TMP/magic" conv=notrunc status=none
expect_clean_error "wrong magic" $PMUKVM report -i "$TMP/magic" --stdio
grep -q "offset 0x0" "$TMP/err" || fail "wrong magic: no offset"

cp "$good" "$TMP/swapped"; printf '2ELIFREP' | dd of="$TMP/swapped" conv=notrunc status=none
expect_clean_error "foreign-endian magic" $PMUKVM report -i "$TMP/swapped" --stdio
grep -q "foreign-endian" "$TMP/err" || fail "foreign-endian not named"

cp "$good" "$TMP/attrs"; put_u64 "$TMP/attrs" 24 $((size * 4))
expect_clean_error "attrs section outside the file" $PMUKVM report -i "$TMP/attrs" --stdio

cp "$good" "$TMP/attrsize"; put_u64 "$TMP/attrsize" 16 1000000000
expect_clean_error "absurd attr_size" $PMUKVM report -i "$TMP/attrsize" --stdio

cp "$good" "$TMP/data"; put_u64 "$TMP/data" 48 $((size * 2))
expect_clean_error "data section past the end" $PMUKVM report -i "$TMP/data" --stdio
grep -q "truncated" "$TMP/err" || fail "data past end: not called truncated"

cp "$good" "$TMP/ids"; attr_off=$(get_u64 "$good" 24); attr_size=$(get_u64 "$good" 16)
put_u64 "$TMP/ids" $((attr_off + attr_size - 8)) $((1 << 40))
expect_clean_error "absurd id count" $PMUKVM report -i "$TMP/ids" --stdio

# Truncation at every record boundary and inside every record (data size
# patched to match, so the reader reaches the cut).
offs=$($PMUKVM report -i "$good" -D 2>/dev/null | sed -n 's/^\(0x[0-9a-f]*\)@.*/\1/p' |
	while read -r o; do echo $((o)); done | sort -n -u | head -n 60)
[ -n "$offs" ] || fail "no records dumped"
n=0
for o in $offs; do
	o=$((o))
	for cut in $o $((o + 4)) $((o + 12)); do
		[ $cut -le $data_off ] && continue
		[ $cut -ge $((data_off + data_size)) ] && continue
		head -c $cut "$good" >"$TMP/cut"
		expect_clean_error "truncated at $cut" $PMUKVM report -i "$TMP/cut" --stdio >/dev/null
		cp "$TMP/cut" "$TMP/cut2"; put_u64 "$TMP/cut2" 48 $((cut - data_off))
		for w in 72 80 88 96; do put_u64 "$TMP/cut2" $w 0; done
		"$PMUKVM" report -i "$TMP/cut2" --stdio >/dev/null 2>"$TMP/err"
		rc=$?
		[ $rc -lt 128 ] || fail "truncated+patched at $cut: crash ($rc)"
		if grep -q -E "Sanitizer|runtime error" "$TMP/err"; then cat "$TMP/err"; fail "sanitizer at $cut"; fi
		if [ $cut -ne $o ]; then
			[ $rc -ne 0 ] || fail "cut inside a record at $cut: exit 0"
			grep -q "record at 0x" "$TMP/err" || { cat "$TMP/err"; fail "cut at $cut: no record offset"; }
		fi
		n=$((n + 1))
	done
done
echo "truncations checked: $n"

# A record of size 0, and one larger than the file.
first=$(echo "$offs" | sed -n 3p); first=$((first))
cp "$good" "$TMP/size0"; put_u16 "$TMP/size0" $((first + 6)) 0
expect_clean_error "record of size 0" $PMUKVM report -i "$TMP/size0" --stdio
grep -q "invalid size 0" "$TMP/err" || fail "size 0 not named"
cp "$good" "$TMP/sizebig"; put_u16 "$TMP/sizebig" $((first + 6)) 65528
expect_clean_error "record larger than the data" $PMUKVM report -i "$TMP/sizebig" --stdio

# A truncated pipe stream.
perf record -q -e cpu-clock -F 999 -o - -- "$TOOLS/mtwork" 1 200 2>/dev/null >"$TMP/pipe.data"
psize=$(stat -c %s "$TMP/pipe.data")
head -c $((psize - 5)) "$TMP/pipe.data" >"$TMP/pipecut"
expect_clean_error "truncated pipe stream (stdin)" sh -c "$PMUKVM report -i - --stdio <$TMP/pipecut"
head -c 10 "$TMP/pipe.data" >"$TMP/pipehdr"
expect_clean_error "pipe header cut short" sh -c "$PMUKVM report -i - --stdio <$TMP/pipehdr"

# Options.
expect_clean_error "unknown option" $PMUKVM report --no-such-option
expect_clean_error "bad sort key" $PMUKVM report -i "$good" --sort nosuchkey
expect_clean_error "bad percent limit" $PMUKVM report -i "$good" --percent-limit abc
expect_clean_error "missing file" $PMUKVM report -i "$TMP/does-not-exist"
grep -q "does-not-exist" "$TMP/err" || fail "missing file not named"
echo "bad input handled"
