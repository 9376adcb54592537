#!/bin/bash
# --symfs DIR: a recording from another machine, read with that machine's
# files copied under DIR, as perf's --symfs. A program recorded here is
# moved away from its path and put under DIR stripped, with its debug
# file by build-id under DIR/usr/lib/debug: its functions are named only
# with the debug file there, a changed copy is not trusted (perf 6.1 takes
# it), this machine's files outside DIR (libc, [vdso], the kernel's
# kallsyms, perf's build-id cache) are not used unless --kallsyms names
# the kernel's; against perf report --symfs on the same file each time.
# report -s srcline, -g and diff take it alike; a DIR that is not a
# directory is an error. Without --symfs, the debug file is found in
# perf's build-id cache too, as perf finds it.
. tests/lib.sh
need_perf
command -v objcopy >/dev/null 2>&1 || skip "no objcopy (binutils)"
export HOME=$TMP/home
fs=$TMP/fs
mkdir -p "$HOME" "$TMP/bin" "$fs$TMP/bin"
cp "$TOOLS/mtwork" "$TMP/bin/work"
# dd after it: kernel samples for certain
$PMUKVM record -q -g -e cpu-clock -F 999 -o "$TMP/w.data" -- sh -c "'$TMP/bin/work' 2 600 &&
	dd if=/dev/zero of=/dev/null bs=4k count=200000" >/dev/null 2>&1 || fail "record failed"
