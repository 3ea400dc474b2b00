#!/usr/bin/env bats
# tally-import: one payment for several invoices. A payer's transfer that equals what several
# of the client's open invoices need settles them all; a smaller one pays the oldest first
# and says so; more than the client owes, or two sets that fit, settles nothing.
load helper

RULES=$TOP/share/rules

# dora owes two 60 EUR invoices (2026-0011, older, and 2026-0012); eva one of 135 EUR.
setup() {
	J=$BATS_TEST_TMPDIR/book.journal
	cat > "$J" <<'EOF2'
account Assets:Bank
account Assets:Receivable

2026-10-01 Agreement with Dora Weiss
    ; client: dora
    ; payer: WEISS

2026-10-01 Agreement with Eva Lind
    ; client: eva
    ; payer: LIND

2026-10-01 (2026-0011) Invoice dora
    ; invoice: 2026-0011
    ; client: dora
    ; due: 2026-10-15
    Assets:Receivable:dora  60.00 EUR
    Income:Sessions  -60.00 EUR

2026-10-05 (2026-0013) Invoice eva
    ; invoice: 2026-0013
    ; client: eva
    ; due: 2026-10-20
    Assets:Receivable:eva  135.00 EUR
    Income:Sessions  -135.00 EUR

2026-11-01 (2026-0012) Invoice dora
    ; invoice: 2026-0012
    ; client: dora
    ; due: 2026-11-15
    Assets:Receivable:dora  60.00 EUR
    Income:Sessions  -60.00 EUR
EOF2
}

# csv AMOUNT [DESCRIPTION]: a one-row bank export in the scratch directory; prints its path.
csv() {
	printf 'Date,Description,Amount\n2026-11-20,%s,%s\n' "${2:-TRANSFER DORA WEISS}" "$1" \
		> "$BATS_TEST_TMPDIR/p.csv"
	echo "$BATS_TEST_TMPDIR/p.csv"
}

@test "payments: 120 EUR from dora's payer settles both 60 EUR invoices, one posting each" {
	need hledger ledger
	local p
	p=$(csv 120.00)
	run --separate-stderr tally-import --report --rules "$RULES/simple.rules" -f "$J" "$p"
	assert_success
	assert_output - <<'J'
2026-11-20 TRANSFER DORA WEISS
    ; client: dora
    Assets:Bank  120.00 EUR
    Assets:Receivable:dora  -60.00 EUR
      ; invoice: 2026-0011
    Assets:Receivable:dora  -60.00 EUR
      ; invoice: 2026-0012
J
	assert_equal "${stderr%%$'\n'*}" "tally-import: $p:2: 120.00 EUR settles 2026-0011 and 2026-0012 (dora, by sum and payer)"
	{ echo; printf '%s\n' "$output"; } >> "$J"
	# Both closed for tally-aging; eva's stays open.
	run tally-aging --date 2026-12-01 -O csv "$J"
	assert_success
	refute_output --partial dora
	assert_output --partial 2026-0013
	run tally-check "$J"
	assert_success
	agree "$J"
	run hledger -f "$J" bal -N Receivable
	assert_output "          135.00 EUR  Assets:Receivable:eva"
	run ledger -f "$J" bal --flat --no-total Receivable
	assert_output "          135.00 EUR  Assets:Receivable:eva"
	# Imported again: already in the journal, nothing written.
	run --separate-stderr tally-import --rules "$RULES/simple.rules" -f "$J" "$p"
	assert_success
	assert_output ""
}

@test "payments: 90 EUR from dora's payer closes the older invoice, 30 EUR of the newer stays open, said on stderr" {
	need hledger ledger
	local p
	p=$(csv 90.00)
	# Said without --report: the one match made without an exact amount.
	run --separate-stderr tally-import --rules "$RULES/simple.rules" -f "$J" "$p"
	assert_success
	assert_output - <<'J'
2026-11-20 TRANSFER DORA WEISS
    ; client: dora
    Assets:Bank  90.00 EUR
    Assets:Receivable:dora  -60.00 EUR
      ; invoice: 2026-0011
    Assets:Receivable:dora  -30.00 EUR
      ; invoice: 2026-0012
J
	assert_equal "$stderr" "tally-import: $p:2: 90.00 EUR settles 2026-0011 and 2026-0012 (dora, by payer, oldest first): 30.00 EUR of 2026-0012 stays open"
	{ echo; printf '%s\n' "$output"; } >> "$J"
	run tally-aging --date 2026-12-01 --client dora "$J"
	assert_success
	assert_output - <<'A'
client  invoice       date        due         days          amount            open  bucket
dora    2026-0012     2026-11-01  2026-11-15    16       60.00 EUR       30.00 EUR  1-30
dora    total                                                            30.00 EUR
total                                                                    30.00 EUR
A
	agree "$J"
	run hledger -f "$J" bal -N Receivable:dora
	assert_output "           30.00 EUR  Assets:Receivable:dora"
}

