#!/bin/bash
# Peak memory of pmukvm report against perf report on the same files, every
# shape in one run: the peak RSS (/usr/bin/time's %M, kB) of each tool on
# each file, side by side, and pmukvm's share of perf's.
#   floor       --version: the binary and its shared libraries, doing nothing
#   host        perf record -a -e cpu-clock -c 20000 while build/tools/mtwork
#               runs (SECONDS s); both tools read one kallsyms copy
#   host -g     the same with -g: perf report's default (--children, with
#               call graphs) against pmukvm report -g (the same), and
#               --no-children against -g --no-children
#   guest       build/tools/mkguestdata, 1M guest samples against the
#               guest-6.1 fixture, against perf kvm report
#   crafted     tests/tools/mkcrafted: maps-desc, maps-random (100,000
#               mmaps), threads (200,000), build-ids (200,000 entries,
#               20,000 DSOs), dsos (20,000 DSOs), rounds and stream (1M
#               samples, one row each); bench/crafted.sh
# Usage: bench/report-memory.sh [SECONDS]   (from the repository root, as root)
# PMUKVM=BINARY picks the pmukvm measured (./pmukvm); PMUKVM_BEFORE=BINARY
# adds a column for another build (e.g. one before a change) on the same files.
# DIR=D keeps the files in D and reuses those already there (a rerun then
# measures the same input); RUNS=N gives each figure as the least of N runs
# (default 1).
set -eu
secs=${1:-5}
PMUKVM=${PMUKVM:-./pmukvm}
runs=${RUNS:-1}
tmp=$(mktemp -d /tmp/pmukvm-mem.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
dir=${DIR:-$tmp}
mkdir -p "$dir"
fix=${FIXTURES:-../shared/fixtures}/guest-6.1
[ -d "$fix" ] || fix=/work/shared/fixtures/guest-6.1

. bench/crafted.sh
echo "making the files (host recordings of $secs s each; those in $dir are reused)..."
make_file "$dir/host.data" eval 'perf record -q -a -e cpu-clock -c 20000 -o "$dir/host.data" -- \
	build/tools/mtwork 2 $((secs * 1000)) >/dev/null 2>&1'
make_file "$dir/graph.data" eval 'perf record -q -a -g -e cpu-clock -c 20000 -o "$dir/graph.data" -- \
	build/tools/mtwork 2 $((secs * 1000)) >/dev/null 2>&1'
make_file "$dir/host-kallsyms" cp /proc/kallsyms "$dir/host-kallsyms"
make_file "$dir/kallsyms" eval 'gzip -dc "$fix/kallsyms.gz" >"$dir/kallsyms"'
make_file "$dir/guest.data" eval 'build/tools/mkguestdata -o "$dir/guest.data" \
	--guest "0:$dir/kallsyms:$fix/modules" --kernel-samples 800000 --module-samples 150000 \
	--user-samples 50000 --host-kernel-samples 0 --host-user-samples 0 --seed 1 >/dev/null'
crafted_files "$dir"
# Warm the page cache.
cat "$dir"/*.data >/dev/null

# rss CMD...: the peak RSS in kB of CMD, the least of $runs runs.
rss() {
	local i m best=
	for ((i = 0; i < runs; i++)); do
		/usr/bin/time -f '%M' -o "$tmp/time" "$@" >/dev/null 2>&1 || true
		m=$(tail -n1 "$tmp/time")
		if [ -z "$best" ] || [ "$m" -lt "$best" ]; then best=$m; fi
	done
	echo "$best"
}

# row SHAPE -- PERF_CMD... -- PMUKVM_CMD...   (PMUKVM_CMD starts with $PMUKVM)
row() {
	local shape=$1 p=() q=() a b c; shift 2
	while [ "$1" != "--" ]; do p+=("$1"); shift; done
	shift
	q=("$@")
	a=$(rss "${p[@]}")
	b=$(rss "${q[@]}")
	printf '%-22s %10d %10d %7.3f' "$shape" "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN { print b / a }')"
	if [ -n "${PMUKVM_BEFORE:-}" ]; then
		c=$(rss "$PMUKVM_BEFORE" "${q[@]:1}")
		printf ' %10d %7.3f' "$c" "$(awk -v a="$a" -v c="$c" 'BEGIN { print c / a }')"
	fi
	echo
}

ks=(--kallsyms "$dir/host-kallsyms")
gk=(--guestkallsyms="$dir/kallsyms" --guestmodules="$fix/modules")
echo
printf '%-22s %10s %10s %7s' "shape" "perf kB" "pmukvm kB" "ratio"
[ -z "${PMUKVM_BEFORE:-}" ] || printf ' %10s %7s' "before kB" "ratio"
echo
row floor -- perf --version -- $PMUKVM --version
row host -- perf report -i "$dir/host.data" --stdio --sort comm,dso,sym "${ks[@]}" -- \
	$PMUKVM report -i "$dir/host.data" --stdio --sort comm,dso,sym "${ks[@]}"
row "host -g --children" -- perf report -i "$dir/graph.data" --stdio "${ks[@]}" -- \
	$PMUKVM report -i "$dir/graph.data" --stdio -g "${ks[@]}"
row "host -g --no-children" -- perf report -i "$dir/graph.data" --stdio --no-children "${ks[@]}" -- \
	$PMUKVM report -i "$dir/graph.data" --stdio -g --no-children "${ks[@]}"
row guest -- perf kvm "${gk[@]}" report -i "$dir/guest.data" --stdio --sort dso,sym -- \
	$PMUKVM "${gk[@]}" report -i "$dir/guest.data" --stdio --sort dso,sym
for s in maps-desc maps-random threads build-ids dsos rounds stream; do
	row "$s" -- perf report -i "$dir/$s.data" --stdio -- $PMUKVM report -i "$dir/$s.data" --stdio
done
