# bash completion for tally and its commands (installed by `make install` as
# $(PREFIX)/share/bash-completion/completions/tally, with one link per tally-NAME).
# Commands come from PATH, options from each command's --help, so the completion never
# falls behind the commands.

_tally_commands()
{
	compgen -c tally- | sed -n 's/^tally-//p' | sort -u
}

# The long options and the -O formats a command's usage names.
_tally_usage()
{
	"$1" --help 2>&1
}

# The -O formats of the usage form in use: a usage names one form per line that starts
# with the command (tally-report: the overview, then `tally-report --income ...`); the form
# whose leading option is on the command line, else the first; its first -O list.
_tally_formats()
{
	local IFS=' '

	printf '%s\n' "$1" | awk -v words=" ${*:2} " '
	/^(usage:)? *tally[a-z-]* / {
		form++
		lead = ""
		if (match($0, /tally[a-z-]* --[a-z-]+/)) {
			lead = substr($0, RSTART, RLENGTH)
			sub(/.* /, "", lead)
		}
		if (form == 1 || (lead != "" && index(words, " " lead " ")))
			pick = form
	}
	match($0, /-O [a-z|]+/) && !(form in o) { o[form] = substr($0, RSTART + 3, RLENGTH - 3) }
	END { n = split(o[pick], f, "|"); for (i = 1; i <= n; i++) print f[i] }'
}

_tally()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local cmd=${COMP_WORDS[0]##*/} usage
	local IFS=$'\n'

	if [[ $cmd == tally ]]; then
		if ((COMP_CWORD == 1)); then
			COMPREPLY=($(compgen -W "$(_tally_commands)"$'\n'help -- "$cur"))
			return
		fi
		[[ ${COMP_WORDS[1]} == help ]] && {
			COMPREPLY=($(compgen -W "$(_tally_commands)" -- "$cur"))
			return
		}
		cmd=tally-${COMP_WORDS[1]}
	fi
	usage=$(_tally_usage "$cmd")
	case $prev in
	-O | --output-format)
		COMPREPLY=($(compgen -W "$(_tally_formats "$usage" "${COMP_WORDS[@]}")" -- "$cur"))
		return ;;
	--lang)
		COMPREPLY=($(compgen -W "$(printf '%s\n' "$usage" |
			sed -n 's/.*--lang \([a-z|]*\).*/\1/p' | head -n 1 | tr '|' '\n')" -- "$cur"))
		return ;;
	-p | --period | -b | --begin | -e | --end | --date | --client | --depth | --levels | \
	--courtesy)
		return ;;
	-f | --file | -i)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	-*)
		# An option taking a file or directory (-f FILE, --rules FILE, --conf FILE ...).
		if printf '%s\n' "$usage" | grep -q -- "$prev [A-Z]*\(FILE\|DIR\)"; then
			COMPREPLY=($(compgen -f -- "$cur"))
			return
		fi ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(printf '%s\n' "$usage" | grep -o -- '--[a-z][a-z0-9-]*' |
			sort -u)" -- "$cur"))
		return
	fi
	COMPREPLY=($(compgen -f -- "$cur"))
	# Report commands take hledger query terms too.
	if [[ $cmd == tally-balance ]]; then
		COMPREPLY+=($(compgen -W $'date:\nacct:\ndesc:\npayee:\ncode:\ncur:\namt:\ntag:\nstatus:\nnot:' -- "$cur"))
	fi
}

complete -o filenames -F _tally tally
for _tally_c in $(compgen -c tally- | sort -u); do
	complete -o filenames -F _tally "$_tally_c"
done
unset _tally_c
