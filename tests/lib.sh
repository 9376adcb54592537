# Shared helpers for tests/shell/*.sh. Source it: . tests/lib.sh
set -u
PMUKVM=${PMUKVM:-./pmukvm}
PMUKVM_BUILD=${PMUKVM_BUILD:-build}
TOOLS=build/tools
FIXTURES=${FIXTURES:-../shared/fixtures}
TMP=$(mktemp -d /tmp/pmukvm-t.XXXXXX)
# KEEP=1 in the environment: a failing test's $TMP stays, for a look at
# what it compared (its path goes to stderr, hence the log).
# at_exit CMD: CMD runs at exit, before $TMP goes (kill a background
# workload, stop a tmux server); a test adds to these rather than setting
# its own EXIT trap, which would replace this one and KEEP with it.
LIB_AT_EXIT=()
at_exit() { LIB_AT_EXIT+=("$1"); }
lib_cleanup() {
	local rc=$? c
	for c in "${LIB_AT_EXIT[@]}"; do eval "$c" >/dev/null 2>&1; done
	if [ -n "${KEEP:-}" ] && [ $rc != 0 ] && [ $rc != 77 ]; then
		echo "kept: $TMP" >&2
	else
		rm -rf "$TMP"
	fi
	return $rc
}
trap lib_cleanup EXIT

fail() { echo "FAIL: $*"; exit 1; }
# The test's own output, for notes from helpers whose stdout is an answer.
exec {LIB_LOG}>&1
skip() { echo "skip: $*"; exit 77; }
# Waiting for a condition instead of sleeping a fixed time: poll_until,
# wait_until, wait_cpu, wait_comm, wait_child, wait_lines, wait_blocked.
. "${BASH_SOURCE[0]%/*}/lib-wait.sh"

need_perf() {
	command -v perf >/dev/null 2>&1 || skip "perf (linux-perf) is not installed"
	perf record -q -e cpu-clock -o "$TMP/probe.data" -- true >/dev/null 2>&1 ||
		skip "perf record cannot sample here"
}

need_fixtures() {
	[ -f "$FIXTURES/guest-6.1/kallsyms.gz" ] || skip "no guest fixtures at $FIXTURES"
}

# Rows "samples|col|col|..." of a report in -t '|' form, sorted.
norm_rows() {
	grep -v '^#' | grep -v '^$' |
	awk -F'|' '{ out = ""; for (i = 2; i <= NF; i++) { gsub(/^ +| +$/, "", $i); out = out (i > 2 ? "|" : "") $i } print out }' |
	sort
}

# perf_agrees FILE SORT [args...]: pmukvm and perf report give the same
# sample count for every row of --sort SORT.
perf_agrees() {
	local f=$1 sort=$2; shift 2
	perf report -i "$f" --stdio --sort "$sort" -n -t '|' "$@" 2>"$TMP/perf.err" | norm_rows >"$TMP/perf.rows"
	$PMUKVM report -i "$f" --stdio --sort "$sort" -n -t '|' "$@" 2>"$TMP/pmukvm.err" | norm_rows >"$TMP/pmukvm.rows"
	[ -s "$TMP/perf.rows" ] || { cat "$TMP/perf.err"; fail "perf report printed no rows for $f"; }
	if ! diff -u "$TMP/perf.rows" "$TMP/pmukvm.rows" >"$TMP/rows.diff"; then
		head -n 60 "$TMP/rows.diff"
		fail "pmukvm and perf disagree on $f (--sort $sort)"
	fi
	echo "agree: $f --sort $sort: $(wc -l <"$TMP/perf.rows") rows"
}

