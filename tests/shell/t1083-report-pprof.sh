#!/bin/bash
# report --pprof: a gzipped profile.proto that Go's pprof reads
# (Debian's golang-go): `go tool pprof -traces` prints every stack with
# the count perf script gives, for frame-pointer and DWARF files and a
# file without callchains; the labels (comm, pid, tid, guest, vcpu, mode)
# and the mappings' build-ids are the recording's.
. tests/lib.sh
. tests/shell/lib-guest.sh
need_perf
command -v go >/dev/null 2>&1 || skip "go (golang-go) is not installed"
export HOME=${HOME:-$TMP} GOCACHE=$TMP/gocache GOFLAGS=-mod=mod

perf record -q -g -e cpu-clock -o "$TMP/fp.data" -- "$TOOLS/mtwork" 2 500 >/dev/null 2>&1 ||
	fail "perf record -g failed"
perf record -q --call-graph dwarf -e cpu-clock -o "$TMP/dwarf.data" -- "$TOOLS/mtwork" 2 300 \
	>/dev/null 2>&1 || fail "perf record --call-graph dwarf failed"
perf record -q -e cpu-clock -o "$TMP/flat.data" -- "$TOOLS/mtwork" 2 300 >/dev/null 2>&1 ||
	fail "perf record failed"

# traces.py PERF_SCRIPT PPROF_TRACES: (comm, pid, tid, stack) counts agree.
cat >"$TMP/traces.py" <<'PY'
import collections, re, sys
# A frame with no symbol: perf script's "[unknown]"; go tool pprof prints
# a location without a function as its address, or as its mapping's file
# name in brackets ("[libc.so.6]": a sample in a part of libc no symbol
# covers, about one recording in ten; "[[vdso]]" for the vdso, whose
# mapping name has brackets of its own).
def norm(f):
    f = re.sub(r'\+0x[0-9a-f]+$', '', f.strip())
    unknown = f in ('[unknown]', '<unknown>') or re.fullmatch(r'0x[0-9a-f]+|\[[^][ ]+\]|\[\[[^][ ]+\]\]', f)
    return '[unknown]' if unknown else f
want = collections.Counter()
head, frames = None, []
HEAD = re.compile(r'^\s*(\S.*?)\s+(-?\d+)/(-?\d+)\s')
for line in open(sys.argv[1], errors='replace'):
    line = line.rstrip('\n')
    m = HEAD.match(line) if not line.startswith('\t') else None
    if m:
        if head:
            want[(head, tuple(frames))] += 1
        head, frames = (m.group(1), int(m.group(2)), int(m.group(3))), []
        tail = re.match(r'\s+[0-9a-f]+\s+(\S.*?) \(\S*\)$', line[m.end() - 1:])
        if tail:    # no callchains: the sample's own frame on this line
            frames.append(norm(tail.group(1)))
    elif line.startswith('\t') and head:
        parts = line.split(None, 1)
        frames.append(norm(re.sub(r' \([^()]*\)$', '', parts[1]) if len(parts) > 1 else '[unknown]'))
if head:
    want[(head, tuple(frames))] += 1
got = collections.Counter()
labels, frames, count = {}, [], None
def flush():
    if count is not None:
        got[((labels['comm'], int(labels['pid']), int(labels['tid'])), tuple(frames))] += count
for line in open(sys.argv[2]):
    line = line.rstrip('\n')
    if line.startswith('-----------+'):
        flush()
        labels, frames, count = {}, [], None
        continue
    m = re.match(r'^\s*(\w+):\s+(.*)$', line)
    if m and count is None and not frames:
        labels[m.group(1)] = m.group(2).strip()
        continue
    m = re.match(r'^\s+(\d+)\s+(\S.*)$', line)
    if m and count is None and 'comm' in labels:
        count, frames = int(m.group(1)), [norm(m.group(2))]
        continue
    if count is not None and line.strip():
        frames.append(norm(line))
flush()
# go tool pprof -traces prints no sample without locations (perf script's
# empty stacks, where unwinding found no frame): compare the others.
for k in [k for k in want if not k[1]]:
    del want[k]
bad = [k for k in set(want) | set(got) if want[k] != got[k]]
for k in sorted(bad, key=str)[:8]:
    print('%s: %s: perf script %d, pprof %d' % (k[0], ' <- '.join(k[1]), want[k], got[k]))
print('%d stacks, %d samples; %d differ' % (len(want), sum(want.values()), len(bad)))
sys.exit(1 if bad or not want else 0)
PY

