#!/bin/bash
# Guest samples in call-graph files: perf 6.1 record -g on a KVM host
# walks no guest stack (x86's callchain walkers store nothing in guest
# state), so a guest sample's chain is the host's context markers alone
# (mkguestdata --callchains writes it so). Every picture keeps the guest
# frame as the leaf right under its vCPU thread: --folded has
# "CPU_n/KVM;SYMBOL COUNT" for each guest function (not a bare
# "CPU_n/KVM COUNT"), with the counts of mkguestdata's expectation;
# --flamegraph has those frames; --pprof's stacks (go tool pprof) are the
# guest function alone; report -g agrees with perf kvm report -g on the
# rows (no path under them, Children = Self).
# shellcheck source=tests/shell/lib-guestgen.sh
. "$(dirname "$0")/lib-guestgen.sh"
gg_need_perf
gg_setup
PMUKVM=${PMUKVM:-./pmukvm}
f=$GG_TMP/g.data
gg_generate "$f" "$GG_TMP/expect" --callchains --seed 7 --vcpus 2 --kernel-samples 1500 \
	--module-samples 400 --user-samples 100 --kernel-symbols 24 --module-symbols 8
G=(--guestkallsyms="$GG_KALLSYMS" --guestmodules="$GG_MODULES")

# perf reads the chains as record -g writes them: a guest sample has none.
perf script -i "$f" -F comm,ip,sym 2>/dev/null >"$GG_TMP/script" ||
	gg_fail "perf script cannot read the --callchains file"
perf report -i "$f" --stdio --header-only 2>/dev/null | grep -q "sample_type.*CALLCHAIN" ||
	gg_fail "the file has no PERF_SAMPLE_CALLCHAIN"

# The expectation per guest function: "SYMBOL<TAB>COUNT", guest user as the
# folded name of its [guest.user] frame.
awk -F'\t' '!/^#/ && $1 == "0" {
	name = $2 == "guest-user" ? "[" $3 "]" : $4
	n[name] += $5
} END { for (k in n) print k "\t" n[k] }' "$GG_TMP/expect" | LC_ALL=C sort >"$GG_TMP/want"
[ -s "$GG_TMP/want" ] || gg_fail "empty expectation"

# --folded: comm;leaf COUNT, the leaf a guest function, summed per function.
"$PMUKVM" "${G[@]}" report -i "$f" --folded >"$GG_TMP/folded" 2>"$GG_TMP/err" ||
	{ cat "$GG_TMP/err"; gg_fail "report --folded failed"; }
if grep -q -v -E '^CPU_[0-9]+/KVM;[^;]+ [0-9]+$' "$GG_TMP/folded"; then
	grep -v -E '^CPU_[0-9]+/KVM;[^;]+ [0-9]+$' "$GG_TMP/folded" | head -5
	gg_fail "--folded: a guest stack is not vCPU;guest-function"
fi
awk '{ c = $NF; sub(/ [0-9]+$/, ""); sub(/^[^;]*;/, ""); n[$0] += c }
     END { for (k in n) print k "\t" n[k] }' "$GG_TMP/folded" | LC_ALL=C sort >"$GG_TMP/got"
gg_diff "$GG_TMP/want" "$GG_TMP/got" || gg_fail "--folded: guest functions differ from the expectation"
echo "ok: --folded: $(wc -l <"$GG_TMP/folded") vCPU;function stacks, $(wc -l <"$GG_TMP/want") functions as expected"

# --flamegraph: a frame per (vCPU, function), with the folded counts.
"$PMUKVM" "${G[@]}" report -i "$f" --flamegraph "$GG_TMP/g.svg" 2>"$GG_TMP/err" ||
	{ cat "$GG_TMP/err"; gg_fail "report --flamegraph failed"; }
python3 - "$GG_TMP/g.svg" "$GG_TMP/folded" <<'PY' || gg_fail "--flamegraph: guest frames differ from --folded"
import collections, re, sys
import xml.etree.ElementTree as ET
titles = [t.text for t in ET.parse(sys.argv[1]).iter('{http://www.w3.org/2000/svg}title')]
got = collections.Counter()
for t in titles:
    m = re.fullmatch(r'(.*) \((\d+) samples, [0-9.]+%\)', t or '')
    if m and not re.match(r'^(CPU \d+/KVM|CPU_\d+/KVM|all)$', m.group(1)):
        got[(m.group(1), int(m.group(2)))] += 1
