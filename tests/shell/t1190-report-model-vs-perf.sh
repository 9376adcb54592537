#!/bin/bash
# Threads whose tid a later FORK gives to a new thread, against perf
# report: the rows of the old thread keep its pid and its last command
# (an exec's), as perf's do, instead of taking the new thread's. Then
# random histories of processes (tests/shell/lib-randmodel.py: forks,
# exits and tids given again, execs, code and data maps that overlap,
# anonymous ones among them, samples in and out of them; call chains
# for --children; the host kernel and its modules), each read by both
# tools under several sort orders: the same rows and counts.
. tests/lib.sh
need_perf
command -v python3 >/dev/null 2>&1 || skip "python3 is not installed"
MK=$TOOLS/mkcrafted
rows() { grep -v '^#' | grep -v '^$' | tr -s ' ' | sed 's/ *$//'; }
# same FILE SORT [OPTION...]: perf's rows and pmukvm's are the same.
same() {
	local f=$1 s=$2
	shift 2
	perf report -i "$f" --stdio --sort "$s" "$@" 2>"$TMP/perf.err" | rows >"$TMP/want" ||
		fail "perf report failed on $f"
	$PMUKVM report -i "$f" --stdio --sort "$s" "$@" 2>"$TMP/err" | rows >"$TMP/got" ||
		{ cat "$TMP/err"; fail "report failed on $f"; }
	# -U may leave out every sample (perf then prints no table): none here either
	[ -s "$TMP/want" ] || [ "${*: -1}" = -U ] || { cat "$TMP/perf.err"; fail "perf printed no rows for $f"; }
	diff -u "$TMP/want" "$TMP/got" >"$TMP/diff" || return 1
}

# Process 300 execs "omega", exits, and its tid is forked again from
# "alpha": its sample (taken before the exec) is 300:omega in perf, and
# the new thread's sample joins that row (perf's pid key groups by tid).
printf '%s\n' "comm 100 100 alpha" "fork 300 100 300 100" "usample 401000 300 300 0" \
	"exec 300 300 omega" "exit 300 300 300 300" "fork 300 100 300 100" \
	"usample 402000 300 300 1" | "$MK" kernel "$TMP/reuse.data" || fail "mkcrafted failed"
same "$TMP/reuse.data" pid || { cat "$TMP/diff"; fail "a reused tid: pmukvm and perf differ"; }
grep -q ' 300:omega$' "$TMP/got" || { cat "$TMP/got"; fail "the old thread lost its command"; }

n=0
for ((seed = 1; seed <= ${RANDMODEL_SEEDS:-40}; seed++)); do
	python3 tests/shell/lib-randmodel.py "$seed" >"$TMP/h.txt" || fail "lib-randmodel.py failed"
	"$MK" kernel "$TMP/r.data" <"$TMP/h.txt" || fail "mkcrafted failed on seed $seed"
	for s in comm,dso,sym pid,dso,sym dso,sym pid sym,pid sym; do
		same "$TMP/r.data" "$s" || { cat "$TMP/diff"; fail "seed $seed, --sort $s: pmukvm and perf differ"; }
		n=$((n + 1))
	done
done
# With call chains: --children's rows (a frame's row counts each sample
# whose chain passes it once), from frames in and out of the maps.
for ((seed = 1; seed <= ${RANDMODEL_SEEDS:-40} / 2; seed++)); do
	python3 tests/shell/lib-randmodel.py "$seed" g >"$TMP/h.txt" || fail "lib-randmodel.py failed"
	"$MK" kernel-g "$TMP/g.data" <"$TMP/h.txt" || fail "mkcrafted failed on seed $seed"
	for s in comm,dso,sym pid,sym; do
		same "$TMP/g.data" "$s" --children -g none ||
			{ cat "$TMP/diff"; fail "seed $seed, -g, --sort $s: pmukvm and perf differ"; }
		n=$((n + 1))
	done
done
# With the host kernel and two modules (a random kallsyms copy for both
# tools, data symbols among them): rows of module symbols, of data
# objects in modules (perf's offset after the name), and of module
# addresses no symbol covers (printed from the module's start, as perf).
# comm,sym: rows with and without symbols in many DSOs and no dso key,
# where perf's compares are no order: rows of equal share in the order
# of perf's table (hists.table_order). (--sort sym alone is left out:
# there perf's table, searched under such compares, can miss a row and
# make a second one of the same symbol, which pmukvm does not copy.)
# With kallsyms read late (PMUKVM_KALLSYMS_DELAY_MS), the rows of kernel
# samples are made after later samples' rows, and must still come in the
# order of their first samples.
for ((seed = 1; seed <= ${RANDMODEL_SEEDS:-40} / 2; seed++)); do
	python3 tests/shell/lib-randmodel.py "$seed" k >"$TMP/h.txt" &&
		python3 tests/shell/lib-randmodel.py "$seed" kallsyms >"$TMP/ks" ||
		fail "lib-randmodel.py failed"
	"$MK" kernel "$TMP/k.data" <"$TMP/h.txt" || fail "mkcrafted failed on seed $seed"
	for s in comm,dso,sym dso,sym comm,sym; do
		same "$TMP/k.data" "$s" --kallsyms "$TMP/ks" ||
			{ cat "$TMP/diff"; fail "seed $seed, kernel, --sort $s: pmukvm and perf differ"; }
		n=$((n + 1))
	done
	# every kernel sample held while kallsyms is read: their rows are
	# made late, and take their first samples' places in perf's table
	PMUKVM_KALLSYMS_DELAY_MS=50 same "$TMP/k.data" comm,sym --kallsyms "$TMP/ks" ||
		{ cat "$TMP/diff"; fail "seed $seed, kernel held, --sort comm,sym: pmukvm and perf differ"; }
	n=$((n + 1))
	# -U: the samples no symbol names (user ones here: no files) left out,
	# totals and all; kernel samples held or not
	for delay in 0 50; do
		PMUKVM_KALLSYMS_DELAY_MS=$delay same "$TMP/k.data" comm,dso,sym --kallsyms "$TMP/ks" -U ||
			{ cat "$TMP/diff"; fail "seed $seed, kernel, -U: pmukvm and perf differ"; }
		[ -s "$TMP/want" ] || fail "seed $seed, kernel, -U: no rows (no kernel symbol?)"
		n=$((n + 1))
	done
done
echo "a reused tid, and $n random histories and sorts: the same rows as perf"
