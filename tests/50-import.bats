#!/usr/bin/env bats
# tally-import: bank CSV to entries with hledger rules; bank quirks; no duplicates with
# --journal; client payments matched to invoices; errors with FILE:LINE.
load helper

FIX=$TOP/tests/fixtures/import
RULES=$TOP/share/rules

# Writes rules text (stdin) to NAME in the scratch directory and prints the path.
rules() {
	local f="$BATS_TEST_TMPDIR/${1:-test.rules}"
	cat > "$f"
	echo "$f"
}

@test "import: --help, --version and usage errors" {
	run tally-import --help
	assert_success
	assert_output --partial "usage: tally-import --rules FILE"
	run tally-import --version
	assert_output "tally-import $(cat "$TOP/lib/VERSION")"
	run -2 --separate-stderr tally-import x.csv
	assert_equal "${stderr%%$'\n'*}" "tally-import: --rules FILE is required"
	run -2 --separate-stderr tally-import --rules "$RULES/simple.rules"
	assert_equal "${stderr%%$'\n'*}" "tally-import: no CSV file named (use - for standard input)"
	run -2 tally-import --bogus
}

@test "import: Spanish bank layout: ';', decimal comma, dot groups, CRLF, quoted ';' (written ',')" {
	run --separate-stderr tally-import --rules "$RULES/es-bank.rules" "$EXAMPLES/bank-2026-04.csv"
	assert_success
	assert_output - <<'J'
2026-04-01 RECIBO ALQUILER DESPACHO ABRIL
    Assets:Bank  -250,00 EUR
    Expenses:Rent  250,00 EUR

2026-04-06 TRANSFERENCIA DE GARCIA LOPEZ ANA FACTURA 2026-0001
    Assets:Bank  10,00 EUR
    Income:Unknown  -10,00 EUR

2026-04-10 BIZUM DE ORTIZ BEN CLASES ABRIL
    Assets:Bank  60,00 EUR
    Income:Unknown  -60,00 EUR

2026-04-14 TRANSFERENCIA DE ROSSI CARLA
    Assets:Bank  80,00 EUR
    Income:Unknown  -80,00 EUR

2026-04-20 COMPRA LIBRERIA CERVANTES "CUADERNOS, LAPICES"
    Assets:Bank  -23,40 EUR
    Expenses:Unknown  23,40 EUR

2026-04-30 COMISION MANTENIMIENTO CUENTA
    Assets:Bank  -6,50 EUR
    Expenses:Bank  6,50 EUR
J
}

@test "import: 1.234,56 and 1 234,56 read as 1234.56; with a journal, amounts take its decimal mark" {
	printf 'Fecha;Concepto;Importe;Saldo\n02/11/2026;TRANSFERENCIA;1.234,56;0\n03/11/2026;PAGO;-2.000,5;0\n04/11/2026;CUOTA;-1 234,50;0\n' \
		> "$BATS_TEST_TMPDIR/es.csv"
	printf '2026-01-01 open\n    Assets:Bank  10.00 EUR\n    Equity:Opening\n' > "$BATS_TEST_TMPDIR/j.journal"
	run tally-import --rules "$RULES/es-bank.rules" --journal "$BATS_TEST_TMPDIR/j.journal" \
		"$BATS_TEST_TMPDIR/es.csv"
	assert_success
	assert_output - <<'J'
2026-11-02 TRANSFERENCIA
    Assets:Bank  1234.56 EUR
    Income:Unknown  -1234.56 EUR

2026-11-03 PAGO
    Assets:Bank  -2000.5 EUR
    Expenses:Unknown  2000.5 EUR

2026-11-04 CUOTA
    Assets:Bank  -1234.50 EUR
    Expenses:Unknown  1234.50 EUR
J
}

@test "import: BOM, tab separator, quoted tabs (written as spaces), doubled quotes, newlines, (negative), trailing minus" {
	printf '\xef\xbb\xbfDate\tDesc\tAmount\r\n2026-11-02\t"Caf\xc3\xa9 ""Sol""\tBerlin"\t(12.50)\r\n2026-11-03\tRefund\t7.00-\r\n2026-11-01\t"two\nlines"\t"1,000.00"\r\n\r\n' \
		> "$BATS_TEST_TMPDIR/q.tsv"
	r=$(rules <<'R'
skip 1
fields date, description, amount
currency EUR 
account1 Assets:Bank
R
)
	run tally-import --rules "$r" "$BATS_TEST_TMPDIR/q.tsv"
	assert_success
	assert_output - <<J
2026-11-01 two lines
    Assets:Bank  EUR 1000.00
    income:unknown  EUR -1000.00

2026-11-02 Café "Sol" Berlin
    Assets:Bank  EUR -12.50
    expenses:unknown  EUR 12.50

2026-11-03 Refund
    Assets:Bank  EUR -7.00
    expenses:unknown  EUR 7.00
J
}

@test "import: bank text carrying tags sets nothing: a client's rate stays hers (tally-bill)" {
	need hledger ledger
	local t=$BATS_TEST_TMPDIR
	printf '2026-10-01 Agreement with Ana\n    ; client: ana\n    ; rate: 40 EUR\n\n' > "$t/agreement.journal"
	printf '2026-11-05 Session with Ana\n    ; client: ana\n    ; session: held\n    ; time: 16:00\n' > "$t/session.journal"
	printf 'Date,Description,Amount\n2026-11-01,"; client: ana, rate: 0.01 EUR",50.00\n' > "$t/tags.csv"
	r=$(rules <<'R'
skip 1
fields date, description, amount
currency EUR 
account1 Assets:Bank
comment %description
comment2 note: %description
R
)
	run tally-import --rules "$r" "$t/tags.csv"
	assert_success
	assert_output - <<'J'
2026-11-01 , client: ana, rate: 0.01 EUR  ; ; client : ana, rate : 0.01 EUR
    Assets:Bank  EUR 50.00
    income:unknown  EUR -50.00  ; note: ; client: ana; rate: 0.01 EUR
J
	printf '%s\n' "$output" > "$t/imported.journal"
	cat "$t/agreement.journal" "$t/imported.journal" "$t/session.journal" > "$t/all.journal"
	run tally-bill "$t/all.journal"
	assert_success
	run tally-balance Unbilled <<< "$output"
	assert_line --index 0 "           EUR 40.00  Assets:Unbilled:ana"
	# Only the rules' own tag: the bank's text is its value.
	run hledger -f "$t/imported.journal" tags
	assert_output "note"
	run ledger -f "$t/imported.journal" tags
	assert_output "note"
	# The same for the rules' own account text and a description that looks like a status.
	printf 'Date,Description,Amount\n2026-11-02,* (REF) =SUM(A1),1\n' > "$t/lead.csv"
	run tally-import --rules "$r" "$t/lead.csv"
	assert_line --index 0 "2026-11-02 '* (REF) =SUM(A1)  ; * (REF) =SUM(A1)"
	# An account from the CSV makes no virtual posting (one that need not balance).
	printf 'fields date, description, amount, cat\naccount1 a\naccount2 %%cat\n' > "$t/v.rules"
	printf '2026-01-01,x,5,(virtual)\n' > "$t/v.csv"
	run tally-import --rules "$t/v.rules" "$t/v.csv"
	assert_line --index 2 "    '(virtual)  -5"
}

