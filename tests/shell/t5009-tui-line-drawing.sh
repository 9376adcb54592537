#!/bin/bash
# Popup borders are lines, not the letters that name them ("lqqqk"): in a
# UTF-8 locale the browser writes the Unicode box characters, in the C
# locale the terminal's alternate character set (the cells tmux marks as
# line drawing: capture-pane -e shows them between SO and SI). For TERM
# xterm and tmux-256color.
. tests/lib.sh
. tests/shell/lib-tui.sh
need_tmux
locale -a 2>/dev/null | grep -q -i '^C\.utf-\?8$' || skip "no C.UTF-8 locale"
record_mtwork "$TMP/mt.data"
SO=$(printf '\016')

for term in xterm tmux-256color; do
	infocmp "$term" >/dev/null 2>&1 || { echo "(no terminfo for $term)"; continue; }
	for lang in C.UTF-8 C; do
		tui_start "env TERM=$term LANG=$lang LC_ALL= LC_CTYPE= $PMUKVM report -i $TMP/mt.data --tui"
		wait_screen "^Samples: "
		keys '?'
		wait_screen "Keys \(any other key closes\)"
		tm capture-pane -p -t t >"$TMP/plain"
		tm capture-pane -e -p -t t >"$TMP/esc"
		top=$(grep "Keys (any other key closes)" "$TMP/plain")
		if [ "$lang" = C.UTF-8 ]; then
			[[ $top == *"┌─Keys"*"─┐"* ]] || { cat "$TMP/plain"; fail "$term $lang: top border is not ┌─...─┐: '$top'"; }
			grep -q "│ Up  .*│" "$TMP/plain" || fail "$term $lang: no │ sides"
			grep -q -E "lqKeys|qqk|x Up " "$TMP/plain" && fail "$term $lang: ACS letters on screen"
		else
			# Line-drawing cells: the corner and the side come after SO.
			grep -a -q "${SO}lq.*Keys (any other key closes)" "$TMP/esc" ||
				{ cat -v "$TMP/esc" | grep -a Keys; fail "$term $lang: the top border is not drawn in the line-drawing set"; }
			grep -a -q "${SO}x.*Up  .*${SO}x" "$TMP/esc" ||
				fail "$term $lang: the sides are not drawn in the line-drawing set"
		fi
		keys Escape
		keys q
		[ "$(wait_exit)" = 0 ] || fail "$term $lang: non-zero exit"
		terminal_sane
		tm kill-server
		echo "ok: TERM=$term LANG=$lang: the popup has line borders"
	done
done
