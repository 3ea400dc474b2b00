#!/usr/bin/env bats
# Counting what a client has left, in date order, on the documents the client receives:
# the invoice's renewal note, the statement's "session N of M", beyond-package marks and
# credit notes, and the agreement's seven parts.
load helper

# A package of 3 bought on 11-01, written after a session it pays for; a workbook to invoice.
pkg3() {
	journal "${1:-pkg.journal}" <<'J'
2026-11-20 Session
    ; client: ana
    ; session: held
    ; time: 10:00

2026-11-01 Package
    ; client: ana
    ; email: ana@example.org
    ; package: 3
    ; rate: 50 EUR
    Assets:Bank  120 EUR
    Liabilities:Prepaid:ana

2026-11-05 Session
    ; client: ana
    ; session: held
    ; time: 10:00

2026-11-10 Workbook
    ; client: ana
    Assets:Unbilled:ana  15 EUR
    Income:Materials
J
}

session() {  # session DATE: one more held session of ana
	printf '\n%s Session\n    ; client: ana\n    ; session: held\n    ; time: 10:00\n' "$1"
}

@test "invoice: 1 package session left on the invoice's date: the renewal note, every format" {
	need pdftotext python3
	f=$(pkg3)
	tally-bill "$f" | tally-invoice -p 2026-11 > "$f.inv"
	run -0 tally-invoice --show 2026-0001 "$f.inv"
	assert_output --partial "Payment is due within 14 days of the invoice date, by 2026-12-15.

One prepaid session is left: let us talk about renewing your package at your
next session."
	while IFS= read -r line; do
		[ "${#line}" -le 80 ] || fail "longer than 80 columns: $line"
	done <<< "$output"
	run -0 tally-invoice --show 2026-0001 -O md "$f.inv"
	assert_output --partial "One prepaid session is left: let us talk about renewing your package at your next session."
	run -0 tally-invoice --show 2026-0001 -O html --lang es "$f.inv"
	assert_line '<p class="renewal">Le queda una sesión prepagada: hablemos de renovar el paquete en la próxima sesión.</p>'
	run -0 tally-invoice --show 2026-0001 -O txt --lang he "$f.inv"
	assert_line "נותר מפגש אחד ששולם מראש: נשוחח על חידוש החבילה במפגש הבא."
	tally-invoice --show 2026-0001 -O pdf "$f.inv" > "$(scratch)/i.pdf"
	run -0 pdftotext "$(scratch)/i.pdf" -
	assert_line "One prepaid session is left: let us talk about renewing your package at your"
	# standard input is read twice (the book's pass, then the invoice's)
	printf 'name = Tutor\nemail = tutor@example.org\n' > "$(scratch)/tally.conf"
	run -0 tally-invoice --show 2026-0001 -O eml --conf "$(scratch)/tally.conf" < "$f.inv"
	printf '%s\n' "$output" | sed 1d > "$(scratch)/m.eml"
	run -0 python3 - "$(scratch)/m.eml" <<'PY'
import email, email.policy, sys
m = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=email.policy.default)
for part in m.walk():
    if part.get_content_type() in ('text/plain', 'text/html'):
        print(part.get_content_type(), 'renew' in part.get_content())
PY
	assert_output "text/plain True
text/html True"
}

@test "invoice: the note counts in date order: the shuffled journal gives the same note" {
	f=$(pkg3)
	tally-bill "$f" | tally-invoice -p 2026-11 > "$f.inv"
	tally-invoice --show 2026-0001 "$f.inv" > "$(scratch)/want"
	grep -q 'One prepaid session is left' "$(scratch)/want"
	for seed in 1 2 3 4; do
		shuffle-entries "$seed" "$f.inv" > "$(scratch)/s$seed.journal"
		run -0 tally-invoice --show 2026-0001 "$(scratch)/s$seed.journal"
		assert_output "$(cat "$(scratch)/want")"
	done
}