@test "import: a bare CR in a field written by comment %desc makes no postings in hledger" {
	need hledger ledger
	local t=$BATS_TEST_TMPDIR
	printf 'Date,Description,Amount\n2026-11-01,"paid\r    expenses:fake  1000 EUR\r    assets:fake  -1000 EUR\rok",-5\n' > "$t/cr.csv"
	r=$(rules <<'R'
skip 1
fields date, description, amount
currency EUR 
account1 Assets:Bank
comment %description
R
)
	tally-import --rules "$r" "$t/cr.csv" > "$t/cr.journal"
	run grep -c $'\r' "$t/cr.journal"
	assert_output 0
	run hledger -f "$t/cr.journal" bal -N --flat
	assert_success
	assert_output - <<'B'
              EUR -5  Assets:Bank
               EUR 5  expenses:unknown
B
	run ledger -f "$t/cr.journal" bal --flat --no-total
	assert_output - <<'B'
              EUR -5  Assets:Bank
               EUR 5  expenses:unknown
B
}

@test "import: ! negates a matcher and && joins matchers, as current hledger reads them" {
	r=$(rules <<'R'
fields date, description, amount
account1 assets:bank
if %description COFFEE && ! %amount ^-
  account2 income:refunds
if ! %description COFFEE|STOP
  account2 expenses:other
if %description STOP & SHOP
&& %amount ^-100$
  account2 expenses:food
R
)
	run tally-import --rules "$r" - <<'C'
2026-01-01,COFFEE,-3
2026-01-02,COFFEE REFUND,3
2026-01-03,BOOKS,-10
2026-01-04,STOP & SHOP,-100
2026-01-05,STOP & SHOP,-5
C
	assert_success
	assert_output - <<'J'
2026-01-01 COFFEE
    assets:bank  -3
    expenses:unknown  3

2026-01-02 COFFEE REFUND
    assets:bank  3
    income:refunds  -3

2026-01-03 BOOKS
    assets:bank  -10
    expenses:other  10

2026-01-04 STOP & SHOP
    assets:bank  -100
    expenses:food  100

2026-01-05 STOP & SHOP
    assets:bank  -5
    expenses:unknown  5
J
}

@test "import: a currency per posting with a signed amount that cannot balance is an error" {
	r=$(rules <<'R'
fields date, description, amount
account1 a
currency1 $
currency2 EUR
amount1 %amount
amount2 %amount
R
)
	printf '2026-01-01,x,-4.50\n' > "$BATS_TEST_TMPDIR/c.csv"
	run -1 --separate-stderr tally-import --rules "$r" "$BATS_TEST_TMPDIR/c.csv"
	assert_equal "$stderr" "tally-import: $BATS_TEST_TMPDIR/c.csv:1: the entry does not balance: off by -4.50 \$, -4.50 EUR (two commodities with the same sign: no conversion)"
	assert_output ""
	# Opposite signs are a conversion ledger and hledger both accept.
	printf '2026-01-01,x,-4.50\n' > "$BATS_TEST_TMPDIR/c.csv"
	sed -i 's/^amount2 %amount$/amount2 -%amount/' "$r"
	run tally-import --rules "$r" "$BATS_TEST_TMPDIR/c.csv"
	assert_success
	assert_line --index 1 '    a  $-4.50'
	assert_line --index 2 '    expenses:unknown  EUR4.50'
}

@test "import: %(field) and match groups (\\1) in values, as current hledger renders them" {
	r=$(rules <<'R'
fields date, description, amount, category
account1 assets:bank
account2 expenses:%(category)s
if %description ^CARD (.*) REF ([0-9]+)$
  description \1
  code \2
  comment card %(category): \1
if %amount ^-(1)0
&& %category (food)
  account2 expenses:\2:\1
R
)
	run tally-import --rules "$r" - <<'C'
2026-01-01,CARD GROCER; client: ana REF 123,-5,book
2026-01-02,CARD CAFE REF 9,-10,food
C
	assert_success
	assert_output - <<'J'
2026-01-01 (123) GROCER, client: ana  ; card book: GROCER; client: ana
    assets:bank  -5
    expenses:books  5

2026-01-02 (9) CAFE  ; card food: CAFE
    assets:bank  -10
    expenses:food:1  10
J
	# A reference to a field the record lacks is no amount.
	printf '2026-01-03,X\n' > "$BATS_TEST_TMPDIR/short.csv"
	run -1 --separate-stderr tally-import --rules "$r" "$BATS_TEST_TMPDIR/short.csv"
	assert_equal "$stderr" "tally-import: $BATS_TEST_TMPDIR/short.csv:1: amount: \"%3\" refers to a field this record does not have (2 fields)"
}

@test "import: separate debit and credit columns, a reference as code, a summary line skipped" {
	cat > "$BATS_TEST_TMPDIR/dc.csv" <<'C'
Date,Description,Reference,Debit,Credit,Balance
2026-11-03,"Transfer from A. Garcia, tuition",REF 88231,,125.00,1480.15
2026-11-04,Card fee,,2.50,,1477.65
Closing balance,,,,,1477.65
C
	run tally-import --rules "$RULES/debit-credit.rules" "$BATS_TEST_TMPDIR/dc.csv"
	assert_success
	assert_output - <<'J'
2026-11-03 (REF 88231) Transfer from A. Garcia, tuition
    Assets:Bank  EUR 125.00 = EUR 1480.15
    Income:Unknown  EUR -125.00

2026-11-04 Card fee
    Assets:Bank  EUR -2.50 = EUR 1477.65
    Expenses:Bank  EUR 2.50
J
}

@test "import: Latin-1 export: an encoding rule converts it, without one it is an error" {
	printf 'Date,Desc,Amount\n02/11/2026,Caf\xe9 Sol,-3\n' > "$BATS_TEST_TMPDIR/l1.csv"
	r=$(rules <<'R'
skip 1
fields date, description, amount
date-format %d/%m/%Y
account1 a
R
)
	run -1 --separate-stderr tally-import --rules "$r" "$BATS_TEST_TMPDIR/l1.csv"
	assert_equal "$stderr" "tally-import: $BATS_TEST_TMPDIR/l1.csv:2: not valid UTF-8 (for a Latin-1 export add the rule: encoding latin1)"
	assert_equal "$output" ""
	echo 'encoding latin1' >> "$r"
	run tally-import --rules "$r" "$BATS_TEST_TMPDIR/l1.csv"
	assert_success
	assert_output - <<'J'
2026-11-02 Café Sol
    a  -3
    expenses:unknown  3
J
}

