#!/bin/bash
# Peak memory of report on crafted shapes, above the floor of the binary
# and its libraries doing nothing (pmukvm --version): bounds a little over
# what the current code takes (bench/report-memory.sh and
# Documentation/bench-memory.md have the figures, and perf's).
. tests/lib.sh
MK=$TOOLS/mkcrafted
[ -x "$MK" ] || fail "$MK is not built"
# A sanitizer's shadow memory and quarantine make RSS say nothing here.
if ldd "$PMUKVM" 2>/dev/null | grep -q -E "libasan|libubsan|libtsan"; then
	skip "a sanitizer build: peak RSS is the sanitizer's"
fi

# peak CMD...: peak RSS in kB of CMD (which must succeed).
peak() {
	/usr/bin/time -f '%M' -o "$TMP/time" "$@" >"$TMP/out" 2>"$TMP/err" ||
		{ cat "$TMP/err"; fail "$*: exit $?"; }
	tail -n1 "$TMP/time"
}

floor=$(peak $PMUKVM --version)
echo "floor: $floor kB"

# within DESC KB CMD...: CMD's peak RSS above the floor is at most KB.
within() {
	local desc=$1 kb=$2 m; shift 2
	m=$(peak "$@")
	[ $((m - floor)) -le "$kb" ] || fail "$desc: peak RSS $m kB, $((m - floor)) kB above the floor (bound $kb kB)"
	echo "ok: $desc: $m kB ($((m - floor)) kB above the floor, bound $kb)"
}

# 200,000 BUILD_ID entries, 20,000 DSOs: the build-id index once copied
# every file name (51 MB above the floor; now 38 MB, perf 6.1 42 MB in all).
"$MK" build-ids "$TMP/bids.data" 200000 20000
within "200,000 build-ids, 20,000 DSOs" 44000 $PMUKVM report -i "$TMP/bids.data" --stdio

# 200,000 threads, each made by its COMM: each once got a ":TID" name
# interned for good before its COMM named it (37 MB above the floor; now
# 27 MB, perf 6.1 161 MB in all).
"$MK" threads "$TMP/threads.data" 200000
within "200,000 threads" 31000 $PMUKVM report -i "$TMP/threads.data" --stdio
