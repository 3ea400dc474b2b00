#!/usr/bin/env bats
# Who pays (issue 17, item 1): `bill-to: ID` names the client whose invoices, statements,
# reminders and mail carry another client's sessions; package credit the payer bought is
# one pool for every client it pays for, in date order; a purchase crediting several
# clients' prepaid accounts is split as its postings say, or refused. docs/household.md.
load helper

FAMILY=$FIXTURES/household/family.journal

# ledger, hledger and tally-balance agree on a journal, account by account.
books_agree() {
	agree "$1"
}

@test "household: the payer's package is one pool for both children, in date order (leo 6, mia 4)" {
	run tally-bill "$FAMILY"
	assert_success
	tally-bill "$FAMILY" > "$BATS_TEST_TMPDIR/billed.journal"
	books_agree "$BATS_TEST_TMPDIR/billed.journal"
	# ten sessions, in date order, took the payer's credit: leo's 6 and mia's 4
	run grep -cE "^    Liabilities:Prepaid:perez  30(\.00)? EUR$" "$BATS_TEST_TMPDIR/billed.journal"
	assert_output 10
	run tally-balance "$BATS_TEST_TMPDIR/billed.journal"
	assert_success
	assert_output "          300.00 EUR  Assets:Bank
           80.00 EUR  Assets:Unbilled:leo
           35.00 EUR  Assets:Unbilled:mia
         -415.00 EUR  Income:Sessions
--------------------
                   0"
	# which sessions: the package's, then the rate (leo's 11-23 and 11-24, mia's 11-26)
	run sh -c "tally-sessions -O csv '$BATS_TEST_TMPDIR/billed.journal' | cut -d, -f1,2,9,10,11"
	assert_success
	assert_line "perez,0,10,10,0"
	# the entries shuffled: the same books (date order is the meaning)
	for seed in 1 2 3; do
		shuffle-entries "$seed" "$FAMILY" > "$BATS_TEST_TMPDIR/s$seed.journal"
		tally-bill "$BATS_TEST_TMPDIR/s$seed.journal" > "$BATS_TEST_TMPDIR/b$seed.journal"
		run tally-balance "$BATS_TEST_TMPDIR/b$seed.journal"
		assert_output "$(tally-balance "$BATS_TEST_TMPDIR/billed.journal")"
		books_agree "$BATS_TEST_TMPDIR/b$seed.journal"
	done
	# billing the billed journal again changes nothing
	run sh -c "tally-bill '$BATS_TEST_TMPDIR/billed.journal' | cmp - '$BATS_TEST_TMPDIR/billed.journal' && echo same"
	assert_output same
	run tally-check "$BATS_TEST_TMPDIR/billed.journal"
	assert_success
}

split_purchase() {
	journal split.journal <<'J'
2026-11-01 Leo
    ; client: leo
    ; rate: 40 EUR

2026-11-01 Mia
    ; client: mia
    ; rate: 40 EUR

2026-11-02 * One package for the two children, paid in one transfer
    ; package: 10
    Assets:Bank  300.00 EUR
    Liabilities:Prepaid:leo  -180.00 EUR
    Liabilities:Prepaid:mia  -120.00 EUR

2026-11-03 Lesson
    ; client: mia
    ; session: held

2026-11-04 Lesson
    ; client: leo
    ; session: held
J
}

@test "household: a package crediting two children's prepaid accounts is split as its postings say (6 and 4)" {
	f=$(split_purchase)
	run tally-check "$f"
	assert_success
	run sh -c "tally-sessions -O csv '$f' | cut -d, -f1,9,10,11"
	assert_success
	assert_line "leo,6,1,5"
	assert_line "mia,4,1,3"
	tally-bill "$f" > "$BATS_TEST_TMPDIR/billed.journal"
	run grep -A3 '^2026-11-03' "$BATS_TEST_TMPDIR/billed.journal"
	assert_output --partial "    Liabilities:Prepaid:mia  30.00 EUR"
	run grep -A3 '^2026-11-04' "$BATS_TEST_TMPDIR/billed.journal"
	assert_output --partial "    Liabilities:Prepaid:leo  30.00 EUR"
	books_agree "$BATS_TEST_TMPDIR/billed.journal"
}

@test "household: a package that cannot be split in proportion to its postings is refused at its line" {
	f=$(journal refused.journal <<'J'
2026-11-01 Leo
    ; client: leo
    ; rate: 40 EUR

2026-11-02 * One package for two, in the wrong proportion
    ; package: 10
    Assets:Bank  300.00 EUR
    Liabilities:Prepaid:leo  -200.00 EUR
    Liabilities:Prepaid:mia  -100.00 EUR

2026-11-04 Lesson
    ; client: leo
    ; session: held
J
)
	msg="package: 10 sessions cannot be split in proportion to the prepaid postings (leo 200.00 EUR, mia 100.00 EUR): write one entry per client"
	run --separate-stderr tally-check "$f"
	assert_failure 1
	assert_equal "$stderr" "tally-check: $f:6: $msg"
	run --separate-stderr tally-bill "$f"
	assert_failure 1
	assert_equal "$stderr" "tally-bill: $f:6: $msg"
	assert_output ""
	run --separate-stderr tally-sessions "$f"
	assert_failure 1
	assert_equal "$stderr" "tally-sessions: $f:6: $msg"
}

@test "household: bill-to names a valid client ID; a cycle is an error at its line" {
	f=$(journal cycle.journal <<'J'
2026-11-01 Leo
    ; client: leo
    ; rate: 40 EUR
    ; bill-to: mia

2026-11-02 Mia
    ; client: mia
    ; rate: 40 EUR
    ; bill-to: leo
J
)
	run --separate-stderr tally-check "$f"
	assert_failure 1
	assert_equal "$stderr" "tally-check: $f:9: bill-to: a cycle: mia -> leo -> mia"
	f=$(journal bad.journal <<'J'
2026-11-01 Leo
    ; client: leo
    ; bill-to: !!!
J
)
	run --separate-stderr tally-check "$f"
	assert_failure 1
	assert_equal "$stderr" "tally-check: $f:3: bill-to: bad value !!! (want a client ID of at most 200 letters)"
	f=$(journal orphan.journal <<'J'
2026-11-01 Leo
    ; bill-to: perez
J
)
	run --separate-stderr tally-check "$f"
	assert_failure 1
	assert_equal "$stderr" "tally-check: $f:2: bill-to: no client: tag on the entry"
}
