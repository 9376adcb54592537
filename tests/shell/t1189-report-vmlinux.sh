#!/bin/bash
# The host kernel's symbols from a vmlinux: --vmlinux FILE, or -k FILE
# where FILE is an ELF file (perf's -k). The test links a small
# kernel-model ELF (a .text with _text at its start, and an .init.text),
# records host kernel samples (mkcrafted kernel) with the kernel moved by
# a KASLR offset, and checks: each sample's symbol where the recording's
# _text puts the image; .init.text's under [kernel.kallsyms].init.text and
# an address in no section as [unknown], as perf names them; the rows and
# call graphs line for line as perf report -k prints them; a file that is
# not a kernel image stops the command with one message.
. tests/lib.sh
cat >"$TMP/v.c" <<'EOC'
__asm__(".text\n.globl _text\n_text:\n");
#define F(n) __attribute__((noinline)) int n(int x) { volatile int a = x; \
	for (int i = 0; i < 40; i++) a += i * x; return a; }
F(fn_alpha) F(fn_beta) F(fn_gamma) F(fn_delta)
__attribute__((noinline, section(".init.text"))) int fn_init(int x)
{ volatile int a = x; for (int i = 0; i < 9; i++) a += i; return a; }
void _start(void) { for (;;) fn_alpha(fn_beta(fn_gamma(fn_delta(fn_init(1))))); }
EOC
gcc -O1 -mcmodel=kernel -fno-pic -no-pie -nostdlib -static -ffreestanding \
	-Wl,-Ttext=0xffffffff81000000 -o "$TMP/vmlinux" "$TMP/v.c" 2>"$TMP/cc.err" ||
	skip "cannot link a kernel-model ELF here: $(head -n1 "$TMP/cc.err")"
[ "$(sym_addr "$TMP/vmlinux" _text 0)" = ffffffff81000000 ] || fail "_text is not at .text's start"

reloc=$((0x1e000000))
# at SYM OFF: SYM's address in the recording (moved by reloc), plus OFF.
at() { printf '%x' $((0x$(sym_addr "$TMP/vmlinux" "$1" 0) + reloc + $2)); }
{
	printf 'text %x\n' $((0xffffffff81000000 + reloc))
	echo "comm 1 1 kthr"
	for k in 1 2 3; do
		for s in fn_alpha fn_beta fn_gamma fn_delta _start fn_init; do
			echo "sample $(at $s $((4 * k))) 1 1 0"
		done
	done
	# one past the image, one below it: in no section
	printf 'sample %x 1 1 0\n' $((0xffffffff81001000 + reloc)) $((0xffffffff80ff0000 + reloc))
} >"$TMP/lines"
"$TOOLS/mkcrafted" kernel "$TMP/k.data" <"$TMP/lines" || fail "mkcrafted kernel"
# The same samples with callchains (kernel context marker first).
sed 's/^sample \([0-9a-f]*\) 1 1 0$/sample \1 1 1 0 ffffffffffffff80 \1/' "$TMP/lines" |
	awk -v b="$(at fn_beta 8)" -v s="$(at _start 12)" \
		'/^sample/ { print $0 " " b " " s; next } { print }' >"$TMP/glines"
"$TOOLS/mkcrafted" kernel-g "$TMP/g.data" <"$TMP/glines" || fail "mkcrafted kernel-g"

$PMUKVM report -i "$TMP/k.data" --stdio --vmlinux "$TMP/vmlinux" --sort dso,sym -n -t '|' \
	2>"$TMP/err" | norm_rows >"$TMP/got" || { cat "$TMP/err"; fail "report --vmlinux"; }
