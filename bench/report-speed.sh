#!/bin/bash
# pmukvm report vs perf report on the same 1,000,000-sample files, in one run.
#   host:  perf record -a (cpu-clock, kernel + user samples) until 1M samples
#   guest: mkguestdata, 1M guest samples against the guest-6.1 fixture,
#          compared with perf kvm report
# Prints wall time (best of N) and peak RSS for each tool, and the ratios.
# Usage: bench/report-speed.sh [RUNS]   (run from the repository root, as root)
set -eu
runs=${1:-3}
PMUKVM=${PMUKVM:-./pmukvm}
dir=$(mktemp -d /tmp/pmukvm-bench.XXXXXX)
trap 'rm -rf "$dir"' EXIT
fix=${FIXTURES:-../shared/fixtures}/guest-6.1

echo "recording the host for 10 s (about 1,000,000 samples at 20 us on 2 CPUs)..."
perf record -q -a -e cpu-clock -c 20000 -o "$dir/host.data" -- build/tools/mtwork 2 10000 \
	>/dev/null 2>&1
# Both tools read the same kallsyms copy: reading /proc/kallsyms costs the
# kernel about 50 ms per read on this machine, the same for either tool.
cp /proc/kallsyms "$dir/host-kallsyms"
host_n=$(perf report -i "$dir/host.data" --stdio -n --sort dso 2>/dev/null |
	awk '!/^#/ && NF >= 2 { s += $2 } END { print s }')
gzip -dc "$fix/kallsyms.gz" >"$dir/kallsyms"
build/tools/mkguestdata -o "$dir/guest.data" --guest "0:$dir/kallsyms:$fix/modules" \
	--kernel-samples 800000 --module-samples 150000 --user-samples 50000 \
	--host-kernel-samples 0 --host-user-samples 0 --seed 1 >/dev/null
echo "recording the host with callchains for 5 s (perf record -a -g)..."
perf record -q -a -g -e cpu-clock -c 20000 -o "$dir/graph.data" -- build/tools/mtwork 2 5000 \
	>/dev/null 2>&1
# Warm the page cache and perf's symbol caches.
perf report -i "$dir/host.data" --stdio >/dev/null 2>&1
$PMUKVM report -i "$dir/host.data" --stdio >/dev/null 2>&1

# measure LABEL CMD...: best wall seconds (clock read around the run, in
# ms) and the peak RSS (kB, /usr/bin/time) of that run.
measure() {
	local label=$1 best="" rss="" i t r s e; shift
	for ((i = 0; i < runs; i++)); do
		s=$(date +%s%N)
		/usr/bin/time -f '%M' -o "$dir/time" "$@" >/dev/null 2>&1
		e=$(date +%s%N)
		t=$(awk -v a="$s" -v b="$e" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
		r=$(tail -n1 "$dir/time")
		if [ -z "$best" ] || awk "BEGIN { exit !($t < $best) }"; then best=$t rss=$r; fi
	done
	printf '%-34s %8.3f s %10d kB\n' "$label" "$best" "$rss"
	eval "${label//[^a-z]/_}_t=$best ${label//[^a-z]/_}_m=$rss"
}

echo
echo "host file: $host_n samples, $(stat -c %s "$dir/host.data") bytes; guest file: 1000000 samples, $(stat -c %s "$dir/guest.data") bytes"
printf '%-34s %10s %13s\n' "" "wall" "peak RSS"
measure "perf host" perf report -i "$dir/host.data" --stdio --sort comm,dso,sym \
	--kallsyms "$dir/host-kallsyms"
measure "pmukvm host" $PMUKVM report -i "$dir/host.data" --stdio --sort comm,dso,sym \
	--kallsyms "$dir/host-kallsyms"
measure "perf kvm guest" perf kvm --guestkallsyms="$dir/kallsyms" --guestmodules="$fix/modules" \
	report -i "$dir/guest.data" --stdio --sort dso,sym
measure "pmukvm guest" $PMUKVM --guestkallsyms="$dir/kallsyms" --guestmodules="$fix/modules" \
	report -i "$dir/guest.data" --stdio --sort dso,sym
measure "perf host -g" perf report -i "$dir/graph.data" --stdio --no-children \
	--kallsyms "$dir/host-kallsyms"
measure "pmukvm host -g" $PMUKVM report -i "$dir/graph.data" --stdio -g \
	--kallsyms "$dir/host-kallsyms"
echo
awk -v a="$perf_host_t" -v b="$pmukvm_host_t" -v c="$perf_host_m" -v d="$pmukvm_host_m" \
	'BEGIN { printf "host:  pmukvm is %.1fx faster, uses %.2f of perf'"'"'s peak memory\n", a / b, d / c }'
awk -v a="$perf_kvm_guest_t" -v b="$pmukvm_guest_t" -v c="$perf_kvm_guest_m" -v d="$pmukvm_guest_m" \
	'BEGIN { printf "guest: pmukvm is %.1fx faster, uses %.2f of perf kvm'"'"'s peak memory\n", a / b, d / c }'
awk -v a="$perf_host__g_t" -v b="$pmukvm_host__g_t" -v c="$perf_host__g_m" -v d="$pmukvm_host__g_m" \
	'BEGIN { printf "-g:    pmukvm is %.1fx faster, uses %.2f of perf'"'"'s peak memory\n", a / b, d / c }'
