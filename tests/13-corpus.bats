#!/usr/bin/env bats
# The external corpus (../shared/corpus/journals: ledger's and hledger's own journals with
# the balances both tools give): tally-print is byte-identical on every file and
# tally-balance gives the same figures. One corpus-run process walks the whole list.
# Under sanitizers a spread sample keeps CI in time. A missing corpus fails.
load helper

setup() {
	need_corpus journals
	LIMIT=
	sanitized && LIMIT=300
	true
}

@test "corpus: tally-print is byte-identical on every journal" {
	run corpus-run print "$CORPUS/journals" $LIMIT
	echo "# print: ${lines[-1]}" >&3
	assert_success
	assert_line --regexp '^[0-9]+ passed, 0 failed$'
	[ "${lines[-1]%% *}" -gt 250 ]
}

@test "corpus: tally-balance -O csv equals NAME.bal.tsv for every journal" {
	run corpus-run balance "$CORPUS/journals" $LIMIT
	echo "# balance: ${lines[-1]}" >&3
	assert_success
	assert_line --regexp '^[0-9]+ passed, 0 failed$'
	[ "${lines[-1]%% *}" -gt 250 ]
}
