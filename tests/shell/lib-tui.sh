# Helpers for the t5NNN tests: drive a TUI in a detached tmux session of a
# fixed size, read the screen, and check that the terminal is sane after.
# Source after tests/lib.sh.

need_tmux() {
	command -v tmux >/dev/null 2>&1 || skip "tmux is not installed"
}

# tui_cg_setup: for the call-graph browser tests: tmux, perf, and
# $TMP/cg.data, perf record -g of mtwork (2 800) at 999 Hz.
tui_cg_setup() {
	need_tmux
	need_perf
	perf record -q -g -e cpu-clock -F 999 -o "$TMP/cg.data" -- "$TOOLS/mtwork" 2 800 \
		>/dev/null 2>&1 || fail "perf record -g failed"
}

TM_SOCK=$TMP/tmux.sock
tm() { tmux -S "$TM_SOCK" "$@"; }
at_exit 'tmux -S "$TM_SOCK" kill-server'

# tui_start CMD...: a shell in a 120x40 tmux session (TUI_COLS x TUI_ROWS
# when set) runs CMD, then records its exit status and the terminal
# settings before and after.
tui_start() {
	rm -f "$TMP/exit" "$TMP/stty.before" "$TMP/stty.after"
	local try
	# Right after a kill-server the old server may still hold the socket.
	for try in 1 2 3 4 5; do
		tm new-session -d -s t -x "${TUI_COLS:-120}" -y "${TUI_ROWS:-40}" "env PS1='\$ ' TERM=screen bash --norc --noprofile" \
			2>"$TMP/tmux.err" && break
		[ $try -eq 5 ] && fail "tmux cannot start: $(cat "$TMP/tmux.err")"
		sleep 0.3
	done
	# A script, not the interactive shell: that one would drop the rest
	# of the line when the command dies of SIGINT.
	cat >"$TMP/run.sh" <<-RUN
	cd '$PWD'
	stty -g >$TMP/stty.before
	$*
	echo \$? >$TMP/exit
	stty -g >$TMP/stty.after
	RUN
	tm send-keys -t t "bash $TMP/run.sh" Enter
}

screen() { tm capture-pane -p -t t; }

keys() { tm send-keys -t t "$@"; sleep 0.3; }

lib_screen_redrawn() {
	local a b
	a=$(screen)
	[ "$a" != "$1" ] || return 1
	sleep 0.1
	b=$(screen)
	[ "$a" = "$b" ]
}

# keys_redraw KEY...: for keys that change what the browser
# shows, when the screen is read right after them: sends the keys, then
# waits until the screen differs from the one before them and has stopped
# changing (two reads 0.1 s apart agree). keys' fixed 0.3 s is not always
# enough for the browser to redraw on a loaded machine.
keys_redraw() {
	local before
	before=$(screen)
	tm send-keys -t t "$@"
	poll_until 30 lib_screen_redrawn "$before" || { screen | sed 's/^/  | /'
		fail "the screen did not change after keys '$*'"; }
}

# wait_screen REGEX [SECONDS]: until the screen matches (extended regex).
wait_screen() {
	local i
	for ((i = 0; i < ${2:-10} * 10; i++)); do
		screen | grep -q -E -- "$1" && return 0
		sleep 0.1
	done
	screen | sed 's/^/  | /'
	fail "screen never showed /$1/"
}

# wait_exit [SECONDS]: the command ended; prints its exit status.
wait_exit() {
	local i
	for ((i = 0; i < ${1:-10} * 10; i++)); do
		[ -s "$TMP/exit" ] && [ -s "$TMP/stty.after" ] && { cat "$TMP/exit"; return 0; }
		sleep 0.1
	done
	screen | sed 's/^/  | /'
	fail "the command did not exit"
}

# terminal_sane: the settings after equal those before, and the shell prompt answers.
terminal_sane() {
	cmp -s "$TMP/stty.before" "$TMP/stty.after" ||
		fail "terminal settings changed: $(cat "$TMP/stty.before") -> $(cat "$TMP/stty.after")"
	tm send-keys -t t "echo SANE-\$((6*7))" Enter
	wait_screen "^SANE-42" 5
}

# rows: the list rows of the browser (lines with a percentage first).
rows() { screen | grep -E '^ +[0-9]+\.[0-9]+% '; }

# record_mtwork FILE: a perf.data of the multi-threaded workload.
record_mtwork() {
	need_perf
	perf record -q -e cpu-clock -F 999 -o "$1" -- "$TOOLS/mtwork" 2 1500 >/dev/null 2>&1 ||
		fail "perf record failed"
}