@test "payments: 40 EUR from dora's payer pays part of the older invoice only" {
	local p
	p=$(csv 40.00)
	run --separate-stderr tally-import --rules "$RULES/simple.rules" -f "$J" "$p"
	assert_success
	assert_output - <<'J'
2026-11-20 TRANSFER DORA WEISS
    ; client: dora
    ; invoice: 2026-0011
    Assets:Bank  40.00 EUR
    Assets:Receivable:dora  -40.00 EUR
J
	assert_equal "$stderr" "tally-import: $p:2: 40.00 EUR settles 2026-0011 (dora, by payer, oldest first): 20.00 EUR of 2026-0011 stays open"
}

@test "payments: 200 EUR from dora's payer is more than she owes: unmatched, with a note" {
	local p
	p=$(csv 200.00)
	run --separate-stderr tally-import --report --rules "$RULES/simple.rules" -f "$J" "$p"
	assert_success
	assert_output - <<'J'
2026-11-20 TRANSFER DORA WEISS
    ; unmatched: dora
    Assets:Bank  200.00 EUR
    Income:Unknown  -200.00 EUR
J
	assert_equal "$stderr" "tally-import: $p:2: 200.00 EUR not matched: more than the 120.00 EUR dora's open invoices need
tally-import: 1 rows: 1 written, 0 already in the journal, 0 likely duplicates, 0 matched to invoices, 0 ambiguous"
	run --separate-stderr tally-import --rules "$RULES/simple.rules" -f "$J" --unmatched Assets:Unmatched "$p"
	assert_line --index 3 "    Assets:Unmatched  -200.00 EUR"
}

@test "payments: a row both dora's and eva's payers match settles nothing, whatever the sums" {
	local p
	p=$(csv 120.00 "WEISS AND LIND")
	run --separate-stderr tally-import --rules "$RULES/simple.rules" -f "$J" "$p"
	assert_success
	assert_output - <<'J'
2026-11-20 WEISS AND LIND
    ; unmatched: dora, eva
    Assets:Bank  120.00 EUR
    Income:Unknown  -120.00 EUR
J
	assert_equal "$stderr" "tally-import: $p:2: 120.00 EUR not matched: it fits dora, eva"
}

@test "payments: any one set of open invoices that fits settles; two sets that fit are named, not guessed" {
	need hledger ledger
	local i a p
	# dora owes 40, 50, 35, 25 and 10 EUR (2026-0021 to 2026-0025, oldest first).
	sed -i '/(2026-0011)/,$d' "$J"
	for i in 1 2 3 4 5; do
		a=$(echo 40 50 35 25 10 | cut -d' ' -f$i)
		printf '2026-11-0%s (2026-002%s) Invoice dora\n    ; invoice: 2026-002%s\n    ; client: dora\n    Assets:Receivable:dora  %s.00 EUR\n    Income:Sessions\n\n' \
			"$i" "$i" "$i" "$a" >> "$J"
	done
	# 65: no single invoice, not the oldest ones (40, 90), only 40 + 25.
	p=$(csv 65.00)
	run --separate-stderr tally-import --report --rules "$RULES/simple.rules" -f "$J" "$p"
	assert_success
	assert_line --index 3 "    Assets:Receivable:dora  -40.00 EUR"
	assert_line --index 4 "      ; invoice: 2026-0021"
	assert_line --index 5 "    Assets:Receivable:dora  -25.00 EUR"
	assert_line --index 6 "      ; invoice: 2026-0024"
	assert_equal "${stderr%%$'\n'*}" "tally-import: $p:2: 65.00 EUR settles 2026-0021 and 2026-0024 (dora, by sum and payer)"
	# 60: 50 + 10 and 35 + 25 both fit: named, not guessed.
	p=$(csv 60.00)
	run --separate-stderr tally-import --rules "$RULES/simple.rules" -f "$J" "$p"
	assert_success
	assert_output - <<'J'
2026-11-20 TRANSFER DORA WEISS
    ; unmatched: 2026-0022 + 2026-0025 (dora), 2026-0023 + 2026-0024 (dora)
    Assets:Bank  60.00 EUR
    Income:Unknown  -60.00 EUR
J
	assert_equal "$stderr" "tally-import: $p:2: 60.00 EUR not matched: it fits 2026-0022 + 2026-0025 (dora), 2026-0023 + 2026-0024 (dora)"
	# 92 fits no set: less than the 160 she owes, so the oldest first (40, 50, 2 of 35).
	p=$(csv 92.00)
	run --separate-stderr tally-import --rules "$RULES/simple.rules" -f "$J" "$p"
	assert_success
	assert_equal "$stderr" "tally-import: $p:2: 92.00 EUR settles 2026-0021, 2026-0022 and 2026-0023 (dora, by payer, oldest first): 33.00 EUR of 2026-0023 stays open"
	{ echo; printf '%s\n' "$output"; } >> "$J"
	agree "$J"
	run tally-aging --date 2026-12-01 -O csv --client dora "$J"
	assert_success
	assert_equal "$(printf '%s\n' "$output" | cut -d, -f2 | grep -c '^2026-')" 3
	run hledger -f "$J" bal -N Receivable:dora
	assert_output "           68.00 EUR  Assets:Receivable:dora"
	run ledger -f "$J" bal --flat --no-total Receivable:dora
	assert_output "           68.00 EUR  Assets:Receivable:dora"
}

