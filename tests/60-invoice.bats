#!/usr/bin/env bats
# tally-invoice: invoices a period's unbilled amounts; numbers, terms, idempotence, --show.
load helper

F=$FIXTURES/invoice

# Balances per account as "account TAB commodity TAB amount" with the amount normalised,
# from ledger, from hledger and from tally-balance (no python: it starts slowly).
norm() { awk -F'\t' '$3 != 0 { printf "%s\t%s\t%.4f\n", $1, $2, $3 }' | sort; }
ledger_tsv() {
	ledger -f "$1" bal --flat --no-total \
		-F '%(account)\t%(commodity(scrub(display_total)))\t%(quantity(scrub(display_total)))\n' |
		norm
}
hledger_tsv() {
	hledger -f "$1" bal --flat --no-total -O csv | tail -n +2 | tr -d '"' |
		awk -F, '{ split($2, a, " "); printf "%s\t%s\t%s\n", $1, a[2], a[1] }' | norm
}
tally_tsv() {
	tally-balance -O csv "$1" | tail -n +2 | awk -F, '{ printf "%s\t%s\t%s\n", $1, $2, $3 }' | norm
}

@test "invoices a month: one entry per client, after the journal, in client order" {
	run -0 tally-invoice -p 2026-11 "$F/practice.journal"
	assert_output "$(cat "$F/practice-nov.out")"
	# the journal itself passes through byte for byte
	tally-invoice -p 2026-11 "$F/practice.journal" | head -c "$(wc -c < "$F/practice.journal")" |
		cmp - "$F/practice.journal"
}

@test "idempotent: re-running on its own output adds nothing" {
	tally-invoice -p 2026-11 "$F/practice-nov.out" | cmp - "$F/practice-nov.out"
}

@test "the next run continues the numbers and invoices only what is new" {
	run -0 tally-invoice -p 2026-12 --date 2027-01-02 "$F/practice-nov.out"
	assert_output "$(cat "$F/practice-nov.out")

2027-01-02 (2027-0001) Invoice ana
    ; invoice: 2027-0001
    ; client: ana
    ; due: 2027-01-16
    ; item: 2026-12-02 | 40.00 EUR | Session ana
    Assets:Receivable:ana  40.00 EUR
    Assets:Unbilled:ana  -40.00 EUR"
}

@test "an earlier month left out is invoiced on its own, never twice" {
	run -0 tally-invoice -p 2026-10 "$F/practice-nov.out"
	assert_output "$(cat "$F/practice-nov.out")

2026-11-01 (2026-0003) Invoice ana
    ; invoice: 2026-0003
    ; client: ana
    ; due: 2026-11-15
    ; item: 2026-10-20 | 40.00 EUR | Session ana
    Assets:Receivable:ana  40.00 EUR
    Assets:Unbilled:ana  -40.00 EUR"
	tally-invoice -p 2026-10 "$F/practice-nov.out" > "$(scratch)/oct.journal"
	tally-invoice -p 2026-10 "$(scratch)/oct.journal" | cmp - "$(scratch)/oct.journal"
	tally-invoice -p 2026-11 "$(scratch)/oct.journal" | cmp - "$(scratch)/oct.journal"
}

@test "a client's terms: the latest terms event on or before the invoice date" {
	run -0 tally-invoice -p 2026-11 "$F/terms.journal"
	assert_line "    ; due: 2026-12-22"
	run -0 tally-invoice -p 2026-11 --terms 30 "$F/terms.journal"
	assert_line "    ; due: 2026-12-22"
	run -0 tally-invoice -p 2026-11 --terms 30 --client carla --date 2026-05-31 "$F/terms.journal"
	assert_line "    ; due: 2026-06-07"
}

@test "--terms sets the default, --date the invoice date, --client limits" {
	run -0 tally-invoice -p 2026-11 --terms 30 --date 2026-12-05 --client bea "$F/practice.journal"
	assert_line "2026-12-05 (2026-0001) Invoice bea"
	assert_line "    ; due: 2027-01-04"
	refute_line --partial "Invoice ana"
}

@test "year rollover: numbers restart at 0001 in the new year, continue within a year" {
	run -0 tally-invoice -p 2026-11 --date 2026-12-31 "$F/rollover.journal"
	assert_output "$(cat "$F/rollover.journal")"
	run -0 tally-invoice -p 2026-12 "$F/rollover.journal"
	assert_line "2027-01-01 (2027-0001) Invoice ana"
	assert_line "2027-01-01 (2027-0002) Invoice bea"
	run -0 tally-invoice -p 2026-12 --date 2026-12-31 "$F/rollover.journal"
	assert_line "2026-12-31 (2026-0042) Invoice ana"
	assert_line "2026-12-31 (2026-0043) Invoice bea"
}

