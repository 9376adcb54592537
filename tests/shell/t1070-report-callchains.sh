#!/bin/bash
# report -g: the call paths under each row. On files perf recorded with -g
# (one command; system-wide, kernel paths included) and with --call-graph
# dwarf (user stacks unwound with libunwind), and on the same two kinds
# pmukvm recorded: every (comm, path) count equals what perf script shows
# sample by sample, and each row's graph reads as perf report --no-children
# draws it (inlined frames aside: --no-inline).
. tests/lib.sh
need_perf

perf record -q -g -e cpu-clock -o "$TMP/one.data" -- "$TOOLS/mtwork" 2 1500 >/dev/null 2>&1 ||
	fail "perf record -g failed"
perf record -q -a -g -e cpu-clock -o "$TMP/all.data" -- "$TOOLS/mtwork" 2 1000 >/dev/null 2>&1 ||
	fail "perf record -a -g failed"
$PMUKVM record -q -g -o "$TMP/ours.data" -- "$TOOLS/mtwork" 2 1000 >/dev/null 2>&1 ||
	fail "pmukvm record -g failed"
perf record -q --call-graph dwarf -e cpu-clock -o "$TMP/dwarf.data" -- "$TOOLS/mtwork" 2 800 \
	>/dev/null 2>&1 || fail "perf record --call-graph dwarf failed"
$PMUKVM record -q --call-graph dwarf -o "$TMP/ours-dwarf.data" -- "$TOOLS/mtwork" 2 800 \
	>/dev/null 2>&1 || fail "pmukvm record --call-graph dwarf failed"

# paths.py PERF_SCRIPT_OUT PMUKVM_JSON: the two path counts agree.
cat >"$TMP/paths.py" <<'PY'
import collections, json, re, sys

def norm(name):
    # Unresolved frames: perf script says [unknown], pmukvm the address.
    return '[unknown]' if re.fullmatch(r'0|0x[0-9a-f]+|\[unknown\]', name) else name

want = collections.Counter()
comm, frames = None, []
for line in open(sys.argv[1], errors='replace'):
    line = line.rstrip('\n')
    if not line.strip():
        if comm is not None:
            want[(comm, tuple(frames))] += 1
        comm, frames = None, []
    elif line.startswith('\t'):
        parts = line.split(None, 1)
        frames.append(norm(parts[1].strip() if len(parts) > 1 else '[unknown]'))
    else:
        comm = line.strip()
if comm is not None:
    want[(comm, tuple(frames))] += 1

got = collections.Counter()
for line in open(sys.argv[2]):
    row = json.loads(line)
    for p in row['callchains']:
        got[(row['comm'], tuple(norm(f) for f in p['frames']))] += p['samples']

# A comm list (argv[3]): only those commands' paths are compared.
if len(sys.argv) > 3:
    keep = set(sys.argv[3].split(','))
    want = collections.Counter({k: v for k, v in want.items() if k[0] in keep})
    got = collections.Counter({k: v for k, v in got.items() if k[0] in keep})
bad = [(k, want[k], got[k]) for k in set(want) | set(got) if want[k] != got[k]]
for k, w, g in sorted(bad, key=str)[:10]:
    print('%s: %s: perf script %d, pmukvm %d' % (k[0], ' <- '.join(k[1]), w, g))
print('%d paths, %d samples; %d differ' % (len(want), sum(want.values()), len(bad)))
sys.exit(1 if bad or not want else 0)
PY

# graphs.py PERF_REPORT PMUKVM_REPORT: each row's graph block has the same
# lines (rows, and branches, of equal overhead may come in another order:
# rows are matched by their line, a block's lines compared as a multiset).
# Of sibling branches with the same percentage either may be drawn last
# (" --" instead of "|--"): for those the marker is not compared.
cat >"$TMP/graphs.py" <<'PY'
import collections, re, sys

BRANCH = re.compile(r'^( *)[| ]--([0-9.]+%)--')

