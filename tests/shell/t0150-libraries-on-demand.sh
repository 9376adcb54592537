#!/bin/bash
# Libraries that only some commands use are opened when first needed
# (util/dlib.h), not linked: pmukvm needs none of them to start, --version
# and report --stdio of a plain profile load none, the commands that need
# one load it (srcline: libdw, compressed files: libzstd, --call-graph
# dwarf: libunwind, tracing data: libtraceevent), and one that cannot be
# loaded, or lacks a function, is a message naming it, never a crash.
. tests/lib.sh
. tests/shell/lib-kvmstat.sh
need_perf
LATER='libslang|libtraceevent|libunwind|libdw[.-]|libbpf|libzstd|libprotobuf-c|libm[.-]|liblzma|libbz2'

readelf -d "$PMUKVM" | grep NEEDED >"$TMP/needed"
if grep -E "$LATER" "$TMP/needed"; then
	fail "$PMUKVM is linked with a library that only some commands use"
fi
echo "ok: linked: $(sed 's/.*\[\(.*\)\]/\1/' "$TMP/needed" | tr '\n' ' ')"

# loads NAME CMD...: CMD runs; the libraries ld.so loaded (by NEEDED or
# dlopen) go to $TMP/NAME.libs, one file name a line.
loads() {
	local name=$1; shift
	LD_DEBUG=files LD_DEBUG_OUTPUT="$TMP/$name.ld" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" ||
		{ cat "$TMP/$name.err"; fail "$name: $* failed"; }
	cat "$TMP/$name.ld".* | sed -n 's/^[[:space:]]*[0-9]*:[[:space:]]*file=\([^ ]*\) .*/\1/p' | sort -u >"$TMP/$name.libs"
	rm -f "$TMP/$name.ld".*
}

perf record -q -e cpu-clock -F 999 -o "$TMP/mt.data" -- "$TOOLS/mtwork" 2 1000 >/dev/null 2>&1 ||
	fail "perf record failed"
# What the link loads (its NEEDED and theirs: under ASan, libasan's libm).
ldd "$PMUKVM" | awk '{ print $1 }' | xargs -n1 basename | sort -u >"$TMP/ldd"
loads version $PMUKVM --version
loads report $PMUKVM report -i "$TMP/mt.data" --stdio
for n in version report; do
	if comm -23 "$TMP/$n.libs" "$TMP/ldd" | grep -E "$LATER"; then
		fail "$n loaded a library it does not use"
	fi
done
# Self time is mostly in libm and libc: any row of the workload will do.
grep -q -E "spin_(math|memory)|libm" "$TMP/report.out" || fail "report printed no row of mtwork or its libm"
echo "ok: --version and report --stdio load only $(tr '\n' ' ' <"$TMP/report.libs")"

loads srcline $PMUKVM report -i "$TMP/mt.data" --stdio -s srcline --dso mtwork
grep -q '^libdw.so.1$' "$TMP/srcline.libs" || fail "-s srcline did not load libdw"
grep -q 'mtwork.c:[0-9]' "$TMP/srcline.out" || fail "-s srcline printed no mtwork.c lines"
echo "ok: -s srcline loads libdw"

perf record -q --call-graph dwarf -e cpu-clock -F 499 -o "$TMP/dwarf.data" -- "$TOOLS/mtwork" 1 300 \
	>/dev/null 2>&1 || fail "perf record --call-graph dwarf failed"
loads dwarf $PMUKVM report -i "$TMP/dwarf.data" --stdio -g
grep -q '^libunwind-x86_64.so.8$' "$TMP/dwarf.libs" || fail "-g on a dwarf file did not load libunwind"
echo "ok: -g on a --call-graph dwarf file loads libunwind"

zstd=0
if perf record -q -z -e cpu-clock -F 999 -o "$TMP/z.data" -- "$TOOLS/mtwork" 1 300 >/dev/null 2>&1; then
	zstd=1
	loads z $PMUKVM report -i "$TMP/z.data" --stdio
	grep -q '^libzstd.so.1$' "$TMP/z.libs" || fail "a compressed file did not load libzstd"
	echo "ok: a compressed file loads libzstd"
fi

