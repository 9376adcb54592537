# Sourced by the t3NNN record tests: common setup. Run from the repository root.
PMUKVM=${PMUKVM:-./pmukvm}
PMUKVM_BUILD=${PMUKVM_BUILD:-build}
HOTLOOP=$PMUKVM_BUILD/tools/hotloop
PERF=${PERF:-perf}

skip() { echo "skip: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

[ -x "$PMUKVM" ] || skip "$PMUKVM not built"
[ -x "$HOTLOOP" ] || skip "$HOTLOOP not built"
command -v "$PERF" >/dev/null 2>&1 || skip "no perf to check the files with"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/pmukvm-t3.XXXXXX") || fail "mktemp"
trap 'rm -rf "$TMP"' EXIT

# perf report/script must read our files without a word on stderr.
perf_quiet() {
	"$PERF" "$@" >"$TMP/perf.out" 2>"$TMP/perf.err" || {
		cat "$TMP/perf.err"; fail "perf $* failed"; }
	[ -s "$TMP/perf.err" ] && { cat "$TMP/perf.err"; fail "perf $* warned"; }
	return 0
}
