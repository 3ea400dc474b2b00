#!/usr/bin/env bats
# -O pdf: invoices, statements and agreements drawn with cairo + pango, read back with
# pdftotext and pdfinfo (poppler-utils) as a person's PDF viewer would.
load helper

F=$FIXTURES/mail

need_poppler() {
	command -v pdftotext >/dev/null && command -v pdfinfo >/dev/null ||
		fail "poppler-utils (pdftotext, pdfinfo) is not installed: make deps"
}

# pdf FILE: the text of a PDF, its layout kept
pdftxt() { pdftotext -layout "$1" -; }

@test "invoice --show -O pdf: an A4 page whose text holds the parties, the figures and the terms" {
	need_poppler
	p=$BATS_TEST_TMPDIR/i.pdf
	tally-invoice --show 2026-0001 -O pdf "$F/book.journal" > "$p"
	[ "$(head -c 5 "$p")" = "%PDF-" ]
	run -0 pdfinfo "$p"
	assert_line "Title:           Invoice 2026-0001"
	assert_line "Author:          Marta Ruiz, Tutoring"
	assert_line "Pages:           1"
	assert_line --regexp '^Page size: +595.276 x 841.89 pts \(A4\)$'
	run -0 pdftxt "$p"
	assert_line --index 0 "INVOICE 2026-0001"
	assert_line --regexp '^To: +Ana García Núñez$'
	assert_line --regexp '^ +Tax ID: 12345678Z$'
	assert_line "Total:   100.00 EUR"
	assert_line "Due now: 100.00 EUR"
	assert_line "Please pay to IBAN ES91 2100 0418 4502 0005 1332, quoting invoice 2026-0001."
}

@test "invoice -O pdf: the text is the text invoice, line for line (spacing aside)" {
	need_poppler
	tally-invoice --show 2026-0001 -O pdf "$F/book.journal" > "$BATS_TEST_TMPDIR/i.pdf"
	diff <(tally-invoice --show 2026-0001 "$F/book.journal" | tr -s ' ' | grep -v '^ *$') \
	     <(pdftotext -layout "$BATS_TEST_TMPDIR/i.pdf" - | tr -d '\f' | tr -s ' ' | grep -v '^ *$')
}

@test "paper = letter in tally.conf: a Letter page; an unknown paper is an error" {
	need_poppler
	j=$(journal < "$F/book.journal")
	{ cat "$F/tally.conf"; echo "paper = letter"; } > "$BATS_TEST_TMPDIR/tally.conf"
	tally-invoice --show 2026-0001 -O pdf "$j" > "$BATS_TEST_TMPDIR/l.pdf"
	run -0 pdfinfo "$BATS_TEST_TMPDIR/l.pdf"
	assert_line --regexp '^Page size: +612 x 792 pts \(letter\)$'
	{ cat "$F/tally.conf"; echo "paper = a5"; } > "$BATS_TEST_TMPDIR/tally.conf"
	run -1 --separate-stderr tally-invoice --show 2026-0001 -O pdf "$j"
	assert_equal "$stderr" "tally-invoice: unknown paper: a5 (a4, letter)"
	assert_output ""
}

@test "statement -O pdf: headings and tables, the figures of the text statement" {
	need_poppler
	p=$BATS_TEST_TMPDIR/s.pdf
	tally-statement -O pdf -p 2026-11 --client bea "$F/book.journal" > "$p"
	run -0 pdfinfo "$p"
	assert_line "Title:           Statement: Bea Smith, Ltd"
	run -0 pdftxt "$p"
	assert_line --index 0 "Statement"
	assert_line --regexp '^Closing balance +-20.00 EUR$'
	assert_line --regexp '^2026-0003 +Nov 1, 2026 +Nov 15, 2026 \(overdue\) +35.00 EUR$'
	assert_line "Oxford OX1 1AA"
}

@test "statement --all -O pdf --output-dir: one PDF per client" {
	need_poppler
	d=$BATS_TEST_TMPDIR/out
	mkdir "$d"
	run -0 tally-statement -O pdf -p 2026-11 --all --output-dir "$d" "$F/book.journal"
	assert_output "$d/ana.pdf
$d/bea.pdf
$d/carl.pdf"
	run -0 pdftxt "$d/carl.pdf"
	assert_line "Client: Carl Jones"
}

