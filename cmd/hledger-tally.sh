#!/bin/sh
# hledger-tally: tally as an hledger add-on. `hledger tally COMMAND ARGS` runs
# `tally COMMAND ARGS` with the journal hledger would read: the -f/--file options given
# before or after the command, else $LEDGER_FILE, else ~/.hledger.journal (hledger's
# defaults). Options hledger itself understands but tally does not are refused.
prog=hledger-tally

case $0 in
*/*) tally=${0%/*}/tally ;;
*) tally=tally ;;
esac
[ -x "$tally" ] || tally=tally

usage() {
	echo "usage: hledger tally [-f FILE]... COMMAND [ARGS]..." >&2
	exit 2
}

# Rotate the arguments once: options before the command are taken out (-f FILE kept as
# "-f FILE"), the rest keep their order after them. Every `--` is dropped, as hledger 1.50
# drops them: older hledger needed one before an add-on's flags (`hledger tally -- balance
# --tree`), and a `--` left in would end the options of the tally command.
cmd= havef= n=$#
while [ "$n" -gt 0 ]; do
	a=$1
	shift
	n=$((n - 1))
	[ "$a" = -- ] && continue
	if [ -z "$cmd" ]; then
		case $a in
		-f | --file)
			[ "$n" -gt 0 ] || usage
			set -- "$@" -f "$1"
			shift
			n=$((n - 1))
			havef=1
			continue ;;
		--file=*) set -- "$@" -f "${a#--file=}"; havef=1; continue ;;
		-f?*) set -- "$@" -f "${a#-f}"; havef=1; continue ;;
		-h | --help) exec "$tally" help ;;
		--version) exec "$tally" --version ;;
		-*) echo "$prog: option not understood before the command: $a" >&2; usage ;;
		*) cmd=$a; continue ;;
		esac
	fi
	case $a in
	-f | --file | --file=* | -f?*) havef=1 ;;
	esac
	set -- "$@" "$a"
done
[ -n "$cmd" ] || exec "$tally" help

# Commands that read a journal read hledger's default one when none is named.
case $cmd in
help | import) ;;
*)
	if [ -z "$havef" ]; then
		file=${LEDGER_FILE:-$HOME/.hledger.journal}
		case $file in
		"~/"*) file=$HOME/${file#"~/"} ;;
		esac
		if [ ! -e "$file" ]; then
			echo "$prog: no journal: $file (give -f FILE or set LEDGER_FILE)" >&2
			exit 1
		fi
		exec "$tally" "$cmd" -f "$file" "$@"
	fi ;;
esac
exec "$tally" "$cmd" "$@"
