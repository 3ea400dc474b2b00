#!/usr/bin/env bats
# Output safety (issue 8): CSV cells that a spreadsheet would run as a formula are
# neutralised (a leading ' inside quotes; numbers stay numbers), JSON strings and HTML text
# are escaped, and file names made from client IDs stay inside --output-dir.
load helper

@test "csv: text cells starting with = + - @ are neutralised, numbers stay numbers" {
	f=$(journal <<'EOF'
2026-11-01 x
    =HYPERLINK("http://evil")  1.00 EUR
    +cmd|calc  2.00 EUR
    @SUM(A1)  3.00 EUR
    -2+3  4.00 EUR
    Assets:Normal, with comma  5.00 EUR
    Income:Sessions
EOF
)
	run -0 tally-balance -O csv "$f"
	assert_output "account,commodity,amount
\"'+cmd|calc\",EUR,2.00
\"'-2+3\",EUR,4.00
\"'=HYPERLINK(\"\"http://evil\"\")\",EUR,1.00
\"'@SUM(A1)\",EUR,3.00
\"Assets:Normal, with comma\",EUR,5.00
Income:Sessions,EUR,-15.00"
}

@test "csv: a quoted commodity symbol that looks like a formula is neutralised" {
	f=$(journal <<'EOF'
2026-11-01 x
    Assets:A   1.00 "=1+1"
    Assets:B  -1.00 "=1+1"
EOF
)
	run -0 tally-balance -O csv "$f"
	assert_output "account,commodity,amount
Assets:A,\"'=1+1\",1.00
Assets:B,\"'=1+1\",-1.00"
}

@test "json: quotes and backslashes in names are escaped" {
	f=$(journal <<'EOF'
2026-11-01 x
    Assets:Quote"d\back  1.00 EUR
    Income:Sessions
EOF
)
	run -0 tally-balance -O json "$f"
	assert_output '[
 {"account": "Assets:Quote\"d\\back", "commodity": "EUR", "amount": "1.00"},
 {"account": "Income:Sessions", "commodity": "EUR", "amount": "-1.00"}
]'
	python3 -c 'import json, sys; json.load(sys.stdin)' <<< "$output"
}

# A journal and a tally.conf full of markup, for the HTML documents.
evil_books() {
	printf 'name = <script>alert("x")</script> & Co\naddress = O'"'"'Brien <b>St</b>\n' \
		> "$BATS_TEST_TMPDIR/evil.conf"
	journal <<'EOF' > /dev/null
2026-01-05 Agreement ; client: ana, rate: 45 EUR
2026-11-03 Session ; client: ana, session: held, signed: <img src=x onerror=alert(1)>
EOF
	tally-bill "$BATS_TEST_TMPDIR/test.journal" |
		tally-invoice -p 2026-11 --date 2026-12-01 > "$BATS_TEST_TMPDIR/books.journal"
}

# No raw markup from the data reaches the page.
no_raw_markup() {
	! grep -qiE '<script|<img|<b>|onerror=alert\(1\)>' <<< "$1"
}

@test "html: the statement escapes the provider's details and the tags it shows" {
	evil_books
	run -0 tally-statement --client ana -p 2026-11 -O html --conf "$BATS_TEST_TMPDIR/evil.conf" \
		"$BATS_TEST_TMPDIR/books.journal"
	no_raw_markup "$output"
	assert_line '<p class="name">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co</p>'
	assert_line '<p>O&#39;Brien &lt;b&gt;St&lt;/b&gt;</p>'
	assert_line --partial '<td>&lt;img src=x onerror=alert(1)&gt;</td>'
}

@test "html: an invoice escapes the provider's details" {
	evil_books
	run -0 tally-invoice --show 2026-0001 -O html --conf "$BATS_TEST_TMPDIR/evil.conf" \
		"$BATS_TEST_TMPDIR/books.journal"
	no_raw_markup "$output"
	assert_output --partial '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co'
	assert_output --partial 'O&#39;Brien &lt;b&gt;St&lt;/b&gt;'
}

# statements ID: tally-statement --all into a fresh directory three levels down, so that an
# escape through ../ lands in $W; sets $written to the files made outside the directory.
statements() {
	W=$BATS_TEST_TMPDIR/w
	local out=$W/a/b/out
	rm -rf "$W" && mkdir -p "$out"
	printf '2026-01-05 Agreement ; client: %s, rate: 45 EUR\n2026-11-03 Session ; client: %s, session: held\n2026-11-03 Session ; client: ok, session: held\n    Assets:Unbilled:ok  45 EUR\n    Income:Sessions\n' \
		"$1" "$1" > "$W/j.journal"
	run tally-statement --all --output-dir "$out" -p 2026-11 "$W/j.journal"
	written=$(find "$W" -type f ! -name j.journal ! -path "$out/*")
	[ ! -e /etc/passwd.txt ] || written="$written /etc/passwd.txt"
}

@test "output-dir: client IDs with ../ or a leading dot are refused, nothing is written" {
	local id
	for id in .. ../x ../../evil .hidden; do
		statements "$id"
		assert_equal "$written" ""
		assert_equal "$status" 1
		[[ $output == "tally-statement: $W/j.journal:1: client ID not usable as a file name: "* ]]
		[ -z "$(ls -A "$W/a/b/out")" ]
	done
}