bid=$(perf buildid-list -i "$TMP/w.data" 2>/dev/null | awk -v p="$TMP/bin/work" '$2 == p { print $1 }')
[ ${#bid} -eq 40 ] || skip "no build-id recorded for the workload"
objcopy --only-keep-debug "$TMP/bin/work" "$TMP/work.debug" || fail "objcopy failed"
objcopy --strip-all "$TMP/bin/work" "$fs$TMP/bin/work" || fail "strip failed"
mv "$TMP/bin/work" "$TMP/work.orig"
rows() { $PMUKVM report -i "$TMP/w.data" --stdio --sort dso,sym -q --no-children "$@" 2>"$TMP/err"; }
named() { grep -E "\[\.\] spin_(math|memory)" "$TMP/out" >/dev/null; }

# The program gone from its path: unresolved, as perf.
rows >"$TMP/out" || fail "report failed"
named && fail "named with the program gone"
perf_agrees "$TMP/w.data" dso,sym --no-children
# Under DIR, stripped: its functions are not in .dynsym.
rows --symfs "$fs" >"$TMP/out" || fail "report --symfs failed"
named && fail "a stripped copy named the functions"
grep -q "cannot read '$fs/.*libc\.so\.6' (No such file or directory)" "$TMP/err" ||
	{ cat "$TMP/err"; fail "libc missing under DIR not said"; }
grep -q '|work|\|  work ' "$TMP/out" || grep -q 'work  *\[\.\] 0x' "$TMP/out" ||
	{ cat "$TMP/out"; fail "the program's rows are missing"; }
perf_agrees "$TMP/w.data" dso,sym --no-children --symfs "$fs"
# With its debug file by build-id under DIR.
mkdir -p "$fs/usr/lib/debug/.build-id/${bid:0:2}"
cp "$TMP/work.debug" "$fs/usr/lib/debug/.build-id/${bid:0:2}/${bid:2}.debug"
rows --symfs "$fs" >"$TMP/out" || fail "report --symfs failed"
named || { cat "$TMP/out"; fail "the debug file under DIR not used"; }
# this machine's libc is not DIR's: its rows unresolved
grep -E 'libc\.so\.6 +\[\.\] [a-z_]' "$TMP/out" && fail "this machine's libc used under --symfs"
grep -q '\[kernel\.kallsyms\] *\[k\] 0x' "$TMP/out" || fail "no kernel samples"
grep -q 'with --symfs, this machine.s kallsyms' "$TMP/err" ||
	{ cat "$TMP/err"; fail "no warning for the kernel under --symfs"; }
perf_agrees "$TMP/w.data" dso,sym --no-children --symfs "$fs"
perf_agrees "$TMP/w.data" dso,sym --no-children --symfs "$fs/"
perf_agrees "$TMP/w.data" dso,sym --no-children --symfs "$fs" --kallsyms /proc/kallsyms
# Source lines from the debug file under DIR.
$PMUKVM report -i "$TMP/w.data" --stdio --no-children --sort srcline -q --symfs "$fs" \
	>"$TMP/src" 2>/dev/null || fail "report -s srcline failed"
grep -q 'mtwork\.c:[0-9]' "$TMP/src" || { head "$TMP/src"; fail "no source lines under --symfs"; }
# Call graphs name the program's frames from DIR.
$PMUKVM report -i "$TMP/w.data" --stdio -g --no-children -q --symfs "$fs" >"$TMP/g" 2>/dev/null ||
	fail "report -g failed"
grep -q -E '(^|[ -])spin_(math|memory)' "$TMP/g" || fail "-g: frames not named under --symfs"
# diff takes it too.
$PMUKVM diff --symfs "$fs" "$TMP/w.data" "$TMP/w.data" >"$TMP/d" 2>/dev/null || fail "diff failed"
grep -q -E 'spin_(math|memory)' "$TMP/d" || { cat "$TMP/d"; fail "diff --symfs not used"; }
$PMUKVM diff "$TMP/w.data" "$TMP/w.data" >"$TMP/d" 2>/dev/null || fail "diff failed"
grep -q -E 'spin_(math|memory)' "$TMP/d" && fail "diff named the functions without --symfs"
# A copy under DIR that is another program: not trusted, and said so.
cp /bin/true "$fs$TMP/bin/work"
rows --symfs "$fs" >"$TMP/out" || fail "report --symfs failed"
grep -q "'$fs$TMP/bin/work' changed since recording" "$TMP/err" ||
	{ cat "$TMP/err"; fail "no warning naming DIR's copy"; }
named && fail "named from another program"
# (perf 6.1 takes DIR's copy without its build-id: it names these samples
# from /bin/true's symbols, far past their ends. Not compared.)
grep -q -E 'work +\[\.\] 0x' "$TMP/out" || { cat "$TMP/out"; fail "the samples are not unresolved"; }
# Without --symfs: the stripped program at its path, its debug file in
# perf's build-id cache (as perf record keeps it, .build-id/xx/REST/debug).
objcopy --strip-all "$TMP/work.orig" "$TMP/bin/work" || fail "strip failed"
rows >"$TMP/out" || fail "report failed"
named && fail "a stripped program named without its debug file"
mkdir -p "$HOME/.debug/.build-id/${bid:0:2}/${bid:2}"
cp "$TMP/work.debug" "$HOME/.debug/.build-id/${bid:0:2}/${bid:2}/debug"
rows >"$TMP/out" || fail "report failed"
named || { cat "$TMP/out"; fail "the debug file in perf's build-id cache not used"; }
perf_agrees "$TMP/w.data" dso,sym --no-children
# Another program's debug file there: not used (as perf).
objcopy --only-keep-debug "$TOOLS/mkcrafted" "$HOME/.debug/.build-id/${bid:0:2}/${bid:2}/debug" ||
	fail "objcopy failed"
rows >"$TMP/out" || fail "report failed"
named && fail "named from another program's debug file"
grep -q -E 'work +\[\.\] 0x' "$TMP/out" || { cat "$TMP/out"; fail "the samples are not unresolved"; }
perf_agrees "$TMP/w.data" dso,sym --no-children
expect_clean_error "--symfs that does not exist" $PMUKVM report -i "$TMP/w.data" --stdio \
	--symfs "$TMP/none"
grep -q "symfs '$TMP/none'" "$TMP/err" || fail "the error does not name the directory"
expect_clean_error "--symfs that is a file" $PMUKVM report -i "$TMP/w.data" --stdio \
	--symfs "$TMP/w.data"
expect_clean_error "diff --symfs that is a file" $PMUKVM diff --symfs "$TMP/w.data" \
	"$TMP/w.data" "$TMP/w.data"
echo "--symfs: DIR's copies used, this machine's files not; as perf"
