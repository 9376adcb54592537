#!/bin/bash
# C++ symbol names are perf 6.1's: libiberty's demangler without
# parameters or return types by default ("ns::spin<unsigned long>"), with
# them under -v, mangled under --no-demangle. A C++ workload with
# templates, namespaces, overloads, operators and lambdas is recorded by
# perf and by pmukvm, and every row agrees with perf report on the same file.
. tests/lib.sh
need_perf
[ -x "$TOOLS/cxxnames" ] || skip "$TOOLS/cxxnames is not built (g++)"

perf record -q -e cpu-clock -F 1999 -o "$TMP/perf.data" -- "$TOOLS/cxxnames" 150 >/dev/null 2>&1 ||
	fail "perf record (cxxnames) failed"
$PMUKVM record -q -e cpu-clock -F 1999 -o "$TMP/pmukvm.data" -- "$TOOLS/cxxnames" 150 >/dev/null 2>"$TMP/rec.err" ||
	{ cat "$TMP/rec.err"; fail "pmukvm record (cxxnames) failed"; }

for f in "$TMP/perf.data" "$TMP/pmukvm.data"; do
	perf_agrees "$f" sym
	perf_agrees "$f" comm,dso,sym
	perf_agrees "$f" sym --no-demangle
	perf_agrees "$f" sym --demangle-kernel
	# The names themselves: what perf's demangler makes of each kind.
	$PMUKVM report -i "$f" --stdio --sort sym -t '|' -q >"$TMP/names"
	for want in 'ns::spin<unsigned long>' 'ns::spin<int>' 'ns::over' 'ns::vec::vec' \
		    'ns::vec::operator<' 'ns::inner::pair<int, long>::mix' \
		    '(anonymous namespace)::hidden' 'main::{lambda(unsigned long)#1}::operator()'; do
		grep -qF "[.] $want" "$TMP/names" || { cat "$TMP/names"; fail "$f: no row '$want'"; }
	done
	! grep -qF 'unsigned long ns::spin' "$TMP/names" || fail "$f: a template's return type is shown"
	# -v: parameters and clone suffixes, as perf -v shows them (perf adds an address column).
	perf report -v -i "$f" --stdio --sort sym -n -t '|' 2>/dev/null |
		sed -E 's/\|0x[0-9a-f]+ +[A-Za-z] \[/|[/' | norm_rows >"$TMP/perf.v"
	$PMUKVM report -v -i "$f" --stdio --sort sym -n -t '|' 2>/dev/null | norm_rows >"$TMP/pmukvm.v"
	grep -qF '[.] unsigned long ns::spin<unsigned long>(unsigned long)' "$TMP/perf.v" ||
		{ head "$TMP/perf.v"; fail "perf -v shows no parameters: cannot compare"; }
	diff -u "$TMP/perf.v" "$TMP/pmukvm.v" || fail "$f: -v names differ from perf -v"
	echo "agree: $f -v"
done
echo "C++ names agree with perf"
