#!/bin/bash
# Two guests with different KASLR offsets. --make-guestmount writes a copy
# of the fixture with every kernel-half address moved; checked here line by
# line. A file whose default guest is the moved copy must resolve exactly
# under perf as the expectation says (the tool is consistent across
# offsets); reported with the original fixture instead, perf relocates the
# core kernel by the MMAP records but not the modules. Then one file with
# both guests: the expectation keeps them apart, by machine. perf 6.1 cannot: its report never creates the
# --guestmount machines (it falls back to the default guest for every pid),
# so both guests' MMAP records land in one machine. Documented: the kernel
# map of the guest written last wins, the other guest's kernel samples are
# [unknown], while module samples (same module-relative offsets in both
# guests) still resolve to the right symbols.
# shellcheck source=tests/shell/lib-guestgen.sh disable=SC2016 # awk programs in single quotes
. "$(dirname "$0")/lib-guestgen.sh"
gg_setup
d=$GG_TMP
gm=$d/gm
SHIFT=0x2000000		# 32 MiB: KASLR moves the kernel in 2 MiB steps
MSHIFT=0x100000

"$GG_TOOL" --make-guestmount "$gm" --pid 5555 --shift $SHIFT --module-shift $MSHIFT \
	--kallsyms "$GG_FIX/kallsyms.gz" --modules "$GG_MODULES" > "$d/out" 2>&1 ||
	{ cat "$d/out"; gg_fail "--make-guestmount failed"; }
K2=$gm/5555/proc/kallsyms
M2=$gm/5555/proc/modules
[ -s "$K2" ] && [ -s "$M2" ] || gg_fail "--make-guestmount wrote no files"

