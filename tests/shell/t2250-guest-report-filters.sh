#!/bin/bash
# report's filters and the cpu/srcline keys on guest files (mkguestdata,
# perf kvm record's layout) against perf kvm report: the guest kernel and
# module rows ([g]) agree under --cpu, --time, --pid, --tid, --dso and
# --symbols, by sample count (perf kvm counts the host samples it hides in
# its percentages, pmukvm does not: that difference predates the filters).
# --comm takes the vCPU thread names pmukvm shows. A percent --time needs
# the sample-time feature these files lack, and is refused as perf refuses it.
# shellcheck source=tests/shell/lib-guestgen.sh
. "$(dirname "$0")/lib-guestgen.sh"
gg_need_perf
gg_setup
PMUKVM=${PMUKVM:-./pmukvm}
f=$GG_TMP/g.data
gg_generate "$f" "$GG_TMP/expect" --seed 5 --vcpus 4 --kernel-samples 3000 --module-samples 900
G=(--guestkallsyms="$GG_KALLSYMS" --guestmodules="$GG_MODULES")

# [g] rows "samples|keys..." of a -t '|' report, trimmed and sorted.
g_rows() {
	grep -v '^#' | awk -F'|' '{ out = ""; for (i = 2; i <= NF; i++) { gsub(/^ +| +$/, "", $i);
		out = out (i > 2 ? "|" : "") $i } print out }' | grep '\[g\]' | sort
}

# agree SORT ARGS...: pmukvm's [g] rows are perf kvm report's.
agree() {
	local sort=$1; shift
	perf kvm "${G[@]}" report -i "$f" --stdio -n -t '|' --sort "$sort" "$@" 2>"$GG_TMP/perf.err" |
		g_rows >"$GG_TMP/perf.rows"
	"$PMUKVM" "${G[@]}" report -i "$f" --stdio -n -t '|' --sort "$sort" "$@" 2>"$GG_TMP/pmukvm.err" |
		g_rows >"$GG_TMP/pmukvm.rows"
	[ -s "$GG_TMP/perf.rows" ] || { cat "$GG_TMP/perf.err"; gg_fail "perf kvm: no [g] rows ($sort $*)"; }
	diff -u "$GG_TMP/perf.rows" "$GG_TMP/pmukvm.rows" >"$GG_TMP/diff" ||
		{ head -40 "$GG_TMP/diff"; gg_fail "pmukvm and perf kvm differ: --sort $sort $*"; }
	echo "agree: --sort $sort $*: $(wc -l <"$GG_TMP/perf.rows") rows"
}

# the samples' own clock and threads
read -r t1 t2 <<<"$(perf script -i "$f" -F time 2>/dev/null | tr -d ' :' |
	awk '{ t[NR] = $1 } END { print t[int(NR / 3)], t[int(2 * NR / 3)] }')"
# the guest's vCPU threads ("tid:comm" rows), and the QEMU process they belong to
tid=$("$PMUKVM" "${G[@]}" report -i "$f" --stdio --sort tid -t '|' -q | awk -F'|' 'NR == 1 { print $2 }')
pid=$(awk '$1 == "#define" && $2 == "QEMU_PID_BASE" { print $3 }' tests/tools/mkguestdata.c)
[ -n "$t1" ] && [ -n "$pid" ] || gg_fail "cannot read times and threads from the file"

agree dso,sym
agree cpu,dso,sym
agree dso,sym --cpu 1
agree cpu,dso,sym --cpu 0,2-3
agree dso,sym --time "$t1,$t2"
agree dso,sym --time ",$t1 $t2,"
agree dso,sym --pid "$pid"
agree dso,sym --tid "$tid"
# perf kvm names a guest sample's thread ":TID" (its guest machine has no
# COMM for it); pmukvm shows the QEMU thread's own name. --comm takes the
# name pmukvm shows: the vCPU's thread, as --tid picks it.
comm=$("$PMUKVM" "${G[@]}" report -i "$f" --stdio --sort tid,comm -t '|' -q |
	awk -F'|' -v t="$tid" '$2 == t { print $3 }')
"$PMUKVM" "${G[@]}" report -i "$f" --stdio -n -t '|' --sort dso,sym --comm "$comm" | g_rows >"$GG_TMP/c"
"$PMUKVM" "${G[@]}" report -i "$f" --stdio -n -t '|' --sort dso,sym --tid "$tid" | g_rows >"$GG_TMP/t"
[ -s "$GG_TMP/c" ] || gg_fail "--comm '$comm': no rows"
diff -u "$GG_TMP/t" "$GG_TMP/c" || gg_fail "--comm '$comm' and --tid $tid differ"
agree dso,sym --dso '[jbd2],[tap],[guest.kernel.kallsyms]'
agree sym --dso '[jbd2]'
agree dso,sym --symbols "$(awk -F'\t' '$2 == "guest-kernel" { print $4 }' "$GG_TMP/expect" | head -3 |
	paste -sd,)"
agree sym,srcline
agree dso,sym,srcline --cpu 2

# percent slices: no sample-time feature in these files, as in perf
"$PMUKVM" "${G[@]}" report -i "$f" --stdio --time 10%/2 >/dev/null 2>"$GG_TMP/err" &&
	gg_fail "--time 10%/2 on a file without sample times succeeded"
grep -q "^pmukvm: .*sample time" "$GG_TMP/err" || { cat "$GG_TMP/err"; gg_fail "no clear message"; }
echo "PASS: guest filters agree with perf kvm report"
