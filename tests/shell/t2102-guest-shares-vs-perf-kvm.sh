#!/bin/bash
# The guest rows as perf kvm report prints them, shares and header
# included: the host samples that guest options leave out still count in
# the event's total (Samples, Event count, every row's share), unless
# --percentage relative; with --host --guest (perf kvm's --host) every
# sample makes rows. Several files (mkguestdata, the guest-6.1 fixture,
# host samples among the guest's), several sorts, the shares by mode
# (--show-cpu-utilization: sys, usr, guest sys, guest usr). Guest user rows are
# left out of the comparison: pmukvm makes one row a guest of them
# ([guest.user]), perf kvm one an address (pmukvm-report(1), NOTES).
. tests/lib.sh
. tests/shell/lib-guest.sh
need_guest_fixture
need_perf
gzip -dc "$K" >"$TMP/kallsyms"
# text: the header's counts and the rows, blanks squeezed, guest user rows
# out; the sample count in perf's units (1200 is "1K": perf's header rounds
# it down, pmukvm's prints it whole)
text() {
	grep -E '^# (Samples|Event count)|^ +[0-9]' | grep -v '\[u\]' | tr -s ' ' | sed 's/ *$//' |
		awk '$2 == "Samples:" && $3 ~ /^[0-9]+$/ {
			n = $3; u = ""
			if (n > 1000) { n = int(n / 1000); u = "K" }
			if (n > 1000) { n = int(n / 1000); u = "M" }
			$3 = n u
		} { print }'
}
n=0
for seed in 3 8 21; do
	"$G" -o "$TMP/g.data" --guest "0:$K:$M" --seed $seed --kernel-symbols 40 \
		--module-symbols 20 --kernel-samples 600 --module-samples 300 --user-samples 60 \
		--host-kernel-samples 150 --host-user-samples 90 --event cpu-clock --period 1000 \
		>/dev/null || fail "mkguestdata failed (seed $seed)"
	for opts in "--sort dso,sym" "--sort sym" "--sort dso,sym --percentage relative" \
		"--sort sym -n --percentage absolute" "--sort dso,sym --show-cpu-utilization"; do
		for hostopt in "" --host; do
			# shellcheck disable=SC2086 # word lists
			perf kvm --guestkallsyms="$TMP/kallsyms" --guestmodules="$M" $hostopt report \
				-i "$TMP/g.data" --stdio $opts 2>/dev/null | text >"$TMP/want"
			[ -n "$hostopt" ] && hostopt="--host --guest"
			# shellcheck disable=SC2086
			$PMUKVM --guestkallsyms="$K" --guestmodules="$M" $hostopt report \
				-i "$TMP/g.data" --stdio $opts 2>"$TMP/err" | text >"$TMP/got" ||
				{ cat "$TMP/err"; fail "report failed"; }
			grep -q '^# Samples' "$TMP/want" && [ "$(wc -l <"$TMP/want")" -gt 20 ] ||
				fail "perf kvm printed no rows (seed $seed, $opts $hostopt)"
			diff -u "$TMP/want" "$TMP/got" ||
				fail "seed $seed, $opts $hostopt: pmukvm and perf kvm report differ"
			n=$((n + 1))
		done
	done
done
echo "ok: $n reports of guest files as perf kvm report prints them"
