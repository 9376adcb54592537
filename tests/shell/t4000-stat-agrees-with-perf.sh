#!/bin/bash
# pmukvm stat report against perf kvm stat report on files written as perf
# kvm stat record writes them on an Intel VMX host (tests/tools/mkkvmstat:
# three guests, one starting mid-recording, vCPUs migrating between CPUs,
# per-CPU rounds): every analysis, both sort keys, every view (all, each
# vCPU, each guest pid, two pids) gives perf's table byte for byte; so do
# a second seed and an AMD SVM file. The input option works before the
# command word and after it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-kvmstat.sh"
need_perf
need_kvm_files

"$KS_TOOL" -o "$TMP/a.data" --kallsyms "$K" --exits 30000 --guests 3 --vcpus 2 --cpus 4 ||
	fail "mkkvmstat failed"
for ev in vmexit mmio ioport msr; do
	for key in sample time; do
		ks_agree "$TMP/a.data" --event=$ev -k $key
		for v in 0 1 2; do
			ks_agree "$TMP/a.data" --event=$ev -k $key --vcpu $v
		done
		for p in 4000 5000 6000; do
			ks_agree "$TMP/a.data" --event=$ev -k $key -p $p
		done
		ks_agree "$TMP/a.data" --event=$ev -k $key -p 4000,6000 --vcpu 1
	done
done
# the session's path (--extended: guest names, percentiles) counts as the
# direct one: the same perf table comes first
for ev in vmexit mmio; do
	$PMUKVM -i "$TMP/a.data" stat report --event=$ev -k time --vcpu 1 >"$TMP/direct"
	$PMUKVM -i "$TMP/a.data" stat report --event=$ev -k time --vcpu 1 --extended |
		head -n "$(wc -l <"$TMP/direct")" >"$TMP/session"
	diff -u "$TMP/direct" "$TMP/session" || fail "--extended's table differs ($ev)"
done
# -t SEP: perf's rows and numbers, one row per line
for ev in vmexit msr; do
	ks_perf "$TMP/a.data" --event=$ev -k time | awk '/ \( \+-/ { sub(/^ +/, ""); n = split($0, f, / +/)
		printf "%s|%s|%s|%s|%s|%s|%s|%s\n", f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[10] }' |
		tr -d '%' | sed 's/us|/|/g; s/us$//' >"$TMP/p.sep"
	$PMUKVM -i "$TMP/a.data" stat report --event=$ev -k time -t '|' | sed 1d >"$TMP/m.sep"
	diff -u "$TMP/p.sep" "$TMP/m.sep" || fail "-t '|' differs from perf's table ($ev)"
done
# every key must have rows: the generator makes each analysis non-empty
for ev in vmexit mmio ioport msr; do
	n=$($PMUKVM -i "$TMP/a.data" stat report --event=$ev | grep -c ' ( +-')
	[ "$n" -ge 4 ] || fail "--event=$ev has only $n rows"
done

# the input option in its other places
perf kvm -i "$TMP/a.data" stat report --event=ioport -k time --vcpu 1 2>&1 >/dev/null |
	grep -v '^unknown kvm' >"$TMP/p1"
$PMUKVM stat report -i "$TMP/a.data" --event ioport -k time --vcpu=1 >"$TMP/m1" ||
	fail "stat report -i failed"
diff -u "$TMP/p1" "$TMP/m1" || fail "-i after the command word differs"
(cd "$TMP" && cp a.data perf.data.guest && perf kvm stat report 2>&1 >/dev/null |
	grep -v '^unknown kvm' >p2 && "$OLDPWD/$PMUKVM" stat report >m2) ||
	fail "default input perf.data.guest"
diff -u "$TMP/p2" "$TMP/m2" || fail "the default input differs"

# another seed, more vCPUs and CPUs; and an AMD host
"$KS_TOOL" -o "$TMP/b.data" --kallsyms "$K" --exits 20000 --guests 4 --vcpus 3 --cpus 8 \
	--seed 7 || fail "mkkvmstat failed"
"$KS_TOOL" -o "$TMP/c.data" --kallsyms "$K" --exits 20000 --vendor amd --seed 3 ||
	fail "mkkvmstat failed"
for f in b c; do
	for ev in vmexit mmio ioport msr; do
		ks_agree "$TMP/$f.data" --event=$ev
		ks_agree "$TMP/$f.data" --event=$ev -k time --vcpu 2
	done
done
# every exit code perf knows, and the ones it does not (UNKNOWN rows)
"$KS_TOOL" -o "$TMP/d.data" --kallsyms "$K" --exits 100 --all-reasons || fail "mkkvmstat failed"
"$KS_TOOL" -o "$TMP/e.data" --kallsyms "$K" --exits 100 --all-reasons --vendor amd ||
	fail "mkkvmstat failed"
ks_agree "$TMP/d.data"
ks_agree "$TMP/d.data" -k time
ks_agree "$TMP/e.data"
ks_agree "$TMP/e.data" -k time
$PMUKVM -i "$TMP/d.data" stat report 2>&1 >/dev/null | grep -q 'unknown kvm exit code 5 on VMX' ||
	fail "no warning for an unknown VMX exit code"
echo "agree: $ks_nr_agree tables"
