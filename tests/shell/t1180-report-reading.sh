#!/bin/bash
# Reading and ordering records, what every report pays before resolving:
# - report --stats (as -D and --tasks) resolves no sample: the host kernel's
#   symbols are not read (perf report --stats reads none either); the -k
#   file is only checked once, at the start.
. tests/lib.sh
need_fixtures

gzip -dc "$FIXTURES/guest-6.1/kallsyms.gz" >"$TMP/gk"
"$TOOLS/mkguestdata" -o "$TMP/h.data" --guest "0:$TMP/gk:$FIXTURES/guest-6.1/modules" \
	--kernel-samples 100 --module-samples 10 --user-samples 10 --host-kernel-samples 200 \
	--host-user-samples 0 --seed 3 >/dev/null || fail "mkguestdata failed"
head -c 300000 "$TMP/gk" >"$TMP/hk"

if command -v strace >/dev/null; then
	strace -f -e trace=openat -o "$TMP/trace" $PMUKVM report -i "$TMP/h.data" --stats \
		--kallsyms "$TMP/hk" >"$TMP/stats" 2>"$TMP/err" || { cat "$TMP/err"; fail "--stats failed"; }
	n=$(grep -c "$TMP/hk" "$TMP/trace")
	[ "$n" = 1 ] || fail "--stats opened the -k file $n times (once to check it, not to read symbols)"
	grep -q 'SAMPLE events: *320' "$TMP/stats" || { cat "$TMP/stats"; fail "--stats: wrong sample count"; }
	# report itself still reads it.
	strace -f -e trace=openat -o "$TMP/trace" $PMUKVM report -i "$TMP/h.data" --stdio \
		--kallsyms "$TMP/hk" >/dev/null 2>"$TMP/err" || { cat "$TMP/err"; fail "report failed"; }
	n=$(grep -c "$TMP/hk" "$TMP/trace")
	[ "$n" -ge 2 ] || fail "report opened the -k file $n times: its host kernel samples were not resolved"
	echo "ok: --stats reads no symbols"
else
	echo "no strace: the --stats check is left out"
fi
