#!/bin/bash
# bad options: a clear message naming the problem, non-zero exit, no file.
. tests/shell/lib-record.sh

cd "$TMP" || fail cd
P=$OLDPWD/$PMUKVM
case $PMUKVM in /*) P=$PMUKVM ;; esac
while IFS='|' read -r args want; do
	[ -z "$args" ] && continue
	# shellcheck disable=SC2086
	"$P" record $args >out 2>err && fail "'record $args' succeeded"
	grep -q -- "$want" err || { cat err; fail "'record $args': message lacks '$want'"; }
done <<'CASES'
-e foo|unknown event 'foo'
-e cpu-clock,r12zz|unknown event 'r12zz'
-F abc|option '-F' wants a positive frequency
-F 0|option '-F' wants a positive frequency
-c 0|option '-c' wants a positive period
-F 100 -c 1000|-F and -c exclude each other
-m 3|option '-m' wants a power of two
--duration -1|option '--duration' wants a positive number
--call-graph lbr|'--call-graph' wants fp or dwarf
--call-graph dwarf,0|wants SIZE in 8..65528
-p abc|option '-p' wants a process id
-p 1 -t 1|choose one target
-a -p 1 -- true|choose one target
-C 99999|bad CPU list '99999'
-C 1-0|bad CPU list
--nope|unknown option '--nope'
-e|option '-e' needs a value
-p 2147483000|no such process: 2147483000
CASES
ls perf.data* >/dev/null 2>&1 && fail "a bad command line left a data file"
exit 0