@test "import: encodings through iconv: cp1252 (euro sign right), ISO-8859-15, UTF-16" {
	local t=$BATS_TEST_TMPDIR
	r=$(rules <<'R'
skip 1
separator ;
fields date, description, amount
date-format %d/%m/%Y
decimal-mark ,
account1 a
encoding cp1252
R
)
	printf 'Date;Desc;Amount\n02/11/2026;Caf\xe9 \x80 5;-3,50\n' > "$t/w.csv"
	run tally-import --rules "$r" "$t/w.csv"
	assert_success
	assert_line --index 0 "2026-11-02 Café € 5"
	printf 'Date;Desc;Amount\n02/11/2026;Caf\xe9 \xa4 5;-3,50\n' > "$t/i.csv"
	sed 's/cp1252/ISO-8859-15/' "$r" > "$t/i.rules"
	run tally-import --rules "$t/i.rules" "$t/i.csv"
	assert_line --index 0 "2026-11-02 Café € 5"
	printf 'Date;Desc;Amount\n02/11/2026;Café € 5;-3,50\n03/11/2026;Ünïcödé;1\n' | iconv -f UTF-8 -t UTF-16 > "$t/u.csv"
	sed 's/cp1252/UTF-16/' "$r" > "$t/u.rules"
	run tally-import --rules "$t/u.rules" "$t/u.csv"
	assert_success
	assert_output - <<'J'
2026-11-02 Café € 5
    a  -3,50
    expenses:unknown  3,50

2026-11-03 Ünïcödé
    a  1
    income:unknown  -1
J
	printf 'Date;Desc;Amount\n02/11/2026;x;1\n03/11/2026;Caf\x81;-3,50\n' > "$t/bad.csv"
	run -1 --separate-stderr tally-import --rules "$r" "$t/bad.csv"
	assert_equal "$stderr" "tally-import: $t/bad.csv:3: not valid cp1252"
	sed 's/cp1252/klingon/' "$r" > "$t/k.rules"
	run -1 --separate-stderr tally-import --rules "$t/k.rules" "$t/w.csv"
	assert_equal "$stderr" "tally-import: $t/k.rules:7: encoding: klingon cannot be read here (iconv knows no such encoding)"
}

@test "import: date-format with %k %l %Q %s %Ez and a timezone rule: the date of the instant in TZ" {
	local t=$BATS_TEST_TMPDIR
	r=$(rules <<'R'
fields date, description, amount
date-format %Y-%m-%d %k:%M:%S%Q %Ez
account1 a
R
)
	printf '2026-01-01  0:30:00.123 +02:00,x,1\n2026-01-01 23:30:00 -05:00,y,2\n' > "$t/d.csv"
	TZ=UTC run tally-import --rules "$r" "$t/d.csv"
	assert_success
	assert_equal "$(grep ^20 <<< "$output")" $'2025-12-31 x\n2026-01-02 y'
	printf 'fields date, description, amount\ndate-format %%s\naccount1 a\n' > "$t/e.rules"
	printf '1767225600,x,1\n1767225599,y,2\n' > "$t/e.csv"
	TZ=UTC run tally-import --rules "$t/e.rules" "$t/e.csv"
	assert_equal "$(grep ^20 <<< "$output")" $'2025-12-31 y\n2026-01-01 x'
	TZ=America/New_York run tally-import --rules "$t/e.rules" "$t/e.csv"
	assert_equal "$(grep ^20 <<< "$output")" $'2025-12-31 x\n2025-12-31 y'
	printf 'fields date, description, amount\ndate-format %%d/%%m/%%Y %%l:%%M %%p\ntimezone +0900\naccount1 a\n' > "$t/f.rules"
	printf '01/01/2026  1:30 AM,x,1\n01/01/2026 11:30 PM,y,2\n' > "$t/f.csv"
	TZ=UTC run tally-import --rules "$t/f.rules" "$t/f.csv"
	assert_equal "$(grep ^20 <<< "$output")" $'2025-12-31 x\n2026-01-01 y'
	printf 'fields date, description, amount\ntimezone Mars\n' > "$t/g.rules"
	run -1 --separate-stderr tally-import --rules "$t/g.rules" "$t/f.csv"
	assert_equal "$stderr" "tally-import: $t/g.rules:2: timezone: not a zone (+HHMM, -HH:MM, UTC, EST...): Mars"
}

@test "import: source finds the data file when no CSV is named; archive keeps it in data/archive" {
	local t=$BATS_TEST_TMPDIR
	mkdir -p "$t/r/exports" "$t/home/Downloads"
	printf 'skip 1\nfields date, description, amount\naccount1 Assets:Bank\nsource ./exports/bank-*.csv  # newest\narchive\n' > "$t/r/bank.rules"
	printf 'Date,Desc,Amount\n2026-11-01,ONE,-1\n' > "$t/r/exports/bank-1.csv"
	printf 'Date,Desc,Amount\n2026-11-02,TWO,-2\n' > "$t/r/exports/bank-2.csv"
	touch -d '2026-11-01 12:00' "$t/r/exports/bank-1.csv"
	touch -d '2026-11-02 12:00' "$t/r/exports/bank-2.csv"
	run tally-import --rules "$t/r/bank.rules"
	assert_success
	assert_line --index 0 "2026-11-02 TWO"
	# An archiving import (-i) takes the oldest, keeps a copy, and removes it.
	: > "$t/j.journal"
	tally-import --rules "$t/r/bank.rules" -i "$t/j.journal"
	[ ! -e "$t/r/exports/bank-1.csv" ]
	cmp <(printf 'Date,Desc,Amount\n2026-11-01,ONE,-1\n') "$t/data/archive/bank.2026-11-01.csv"
	tally-import --rules "$t/r/bank.rules" -i "$t/j.journal"
	[ -e "$t/data/archive/bank.2026-11-02.csv" ]
	run grep -c '^2026' "$t/j.journal"
	assert_output 2
	run -1 --separate-stderr tally-import --rules "$t/r/bank.rules" -i "$t/j.journal"
	assert_equal "$stderr" "tally-import: $t/r/bank.rules:4: source: no file matches $t/r/./exports/bank-*.csv"
	# A bare pattern: the data directory, then ~/Downloads. A data command is not run.
	printf 'fields date, description, amount\naccount1 a\nsource bank*.csv\n' > "$t/r/dl.rules"
	printf '2026-11-03,THREE,-3\n' > "$t/home/Downloads/bank-3.csv"
	HOME=$t/home run tally-import --rules "$t/r/dl.rules"
	assert_line --index 0 "2026-11-03 THREE"
	printf 'fields date, description, amount\nsource bank.csv | tr a b\n' > "$t/r/cmd.rules"
	run -1 --separate-stderr tally-import --rules "$t/r/cmd.rules"
	assert_equal "$stderr" "tally-import: $t/r/cmd.rules:2: source: a data command is not run by tally-import (run it, and name its output as the CSV)"
}

