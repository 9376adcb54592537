#!/bin/bash
# A report of guest samples whose symbols come from the guest's memory
# equals the report made with the guest's own printed copies. TCG guests
# make no guest-mode samples, so: record --guest-memory while the guest
# runs (its kallsyms and modules are then read from its memory and carried
# in the data file), take those carried files out, and let mkguestdata
# write guest samples for that QEMU pid at addresses of the guest's
# printed /proc/kallsyms and /proc/modules (thousands of distinct kernel
# and module functions), once carrying the memory-read files and once
# carrying nothing. `pmukvm report` of the first (no guest options) must
# equal `pmukvm report --guestmount` of the second with the printed
# copies, and perf's report with the printed copies. A carried copy with
# one wrong address makes the reports differ (checked too).
. tests/lib.sh
. tests/shell/lib-guestvm.sh
G=$TOOLS/mkguestdata
[ -x "$G" ] || skip "no $G (make)"

guestvm_boot "${GUESTVM_SERIES:-6.1}"
pid=$GUESTVM_PID
$PMUKVM record -q -e cpu-clock -a --guest-memory --duration 1 -o "$TMP/rec.data" \
	2>"$TMP/rec.err" || { cat "$TMP/rec.err"; fail "record --guest-memory failed"; }
carried_files "$TMP/rec.data" "$pid" "$TMP/mem" || fail "no carried files for guest $pid"
cmp -s "$TMP/mem.modules" "$GUESTVM_MODULES" || fail "the carried modules are not the guest's"

# the printed copies as a --guestmount tree
mkdir -p "$TMP/printed/$pid/proc"
cp "$GUESTVM_KALLSYMS" "$TMP/printed/$pid/proc/kallsyms"
cp "$GUESTVM_MODULES" "$TMP/printed/$pid/proc/modules"
PK=$TMP/printed/$pid/proc/kallsyms PM=$TMP/printed/$pid/proc/modules
gen=(--guest "$pid:$PK:$PM" --event cpu-clock --seed 13 --vcpus 2 --kernel-samples 40000
     --kernel-symbols 8000 --module-samples 4000 --module-symbols 300 --user-samples 100)
$G -o "$TMP/mem.data" "${gen[@]}" --carry "$pid:$TMP/mem.kallsyms:$TMP/mem.modules" \
	>/dev/null || fail "mkguestdata (carrying the memory-read files)"
$G -o "$TMP/plain.data" --expect "$TMP/plain.exp" "${gen[@]}" >/dev/null ||
	fail "mkguestdata (no files carried)"

# DSO<TAB>SYMBOL<TAB>SAMPLES of the guest kernel and module samples
counts() {
	"$@" --stdio --sort dso,sym -n -t '|' -q 2>"$TMP/rep.err" |
		awk -F'|' '$4 ~ /^\[g\]/ { sub(/^\[g\] /, "", $4); sub(/ +$/, "", $4); gsub(/^ +| +$/, "", $3)
			gsub(/ /, "", $2); n[$3 "\t" $4] += $2 }
			END { for (k in n) print k "\t" n[k] }' | LC_ALL=C sort
	[ "${PIPESTATUS[0]}" = 0 ] || { cat "$TMP/rep.err"; fail "report failed: $*"; }
}
counts $PMUKVM --guest report -i "$TMP/mem.data" >"$TMP/mem.counts"
counts $PMUKVM --guest --guestmount="$TMP/printed" report -i "$TMP/plain.data" >"$TMP/printed.counts"
rows=$(wc -l <"$TMP/printed.counts")
[ "$rows" -gt 3000 ] || fail "only $rows symbols sampled"
grep -q '^\[vfat\]	' "$TMP/printed.counts" || fail "no vfat samples"
grep -q '^\[guest.kernel.kallsyms\]	' "$TMP/printed.counts" || fail "no guest kernel samples"
grep -P '\t(\[unknown\]|0x[0-9a-f]+)\t' "$TMP/printed.counts" | head -3
diff -u "$TMP/printed.counts" "$TMP/mem.counts" >"$TMP/mem.diff" ||
	{ head -n 30 "$TMP/mem.diff"; fail "the memory-read symbols report differently"; }
echo "report with the memory-read symbols = report with the printed copies: $rows symbols"
# and both are what mkguestdata computed from the printed copies
awk -F'\t' '!/^#/ && ($2 == "guest-kernel" || $2 == "guest-module") { print $3 "\t" $4 "\t" $5 }' \
	"$TMP/plain.exp" | LC_ALL=C sort >"$TMP/want.counts"
diff -u "$TMP/want.counts" "$TMP/printed.counts" >"$TMP/exp.diff" ||
	{ head -n 30 "$TMP/exp.diff"; fail "the report differs from mkguestdata's expectation"; }

# perf 6.1 does not make --guestmount machines in report (see t2004) and
# leaves the module samples of a guest other than the default one as raw
# offsets: it gets the same samples for the default guest (pid 0, the same
# seed and symbol files) and the printed copies as --guestkallsyms and
# --guestmodules.
if command -v perf >/dev/null && perf kvm 2>&1 | grep -q 'perf kvm'; then
	gen0=("${gen[@]}")
	gen0[1]="0:$PK:$PM"
	$G -o "$TMP/plain0.data" "${gen0[@]}" >/dev/null || fail "mkguestdata (default guest)"
	counts perf kvm --guest --guestkallsyms="$PK" --guestmodules="$PM" report -i "$TMP/plain0.data" \
		>"$TMP/perf.counts"
	diff -u "$TMP/perf.counts" "$TMP/mem.counts" >"$TMP/perf.diff" ||
		{ head -n 30 "$TMP/perf.diff"; fail "perf with the printed copies reports differently"; }
	echo "perf kvm report with the printed copies agrees"
else
	echo "note: no perf kvm: not compared with perf"
fi

# The comparison can fail: carried files where one sampled kernel function
# starts 1 MiB later than it does make a different report.
victim=$(awk -F'\t' '$1 == "[guest.kernel.kallsyms]" && $3 > 3 { print $2; exit }' "$TMP/printed.counts")
[ -n "$victim" ] || fail "no kernel symbol with samples"
python3 - "$victim" "$TMP/mem.kallsyms" >"$TMP/bad.kallsyms" <<'PY'
import sys
v, seen = sys.argv[1], False
for l in open(sys.argv[2]):
    f = l.split(" ", 2)
    if not seen and f[2].split("\t")[0].strip() == v:
        l = "%016x %s %s" % (int(f[0], 16) + 0x100000, f[1], f[2])
        seen = True
    sys.stdout.write(l)
PY
! cmp -s "$TMP/bad.kallsyms" "$TMP/mem.kallsyms" || fail "could not alter $victim"
$G -o "$TMP/bad.data" "${gen[@]}" --carry "$pid:$TMP/bad.kallsyms:$TMP/mem.modules" >/dev/null ||
	fail "mkguestdata (altered copy)"
counts $PMUKVM --guest report -i "$TMP/bad.data" >"$TMP/bad.counts"
! cmp -s "$TMP/bad.counts" "$TMP/printed.counts" || fail "an altered carried copy reports the same"
echo "a carried copy with $victim moved by 1 MiB reports differently"
exit 0