# every line kept; names, types, modules unchanged; kernel-half addresses
# moved by exactly the shift (core kernel SHIFT, modules MSHIFT), the rest
# (per-cpu offsets) unchanged. Compares the low 48 bits, exact in awk.
check_moved() {	# ORIG MOVED IS-MODULES
	paste -d '\n' "$1" "$2" | awk -v S=$SHIFT -v MS=$MSHIFT -v MODS="$3" "$GG_AWK_HEXVAL"'
		NR % 2 == 1 { a = $0; next }
		{
			b = $0; na = split(a, fa, /[ \t]+/); nb = split(b, fb, /[ \t]+/)
			col = MODS ? 6 : 1
			if (na != nb) { print "fields differ: " a " / " b; bad = 1; next }
			for (i = 1; i <= na; i++)
				if (i != col && fa[i] != fb[i]) { print "differs: " a " / " b; bad = 1; next }
			top = substr(fa[col], MODS ? 3 : 1, 1)
			shift = (MODS || a ~ /\t\[/) ? hexval(MS) : hexval(S)
			want = hexval(fa[col]) + (top ~ /[89a-f]/ ? shift : 0)
			if (hexval(fb[col]) != want) { print "address: " a " / " b; bad = 1 }
			n++
		}
		END { if (!n) { print "no lines"; bad = 1 } exit bad }' | head -5
	return "${PIPESTATUS[1]}"
}
[ "$(wc -l < "$GG_KALLSYMS")" = "$(wc -l < "$K2")" ] || gg_fail "kallsyms line count changed"
check_moved "$GG_KALLSYMS" "$K2" "" || gg_fail "moved kallsyms is wrong"
check_moved "$GG_MODULES" "$M2" 1 || gg_fail "moved modules is wrong"
grep -q "^ffffffff8ac00000 T _text$" "$K2" || gg_fail "_text not at the moved address"

gg_need_perf

# the moved guest alone, as the default guest: exact under perf
"$GG_TOOL" -o "$d/moved.data" --expect "$d/moved.exp" --seed 11 \
	--guest "0:$K2:$M2" > /dev/null || gg_fail "mkguestdata (moved guest) failed"
gg_perf_counts "$d/moved" --guestkallsyms="$K2" --guestmodules="$M2" -- -i "$d/moved.data"
gg_expect_counts "$d/moved.exp" 0 guest-kernel guest-module > "$d/want"
grep '^\[g\]' "$d/moved" > "$d/got"
gg_diff "$d/want" "$d/got" || gg_fail "moved guest: attribution differs"

# recorded against the moved guest, reported with the original files: perf
# relocates the kernel by the kernel MMAP's pgoff (_text when recorded)
# against the files' _text, so core kernel symbols stay exact. Modules are
# not relocated: their MMAP bases disagree with the files, and perf 6.1
# prints raw offsets in the module dsos (counts per dso still right).
gg_perf_counts "$d/reloc" --guestkallsyms="$GG_KALLSYMS" --guestmodules="$GG_MODULES" \
	-- -i "$d/moved.data"
gg_expect_counts "$d/moved.exp" 0 guest-kernel > "$d/want.k"
grep -F "[g]	[guest.kernel.kallsyms]	" "$d/reloc" > "$d/got.reloc"
gg_diff "$d/want.k" "$d/got.reloc" || gg_fail "moved recording, original files: kernel symbols differ"
if gg_perf_is_61; then
	gg_expect_counts "$d/moved.exp" 0 guest-module |
		awk -F'\t' '{ n[$2] += $4 } END { for (k in n) print k "\t" n[k] }' | sort > "$d/want.dso"
	awk -F'\t' '$1 == "[g]" && $2 != "[guest.kernel.kallsyms]" && $3 ~ /^0x|^0+$/ { n[$2] += $4 }
		END { for (k in n) print k "\t" n[k] }' "$d/reloc" | sort > "$d/got.dso"
	gg_diff "$d/want.dso" "$d/got.dso" ||
		gg_fail "perf 6.1, moved recording: module samples not raw offsets in their dsos"
fi

# both guests in one file: the expectation keeps the machines apart
"$GG_TOOL" -o "$d/two.data" --expect "$d/two.exp" --seed 12 \
	--guest "0:$GG_FIX/kallsyms.gz:$GG_MODULES" --guest "5555:$K2:$M2" > /dev/null ||
	gg_fail "mkguestdata (two guests) failed"
[ "$(cut -f1 "$d/two.exp" | grep -v '^#' | sort -u | tr '\n' ' ')" = "0 5555 host " ] ||
	gg_fail "expectation does not list machines 0, 5555 and host"
for m in 0 5555; do
	n=$(awk -F'\t' -v m=$m '$1 == m && $2 == "guest-kernel" { s += $5 } END { print s + 0 }' "$d/two.exp")
	[ "$n" = 2000 ] || gg_fail "machine $m: $n guest kernel samples, want 2000"
done

if gg_perf_is_61; then
	gg_perf_counts "$d/two" --guestkallsyms="$GG_KALLSYMS" --guestmodules="$GG_MODULES" \
		--guestmount="$gm" -- -i "$d/two.data"
	# default guest's kernel samples: no map left for them
	want=$(awk -F'\t' '$1 == 0 && $2 == "guest-kernel" { s += $5 } END { print s }' "$d/two.exp")
	got=$(gg_sum "$d/two" '$1 == "[g]" && $2 == "[unknown]"')
	[ "$want" = "$got" ] || gg_fail "perf 6.1: $got guest-0 kernel samples [unknown], want $want"
	# the moved guest's kernel samples: resolved against the wrong kallsyms
	gg_expect_counts "$d/two.exp" 5555 guest-kernel > "$d/want.k"
	grep -F "[g]	[guest.kernel.kallsyms]	" "$d/two" > "$d/got.k"
	right=$(LC_ALL=C comm -12 "$d/want.k" "$d/got.k" | wc -l)
	[ "$right" -eq 0 ] || gg_fail "perf 6.1 got $right moved-guest kernel lines right (documented: none)"
	# module samples of both guests: right, summed over the two machines
	awk -F'\t' '!/^#/ && $2 == "guest-module" { n["[g]\t" $3 "\t" $4] += $5 }
		END { for (k in n) print k "\t" n[k] }' "$d/two.exp" | LC_ALL=C sort > "$d/want.m"
	grep '^\[g\]' "$d/two" | grep -vF -e "[guest.kernel.kallsyms]" -e "[unknown]" > "$d/got.m"
	gg_diff "$d/want.m" "$d/got.m" || gg_fail "perf 6.1: module samples of two guests differ"
fi
echo "PASS: moved guest files exact; two guests documented"
