#!/bin/bash
# Loading a kernel's kallsyms. A plain copy of 1 MiB or more is parsed in
# two halves on two threads; the report, and the error about a broken
# line, must be those of one parse (a gzip copy of the same file is
# parsed whole). The load frees its scratch memory without raising
# malloc's threshold for mapping blocks: the report's peak is about what
# it is with that threshold fixed (MALLOC_MMAP_THRESHOLD_); a load that
# freed its 2 MB names arena through malloc left about 1 MB more in the heap.
# A plain copy's table keeps no names (they are read back when asked for):
# its report's peak is well under the gzip copy's.
. tests/lib.sh
gz=$FIXTURES/guest-6.1/kallsyms.gz
mods=$FIXTURES/guest-6.1/modules
[ -f "$gz" ] || skip "no guest fixture at $FIXTURES"
zcat "$gz" >"$TMP/kallsyms"
[ "$(stat -c %s "$TMP/kallsyms")" -ge $((1 << 20)) ] || fail "the fixture's kallsyms is under 1 MiB"
$TOOLS/mkguestdata -o "$TMP/guest.data" --guest "0:$gz:$mods" \
	--kernel-samples 20000 --module-samples 5000 --user-samples 1000 \
	--host-kernel-samples 0 --host-user-samples 0 --seed 1 >/dev/null ||
	fail "mkguestdata failed"

# The same report from the plain copy (split) and the gzip one (whole).
report() {
	$PMUKVM report -i "$TMP/guest.data" --guestkallsyms="$1" --guestmodules="$mods" \
		--stdio --sort dso,sym "${@:2}"
}
report "$gz" >"$TMP/whole.out" 2>"$TMP/whole.err" || { cat "$TMP/whole.err"; fail "report failed"; }
report "$TMP/kallsyms" >"$TMP/split.out" 2>"$TMP/split.err" || { cat "$TMP/split.err"; fail "report failed"; }
grep -q '\[g\] ' "$TMP/whole.out" || fail "no guest kernel symbols in the report"
diff -u "$TMP/whole.out" "$TMP/split.out" >"$TMP/out.diff" ||
	{ head -n 30 "$TMP/out.diff"; fail "the plain copy's report differs from the gzip copy's"; }
diff -u "$TMP/whole.err" "$TMP/split.err" || fail "the plain copy's warnings differ from the gzip copy's"
echo "report: $(wc -l <"$TMP/split.out") lines alike"

# A broken line in the second half (and one in the first): the same
# message naming the same line, once, and the same exit status.
mkdir -p "$TMP/bad"
for line in 80000 1000; do
	sed "${line}s/^.*\$/ffffffff81000000 T/" "$TMP/kallsyms" >"$TMP/bad/kallsyms"
	gzip -c "$TMP/bad/kallsyms" >"$TMP/bad/kallsyms.gz"
	report "$TMP/bad/kallsyms.gz" >/dev/null 2>"$TMP/bad-whole.err"
	rc_whole=$?
	report "$TMP/bad/kallsyms" >/dev/null 2>"$TMP/bad-split.err"
	rc_split=$?
	[ $rc_whole -ne 0 ] && [ $rc_split -eq $rc_whole ] ||
		fail "line $line: exit $rc_split for the plain copy, $rc_whole for the gzip one"
	sed 's/kallsyms\.gz/kallsyms/g' "$TMP/bad-whole.err" | diff -u - "$TMP/bad-split.err" ||
		fail "line $line: the plain copy's error differs"
	[ "$(grep -c "kallsyms:$line: " "$TMP/bad-split.err")" = 1 ] ||
		{ cat "$TMP/bad-split.err"; fail "line $line: not named once"; }
	echo "line $line: $(head -n1 "$TMP/bad-split.err")"
done

# Peak RSS against the same run with malloc's threshold fixed.
if ldd "$PMUKVM" 2>/dev/null | grep -q -E "libasan|libubsan|libtsan"; then
	echo "a sanitizer build: peak RSS not checked"
	exit 0
fi
peak() {
	env "$@" /usr/bin/time -f '%M' -o "$TMP/time" $PMUKVM report -i "$TMP/guest.data" \
		--guestkallsyms="$copy" --guestmodules="$mods" --stdio >/dev/null 2>&1 ||
		fail "report failed"
	tail -n1 "$TMP/time"
}
peaks=()
for copy in "$gz" "$TMP/kallsyms"; do
	best=; fixed=
	for i in 1 2 3; do
		m=$(peak X=1); [ -z "$best" ] || [ "$m" -lt "$best" ] && best=$m
		m=$(peak MALLOC_MMAP_THRESHOLD_=131072); [ -z "$fixed" ] || [ "$m" -lt "$fixed" ] && fixed=$m
	done
	echo "$(basename "$copy"): peak $best kB, $fixed kB with the threshold fixed"
	[ $((best - fixed)) -le 400 ] ||
		fail "$(basename "$copy"): peak RSS $best kB, $((best - fixed)) kB over the run with malloc's threshold fixed (bound 400)"
	peaks+=("$best")
done
# The plain copy's names are read back from the file when asked for, not
# kept: its 82,675 symbols' names are 1.8 MB (peaks alike before: 6,828
# and 6,948 kB; now about 2.5 MB apart).
[ $((peaks[0] - peaks[1])) -ge 1500 ] ||
	fail "the plain copy's peak RSS ${peaks[1]} kB is not 1,500 kB under the gzip copy's ${peaks[0]} kB"
