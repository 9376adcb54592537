#!/bin/bash
# pmukvm diff: the same table as perf diff (perf 6.1) on the same files,
# text for text, for its computations, sort keys, separators and file
# counts, on files perf and pmukvm recorded; --fail-above, --min-samples
# and --json; and guest files of two "boots" (other KASLR offset, modules
# elsewhere) that pair by name.
. tests/lib.sh
. tests/shell/lib-guest.sh
need_perf

W=$TOOLS/mtwork
# The files compared by command hold no sample under perf-exec (perf diff
# cuts that name: tests/lib.sh, perf_record_no_exec).
perf_record_no_exec "$TMP/p1.data" -q -e cpu-clock -- "$W" 2 500 || fail "perf record 1"
perf_record_no_exec "$TMP/p2.data" -q -e cpu-clock -- "$W" 3 500 || fail "perf record 2"
perf record -q -e cpu-clock -o "$TMP/p3.data" -- "$W" 2 400 mixed:4 >/dev/null 2>&1 ||
	fail "perf record 3"
perf record -q -e cpu-clock,task-clock -o "$TMP/e1.data" -- "$W" 2 300 >/dev/null 2>&1 ||
	fail "perf record two events"
perf record -q -e cpu-clock,task-clock -o "$TMP/e2.data" -- "$W" 1 300 >/dev/null 2>&1 ||
	fail "perf record two events"
# o1 and o1b: one workload run twice, at once, so that both see the same
# machine (what else runs there changes how fast spin_memory goes against
# spin_math), and with enough samples that chance alone does not move a
# row by 10 points: 400 ms at the default rate gave ~110 samples on a
# loaded machine, rows 5 points apart between runs.
$PMUKVM record -q -F 10000 -o "$TMP/o1.data" -- "$W" 2 1200 mixed >/dev/null 2>&1 & r1=$!
$PMUKVM record -q -F 10000 -o "$TMP/o1b.data" -- "$W" 2 1200 mixed >/dev/null 2>&1 & r1b=$!
wait $r1 || fail "pmukvm record 1"
wait $r1b || fail "pmukvm record 1b"
$PMUKVM record -q -o "$TMP/o2.data" -- "$W" 2 400 mixed:6 >/dev/null 2>&1 || fail "pmukvm record 2"

# same NAME ARGS...: both tools print the same text.
same() {
	local name=$1; shift
	perf diff "$@" >"$TMP/perf.txt" 2>"$TMP/perf.err" || { cat "$TMP/perf.err"; fail "$name: perf diff failed"; }
	$PMUKVM diff "$@" >"$TMP/ours.txt" 2>"$TMP/ours.err" ||
		{ cat "$TMP/ours.err"; fail "$name: pmukvm diff failed"; }
	grep -q -v '^#' "$TMP/perf.txt" || fail "$name: perf diff printed no rows"
	if ! diff -u "$TMP/perf.txt" "$TMP/ours.txt" >"$TMP/d"; then
		head -n 30 "$TMP/d"
		fail "$name: pmukvm diff differs from perf diff"
	fi
	echo "same: $name ($(grep -c -v '^#' "$TMP/ours.txt") rows)"
}

