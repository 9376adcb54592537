# Helpers for the t20NN guest-data tests: sourced, not run. They build and
# find tests/tools/mkguestdata, find the guest fixture, run perf kvm report
# and turn its output and mkguestdata's expectation into one comparable
# shape: "LEVEL<TAB>DSO<TAB>SYMBOL<TAB>SAMPLES", sorted, one line per key.
#
# Exit codes of a test: 0 pass, 1 fail, 77 skip.

set -u

# awk: hexval(h), the low 48 bits of a 64-bit hex number (exact in awk's
# doubles). Prepend to a program: awk "$GG_AWK_HEXVAL"'...'.
# shellcheck disable=SC2034 # used by the tests
GG_AWK_HEXVAL='
	function hexval(h,   i, v) {
		h = tolower(h); sub(/^0x/, "", h)
		while (length(h) < 16) h = "0" h
		v = 0
		for (i = 5; i <= 16; i++) v = v * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
		return v
	}
'

gg_skip() { echo "SKIP: $*"; exit 77; }
gg_fail() { echo "FAIL: $*"; exit 1; }

GG_BUILD=build
GG_TOOL=$GG_BUILD/tools/mkguestdata

# Builds the tool with the Makefile's rule if it is missing or stale.
gg_build_tool() {
	make -s --no-print-directory "$GG_TOOL" >/dev/null || gg_fail "cannot build $GG_TOOL"
}

# The real guest's symbol files (see shared/fixtures/README.md).
gg_find_fixture() {
	local d
	for d in "${PMUKVM_FIXTURES:-}" shared/fixtures ../shared/fixtures /work/shared/fixtures; do
		if [ -n "$d" ] && [ -r "$d/guest-6.1/kallsyms.gz" ] && [ -r "$d/guest-6.1/modules" ]; then
			GG_FIX=$d/guest-6.1
			return 0
		fi
	done
	gg_skip "guest-6.1 fixture not found (set PMUKVM_FIXTURES)"
}

gg_need_perf() {
	command -v perf >/dev/null 2>&1 || gg_skip "perf is not installed"
	# with no subcommand perf kvm prints its usage; without kvm support, not
	perf kvm 2>&1 | grep -q 'perf kvm' || gg_skip "perf has no kvm command"
	GG_PERF_VERSION=$(perf --version 2>/dev/null | sed -n 's/^perf version //p')
}

# True when the perf found is the 6.1 series whose quirks the tests document.
gg_perf_is_61() {
	case "${GG_PERF_VERSION:-}" in 6.1.*) return 0 ;; *) return 1 ;; esac
}

# A scratch directory removed on exit; perf needs the kallsyms unzipped.
gg_setup() {
	[ -f tests/tools/mkguestdata.c ] || gg_fail "run from the repository root"
	gg_build_tool
	gg_find_fixture
	GG_TMP=$(mktemp -d "${TMPDIR:-/tmp}/pmukvm-guestgen.XXXXXX") || gg_fail "mktemp"
	trap 'rm -rf "$GG_TMP"' EXIT
	gzip -dc "$GG_FIX/kallsyms.gz" > "$GG_TMP/kallsyms" || gg_fail "cannot unzip kallsyms"
	# shellcheck disable=SC2034 # used by the tests
	GG_KALLSYMS=$GG_TMP/kallsyms
	# shellcheck disable=SC2034
	GG_MODULES=$GG_FIX/modules
}

# gg_generate OUT EXPECT MKGUESTDATA-OPTIONS...: a file of the default guest
# on the fixture (after gg_setup), with its expectation in EXPECT.
gg_generate() {
	local out=$1 exp=$2; shift 2
	"$GG_TOOL" -o "$out" --expect "$exp" --guest "0:$GG_FIX/kallsyms.gz:$GG_MODULES" "$@" \
		>/dev/null || gg_fail "mkguestdata $* failed"
}

# gg_perf_counts OUT PERF-KVM-OPTIONS... -- REPORT-OPTIONS...
# Runs `perf kvm OPTS report REPORT-OPTS --stdio --sort dso,sym -n` with a
# tab separator and writes LEVEL, DSO, SYMBOL, SAMPLES per line to OUT,
# summed per key (perf keeps same-named symbols at different addresses on
# separate lines). perf's stderr goes to OUT.err.
gg_perf_counts() {
	local out=$1; shift
	local kvm=() rep=()
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do kvm+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	rep=("$@")
	perf kvm "${kvm[@]}" report "${rep[@]}" --stdio --sort dso,sym -n -t "$(printf '\t')" \
		> "$out.raw" 2> "$out.err" || { cat "$out.err"; gg_fail "perf kvm report failed"; }
	gg_counts "$out.raw" > "$out"
}

