#!/usr/bin/env bats
# tally-agreement: the client agreement from the journal's terms and the same policy file
# tally-cancel applies. Expected documents in tests/fixtures/agreement/ana.LANG.FORMAT.
load helper

AGR=$FIXTURES/agreement

@test "agreement: txt, md and html in English and Spanish match the fixtures" {
	cd "$AGR"
	for lang in en es; do
		run tally-agreement --client ana-garcia --date 2026-10-15 --lang "$lang" ana.journal
		assert_success
		assert_output "$(cat "ana.$lang.txt")"
		for fmt in md html; do
			run tally-agreement --client 'Ana García' --date 2026-11-15 --lang "$lang" \
				-O "$fmt" ana.journal
			assert_success
			assert_output "$(cat "ana.$lang.$fmt")"
		done
	done
}

@test "agreement: the terms in force on --date are used" {
	cd "$AGR"
	run tally-agreement --client ana-garcia --date 2026-09-15 ana.journal
	assert_line "The rate is 45.00 EUR per session."
	assert_line "5. Changes and cancellations (24-hour notice)"
	run tally-agreement --client ana-garcia --date 2026-11-01 ana.journal
	assert_line "The rate is 48.50 EUR per session."
	assert_line "5. Changes and cancellations (tiered notice)"
	run tally-agreement --client ana-garcia --date 2026-11-01 --lang es ana.journal
	assert_line "El precio es 48,50 EUR por sesión."
	assert_line "Fecha: 1 de noviembre de 2026"
}

@test "agreement: every value is escaped in html and md" {
	cd "$AGR"
	run tally-agreement --client ana-garcia --date 2026-10-15 -O html ana.journal
	assert_output --partial "<strong>Lucía Pérez &lt;Tutoring &amp; Coaching&gt;</strong>"
	refute_output --partial "<Tutoring"
	[[ $output != *"{{"* ]]
	run tally-agreement --client ana-garcia --date 2026-10-15 -O md ana.journal
	assert_output --partial "Lucía Pérez \\<Tutoring & Coaching\\>"
}

