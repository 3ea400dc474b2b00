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
	assert_equal "$stderr" "tally-check: bad.journal:6: malformed time: 25:00 (want HH:MM)
tally-check: bad.journal:8: unknown session value: maybe (held, cancelled, late-cancel, no-show or provider-cancel)
tally-check: bad.journal:7: session without a client: tag
tally-check: bad.journal:11: malformed cancelled-at: 2026-11-31 10:00 (want YYYY-MM-DD HH:MM)
tally-check: bad.journal:13: malformed minutes: -5
tally-check: bad.journal:13: malformed rate: cheap (want an amount, e.g. 45 EUR or 60 EUR/h)
tally-check: bad.journal:13: malformed package: ten (want a number of sessions)
tally-check: bad.journal:13: malformed terms: soon (want days)
tally-check: bad.journal:13: malformed expires: never
tally-check: bad.journal:14: entry does not balance: off by 1 EUR
tally-check: bad.journal:18: balance assertion failed: a is 1 EUR, expected 5 EUR
tally-check: bad.journal:25: malformed due: 2026-11-32
tally-check: bad.journal:25: duplicate invoice number 2026-0001 (first at bad.journal:21)
tally-check: bad.journal:29: client ID must be a slug (a-z, 0-9, -): Bob Smith
tally-check: bad.journal:31: unknown client carla (no entry gives it a rate:, package:, policy: or terms:)"
}

@test "check: a cancelled session needs cancelled-at:" {
	f=$(journal <<'J'
2026-11-01 Terms
    ; client: ana, rate: 45 EUR
2026-11-04 Cancelled
    ; client: ana, session: cancelled
J
)
	run -1 --separate-stderr tally-check "$f"
	assert_equal "$stderr" "tally-check: $f:4: cancelled session without cancelled-at: (late or on time cannot be told)"
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
