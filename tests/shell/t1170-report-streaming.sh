#!/bin/bash
# Files without FINISHED_ROUND records stream: time-ordered input (each
# CPU's records in time order, however the CPUs interleave) is read in
# about the memory a file with rounds takes, with perf's result; input
# out of order within a CPU still gets perf's result. Progress appears on a
# terminal only, and only once the work takes long enough.
. tests/lib.sh
MK=$TOOLS/mkcrafted
have_perf=1
command -v perf >/dev/null 2>&1 || have_perf=0

# rss FILE: peak RSS (kB) of a report on FILE.
rss() {
	/usr/bin/time -f '%M' -o "$TMP/time" $PMUKVM report -i "$1" --stdio --sort comm \
		>"$TMP/out" 2>"$TMP/err" || { cat "$TMP/err"; fail "report on $1 failed"; }
	tail -n1 "$TMP/time"
}

"$MK" rounds "$TMP/rounds.data" 2000000
base=$(rss "$TMP/rounds.data")
bound=$((base * 3 / 2 + 16384))
# Under ASan, freed memory waits in its quarantine: a looser bound (the
# whole queue, as before streaming, is still far past it).
case $PMUKVM in *-san) bound=$((base * 2 + 32768)) ;; esac
echo "with rounds: $base kB (bound for the others: $bound kB)"
for shape in "stream 2000000" "stream 2000000 1000"; do
	set -- $shape
	"$MK" "$1" "$TMP/s.data" "${@:2}"
	m=$(rss "$TMP/s.data")
	echo "$shape, no rounds: $m kB"
	[ "$m" -le "$bound" ] || fail "$shape without rounds: $m kB, bound $bound kB"
	[ $have_perf = 0 ] || perf_agrees "$TMP/s.data" comm
done

# Out of order within each CPU: held, then ordered as perf orders it.
"$MK" jitter "$TMP/j.data" 300000 4096
[ $have_perf = 0 ] || perf_agrees "$TMP/j.data" comm

# A guest file with one round at the very end (mkguestdata's --round at
# least the sample count) against one with a round every 1000 samples.
if [ -f "$FIXTURES/guest-6.1/kallsyms.gz" ]; then
	K=$FIXTURES/guest-6.1/kallsyms.gz M=$FIXTURES/guest-6.1/modules
	for r in 1000 1000000000; do
		"$TOOLS/mkguestdata" -o "$TMP/g$r.data" --guest "0:$K:$M" --kernel-samples 1000000 \
			--module-samples 0 --user-samples 0 --host-kernel-samples 0 \
			--host-user-samples 0 --round $r >/dev/null || fail "mkguestdata --round $r"
		/usr/bin/time -f '%M' -o "$TMP/time" $PMUKVM --guestkallsyms="$K" --guestmodules="$M" \
			report -i "$TMP/g$r.data" --stdio --sort dso,sym >"$TMP/g$r.out" 2>&1 ||
			fail "guest report --round $r"
		eval "g$r=$(tail -n1 "$TMP/time")"
	done
	echo "guest, 1M samples: $g1000 kB with rounds, $g1000000000 kB without"
	gbound=$((g1000 * 3 / 2 + 16384))
	case $PMUKVM in *-san) gbound=$((g1000 * 2 + 32768)) ;; esac
	[ "$g1000000000" -le $gbound ] ||
		fail "guest file without rounds: $g1000000000 kB"
	diff -q "$TMP/g1000.out" "$TMP/g1000000000.out" >/dev/null ||
		fail "rounds change the guest report"
fi

# Progress: on a terminal (script(1)) a line appears once the work has
# taken PMUKVM_PROGRESS_DELAY_MS (1 s by default); with stderr redirected
# there is none; on a quick run there is none either.
if command -v script >/dev/null 2>&1; then
	PMUKVM_PROGRESS_DELAY_MS=0 script -qec "$PMUKVM report -i $TMP/s.data --stdio >/dev/null" \
		/dev/null >"$TMP/tty" 2>&1
	grep -a -q "pmukvm: processing $TMP/s.data: *[0-9]*%" "$TMP/tty" ||
		{ od -c "$TMP/tty" | head; fail "no progress line on a terminal"; }
	PMUKVM_PROGRESS_DELAY_MS=0 script -qec \
		"$PMUKVM report -i $TMP/s.data --stdio >/dev/null 2>$TMP/redirected" /dev/null >/dev/null 2>&1
	[ -s "$TMP/redirected" ] && { cat "$TMP/redirected"; fail "progress with stderr redirected"; }
	"$MK" comm-bad "$TMP/small.data"
	script -qec "$PMUKVM report -i $TMP/small.data --stdio >/dev/null" /dev/null >"$TMP/tty" 2>&1
	grep -a -q "processing" "$TMP/tty" && fail "progress on a run that took less than a second"
	echo "progress: on a terminal only, after the delay"
else
	echo "script(1) is not installed: progress not checked"
fi
echo "streaming checked"
