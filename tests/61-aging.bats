#!/usr/bin/env bats
# tally-aging: open invoices on a date, buckets, payments (tagged, FIFO, partial, over),
# totals, CSV, reminders.
load helper

F=$FIXTURES/aging

@test "txt: open invoices by client with days, buckets, totals and credit" {
	run -0 tally-aging --date 2026-12-15 "$F/book.journal"
	assert_output "client  invoice       date        due         days          amount            open  bucket
ana     2026-0001     2026-10-01  2026-10-15    61      100.00 EUR      100.00 EUR  61-90
ana     total                                                           100.00 EUR
bea     2026-0003     2026-11-01  2026-11-15    30       55.00 EUR       35.00 EUR  1-30
bea     total                                                            35.00 EUR
carl    credit                                                           20.00 EUR
total                                                                   135.00 EUR"
}

@test "csv: the exact header, plain numbers, the commodity; the txt report's totals and credit rows" {
	run -0 tally-aging --date 2026-12-15 -O csv "$F/book.journal"
	assert_output "client,invoice,date,due,days_overdue,amount,open,commodity,bucket
ana,2026-0001,2026-10-01,2026-10-15,61,100.00,100.00,EUR,61-90
ana,,,,,,100.00,EUR,total
bea,2026-0003,2026-11-01,2026-11-15,30,55.00,35.00,EUR,1-30
bea,,,,,,35.00,EUR,total
carl,,,,,,20.00,EUR,credit
,,,,,,135.00,EUR,total"
}

@test "json: the CSV's rows, amounts as exact decimal strings, with the commodity" {
	run -0 tally-aging --date 2026-12-15 -O json "$F/book.journal"
	assert_output '[
 {"client": "ana", "invoice": "2026-0001", "date": "2026-10-01", "due": "2026-10-15", "days_overdue": 61, "amount": "100.00", "open": "100.00", "commodity": "EUR", "bucket": "61-90"},
 {"client": "ana", "invoice": null, "date": null, "due": null, "days_overdue": null, "amount": null, "open": "100.00", "commodity": "EUR", "bucket": "total"},
 {"client": "bea", "invoice": "2026-0003", "date": "2026-11-01", "due": "2026-11-15", "days_overdue": 30, "amount": "55.00", "open": "35.00", "commodity": "EUR", "bucket": "1-30"},
 {"client": "bea", "invoice": null, "date": null, "due": null, "days_overdue": null, "amount": null, "open": "35.00", "commodity": "EUR", "bucket": "total"},
 {"client": "carl", "invoice": null, "date": null, "due": null, "days_overdue": null, "amount": null, "open": "20.00", "commodity": "EUR", "bucket": "credit"},
 {"client": null, "invoice": null, "date": null, "due": null, "days_overdue": null, "amount": null, "open": "135.00", "commodity": "EUR", "bucket": "total"}
]'
	python3 -c 'import json,sys; json.load(sys.stdin)' <<< "$output"
	run -0 tally-aging --date 2026-09-15 -O json "$F/book.journal"
	assert_output "[]"
}

@test "bucket boundaries: due day current, 1, 30, 31, 60, 61, 90, 91 days" {
	for d in 2026-11-15:0:current:55 2026-11-16:1:1-30:55 2026-12-15:30:1-30:35 \
		 2026-12-16:31:31-60:35 2027-01-14:60:31-60:35 2027-01-15:61:61-90:35 \
		 2027-02-13:90:61-90:35 2027-02-14:91:90+:35; do
		IFS=: read -r date days b open <<< "$d"
		run -0 tally-aging --date "$date" --client bea -O csv "$F/book.journal"
		assert_line --index 1 "bea,2026-0003,2026-11-01,2026-11-15,$days,55.00,$open.00,EUR,$b"
	done
}

