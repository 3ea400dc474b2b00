#!/usr/bin/env bats
# Languages as gettext catalogs (share/po/LANG.po, compiled by msgfmt into the build tree
# and installed under PREFIX/share/locale): every document in en, es and he from them,
# found without any generated locale, a fourth language added as a catalog and templates
# with no change to the programs, and the notices' and reminders' greeting and signature.
load helper

F=$FIXTURES/mail
AG=$FIXTURES/aging

@test "catalogs: msgfmt --check passes on every share/po/*.po; es and he translate every message of tally.pot" {
	need msgfmt msgcmp
	n=0
	for po in "$TOP"/share/po/*.po; do
		msgfmt --check -o /dev/null "$po" || fail "$po: msgfmt --check"
		n=$((n + 1))
	done
	[ "$n" -ge 3 ]
	for l in es he; do
		run -0 msgcmp "$TOP/share/po/$l.po" "$TOP/share/po/tally.pot"
	done
	# a format that does not match the English is refused at make time, not at run time
	sed 's/"Importe: %s"/"Importe: %d"/' "$TOP/share/po/es.po" > "$BATS_TEST_TMPDIR/bad.po"
	run -1 msgfmt --check -o /dev/null "$BATS_TEST_TMPDIR/bad.po"
	assert_output --partial "format specifications in 'msgid' and 'msgstr' for argument 1 are not the same"
}

@test "catalogs: tally.pot is what make pot writes from the sources and en.po" {
	need xgettext msgcat
	run -0 make -s -C "$TOP" pot POT="$BATS_TEST_TMPDIR/t.pot" BUILD="$BATS_TEST_TMPDIR/b"
	diff -u "$TOP/share/po/tally.pot" "$BATS_TEST_TMPDIR/t.pot"
}

@test "catalogs: read with no locale in the environment, and whatever locale it names" {
	run -0 env -i PATH="$TALLY_BIN:/usr/bin:/bin" TZ=UTC \
		tally-statement -p 2026-11 --client ana --lang he "$F/book.journal"
	assert_line --index 0 "דף חשבון"
	run -0 env -i PATH="$TALLY_BIN:/usr/bin:/bin" LANG=de_DE.UTF-8 LC_ALL=fr_FR.UTF-8 \
		LANGUAGE=de:fr tally-statement -p 2026-11 --client ana --lang es "$F/book.journal"
	assert_line --index 0 "Extracto"
	assert_line "Periodo: 01/11/2026 a 30/11/2026"
	run -0 env -i PATH="$TALLY_BIN:/usr/bin:/bin" LANGUAGE=es \
		tally-statement -p 2026-11 --client ana "$F/book.journal"
	assert_line --index 0 "Statement"
}

@test "catalogs: the statement in en, es, he: labels, dates and numbers in each language's style" {
	run -0 tally-statement -p 2026-11 --client ana "$F/book.journal"
	assert_line "Period: Nov 1, 2026 to Nov 30, 2026"
	assert_line --partial "Closing balance"
	run -0 tally-statement -p 2026-11 --client ana --lang es "$F/book.journal"
	assert_line "Periodo: 01/11/2026 a 30/11/2026"
	assert_line --partial "Saldo final"
	run -0 tally-statement -p 2026-11 --client ana --lang he "$F/book.journal"
	assert_line "תקופה: 01/11/2026 עד 30/11/2026"
	run -0 tally-statement -p 2026-11 --client ana --lang he -O html "$F/book.journal"
	assert_line --partial '<html lang="he" dir="rtl">'
	run -0 tally-statement -p 2026-11 --client ana --lang es -O html "$F/book.journal"
	assert_line --partial '<html lang="es">'
}

@test "catalogs: the invoice in en, es, he: title, dates and numbers from the catalog" {
	run -0 tally-invoice --show 2026-0001 "$F/book.journal"
	assert_line --index 0 "INVOICE 2026-0001"
	assert_line "Date:    2026-10-01"
	assert_line "Total:   100.00 EUR"
	run -0 tally-invoice --show 2026-0001 --lang es "$F/book.journal"
	assert_line "Fecha:       01/10/2026"
	assert_line --partial "100,00 EUR"
	run -0 tally-invoice --show 2026-0001 --lang he "$F/book.journal"
	assert_line --index 0 "חשבונית 2026-0001"
	assert_line "תאריך:   01/10/2026"
	run -0 tally-invoice --show 2026-0001 --lang he -O eml "$F/book.journal"
	echo "$output" > "$BATS_TEST_TMPDIR/m.mbox"
	run -0 mailcheck "$BATS_TEST_TMPDIR/m.mbox"
	assert_line --index 2 "Subject: חשבונית 2026-0001 מאת Marta Ruiz, Tutoring"
}

@test "catalogs: thousands and decimals as the catalog's number marks say, in every language" {
	j=$(journal <<'J'
2026-10-01 (2026-0001) Invoice ana
    ; invoice: 2026-0001
    ; client: ana
    ; due: 2026-10-15
    Assets:Receivable:ana  1234.50 EUR
    Assets:Unbilled:ana
J
)
	run -0 tally-invoice --show 2026-0001 "$j"
	assert_line "Total:   1,234.50 EUR"
	run -0 tally-invoice --show 2026-0001 --lang es "$j"
	assert_line "Total:       1.234,50 EUR"
	run -0 tally-invoice --show 2026-0001 --lang he "$j"
	assert_line 'סה"כ:    1,234.50 EUR'
	run -0 tally-aging --remind --lang es --date 2026-12-14 "$j"
	assert_line "La factura 2026-0001 del 01/10/2026 por 1.234,50 EUR vencía el 15/10/2026, según"
}

@test "catalogs: notices in en, es, he: greeting with the client's name, the practice's signature" {
	for l in en es he; do
		tally-cancel --lang "$l" --notices "$BATS_TEST_TMPDIR/n.$l" "$F/cancel.journal" > /dev/null
	done
	run -0 sed -n 1,14p "$BATS_TEST_TMPDIR/n.en"
	assert_output "To: Ana García
Re: your session on 2026-11-03 at 10:00

Hello Ana García,

Your cancellation came with 23 hours 59 minutes' notice; the policy asks for 24 hours.
This time the fee is waived (first offense): nothing is charged. Next time the fee applies.
The cancellation policy you agreed to (24-hour notice) says:
  \"A cancellation with less than 24 hours' notice is charged 50% of the session fee.\"
  \"The first late cancellation or no-show is waived, with a reminder of this policy.\"
  (24-hour.policy, line 8: grace = 1)

Best regards,
Marta Ruiz, Tutoring"
	run -0 cat "$BATS_TEST_TMPDIR/n.es"
	assert_line "Asunto: su sesión del 03/11/2026 a las 10:00"
	assert_line "Hola, Ana García:"
	assert_line "Su cancelación llegó con 23 horas 59 minutos de antelación; la política pide 24 horas."
	assert_line "Importe: 40,00 EUR (el precio de la sesión es 40,00 EUR)."
	assert_line "Un saludo,"
	assert_line "Marta Ruiz, Tutoring"
	run -0 cat "$BATS_TEST_TMPDIR/n.he"
	assert_line "נושא: המפגש שלך ב-03/11/2026 בשעה 10:00"
	assert_line "שלום Ana García,"
	assert_line "הביטול נמסר 23 שעות 59 דקות מראש; המדיניות דורשת 24 שעות."
	assert_line "בברכה,"
	assert_line "Marta Ruiz, Tutoring"
	# as mail: the greeting and the signature are in the message's body
	tally-cancel --lang he -O eml --notices "$BATS_TEST_TMPDIR/n.mbox" "$F/cancel.journal" > /dev/null
	run -0 mailcheck "$BATS_TEST_TMPDIR/n.mbox"
	assert_line "Subject: המפגש שלך ב-03/11/2026 בשעה 10:00"
	assert_line "שלום Ana García,"
	assert_line "בברכה,"
	# the HTML alternative reads right to left
	run -0 python3 -c 'import email, email.policy, mailbox, sys
mb = mailbox.mbox(sys.argv[1], factory=lambda f: email.message_from_binary_file(f, policy=email.policy.default))
print(next(iter(mb)).get_body(("html",)).get_content().splitlines()[1])' "$BATS_TEST_TMPDIR/n.mbox"
	assert_output '<html lang="he" dir="rtl"><head><meta charset="utf-8"></head>'
}

@test "catalogs: tally.conf signature = signs notices and reminders instead of the name" {
	d=$BATS_TEST_TMPDIR
	cp "$F/cancel.journal" "$d/"
	{ cat "$F/tally.conf"; echo "signature = Marta Ruiz, tutora"; } > "$d/tally.conf"
	tally-cancel --lang es --notices "$d/n" "$d/cancel.journal" > /dev/null
	run -0 grep -A1 "^Un saludo,$" "$d/n"
	assert_line --index 1 "Marta Ruiz, tutora"
	run -0 tally-aging --remind --lang es --date 2026-12-14 --conf "$d/tally.conf" "$AG/book.journal"
	assert_line "Hola, ana:"
	assert_line "Marta Ruiz, tutora"
	refute_line "Marta Ruiz, Tutoring"
}

@test "catalogs: reminders in en, es, he: greeting, dates, numbers, signature" {
	run -0 tally-aging --remind --date 2026-12-14 --conf "$F/tally.conf" "$AG/book.journal"
	assert_line "Hello ana,"
	assert_line "Invoice 2026-0001 of 2026-10-01 for 100.00 EUR was due on 2026-10-15, under our"
	assert_line "Marta Ruiz, Tutoring"
	run -0 tally-aging --remind --lang es --date 2026-12-14 --conf "$F/tally.conf" "$AG/book.journal"
	assert_line "La factura 2026-0001 del 01/10/2026 por 100,00 EUR vencía el 15/10/2026, según"
	run -0 tally-aging --remind --lang he --date 2026-12-14 --conf "$F/tally.conf" "$AG/book.journal"
	assert_line "נושא: הודעה אחרונה: חשבונית 2026-0001, באיחור של 60 ימים"
	assert_line "שלום ana,"
	assert_line "חשבונית 2026-0001 מתאריך 01/10/2026 על סך 100.00 EUR הייתה לתשלום עד 15/10/2026,"
	assert_line "בברכה,"
	assert_line "Marta Ruiz, Tutoring"
}

@test "catalogs: the agreement in en, es, he: dates, rate, the policy's clauses, right to left" {
	run -0 tally-agreement --client ana-garcia --date 2026-10-15 "$F/agreement.journal"
	assert_line "Date: 15 October 2026"
	assert_line "The rate is 48.50 EUR per session."
	assert_line "- A cancellation with less than 24 hours' notice is charged 50% of the session"
	run -0 tally-agreement --client ana-garcia --lang es --date 2026-10-15 "$F/agreement.journal"
	assert_line "Fecha: 15 de octubre de 2026"
	assert_line "- Una cancelación con menos de 24 horas de antelación se cobra: el 50 % del"
	run -0 tally-agreement --client ana-garcia --lang he --date 2026-10-15 "$F/agreement.journal"
	assert_line --index 0 "הסכם שיתוף פעולה"
	assert_line "תאריך: 15 באוקטובר 2026"
	assert_line "התעריף הוא 48.50 EUR למפגש."
	assert_line "- ביטול בהודעה של פחות מ-24 שעות מראש מחויב ב-50% ממחיר המפגש."
	assert_line "- הביטול המאוחר או אי-ההגעה הראשונים נמחלים, עם תזכורת למדיניות זו."
	run -0 tally-agreement --client ana-garcia --lang he -O html --date 2026-10-15 "$F/agreement.journal"
	assert_line '<html lang="he" dir="rtl">'
	tally-agreement --client ana-garcia --lang he -O eml --date 2026-10-15 "$F/agreement.journal" \
		> "$BATS_TEST_TMPDIR/a.mbox"
	run -0 mailcheck "$BATS_TEST_TMPDIR/a.mbox"
	assert_line --index 2 "Subject: הסכם שיתוף פעולה: Ana García Núñez"
	assert_line --partial "Attachment: הסכם.pdf"
	need pdftotext
	tally-agreement --client ana-garcia --lang he -O pdf --date 2026-10-15 "$F/agreement.journal" \
		> "$BATS_TEST_TMPDIR/a.pdf"
	run -0 pdfinfo "$BATS_TEST_TMPDIR/a.pdf"
	assert_line "Title:           הסכם שיתוף פעולה: Ana García Núñez"
}

@test "catalogs: the overview in es and he from the catalog" {
	run -0 tally-report --lang es --date 2026-12-14 "$AG/book.journal"
	assert_line --index 0 --partial "Resumen de la consulta"
	run -0 tally-report --lang he -O html --date 2026-12-14 "$AG/book.journal"
	assert_line --partial 'lang="he" dir="rtl"'
}

@test "catalogs: the sign-off sheet in en, es, he: columns by characters, dates, right to left" {
	J=$FIXTURES/calendar/signoff.journal
	run -0 tally-signoff --client ana -p 2026-03 --lang en "$J"
	assert_line --index 0 "Sign-off sheet: ana"
	assert_line "2026-03-03  16:00       60  session 1 of 10     ______________________"
	run -0 tally-signoff --client ana -p 2026-03 --lang es "$J"
	assert_line "fecha       hora   minutos  paquete             firma"
	assert_line "03/03/2026  16:00       60  sesión 1 de 10      ______________________"
	assert_line "4 sesiones realizadas, 0 firmadas; sesiones del paquete restantes: 6."
	run -0 tally-signoff --client ana -p 2026-03 --lang he "$J"
	assert_line --index 0 "דף אישור מפגשים: ana"
	assert_line "תאריך       שעה       דקות  חבילה               חתימה"
	assert_line "03/03/2026  16:00       60  מפגש 1 מתוך 10      ______________________"
	run -0 tally-signoff --client ana -p 2026-03 --lang he -O html "$J"
	assert_line '<html lang="he" dir="rtl">'
	assert_line "<h1>דף אישור מפגשים: ana</h1>"
	need pdftotext
	tally-signoff --client ana -p 2026-03 --lang he -O pdf "$J" > "$BATS_TEST_TMPDIR/s.pdf"
	run -0 pdfinfo "$BATS_TEST_TMPDIR/s.pdf"
	assert_line "Title:           דף אישור מפגשים: ana"
	run -2 --separate-stderr tally-signoff --client ana --lang xx "$J"
	assert_equal "$stderr" "tally-signoff: unknown language: xx"
}

@test "catalogs: a language without a catalog is unknown to every command (exit 2)" {
	for c in tally-statement tally-invoice tally-cancel tally-aging tally-agreement tally-report; do
		case $c in
		tally-agreement) set -- --client ana ;;
		tally-statement) set -- -p 2026-11 --client ana ;;
		tally-invoice) set -- --show 2026-0001 ;;
		tally-aging) set -- --remind ;;
		*) set -- ;;
		esac
		run -2 --separate-stderr "$c" "$@" --lang xx "$F/book.journal"
		assert_equal "$stderr" "$c: unknown language: xx"
	done
	run -2 --separate-stderr tally-statement -p 2026-11 --client ana --lang ../en "$F/book.journal"
	assert_equal "$stderr" "tally-statement: unknown language: ../en"
}

# A fourth language as docs/translating.md tells: msginit from tally.pot, a few messages
# translated, msgfmt into share/locale, the templates copied and translated. The programs
# are copied as they are: no C change.
@test "catalogs: a fourth language (fr) is a catalog and templates, no change to the programs" {
	need msginit msgfmt
	d=$BATS_TEST_TMPDIR/tree
	lang_tree "$d" tally-statement tally-invoice tally-cancel tally-aging
	msginit --no-translator -l fr -i "$TOP/share/po/tally.pot" -o "$d/fr.po" 2> /dev/null
	# a few messages: the rest stays English, the catalog behind every other
	tr_msg() {  # tr_msg CONTEXT|"" MSGID MSGSTR
		awk -v ctx="$1" -v id="$2" -v str="$3" '
			/^msgctxt / { c = substr($0, 10, length($0) - 10) }
			/^msgid / { m = substr($0, 8, length($0) - 8); hit = (m == id && c == ctx) }
			/^msgstr / && hit { print "msgstr \"" str "\""; hit = 0; c = ""; next }
			/^$/ { c = "" }
			{ print }' "$d/fr.po" > "$d/fr.tmp" && mv "$d/fr.tmp" "$d/fr.po"
	}
	tr_msg number decimal-mark ","
	tr_msg number group-mark "none"
	tr_msg number symbol after
	tr_msg statement title "Relevé"
	tr_msg statement period "Période"
	tr_msg statement to "au"
	tr_msg statement date-format "{dd}/{mm}/{yyyy}"
	tr_msg invoice title "Facture {{number}}"
	tr_msg invoice subject "Facture {{number}} de {{provider-name}}"
	tr_msg invoice date-format "{dd}/{mm}/{yyyy}"
	tr_msg notice date-format "{dd}/{mm}/{yyyy}"
	tr_msg "" 'Hello %s,\\n' 'Bonjour %s,\\n'
	tr_msg "" 'Best regards,\\n' 'Cordialement,\\n'
	tr_msg "" 'Re: your session on %s' 'Objet : votre séance du %s'
	mkdir -p "$d/share/locale/fr/LC_MESSAGES"
	msgfmt --check -o "$d/share/locale/fr/LC_MESSAGES/tally.mo" "$d/fr.po" 2> /dev/null
	for f in "$d"/share/templates/invoice.en.*; do
		sed 's/^INVOICE /FACTURE /; s/^Date:    /Date :  /; s/lang="en"/lang="fr"/' "$f" \
			> "${f/.en./.fr.}"
	done
	for f in "$d"/share/templates/reminder-*.en.txt; do cp "$f" "${f/.en./.fr.}"; done
	cmp "$TALLY_BIN/tally-invoice" "$d/bin/tally-invoice"

	run -0 "$d/bin/tally-statement" -p 2026-11 --client ana --lang fr "$F/book.journal"
	assert_line --index 0 "Relevé"
	assert_line "Période: 01/11/2026 au 30/11/2026"
	assert_line "Client: Ana García Núñez"
	run -0 "$d/bin/tally-invoice" --show 2026-0001 --lang fr --conf "$F/tally.conf" "$F/book.journal"
	assert_line --index 0 "FACTURE 2026-0001"
	assert_line "Date :  01/10/2026"
	assert_line "Total:   100,00 EUR"
	run -0 "$d/bin/tally-invoice" --show 2026-0001 --lang fr -O html "$F/book.journal"
	assert_line --partial '<html lang="fr"'
	"$d/bin/tally-cancel" --lang fr --notices "$d/n" "$F/cancel.journal" > /dev/null
	run -0 sed -n 1,4p "$d/n"
	assert_output "To: Ana García
Objet : votre séance du 03/11/2026 at 10:00

Bonjour Ana García,"
	run -0 grep -c "^Cordialement,$" "$d/n"
	assert_output 3
	run -0 "$d/bin/tally-aging" --remind --lang fr --date 2026-12-14 --conf "$F/tally.conf" \
		"$AG/book.journal"
	assert_line "Bonjour ana,"
	assert_line --partial "of 01/10/2026 for 100,00 EUR"
}

@test "catalogs: make install puts them in PREFIX/share/locale, where an installed command finds them" {
	sanitized && skip "installs the plain build"
	d=$BATS_TEST_TMPDIR/root
	make -s -C "$TOP" install DESTDIR="$d" PREFIX=/opt/tally > /dev/null
	for l in en es he; do
		[ -f "$d/opt/tally/share/locale/$l/LC_MESSAGES/tally.mo" ] || fail "no $l catalog"
	done
	run -0 env -i PATH=/usr/bin:/bin "$d/opt/tally/bin/tally-statement" -p 2026-11 --client ana \
		--lang es "$F/book.journal"
	assert_line --index 0 "Extracto"
	make -s -C "$TOP" uninstall DESTDIR="$d" PREFIX=/opt/tally > /dev/null
	[ ! -e "$d/opt/tally/share/locale/es/LC_MESSAGES/tally.mo" ]
}
