#!/bin/bash
# The order of rows, line for line as perf report prints it (the other
# report tests compare rows of equal overhead in any order):
# - --children with -g: rows of equal Children and the same thread (their
#   first sample's) put the caller first, by the most frames a path gave
#   them (perf's callchain max_depth); that compare is not an order, so
#   the rows go down a red-black tree in perf's table order as perf's do;
# - -F: the rows sort by the columns given, in turn (after --sort's keys
#   where it is given), not by overhead first; -F +FIELDS adds columns
#   after the default ones;
# - a key a one-item --comms/--dsos/--symbols list elides is passed over
#   by the sort, as perf's (which rows land where, in the tree);
# - rows without a DSO ([unknown]) after the named ones; --sort pid with
#   the samples of no thread (-1) first among equals;
# - paths of equal value under one frame: in one DSO the higher start
#   first. (Not fractal: perf 6.1 prints its "[...]" line with or without
#   " (inlined)", from memory it never set.)
# - perf's defaults for a file with callchains: paths without -g (caller
#   order with Children, callee without), --percent-limit leaving out the
#   paths under it too unless a later -g sets their minimum; for a stream
#   (-i -), whose events are known only as it is read: paths without
#   Children, callers first unless --no-children, and -g on a stream
#   without callchains plain rows, not an error.
# Crafted -g files (mkcrafted kernel-g): kernel chains through functions
# of a real kallsyms in two commands, four threads and samples of pid -1,
# user samples at addresses no map covers. Each option set fails with the
# binary before these changes.
. tests/lib.sh
need_perf
need_fixtures

gzip -dc "$FIXTURES/guest-6.1/kallsyms.gz" >"$TMP/kallsyms"
# gen N SEED FRESH: the lines of a file of N samples; FRESH 1: a new random
# path for each (few samples a row: many rows of equal Children), 0: paths
# from a fixed set with shared callers.
gen() {
	python3 - "$TMP/kallsyms" "$FIXTURES/guest-6.1/modules" "$1" "$2" "$3" <<'PY'
import sys
sys.path.insert(0, 'tests/shell')
import lib_kernel_lines
kern, n, rng = lib_kernel_lines.from_argv(sys.argv[:5])
fresh = sys.argv[5] == '1'
KCTX, UCTX = 'ffffffffffffff80', 'fffffffffffffe00'
print(kern.header())
threads = [(200, 200, 'app'), (200, 201, 'app'), (300, 300, 'other'), (300, 301, 'other')]
for pid, tid, name in threads:
    print('comm %d %d %s' % (pid, tid, name))
threads.append((4294967295, 4294967295, None))    # samples of no thread (pid -1)
f = [kern.funcs[rng.randrange(len(kern.funcs))] for _ in range(10)]
# outermost caller first
paths = [[0, 1, 2], [0, 1, 2, 3], [0, 1, 2, 4], [5, 6, 7], [5, 6, 7, 8], [9, 5, 6, 7],
         [0, 1, 2, 9], [0, 1], [5, 6], [3, 4, 8], [3, 4]]
for i in range(n):
    pid, tid, _ = threads[rng.randrange(len(threads))]
    cpu = rng.randrange(2)
    if rng.randrange(6):
        if fresh:
            p = rng.sample(range(10), rng.randrange(1, 7))
        else:
            p = paths[rng.randrange(len(paths))]
        ips = [f[k][0] + rng.randrange(min(f[k][1], 0x80)) for k in reversed(p)]
        chain = [KCTX] + ['%x' % a for a in ips]
        print('sample %x %d %d %d %s' % (ips[0], pid, tid, cpu, ' '.join(chain)))
    else:
        x = 0x7000 + 0x40 * rng.randrange(5)
        print('usample %x %d %d %d %s %x' % (x, pid, tid, cpu, UCTX, x))
PY
}

