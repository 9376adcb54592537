# bash completion for pmukvm. Options come from the binary's own --help,
# so completion and help cannot drift apart.
_pmukvm()
{
	local cur=${COMP_WORDS[COMP_CWORD]} bin=${PMUKVM:-${COMP_WORDS[0]}} cmd="" i
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done
	if [ -z "$cmd" ] && [[ $cur != -* ]]; then
		COMPREPLY=($(compgen -W "$("$bin" --help 2>/dev/null |
			awk '/^commands:/ { on = 1; next } on && NF == 0 { exit } on { print $1 }')" -- "$cur"))
		return
	fi
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$("$bin" ${cmd:-report} --help 2>/dev/null |
			grep -o -E -- '--[a-z][a-z0-9-]*' | sort -u)" -- "$cur"))
		return
	fi
	COMPREPLY=($(compgen -f -- "$cur"))
}
complete -F _pmukvm pmukvm
