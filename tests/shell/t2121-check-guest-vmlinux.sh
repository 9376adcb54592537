#!/bin/bash
# pmukvm check with guest symbol files loads them as report would, without
# a data file: --guestvmlinux alone (no kallsyms, no modules file) looked
# for carried files in the data file check does not have and crashed.
. tests/lib.sh
need_fixtures

# run_check DESC ARGS...: check runs to its end (exit 0 or 1, never a crash).
run_check() {
	local desc=$1; shift
	"$PMUKVM" "$@" check >"$TMP/out" 2>"$TMP/err"
	local rc=$?
	if [ $rc -gt 1 ]; then cat "$TMP/out" "$TMP/err"; fail "$desc: exit $rc"; fi
	if grep -q -E "Sanitizer|runtime error" "$TMP/err"; then cat "$TMP/err"; fail "$desc: sanitizer report"; fi
	grep -q '^result:' "$TMP/out" || { cat "$TMP/out"; fail "$desc: no result line"; }
}

cat >"$TMP/v.c" <<'EOC'
__attribute__((noinline)) int fn_alpha(int x) { volatile int a = x; return a + 1; }
__attribute__((noinline)) int fn_beta(int x) { volatile int a = x; return a + 2; }
void _start(void) { for (;;) fn_alpha(fn_beta(1)); }
EOC
gcc -O1 -mcmodel=kernel -fno-pic -no-pie -nostdlib -static -ffreestanding \
	-Wl,-Ttext=0xffffffff88c00000 -o "$TMP/vmlinux" "$TMP/v.c" 2>"$TMP/cc.err" ||
	skip "cannot link a kernel-model ELF here: $(head -n1 "$TMP/cc.err")"

run_check "--guestvmlinux" --guestvmlinux="$TMP/vmlinux"
grep -E -q '^guest files: +guest 0: [1-9][0-9]* kernel symbols, 0 modules' "$TMP/out" ||
	{ grep '^guest' "$TMP/out"; fail "--guestvmlinux: its symbols are not counted"; }
echo "ok: $(grep '^guest files' "$TMP/out" | head -1)"

run_check "--guestvmlinux and --guestmodules" --guestvmlinux="$TMP/vmlinux" \
	--guestmodules="$FIXTURES/guest-6.1/modules"
grep -E -q '^guest files: +guest 0: [1-9][0-9]* kernel symbols, 12 modules' "$TMP/out" ||
	{ grep '^guest' "$TMP/out"; fail "--guestvmlinux --guestmodules: not loaded"; }

# Not a kernel: a reason, not a crash.
run_check "a vmlinux that is not a kernel" --guestvmlinux=/bin/true
grep -q "the guest symbol files cannot be used: '/bin/true' is not a kernel image" "$TMP/out" ||
	{ cat "$TMP/out"; fail "no reason for a vmlinux that is not a kernel"; }
echo "ok: check names a vmlinux that is not a kernel"