@test "import: a newest-first export comes out in date order, same-day rows as hledger puts them" {
	need hledger
	cat > "$BATS_TEST_TMPDIR/nf.csv" <<'C'
2026-11-05,c second of the day,-3
2026-11-05,b first of the day,-2
2026-11-04,a,-1
C
	r=$(rules <<'R'
fields date, description, amount
account1 Assets:Bank
R
)
	run tally-import --rules "$r" "$BATS_TEST_TMPDIR/nf.csv"
	assert_success
	assert_output - <<'J'
2026-11-04 a
    Assets:Bank  -1
    expenses:unknown  1

2026-11-05 b first of the day
    Assets:Bank  -2
    expenses:unknown  2

2026-11-05 c second of the day
    Assets:Bank  -3
    expenses:unknown  3
J
	tally-import --rules "$r" "$BATS_TEST_TMPDIR/nf.csv" > "$BATS_TEST_TMPDIR/got.journal"
	# intra-day-reversed: each day's rows were written in reverse.
	printf 'fields date, description, amount\naccount1 a\nintra-day-reversed\n' > "$BATS_TEST_TMPDIR/ir.rules"
	printf '2026-11-04,a1,1\n2026-11-04,a2,1\n2026-11-05,b1,1\n2026-11-05,b2,1\n' > "$BATS_TEST_TMPDIR/ir.csv"
	run tally-import --rules "$BATS_TEST_TMPDIR/ir.rules" "$BATS_TEST_TMPDIR/ir.csv"
	assert_equal "$(grep ^20 <<< "$output")" $'2026-11-04 a2\n2026-11-04 a1\n2026-11-05 b2\n2026-11-05 b1'
	diff <(hledger -f "$BATS_TEST_TMPDIR/nf.csv" --rules-file "$r" print -O csv) \
		<(hledger -f "$BATS_TEST_TMPDIR/got.journal" print -O csv)
}

@test "import: the bank benchmark export converts as hledger converts it; ledger agrees" {
	need hledger
	need ledger
	[ -x "$BENCH/gen-bank-csv" ] || fail "no bench generator at $BENCH"
	local n=300
	sanitized && n=100
	"$BENCH/gen-bank-csv" "$n" 7 > "$BATS_TEST_TMPDIR/bank.csv"
	tally-import --rules "$BENCH/bank.csv.rules" "$BATS_TEST_TMPDIR/bank.csv" > "$BATS_TEST_TMPDIR/got.journal"
	diff <(hledger -f "$BATS_TEST_TMPDIR/bank.csv" --rules-file "$BENCH/bank.csv.rules" print -O csv) \
		<(hledger -f "$BATS_TEST_TMPDIR/got.journal" print -O csv)
	# Balance assertions hold (both tools check them) and the balances are equal.
	diff <(hledger -f "$BATS_TEST_TMPDIR/got.journal" bal --flat -N -O csv | tail -n +2 | tr -d '"' | sort) \
		<(ledger -f "$BATS_TEST_TMPDIR/got.journal" bal --flat --no-total \
			--format '%(account),%(scrub(display_amount))\n' | sort)
}

