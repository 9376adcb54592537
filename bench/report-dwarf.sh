#!/bin/bash
# pmukvm report -g vs perf report on the same --call-graph dwarf file:
# user stacks unwound with libunwind by both. Prints wall time (best of N),
# peak RSS and, for pmukvm, the pread64 calls it made (strace -c), then the
# ratio.
# Usage: bench/report-dwarf.sh [RUNS] [SECONDS]   (repository root, as root)
#   PMUKVM_OLD=path/to/an/older/pmukvm also measures that build on the file.
set -eu
runs=${1:-3}
secs=${2:-5}
. bench/lib.sh

echo "recording mtwork for $secs s with perf record --call-graph dwarf..."
perf record -q --call-graph dwarf -e cpu-clock -o "$dir/dwarf.data" -- \
	build/tools/mtwork 2 $((secs * 1000)) >/dev/null 2>&1
n=$(perf report -i "$dir/dwarf.data" --stdio -n --no-children -g none --sort dso 2>/dev/null |
	awk '!/^#/ && NF >= 2 { s += $2 } END { print s }')
# Warm the page cache for both.
perf report -i "$dir/dwarf.data" --stdio --no-children >/dev/null 2>&1
$PMUKVM report -i "$dir/dwarf.data" --stdio -g >/dev/null 2>&1

preads() {
	command -v strace >/dev/null || { echo "?"; return; }
	strace -f -c -o "$dir/strace" -e trace=pread64 "$@" >/dev/null 2>&1
	awk '$NF == "pread64" { print $4 }' "$dir/strace" | grep . || echo 0
}

echo
echo "file: $n samples, $(stat -c %s "$dir/dwarf.data") bytes"
printf '%-24s %10s %13s\n' "" "wall" "peak RSS"
measure "perf" perf report -i "$dir/dwarf.data" --stdio --no-children
measure "pmukvm" $PMUKVM report -i "$dir/dwarf.data" --stdio -g
echo "pmukvm pread64 calls: $(preads $PMUKVM report -i "$dir/dwarf.data" --stdio -g)"
if [ -n "${PMUKVM_OLD:-}" ]; then
	measure "old" "$PMUKVM_OLD" report -i "$dir/dwarf.data" --stdio -g
	echo "old pread64 calls: $(preads "$PMUKVM_OLD" report -i "$dir/dwarf.data" --stdio -g)"
	awk -v a="$perf_t" -v b="$old_t" 'BEGIN { printf "old:    %.2fx perf'"'"'s speed\n", a / b }'
fi
awk -v a="$perf_t" -v b="$pmukvm_t" 'BEGIN { printf "pmukvm: %.2fx perf'"'"'s speed\n", a / b }'