@test "invoice: 0 left says the package is used up; 2 left, or no package, no note" {
	f=$(pkg3)
	session 2026-11-25 >> "$f"
	tally-bill "$f" | tally-invoice -p 2026-11 > "$f.inv"
	run -0 tally-invoice --show 2026-0001 "$f.inv"
	assert_output --partial "Your prepaid package is used up: sessions from now on are billed at your rate
unless you renew it."
	run -0 tally-invoice --show 2026-0001 --lang es -O md "$f.inv"
	assert_output --partial "Su paquete prepagado se ha agotado"
	# 2 left: the 11-20 session is moved after the invoice's date
	f=$(pkg3 two.journal)
	sed -i 's/^2026-11-20 Session/2026-12-20 Session/' "$f"
	tally-bill "$f" | tally-invoice -p 2026-11 > "$f.inv"
	run -0 tally-invoice --show 2026-0001 "$f.inv"
	refute_output --partial "prepaid"
	refute_output --partial "renew"
	run -0 tally-invoice --show 2026-0001 -O html "$f.inv"
	refute_output --partial "renewal"
	# no package at all
	f=$(journal none.journal <<'J'
2026-11-10 Workbook
    ; client: ana
    Assets:Unbilled:ana  15 EUR
    Income:Materials
J
)
	tally-invoice -p 2026-11 "$f" > "$f.inv"
	run -0 tally-invoice --show 2026-0001 "$f.inv"
	refute_output --partial "renew"
}

# pkg3, billed, with two more sessions: the package's last one and one past it (at the rate).
billed4() {
	local f
	f=$(pkg3 "${1:-b.journal}")
	session 2026-11-25 >> "$f"
	session 2026-11-26 >> "$f"
	tally-bill "$f" > "$f.billed"
	echo "$f.billed"
}

@test "statement: session N of M in date order, and a mark on the session past the package" {
	f=$(billed4)
	run -0 tally-statement -p 2026-11 --client ana "$f"
	assert_output --partial "Date          Time   Status                      Signed                   Price
------------  -----  --------------------------  ------------  ----------------
Nov 5, 2026   10:00  held                        -               session 1 of 3
Nov 20, 2026  10:00  held                        -               session 2 of 3
Nov 25, 2026  10:00  held                        -               session 3 of 3
Nov 26, 2026  10:00  held                        -                     50 EUR *

* Held after the prepaid package ran out: billed at your rate."
	assert_line --regexp '^Prepaid sessions left +0$'
	for seed in 1 2 3; do
		shuffle-entries "$seed" "$f" > "$(scratch)/s$seed.journal"
		run -0 tally-statement -p 2026-11 --client ana "$(scratch)/s$seed.journal"
		assert_output "$(tally-statement -p 2026-11 --client ana "$f")"
	done
	# unbilled sessions count as the book will bill them
	run -0 tally-statement -p 2026-11 --client ana "${f%.billed}"
	assert_line --regexp '^Nov 25, 2026  10:00  held +- +session 3 of 3$'
	assert_line --regexp '^Nov 26, 2026  10:00  held +- +not priced yet \*$'
}

@test "statement: session N of M and the mark in every language and format" {
	need pdftotext
	f=$(billed4)
	run -0 tally-statement -p 2026-11 --client ana --lang es "$f"
	assert_line --regexp '^05/11/2026 +10:00 +realizada +- +sesión 1 de 3$'
	assert_line --partial "* Realizada después de agotar el paquete prepagado: facturada a su tarifa."
	run -0 tally-statement -p 2026-11 --client ana --lang he "$f"
	assert_line --regexp ' מפגש 2 מתוך 3$'
	assert_line --regexp ' 50 EUR \*$'
	run -0 tally-statement -p 2026-11 --client ana -O html "$f"
	assert_output --partial '<td class="num">session 3 of 3</td></tr>'
	assert_output --partial '<td class="num">50 EUR *</td></tr>'
	assert_output --partial '<p>* Held after the prepaid package ran out: billed at your rate.</p>'
	run -0 tally-statement -p 2026-11 --client ana -O md "$f"
	assert_output --partial '| session 1 of 3 |'
	assert_output --partial '| 50 EUR \* |'
	tally-statement -p 2026-11 --client ana -O pdf "$f" > "$(scratch)/s.pdf"
	run -0 pdftotext -layout "$(scratch)/s.pdf" -
	assert_output --partial "session 2 of 3"
	for lang in en es he; do
		w=$(tally-statement -p 2026-11 --client ana --lang $lang "$f" | wc -L)
		[ "$w" -le 80 ] || fail "$lang: $w columns"
	done
}