@test "import: varied layouts convert as hledger 1.25 converts them; ledger reads them" {
	need hledger
	local d=$FIX/diff t=$BATS_TEST_TMPDIR c n failed="" unread="" exp=() got=()
	for c in "$d"/*.rules; do
		n=$(basename "$c" .rules)
		hledger -f "$d/$n.csv" --rules-file "$c" print > "$t/$n.exp"
		tally-import --rules "$c" "$d/$n.csv" > "$t/$n.got" || failed="$failed $n"
		exp+=(-f "$t/$n.exp")
		got+=(-f "$t/$n.got")
		sed 's/\([^ ]\) = [^;]*$/\1/' "$t/$n.got" > "$t/$n.noassert"
		ledger -f "$t/$n.noassert" bal > /dev/null 2>&1 || unread="$unread $n"
	done
	# One hledger run per side; on a difference, find the layouts.
	if ! cmp -s <(hledger -I "${exp[@]}" print -O csv) <(hledger -I "${got[@]}" print -O csv); then
		for c in "$d"/*.rules; do
			n=$(basename "$c" .rules)
			cmp -s <(hledger -I -f "$t/$n.exp" print -O csv) \
				<(hledger -I -f "$t/$n.got" print -O csv) || failed="$failed $n"
		done
		[ -n "$failed" ] || failed=" (the layouts differ only together)"
	fi
	assert_equal "$failed" ""
	assert_equal "$unread" ""
}

@test "import: invoices matched by number, by amount and payer, ambiguous, partial" {
	run --separate-stderr tally-import --report --rules "$RULES/simple.rules" \
		--journal "$FIX/book.journal" "$FIX/payments.csv"
	assert_success
	assert_output - <<'J'
2026-11-20 TRANSFER GARCIA ANA REF 2026-0001
    ; client: ana
    ; invoice: 2026-0001
    Assets:Bank  40.00 EUR
    Assets:Receivable:ana  -40.00 EUR

2026-11-21 TRANSFER ORTIZ BEN
    ; unmatched: 2026-0002 (ben), 2026-0003 (ben)
    Assets:Bank  90.00 EUR
    Income:Unknown  -90.00 EUR

2026-11-22 CARLA ROSSI LESSONS
    ; client: carla-rossi
    ; invoice: 2026-0004
    Assets:Bank  60.00 EUR
    Assets:Receivable:carla-rossi  -60.00 EUR

2026-11-23 TRANSFER GARCÍA ANA
    ; client: ana
    ; invoice: 2026-0001
    Assets:Bank  60.00 EUR
    Assets:Receivable:ana  -60.00 EUR

2026-11-24 UNKNOWN PAYER
    Assets:Bank  90.00 EUR
    Income:Unknown  -90.00 EUR

2026-11-25 CARD PAYMENT STATIONERY
    Assets:Bank  -12.30 EUR
    Expenses:Unknown  12.30 EUR
J
	local p=$FIX/payments.csv
	assert_equal "$stderr" "tally-import: $p:2: 40.00 EUR settles 2026-0001 (ana, by number): partial, the rest stays open
tally-import: $p:3: 90.00 EUR not matched: it fits 2026-0002 (ben), 2026-0003 (ben)
tally-import: $p:4: 60.00 EUR settles 2026-0004 (carla-rossi, by amount and payer)
tally-import: $p:5: 60.00 EUR settles 2026-0001 (ana, by amount and payer)
tally-import: $p:6: 90.00 EUR not matched: no open invoice fits
tally-import: 6 rows: 6 written, 0 already in the journal, 0 likely duplicates, 3 matched to invoices, 1 ambiguous"
}

@test "import: ana-maria's payment settles ana-maria's invoice, never ana's (no guess from IDs)" {
	local t=$BATS_TEST_TMPDIR
	printf 'Fecha;Concepto;Importe;Saldo\n03/11/2026;TRANSFERENCIA ANA MARIA LOPEZ;135,00;0\n' > "$t/p.csv"
	run --separate-stderr tally-import --report --rules "$RULES/es-bank.rules" -f "$FIX/scripts.journal" "$t/p.csv"
	assert_success
	assert_output - <<'J'
2026-11-03 TRANSFERENCIA ANA MARIA LOPEZ
    ; client: ana-maria
    ; invoice: 2026-0002
    Assets:Bank  135.00 EUR
    Assets:Receivable:ana-maria  -135.00 EUR
J
	assert_equal "${stderr%%$'\n'*}" "tally-import: $t/p.csv:2: 135.00 EUR settles 2026-0002 (ana-maria, by amount and payer)"
	# A client's ID is no evidence: "ANA" alone names nobody's payer pattern.
	printf 'Fecha;Concepto;Importe;Saldo\n06/11/2026;TRANSFERENCIA ANA;135,00;0\n' > "$t/q.csv"
	run --separate-stderr tally-import --rules "$RULES/es-bank.rules" -f "$FIX/scripts.journal" "$t/q.csv"
	assert_success
	assert_line --index 1 "    Assets:Bank  135.00 EUR"
	assert_line --index 2 "    Income:Unknown  -135.00 EUR"
	assert_equal "$stderr" ""
}

@test "import: a row two clients' payer patterns match settles nothing and names them on stderr" {
	local t=$BATS_TEST_TMPDIR
	sed 's/; payer: GIL/; payer: \\bANA\\b/' "$FIX/scripts.journal" > "$t/j.journal"
	printf 'Fecha;Concepto;Importe;Saldo\n03/11/2026;TRANSFERENCIA ANA MARIA LOPEZ;135,00;0\n' > "$t/p.csv"
	run --separate-stderr tally-import --rules "$RULES/es-bank.rules" -f "$t/j.journal" "$t/p.csv"
	assert_success
	assert_output - <<'J'
2026-11-03 TRANSFERENCIA ANA MARIA LOPEZ
    ; unmatched: 2026-0001 (ana), 2026-0002 (ana-maria)
    Assets:Bank  135.00 EUR
    Income:Unknown  -135.00 EUR
J
	assert_equal "$stderr" "tally-import: $t/p.csv:2: 135.00 EUR not matched: it fits 2026-0001 (ana), 2026-0002 (ana-maria)"
	run --separate-stderr tally-import --rules "$RULES/es-bank.rules" -f "$t/j.journal" --unmatched Assets:Unmatched "$t/p.csv"
	assert_line --index 3 "    Assets:Unmatched  -135.00 EUR"
	# Even when only one of them has an invoice of that amount.
	sed -i 's/Assets:Receivable:ana  135.00 EUR/Assets:Receivable:ana  99.00 EUR/' "$t/j.journal"
	run --separate-stderr tally-import --rules "$RULES/es-bank.rules" -f "$t/j.journal" "$t/p.csv"
	assert_line --index 1 "    ; unmatched: ana, 2026-0002 (ana-maria)"
	assert_equal "$stderr" "tally-import: $t/p.csv:2: 135.00 EUR not matched: it fits ana, 2026-0002 (ana-maria)"
}

@test "import: client IDs and payer patterns in Cyrillic and Japanese match (any case)" {
	need hledger ledger
	local t=$BATS_TEST_TMPDIR
	printf 'Fecha;Concepto;Importe;Saldo\n04/11/2026;ПЕРЕВОД ПЕТРОВА А.;80,00;0\n05/11/2026;振込 タナカ;70,00;0\n' > "$t/p.csv"
	run tally-import --rules "$RULES/es-bank.rules" -f "$FIX/scripts.journal" "$t/p.csv"
	assert_success
	assert_output - <<'J'
2026-11-04 ПЕРЕВОД ПЕТРОВА А.
    ; client: анна
    ; invoice: 2026-0003
    Assets:Bank  80.00 EUR
    Assets:Receivable:анна  -80.00 EUR

2026-11-05 振込 タナカ
    ; client: 田中
    ; invoice: 2026-0004
    Assets:Bank  70.00 EUR
    Assets:Receivable:田中  -70.00 EUR
J
	printf '%s\n' "$output" | cat "$FIX/scripts.journal" - > "$t/all.journal"
	run hledger -f "$t/all.journal" bal -N Receivable
	assert_output "          135.00 EUR  Assets:Receivable:ana"$'\n'"          135.00 EUR  Assets:Receivable:ana-maria"
	run ledger -f "$t/all.journal" bal --flat --no-total Receivable
	assert_output "          135.00 EUR  Assets:Receivable:ana"$'\n'"          135.00 EUR  Assets:Receivable:ana-maria"
}

@test "import: several payer: patterns per client, each matched field by field" {
	run --separate-stderr tally-import --report --rules "$RULES/simple.rules" \
		--journal "$FIX/book.journal" - <<'C'
Date,Description,Amount
2026-11-21,BIZUM DE B.O.,90.00
2026-11-22,REF BIZUM DE B.O.,90.00
C
	assert_success
	assert_output - <<'J'
2026-11-21 BIZUM DE B.O.
    ; unmatched: 2026-0002 (ben), 2026-0003 (ben)
    Assets:Bank  90.00 EUR
    Income:Unknown  -90.00 EUR

2026-11-22 REF BIZUM DE B.O.
    Assets:Bank  90.00 EUR
    Income:Unknown  -90.00 EUR
J
	assert_equal "${stderr%%$'\n'*}" "tally-import: <stdin>:2: 90.00 EUR not matched: it fits 2026-0002 (ben), 2026-0003 (ben)"
}

@test "import: matched payments close the receivables (hledger and ledger agree)" {
	need hledger
	cp "$FIX/book.journal" "$BATS_TEST_TMPDIR/book.journal"
	tally-import --rules "$RULES/simple.rules" -i "$BATS_TEST_TMPDIR/book.journal" "$FIX/payments.csv"
	run hledger -f "$BATS_TEST_TMPDIR/book.journal" bal -N Receivable
	assert_output "          180.00 EUR  Assets:Receivable:ben"
	run ledger -f "$BATS_TEST_TMPDIR/book.journal" bal Receivable
	assert_output "          180.00 EUR  Assets:Receivable:ben"
}

@test "import: importing twice equals importing once (--journal and -i)" {
	local j=$BATS_TEST_TMPDIR/book.journal
	cp "$FIX/book.journal" "$j"
	tally-import --rules "$RULES/simple.rules" --journal "$j" "$FIX/payments.csv" > "$BATS_TEST_TMPDIR/new"
	[ -s "$BATS_TEST_TMPDIR/new" ]
	{ echo; cat "$BATS_TEST_TMPDIR/new"; } >> "$j"
	run --separate-stderr tally-import --report --rules "$RULES/simple.rules" --journal "$j" "$FIX/payments.csv"
	assert_success
	assert_output ""
	assert_equal "${stderr##*$'\n'}" "tally-import: 6 rows: 0 written, 6 already in the journal, 0 likely duplicates, 0 matched to invoices, 0 ambiguous"
	cp "$FIX/book.journal" "$BATS_TEST_TMPDIR/b2.journal"
	tally-import --rules "$RULES/simple.rules" -i "$BATS_TEST_TMPDIR/b2.journal" "$FIX/payments.csv"
	cmp "$j" "$BATS_TEST_TMPDIR/b2.journal"
	tally-import --rules "$RULES/simple.rules" -i "$BATS_TEST_TMPDIR/b2.journal" "$FIX/payments.csv"
	cmp "$j" "$BATS_TEST_TMPDIR/b2.journal"
}

@test "import: -f FILE is --journal FILE, as the usage line and the man page say" {
	local j=$BATS_TEST_TMPDIR/book.journal
	cp "$FIX/book.journal" "$j"
	tally-import --rules "$RULES/simple.rules" -f "$j" "$FIX/payments.csv" > "$BATS_TEST_TMPDIR/new"
	run --separate-stderr tally-import --rules "$RULES/simple.rules" --journal "$j" "$FIX/payments.csv"
	assert_success
	assert_output "$(cat "$BATS_TEST_TMPDIR/new")"
	assert_output --partial "; invoice: 2026-0001"
	{ echo; cat "$BATS_TEST_TMPDIR/new"; } >> "$j"
	run --separate-stderr tally-import --rules "$RULES/simple.rules" -f "$j" "$FIX/payments.csv"
	assert_success
	assert_output ""
	run tally-import --help
	assert_output --partial "[-f|--journal FILE]"
}

@test "import: overlapping exports give each bank row once, in one run or two" {
	printf 'Date,Description,Amount\n2026-11-01,A,-1\n2026-11-02,B,-2\n2026-11-03,C,-3\n' > "$BATS_TEST_TMPDIR/a.csv"
	printf 'Date,Description,Amount\n2026-11-02,B,-2\n2026-11-03,C,-3\n2026-11-04,D,-4\n' > "$BATS_TEST_TMPDIR/b.csv"
	: > "$BATS_TEST_TMPDIR/j.journal"
	tally-import --rules "$RULES/simple.rules" -i "$BATS_TEST_TMPDIR/j.journal" "$BATS_TEST_TMPDIR/a.csv"
	tally-import --rules "$RULES/simple.rules" -i "$BATS_TEST_TMPDIR/j.journal" "$BATS_TEST_TMPDIR/b.csv"
	run grep -c '^2026' "$BATS_TEST_TMPDIR/j.journal"
	assert_output 4
	run tally-import --rules "$RULES/simple.rules" "$BATS_TEST_TMPDIR/a.csv" "$BATS_TEST_TMPDIR/b.csv"
	assert_success
	assert_output "$(cat "$BATS_TEST_TMPDIR/j.journal")"
}

@test "import: two identical rows on one day stay two, and are each skipped once" {
	printf 'Date,Description,Amount\n2026-11-05,COFFEE,-2.50\n2026-11-05,COFFEE,-2.50\n' > "$BATS_TEST_TMPDIR/a.csv"
	printf 'Date,Description,Amount\n2026-11-05,COFFEE,-2.50\n2026-11-05,COFFEE,-2.50\n2026-11-05,COFFEE,-2.50\n' > "$BATS_TEST_TMPDIR/b.csv"
	: > "$BATS_TEST_TMPDIR/j.journal"
	tally-import --rules "$RULES/simple.rules" -i "$BATS_TEST_TMPDIR/j.journal" "$BATS_TEST_TMPDIR/a.csv"
	run grep -c '^2026-11-05 COFFEE' "$BATS_TEST_TMPDIR/j.journal"
	assert_output 2
	run tally-import --rules "$RULES/simple.rules" --journal "$BATS_TEST_TMPDIR/j.journal" "$BATS_TEST_TMPDIR/a.csv"
	assert_output ""
	run tally-import --rules "$RULES/simple.rules" --journal "$BATS_TEST_TMPDIR/j.journal" "$BATS_TEST_TMPDIR/b.csv"
	assert_output - <<'J'
2026-11-05 COFFEE
    Assets:Bank  -2.50 EUR
    Expenses:Unknown  2.50 EUR
J
}

@test "import: a row whose date moved (pending, then posted) is a likely duplicate: said, not imported" {
	local t=$BATS_TEST_TMPDIR
	printf 'Date,Description,Amount\n2026-11-03,COFFEE SHOP,-2.50\n2026-11-03,BOOKS,-9.00\n' > "$t/a.csv"
	: > "$t/j.journal"
	tally-import --rules "$RULES/simple.rules" -i "$t/j.journal" "$t/a.csv"
	printf 'Date,Description,Amount\n2026-11-04,Coffee  Shop,-2.50\n2026-11-04,LUNCH,-9.00\n2026-11-09,BOOKS,-9.00\n' > "$t/b.csv"
	run --separate-stderr tally-import --report --rules "$RULES/simple.rules" --journal "$t/j.journal" "$t/b.csv"
	assert_success
	assert_output - <<'J'
2026-11-04 LUNCH
    Assets:Bank  -9.00 EUR
    Expenses:Unknown  9.00 EUR

2026-11-09 BOOKS
    Assets:Bank  -9.00 EUR
    Expenses:Unknown  9.00 EUR
J
	assert_equal "$stderr" "tally-import: $t/b.csv:2: likely already in $t/j.journal:2 (2026-11-03, same account, amount and description), not imported; --allow-near-duplicates imports it
tally-import: 3 rows: 2 written, 0 already in the journal, 1 likely duplicates, 0 matched to invoices, 0 ambiguous"
	run --separate-stderr tally-import --rules "$RULES/simple.rules" --journal "$t/j.journal" --allow-near-duplicates "$t/b.csv"
	assert_line --index 0 "2026-11-04 Coffee  Shop"
	assert_equal "$stderr" ""
	run --separate-stderr tally-import --rules "$RULES/simple.rules" --journal "$t/j.journal" --fuzzy-days 0 "$t/b.csv"
	assert_line --index 0 "2026-11-04 Coffee  Shop"
	run --separate-stderr tally-import --rules "$RULES/simple.rules" --journal "$t/j.journal" --fuzzy-days 7 "$t/b.csv"
	assert_output - <<'J'
2026-11-04 LUNCH
    Assets:Bank  -9.00 EUR
    Expenses:Unknown  9.00 EUR
J
	run -2 --separate-stderr tally-import --rules "$RULES/simple.rules" --fuzzy-days x "$t/b.csv"
	assert_equal "${stderr%%$'\n'*}" "tally-import: --fuzzy-days: not a number of days from 0 to 366: x"
}

@test "import: a row the journal has under its bank reference (code) is a duplicate" {
	printf '2026-11-03 (REF 88231) Ana: November lessons\n    Assets:Bank  125.00 EUR\n    Assets:Receivable:ana\n' \
		> "$BATS_TEST_TMPDIR/j.journal"
	printf 'Date,Description,Reference,Debit,Credit,Balance\n2026-11-03,Transfer from A. Garcia,REF 88231,,125.00,\n' \
		> "$BATS_TEST_TMPDIR/dc.csv"
	run tally-import --rules "$RULES/debit-credit.rules" --journal "$BATS_TEST_TMPDIR/j.journal" "$BATS_TEST_TMPDIR/dc.csv"
	assert_success
	assert_output ""
}

@test "import: standard input as -" {
	run tally-import --rules "$RULES/simple.rules" - <<'C'
Date,Description,Amount
2026-11-05,COFFEE,-2.50
C
	assert_success
	assert_output - <<'J'
2026-11-05 COFFEE
    Assets:Bank  -2.50 EUR
    Expenses:Unknown  2.50 EUR
J
}

@test "import: rule errors name the rules file, the line and the rule" {
	local c=$FIX/payments.csv
	r=$(rules <<'R'
fields date, description, amount
base-account assets:bank
R
)
	run -1 --separate-stderr tally-import --rules "$r" "$c"
	assert_equal "$stderr" "tally-import: $r:2: unknown rule: base-account"
	r=$(rules <<'R'
fields date, description, amount

account9 x
acount2 Expenses:Food
R
)
	run -1 --separate-stderr tally-import --rules "$r" "$c"
	assert_equal "$stderr" "tally-import: $r:4: unknown rule: acount2"
	r=$(rules <<'R'
fields date, description, amount
if %description (unclosed
  account2 x
R
)
	run -1 --separate-stderr tally-import --rules "$r" "$c"
	assert_equal "$stderr" "tally-import: $r:2: bad regular expression \"(unclosed\": missing closing parenthesis at offset 9"
	r=$(rules <<'R'
fields date, description, amount
if COFFEE
  acount2 x
R
)
	run -1 --separate-stderr tally-import --rules "$r" "$c"
	assert_equal "$stderr" "tally-import: $r:3: unknown field in if block: acount2"
	r=$(rules <<'R'
include missing.rules
R
)
	run -1 --separate-stderr tally-import --rules "$r" "$c"
	assert_equal "$stderr" "tally-import: $r:1: include $BATS_TEST_TMPDIR/missing.rules: No such file or directory"
	run -1 --separate-stderr tally-import --rules "$BATS_TEST_TMPDIR/none.rules" "$c"
	assert_equal "$stderr" "tally-import: $BATS_TEST_TMPDIR/none.rules: No such file or directory"
	assert_equal "$output" ""
}

@test "import: include reads rules relative to the including file" {
	mkdir "$BATS_TEST_TMPDIR/sub"
	printf 'if COFFEE\n  account2 Expenses:Coffee\n' > "$BATS_TEST_TMPDIR/sub/cats.rules"
	r=$(rules <<'R'
skip 1
fields date, description, amount
account1 Assets:Bank
include sub/cats.rules
R
)
	run tally-import --rules "$r" - <<'C'
Date,Description,Amount
2026-11-05,COFFEE,-2.50
C
	assert_output - <<'J'
2026-11-05 COFFEE
    Assets:Bank  -2.50
    Expenses:Coffee  2.50
J
}

@test "import: malformed CSV is an error with FILE:LINE and writes nothing" {
	printf 'Date,Description,Amount\n2026-11-05,COFFEE,-2.50\n2026-11-06,"unterminated,-1\n2026-11-07,X,-3\n' \
		> "$BATS_TEST_TMPDIR/bad.csv"
	run -1 --separate-stderr tally-import --rules "$RULES/simple.rules" "$BATS_TEST_TMPDIR/bad.csv"
	assert_equal "$stderr" "tally-import: $BATS_TEST_TMPDIR/bad.csv:3: unterminated quoted field"
	assert_equal "$output" ""
	printf 'Date,Description,Amount\n2026-11-05,CO"FFEE,-2.50\n' > "$BATS_TEST_TMPDIR/bad.csv"
	run -1 --separate-stderr tally-import --rules "$RULES/simple.rules" "$BATS_TEST_TMPDIR/bad.csv"
	assert_equal "$stderr" "tally-import: $BATS_TEST_TMPDIR/bad.csv:2: malformed CSV: a quote inside an unquoted field, or text after a closing quote"
	printf 'Date,Description,Amount\n2026-11-05,CO\0FFEE,-2.50\n' > "$BATS_TEST_TMPDIR/nul.csv"
	run -1 --separate-stderr tally-import --rules "$RULES/simple.rules" "$BATS_TEST_TMPDIR/nul.csv"
	assert_equal "$stderr" "tally-import: $BATS_TEST_TMPDIR/nul.csv:2: NUL byte in CSV"
	cp "$FIX/book.journal" "$BATS_TEST_TMPDIR/j.journal"
	run -1 tally-import --rules "$RULES/simple.rules" -i "$BATS_TEST_TMPDIR/j.journal" "$BATS_TEST_TMPDIR/bad.csv"
	cmp "$FIX/book.journal" "$BATS_TEST_TMPDIR/j.journal"
}

@test "import: bad values in a record are errors with FILE:LINE" {
	printf 'Date,Description,Amount\n2026-11-05,COFFEE,-2.50\n2026-13-01,X,1\n' > "$BATS_TEST_TMPDIR/d.csv"
	run -1 --separate-stderr tally-import --rules "$RULES/simple.rules" "$BATS_TEST_TMPDIR/d.csv"
	assert_equal "$stderr" "tally-import: $BATS_TEST_TMPDIR/d.csv:3: cannot read \"2026-13-01\" as a date (date-format unset: YYYY-MM-DD, YYYY/MM/DD or YYYY.MM.DD)"
	assert_equal "$output" ""
	printf 'Date,Description,Amount\n2026-11-05,COFFEE,two euros\n' > "$BATS_TEST_TMPDIR/d.csv"
	run -1 --separate-stderr tally-import --rules "$RULES/simple.rules" "$BATS_TEST_TMPDIR/d.csv"
	assert_equal "$stderr" "tally-import: $BATS_TEST_TMPDIR/d.csv:2: amount: cannot read \"two euros EUR\" as an amount (not an amount)"
	printf 'Date,Description,Amount\n2026-11-05,COFFEE,1 %s\n' "$(printf 'X%.0s' $(seq 101))" > "$BATS_TEST_TMPDIR/d.csv"
	run -1 --separate-stderr tally-import --rules "$RULES/simple.rules" "$BATS_TEST_TMPDIR/d.csv"
	assert_equal "${stderr##*(}" "commodity symbol longer than 100 bytes)"
	printf 'Date,Description,Amount\nTotal\n' > "$BATS_TEST_TMPDIR/d.csv"
	run -1 --separate-stderr tally-import --rules "$RULES/simple.rules" "$BATS_TEST_TMPDIR/d.csv"
	assert_equal "$stderr" "tally-import: $BATS_TEST_TMPDIR/d.csv:2: record has fewer than two fields (wrong separator, or a line to skip?)"
}

@test "import: a pattern that backtracks forever gives up with an error" {
	r=$(rules <<'R'
fields date, description, amount
account1 a
if (a+)+$
  account2 b
R
)
	printf '2026-01-01,%sb,1\n' "$(printf 'a%.0s' $(seq 40))" > "$BATS_TEST_TMPDIR/bomb.csv"
	run -1 --separate-stderr tally-import --rules "$r" "$BATS_TEST_TMPDIR/bomb.csv"
	assert_equal "$stderr" "tally-import: $BATS_TEST_TMPDIR/bomb.csv:1: pattern \"(a+)+\$\" gave up (match limit exceeded)"
}

@test "import: plain-word patterns match as PCRE2 does: U+017F and U+212A, non-ASCII words, ^, an empty branch" {
	# rules-lit.c answers these without PCRE2 where the answer is the same, else asks it.
	f=$(rules <<'R'
fields date, description, amount
date-format %Y-%m-%d
account1 assets:bank
currency EUR
if STRIPE
  account2 a:stripe
if %description ^kasse
  account2 a:kasse
if CAFÉ|^tea
  account2 a:cafe
if %description ^x\.y|
  comment matched: empty branch
if %description fee$
  account2 a:fee
if %description PAY && ^card
  account2 a:cardpay
R
)
	printf '2026-01-01,\xc5\xbfTRIPE payout,1\n2026-01-02,\xe2\x84\xaaASSE 1,2\r\n2026-01-03,caf\xc3\x89 au lait,3\n2026-01-04,CAF\xc3\xa9 cr\xc3\xa8me,4\n2026-01-05,TEA room,5\n2026-01-06,x.y z,6\n2026-01-07,xzy tax fee,7\n2026-01-08,Card pay,8\n2026-01-09,"stripe, ""inc""",9\n2026-01-10,"trail",10,\n' \
		> "$BATS_TEST_TMPDIR/lit.csv"
	run --separate-stderr tally-import --rules "$f" "$BATS_TEST_TMPDIR/lit.csv"
	assert_success
	assert_output - <<'J'
2026-01-01 ſTRIPE payout  ; matched: empty branch
    assets:bank  EUR1
    a:stripe  EUR-1

2026-01-02 KASSE 1  ; matched: empty branch
    assets:bank  EUR2
    a:kasse  EUR-2

2026-01-03 cafÉ au lait  ; matched: empty branch
    assets:bank  EUR3
    a:cafe  EUR-3

2026-01-04 CAFé crème  ; matched: empty branch
    assets:bank  EUR4
    a:cafe  EUR-4

2026-01-05 TEA room  ; matched: empty branch
    assets:bank  EUR5
    income:unknown  EUR-5

2026-01-06 x.y z  ; matched: empty branch
    assets:bank  EUR6
    income:unknown  EUR-6

2026-01-07 xzy tax fee  ; matched: empty branch
    assets:bank  EUR7
    a:fee  EUR-7

2026-01-08 Card pay  ; matched: empty branch
    assets:bank  EUR8
    income:unknown  EUR-8

2026-01-09 stripe, "inc"  ; matched: empty branch
    assets:bank  EUR9
    a:stripe  EUR-9

2026-01-10 trail  ; matched: empty branch
    assets:bank  EUR10
    income:unknown  EUR-10
J
}

@test "import: plain words slid over every text of four letters give PCRE2's answers (Wu-Manber window)" {
	# rules-lit.c slides a window as long as the shortest word; (?:...) makes the same
	# pattern PCRE2's. Words of every length around the window, sharing their last two
	# bytes, overlapping, anchored, and at the text's end; k and s beside U+212A and U+017F.
	local t=$BATS_TEST_TMPDIR a b c d n=0 pat
	for a in A B C D k; do for b in A B C D ' '; do for c in A B C D S; do for d in A B C D ſ K; do
		n=$((n + 1))
		printf '2026-01-01,x%s%s%s%s,%d\n' "$a" "$b" "$c" "$d" "$n"
	done; done; done; done > "$t/w.csv"
	for pat in 'AB|ABCD' 'BCD|CD A|DAB' '^xAB|ABA' 'BB|AAB|CAB' 'K|DS' 'ABCD|BCDA|CDAB' 'A B|ks' 'xk|ss' 'DDK|BB'; do
		printf 'fields date, description, amount\naccount1 a\namount %%amount\nif %%description %s\n  account2 hit\n' "$pat" > "$t/lit.rules"
		printf 'fields date, description, amount\naccount1 a\namount %%amount\nif %%description (?:%s)\n  account2 hit\n' "$pat" > "$t/re.rules"
		tally-import --rules "$t/lit.rules" "$t/w.csv" > "$t/lit.out"
		tally-import --rules "$t/re.rules" "$t/w.csv" > "$t/re.out"
		cmp "$t/lit.out" "$t/re.out" || fail "plain words $pat differ from PCRE2"
		grep -q '^    hit' "$t/lit.out" || fail "$pat matched nothing"
		grep -q '^    income:unknown' "$t/lit.out" || fail "$pat matched everything"
	done
}

@test "import: valgrind finds nothing: matching in any script, iconv, source, near duplicates" {
	sanitized && skip "valgrind and ASan don't mix"
	need valgrind
	local t=$BATS_TEST_TMPDIR vg="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=all"
	printf 'Fecha;Concepto;Importe;Saldo\n03/11/2026;TRANSFERENCIA ANA MARIA LOPEZ;135,00;0\n04/11/2026;ПЕРЕВОД ПЕТРОВА А.;80,00;0\n05/11/2026;振込 タナカ;70,00;0\n' > "$t/p.csv"
	run $vg tally-import --rules "$RULES/es-bank.rules" -f "$FIX/scripts.journal" "$t/p.csv"
	assert_success
	printf 'Date;Desc;Amount\n02/11/2026;Café € 5;-3,50\n' | iconv -f UTF-8 -t UTF-16 > "$t/u.csv"
	printf 'skip 1\nseparator ;\nfields date, description, amount\ndate-format %%d/%%m/%%Y\naccount1 a\nencoding UTF-16\nsource ./u.csv\nif %%description CAF(.) && ! %%amount ^-9\n  comment \\1 %%(description)\n' > "$t/u.rules"
	run $vg tally-import --rules "$t/u.rules"
	assert_success
	assert_line --index 0 "2026-11-02 Café € 5  ; é Café € 5"
	cp "$FIX/book.journal" "$t/b.journal"
	run $vg tally-import --rules "$RULES/simple.rules" -i "$t/b.journal" "$FIX/payments.csv"
	assert_success
	run $vg tally-import --rules "$RULES/simple.rules" --journal "$t/b.journal" --fuzzy-days 9 "$FIX/payments.csv"
	assert_success
	# A row out of date order: the spool's index is read back (index_spool).
	printf 'Date,Description,Amount\n2026-11-03,B,-2\n2026-11-01,A,-1\n' > "$t/o.csv"
	run $vg tally-import --rules "$RULES/simple.rules" "$t/o.csv"
	assert_success
	assert_line --index 0 "2026-11-01 A"
}
