#!/bin/bash
# The browser shows report's filters and new sort keys: the rows and the
# title's sample count are --stdio's; -F and --hierarchy print text on a
# terminal (the browser does not draw them).
. tests/lib.sh
. tests/shell/lib-tui.sh
need_tmux
need_perf
perf record -q -e cpu-clock -F 999 --sample-cpu -o "$TMP/mt.data" -- "$TOOLS/mtwork" 2 1500 \
	>/dev/null 2>&1 || fail "perf record failed"
f=$TMP/mt.data
args="--sort cpu,dso --dso libc.so.6,libm.so.6 --percentage relative --time 0%-80%"

# shellcheck disable=SC2086
$PMUKVM report -i "$f" --stdio -n $args >"$TMP/stdio"
want_n=$(awk '/^# Samples:/ { print $3 }' "$TMP/stdio")
want_rows=$(grep -E '^ +[0-9.]+%' "$TMP/stdio" | awk '{ print $1, $2, $3, $4 }' | sort)
tui_start "$PMUKVM report -i $f --tui $args"
wait_screen "^Samples: [0-9]+ of event 'cpu-clock'"
got_n=$(screen | sed -n "s/^Samples: \([0-9]*\) of event.*/\1/p")
[ "$got_n" = "$want_n" ] || fail "title: $got_n samples, --stdio says $want_n"
screen | grep -q "CPU  Shared Object" || fail "no CPU column"
got_rows=$(rows | awk '{ print $1, $2, $3, $4 }' | sort)
[ "$got_rows" = "$want_rows" ] || { echo "$got_rows"; echo "--"; echo "$want_rows";
	fail "the browser's rows are not --stdio's"; }
rows | grep -q "kernel" && fail "a row the --dso filter hides"
keys q
[ "$(wait_exit)" = 0 ] || fail "report --tui: non-zero exit"
terminal_sane
tm kill-server
echo "ok: the browser shows the filtered rows, relative shares and the cpu key"

# --hierarchy on a terminal without --tui: text.
tui_start "$PMUKVM report -i $f --hierarchy --sort comm,dso -q | head -3"
[ "$(wait_exit)" = 0 ] || fail "report --hierarchy on a terminal"
screen | grep -q "^Samples: " && fail "--hierarchy opened the browser"
screen | grep -q "mtwork" || fail "--hierarchy printed no rows"
echo "ok: --hierarchy prints text on a terminal"
