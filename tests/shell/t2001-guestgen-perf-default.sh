#!/bin/bash
# mkguestdata against the oracle, in perf kvm record's own record order
# (guest module MMAPs, then the guest kernel MMAP): perf kvm report with
# --guestkallsyms/--guestmodules must attribute every guest kernel and guest
# module sample exactly as the tool's expectation says, per dso and symbol;
# guest user and host samples must land where the expectation counts them,
# and perf's overhead percentages must match the totals.
# shellcheck source=tests/shell/lib-guestgen.sh disable=SC2016 # awk programs in single quotes
. "$(dirname "$0")/lib-guestgen.sh"
gg_need_perf
gg_setup

# one case per line: name, then mkguestdata options
cases=(
	"cycles    --seed 1"
	"cpuclock  --seed 7 --event cpu-clock --vcpus 4 --round 17 --kernel-samples 3000 --module-samples 900 --kernel-symbols 200 --module-symbols 100"
)
for c in "${cases[@]}"; do
	read -r name opts <<< "$c"
	d=$GG_TMP/$name
	mkdir -p "$d"
	# shellcheck disable=SC2086
	"$GG_TOOL" -o "$d/perf.data" --expect "$d/expect" \
		--guest "0:$GG_FIX/kallsyms.gz:$GG_MODULES" $opts > "$d/totals" ||
		gg_fail "$name: mkguestdata failed"
	gg_perf_counts "$d/perf" --guestkallsyms="$GG_KALLSYMS" --guestmodules="$GG_MODULES" \
		-- -i "$d/perf.data"

	# guest kernel and module samples: symbol by symbol
	gg_expect_counts "$d/expect" 0 guest-kernel guest-module > "$d/want"
	grep '^\[g\]' "$d/perf" > "$d/got"
	gg_diff "$d/want" "$d/got" || gg_fail "$name: [g] attribution differs"
	[ -s "$d/want" ] || gg_fail "$name: empty expectation"

	# guest user samples: unresolved, perf names the dso [unknown]
	want=$(gg_total "$d/expect" guest-user)
	got=$(gg_sum "$d/perf" '$1 == "[u]" && $2 == "[unknown]"')
	[ "$want" = "$got" ] || gg_fail "$name: guest user samples: want $want, got $got"

	# perf kvm report shows guest samples only, by default
	got=$(gg_sum "$d/perf" '$1 == "[k]" || $1 == "[.]"')
	[ "$got" = 0 ] || gg_fail "$name: host samples shown without --host: $got"

	# percentages are of all samples, host ones included
	all=$(gg_total "$d/expect" all)
	g=$(( $(gg_total "$d/expect" guest-kernel) + $(gg_total "$d/expect" guest-module) ))
	awk -F'\t' -v all="$all" -v g="$g" '
		$1 ~ /%/ && $4 ~ /^\[g\]/ { p = $1; gsub(/[ %]/, "", p); s += p }
		END {
			want = 100 * g / all; d = s - want
			if (d < -1 || d > 1) { printf "overhead %.2f%%, want %.2f%%\n", s, want; exit 1 }
		}' "$d/perf.raw" || gg_fail "$name: [g] overhead does not match the totals"

	# host samples, with --host --no-guest: nothing else, and all unresolved
	gg_perf_counts "$d/host" --host --no-guest -- -i "$d/perf.data"
	for lv in k .; do
		case $lv in k) t=host-kernel ;; .) t=host-user ;; esac
		want=$(gg_total "$d/expect" $t)
		got=$(gg_sum "$d/host" "\$1 == \"[$lv]\" && \$2 == \"[unknown]\"")
		[ "$want" = "$got" ] || gg_fail "$name: $t samples: want $want, got $got"
	done
	got=$(gg_sum "$d/host" '$1 != "[k]" && $1 != "[.]"')
	[ "$got" = 0 ] || gg_fail "$name: --host --no-guest shows $got guest samples"

	# the tool's stdout totals agree with the expectation file
	grep -q "guest-kernel=$(gg_total "$d/expect" guest-kernel) " "$d/totals" ||
		gg_fail "$name: stdout totals disagree with the expectation"
done
echo "PASS: perf kvm report agrees with mkguestdata's expectation"
