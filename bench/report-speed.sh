#!/bin/bash
# pmukvm report vs perf report on the same 1,000,000-sample files, in one run.
#   host:  perf record -a (cpu-clock, kernel + user samples) for 10 s
#   guest: mkguestdata, 1M guest samples against the guest-6.1 fixture,
#          compared with perf kvm report
#   -g:    perf record -a -g for 5 s, perf report --no-children vs report -g --no-children
# For each file: perf; pmukvm at its default thread count (which depends
# on the CPUs and on whether only guest samples are counted) and with
# --threads 1, 2 and 4 (THREADS="..." to change, "default" for no
# --threads option: the workers that resolve and count beside the thread that reads,
# orders and delivers, so the lines show how report scales with them); the
# floor: `pmukvm report --stats`, which reads, orders and counts every
# record (on the one thread report does that on) and resolves nothing; and
# under it the bare walk: bench/walk-records.c, built here, which only
# steps through the records' headers (pread, one buffer): what reading the
# file costs at the least. Each runs RUNS times; it prints the best wall time,
# the least CPU time (user + system) and the peak RSS of the best run, the
# page faults of one more run (perf stat -e page-faults: the faults taken
# on touching memory not mapped in yet, about 10 us each on this project's
# VM), and the ratios to perf in both. The load average is printed before and after:
# on a shared machine wall times are the scheduler's, CPU times the work's.
# Usage: bench/report-speed.sh [RUNS]   (run from the repository root, as root)
#   DIR=D keeps the recordings in D and reuses them when there.
set -eu
runs=${1:-3}
PMUKVM=${PMUKVM:-./pmukvm}
ncpu=$(nproc)
threads=${THREADS:-default 1 2 4}
# Scratch (the walker, the timings): apart from DIR, whose files are only read.
tmp=$(mktemp -d /tmp/pmukvm-bench.XXXXXX)
if [ -n "${DIR:-}" ]; then
	dir=$DIR
	mkdir -p "$dir"
	trap 'rm -rf "$tmp"' EXIT
else
	dir=$(mktemp -d /tmp/pmukvm-bench.XXXXXX)
	trap 'rm -rf "$dir" "$tmp"' EXIT
fi
fix=${FIXTURES:-../shared/fixtures}/guest-6.1
${CC:-cc} -O2 -o "$tmp/walk-records" bench/walk-records.c
${CC:-cc} -O2 -o "$tmp/timeit" bench/timeit.c

if [ ! -s "$dir/host.data" ]; then
	echo "recording the host for 10 s (about 1,000,000 samples at 20 us on 2 CPUs)..."
	perf record -q -a -e cpu-clock -c 20000 -o "$dir/host.data" -- build/tools/mtwork 2 10000 \
		>/dev/null 2>&1
	# Both tools read the same kallsyms copy: reading /proc/kallsyms costs the
	# kernel about 50 ms per read on this machine, the same for either tool.
	cp /proc/kallsyms "$dir/host-kallsyms"
fi
if [ ! -s "$dir/guest.data" ]; then
	gzip -dc "$fix/kallsyms.gz" >"$dir/kallsyms"
	build/tools/mkguestdata -o "$dir/guest.data" --guest "0:$dir/kallsyms:$fix/modules" \
		--kernel-samples 800000 --module-samples 150000 --user-samples 50000 \
		--host-kernel-samples 0 --host-user-samples 0 --seed 1 >/dev/null
fi
if [ ! -s "$dir/graph.data" ]; then
	echo "recording the host with callchains for 5 s (perf record -a -g)..."
	perf record -q -a -g -e cpu-clock -c 20000 -o "$dir/graph.data" -- \
		build/tools/mtwork 2 5000 >/dev/null 2>&1
fi
nsamples() {
	perf report -i "$1" --stats 2>/dev/null | awk '/SAMPLE events:/ { print $3; exit }'
}
# Warm the page cache and perf's symbol caches.
perf report -i "$dir/host.data" --stdio >/dev/null 2>&1
$PMUKVM report -i "$dir/host.data" --stdio >/dev/null 2>&1

