#!/bin/bash
# pmukvm stat live --stdio on a replayed file: a table per interval of the
# recording, counts restarting after each (perf kvm stat live's way), so
# that the intervals add up, key by key, to stat report's table of the
# whole file; -n stops after N; the text is perf's table.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-kvmstat.sh"
need_kvm_files
"$KS_TOOL" -o "$TMP/a.data" --kallsyms "$K" --exits 20000 --guests 3 || fail "mkkvmstat failed"

for ev in vmexit ioport; do
	$PMUKVM -i "$TMP/a.data" stat live --stdio --speed 0 -d 0.02 --event=$ev >"$TMP/live" \
		2>"$TMP/err" || { cat "$TMP/err"; fail "stat live --event=$ev failed"; }
	[ ! -s "$TMP/err" ] || { cat "$TMP/err"; fail "messages on stderr"; }
	n=$(grep -c '^# +[0-9.]* s of the recording$' "$TMP/live")
	[ "$n" -ge 5 ] || fail "only $n intervals at -d 0.02"
	# per key: the sum over the intervals
	awk '/ \( \+-/ { c[$1] += $2 } END { for (k in c) print k, c[k] }' "$TMP/live" |
		sort >"$TMP/sum"
	$PMUKVM -i "$TMP/a.data" stat report --event=$ev |
		awk '/ \( \+-/ { print $1, $2 }' | sort >"$TMP/whole"
	diff -u "$TMP/whole" "$TMP/sum" || fail "--event=$ev: the intervals do not add up to the report"
	tot=$(sed -n 's/^Total Samples:\([0-9]*\),.*/\1/p' "$TMP/live" | awk '{ s += $1 } END { print s }')
	want=$($PMUKVM -i "$TMP/a.data" stat report --event=$ev | sed -n 's/^Total Samples:\([0-9]*\),.*/\1/p')
	[ "$tot" = "$want" ] || fail "--event=$ev: $tot samples over the intervals, $want in the report"
	echo "ok: --event=$ev: $n intervals add up to the report ($want samples)"
done

$PMUKVM -i "$TMP/a.data" stat live --stdio --speed 0 -d 0.02 -n 3 --extended >"$TMP/three" ||
	fail "-n 3 failed"
[ "$(grep -c '^# +' "$TMP/three")" -eq 3 ] || fail "-n 3: not 3 intervals"
grep -q '^Per guest (pmukvm)' "$TMP/three" || fail "--extended: no per-guest table"
grep -q '^Per vCPU (pmukvm)' "$TMP/three" || fail "--extended: no per-vCPU table"

# the whole file in one interval is the report's table
$PMUKVM stat live -i "$TMP/a.data" --stdio --speed 0 -d 1000 | sed 1,2d >"$TMP/one"
$PMUKVM -i "$TMP/a.data" stat report >"$TMP/rep"
diff -u "$TMP/rep" "$TMP/one" || fail "one interval differs from the report"

# paced replay: 0.2 s of recording at --speed 1 takes about that long
s=$(date +%s%N)
$PMUKVM -i "$TMP/a.data" stat live --stdio -d 0.05 -n 2 >/dev/null || fail "--speed 1 failed"
e=$(( ($(date +%s%N) - s) / 1000000 ))
[ "$e" -ge 80 ] || fail "two 50 ms intervals at --speed 1 took $e ms"
expect_clean_error "bad -d" $PMUKVM -i "$TMP/a.data" stat live --stdio -d 0
expect_clean_error "a file without kvm events" $PMUKVM -i /nonexistent stat live --stdio
echo "ok: stat live replay"
