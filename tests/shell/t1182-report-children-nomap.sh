#!/bin/bash
# --children rows of addresses no map covers: perf compares rows without a
# symbol by address alone, so a sample's own row at such an address joins
# the row a caller frame made there before at another level, and the
# first level seen names it (a frame under kernel frames takes the
# kernel's, one in a user chain '.'). Crafted -g files (mkcrafted
# kernel-g: kernel functions of a real kallsyms, user addresses in no
# map): kernel samples whose chains run into such addresses and
# user-mode samples at them, in both orders; rows and paths as perf
# report draws them under several sort keys and both graph orders.
. tests/lib.sh
need_perf
need_fixtures
. tests/shell/lib-callgraph.sh

gzip -dc "$FIXTURES/guest-6.1/kallsyms.gz" >"$TMP/kallsyms"
python3 - "$TMP/kallsyms" "$FIXTURES/guest-6.1/modules" 2000 7 >"$TMP/nomap.lines" <<'PY' ||
import sys
sys.path.insert(0, 'tests/shell')
import lib_kernel_lines
kern, n, rng = lib_kernel_lines.from_argv(sys.argv)
KCTX, UCTX = 'ffffffffffffff80', 'fffffffffffffe00'
print(kern.header())
for tid in (200, 201):
    print('comm 200 %d app' % tid)
kfun = [kern.funcs[rng.randrange(len(kern.funcs))] for _ in range(8)]
nomap = [0x7000 + 0x40 * i for i in range(6)]     # in no map
for i in range(n):
    tid = 200 + i % 2
    x = nomap[rng.randrange(len(nomap))]
    callers = ['%x' % nomap[rng.randrange(len(nomap))] for _ in range(rng.randrange(0, 3))]
    if rng.randrange(3):
        k = [kfun[rng.randrange(len(kfun))] for _ in range(rng.randrange(1, 4))]
        ips = [s[0] + rng.randrange(min(s[1], 0x80)) for s in k]
        chain = [KCTX] + ['%x' % a for a in ips] + [UCTX, '%x' % x] + callers
        print('sample %x 200 %d %d %s' % (ips[0], tid, i % 2, ' '.join(chain)))
    else:
        print('usample %x 200 %d %d %s' % (x, tid, i % 2,
                                           ' '.join([UCTX, '%x' % x] + callers)))
PY
	fail "the generator failed"
"$TOOLS/mkcrafted" kernel-g "$TMP/nomap.data" <"$TMP/nomap.lines" || fail "mkcrafted kernel-g failed"
f=nomap
for srt in comm,dso,sym dso,sym sym; do
	same --kallsyms "$TMP/kallsyms" --children -g none --sort "$srt"
	same --kallsyms "$TMP/kallsyms" --children -g graph,0,callee --sort "$srt"
	same --kallsyms "$TMP/kallsyms" --children -g graph,0,caller --sort "$srt"
	same --kallsyms "$TMP/kallsyms" --no-children -g graph,0,callee --sort "$srt"
done
echo "PASS: rows at addresses of no map join across levels as perf's do"
