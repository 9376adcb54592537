#!/bin/bash
# --guestkallsyms without --guestmodules: as perf kvm does, the guest's
# modules are laid out from the recording's guest module map records and
# their symbols named from the [module] lines of the kallsyms copy. Module
# samples must not be lost: pmukvm agrees with `perf kvm --guestkallsyms=K
# report` on the same file, symbol by symbol, and with the generator's
# expectation; where perf 6.1 prints raw offsets (kernel record first) the
# per-module counts agree and pmukvm names the expected symbols; with no
# module records at all both leave the module samples unresolved.
# shellcheck source=tests/shell/lib-guestgen.sh disable=SC2016 # awk programs in single quotes
. "$(dirname "$0")/lib-guestgen.sh"
gg_need_perf
gg_setup
d=$GG_TMP
PMUKVM=${PMUKVM:-./pmukvm}

# pmukvm_counts OUT DATA: gg_perf_counts' shape, from pmukvm.
pmukvm_counts() {
	$PMUKVM --guestkallsyms="$GG_KALLSYMS" report -i "$2" --stdio --sort dso,sym -n \
		-t "$(printf '\t')" > "$1.raw" 2> "$1.err" || { cat "$1.err"; gg_fail "pmukvm report failed"; }
	gg_counts "$1.raw" > "$1"
}
guest_rows() { grep -F "[g]	" "$1"; }

# perf kvm record's order: module records, then the kernel's.
gg_generate "$d/mf.data" "$d/mf.exp" --order modules-first --seed 41 --module-samples 700
gg_perf_counts "$d/mf.perf" --guestkallsyms="$GG_KALLSYMS" -- -i "$d/mf.data"
pmukvm_counts "$d/mf.pmu" "$d/mf.data"
guest_rows "$d/mf.perf" | grep -v '	\[guest.user\]	' > "$d/mf.perf.g"
guest_rows "$d/mf.pmu" | grep -v '	\[guest.user\]	' > "$d/mf.pmu.g"
gg_diff "$d/mf.perf.g" "$d/mf.pmu.g" || gg_fail "pmukvm and perf kvm --guestkallsyms disagree"
gg_expect_counts "$d/mf.exp" 0 guest-kernel guest-module > "$d/mf.want"
gg_diff "$d/mf.want" "$d/mf.pmu.g" || gg_fail "module samples differ from the expectation"
mods=$(gg_total "$d/mf.exp" guest-module)
echo "ok: modules-first: $mods module samples named as perf kvm names them"

# The kernel record first: the same attribution.
gg_generate "$d/kf.data" "$d/kf.exp" --order kernel-first --seed 42 --module-samples 700
pmukvm_counts "$d/kf.pmu" "$d/kf.data"
guest_rows "$d/kf.pmu" | grep -v '	\[guest.user\]	' > "$d/kf.pmu.g"
gg_expect_counts "$d/kf.exp" 0 guest-kernel guest-module > "$d/kf.want"
gg_diff "$d/kf.want" "$d/kf.pmu.g" || gg_fail "kernel-first: attribution differs"
gg_perf_counts "$d/kf.perf" --guestkallsyms="$GG_KALLSYMS" -- -i "$d/kf.data"
for f in kf.perf kf.pmu; do
	awk -F'\t' '$1 == "[g]" && $2 != "[guest.kernel.kallsyms]" { n[$2] += $4 }
		END { for (k in n) print k "\t" n[k] }' "$d/$f" | sort > "$d/$f.dso"
done
gg_diff "$d/kf.perf.dso" "$d/kf.pmu.dso" || gg_fail "kernel-first: per-module counts differ from perf"
echo "ok: kernel-first: module symbols named, per-module counts as perf's"

# No module records: nothing lays the modules out, for perf or pmukvm.
gg_generate "$d/nm.data" "$d/nm.exp" --order no-modules --seed 43
pmukvm_counts "$d/nm.pmu" "$d/nm.data"
want=$(gg_total "$d/nm.exp" guest-module)
got=$(gg_sum "$d/nm.pmu" '$1 == "[g]" && $2 == "[unknown]"')
[ "$want" = "$got" ] || gg_fail "no module records: $got of $want module samples unresolved"
gg_expect_counts "$d/nm.exp" 0 guest-kernel > "$d/nm.want"
grep -F "[g]	[guest.kernel.kallsyms]	" "$d/nm.pmu" > "$d/nm.got"
gg_diff "$d/nm.want" "$d/nm.got" || gg_fail "no module records: kernel symbols differ"
echo "PASS: --guestkallsyms alone resolves module samples from the module records"
