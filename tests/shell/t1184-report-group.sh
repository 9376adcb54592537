#!/bin/bash
# report --group: the file's events side by side in one table, as perf
# report --group shows a file recorded without groups (and by default a
# file recorded with them, group by group): the first event's
# rows, and those only the others have (empty in it, 0.00%), each value
# column giving every event's share of its own total; rows of equal
# period in the first event ordered by the others' in turn. The rows
# against perf's (sorted: rows of equal values may be listed in another
# order where perf's compare is not an order), the order checked on our
# own output, and what --group does not go with.
. tests/lib.sh
. tests/shell/lib-report.sh
need_perf

# rows FILE OPTIONS...: both reports' rows with --group (lib-report.sh).
rows() {
	local f=$1
	shift
	rows_same "$f" --group "$@"
}

# Page faults leading, cpu-clock beside: functions that take no fault
# have rows only in the second event.
perf_record_no_exec "$TMP/two.data" -q -e page-faults/period=1/ -e cpu-clock/period=100000/ \
	-- "$TOOLS/mtwork" 2 300 || fail "perf record failed"
$PMUKVM report -i "$TMP/two.data" --stats | grep -A1 '^page-faults' | grep -q 'SAMPLE events: *[1-9]' ||
	skip "no page fault sampled here"
rows "$TMP/two.data" --no-children -g none
rows "$TMP/two.data" -n --show-total-period
rows "$TMP/two.data" --sort dso,sym -n
rows "$TMP/two.data" --comms mtwork --percent-limit 1
rows "$TMP/two.data" --dsos libc.so.6
# the rows only cpu-clock has: there, and empty in page-faults
$PMUKVM report -i "$TMP/two.data" --stdio -q --group >"$TMP/out" || fail "report --group failed"
grep -q -E '^ +0\.00% +[1-9][0-9]*\.[0-9]+%' "$TMP/out" ||
	fail "no row of cpu-clock alone (0.00% in page-faults beside a share in cpu-clock)"
# rows of equal page-faults share: by the cpu-clock share, larger first
awk '{ a = $1 + 0; b = $2 + 0; if (NR > 1 && (a > pa || (a == pa && b > pb))) bad = NR; pa = a; pb = b }
     END { exit bad ? 1 : 0 }' "$TMP/out" || fail "--group: rows out of order (first event, then the second)"
# The header: every event named, the counts of all.
$PMUKVM report -i "$TMP/two.data" --stdio --group >"$TMP/out" || fail "report --group failed"
grep -q "^# Samples: [0-9]*  of events 'page-faults/period=1/, cpu-clock/period=100000/'" "$TMP/out" ||
	{ grep '^# Samples' "$TMP/out"; fail "--group: the header does not name both events"; }

# With callchains: the first event's paths, Children per event.
perf_record_no_exec "$TMP/g.data" -q -g -e cpu-clock/period=100000/ -e task-clock/period=100000/ \
	-- "$TOOLS/mtwork" 2 300 || fail "perf record -g failed"
rows "$TMP/g.data" -g none
rows "$TMP/g.data" --no-children -g none -n
$PMUKVM report -i "$TMP/g.data" --stdio -q --group >"$TMP/out" || fail "report --group (-g file) failed"
grep -q -E '^ +[0-9.]+% +[0-9.]+% +[0-9.]+% +[0-9.]+% ' "$TMP/out" ||
	fail "--group on a -g file: no Children and Self for both events"
grep -q -- '---' "$TMP/out" || fail "--group on a -g file: no call paths"

# A file recorded with groups: shown by group by default, as perf does,
# an event outside them on its own; --no-group: each on its own.
perf_record_no_exec "$TMP/grp.data" -q -e '{cpu-clock,task-clock}' -e page-faults/period=1/ \
	-- "$TOOLS/mtwork" 2 300 || fail "perf record with a group failed"
for o in "" --no-group "-n --sort dso,sym"; do
	# shellcheck disable=SC2086
	rows_same "$TMP/grp.data" $o
done
$PMUKVM report -i "$TMP/grp.data" --stdio >"$TMP/out" || fail "report on the grouped file failed"
grep -q "^# Samples: [0-9]*  of events 'anon group { cpu-clock, task-clock }'" "$TMP/out" ||
	{ grep '^# Samples' "$TMP/out"; fail "the group's header is not perf's"; }
