#!/usr/bin/env bats
# tally-check: every problem reported, one FILE:LINE: message each, exit 1 if any.
load helper

@test "check: a clean journal passes silently" {
	f=$(journal <<'J'
2026-11-01 Agreement with Ana
    ; client: ana, rate: 45 EUR, terms: 14
2026-11-02 Lesson
    ; client: ana
    ; session: held
    ; time: 16:00
    ; signed: Ana G.
2026-11-03 Paid
    Assets:Bank  45.00 EUR = 45.00 EUR
    Income:Sessions
J
)
	run tally-check "$f"
	assert_success
	assert_output ""
}

@test "check: reports every problem, not just the first" {
	cd "$BATS_TEST_TMPDIR"
	cat > bad.journal <<'J'
2026-11-01 Terms
    ; client: ana, rate: 45 EUR
2026-11-02 Lesson
    ; client: ana
    ; session: held
    ; time: 25:00
2026-11-03 Lesson
    ; session: maybe
2026-11-04 Cancelled
    ; client: ana, session: cancelled
    ; cancelled-at: 2026-11-31 10:00
2026-11-05 Tags
    ; client: ana, rate: cheap, package: ten, minutes: -5, terms: soon, expires: never
2026-11-06 Unbalanced
    a  10 EUR
    b  -9 EUR
2026-11-07 Assert
    a  1 EUR = 5 EUR
    b
2026-11-08 Invoice
    ; client: ana, invoice: 2026-0001, due: 2026-11-22
    Assets:Receivable:ana  45 EUR
    Assets:Unbilled:ana
2026-11-09 Invoice again
    ; client: ana, invoice: 2026-0001, due: 2026-11-32
    Assets:Receivable:ana  45 EUR
    Assets:Unbilled:ana
2026-11-10 Lesson
    ; client: Bob Smith, session: held
2026-11-11 Lesson
    ; client: carla, session: held
J
	run -1 --separate-stderr tally-check bad.journal
	assert_equal "$output" ""
	assert_equal "$stderr" "tally-check: bad.journal:6: time: bad value 25:00 (want HH:MM)
tally-check: bad.journal:8: session: bad value maybe (want held, cancelled, late-cancel, no-show or provider-cancel)
tally-check: bad.journal:11: cancelled-at: bad value 2026-11-31 10:00 (want YYYY-MM-DD HH:MM)
tally-check: bad.journal:10: session: cancelled needs time: (late or on time cannot be told)
tally-check: bad.journal:13: rate: bad value cheap (want an amount, e.g. 45 EUR or 60 EUR/h)
tally-check: bad.journal:13: package: bad value ten (want a number of sessions, e.g. 10)
tally-check: bad.journal:13: minutes: bad value -5 (want a number of minutes, e.g. 50)
tally-check: bad.journal:13: terms: bad value soon (want days, 0 to 3650, e.g. 14 or 14 days)
tally-check: bad.journal:13: expires: bad value never (want a date, YYYY-MM-DD)
tally-check: bad.journal:14: entry does not balance: off by 1 EUR
tally-check: bad.journal:18: balance assertion failed: a is 1 EUR, expected 5 EUR
tally-check: bad.journal:25: due: bad value 2026-11-32 (want a date, YYYY-MM-DD)
tally-check: bad.journal:28: no rate for bob-smith on 2026-11-10 and no package credit
tally-check: bad.journal:30: no rate for carla on 2026-11-11 and no package credit"
}

@test "check: a cancelled session needs cancelled-at: and time:" {
	f=$(journal <<'J'
2026-11-01 Terms
    ; client: ana, rate: 45 EUR
2026-11-04 Cancelled
    ; client: ana, session: cancelled
J
)
	run -1 --separate-stderr tally-check "$f"
	assert_equal "$stderr" "tally-check: $f:4: session: cancelled needs cancelled-at: (late or on time cannot be told)
tally-check: $f:4: session: cancelled needs time: (late or on time cannot be told)"
}

@test "check: tags read in ledger's one-per-line form and hledger's comma form alike" {
	f=$(journal <<'J'
2026-11-01 Terms  ; client: ana
    ; rate: 60 EUR/h
    ; :vip:
2026-11-02 Lesson  ; client: ana, session: held, time: 09:30, minutes: 90
J
)
	run tally-check "$f"
	assert_success
	assert_output ""
	# read alike: the rate from the one-per-line form prices the comma form's 90 minutes
	run tally-bill "$f"
	assert_success
	assert_line --index 4 "    Assets:Unbilled:ana  90 EUR"
}

@test "check: an unterminated comment block is reported (ledger would read it to the end)" {
	f=$(journal <<'J'
2026-11-02 x
    a  1 EUR
    b
comment
forgot to close this
J
)
	run -1 --separate-stderr tally-check "$f"
	assert_equal "$stderr" "tally-check: $f:4: comment block without \`end comment\` (it runs to the end of the file)"
	run tally-print "$f"
	assert_success
}

