#!/bin/bash
# The host kernel's symbols come from the recording's kernel only. A file
# whose [kernel.kallsyms] build-id is not the running kernel's (recorded
# on another host, or before a kernel update) is not named from this
# machine's /proc/kallsyms: its kernel samples stay unresolved and the
# report says why, unless perf's build-id cache holds that kernel's
# kallsyms (perf record keeps one; perf archive carries it) or
# --kallsyms names one. record keeps that copy, as perf record does (-N:
# not). Against perf report on the same files each time.
. tests/lib.sh
need_perf
export HOME=$TMP/home
mkdir -p "$HOME"
# A workload whose time is mostly the kernel's.
$PMUKVM record -q -e cpu-clock -F 2000 -o "$TMP/k.data" -- \
	dd if=/dev/zero of=/dev/null bs=4k count=400000 >/dev/null 2>&1 || fail "record failed"
bid=$(perf buildid-list -i "$TMP/k.data" 2>/dev/null | awk '$2 == "[kernel.kallsyms]" { print $1 }')
[ ${#bid} -eq 40 ] || skip "no 20-byte kernel build-id in the recording (/sys/kernel/notes)"
kept=$HOME/.debug/[kernel.kallsyms]/$bid/kallsyms
[ -f "$kept" ] || fail "record kept no kallsyms in perf's build-id cache"
[ "$(grep -m1 ' _text$' "$kept")" = "$(grep -m1 ' _text$' /proc/kallsyms)" ] ||
	fail "the kept kallsyms is not this kernel's"
# ksyms FILE [ARGS]: the kernel rows that name a symbol
ksyms() {
	$PMUKVM report -i "$1" --stdio --sort dso,sym -q "${@:2}" 2>/dev/null |
		grep -v '^#' | grep -F '[kernel.kallsyms]' | grep -v '\[k\] 0x' || true
}
[ -n "$(ksyms "$TMP/k.data")" ] || fail "the running kernel's samples are not resolved"
perf_agrees "$TMP/k.data" dso,sym
# The same file as another kernel's: its build-id changed in one byte.
python3 - "$TMP/k.data" "$TMP/other.data" "$bid" <<'EOF' || fail "build-id not found once"
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
b = bytes.fromhex(sys.argv[3])
if d.count(b) != 1:
    sys.exit(1)
i = d.find(b)
d[i] ^= 0xff
open(sys.argv[2], 'wb').write(d)
EOF
other=$(printf '%02x' $((0x${bid:0:2} ^ 0xff)))${bid:2}
# the record's copy kept aside: the other kernel's has none
mv "$HOME/.debug/[kernel.kallsyms]/$bid" "$TMP/kept"
$PMUKVM report -i "$TMP/other.data" --stdio --sort dso,sym >"$TMP/out" 2>"$TMP/err" ||
	fail "report failed"
grep -q "recording's kernel (build-id $other) is not the running one ($bid)" "$TMP/err" ||
	{ cat "$TMP/err"; fail "no warning on stderr"; }
grep -q "^# WARNING: .*build-id $other) is not the running one" "$TMP/out" ||
	fail "no warning in the header"
grep -v '^#' "$TMP/out" | grep -F '[kernel.kallsyms]' | grep -v '\[k\] 0x' &&
	fail "another kernel's samples named from this kernel's symbols"
grep -q '\[kernel.kallsyms\] .*\[k\] 0x' "$TMP/out" || fail "no unresolved kernel rows"
perf_agrees "$TMP/other.data" dso,sym
# perf's build-id cache holds that kernel's kallsyms (as the record on
# that kernel kept it): named from it.
mv "$TMP/kept" "$HOME/.debug/[kernel.kallsyms]/$other"
[ -n "$(ksyms "$TMP/other.data")" ] || fail "the cache's kallsyms not used"
$PMUKVM report -i "$TMP/other.data" --stdio -q >/dev/null 2>"$TMP/err" || fail "report failed"
grep -q 'not the running one' "$TMP/err" && fail "warned with the cache's copy found"
perf_agrees "$TMP/other.data" dso,sym
# Older perfs kept the copy as the build-id's own file.
rm -r "$HOME/.debug/[kernel.kallsyms]/$other"
cp /proc/kallsyms "$HOME/.debug/[kernel.kallsyms]/$other"
[ -n "$(ksyms "$TMP/other.data")" ] || fail "the old cache layout not used"
perf_agrees "$TMP/other.data" dso,sym
rm "$HOME/.debug/[kernel.kallsyms]/$other"
# --kallsyms names the kernel's symbols whatever the build-id.
[ -n "$(ksyms "$TMP/other.data" --kallsyms /proc/kallsyms)" ] || fail "--kallsyms not used"
perf_agrees "$TMP/other.data" dso,sym --kallsyms /proc/kallsyms
# -g reads the kernel's symbols on a thread of its own: the same choice.
$PMUKVM record -N -q -g -e cpu-clock -F 2000 -o "$TMP/g.data" -- \
	dd if=/dev/zero of=/dev/null bs=4k count=200000 >/dev/null 2>&1 || fail "record -g failed"
[ -e "$HOME/.debug/[kernel.kallsyms]/$bid" ] && fail "record -N kept the kallsyms"
python3 - "$TMP/g.data" "$TMP/og.data" "$bid" <<'EOF' || fail "build-id not found once (-g)"
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
b = bytes.fromhex(sys.argv[3])
if d.count(b) != 1:
    sys.exit(1)
d[d.find(b)] ^= 0xff
open(sys.argv[2], 'wb').write(d)
EOF
$PMUKVM report -i "$TMP/og.data" --stdio -g --no-children >"$TMP/gout" 2>"$TMP/err" ||
	fail "report -g failed"
grep -q 'not the running one' "$TMP/err" || fail "no warning with -g"
grep -E '^ +[0-9.]+% .*\[k\] [a-z_]' "$TMP/gout" && fail "-g named another kernel's samples"
echo "another kernel's samples unresolved and said so; the cache's and --kallsyms' copies used"
