#!/bin/bash
# Which kallsyms symbol types perf kvm report uses for guest symbols, and
# how it prints them, measured on Debian's perf 6.1 (documentation for
# pmukvm's own rules; skipped on other perf versions). The hot functions of
# a mkguestdata file get their type letter changed in a copy of the
# fixture, one letter each:
#   t W          functions: the name, as is
#   d D b B      kept as data objects: "name+0xOFFSET"
#   r R a A u ?  dropped: the samples go to the symbol before, the name
#                never shows
# shellcheck source=tests/shell/lib-guestgen.sh disable=SC2016 # awk programs in single quotes
. "$(dirname "$0")/lib-guestgen.sh"
gg_need_perf
gg_perf_is_61 || gg_skip "documents perf 6.1; this is perf ${GG_PERF_VERSION:-unknown}"
gg_setup
d=$GG_TMP

"$GG_TOOL" -o "$d/perf.data" --expect "$d/expect" --seed 4 --kernel-symbols 12 \
	--module-samples 0 --guest "0:$GG_FIX/kallsyms.gz:$GG_MODULES" > /dev/null ||
	gg_fail "mkguestdata failed"
awk -F'\t' '$2 == "guest-kernel" { print $4 }' "$d/expect" > "$d/names"
[ "$(wc -l < "$d/names")" -ge 12 ] || gg_fail "want 12 distinct hot functions"

types=(t W d D b B r R a A u '?')
cp "$GG_KALLSYMS" "$d/typed"
i=0
while read -r name && [ $i -lt ${#types[@]} ]; do
	t=${types[$i]}
	awk -v n="$name" -v t="$t" 'NF == 3 && $3 == n { $2 = t } { print }' \
		"$d/typed" > "$d/k.tmp" && mv "$d/k.tmp" "$d/typed"
	echo "$t $name" >> "$d/retyped"
	i=$((i + 1))
done < "$d/names"

gg_perf_counts "$d/perf" --guestkallsyms="$d/typed" --guestmodules="$GG_MODULES" \
	-- -i "$d/perf.data"
syms=$(awk -F'\t' '$1 == "[g]" && $2 == "[guest.kernel.kallsyms]" { print $3 }' "$d/perf")
while read -r t name; do
	plain=$(grep -cxF -- "$name" <<< "$syms")
	data=$(grep -c -- "^$(printf '%s' "$name" | sed 's/[.[\*^$]/\\&/g')+0x[0-9a-f]*$" <<< "$syms")
	case $t in
	t|W)     [ "$plain" = 1 ] && [ "$data" = 0 ] || gg_fail "type $t ($name): want the plain name" ;;
	d|D|b|B) [ "$plain" = 0 ] && [ "$data" -ge 1 ] || gg_fail "type $t ($name): want name+0xOFFSET" ;;
	*)       [ "$plain" = 0 ] && [ "$data" = 0 ] || gg_fail "type $t ($name): want it dropped" ;;
	esac
done < "$d/retyped"
echo "PASS: perf 6.1 keeps t/T w/W (functions) and d/D b/B (as name+offset), drops r/R a/A u ?"
