#!/usr/bin/env bats
# Taxes on invoices (tally.conf tax-* and withholding-*, per-client tax-rate: and
# withholding-rate:), balanced by ledger and hledger; the legal fields of the invoice.
load helper

F=$FIXTURES/tax

need_oracles() {
	command -v ledger >/dev/null || fail "ledger is not installed: make deps"
	command -v hledger >/dev/null || fail "hledger is not installed: make deps"
}

@test "tax lines: VAT added, IRPF withheld, an exempt client; postings to the tax accounts" {
	run -0 tally-invoice -p 2026-11 "$F/practice.journal"
	assert_output --partial "2026-12-01 (2026-0001) Invoice acme
    ; invoice: 2026-0001
    ; client: acme
    ; due: 2026-12-15
    ; item: 2026-11-12 | 500.00 EUR | Workshop acme
    ; tax: IVA 21% | 105.00 EUR
    ; withholding: IRPF 15% | 75.00 EUR
    Assets:Receivable:acme  530.00 EUR
    Assets:Tax:IRPF withheld  75.00 EUR
    Assets:Unbilled:acme  -500.00 EUR
    Liabilities:Tax:IVA  -105.00 EUR
"
	# 21% of 73.33 is 15.3993: rounded once, on the invoice's base
	assert_output --partial "    ; tax: IVA 21% | 15.40 EUR
    Assets:Receivable:ana  88.73 EUR
    Assets:Unbilled:ana  -73.33 EUR
    Liabilities:Tax:IVA  -15.40 EUR
"
	assert_output --partial "    ; tax: IVA exempt | 0.00 EUR
    Assets:Receivable:teo  60.00 EUR
    Assets:Unbilled:teo  -60.00 EUR"
}

@test "ledger and hledger balance the taxed invoices, and agree with tally-balance" {
	need_oracles
	out=$BATS_TEST_TMPDIR/out.journal
	cp "$F/tally.conf" "$BATS_TEST_TMPDIR/"
	tally-invoice -p 2026-11 "$F/practice.journal" > "$out"
	for tool in ledger hledger; do
		run -0 oracle-bal $tool "$out"
		assert_line "$(printf 'Liabilities:Tax:IVA\tEUR\t-120.40')"
		assert_line "$(printf 'Assets:Tax:IRPF withheld\tEUR\t75.00')"
		assert_line "$(printf 'Assets:Receivable:acme\tEUR\t530.00')"
		assert_line "$(printf 'Income:Sessions\tEUR\t-633.33')"
	done
	run -0 ledger -f "$out" bal
	assert_line --regexp '^ +0 *$'
	run -0 hledger -f "$out" bal
	assert_line --regexp '^ +0 *$'
	run -0 tally-balance "$out"
	assert_line --regexp '^ +0 *$' 
	# invoicing again adds nothing
	tally-invoice -p 2026-11 "$out" | cmp - "$out"
}

@test "aging asks for base + tax - withholding" {
	tally-invoice -p 2026-11 "$F/practice.journal" > "$BATS_TEST_TMPDIR/out.journal"
	run -0 tally-aging --date 2026-12-20 -O csv "$BATS_TEST_TMPDIR/out.journal"
	assert_line "acme,2026-0001,2026-12-01,2026-12-15,5,530.00,530.00,EUR,1-30"
	assert_line "ana,2026-0002,2026-12-01,2026-12-15,5,88.73,88.73,EUR,1-30"
}

@test "--show: the legal fields: number, dates, both parties with addresses and tax IDs, base, rate, tax, total" {
	cp "$F/tally.conf" "$BATS_TEST_TMPDIR/"
	tally-invoice -p 2026-11 "$F/practice.journal" > "$BATS_TEST_TMPDIR/out.journal"
	run -0 tally-invoice --show 2026-0001 "$BATS_TEST_TMPDIR/out.journal"
	assert_output "INVOICE 2026-0001

From:    Marta Ruiz, Formación
         Calle Mayor 12, 28013 Madrid
         Tax ID: ES12345678Z
         marta@example.org
To:      Acme Formación, S.L.
         Gran Vía 1, 28013 Madrid
         Tax ID: B12345678

Date:    2026-12-01
Due:     2026-12-15

Date        Description                                           Amount
2026-11-12  Workshop acme                                     500.00 EUR

Base:    500.00 EUR
IVA 21%: 105.00 EUR
IRPF 15%: -75.00 EUR
Total:   530.00 EUR
Paid:    0.00 EUR
Due now: 530.00 EUR

Payment is due within 14 days of the invoice date, by 2026-12-15.
Please pay to IBAN ES91 2100 0418 4502 0005 1332, quoting invoice 2026-0001."
}

