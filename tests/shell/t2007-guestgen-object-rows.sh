#!/bin/bash
# Rows whose symbol is a data object, against perf 6.1: perf kvm report
# names such a row "name+0xOFFSET", the offset of the row's first sample
# (in time order) in the object; functions print the name alone. The hot
# core kernel functions of a mkguestdata file get a data type letter
# (d D b B, as t2006) in a copy of the fixture, every other one kept a
# function (t T); each object takes many samples at several offsets, on
# two vCPUs (two rows each under the default keys, one under --sort sym),
# so a wrong first address shows. pmukvm report must print every guest
# kernel row as perf does: under --sort dso,sym (the counts and names),
# --sort sym,dso (an object's name past the column's width), -F, and
# --hierarchy (an upper row is named from its first row in key order, as
# perf's), on one thread and on three (--threads).
# shellcheck source=tests/shell/lib-guestgen.sh disable=SC2016 # awk programs in single quotes
. "$(dirname "$0")/lib-guestgen.sh"
gg_need_perf
gg_perf_is_61 || gg_skip "compares with perf 6.1; this is perf ${GG_PERF_VERSION:-unknown}"
gg_setup
d=$GG_TMP
PMUKVM=${PMUKVM:-./pmukvm}

"$GG_TOOL" -o "$d/perf.data" --expect "$d/expect" --seed 4 --kernel-symbols 16 \
	--module-samples 0 --guest "0:$GG_FIX/kallsyms.gz:$GG_MODULES" > /dev/null ||
	gg_fail "mkguestdata failed"
awk -F'\t' '$2 == "guest-kernel" && $4 != "" { print $4 }' "$d/expect" | LC_ALL=C sort -u \
	> "$d/names"
[ "$(wc -l < "$d/names")" -ge 16 ] || gg_fail "want 16 distinct hot functions"
# every symbol of a hot name (same-named ones too) retyped, by the name's rank
awk 'NR == FNR { rank[$1] = FNR; next }
	NF == 3 && ($3 in rank) { $2 = substr("dtDTbtBt", (rank[$3] - 1) % 8 + 1, 1) }
	{ print }' "$d/names" "$GG_KALLSYMS" > "$d/typed"

tab=$(printf '\t')
kvm=(--guestkallsyms="$d/typed" --guestmodules="$GG_MODULES")
# the guest kernel rows of a report (no module samples), the overhead cut off
rows() { grep "\[g\]" | sed 's/^ *[0-9.]*% *//'; }

perf kvm "${kvm[@]}" report -i "$d/perf.data" --stdio --sort dso,sym -n -t "$tab" \
	> "$d/perf.raw" 2> "$d/perf.err" || { cat "$d/perf.err"; gg_fail "perf kvm report failed"; }
gg_counts "$d/perf.raw" | grep '^\[g\]' > "$d/perf.counts"
objects=$(grep -c '+0x[0-9a-f]*	[0-9]*$' "$d/perf.counts")
functions=$(grep -vc '+0x[0-9a-f]*	[0-9]*$' "$d/perf.counts")
if [ "$objects" -lt 8 ] || [ "$functions" -lt 8 ]; then
	gg_fail "perf printed $objects object rows and $functions function rows; want 8 of each"
fi
# the default keys: an object's rows (one per vCPU) start at different
# offsets somewhere, and under --sort dso,sym it has one of them. (The
# command column is the vCPU thread's name in pmukvm, the pid in perf:
# the symbol column is compared.)
syms() { grep '\[g\]' | sed 's/.*\[g\] //' | LC_ALL=C sort; }
perf kvm "${kvm[@]}" report -i "$d/perf.data" --stdio 2>/dev/null | syms > "$d/perf.default"
sed 's/+0x[0-9a-f]*$//' "$d/perf.default" | uniq -c | awk '$1 >= 2' > "$d/two"
grep -v '+0x' "$d/perf.default" | uniq -c | awk '$1 >= 2' > "$d/two.f"
if [ ! -s "$d/two" ] || [ ! -s "$d/two.f" ]; then
	gg_fail "want objects and functions on two rows each"
fi
uniq -d "$d/perf.default" > "$d/same"
[ "$(grep -c '+0x' "$d/same")" -lt "$(grep -c '' "$d/two")" ] ||
	gg_fail "every object's rows start at one offset: the first address is not tested"

for threads in 1 3; do
	"$PMUKVM" "${kvm[@]}" report -i "$d/perf.data" --stdio --sort dso,sym -n -t "$tab" \
		--threads $threads > "$d/pmukvm.raw" 2> "$d/pmukvm.err" ||
		{ cat "$d/pmukvm.err"; gg_fail "pmukvm report failed"; }
	gg_counts "$d/pmukvm.raw" | grep '^\[g\]' > "$d/pmukvm.counts"
	gg_diff "$d/perf.counts" "$d/pmukvm.counts" ||
		gg_fail "--sort dso,sym --threads $threads: rows differ from perf's"
	"$PMUKVM" "${kvm[@]}" report -i "$d/perf.data" --stdio --threads $threads 2>/dev/null |
		syms > "$d/pmukvm.default"
	gg_diff "$d/perf.default" "$d/pmukvm.default" ||
		gg_fail "default keys --threads $threads: symbols differ from perf's"
	for opts in "--sort sym,dso" "--sort sym" "-F overhead,sym,dso" "--sort dso,sym" \
		"--hierarchy --sort sym,comm"; do
		# shellcheck disable=SC2086 # options split on purpose
		perf kvm "${kvm[@]}" report -i "$d/perf.data" --stdio $opts 2>/dev/null |
			rows | LC_ALL=C sort > "$d/want"
		# shellcheck disable=SC2086
		"$PMUKVM" "${kvm[@]}" report -i "$d/perf.data" --stdio $opts --threads $threads \
			2>/dev/null | rows | LC_ALL=C sort > "$d/got"
		[ -s "$d/want" ] || gg_fail "$opts: perf printed no guest kernel rows"
		gg_diff "$d/want" "$d/got" || gg_fail "$opts --threads $threads: differs from perf"
	done
done
echo "PASS: $objects object rows (name+0xOFFSET) and $functions function rows as perf 6.1 prints them"