@test "agreement -O pdf: the agreement's clauses and both parties, wrapped to the page" {
	need_poppler
	p=$BATS_TEST_TMPDIR/g.pdf
	tally-agreement --client ana-garcia -O pdf --date 2026-10-15 "$F/agreement.journal" > "$p"
	run -0 pdfinfo "$p"
	assert_line "Title:           Collaboration agreement: Ana García Núñez"
	run -0 pdftotext "$p" -
	assert_line "COLLABORATION AGREEMENT"
	assert_line "The rate is 48.50 EUR per session."
	assert_line "Client's tax ID: 12345678Z"
	assert_line "For the client: Ana García Núñez"
}

@test "Hebrew: a client's name in Hebrew comes back from the PDF as text" {
	need_poppler
	j=$(journal <<'J'
2026-01-05 Terms
    ; client: dana
    ; name: דנה לוי
    ; email: dana@example.com

2026-10-01 (2026-0009) Invoice dana
    ; invoice: 2026-0009
    ; client: dana
    Assets:Receivable:dana  80.00 EUR
    Assets:Unbilled:dana
J
)
	cp "$F/tally.conf" "$BATS_TEST_TMPDIR/"
	tally-invoice --show 2026-0009 -O pdf "$j" > "$BATS_TEST_TMPDIR/h.pdf"
	# pdftotext may split a right-to-left word where cairo's font subsets change: compare
	# the letters, with spaces and the bidi marks it adds (U+202B, U+202C) taken out
	run -0 python3 -c 'import sys; print(sys.stdin.read().translate({0x20: None, 0x202b: None, 0x202c: None}))' \
		< <(pdftotext "$BATS_TEST_TMPDIR/h.pdf" -)
	assert_line "To:"
	assert_line "דנהלוי"
	run -0 pdffonts "$BATS_TEST_TMPDIR/h.pdf"
	assert_output --partial "DejaVu"
}

@test "mail: the PDF attached to the invoice, statement and agreement messages reads back" {
	need_poppler
	for cmd in "tally-invoice --show 2026-0001 -O eml $F/book.journal" \
		   "tally-statement -O eml -p 2026-11 --client bea $F/book.journal" \
		   "tally-agreement --client ana-garcia -O eml --date 2026-10-15 $F/agreement.journal"; do
		$cmd > "$BATS_TEST_TMPDIR/m.mbox"
		python3 -c '
import mailbox, email, email.policy, sys
m = email.message_from_bytes(mailbox.mbox(sys.argv[1]).get_bytes(0), policy=email.policy.default)
a = [p for p in m.walk() if p.get_content_type() == "application/pdf"]
assert len(a) == 1 and a[0].get_content_disposition() == "attachment", "one PDF attachment"
open(sys.argv[2], "wb").write(a[0].get_content())
print(a[0].get_filename())' "$BATS_TEST_TMPDIR/m.mbox" "$BATS_TEST_TMPDIR/a.pdf" > "$BATS_TEST_TMPDIR/name"
		pdftotext "$BATS_TEST_TMPDIR/a.pdf" - > "$BATS_TEST_TMPDIR/a.txt"
		case $cmd in
		tally-invoice*) grep -qx "2026-0001.pdf" "$BATS_TEST_TMPDIR/name"
				grep -q "Due now: 100.00 EUR" "$BATS_TEST_TMPDIR/a.txt" ;;
		tally-statement*) grep -qx "statement-bea.pdf" "$BATS_TEST_TMPDIR/name"
				  grep -q "35.00 EUR" "$BATS_TEST_TMPDIR/a.txt" ;;
		*) grep -qx "agreement.pdf" "$BATS_TEST_TMPDIR/name"
		   grep -q "COLLABORATION AGREEMENT" "$BATS_TEST_TMPDIR/a.txt" ;;
		esac || fail "$cmd: attachment $(cat "$BATS_TEST_TMPDIR/name")"
	done
}

