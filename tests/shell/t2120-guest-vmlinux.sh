#!/bin/bash
# --guestvmlinux: core kernel symbols from an ELF vmlinux. The test links a
# small kernel-model ELF at a kernel address, derives a kallsyms from it for
# mkguestdata, and checks the report from the ELF alone matches.
. tests/lib.sh
cat >"$TMP/v.c" <<'EOC'
#define F(n) __attribute__((noinline)) int n(int x) { volatile int a = x; \
	for (int i = 0; i < 40; i++) a += i * x; return a; }
F(fn_alpha) F(fn_beta) F(fn_gamma) F(fn_delta) F(fn_epsilon) F(fn_zeta) F(fn_eta)
F(fn_theta) F(fn_iota) F(fn_kappa) F(fn_lambda) F(fn_mu)
void _start(void) { for (;;) fn_alpha(fn_beta(fn_gamma(fn_delta(fn_epsilon(fn_zeta(
	fn_eta(fn_theta(fn_iota(fn_kappa(fn_lambda(fn_mu(1)))))))))))); }
EOC
gcc -O1 -mcmodel=kernel -fno-pic -no-pie -nostdlib -static -ffreestanding \
	-Wl,-Ttext=0xffffffff88c00000 -o "$TMP/vmlinux" "$TMP/v.c" 2>"$TMP/cc.err" ||
	skip "cannot link a kernel-model ELF here: $(head -n1 "$TMP/cc.err")"
{ echo "ffffffff88c00000 T _text"; nm "$TMP/vmlinux" | grep ' T '
  echo "ffffffff88c00200 T _etext"; } >"$TMP/kallsyms"
: >"$TMP/modules"
"$TOOLS/mkguestdata" -o "$TMP/v.data" --expect "$TMP/v.exp" --guest "0:$TMP/kallsyms:$TMP/modules" \
	--module-samples 0 --user-samples 0 --kernel-symbols 8 --seed 2 >/dev/null ||
	fail "mkguestdata"
awk -F'\t' '!/^#/ && $2 == "guest-kernel" { print $4 "\t" $5 }' "$TMP/v.exp" | sort >"$TMP/want"
$PMUKVM --guestvmlinux="$TMP/vmlinux" report -i "$TMP/v.data" --stdio --sort sym -n -t '|' -q |
	awk -F'|' '{ sub(/^\[.\] /, "", $3); print $3 "\t" $2 }' | sort >"$TMP/got"
diff -u "$TMP/want" "$TMP/got" || fail "--guestvmlinux attribution differs"
echo "ok: $(wc -l <"$TMP/got") symbols from the vmlinux match"
printf 'not an elf' >"$TMP/bad"
expect_clean_error "a vmlinux that is not ELF" $PMUKVM --guestvmlinux="$TMP/bad" report -i "$TMP/v.data"
