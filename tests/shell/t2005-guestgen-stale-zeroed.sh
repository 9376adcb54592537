#!/bin/bash
# Symbol files that do not fit the samples. --stale puts every guest
# kernel/module sample past the kernel image and the module area of the
# files (a guest that rebooted with another KASLR offset after its files
# were copied); --zero-kallsyms/--zero-modules write the all-zero copies a
# non-root user reads. A profiler should say so loudly. Checked here: the
# tool's stale ips really lie outside every range of the files, and the
# zeroed copies are exact. Documented: perf 6.1 reports both quietly, stale
# samples as [unknown] raw addresses, zeroed kallsyms as [unknown] kernel
# samples and raw module offsets, with nothing on stderr.
# shellcheck source=tests/shell/lib-guestgen.sh disable=SC2016 # awk programs in single quotes
. "$(dirname "$0")/lib-guestgen.sh"
gg_setup
d=$GG_TMP

# --- zeroed copies: same lines, every address 0
"$GG_TOOL" --zero-kallsyms "$d/zk" --kallsyms "$GG_FIX/kallsyms.gz" \
	--zero-modules "$d/zm" --modules "$GG_MODULES" || gg_fail "zero copies failed"
for f in kallsyms modules; do
	case $f in kallsyms) a=$GG_KALLSYMS; b=$d/zk ;; modules) a=$GG_MODULES; b=$d/zm ;; esac
	[ "$(wc -l < "$a")" = "$(wc -l < "$b")" ] || gg_fail "zeroed $f: line count differs"
	# with the address put back to 0 in the original, the files are equal
	if [ $f = kallsyms ]; then
		sed 's/^[0-9a-f]\{16\} /0000000000000000 /' "$a" | cmp -s - "$b" ||
			gg_fail "zeroed kallsyms differs beyond its addresses"
	else
		sed 's/ 0x[0-9a-f]*/ 0x0000000000000000/' "$a" | cmp -s - "$b" ||
			gg_fail "zeroed modules differs beyond its addresses"
	fi
done

# --- stale samples
"$GG_TOOL" -o "$d/stale.data" --expect "$d/stale.exp" --stale 0x1000000 --seed 9 \
	--guest "0:$GG_FIX/kallsyms.gz:$GG_MODULES" > /dev/null || gg_fail "mkguestdata --stale failed"
ks=$(gg_total "$d/stale.exp" guest-kernel)
ms=$(gg_total "$d/stale.exp" guest-module)
[ "$(gg_total "$d/stale.exp" guest-stale)" = $((ks + ms)) ] || gg_fail "stale total is not kernel + module"
grep -v '^#' "$d/stale.exp" | cut -f2 | grep -qx 'guest-kernel\|guest-module' &&
	gg_fail "stale expectation still names symbols"

gg_need_perf
# every guest kernel-mode ip in the file, as perf decodes it (report -D
# dumps each sample with its misc; 0x4 is GUEST_KERNEL)
perf report -D -i "$d/stale.data" 2> /dev/null |
	sed -n 's/.*PERF_RECORD_SAMPLE([^)]*, 0x4): [0-9]*\/[0-9]*: 0x\([0-9a-f]*\) .*/\1/p' |
	sort | uniq -c | awk '{ print "[unknown]\t" $2 "\t" $1 }' > "$d/ips"
n=$(awk -F'\t' '{ s += $3 } END { print s + 0 }' "$d/ips")
[ "$n" = $((ks + ms)) ] || gg_fail "perf report -D shows $n guest kernel samples, want $((ks + ms))"
# none inside [_text, _end) or any module (compare the low 48 bits)
awk -F'\t' -v KS="$GG_KALLSYMS" -v MODS="$GG_MODULES" "$GG_AWK_HEXVAL"'
	BEGIN {
		while ((getline l < KS) > 0) {
			split(l, f, " ")
			if (f[3] == "_text") lo = hexval(f[1])
			if (f[3] == "_end") hi = hexval(f[1])
		}
		while ((getline l < MODS) > 0) { split(l, f, " "); mb[++nm] = hexval(f[6]); me[nm] = mb[nm] + f[2] }
	}
	{
		ip = hexval($2)
		if (ip >= lo && ip < hi) { print "inside the kernel: " $2; bad = 1 }
		for (i = 1; i <= nm; i++) if (ip >= mb[i] && ip < me[i]) { print "inside a module: " $2; bad = 1 }
	}
	END { exit bad }' "$d/ips" | head -3
[ "${PIPESTATUS[0]}" = 0 ] || gg_fail "a stale ip lies inside the symbol files' ranges"

if gg_perf_is_61; then
	gg_perf_counts "$d/stale" --guestkallsyms="$GG_KALLSYMS" --guestmodules="$GG_MODULES" \
		-- -i "$d/stale.data"
	got=$(gg_sum "$d/stale" '$1 == "[g]" && $2 == "[unknown]" && $3 ~ /^0x/')
	[ "$got" = $((ks + ms)) ] || gg_fail "perf 6.1: $got stale samples [unknown], want $((ks + ms))"
	[ -s "$d/stale.err" ] && { cat "$d/stale.err"; gg_fail "perf 6.1 is no longer silent on stale samples"; }

	# the zeroed files against a good recording
	"$GG_TOOL" -o "$d/good.data" --expect "$d/good.exp" --seed 9 \
		--guest "0:$GG_FIX/kallsyms.gz:$GG_MODULES" > /dev/null || gg_fail "mkguestdata failed"
	gg_perf_counts "$d/zero" --guestkallsyms="$d/zk" --guestmodules="$d/zm" -- -i "$d/good.data"
	got=$(gg_sum "$d/zero" '$1 == "[g]" && $2 == "[unknown]" && $3 ~ /^0x/')
	[ "$got" = "$(gg_total "$d/good.exp" guest-kernel)" ] ||
		gg_fail "perf 6.1 with zeroed kallsyms: $got kernel samples [unknown]"
	got=$(gg_sum "$d/zero" '$1 == "[g]" && $2 != "[unknown]" && $3 ~ /^0x|^0+$/')
	[ "$got" = "$(gg_total "$d/good.exp" guest-module)" ] ||
		gg_fail "perf 6.1 with zeroed files: $got module samples as raw offsets"
	[ -s "$d/zero.err" ] && { cat "$d/zero.err"; gg_fail "perf 6.1 is no longer silent on zeroed files"; }
fi
echo "PASS: stale ips outside the files, zeroed copies exact; perf 6.1 silent on both"