@test "check: every corpus journal of the error fixtures fails with its message" {
	cd "$FIXTURES/errors"
	for f in *.journal; do
		run -1 --separate-stderr tally-check "$f"
		[ "$stderr" = "$(sed 's/^tally-print:/tally-check:/' "${f%.journal}.err")" ] || fail "$f: got '$stderr'"
	done
}

@test "check: usage" {
	run -2 tally-check --nope
	run -0 tally-check --help
	assert_output --partial "usage: tally-check"
}

@test "check: pricing is the book's, in date order: a package written after the session pays for it" {
	# No rate: only the package, bought on 11-02 but written after the 11-05 session, can
	# price it. tally-bill accepts it (date order), so tally-check must too.
	f=$(journal <<'J'
2026-11-05 Session
    ; client: kim
    ; session: held
    ; time: 10:00

2026-11-02 Package
    ; client: kim
    ; package: 5
    Assets:Bank  200 EUR
    Liabilities:Prepaid:kim
J
)
	run -0 tally-check "$f"
	run -0 tally-bill "$f"
	# A second session on 11-01, before the package: neither can price it, both say so at its line.
	printf '\n2026-11-01 Session\n    ; client: kim\n    ; session: held\n    ; time: 10:00\n' >> "$f"
	run -1 --separate-stderr tally-check "$f"
	assert_equal "$stderr" "tally-check: $f:12: no rate for kim on 2026-11-01 and no package credit"
	run -1 --separate-stderr tally-bill "$f"
	assert_equal "$stderr" "tally-bill: $f:12: no rate for kim on 2026-11-01 and no package credit"
}

@test "check: problems come out in the input's order, pricing ones among the others" {
	f=$(journal <<'J'
2026-11-05 Session
    ; client: kim
    ; session: held
    ; time: 10:00

2026-11-06 Session
    ; client: kim
    ; session: held
    ; time: 25:00
J
)
	run -1 --separate-stderr tally-check "$f"
	assert_equal "$(printf '%s\n' "$stderr" | cut -d: -f3)" "$(printf '1\n9')"
}

@test "check: a file changed between its two passes is refused, never checked half old, half new" {
	# Deterministic: tally-check stats the files, then spools standard input (the FIFO)
	# before pass 1. The journal changes while the spool waits, after the stat.
	local d=$BATS_TEST_TMPDIR pid r=0
	f=$(journal <<'J'
2026-11-05 Session
    ; client: kim, rate: 40 EUR
    ; session: held
    ; time: 10:00
J
)
	mkfifo "$d/in"
	# unchanged: passes
	tally-check "$f" - < "$d/in" 2> "$d/err" & pid=$!
	exec 5> "$d/in"
	# more than a pipe holds: once written, tally-check is reading it, so it has the stat
	awk 'BEGIN {for (i = 0; i < 20000; i++) print "; padding line " i}' >&5
	exec 5>&-
	wait $pid || r=$?
	assert_equal "$r" 0
	assert_equal "$(cat "$d/err")" ""
	# changed after the stat: refused, exit 1
	tally-check "$f" - < "$d/in" 2> "$d/err" & pid=$!
	exec 5> "$d/in"
	awk 'BEGIN {for (i = 0; i < 20000; i++) print "; padding line " i}' >&5
	printf '\n2026-11-06 Session\n    ; client: kim\n    ; session: held\n    ; time: 25:00\n' >> "$f"
	exec 5>&-
	wait $pid || r=$?
	assert_equal "$r" 1
	assert_equal "$(cat "$d/err")" "tally-check: $f: changed since it was read (by another program?): nothing written; run the command again"
}

@test "check: invoices of entries gone by are kept as where they were: duplicates across files and within an entry" {
	cd "$BATS_TEST_TMPDIR"
	cat > a.journal <<'J'
2026-11-01 Invoice
    ; client: ana, invoice: A-1
    Assets:Receivable:ana  45 EUR
    Assets:Receivable:ana  15 EUR
    Assets:Unbilled:ana
2026-11-02 Paid
    Assets:Bank  60 EUR
    Assets:Receivable:ana  ; invoice: A-1
2026-11-03 Two clients on one invoice
    ; client: ben, invoice: B-1
    Assets:Receivable:ben  30 EUR
    Assets:Receivable:cy  30 EUR
    Assets:Unbilled:ben
J
	cat > b.journal <<'J'
2026-11-04 Invoice again
    ; client: ana, invoice: A-1
    Assets:Receivable:ana  45 EUR
    Assets:Unbilled:ana
2026-11-05 And again
    ; client: ana, invoice: A-1
    Assets:Receivable:ana  45 EUR
    Assets:Unbilled:ana
J
	run -1 --separate-stderr tally-check a.journal b.journal
	assert_equal "$stderr" "tally-check: a.journal:12: invoice B-1 is for two clients
tally-check: b.journal:2: duplicate invoice number A-1 (first at a.journal:1)
tally-check: b.journal:6: duplicate invoice number A-1 (first at a.journal:1)"
	assert_output ""
}

