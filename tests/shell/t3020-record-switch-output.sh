#!/bin/bash
# --switch-output in perf's forms: signal (SIGUSR2, the default), a size
# (200K) and a time (1s). Each file is named OUTPUT.<YYYYmmddHHMMSScc> as
# perf names them, the last one too; each reads on its own in perf report
# and pmukvm report, which agree; the samples add up to the summary's.
. tests/lib.sh
need_perf
cd "$TMP" || fail cd
P=$OLDPWD/$PMUKVM
case $PMUKVM in /*) P=$PMUKVM ;; esac
stamped() { ls | grep -E "^$1\.[0-9]{16}\$"; }

M=$OLDPWD/$TOOLS/mtwork
"$P" record -e cpu-clock --switch-output -o u.data -- "$M" 2 2400 2>err & r=$!
sleep 0.8; kill -USR2 $r; sleep 0.8; kill -USR2 $r
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

"$P" record -q -e cpu-clock -a --switch-output=200K --duration 1.5 -o z.data || fail "--switch-output=200K"
[ "$(stamped z.data | wc -l)" -ge 2 ] || { ls; fail "200K: fewer than 2 files"; }
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