@test "agreement: its numbers are the policy file's, for every shipped policy" {
	cd "$BATS_TEST_TMPDIR"
	printf '2026-01-01 Terms\n    ; client: bo\n    ; rate: 40 EUR\n' > j
	for p in "$TOP"/share/policies/*.policy; do
		run joined tally-agreement --client bo --date 2026-02-01 --policy "$p" j
		assert_success
		notice=$(sed -n 's/^notice = \([0-9]*\)h$/\1/p' "$p")
		late=$(sed -n 's/^late-cancel-fee = \([0-9]*%\)$/\1/p' "$p")
		noshow=$(sed -n 's/^no-show-fee = \([0-9]*%\)$/\1/p' "$p")
		assert_line "- Cancellations need at least $notice hours' notice before the session starts; with that much notice nothing is charged."
		[ -z "$late" ] || assert_line "- A cancellation with less than $notice hours' notice is charged $late of the session fee."
		assert_line "- A missed session without notice (no-show) is charged $noshow of the session fee."
	done
	run joined tally-agreement --client bo --date 2026-02-01 --policy "$TOP/share/policies/rolling-deposit.policy" j
	assert_line "- A deposit of 50% of the next session fee is held; a late cancellation or no-show forfeits it first."
	run joined tally-agreement --client bo --date 2026-02-01 --policy "$TOP/share/policies/strict-48-hour.policy" j
	assert_line "- Fees apply from the first late cancellation or no-show."
}

@test "agreement: the clause it prints is the one tally-cancel quotes" {
	cd "$FIXTURES/cancel"
	clause=$(sed -n '/^  "A cancellation/{s/^  "//;s/"$//;p;q}' tiered.notices)
	[ -n "$clause" ]
	run joined tally-agreement --client cy --date 2026-03-01 tiered.journal
	assert_success
	assert_line "- $clause"
}

# Ana's terms, a second package, a session from the first and its lapse: the book's reading.
more_terms() {
	cat "$AGR/ana.journal"
	cat <<'EOF'

2026-09-10 Session
    ; client: Ana García
    ; session: held
    ; minutes: 50
    Liabilities:Prepaid:ana-garcia  40.00 EUR
    Income:Sessions

2026-09-20 Package of 5 sessions
    ; client: Ana García
    ; package: 5
    ; expires: 2027-01-31
    Assets:Bank  225.00 EUR
    Liabilities:Prepaid:ana-garcia

2026-09-25 Longer sessions from now on
    ; client: Ana García
    ; minutes: 60
    ; terms: 20
    ; frequency: twice a week

2026-10-05 First package lapsed
    ; client: Ana García
    ; expired: package of 2026-09-02
    Liabilities:Prepaid:ana-garcia  360.00 EUR
    Income:Expired packages
EOF
}

@test "agreement: a shuffled journal gives the date-ordered one's agreement (the book's terms)" {
	cd "$BATS_TEST_TMPDIR"
	cp "$AGR/tally.conf" .
	more_terms > ordered.journal
	run tally-agreement --client ana-garcia --date 2026-10-15 ordered.journal
	assert_success
	want=$output
	assert_line "The rate is 48.50 EUR per session."
	assert_line --partial "5 sessions"
	assert_line --partial "60 minutes"
	assert_line --partial "20 days"
	assert_line --partial "twice a week"
	# the entries written in reverse, then in several random orders
	awk 'BEGIN { RS = ""; ORS = "\n\n" } { b[NR] = $0 } END { print b[1]; for (i = NR; i > 1; i--) print b[i] }' \
		ordered.journal > reversed.journal
	run tally-agreement --client ana-garcia --date 2026-10-15 reversed.journal
	assert_success
	assert_output "$want"
	for seed in 1 2 3 4 5 6; do
		shuffle-entries "$seed" ordered.journal > shuffled.journal
		run tally-agreement --client ana-garcia --date 2026-10-15 shuffled.journal
		assert_success
		assert_output "$want"
	done
}

@test "agreement: a tag value tally-check refuses is refused with tally-check's message" {
	cd "$BATS_TEST_TMPDIR"
	# an unknown policy, superseded later: no price depends on it, but it is wrong
	printf '2026-09-01 Terms\n    ; client: Ana\n    ; rate: 45.00 EUR\n    ; policy: nosuch\n\n2026-09-03 Later\n    ; client: Ana\n    ; policy: 24-hour\n' > pol.journal
	run -1 --separate-stderr tally-check pol.journal
	want=${stderr#tally-check: }
	assert_equal "${want%% (no *}" "pol.journal:4: unknown policy: nosuch"
	run -1 --separate-stderr tally-agreement --client ana --date 2026-10-15 pol.journal
	assert_equal "$stderr" "tally-agreement: $want"
	assert_equal "$output" ""
	for bad in 'rate: 60 EUR/fortnight' 'minutes: fifty' 'package: ten' 'terms: soon' 'payer: ('; do
		printf '2026-09-01 Terms\n    ; client: Ana\n    ; rate: 45.00 EUR\n    ; policy: 24-hour\n    ; %s\n' "$bad" > bad.journal
		run -1 --separate-stderr tally-check bad.journal
		want=${stderr#tally-check: }
		[ -n "$want" ]
		run -1 --separate-stderr tally-agreement --client ana --date 2026-10-15 bad.journal
		assert_equal "$stderr" "tally-agreement: $want"
		assert_equal "$output" ""
	done
}

@test "agreement: errors" {
	cd "$AGR"
	run -2 --separate-stderr tally-agreement ana.journal
	assert_equal "${stderr_lines[0]}" "tally-agreement: which client? (--client ID)"
	run -2 --separate-stderr tally-agreement --client ana -O docx ana.journal
	assert_equal "$stderr" "tally-agreement: unknown output format: docx"
	run -2 --separate-stderr tally-agreement --client ana --lang fr ana.journal
	assert_equal "$stderr" "tally-agreement: unknown language: fr"
	run -1 --separate-stderr tally-agreement --client zoe ana.journal
	assert_equal "$stderr" "tally-agreement: no client zoe in the journal"
	run -1 --separate-stderr tally-agreement --client ana-garcia --date 2026-08-01 ana.journal
	assert_equal "$stderr" "tally-agreement: no policy: for ana-garcia on that date (give --policy FILE)"
	assert_equal "$output" ""
	mkdir "$BATS_TEST_TMPDIR/t"
	printf 'Dear {{client}},\n{{#rate}}\n{{rates}}\n{{/rate}}\n' > "$BATS_TEST_TMPDIR/t/agreement.en.txt"
	run -1 --separate-stderr tally-agreement --client ana-garcia --date 2026-10-15 \
		--templates "$BATS_TEST_TMPDIR/t" ana.journal
	assert_equal "$stderr" "tally-agreement: $BATS_TEST_TMPDIR/t/agreement.en.txt:3: unknown field: rates"
	assert_equal "$output" ""
	run -1 --separate-stderr tally-agreement --client ana-garcia --date 2026-10-15 \
		--templates "$BATS_TEST_TMPDIR/t" -O md ana.journal
	assert_equal "$stderr" "tally-agreement: $BATS_TEST_TMPDIR/t/agreement.en.md: cannot open template: No such file or directory"
}

@test "agreement: --help and --version" {
	run tally-agreement --help
	assert_success
	assert_line -n 0 "usage: tally-agreement --client ID [-O txt|md|html|pdf|eml] [--maildir DIR] [--lang en|es|he] [--date DATE]"
	run tally-agreement --version
	assert_output "tally-agreement $(cat "$TOP/lib/VERSION")"
}