def untie(block):
    ties = collections.Counter(m.groups() for m in map(BRANCH.match, block) if m)
    out = []
    for line in block:
        m = BRANCH.match(line)
        if m and ties[m.groups()] > 1:
            line = m.group(1) + '?' + line[len(m.group(1)) + 1:]
        out.append(line)
    return out

def blocks(path):
    out, row, block = {}, None, []
    for line in open(path, errors='replace'):
        line = line.rstrip()
        if line.startswith('#'):
            continue
        if line.startswith('  ') and '%' in line.split()[0] and not line.lstrip().startswith(('|', '-')):
            if row is not None and block:
                out.setdefault(row, []).append(block)
            row, block = line, []
        elif line and row is not None:
            block.append(line)
    if row is not None and block:
        out.setdefault(row, []).append(block)
    return {r: sorted(sum((untie(b) for b in bs), [])) for r, bs in out.items()}

want, got = blocks(sys.argv[1]), blocks(sys.argv[2])
bad = [r for r in set(want) | set(got) if want.get(r) != got.get(r)]
for r in bad[:3]:
    print('row: %s\nperf:\n%s\npmukvm:\n%s' % (r, '\n'.join(want.get(r, [])),
                                             '\n'.join(got.get(r, []))))
print('%d rows with graphs; %d differ' % (len(want), len(bad)))
sys.exit(1 if bad or not want else 0)
PY

# The system-wide file is compared on the workload and the idle task (user
# and kernel paths): whatever else ran on the machine meanwhile (compilers,
# binaries rebuilt since) is not this test's to judge.
for f in one all ours dwarf ours-dwarf; do
	comms=() pcomms=()
	[ $f = all ] && comms=(--comm mtwork,swapper) pcomms=(--comms mtwork,swapper)
	perf script -i "$TMP/$f.data" -F comm,ip,sym --no-inline >"$TMP/$f.script" 2>/dev/null ||
		fail "$f: perf script failed"
	$PMUKVM report -i "$TMP/$f.data" --json --no-children -g callee --call-graph-min 0 >"$TMP/$f.json" 2>"$TMP/err" ||
		{ cat "$TMP/err"; fail "$f: report --json -g failed"; }
	python3 "$TMP/paths.py" "$TMP/$f.script" "$TMP/$f.json" ${comms:+mtwork,swapper} >"$TMP/out" ||
		{ cat "$TMP/out"; fail "$f: call paths differ from perf script"; }
	echo "ok: $f: $(tail -n1 "$TMP/out")"
	for sort in comm,dso,sym sym; do
		perf report -i "$TMP/$f.data" --stdio --no-children --no-inline --sort $sort \
			"${pcomms[@]}" >"$TMP/perf.txt" 2>/dev/null ||
			fail "$f: perf report -g failed"
		$PMUKVM report -i "$TMP/$f.data" --stdio --no-children -g callee --sort $sort "${comms[@]}" \
			>"$TMP/ours.txt" 2>"$TMP/err" ||
			{ cat "$TMP/err"; fail "$f: report -g failed"; }
		python3 "$TMP/graphs.py" "$TMP/perf.txt" "$TMP/ours.txt" >"$TMP/out" ||
			{ cat "$TMP/out"; fail "$f: --sort $sort: graphs differ from perf report"; }
		echo "ok: $f: --sort $sort: $(tail -n1 "$TMP/out")"
	done
done

perf record -q -e cpu-clock -o "$TMP/flat.data" -- "$TOOLS/hotloop" >/dev/null 2>&1
expect_clean_error "-g on a file without callchains" $PMUKVM report -i "$TMP/flat.data" --stdio -g
grep -q "no callchains" "$TMP/err" || fail "the message does not say why"
# the browser shows call graphs (t5011); without a terminal it says so
expect_clean_error "-g --tui without a terminal" $PMUKVM report -i "$TMP/one.data" --tui -g
grep -q "terminal" "$TMP/err" || fail "-g --tui: the message does not say terminal"
expect_clean_error "bad --call-graph-min" $PMUKVM report -i "$TMP/one.data" --stdio -g --call-graph-min x
