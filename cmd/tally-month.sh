#!/usr/bin/env bash
# tally-month: the month-end run of SPEC.md as one pipe of the filters:
#
#   { cat JOURNAL; tally-import --rules R --journal JOURNAL CSV; } | tally-cancel |
#     tally-bill | tally-invoice -p PERIOD | tally-statement -p PERIOD --all --output-dir DIR
#
# (without a bank export: tally-cancel JOURNAL | tally-bill | ...)
#
# The statements are written to a temporary directory and moved into DIR only when every
# filter of the pipe succeeded, so a failed run leaves no statement that looks right.
set -u -o pipefail
prog=tally-month
version=0.1.0

usage() {
	cat >&"${2:-2}" <<USAGE
usage: $prog -p PERIOD [-f JOURNAL] [--rules FILE --csv FILE] [--output-dir DIR]
       [-O txt|md|html] [--lang en|es] [--conf FILE] [--policy FILE] [--policies DIR]
       [-i]
USAGE
	exit "${1:-2}"
}

die() {
	echo "$prog: $*" >&2
	exit 2
}

# The filters: beside this script first (a build tree, an install prefix), then PATH.
here=${0%/*}
[ "$here" != "$0" ] || here=.
tool() {
	if [ -x "$here/tally-$1" ]; then echo "$here/tally-$1"; else echo "tally-$1"; fi
}

period= journal= rules= csv= outdir= inplace=
cancel_opts=() statement_opts=()
while [ $# -gt 0 ]; do
	opt=$1
	case $opt in
	--*=*) set -- "${opt%%=*}" "${opt#*=}" "${@:2}"; continue ;;
	esac
	case $opt in
	-h | --help) usage 0 1 ;;
	--version) echo "$prog $version"; exit 0 ;;
	-i | --in-place) inplace=1; shift; continue ;;
	-p | --period | -f | --file | --rules | --csv | --output-dir | -O | --output-format | \
	--lang | --conf | --policy | --policies)
		[ $# -ge 2 ] || die "option needs a value: $opt" ;;
	*) echo "$prog: unknown option: $opt" >&2; usage ;;
	esac
	val=$2
	shift 2
	case $opt in
	-p | --period) period=$val ;;
	-f | --file) [ -z "$journal" ] || die "one journal only (-f given twice)"; journal=$val ;;
	--rules) rules=$val ;;
	--csv) csv=$val ;;
	--output-dir) outdir=$val ;;
	-O | --output-format | --lang | --conf) statement_opts+=("$opt" "$val") ;;
	--policy | --policies) cancel_opts+=("$opt" "$val") ;;
	esac
done
[ -n "$period" ] || die "-p PERIOD is required"
if [ -n "$rules$csv" ] && { [ -z "$rules" ] || [ -z "$csv" ]; }; then
	die "--rules and --csv go together"
fi
journal=${journal:-${LEDGER_FILE:-}}
[ -n "$journal" ] || die "no journal: give -f JOURNAL or set LEDGER_FILE"
[ -r "$journal" ] || { echo "$prog: $journal: cannot read" >&2; exit 1; }
outdir=${outdir:-statements-$period}
# tally-statement reads a pipe: name the tally.conf beside the journal for it.
have_conf=
for o in "${statement_opts[@]}"; do [ "$o" != --conf ] || have_conf=1; done
jdir=$(dirname -- "$journal")
if [ -z "$have_conf" ] && [ -r "$jdir/tally.conf" ]; then
	statement_opts+=(--conf "$jdir/tally.conf")
fi
case $period in
*/*) die "bad period: $period" ;;
esac

mkdir -p -- "$outdir" || exit 1
work=$(mktemp -d "$outdir/.tally-month.XXXXXX") || exit 1
trap 'rm -rf -- "$work"' EXIT
saved=/dev/null
[ -z "$inplace" ] || saved=$work/journal

# The journal, then the bank rows it does not have yet (after a blank line, when any).
# Without a bank export tally-cancel reads the journal itself, so messages name the file.
cancel() {
	if [ -z "$rules" ]; then
		"$(tool cancel)" "${cancel_opts[@]}" "$journal"
		return
	fi
	{
		cat -- "$journal" || exit 1
		"$(tool import)" --rules "$rules" --journal "$journal" "$csv" |
			awk 'NR == 1 { print "" } { print }' || exit 1
	} | "$(tool cancel)" "${cancel_opts[@]}"
}

cancel |
	"$(tool bill)" |
	"$(tool invoice)" -p "$period" |
	tee -- "$saved" |
	"$(tool statement)" -p "$period" --all --output-dir "$work" "${statement_opts[@]}" \
		>/dev/null || exit 1

if [ -n "$inplace" ]; then
	tmp=$(mktemp "$journal.XXXXXX") || exit 1
	cat -- "$saved" > "$tmp" && chmod --reference="$journal" "$tmp" 2>/dev/null
	mv -f -- "$tmp" "$journal" || { rm -f -- "$tmp"; exit 1; }
fi
for f in "$work"/*; do
	[ -e "$f" ] || continue
	[ "$f" = "$work/journal" ] && continue
	mv -f -- "$f" "$outdir/" || exit 1
	echo "$outdir/${f##*/}"
done
