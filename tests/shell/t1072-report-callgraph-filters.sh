#!/bin/bash
# report -g and --children with the filters, against perf report 6.1 on
# the same files. A row first made for a caller on a sample's path is
# hidden by --symbols/--dsos/--comm as that sample is, by its own fields
# (not as the sample's row was: that row may have been made, hidden, by an
# earlier sample that only passed through it): tests/tools/cgphases makes
# the first path through pick end in leaf, then samples pick itself under
# outer2. And with --percentage relative the rows' shares are of what is
# shown, the paths' of the whole total, as perf prints them.
. tests/lib.sh
need_perf

f=$TMP/ph.data
# What the test needs (perf says so): under --symbols pick, pick's row is
# hidden (made by a sample in leaf) and outer2's shown. A sample in pick's
# own loop in the first phase would show pick's row: then record again.
for try in 1 2 3 4 5 6; do
	perf record -q -g -e cpu-clock -o "$f" -- "$TOOLS/cgphases" 400 >/dev/null 2>&1 ||
		fail "perf record -g failed"
	perf report -i "$f" --stdio -q --children -n -g none --symbols pick,none 2>/dev/null |
		grep -v '^#' | grep . >"$TMP/shape"
	# Both phases above the graphs' 0.5% threshold (a loaded machine can
	# starve one): else perf prints single chains, no branch to compare.
	for pct in relative absolute; do
		perf report -i "$f" --stdio -q -g graph,0.5,caller --children \
			--percentage $pct --dsos cgphases 2>/dev/null |
			grep -c -E -- '--[0-9.]+%--' >>"$TMP/shape" || echo nobranch >>"$TMP/shape"
	done
	grep -q 'outer2$' "$TMP/shape" && ! grep -q 'pick$' "$TMP/shape" &&
		! grep -q nobranch "$TMP/shape" && break
	[ $try = 6 ] && skip "no recording with pick's row hidden, outer2's shown and both phases sampled"
done

# rows FILTER...: both reports' rows (-q, blanks squeezed: perf sizes its
# columns from hidden rows too), sorted, compared.
plain() { grep -v '^#' | grep . | tr -s ' ' | sed 's/ $//' | sort; }
rows() {
	perf report -i "$f" --stdio -q --children -n -g none "$@" 2>"$TMP/perf.err" |
		plain >"$TMP/perf.rows"
	$PMUKVM report -i "$f" --stdio -q --children -n -g none "$@" 2>"$TMP/err" |
		plain >"$TMP/ours.rows" || { cat "$TMP/err"; fail "report $*"; }
	diff -u "$TMP/perf.rows" "$TMP/ours.rows" >"$TMP/rows.diff" ||
		{ cat "$TMP/rows.diff"; fail "--children $*: rows differ from perf report's"; }
	echo "ok: --children $*: $(wc -l <"$TMP/ours.rows") rows as perf"
}
rows --symbols pick,none
rows --symbols pick
rows --symbols outer2,leaf
rows --dsos cgphases
rows --dsos '[kernel.kallsyms]'
rows --comm cgphases --symbols pick
# --symbol-filter hides rows, callers' rows included, by their own symbol
rows --symbol-filter ou
rows --symbol-filter pick --percentage relative

# graph values: "--VALUE--name" branches, any order (ties), and rows.
branches() { grep -o -E -- '--[0-9.]+%--\S+' | sort; }
for pct in relative absolute; do
	for form in "graph,0.5,caller --children" "graph,0.5,callee --children" \
		    "graph,0.5,callee --no-children" "fractal,0.5,caller --children"; do
		for filt in "--dsos cgphases" "--symbols pick,leaf,outer1" "--symbol-filter e"; do
			# shellcheck disable=SC2086
			perf report -i "$f" --stdio -q -g $form --percentage $pct $filt \
				2>/dev/null | branches >"$TMP/perf.b"
			# shellcheck disable=SC2086
			$PMUKVM report -i "$f" --stdio -q -g $form --percentage $pct $filt \
				2>"$TMP/err" | branches >"$TMP/ours.b" || { cat "$TMP/err"; fail "report -g"; }
			case $form in *caller*--children*)
				[ -s "$TMP/perf.b" ] || fail "-g $form $filt: perf shows no branch";;
			esac
			diff -u "$TMP/perf.b" "$TMP/ours.b" >"$TMP/b.diff" ||
				{ head -20 "$TMP/b.diff"; fail "-g $form --percentage $pct $filt: path values differ"; }
		done
	done
	echo "ok: --percentage $pct: path values as perf's in 4 forms, 3 filters"
done
