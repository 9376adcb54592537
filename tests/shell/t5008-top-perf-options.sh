#!/bin/bash
# perf top's options in pmukvm top: -n (--show-nr-samples), -E, --percent-limit,
# -z, -K, -U, -C, -a, -c; --iterations is the snapshot count. Replay
# snapshots are checked against report and perf script on the same file,
# live ones against the sampling they asked for.
. tests/lib.sh
. tests/shell/lib-guest.sh
need_perf
F=$TMP/mt.data
perf record -q --sample-cpu -e cpu-clock -F 999 -o "$F" -- "$TOOLS/mtwork" 2 1500 >/dev/null 2>&1 ||
	fail "perf record failed"
TOP="$PMUKVM top -i $F --stdio --speed 0"
rows() { grep -v '^#' | grep .; }

# -n: the Samples column of report -n; without it, report's rows without one.
$TOP --no-decay -d 1000 -E 0 -s dso,sym | rows >"$TMP/top"
$PMUKVM report -i "$F" --stdio -q -s dso,sym | rows >"$TMP/report"
diff -u "$TMP/report" "$TMP/top" || fail "top without -n: rows differ from report's"
$TOP --no-decay -d 1000 -E 0 -n -s dso,sym | rows >"$TMP/top.n"
$PMUKVM report -i "$F" --stdio -q -n -s dso,sym | rows >"$TMP/report.n"
diff -u "$TMP/report.n" "$TMP/top.n" || fail "top -n: rows differ from report -n's"
grep -q "Samples" <($TOP --no-decay -d 1000 -n) || fail "top -n: no Samples header"
grep -q "Samples  " <($TOP --no-decay -d 1000) && fail "top without -n: a Samples column"
# -n takes no value: the next option is an option.
$TOP -n --iterations 1 -d 0.5 >/dev/null || fail "-n swallowed the option after it"
echo "ok: -n adds report -n's Samples column ($(wc -l <"$TMP/top.n") rows)"

# -E: the first N rows; --percent-limit: report's rows above the limit.
$TOP --no-decay -d 1000 -E 2 -n -s dso,sym | rows >"$TMP/top.e"
# Columns are as wide as the rows shown: compare the words.
diff -u <(head -2 "$TMP/report.n" | tr -s ' ') <(tr -s ' ' <"$TMP/top.e") || fail "-E 2: not the first 2 rows"
# A limit of 3%, or, where every row has more (a loaded machine left a
# few dozen samples in 5 rows), half-way between the two smallest shares.
pl=$(awk '{ p = $1 + 0; if (p != last) { n++; v[n] = p; last = p } }
	END { if (n < 2 || v[n] < 3) print 3; else printf "%.2f", (v[n - 1] + v[n]) / 2 }' "$TMP/top")
$TOP --no-decay -d 1000 -E 0 --percent-limit $pl -s dso,sym | rows >"$TMP/top.p"
$PMUKVM report -i "$F" --stdio -q --percent-limit $pl -s dso,sym | rows >"$TMP/report.p"
[ -s "$TMP/top.p" ] && [ "$(wc -l <"$TMP/top.p")" -lt "$(wc -l <"$TMP/top")" ] ||
	fail "--percent-limit $pl left $(wc -l <"$TMP/top.p") of $(wc -l <"$TMP/top") rows"
diff -u <(tr -s ' ' <"$TMP/report.p") <(tr -s ' ' <"$TMP/top.p") || fail "--percent-limit $pl: rows differ from report's"
echo "ok: -E 2 and --percent-limit $pl ($(wc -l <"$TMP/top.p") rows)"

# -z: each snapshot holds its interval only; its rows add up to it.
$TOP -d 0.3 -z -E 0 -n -s sym >"$TMP/z" || fail "top -z failed"
awk '/^# Samples:/ { n++; all = $3; this = substr($7, 2) + 0; if (all != this) bad = bad " " n ": " all "/" this }
     /^# pmukvm top/ && n { if (sum != all) bad = bad " rows " sum "!=" all; sum = 0 }
     !/^#/ && NF { sum += $2 }
     END { if (sum != all) bad = bad " rows " sum "!=" all; if (n < 3) bad = bad " only " n " snapshots"; print bad }' \
	"$TMP/z" >"$TMP/zbad"
[ ! -s "$TMP/zbad" ] || [ -z "$(tr -d ' \n' <"$TMP/zbad")" ] || { head -20 "$TMP/z"; fail "-z:$(cat "$TMP/zbad")"; }
# The intervals add up to the file.
total=$(grep -c . < <(perf script -i "$F" -F ip 2>/dev/null))
sum=$(awk '/^# Samples:/ { s += $3 } END { print s }' "$TMP/z")
[ "$sum" -eq "$total" ] || fail "-z: the intervals hold $sum samples, the file $total"
# Without -z the second snapshot carries the first one's, decayed.
# (A first interval without samples, a workload slow to start on a loaded
# machine, has nothing to carry.)
$TOP -d 0.3 --iterations 2 | awk '/^# Samples:/ { n++; if (n == 1) first = $3 + 0
	if (n == 2 && first > 0 && $3 + 0 <= substr($7, 2) + 0) exit 1 }' ||
	fail "without -z, the second snapshot holds only its interval"