P1=$TMP/p1.data P2=$TMP/p2.data P3=$TMP/p3.data
same "default" "$P1" "$P2"
same "-c delta" -c delta "$P1" "$P2"
same "-c ratio" -c ratio "$P1" "$P2"
same "-c wdiff" -c wdiff:1,2 "$P1" "$P2"
same "-c wdiff negative" -c wdiff:3,-1 "$P2" "$P3"
# weights at the ends of 64 bits: the products wrap, as perf's do (no overflow trap under UBSan)
same "-c wdiff huge" -c wdiff:9223372036854775807,-9223372036854775807 "$P1" "$P2"
same "-t" -t '|' "$P1" "$P2"
same "-c ratio -t" -c ratio -t ';' "$P1" "$P3"
same "--sort comm,dso,sym" -s comm,dso,sym "$P1" "$P2"
same "--sort sym" -s sym "$P1" "$P3"
same "--sort pid,sym" -s pid,sym "$P1" "$P2"
same "--sort sym,dso" -s sym,dso "$P2" "$P3"
same "--sort dso,comm -t" -s dso,comm -t '|' "$P1" "$P2"
same "-b" -b "$P1" "$P2"
same "-b -c ratio" -b -c ratio "$P2" "$P3"
same "--percentage absolute" --percentage absolute "$P1" "$P2"
same "-q" -q "$P1" "$P3"
same "three files" "$P1" "$P2" "$P3"
same "three files -c delta -t" -c delta -t '|' "$P1" "$P2" "$P3"
same "two events" "$TMP/e1.data" "$TMP/e2.data"
same "pmukvm files" "$TMP/o1.data" "$TMP/o2.data"
same "perf and pmukvm files" -s sym "$P1" "$TMP/o2.data"
# Defaults as perf diff's: perf.data.old and perf.data; one name: against it.
mkdir "$TMP/cwd" && cp "$P1" "$TMP/cwd/perf.data.old" && cp "$P2" "$TMP/cwd/perf.data"
case $PMUKVM in /*) P=$PMUKVM ;; *) P=$PWD/$PMUKVM ;; esac
(cd "$TMP/cwd" && perf diff >../perf.txt 2>/dev/null && "$P" diff >../ours.txt) ||
	fail "diff without file names failed"
diff -u "$TMP/perf.txt" "$TMP/ours.txt" || fail "defaults: not perf.data.old against perf.data"
(cd "$TMP/cwd" && perf diff "$P3" >../perf.txt 2>/dev/null && "$P" diff "$P3" >../ours.txt) ||
	fail "diff FILE failed"
diff -u "$TMP/perf.txt" "$TMP/ours.txt" || fail "one name: not perf.data.old against it"
echo "ok: default file names"

# --fail-above: spin_memory made 6 times slower grows libc's rows.
$PMUKVM diff --fail-above 5 "$TMP/o1.data" "$TMP/o2.data" >"$TMP/out" 2>"$TMP/err"
rc=$?
[ $rc = 1 ] || { cat "$TMP/err"; fail "--fail-above on a regression: exit $rc, expected 1"; }
grep -q "regression: 'libc.so.6 \[.\] __mem" "$TMP/err" || { cat "$TMP/err"; fail "no regression named"; }
grep -q "__memset\|__memmove" "$TMP/out" || fail "--fail-above does not print the table"
$PMUKVM diff --fail-above 0 "$TMP/o1.data" "$TMP/o1.data" >/dev/null 2>"$TMP/err"
rc=$?
[ $rc = 0 ] || { cat "$TMP/err"; fail "--fail-above 0 on the same file: exit $rc, expected 0"; }
# Another run of the same workload stays within 10 points.
$PMUKVM diff --fail-above 10 "$TMP/o1.data" "$TMP/o1b.data" >/dev/null 2>"$TMP/err"
rc=$?
[ $rc = 0 ] || { cat "$TMP/err"; fail "--fail-above 10 on a rerun: exit $rc, expected 0"; }
$PMUKVM diff --fail-above 100 "$TMP/o1.data" "$TMP/o2.data" >/dev/null 2>&1 ||
	fail "--fail-above 100: not 0"
# The threshold is compared with the delta the table shows.
$PMUKVM diff -c delta -t '|' -q "$TMP/o1.data" "$TMP/o2.data" |
	awk -F'|' '{ v = $2; sub(/%.*/, "", v); if (v + 0 > max) max = v + 0 } END { print max }' >"$TMP/max"
max=$(cat "$TMP/max")
lo=$(awk -v m="$max" 'BEGIN { printf "%.2f", m - 0.02 }')
hi=$(awk -v m="$max" 'BEGIN { printf "%.2f", m + 0.02 }')
$PMUKVM diff --fail-above "$lo" "$TMP/o1.data" "$TMP/o2.data" >/dev/null 2>&1
[ $? = 1 ] || fail "--fail-above $lo (largest delta $max): not 1"
$PMUKVM diff --fail-above "$hi" "$TMP/o1.data" "$TMP/o2.data" >/dev/null 2>&1
[ $? = 0 ] || fail "--fail-above $hi (largest delta $max): not 0"
echo "ok: --fail-above: 1 above, 0 below the largest growth ($max points)"

