#!/bin/bash
# Output forms: --header/--header-only, JSON lines, -t, --percent-limit, -q,
# and the totals in the header lines.
. tests/lib.sh
need_perf
perf record -q -e cpu-clock -F 999 -o "$TMP/w.data" -- "$TOOLS/mtwork" 2 400 >/dev/null 2>&1 ||
	fail "perf record failed"
f=$TMP/w.data

$PMUKVM report -i "$f" --header-only >"$TMP/hdr" || fail "--header-only"
for key in "hostname : $(uname -n)" "os release : $(uname -r)" "arch : x86_64" "nrcpus online" \
	"cmdline : " "event : name = cpu-clock" "build id : " "sample time : "; do
	grep -q "# $key" "$TMP/hdr" || { cat "$TMP/hdr"; fail "--header-only lacks '$key'"; }
done
grep -q "^ *[0-9.]*%" "$TMP/hdr" && fail "--header-only printed rows"
$PMUKVM report -i "$f" --header --stdio | grep -q "# hostname" || fail "--header"

# Totals: the header's sample count is the sum of the rows; perf agrees.
total=$($PMUKVM report -i "$f" --stdio | awk '/^# Samples:/ { print $3 }')
sum=$($PMUKVM report -i "$f" --stdio -n -t '|' -q | awk -F'|' '{ s += $2 } END { print s }')
ptotal=$(perf report -i "$f" --stdio -n --sort dso -t '|' 2>/dev/null | grep -v '^#' |
	awk -F'|' 'NF > 2 { s += $2 } END { print s }')
[ "$total" = "$sum" ] || fail "header says $total samples, rows sum to $sum"
[ "$total" = "$ptotal" ] || fail "pmukvm counts $total samples, perf $ptotal"

# JSON lines: one object per row, the same counts.
$PMUKVM report -i "$f" --json --sort comm,dso,sym >"$TMP/json" || fail "--json"
grep -v -q '^{"event":"cpu-clock","overhead":[0-9.]*,"samples":[0-9]*,"period":[0-9]*,"comm":' \
	"$TMP/json" && fail "a JSON line of another shape"
jsum=$(sed 's/.*"samples":\([0-9]*\).*/\1/' "$TMP/json" | awk '{ s += $1 } END { print s }')
[ "$jsum" = "$total" ] || fail "JSON rows sum to $jsum, not $total"
if command -v python3 >/dev/null; then
	python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$TMP/json" ||
		fail "JSON does not parse"
fi

# --percent-limit hides small rows, -q drops the comment lines.
# The rows it keeps are exactly those at 5% or more (how many there are
# depends on the run: the workload's rows may all be large).
$PMUKVM report -i "$f" --stdio -q >"$TMP/all" || fail "report -q"
$PMUKVM report -i "$f" --stdio -q --percent-limit 5 >"$TMP/big" || fail "--percent-limit 5"
# (Columns are as wide as the rows shown need: compare the fields.)
awk '{ p = $1; sub(/%$/, "", p); if (p + 0 >= 5) { $1 = $1; print } }' "$TMP/all" >"$TMP/big.want"
awk '{ $1 = $1; print }' "$TMP/big" >"$TMP/big.got"
[ -s "$TMP/big.want" ] || fail "no row of 5% or more"
diff -u "$TMP/big.want" "$TMP/big.got" || fail "--percent-limit 5 kept other rows than those of 5% or more"
grep -q '^#' "$TMP/all" && fail "-q printed comment lines"
$PMUKVM report -i "$f" --stdio -q | grep -q '^#' && fail "-q printed comment lines"
# No progress noise when stderr is not a terminal.
$PMUKVM report -i "$f" --stdio 2>"$TMP/err" >/dev/null
[ ! -s "$TMP/err" ] || { cat "$TMP/err"; fail "stderr not empty"; }
echo "outputs ok"
