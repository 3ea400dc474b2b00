#!/usr/bin/env bats
# tally-statement: the month-end statement per client. Balances are checked against ledger,
# privacy (nothing of another client) for every client, HTML escaping, en/es formatting.
load helper

F=$FIXTURES/statement
GEN_PREFIXES=assets:unbilled,assets:receivable,liabilities:prepaid,liabilities:deposits
GEN_OPTS="--unbilled assets:unbilled --receivable assets:receivable --prepaid liabilities:prepaid --deposits-account liabilities:deposits"

# The amount on a summary line ("Opening balance ... -€1,080.00") as a plain number.
figure() {
	grep "^$1 " | sed 's/.*  //; s/[^-0-9.]//g'
}

# same NUMBER NUMBER: equal as decimals (1385.50 = 1385.5).
same() {
	awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && b != "" && a - b < 1e-9 && b - a < 1e-9) }' ||
		{ echo "differ: statement [$1] ledger [$2]"; return 1; }
}

# check_balances JOURNAL PERIOD BEGIN END PREFIXES OPTS: every client's opening and closing
# balance equals ledger's on those dates (two ledger runs for all the clients).
check_balances() {
	local j=$1 p=$2 b=$3 e=$4 prefixes=$5 opts=$6 dir
	dir=$(scratch)/all-$p
	mkdir -p "$dir"
	tally-statement $opts --all --output-dir "$dir" -p "$p" "$j" > "$dir.list"
	ledger-sums "$j" "$b" "$prefixes" > "$dir.open"
	ledger-sums "$j" "$e" "$prefixes" > "$dir.close"
	awk '
		function figure(s) { sub(/.*  /, "", s); gsub(/[^-0-9.]/, "", s); return s + 0 }
		FILENAME ~ /\.open$/ { lo[$1] = $2; next }
		FILENAME ~ /\.close$/ { lc[$1] = $2; next }
		FNR == 1 { c = FILENAME; sub(/.*\//, "", c); sub(/\.txt$/, "", c); n++ }
		/^Opening balance / { so[c] = figure($0) }
		/^Closing balance / { sc[c] = figure($0) }
		END {
			for (c in so) {
				d1 = so[c] - lo[c]; d2 = sc[c] - lc[c]
				if (d1 * d1 > 1e-12 || d2 * d2 > 1e-12) {
					printf "%s: statement %s..%s, ledger %s..%s\n", c, so[c], sc[c],
					       lo[c], lc[c]
					bad = 1
				}
			}
			if (n == 0) { print "no statements"; bad = 1 }
			exit bad
		}' "$dir.open" "$dir.close" "$dir"/*.txt
}

# Generated journals, made once for the file: 5 clients, and 60 clients with packages.
setup_file() {
	"$BENCH/gen-journal" 2000 1 --clients 5 > "$BATS_FILE_TMPDIR/gen5.journal"
	"$BENCH/gen-journal" 1500 2 > "$BATS_FILE_TMPDIR/gen60.journal"
}

setup() {
	PATH="$F:$PATH"
}

@test "statement: --help, --version, usage errors" {
	run tally-statement --help
	assert_success
	assert_line --index 0 --partial "usage: tally-statement (--client ID | --all --output-dir DIR)"
	run tally-statement --version
	assert_output "tally-statement $(cat "$TOP/lib/VERSION")"
	run -2 --separate-stderr tally-statement -p 2026-11 "$F/basic.journal"
	assert_equal "${stderr_lines[0]}" "tally-statement: give either --client ID or --all --output-dir DIR"
	run -2 --separate-stderr tally-statement --all -p 2026-11 "$F/basic.journal"
	assert_equal "${stderr_lines[0]}" "tally-statement: give either --client ID or --all --output-dir DIR"
	run -2 --separate-stderr tally-statement --client ana -O docx "$F/basic.journal"
	assert_equal "$stderr" "tally-statement: unknown output format: docx"
	run -2 --separate-stderr tally-statement --client ana --lang fr "$F/basic.journal"
	assert_equal "$stderr" "tally-statement: unknown language: fr"
	run -2 --separate-stderr tally-statement --client ana -p 2026-13 "$F/basic.journal"
	assert_equal "$stderr" "tally-statement: bad period: 2026-13"
}

@test "statement: the text statement, exactly" {
	run tally-statement --client ana -p 2026-11 "$F/basic.journal"
	assert_success
	assert_output "$(cat "$F/basic-ana.txt")"
	run tally-statement --client ana -p 2026-11 -O md "$F/basic.journal"
	assert_output "$(cat "$F/basic-ana.md")"
	run tally-statement --client ben -p 2026-11 -O html "$F/basic.journal"
	assert_output "$(cat "$F/basic-ben.html")"
}

@test "statement: --lang es: Spanish labels, 1.234,56 € and dd/mm/yyyy" {
	run tally-statement --client ben -p 2026-11 --lang es "$F/basic.journal"
	assert_success
	assert_output "$(cat "$F/basic-ben.es.txt")"
	run tally-statement --client ana -p 2026-11 --lang es "$F/basic.journal"
	assert_line --regexp '^Saldo inicial +-1\.080,00 €$'
	assert_line --regexp '^Saldo final +1\.385,50 €$'
	assert_line --regexp '^25/11/2026 +Ana: room hire +2\.345,50 €$'
	run tally-statement --client ana -p 2026-11 "$F/basic.journal"
	assert_line --regexp '^Opening balance +-€1,080\.00$'
	assert_line --regexp '^Nov 25, 2026 +Ana: room hire +€2,345\.50$'
}

@test "statement: opening and closing equal ledger's, every client of the example" {
	j=$(scratch)/month.journal
	tally-cancel --policies "$TOP/share/policies" "$EXAMPLES/practice.journal" | tally-bill |
		tally-invoice -p 2026-02 > "$j"
	check_balances "$j" 2026-02 2026-02-01 2026-03-01 \
		Assets:Unbilled,Assets:Receivable,Liabilities:Prepaid,Liabilities:Deposits ""
	check_balances "$F/basic.journal" 2026-11 2026-11-01 2026-12-01 \
		Assets:Unbilled,Assets:Receivable,Liabilities:Prepaid,Liabilities:Deposits ""
}

@test "statement: opening and closing equal ledger's, every client of a generated journal" {
	j=$BATS_FILE_TMPDIR/gen5.journal
	# the default prefixes match ignoring case; the options name them exactly
	check_balances "$j" 2015-06 2015-06-01 2015-07-01 "$GEN_PREFIXES" ""
	check_balances "$j" 2017-02 2017-02-01 2017-03-01 "$GEN_PREFIXES" "$GEN_OPTS"
	check_balances "$j" 2016 2016-01-01 2017-01-01 "$GEN_PREFIXES" "$GEN_OPTS"
	# packages and prepaid credit: the 60-client journal has them
	j=$BATS_FILE_TMPDIR/gen60.journal
	check_balances "$j" 2015-03 2015-03-01 2015-04-01 "$GEN_PREFIXES" "$GEN_OPTS"
	grep -q "^Prepaid sessions left" "$(scratch)"/all-2015-03/*.txt
}

@test "statement: nothing of any other client, checked for every client" {
	j=$BATS_FILE_TMPDIR/gen5.journal
	dir=$(scratch)/st
	mkdir "$dir"
	tally-statement --all --output-dir "$dir" -p 2016-03 "$j" > /dev/null
	sed -n 's/^ *; client: //p' "$j" | sort -u > "$(scratch)/names"
	[ "$(wc -l < "$(scratch)/names")" -eq 5 ]
	ls "$dir" | sed 's/\.txt$//' > "$(scratch)/ids"
	[ "$(wc -l < "$(scratch)/ids")" -eq 5 ]
	# each statement's own name and ID, then no other client's name or ID anywhere in it
	awk '
		FILENAME ~ /names$/ { name[++nn] = $0; next }
		FILENAME ~ /ids$/ { id[++ni] = $0; next }
		FNR == 1 { f = FILENAME; me = f; sub(/.*\//, "", me); sub(/\.txt$/, "", me); files++ }
		/^Client: / { mine[f] = substr($0, 9) }
		{ text[f] = text[f] "\n" $0 }
		END {
			for (f in text) {
				me = f; sub(/.*\//, "", me); sub(/\.txt$/, "", me)
				if (mine[f] == "") { print f ": no client line"; bad = 1 }
				for (i = 1; i <= nn; i++)
					if (name[i] != mine[f] && index(text[f], name[i])) {
						print f " names " name[i]; bad = 1
					}
				for (i = 1; i <= ni; i++)
					if (id[i] != me && index(text[f], id[i])) {
						print f " names " id[i]; bad = 1
					}
			}
			exit bad || files != 5
		}' "$(scratch)/names" "$(scratch)/ids" "$dir"/*.txt
}

@test "statement: an entry shared by two clients shows neither's description to the other" {
	f=$(journal <<'J'
2026-11-02 * Transfer from Ana for Ana and Ben
    Assets:Bank                  100.00 EUR
    Assets:Receivable:ana        -60.00 EUR
    Assets:Receivable:ben        -40.00 EUR
J
)
	run tally-statement --client ben -p 2026-11 "$f"
	assert_success
	refute_output --partial "Ana"
	refute_output --partial "ana"
	assert_line --regexp '^Nov 2, 2026 +Payment shared with other accounts +40\.00 EUR$'
	# one transfer for twelve clients: each gets its own part
	{
		echo "2026-11-03 * Transfer"
		for i in $(seq 1 12); do echo "    Assets:Receivable:c$i    -$i.00 EUR"; done
		echo "    Assets:Bank"
	} > "$(scratch)/twelve.journal"
	run tally-statement --client c12 -p 2026-11 "$(scratch)/twelve.journal"
	assert_line --regexp '^Closing balance +-12\.00 EUR$'
	run tally-statement --client c9 -p 2026-11 "$(scratch)/twelve.journal"
	assert_line --regexp '^Closing balance +-9\.00 EUR$'
	# a payment for Ana tagged with the payer's client name does not name Ana after him
	f=$(journal <<'J'
2026-11-04 * Paid by Ben Ortiz for his sister
    ; client: Ben Ortiz
    Assets:Bank                   30.00 EUR
    Assets:Receivable:ana        -30.00 EUR
J
)
	run tally-statement --client ana -p 2026-11 "$f"
	assert_line "Client: ana"
	refute_line --partial "Client: Ben" 
}

@test "statement: a session paid on the spot is listed and changes no balance" {
	f=$(journal <<'J'
2026-11-02 * Session, paid cash
    ; client: dora
    ; session: held
    ; time: 12:00
    Assets:Cash                  40.00 EUR
    Income:Sessions

2026-11-09 * Session
    ; client: dora
    ; session: held
    ; time: 12:00
    Assets:Unbilled:dora         40.00 EUR
    Income:Sessions
J
)
	run tally-statement --client dora -p 2026-11 "$f"
	assert_success
	assert_line --regexp '^Nov 2, 2026 +12:00 +held +- +paid directly$'
	assert_line --regexp '^Nov 9, 2026 +12:00 +held +- +40\.00 EUR$'
	assert_line --regexp '^Closing balance +40\.00 EUR$'
}

@test "statement: HTML escapes every value (client <script>alert(1)</script> & Co)" {
	run tally-statement --client acme -p 2026-11 -O html "$F/xss.journal"
	assert_success
	refute_output --partial "<script>"
	refute_output --partial "<b>"
	refute_output --partial "<i>"
	refute_output --partial "Lucía <Tutoring>"
	assert_output --partial "<title>Statement: &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co</title>"
	assert_output --partial "<p>Client: &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co</p>"
	assert_output --partial "<p class=\"name\">Lucía &lt;Tutoring&gt; &amp; Co</p>"
	assert_output --partial "<td>Payment &lt;i&gt;ACME&lt;/i&gt; &amp; sons</td>"
	# a client whose ID itself is markup
	f=$(journal <<'J'
2026-11-03 Session
    ; client: <script>alert(1)</script> & Co
    ; session: held
    ; signed: <b>x</b>
J
)
	run tally-statement --client 'scriptalert1script-co' -p 2026-11 -O html "$f"
	assert_success
	refute_output --partial "<script>"
	refute_output --partial "<b>"
	assert_output --partial "&lt;b&gt;x&lt;/b&gt;"
	# one page, self-contained: inline CSS, nothing fetched
	run tally-statement --client acme -p 2026-11 -O html "$F/xss.journal"
	assert_output --partial "<style>"
	refute_output --regexp "(src|href)="
	refute_output --partial "@import"
	# well-formed: every element closed in order, for every client and both languages
	dir=$(scratch)/html
	mkdir "$dir"
	tally-statement --all --output-dir "$dir" -p 2026-11 -O html "$F/xss.journal" > /dev/null
	tally-statement --all --output-dir "$dir" -p 2026-11 -O html --lang es "$F/basic.journal" \
		> /dev/null
	html-check "$dir"/*.html
}

@test "statement: text fits 80 columns for every client and language" {
	j=$BATS_FILE_TMPDIR/gen60.journal
	for lang in en es; do
		dir=$(scratch)/$lang
		mkdir "$dir"
		tally-statement $GEN_OPTS --lang $lang --all --output-dir "$dir" -p 2015-02 "$j" > /dev/null
		w=$(cat "$dir"/*.txt | wc -L)
		[ "$w" -le 80 ] || { echo "$lang: $w columns wide"; return 1; }
		[ "$(ls "$dir" | wc -l)" -gt 40 ]
	done
	w=$(wc -L < "$F/basic-ana.txt")
	[ "$w" -le 80 ]
}

@test "statement: --all writes one file per client and prints where" {
	dir=$(scratch)/out
	mkdir "$dir"
	run tally-statement --all --output-dir "$dir" -p 2026-11 -O html "$F/basic.journal"
	assert_success
	assert_output "$dir/ana.html
$dir/ben.html"
	run diff "$dir/ben.html" "$F/basic-ben.html"
	assert_success
	grep -q "Ana García" "$dir/ana.html"
	! grep -q "Ben" "$dir/ana.html"
}

@test "statement: --all refuses client IDs that are not file names, and writes nothing" {
	f=$(journal <<'J'
2026-11-02 * Session
    Assets:Unbilled:ana            10.00 EUR
    Income:Sessions

2026-11-02 * Odd
    Assets:Unbilled:a/b            10.00 EUR
    Income:Sessions
J
)
	dir=$(scratch)/out
	mkdir "$dir"
	run -1 --separate-stderr tally-statement --all --output-dir "$dir" -p 2026-11 "$f"
	assert_equal "$stderr" "tally-statement: $f:5: client ID not usable as a file name: a/b"
	assert_equal "$output" ""
	[ -z "$(ls -A "$dir")" ]
	sed -i 's|a/b|..|' "$f"
	run -1 --separate-stderr tally-statement --all --output-dir "$dir" -p 2026-11 "$f"
	assert_equal "$stderr" "tally-statement: $f:5: client ID not usable as a file name: .."
	[ -z "$(ls -A "$dir")" ]
}

@test "statement: bad data and unknown clients: exit 1, no statement" {
	run -1 --separate-stderr tally-statement --client zed -p 2026-11 "$F/basic.journal"
	assert_equal "$stderr" "tally-statement: unknown client: zed"
	assert_equal "$output" ""
	f=$(journal <<'J'
2026-11-02 * Session
    Assets:Unbilled:ana            10.00 EUR
    Income:Sessions               -20.00 EUR
J
)
	run -1 --separate-stderr tally-statement --client ana -p 2026-11 "$f"
	assert_output ""
	assert_equal "$stderr" "tally-statement: $f:1: entry does not balance: off by -10.00 EUR"
	run -1 --separate-stderr tally-statement --client ana --conf "$(scratch)/none.conf" "$F/basic.journal"
	assert_equal "$output" ""
	assert_equal "$stderr" "tally-statement: $(scratch)/none.conf: cannot open: No such file or directory"
}

@test "statement: an HTML statement renders in headless Chromium to PDF and PNG" {
	chromium_or_skip
	d=$(scratch)
	tally-statement --client ana -p 2026-11 -O html "$F/basic.journal" > "$d/ana.html"
	run timeout 60 "$chromium" $flags --user-data-dir="$(mktemp -d)" --print-to-pdf="$d/ana.pdf" \
		"file://$d/ana.html"
	assert_success
	[ "$(head -c 4 "$d/ana.pdf")" = "%PDF" ]
	run timeout 60 "$chromium" $flags --user-data-dir="$(mktemp -d)" --screenshot="$d/ana.png" \
		--window-size=900,1200 "file://$d/ana.html"
	assert_success
	[ "$(head -c 4 "$d/ana.png" | tail -c 3)" = "PNG" ]
}

@test "statement: open invoices are tally-aging's at the period's last day" {
	j=$BATS_FILE_TMPDIR/gen5.journal
	dir=$(scratch)/st
	mkdir "$dir"
	for p in 2015-06:2015-06-30 2017-09:2017-09-30; do
		tally-statement --all --output-dir "$dir" -p "${p%:*}" "$j" > /dev/null
		want=$(tally-aging --date "${p#*:}" -O csv --receivable-account assets:receivable "$j" |
			tail -n +2 | awk -F, '$2 != ""' | cut -d, -f1,2,7 | sort)  # invoices, not totals
		got=$(for s in "$dir"/*.txt; do
			sed -n '/^Open invoices/,$p' "$s" | grep '^INV' |
				awk -v c="$(basename "$s" .txt)" '{ print c "," $1 "," $(NF - 1) }'
		done | sort)
		[ -n "$want" ]
		assert_equal "$got" "$want"
	done
}

@test "statement: a held session tagged waived: is shown as given free, in every language" {
	f=$(journal <<'J'
2026-11-01 Terms
    ; client: ana
    ; rate: 40 EUR

2026-11-05 Session
    ; client: ana
    ; session: held
    ; time: 10:00

2026-11-12 Session
    ; client: ana
    ; session: held
    ; time: 10:00
    ; waived: my miscount
J
)
	tally-bill "$f" > "$f.billed"
	run -0 tally-statement -p 2026-11 --client ana "$f.billed"
	assert_line --regexp '^Nov 12, 2026  10:00  held, waived: my miscount +- +given free$'
	assert_line --regexp '^Closing balance +40 EUR$'
	run -0 tally-statement -p 2026-11 --client ana --lang es "$f.billed"
	assert_line --regexp '^12/11/2026 +10:00 +realizada, sin cargo +- +gratuita$'
}

@test "statement: with 1 or 0 package sessions left, the statement says so and suggests renewing" {
	f=$(journal <<'J'
2026-11-01 Package
    ; client: ana
    ; package: 2
    ; rate: 50 EUR
    Assets:Bank  90 EUR
    Liabilities:Prepaid:ana

2026-11-05 Session
    ; client: ana
    ; session: held
    ; time: 10:00

2026-12-05 Session
    ; client: ana
    ; session: held
    ; time: 10:00
J
)
	tally-bill "$f" > "$f.billed"
	run -0 tally-statement -p 2026-11 --client ana "$f.billed"
	assert_line "One prepaid session is left: let us talk about renewing your package at your"
	run -0 tally-statement -p 2026-12 --client ana "$f.billed"
	assert_line "Your prepaid package is used up: sessions from now on are billed at your rate"
	run -0 tally-statement -p 2026-12 --client ana --lang es "$f.billed"
	assert_output --partial "Su paquete prepagado se ha agotado"
	# two left: no note
	run -0 tally-statement -p 2026-10 --client ana "$f.billed"
	refute_output --partial "renew"
}