@test "the date: invoices and payments after it do not count" {
	run -0 tally-aging --date 2026-11-10 -O csv "$F/book.journal"
	assert_output "client,invoice,date,due,days_overdue,amount,open,commodity,bucket
ana,2026-0001,2026-10-01,2026-10-15,26,100.00,100.00,EUR,1-30
ana,2026-0002,2026-11-01,2026-11-15,0,80.00,80.00,EUR,current
ana,,,,,,180.00,EUR,total
bea,2026-0003,2026-11-01,2026-11-15,0,55.00,55.00,EUR,current
bea,,,,,,55.00,EUR,total
carl,2026-0004,2026-11-01,2026-12-01,0,70.00,70.00,EUR,current
carl,,,,,,70.00,EUR,total
,,,,,,305.00,EUR,total"
	run -0 tally-aging --date 2026-09-30 -O csv "$F/book.journal"
	assert_output "client,invoice,date,due,days_overdue,amount,open,commodity,bucket"
}

@test "untagged payments settle the oldest invoice first; tagged ones their invoice" {
	run -0 tally-aging --date 2026-12-01 -O csv "$F/fifo.journal"
	assert_output "client,invoice,date,due,days_overdue,amount,open,commodity,bucket
dan,2026-0011,2026-10-01,2026-10-15,47,60.00,30.00,EUR,31-60
dan,2026-0012,2026-11-01,2026-11-15,16,70.00,70.00,EUR,1-30
dan,,,,,,100.00,EUR,total
,,,,,,100.00,EUR,total"
	j=$(journal <<-EOF
	$(cat "$F/fifo.journal")

	2026-11-25 Payment dan for the last invoice
	    ; invoice: 2026-0012
	    Assets:Bank  70.00 EUR
	    Assets:Receivable:dan
	EOF
	)
	run -0 tally-aging --date 2026-12-01 -O csv "$j"
	assert_output "client,invoice,date,due,days_overdue,amount,open,commodity,bucket
dan,2026-0011,2026-10-01,2026-10-15,47,60.00,30.00,EUR,31-60
dan,,,,,,30.00,EUR,total
,,,,,,30.00,EUR,total"
}

@test "overpayment is credit, shown once, and pays the next invoice" {
	j=$(journal <<-EOF
	$(cat "$F/book.journal")

	2026-12-01 (2026-0005) Invoice carl
	    ; invoice: 2026-0005
	    ; client: carl
	    ; due: 2026-12-15
	    Assets:Receivable:carl  70.00 EUR
	    Assets:Unbilled:carl
	EOF
	)
	run -0 tally-aging --date 2026-12-20 --client carl "$j"
	assert_output "client  invoice       date        due         days          amount            open  bucket
carl    2026-0005     2026-12-01  2026-12-15     5       70.00 EUR       50.00 EUR  1-30
carl    total                                                            50.00 EUR
total                                                                    50.00 EUR"
}

@test "agrees with ledger and hledger on what is owed" {
	owed=$(tally-aging --date 2027-01-01 -O csv "$F/fifo.journal" |
		awk -F, '$1 == "" && $9 == "total" { s += $7 } END { printf "%.2f", s }')
	assert_equal "$owed" "100.00"
	run -0 ledger -f "$F/fifo.journal" bal --no-total Assets:Receivable:dan
	assert_output --partial "100.00 EUR"
	run -0 hledger -f "$F/fifo.journal" bal --no-total Assets:Receivable:dan
	assert_output --partial "100.00 EUR"
}

@test "the bench journal's lowercase accounts" {
	j=$(journal <<-'EOF'
	2015-02-02 * (INV-2015-0001) Invoice Jonas Novák for January
	    ; client: Jonas Novák
	    ; invoice: INV-2015-0001
	    assets:receivable:jonas-novak       152.00 EUR
	    assets:unbilled:jonas-novak

	2015-02-20 * Payment Jonas Novák INV-2015-0001
	    ; client: Jonas Novák
	    ; invoice: INV-2015-0001
	    assets:bank:checking                100.00 EUR
	    assets:receivable:jonas-novak
	EOF
	)
	run -0 tally-aging --date 2015-03-01 -O csv --receivable-account assets:receivable "$j"
	assert_output "client,invoice,date,due,days_overdue,amount,open,commodity,bucket
jonas-novak,INV-2015-0001,2015-02-02,2015-02-02,27,152.00,52.00,EUR,1-30
jonas-novak,,,,,,52.00,EUR,total
,,,,,,52.00,EUR,total"
}

