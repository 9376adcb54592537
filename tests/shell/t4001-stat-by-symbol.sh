#!/bin/bash
# stat report --by-symbol: every kvm_exit's guest rip resolved through the
# per-guest symbol engine (--guestmount, --guestkallsyms). The counts per
# guest and guest function equal what mkkvmstat computed from the kallsyms
# it placed the rips in (an independent expectation), module functions
# included; every exit is counted, paired with an entry or not. Stale and
# missing guest files are warned about loudly.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-kvmstat.sh"
need_kvm_files

"$KS_TOOL" -o "$TMP/a.data" --kallsyms "$K" --exits 20000 --guests 3 --expect "$TMP/exp" ||
	fail "mkkvmstat failed"
for p in 4000 5000 6000; do
	mkdir -p "$TMP/gm/$p/proc"
	gzip -dc "$K" >"$TMP/gm/$p/proc/kallsyms"
	cp "$M" "$TMP/gm/$p/proc/modules"
done

jrows() {	# JSON lines -> "pid<TAB>sym<TAB>samples", sorted
	python3 -c '
import json, sys
for l in sys.stdin:
    r = json.loads(l)
    print("%d\t%s\t%d" % (r["pid"], r["sym"], r["samples"]))' | LC_ALL=C sort
}

$PMUKVM -i "$TMP/a.data" --guestmount="$TMP/gm" stat report --by-symbol --json \
	>"$TMP/json" 2>"$TMP/err" || { cat "$TMP/err"; fail "--by-symbol --json failed"; }
[ ! -s "$TMP/err" ] || { cat "$TMP/err"; fail "warnings with good symbol files"; }
jrows <"$TMP/json" >"$TMP/got"
LC_ALL=C sort "$TMP/exp" >"$TMP/exp.s"
diff -u "$TMP/exp.s" "$TMP/got" >"$TMP/diff" || { head -30 "$TMP/diff"; fail "--by-symbol counts differ from the expectation"; }
grep -q '"dso":"\[nf_defrag_ipv4\]"\|"dso":"\[jbd2\]"\|"dso":"\[tun\]"\|"dso":"\[loop\]"' "$TMP/json" ||
	grep -q '"dso":"\[[a-z0-9_]*\]"' "$TMP/json" || fail "no module function among the rows"
# every kvm_exit of the file is counted
exits=$(perf script -i "$TMP/a.data" 2>/dev/null | grep -c 'kvm:kvm_exit:')
sum=$(awk -F'\t' '{ s += $3 } END { print s }' "$TMP/got")
[ "$exits" = "$sum" ] || fail "--by-symbol counts $sum exits, perf script shows $exits"
# the reasons under each function add up to its exits
python3 -c '
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    assert sum(x["samples"] for x in r["reasons"]) == r["samples"], r["sym"]
    assert r["timed"] <= r["samples"]' "$TMP/json" || fail "reasons do not add up"

# the text form has the same counts, guest by guest
$PMUKVM -i "$TMP/a.data" --guestmount="$TMP/gm" stat report --by-symbol >"$TMP/txt" ||
	fail "--by-symbol failed"
for p in 4000 5000 6000; do
	want=$(awk -F'\t' -v p=$p '$1 == p { s += $3 } END { print s }' "$TMP/exp")
	grep -q "^# guest $p (qemu-system-x86): $want exits" "$TMP/txt" ||
		fail "guest $p header does not say $want exits"
done

# one guest's files as the default guest (--guestkallsyms) with -p
gzip -dc "$K" >"$TMP/kallsyms"
$PMUKVM -i "$TMP/a.data" --guestkallsyms="$TMP/kallsyms" --guestmodules="$M" stat report \
	--by-symbol --json -p 5000 >"$TMP/json5" 2>"$TMP/err5" || { cat "$TMP/err5"; fail "default guest"; }
jrows <"$TMP/json5" >"$TMP/got5"
grep -P '^5000\t' "$TMP/exp.s" >"$TMP/exp5"
diff -u "$TMP/exp5" "$TMP/got5" >/dev/null || fail "-p 5000 with the default guest's files differs"

# stale files (another KASLR offset) and a guest without files: loud
rm -rf "$TMP/gm/6000"
"$TOOLS/mkguestdata" --make-guestmount "$TMP/gm2" --pid 5000 --shift 0x4000000 \
	--kallsyms "$K" --modules "$M" >/dev/null 2>&1 || fail "mkguestdata --make-guestmount"
rm -rf "$TMP/gm/5000" && mv "$TMP/gm2/5000" "$TMP/gm/5000"
$PMUKVM -i "$TMP/a.data" --guestmount="$TMP/gm" stat report --by-symbol >"$TMP/txt2" 2>"$TMP/err2" ||
	fail "--by-symbol with stale files failed"
grep -q "5000.*could not be resolved.*stale" "$TMP/err2" || { cat "$TMP/err2"; fail "no stale warning for guest 5000"; }
grep -q "6000.*could not be resolved.*no usable symbol files" "$TMP/err2" ||
	{ cat "$TMP/err2"; fail "no warning for guest 6000 without files"; }
echo "by-symbol: $(wc -l <"$TMP/got") rows agree; warnings for stale and missing files"
