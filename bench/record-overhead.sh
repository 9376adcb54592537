#!/bin/bash
# Slowdown of a fixed CPU-bound workload under pmukvm record vs perf record
# at the same sampling frequency, and the samples and lost samples of each.
#
#   bench/record-overhead.sh [-n ITERATIONS] [-r RUNS] [-e EVENT] [-F HZ ...]
#
# Runs from the repository root after `make`. Each configuration runs RUNS
# times; the table shows the median wall time. Samples and lost samples are
# counted by perf itself on both files (perf script lines, perf report's
# "Total Lost Samples"), so both tools are measured the same way.
set -u
PMUKVM=${PMUKVM:-./pmukvm}
HOTLOOP=${PMUKVM_BUILD:-build}/tools/hotloop
PERF=${PERF:-perf}
ITER=2000000000
RUNS=5
EVENT=cpu-clock
FREQS=()
while getopts n:r:e:F: o; do
	case $o in
	n) ITER=$OPTARG ;;
	r) RUNS=$OPTARG ;;
	e) EVENT=$OPTARG ;;
	F) FREQS+=("$OPTARG") ;;
	*) exit 2 ;;
	esac
done
[ ${#FREQS[@]} -eq 0 ] && FREQS=(1000 4000 20000)
for x in "$PMUKVM" "$HOTLOOP"; do [ -x "$x" ] || { echo "no $x: run make" >&2; exit 2; }; done
command -v "$PERF" >/dev/null || { echo "no perf" >&2; exit 2; }
TMP=$(mktemp -d) || exit 2
trap 'rm -rf "$TMP"' EXIT

# Median over RUNS runs of "$@" (the workload run with "time"):
# "wall work" seconds: wall of the whole command, and the workload's own.
median() {
	local i t0 t1 w
	for ((i = 0; i < RUNS; i++)); do
		t0=$(date +%s%N)
		w=$("$@" 2>&1 >/dev/null | awk '/^hotloop:/ {print $2}')
		t1=$(date +%s%N)
		echo "$(( (t1 - t0) / 1000 )) $w"
	done | sort -n -k2 | awk '{a[NR]=$1; b[NR]=$2}
		END {m=int((NR+1)/2); printf "%.3f %.3f", a[m]/1e6, b[m]}'
}

counts() {	# samples lost, as perf reads FILE
	local s l
	s=$("$PERF" script -i "$1" 2>/dev/null | wc -l)
	l=$("$PERF" report -i "$1" --stdio 2>/dev/null | awk '/Total Lost Samples/ {print $NF; exit}')
	echo "$s ${l:-0}"
}

read -r base_wall base < <(median "$HOTLOOP" "$ITER" time)
echo "workload: $HOTLOOP $ITER, event $EVENT, median of $RUNS runs, $(nproc) CPUs, $(uname -r)"
echo "work_s: the workload's own time; slowdown from it. wall_s: the whole command."
printf '%-8s %7s %8s %9s %8s %9s %7s\n' tool freq work_s slowdown wall_s samples lost
printf '%-8s %7s %8s %9s %8s %9s %7s\n' none - "$base" - "$base_wall" - -
for f in "${FREQS[@]}"; do
	for tool in pmukvm perf; do
		if [ $tool = pmukvm ]; then
			cmd=("$PMUKVM" --host record -q -e "$EVENT" -F "$f" -o "$TMP/$tool.data" -- "$HOTLOOP" "$ITER" time)
		else
			cmd=("$PERF" record -q -e "$EVENT" -F "$f" -o "$TMP/$tool.data" -- "$HOTLOOP" "$ITER" time)
		fi
		read -r wall work < <(median "${cmd[@]}")
		read -r s l < <(counts "$TMP/$tool.data")
		printf '%-8s %7s %8s %8.2f%% %8s %9s %7s\n' $tool "$f" "$work" \
			"$(awk -v a="$work" -v b="$base" 'BEGIN {print (a / b - 1) * 100}')" "$wall" "$s" "$l"
	done
done
