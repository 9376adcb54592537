#!/bin/bash
# The guest kernel MMAP record before the guest module records (not the
# order perf kvm record writes). Core kernel symbols must still come out
# exactly as expected. What perf 6.1 does with the module samples is
# documented here: it keeps every module sample in its module's dso, with
# the right count per dso, but prints the raw offset into the module instead
# of a symbol (-v says "/proc/{kallsyms,modules} inconsistency"). Mapping
# those offsets back through the fixture must give the expected symbols, so
# the tool's ips are right even where perf cannot name them.
# shellcheck source=tests/shell/lib-guestgen.sh disable=SC2016 # awk programs in single quotes
. "$(dirname "$0")/lib-guestgen.sh"
gg_need_perf
gg_setup
d=$GG_TMP

"$GG_TOOL" -o "$d/perf.data" --expect "$d/expect" --order kernel-first --seed 3 \
	--guest "0:$GG_FIX/kallsyms.gz:$GG_MODULES" > /dev/null || gg_fail "mkguestdata failed"
# the per-guest form of the order must write the same file
"$GG_TOOL" -o "$d/perf2.data" --seed 3 \
	--guest "0:$GG_FIX/kallsyms.gz:$GG_MODULES:kernel-first" > /dev/null || gg_fail "mkguestdata failed"
cmp -s "$d/perf.data" "$d/perf2.data" || gg_fail "--order and the :ORDER field differ"

gg_perf_counts "$d/perf" --guestkallsyms="$GG_KALLSYMS" --guestmodules="$GG_MODULES" \
	-- -i "$d/perf.data"

# core kernel: symbol by symbol, whatever the record order
gg_expect_counts "$d/expect" 0 guest-kernel > "$d/want"
grep -F "[g]	[guest.kernel.kallsyms]	" "$d/perf" > "$d/got"
gg_diff "$d/want" "$d/got" || gg_fail "guest kernel attribution differs with the kernel record first"

# modules: per-dso counts always hold
gg_expect_counts "$d/expect" 0 guest-module |
	awk -F'\t' '{ n[$2] += $4 } END { for (k in n) print k "\t" n[k] }' | sort > "$d/want.dso"
awk -F'\t' '$1 == "[g]" && $2 != "[guest.kernel.kallsyms]" { n[$2] += $4 }
	END { for (k in n) print k "\t" n[k] }' "$d/perf" | sort > "$d/got.dso"
gg_diff "$d/want.dso" "$d/got.dso" || gg_fail "module sample counts per dso differ"

# the offsets perf prints resolve, through the fixture, to the expected symbols
gg_expect_counts "$d/expect" 0 guest-module > "$d/want.mod"
awk -F'\t' '$1 == "[g]" && $2 != "[guest.kernel.kallsyms]" && $3 ~ /^0x|^0+$/ { print $2 "\t" $3 "\t" $4 }' \
	"$d/perf" | gg_resolve "$GG_KALLSYMS" "$GG_MODULES" > "$d/got.mod"
gg_diff "$d/want.mod" "$d/got.mod" || gg_fail "module offsets do not resolve to the expected symbols"

if gg_perf_is_61; then
	# perf 6.1: no module symbol at all, only raw offsets
	named=$(awk -F'\t' '$1 == "[g]" && $2 != "[guest.kernel.kallsyms]" && $3 !~ /^0x|^0+$/' "$d/perf" | wc -l)
	[ "$named" -eq 0 ] || gg_fail "perf $GG_PERF_VERSION named $named module symbols (6.1 prints offsets)"
	perf kvm -v --guestkallsyms="$GG_KALLSYMS" --guestmodules="$GG_MODULES" report \
		-i "$d/perf.data" --stdio > /dev/null 2> "$d/verbose"
	grep -q 'kallsyms,modules} inconsistency' "$d/verbose" ||
		gg_fail "perf -v no longer reports the kallsyms/modules inconsistency"
fi
echo "PASS: kernel-first order: kernel symbols right, module offsets as documented"
