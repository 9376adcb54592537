#!/bin/bash
# What --call-graph dwarf recording costs, pmukvm against perf: system-wide
# cpu-clock at -F 4000 with 8 KB stack copies for SECONDS while one busy
# hotloop per CPU runs. For each tool: its own CPU time (user + system, from
# /usr/bin/time), the share of all samples taken in its own process, the
# samples kept, the lost samples (LOST and LOST_SAMPLES records) and the
# bytes written. Every file is read by pmukvm report.
#
#   bench/record-dwarf.sh [-s SECONDS] [-r RUNS] [RECORDER...]
#
# RECORDER: a pmukvm binary or "perf" (default: ./pmukvm perf). Copy a
# binary under another name to compare two builds (its comm tells them
# apart). Runs from the repository root after `make`.
set -u
SECS=4
RUNS=1
while getopts s:r: o; do
	case $o in
	s) SECS=$OPTARG ;;
	r) RUNS=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] && set -- ./pmukvm perf
HOTLOOP=${PMUKVM_BUILD:-build}/tools/hotloop
[ -x "$HOTLOOP" ] && [ -x ./pmukvm ] || { echo "run make first" >&2; exit 2; }
TMP=$(mktemp -d) || exit 2
trap 'rm -rf "$TMP"' EXIT

echo "system-wide cpu-clock -F 4000 --call-graph dwarf, $SECS s, $(nproc) hotloops, $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg)"
printf '%-14s %8s %8s %9s %8s %12s\n' recorder cpu_s self% samples lost bytes
for ((run = 0; run < RUNS; run++)); do
	for tool in "$@"; do
		out=$TMP/rec.data
		rm -f "$out"
		pids=()
		for ((c = 0; c < $(nproc); c++)); do
			"$HOTLOOP" 100000000000 >/dev/null 2>&1 & pids+=($!)
		done
		if [ "$tool" = perf ]; then
			cmd="exec perf record -q -a -e cpu-clock -F 4000 --call-graph dwarf -o $out -- sleep $SECS"
		else
			cmd="exec $tool record -q -a -e cpu-clock -F 4000 --call-graph dwarf --duration $SECS -o $out"
		fi
		/usr/bin/time -f '%U %S' -o "$TMP/time" bash -c "echo \$\$ >$TMP/pid; $cmd" >/dev/null 2>&1
		kill "${pids[@]}"; wait "${pids[@]}" 2>/dev/null
		pid=$(cat "$TMP/pid")
		./pmukvm report -i "$out" --stdio --no-children -g none --sort pid -n -t '|' >"$TMP/rep" 2>/dev/null
		tot=$(awk '/^# Samples:/ { print $3 }' "$TMP/rep")
		lost=$(awk '/^# Total Lost Samples:/ { print $NF }' "$TMP/rep")
		self=$(grep -v '^#' "$TMP/rep" | awk -F'|' -v p="$pid" '{ split($3, a, ":"); gsub(/ /, "", a[1]); if (a[1] == p) s += $2 } END { print s + 0 }')
		printf '%-14s %8.2f %7.2f%% %9d %8d %12d\n' "$(basename "$tool")" \
			"$(awk '{ print $1 + $2 }' "$TMP/time")" \
			"$(awk -v a="$self" -v b="${tot:-0}" 'BEGIN { print b ? 100 * a / b : 0 }')" \
			"${tot:-0}" "${lost:-0}" "$(stat -c %s "$out")"
	done
done
