#!/bin/bash
# bash completion (contrib/pmukvm-completion.bash), driven as bash drives it:
# COMP_WORDS split at '=' and ':' as readline does, COMP_CWORD, _pmukvm.
# What it offers comes from the binary, so a binary with other lists gets
# other completions.
. tests/lib.sh
BIN=$(cd "$(dirname "$PMUKVM")" && pwd)/$(basename "$PMUKVM")

# comp [VAR=VALUE...] -- WORD...: the completions of the last word.
comp() {
	local envs=()
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	env "${envs[@]}" bash -c '. contrib/pmukvm-completion.bash; COMP_WORDS=("$@")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _pmukvm; printf "%s\n" "${COMPREPLY[@]}"' x "$@" |
		grep . | sort | tr '\n' ' ' | sed 's/ $//'
}
# expect WANT WORD...: with PMUKVM set, then as the command word itself.
expect() {
	local want=$1 got; shift
	got=$(comp PMUKVM="$BIN" -- pmukvm "$@")
	[ "$got" = "$want" ] || fail "pmukvm $*<TAB>: '$got', want '$want'"
	got=$(comp -u PMUKVM -- "$BIN" "$@")
	[ "$got" = "$want" ] || fail "$BIN $*<TAB>: '$got', want '$want'"
	echo "ok: pmukvm $*<TAB> -> $want"
}

keys=$($PMUKVM --list-sort-keys | sort | tr '\n' ' ' | sed 's/ $//')
events=$($PMUKVM --list-events | sort | tr '\n' ' ' | sed 's/ $//')
[ -n "$keys" ] && [ -n "$events" ] || fail "--list-sort-keys or --list-events is empty"

# The lists are the code's: every key sorts, every event parses.
for k in $keys; do
	$PMUKVM report -i tests/data/cmdline-twice.data --stdio -s "$k" >/dev/null 2>"$TMP/err" ||
		{ cat "$TMP/err"; fail "--list-sort-keys lists '$k', report --sort refuses it"; }
done
for e in $events; do
	$PMUKVM top -e "$e" --help >/dev/null 2>"$TMP/err" ||
		{ cat "$TMP/err"; fail "--list-events lists '$e', top -e refuses it"; }
done
cmds=$($PMUKVM --help | awk '/^commands:/ { on = 1; next } on && NF == 0 { exit } on { print $1 }' | sort)
[ "$($PMUKVM --list-cmds | sort)" = "$cmds" ] || fail "--list-cmds differs from --help's commands"
# Not in --help: they are for completion.
$PMUKVM --help | grep -q -- "--list-" && fail "--help shows the --list- options"

expect "$(echo $cmds)" ""
expect "record report" re
expect "--sort=" report --so
expect "--sort=" --guestmount = /tmp report --so
expect "--sort=" --guestmount /tmp report --so
expect "--sort=" --guestkallsyms=x -v report --so
expect "$keys" report --sort ""
expect "$keys" report --sort =
expect "$keys" report -s ""
expect "dso,sym" report --sort = dso,sy
expect "dso,srcline dso,sym" report --sort = dso,s
expect "dso,sym" --guestmount = /tmp top -s dso,sy
expect "$(echo "$events" | tr ' ' '\n' | grep '^cpu' | tr '\n' ' ' | sed 's/ $//')" top -e cpu
expect "cycles,task-clock" record -e cycles,ta
expect "--guestmodules= --guestmount=" --guestm
expect "record report" help re
mkdir -p "$TMP/dir.d"
touch "$TMP/in.data"
expect "$TMP/in.data" report -i "$TMP/in."
expect "$TMP/dir.d" --guestmount = "$TMP/dir."

# Completion follows the binary: a stand-in with other tables.
cat >"$TMP/fake" <<'FAKE'
#!/bin/sh
case "$*" in
--list-cmds) printf 'report\nzap\n' ;;
--list-sort-keys) printf 'comm\nsrcline\ntid\n' ;;
--list-events) printf 'cycles\nkvm:kvm_exit\nkvm:kvm_entry\n' ;;
--list-opts) printf -- '--guestmount=\n--verbose -v\n' ;;
"report --list-opts") printf -- '--sort= -s\n--event= -e\n--stdio\n' ;;
*) exit 1 ;;
esac
FAKE
chmod +x "$TMP/fake"
f() { comp PMUKVM="$TMP/fake" -- pmukvm "$@"; }
[ "$(f z)" = zap ] || fail "fake binary: commands '$(f z)'"
[ "$(f report --sort = comm,)" = "comm,comm comm,srcline comm,tid" ] || fail "fake binary: keys '$(f report --sort = comm,)'"
[ "$(f report -s t)" = tid ] || fail "fake binary: -s keys '$(f report -s t)'"
# kvm:kvm_e splits at ':'; readline replaces what follows it.
[ "$(f report -e kvm : kvm_e)" = "kvm_entry kvm_exit" ] || fail "fake binary: events after ':' '$(f report -e kvm : kvm_e)'"
echo "ok: completion reads its lists from the binary"
