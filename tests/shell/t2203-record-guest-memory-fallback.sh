#!/bin/bash
# record --guest-memory with --guestmount: guests not read from memory (not
# running here) keep their --guestmount files, carried in the data file as
# they were; nothing is left in $TMPDIR; no VM running is not an error.
. tests/lib.sh
. tests/shell/lib-guestvm.sh
. tests/shell/lib-guest.sh
need_guest_fixture
command -v python3 >/dev/null || skip "python3 is not installed"
$G --make-guestmount "$TMP/mnt" --pid 4100 --shift 0x400000 --kallsyms "$K" \
	--modules "$M" >/dev/null || fail "mkguestdata --make-guestmount"
mkdir -p "$TMP/tmpd"
TMPDIR=$TMP/tmpd $PMUKVM --guestmount="$TMP/mnt" record -q -e cpu-clock -a --guest-memory \
	--duration 0.5 -o "$TMP/r.data" 2>"$TMP/err" || { cat "$TMP/err"; fail "record failed"; }
cat "$TMP/err"
[ -z "$(ls -A "$TMP/tmpd")" ] || fail "record left $(ls "$TMP/tmpd") behind"
carried_files "$TMP/r.data" 4100 "$TMP/c" || fail "guest 4100's files are not carried"
cmp "$TMP/mnt/4100/proc/kallsyms" "$TMP/c.kallsyms" || fail "carried kallsyms differ"
cmp "$TMP/mnt/4100/proc/modules" "$TMP/c.modules" || fail "carried modules differ"
echo "ok: guest 4100's --guestmount files carried"
# stat record is record with the kvm tracepoints: the same option.
if $PMUKVM stat record -a --duration 0.1 -o "$TMP/probe.data" >/dev/null 2>&1; then
	TMPDIR=$TMP/tmpd $PMUKVM --guestmount="$TMP/mnt" stat record --guest-memory -a \
		--duration 0.3 -o "$TMP/s.data" 2>"$TMP/err" || { cat "$TMP/err"; fail "stat record failed"; }
	carried_files "$TMP/s.data" 4100 "$TMP/s" || fail "stat record: guest 4100's files are not carried"
	cmp "$TMP/mnt/4100/proc/kallsyms" "$TMP/s.kallsyms" || fail "stat record: carried kallsyms differ"
	echo "ok: stat record --guest-memory carries them too"
else
	echo "note: stat record cannot record here; its --guest-memory is not checked"
fi
# Without --guestmount and no guest running: a recording without guest files.
TMPDIR=$TMP/tmpd $PMUKVM record -q -e cpu-clock -a --guest-memory --duration 0.3 \
	-o "$TMP/n.data" 2>"$TMP/err" || { cat "$TMP/err"; fail "record --guest-memory alone failed"; }
[ -z "$(ls -A "$TMP/tmpd")" ] || fail "record left $(ls "$TMP/tmpd") behind"
# top refuses it with -i.
$PMUKVM top -i "$TMP/n.data" --stdio --guest-memory >/dev/null 2>&1; [ $? -eq 129 ] ||
	fail "top -i --guest-memory: not a usage error"
exit 0
