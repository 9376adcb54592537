#!/bin/bash
# stat report refuses what it cannot analyse with one clear message, never
# a wrong table: a file without kvm events or tracing data, a CPU that is
# neither Intel nor AMD, another architecture, crafted corruption of the
# tracing data (magic, sizes, a format's id, a missing field), a sample
# whose raw payload is too short for its format, bad options; and seeded
# random corruption of the tracing data never crashes it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-kvmstat.sh"
need_kvm_files
R="stat report"

"$KS_TOOL" -o "$TMP/a.data" --kallsyms "$K" --exits 2000 || fail "mkkvmstat failed"
"$KS_TOOL" -o "$TMP/nokvm.data" --kallsyms "$K" --exits 10 --no-kvm || fail "mkkvmstat failed"
"$KS_TOOL" -o "$TMP/arm.data" --kallsyms "$K" --exits 10 --cpuid "0x00000000410fd0c0" ||
	fail "mkkvmstat failed"

expect_clean_error "no kvm events" $PMUKVM -i "$TMP/nokvm.data" $R
grep -q "no tracing data" "$TMP/err" || fail "message does not say what is missing"
expect_clean_error "unsupported CPU" $PMUKVM -i "$TMP/arm.data" $R
grep -q "CPU 0x00000000410fd0c0 is not supported" "$TMP/err" || fail "CPU message"
expect_clean_error "a report file, not a stat file" $PMUKVM -i /nonexistent $R
expect_clean_error "bad --event" $PMUKVM -i "$TMP/a.data" $R --event=cpu
expect_clean_error "bad -k" $PMUKVM -i "$TMP/a.data" $R -k foo
expect_clean_error "bad --vcpu" $PMUKVM -i "$TMP/a.data" $R --vcpu=-3
expect_clean_error "bad -p" $PMUKVM -i "$TMP/a.data" $R -p 12,x
expect_clean_error "unknown stat command" $PMUKVM stat frobnicate
expect_clean_error "-i before record" $PMUKVM -i "$TMP/a.data" record -- true
$PMUKVM -i "$TMP/a.data" report --stdio -q >/dev/null || fail "pmukvm -i FILE report"


# Where the tracing data lies: feature 1 is the first entry of the table
# after the data section.
doff=$(get_u64 "$TMP/a.data" 40)
dsize=$(get_u64 "$TMP/a.data" 48)
tab=$((doff + dsize))
td=$(get_u64 "$TMP/a.data" $tab)
tdsize=$(get_u64 "$TMP/a.data" $((tab + 8)))
[ "$td" -gt 0 ] && [ "$tdsize" -gt 100 ] || fail "no tracing data section found"

crafted() {	# DESC PYTHON-EXPR-ON-bytearray-b  EXPECTED-MESSAGE
	cp "$TMP/a.data" "$TMP/c.data"
	python3 - "$TMP/c.data" "$td" "$tdsize" <<PY || fail "crafting $1"
import sys
f, td, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
b = bytearray(open(f, 'rb').read())
t = b[td:td + n]
$2
b[td:td + n] = t
open(f, 'wb').write(b)
PY
	expect_clean_error "$1" $PMUKVM -i "$TMP/c.data" $R
	grep -q -- "$3" "$TMP/err" || fail "$1: message lacks '$3'"
}
crafted "bad magic" 't[0] = 0x18' "bad magic"
crafted "header_page size past the end" \
	'i = t.index(b"header_page\0") + 12; t[i + 7] = 0x40' "header_page size runs past"
crafted "format size past the end" \
	'i = t.index(b"name: kvm_entry") - 8; t[i + 5] = 0x10' "format size runs past"
crafted "an event id not in the formats" \
	'i = t.index(b"name: kvm_exit\nID: ") + 19; t[i] = ord("9") if t[i] != ord("9") else ord("8")' \
	"has no format in the file's tracing data"
crafted "a missing field" \
	'i = t.index(b"exit_reason;"); t[i + 10] = ord("X")' "has no field 'exit_reason'"
# a field's "[" then a control byte: libtraceevent would compare a NULL
# token; the message names the byte's offset in the file
crafted "a control byte in a format" \
	'i = t.index(b"exit_reason;"); t[i:i + 3] = b"e[\x01"' "format file has a byte that is not text"
bad=$(python3 -c "import sys; t = open(sys.argv[1], 'rb').read()[$td:$td + $tdsize]; print(hex($td + t.index(b'exit_reason;') + 2))" "$TMP/a.data")
grep -q "offset $bad:" "$TMP/err" || fail "the control byte's offset $bad is not in: $(cat "$TMP/err")"
crafted "a big-endian file" 'i = t.index(b"0.6\0") + 4; t[i] = 1' "big-endian"

# a kvm_exit sample whose raw size leaves out its fields
cp "$TMP/a.data" "$TMP/r.data"
python3 - "$TMP/r.data" "$doff" "$dsize" <<'PY' || fail "crafting a short payload"
import struct, sys
f, off, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
b = bytearray(open(f, 'rb').read())
p, end = off, off + size
while p < end:
    typ, misc, sz = struct.unpack_from('<IHH', b, p)
    if typ == 9:
        # IDENTIFIER IP TID TIME CPU PERIOD, then the u32 raw size
        struct.pack_into('<I', b, p + 8 + 48, 4)
        break
    p += sz
open(f, 'wb').write(b)
PY
expect_clean_error "a short raw payload" $PMUKVM -i "$TMP/r.data" $R
grep -q "too short for its format" "$TMP/err" || fail "short payload message"

# seeded random corruption of the tracing data: an error or a table, never a crash
for seed in $(seq 1 60); do
	"$TOOLS/mutate" "$TMP/a.data" "$TMP/m.data" $seed 4 $td >/dev/null 2>&1 || fail "mutate"
	$PMUKVM -i "$TMP/m.data" $R >/dev/null 2>"$TMP/merr"
	rc=$?
	if [ $rc -gt 129 ] || [ $rc -eq 128 ] || grep -q -E "Sanitizer|runtime error" "$TMP/merr"; then
		cat "$TMP/merr"
		fail "seed $seed: crashed (exit $rc)"
	fi
	[ $rc -eq 0 ] || grep -q '^pmukvm: ' "$TMP/merr" || fail "seed $seed: exit $rc without a message"
done
# and of the records: the direct path and the session's
for seed in $(seq 1 40); do
	"$TOOLS/mutate" "$TMP/a.data" "$TMP/m.data" $seed 8 $doff >/dev/null 2>&1 || fail "mutate"
	for x in "" --extended; do
		$PMUKVM -i "$TMP/m.data" $R $x >/dev/null 2>"$TMP/merr"
		rc=$?
		if [ $rc -gt 129 ] || [ $rc -eq 128 ] || grep -q -E "Sanitizer|runtime error" "$TMP/merr"; then
			cat "$TMP/merr"
			fail "records, seed $seed $x: crashed (exit $rc)"
		fi
		[ $rc -eq 0 ] || grep -q '^pmukvm: ' "$TMP/merr" || fail "records, seed $seed: no message"
	done
done
echo "60 + 40 corrupted copies: no crash"
