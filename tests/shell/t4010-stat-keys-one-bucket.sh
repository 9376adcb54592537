#!/bin/bash
# stat report over tens of thousands of MMIO keys that all fall in one of
# perf's 4096 key buckets (page-aligned addresses: key & 4095 the same;
# mkkvmstat --mmio-pages): the table is perf's, row for row, and the rows
# are found through a keyed index, not by walking the bucket: pmukvm's
# CPU time stays under half of perf's (which walks it: quadratic), where
# the walk took about as long as perf.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-kvmstat.sh"
need_kvm_files
need_perf

"$KS_TOOL" -o "$TMP/pages.data" --kallsyms "$K" --exits 300000 --mmio-pages ||
	fail "mkkvmstat failed"
/usr/bin/time -f '%U %S' -o "$TMP/ptime" perf kvm -i "$TMP/pages.data" stat report --event mmio \
	>/dev/null 2>"$TMP/perf.out" || fail "perf kvm stat report failed"
/usr/bin/time -f '%U %S' -o "$TMP/otime" $PMUKVM -i "$TMP/pages.data" stat report --event mmio \
	>"$TMP/pmukvm.out" 2>"$TMP/err" || { cat "$TMP/err"; fail "pmukvm stat report failed"; }
keys=$(grep -c ':[RW] ' "$TMP/pmukvm.out")
[ "$keys" -gt 20000 ] || fail "only $keys MMIO rows"
diff -u <(grep -v '^$' "$TMP/perf.out") <(grep -v '^$' "$TMP/pmukvm.out") >"$TMP/d" ||
	{ head -20 "$TMP/d"; fail "the table of $keys keys is not perf's"; }
p=$(awk '{ print $1 + $2 }' <(tail -n1 "$TMP/ptime"))
o=$(awk '{ print $1 + $2 }' <(tail -n1 "$TMP/otime"))
awk -v p="$p" -v o="$o" 'BEGIN { exit !(o <= p / 2) }' ||
	fail "$keys keys of one bucket: $o s of CPU, perf $p s (bound: half of perf's)"
echo "ok: $keys MMIO keys of one bucket: perf's table, $o s of CPU (perf $p s)"