for f in fp dwarf flat; do
	$PMUKVM report -i "$TMP/$f.data" --pprof "$TMP/$f.pb.gz" 2>"$TMP/err" ||
		{ cat "$TMP/err"; fail "$f: --pprof failed"; }
	gzip -t "$TMP/$f.pb.gz" || fail "$f: not gzip"
	go tool pprof -traces -sample_index=samples "$TMP/$f.pb.gz" >"$TMP/$f.traces" 2>"$TMP/err" ||
		{ cat "$TMP/err"; fail "$f: go tool pprof cannot read it"; }
	# perf's DWARF unwinding can answer differently from one reading to the
	# next under load: there its answer is one it gives twice in a row
	# (tests/lib.sh, perf_stable).
	pread=perf
	[ $f = dwarf ] && pread=perf_stable
	$pread script -i "$TMP/$f.data" -F comm,pid,tid,ip,sym,dso --no-inline >"$TMP/$f.script" 2>/dev/null ||
		fail "$f: perf script failed"
	python3 "$TMP/traces.py" "$TMP/$f.script" "$TMP/$f.traces" >"$TMP/out" ||
		{ cat "$TMP/out"; fail "$f: pprof's stacks differ from perf script"; }
	echo "ok: $f: $(tail -n1 "$TMP/out")"
done

# The period column: cpu-clock in nanoseconds, summing to perf's total.
go tool pprof -raw "$TMP/fp.pb.gz" >"$TMP/raw" 2>/dev/null || fail "pprof -raw failed"
grep -q "^PeriodType: cpu-clock nanoseconds" "$TMP/raw" || { head "$TMP/raw"; fail "no period type"; }
grep -q "^Samples:" "$TMP/raw" && grep -q "samples/count cpu-clock/nanoseconds" "$TMP/raw" ||
	{ head "$TMP/raw"; fail "sample types are not samples/count and cpu-clock/nanoseconds"; }
want=$(perf report -i "$TMP/fp.data" --stdio 2>/dev/null | sed -n 's/^# Event count (approx.): //p' | head -1)
got=$(awk '/^Samples:/ { on = 1; next } /^Locations/ { on = 0 } on && $2 ~ /^[0-9]+:$/ { s += $2 + 0 } END { print s }' "$TMP/raw")
[ "$want" = "$got" ] || fail "period total: perf $want, pprof $got"
# Build-ids of the mappings are the recording's.
perf buildid-list -i "$TMP/fp.data" 2>/dev/null | grep mtwork >"$TMP/bid"
bid=$(cut -d' ' -f1 "$TMP/bid")
grep -A30 "^Mappings" "$TMP/raw" | grep "mtwork" | grep -q "$bid" ||
	{ grep -A10 "^Mappings" "$TMP/raw"; fail "mtwork's mapping lacks build-id $bid"; }
echo "ok: period total $got ns, build-id $bid"

# Guest labels: counts per (guest, mode) and vCPU labels, from mkguestdata.
if guest_fixture; then
	$G -o "$TMP/g.data" --expect "$TMP/g.exp" --carry-files --seed 9 --vcpus 3 \
		--guest "0:$K:$M" >/dev/null ||
		fail "mkguestdata failed"
	$PMUKVM --guest --host report -i "$TMP/g.data" --pprof "$TMP/g.pb.gz" 2>"$TMP/err" ||
		{ cat "$TMP/err"; fail "guest --pprof failed"; }
	go tool pprof -traces -sample_index=samples "$TMP/g.pb.gz" 2>/dev/null >"$TMP/g.traces" ||
		fail "pprof cannot read the guest profile"
	python3 - "$TMP/g.traces" "$TMP/g.exp" <<'PY' || fail "guest labels disagree with mkguestdata"
import collections, re, sys
modes, vcpus, guests, labels = collections.Counter(), set(), set(), {}
for line in open(sys.argv[1]):
    if line.startswith('-----------+'):
        labels = {}
        continue
    m = re.match(r'^\s*(\w+):\s+(.*)$', line)
    if m:
        labels[m.group(1)] = m.group(2).strip()
        continue
    m = re.match(r'^\s+(\d+)\s+\S', line)
    if m and 'mode' in labels:
        modes[labels['mode']] += int(m.group(1))
        if labels['mode'].startswith('guest'):
            vcpus.add(labels.get('vcpu'))
            guests.add(labels.get('guest'))
        labels = {}
tot = {l.split('\t')[1]: int(l.split('\t')[2]) for l in open(sys.argv[2]) if l.startswith('#total')}
want = {'guest kernel': tot['guest-kernel'] + tot['guest-module'], 'guest user': tot['guest-user'],
        'host kernel': tot['host-kernel'], 'host user': tot['host-user']}
assert dict(modes) == want, (dict(modes), want)
assert vcpus == {'0', '1', '2'}, vcpus
assert guests == {'guest 0'}, guests
print('modes %s, vcpus %s' % (dict(modes), sorted(vcpus)))
PY
	echo "ok: guest labels: modes, vcpus and guest agree with mkguestdata"
fi
expect_clean_error "--pprof into a missing directory" \
	$PMUKVM report -i "$TMP/fp.data" --pprof "$TMP/no/such/x.pb.gz"
