#!/bin/bash
# report -g reads the host's kallsyms on a thread of its own too, as its
# plain path does: a sample with a kernel address (its own or a frame's)
# that comes before kallsyms is read is held, its frames resolved as the
# model then is, and counted once it is. Crafted -g files (mkcrafted
# kernel-g) over a real kernel's kallsyms: kernel-mode samples whose
# chains run through kernel and module functions into user frames,
# user-mode samples, a process renamed (an exec) between its samples
# (a held sample keeps the command it had), a kernel sample outside every
# kernel map whose callers are kernel functions (its row counted at once,
# its path held), a first held sample whose chain has no frames (run
# under UBSan: nothing copied from an empty list into none). Each graph
# must read as perf report -g draws it, for several sort orders and both
# orders of the graph; a file with more held frames than report keeps
# makes it wait, with the same result.
. tests/lib.sh
need_perf
need_fixtures
. tests/shell/lib-callgraph.sh

gzip -dc "$FIXTURES/guest-6.1/kallsyms.gz" >"$TMP/kallsyms"
# gen N SEED: the mkcrafted kernel-g lines of N samples.
gen() {
	python3 - "$TMP/kallsyms" "$FIXTURES/guest-6.1/modules" "$1" "$2" <<'EOF'
import sys
sys.path.insert(0, 'tests/shell')
import lib_kernel_lines
kern, n, rng = lib_kernel_lines.from_argv(sys.argv)
funcs, mfuncs, text = kern.funcs, kern.mfuncs, kern.text
KCTX, UCTX = 'ffffffffffffff80', 'fffffffffffffe00'
print(kern.header())
threads = [(100, 100, 'kworker'), (300, 300, 'oldname'), (300, 301, 'oldname')]
for pid, tid, comm in threads:
    print('comm %d %d %s' % (pid, tid, comm))
# a few hot kernel paths and user callers, so that paths repeat
kfun = [funcs[rng.randrange(len(funcs))] for _ in range(30)]
mfun = [mfuncs[rng.randrange(len(mfuncs))] for _ in range(6)] if mfuncs else []
ufun = [0x401000 + 0x40 * i for i in range(12)]
def at(s):
    return s[0] + rng.randrange(min(s[1], 0x80))
for i in range(n):
    if i == n // 2:
        print('comm 300 300 newname')
        print('comm 300 301 newname')
    pid, tid, _ = threads[rng.randrange(3)]
    user = [UCTX] + ['%x' % ufun[rng.randrange(12)] for _ in range(rng.randrange(1, 4))]
    if i % 5 == 4:
        ip = ufun[rng.randrange(12)] + rng.randrange(0x40)
        print('usample %x %d %d %d %s' % (ip, pid, tid, i % 2,
                                          ' '.join([UCTX, '%x' % ip] + user[1:])))
        continue
    k = [kfun[rng.randrange(len(kfun))] for _ in range(rng.randrange(1, 5))]
    if mfun and i % 7 == 3:
        k.insert(0, mfun[rng.randrange(len(mfun))])
    ips = [at(s) for s in k]
    if i % 41 == 40:
        ips.insert(0, text - 0x200000 + rng.randrange(0x100))   # in no map
    chain = [KCTX] + ['%x' % a for a in ips] + (user if tid != 100 else [])
    if i == 0:
        chain = [KCTX]      # the first sample held has no frames
    print('sample %x %d %d %d %s' % (ips[0], pid, tid, i % 2, ' '.join(chain)))
EOF
}

check() {
	local srt
	for srt in comm,dso,sym dso,sym sym; do
		# every path drawn (perf hides those under 0.5% of the total)
		same --kallsyms "$TMP/kallsyms" --no-children -g graph,0,callee --sort "$srt"
		same --kallsyms "$TMP/kallsyms" --no-children -g graph,0,caller --sort "$srt"
	done
}

gen 3000 1 >"$TMP/small.lines" || fail "the generator failed"
"$TOOLS/mkcrafted" kernel-g "$TMP/small.data" <"$TMP/small.lines" ||
	fail "mkcrafted kernel-g failed"
f=small check
# the path taken: samples held (a file this small is delivered before a
# kallsyms copy of 95,000 lines is read)
$PMUKVM report -v -i "$TMP/small.data" --stdio -g --no-children --kallsyms "$TMP/kallsyms" \
	2>"$TMP/v.err" >"$TMP/v.out" || fail "report -v failed"
grep -E "kallsyms read beside: [1-9][0-9]* kernel samples held" "$TMP/v.err" ||
	{ cat "$TMP/v.err"; fail "no samples were held: not the path this test is for"; }
grep -q 'oldname' "$TMP/v.out" || fail "no row of the command before the exec"
grep -q 'newname' "$TMP/v.out" || fail "no row of the command after the exec"

# More frames than are held (32,768): report waits, then counts.
gen 30000 2 >"$TMP/wide.lines" || fail "the generator failed"
"$TOOLS/mkcrafted" kernel-g "$TMP/wide.data" <"$TMP/wide.lines" ||
	fail "mkcrafted kernel-g failed"
f=wide check
echo "PASS: -g samples held while kallsyms is read count as perf counts them"