$PMUKVM report -i "$TMP/grp.data" --header-only | grep -qx '# group: {cpu-clock,task-clock}' ||
	fail "--header-only does not show the group"
# A group description naming an event the file does not have: refused, named.
python3 - "$TMP/grp.data" "$TMP/badgrp.data" <<'PY' || fail "could not make the bad group file"
import struct, sys
b = bytearray(open(sys.argv[1], 'rb').read())
data_off, data_size = struct.unpack_from('<QQ', b, 40)
feats = int.from_bytes(b[72:104], 'little')
sec = data_off + data_size
for bit in range(256):
    if feats >> bit & 1:
        off, size = struct.unpack_from('<QQ', b, sec)
        if bit == 17:   # GROUP_DESC: u32 nr, then name, leader, nr_members
            nlen, = struct.unpack_from('<I', b, off + 4)
            struct.pack_into('<I', b, off + 8 + nlen, 7)
            break
        sec += 16
else:
    sys.exit(1)
open(sys.argv[2], 'wb').write(b)
PY
$PMUKVM report -i "$TMP/badgrp.data" --stdio >"$TMP/out" 2>"$TMP/err" && fail "a bad group description was taken"
grep -q "feature 17 at offset 0x[0-9a-f]* .*malformed" "$TMP/err" || { cat "$TMP/err"; fail "no clear error for the bad group description"; }

# An address no map covers, a user sample's in the first event and a
# frame under kernel frames in the second: one row, as perf pairs rows
# without a symbol by address alone (its level [.] in one, [k] in the
# other; its own row, empty in the first event, before 262fb89).
if [ -f "$FIXTURES/guest-6.1/kallsyms.gz" ]; then
	gzip -dc "$FIXTURES/guest-6.1/kallsyms.gz" >"$TMP/kallsyms"
	python3 - "$TMP/kallsyms" "$FIXTURES/guest-6.1/modules" 600 5 >"$TMP/unmapped.lines" <<'PY' ||
import sys
sys.path.insert(0, 'tests/shell')
import lib_kernel_lines
kern, n, rng = lib_kernel_lines.from_argv(sys.argv[:5])
KCTX, UCTX = 'ffffffffffffff80', 'fffffffffffffe00'
print(kern.header())
print('comm 200 200 app')
xs = [0x7f00000008a8, 0x7f0000001230]    # addresses no map covers
for i in range(n):
    f = kern.funcs[rng.randrange(len(kern.funcs))]
    k = f[0] + rng.randrange(min(f[1], 0x80))
    x = xs[rng.randrange(2)]
    r = rng.randrange(4)
    if r == 0:      # the first event: a user sample at x
        print('usample %x 200 200 0 %s %x' % (x, UCTX, x))
    elif r == 1:    # the second: a kernel sample whose chain runs through x
        print('2sample %x 200 200 0 %s %x %x' % (k, KCTX, k, x))
    elif r == 2:
        print('sample %x 200 200 1 %s %x' % (k, KCTX, k))
    else:
        print('2usample %x 200 200 1 %s %x' % (x, UCTX, x))
PY
		fail "the generator failed"
	"$TOOLS/mkcrafted" kernel-g2 "$TMP/unmapped.data" <"$TMP/unmapped.lines" || fail "mkcrafted failed"
	for o in "-g none" "--no-children -g none" "-g none --sort sym" "-g none -n"; do
		# shellcheck disable=SC2086
		rows_same "$TMP/unmapped.data" --group --kallsyms "$TMP/kallsyms" $o
	done
	grep -q '0x00007f00000008a8' "$TMP/pmukvm.rows" || fail "no row of the unmapped address"
fi

# What it does not go with.
for o in --json --hierarchy "-F overhead,sym" --tui; do
	# shellcheck disable=SC2086
	$PMUKVM report -i "$TMP/two.data" --group $o >"$TMP/out" 2>"$TMP/err" </dev/null &&
		fail "--group $o was taken"
	grep -q -- "--group does not go with" "$TMP/err" || { cat "$TMP/err"; fail "--group $o: no clear error"; }
done
echo "PASS: --group shows the events side by side as perf report --group"