@test "statement: an invoice dated after the period is the next statement's, not this one's" {
	f=$(pkg3)
	tally-bill "$f" | tally-invoice -p 2026-11 > "$f.inv"
	grep -q '^2026-12-01 (2026-0001) Invoice ana' "$f.inv"
	run -0 tally-statement -p 2026-11 --client ana "$f.inv"
	assert_output --partial "Invoices issued
---------------
None."
	refute_output --partial "2026-0001"
	run -0 tally-statement -p 2026-12 --client ana "$f.inv"
	assert_output --partial "Invoices issued
---------------
Invoice               Date              Due                             Amount
--------------------  ----------------  ----------------  --------------------
2026-0001             Dec 1, 2026       Dec 15, 2026                    15 EUR"
}

@test "statement: a credit note is a section of its own, not a payment" {
	f=$(pkg3)
	tally-bill "$f" | tally-invoice -p 2026-11 > "$f.inv"
	tally-invoice --void 2026-0001 --date 2026-12-10 "$f.inv" > "$f.void"
	run -0 tally-statement -p 2026-12 --client ana "$f.void"
	assert_output --partial "Credit notes
------------
Credit note           Date              Voids invoice                   Amount
--------------------  ----------------  --------------------  ----------------
CN-2026-0001          Dec 10, 2026      2026-0001                       15 EUR

Payments received
-----------------
None."
	assert_line --regexp '^Payments received +0 EUR$'
	assert_line --regexp '^Credit notes +-15 EUR$'
	assert_line --regexp '^Opening balance +-25 EUR$'
	assert_line --regexp '^Closing balance +-40 EUR$'
	run -0 tally-statement -p 2026-12 --client ana --lang es -O html "$f.void"
	assert_output --partial '<h2>Notas de crédito</h2>'
	assert_output --partial '<tr><td>CN-2026-0001</td><td>10/12/2026</td><td>2026-0001</td><td class="num">15 EUR</td></tr>'
	run -0 tally-statement -p 2026-12 --client ana --lang he "$f.void"
	assert_output --partial "הודעות זיכוי"
	# a month without one has no such section
	run -0 tally-statement -p 2026-11 --client ana "$f.void"
	refute_output --partial "Credit note"
}

# A client with every part of the agreement given, free text with commas.
agr() {
	journal agr.journal <<'J'
2026-09-01 Terms for Ana
    ; client: ana
    ; name: Ana García
    ; address: Calle Luna 3
    ; address: 28004 Madrid
    ; email: ana@example.org
    ; tax-id: 12345678Z
    ; rate: 45.00 EUR
    ; policy: 24-hour
    ; minutes: 50
    ; frequency: weekly, on Tuesdays
    ; programme: algebra, then geometry, then exam practice
    ; includes: two workshops, a written report
    ; excludes: exam fees, books
    ; extras: travel outside Madrid, 10 EUR a trip

2026-09-02 Package of 10 sessions
    ; client: ana
    ; package: 10
    Assets:Bank  400.00 EUR
    Liabilities:Prepaid:ana
J
}

