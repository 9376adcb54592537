#!/bin/bash
# Loud, not silent: stale or moved guest symbols are counted and explained,
# zeroed (non-root) copies are refused with how to copy them, and hostile
# guest files get clear errors with bounded memory.
. tests/lib.sh
. tests/shell/lib-guest.sh
need_guest_fixture

# Samples outside every map of the guest's files.
$G -o "$TMP/stale.data" --expect "$TMP/stale.exp" --guest "0:$K:$M" --stale 0x1000000 --seed 3 \
	>/dev/null || fail "mkguestdata --stale"
$PMUKVM --guestkallsyms="$K" --guestmodules="$M" report -i "$TMP/stale.data" --stdio \
	>"$TMP/out" 2>"$TMP/err" || fail "report on stale data failed"
stale=$(awk -F'\t' '$1 == "#total" && $2 == "guest-stale" { print $3 }' "$TMP/stale.exp")
[ "${stale:-0}" -gt 0 ] || fail "the generator made no stale samples"
grep -q "^# guest 0: .* $stale unresolved" "$TMP/out" || { grep '^#' "$TMP/out"; fail "unresolved count is not $stale"; }
grep -q "WARNING: guest 0: .*could not be resolved.*stale" "$TMP/out" || fail "no stale warning in the header"
grep -q "warning: guest 0: .*could not be resolved" "$TMP/err" || fail "no stale warning on stderr"
echo "ok: stale: $stale unresolved, warned"

# A guest that rebooted with another KASLR offset: the recording's _text
# differs from the copy's. Core kernel symbols relocate; the move is named.
$G --make-guestmount "$TMP/moved" --pid 1 --shift 0x2000000 --kallsyms "$K" --modules "$M" >/dev/null
$G -o "$TMP/moved.data" --expect "$TMP/moved.exp" --guest "0:$TMP/moved/1/proc/kallsyms:$TMP/moved/1/proc/modules" \
	--module-samples 0 --user-samples 0 --seed 9 >/dev/null || fail "mkguestdata (moved)"
$PMUKVM --guestkallsyms="$K" --guestmodules="$M" report -i "$TMP/moved.data" --stdio --sort dso,sym -n \
	-t '|' >"$TMP/out" 2>"$TMP/err" || fail "report on moved data"
grep -q "KASLR" "$TMP/err" || { cat "$TMP/err"; fail "KASLR move not named"; }
awk -F'\t' '!/^#/ && $2 == "guest-kernel" { print $4 "\t" $5 }' "$TMP/moved.exp" | sort >"$TMP/want"
grep -v '^#' "$TMP/out" | awk -F'|' 'NF > 3 { sub(/^\[.\] /, "", $4); print $4 "\t" $2 }' | sort >"$TMP/got"
diff -u "$TMP/want" "$TMP/got" || fail "relocated core kernel symbols differ"
echo "ok: KASLR move relocated and named"

# A copy read without root: all addresses zero.
$G --zero-kallsyms "$TMP/zk" --kallsyms "$K" >/dev/null || fail "zero-kallsyms"
$G --zero-modules "$TMP/zm" --modules "$M" >/dev/null || fail "zero-modules"
expect_clean_error "zeroed kallsyms" $PMUKVM --guestkallsyms="$TMP/zk" --guestmodules="$M" report \
	-i "$TMP/stale.data" --stdio
grep -q "as root" "$TMP/err" || fail "zeroed kallsyms: message does not say how to copy"
expect_clean_error "zeroed modules" $PMUKVM --guestkallsyms="$K" --guestmodules="$TMP/zm" report \
	-i "$TMP/stale.data" --stdio

# Hostile kallsyms and modules.
gzip -dc "$K" | head -n 1000 >"$TMP/k1000"
{ cat "$TMP/k1000"; printf 'ffffffff8100'; } >"$TMP/trunc"
expect_clean_error "truncated kallsyms line" $PMUKVM --guestkallsyms="$TMP/trunc" report -i "$TMP/stale.data"
grep -q "trunc:1001:" "$TMP/err" || fail "truncated line not named by number"
{ cat "$TMP/k1000"; echo 'not-an-address T foo'; } >"$TMP/garbage"
expect_clean_error "garbage address" $PMUKVM --guestkallsyms="$TMP/garbage" report -i "$TMP/stale.data"
printf 'ffffffff81000000 T %s\n' "$(head -c 5000 /dev/zero | tr '\0' x)" >"$TMP/longname"
expect_clean_error "huge symbol name" $PMUKVM --guestkallsyms="$TMP/longname" report -i "$TMP/stale.data"
yes 'ffffffff81000000 T a_symbol_name' | head -c 40M >"$TMP/huge"
/usr/bin/time -f '%M' -o "$TMP/rss" $PMUKVM --guestkallsyms="$TMP/huge" report -i "$TMP/stale.data" \
	>/dev/null 2>"$TMP/err" && fail "huge kallsyms accepted"
grep -q "larger than" "$TMP/err" || { cat "$TMP/err"; fail "huge kallsyms: no size message"; }
truncate -s 80M "$TMP/zeros"
expect_clean_error "80 MB of zero bytes" $PMUKVM --guestkallsyms="$TMP/zeros" report -i "$TMP/stale.data"
rss=$(tail -n1 "$TMP/rss"); [ "$rss" -lt 200000 ] || fail "huge kallsyms used $rss kB"
head -c 1000 /dev/urandom | gzip >"$TMP/badgz"
expect_clean_error "binary garbage" $PMUKVM --guestkallsyms="$TMP/badgz" report -i "$TMP/stale.data"
gzip -c "$TMP/k1000" | head -c 2000 >"$TMP/cutgz"
expect_clean_error "cut gzip stream" $PMUKVM --guestkallsyms="$TMP/cutgz" report -i "$TMP/stale.data"
echo "jbd2 99999999999 0 - Live 0xffffffffc0606000" >"$TMP/absurd"
expect_clean_error "absurd module size" $PMUKVM --guestkallsyms="$K" --guestmodules="$TMP/absurd" \
	report -i "$TMP/stale.data"
grep -q "absurd size" "$TMP/err" || fail "absurd size not named"
echo "jbd2 4096 0 - Live 0xzzzz" >"$TMP/badmod"
expect_clean_error "bad module address" $PMUKVM --guestkallsyms="$K" --guestmodules="$TMP/badmod" \
	report -i "$TMP/stale.data"
expect_clean_error "missing kallsyms" $PMUKVM --guestkallsyms="$TMP/nope" report -i "$TMP/stale.data"
grep -q "nope" "$TMP/err" || fail "missing file not named"
expect_clean_error "--guestmodules alone" $PMUKVM --guestmodules="$M" report -i "$TMP/stale.data"
echo "hostile input handled"