@test "--show: the exemption wording from tally.conf, in Spanish; HTML and Markdown rows" {
	cp "$F/tally.conf" "$BATS_TEST_TMPDIR/"
	tally-invoice -p 2026-11 "$F/practice.journal" > "$BATS_TEST_TMPDIR/out.journal"
	run -0 tally-invoice --show 2026-0003 --lang es "$BATS_TEST_TMPDIR/out.journal"
	assert_output --partial "Base imponible: 60,00 EUR
IVA exempt:  0,00 EUR
Total:       60,00 EUR
Pagado:      0,00 EUR
Pendiente:   60,00 EUR
Exento de IVA (art. 20.Uno.9º Ley 37/1992)
"
	run -0 tally-invoice --show 2026-0002 -O html "$BATS_TEST_TMPDIR/out.journal"
	assert_line "<tr><td></td><th>Base</th><td class=\"num\">73.33 EUR</td></tr>"
	assert_line "<tr><td></td><th>IVA 21%</th><td class=\"num\">15.40 EUR</td></tr>"
	run -0 tally-invoice --show 2026-0002 -O md "$BATS_TEST_TMPDIR/out.journal"
	assert_line "**IVA 21%:** 15.40 EUR  "
}

@test "without tax settings an invoice has no tax lines (unchanged)" {
	j=$(journal < "$F/practice.journal")
	run -0 tally-invoice -p 2026-11 --client ana "$j"
	refute_output --partial "; tax:"
	assert_output --partial "    Assets:Receivable:ana  73.33 EUR
    Assets:Unbilled:ana  -73.33 EUR"
}

@test "bad rates: in tally.conf and in a client's tag" {
	j=$(journal < "$F/practice.journal")
	printf 'tax-rate = 121\n' > "$BATS_TEST_TMPDIR/tally.conf"
	run -1 --separate-stderr tally-invoice -p 2026-11 "$j"
	assert_equal "$stderr" "tally-invoice: $BATS_TEST_TMPDIR/tally.conf: tax-rate: not a percent from 0 to 100 or exempt: 121"
	assert_output ""
	cp "$F/tally.conf" "$BATS_TEST_TMPDIR/"
	sed -i 's/withholding-rate: 15/withholding-rate: fifteen/' "$j"
	run -1 --separate-stderr tally-invoice -p 2026-11 "$j"
	assert_equal "$stderr" "tally-invoice: $j:17: withholding-rate: bad value fifteen (want a percent from 0 to 100, or exempt)"
}

@test "--void: a credit note of its own series reverses the invoice; ledger and hledger balance it" {
	need_oracles
	out=$BATS_TEST_TMPDIR/out.journal
	cp "$F/tally.conf" "$BATS_TEST_TMPDIR/"
	tally-invoice -p 2026-11 "$F/practice.journal" > "$BATS_TEST_TMPDIR/inv.journal"
	tally-invoice --void 2026-0001 --date 2026-12-10 "$BATS_TEST_TMPDIR/inv.journal" > "$out"
	run -0 tail -n 10 "$out"
	assert_output "
2026-12-10 (CN-2026-0001) Credit note for invoice 2026-0001
    ; credit-note: CN-2026-0001
    ; voids: 2026-0001
    ; invoice: 2026-0001
    ; client: acme
    Assets:Receivable:acme  -530.00 EUR
    Assets:Tax:IRPF withheld  -75.00 EUR
    Income:Credit notes  500.00 EUR
    Liabilities:Tax:IVA  105.00 EUR"
	# everything before it passes through byte for byte
	head -c "$(wc -c < "$BATS_TEST_TMPDIR/inv.journal")" "$out" | cmp - "$BATS_TEST_TMPDIR/inv.journal"
	for tool in ledger hledger; do
		run -0 oracle-bal $tool "$out"
		assert_line --regexp "^Assets:Receivable:acme	(EUR)?	0(.00)?$"
		assert_line "$(printf 'Liabilities:Tax:IVA\tEUR\t-15.40')"
		assert_line "$(printf 'Income:Credit notes\tEUR\t500.00')"
	done
	# invoicing the month again does not invoice the voided sessions twice
	tally-invoice -p 2026-11 "$out" | cmp - "$out"
}

