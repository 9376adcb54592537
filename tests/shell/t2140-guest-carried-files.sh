#!/bin/bash
# Guest symbol files carried inside the data file (feature 200, as pmukvm
# record stores them): a report elsewhere needs no guest options, and each
# guest still resolves against its own files.
. tests/lib.sh
. tests/shell/lib-guest.sh
need_guest_fixture

$G -o "$TMP/c.data" --expect "$TMP/c.exp" --guest "0:$K:$M" --carry-files --seed 21 >/dev/null ||
	fail "mkguestdata --carry-files"
awk -F'\t' '!/^#/ && $2 ~ /^guest-/ { print $3 "\t" $4 "\t" $5 }' "$TMP/c.exp" | sort >"$TMP/want"
$PMUKVM --guest report -i "$TMP/c.data" --stdio --sort dso,sym -n -t '|' -q 2>"$TMP/err" |
	awk -F'|' '{ sub(/^\[.\] /, "", $4); print $3 "\t" $4 "\t" $2 }' | sort >"$TMP/got"
diff -u "$TMP/want" "$TMP/got" || { cat "$TMP/err"; fail "carried files: attribution differs"; }
$PMUKVM report -i "$TMP/c.data" --header-only | grep -q "guest symbol files : " ||
	fail "--header does not mention the carried files"
echo "ok: default guest from the carried files: $(wc -l <"$TMP/got") rows"

# Two guests with different KASLR offsets, each carried with its pid.
$G --make-guestmount "$TMP/mnt" --pid 4100 --shift 0 --kallsyms "$K" --modules "$M" >/dev/null
$G --make-guestmount "$TMP/mnt" --pid 4200 --shift 0x5200000 --module-shift 0x200000 \
	--kallsyms "$K" --modules "$M" >/dev/null
$G -o "$TMP/two.data" --expect "$TMP/two.exp" --seed 22 --carry-files \
	--guest "4100:$TMP/mnt/4100/proc/kallsyms:$TMP/mnt/4100/proc/modules" \
	--guest "4200:$TMP/mnt/4200/proc/kallsyms:$TMP/mnt/4200/proc/modules" >/dev/null ||
	fail "mkguestdata two guests"
rm -rf "$TMP/mnt"	# the report must not need them
$PMUKVM --guest report -i "$TMP/two.data" --stdio --sort guest,dso,sym -n -t '|' -q 2>"$TMP/err" |
	awk -F'|' '{ sub(/^guest /, "", $3); sub(/ .*/, "", $3); sub(/^\[.\] /, "", $5);
		print $3 "\t" $4 "\t" $5 "\t" $2 }' | sort >"$TMP/two.got"
awk -F'\t' '!/^#/ && $2 ~ /^guest-/ { print $1 "\t" $3 "\t" $4 "\t" $5 }' "$TMP/two.exp" |
	sort >"$TMP/two.want"
diff -u "$TMP/two.want" "$TMP/two.got" || { cat "$TMP/err"; fail "two carried guests differ"; }
echo "ok: two guests from carried files: $(wc -l <"$TMP/two.got") rows"
# perf still opens such a file.
if command -v perf >/dev/null; then
	perf report -i "$TMP/two.data" --stdio >/dev/null 2>"$TMP/perf.err" ||
		{ cat "$TMP/perf.err"; fail "perf report cannot open a file with feature 200"; }
fi
