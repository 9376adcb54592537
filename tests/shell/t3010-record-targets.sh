#!/bin/bash
# -a/--duration, -p, -t, default names by --host/--guest.
. tests/shell/lib-record.sh
. tests/lib-wait.sh

cd "$TMP" || fail cd
P=$OLDPWD/$PMUKVM
H=$OLDPWD/$HOTLOOP
case $PMUKVM in /*) P=$PMUKVM ;; esac
case $HOTLOOP in /*) H=$HOTLOOP ;; esac

"$H" 100000000000 &
hp=$!
trap 'kill $hp 2>/dev/null; rm -rf "$TMP"' EXIT
# hotloop runs its loop (exec'd, 50 ms of CPU time), however long that
# takes here: -p and -t record it, and it keeps one CPU busy while -a runs.
wait_comm $hp hotloop
wait_cpu $hp 5

# --duration bounds the recording: its samples span about 0.5 s (the file's
# sample times, which a loaded machine does not stretch as it does record's
# start-up); a record that never stops is stopped at 60 s. An idle CPU's
# cpu-clock event that the kernel throttles stays silent until that CPU's
# next tick, which a tickless idle CPU may not take within 0.5 s: the span
# is measured while hotloop keeps a CPU busy and its events unthrottled.
timeout 60 "$P" --host record -q -e cpu-clock --duration 0.5 || fail "record -a --duration 0.5 failed (exit $?)"
[ -f perf.data.host ] || fail "--host: not perf.data.host"
span=$("$PERF" report --header-only -i perf.data.host 2>/dev/null | sed -n 's/^# sample duration : *\([0-9]*\)\..*/\1/p')
[ -n "$span" ] || fail "perf shows no sample duration for perf.data.host"
[ "$span" -ge 400 ] && [ "$span" -lt 2000 ] || fail "--duration 0.5: samples over ${span} ms"
"$PERF" script -D -i perf.data.host 2>/dev/null | grep -q 'PERF_RECORD_COMM: .*:1/1' || fail "-a: no COMM of pid 1"
"$P" --host --guest record -q -e cpu-clock --duration 0.1 && [ -f perf.data.kvm ] || fail "--host --guest: not perf.data.kvm"

"$P" --host record -q -e cpu-clock -p $hp -o p.data --duration 0.5 || fail "record -p failed"
"$P" --host record -q -e cpu-clock -t $hp -o t.data --duration 0.5 || fail "record -t failed"
"$P" --host record -q -e cpu-clock -C 0 -o c.data --duration 0.3 || fail "record -C 0 failed"
kill $hp
"$PERF" script -F cpu -i c.data 2>/dev/null | sort -u | tr -d ' []' | grep -v '^000$' && fail "-C 0: samples on other CPUs"
for f in p.data t.data; do
	perf_quiet report -i $f --stdio --sort comm,sym
	grep -v '^#' "$TMP/perf.out" | grep -m1 % | grep -q 'hotloop .*hot_function' || fail "$f: hot_function not on top"
done
exit 0
