#!/bin/bash
# pmukvm's own stat columns, computed again here from perf script's
# decoding of the same file (an independent reader and model): per guest
# and exit reason the count, total, min, max, p50/p99/p99.9 (nearest rank)
# and log2 histogram of kvm_exit -> kvm_entry times (perf's pairing: a
# thread counts from its first kvm_entry); per vCPU thread its exits, wall
# time (first to last kvm event) and time outside the guest (every
# kvm_exit to the next kvm_entry).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-kvmstat.sh"
need_perf
need_kvm_files
command -v python3 >/dev/null || skip "no python3"
"$KS_TOOL" -o "$TMP/a.data" --kallsyms "$K" --exits 8000 \
	--guests 3 --seed 5 || fail "mkkvmstat failed"
perf script -i "$TMP/a.data" -F pid,tid,time,event,trace --ns >"$TMP/script" 2>/dev/null ||
	fail "perf script failed"
$PMUKVM -i "$TMP/a.data" stat report --json >"$TMP/json" || fail "--json failed"

python3 - "$TMP/script" "$TMP/json" <<'PY' || fail "pmukvm's columns differ from perf script's events"
import json, math, re, sys
durs, vc, th = {}, {}, {}
for line in open(sys.argv[1]):
    m = re.match(r'\s*(\d+)/(\d+)\s+(\d+)\.(\d{9}):\s+kvm:(kvm_\w+):\s*(.*)', line)
    if not m:
        continue
    pid, tid, t = int(m.group(1)), int(m.group(2)), int(m.group(3)) * 10**9 + int(m.group(4))
    ev, rest = m.group(5), m.group(6)
    s = th.setdefault(tid, {'rec': False, 'pend': None, 'exit': None})
    v = vc.setdefault(tid, {'pid': pid, 'first': t, 'last': t, 'exits': 0, 'out': 0})
    v['last'] = max(v['last'], t)
    if ev == 'kvm_exit':
        v['exits'] += 1
        s['exit'] = t
        if s['rec']:
            s['pend'] = (re.search(r'reason (\S+)', rest).group(1), t)
    elif ev == 'kvm_entry':
        if s['exit'] is not None:
            v['out'] += t - s['exit']
            s['exit'] = None
        if not s['rec']:
            s['rec'] = True
        elif s['pend']:
            r, t0 = s['pend']
            durs.setdefault((pid, r), []).append(t - t0)
            s['pend'] = None
bad = 0
rows = [json.loads(l) for l in open(sys.argv[2])]
got = {(r['pid'], r['key']): r for r in rows if r['kind'] == 'guest_key'}
if set(got) != set(durs):
    print('keys differ:', sorted(set(got) ^ set(durs))); sys.exit(1)
def rank(d, p):
    return d[max(1, min(len(d), math.ceil(p / 100 * len(d)))) - 1]
for k, d in durs.items():
    d.sort()
    r = got[k]
    hist = [0] * 64
    for x in d:
        hist[x.bit_length() - 1 if x else 0] += 1
    first = next(i for i, c in enumerate(hist) if c)
    last = max(i for i, c in enumerate(hist) if c)
    want = {'samples': len(d), 'time_ns': sum(d), 'min_ns': d[0], 'max_ns': d[-1],
            'p50_ns': rank(d, 50), 'p99_ns': rank(d, 99), 'p999_ns': rank(d, 99.9)}
    for f, w in want.items():
        if r[f] != w:
            print(k, f, 'pmukvm', r[f], 'expected', w); bad = 1
    if r['hist_log2_ns'] != {'first': first, 'counts': hist[first:last + 1]}:
        print(k, 'histogram', r['hist_log2_ns'], hist[first:last + 1]); bad = 1
vg = {r['tid']: r for r in rows if r['kind'] == 'vcpu'}
if set(vg) != set(vc):
    print('vCPU threads differ'); sys.exit(1)
for tid, v in vc.items():
    r = vg[tid]
    for f, w in (('pid', v['pid']), ('exits', v['exits']), ('wall_ns', v['last'] - v['first']),
                 ('outside_ns', v['out'])):
        if r[f] != w:
            print(tid, f, 'pmukvm', r[f], 'expected', w); bad = 1
print('%d guest keys, %d vCPU threads checked' % (len(durs), len(vc)))
sys.exit(bad)
PY
# the same numbers in the text form
$PMUKVM -i "$TMP/a.data" stat report --extended >"$TMP/txt" || fail "--extended failed"
grep -q '^Per guest (pmukvm)' "$TMP/txt" && grep -q '^Per vCPU (pmukvm)' "$TMP/txt" ||
	fail "--extended: tables missing"
python3 - "$TMP/json" "$TMP/txt" <<'PY' || fail "--extended's text differs from --json"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
txt = open(sys.argv[2]).read()
for r in rows:
    if r['kind'] == 'guest_key':
        line = '%8d %-16.16s %20s %10d %9.2f' % (r['pid'], r['guest'], r['key'], r['samples'],
                                                r['min_ns'] / 1000)
        if line not in txt:
            print('missing:', line); sys.exit(1)
PY
echo "ok: percentiles, histograms and vCPU shares agree with perf script's events"