@test "CSV cells that look like formulas are neutralised" {
	j=$(journal <<-'EOF'
	2026-11-01 Invoice
	    ; invoice: =HYPERLINK(1)
	    Assets:Receivable:x  10.00 EUR
	    Assets:Unbilled:x
	EOF
	)
	run -0 tally-aging --date 2026-11-02 -O csv "$j"
	assert_line --index 1 "x,\"'=HYPERLINK(1)\",2026-11-01,2026-11-01,1,10.00,10.00,EUR,1-30"
}

@test "--remind: first, second and final reminders by lateness; --levels; courtesy" {
	run -0 tally-aging --date 2026-12-15 --remind --conf "$EXAMPLES/tally.conf" "$F/book.journal"
	assert_line "Subject: Final notice: invoice 2026-0001, 61 days overdue"
	assert_line "Subject: Final notice: invoice 2026-0003, 30 days overdue"
	assert_line "---"
	assert_line "Marta Ruiz, Tutoring"
	run -0 tally-aging --date 2026-12-14 --remind "$F/book.journal"
	assert_line "Subject: Second reminder: invoice 2026-0003 is 29 days overdue"
	run -0 tally-aging --date 2026-11-20 --remind "$F/book.journal"
	assert_line "Subject: Final notice: invoice 2026-0001, 36 days overdue"
	assert_line "Subject: Reminder: invoice 2026-0003"
	assert_line "  Still open: 55.00 EUR"
	assert_line "  Due:       2026-11-15 (payment within 14 days)"
	refute_line --partial "2026-0004"
	run -0 tally-aging --date 2026-11-20 --remind --levels 1,40,60 "$F/book.journal"
	assert_line "Subject: Reminder: invoice 2026-0001"
	run -0 tally-aging --date 2026-11-20 --remind --courtesy 14 "$F/book.journal"
	assert_line "Subject: Invoice 2026-0004 is due on 2026-12-01"
	assert_line --partial "in 11 days"
	run -0 tally-aging --date 2026-10-10 --remind "$F/book.journal"
	assert_output ""
}

@test "--remind --lang es" {
	run -0 tally-aging --date 2026-12-14 --remind --lang es "$F/book.journal"
	assert_line "Asunto: Último aviso: factura 2026-0001, 60 días vencida"
	assert_line "Asunto: Segundo aviso: la factura 2026-0003 lleva 29 días vencida"
	assert_line "La factura 2026-0003 del 01/11/2026 vencía el 15/11/2026 (pago a 14 días) y"
	assert_line "lleva 29 días vencida. Quedan pendientes 35,00 EUR de 55,00 EUR."
}

@test "errors: duplicate number and malformed due: with file:line, exit 1, no output" {
	j=$(journal <<-'EOF'
	2026-11-01 Invoice
	    ; invoice: 2026-0001
	    Assets:Receivable:x  10.00 EUR
	    Assets:Unbilled:x

	2026-11-02 Invoice again
	    ; invoice: 2026-0001
	    Assets:Receivable:y  10.00 EUR
	    Assets:Unbilled:y
	EOF
	)
	run -1 --separate-stderr tally-aging --date 2026-12-01 "$j"
	assert_equal "$stderr" "tally-aging: $j:7: duplicate invoice number 2026-0001 (first at $j:1)"
	assert_output ""
	j=$(journal <<-'EOF'
	2026-11-01 Invoice
	    ; invoice: 2026-0001
	    ; due: next week
	    Assets:Receivable:x  10.00 EUR
	    Assets:Unbilled:x
	EOF
	)
	run -1 --separate-stderr tally-aging --date 2026-12-01 "$j"
	assert_equal "$stderr" "tally-aging: $j:3: due: bad value next week (want a date, YYYY-MM-DD)"
	assert_output ""
}

