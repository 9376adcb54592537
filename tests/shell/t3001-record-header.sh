#!/bin/bash
# the header features perf report --header shows; FILE.old rotation.
. tests/shell/lib-record.sh

out=$TMP/h.data
echo old >"$out"
"$PMUKVM" --host record -q -e cpu-clock -o "$out" -- "$HOTLOOP" 100000000 || fail "record failed"
[ "$(cat "$out.old")" = old ] || fail "the previous file was not kept as $out.old"
perf_quiet report --header-only -i "$out"
for want in "hostname : $(uname -n)" "os release : $(uname -r)" "arch : $(uname -m)" \
	    "nrcpus online : $(getconf _NPROCESSORS_ONLN)" "cmdline : .*pmukvm[^ ]* --host record -q -e cpu-clock -o $out" \
	    "event : name = cpu-clock" "cpuid : " "total memory : " "time of first sample" \
	    "perf version : pmukvm"; do
	grep -q "# $want" "$TMP/perf.out" || { cat "$TMP/perf.out"; fail "header lacks '$want'"; }
done
# The hot binary got samples: its build-id is in the file.
"$PERF" buildid-list -i "$out" 2>/dev/null | grep -q "$(basename "$HOTLOOP")$" ||
	fail "no build-id for $HOTLOOP"
# Kernel samples: the running kernel's build-id, as perf buildid-list -k says.
"$PMUKVM" --host record -q -e cpu-clock -a -o "$TMP/k.data" --duration 0.3 || fail "record -a failed"
kid=$("$PERF" buildid-list -k 2>/dev/null)
if [ -n "$kid" ]; then
	"$PERF" buildid-list -i "$TMP/k.data" 2>/dev/null | grep -q "^$kid \[kernel.kallsyms\]$" ||
		fail "no kernel build-id $kid"
fi
exit 0
