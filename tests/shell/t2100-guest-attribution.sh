#!/bin/bash
# Guest attribution against the real guest maps in shared/fixtures:
# pmukvm's per-dso and per-symbol counts equal the expectation that
# mkguestdata computes from the symbol files, and perf kvm report's counts
# for the guest kernel, whatever the order of the map records; two guests
# under --guestmount resolve against their own files.
. tests/lib.sh
. tests/shell/lib-guest.sh
need_guest_fixture

# "dso<TAB>sym<TAB>samples" rows of the expectation for the given machine.
exp_rows() {
	awk -F'\t' -v mach="$2" '!/^#/ && $1 == mach && $2 ~ /^guest-/ { print $3 "\t" $4 "\t" $5 }' "$1" | sort
}

# pmukvm_rows FILE [guest options]: rows for --sort dso,sym, level prefix dropped.
pmukvm_rows() {
	local f=$1; shift
	$PMUKVM "$@" report -i "$f" --stdio --sort dso,sym -n -t '|' -q 2>>"$TMP/pmukvm.err" |
		awk -F'|' '{ sub(/^\[.\] /, "", $4); print $3 "\t" $4 "\t" $2 }' | sort
}

for order in modules-first kernel-first no-modules; do
	$G -o "$TMP/g.data" --expect "$TMP/g.exp" --guest "0:$K:$M" --order $order --seed 7 \
		--kernel-samples 3000 --module-samples 1000 --user-samples 300 >/dev/null ||
		fail "mkguestdata ($order)"
	exp_rows "$TMP/g.exp" 0 >"$TMP/want"
	pmukvm_rows "$TMP/g.data" --guestkallsyms="$K" --guestmodules="$M" >"$TMP/got"
	diff -u "$TMP/want" "$TMP/got" || fail "guest attribution differs from the expectation ($order)"
	grep -q "\[jbd2\]\|\[tun\]\|\[loop\]\|\[tap\]" "$TMP/got" || fail "no module rows ($order)"
	echo "ok: $order: $(wc -l <"$TMP/got") rows equal the expectation"
done

# Options after the command word work the same.
$PMUKVM report --guestkallsyms="$K" --guestmodules="$M" -i "$TMP/g.data" --stdio --sort dso,sym -n \
	-t '|' -q | awk -F'|' '{ sub(/^\[.\] /, "", $4); print $3 "\t" $4 "\t" $2 }' | sort >"$TMP/got2"
diff -q "$TMP/got" "$TMP/got2" >/dev/null || fail "options after 'report' give other rows"

# perf kvm report agrees on the guest kernel rows (default order, which
# perf handles).
if command -v perf >/dev/null; then
	$G -o "$TMP/p.data" --expect "$TMP/p.exp" --guest "0:$K:$M" --seed 11 >/dev/null
	gzip -dc "$K" >"$TMP/kallsyms"
	perf kvm --guestkallsyms="$TMP/kallsyms" --guestmodules="$M" report -i "$TMP/p.data" --stdio \
		--sort dso,sym -n -t '|' 2>/dev/null | grep '\[g\]' |
		awk -F'|' '{ for (i = 2; i <= 4; i++) gsub(/^ +| +$/, "", $i); sub(/^\[g\] /, "", $4); print $3 "\t" $4 "\t" $2 }' |
		sort >"$TMP/perf"
	pmukvm_rows "$TMP/p.data" --guestkallsyms="$K" --guestmodules="$M" | grep -v guest.user >"$TMP/mine"
	[ -s "$TMP/perf" ] || fail "perf kvm report printed no guest rows"
	diff -u "$TMP/perf" "$TMP/mine" || fail "pmukvm and perf kvm report disagree"
	echo "ok: perf kvm report agrees: $(wc -l <"$TMP/perf") rows"
fi

# Guest user samples are counted per guest, not dropped.
want_user=$(awk -F'\t' '$1 == "#total" && $2 == "guest-user" { print $3 }' "$TMP/g.exp")
got_user=$($PMUKVM --guestkallsyms="$K" --guestmodules="$M" report -i "$TMP/g.data" --stdio \
	--sort dso -n -t '|' -q | awk -F'|' '$3 == "[guest.user]" { print $2 }')
[ "$want_user" = "$got_user" ] || fail "guest user samples: want $want_user, got $got_user"