@test "-O pdf needs --show for tally-invoice" {
	run -2 --separate-stderr tally-invoice -p 2026-11 -O pdf "$F/book.journal"
	assert_equal "$stderr" "tally-invoice: -O pdf needs --show NUMBER"
}

@test "Hebrew statement: labels from the he catalog, HTML right to left, a right-to-left PDF" {
	need_poppler
	run -0 tally-statement -p 2026-11 --client bea --lang he "$F/book.journal"
	assert_line --index 0 "דף חשבון"
	assert_line "לקוח: Bea Smith, Ltd"
	assert_line "תקופה: 01/11/2026 עד 30/11/2026"
	run -0 tally-statement -p 2026-11 --client bea --lang he -O html "$F/book.journal"
	assert_line '<html lang="he" dir="rtl">'
	tally-statement -p 2026-11 --client bea --lang he -O pdf "$F/book.journal" > "$BATS_TEST_TMPDIR/he.pdf"
	run -0 pdfinfo "$BATS_TEST_TMPDIR/he.pdf"
	assert_line "Title:           דף חשבון: Bea Smith, Ltd"
	# the figures come back whole, each cell read left to right
	run -0 python3 -c 'import sys; print(sys.stdin.read().translate({c: None for c in (0x200e, 0x2066, 0x2069, 0x202a, 0x202b, 0x202c)}))' \
		< <(pdftotext "$BATS_TEST_TMPDIR/he.pdf" -)
	assert_output --partial "35.00 EUR"
	assert_output --partial "-20.00 EUR"
	assert_output --partial "15/11/2026"
	assert_output --partial "1 High Street"
}

@test "a language is its catalog: --lang xx without share/locale/xx is unknown" {
	run -2 --separate-stderr tally-statement -p 2026-11 --client bea --lang fr "$F/book.journal"
	assert_equal "$stderr" "tally-statement: unknown language: fr"
	d=$BATS_TEST_TMPDIR/tree
	lang_tree "$d" tally-statement
	mkdir -p "$d/share/locale/fr/LC_MESSAGES"
	printf '%s\n' 'msgid ""' 'msgstr "Content-Type: text/plain; charset=UTF-8\n"' '' \
		'msgctxt "statement"' 'msgid "title"' 'msgstr "Relevé"' > "$d/fr.po"
	msgfmt -o "$d/share/locale/fr/LC_MESSAGES/tally.mo" "$d/fr.po"
	run -0 "$d/bin/tally-statement" -p 2026-11 --client bea --lang fr "$F/book.journal"
	assert_line --index 0 "Relevé"
	assert_line "Client: Bea Smith, Ltd"   # English behind the catalog for what it lacks
}

@test "Hebrew invoice: templates and words from share/templates, HTML and PDF right to left" {
	need_poppler
	run -0 tally-invoice --show 2026-0001 --lang he "$F/book.journal"
	assert_line --index 0 "חשבונית 2026-0001"
	assert_line 'סה"כ:    100.00 EUR'
	assert_line "תאריך:   01/10/2026"
	run -0 tally-invoice --show 2026-0001 --lang he -O html "$F/book.journal"
	assert_line '<html lang="he" dir="rtl">'
	tally-invoice --show 2026-0001 --lang he -O pdf "$F/book.journal" > "$BATS_TEST_TMPDIR/hi.pdf"
	run -0 pdfinfo "$BATS_TEST_TMPDIR/hi.pdf"
	assert_line "Title:           חשבונית 2026-0001"
	run -0 tally-invoice --show 2026-0001 --lang he -O eml "$F/book.journal"
	echo "$output" > "$BATS_TEST_TMPDIR/m.mbox"
	run -0 mailcheck "$BATS_TEST_TMPDIR/m.mbox"
	assert_line --index 2 "Subject: חשבונית 2026-0001 מאת Marta Ruiz, Tutoring"
	run -2 --separate-stderr tally-invoice --show 2026-0001 --lang fr "$F/book.journal"
	assert_equal "$stderr" "tally-invoice: unknown language: fr"
}