@test "payments: with more than 16 open invoices only the oldest first are tried, never every set" {
	local i p
	# 2026-0010 needs 10 EUR, 2026-0011 and later 20 EUR each.
	sed -i '/(2026-0011)/,$d' "$J"
	for i in $(seq 10 26); do
		printf '2026-11-%s (2026-00%s) Invoice dora\n    ; invoice: 2026-00%s\n    ; client: dora\n    Assets:Receivable:dora  %s.00 EUR\n    Income:Sessions\n\n' \
			"$i" "$i" "$i" "$([ "$i" = 10 ] && echo 10 || echo 20)" >> "$J"
	done
	# 17 open: 40 is no oldest prefix (10, 30, 50); two 20s are not looked for.
	p=$(csv 40.00)
	run --separate-stderr tally-import --rules "$RULES/simple.rules" -f "$J" "$p"
	assert_success
	assert_equal "$stderr" "tally-import: $p:2: 40.00 EUR settles 2026-0010, 2026-0011 and 2026-0012 (dora, by payer, oldest first): 10.00 EUR of 2026-0012 stays open"
	# 16 open: every set is tried, and many pairs of 20s fit.
	sed -i '/(2026-0026)/,$d' "$J"
	run --separate-stderr tally-import --rules "$RULES/simple.rules" -f "$J" "$p"
	assert_success
	assert_equal "$stderr" "tally-import: $p:2: 40.00 EUR not matched: it fits 2026-0011 + 2026-0012 (dora), 2026-0011 + 2026-0013 (dora)"
}

@test "payments: a row naming several invoice numbers settles them when it pays what they need together" {
	local p
	p=$(csv 120.00 "REF 2026-0012 2026-0011")
	run --separate-stderr tally-import --report --rules "$RULES/simple.rules" -f "$J" "$p"
	assert_success
	assert_output - <<'J'
2026-11-20 REF 2026-0012 2026-0011
    ; client: dora
    Assets:Bank  120.00 EUR
    Assets:Receivable:dora  -60.00 EUR
      ; invoice: 2026-0011
    Assets:Receivable:dora  -60.00 EUR
      ; invoice: 2026-0012
J
	assert_equal "${stderr%%$'\n'*}" "tally-import: $p:2: 120.00 EUR settles 2026-0011 and 2026-0012 (dora, by number)"
	# Another amount is not guessed.
	p=$(csv 100.00 "REF 2026-0012 2026-0011")
	run --separate-stderr tally-import --rules "$RULES/simple.rules" -f "$J" "$p"
	assert_success
	assert_line --index 1 "    ; unmatched: 2026-0011 (dora), 2026-0012 (dora)"
	assert_equal "$stderr" "tally-import: $p:2: 100.00 EUR not matched: it fits 2026-0011 (dora), 2026-0012 (dora)"
}
