#!/bin/bash
# pmukvm top --stdio -i FILE: N plain snapshots, paced by the file's own
# timestamps (--speed), decaying unless --no-decay; cumulative counts over
# the whole file equal pmukvm report's, row for row.
. tests/lib.sh
. tests/shell/lib-tui.sh
record_mtwork "$TMP/mt.data"
F=$TMP/mt.data

snapshots() { grep -c "^# pmukvm top " "$1"; }

$PMUKVM top -i "$F" --stdio --speed 0 -d 0.5 --iterations 2 >"$TMP/two" 2>"$TMP/err" || fail "top --iterations 2 failed"
[ "$(snapshots "$TMP/two")" -eq 2 ] || { cat "$TMP/two"; fail "--iterations 2: not 2 snapshots"; }
grep -q "^# Samples: [0-9]* of event 'cpu-clock'" "$TMP/two" || fail "no Samples header"
grep -q "^# guest 0.0% .* host 100.0%" "$TMP/two" || fail "no guest/host split"
grep -q "spin_math\|__sin_fma" "$TMP/two" || fail "no mtwork symbols"
[ ! -s "$TMP/err" ] || { cat "$TMP/err"; fail "messages on stderr"; }
echo "ok: --iterations 2 prints 2 snapshots"

# Not a terminal: batch by default; -E caps the rows; to the end of the file.
$PMUKVM top -i "$F" --speed 0 -d 0.5 -E 3 >"$TMP/all" || fail "top to the end failed"
n=$(snapshots "$TMP/all")
# Intervals of 0.5 s from the oldest timestamp in the file to the newest
# (perf's dump, in time order): a recording of 1.5 s spans more or less
# than that on a loaded machine, so the count comes from the file.
e=$(perf report -i "$F" -D 2>/dev/null | awk '/^[0-9]+ 0x[0-9a-f]+ \[/ {
	t = $1 + 0; if (t && !first) first = t; if (t > max) max = t }
	END { printf "%.3f", (max - first) / 1e9 / 0.5 }')
awk -v n="$n" -v e="$e" 'BEGIN { exit !(n > e - 0.01 && n <= e + 1.01) }' ||
	fail "$e intervals of 0.5 s in the file at -d 0.5: $n snapshots"
awk '/^# pmukvm top/ { if (r > 3) bad = 1; r = 0; next } /%/ && !/^#/ { r++ } END { exit bad || r > 3 }' \
	"$TMP/all" || fail "-E 3: more than 3 rows in a snapshot"
echo "ok: $n snapshots to the end of the file ($e intervals), at most 3 rows each"

# Cumulative over the whole file: the rows of report.
$PMUKVM top -i "$F" --stdio --speed 0 -d 1000 --no-decay -E 0 -n -s dso,sym | grep -v '^#' |
	grep . >"$TMP/top.rows"
$PMUKVM report -i "$F" --stdio -n -q --sort dso,sym | grep . >"$TMP/report.rows"
diff -u "$TMP/report.rows" "$TMP/top.rows" || fail "--no-decay rows differ from report's"
echo "ok: --no-decay over the file equals report ($(wc -l <"$TMP/top.rows") rows)"

# Decay: the second snapshot holds less than all samples so far.
$PMUKVM top -i "$F" --stdio --speed 0 -d 0.5 --iterations 2 --no-decay | grep "^# Samples" >"$TMP/cum"
$PMUKVM top -i "$F" --stdio --speed 0 -d 0.5 --iterations 2 | grep "^# Samples" >"$TMP/dec"
c=$(sed -n 2p "$TMP/cum" | awk '{ print $3 }')
d=$(sed -n 2p "$TMP/dec" | awk '{ print $3 }')
i1=$(sed -n 1p "$TMP/dec" | awk '{ print $3 }')
[ "$d" -lt "$c" ] || fail "decay: $d samples shown, cumulative $c"
# Each row rounds down on its own: allow one sample per row.
[ "$d" -ge $((c - i1 / 8 - 30)) ] || fail "decay: $d is more than 1/8 of the first interval below $c"
echo "ok: decay 7/8: $d shown of $c"

# Pacing: the first second of the recording in two intervals takes about
# a second at --speed 1 (-d 0.5), a quarter of that at --speed 4 (-d
# 0.125: -d is wall time, so also 0.5 s of recording an interval). The
# same records, the same symbols to load: at -d 0.5 both, --speed 4 took
# in the whole file and the kernel's symbols with it, and was slower than
# --speed 1 on a loaded machine. The floors hold whatever the load; the
# start-up comes on top of both, so the ceiling and the comparison get
# three tries.
took() { local s=$(date +%s%N); $PMUKVM top -i "$F" --stdio --iterations 2 "$@" >/dev/null ||
	fail "top $*"; took_ms=$(( ($(date +%s%N) - s) / 1000000 )); }
for try in 1 2 3; do
	took --speed 1 -d 0.5; ms=$took_ms
	took --speed 4 -d 0.125; ms4=$took_ms
	[ $ms -ge 900 ] || fail "--speed 1 -d 0.5 --iterations 2 took $ms ms, under a second"
	[ $ms4 -ge 225 ] || fail "--speed 4 -d 0.125 --iterations 2 took $ms4 ms, under a quarter second"
	[ $ms -le 5000 ] && [ $ms4 -lt $ms ] && break
	echo "try $try: --speed 1 took $ms ms, --speed 4 $ms4 ms"
	[ $try = 3 ] && fail "--speed 4 ($ms4 ms) not faster than --speed 1 ($ms ms), or that over 5 s"
done
echo "ok: --speed 1 took $ms ms, --speed 4 $ms4 ms"
