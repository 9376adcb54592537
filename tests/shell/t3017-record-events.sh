#!/bin/bash
# Events in perf's syntax: software event names and aliases, modifiers
# (:u :k :uk :G :H :p :I), /period=N/ and /freq=N/ terms; perf record
# given the same spec is the oracle for the attr perf evlist -v reads
# back. Then -p with a list of processes, and reports of such files.
. tests/lib.sh
need_perf
H=$TOOLS/hotloop

# The attr fields a spec decides, from a perf evlist -v line.
fields() {
	local gh=$2
	tr ',' '\n' <"$1" | sed 's/^ *//' | awk -v gh="$gh" -F': ' '
		$1 ~ /^(type|config|exclude_user|exclude_kernel|exclude_hv|exclude_idle|precise_ip|freq|\{ sample_period)/ { print }
		gh && $1 ~ /^exclude_(guest|host)$/ { print }' | sort
}

specs='cpu-clock:u cpu-clock:k cpu-clock:uk cpu-clock:G cpu-clock:H cpu-clock:p cpu-clock:I
task-clock task-clock/period=100000/ cpu-clock/freq=999/ cpu-clock/period=50000/u
page-faults faults faults:u context-switches cs:k cpu-migrations migrations minor-faults
major-faults alignment-faults emulation-faults dummy'
for e in $specs; do
	perf record -q -e "$e" -o "$TMP/perf.data" -- true >/dev/null 2>"$TMP/perr" ||
		{ echo "note: perf record -e $e: $(head -1 "$TMP/perr")"; continue; }
	$PMUKVM record -q -e "$e" -o "$TMP/ours.data" -- true 2>"$TMP/err" ||
		{ cat "$TMP/err"; fail "record -e $e failed"; }
	perf evlist -v -i "$TMP/perf.data" 2>/dev/null | grep -v '^dummy:HG' | head -1 >"$TMP/p.ev"
	perf evlist -v -i "$TMP/ours.data" 2>/dev/null | head -1 >"$TMP/o.ev"
	gh=0; case $e in *:*[GH]*) gh=1 ;; esac
	fields "$TMP/p.ev" $gh >"$TMP/p.f"; fields "$TMP/o.ev" $gh >"$TMP/o.f"
	[ -s "$TMP/p.f" ] || fail "no attr from perf for $e"
	diff -u "$TMP/p.f" "$TMP/o.f" || fail "-e $e: attr differs from perf's"
	[ "$(cut -d: -f1 "$TMP/o.ev")" = "$(cut -d: -f1 "$TMP/p.ev")" ] ||
		fail "-e $e: named '$(cut -d: -f1 "$TMP/o.ev")', perf '$(cut -d: -f1 "$TMP/p.ev")'"
	echo "ok: -e $e as perf"
done

# Several in one list, a comma inside the slashes kept with its term.
$PMUKVM record -q -e 'task-clock/period=200000,freq=0/u,faults:k,cs' -o "$TMP/l.data" -- true 2>"$TMP/err" &&
	fail "freq=0 accepted"
$PMUKVM record -q -e 'task-clock/period=200000/u,faults:k,cs' -o "$TMP/l.data" -- "$H" 100000000 ||
	fail "record of an event list failed"
[ "$(perf evlist -i "$TMP/l.data" 2>/dev/null | tr '\n' ' ')" = "task-clock/period=200000/u faults:k cs " ] ||
	{ perf evlist -i "$TMP/l.data"; fail "event list names"; }

# Bad specs: a usage error naming the spec.
for e in cpu-clock:x cpu-clock: cpu-clock/period=0/ cpu-clock/period=10 cpu-clock/bogus=1/ nosuch cpu-clock:pppp; do
	expect_clean_error "-e $e" $PMUKVM record -q -e "$e" -o "$TMP/x.data" -- true
	grep -qF "'$e'" "$TMP/err" || fail "-e $e: the message does not name the spec"
done

# A software event's samples: both tools agree row by row.
$PMUKVM record -q -e page-faults -c 1 -o "$TMP/pf.data" -- sh -c 'ls -R /usr/share/doc >/dev/null' ||
	fail "record -e page-faults"
perf_agrees "$TMP/pf.data" comm,dso

# -p with a list: both processes, as perf; both tools agree. The recording
# starts once both run hotloop and ends once each has had 0.2 s of CPU
# under it: after a fixed sleep and for a fixed second, a loaded machine
# may not have exec'd hotloop yet, or not have run one of them at all.
"$H" 100000000000 & a=$!
"$H" 100000000001 & b=$!
at_exit "kill $a $b"
wait_comm $a hotloop
wait_comm $b hotloop
$PMUKVM record -q -e cpu-clock -p "$a,$b" -o "$TMP/pp.data" 2>"$TMP/err" & r=$!
at_exit "kill $r"
wait_blocked $r poll	# its events open, in its loop
wait_cpu $a 20
wait_cpu $b 20
kill -INT $r
wait $r || { cat "$TMP/err"; fail "record -p $a,$b failed"; }
kill $a $b; wait $a $b 2>/dev/null
perf report -i "$TMP/pp.data" --stdio --sort pid 2>/dev/null | grep -v '^#' >"$TMP/pids"
grep -q "$a:hotloop" "$TMP/pids" && grep -q "$b:hotloop" "$TMP/pids" ||
	{ cat "$TMP/pids"; fail "-p $a,$b: not both processes"; }
perf_agrees "$TMP/pp.data" pid,comm,dso
expect_clean_error "-p 1," $PMUKVM record -q -p 1, -o "$TMP/x.data"
exit 0