# gg_counts RAW: a `report --sort dso,sym -n -t TAB` output (perf's or
# pmukvm's) as LEVEL, DSO, SYMBOL, SAMPLES lines, summed per key, sorted.
gg_counts() {
	awk -F'\t' '
		$1 ~ /%/ && NF >= 4 {
			dso = $3; gsub(/^ +| +$/, "", dso)
			sym = $4; sub(/ +$/, "", sym)
			lvl = substr(sym, 1, 3); sym = substr(sym, 5)
			n = $2; gsub(/ /, "", n)
			cnt[lvl "\t" dso "\t" sym] += n
		}
		END { for (k in cnt) print k "\t" cnt[k] }' "$1" | LC_ALL=C sort
}

# gg_expect_counts EXPECT MACHINE MODES... -> LEVEL DSO SYMBOL SAMPLES lines
# for the guest kernel/module modes given, in gg_perf_counts' shape.
gg_expect_counts() {
	local exp=$1 machine=$2; shift 2
	awk -F'\t' -v m="$machine" -v modes=" $* " '
		!/^#/ && $1 == m && index(modes, " " $2 " ") { print "[g]\t" $3 "\t" $4 "\t" $5 }
	' "$exp" | LC_ALL=C sort
}

# gg_diff WANT GOT: diff -u, showing at most 30 lines of it.
gg_diff() {
	diff -u "$1" "$2" > "$2.diff" && return 0
	head -30 "$2.diff"
	return 1
}

# gg_total EXPECT NAME -> the "#total NAME" count.
gg_total() {
	awk -F'\t' -v n="$2" '$1 == "#total" && $2 == n { print $3 }' "$1"
}

# gg_sum COUNTS AWK-CONDITION -> summed SAMPLES of matching lines.
gg_sum() {
	awk -F'\t' "$2 { s += \$4 } END { print s + 0 }" "$1"
}

# gg_resolve KALLSYMS MODULES < "DSO<TAB>ADDR<TAB>COUNT" lines
# Maps raw guest module addresses back to symbols: ADDR is an offset into
# the module when DSO is a module's [name] (what perf prints when it has the
# map but no symbols), or a full address when DSO is [unknown] (no map at
# all). The symbol is the one of that module (any module for [unknown])
# with the largest start <= the address. Prints "[g]<TAB>[MODULE]<TAB>
# SYMBOL<TAB>COUNT" summed per key. Independent of both perf and the tool:
# a plain kallsyms lookup in awk.
gg_resolve() {
	local ks=$1 mods=$2
	awk -F'\t' -v KS="$ks" -v MODS="$mods" '
		function hexval(h,   i, v, c) {	# low 48 bits, exact in a double
			h = tolower(h); sub(/^0x/, "", h)
			while (length(h) < 16) h = "0" h
			h = substr(h, 5); v = 0
			for (i = 1; i <= 12; i++) {
				c = index("0123456789abcdef", substr(h, i, 1)) - 1
				v = v * 16 + c
			}
			return v
		}
		BEGIN {
			while ((getline l < MODS) > 0) {
				split(l, f, " "); base[f[1]] = hexval(f[6])
			}
			while ((getline l < KS) > 0) {
				if (l !~ /\t\[/)
					continue
				split(l, f, /[ \t]+/)
				mod = f[4]; gsub(/[\[\]]/, "", mod)
				n++; a[n] = hexval(f[1]); name[n] = f[3]; owner[n] = mod
			}
		}
		{
			mod = $1; gsub(/[\[\]]/, "", mod)
			ip = hexval($2)
			if (mod in base) ip += base[mod]; else mod = ""
			best = "?"; bestmod = "?"; bestaddr = -1
			for (i = 1; i <= n; i++)
				if (a[i] <= ip && a[i] > bestaddr && (mod == "" || owner[i] == mod)) {
					bestaddr = a[i]; best = name[i]; bestmod = owner[i]
				}
			cnt["[g]\t[" bestmod "]\t" best] += $3
		}
		END { for (k in cnt) print k "\t" cnt[k] }' | LC_ALL=C sort
}
