#!/usr/bin/env bats
# -O eml: documents as mail ready to send (GMime), read back with Python's email parser
# (tests/lib/mailcheck) and with mblaze (mhdr, mshow), as a person's mail client would.
load helper

F=$FIXTURES/mail
export SOURCE_DATE_EPOCH=1796000000

need_mblaze() {
	command -v mshow >/dev/null && command -v mhdr >/dev/null ||
		fail "mblaze (mshow, mhdr) is not installed: make deps"
}

@test "aging --remind -O eml: an mbox with From, To, Date, Message-ID, Subject and both parts" {
	run -0 tally-aging --remind --date 2026-12-15 -O eml --client ana "$F/book.journal"
	assert_line --index 0 "From marta@example.org Mon Nov 30 00:53:20 2026"
	assert_line "Date: Mon, 30 Nov 2026 00:53:20 +0000"
	assert_line "From: \"Marta Ruiz, Tutoring\" <marta@example.org>"
	# RFC 2047: the non-ASCII name is encoded in the header, decoded by the reader
	assert_line "To: Ana =?UTF-8?b?R2FyY8OtYSBOw7rDsWV6?= <ana.garcia@example.com>"
	assert_line --regexp '^Message-Id: <[^ ]+@example.org>$'
	echo "$output" > "$BATS_TEST_TMPDIR/a.mbox"
	run -0 mailcheck "$BATS_TEST_TMPDIR/a.mbox"
	assert_output "From: Marta Ruiz, Tutoring <marta@example.org>
To: Ana García Núñez <ana.garcia@example.com>
Subject: Final notice: invoice 2026-0001, 61 days overdue
Date-ok: True
Parts: multipart/alternative text/plain text/html
Hello Ana García Núñez,

Invoice 2026-0001 of 2026-10-01 for 100.00 EUR was due on 2026-10-15, under our
terms of payment within 14 days, and is now 61 days overdue.
100.00 EUR is still open.

This is a final notice: please pay it to IBAN ES91 2100 0418 4502 0005 1332, quoting 2026-0001,
within 7 days. I cannot book further sessions until it is settled.

Marta Ruiz, Tutoring
--
messages: 1"
}

@test "aging -O eml: the HTML part is the same text, escaped, in a document that loads nothing" {
	run -0 tally-aging --remind --date 2026-12-15 -O eml --client bea "$F/book.journal"
	echo "$output" > "$BATS_TEST_TMPDIR/b.mbox"
	run -0 python3 -c '
import mailbox, email, email.policy, sys
m = email.message_from_bytes(mailbox.mbox(sys.argv[1]).get_bytes(0), policy=email.policy.default)
h = m.get_body(("html",)).get_content()
print(h.splitlines()[0]); print("src=" in h or "http" in h); print("35.00 EUR is still open." in h)' \
		"$BATS_TEST_TMPDIR/b.mbox"
	assert_output "<!DOCTYPE html>
False
True"
}