# exact FILE ROWS_ONLY OPTIONS...: perf's and pmukvm's -q output the same,
# line for line (ROWS_ONLY 1: the rows' lines only, not the call paths).
# FILE.pipe, where there is one, is read as a stream (-i -).
exact() {
	local f=$1 rows=$2 src=$TMP/$1.data in=/dev/null
	shift 2
	if [ -e "$TMP/$f.pipe" ]; then
		src=-
		in=$TMP/$f.pipe
	fi
	perf report -i "$src" --stdio --no-inline -q --kallsyms "$TMP/kallsyms" "$@" <"$in" \
		>"$TMP/perf.raw" 2>"$TMP/err" || { cat "$TMP/err"; fail "$f: perf report $* failed"; }
	$PMUKVM report -i "$src" --stdio -q --kallsyms "$TMP/kallsyms" "$@" <"$in" \
		>"$TMP/ours.raw" 2>"$TMP/err" || { cat "$TMP/err"; fail "$f: pmukvm report $* failed"; }
	# blanks at the ends of lines, and perf's empty lines after the last row
	sed 's/ *$//; /^$/d' "$TMP/perf.raw" >"$TMP/perf.txt"
	sed 's/ *$//; /^$/d' "$TMP/ours.raw" >"$TMP/ours.txt"
	if [ "$rows" = 1 ]; then
		grep -E '^ +[0-9.]+%' "$TMP/perf.txt" >"$TMP/perf.rows"
		grep -E '^ +[0-9.]+%' "$TMP/ours.txt" >"$TMP/ours.rows"
		mv "$TMP/perf.rows" "$TMP/perf.txt"
		mv "$TMP/ours.rows" "$TMP/ours.txt"
	fi
	[ -s "$TMP/perf.txt" ] || fail "$f: perf report $* printed nothing"
	diff -u "$TMP/perf.txt" "$TMP/ours.txt" | head -30
	cmp -s "$TMP/perf.txt" "$TMP/ours.txt" || fail "$f: report $*: the order differs from perf's"
	echo "ok: $f: $*: $(wc -l <"$TMP/perf.txt") lines"
}

gen 400 3 0 >"$TMP/paths.lines" || fail "the generator failed"
"$TOOLS/mkcrafted" kernel-g "$TMP/paths.data" <"$TMP/paths.lines" || fail "mkcrafted failed"
for o in "-g caller" "-g callee"; do
	for srt in comm,dso,sym dso,sym sym pid,sym; do
		exact paths 0 $o --sort $srt
	done
done
exact paths 0 --no-children -g caller
# no -g: perf's default for a file with callchains
exact paths 0
exact paths 0 --no-children
exact paths 0 --sort dso,sym --percent-limit 3
exact paths 0 -g caller --percent-limit 3
exact paths 0 --percent-limit 3 -g graph,1,callee
exact paths 0 -g graph,0,caller
exact paths 0 --no-children -g graph,0,callee
exact paths 0 --children -g none --sort pid,dso
exact paths 0 --children -g none --sort sym
exact paths 0 --no-children -g none --sort pid,sym
# a stream: paths, Children off (callers first unless --no-children)
perf inject -i "$TMP/paths.data" -o - >"$TMP/stream.pipe" 2>"$TMP/err" ||
	{ cat "$TMP/err"; fail "perf inject to a stream failed"; }
exact stream 0
exact stream 0 --no-children
exact stream 0 -g
exact stream 0 --children --sort dso,sym
exact stream 0 -g none
grep -q '^ *|' "$TMP/ours.raw" && fail "stream -g none: paths shown"
# a stream without callchains: -g is no error there, as perf's
"$TOOLS/mkcrafted" maps-desc "$TMP/flat.data" 300 || fail "mkcrafted failed"
perf inject -i "$TMP/flat.data" -o - >"$TMP/flat-stream.pipe" 2>"$TMP/err" ||
	{ cat "$TMP/err"; fail "perf inject to a stream failed"; }
exact flat-stream 0
exact flat-stream 0 -g
# -F: the columns' order (dso: [unknown] after the named ones)
exact paths 0 --no-children -g none -F comm,overhead
exact paths 0 --no-children -g none -F dso,comm,sample
exact paths 0 --no-children -g none -F overhead_sys,overhead_us,comm
exact paths 0 --no-children -g none -F dso,overhead -s comm
exact paths 0 --children -g none -F overhead,comm,dso,sym
# a call path's first frame is printed with -F, whatever key leads
exact paths 0 -g caller -F sym,overhead
# -F +FIELDS: the default columns and order, the keys added group
exact paths 0 --no-children -g none -F +period,pid -n
exact paths 0 -g caller -F +sample,overhead_sys
# files of few samples a row, many rows of equal Children: the tree's
# order (10:17, 20:17 fail where the rows are sorted as if it were an
# order; 10:6 with --comms other where the elided comm is compared)
for ns in 10:17 20:17 30:3 10:6; do
	f=fresh${ns/:/_}
	gen "${ns%:*}" "${ns#*:}" 1 >"$TMP/$f.lines" || fail "the generator failed"
	"$TOOLS/mkcrafted" kernel-g "$TMP/$f.data" <"$TMP/$f.lines" || fail "mkcrafted failed"
	for o in "-g caller" "-g callee"; do
		exact "$f" 1 $o
		exact "$f" 1 $o --sort dso,sym
	done
	# a one-item --comms: its column elided, perf's sort passes over it
	exact "$f" 1 -g caller --comms app
	exact "$f" 1 -g callee --comms other
	# and every path (one sample each: many of equal value under a frame)
	exact "$f" 0 -g graph,0,caller
	exact "$f" 0 -g graph,0,callee --sort dso,sym
	exact "$f" 0 -g graph,0,callee --no-children
