#!/bin/bash
# top's replay of a thread whose tid a FORK gives to a new thread, over
# many refreshes (decay 7/8): under --sort pid the old thread's row and
# the new one's are one row, named by the oldest (the old thread's last
# command, as report and perf name it) in every snapshot, whatever order
# the rows lie in memory; once the decay has dropped the old rows, the
# old thread is freed (ASan sees any row still naming it) and a new
# sample's row is named by the new thread.
. tests/lib.sh
MK=$TOOLS/mkcrafted
{
	echo "comm 100 100 alpha"
	echo "fork 300 100 300 100"
	echo "exec 300 300 omega"
	for ((i = 0; i < 50; i++)); do echo "usample 401000 300 300 0"; done
	# the next interval: 300 exits and its tid is forked again from alpha
	echo "wait 600000000"
	echo "exit 300 300 300 300"
	echo "fork 300 100 300 100"
	for ((i = 0; i < 10; i++)); do echo "usample 402000 300 300 0"; done
	# 100 s of one sample each half second: the 300 rows decay away
	for ((i = 0; i < 200; i++)); do echo "wait 500000000"; echo "usample 403000 100 100 0"; done
	echo "usample 404000 300 300 0"
} | "$MK" kernel "$TMP/t.data" || fail "mkcrafted failed"

# rows N FILE: snapshot N's rows, "SAMPLES PID:COMMAND"
rows() { awk -v n="$1" '/^# pmukvm top / { s = $6 } s == n && !/^#/ && NF { print $2, $3 }' "$2"; }

# The order the base's rows lie in follows the heap's addresses: several runs.
for ((run = 0; run < 8; run++)); do
	$PMUKVM top -i "$TMP/t.data" --stdio --speed 0 -d 0.5 -s pid -n >"$TMP/top" 2>"$TMP/err" ||
		{ cat "$TMP/err"; fail "top replay failed"; }
	[ "$(rows 1 "$TMP/top")" = "50 300:omega" ] || { rows 1 "$TMP/top"; fail "snapshot 1"; }
	# 50 * 7/8 = 43 of the old thread and 10 of the new: one row, the old name
	[ "$(rows 2 "$TMP/top")" = "53 300:omega" ] ||
		{ rows 2 "$TMP/top"; fail "run $run, snapshot 2: not the old thread's row"; }
done
last=$(grep -c '^# pmukvm top ' "$TMP/top")
[ "$last" -gt 150 ] || fail "only $last snapshots"
rows "$last" "$TMP/top" >"$TMP/last"
grep -qx '1 300:alpha' "$TMP/last" || { cat "$TMP/last"; fail "last snapshot: no row of the new thread"; }
grep -q 'omega' "$TMP/last" && { cat "$TMP/last"; fail "last snapshot: the old thread's row is still there"; }
# Some snapshot between showed the old thread's rows decayed to 0 samples.
grep -E -q '^ +[0-9.]+% +0 +300:omega' "$TMP/top" || fail "the old rows never decayed to 0 samples"
[ ! -s "$TMP/err" ] || { cat "$TMP/err"; fail "messages on stderr"; }
echo "ok: the old thread names the merged row in 8 runs; $last snapshots, then the new thread's"