# Exit 2 when it cannot tell.
$PMUKVM diff --fail-above 5 "$TMP/o1.data" "$TMP/missing.data" >/dev/null 2>"$TMP/err"
[ $? = 2 ] || fail "--fail-above with a missing file: not 2"
grep -q "missing.data" "$TMP/err" || fail "the missing file is not named"
head -c 300 "$TMP/o2.data" >"$TMP/short.data"
$PMUKVM diff --fail-above 5 "$TMP/o1.data" "$TMP/short.data" >/dev/null 2>"$TMP/err"
[ $? = 2 ] || { cat "$TMP/err"; fail "--fail-above with a truncated file: not 2"; }
grep -q "short.data" "$TMP/err" || fail "the truncated file is not named"
perf record -q -e task-clock -o "$TMP/t.data" -- "$W" 1 200 >/dev/null 2>&1 || fail "perf record task-clock"
$PMUKVM diff --fail-above 5 "$P1" "$TMP/t.data" >/dev/null 2>"$TMP/err"
[ $? = 2 ] || fail "--fail-above with different events: not 2"
grep -q "cannot compare" "$TMP/err" || { cat "$TMP/err"; fail "different events: no message"; }
$PMUKVM diff --fail-above 5 "$TMP/e1.data" "$P1" >/dev/null 2>&1
[ $? = 2 ] || fail "--fail-above with an event missing in the new file: not 2"
expect_clean_error "diff of a missing file" $PMUKVM diff "$P1" "$TMP/missing.data"
expect_clean_error "bad --compute" $PMUKVM diff -c wdiff:1 "$P1" "$P2"
expect_clean_error "bad --fail-above" $PMUKVM diff --fail-above x "$P1" "$P2"
expect_clean_error "bad --percentage" $PMUKVM diff --percentage some "$P1" "$P2"
echo "ok: exit 2 and messages when it cannot tell"

# --json: the rows of the table, with numbers; --min-samples drops small rows.
$PMUKVM diff --json -c delta "$P1" "$P2" >"$TMP/j" || fail "--json failed"
$PMUKVM diff -c delta -t '|' -q "$P1" "$P2" >"$TMP/t" || fail "-t failed"
python3 - "$TMP/j" "$TMP/t" <<'PY' || fail "--json and the table disagree"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
table = [l.rstrip('\n').split('|') for l in open(sys.argv[2])]
assert len(rows) == len(table) and rows, (len(rows), len(table))
for r, t in zip(rows, table):
    assert r['dso'] == t[2].strip() and r['sym'] == t[3].strip(), (r, t)
    b, n = r['files']
    assert (b['share'] is None) == (t[0].strip() == ''), (r, t)
    if b['share'] is not None:
        assert '%.2f' % b['share'] == t[0].strip(), (r, t)
    if n['share'] is not None:
        assert '%+.2f%%' % n['delta'] == t[1].strip(), (r, t)
print('json: %d rows agree' % len(rows))
PY
$PMUKVM diff --json --min-samples 20 "$P1" "$P2" >"$TMP/j20" || fail "--min-samples failed"
python3 - "$TMP/j" "$TMP/j20" <<'PY' || fail "--min-samples kept the wrong rows"
import json, sys
full = [json.loads(l) for l in open(sys.argv[1])]
kept = [json.loads(l) for l in open(sys.argv[2])]
want = [(r['dso'], r['sym']) for r in full if max(f['samples'] for f in r['files']) >= 20]
got = [(r['dso'], r['sym']) for r in kept]
assert sorted(want) == sorted(got) and got and len(got) < len(full), (want, got)
print('min-samples: %d of %d rows' % (len(got), len(full)))
PY
$PMUKVM diff --json "$P1" "$P2" -t '|' >/dev/null 2>&1
[ $? = 129 ] || fail "--json -t: not a usage error"

