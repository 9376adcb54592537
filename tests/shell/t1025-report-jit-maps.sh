#!/bin/bash
# Anonymous executable memory (JIT code) is named as perf names it:
# "[JIT] tid PID", its symbols from /tmp/perf-PID.map when that exists,
# else raw addresses; rows equal perf report's, for perf's and pmukvm's
# recordings.
. tests/lib.sh
need_perf
maps=()
cleanup() { rm -f "${maps[@]}" "$TMP"/*; rm -rf "$TMP"; }
trap cleanup EXIT

for rec in perf pmukvm; do
	for mode in nomap map; do
		f=$TMP/$rec-$mode.data
		if [ $rec = perf ]; then
			perf record -q -e cpu-clock -o "$f" -- "$TOOLS/jitloop" 600 $mode >"$TMP/out" 2>/dev/null ||
				fail "perf record failed"
		else
			$PMUKVM record -q -e cpu-clock -o "$f" -- "$TOOLS/jitloop" 600 $mode >"$TMP/out" 2>/dev/null ||
				fail "pmukvm record failed"
		fi
		pid=$(perf script -i "$f" -F pid,comm 2>/dev/null | awk '$1 == "jitloop" { print $2; exit }')
		[ -n "$pid" ] || fail "$rec-$mode: no jitloop sample"
		[ $mode = map ] && maps+=("/tmp/perf-$pid.map")
		perf_agrees "$f" dso,sym
		$PMUKVM report -i "$f" --stdio --sort comm,dso,sym -n -t '|' -q >"$TMP/rows" ||
			fail "$rec-$mode: report failed"
		grep -q "\[JIT\] tid $pid" "$TMP/rows" || { cat "$TMP/rows"; fail "$rec-$mode: no [JIT] tid $pid row"; }
		if [ $mode = map ]; then
			a=$(grep "jit_spin_a" "$TMP/rows" | cut -d'|' -f2 | tr -d ' ')
			b=$(grep "jit_spin_b" "$TMP/rows" | cut -d'|' -f2 | tr -d ' ')
			[ -n "$a" ] && [ -n "$b" ] || { cat "$TMP/rows"; fail "$rec-$mode: JIT symbols not named from the perf map"; }
			[ "$a" -gt "$b" ] || fail "$rec-$mode: jit_spin_a ($a) should outweigh jit_spin_b ($b)"
		else
			grep -q "jit_spin" "$TMP/rows" && fail "$rec-$mode: symbols without a map"
		fi
		echo "ok: $rec-$mode"
	done
done
# A hostile perf map: garbage lines, a FIFO in its place, are not fatal.
f=$TMP/perf-map.data
pid=$(perf script -i "$f" -F pid,comm 2>/dev/null | awk '$1 == "jitloop" { print $2; exit }')
printf 'zz\n0x10\n1 0 zero\n%s\n' "$(head -c 3000 /dev/urandom | tr -d '\0' | head -c 2000)" >"/tmp/perf-$pid.map"
$PMUKVM report -i "$f" --stdio --sort dso,sym -q >/dev/null 2>"$TMP/err" || { cat "$TMP/err"; fail "garbage perf map is fatal"; }
rm -f "/tmp/perf-$pid.map"; mkfifo "/tmp/perf-$pid.map"
timeout 20 $PMUKVM report -i "$f" --stdio --sort dso,sym -q >/dev/null 2>"$TMP/err"
rc=$?
[ $rc -eq 124 ] && fail "a FIFO as the perf map blocks report"
[ $rc -eq 0 ] || { cat "$TMP/err"; fail "a FIFO as the perf map is fatal"; }
grep -q "perf-$pid.map" "$TMP/err" || fail "no warning naming the FIFO perf map"
echo "JIT maps named as perf names them"