# perf 6.1's own quirks, worked around here once for every test that
# compares with it.
#
# perf_record_no_exec FILE ARGS...: perf record ARGS into FILE (FILE "-:F":
# perf record -o - into F, pipe mode), recorded again while FILE holds
# samples under the comm "perf-exec" (taken in perf's fork before the
# exec). perf report and perf diff size the command column by each
# thread's last comm, so such samples print as "perf-ex" where the
# command ends as a shorter name; pmukvm prints the whole name (a known
# difference, in pmukvm-report(1) and pmukvm-diff(1)). They came in about
# one recording in eight under load. Six tries, then the test fails.
# Returns 1 where perf record itself fails (the caller says what).
perf_record_no_exec() {
	local out=$1 try pipe=
	shift
	case $out in -:*) pipe=${out#-:} out=$pipe ;; esac
	for try in 1 2 3 4 5 6; do
		if [ -n "$pipe" ]; then
			perf record -o - "$@" 2>/dev/null >"$pipe" || return 1
		else
			perf record -o "$out" "$@" >/dev/null 2>&1 || return 1
		fi
		perf script -F comm -i "$out" 2>/dev/null | grep -q -E '^ *perf-exec *$' || return 0
		echo "note: ${out##*/}: samples under perf-exec; recording again ($try)"
	done
	fail "${out##*/}: samples under perf-exec in 6 recordings"
}

# perf_stable SUBCOMMAND ARGS...: perf SUBCOMMAND ARGS (report, script),
# read again until one answer has come twice; that answer goes to stdout,
# perf's messages to stderr. perf's DWARF unwinding has given different
# answers for one file under load (no graph for any row, or another
# graph, in about one run in ten; under two CI runs at once on two cores,
# four readings in a row each differed from the one before), which would
# fail an exact comparison with pmukvm; an answer perf gives twice is its
# answer for the file. Readings are compared whole but for the tip perf
# report prints without -q (one at random each time), each with every
# reading before it. Eight readings at most, then the test fails (said in
# its log, as are the rereadings). Returns 1 where perf itself fails.
perf_stable() {
	local try old
	for try in 1 2 3 4 5 6 7 8; do
		perf "$@" 2>"$TMP/stable.err" | grep -v '^# (Tip: ' >"$TMP/stable.$try"
		[ "${PIPESTATUS[0]}" = 0 ] || { cat "$TMP/stable.err" >&2; return 1; }
		for ((old = 1; old < try; old++)); do
			if cmp -s "$TMP/stable.$old" "$TMP/stable.$try"; then
				cat "$TMP/stable.$try"
				cat "$TMP/stable.err" >&2
				rm -f "$TMP"/stable.[0-9]
				return 0
			fi
		done
		[ $try = 1 ] ||
			echo "note: perf $(echo "$*" | cut -c1-100): reading $try differs from those before" >&"$LIB_LOG"
	done
	fail "perf $*: no answer came twice in 8 readings" >&"$LIB_LOG"
}

# put_u64 FILE OFFSET VALUE: writes VALUE as a little-endian u64 in place.
put_u64() {
	local f=$1 off=$2 v=$3 i esc=""
	for i in 0 1 2 3 4 5 6 7; do
		esc+=$(printf '\\x%02x' $(( (v >> (8 * i)) & 0xff )))
	done
	printf "$esc" | dd of="$f" bs=1 seek="$off" conv=notrunc status=none
}