@test "--prefix and lowercase account prefixes (the bench journal's style)" {
	run -0 tally-invoice -p 2015-02 --prefix INV- --unbilled-account assets:unbilled \
		--receivable-account assets:receivable "$F/bench-style.journal"
	assert_output "$(cat "$F/bench-style.journal")

2015-03-01 (INV-2015-0002) Invoice jonas-novak
    ; invoice: INV-2015-0002
    ; client: jonas-novak
    ; due: 2015-03-15
    ; item: 2015-02-03 | 76.00 EUR | Session Jonas Novák
    assets:receivable:jonas-novak  76.00 EUR
    assets:unbilled:jonas-novak  -76.00 EUR"
	# January was invoiced by an entry without item lines: nothing to do
	tally-invoice -p 2015-01 --prefix INV- --unbilled-account assets:unbilled \
		--receivable-account assets:receivable "$F/bench-style.journal" |
		cmp - "$F/bench-style.journal"
}

@test "ledger, hledger and tally-balance agree on the output" {
	out=$(scratch)/out.journal
	tally-invoice -p 2026-10 "$F/practice-nov.out" > "$out"
	tsv=$(tally_tsv "$out")
	assert_equal "$(ledger_tsv "$out")" "$tsv"
	assert_equal "$(hledger_tsv "$out")" "$tsv"
	assert_equal "$tsv" "$(printf '%s\t%s\t%s\n' \
		Assets:Receivable:ana EUR 140.0000 Assets:Receivable:bea EUR 55.0000 \
		Assets:Unbilled:ana EUR 40.0000 Income:Cancellations EUR -20.0000 \
		Income:Sessions EUR -215.0000)"
	tally-invoice -p 2015-02 "$F/bench-style.journal" > "$out"
	tsv=$(tally_tsv "$out")
	assert_equal "$(ledger_tsv "$out")" "$tsv"
	assert_equal "$(hledger_tsv "$out")" "$tsv"
	assert_equal "$(grep jonas-novak <<< "$tsv")" "$(printf '%s\t%s\t%s\n' \
		assets:receivable:jonas-novak EUR 228.0000)"
}

@test "a journal without a final newline gets one before the invoice" {
	run -0 tally-invoice -p 2026-11 "$F/no-newline.journal"
	assert_output "$(cat "$F/no-newline.journal")

2026-12-01 (2026-0001) Invoice ana
    ; invoice: 2026-0001
    ; client: ana
    ; due: 2026-12-15
    ; item: 2026-11-03 | 40.00 EUR | Session ana
    Assets:Receivable:ana  40.00 EUR
    Assets:Unbilled:ana  -40.00 EUR"
}

@test "-i edits the file in place, atomically" {
	cp "$F/practice.journal" "$(scratch)/p.journal"
	run -0 tally-invoice -p 2026-11 -i "$(scratch)/p.journal"
	assert_output ""
	cmp "$(scratch)/p.journal" "$F/practice-nov.out"
}

@test "--show renders one invoice as text, with paid and open amounts" {
	j=$(journal <<-EOF
	$(cat "$F/practice-nov.out")

	2026-12-10 Part payment
	    ; invoice: 2026-0001
	    Assets:Bank  30.00 EUR
	    Assets:Receivable:ana
	EOF
	)
	run -0 tally-invoice --show 2026-0001 --conf "$EXAMPLES/tally.conf" "$j"
	assert_output "INVOICE 2026-0001

From:    Marta Ruiz, Tutoring
         Calle Mayor 12, 28013 Madrid
         Tax ID: ES12345678Z
         marta@example.org
To:      ana

Date:    2026-12-01
Due:     2026-12-15

Date        Description                                           Amount
2026-11-03  Session ana                                        40.00 EUR
2026-11-10  Late cancel ana                                    20.00 EUR
2026-11-17  Session ana, with notes                            40.00 EUR

Total:   100.00 EUR
Paid:    30.00 EUR
Due now: 70.00 EUR

Payment is due within 14 days of the invoice date, by 2026-12-15.
Please pay to IBAN ES91 2100 0418 4502 0005 1332, quoting invoice 2026-0001."
}

@test "--show -O html escapes every value; -O md; --lang es" {
	j=$(journal <<-'EOF'
	2026-11-03 Session <b>"Tom & Jerry"</b>
	    Assets:Unbilled:tom  40.00 EUR
	    Income:Sessions
	EOF
	)
	tally-invoice -p 2026-11 "$j" > "$(scratch)/x.journal"
	printf 'name = A <script>alert(1)</script>\n' > "$(scratch)/tally.conf"
	run -0 tally-invoice --show 2026-0001 -O html "$(scratch)/x.journal"
	assert_line "<tr><td>2026-11-03</td><td>Session &lt;b&gt;&quot;Tom &amp; Jerry&quot;&lt;/b&gt;</td><td class=\"num\">40.00 EUR</td></tr>"
	assert_line --partial "A &lt;script&gt;alert(1)&lt;/script&gt;"
	refute_output --partial "<script>"
	run -0 tally-invoice --show 2026-0001 -O md "$(scratch)/x.journal"
	assert_line "| 2026-11-03 | Session \\<b\\>\"Tom & Jerry\"\\</b\\> | 40.00 EUR |"
	run -0 tally-invoice --show 2026-0001 --lang es "$(scratch)/x.journal"
	assert_line "Total:       40,00 EUR"
	assert_line --partial "El pago vence a los 14 días"
}