@test "agreement: the seven parts, free text with its commas, within 80 columns" {
	f=$(agr)
	printf 'name = Marta Ruiz\nemail = marta@example.org\n' > "$(scratch)/tally.conf"
	run -0 tally-agreement --client ana --date 2026-10-15 --conf "$(scratch)/tally.conf" "$f"
	assert_output --partial "1. The parties
Provider: Marta Ruiz
Provider's email: marta@example.org
Client: Ana García (reference ana)
Client's address: Calle Luna 3, 28004 Madrid
Client's email: ana@example.org
Client's tax ID: 12345678Z

2. What is included and what is not
Included: two workshops, a written report.
Not included: exam fees, books.

3. Procedure
Length: each session lasts 50 minutes.
Frequency: sessions take place weekly, on Tuesdays.
Programme: algebra, then geometry, then exam practice."
	assert_output --partial "4. Rates and payment
The rate is 45.00 EUR per session.
Sessions can be prepaid as a package of 10 sessions for 400.00 EUR."
	assert_output --partial "5. Changes and cancellations (24-hour notice)
- Cancellations need at least 24 hours' notice before the session starts; with
  that much notice nothing is charged."
	assert_line "- Changes to this agreement are made in writing and agreed by both parties."
	assert_output --partial "6. Extras
travel outside Madrid, 10 EUR a trip.

7. Signatures
Both parties agree to the above on 15 October 2026.

For the provider: Marta Ruiz

Signature: ______________________________   Date: ______________

For the client: Ana García

Signature: ______________________________   Date: ______________"
	for lang in en es; do
		w=$(tally-agreement --client ana --date 2026-10-15 --lang $lang "$f" | wc -L)
		[ "$w" -le 80 ] || fail "$lang: $w columns"
	done
	# tally-check reads the same free-text tags without complaint
	run -0 tally-check "$f"
}

@test "agreement: the seven parts in Spanish, HTML, Markdown, PDF and mail" {
	need pdftotext python3
	f=$(agr)
	printf 'name = Marta Ruiz\nemail = marta@example.org\n' > "$(scratch)/tally.conf"
	run -0 tally-agreement --client ana --date 2026-10-15 --lang es "$f"
	assert_line "Programa: algebra, then geometry, then exam practice."
	assert_line "Correo del cliente: ana@example.org"
	assert_line "7. Firmas"
	assert_line "Ambas partes aceptan lo anterior el 15 de octubre de 2026."
	run -0 tally-agreement --client ana --date 2026-10-15 -O html "$f"
	assert_output --partial "<li>Included: two workshops, a written report.</li>"
	assert_output --partial "<li>Programme: algebra, then geometry, then exam practice.</li>"
	assert_output --partial "<li>Client's tax ID: 12345678Z</li>"
	assert_output --partial "<h2>7. Signatures</h2>"
	run -0 tally-agreement --client ana --date 2026-10-15 -O md "$f"
	assert_line "- Not included: exam fees, books."
	assert_line "## 3. Procedure"
	tally-agreement --client ana --date 2026-10-15 -O pdf "$f" > "$(scratch)/a.pdf"
	run -0 pdftotext "$(scratch)/a.pdf" -
	assert_line "Programme: algebra, then geometry, then exam practice."
	assert_line "7. Signatures"
	run -0 tally-agreement --client ana --date 2026-10-15 -O eml --conf "$(scratch)/tally.conf" "$f"
	printf '%s\n' "$output" | sed 1d > "$(scratch)/m.eml"
	run -0 python3 - "$(scratch)/m.eml" <<'PY'
import email, email.policy, sys
m = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=email.policy.default)
print(m['To'])
for part in m.walk():
    if part.get_content_type() == 'text/plain':
        t = part.get_content()
        print('Included: two workshops, a written report.' in t, '7. Signatures' in t)
PY
	assert_output "Ana García <ana@example.org>
True True"
}