# put_u16 FILE OFFSET VALUE
put_u16() {
	local esc
	esc=$(printf '\\x%02x\\x%02x' $(( $3 & 0xff )) $(( ($3 >> 8) & 0xff )))
	printf "$esc" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# get_u64 FILE OFFSET
get_u64() {
	od -An -t u8 -j "$2" -N 8 "$1" | tr -d ' '
}

# expect_clean_error DESC CMD...: the command fails with one clear message
# (exit 1..127, or 129 for usage errors; no sanitizer report, no crash).
expect_clean_error() {
	local desc=$1; shift
	"$@" >"$TMP/out" 2>"$TMP/err"
	local rc=$?
	if [ $rc -eq 0 ]; then cat "$TMP/out" | head -5; fail "$desc: exit 0, expected an error"; fi
	if [ $rc -gt 129 ] || [ $rc -eq 128 ]; then cat "$TMP/err"; fail "$desc: crashed (exit $rc)"; fi
	if grep -q -E "Sanitizer|runtime error" "$TMP/err"; then cat "$TMP/err"; fail "$desc: sanitizer report"; fi
	grep -q "^pmukvm: " "$TMP/err" || { cat "$TMP/err"; fail "$desc: no 'pmukvm:' message"; }
	echo "ok: $desc: $(grep '^pmukvm: ' "$TMP/err" | head -1)"
}

# sanitized: $PMUKVM is a sanitizer build (whose peak RSS is the
# sanitizer's shadow memory and quarantine, not pmukvm's).
sanitized() {
	ldd "$PMUKVM" 2>/dev/null | grep -q -E "libasan|libubsan|libtsan"
}

# sym_addr ELF SYMBOL OFFSET: SYMBOL's address in ELF (nm) plus OFFSET, in
# hex; nothing when ELF has no such symbol.
sym_addr() {
	local a
	a=$(nm "$1" | awk -v n="$2" '$3 == n { print $1 }')
	[ -n "$a" ] && printf '%x' $((0x$a + $3))
}

# objs_program: builds $TMP/objs, a small non-PIE program for files of
# mkcrafted objects (functions work and loop, arrays table_a and table_b
# in .data), and mkcrafted. Skips without a C compiler or a non-PIE link.
# Then objs_addr SYM OFF is SYM's address plus OFF, and objs_hdr OFF an
# address OFF into the ELF header of its first PT_LOAD, where no symbol
# is (both hex).
objs_program() {
	local s cc=${CC:-cc}
	command -v "$cc" >/dev/null 2>&1 || skip "no C compiler ($cc)"
	make -s --no-print-directory "$TOOLS/mkcrafted" >/dev/null || fail "cannot build mkcrafted"
	cat > "$TMP/objs.c" <<'C'
int table_a[256] = { 1 };
char table_b[512] = { 2 };
__attribute__((noinline)) int work(int i) { return table_a[i & 255] + table_b[i & 511]; }
__attribute__((noinline)) int loop(int n) { int s = 0; for (int i = 0; i < n; i++) s += work(i); return s; }
int main(int argc, char **argv) { (void)argv; return loop(argc * 1000) & 1; }
C
	"$cc" -O1 -fno-pie -no-pie -o "$TMP/objs" "$TMP/objs.c" || skip "$cc cannot link a non-PIE program"
	for s in table_a table_b work loop; do
		[ -n "$(objs_addr $s 0)" ] || fail "no symbol $s in the test program"
	done
	OBJS_LOAD=$(readelf -lW "$TMP/objs" | awk '$1 == "LOAD" { print $3; exit }')
	[ -n "$OBJS_LOAD" ] || fail "no PT_LOAD in the test program"
}
objs_addr() { sym_addr "$TMP/objs" "$@"; }
objs_hdr() { printf '%x' $((OBJS_LOAD + $1)); }

# peak CMD...: the peak RSS in kB of CMD, which must succeed (its output
# in $TMP/out and $TMP/err).
peak() {
	/usr/bin/time -f '%M' -o "$TMP/time" "$@" >"$TMP/out" 2>"$TMP/err" ||
		{ cat "$TMP/err"; fail "$*: exit $?"; }
	tail -n1 "$TMP/time"
}

# within DESC KB CMD...: CMD's peak RSS is at most KB above $floor (set it
# with floor=$(peak $PMUKVM --version)). In a sanitizer build CMD only runs.
within() {
	local desc=$1 kb=$2 m; shift 2
	m=$(peak "$@")
	if sanitized; then
		echo "ok: $desc: ran (a sanitizer build: no bound on its RSS)"
		return
	fi
	[ $((m - floor)) -le "$kb" ] || fail "$desc: peak RSS $m kB, $((m - floor)) kB above the floor (bound $kb kB)"
	echo "ok: $desc: $m kB ($((m - floor)) kB above the floor, bound $kb)"
}
