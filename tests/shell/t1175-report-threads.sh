#!/bin/bash
# report --threads N looks symbols up and counts rows on N threads: its
# output is --threads 1's byte for byte, on guest files (kernel, modules,
# user, unresolved kernel samples, host samples beside), on host files
# system-wide, with -g (which stays on one thread), for several sort
# orders and output forms; and the threads are really started.
. tests/lib.sh
. tests/shell/lib-guest.sh
need_guest_fixture

# same FILE OPTS...: the report with each thread count equals --threads 1's.
same() {
	local f=$1 t; shift
	$PMUKVM report -i "$f" --stdio "$@" --threads 1 >"$TMP/one" 2>"$TMP/one.err" ||
		fail "report $* --threads 1 failed: $(cat "$TMP/one.err")"
	[ -s "$TMP/one" ] || fail "report $* printed nothing"
	for t in 2 3 8; do
		$PMUKVM report -i "$f" --stdio "$@" --threads $t >"$TMP/many" 2>"$TMP/many.err" ||
			fail "report $* --threads $t failed: $(cat "$TMP/many.err")"
		cmp -s "$TMP/one" "$TMP/many" || {
			diff -u "$TMP/one" "$TMP/many" | head -20
			fail "report $* --threads $t differs from --threads 1"
		}
		cmp -s "$TMP/one.err" "$TMP/many.err" || fail "report $* --threads $t: other messages"
	done
	echo "ok: $(basename "$f") $*: $(grep -vc '^#' "$TMP/one") lines, 1 = 2 = 3 = 8 threads"
}

# Guest kernel, module and user samples over many symbols and vCPUs, and
# host ones beside them.
$G -o "$TMP/g.data" --guest "0:$K:$M" --seed 3 --kernel-samples 60000 --module-samples 15000 \
	--user-samples 5000 --host-kernel-samples 3000 --host-user-samples 3000 \
	--kernel-symbols 20000 --module-symbols 300 --vcpus 4 >/dev/null || fail "mkguestdata"
GO=(--guestkallsyms="$K" --guestmodules="$M")
same "$TMP/g.data" "${GO[@]}"
same "$TMP/g.data" "${GO[@]}" --sort dso,sym -n
same "$TMP/g.data" "${GO[@]}" --sort comm,pid,dso,sym,guest,vcpu,mode,cpu -n
same "$TMP/g.data" "${GO[@]}" --sort sym --show-total-period
same "$TMP/g.data" "${GO[@]}" --sort dso,sym --hierarchy
same "$TMP/g.data" "${GO[@]}" --host --sort dso,sym
same "$TMP/g.data" "${GO[@]}" -F overhead,overhead_guest_sys,overhead_guest_us,sample,dso,sym
same "$TMP/g.data" "${GO[@]}" --json
# Filters keep the one-thread path; still the same.
same "$TMP/g.data" "${GO[@]}" --sort dso,sym --dsos '[guest.kernel.kallsyms]'

# Samples past the kernel's end stay unresolved (the header counts them),
# and guest callchains.
$G -o "$TMP/gs.data" --guest "0:$K:$M" --seed 5 --kernel-samples 20000 --module-samples 5000 \
	--user-samples 2000 --stale 100000 --kernel-symbols 3000 --callchains >/dev/null ||
	fail "mkguestdata --stale --callchains"
# (the rows alone, as without callchains: on the threads; -g stays on one)
same "$TMP/gs.data" "${GO[@]}" --no-children -g none --sort dso,sym
grep -q ' [1-9][0-9]* unresolved' "$TMP/one" || fail "no unresolved guest kernel samples"
same "$TMP/gs.data" "${GO[@]}" -g
same "$TMP/gs.data" "${GO[@]}" --no-children -g none --sort comm,dso,sym

# 300,000 rows of a sample each: with two threads each worker's rows run
# past its first 16 chunks into chunks on huge pages, which move into the
# report's rows with them.
"$TOOLS/mkcrafted" rounds "$TMP/rounds.data" 300000 || fail "mkcrafted rounds"
same "$TMP/rounds.data"

# The threads are started: a clone per worker besides the reader's.
# (LeakSanitizer cannot run under ptrace: leaks are not this part's to check.)
clones() {
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -f -qq -e trace=clone,clone3 -o "$TMP/strace" "$PMUKVM" report \
		-i "$TMP/g.data" --stdio "${GO[@]}" "$@" >/dev/null 2>"$TMP/strace.err" ||
		fail "strace report $* failed: $(tail -n3 "$TMP/strace.err")"
	grep -c 'clone' "$TMP/strace" >"$TMP/clones"
}
if command -v strace >/dev/null 2>&1; then
	clones --threads 1
	one=$(cat "$TMP/clones")
	clones --threads 4
	four=$(cat "$TMP/clones")
	[ "$four" -eq $((one + 4)) ] ||
		fail "--threads 4 started $four threads, --threads 1 $one: the workers do not run"
	echo "ok: --threads 4 starts 4 threads more than --threads 1 ($one)"
fi

# Bad values are refused.
for bad in 0 65 x -1; do
	$PMUKVM report -i "$TMP/g.data" --stdio --threads $bad >/dev/null 2>"$TMP/err" &&
		fail "--threads $bad accepted"
	grep -q "threads" "$TMP/err" || fail "--threads $bad: no message naming the option"
done

# Host files, recorded system-wide, without and with callchains.
if command -v perf >/dev/null 2>&1 &&
	perf record -q -a -e cpu-clock -F 999 -o "$TMP/h.data" -- "$TOOLS/mtwork" 2 400 \
		>/dev/null 2>&1; then
	same "$TMP/h.data"
	same "$TMP/h.data" --sort comm,dso,sym -n
	same "$TMP/h.data" --sort pid,sym
	perf record -q -a -g -e cpu-clock -F 999 -o "$TMP/hg.data" -- "$TOOLS/mtwork" 2 300 \
		>/dev/null 2>&1 || fail "perf record -a -g failed"
	same "$TMP/hg.data" -g --no-children
	same "$TMP/hg.data" --sort comm,dso,sym
else
	echo "skip part: perf record cannot sample here (host files)"
fi
echo "all the same"
