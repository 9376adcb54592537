#!/bin/bash
# Peak memory of report on crafted shapes, above the floor of the binary
# and its libraries doing nothing (pmukvm --version): bounds a little over
# what the current code takes (bench/report-memory.sh and
# Documentation/bench-memory.md have the figures, and perf's).
. tests/lib.sh
MK=$TOOLS/mkcrafted
[ -x "$MK" ] || fail "$MK is not built"
# A sanitizer's shadow memory and quarantine make RSS say nothing here.
sanitized && skip "a sanitizer build: peak RSS is the sanitizer's"

floor=$(peak $PMUKVM --version)
echo "floor: $floor kB"

# 200,000 BUILD_ID entries, 20,000 DSOs: the build-id index once copied
# every file name (51 MB above the floor; then 38 MB, perf 6.1 42 MB in
# all: the header kept every entry and its name, and read the 14 MB
# section whole). The entries now stay in the file, 8 bytes of index each:
# 17.2 MB above the floor, of which the 20,000 DSOs and their rows are 17.
# (then 11.9 MB: an 80-byte DSO from a slab instead of 176 from malloc,
# its names stored once, not three or four times; the index packed to 4
# bytes an entry; 40-byte map nodes.)
# (2026-12-02: 8.1-8.4 MB above the floor in runs at a load of 30.)
"$MK" build-ids "$TMP/bids.data" 200000 20000
within "200,000 build-ids, 20,000 DSOs" 9600 $PMUKVM report -i "$TMP/bids.data" --stdio
# The entries alone, no DSO asking: 3.5 MB (31 MB before), the index
# while it is made.
"$MK" build-ids "$TMP/bids-only.data" 200000 1
within "200,000 build-ids, 1 DSO" 4200 $PMUKVM report -i "$TMP/bids-only.data" --stdio

# 200,000 threads, each made by its COMM: each once got a ":TID" name
# interned for good before its COMM named it (37 MB above the floor; now
# 27 MB, perf 6.1 161 MB in all).
# (then 27.6 MB above the floor: a thread took a 48-byte chunk, its maps
# object another 48; from slabs 40 and 32: 23.4 MB.)
# (then 23.4 MB: every process had a 32-byte maps object from the start,
# though most never map anything; made on a process's first mmap: 17.3.)
# (2026-12-02: 11.1-11.5 MB above the floor.)
"$MK" threads "$TMP/threads.data" 200000
within "200,000 threads" 12800 $PMUKVM report -i "$TMP/threads.data" --stdio

# 100,000 mmaps, top-down: a map node took a 64-byte chunk (15.1 MB above
# the floor); 48 bytes from a slab: 13.6 MB (then 10.0: the reading).
# With no FINISHED_ROUND the reader holds the whole file (8 of those 10
# MB are the reading window and the queue); with one every 1,000 records
# what stays is the maps: 48-byte nodes 5.8 MB, 40-byte ones 5.0.
# (2026-12-02: 6.9-7.4 MB above the floor without rounds.)
# (2026-12-05: a B+ tree's leaves, sized four maps at a time, from slabs:
# about 35 bytes a map; in rounds, shuffled, 4.6-4.9 MB above the floor,
# where the 40-byte nodes of a binary tree were 5.1-5.4.)
"$MK" maps-desc "$TMP/maps.data" 100000
within "100,000 maps" 8400 $PMUKVM report -i "$TMP/maps.data" --stdio
"$MK" maps-random "$TMP/maps-rounds.data" 100000 1000
within "100,000 maps, in rounds" 5450 $PMUKVM report -i "$TMP/maps-rounds.data" --stdio

# A guest's kallsyms (the guest-6.1 fixture, 95,603 lines, gzip) with a
# few samples: 32-byte symbols, names in a pool, a copy of the starts and
# buckets over the gigabyte between core and modules took 8.3 MB above the
# floor (a gzip copy's arrays grown by copies: 8.1); 16-byte symbols with
# the names in their block and a region index: 5.9 MB.
if [ -f "$FIXTURES/guest-6.1/kallsyms.gz" ]; then
	$TOOLS/mkguestdata -o "$TMP/guest.data" --guest "0:$FIXTURES/guest-6.1/kallsyms.gz:$FIXTURES/guest-6.1/modules" \
		--kernel-samples 20000 --module-samples 5000 --user-samples 1000 \
		--host-kernel-samples 0 --host-user-samples 0 --seed 1 >/dev/null ||
		fail "mkguestdata failed"
	within "guest kallsyms, 26,000 samples" 7000 $PMUKVM --guestkallsyms="$FIXTURES/guest-6.1/kallsyms.gz" \
		--guestmodules="$FIXTURES/guest-6.1/modules" report -i "$TMP/guest.data" --stdio --sort dso,sym
else
	echo "no guest fixture at $FIXTURES: guest kallsyms bound not checked"
fi
