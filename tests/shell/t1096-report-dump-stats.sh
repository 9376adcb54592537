#!/bin/bash
# report -D prints the records perf report -D prints, in its order (the
# file's own records as read, the kernel's as delivered in time order),
# each with perf's record line: [cpu] [time] offset [size] type, and for
# samples misc, pid/tid, ip, period, addr and the callchain; for MMAP,
# MMAP2, COMM, FORK and EXIT their fields. report --stats prints what perf
# report --stats prints. Host files perf recorded (one command, -g,
# system-wide, two events, pipe mode) and a guest file.
. tests/lib.sh
. tests/shell/lib-guest.sh
need_perf
need_guest_fixture

perf record -q -e cpu-clock -F 999 -o "$TMP/one.data" -- "$TOOLS/mtwork" 2 300 >/dev/null 2>&1 ||
	fail "perf record failed"
perf record -q -g -e cpu-clock -F 999 -o "$TMP/g.data" -- "$TOOLS/mtwork" 2 300 >/dev/null 2>&1 ||
	fail "perf record -g failed"
perf record -q -a -e cpu-clock -F 499 -o "$TMP/all.data" -- "$TOOLS/mtwork" 2 400 >/dev/null 2>&1 ||
	fail "perf record -a failed"
perf record -q -e cpu-clock,task-clock -F 999 -o "$TMP/two.data" -- "$TOOLS/mtwork" 2 300 \
	>/dev/null 2>&1 || fail "perf record (two events) failed"
perf record -q -e cpu-clock -F 999 -o - -- "$TOOLS/mtwork" 2 300 2>/dev/null >"$TMP/pipe.data" ||
	fail "perf record -o - failed"
gzip -dc "$K" >"$TMP/gk"
$G -o "$TMP/guest.data" --guest "0:$TMP/gk:$M" \
	--kernel-samples 1500 --module-samples 300 --user-samples 100 --seed 7 >/dev/null ||
	fail "mkguestdata failed"

# The record lines (and callchain lines) of a -D dump, fields as printed.
cat >"$TMP/records.py" <<'PY'
import re, sys
rec = re.compile(r'^((?:-?\d+ )*)(0x[0-9a-f]+) \[(0x[0-9a-f]+)\]: PERF_RECORD_(\w+)(.*)$')
detail = ('SAMPLE', 'MMAP', 'MMAP2', 'COMM', 'FORK', 'EXIT')
for line in open(sys.argv[1], errors='replace'):
    line = line.rstrip('\n')
    m = rec.match(line)
    if m:
        ts, off, size, name, rest = m.groups()
        print(ts + off, size, name, rest.strip() if name in detail else '')
    elif line.startswith(('... FP chain', '..... ')):
        print(line)
PY

for f in one g all two pipe guest; do
	perf report -D -i "$TMP/$f.data" >"$TMP/perf.D" 2>/dev/null || fail "$f: perf report -D failed"
	$PMUKVM report -D -i "$TMP/$f.data" >"$TMP/pmukvm.D" 2>"$TMP/err" ||
		{ cat "$TMP/err"; fail "$f: report -D failed"; }
	python3 "$TMP/records.py" "$TMP/perf.D" >"$TMP/perf.rec"
	python3 "$TMP/records.py" "$TMP/pmukvm.D" >"$TMP/pmukvm.rec"
	[ -s "$TMP/perf.rec" ] || fail "$f: no records in perf's dump"
	diff -u "$TMP/perf.rec" "$TMP/pmukvm.rec" | head -n 20
	cmp -s "$TMP/perf.rec" "$TMP/pmukvm.rec" || fail "$f: -D records differ from perf's"
	# The raw bytes of each record, as perf dumps them.
	grep '^\.  [0-9a-f]\{4\}: ' "$TMP/perf.D" | sort >"$TMP/perf.raw"
	grep '^\.  [0-9a-f]\{4\}: ' "$TMP/pmukvm.D" | sort >"$TMP/pmukvm.raw"
	cmp -s "$TMP/perf.raw" "$TMP/pmukvm.raw" || fail "$f: -D raw bytes differ from perf's"
	echo "agree: $f: -D: $(wc -l <"$TMP/perf.rec") record and callchain lines"

	[ "$f" = guest ] && continue	# perf report --stats on guest files needs guest symbols
	perf report --stats -i "$TMP/$f.data" 2>/dev/null | tr -s ' \t' ' ' >"$TMP/perf.stats"
	$PMUKVM report --stats -i "$TMP/$f.data" 2>"$TMP/err" | tr -s ' \t' ' ' >"$TMP/pmukvm.stats" ||
		{ cat "$TMP/err"; fail "$f: report --stats failed"; }
	grep -q "SAMPLE events" "$TMP/perf.stats" || fail "$f: perf --stats printed no samples"
	diff -u "$TMP/perf.stats" "$TMP/pmukvm.stats" || fail "$f: --stats differs from perf's"
	echo "agree: $f: --stats"
done
perf report --stats -i "$TMP/guest.data" 2>/dev/null | tr -s ' \t' ' ' >"$TMP/perf.stats"
$PMUKVM report --stats -i "$TMP/guest.data" | tr -s ' \t' ' ' >"$TMP/pmukvm.stats"
diff -u "$TMP/perf.stats" "$TMP/pmukvm.stats" || fail "guest: --stats differs from perf's"
# -D ends with the counts, as perf's.
tail -n 3 "$TMP/pmukvm.D" | grep -q "SAMPLE events:" || fail "-D does not end with the counts"
echo "-D and --stats agree with perf"
