#!/bin/bash
# pmukvm diff on rows without a symbol, against perf diff (perf 6.1): in
# each file the samples of one DSO that no symbol covers are one row
# (named by its least address, whatever came first in time), paired with
# the other file's such row; the DSO column is then sixteen wide, as for
# an address, except with -t; among rows of equal counts those without
# a symbol come after those with one. Crafted files (mkcrafted objects) of a
# small program built here take samples in its functions and in its ELF
# header, where no symbol is: a recording's [vdso] samples without a
# symbol make the same rows.
. tests/lib.sh
need_perf
objs_program
c=$(objs_addr loop 5)
# IP:CALLER, in time order
"$TOOLS/mkcrafted" objects "$TMP/base.data" "$TMP/objs" "$(objs_addr work 4):$c" "$(objs_hdr 0x28):$c" \
	"$(objs_addr work 4):$c" "$(objs_hdr 0x10):$c" "$(objs_hdr 0x10):$c" "$(objs_addr work 6):$c" ||
	fail "mkcrafted failed"
"$TOOLS/mkcrafted" objects "$TMP/new.data" "$TMP/objs" "$(objs_addr loop 4):$c" "$(objs_hdr 0x30):$c" \
	"$(objs_addr loop 6):$c" "$(objs_hdr 0x20):$c" "$(objs_addr work 6):$c" || fail "mkcrafted failed"
# every row as large as the others: rows without a symbol come last
"$TOOLS/mkcrafted" objects "$TMP/tie.data" "$TMP/objs" "$(objs_hdr 0x18):$c" "$(objs_addr work 4):$c" \
	"$(objs_addr loop 4):$c" "$(objs_hdr 0x10):$c" "$(objs_addr work 6):$c" "$(objs_addr loop 6):$c" ||
	fail "mkcrafted failed"

# each file: two addresses without a symbol in perf report
for f in base new tie; do
	n=$(perf report -i "$TMP/$f.data" --stdio --no-children --sort sym 2>/dev/null | grep -c '\[\.\] 0x')
	[ "$n" = 2 ] || fail "$f.data: perf report shows $n rows without a symbol, want 2"
done

n=0
for files in "base new" "new base" "base new base" "tie tie" "tie base"; do
	args=()
	for f in $files; do args+=("$TMP/$f.data"); done
	for opts in "" "-s sym" "-s dso,sym -t |" "-s sym,dso" "-q" "-c ratio -t ;" "-c wdiff:1,2" "-b"; do
		# perf 6.1 pads -c wdiff's columns of three files unevenly: two files only
		[ "$opts" = "-c wdiff:1,2" ] && [ ${#args[@]} -gt 2 ] && continue
		# shellcheck disable=SC2086 # options split on purpose
		perf diff $opts "${args[@]}" > "$TMP/want" 2> "$TMP/perf.err" ||
			{ cat "$TMP/perf.err"; fail "perf diff $opts $files failed"; }
		# shellcheck disable=SC2086
		$PMUKVM diff $opts "${args[@]}" > "$TMP/got" 2> "$TMP/err" ||
			{ cat "$TMP/err"; fail "pmukvm diff $opts $files failed"; }
		grep -q '\[\.\] 0x' "$TMP/want" || fail "perf diff $opts $files: no row without a symbol"
		if ! diff -u "$TMP/want" "$TMP/got"; then
			fail "diff $opts ($files): differs from perf diff"
		fi
		n=$((n + 1))
	done
done
# the row is named by its least address, not by its first sample's
$PMUKVM diff "$TMP/new.data" "$TMP/base.data" | grep -q "\[\.\] 0x0*20\$" ||
	fail "new.data's row without a symbol is not named by its least address (0x20)"
echo "ok: $n diffs as perf diff's, rows without a symbol merged and paired"
