#!/bin/bash
# report --folded and --flamegraph against perf script piped through a
# stackcollapse (tests/shell/lib-collapse.py, the FlameGraph rules written
# out for the tests), on one system-wide recording with frame-pointer
# callchains. Prints wall time (best of RUNS) and peak RSS, and the ratios.
# Usage: bench/export-speed.sh [RUNS] [SECONDS]   (repository root, as root)
set -eu
runs=${1:-3}
secs=${2:-3}
. bench/lib.sh
label_width=40

echo "recording the host with callchains for $secs s (perf record -a -g -c 20000)..."
perf record -q -a -g -e cpu-clock -c 20000 -o "$dir/graph.data" -- \
	build/tools/mtwork 2 $((secs * 1000)) >/dev/null 2>&1
cp /proc/kallsyms "$dir/host-kallsyms"
perf script -i "$dir/graph.data" --no-inline --kallsyms "$dir/host-kallsyms" >/dev/null 2>&1

n=$($PMUKVM report -i "$dir/graph.data" --kallsyms "$dir/host-kallsyms" --no-children -g none --sort dso -n -t '|' -q |
	awk -F'|' '{ s += $2 } END { print s }')
echo
echo "file: $n samples, $(stat -c %s "$dir/graph.data") bytes"
printf '%-40s %10s %13s\n' "" "wall" "peak RSS"
measure "perf script | collapse" bash -c "perf script -i $dir/graph.data --no-inline \
	--kallsyms $dir/host-kallsyms 2>/dev/null | python3 tests/shell/lib-collapse.py >$dir/want"
measure "pmukvm report --folded" bash -c "$PMUKVM report -i $dir/graph.data \
	--kallsyms $dir/host-kallsyms --folded >$dir/got"
measure "pmukvm report --flamegraph" bash -c "$PMUKVM report -i $dir/graph.data \
	--kallsyms $dir/host-kallsyms --flamegraph $dir/fg.svg"
echo
awk -v a="$perf_script___collapse_t" -v b="$pmukvm_report___folded_t" -v c="$pmukvm_report___flamegraph_t" \
	'BEGIN { printf "--folded is %.1fx faster than perf script | collapse; --flamegraph %.1fx\n", a / b, a / c }'
echo "stacks: perf script | collapse $(wc -l <"$dir/want"), --folded $(wc -l <"$dir/got");" \
	"lines that differ: $(diff "$dir/want" "$dir/got" | grep -c '^[<>]')" \
	"(of the workload's: $(diff <(grep '^mtwork;' "$dir/want") <(grep '^mtwork;' "$dir/got") | grep -c '^[<>]'))"
echo "flame graph: $(stat -c %s "$dir/fg.svg") bytes, $(grep -c '<g class="f"' "$dir/fg.svg") frames"