@test "check: duplicate invoice numbers of every shape: far ahead of their series, kept apart by their digits" {
	f=$BATS_TEST_TMPDIR/nums.journal
	# X-20000 comes before its series reaches it, then 20,500 numbers in order; numbers
	# that differ only in leading zeros are different numbers
	{
		for n in X-20000 0001 01234 1234 12345 A-00001 A-0001 Y-0001x; do
			printf '2026-11-01 Invoice\n    ; client: ana, invoice: %s\n    Assets:Receivable:ana  1 EUR\n    Assets:Unbilled:ana\n' "$n"
		done
		seq 20500 | awk '{printf "2026-11-02 Invoice\n    ; client: ana, invoice: X-%04d\n    Assets:Receivable:ana  1 EUR\n    Assets:Unbilled:ana\n", $1}'
		for n in X-20000 X-0500 0001 01234 1234 12345 A-00001 A-0001 Y-0001x Y-0001; do
			printf '2026-11-03 Again\n    ; client: ana, invoice: %s\n    Assets:Receivable:ana  1 EUR\n    Assets:Unbilled:ana\n' "$n"
		done
	} > "$f"
	run -1 --separate-stderr tally-check "$f"
	assert_equal "$stderr" "tally-check: $f:80030: duplicate invoice number X-20000 (first at $f:1)
tally-check: $f:82034: duplicate invoice number X-20000 (first at $f:1)
tally-check: $f:82038: duplicate invoice number X-0500 (first at $f:2029)
tally-check: $f:82042: duplicate invoice number 0001 (first at $f:5)
tally-check: $f:82046: duplicate invoice number 01234 (first at $f:9)
tally-check: $f:82050: duplicate invoice number 1234 (first at $f:13)
tally-check: $f:82054: duplicate invoice number 12345 (first at $f:17)
tally-check: $f:82058: duplicate invoice number A-00001 (first at $f:21)
tally-check: $f:82062: duplicate invoice number A-0001 (first at $f:25)
tally-check: $f:82066: duplicate invoice number Y-0001x (first at $f:29)"
	assert_output ""
}

@test "check: bare CRs past the reader's first chunk are found, CRLF line ends are not reported" {
	f=$BATS_TEST_TMPDIR/big.journal
	{
		printf '2026-11-01 Paid\r; note\n    Assets:Bank  1 EUR\n    Income:Other\n'
		# one awk, not a shell loop: bats traps every command a loop runs (10 s here)
		seq 20000 | awk '{printf "2026-11-02 Filler %05d\n    Assets:Bank  1 EUR\n    Income:Other\n", $1}'
		printf '2026-11-03 Windows\r\n    Assets:Bank  1 EUR\r\n    Income:Other\r\n'
		printf '2026-11-04 Late\n    Assets:Bank  1 EUR ; a\rb\n    Income:Other\n'
	} > "$f"
	[ "$(wc -c < "$f")" -gt 1048576 ]  # past the first read (1 MiB)
	run -1 --separate-stderr tally-check "$f"
	assert_equal "$stderr" "tally-check: $f:1: a carriage return inside a line (hledger reads it as a line break)
tally-check: $f:60008: a carriage return inside a line (hledger reads it as a line break)"
	assert_output ""
}

@test "check: an invoice in two commodities, a file included twice, running balances and payments too large" {
	cd "$BATS_TEST_TMPDIR"
	cat > m.journal <<'J'
2026-11-01 Two invoices in one entry, one in two commodities
    ; client: ana, invoice: A-1
    Assets:Receivable:ana  45 EUR
    Assets:Receivable:ana  10 EUR  ; invoice: A-2
    Assets:Receivable:ana  5 USD
    Assets:Unbilled:ana  -55 EUR
    Assets:Unbilled:ana  -5 USD
J
	cat > inc.journal <<'J'
2026-11-03 Invoice
    ; client: ben, invoice: B-1
    Assets:Receivable:ben  30 EUR
    Assets:Unbilled:ben
J
	cat > main.journal <<'J'
include m.journal
include inc.journal
include inc.journal
2026-11-05 Huge
    a  99999999999999999999999999999999999999 EUR
    b
2026-11-06 Huger
    a  99999999999999999999999999999999999999 EUR
    b
2026-11-07 Paid twice over
    Assets:Bank  99999999999999999999999999999999999999 EUR
    Assets:Receivable:cy
2026-11-08 Paid twice over
    Assets:Bank  99999999999999999999999999999999999999 EUR
    Assets:Receivable:cy
2026-11-09 Paid
    Assets:Bank2  99999999999999999999999999999999999999 EUR
    Assets:Receivable:dee
2026-11-10 Refunded: the balances are back to 0, the client's movements are not
    Assets:Receivable:dee  99999999999999999999999999999999999999 EUR
    Assets:Bank2
J
	run -1 --separate-stderr tally-check main.journal
	assert_equal "$stderr" "tally-check: m.journal:5: invoice A-1 mixes two commodities
tally-check: inc.journal:2: duplicate invoice number B-1 (first at inc.journal:1)
tally-check: main.journal:8: balance of a too large to hold exactly
tally-check: main.journal:14: balance of Assets:Bank too large to hold exactly
tally-check: main.journal:20: amount too large to hold exactly"
	assert_output ""
}
