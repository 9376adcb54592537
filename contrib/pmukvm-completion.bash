# bash completion for pmukvm: source it, or install it as
# $(PREFIX)/share/bash-completion/completions/pmukvm (make install does).
#
# Everything offered comes from the binary being completed: its commands
# (pmukvm --list-cmds), each command's options (pmukvm CMD --list-opts:
# "--name[=] [-x]"), the sort keys (--list-sort-keys) and the events
# (--list-events). As those tables grow in the code, completion follows.
# The binary is $PMUKVM if set, else the command word as typed
# (pmukvm, ./pmukvm, ~/bin/pmukvm-san).

# _pmukvm_values LIST CUR: the words of LIST (one per line) that complete
# the last element of the comma-separated CUR, with the elements before it.
_pmukvm_values()
{
	local head="" last=$2 w
	if [[ $2 == *,* ]]; then
		head=${2%,*},
		last=${2##*,}
	fi
	for w in $1; do
		[[ $w == "$last"* ]] && printf '%s\n' "$head$w"
	done
}

_pmukvm()
{
	local bin=${PMUKVM:-${COMP_WORDS[0]}}
	bin=${bin/#\~/$HOME}
	if [[ $bin == */* ]]; then
		[ -x "$bin" ] || return 0
	else
		command -v "$bin" >/dev/null 2>&1 || return 0
	fi

	# bash splits "--sort=dso" (and "kvm:kvm_exit") at '=' and ':'; join
	# them back. cur is the whole current word up to the cursor, rlword
	# the part of it that readline replaces (after the last '=' or ':').
	local -a words=()
	local i n=-1 w glue=0
	for ((i = 0; i < ${#COMP_WORDS[@]} && i <= COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if ((n >= 0)) && [[ $w == : || ($w == = && ${words[n]} == -*) ]]; then
			words[n]+=$w
			glue=1
		elif ((glue)); then
			words[n]+=$w
			glue=0
		else
			words[++n]=$w
		fi
	done
	local cword=$n
	local cur=${words[cword]} rlword=${COMP_WORDS[COMP_CWORD]}
	[[ $rlword == = || $rlword == : ]] && rlword=""
	local strip=$((${#cur} - ${#rlword}))

	# The command: the first word that is neither an option nor an
	# option's value (global options come before it too).
	local globals cmd="" skip=0
	globals=$("$bin" --list-opts 2>/dev/null)
	for ((i = 1; i < cword; i++)); do
		w=${words[i]}
		if ((skip)); then skip=0; continue; fi
		if [[ $w == -* ]]; then
			[[ $w != *=* ]] && grep -q -x -E -- "$w=( .*)?|--[^ ]*= $w" <<<"$globals" && skip=1
			continue
		fi
		cmd=$w
		break
	done
	local opts=$globals
	[ -n "$cmd" ] && opts=$("$bin" "$cmd" --list-opts 2>/dev/null)

	# Which option, if any, the current word is the value of.
	local opt="" val=$cur prev=""
	if [[ $cur == --*=* ]]; then
		opt=${cur%%=*}
		val=${cur#*=}
	elif ((cword > 1)) && [[ ${words[cword - 1]} == -* && ${words[cword - 1]} != *=* ]]; then
		prev=${words[cword - 1]}
		# Long form of prev, when it takes a value.
		opt=$(awk -v o="$prev" '{ l = $1; sub(/=$/, "", l) }
			$1 ~ /=$/ && (l == o || $2 == o) { print l; exit }' <<<"$opts")
	fi
	# Where the value starts in cur, for what readline replaces.
	local vstrip=$((strip - (${#cur} - ${#val})))
	((vstrip < 0)) && vstrip=0

	local -a cand=()
	if [ -n "$opt" ]; then
		case $opt in
		--sort) mapfile -t cand < <(_pmukvm_values "$("$bin" --list-sort-keys 2>/dev/null)" "$val") ;;
		--event) mapfile -t cand < <(_pmukvm_values "$("$bin" --list-events 2>/dev/null)" "$val") ;;
		--guestmount|--symfs) mapfile -t cand < <(compgen -d -- "$val") ;;
		--input|--output|--kallsyms|--vmlinux|--guestkallsyms|--guestmodules|--guestvmlinux)
			mapfile -t cand < <(compgen -f -- "$val") ;;
		*) cand=() ;;
		esac
		COMPREPLY=()
		for w in "${cand[@]}"; do
			COMPREPLY+=("${w:vstrip}")
		done
		return 0
	fi
	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(awk -v c="$cur" 'index($1, c) == 1 { print $1 }' <<<"$opts")
		# "--sort=": no space after it, the value follows.
		[[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null
		return 0
	fi
	if [ -z "$cmd" ]; then
		mapfile -t COMPREPLY < <(compgen -W "$("$bin" --list-cmds 2>/dev/null)" -- "$cur")
		return 0
	fi
	if [ "$cmd" = help ]; then
		mapfile -t COMPREPLY < <(compgen -W "$("$bin" --list-cmds 2>/dev/null)" -- "$cur")
		return 0
	fi
	mapfile -t COMPREPLY < <(compgen -f -- "$cur")
}
complete -F _pmukvm pmukvm pmukvm-san