@test "output-dir: slashes never leave the directory" {
	local id
	for id in a/b /etc/passwd ../../../../../../../../tmp/x; do
		statements "$id"
		assert_equal "$written" ""
	done
	statements a/b
	assert_equal "$status" 0
	[ -e "$W/a/b/out/ok.txt" ]
}

@test "csv: cells holding ';' or TAB are quoted, so ';'- and tab-splitting spreadsheets keep them whole" {
	f=$(journal <<'EOF2'
2026-11-01 x
    Assets:x;=1+1  1.00 EUR
    Income:y
EOF2
)
	run -0 tally-balance -O csv "$f"
	assert_output 'account,commodity,amount
"Assets:x;=1+1",EUR,1.00
Income:y,EUR,-1.00'
	printf '2026-11-01 x\n    Assets:A   1.00 "X\tY"\n    Assets:B  -1.00 "X\tY"\n' > "$BATS_TEST_TMPDIR/t.journal"
	run -0 tally-balance -O csv "$BATS_TEST_TMPDIR/t.journal"
	assert_output 'account,commodity,amount
Assets:A,"X	Y",1.00
Assets:B,"X	Y",-1.00'
}

@test "output-dir: a symlink planted in the directory is replaced, never followed" {
	local d=$BATS_TEST_TMPDIR
	mkdir "$d/out"
	echo "precious" > "$d/victim"
	ln -s ../victim "$d/out/ana.txt"
	[ "$(id -u)" != 0 ] || chown -h nobody "$d/out/ana.txt"
	umask 022
	printf '2026-01-05 Agreement ; client: ana, rate: 45 EUR\n2026-11-03 Session ; client: ana, session: held\n    Assets:Unbilled:ana  45 EUR\n    Income:Sessions\n' \
		> "$d/j.journal"
	run -0 tally-statement --all --output-dir "$d/out" -p 2026-11 "$d/j.journal"
	assert_output "$d/out/ana.txt"
	assert_equal "$(cat "$d/victim")" "precious"
	[ ! -L "$d/out/ana.txt" ]
	# the new file is the user's own, with the usual mode: nothing is taken from the link
	[ "$(stat -c '%u %a' "$d/out/ana.txt")" = "$(id -u) 644" ]
	grep -q "^Client: ana" "$d/out/ana.txt"
	[ -z "$(find "$d/out" -name '.*')" ]
}

@test "output-dir: a statement that cannot be written leaves none written" {
	local d=$BATS_TEST_TMPDIR
	mkdir -p "$d/out/ben.txt"   # a directory where ben's statement should go
	printf '2026-01-05 Agreement ; client: ana, rate: 45 EUR\n2026-01-05 Agreement ; client: ben, rate: 45 EUR\n2026-11-03 Session ; client: ana, session: held\n    Assets:Unbilled:ana  45 EUR\n    Income:Sessions\n2026-11-03 Session ; client: ben, session: held\n    Assets:Unbilled:ben  45 EUR\n    Income:Sessions\n' \
		> "$d/j.journal"
	run -1 --separate-stderr tally-statement --all --output-dir "$d/out" -p 2026-11 "$d/j.journal"
	assert_equal "$stderr" "tally-statement: $d/out/ben.txt: not a regular file"
	assert_equal "$output" ""
	[ ! -e "$d/out/ana.txt" ]
	[ -z "$(find "$d/out" -maxdepth 1 -name '.*')" ]
}

@test "reminders: values with a bare CR or LF never make a header line" {
	# an invoice number with a CR is refused where it is read
	printf '2026-01-01 Sessions\n    ; client: ana, invoice: X1\rBcc: evil@example.com\n    Assets:Receivable:ana  100 EUR\n    Income:Sessions\n' \
		> "$BATS_TEST_TMPDIR/r.journal"
	run -1 --separate-stderr tally-aging --remind --date 2026-06-01 "$BATS_TEST_TMPDIR/r.journal"
	assert_equal "$output" ""
	# the provider's details: control bytes become spaces
	printf '2026-01-01 Sessions\n    ; client: ana, invoice: X1\n    Assets:Receivable:ana  100 EUR\n    Income:Sessions\n' \
		> "$BATS_TEST_TMPDIR/r.journal"
	printf 'name = Marta\rBcc: evil@example.com\nbank = ES00\n' > "$BATS_TEST_TMPDIR/tally.conf"
	run -0 tally-aging --remind --date 2026-06-01 --conf "$BATS_TEST_TMPDIR/tally.conf" "$BATS_TEST_TMPDIR/r.journal"
	! grep -q $'\r' <<< "$output"
	refute_line --regexp '^Bcc:'
	assert_line "Marta Bcc: evil@example.com"
	assert_line "Subject: Final notice: invoice X1, 151 days overdue"
}

@test "notices: a client name with a bare CR never makes a header line" {
	printf '2020-01-01 Agreement ; client: Ana\rBcc: evil@example.com, rate: 45 EUR, policy: 24-hour\n2020-01-07 S ; client: Ana\rBcc: evil@example.com, session: no-show\n' \
		> "$BATS_TEST_TMPDIR/n.journal"
	run -0 tally-cancel --policies "$TOP/share/policies" --notices "$BATS_TEST_TMPDIR/notices" \
		"$BATS_TEST_TMPDIR/n.journal"
	! grep -q $'\r' "$BATS_TEST_TMPDIR/notices"
	! grep -q '^Bcc:' "$BATS_TEST_TMPDIR/notices"
	grep -qx 'To: Ana Bcc: evil@example.com' "$BATS_TEST_TMPDIR/notices"
}