@test "usage errors exit 2; --help, --version" {
	run -2 --separate-stderr tally-aging --date 2026-13-01 "$F/book.journal"
	assert_equal "$stderr" "tally-aging: bad date: 2026-13-01"
	run -2 --separate-stderr tally-aging -O xml "$F/book.journal"
	assert_equal "$stderr" "tally-aging: unknown output format: xml"
	run -2 --separate-stderr tally-aging --remind --lang fr "$F/book.journal"
	assert_equal "$stderr" "tally-aging: unknown language: fr"
	run -2 --separate-stderr tally-aging --remind --levels 15,1 "$F/book.journal"
	assert_equal "$stderr" "tally-aging: bad reminder levels: 15,1"
	run -0 tally-aging --help
	assert_line --index 0 --partial "usage: tally-aging"
	run -0 tally-aging --version
	assert_output "tally-aging $(cat "$TOP/lib/VERSION")"
}

@test "a payment that names an invoice appended later in the file pays that invoice" {
	j=$(journal <<-'EOF2'
	2026-11-01 (2026-0001) Invoice
	    ; invoice: 2026-0001
	    ; due: 2026-11-15
	    Assets:Receivable:eva  40.00 EUR
	    Assets:Unbilled:eva

	2026-12-20 Payment for the December invoice
	    ; invoice: 2026-0002
	    Assets:Bank  50.00 EUR
	    Assets:Receivable:eva

	2026-12-01 (2026-0002) Invoice, appended by tally-invoice
	    ; invoice: 2026-0002
	    ; due: 2026-12-15
	    Assets:Receivable:eva  50.00 EUR
	    Assets:Unbilled:eva
	EOF2
	)
	run -0 tally-aging --date 2026-12-31 -O csv "$j"
	assert_output "client,invoice,date,due,days_overdue,amount,open,commodity,bucket
eva,2026-0001,2026-11-01,2026-11-15,46,40.00,40.00,EUR,31-60
eva,,,,,,40.00,EUR,total
,,,,,,40.00,EUR,total"
	head -11 "$j" > "$(scratch)/before.journal"
	run -0 tally-aging --date 2026-12-31 "$(scratch)/before.journal"
	assert_line "eva     credit                                                           50.00 EUR"
}

@test "the courtesy note names the invoice, its date, the amounts and the terms" {
	run -0 tally-aging --date 2026-11-24 --remind --courtesy 7 --client carl "$F/book.journal"
	assert_output "To: carl
Subject: Invoice 2026-0004 is due on 2026-12-01

Hello carl,

A friendly note: invoice 2026-0004 of 2026-11-01 for 70.00 EUR is due on
2026-12-01, in 7 days (payment within 30 days of the invoice date).
70.00 EUR is still open. If you have already paid, thank you, and please ignore
this message.

Best regards,"
	run -0 tally-aging --date 2026-11-24 --remind --courtesy 6 --client carl "$F/book.journal"
	assert_output ""
	run -0 tally-aging --date 2026-11-28 --remind --courtesy 7 --client carl "$F/book.journal"
	assert_output ""
}

@test "aging: oldest first by date, not by place in the file (shuffled, every seed the same)" {
	run -0 tally-aging --date 2027-01-01 "$F/fifo.journal"
	assert_line --index 1 --partial '2026-0011     2026-10-01  2026-10-15    78       60.00 EUR       30.00 EUR'
	want=$output
	for seed in 1 2 3 4 5 6; do
		shuffle-entries "$seed" "$F/fifo.journal" >"$BATS_TEST_TMPDIR/s.journal"
		run -0 tally-aging --date 2027-01-01 "$BATS_TEST_TMPDIR/s.journal"
		assert_output "$want"
	done
	# a payment written before the invoices it pays (an import appended first) waits for them
	{ sed -n '/^2026-11-20/,$p' "$F/fifo.journal"; echo; sed -n '1,/^2026-11-20/p' "$F/fifo.journal" | sed '$d'; } \
		>"$BATS_TEST_TMPDIR/first.journal"
	run -0 tally-aging --date 2027-01-01 "$BATS_TEST_TMPDIR/first.journal"
	assert_output "$want"
}
