#!/bin/bash
# Peak memory of report where nearly every sample makes a row of its own
# (mkcrafted rounds: 1,000,000 samples, one row each), above the floor of
# the binary doing nothing: a bound a little over what the rows take now
# (Documentation/bench-memory.md has the figures, and perf's: 550 MB).
. tests/lib.sh
MK=$TOOLS/mkcrafted
[ -x "$MK" ] || fail "$MK is not built"
sanitized && skip "a sanitizer build: peak RSS is the sanitizer's"

floor=$(peak $PMUKVM --version)
"$MK" rounds "$TMP/rounds.data" 1000000
# 72-byte rows (70.3 MB), the row table (8 MB), the sorted array (7.8 MB)
# and qsort's copy of it (7.8 MB) made 91.2 MB above the floor; a merge
# sort through the table, 84.3 MB; the sorted array in the table's memory
# at the end (hists__sort_final), 77.2 MB. Rows of 56 bytes (symbol and
# address in one field, the hash made again, the thread id in struct
# hist_more): 53.4 MB, and 60 MB in all above the floor. Rows of 48
# bytes (the chain link a 32-bit index into fixed chunks of rows, the
# period's high word in struct hist_more) and the table and sorted array
# of 32-bit indices: 45.8 MB of rows, 4 MB of table, 50 MB above the floor.
# Rows past the first 3 MiB and the table on huge pages: up to 2 MiB of a
# huge page counts before its rows are made, 50.7 MB above the floor.
m=$(peak $PMUKVM report -i "$TMP/rounds.data" --stdio)
[ $((m - floor)) -le 53000 ] || fail "1,000,000 rows: peak RSS $m kB, $((m - floor)) kB above the floor (bound 53000 kB)"
echo "ok: 1,000,000 rows: $m kB ($((m - floor)) kB above the floor, bound 53000)"
[ "$(grep -c '^ *0\.00%  job' "$TMP/out")" -ge 900000 ] || fail "the report lacks its rows"