@test "--void: aging stops listing the invoice; the statement shows the credit note" {
	tally-invoice -p 2026-11 "$F/practice.journal" > "$BATS_TEST_TMPDIR/inv.journal"
	tally-invoice --void 2026-0001 --date 2026-12-10 "$BATS_TEST_TMPDIR/inv.journal" > "$BATS_TEST_TMPDIR/out.journal"
	run -0 tally-aging --date 2026-12-20 -O csv "$BATS_TEST_TMPDIR/out.journal"
	refute_output --partial "2026-0001"
	assert_line "ana,2026-0002,2026-12-01,2026-12-15,5,88.73,88.73,EUR,1-30"
	run -0 tally-statement -p 2026-12 --client acme "$BATS_TEST_TMPDIR/out.journal"
	# the credit note in a section of its own, not among the payments
	assert_output --partial "Credit notes
------------
Credit note           Date              Voids invoice                   Amount
--------------------  ----------------  --------------------  ----------------
CN-2026-0001          Dec 10, 2026      2026-0001                   530.00 EUR

Payments received
-----------------
None."
	assert_line --regexp "^Credit notes +-530.00 EUR$"
	assert_line --regexp "^Closing balance +0.00 EUR$"
}

@test "--void: numbers follow on; a second void, an unknown invoice are errors" {
	tally-invoice -p 2026-11 "$F/practice.journal" > "$BATS_TEST_TMPDIR/a.journal"
	tally-invoice --void 2026-0001 --date 2026-12-10 "$BATS_TEST_TMPDIR/a.journal" > "$BATS_TEST_TMPDIR/b.journal"
	run -0 tally-invoice --void 2026-0002 --date 2026-12-11 "$BATS_TEST_TMPDIR/b.journal"
	assert_line "2026-12-11 (CN-2026-0002) Credit note for invoice 2026-0002"
	run -1 --separate-stderr tally-invoice --void 2026-0001 "$BATS_TEST_TMPDIR/b.journal"
	assert_equal "$stderr" "tally-invoice: $BATS_TEST_TMPDIR/b.journal:43: invoice 2026-0001 is already void (CN-2026-0001)"
	assert_output ""
	run -1 --separate-stderr tally-invoice --void 2099-0001 "$BATS_TEST_TMPDIR/b.journal"
	assert_equal "$stderr" "tally-invoice: no invoice 2099-0001"
	run -2 --separate-stderr tally-invoice --void 2026-0001 --show 2026-0001 "$BATS_TEST_TMPDIR/b.journal"
	assert_equal "$stderr" "tally-invoice: --show and --void: choose one"
}

@test "--void -i: the credit note is written into the journal" {
	j=$BATS_TEST_TMPDIR/books.journal
	tally-invoice -p 2026-11 "$F/practice.journal" > "$j"
	run -0 tally-invoice --void 2026-0003 --date 2026-12-10 -i "$j"
	assert_output ""
	run -0 tail -n 3 "$j"
	assert_output "    ; client: teo
    Assets:Receivable:teo  -60.00 EUR
    Income:Credit notes  60.00 EUR"
}

@test "--show --lang es: dates and amounts written one way everywhere in the invoice" {
	j=$(journal <<'J'
2026-11-03 Session ana
    ; client: ana
    Assets:Unbilled:ana  1105.00 EUR
    Income:Sessions
J
)
	tally-invoice -p 2026-11 "$j" > "$BATS_TEST_TMPDIR/out.journal"
	run -0 tally-invoice --show 2026-0001 --lang es "$BATS_TEST_TMPDIR/out.journal"
	assert_line "Fecha:       01/12/2026"
	assert_line "03/11/2026  Session ana                                     1.105,00 EUR"
	assert_line "Total:       1.105,00 EUR"
	assert_line "El pago vence a los 14 días de la fecha de la factura, el 15/12/2026."
	refute_output --regexp '2026-1[12]-'
}

@test "--show without tally.conf: no 'Please pay to ,', no empty Tax ID" {
	j=$(journal < "$F/practice.journal")
	tally-invoice -p 2026-11 "$j" > "$BATS_TEST_TMPDIR/out.journal"
	run -0 tally-invoice --show 2026-0003 "$BATS_TEST_TMPDIR/out.journal"
	refute_output --partial "Please pay to"
	refute_output --partial "Tax ID"
	assert_line --index -1 "Payment is due within 14 days of the invoice date, by 2026-12-15."
	run -0 tally-invoice --show 2026-0003 -O html "$BATS_TEST_TMPDIR/out.journal"
	refute_output --partial "Please pay to"
}
