#!/bin/bash
# mkguestdata's command line: bad arguments are refused with a message and
# exit status 2 (usage) or 1 (bad input file), never a half-written file
# passed off as good; --help lists every option; the same seed gives the
# same bytes; the expectation is self-consistent. Needs no perf.
# shellcheck source=tests/shell/lib-guestgen.sh disable=SC2016 # awk programs in single quotes
. "$(dirname "$0")/lib-guestgen.sh"
gg_setup
d=$GG_TMP
G="0:$GG_FIX/kallsyms.gz:$GG_MODULES"
printf 'ffffffff81000000 T _text\nnot a kallsyms line\n' > "$d/garbage"
printf 'foo 16384 0 - Live 0xzz\n' > "$d/badmods"
"$GG_TOOL" --zero-kallsyms "$d/zero" --kallsyms "$GG_FIX/kallsyms.gz" || gg_fail "--zero-kallsyms failed"

# one case per line: expected status, a word the message must hold, args
cases=(
	"2|no output|--guest $G"
	"2|no guest|-o $d/x.data"
	"2|PID:KALLSYMS|-o $d/x.data --guest 0:$GG_FIX/kallsyms.gz"
	"2|PID:KALLSYMS|-o $d/x.data --guest 0::$GG_MODULES"
	"2|not a number|-o $d/x.data --guest x:$GG_FIX/kallsyms.gz:$GG_MODULES"
	"2|out of range|-o $d/x.data --guest 99999999:$GG_FIX/kallsyms.gz:$GG_MODULES"
	"2|given twice|-o $d/x.data --guest $G --guest $G"
	"2|unknown order|-o $d/x.data --guest $G:sideways"
	"2|unknown order|-o $d/x.data --guest $G --order sideways"
	"2|out of range|-o $d/x.data --guest $G --kernel-symbols 0"
	"2|out of range|-o $d/x.data --guest $G --vcpus 1000"
	"2|not a number|-o $d/x.data --guest $G --kernel-samples -5"
	"2|not a number|-o $d/x.data --guest $G --seed 12abc"
	"2|cpu-clock|-o $d/x.data --guest $G --event instructions"
	"2|negative|-o $d/x.data --guest $G --stale -0x1000"
	"2|hex|-o $d/x.data --guest $G --stale 0xq"
	"2|unexpected argument|-o $d/x.data --guest $G extra"
	"2|unknown option|-o $d/x.data --guest $G --bogus"
	"2|copy modes|-o $d/x.data --guest $G --kallsyms $GG_KALLSYMS"
	"2|do not write perf.data|-o $d/x.data --zero-kallsyms $d/z --kallsyms $GG_KALLSYMS"
	"2|needs --pid|--make-guestmount $d/gm --shift 0x1000 --kallsyms $GG_KALLSYMS --modules $GG_MODULES"
	"2|needs --pid|--make-guestmount $d/gm --pid 5 --kallsyms $GG_KALLSYMS --modules $GG_MODULES"
	"2|needs --kallsyms|--zero-kallsyms $d/z"
	"2|needs --modules|--zero-modules $d/z"
	"1|cannot open|-o $d/x.data --guest 0:$d/missing:$GG_MODULES"
	"1|cannot open|-o $d/x.data --guest 0:$GG_FIX/kallsyms.gz:$d/missing"
	"1|not a kallsyms line|-o $d/x.data --guest 0:$d/garbage:$GG_MODULES"
	"1|bad address|-o $d/x.data --guest 0:$GG_FIX/kallsyms.gz:$d/badmods"
	"1|no _text|-o $d/x.data --guest 0:$d/zero:$GG_MODULES"
	"1|no module function|-o $d/x.data --guest 0:$GG_FIX/kallsyms.gz:/dev/null"
	"1|cannot create|-o $d/no/such/dir/x.data --guest $G"
	"1|leaves the kernel half|--make-guestmount $d/gm --pid 5 --shift -0x7fffffffffffffff --kallsyms $GG_KALLSYMS --modules $GG_MODULES"
)
for c in "${cases[@]}"; do
	IFS='|' read -r want word args <<< "$c"
	rm -f "$d/x.data"
	# shellcheck disable=SC2086
	"$GG_TOOL" $args > "$d/out" 2> "$d/err"
	st=$?
	[ "$st" = "$want" ] || { cat "$d/err"; gg_fail "'$args': exit $st, want $want"; }
	grep -qi -- "$word" "$d/err" || { cat "$d/err"; gg_fail "'$args': message lacks '$word'"; }
	grep -q '^mkguestdata: ' "$d/err" || gg_fail "'$args': message not prefixed"
	[ -s "$d/out" ] && gg_fail "'$args': wrote to stdout on error"
	[ -e "$d/x.data" ] && gg_fail "'$args': left $d/x.data behind"
