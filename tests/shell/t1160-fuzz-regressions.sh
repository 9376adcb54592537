#!/bin/bash
# Every fuzz harness (fuzz/*.c), built as a replay program with this
# build's compiler and sanitizers, over its seeds (fuzz/corpus/NAME/) and
# the inputs that once crashed it (tests/data/fuzz/NAME/): no crash, no
# sanitizer report, no leak.
. tests/lib.sh
B=$PMUKVM_BUILD
case $PMUKVM in *-san) B=build-san ;; esac
n=0
for src in fuzz/*.c; do
	name=$(basename "$src" .c)
	bin=$B/fuzz-replay/$name
	[ -x "$bin" ] || fail "$bin is not built (make all builds it)"
	dirs=()
	[ -d "fuzz/corpus/$name" ] && dirs+=("fuzz/corpus/$name")
	[ -d "tests/data/fuzz/$name" ] && dirs+=("tests/data/fuzz/$name")
	[ ${#dirs[@]} -gt 0 ] || continue
	timeout 300 "$bin" "${dirs[@]}" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ $rc -ne 0 ] || grep -q -E "Sanitizer|runtime error" "$TMP/err"; then
		head -30 "$TMP/err"
		fail "$name: exit $rc over ${dirs[*]}"
	fi
	echo "ok: $name: $(cat "$TMP/out")"
	n=$((n + 1))
done
[ $n -gt 0 ] || fail "no harness had inputs"
echo "$n harnesses replayed"
