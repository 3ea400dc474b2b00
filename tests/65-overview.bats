#!/usr/bin/env bats
# tally-report's one-page practice overview (-O txt|html|pdf, --lang en|es|he) on the example
# practice after its first quarter's month-ends: every figure checked against the command
# that owns it (tally-sessions, tally-aging, tally-report --income) and against hledger;
# the HTML read by a parser, xmllint and headless Chromium, the PDF by pdftotext.
load helper

# The example practice with January to March cancelled, billed and invoiced.
setup_file() {
	M=$BATS_FILE_TMPDIR/practice.journal
	tally-cancel "$EXAMPLES/practice.journal" | tally-bill | tally-invoice -p 2026-01 |
		tally-invoice -p 2026-02 | tally-invoice -p 2026-03 > "$M"
	cp "$EXAMPLES/tally.conf" "$BATS_FILE_TMPDIR/tally.conf"
	# the rest of the year: one session paid on the spot each month
	Y=$BATS_FILE_TMPDIR/year.journal
	cp "$M" "$Y"
	for m in 04 05 06 07 08 09 10 11 12; do
		printf '\n2026-%s-15 * Session paid on the spot\n    ; client: ben\n    Assets:Bank  %s.00 EUR\n    Income:Sessions\n' \
			$m $((10#$m * 30)) >> "$Y"
	done
	export M Y
}

# dec: sums the decimal amounts on standard input ("1,230.00 EUR" or "90.00"), exactly.
dec() {
	python3 -c 'import sys, decimal
print(sum((decimal.Decimal(l.split()[0].replace(",", "")) for l in sys.stdin if l.strip()),
          decimal.Decimal("0.00")))'
}

# section NAME FILE: the lines of a text overview's section, its heading and rule dropped.
section() { awk -v h="$1" '$0 == h { on = 1; getline; next } on && /^$/ { exit } on' "$2"; }

@test "overview: the default report, one text page within 80 columns" {
	run -0 tally-report -p 2026-q1 "$M"
	assert_output "Practice overview
=================
Marta Ruiz, Tutoring
Period: Jan 1, 2026 to Mar 31, 2026
As of: Mar 31, 2026

Sessions per client
-------------------
client  held  signed  cancelled  late  no-show  provider
ana       12      10          0     0        0         1
ben        6       6          0     1        1         0
carla      4       4          1     2        0         0
total     22      20          1     3        1         1

Packages
--------
client                          used  bought  left  over
ana     [####################]    10      10     0     2

ana: package used up: renew it, or sessions are billed at the rate

Open invoices
-------------
client  invoice    due           days        open
ben     2026-0001  Mar 3, 2026     28   90.00 EUR  1-30
ben     2026-0003  Mar 31, 2026     0  180.00 EUR  current
carla   2026-0002  Feb 15, 2026    44   60.00 EUR  31-60
carla   2026-0004  Mar 15, 2026    16   40.00 EUR  1-30

Aging
-----
                EUR
current  180.00 EUR
1-30     130.00 EUR
31-60     60.00 EUR
61-90      0.00 EUR
90+        0.00 EUR
total    370.00 EUR

Income by month
---------------
month           amount
Jan 2026    488.00 EUR  ##############################
Feb 2026    388.00 EUR  ########################
Mar 2026    354.00 EUR  ######################
total     1,230.00 EUR"
	# standard input is read twice (the book): the same page (tally.conf named: none beside it)
	run -0 sh -c 'cat "$1" | tally-report -p 2026-q1 --conf "$2"' _ "$M" "$BATS_FILE_TMPDIR/tally.conf"
	assert_equal "$output" "$(tally-report -p 2026-q1 "$M")"
	for l in en es he; do
		tally-report -p 2026-q1 --lang $l "$M" > "$BATS_TEST_TMPDIR/$l.txt"
		run python3 -c 'import sys
for n, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    if len(line.rstrip("\n")) > 80:
        print(sys.argv[2], "line", n, len(line.rstrip("\n")), "columns")' "$BATS_TEST_TMPDIR/$l.txt" $l
		assert_output ""
	done
}

@test "overview: sessions and package meters are tally-sessions' figures" {
	tally-report -p 2026-q1 "$M" > "$BATS_TEST_TMPDIR/o.txt"
	want=$(tally-sessions -p 2026-q1 -O csv "$M" 2>/dev/null |
		awk -F, 'NR > 1 { print $1, $2, $7, $3, $4, $5, $6 }')
	got=$(section "Sessions per client" "$BATS_TEST_TMPDIR/o.txt" | awk 'NR > 1 && $1 != "total"')
	assert_equal "$(echo "$got" | tr -s ' ')" "$want"
	want=$(tally-sessions -p 2026-q1 -O csv "$M" 2>/dev/null |
		awk -F, 'NR > 1 && $9 > 0 { print $1, $10, $9, $11, $12 }')
	got=$(section "Packages" "$BATS_TEST_TMPDIR/o.txt" | awk 'NR > 1 { print $1, $3, $4, $5, $6 }')
	assert_equal "$got" "$want"
	[ -n "$want" ]
}

@test "overview: a package with one session left or none asks for renewal, as tally-sessions warns" {
	for d in 2026-02-25:2:"" 2026-03-04:1:"ana: 1 package session left: ask about renewal" \
		 2026-03-11:0:"ana: package used up: renew it, or sessions are billed at the rate"; do
		day=${d%%:*} rest=${d#*:}
		run -0 tally-report --date "$day" "$M"
		assert_line --regexp "^ana +\[[#.]+\] +[0-9]+ +10 +${rest%%:*} +0\$"
		want=$(tally-sessions -e "$(date -u -d "$day + 1 day" +%F)" -O csv "$M" 2>/dev/null |
			awk -F, '$1 == "ana" { print $11 }')
		assert_equal "$want" "${rest%%:*}"
		if [ -n "${rest#*:}" ]; then
			assert_line "${rest#*:}"
		else
			refute_line --partial "ana: "
		fi
	done
	run -0 tally-report --date 2026-03-04 --lang es "$M"
	assert_line "ana: queda 1 sesión del bono: preguntar por la renovación"
}

@test "overview: open invoices and aging are tally-aging's on the date, and hledger's receivables" {
	need hledger
	tally-report -p 2026-q1 "$M" > "$BATS_TEST_TMPDIR/o.txt"
	tally-aging --date 2026-03-31 -O csv "$M" > "$BATS_TEST_TMPDIR/a.csv"
	want=$(awk -F, 'NR > 1 && $2 != "" { print $1, $2, $5, $7, $9 }' "$BATS_TEST_TMPDIR/a.csv")
	got=$(section "Open invoices" "$BATS_TEST_TMPDIR/o.txt" |
		awk 'NR > 1 { print $1, $2, $(NF - 3), $(NF - 2), $NF }')
	assert_equal "$got" "$want"
	# each client's open invoices sum to its receivable in hledger (no client here has credit)
	for c in ben carla; do
		mine=$(section "Open invoices" "$BATS_TEST_TMPDIR/o.txt" | awk -v c=$c '$1 == c { print $(NF - 2) }' | dec)
		theirs=$(hledger -f "$M" bal "^Assets:Receivable:$c\$" -e 2026-04-01 -N -O csv |
			tail -n 1 | sed 's/"//g; s/.*,//' | dec)
		assert_equal "$mine" "$theirs"
	done
	# the buckets: tally-aging's open amounts summed per bucket, the total its grand total
	for b in current 1-30 31-60 61-90 90+; do
		want=$(awk -F, -v b=$b 'NR > 1 && $2 != "" && $9 == b { print $7 }' "$BATS_TEST_TMPDIR/a.csv" | dec)
		got=$(section "Aging" "$BATS_TEST_TMPDIR/o.txt" | awk -v b=$b '$1 == b { print $2 }' | dec)
		assert_equal "$got" "$want"
	done
	want=$(awk -F, '$1 == "" && $9 == "total" { print $7 }' "$BATS_TEST_TMPDIR/a.csv" | dec)
	got=$(section "Aging" "$BATS_TEST_TMPDIR/o.txt" | awk '$1 == "total" { print $2 }' | dec)
	assert_equal "$got" "$want"
}

@test "overview: income by month is tally-report --income's total row and hledger's" {
	need hledger
	tally-report -p 2026-q1 "$M" > "$BATS_TEST_TMPDIR/o.txt"
	got=$(section "Income by month" "$BATS_TEST_TMPDIR/o.txt" | awk 'NR > 1 { print $(NF == 3 ? 2 : 3) }' |
		tr -d , | tr '\n' ' ')
	want=$(tally-report --income -p 2026-q1 -O csv "$M" | awk -F, '$1 == "total" { $1 = $2 = ""; print }' |
		tr -s ' ' | sed 's/^ //')
	assert_equal "$got" "$want "
	want=$(hledger -f "$M" bal '^Income(:|$)' -M -p 2026Q1 -N -O csv --layout bare --depth 1 |
		tail -n 1 | sed 's/"//g' | cut -d, -f3- | tr , '\n' | sed 's/^-//' | tr '\n' ' ')
	assert_equal "$(echo "$got" | awk '{ $NF = ""; print }')" "$want"
}

@test "overview: the same figures in Spanish and Hebrew, numbers and dates in their style" {
	run -0 tally-report -p 2026-q1 --lang es "$M"
	assert_line "Resumen de la consulta"
	assert_line "Periodo: 01/01/2026 a 31/03/2026"
	assert_line "ben      2026-0001  03/03/2026    28   90,00 EUR  1-30"
	assert_line "total     1.230,00 EUR"
	run -0 tally-report -p 2026-q1 --lang he "$M"
	assert_line "סקירת הקליניקה"
	assert_line "ana         12     10      0       0        0          1"
	assert_line "סה״כ      1,230.00 EUR"
}

@test "overview -O html: well-formed, escaped, one inline SVG chart, nothing loaded" {
	need xmllint
	h=$BATS_TEST_TMPDIR/o.html
	printf 'name = Tom & <Jerry> "Tutoring"\npaper = a4\n' > "$BATS_TEST_TMPDIR/t.conf"
	tally-report -p 2026-q1 -O html --conf "$BATS_TEST_TMPDIR/t.conf" "$M" > "$h"
	run -0 htmlcheck "$h"
	run -0 xmllint --noout "$h"
	run -0 grep -c '<svg ' "$h"
	assert_output 1
	run -0 grep -c '<rect ' "$h"
	assert_output 3
	grep -q '<p class="practice">Tom &amp; &lt;Jerry&gt; &quot;Tutoring&quot;</p>' "$h"
	grep -q '<td class="num">1,230.00 EUR</td>' "$h"
	grep -q '<td>2026-0002</td>' "$h"
	run grep -ciE 'https?:|<script|<link|src=|href=' "$h"
	assert_output 0
	tally-report -p 2026-q1 -O html --lang he "$M" > "$BATS_TEST_TMPDIR/he.html"
	run -0 htmlcheck "$BATS_TEST_TMPDIR/he.html"
	grep -q '<html lang="he" dir="rtl">' "$BATS_TEST_TMPDIR/he.html"
}

@test "overview -O pdf: one A4 page whose text holds the figures" {
	command -v pdftotext >/dev/null && command -v pdfinfo >/dev/null ||
		fail "poppler-utils (pdftotext, pdfinfo) is not installed: make deps"
	p=$BATS_TEST_TMPDIR/o.pdf
	tally-report -p 2026-q1 -O pdf "$M" > "$p"
	[ "$(head -c 5 "$p")" = "%PDF-" ]
	run -0 pdfinfo "$p"
	assert_line "Title:           Practice overview: Marta Ruiz, Tutoring"
	assert_line "Pages:           1"
	assert_line --regexp '^Page size: +595.276 x 841.89 pts \(A4\)$'
	run -0 pdftotext -layout "$p" -
	assert_line --regexp '^ana +12 +10 +0 +0 +0 +1$'
	assert_line --regexp '^ben +2026-0001 +Mar 3, 2026 +28 +90.00 EUR +1-30$'
	assert_line --regexp '^total +370.00 EUR$'
	assert_line --regexp '^Jan 2026 +488.00 EUR$'
	assert_line --regexp '^total +1,230.00 EUR$'
	# the chart's labels: each month's amount above its bar, the month below
	assert_line --regexp '^ +488.00 EUR$'
	assert_line --regexp 'Jan 2026 +Feb 2026 +Mar 2026'
	# a year still fits on one page: the months in two column pairs below the chart
	tally-report -p 2026 -O pdf "$Y" > "$BATS_TEST_TMPDIR/y.pdf"
	run -0 pdfinfo "$BATS_TEST_TMPDIR/y.pdf"
	assert_line "Pages:           1"
	printf 'name = Marta Ruiz, Tutoring\npaper = letter\n' > "$BATS_TEST_TMPDIR/letter.conf"
	tally-report -p 2026 -O pdf --conf "$BATS_TEST_TMPDIR/letter.conf" "$Y" > "$BATS_TEST_TMPDIR/yl.pdf"
	run -0 pdfinfo "$BATS_TEST_TMPDIR/yl.pdf"
	assert_line "Pages:           1"
	assert_line --regexp '^Page size: +612 x 792 pts \(letter\)$'
	run -0 pdftotext -layout "$BATS_TEST_TMPDIR/y.pdf" -
	assert_line --regexp '^Jun 2026 +180.00 EUR +Dec 2026 +360.00 EUR$'
	assert_line --regexp '^total +3,390.00 EUR$'
	tally-report -p 2026-q1 -O pdf --lang he "$M" > "$BATS_TEST_TMPDIR/he.pdf"
	run -0 pdftotext "$BATS_TEST_TMPDIR/he.pdf" -
	assert_output --partial "סקירת הקליניקה"
	assert_output --partial "1,230.00 EUR"
}

@test "overview -O html in headless Chromium: a screenshot, no console message, one printed page" {
	chromium_or_skip
	d=$BATS_TEST_TMPDIR
	# the check itself: a page with an error is seen as one
	printf '<!DOCTYPE html><p>x</p><script>nosuch();</script>\n' > "$d/bad.html"
	timeout 60 "$chromium" $flags --user-data-dir="$d/p0" --dump-dom "file://$d/bad.html" \
		> /dev/null 2> "$d/bad.err" || true
	grep -q 'CONSOLE.*nosuch' "$d/bad.err"
	for l in en he year; do
		if [ $l = year ]; then
			tally-report -p 2026 -O html "$Y" > "$d/$l.html"
		else
			tally-report -p 2026-q1 -O html --lang $l "$M" > "$d/$l.html"
		fi
		run timeout 60 "$chromium" $flags --user-data-dir="$d/p1$l" \
			--screenshot="$d/$l.png" --window-size=900,1300 "file://$d/$l.html"
		assert_success
		[ "$(head -c 4 "$d/$l.png" | tail -c 3)" = "PNG" ]
		timeout 60 "$chromium" $flags --user-data-dir="$d/p2$l" --dump-dom \
			"file://$d/$l.html" > "$d/$l.dom" 2> "$d/$l.err"
		run grep -c 'CONSOLE' "$d/$l.err"
		assert_output 0
		grep -q '<svg viewBox=' "$d/$l.dom"
		[ "$(grep -o '<rect ' "$d/$l.dom" | wc -l)" -eq "$([ $l = year ] && echo 12 || echo 3)" ]
		# printed (Letter, Chromium's default paper), it is one page
		run timeout 60 "$chromium" $flags --user-data-dir="$d/p3$l" --no-pdf-header-footer \
			--print-to-pdf="$d/$l.pdf" "file://$d/$l.html"
		assert_success
		run -0 pdfinfo "$d/$l.pdf"
		assert_line "Pages:           1"
	done
}

@test "overview: nothing to show says so; --date moves the aging" {
	f=$(printf '2026-01-01 * Opening\n    Assets:Bank  10 EUR\n    Equity:Opening\n' | journal)
	run -0 tally-report -p 2026-01 "$f"
	assert_output "Practice overview
=================
Period: Jan 1, 2026 to Jan 31, 2026
As of: Jan 31, 2026

Sessions per client
-------------------
None.

Open invoices
-------------
None.

Income by month
---------------
None."
	run -0 tally-report --date 2026-05-01 "$M"
	assert_line "As of: May 1, 2026"
	assert_line "Period: all dates"
	assert_line --regexp '^carla +2026-0002 +Feb 15, 2026 +75 +60.00 EUR +61-90$'
}

@test "overview: bad usage is exit 2, a bad journal FILE:LINE and exit 1 with no page" {
	run -2 --separate-stderr tally-report -O csv "$M"
	assert_equal "$stderr" "tally-report: -O csv is for --income"
	run -2 --separate-stderr tally-report --income -O pdf "$M"
	assert_equal "$stderr" "tally-report: -O pdf is for the overview (without --income)"
	run -2 --separate-stderr tally-report --lang xx "$M"
	assert_equal "$stderr" "tally-report: unknown language: xx"
	run -2 --separate-stderr tally-report --date 2026-13-01 "$M"
	assert_equal "$stderr" "tally-report: bad date: 2026-13-01"
	f=$(printf '2026-01-01 * x\n    Income:S  -5 EUR\n    Assets:B  4 EUR\n' | journal)
	for fmt in txt html pdf; do
		run -1 --separate-stderr tally-report -O $fmt "$f"
		assert_output ""
		assert_equal "$stderr" "tally-report: $f:1: entry does not balance: off by -1 EUR"
	done
	f=$(printf '2026-01-05 Session\n    ; client: ana\n    ; session: cancelled\n    ; time: 10:00\n' | journal)
	run -1 --separate-stderr tally-report "$f"
	assert_output ""
	assert_equal "$stderr" "tally-report: $f:3: session: cancelled needs cancelled-at: (late or on time cannot be told)"
}

@test "overview: bash completion offers each report's formats and the languages" {
	run -0 bash -c '
		source "$1/share/completion/tally.bash"
		COMP_WORDS=(tally-report -O ""); COMP_CWORD=2; _tally; echo "${COMPREPLY[*]}"
		COMP_WORDS=(tally report --income -O ""); COMP_CWORD=4; _tally; echo "${COMPREPLY[*]}"
		COMP_WORDS=(tally-report --lang ""); COMP_CWORD=2; _tally; echo "${COMPREPLY[*]}"
		COMP_WORDS=(tally-report --da); COMP_CWORD=1; _tally; echo "${COMPREPLY[*]}"
		COMP_WORDS=(tally aging -O ""); COMP_CWORD=3; _tally; echo "${COMPREPLY[*]}"' _ "$TOP"
	assert_output - <<-'OUT'
	txt html pdf
	txt csv json
	en es he
	--date
	txt csv json
	OUT
}

@test "overview: a long client ID is cut with ~ to keep 80 columns, an invoice number is not" {
	f=$FIXTURES/overview/long.journal
	for l in en es he; do
		run -0 tally-report -b 2026-01-01 -e 2026-03-01 --lang $l "$f"
		assert_line --regexp '^a-very-long-[a-z-]*~ +[0-9]'
		assert_line --regexp '^a-very-long-[a-z-]*~ +INV-2026-000000001 '
		run python3 -c 'import sys
print(max(len(l) for l in sys.stdin.read().split("\n")))' <<< "$output"
		[ "$output" -le 80 ] || fail "$l: $output columns"
	done
}

@test "overview: every fixture journal gives a well-formed page within 80 columns, or exit 1 and none" {
	need xmllint
	d=$BATS_TEST_TMPDIR
	n=0
	for f in "$FIXTURES"/hostile/*.journal "$FIXTURES"/*/*.journal; do
		sanitized && [ "${f#"$FIXTURES"/hostile/}" = "$f" ] && continue  # the hostile ones only
		n=$((n + 1))
		rc=0
		tally-report -O html --date 2026-12-31 "$f" > "$d/$n.html" 2> "$d/err" || rc=$?
		case $rc in
		0)	tally-report --date 2026-12-31 "$f" > "$d/$n.txt" ;;
		1)	[ ! -s "$d/$n.html" ] || fail "$f: exit 1 with a page"
			grep -q '^tally-report: ' "$d/err" || fail "$f: exit 1 without a message"
			rm "$d/$n.html" ;;
		*)	fail "$f: exit $rc: $(cat "$d/err")" ;;
		esac
	done
	[ "$n" -gt 40 ]
	run -0 htmlcheck "$d"/*.html
	run -0 xmllint --noout "$d"/*.html
	# display columns (wc -L counts characters in a UTF-8 locale)
	run -0 sh -c 'for t in "$@"; do [ "$(wc -L < "$t")" -le 80 ] || echo "$t"; done' _ "$d"/*.txt
	assert_output ""
}

@test "overview: a fourth language is a catalog, no C change (docs/translating.md)" {
	need msginit
	d=$BATS_TEST_TMPDIR/tree
	lang_tree "$d" tally-report
	msginit --no-translator -l fr -i "$TOP/share/po/tally.pot" -o "$d/fr.po" 2> /dev/null
	tr_msg() {  # tr_msg CONTEXT MSGID MSGSTR
		awk -v ctx="$1" -v id="$2" -v str="$3" '
			/^msgctxt / { c = substr($0, 10, length($0) - 10) }
			/^msgid / { m = substr($0, 8, length($0) - 8); hit = (m == id && c == ctx) }
			/^msgstr / && hit { print "msgstr \"" str "\""; hit = 0; c = ""; next }
			/^$/ { c = "" }
			{ print }' "$d/fr.po" > "$d/fr.tmp" && mv "$d/fr.tmp" "$d/fr.po"
	}
	tr_msg number decimal-mark ","
	tr_msg number group-mark " "
	tr_msg number symbol after
	tr_msg overview title "Aperçu du cabinet"
	tr_msg overview period "Période"
	tr_msg overview to "au"
	tr_msg overview months "janv. févr. mars avr. mai juin juil. août sept. oct. nov. déc."
	tr_msg overview date-format "{dd}/{mm}/{yyyy}"
	mkdir -p "$d/share/locale/fr/LC_MESSAGES"
	msgfmt --check -o "$d/share/locale/fr/LC_MESSAGES/tally.mo" "$d/fr.po"
	cmp "$TALLY_BIN/tally-report" "$d/bin/tally-report"
	run -0 "$d/bin/tally-report" -p 2026-q1 --lang fr --conf "$BATS_FILE_TMPDIR/tally.conf" "$M"
	assert_line --index 0 "Aperçu du cabinet"
	assert_line "Période: 01/01/2026 au 31/03/2026"
	assert_line "Sessions per client"  # not translated: the English catalog's
	assert_line --regexp '^janv. 2026 +488,00 EUR +#+$'
	run -2 --separate-stderr "$d/bin/tally-report" --lang de "$M"
	assert_equal "$stderr" "tally-report: unknown language: de"
}
