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

# The family billed, then invoiced for November: $BATS_TEST_TMPDIR/invoiced.journal.
invoiced() {
	tally-bill "$FAMILY" | tally-invoice -p 2026-11 > "$BATS_TEST_TMPDIR/invoiced.journal"
}

@test "household: one invoice for the payer, each line saying whose session it was" {
	invoiced
	books_agree "$BATS_TEST_TMPDIR/invoiced.journal"
	run sed -n '/^2026-12-01/,$p' "$BATS_TEST_TMPDIR/invoiced.journal"
	assert_output "2026-12-01 (2026-0001) Invoice perez
    ; invoice: 2026-0001
    ; client: perez
    ; due: 2026-12-11
    ; item: 2026-11-23 | 40.00 EUR | Leo Pérez: Lesson
    ; item: 2026-11-24 | 40.00 EUR | Leo Pérez: Lesson
    ; item: 2026-11-26 | 35.00 EUR | Mia Pérez: Lesson
    Assets:Receivable:perez  115.00 EUR
    Assets:Unbilled:leo  -80.00 EUR
    Assets:Unbilled:mia  -35.00 EUR"
	# nothing twice: invoicing again adds nothing
	run sh -c "tally-invoice -p 2026-11 '$BATS_TEST_TMPDIR/invoiced.journal' | cmp - '$BATS_TEST_TMPDIR/invoiced.journal' && echo same"
	assert_output same
	# --client names the payer or a child: the same payer's invoice
	run sh -c "tally-bill '$FAMILY' | tally-invoice -p 2026-11 --client mia | sed -n '/^2026-12-01/,\$p'"
	assert_output "2026-12-01 (2026-0001) Invoice perez
    ; invoice: 2026-0001
    ; client: perez
    ; due: 2026-12-11
    ; item: 2026-11-26 | 35.00 EUR | Mia Pérez: Lesson
    Assets:Receivable:perez  35.00 EUR
    Assets:Unbilled:mia  -35.00 EUR"
	run tally-check "$BATS_TEST_TMPDIR/invoiced.journal"
	assert_success
	# the invoice as the payer reads it, and as mail to the payer
	run tally-invoice --show 2026-0001 "$BATS_TEST_TMPDIR/invoiced.journal"
	assert_success
	assert_line "To:      Ana Pérez"
	assert_line "2026-11-24  Leo Pérez: Lesson                                 40.00 EUR"
	assert_line "2026-11-26  Mia Pérez: Lesson                                 35.00 EUR"
	assert_line "Total:   115.00 EUR"
	printf 'name = Tutor\nemail = tutor@example.org\n' > "$BATS_TEST_TMPDIR/tally.conf"
	run sh -c "tally-invoice --show 2026-0001 -O eml --conf '$BATS_TEST_TMPDIR/tally.conf' '$BATS_TEST_TMPDIR/invoiced.journal' | mhdr -h to -"
	assert_success
	assert_output --partial "ana.perez@example.org"
}

