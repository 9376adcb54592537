# Helpers for the stat tests: files from tests/tools/mkkvmstat, compared
# with perf kvm stat report. Source after tests/lib.sh.
KS_TOOL=$TOOLS/mkkvmstat
. "${BASH_SOURCE[0]%/*}/lib-guest.sh"

# need_kvm_formats: the real kvm tracepoint formats, from tracefs (mounted
# here if it is not: tests run as root).
need_kvm_formats() {
	[ -x "$KS_TOOL" ] || skip "$KS_TOOL is not built"
	if [ ! -r /sys/kernel/tracing/events/kvm/kvm_exit/format ]; then
		mount -t tracefs nodev /sys/kernel/tracing >/dev/null 2>&1 || true
	fi
	[ -r /sys/kernel/tracing/events/kvm/kvm_exit/format ] ||
		skip "no kvm tracepoint formats under /sys/kernel/tracing (kvm module not loaded?)"
}

# need_kvm_files: what a test on mkkvmstat's files needs: the guest
# fixture (guest_fixture's K, its kallsyms.gz, and M, its modules) and the
# kvm tracepoint formats.
need_kvm_files() {
	need_fixtures
	need_kvm_formats
	guest_fixture
}

# ks_perf FILE ARGS...: perf kvm stat report's table (it prints on stderr),
# without its per-key "unknown kvm exit code" complaints.
ks_perf() {
	local f=$1; shift
	perf kvm -i "$f" stat report "$@" 2>&1 >/dev/null | grep -v '^unknown kvm exit code'
}

# ks_agree FILE ARGS...: pmukvm's table equals perf's, byte for byte.
ks_agree() {
	local f=$1; shift
	ks_perf "$f" "$@" >"$TMP/perf.out"
	$PMUKVM -i "$f" stat report "$@" >"$TMP/pmukvm.out" 2>"$TMP/pmukvm.err" ||
		{ cat "$TMP/pmukvm.err"; fail "pmukvm stat report $* failed on $f"; }
	grep -q '^Total Samples:' "$TMP/perf.out" ||
		{ head -20 "$TMP/perf.out"; fail "perf kvm stat report $* printed no table for $f"; }
	if ! diff -u "$TMP/perf.out" "$TMP/pmukvm.out" >"$TMP/diff"; then
		head -n 40 "$TMP/diff"
		fail "pmukvm and perf kvm stat report $* disagree on $f"
	fi
	ks_nr_agree=$(( ${ks_nr_agree:-0} + 1 ))
}