echo "ok: -z: $(grep -c '^# Samples' "$TMP/z") snapshots of one interval each, $sum samples in all"

# -C in a replay: the samples perf script shows on that CPU.
for cpu in $(perf script -i "$F" -F cpu 2>/dev/null | tr -d '[] ' | sort -u); do
	want=$(perf script -i "$F" -F cpu 2>/dev/null | tr -d '[] ' | grep -c -x "0*$cpu")
	c=$((10#$cpu))
	got=$($TOP --no-decay -d 1000 -C $c | awk '/^# Samples:/ { print $3 }')
	[ "$got" = "$want" ] || fail "-C $c: $got samples, perf script shows $want"
	echo "ok: -C $c: $got samples, as perf script"
done
perf record -q -e cpu-clock -F 999 -o "$TMP/nocpu.data" -- "$TOOLS/mtwork" 1 100 >/dev/null 2>&1
expect_clean_error "-C on a file without CPUs" $PMUKVM top -i "$TMP/nocpu.data" --stdio -C 0
grep -q "nocpu.data" "$TMP/err" || fail "-C error does not name the file"

# -K, -U on guest data: the kernel (user) modes' samples are left out.
if guest_fixture; then
	$G -o "$TMP/g.data" --guest "0:$K:$M" --seed 7 --kernel-samples 3000 --module-samples 1000 \
		--user-samples 300 --host-kernel-samples 100 --host-user-samples 100 >/dev/null ||
		fail "mkguestdata failed"
	GT="$PMUKVM $GO top -i $TMP/g.data --stdio --speed 0 --no-decay -d 1000 -E 0 -n -s mode"
	$GT -K >"$TMP/k" || fail "top -K failed"
	[ "$(rows <"$TMP/k" | awk '{ print $2 "|" $3 " " $4 }' | sort | tr '\n' ' ')" = \
	  "100|host user 300|guest user " ] || { cat "$TMP/k"; fail "-K: wrong rows"; }
	grep -q "^# (4100 samples left out by -K)" "$TMP/k" || { cat "$TMP/k"; fail "-K: no count of what was left out"; }
	$GT -U >"$TMP/u" || fail "top -U failed"
	[ "$(rows <"$TMP/u" | awk '{ print $2 "|" $3 " " $4 }' | sort | tr '\n' ' ')" = \
	  "100|host kernel 4000|guest kernel " ] || { cat "$TMP/u"; fail "-U: wrong rows"; }
	[ -z "$($GT -K -U | rows)" ] || fail "-K -U: rows left"
	echo "ok: -K and -U leave out kernel and user samples, guest and host"
else
	echo "(no mkguestdata or fixtures: -K/-U checked on the host file only)"
	[ -z "$($TOP --no-decay -d 1000 -U -s mode | rows | grep 'host user')" ] || fail "-U: host user rows"
fi

# Usage errors.
expect_clean_error "-C junk" $PMUKVM top --stdio -C 0-x
expect_clean_error "-C reversed" $PMUKVM top --stdio -C 3-1
expect_clean_error "-c 0" $PMUKVM top --stdio -c 0
expect_clean_error "-c with -F" $PMUKVM top --stdio -c 1000 -F 100
expect_clean_error "-c in a replay" $PMUKVM top -i "$F" --stdio -c 1000
expect_clean_error "-p with -a" $PMUKVM top --stdio -a -p 1
expect_clean_error "-z with --no-decay" $PMUKVM top -i "$F" --stdio -z --no-decay
expect_clean_error "--percent-limit 101" $PMUKVM top -i "$F" --stdio --percent-limit 101
expect_clean_error "-E junk" $PMUKVM top -i "$F" --stdio -E x

# The browser: --percent-limit hides the rows under it there too.
if command -v tmux >/dev/null 2>&1; then
	. tests/shell/lib-tui.sh
	tui_start "$PMUKVM top -i $F --tui --speed 0 --no-decay -d 1000 -s dso,sym --percent-limit 10"
	wait_screen "replay .*ended" 30
	n=$(rows | wc -l)
	[ "$n" -ge 1 ] || fail "--percent-limit 10 in the browser: no rows"
	rows | awk '{ if ($1 + 0 < 10) bad = 1 } END { exit bad }' ||
		{ screen; fail "--percent-limit 10: the browser shows rows under 10%"; }
	keys q
	[ "$(wait_exit)" = 0 ] || fail "browser with --percent-limit: non-zero exit"
	tm kill-server
	echo "ok: --percent-limit 10 in the browser: $n rows, none under 10%"
fi

# Live: -C samples those CPUs only, -c sets the period, -a is the default.
# (a crash is no reason to skip: one run here died of SIGSEGV in this probe)
$PMUKVM top --stdio --iterations 1 -d 0.2 -e cpu-clock >/dev/null 2>"$TMP/err"
rc=$?
[ $rc -lt 128 ] || { cat "$TMP/err"; fail "live top crashed (exit $rc)"; }
[ $rc -eq 0 ] || skip "live top cannot sample here: $(cat "$TMP/err")"
"$TOOLS/mtwork" 2 600000 >/dev/null &	# stopped at exit
W=$!
at_exit 'kill $W'
ncpu=$(getconf _NPROCESSORS_ONLN)
command -v strace >/dev/null 2>&1 || fail "strace is not installed (scripts/install-deps.sh installs it)"

# live_top OUT ARGS...: one interval of live top with ARGS, under strace:
# $TMP/live its output, OUT the events it opened, one line each:
# "CPU PERIOD-OR-FREQ FREQ-FLAG". What -c and -C ask for is checked where
# the kernel is told it: the rate of samples that comes back is the
# machine's (a loaded VM's cpu-clock timers fire late and merge; one
# clean-clone run here saw 42 samples/s for a period of 10 ms).
live_top() {
	local out=$1 rc=0
	shift
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -f -qq -v \
		-e trace=perf_event_open -o "$TMP/strace" \
		$PMUKVM top --stdio --no-decay --iterations 1 -d 1 -e cpu-clock "$@" \
		>"$TMP/live" 2>"$TMP/live.err" || rc=$?
	[ $rc = 0 ] || { cat "$TMP/live.err"; fail "live top $*: exit $rc"; }
	grep -q '^# Samples: [1-9]' "$TMP/live" || { head -5 "$TMP/live"; fail "live top $*: no samples"; }
	sed -n 's/.*config=PERF_COUNT_SW_CPU_CLOCK, sample_\(period\|freq\)=\([0-9]*\),.* freq=\([01]\),.*}, -1, \([0-9]*\), .*) = [0-9][0-9]*$/\4 \2 \3/p' \
		"$TMP/strace" | sort -n >"$out"
	[ -s "$out" ] || { cat "$TMP/strace"; fail "live top $*: no cpu-clock event opened"; }
}
live_top "$TMP/c0" -c 1000000 -C 0
[ "$(cat "$TMP/c0")" = "0 1000000 0" ] ||
	{ cat "$TMP/strace"; fail "-C 0 -c 1000000 opened: $(cat "$TMP/c0")"; }
echo "ok: live -C 0 -c 1000000: one event, on CPU 0, period 1000000"
live_top "$TMP/ca" -c 10000000 -a
seq 0 $((ncpu - 1)) | sed 's/$/ 10000000 0/' >"$TMP/want"
cmp -s "$TMP/ca" "$TMP/want" || { cat "$TMP/ca"; fail "-a -c 10000000: not one event a CPU with that period"; }
echo "ok: live -a -c 10000000: $ncpu events, one a CPU"
# without -c: -F's frequency (4000 Hz by default), as perf top
live_top "$TMP/cf" -C 0
[ "$(cat "$TMP/cf")" = "0 4000 1" ] || fail "default: opened $(cat "$TMP/cf"), want 4000 Hz on CPU 0"
echo "ok: live default: 4000 Hz"
# and the rate top shows: never above what a period of 10 ms allows
live_top "$TMP/c10" -c 10000000 -C 0
r10=$(awk '/^# Samples:/ { r = $10 } END { if (sub(/\/s\)$/, "", r) && r ~ /^[0-9]+$/) print r }' "$TMP/live")
[ -n "$r10" ] && [ "$r10" -le 120 ] ||
	fail "-C 0 -c 10000000: rate $r10, want at most 120 a second (100 and jitter) ($(grep -m1 "^# Samples" "$TMP/live"))"
echo "ok: live -C 0 -c 10000000: $r10 samples/s"

# -F max, as perf top's: the kernel's perf_event_max_sample_rate.
max=$(cat /proc/sys/kernel/perf_event_max_sample_rate)
$PMUKVM top -a -e cpu-clock -F max --stdio --iterations 1 -d 0.3 >"$TMP/max.out" 2>"$TMP/max.err" ||
	{ cat "$TMP/max.err"; fail "top -F max failed"; }
grep -q -- "-F max: sampling at $max Hz" "$TMP/max.err" || { cat "$TMP/max.err"; fail "top -F max: the rate is not said"; }
grep -q '^# Samples' "$TMP/max.out" || fail "top -F max: no snapshot"
expect_clean_error "-C with an offline CPU" $PMUKVM top --stdio --iterations 1 -C 4000
