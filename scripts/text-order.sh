#!/bin/bash
# Writes scripts/text-order.txt: the functions of pmukvm that report runs on
# the bench shapes (bench/report-memory.sh) and --version, as callgrind
# counts them. The Makefile places these functions first in .text, together,
# so that a report maps the few 64 kB windows of the binary they fill
# (the kernel maps a file's pages 64 kB around each one a process touches)
# instead of nearly all of the binary's 420 kB.
# Usage: scripts/text-order.sh DIR  (from the repository root; DIR holds the
# files bench/report-memory.sh made, as DIR=D keeps them)
set -eu
dir=${1:?usage: scripts/text-order.sh DIR}
PMUKVM=${PMUKVM:-./pmukvm}
fix=${FIXTURES:-../shared/fixtures}/guest-6.1
[ -d "$fix" ] || fix=/work/shared/fixtures/guest-6.1
tmp=$(mktemp -d /tmp/pmukvm-order.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
n=0
: >"$tmp/seen"
run() {
	n=$((n + 1))
	valgrind -q --tool=callgrind --callgrind-out-file="$tmp/cg.$n" "$PMUKVM" "$@" \
		>/dev/null 2>"$tmp/err.$n" || { cat "$tmp/err.$n" >&2; exit 1; }
}
ks=(--kallsyms "$dir/host-kallsyms")
run --version
run report -i "$dir/host.data" --stdio --sort comm,dso,sym "${ks[@]}"
run report -i "$dir/graph.data" --stdio -g "${ks[@]}"
run report -i "$dir/graph.data" --stdio -g --no-children "${ks[@]}"
run --guestkallsyms="$dir/kallsyms" --guestmodules="$fix/modules" \
	report -i "$dir/guest.data" --stdio --sort dso,sym
for s in maps-random threads build-ids; do
	run report -i "$dir/$s.data" --stdio
done
# callgrind_annotate's lines: "  COUNT (PCT%)  FILE:FUNCTION['DEPTH] [OBJECT]", the
# object pmukvm's path, or ??? where valgrind does not name it (a binary
# linked with this ordering: its own first section is not where it looks). The
# functions of each run not in an earlier one, in the order of the runs:
# --version's first, so that a run that does little maps one window.
{
	echo "# Written by scripts/text-order.sh: the functions report runs, placed first."
	for ((i = 1; i <= n; i++)); do
		f=$tmp/cg.$i
		callgrind_annotate --threshold=100 "$f" |
			sed -n "s@^ *[0-9,]* ([ 0-9.]*%) *[^ ]*:\([A-Za-z_][A-Za-z0-9_.]*\)\('[0-9]*\)\? \[\(???\|[^]]*pmukvm\)\]\$@\1@p" |
			LC_ALL=C sort -u >"$f.names"
		grep -vxF -f "$tmp/seen" "$f.names" || true
		cat "$f.names" >>"$tmp/seen"
	done
} >scripts/text-order.txt
echo "scripts/text-order.txt: $(grep -vc '^#' scripts/text-order.txt) functions"