# --host, --guest, both: the samples shown (the header counts them with
# --percentage relative; the ones left out count in the absolute total).
all=$(awk -F'\t' '$1 == "#total" && $2 == "all" { print $3 }' "$TMP/g.exp")
host=$(awk -F'\t' '$1 == "#total" && $2 == "host" { print $3 }' "$TMP/g.exp")
n_both=$($PMUKVM --guestkallsyms="$K" --guestmodules="$M" --host --guest report -i "$TMP/g.data" \
	--stdio --percentage relative | awk '/^# Samples:/ { print $3 }')
n_host=$($PMUKVM --guestkallsyms="$K" --guestmodules="$M" --host report -i "$TMP/g.data" \
	--stdio --percentage relative | awk '/^# Samples:/ { print $3 }')
n_abs=$($PMUKVM --guestkallsyms="$K" --guestmodules="$M" --host report -i "$TMP/g.data" \
	--stdio | awk '/^# Samples:/ { print $3 }')
[ "$n_both" = "$all" ] || fail "--host --guest counted $n_both, want $all"
[ "$n_host" = "$host" ] || fail "--host counted $n_host, want $host"
[ "$n_abs" = "$all" ] || fail "--host: $n_abs samples in the absolute total, want $all"

# Sort keys guest, vcpu, mode.
$PMUKVM --guestkallsyms="$K" --guestmodules="$M" report -i "$TMP/g.data" --stdio \
	--sort guest,vcpu,dso,sym -n -q >"$TMP/gv" || fail "--sort guest,vcpu,dso,sym"
grep -q "guest 0" "$TMP/gv" || fail "no guest column"
$PMUKVM --guestkallsyms="$K" --guestmodules="$M" --host report -i "$TMP/g.data" --stdio \
	--sort mode -n -t '|' -q | sort >"$TMP/modes"
grep -q "host kernel" "$TMP/modes" && grep -q "host user" "$TMP/modes" || fail "mode key"
vcpus=$($PMUKVM --guestkallsyms="$K" --guestmodules="$M" report -i "$TMP/g.data" --stdio \
	--sort vcpu -t '|' -q | wc -l)
[ "$vcpus" -ge 2 ] || fail "vcpu key: $vcpus rows"

# Two guests under --guestmount, different kallsyms and KASLR offsets:
# each resolves against its own files.
$G --make-guestmount "$TMP/mnt" --pid 4100 --shift 0 --kallsyms "$K" --modules "$M" >/dev/null ||
	fail "make-guestmount 4100"
$G --make-guestmount "$TMP/mnt" --pid 4200 --shift 0x3a00000 --module-shift 0x100000 \
	--kallsyms "$K" --modules "$M" >/dev/null || fail "make-guestmount 4200"
$G -o "$TMP/two.data" --expect "$TMP/two.exp" --seed 5 \
	--guest "4100:$TMP/mnt/4100/proc/kallsyms:$TMP/mnt/4100/proc/modules" \
	--guest "4200:$TMP/mnt/4200/proc/kallsyms:$TMP/mnt/4200/proc/modules" >/dev/null ||
	fail "mkguestdata two guests"
$PMUKVM --guestmount="$TMP/mnt" report -i "$TMP/two.data" --stdio --sort guest,dso,sym -n -t '|' -q \
	2>"$TMP/two.err" | awk -F'|' '{ sub(/^guest /, "", $3); sub(/ .*/, "", $3); sub(/^\[.\] /, "", $5);
		print $3 "\t" $4 "\t" $5 "\t" $2 }' | sort >"$TMP/two.got"
awk -F'\t' '!/^#/ && $2 ~ /^guest-/ { print $1 "\t" $3 "\t" $4 "\t" $5 }' "$TMP/two.exp" | sort >"$TMP/two.want"
diff -u "$TMP/two.want" "$TMP/two.got" || fail "two guests: attribution differs"
echo "ok: two guests under --guestmount: $(wc -l <"$TMP/two.got") rows equal the expectation"

# A QEMU process with no files under --guestmount is reported, never
# resolved against another guest's symbols.
rm -rf "$TMP/mnt/4200"
$PMUKVM --guestmount="$TMP/mnt" report -i "$TMP/two.data" --stdio --sort guest,dso -n -t '|' \
	>"$TMP/one.out" 2>"$TMP/one.err"
grep -q "guest 4200.*no symbol files" "$TMP/one.err" || { cat "$TMP/one.err"; fail "missing guest not reported"; }
grep "guest 4200" "$TMP/one.out" | grep -v '^#' | grep -q "guest.kernel.kallsyms\]" &&
	fail "guest 4200 resolved against another guest's maps"
echo "ok: a guest without files is reported"
