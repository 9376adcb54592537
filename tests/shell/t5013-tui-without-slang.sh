#!/bin/bash
# slang is opened when a browser starts (ui/tui/slang.h). When it cannot
# be loaded (junk under its soname, or a library without its functions):
# report on a terminal prints text after a warning naming the library;
# report --tui, top --tui and (where the kvm tracepoint formats are
# here to make its file) stat report --tui fail with that message; the
# terminal is left as it was.
. tests/lib.sh
. tests/shell/lib-tui.sh
. tests/shell/lib-kvmstat.sh
need_tmux
record_mtwork "$TMP/mt.data"
cmds=("report -i $TMP/mt.data --tui" "top -i $TMP/mt.data --tui")
if [ -x "$KS_TOOL" ] && [ -f "$FIXTURES/guest-6.1/kallsyms.gz" ] &&
   { [ -r /sys/kernel/tracing/events/kvm/kvm_exit/format ] ||
     { mount -t tracefs nodev /sys/kernel/tracing >/dev/null 2>&1;
       [ -r /sys/kernel/tracing/events/kvm/kvm_exit/format ]; }; }; then
	"$KS_TOOL" -o "$TMP/kvm.data" --kallsyms "$FIXTURES/guest-6.1/kallsyms.gz" --exits 200 ||
		fail "mkkvmstat failed"
	cmds+=("-i $TMP/kvm.data stat report --tui")
fi
mkdir -p "$TMP/junk" "$TMP/empty"
echo "not a library" >"$TMP/junk/libslang.so.2"
echo 'int pmukvm_test_nothing;' | gcc -shared -fPIC -x c -o "$TMP/empty/libslang.so.2" - ||
	fail "cannot build an empty library"

for d in junk empty; do
	case $d in
	junk) why="file too short" ;;
	empty) why="it has no 'SLang_getkey'" ;;
	esac
	# On a terminal without options: text, after the warning.
	tui_start "LD_LIBRARY_PATH=$TMP/$d $PMUKVM report -i $TMP/mt.data --sort dso 2>$TMP/err"
	[ "$(wait_exit)" = 0 ] || fail "report without slang ($d): non-zero exit"
	grep -q "^pmukvm: warning: cannot load libslang.so.2 (for the TUI): .*$why.*; printing text instead" \
		"$TMP/err" || { cat "$TMP/err"; fail "report without slang ($d): no warning naming it"; }
	screen | grep -q -E "^ +[0-9.]+% +mtwork" || { screen; fail "report without slang ($d): no text report"; }
	terminal_sane
	echo "ok: report on a terminal without slang ($d): $(cat "$TMP/err")"
	tm kill-server

	# --tui: an error naming the library.
	for cmd in "${cmds[@]}"; do
		tui_start "LD_LIBRARY_PATH=$TMP/$d $PMUKVM $cmd 2>$TMP/err"
		[ "$(wait_exit)" = 1 ] || { cat "$TMP/err"; fail "$cmd without slang ($d): exit status not 1"; }
		grep -q "^pmukvm: cannot load libslang.so.2 (for the TUI): .*$why" "$TMP/err" ||
			{ cat "$TMP/err"; fail "$cmd without slang ($d): no message naming it"; }
		grep -q "needs a terminal" "$TMP/err" && fail "$cmd without slang ($d): says a terminal is missing"
		terminal_sane
		echo "ok: $cmd without slang ($d): $(head -1 "$TMP/err")"
		tm kill-server
	done
done
echo "ok: without slang, text on a terminal, and --tui says why"
