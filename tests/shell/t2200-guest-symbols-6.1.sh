#!/bin/bash
# guest-symbols reads a running Debian 6.1 guest's kallsyms and modules
# from its memory: booted under QEMU (TCG) with KASLR, the guest prints its
# own /proc/kallsyms and /proc/modules; every symbol (name, type, address)
# and every module (name, size, base) must agree.
. tests/lib.sh
. tests/shell/lib-guestvm.sh
series=${GUESTVM_SERIES:-6.1}

guestvm_boot "$series"
echo "guest $series booted and printed its symbols in ${GUESTVM_BOOT_S}s"
out=$TMP/mount
start=$(date +%s%N)
$PMUKVM guest-symbols -v -p "$GUESTVM_PID" -o "$out" 2>"$TMP/gs.err" || { cat "$TMP/gs.err"; fail "guest-symbols failed"; }
end=$(date +%s%N)
cat "$TMP/gs.err"
echo "guest-symbols: $(( (end - start) / 1000000 )) ms"
# Only the kernel image is searched (the guest's page tables say where it
# is), so what is read does not grow with the guest's RAM.
img=$(sed -n 's/.*searched the kernel image its page tables map, \([0-9]*\) MiB$/\1/p' "$TMP/gs.err")
[ -n "$img" ] || fail "guest-symbols searched more than the kernel image"
read_mib=$(sed -n 's/.* \([0-9]*\) MiB of guest memory read in .*/\1/p' "$TMP/gs.err")
rss=$(awk '/^VmRSS:/ { print int($2 / 1024) }' "/proc/$GUESTVM_PID/status")
echo "guest memory read: $read_mib MiB (kernel image $img MiB; QEMU resident $rss MiB)"
[ -n "$read_mib" ] && [ "$read_mib" -le $((img + 16)) ] ||
	fail "read ${read_mib:-?} MiB of guest memory: more than the $img MiB image and 16 MiB"
if [ -n "${GUESTVM_FILL_MIB:-}" ]; then
	grep -q "guestvm: filled $GUESTVM_FILL_MIB MiB" "$TMP/console.log" ||
		{ tail -n 5 "$TMP/console.log"; fail "the guest did not fill $GUESTVM_FILL_MIB MiB"; }
	[ "$rss" -ge "$GUESTVM_FILL_MIB" ] || fail "QEMU holds only $rss MiB of the guest's RAM"
fi
ks=$out/$GUESTVM_PID/proc/kallsyms
mods=$out/$GUESTVM_PID/proc/modules
[ -s "$ks" ] && [ -s "$mods" ] || fail "no kallsyms/modules under $out/$GUESTVM_PID/proc"

# Text symbols: every one the guest printed, with its address, and no other.
# (/proc/kallsyms also lists BPF programs and ftrace trampolines, which are
# not in the kernel's tables or a module: left out on both sides.)
text() { awk '$2 ~ /^[tT]$/ && $4 != "[bpf]" && $4 != "[__builtin__ftrace]"' "$1" | sort; }
text "$GUESTVM_KALLSYMS" >"$TMP/want.text"
text "$ks" >"$TMP/got.text"
[ "$(wc -l <"$TMP/want.text")" -gt 20000 ] || fail "the guest printed few text symbols"
grep -q '\[vfat\]$' "$TMP/want.text" || fail "the guest's copy has no vfat symbols"
diff -u "$TMP/want.text" "$TMP/got.text" >"$TMP/text.diff" ||
	{ head -n 30 "$TMP/text.diff"; fail "text symbols differ"; }
echo "text symbols: $(wc -l <"$TMP/got.text") agree"
# Every symbol of the kernel's tables and the modules, types included.
awk '$4 != "[bpf]" && $4 != "[__builtin__ftrace]"' "$GUESTVM_KALLSYMS" | sort >"$TMP/want.all"
sort "$ks" >"$TMP/got.all"
diff -u "$TMP/want.all" "$TMP/got.all" >"$TMP/all.diff" ||
	{ head -n 30 "$TMP/all.diff"; fail "symbols differ"; }
echo "all symbols: $(wc -l <"$TMP/got.all") agree"
# _text moved (KASLR): not the link-time address.
grep -q ' T _text$' "$ks" || fail "no _text"
! grep -q '^ffffffff81000000 T _text$' "$ks" || echo "note: KASLR left _text at its link address"
# Modules: name, size, base (and the rest of the line, as the guest printed it).
awk '{print $1, $2, $6}' "$GUESTVM_MODULES" >"$TMP/want.mods"
awk '{print $1, $2, $6}' "$mods" >"$TMP/got.mods"
[ "$(wc -l <"$TMP/want.mods")" -ge 5 ] || fail "the guest loaded fewer than 5 modules"
diff -u "$TMP/want.mods" "$TMP/got.mods" || fail "modules differ"
diff -u "$GUESTVM_MODULES" "$mods" || fail "module lines differ"
echo "modules: $(wc -l <"$mods") agree"
# A report reads the tree as --guestmount: the guest machine has symbols.
$PMUKVM --guestmount="$out" check >"$TMP/check.out" 2>&1
grep -q "$GUESTVM_PID" "$TMP/check.out" || { cat "$TMP/check.out"; fail "check did not read the tree"; }

# record --guest-memory carries what it read in the data file (feature
# 200): the same files, for this guest's pid; the temporary tree is gone.
mkdir -p "$TMP/tmpd"
TMPDIR=$TMP/tmpd $PMUKVM record -q -e cpu-clock -a --guest-memory --duration 1 -o "$TMP/gm.data" \
	2>"$TMP/rec.err" || { cat "$TMP/rec.err"; fail "record --guest-memory failed"; }
grep -v "no hardware\|fall back\|cpu-clock" "$TMP/rec.err" | grep "guest $GUESTVM_PID" &&
	fail "record warned about the guest"
[ -z "$(ls -A "$TMP/tmpd")" ] || fail "record left $(ls "$TMP/tmpd") behind"
carried_files "$TMP/gm.data" "$GUESTVM_PID" "$TMP/carried" || fail "no carried files for guest $GUESTVM_PID"
awk '$4 != "[bpf]" && $4 != "[__builtin__ftrace]"' "$GUESTVM_KALLSYMS" >"$TMP/want.ks"
diff -q "$TMP/want.ks" "$TMP/carried.kallsyms" || fail "carried kallsyms differ from the guest's"
diff -q "$GUESTVM_MODULES" "$TMP/carried.modules" || fail "carried modules differ from the guest's"
echo "record --guest-memory: the guest's kallsyms and modules carried in the data file"
$PMUKVM report -i "$TMP/gm.data" --stdio >/dev/null 2>"$TMP/rep.err" ||
	{ cat "$TMP/rep.err"; fail "report of the --guest-memory recording failed"; }

# top --guest-memory (live) reads it too, and cleans up.
TMPDIR=$TMP/tmpd $PMUKVM top --stdio -e cpu-clock --guest-memory --iterations 1 -d 1 \
	>"$TMP/top.out" 2>"$TMP/top.err" || { cat "$TMP/top.err"; fail "top --guest-memory failed"; }
grep "guest $GUESTVM_PID" "$TMP/top.err" && fail "top warned about the guest"
[ -z "$(ls -A "$TMP/tmpd")" ] || fail "top left $(ls "$TMP/tmpd") behind"
echo "top --guest-memory: ran"
exit 0
