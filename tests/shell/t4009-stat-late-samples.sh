#!/bin/bash
# stat report's direct path with samples that come late: a CPU's records
# written two rounds after their time (mkkvmstat --late), so that perf has
# already delivered past them when they come. stat report delivers in
# batches of rounds, and a late sample makes it deliver first what perf
# had delivered; each table equals perf kvm stat report's for every
# analysis and both sort keys, on 2, 4 and 40 CPUs, and the session's path
# (--extended) prints the same perf table. The last file's clocks also jump
# 2^62 ns halfway (mkkvmstat --jump): times too far apart for one sort key.
# perf's own "out of order events" warning (stderr, before its table) is
# left out of the comparison.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-kvmstat.sh"
need_perf
need_kvm_files

n=0
for cpus in 2 4 40; do
	guests=3 vcpus=3 jump=
	[ $cpus = 40 ] && guests=4 vcpus=7 jump="--jump 4611686018427387904"
	f=$TMP/late$cpus.data
	# shellcheck disable=SC2086
	"$KS_TOOL" -o "$f" --kallsyms "$K" --exits 30000 --guests $guests --vcpus $vcpus \
		--cpus $cpus --seed $((cpus + 11)) --late $jump ||
		fail "mkkvmstat --late --cpus $cpus $jump failed"
	perf kvm -i "$f" stat report 2>&1 >/dev/null | grep -q 'out of order events' ||
		fail "perf finds no late samples in the --late file (--cpus $cpus)"
	for args in "--event=vmexit -k sample" "--event=vmexit -k time" "--event=mmio -k sample" \
		    "--event=mmio -k time" "--event=ioport -k sample" "--event=ioport -k time" \
		    "--event=msr -k sample" "--event=msr -k time" "--event=vmexit --vcpu 1"; do
		# shellcheck disable=SC2086
		ks_perf "$f" $args | sed '1{/^Warning:$/d}; /out of order events recorded/d' |
			sed '/./,$!d' >"$TMP/perf.out"
		# shellcheck disable=SC2086
		$PMUKVM -i "$f" stat report $args 2>"$TMP/err" | sed '/./,$!d' >"$TMP/pmukvm.out" ||
			{ cat "$TMP/err"; fail "pmukvm stat report $args failed (--cpus $cpus)"; }
		grep -q '^Total Samples:' "$TMP/perf.out" || fail "perf printed no table for $args"
		diff -u "$TMP/perf.out" "$TMP/pmukvm.out" ||
			fail "pmukvm and perf kvm stat report $args disagree on late samples (--cpus $cpus)"
		n=$((n + 1))
	done
	$PMUKVM -i "$f" stat report -k time >"$TMP/direct"
	$PMUKVM -i "$f" stat report -k time --extended |
		head -n "$(wc -l <"$TMP/direct")" >"$TMP/session"
	diff -u "$TMP/direct" "$TMP/session" || fail "--extended's table differs (--cpus $cpus)"
done
[ "$n" -eq 27 ] || fail "only $n comparisons ran"
echo "ok: $n tables agree with perf with late samples on 2, 4 and 40 CPUs"