want = collections.Counter()
for line in open(sys.argv[2]):
    stack, n = line.rsplit(' ', 1)
    want[(stack.split(';', 1)[1], int(n))] += 1
if got != want:
    print('svg:', sorted(got.items())[:5])
    print('folded:', sorted(want.items())[:5])
    sys.exit(1)
print('ok: --flamegraph: %d guest frames under the vCPU threads' % sum(got.values()))
PY

# --pprof: each stack is the guest function alone (Go's pprof reads it).
if command -v go >/dev/null 2>&1; then
	export HOME=${HOME:-$GG_TMP} GOCACHE=$GG_TMP/gocache GOFLAGS=-mod=mod
	"$PMUKVM" "${G[@]}" report -i "$f" --pprof "$GG_TMP/g.pb.gz" 2>"$GG_TMP/err" ||
		{ cat "$GG_TMP/err"; gg_fail "report --pprof failed"; }
	go tool pprof -traces "$GG_TMP/g.pb.gz" >"$GG_TMP/traces" 2>"$GG_TMP/err" ||
		{ cat "$GG_TMP/err"; gg_fail "go tool pprof cannot read the profile"; }
	python3 - "$GG_TMP/traces" "$GG_TMP/want" <<'PY' || gg_fail "--pprof: guest stacks differ"
import collections, re, sys
got = collections.Counter()
blocks = open(sys.argv[1]).read().split('-----------+')
for b in blocks[1:]:
    frames = [l for l in b.split('\n')[1:] if l.strip() and ':' not in l.split()[0]]
    if not frames:
        continue
    m = re.match(r'^\s+(\d+)\s+(.*)$', frames[0])
    assert m, frames
    assert len(frames) == 1, 'a guest stack with callers: %r' % frames
    got[m.group(2).strip()] += int(m.group(1)) // 100000
want = {l.split('\t')[0]: int(l.split('\t')[1]) for l in open(sys.argv[2])}
# pprof names an unresolved frame by its mapping
got = {('[[guest.user]]' if k.startswith('[guest.user]') or k == '<unknown>' else k): v
       for k, v in got.items()}
if got != want:
    print('pprof:', sorted(got.items())[:6])
    print('want:', sorted(want.items())[:6])
    sys.exit(1)
print('ok: --pprof: %d guest functions, one frame each' % len(got))
PY
else
	echo "skip part: go (golang-go) is not installed: --pprof not checked"
fi

# report -g: the rows perf kvm report -g shows, no path under a guest row,
# and Children equal to Self (nothing calls through them).
rows() {
	grep -v '^#' | awk -F'|' 'NF >= 5 { for (i = 1; i <= NF; i++) gsub(/^ +| +$/, "", $i)
		if ($1 != $2) bad = 1; print $3 "|" $4 "|" $5 } END { exit bad }' | grep '\[g\]' | sort
}
perf kvm "${G[@]}" report -i "$f" --stdio -n -t '|' -g --sort dso,sym 2>/dev/null |
	rows >"$GG_TMP/perf.rows" || gg_fail "perf kvm report -g: Children differs from Self"
"$PMUKVM" "${G[@]}" report -i "$f" --stdio -n -t '|' -g --sort dso,sym 2>/dev/null |
	rows >"$GG_TMP/pmukvm.rows" || gg_fail "report -g: Children differs from Self on a guest row"
[ -s "$GG_TMP/perf.rows" ] || gg_fail "perf kvm report -g printed no guest rows"
gg_diff "$GG_TMP/perf.rows" "$GG_TMP/pmukvm.rows" || gg_fail "report -g: rows differ from perf kvm's"
"$PMUKVM" "${G[@]}" report -i "$f" --stdio -q -g --sort dso,sym 2>/dev/null | grep -q -E -- '---|--[0-9.]+%--' &&
	gg_fail "report -g: a path under a guest row (perf shows none)"
echo "ok: report -g: $(wc -l <"$GG_TMP/perf.rows") guest rows as perf kvm report -g, no paths"