# Guest files of two boots: kernel moved by KASLR, modules loaded
# elsewhere. Rows pair by (guest, dso, symbol): the same samples give
# zero deltas everywhere; other samples give the deltas the two
# expectations (mkguestdata's own count) give.
if guest_fixture; then
	$G --make-guestmount "$TMP/mnt" --pid 4100 --shift 0x3400000 --module-shift -0x180000 \
		--kallsyms "$K" --modules "$M" >/dev/null || fail "mkguestdata --make-guestmount"
	$G -o "$TMP/g1.data" --expect "$TMP/g1.exp" --guest "0:$K:$M" --carry-files --seed 41 \
		>/dev/null || fail "mkguestdata boot 1"
	$G -o "$TMP/g2.data" --expect "$TMP/g2.exp" --carry-files --seed 41 \
		--guest "0:$TMP/mnt/4100/proc/kallsyms:$TMP/mnt/4100/proc/modules" >/dev/null ||
		fail "mkguestdata boot 2"
	$G -o "$TMP/g3.data" --expect "$TMP/g3.exp" --carry-files --seed 42 --kernel-samples 3000 \
		--guest "0:$TMP/mnt/4100/proc/kallsyms:$TMP/mnt/4100/proc/modules" >/dev/null ||
		fail "mkguestdata boot 3"
	$PMUKVM --guest diff -s guest,dso,sym -t '|' -q "$TMP/g1.data" "$TMP/g2.data" >"$TMP/g12" ||
		fail "guest diff failed"
	rows=$(awk -F'\t' '!/^#/ && $2 ~ /^guest-/' "$TMP/g1.exp" | wc -l)
	[ "$(wc -l <"$TMP/g12")" = "$rows" ] ||
		{ head "$TMP/g12"; fail "guest diff: $(wc -l <"$TMP/g12") rows, expected $rows"; }
	awk -F'|' '$1 ~ /^ *$/ || $2 !~ /^[+-]0\.00%/ { bad++ } END { exit bad > 0 }' "$TMP/g12" ||
		{ grep -v '0\.00%' "$TMP/g12" | head; fail "guest diff: rows unpaired or with a delta"; }
	perf diff "$TMP/g1.data" "$TMP/g2.data" 2>/dev/null | grep -q '^  *+[0-9.]*%' &&
		echo "(perf diff pairs these by address: it leaves rows unpaired)"
	$PMUKVM --guest diff -s dso,sym --json "$TMP/g1.data" "$TMP/g3.data" >"$TMP/g13" ||
		fail "guest diff (other samples) failed"
	python3 - "$TMP/g1.exp" "$TMP/g3.exp" "$TMP/g13" <<'PY' || fail "guest deltas differ from the expectations"
import json, sys
def load(p):
    rows = {}
    for l in open(p):
        if l.startswith('#'):
            continue
        m, mode, dso, sym, n = l.rstrip('\n').split('\t')
        if mode.startswith('guest-'):
            rows[(dso, sym)] = rows.get((dso, sym), 0) + int(n)
    return rows
a, b = load(sys.argv[1]), load(sys.argv[2])
ta, tb = sum(a.values()), sum(b.values())
got = {}
for l in open(sys.argv[3]):
    r = json.loads(l)
    sym = r['sym'][4:]
    got[(r['dso'], sym)] = r['files'][1]['delta']
assert set(got) == set(a) | set(b), (set(got) ^ (set(a) | set(b)))
bad = [k for k in got if abs(got[k] - (100.0 * b.get(k, 0) / tb - 100.0 * a.get(k, 0) / ta)) > 1e-4]
assert not bad, bad[:5]
print('guest deltas: %d rows agree with the expectations' % len(got))
PY
	echo "ok: guest files of two boots pair by name ($rows rows)"
else
	echo "skip part: no guest fixtures at $FIXTURES"
fi