# measure LABEL CMD...: best wall seconds (bench/timeit: the clock read
# around fork and wait4), the least CPU seconds (user + system, from wait4's
# rusage), the peak RSS (kB) of the best run, the page faults of a run under
# perf stat (the faults the process traps on; rusage's count also has the
# pages MADV_POPULATE_WRITE maps in); LABEL_t, LABEL_c and LABEL_m are set
# for the ratios.
measure() {
	local label=$1 best="" cpu="" rss="" flt i t c r var; shift
	for ((i = 0; i < runs; i++)); do
		"$tmp/timeit" "$tmp/time" "$@"
		read -r t c r _ < "$tmp/time"
		if [ -z "$best" ] || awk "BEGIN { exit !($t < $best) }"; then best=$t rss=$r; fi
		if [ -z "$cpu" ] || awk "BEGIN { exit !($c < $cpu) }"; then cpu=$c; fi
	done
	perf stat -x, -e page-faults -o "$tmp/faults" -- "$@" >/dev/null 2>&1 || true
	flt=$(awk -F, '/page-faults/ { print $1 + 0; exit }' "$tmp/faults")
	var=${label//[^a-z0-9]/_}
	eval "${var}_t=$best ${var}_c=$cpu ${var}_m=$rss"
	printf '%-30s %8.3f s %8.3f s %10d kB %7d' "$label" "$best" "$cpu" "$rss" "$flt"
}

# ratio PERF LABEL: perf's wall and CPU over LABEL's ('-' where LABEL's
# CPU time is 0), and LABEL's memory share.
ratio() {
	local p=${1//[^a-z0-9]/_} l=${2//[^a-z0-9]/_}
	eval "awk -v pt=\$${p}_t -v pc=\$${p}_c -v pm=\$${p}_m -v t=\$${l}_t -v c=\$${l}_c -v m=\$${l}_m" \
		"'function r(a, b) { return b > 0 ? sprintf(\"%5.1fx\", a / b) : \"     -\" }" \
		"BEGIN { printf \"   %s %s %5.2f\\n\", r(pt, t), r(pc, c), m / pm }'"
}

# one NAME FILE PERF-CMD... -- PMUKVM-ARGS...: perf, then pmukvm by thread
# count, then the floor, then the bare walk of FILE.
one() {
	local name=$1 file=$2 perfcmd=() args=() t; shift 2
	while [ "$1" != -- ]; do perfcmd+=("$1"); shift; done
	shift
	args=("$@")
	measure "perf $name" "${perfcmd[@]}"
	echo
	for t in $threads; do
		if [ "$t" = default ]; then
			measure "pmukvm $name default threads" $PMUKVM "${args[@]}"
			ratio "perf $name" "pmukvm $name default threads"
			continue
		fi
		measure "pmukvm $name threads $t" $PMUKVM "${args[@]}" --threads "$t"
		ratio "perf $name" "pmukvm $name threads $t"
	done
	measure "pmukvm $name floor (--stats)" $PMUKVM "${args[@]}" --stats
	ratio "perf $name" "pmukvm $name floor (--stats)"
	measure "walk $name (records only)" "$tmp/walk-records" "$file"
	ratio "perf $name" "walk $name (records only)"
}

echo
echo "host file: $(nsamples "$dir/host.data") samples, $(stat -c %s "$dir/host.data") bytes;" \
	"guest file: 1000000 samples, $(stat -c %s "$dir/guest.data") bytes;" \
	"-g file: $(nsamples "$dir/graph.data") samples, $(stat -c %s "$dir/graph.data") bytes"
echo "CPUs: $ncpu; threads: $threads; load average before: $(cut -d' ' -f1-3 /proc/loadavg); runs: $runs"
printf '%-30s %10s %10s %13s %7s   %6s %6s %5s\n' "" "wall" "CPU" "peak RSS" "faults" "wall" "CPU" "mem"
printf '%-30s %10s %10s %13s %7s   %s\n' "" "(best)" "(least)" "(best run)" "" "perf's / pmukvm's"
one host "$dir/host.data" perf report -i "$dir/host.data" --stdio --sort comm,dso,sym \
	--kallsyms "$dir/host-kallsyms" -- \
	report -i "$dir/host.data" --stdio --sort comm,dso,sym --kallsyms "$dir/host-kallsyms"
one guest "$dir/guest.data" perf kvm --guestkallsyms="$dir/kallsyms" --guestmodules="$fix/modules" \
	report -i "$dir/guest.data" --stdio --sort dso,sym -- \
	--guestkallsyms="$dir/kallsyms" --guestmodules="$fix/modules" \
	report -i "$dir/guest.data" --stdio --sort dso,sym
one "host -g" "$dir/graph.data" perf report -i "$dir/graph.data" --stdio --no-children \
	--kallsyms "$dir/host-kallsyms" -- \
	report -i "$dir/graph.data" --stdio -g --no-children --kallsyms "$dir/host-kallsyms"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
