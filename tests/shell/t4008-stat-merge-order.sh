#!/bin/bash
# stat report's direct path orders the kvm samples as perf's ordered events
# do, whatever the shape of the rounds: one CPU (one run per round, what is
# left waiting behind it), a few CPUs (the k-way merge of the per-CPU
# runs), and more busy CPUs than that merge takes at once (28 vCPUs on 40
# CPUs: rounds of 30-50 runs are sorted first). Each file's tables equal perf kvm stat report's for every
# analysis and both sort keys, and the session's path (--extended) prints
# the same perf table, as does counting on the reading thread
# (PMUKVM_STAT_ONE_THREAD: what runs where no second thread can be made).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-kvmstat.sh"
need_perf
need_kvm_files

for cpus in 1 3 40; do
	guests=3 vcpus=3
	[ $cpus = 40 ] && guests=4 vcpus=7
	"$KS_TOOL" -o "$TMP/c$cpus.data" --kallsyms "$K" --exits 20000 --guests $guests \
		--vcpus $vcpus --cpus $cpus --seed $((cpus + 7)) || fail "mkkvmstat --cpus $cpus failed"
	for ev in vmexit mmio ioport msr; do
		for key in sample time; do
			ks_agree "$TMP/c$cpus.data" --event=$ev -k $key
		done
	done
	ks_agree "$TMP/c$cpus.data" --event=vmexit -k time --vcpu 2
	$PMUKVM -i "$TMP/c$cpus.data" stat report -k time >"$TMP/direct"
	$PMUKVM -i "$TMP/c$cpus.data" stat report -k time --extended |
		head -n "$(wc -l <"$TMP/direct")" >"$TMP/session"
	diff -u "$TMP/direct" "$TMP/session" || fail "--extended's table differs (--cpus $cpus)"
	PMUKVM_STAT_ONE_THREAD=1 $PMUKVM -i "$TMP/c$cpus.data" stat report -k time >"$TMP/one"
	diff -u "$TMP/direct" "$TMP/one" || fail "counting on the reading thread differs (--cpus $cpus)"
done
[ "$ks_nr_agree" -eq 27 ] || fail "only $ks_nr_agree comparisons ran"
echo "ok: $ks_nr_agree tables agree with perf on 1, 3 and 40 CPUs"
