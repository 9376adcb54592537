#!/bin/bash
# Without --host/--guest, record samples the whole system: no exclude_host,
# no exclude_guest (perf kvm's default is guest only; pmukvm's is not, see
# Documentation/design.txt). --host, --guest and both set the bits as perf
# kvm does; perf evlist -v reads them back. Default file names follow.
. tests/shell/lib-record.sh

cd "$TMP" || fail cd
P=$OLDPWD/$PMUKVM
case $PMUKVM in /*) P=$PMUKVM ;; esac

# mode options | file | exclude_host | exclude_guest
while IFS='|' read -r opts file eh eg; do
	# shellcheck disable=SC2086
	"$P" $opts record -q -e cpu-clock --duration 0.2 || fail "record $opts failed"
	[ -f "$file" ] || fail "'$opts': default output is not $file ($(ls))"
	"$PERF" evlist -v -i "$file" >ev 2>/dev/null || fail "perf evlist -v -i $file"
	h=0; g=0
	grep -q 'exclude_host: 1' ev && h=1
	grep -q 'exclude_guest: 1' ev && g=1
	[ "$h$g" = "$eh$eg" ] || { cat ev; fail "'$opts': exclude_host=$h exclude_guest=$g, want $eh $eg"; }
	echo "ok: '$opts' -> $file exclude_host=$h exclude_guest=$g"
	rm -f "$file"
done <<'T'
|perf.data.kvm|0|0
--host|perf.data.host|0|1
--guest|perf.data.guest|1|0
--host --guest|perf.data.kvm|0|0
--no-guest|perf.data.host|0|1
--no-host|perf.data.guest|1|0
T

# With guest symbol files and no mode option, record still samples both and
# report (guest samples only then, as perf kvm report) reads what it wrote.
printf 'ffffffff81000000 T _text\nffffffff81000100 T guest_func\n' >kallsyms
"$P" --guestkallsyms kallsyms record -q -e cpu-clock --duration 0.2 || fail "record with guest files"
[ -f perf.data.kvm ] || fail "with guest files: default output is not perf.data.kvm"
"$PERF" evlist -v -i perf.data.kvm 2>/dev/null | grep -q 'exclude_' && fail "with guest files: exclude bits set"
"$P" --guestkallsyms kallsyms report --stdio >rep 2>err || { cat err; fail "report does not read the default file"; }
"$P" report --stdio -n --sort dso >rep 2>err || { cat err; fail "report (no options) does not read perf.data.kvm"; }
grep -q '^# Samples: [1-9]' rep || { cat rep; fail "report counts no samples of the default recording"; }

"$P" --no-host --no-guest record -q -e cpu-clock --duration 0.1 >out 2>&1 && fail "--no-host --no-guest recorded"
grep -q '^pmukvm: .*nothing to record' out || { cat out; fail "no message for --no-host --no-guest"; }
exit 0
