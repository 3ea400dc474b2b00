#!/usr/bin/env bats
# tally-balance: the figures ledger bal and hledger bal give, in txt, csv and json.
load helper

setup() { J=$FIXTURES/print/two-currencies.journal; }

@test "balance: flat text with a totals line, amounts in the journal's own style" {
	run tally-balance "$J"
	assert_success
	assert_output "        1,045.00 EUR  Assets:Bank
           50.00 EUR  Assets:Unbilled:bob
       -1,000.00 EUR  Equity:Opening
              \$12.50  Expenses:Books
          -95.00 EUR  Income:Sessions
             -\$12.50  Liabilities:Card
--------------------
                   0"
}

@test "balance: --tree sums subaccounts into their parents" {
	run tally-balance --tree "$J"
	assert_success
	assert_line --index 0 "        1,095.00 EUR  Assets"
	assert_line --index 1 "        1,045.00 EUR    Bank"
	assert_line --index 2 "           50.00 EUR    Unbilled"
	assert_line --index 3 "           50.00 EUR      bob"
}

@test "balance: --depth 1 folds accounts into their top level" {
	run tally-balance --depth 1 -O csv "$J"
	assert_output "account,commodity,amount
Assets,EUR,1095.00
Equity,EUR,-1000.00
Expenses,\$,12.50
Income,EUR,-95.00
Liabilities,\$,-12.50"
}

@test "balance: -p, -b and -e select by date, end exclusive" {
	run tally-balance -p 2026-11 -O csv "$J"
	assert_output "account,commodity,amount
Assets:Unbilled:ana,EUR,45.00
Assets:Unbilled:bob,EUR,50.00
Expenses:Books,\$,12.50
Income:Sessions,EUR,-95.00
Liabilities:Card,\$,-12.50"
	run tally-balance -b 2026-11-03 -e 2026-11-04 -O csv "$J"
	assert_output "account,commodity,amount
Assets:Unbilled:bob,EUR,50.00
Income:Sessions,EUR,-50.00"
	run tally-balance -p 2026-Q4 -O csv "$J"
	assert_line "Assets:Bank,EUR,1045.00"
}

@test "balance: account patterns are case-insensitive regexes, like ledger's" {
	run tally-balance "$J" unbilled 'card$'
	assert_output "           50.00 EUR  Assets:Unbilled:bob
             -\$12.50  Liabilities:Card
--------------------
             -\$12.50
           50.00 EUR"
}

@test "balance: --empty shows accounts that came back to zero" {
	run tally-balance --empty -O csv "$J" ana
	assert_output "account,commodity,amount
Assets:Unbilled:ana,EUR,0.00"
	run tally-balance -O csv "$J" ana
	assert_output "account,commodity,amount"
}

@test "balance: -O json holds the same rows as objects, amounts as exact decimal strings" {
	run tally-balance -O json -p 2026-12 "$J"
	assert_output '[
 {"account": "Assets:Bank", "commodity": "EUR", "amount": "45.00"},
 {"account": "Assets:Unbilled:ana", "commodity": "EUR", "amount": "-45.00"}
]'
	python3 -c 'import json,sys; json.load(sys.stdin)' <<< "$output"
}

@test "balance: agrees with ledger and hledger on the same journal" {
	agree "$J"
}

@test "balance: 18-digit amounts sum exactly; past 38 digits is an error, not a wrong number" {
	f=$(journal <<'J'
2026-11-01 big
    a  999999999999999999.99 EUR
    a  999999999999999999.99 EUR
    b
J
)
	run tally-balance -O csv "$f"
	assert_output "account,commodity,amount
a,EUR,1999999999999999999.98
b,EUR,-1999999999999999999.98"
	f=$(journal big.journal <<'J'
2026-11-01 huge
    a  99999999999999999999999999999999999.999 EUR
    b
2026-11-02 huge
    a  99999999999999999999999999999999999.999 EUR
    b
2026-11-03 huge
    a  99999999999999999999999999999999999.999 EUR
    b
J
)
	run -1 --separate-stderr tally-balance "$f"
	assert_output ""
	assert_equal "$stderr" "tally-balance: $f:5: balance of a too large to hold exactly
tally-balance: $f:8: balance of a too large to hold exactly"
}

@test "balance: a failed balance assertion is an error, as in ledger bal" {
	f=$(journal <<'J'
2026-11-01 x
    a  10 EUR = 10 EUR
    b
2026-11-02 y
    a  5 EUR = 14 EUR
    b
J
)
	run -1 --separate-stderr tally-balance "$f"
	assert_equal "$stderr" "tally-balance: $f:5: balance assertion failed: a is 15 EUR, expected 14 EUR"
	assert_output ""
}

@test "balance: balance assignments and elided multi-commodity amounts" {
	f=$(journal <<'J'
2026-11-01 x
    a  10 EUR
    a  $3
    b
2026-11-02 y
    a  = 4 EUR
    b
J
)
	run tally-balance -O csv "$f"
	assert_output "account,commodity,amount
a,\$,3
a,EUR,4
b,\$,-3
b,EUR,-4"
}

@test "balance: reads LEDGER_FILE when standard input is a terminal" {
	command -v script >/dev/null || skip "script(1) not installed"
	LEDGER_FILE=$J script -qec "tally-balance -O csv" /dev/null > "$BATS_TEST_TMPDIR/out"
	grep -q '^Assets:Bank,EUR,1045.00' "$BATS_TEST_TMPDIR/out"
}

@test "balance: usage errors exit 2" {
	run -2 tally-balance --depth 0 "$J"
	run -2 tally-balance -O xml "$J"
	run -2 tally-balance -p 2026-13 "$J"
	run -2 tally-balance -b someday "$J"
	run -0 tally-balance --help
	assert_output --partial "usage: tally-balance"
}