cat >"$TMP/want" <<'EOF'
1|[unknown]|[k] 0xffffffff9eff0000
1|[unknown]|[k] 0xffffffff9f001000
3|[kernel.kallsyms].init.text|[k] fn_init
3|[kernel.kallsyms]|[k] _start
3|[kernel.kallsyms]|[k] fn_alpha
3|[kernel.kallsyms]|[k] fn_beta
3|[kernel.kallsyms]|[k] fn_delta
3|[kernel.kallsyms]|[k] fn_gamma
EOF
diff -u "$TMP/want" "$TMP/got" || fail "--vmlinux: symbols or sections not where _text puts them"
[ -s "$TMP/err" ] && { cat "$TMP/err"; fail "--vmlinux: unexpected messages"; }
echo "ok: --vmlinux: $(wc -l <"$TMP/got") rows, relocated by $reloc"
$PMUKVM report -i "$TMP/k.data" --stdio -k "$TMP/vmlinux" --sort dso,sym -n -t '|' 2>&1 |
	norm_rows | diff -u "$TMP/want" - || fail "-k ELF is not taken as --vmlinux"
echo "ok: -k with an ELF file is a vmlinux"

printf 'not an elf' >"$TMP/bad"
expect_clean_error "--vmlinux of a file that is not ELF" \
	$PMUKVM report -i "$TMP/k.data" --stdio --vmlinux "$TMP/bad"
expect_clean_error "--vmlinux of a program, not a kernel image" \
	$PMUKVM report -i "$TMP/k.data" --stdio --vmlinux "$TOOLS/mkcrafted"
expect_clean_error "-k of a program, not a kernel image" \
	$PMUKVM report -i "$TMP/k.data" --stdio -k "$TOOLS/mkcrafted"
mkfifo "$TMP/fifo"
expect_clean_error "--vmlinux of a FIFO" \
	timeout 20 $PMUKVM report -i "$TMP/k.data" --stdio --vmlinux "$TMP/fifo"

need_perf
# same FILE ARGS...: perf report -k and pmukvm report --vmlinux print the same lines.
same() {
	local f=$1; shift
	(cd "$TMP" && perf report -i "$f" --stdio -k "$TMP/vmlinux" "$@" 2>/dev/null) |
		grep -v '^#' | grep . | sed 's/ *$//' >"$TMP/perf.out"
	$PMUKVM report -i "$f" --stdio --vmlinux "$TMP/vmlinux" "$@" 2>"$TMP/err" |
		grep -v '^#' | grep . | sed 's/ *$//' >"$TMP/ours.out"
	[ -s "$TMP/perf.out" ] || fail "perf report -k printed nothing on $f"
	diff -u "$TMP/perf.out" "$TMP/ours.out" || fail "$f $*: not perf report -k's lines"
	echo "ok: perf's lines: $(basename "$f") $*"
}
same "$TMP/k.data" --sort dso,sym -n
same "$TMP/k.data"
same "$TMP/g.data" --no-children
same "$TMP/g.data"
same "$TMP/g.data" -g caller --sort dso,sym

