#!/bin/bash
# --switch-output in perf's forms: signal (SIGUSR2, the default), a size
# (20K) and a time (1s). Each file is named OUTPUT.<YYYYmmddHHMMSScc> as
# perf names them, the last one too; each reads on its own in perf report
# and pmukvm report, which agree; the samples add up to the summary's.
. tests/lib.sh
need_perf
cd "$TMP" || fail cd
P=$OLDPWD/$PMUKVM
case $PMUKVM in /*) P=$PMUKVM ;; esac
stamped() { ls | grep -E "^$1\.[0-9]{16}\$"; }

M=$OLDPWD/$TOOLS/mtwork
# Every file must hold samples, whatever the load: each SIGUSR2 goes once
# the workload has run 0.1 s (of CPU time) since the file began, the second
# once record said it dumped the first; the workload ends (killed: it would
# run 10 minutes) once it has run as long again into the third file.
"$P" record -e cpu-clock --switch-output -o u.data -- "$M" 2 600000 2>err & r=$!
wait_child $r mtwork
m=$CHILD
at_exit "kill $m"
for n in 1 2; do
	wait_cpu $m 10
	kill -USR2 $r
	wait_lines err "^pmukvm: dumped 'u\.data\.[0-9]+'" $n
done
wait_cpu $m 10
kill $m
wait $r || { cat err; fail "record --switch-output exited $?"; }
[ -e u.data ] && fail "u.data left: the last file is not renamed"
n=$(stamped u.data | wc -l)
[ "$n" = 3 ] || { ls; cat err; fail "SIGUSR2 twice: $n files, want 3"; }
total=0
cd "$OLDPWD" || fail cd
for f in $(cd "$TMP" && stamped u.data); do
	perf_agrees "$TMP/$f" comm,dso
	s=$($PMUKVM report -i "$TMP/$f" --stdio 2>/dev/null | awk '/^# Samples:/ { print $3 }')
	total=$((total + s))
done
cd "$TMP" || fail cd
want=$(sed -n 's/.*(\([0-9]*\) samples,.*/\1/p' err)
[ "$total" = "$want" ] || { cat err; fail "files hold $total samples, record said $want"; }
grep -c "^pmukvm: dumped 'u.data\.[0-9]*'" err | grep -qx 3 || { cat err; fail "not one 'dumped' line per file"; }

"$M" 2 1500 >/dev/null 2>&1 &
"$P" record -q -e cpu-clock -a --switch-output=20K --duration 1.5 -o z.data || fail "--switch-output=20K"
wait
[ "$(stamped z.data | wc -l)" -ge 2 ] || { ls; fail "20K: fewer than 2 files"; }
for f in $(stamped z.data); do
	perf report -i "$f" --stdio >/dev/null 2>&1 || fail "perf report $f"
done
"$P" record -q -e cpu-clock -a --switch-output=1s --duration 2.5 -o t.data || fail "--switch-output=1s"
[ "$(stamped t.data | wc -l)" -ge 2 ] || { ls; fail "1s: fewer than 2 files"; }

for e in 10 10X 0s signal2 1M2; do
	expect_clean_error "--switch-output=$e" "$P" record -q --switch-output=$e -o x.data -- true
done
expect_clean_error "--switch-output -o -" "$P" record -q --switch-output -o - -- true
exit 0
