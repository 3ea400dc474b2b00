#!/usr/bin/env bats
# Differential tests: journals from ../shared/bench/gen-journal (several seeds and sizes),
# balanced by tally-balance, ledger and hledger in the same test.
load helper

differ() {
	local n=$1 seed=$2 f="$BATS_TEST_TMPDIR/g.journal"
	"$BENCH/gen-journal" "$n" "$seed" > "$f"
	tally-print "$f" | cmp - "$f"
	agree "$f"
	[ "$(wc -l < "$BATS_TEST_TMPDIR/ledger.tsv")" -gt 50 ]
}

@test "differential: 300 entries, seed 1" { differ 300 1; }
@test "differential: 2000 entries, seed 2" { differ 2000 2; }
@test "differential: 5000 entries, seed 3" { sanitized && skip "large case: plain build only"; differ 5000 3; }

@test "differential: a period and a pattern agree with hledger" {
	need hledger
	f="$BATS_TEST_TMPDIR/g.journal"
	"$BENCH/gen-journal" 3000 4 > "$f"
	tally-balance -O csv -b 2015-03-01 -e 2016-01-01 "$f" revenue > "$BATS_TEST_TMPDIR/t.csv"
	hledger -f "$f" bal --flat -E -N -O csv --layout=bare -b 2015-03-01 -e 2016-01-01 revenue |
		tail -n +2 | tr -d '"' | tr ',' '\t' > "$BATS_TEST_TMPDIR/h.tsv"
	[ -s "$BATS_TEST_TMPDIR/h.tsv" ]
	compare-bal "$BATS_TEST_TMPDIR/h.tsv" "$BATS_TEST_TMPDIR/t.csv"
}