# The recording's kernel named by a build-id: a vmlinux of that build-id
# is used, one of another is not (as perf), and said to be another's.
vbid=$(readelf -n "$TMP/vmlinux" 2>/dev/null | awk '/Build ID:/ { print $3 }')
[ ${#vbid} -eq 40 ] || skip "the linker wrote no 20-byte build-id into the vmlinux"
{ echo "kbid $vbid"; cat "$TMP/lines"; } | "$TOOLS/mkcrafted" kernel "$TMP/kb.data" ||
	fail "mkcrafted kernel kbid"
$PMUKVM report -i "$TMP/kb.data" --stdio --vmlinux "$TMP/vmlinux" --sort dso,sym -n -t '|' \
	2>"$TMP/err" | norm_rows >"$TMP/got" || fail "report --vmlinux (its build-id)"
diff -u "$TMP/want" "$TMP/got" || fail "--vmlinux of the recording's build-id: other rows"
grep -q "is not the recording's kernel" "$TMP/err" && fail "the recording's own vmlinux refused"
same "$TMP/kb.data" --sort dso,sym -n
other=0123456789abcdef0123456789abcdef01234567
[ "$other" != "$vbid" ] || fail "the vmlinux's build-id is the test's other one"
{ echo "kbid $other"; cat "$TMP/lines"; } | "$TOOLS/mkcrafted" kernel "$TMP/ko.data" ||
	fail "mkcrafted kernel kbid"
$PMUKVM report -i "$TMP/ko.data" --stdio --vmlinux "$TMP/vmlinux" --sort dso,sym -n -t '|' \
	>"$TMP/out" 2>"$TMP/err" || fail "report --vmlinux (another build-id)"
grep -q "'$TMP/vmlinux' is not the recording's kernel (build-id $vbid, the recording's $other)" \
	"$TMP/err" || { cat "$TMP/err"; fail "another kernel's vmlinux not warned about"; }
grep -q "^# WARNING: .*is not the recording's kernel" "$TMP/out" || fail "no warning in the header"
norm_rows <"$TMP/out" | grep -q 'fn_' && fail "another kernel's vmlinux named the samples"
same "$TMP/ko.data" --sort dso,sym -n
same "$TMP/ko.data"
echo "ok: a vmlinux of the recording's build-id used, of another refused"

# No vmlinux named: perf's places are looked in for one of the recording's
# build-id (./vmlinux first, then /boot and the debug paths for the
# kernel's release), each under --symfs DIR where one is given; one of
# another build-id is not taken. perf, run where pmukvm runs, agrees.
pm=$(realpath "$PMUKVM")
# here DIR ARGS...: pmukvm report in DIR, its rows in $TMP/got, stderr in $TMP/err.
here() {
	local d=$1; shift
	(cd "$d" && "$pm" report --stdio --sort dso,sym -n -t '|' "$@") 2>"$TMP/err" |
		norm_rows >"$TMP/got"
}
here "$TMP" -i kb.data
diff -u "$TMP/want" "$TMP/got" || { cat "$TMP/err"; fail "./vmlinux of the recording's build-id not taken"; }
(cd "$TMP" && perf report -i kb.data --stdio --sort dso,sym -n 2>/dev/null) |
	grep -v '^#' | grep . | sed 's/ *$//' >"$TMP/perf.out"
(cd "$TMP" && "$pm" report -i kb.data --stdio --sort dso,sym -n 2>/dev/null) |
	grep -v '^#' | grep . | sed 's/ *$//' >"$TMP/ours.out"
diff -u "$TMP/perf.out" "$TMP/ours.out" || fail "./vmlinux found: not perf's lines"
here "$TMP" -i kb.data --ignore-vmlinux
grep -q 'fn_' "$TMP/got" && fail "--ignore-vmlinux: ./vmlinux still named the samples"
grep -q "is not the running one" "$TMP/err" || { cat "$TMP/err"; fail "--ignore-vmlinux: no word on the kernel"; }
here "$TMP" -i ko.data
grep -q 'fn_' "$TMP/got" && fail "./vmlinux of another build-id named the samples"
(cd "$TMP" && perf report -i ko.data --stdio --sort dso,sym -n 2>/dev/null) |
	grep -v '^#' | grep . | sed 's/ *$//' >"$TMP/perf.out"
(cd "$TMP" && "$pm" report -i ko.data --stdio --sort dso,sym -n 2>/dev/null) |
	grep -v '^#' | grep . | sed 's/ *$//' >"$TMP/ours.out"
diff -u "$TMP/perf.out" "$TMP/ours.out" || fail "another's ./vmlinux: not perf's lines"
echo "ok: ./vmlinux taken by its build-id, as perf; --ignore-vmlinux"
mkdir -p "$TMP/sym/usr/lib/debug/boot" "$TMP/elsewhere"
cp "$TMP/vmlinux" "$TMP/sym/usr/lib/debug/boot/vmlinux-$(uname -r)"
here "$TMP/elsewhere" -i "$TMP/kb.data" --symfs "$TMP/sym"
diff -u "$TMP/want" "$TMP/got" || { cat "$TMP/err"; fail "--symfs: DIR/usr/lib/debug/boot/vmlinux-RELEASE not taken"; }
$PMUKVM diff "$TMP/kb.data" "$TMP/kb.data" --symfs "$TMP/sym" --sort sym 2>&1 | grep -q fn_alpha ||
	fail "diff --symfs: the vmlinux under DIR not taken"
here "$TMP/elsewhere" -i "$TMP/kb.data"
grep -q 'fn_' "$TMP/got" && fail "a vmlinux found where none of perf's places is"
echo "ok: --symfs DIR/usr/lib/debug/boot/vmlinux-$(uname -r) taken"