@test "tally.conf beside the journal is found; a missing one is empty" {
	mkdir -p "$(scratch)/books"
	cp "$F/practice-nov.out" "$(scratch)/books/p.journal"
	run -0 tally-invoice --show 2026-0002 "$(scratch)/books/p.journal"
	assert_line "From:    "
	cp "$EXAMPLES/tally.conf" "$(scratch)/books/tally.conf"
	run -0 tally-invoice --show 2026-0002 "$(scratch)/books/p.journal"
	assert_line "From:    Marta Ruiz, Tutoring"
}

@test "errors: unknown invoice, missing period, bad options, bad conf" {
	run -1 --separate-stderr tally-invoice --show 2099-0001 "$F/practice.journal"
	assert_equal "$stderr" "tally-invoice: no invoice 2099-0001"
	run -2 --separate-stderr tally-invoice "$F/practice.journal"
	assert_equal "${stderr%%$'\n'*}" "tally-invoice: a period is needed: -p PERIOD, or -b DATE and -e DATE"
	run -2 --separate-stderr tally-invoice -p 2026-13 "$F/practice.journal"
	assert_equal "$stderr" "tally-invoice: bad period: 2026-13"
	run -2 --separate-stderr tally-invoice -p 2026-11 --prefix 'A) B' "$F/practice.journal"
	assert_equal "$stderr" "tally-invoice: bad prefix: A) B"
	run -2 --separate-stderr tally-invoice -p 2026-11 --terms x "$F/practice.journal"
	assert_equal "$stderr" "tally-invoice: bad terms: x"
	run -2 --separate-stderr tally-invoice --show 2026-0001 -O docx "$F/practice.journal"
	assert_equal "$stderr" "tally-invoice: unknown output format: docx"
	run -1 --separate-stderr tally-invoice --show 2026-0001 --conf /nonexistent/tally.conf "$F/practice-nov.out"
	assert_equal "$stderr" "tally-invoice: /nonexistent/tally.conf: cannot open: No such file or directory"
	assert_output ""
	printf 'name Ana\n' > "$(scratch)/bad.conf"
	run -1 --separate-stderr tally-invoice --show 2026-0001 --conf "$(scratch)/bad.conf" "$F/practice-nov.out"
	assert_equal "$stderr" "tally-invoice: $(scratch)/bad.conf:1: expected key = value"
}

@test "errors in the journal: file:line, nothing written" {
	j=$(journal <<-'EOF'
	2026-11-01 Terms
	    ; client: ana
	    ; terms: soon

	2026-11-03 Session ana
	    Assets:Unbilled:ana  40.00 EUR
	    Income:Sessions
	EOF
	)
	run -1 --separate-stderr tally-invoice -p 2026-11 "$j"
	assert_equal "$stderr" "tally-invoice: $j:3: terms: bad value soon (want days, 0 to 3650, e.g. 14 or 14 days)"
	assert_output ""
}

@test "--help, --version" {
	run -0 tally-invoice --help
	assert_line --index 0 --partial "usage: tally-invoice -p PERIOD"
	run -0 tally-invoice --version
	assert_output "tally-invoice $(cat "$TOP/lib/VERSION")"
}

@test "terms given under the client's name fold to its account ID" {
	j=$(journal <<-'EOF2'
	2026-01-01 Terms
	    ; client: Carla Pérez
	    ; terms: 30

	2026-11-12 Session
	    Assets:Unbilled:carla-perez  60.00 EUR
	    Income:Sessions
	EOF2
	)
	run -0 tally-invoice -p 2026-11 "$j"
	assert_line "    ; due: 2026-12-31"
}

@test "a session entered late inside an invoiced month is invoiced alone, and listed as itself" {
	# practice-nov.out with a forgotten session of 2026-11-10 added where it belongs
	awk '/^2026-11-10 Late cancel ana/ {
		print "2026-11-10 Forgotten session ana"
		print "    Assets:Unbilled:ana  45.00 EUR"
		print "    Income:Sessions"
		print ""
	} { print }' "$F/practice-nov.out" > "$(scratch)/late.journal"
	run -0 tally-invoice -p 2026-11 "$(scratch)/late.journal"
	assert_output "$(cat "$(scratch)/late.journal")

2026-12-01 (2026-0003) Invoice ana
    ; invoice: 2026-0003
    ; client: ana
    ; due: 2026-12-15
    ; item: 2026-11-10 | 45.00 EUR | Forgotten session ana
    Assets:Receivable:ana  45.00 EUR
    Assets:Unbilled:ana  -45.00 EUR"
}
