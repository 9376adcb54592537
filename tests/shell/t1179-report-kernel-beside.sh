#!/bin/bash
# report reads the host's kallsyms on a thread of its own from the first
# kernel sample and goes on delivering meanwhile; the kernel samples that
# come before it is read are held (one entry per thread, CPU and address)
# and counted once it is. They must count as waiting for it counts them:
# crafted host files (mkcrafted kernel) over a real kernel's kallsyms, with
# samples in functions, in module functions, in two data objects (whose
# rows perf names by their first sample's offset), a thread renamed
# between its samples, and periods that differ: rows equal to perf
# report's for several sort orders, and the whole output equal to
# --threads 2's (whose workers wait for kallsyms). A file with more
# distinct addresses than the holding keeps makes report wait for the
# rest, with the same result.
. tests/lib.sh
need_perf
need_fixtures

gzip -dc "$FIXTURES/guest-6.1/kallsyms.gz" >"$TMP/kallsyms"
# gen N SEED: the mkcrafted kernel lines of N function samples. The first
# is in the core kernel: perf 6.1 leaves a module sample that comes before
# every core kernel sample unresolved (it reads the module's symbols from
# kallsyms with the core kernel's), where pmukvm names its symbol.
gen() {
	python3 - "$TMP/kallsyms" "$FIXTURES/guest-6.1/modules" "$1" "$2" <<'EOF'
import sys
sys.path.insert(0, 'tests/shell')
import lib_kernel_lines
kern, n, rng = lib_kernel_lines.from_argv(sys.argv)
funcs, objs, mfuncs = kern.funcs, kern.objs, kern.mfuncs
print(kern.header())
threads = [(100, 100, 'kworker'), (200, 200, 'bash'), (200, 201, 'bash')]
for pid, tid, comm in threads:
    print('comm %d %d %s' % (pid, tid, comm))
# table_a: first +0x10, then +0x40, +0x8; table_b: +0x30 first
a, b = objs[len(objs) // 3], objs[2 * len(objs) // 3]
extra = {n // 5: a[0] + 0x10, n // 4: b[0] + 0x30, n // 3: a[0] + 0x40, n // 2: a[0] + 0x8,
         2 * n // 3: b[0] + 0x20}
for i in range(n):
    if i == n // 2:
        print('comm 200 201 bash2')
    pid, tid, _ = threads[rng.randrange(3)]
    if i in extra:
        ip = extra[i]
    elif i % 17 == 16 and mfuncs:
        s = mfuncs[rng.randrange(len(mfuncs))]
        ip = s[0] + rng.randrange(min(s[1], 0x100))
    else:
        s = funcs[rng.randrange(len(funcs))] if i % 3 else funcs[rng.randrange(40)]
        ip = s[0] + rng.randrange(min(s[1], 0x100))
    print('sample %x %d %d %d' % (ip, pid, tid, i % 2))
EOF
}

check() {
	local f=$1 srt
	for srt in comm,dso,sym dso,sym sym pid,sym cpu,comm,sym; do
		perf_agrees "$f" "$srt" --kallsyms "$TMP/kallsyms"
	done
	for srt in comm,dso,sym dso,sym; do
		$PMUKVM report -i "$f" --stdio --sort "$srt" --kallsyms "$TMP/kallsyms" \
			>"$TMP/plain.out" 2>&1 || fail "report --sort $srt failed"
		$PMUKVM report -i "$f" --stdio --sort "$srt" --kallsyms "$TMP/kallsyms" --threads 2 \
			>"$TMP/pool.out" 2>&1 || fail "report --threads 2 --sort $srt failed"
		diff -u "$TMP/pool.out" "$TMP/plain.out" >"$TMP/d" ||
			{ head -40 "$TMP/d"; fail "$f --sort $srt: held samples count apart from --threads 2"; }
	done
}

gen 6000 1 >"$TMP/small.lines" || fail "the generator failed"
"$TOOLS/mkcrafted" kernel "$TMP/small.data" <"$TMP/small.lines" || fail "mkcrafted kernel failed"
check "$TMP/small.data"
# the path taken: samples held (a file this small is delivered before a
# kallsyms copy of 95,000 lines is read), their rows as perf's
$PMUKVM report -v -i "$TMP/small.data" --stdio --kallsyms "$TMP/kallsyms" 2>"$TMP/v.err" \
	>"$TMP/v.out" || fail "report -v failed"
grep -E "kallsyms read beside: [1-9][0-9]* kernel samples held" "$TMP/v.err" ||
	{ cat "$TMP/v.err"; fail "no samples were held: not the path this test is for"; }
perf report -i "$TMP/small.data" --stdio --kallsyms "$TMP/kallsyms" --sort sym 2>/dev/null |
	grep -E '\[k\] [a-z0-9_.]+\+0x10$' >/dev/null || fail "perf names no data object by offset 0x10"
grep -c "bash2" "$TMP/v.out" >/dev/null || fail "no row of the renamed thread"

# More distinct addresses than are held (16,384): report waits, then counts.
gen 40000 2 >"$TMP/wide.lines" || fail "the generator failed"
"$TOOLS/mkcrafted" kernel "$TMP/wide.data" <"$TMP/wide.lines" || fail "mkcrafted kernel failed"
check "$TMP/wide.data"
echo "PASS: kernel samples held while kallsyms is read count as perf counts them"