@test "household: the payer's statement shows the family; a child has none of its own in --all" {
	invoiced
	run tally-statement --client perez -p 2026-11 "$BATS_TEST_TMPDIR/invoiced.journal"
	assert_success
	assert_line "Client: Ana Pérez"
	assert_line "Sessions and fees                                                     415.00 EUR"
	assert_line "Payments received                                                    -300.00 EUR"
	assert_line "Closing balance                                                       115.00 EUR"
	# one package for both children, counted in date order across the family
	assert_line "Nov 3, 2026   16:00  Leo Pérez: held             -              session 1 of 10"
	assert_line "Nov 5, 2026   17:00  Mia Pérez: held             -              session 3 of 10"
	assert_line "Nov 19, 2026  17:00  Mia Pérez: held             -             session 10 of 10"
	assert_line "Nov 24, 2026  16:00  Leo Pérez: held             -                  40.00 EUR *"
	assert_line "Nov 26, 2026  17:00  Mia Pérez: held             -                  35.00 EUR *"
	run sh -c "tally-statement --client perez -p 2026-11 '$BATS_TEST_TMPDIR/invoiced.journal' | grep -c ' held '"
	assert_output 13
	# the month of the invoice: it moves the children's amounts to the payer, one family
	run tally-statement --client perez -p 2026-12 "$BATS_TEST_TMPDIR/invoiced.journal"
	assert_success
	assert_line "Opening balance                                                       115.00 EUR"
	assert_line "Sessions and fees                                                       0.00 EUR"
	assert_line "Closing balance                                                       115.00 EUR"
	# the invoice dated Dec 1 is December's news (tally-statement(1))
	assert_line "2026-0001             Dec 1, 2026       Dec 11, 2026                115.00 EUR"
	run tally-statement --all --output-dir "$BATS_TEST_TMPDIR" -p 2026-11 "$BATS_TEST_TMPDIR/invoiced.journal"
	assert_success
	assert_output "$BATS_TEST_TMPDIR/perez.txt"
	# as mail: one message, to the payer
	printf 'name = Tutor\nemail = tutor@example.org\n' > "$BATS_TEST_TMPDIR/tally.conf"
	run sh -c "tally-statement --all -O eml --conf '$BATS_TEST_TMPDIR/tally.conf' -p 2026-11 '$BATS_TEST_TMPDIR/invoiced.journal' | grep -c '^To: '"
	assert_output 1
	run sh -c "tally-statement --client perez -O eml --conf '$BATS_TEST_TMPDIR/tally.conf' -p 2026-11 '$BATS_TEST_TMPDIR/invoiced.journal' | mhdr -h to -"
	assert_success
	assert_output --partial "ana.perez@example.org"
}

@test "household: reminders go to the payer; a payment by the payer settles the family's invoice" {
	invoiced
	run tally-aging --date 2026-12-31 --remind "$BATS_TEST_TMPDIR/invoiced.journal"
	assert_success
	assert_line "To: Ana Pérez"
	assert_line "Hello Ana Pérez,"
	# an invoice a child had before the bill-to (on its own account) is chased at the payer
	cat "$BATS_TEST_TMPDIR/invoiced.journal" - > "$BATS_TEST_TMPDIR/old.journal" <<'J'

2026-10-01 (2026-0000) Invoice leo, before the family paid
    ; invoice: 2026-0000
    ; client: leo
    ; due: 2026-10-15
    Assets:Receivable:leo  40.00 EUR
    Income:Sessions

2026-12-15 * Transfer from Ana Pérez
    Assets:Bank  115.00 EUR
    Assets:Receivable:perez  -115.00 EUR  ; invoice: 2026-0001
J
	books_agree "$BATS_TEST_TMPDIR/old.journal"
	run tally-aging --date 2026-12-31 --remind "$BATS_TEST_TMPDIR/old.journal"
	assert_success
	assert_line "To: Ana Pérez"
	refute_output --partial "2026-0001"
	run tally-aging --date 2026-12-31 "$BATS_TEST_TMPDIR/old.journal"
	assert_success
	assert_output --partial "2026-0000"
}

@test "household: a no-show forfeits a prepaid session from the payer's pool (tally-cancel)" {
	f=$(journal forfeit.journal <<'J'
2026-11-01 Leo
    ; client: leo
    ; rate: 40 EUR
    ; bill-to: perez

2026-11-06 Lesson
    ; client: leo
    ; session: no-show
    ; time: 16:00

2026-11-02 * Package for the family
    ; client: perez
    ; package: 2
    Assets:Bank  60.00 EUR
    Liabilities:Prepaid:perez
J
)
	# the first no-show is waived by the grace; the second forfeits one session of the pool
	printf '2026-11-05 Lesson\n    ; client: leo\n    ; session: no-show\n    ; time: 16:00\n' >> "$f"
	tally-cancel --policy "$TOP/share/policies/24-hour.policy" "$f" > "$BATS_TEST_TMPDIR/cancelled.journal"
	run sed -n '/^2026-11-06/,/^$/p' "$BATS_TEST_TMPDIR/cancelled.journal"
	assert_output "2026-11-06 Lesson
    ; client: leo
    ; session: no-show
    ; time: 16:00
    Liabilities:Prepaid:perez  30 EUR
    Income:Cancellations  -30 EUR"
	books_agree "$BATS_TEST_TMPDIR/cancelled.journal"
	# cancel | bill = bill | cancel
	run sh -c "tally-cancel --policy '$TOP/share/policies/24-hour.policy' '$f' | tally-bill | tally-balance"
	assert_output "$(tally-bill "$f" | tally-cancel --policy "$TOP/share/policies/24-hour.policy" | tally-balance)"
}