done
[ -e "$d/gm/5/proc/kallsyms" ] && gg_fail "a failed --make-guestmount left its kallsyms behind"

# --help: exit 0, to stdout, and it names every long option the code knows
"$GG_TOOL" --help > "$d/help" 2>&1 || gg_fail "--help failed"
sed -n '/long_opts\[\] = {/,/^};/s/.*{ "\([a-z-]*\)".*/\1/p' tests/tools/mkguestdata.c > "$d/opts"
[ "$(wc -l < "$d/opts")" -gt 20 ] || gg_fail "cannot read the option table"
while read -r o; do
	grep -q -- "--$o" "$d/help" || gg_fail "--help does not mention --$o"
	# and so does the comment at the top of the source
	sed -n '1,/^#include/p' tests/tools/mkguestdata.c | grep -q -- "--$o" ||
		gg_fail "the header comment does not mention --$o"
done < "$d/opts"

# same seed, same bytes; another seed, another file
"$GG_TOOL" -o "$d/a.data" --expect "$d/a.exp" --guest "$G" --seed 42 > /dev/null || gg_fail "run a"
"$GG_TOOL" -o "$d/b.data" --expect "$d/b.exp" --guest "$G" --seed 42 > /dev/null || gg_fail "run b"
"$GG_TOOL" -o "$d/c.data" --guest "$G" --seed 43 > /dev/null || gg_fail "run c"
cmp -s "$d/a.data" "$d/b.data" && cmp -s "$d/a.exp" "$d/b.exp" || gg_fail "same seed, different output"
cmp -s "$d/a.data" "$d/c.data" && gg_fail "different seeds, same file"

# the expectation: sorted, tab-separated, lines sum to the totals
e=$d/a.exp
head -1 "$e" | grep -q '^# mkguestdata expectation v1' || gg_fail "no header line"
grep -v '^#' "$e" | LC_ALL=C sort -c || gg_fail "expectation not sorted"
awk -F'\t' '!/^#/ && NF != 5 { bad = 1 } END { exit bad }' "$e" || gg_fail "a line has not 5 fields"
for t in guest-kernel guest-module guest-user host-kernel host-user; do
	want=$(gg_total "$e" $t)
	got=$(awk -F'\t' -v t=$t '!/^#/ && $2 == t { s += $5 } END { print s + 0 }' "$e")
	[ "$want" = "$got" ] || gg_fail "$t: lines sum to $got, total says $want"
done
[ "$(gg_total "$e" all)" = $((2000 + 500 + 200 + 100 + 100)) ] || gg_fail "default counts changed"
# with 0 samples of a kind, no line of that kind
"$GG_TOOL" -o "$d/z.data" --expect "$d/z.exp" --guest "$G" --module-samples 0 \
	--user-samples 0 --host-kernel-samples 0 --host-user-samples 0 > /dev/null || gg_fail "zero counts"
[ "$(grep -v '^#' "$d/z.exp" | cut -f2 | sort -u)" = guest-kernel ] || gg_fail "zero counts left lines"
echo "PASS: mkguestdata usage, determinism and expectation format"