@test "agreement: the seven parts in Hebrew, right to left, in every format" {
	need pdftotext pdfinfo python3
	f=$(agr)
	printf 'name = Marta Ruiz\nemail = marta@example.org\n' > "$(scratch)/tally.conf"
	run -0 tally-agreement --client ana --date 2026-10-15 --lang he --conf "$(scratch)/tally.conf" "$f"
	assert_line "1. הצדדים"
	assert_line "כלול: two workshops, a written report."
	assert_line "3. אופן העבודה"
	assert_line "תוכנית: algebra, then geometry, then exam practice."
	assert_line "4. תעריפים ותשלום"
	assert_line "5. שינויים וביטולים (24-hour notice)"
	assert_line "- שינויים בהסכם זה נעשים בכתב ובהסכמת שני הצדדים."
	assert_line "6. תוספות"
	assert_line "7. חתימות"
	assert_line "שני הצדדים מסכימים לאמור לעיל ביום 15 באוקטובר 2026."
	w=$(printf '%s\n' "$output" | wc -L)
	[ "$w" -le 80 ] || fail "he: $w columns"
	run -0 tally-agreement --client ana --date 2026-10-15 --lang he -O html "$f"
	assert_line '<html lang="he" dir="rtl">'
	assert_output --partial '<li>מספר עוסק של הלקוח: 12345678Z</li>'
	run -0 tally-agreement --client ana --date 2026-10-15 --lang he -O md "$f"
	assert_line "## 7. חתימות"
	tally-agreement --client ana --date 2026-10-15 --lang he -O pdf "$f" > "$(scratch)/he.pdf"
	run -0 pdfinfo "$(scratch)/he.pdf"
	assert_line --partial "Ana García"
	run -0 pdftotext "$(scratch)/he.pdf" -
	assert_output --partial "two workshops, a written report"
	assert_output --partial "12345678Z"
	run -0 tally-agreement --client ana --date 2026-10-15 --lang he -O eml --conf "$(scratch)/tally.conf" "$f"
	printf '%s\n' "$output" | sed 1d > "$(scratch)/m.eml"
	run -0 python3 - "$(scratch)/m.eml" <<'PY'
import email, email.policy, sys
m = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=email.policy.default)
for part in m.walk():
    if part.get_content_type() in ('text/plain', 'text/html'):
        print(part.get_content_type(), '7. חתימות' in part.get_content())
PY
	assert_output "text/plain True
text/html True"
}

@test "agreement: the terms are read in date order: the latest given wins, whatever the file order" {
	f=$(agr)
	# an older set of terms written after the newer one
	cat >> "$f" <<'J'

2026-08-01 First terms for Ana
    ; client: ana
    ; minutes: 90
    ; frequency: fortnightly
    ; programme: an introduction, a test
    ; includes: one workshop

2026-09-03 Package of 5 more
    ; client: ana
    ; package: 5
    Assets:Bank  220.00 EUR
    Liabilities:Prepaid:ana
J
	run -0 tally-agreement --client ana --date 2026-10-15 "$f"
	assert_line "Length: each session lasts 50 minutes."
	assert_line "Frequency: sessions take place weekly, on Tuesdays."
	assert_line "Programme: algebra, then geometry, then exam practice."
	assert_line "Included: two workshops, a written report."
	assert_line "Sessions can be prepaid as a package of 5 sessions for 220.00 EUR."
	want=$output
	for seed in 1 2 3; do
		shuffle-entries "$seed" "$f" > "$(scratch)/s$seed.journal"
		run -0 tally-agreement --client ana --date 2026-10-15 "$(scratch)/s$seed.journal"
		assert_output "$want"
	done
	# before the newer terms, the older ones
	run -0 tally-agreement --client ana --date 2026-08-15 --policy "$TOP/share/policies/24-hour.policy" "$f"
	assert_line "Programme: an introduction, a test."
	assert_line "Length: each session lasts 90 minutes."
}

@test "sign-off sheet: session N of M counted in date order, as the statement counts" {
	f=$(billed4)
	run -0 tally-signoff --client ana -p 2026-11 "$f"
	assert_line --regexp '^2026-11-05  10:00  +-  session 1 of 3 +_+$'
	assert_line --regexp '^2026-11-20  10:00  +-  session 2 of 3 +_+$'
	assert_line --regexp '^2026-11-25  10:00  +-  session 3 of 3 +_+$'
	assert_line --regexp '^2026-11-26  10:00  +-  - +_+$'
	assert_output --partial "4 sessions held, 0 signed; package sessions left: 0."
	want=$output
	shuffle-entries 7 "$f" > "$(scratch)/s.journal"
	run -0 tally-signoff --client ana -p 2026-11 < "$(scratch)/s.journal"
	assert_output "$want"
}