@test "household: a payer known only by bill-to: has the household's statement" {
	f=$(journal np.journal <<'J'
2026-11-01 Leo
    ; client: leo
    ; name: Leo Pérez
    ; rate: 40 EUR
    ; bill-to: perez

2026-11-03 Lesson
    ; client: leo
    ; session: held
    ; time: 16:00
J
)
	tally-bill "$f" > "$BATS_TEST_TMPDIR/billed.journal"
	books_agree "$BATS_TEST_TMPDIR/billed.journal"
	run tally-statement --client perez -p 2026-11 "$BATS_TEST_TMPDIR/billed.journal"
	assert_success
	assert_line "Client: perez"
	assert_line "Closing balance                                                           40 EUR"
	assert_line "Nov 3, 2026   16:00  Leo Pérez: held             -                       40 EUR"
	run --separate-stderr tally-statement --client nobody -p 2026-11 "$BATS_TEST_TMPDIR/billed.journal"
	assert_failure 1
	assert_equal "$stderr" "tally-statement: unknown client: nobody"
}

@test "household: a group session's attendees share the payer's pool, then are invoiced to the payer" {
	f=$(journal group.journal <<'J'
2026-11-01 Leo
    ; client: leo
    ; rate: 40 EUR
    ; bill-to: perez

2026-11-01 Mia
    ; client: mia
    ; rate: 40 EUR
    ; bill-to: perez

2026-11-02 * Package for the family
    ; client: perez
    ; package: 1
    Assets:Bank  30.00 EUR
    Liabilities:Prepaid:perez

2026-11-05 Group lesson
    ; client: leo
    ; client: mia
    ; session: held
    ; time: 16:00
J
)
	tally-bill "$f" > "$BATS_TEST_TMPDIR/billed.journal"
	run sed -n '/^2026-11-05/,$p' "$BATS_TEST_TMPDIR/billed.journal"
	assert_output "2026-11-05 Group lesson
    ; client: leo
    ; client: mia
    ; session: held
    ; time: 16:00
    Liabilities:Prepaid:perez  30.00 EUR
    Income:Sessions  -30.00 EUR  ; client: leo
    Assets:Unbilled:mia  40.00 EUR
    Income:Sessions  -40.00 EUR  ; client: mia"
	run sh -c "tally-bill '$BATS_TEST_TMPDIR/billed.journal' | cmp - '$BATS_TEST_TMPDIR/billed.journal' && echo same"
	assert_output same
	tally-invoice -p 2026-11 "$BATS_TEST_TMPDIR/billed.journal" > "$BATS_TEST_TMPDIR/invoiced.journal"
	run grep -c "^2026-12-01 .* Invoice perez$" "$BATS_TEST_TMPDIR/invoiced.journal"
	assert_output 1
	books_agree "$BATS_TEST_TMPDIR/invoiced.journal"
}

@test "household: a child's --client statement is the payer's household statement, said on stderr" {
	invoiced
	run --separate-stderr tally-statement --client perez -p 2026-11 "$BATS_TEST_TMPDIR/invoiced.journal"
	assert_success
	want=$output
	run --separate-stderr tally-statement --client leo -p 2026-11 "$BATS_TEST_TMPDIR/invoiced.journal"
	assert_success
	assert_equal "$stderr" "tally-statement: leo is billed to perez (bill-to:): this is perez's household statement"
	assert_output "$want"
	assert_line "Nov 3, 2026   16:00  Leo Pérez: held             -              session 1 of 10"
}