kvm=0
if [ -x "$KS_TOOL" ] && [ -f "$FIXTURES/guest-6.1/kallsyms.gz" ] &&
   { [ -r /sys/kernel/tracing/events/kvm/kvm_exit/format ] ||
     { mount -t tracefs nodev /sys/kernel/tracing >/dev/null 2>&1;
       [ -r /sys/kernel/tracing/events/kvm/kvm_exit/format ]; }; }; then
	kvm=1
	"$KS_TOOL" -o "$TMP/kvm.data" --kallsyms "$FIXTURES/guest-6.1/kallsyms.gz" --exits 200 ||
		fail "mkkvmstat failed"
	loads stat $PMUKVM -i "$TMP/kvm.data" stat report
	grep -q '^libtraceevent.so.1$' "$TMP/stat.libs" || fail "stat report did not load libtraceevent"
	echo "ok: stat report loads libtraceevent"
fi

# A library that is not one (junk under its soname, first in the search
# path) and one without the functions pmukvm needs (an empty one).
mkdir -p "$TMP/junk" "$TMP/empty"
for so in libdw.so.1 libunwind-x86_64.so.8 libzstd.so.1 libtraceevent.so.1; do
	echo "not a library" >"$TMP/junk/$so"
	echo 'int pmukvm_test_nothing;' | gcc -shared -fPIC -x c -o "$TMP/empty/$so" - ||
		fail "cannot build an empty library"
done

# no_crash DESC: the last run ($TMP/out, $TMP/err, $rc) did not crash.
no_crash() {
	if [ $rc -gt 128 ]; then cat "$TMP/err"; fail "$1: crashed (exit $rc)"; fi
	if grep -q -E "Sanitizer|runtime error" "$TMP/err"; then cat "$TMP/err"; fail "$1: sanitizer report"; fi
}

for d in junk empty; do
	why="cannot open shared object file|file too short|invalid ELF header|it has no 'dwfl_begin'"
	LD_LIBRARY_PATH=$TMP/$d $PMUKVM report -i "$TMP/mt.data" --stdio -s srcline \
		>"$TMP/out" 2>"$TMP/err"
	rc=$?
	no_crash "srcline without libdw ($d)"
	[ $rc -eq 0 ] || { cat "$TMP/err"; fail "srcline without libdw ($d): exit $rc"; }
	grep -q -E "^pmukvm: warning: cannot load libdw.so.1 \(for source lines\): .*: no source lines are read" \
		"$TMP/err" || { cat "$TMP/err"; fail "srcline without libdw ($d): no warning naming it"; }
	[ "$(grep -c 'cannot load' "$TMP/err")" = 1 ] || fail "srcline without libdw: warned more than once"
	grep -q -E "$why" "$TMP/err" || { cat "$TMP/err"; fail "the warning does not say why"; }
	grep -q -E '[0-9.]+%' "$TMP/out" || fail "srcline without libdw ($d): no rows"
	echo "ok: srcline without libdw ($d): $(head -1 "$TMP/err")"

	LD_LIBRARY_PATH=$TMP/$d $PMUKVM report -i "$TMP/dwarf.data" --stdio -g >"$TMP/out" 2>"$TMP/err"
	rc=$?
	no_crash "-g without libunwind ($d)"
	[ $rc -eq 0 ] || { cat "$TMP/err"; fail "-g without libunwind ($d): exit $rc"; }
	grep -q "^pmukvm: warning: cannot load libunwind-x86_64.so.8 (for DWARF unwinding): .*user stacks are not unwound" \
		"$TMP/err" || { cat "$TMP/err"; fail "-g without libunwind ($d): no warning naming it"; }
	grep -q -E '[0-9.]+%.*mtwork|libc' "$TMP/out" || fail "-g without libunwind ($d): no rows"
	echo "ok: -g without libunwind ($d): the sampled ips, and a warning"

	if [ $zstd = 1 ]; then
		expect_clean_error "a compressed file without libzstd ($d)" \
			env LD_LIBRARY_PATH="$TMP/$d" $PMUKVM report -i "$TMP/z.data" --stdio
		grep -q "cannot load libzstd.so.1 (for zstd compression)" "$TMP/err" ||
			{ cat "$TMP/err"; fail "the message does not name libzstd"; }
		grep -q "z.data.*record at 0x[0-9a-f]*: cannot set up zstd decompression" "$TMP/err" ||
			{ cat "$TMP/err"; fail "the message does not name the file and offset"; }
	fi
	if [ $kvm = 1 ]; then
		expect_clean_error "stat report without libtraceevent ($d)" \
			env LD_LIBRARY_PATH="$TMP/$d" $PMUKVM -i "$TMP/kvm.data" stat report
		grep -q "kvm.data: cannot load libtraceevent.so.1 (for tracepoint formats)" "$TMP/err" ||
			{ cat "$TMP/err"; fail "the message does not name the file and libtraceevent"; }
	fi
done
echo "ok: libraries load when used, and one that cannot is named"
