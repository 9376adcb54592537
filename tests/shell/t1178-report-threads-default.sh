#!/bin/bash
# report's default thread count: the CPUs online less two, and no worker
# on 2 or 3 CPUs, for guest reports too (there one worker beside the
# reading thread made a guest report slower and took twice the CPU:
# Documentation/bench-report.md, 2026-12-03). Either way the output is
# --threads 1's byte for byte, the header's guest counts included.
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
if [ "$cpus" -le 3 ]; then
	for o in "" --host --threads; do
		case $o in
		"") n=$(workers "${GO[@]}") what="guest samples only" ;;
		--host) n=$(workers "${GO[@]}" --host) what="guest and host samples" ;;
		*) n=$(workers) what="no guest options" ;;
		esac
		[ "$n" -eq 0 ] || fail "$what: $n workers by default on $cpus CPUs"
	done
	echo "ok: one thread by default on $cpus CPUs"
else
	n=$(workers "${GO[@]}")
	[ "$n" -eq $((cpus - 2 < 64 ? cpus - 2 : 64)) ] ||
		fail "guest samples only: $n workers by default on $cpus CPUs"
	echo "ok: $n workers by default on $cpus CPUs"
fi
n=$(workers "${GO[@]}" --threads 1)
[ "$n" -eq 0 ] || fail "--threads 1 started $n workers"
n=$(workers "${GO[@]}" --threads 2)
[ "$n" -eq 2 ] || fail "--threads 2 started $n workers"

# On 2-3 CPUs the default starts no thread --threads 1 does not.
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
	two=$(clones --threads 2)
	[ "$def" -eq "$one" ] || fail "the default started $def threads, --threads 1 $one"
	[ "$two" -eq $((one + 2)) ] || fail "--threads 2 started $two threads, --threads 1 $one"
	echo "ok: the default starts the threads --threads 1 starts ($one)"
fi
echo "all the same"
