#!/usr/bin/env bats
# Journal compatibility with ledger's and hledger's own test files (issue 15): the files in
# tests/fixtures/compat/ledger are ledger's (BSD-3-Clause, LICENSE.md beside them), named as
# in ../shared/corpus. Each must print byte for byte and balance as both tools say.
load helper

L=$FIXTURES/compat/ledger

# agrees FILE: tally-balance equals ledger's and hledger's balances (both oracles required).
agrees() {
	local d=$BATS_TEST_TMPDIR
	tally-print "$1" | cmp - "$1"
	tally-balance -O csv "$1" > "$d/t.csv"
	oracle-exact ledger "$1" > "$d/l.tsv"
	oracle-exact hledger "$1" > "$d/h.tsv"
	compare-bal "$d/l.tsv" "$d/t.csv"
	compare-bal "$d/h.tsv" "$d/t.csv"
}

@test "compat: cost rounding within the commodity's precision balances (ledger 1765, 1765_b)" {
	agrees "$L/ledger--regress--1765.journal"
	agrees "$L/ledger--regress--1765_b.journal"
	agrees "$L/ledger--regress--cov-xact-rounding-total-cost.journal"
}

@test "compat: a residue above half the last displayed digit is still an error" {
	f=$(journal <<-'EOF'
	2022-05-06 x
	    a  1 XXX @ 0.994 CZK
	    b  -1.00 CZK
	EOF
	)
	run -1 --separate-stderr tally-print "$f"
	assert_equal "$stderr" "tally-print: $f:1: entry does not balance: off by -0.006 CZK"
	run ledger -f "$f" bal
	[ "$status" -ne 0 ]
	run hledger -f "$f" bal
	[ "$status" -ne 0 ]
}

@test "compat: ledger's standard sample data (28-decimal prices) reads and balances exactly" {
	agrees "$L/ledger--input--standard_dat.journal"
}

@test "compat: 38-digit cost products inferred into an elided posting are exact or refused" {
	f=$(journal <<-'EOF'
	2003-06-19 x
	    a  331.296869 LMVTX @ $53.6599999999999999998612221219
	    b
	EOF
	)
	run -1 --separate-stderr tally-balance "$f"
	assert_equal "$stderr" "tally-balance: $f:1: amount too large to hold exactly"
	f=$(journal <<-'EOF'
	2003-06-19 x
	    a  3.5 LMVTX @ $53.6599999999999999998612221219
	    b
	EOF
	)
	run -0 tally-balance -O csv "$f"
	assert_line 'b,$,-187.80999999999999999951427742665'
}

@test "compat: legacy !-prefixed directives (ledger coverage-bang-prefix)" {
	agrees "$L/ledger--regress--coverage-bang-prefix.journal"
	f=$(journal <<-'EOF'
	!alias food=Expenses:Food
	@alias cash=Assets:Cash

	2024-01-01 x
	    food  $10.00
	    cash
	EOF
	)
	run -0 tally-balance -O csv "$f"
	assert_output "$(printf 'account,commodity,amount\nAssets:Cash,$,-10.00\nExpenses:Food,$,10.00')"
}

@test "compat: a UTF-8 byte order mark opening a file is kept and skipped" {
	agrees "$L/ledger--regress--coverage-textual-bom.journal"
	f=$BATS_TEST_TMPDIR/bom.journal
	printf '\357\273\2772024-01-01 x\n    a  1 EUR\n    b\n' > "$f"
	tally-print "$f" | cmp - "$f"
	run -0 tally-balance -O csv "$f"
	assert_output "$(printf 'account,commodity,amount\na,EUR,1\nb,EUR,-1')"
	run -0 hledger -f "$f" bal -N --flat
}

@test "compat: a balance assignment counts the account's earlier postings in the entry (ledger 1187_3)" {
	agrees "$L/ledger--regress--1187_3.journal"
}

# hagrees FILE: tally-balance equals hledger's (for hledger-only syntax).
hagrees() {
	local d=$BATS_TEST_TMPDIR
	tally-print "$1" | cmp - "$1"
	tally-balance -O csv "$1" > "$d/t.csv"
	oracle-exact hledger "$1" > "$d/h.tsv"
	compare-bal "$d/h.tsv" "$d/t.csv"
}

@test "compat: decimal-mark is applied to the rest of its file, as hledger does" {
	f=$(journal <<-'EOF'
	decimal-mark ,
	2021-05-01 x
	    a   1,000 RUB
	    b
	
	2021-05-02 y
	    a   1.000,5 RUB
	    b
	EOF
	)
	hagrees "$f"
	run -0 tally-balance -O csv "$f"
	assert_line 'a,RUB,1001.500'
	f=$(journal <<-'EOF'
	decimal-mark .
	2023-01-01
	    (a)    1,000
	EOF
	)
	hagrees "$f"
	run -0 tally-balance -O csv "$f"
	assert_line 'a,,1000'
}

@test "compat: decimal-mark stays in its file; a bad mark is an error" {
	d=$BATS_TEST_TMPDIR
	printf 'decimal-mark ,\n2021-05-01 x\n    a   -199,00 RUB\n    b\n' > "$d/commas.journal"
	printf 'commodity 1000.00 RUB\ninclude commas.journal\n2021-05-19 y\n    a   -100.5 RUB\n    c    100.5 RUB\n' > "$d/main.journal"
	hagrees "$d/main.journal"
	run -0 tally-balance -O csv "$d/main.journal"
	assert_line 'a,RUB,-299.50'
	printf 'decimal-mark ;\n' > "$d/bad.journal"
	run -1 --separate-stderr tally-print "$d/bad.journal"
	assert_equal "$stderr" "tally-print: $d/bad.journal:1: decimal-mark must be . or ,"
}

@test "compat: regex aliases with match groups, applied latest first as hledger does" {
	f=$(journal <<-'EOF'
	alias checking = assets:bank:wells fargo:checking
	alias /^(.+):bank:([^:]+):(.*)/ = \1:\2 \3
	alias /SAVINGS/ = savings

	2024-01-01 x
	    assets:bank:wells fargo:SAVINGS  1
	    checking:a
	EOF
	)
	hagrees "$f"
	run -0 tally-balance -O csv "$f"
	assert_output "$(printf 'account,commodity,amount\nassets:bank:wells fargo:checking:a,,-1\nassets:wells fargo savings,,1')"
	run -1 --separate-stderr tally-print "$(printf 'alias /(/ = a\n' | journal bad.journal)"
	assert_equal "$stderr" "tally-print: $BATS_TEST_TMPDIR/bad.journal:1: alias: bad regular expression \"(\": missing closing parenthesis at offset 1"
}

@test "compat: 17 commodities in one entry balance (no fixed limit)" {
	f=$BATS_TEST_TMPDIR/many.journal
	{ echo "2024-01-01 x"; i=0; for c in A B C D E F G H I J K L M N O P Q; do i=$((i + 1)); echo "    a  $i C${c}X"; done; echo "    b"; } > "$f"
	agrees "$f"
	run -0 tally-balance -O csv "$f"
	assert_line 'b,CQX,-17'
}
