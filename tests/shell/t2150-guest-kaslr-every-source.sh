#!/bin/bash
# A guest whose symbol files come from another boot of the same kernel
# (KASLR moved _text): every guest source (--guestkallsyms, --guestmount,
# the files carried in the data file) relocates the core kernel by the
# recording's _text (the guest kernel map record) and says so, naming the
# guest. The generator's --kaslr moves the record and the kernel samples;
# its expectation still names the files' symbols.
. tests/lib.sh
. tests/shell/lib-guest.sh
need_guest_fixture
MOVE=0x2000000

# report_rows DATA GUEST-OPTIONS...: "DSO<TAB>SYMBOL<TAB>SAMPLES" of guest rows.
report_rows() {
	local data=$1; shift
	$PMUKVM "$@" --guest report -i "$data" --stdio --sort dso,sym -n -t '|' \
		>"$TMP/out" 2>"$TMP/err" || { cat "$TMP/err"; fail "report $* failed"; }
	grep -v '^#' "$TMP/out" | awk -F'|' 'NF > 3 { sub(/^\[.\] /, "", $4); print $3 "\t" $4 "\t" $2 }' |
		sort
}

want_rows() {
	awk -F'\t' '!/^#/ && $2 ~ /^guest-(kernel|module|user)$/ { print $3 "\t" $4 "\t" $5 }' "$1" | sort
}

# check NAME DATA EXPECT GUEST-NAME GUEST-OPTIONS...
check() {
	local name=$1 data=$2 exp=$3 gname=$4; shift 4
	report_rows "$data" "$@" >"$TMP/got"
	want_rows "$exp" >"$TMP/want"
	diff -u "$TMP/want" "$TMP/got" | head -20
	cmp -s "$TMP/want" "$TMP/got" || { grep '^#' "$TMP/out"; fail "$name: symbols differ"; }
	grep -q "^# WARNING: $gname: the recording's kernel _text is .* KASLR moved it; .*relocated by +$((MOVE))" \
		"$TMP/out" || { grep '^#' "$TMP/out"; fail "$name: the move is not named in the header"; }
	echo "ok: $name: $(wc -l <"$TMP/got") rows relocated, warned for $gname"
}

# The default guest, --guestkallsyms/--guestmodules.
$G -o "$TMP/d.data" --expect "$TMP/d.exp" --guest "0:$K:$M" --kaslr $MOVE --seed 31 >/dev/null ||
	fail "mkguestdata --kaslr"
check "--guestkallsyms" "$TMP/d.data" "$TMP/d.exp" "guest 0" --guestkallsyms="$K" --guestmodules="$M"

# --guestmount: the copy under DIR/PID is of another boot.
$G --make-guestmount "$TMP/mnt" --pid 4321 --shift 0 --kallsyms "$K" --modules "$M" >/dev/null ||
	fail "mkguestdata --make-guestmount"
$G -o "$TMP/m.data" --expect "$TMP/m.exp" --seed 32 --kaslr $MOVE \
	--guest "4321:$TMP/mnt/4321/proc/kallsyms:$TMP/mnt/4321/proc/modules" >/dev/null ||
	fail "mkguestdata (guestmount)"
check "--guestmount" "$TMP/m.data" "$TMP/m.exp" "guest 4321" --guestmount="$TMP/mnt"

# The files carried in the data file, for a pid guest and the default one.
$G -o "$TMP/c.data" --expect "$TMP/c.exp" --seed 33 --kaslr $MOVE --carry-files \
	--guest "4321:$TMP/mnt/4321/proc/kallsyms:$TMP/mnt/4321/proc/modules" >/dev/null ||
	fail "mkguestdata (carried)"
check "carried files, pid guest" "$TMP/c.data" "$TMP/c.exp" "guest 4321"
$G -o "$TMP/c0.data" --expect "$TMP/c0.exp" --seed 34 --kaslr $MOVE --carry-files \
	--guest "0:$K:$M" >/dev/null || fail "mkguestdata (carried, default guest)"
check "carried files, default guest" "$TMP/c0.data" "$TMP/c0.exp" "guest 0"