done
# --children without paths drawn (-g none), rows with and without a
# symbol in several DSOs (kernel, modules, a map of a file that is not
# there, addresses no map covers; samples of one period): rows of equal
# Children and Self in perf's table order, an unmapped address's row in
# its first sample's mode (not the mode of the row the sample counts in),
# a module symbol's column as wide as perf makes it. Each seed fails
# with the binary before these changes; the seeds are ones where perf's
# table does not split a symbol's row in two (pmukvm keeps one).
genmix() {
	python3 - "$TMP/kallsyms" "$FIXTURES/guest-6.1/modules" "$1" "$2" <<'PY'
import sys
sys.path.insert(0, 'tests/shell')
import lib_kernel_lines
kern, n, rng = lib_kernel_lines.from_argv(sys.argv[:5])
KCTX, UCTX = 'ffffffffffffff80', 'fffffffffffffe00'
print(kern.header())
print('comm 200 200 app')
# short name "[mid].so": between the modules' names, as [vdso] is between a host's DSOs'
print('mmap 200 200 7f0000000000 10000 0 /nonexistent/[mid].so')
# addresses ending in 00: mkcrafted's periods vary with the low byte
fits = [(a + (-a & 0xff), s) for a, l, s in kern.funcs if (-a & 0xff) < l]
mfits = [(a + (-a & 0xff), s) for a, l, s in kern.mfuncs if (-a & 0xff) < l]
f = [fits[rng.randrange(len(fits))] for _ in range(4)] + \
    [mfits[rng.randrange(len(mfits))] for _ in range(2)]
for i in range(n):
    k = [f[j][0] for j in rng.sample(range(4), rng.randrange(0, 3))]
    if k and rng.randrange(2):
        k.append(f[4 + rng.randrange(2)][0])    # a module's function, a caller only
    u = [rng.choice([0x7f0000000100 + 0x100 * rng.randrange(4), 0x6000 + 0x100 * rng.randrange(4),
                     0x7fff00000000 + 0x100 * rng.randrange(3), 0])
         for _ in range(rng.randrange(1, 3))]
    if k:
        chain = [KCTX] + ['%x' % a for a in k] + [UCTX] + ['%x' % a for a in u]
        print('sample %x 200 200 0 %s' % (k[0], ' '.join(chain)))
    else:
        chain = [UCTX] + ['%x' % a for a in u]
        print('usample %x 200 200 0 %s' % (u[0], ' '.join(chain)))
PY
}
for ns in 6:16 12:13 24:33 12:38 24:4 6:21; do
	f=mix${ns/:/_}
	genmix "${ns%:*}" "${ns#*:}" >"$TMP/$f.lines" || fail "the generator failed"
	"$TOOLS/mkcrafted" kernel-g "$TMP/$f.data" <"$TMP/$f.lines" || fail "mkcrafted failed"
	exact "$f" 1 --children -g none --sort sym
	exact "$f" 1 --children -g none -F overhead,sym
	exact "$f" 1 --children -g none --sort sym,comm
	exact "$f" 1 --children -g none --sort sym,dso
done

# --json takes paths only as asked
$PMUKVM report -i "$TMP/paths.data" --json --kallsyms "$TMP/kallsyms" >"$TMP/json" ||
	fail "report --json failed"
grep -q '"children"\|"callchains"' "$TMP/json" && fail "--json without -g: paths or Children given"
$PMUKVM report -i "$TMP/paths.data" --json -g --kallsyms "$TMP/kallsyms" | grep -q '"callchains"' ||
	fail "--json -g: no paths"
echo "PASS: rows and paths in perf's order: --children -g, -F, [unknown], pid -1, equal paths, defaults, --children -g none"
