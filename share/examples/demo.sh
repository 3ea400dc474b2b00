#!/bin/sh
# demo.sh BIN_DIR: `make demo`. The whole month-end routine on share/examples/, in a
# temporary directory: March (cancel, bill, invoice, statements), saved into the journal,
# then April with the bank export imported. Prints where the statements are.
# Steps whose example files are missing are skipped with a note.
set -u
bin=$(cd "${1:-bin}" && pwd) || exit 1
here=$(cd "$(dirname "$0")" && pwd)
share=${here%/*}
PATH=$bin:$PATH
export PATH

note() { printf 'demo: %s\n' "$*"; }

if [ ! -e "$here/practice.journal" ]; then
	note "share/examples/practice.journal is missing: nothing to run"
	exit 1
fi
for c in tally tally-month tally-cancel tally-bill tally-invoice tally-statement; do
	if [ ! -x "$bin/$c" ]; then
		note "$bin/$c is not built: run make first"
		exit 1
	fi
done
work=$(mktemp -d "${TMPDIR:-/tmp}/tally-demo.XXXXXX") || exit 1
cp "$here/practice.journal" "$work/"
[ -e "$here/tally.conf" ] && cp "$here/tally.conf" "$work/" ||
	note "no share/examples/tally.conf: statements without the provider's details"
policies=
if [ -d "$share/policies" ]; then
	policies="--policies $share/policies"
else
	note "no share/policies: cancellations priced without a policy"
fi
cd "$work" || exit 1

note "March 2026: cancel, bill, invoice, statements (journal saved with -i)"
# shellcheck disable=SC2086
tally month -p 2026-03 -f practice.journal $policies -i --output-dir statements-2026-03 \
	> /dev/null || exit 1
tally month -p 2026-03 -f practice.journal $policies --output-dir statements-2026-03 \
	-O html > /dev/null || exit 1

csv=$(ls "$here"/bank-2026-04.csv 2>/dev/null)
rules=
for r in "$here/bank.rules" "$share/rules/es-bank.rules"; do
	[ -e "$r" ] && { rules=$r; break; }
done
import=
if [ -n "$csv" ] && [ -n "$rules" ] && [ -x "$bin/tally-import" ]; then
	import="--rules $rules --csv $csv"
	note "April 2026: the bank export $(basename "$csv") imported with $(basename "$rules")"
else
	note "no bank export, rules or tally-import: April runs without the import step"
fi
# shellcheck disable=SC2086
tally month -p 2026-04 -f practice.journal $policies $import -i --output-dir statements-2026-04 \
	-O html --lang es > /dev/null || exit 1

note "sessions per client so far:"
[ -x "$bin/tally-sessions" ] && tally sessions practice.journal
echo
note "the statements are in $work:"
for d in statements-2026-03 statements-2026-04; do
	for f in "$d"/*; do echo "  $work/$f"; done
done
note "the month-end journal: $work/practice.journal"
note "read one: less $work/statements-2026-03/ana.txt"
