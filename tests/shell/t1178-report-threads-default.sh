#!/bin/bash
# report's default thread count: a report of guest samples only (guest
# symbol files given, no --host) looks symbols up and counts rows on a
# worker beside the reading thread even where the CPUs beyond two are
# none (2 or 3 CPUs); a host report there stays on one thread. Either
# way the output is --threads 1's byte for byte, the header's guest
# counts (now added up by the workers) included.
. tests/lib.sh
. tests/shell/lib-guest.sh
need_guest_fixture
cpus=$(getconf _NPROCESSORS_ONLN)
[ "$cpus" -ge 2 ] || skip "one CPU online: no worker pays"

# Guest kernel, module and user samples, samples past the kernel's end
# (unresolved, counted in the header), and host samples beside them.
$G -o "$TMP/g.data" --guest "0:$K:$M" --seed 7 --kernel-samples 40000 --module-samples 10000 \
	--user-samples 4000 --stale 20000 --host-kernel-samples 2000 --host-user-samples 2000 \
	--kernel-symbols 20000 --module-symbols 300 --vcpus 4 >/dev/null || fail "mkguestdata"
GO=(--guestkallsyms="$K" --guestmodules="$M")

# same OPTS...: the default's report equals --threads 1's, messages too.
same() {
	$PMUKVM report -i "$TMP/g.data" --stdio "$@" --threads 1 >"$TMP/one" 2>"$TMP/one.err" ||
		fail "report $* --threads 1 failed: $(cat "$TMP/one.err")"
	[ -s "$TMP/one" ] || fail "report $* printed nothing"
	$PMUKVM report -i "$TMP/g.data" --stdio "$@" >"$TMP/def" 2>"$TMP/def.err" ||
		fail "report $* failed: $(cat "$TMP/def.err")"
	cmp -s "$TMP/one" "$TMP/def" || {
		diff -u "$TMP/one" "$TMP/def" | head -20
		fail "report $* differs from --threads 1"
	}
	cmp -s "$TMP/one.err" "$TMP/def.err" || fail "report $*: other messages than --threads 1"
}
same "${GO[@]}"
grep -q ' [1-9][0-9]* unresolved' "$TMP/one" || fail "no unresolved guest kernel samples counted"
same "${GO[@]}" --sort dso,sym -n
same "${GO[@]}" --sort guest,vcpu,mode -n
same "${GO[@]}" --sort comm,pid,dso,sym,guest,vcpu,mode,cpu -n
same "${GO[@]}" --json
same "${GO[@]}" --host --sort dso,sym
echo "ok: the default's reports are --threads 1's"

# workers OPTS...: the worker count report -v says it starts (0: none).
workers() {
	$PMUKVM -v report -i "$TMP/g.data" --stdio "$@" >/dev/null 2>"$TMP/v.err" ||
		fail "report -v $* failed: $(cat "$TMP/v.err")"
	sed -n 's/.*rows counted on \([0-9]*\) threads\{0,1\} beside the one reading.*/\1/p' \
		"$TMP/v.err" | grep . || echo 0
}
n=$(workers "${GO[@]}")
[ "$n" -ge 1 ] || fail "a report of guest samples starts no worker by default ($cpus CPUs)"
echo "ok: guest samples only: $n worker(s) by default on $cpus CPUs"
n=$(workers "${GO[@]}" --threads 1)
[ "$n" -eq 0 ] || fail "--threads 1 started $n workers"
if [ "$cpus" -le 3 ]; then
	# Host samples counted: the CPUs beyond two decide, and there are none.
	n=$(workers "${GO[@]}" --host)
	[ "$n" -eq 0 ] || fail "guest and host samples: $n workers by default on $cpus CPUs"
	n=$(workers)
	[ "$n" -eq 0 ] || fail "no guest options: $n workers by default on $cpus CPUs"
	# Guest symbols asked for but none to be had: nothing to look up.
	n=$(workers --guest)
	[ "$n" -eq 0 ] || fail "--guest without symbol files: $n workers by default"
	echo "ok: host samples, or no guest symbols: one thread by default on $cpus CPUs"
fi

# The worker is a thread of its own: one clone more than --threads 1's.
# (LeakSanitizer cannot run under ptrace: leaks are not this part's to check.)
clones() {
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -f -qq -e trace=clone,clone3 -o "$TMP/strace" "$PMUKVM" report \
		-i "$TMP/g.data" --stdio "${GO[@]}" "$@" >/dev/null 2>"$TMP/strace.err" ||
		fail "strace report $* failed: $(tail -n3 "$TMP/strace.err")"
	grep -c 'clone' "$TMP/strace"
}
if command -v strace >/dev/null 2>&1 && [ "$cpus" -le 3 ]; then
	one=$(clones --threads 1)
	def=$(clones)
	[ "$def" -eq $((one + 1)) ] ||
		fail "the default started $def threads, --threads 1 $one: no worker runs"
	echo "ok: the default starts one thread more than --threads 1 ($one)"
fi
echo "all the same"
