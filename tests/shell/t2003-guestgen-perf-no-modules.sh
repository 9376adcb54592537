#!/bin/bash
# No guest module MMAP records at all (--order no-modules). Core kernel
# symbols must still be exactly right. perf 6.1 has no map for the module
# addresses then: every module sample is dso [unknown] with its raw guest
# address. Those addresses, looked up in the fixture, must be the expected
# module symbols.
# shellcheck source=tests/shell/lib-guestgen.sh disable=SC2016 # awk programs in single quotes
. "$(dirname "$0")/lib-guestgen.sh"
gg_need_perf
gg_setup
d=$GG_TMP

"$GG_TOOL" -o "$d/perf.data" --expect "$d/expect" --order no-modules --seed 5 \
	--module-samples 700 --guest "0:$GG_FIX/kallsyms.gz:$GG_MODULES" > /dev/null ||
	gg_fail "mkguestdata failed"
# no module MMAP record in the file: perf script shows the MMAPs it read
perf script -i "$d/perf.data" --show-mmap-events 2>/dev/null |
	grep -c 'PERF_RECORD_MMAP.*\[[a-z0-9_]*\]$' > "$d/nmods" || true
[ "$(cat "$d/nmods")" = 0 ] || gg_fail "module MMAP records written with --order no-modules"

gg_perf_counts "$d/perf" --guestkallsyms="$GG_KALLSYMS" --guestmodules="$GG_MODULES" \
	-- -i "$d/perf.data"

gg_expect_counts "$d/expect" 0 guest-kernel > "$d/want"
grep -F "[g]	[guest.kernel.kallsyms]	" "$d/perf" > "$d/got"
gg_diff "$d/want" "$d/got" || gg_fail "guest kernel attribution differs without module records"

# every module sample is somewhere in [g]: kernel + the rest = guest totals
want=$(gg_total "$d/expect" guest-module)
got=$(gg_sum "$d/perf" '$1 == "[g]" && $2 != "[guest.kernel.kallsyms]"')
[ "$want" = "$got" ] || gg_fail "module samples: want $want, got $got"

if gg_perf_is_61; then
	got=$(gg_sum "$d/perf" '$1 == "[g]" && $2 == "[unknown]" && $3 ~ /^0xffffffff/')
	[ "$want" = "$got" ] || gg_fail "perf $GG_PERF_VERSION: $got of $want module samples in [unknown]"
	gg_expect_counts "$d/expect" 0 guest-module > "$d/want.mod"
	awk -F'\t' '$1 == "[g]" && $2 == "[unknown]" { print $2 "\t" $3 "\t" $4 }' "$d/perf" |
		gg_resolve "$GG_KALLSYMS" "$GG_MODULES" > "$d/got.mod"
	gg_diff "$d/want.mod" "$d/got.mod" || gg_fail "raw module addresses do not resolve as expected"
fi
echo "PASS: no module records: kernel symbols right, module samples [unknown] as documented"
