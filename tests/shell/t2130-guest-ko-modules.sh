#!/bin/bash
# Under --guestmount, a module whose symbols kallsyms lacks resolves through
# DIR/<pid>/lib/modules/<release>/.../NAME.ko(.gz), laid out as the kernel
# lays a module out (core text sections in order, each aligned).
. tests/lib.sh
. tests/shell/lib-guest.sh
need_guest_fixture
base=0xffffffffc0700000
cat >"$TMP/fake.c" <<'EOC'
#define F(n) __attribute__((noinline)) int n(int x) { volatile int a = x; \
	for (int i = 0; i < 30; i++) a += i ^ x; return a; }
#define C(n) __attribute__((noinline, cold)) int n(int x) { volatile int a = x; \
	for (int i = 0; i < 30; i++) a -= i ^ x; return a; }
F(fake_open) F(fake_read) F(fake_write) F(fake_ioctl)
C(fake_error_path) C(fake_slow_path)
EOC
gcc -Os -c -fno-pic -ffunction-sections -o "$TMP/fake.o" "$TMP/fake.c" || fail "cc"
# Expected run-time address of each function: the kernel's core text
# layout, computed here from readelf's section table.
readelf -S -W "$TMP/fake.o" | sed 's/^ *\[ *\([0-9]*\)\]/\1/' |
	awk '$3 == "PROGBITS" && $8 ~ /X/ && $8 ~ /A/ && $2 !~ /^\.init/ { print $1, $6, $NF }' \
	>"$TMP/secs"   # index size(hex) align
off=0
declare -A secaddr
while read -r idx size align; do
	size=$((16#$size))
	[ "$align" -gt 0 ] || align=1
	off=$(( (off + align - 1) / align * align ))
	secaddr[$idx]=$(( base + off ))
	off=$(( off + size ))
done <"$TMP/secs"
total=$off
readelf -s -W "$TMP/fake.o" | awk '$4 == "FUNC" { print $7, $2, $8 }' |
while read -r ndx value name; do
	printf '%x t %s\t[fake_mod]\n' $(( ${secaddr[$ndx]} + 16#$value )) "$name"
done >"$TMP/fake.kallsyms"
[ "$(wc -l <"$TMP/fake.kallsyms")" -eq 6 ] || { cat "$TMP/fake.kallsyms"; fail "expected 6 functions"; }

pid=4300
mnt=$TMP/mnt
mkdir -p "$mnt/$pid/proc" "$mnt/$pid/lib/modules/6.1.0-test/kernel/drivers/misc"
gzip -dc "$K" >"$mnt/$pid/proc/kallsyms"
{ cat "$M"; printf 'fake_mod %d 0 - Live %s\n' $(( (total + 4095) / 4096 * 4096 )) $base; } \
	>"$mnt/$pid/proc/modules"
# The generator sees the module's symbols; the report must find them in the .ko.gz.
cat "$mnt/$pid/proc/kallsyms" "$TMP/fake.kallsyms" >"$TMP/gen.kallsyms"
gzip -c "$TMP/fake.o" >"$mnt/$pid/lib/modules/6.1.0-test/kernel/drivers/misc/fake-mod.ko.gz"
"$TOOLS/mkguestdata" -o "$TMP/ko.data" --expect "$TMP/ko.exp" --seed 4 \
	--guest "$pid:$TMP/gen.kallsyms:$mnt/$pid/proc/modules" --module-samples 3000 \
	--module-symbols 200 >/dev/null || fail "mkguestdata"
grep -q "fake_mod" "$TMP/ko.exp" || fail "the generator hit no fake_mod function"
awk -F'\t' '!/^#/ && $2 ~ /^guest-/ { print $3 "\t" $4 "\t" $5 }' "$TMP/ko.exp" | sort >"$TMP/want"
$PMUKVM --guestmount="$mnt" report -i "$TMP/ko.data" --stdio --sort dso,sym -n -t '|' -q \
	2>"$TMP/err" | awk -F'|' '{ sub(/^\[.\] /, "", $4); print $3 "\t" $4 "\t" $2 }' | sort >"$TMP/got"
diff -u "$TMP/want" "$TMP/got" || { cat "$TMP/err"; fail "module symbols from the .ko differ"; }
grep -c "fake_mod" "$TMP/got" | grep -q -v '^0$' || fail "no fake_mod rows"
grep -q "inconsistency" "$TMP/err" && grep "fake_mod" "$TMP/err" && fail "fake_mod called inconsistent"
echo "ok: $(grep -c fake_mod "$TMP/got") fake_mod symbols resolved from the .ko.gz"

# Without the .ko, the module is named as lacking symbols, loudly.
rm "$mnt/$pid/lib/modules/6.1.0-test/kernel/drivers/misc/fake-mod.ko.gz"
$PMUKVM --guestmount="$mnt" report -i "$TMP/ko.data" --stdio >/dev/null 2>"$TMP/err"
grep -q "fake_mod .*no symbols in kallsyms nor a .ko" "$TMP/err" || { cat "$TMP/err"; fail "missing .ko not reported"; }
printf 'garbage' >"$mnt/$pid/lib/modules/6.1.0-test/kernel/drivers/misc/fake_mod.ko"
$PMUKVM --guestmount="$mnt" report -i "$TMP/ko.data" --stdio >/dev/null 2>"$TMP/err" ||
	fail "a bad .ko must not stop the report"
grep -q "not a kernel module" "$TMP/err" || { cat "$TMP/err"; fail "bad .ko not reported"; }
echo "ok: missing and bad .ko files reported"