@test "aging -O eml --maildir: one file per message in new/, read by mblaze" {
	need_mblaze
	d=$BATS_TEST_TMPDIR/Mail
	run -0 tally-aging --remind --date 2026-12-15 -O eml --maildir "$d" --client ana "$F/book.journal"
	assert_output ""
	run -0 tally-aging --remind --date 2026-12-15 -O eml --maildir "$d" --client bea "$F/book.journal"
	[ -z "$(ls "$d/tmp")" ]
	[ "$(ls "$d/new" | wc -l)" -eq 2 ]
	run -0 sh -c "mlist '$d' | sort | while read -r m; do mhdr -h to:subject -d \"\$m\"; done | sort"
	assert_output "\"Bea Smith, Ltd\" <bea@example.net>
Ana García Núñez <ana.garcia@example.com>
Final notice: invoice 2026-0001, 61 days overdue
Final notice: invoice 2026-0003, 30 days overdue"
	m=$(grep -l bea@example.net "$d"/new/*)
	run -0 mshow -t "$m"
	assert_line --regexp '^  1: multipart/alternative'
	assert_line --regexp '^    2: text/plain'
	assert_line --regexp '^    3: text/html'
	run -0 mshow -O "$m" 2
	assert_line "35.00 EUR is still open."
	run -0 mailcheck -m "$d"/new/*
	assert_line "To: Bea Smith, Ltd <bea@example.net>"
}

@test "aging -O eml: a client without email: is an error naming it, and nothing is written" {
	run -1 --separate-stderr tally-aging --remind --date 2026-12-15 -O eml "$F/book.journal"
	assert_equal "$stderr" "tally-aging: client carl has no email: tag: cannot mail it"
	assert_output ""
	d=$BATS_TEST_TMPDIR/Mail
	run -1 --separate-stderr tally-aging --remind --date 2026-12-15 -O eml --maildir "$d" "$F/book.journal"
	assert_equal "$stderr" "tally-aging: client carl has no email: tag: cannot mail it"
	[ "$(find "$d" -type f | wc -l)" -eq 0 ]
}

@test "aging -O eml: no sender address in tally.conf is an error" {
	j=$(journal < "$F/book.journal")
	printf 'name = M\n' > "$BATS_TEST_TMPDIR/tally.conf"
	run -1 --separate-stderr tally-aging --remind --date 2026-12-15 -O eml --client ana "$j"
	assert_equal "$stderr" "tally-aging: no sender address: set email = ADDRESS in tally.conf"
	assert_output ""
}

@test "aging -O eml: a malformed email: tag is an error at its line" {
	j=$(journal <<'J'
2026-01-05 Agreement
    ; client: ana
    ; email: ana at example.com
J
)
	run -1 --separate-stderr tally-aging --remind -O eml "$j"
	assert_equal "$stderr" "tally-aging: $j:3: email: bad value ana at example.com (want an address, e.g. ana@example.org)"
}

@test "aging: -O eml without --remind, --maildir without -O eml are usage errors" {
	run -2 --separate-stderr tally-aging -O eml "$F/book.journal"
	assert_equal "$stderr" "tally-aging: -O eml needs --remind"
	run -2 --separate-stderr tally-aging --remind --maildir x "$F/book.journal"
	assert_equal "$stderr" "tally-aging: --maildir needs -O eml"
}

@test "aging --remind (txt): the client's name: instead of its ID" {
	run -0 tally-aging --remind --date 2026-12-15 --client ana "$F/book.journal"
	assert_line "Hello Ana García Núñez,"
}

@test "cancel --notices -O eml: one message per notice, the journal output unchanged" {
	n=$BATS_TEST_TMPDIR/notices.mbox
	run -0 tally-cancel -O eml --notices "$n" "$F/cancel.journal"
	tally-cancel "$F/cancel.journal" | diff - <(echo "$output")
	run -0 mailcheck "$n"
	assert_line "To: Ana García <ana@example.com>"
	assert_line "Subject: Your session on 2026-11-05 at 10:00"
	assert_line "Charged: 40.00 EUR (the session's price is 40.00 EUR)."
	assert_line "messages: 3"
	# the text notices name the client too
	run -0 tally-cancel --notices "$BATS_TEST_TMPDIR/n.txt" "$F/cancel.journal"
	run -0 head -2 "$BATS_TEST_TMPDIR/n.txt"
	assert_output "To: Ana García
Re: your session on 2026-11-03 at 10:00"
}

@test "cancel -O eml --maildir: messages in new/, read by mblaze" {
	need_mblaze
	d=$BATS_TEST_TMPDIR/Mail
	run -0 tally-cancel -O eml --maildir "$d" "$F/cancel.journal"
	[ "$(ls "$d/new" | wc -l)" -eq 3 ]
	run -0 sh -c "mlist '$d' | while read -r m; do mhdr -h subject \"\$m\"; done | sort"
	assert_output "Your session on 2026-11-03 at 10:00
Your session on 2026-11-05 at 10:00
Your session on 2026-11-06 at 10:00"
}

@test "cancel -O eml: a client without email: fails, the journal and the mbox are not written" {
	j=$(sed '/email:/d' "$F/cancel.journal" | journal)
	cp "$F/tally.conf" "$BATS_TEST_TMPDIR/"
	run -1 --separate-stderr tally-cancel -O eml --notices "$BATS_TEST_TMPDIR/n.mbox" "$j"
	assert_equal "$stderr" "tally-cancel: client ana has no email: tag: cannot mail it"
	assert_output ""
	[ ! -e "$BATS_TEST_TMPDIR/n.mbox" ]
}

@test "cancel: -O eml needs a destination; --maildir needs -O eml" {
	run -2 --separate-stderr tally-cancel -O eml "$F/cancel.journal"
	assert_equal "$stderr" "tally-cancel: -O eml needs --notices FILE or --maildir DIR"
	run -2 --separate-stderr tally-cancel --maildir x "$F/cancel.journal"
	assert_equal "$stderr" "tally-cancel: --maildir needs -O eml"
	run -2 --separate-stderr tally-cancel -O pdf --notices x "$F/cancel.journal"
	assert_equal "$stderr" "tally-cancel: unknown output format: pdf (eml)"
}

@test "invoice --show -O eml: the text and HTML invoices as alternatives, to the client's email" {
	run -0 tally-invoice --show 2026-0001 -O eml "$F/book.journal"
	echo "$output" > "$BATS_TEST_TMPDIR/i.mbox"
	run -0 mailcheck "$BATS_TEST_TMPDIR/i.mbox"
	assert_line --index 0 "From: Marta Ruiz, Tutoring <marta@example.org>"
	assert_line --index 1 "To: Ana García Núñez <ana.garcia@example.com>"
	assert_line --index 2 "Subject: Invoice 2026-0001 from Marta Ruiz, Tutoring"
	assert_line --index 4 "Parts: multipart/mixed multipart/alternative text/plain text/html application/pdf"
	assert_line "Due now: 100.00 EUR"
	assert_line "         Tax ID: 12345678Z"
	run -0 python3 -c '
import mailbox, email, email.policy, sys
m = email.message_from_bytes(mailbox.mbox(sys.argv[1]).get_bytes(0), policy=email.policy.default)
h = m.get_body(("html",)).get_content()
print("<title>Invoice 2026-0001</title>" in h, "Calle Luna 3, 2º B<br>28004 Madrid" in h)' \
		"$BATS_TEST_TMPDIR/i.mbox"
	assert_output "True True"
	run -0 tally-invoice --show 2026-0001 -O eml --lang es "$F/book.journal"
	assert_line "Subject: Factura 2026-0001 de Marta Ruiz, Tutoring"
}

@test "invoice --show -O eml --maildir; errors: no email:, -O eml without --show" {
	need_mblaze
	d=$BATS_TEST_TMPDIR/Mail
	run -0 tally-invoice --show 2026-0003 -O eml --maildir "$d" "$F/book.journal"
	run -0 mhdr -h to -d "$d"/new/*
	assert_output "\"Bea Smith, Ltd\" <bea@example.net>"
	run -1 --separate-stderr tally-invoice --show 2026-0004 -O eml --maildir "$d" "$F/book.journal"
	assert_equal "$stderr" "tally-invoice: client carl has no email: tag: cannot mail it"
	[ "$(find "$d" -type f | wc -l)" -eq 1 ]
	run -2 --separate-stderr tally-invoice -p 2026-11 -O eml "$F/book.journal"
	assert_equal "$stderr" "tally-invoice: -O eml needs --show NUMBER"
}

@test "invoice --show: the client's name, address lines and tax ID; absent fields leave no empty label" {
	run -0 tally-invoice --show 2026-0001 "$F/book.journal"
	assert_output --partial "To:      Ana García Núñez
         Calle Luna 3, 2º B
         28004 Madrid
         Tax ID: 12345678Z
"
	run -0 tally-invoice --show 2026-0004 --conf /dev/null "$F/book.journal"
	assert_output --partial "From:    
To:      Carl Jones

Date:"
	refute_output --partial "Tax ID"
}

@test "statement -O eml: the text and HTML statements as alternatives; the client's address" {
	run -0 tally-statement -O eml -p 2026-11 --client bea "$F/book.journal"
	echo "$output" > "$BATS_TEST_TMPDIR/s.mbox"
	run -0 mailcheck "$BATS_TEST_TMPDIR/s.mbox"
	assert_line --index 1 "To: Bea Smith, Ltd <bea@example.net>"
	assert_line --index 2 "Subject: Statement: Nov 1, 2026 to Nov 30, 2026"
	assert_line --index 4 "Parts: multipart/mixed multipart/alternative text/plain text/html application/pdf"
	assert_output --partial "Client: Bea Smith, Ltd
Client ID: bea
1 High Street
Oxford OX1 1AA
Period: Nov 1, 2026 to Nov 30, 2026"
	assert_line "2026-0003             Nov 1, 2026       Nov 15, 2026 (overdue)       35.00 EUR"
	run -0 python3 -c '
import mailbox, email, email.policy, sys
m = email.message_from_bytes(mailbox.mbox(sys.argv[1]).get_bytes(0), policy=email.policy.default)
h = m.get_body(("html",)).get_content()
print(h.startswith("<!DOCTYPE html>"), "<title>Statement: Bea Smith, Ltd</title>" in h)' \
		"$BATS_TEST_TMPDIR/s.mbox"
	assert_output "True True"
}

@test "statement -O eml --all --maildir: every client, or none when one has no email:" {
	need_mblaze
	d=$BATS_TEST_TMPDIR/Mail
	run -1 --separate-stderr tally-statement -O eml -p 2026-11 --all --maildir "$d" "$F/book.journal"
	assert_equal "$stderr" "tally-statement: client carl has no email: tag: cannot mail it"
	[ "$(find "$d" -type f | wc -l)" -eq 0 ]
	j=$(journal < "$F/book.journal")
	cp "$F/tally.conf" "$BATS_TEST_TMPDIR/"
	printf '\n2026-01-05 Carl\n    ; client: carl\n    ; email: carl@example.com\n' >> "$j"
	run -0 tally-statement -O eml -p 2026-11 --all --maildir "$d" "$j"
	run -0 sh -c "mlist '$d' | while read -r m; do mhdr -h to -d \"\$m\"; done | sort"
	assert_output "\"Bea Smith, Ltd\" <bea@example.net>
Ana García Núñez <ana.garcia@example.com>
Carl Jones <carl@example.com>"
	run -2 --separate-stderr tally-statement -p 2026-11 --client ana --maildir "$d" "$j"
	assert_equal "$stderr" "tally-statement: --maildir needs -O eml"
}

@test "agreement -O eml: the agreement as mail; the client's name, address and tax ID in it" {
	run -0 tally-agreement --client ana-garcia -O eml --date 2026-10-15 "$F/agreement.journal"
	echo "$output" > "$BATS_TEST_TMPDIR/g.mbox"
	run -0 mailcheck "$BATS_TEST_TMPDIR/g.mbox"
	assert_line --index 1 "To: Ana García Núñez <ana@example.com>"
	assert_line --index 2 "Subject: Collaboration agreement: Ana García Núñez"
	assert_line --index 4 "Parts: multipart/mixed multipart/alternative text/plain text/html application/pdf"
	assert_output --partial "Client: Ana García Núñez (reference ana-garcia)
Client's address: Calle Luna 3, 28004 Madrid
Client's email: ana@example.com
Client's tax ID: 12345678Z"
	assert_output --partial "Both parties agree to the above on 15 October 2026."
	run -0 tally-agreement --client ana-garcia -O eml --lang es --date 2026-10-15 "$F/agreement.journal"
	assert_line --regexp '^ =\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$'  # RFC 2047, folded by GMime
	echo "$output" > "$BATS_TEST_TMPDIR/g.mbox"
	run -0 mailcheck "$BATS_TEST_TMPDIR/g.mbox"
	assert_line --index 2 "Subject: Acuerdo de colaboración: Ana García Núñez"
}

@test "agreement -O eml --maildir; tally.conf found beside the journal; errors" {
	need_mblaze
	d=$BATS_TEST_TMPDIR/Mail
	cd "$BATS_TEST_TMPDIR"
	run -0 tally-agreement --client ana-garcia -O eml --maildir "$d" --date 2026-10-15 "$F/agreement.journal"
	run -0 mhdr -h from:subject -d "$d"/new/*
	assert_output "\"Marta Ruiz, Tutoring\" <marta@example.org>
Collaboration agreement: Ana García Núñez"
	j=$(sed '/email:/d' "$F/agreement.journal" | journal)
	cp "$F/tally.conf" "$BATS_TEST_TMPDIR/"
	run -1 --separate-stderr tally-agreement --client ana-garcia -O eml "$j"
	assert_equal "$stderr" "tally-agreement: client ana-garcia has no email: tag: cannot mail it"
	assert_output ""
	run -2 --separate-stderr tally-agreement --client ana-garcia --maildir "$d" "$j"
	assert_equal "$stderr" "tally-agreement: --maildir needs -O eml"
}

@test "the invoice and the statement that name the client stay within 80 columns" {
	for cmd in "tally-invoice --show 2026-0001 $F/book.journal" \
		   "tally-statement -p 2026-11 --client ana $F/book.journal"; do
		run -0 $cmd
		long=$(echo "$output" | awk '{ if (length($0) > 80) print }')
		[ -z "$long" ] || fail "$cmd: lines over 80 columns: $long"
	done
}

@test "notices: '1 hour's notice', the waiver in Spanish citing the grace clause" {
	j=$(journal <<'J'
2026-10-01 Terms
    ; client: ana
    ; rate: 40.00 EUR
    ; policy: 24-hour

2026-11-03 Session cancelled an hour before
    ; client: ana
    ; session: cancelled
    ; time: 10:00
    ; cancelled-at: 2026-11-03 09:00
J
)
	run -0 tally-cancel --notices "$BATS_TEST_TMPDIR/n.txt" "$j"
	run -0 cat "$BATS_TEST_TMPDIR/n.txt"
	assert_line "Your cancellation came with 1 hour's notice; the policy asks for 24 hours."
	assert_line "  (24-hour.policy, line 8: grace = 1)"
	run -0 tally-cancel --lang es --notices "$BATS_TEST_TMPDIR/n.txt" "$j"
	run -0 cat "$BATS_TEST_TMPDIR/n.txt"
	assert_line "Esta vez se perdona el recargo (primera falta): no se cobra nada. La próxima vez se aplicará."
	refute_output --partial "offense"
}
