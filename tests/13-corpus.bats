#!/usr/bin/env bats
# The external corpus (../shared/corpus/journals: ledger's and hledger's own journals with
# the balances both tools give): tally-print is byte-identical on every file and
# tally-balance gives the same figures. Under sanitizers a spread sample keeps CI in time.
load helper

setup() {
	[ -d "$CORPUS/journals" ] || skip "no corpus at $CORPUS"
	LIMIT=
	sanitized && LIMIT=300
	true
}

@test "corpus: tally-print is byte-identical on every journal" {
	cd "$CORPUS/journals"
	bad=0 n=0 step=1
	[ -n "$LIMIT" ] && step=$(( $(ls *.journal | wc -l) / LIMIT ))
	i=0
	for f in *.journal; do
		i=$((i + 1))
		[ $((i % step)) -eq 0 ] || continue
		n=$((n + 1))
		if ! tally-print "$f" 2>"$BATS_TEST_TMPDIR/err" | cmp -s - "$f"; then
			echo "$f: $(cat "$BATS_TEST_TMPDIR/err")" >&3
			bad=$((bad + 1))
		fi
	done
	echo "# print: $((n - bad)) of $n byte-identical" >&3
	[ "$n" -gt 250 ]
	[ "$bad" -eq 0 ]
}

@test "corpus: tally-balance -O csv equals NAME.bal.tsv for every journal" {
	run corpus-balance "$CORPUS/journals" $LIMIT
	echo "# balance: ${lines[-1]}" >&3
	assert_success
	assert_line --regexp '^[0-9]+ passed, 0 failed$'
}
