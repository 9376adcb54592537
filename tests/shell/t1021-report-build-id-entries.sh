#!/bin/bash
# Which of a file's BUILD_ID entries give a DSO its build-id, against perf
# report on the same files: an entry of cpumode unknown or hypervisor is
# dropped (perf reads only a kernel's and user space's), and of two
# entries for one file the last counts. A crafted file maps a small
# program built here with entries that match its build-id or do not; a
# build-id that counts and differs leaves its samples unresolved (the file
# changed since recording), one that does not count leaves them resolved.
. tests/lib.sh
need_perf
objs_program
good=$(readelf -n "$TMP/objs" | awk '/Build ID:/ { print $3 }')
[ ${#good} -eq 40 ] || skip "the linker wrote no 20-byte build-id"
bad=0123456789abcdef0123456789abcdef01234567
[ "$good" != "$bad" ] || fail "the program's build-id is the test's wrong one"
samples=("$(objs_addr work 4):$(objs_addr loop 5)" "$(objs_addr work 8):$(objs_addr loop 5)"
	"$(objs_addr loop 5):$(objs_addr main 4)")
rows() { grep -v '^#' | grep '%' | tr -s ' ' | sed 's/ *$//'; }
mkdir -p "$TMP/home"
n=0
# Each case: its entries, and whether the samples resolve.
for c in "0:$bad yes" "3:$bad yes" "2:$bad no" "5:$bad no" "2:$good yes" \
	"2:$good 2:$bad no" "2:$bad 2:$good yes" "0:$good 2:$bad 3:$good no" \
	"2:$bad 0:$good no" "0:$bad 2:$good yes"; do
	read -r -a words <<<"$c"
	want=${words[-1]}
	unset 'words[-1]'
	entries=()
	for e in "${words[@]}"; do entries+=("bid=$e"); done
	"$TOOLS/mkcrafted" objects "$TMP/b.data" "$TMP/objs" "${entries[@]}" "${samples[@]}" ||
		fail "mkcrafted failed"
	HOME=$TMP/home perf report -i "$TMP/b.data" --stdio -g none --sort dso,sym 2>"$TMP/perf.err" |
		rows >"$TMP/want" || fail "perf report failed"
	HOME=$TMP/home $PMUKVM report -i "$TMP/b.data" --stdio -g none --sort dso,sym 2>"$TMP/err" |
		rows >"$TMP/got" || { cat "$TMP/err"; fail "report failed"; }
	[ -s "$TMP/want" ] || { cat "$TMP/perf.err"; fail "perf printed no rows (${words[*]})"; }
	diff -u "$TMP/want" "$TMP/got" || fail "entries ${words[*]}: pmukvm and perf differ"
	if [ "$want" = yes ]; then
		grep -q ' work$' "$TMP/got" || fail "entries ${words[*]}: samples not resolved"
		grep -q 'changed since recording' "$TMP/err" && fail "entries ${words[*]}: warned"
	else
		grep -q ' work$' "$TMP/got" && fail "entries ${words[*]}: resolved against a changed file"
		grep -q 'changed since recording' "$TMP/err" || fail "entries ${words[*]}: no warning"
	fi
	n=$((n + 1))
done
echo "$n sets of entries: the same rows as perf"
