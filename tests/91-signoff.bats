#!/usr/bin/env bats
# tally-signoff: sign-off sheets (txt, html) with "session N of M" of the package, and
# --record SIGNED.csv adding signed: tags idempotently, in place through the write path.
load helper

CAL=$FIXTURES/calendar
J=$CAL/signoff.journal

@test "signoff: --help, --version and usage errors" {
	run tally-signoff --help
	assert_success
	assert_output --partial "usage: tally-signoff --client ID"
	run tally-signoff --version
	assert_output "tally-signoff $(cat "$TOP/lib/VERSION")"
	run -2 --separate-stderr tally-signoff "$J"
	assert_equal "${stderr%%$'\n'*}" \
		"tally-signoff: give --client ID (a sheet) or --record FILE (signatures)"
	run -2 --separate-stderr tally-signoff --client ana --record x.csv "$J"
	assert_equal "${stderr%%$'\n'*}" \
		"tally-signoff: give --client ID (a sheet) or --record FILE (signatures)"
	run -2 --separate-stderr tally-signoff --client ana -O doc "$J"
	assert_equal "$stderr" "tally-signoff: unknown output format: doc"
	run -2 tally-signoff --record x.csv -i "$J" other.journal
}

@test "signoff: the sheet lists held sessions with their place in the package" {
	run --separate-stderr tally-signoff --client ana -p 2026-03 "$J"
	assert_success
	assert_output - <<'S'
Sign-off sheet: ana
Period: 2026-03-01 to 2026-03-31

date        time   minutes  package             signature
2026-03-03  16:00       60  session 1 of 10     ______________________
2026-03-10  16:00       60  session 2 of 10     ______________________
2026-03-26  18:00       60  session 3 of 10     ______________________
2026-03-31  16:00       60  session 4 of 10     ______________________

4 sessions held, 0 signed; package sessions left: 6.

I confirm these sessions took place.

Name: ______________________  Signature: ______________________  Date: __________
S
	# April: the late cancellation forfeited nothing yet (not cancelled through tally-cancel).
	run tally-signoff --client ana -p 2026-04 "$J"
	assert_line "2026-04-14  16:00       60  session 5 of 10     ______________________"
	# A client paying by the session has no package column entry and no credit line.
	run tally-signoff --client Ben -p 2026-03 "$J"
	assert_line "2026-03-02  10:00        -  -                   ______________________"
	assert_line "2026-03-09  10:00       45  -                   ______________________"
	assert_line "5 sessions held, 0 signed."
	run -1 --separate-stderr tally-signoff --client zoe "$J"
	assert_output ""
	assert_equal "$stderr" "tally-signoff: no client zoe in the journal"
}

@test "signoff: html sheet" {
	run --separate-stderr tally-signoff --client ana -p 2026-03 -O html "$J"
	assert_success
	assert_line --index 0 "<!DOCTYPE html>"
	assert_line "<h1>Sign-off sheet: ana</h1>"
	assert_line '<tr><td>2026-03-26</td><td>18:00</td><td>60</td><td>session 3 of 10</td><td class="sign"></td></tr>'
	assert_line "</html>"
}

@test "signoff: --record adds signed: tags before the postings, and twice changes nothing" {
	cd "$BATS_TEST_TMPDIR"
	run --separate-stderr tally-signoff --record "$CAL/signed.csv" "$J"
	assert_success
	assert_equal "$stderr" "tally-signoff: 3 signed: tags added"
	echo "$output" > signed.journal
	run diff "$J" signed.journal
	assert_output - <<'D'
30a31
>     ; signed: Ana G.
39a41
>     ; signed: Ben's dad
84a87
>     ; signed: García; Ana
D
	run --separate-stderr tally-signoff --record "$CAL/signed.csv" signed.journal
	assert_equal "$stderr" "tally-signoff: 0 signed: tags added"
	assert_output "$(cat signed.journal)"
	# Standard input is read twice through a spool file.
	run --separate-stderr tally-signoff --record "$CAL/signed.csv" < "$J"
	assert_output "$(cat signed.journal)"
	# The books are the same; the sheet and tally-sessions see the signatures.
	assert_equal "$(ledger -f signed.journal bal --flat)" "$(ledger -f "$J" bal --flat)"
	assert_equal "$(hledger -f signed.journal bal)" "$(hledger -f "$J" bal)"
	run tally-signoff --client ana -p 2026-03 signed.journal
	assert_line "2026-03-26  18:00       60  session 3 of 10     signed: García; Ana"
	assert_line "4 sessions held, 2 signed; package sessions left: 6."
	run tally-sessions -p 2026-03 signed.journal
	assert_line --regexp '^ana +4 +0 +0 +0 +0 +2 +2 '
}

@test "signoff: --record -i edits the journal in place; two sessions on one day" {
	cd "$BATS_TEST_TMPDIR"
	cp "$J" j.journal
	cat >> j.journal <<'J'

2026-03-10 Second lesson that day
    ; client: ana
    ; session: held
    ; time: 18:00
J
	printf '2026-03-10,ana,Ana G.\n2026-03-10,ana,Ana G.\n' > two.csv
	run --separate-stderr tally-signoff --record two.csv -i j.journal
	assert_success
	assert_output ""
	[ "$(grep -c 'signed: Ana G.' j.journal)" = 2 ]
	cp j.journal once
	tally-signoff --record two.csv -i j.journal 2>/dev/null
	cmp once j.journal
	# A third signature that day has no session left to sign.
	printf '2026-03-10,ana,Ana G.\n2026-03-10,ana,Ana G.\n2026-03-10,ana,Ana G.\n' > three.csv
	run -1 --separate-stderr tally-signoff --record three.csv -i j.journal
	assert_equal "$stderr" "tally-signoff: three.csv:3: no unsigned held session of ana on 2026-03-10"
	cmp once j.journal
}

@test "signoff: bad records are CSV:LINE, exit 1, nothing written" {
	cd "$BATS_TEST_TMPDIR"
	cp "$J" j.journal
	r() {
		printf "$1" > bad.csv
		run -1 --separate-stderr tally-signoff --record bad.csv "$J"
		assert_output ""
		assert_equal "$stderr" "$2"
		run -1 tally-signoff --record bad.csv -i j.journal
		cmp "$J" j.journal
	}
	r 'date,client,signed-by\n2026-03-33,ana,Ana\n' "tally-signoff: bad.csv:2: bad date: 2026-03-33"
	r '2026-03-03,ana\n' "tally-signoff: bad.csv:1: needs date, client, signed-by"
	r '2026-03-03,ana,\n' "tally-signoff: bad.csv:1: no signed-by name"
	r '2026-03-04,ana,Ana\n' "tally-signoff: bad.csv:1: no unsigned held session of ana on 2026-03-04"
	r '2026-03-03,"ana,Ana\n' "tally-signoff: bad.csv:1: unterminated quoted field"
	# a client ID too long to be one is refused, never cut (two long names would merge)
	long=$(printf 'a%.0s' $(seq 300))
	r "2026-03-03,$long,Ana\n" "tally-signoff: bad.csv:1: client ID longer than 200 bytes"
	run -1 --separate-stderr tally-signoff --record missing.csv "$J"
	assert_output ""
	assert_equal "$stderr" "tally-signoff: missing.csv: No such file or directory"
	# The output may not be the journal read.
	run -2 bash -c 'tally-signoff --record "$1" j.journal >> j.journal' _ "$CAL/signed.csv"
	cmp "$J" j.journal
}

@test "signoff: -O pdf is the same sheet as a PDF, read back by pdftotext" {
	need pdftotext
	f=$(scratch)/ana.pdf
	run -0 tally-signoff --client ana -p 2026-03 -O pdf "$J"
	tally-signoff --client ana -p 2026-03 -O pdf "$J" > "$f"
	[ "$(head -c 5 "$f")" = "%PDF-" ]
	run -0 pdftotext -layout "$f" -
	assert_output --partial "Sign-off sheet: ana"
	assert_line --regexp '2026-03-10 +16:00 +60 +session 2 of 10'
	assert_output --partial "I confirm these sessions took place."
}

@test "signoff: --record signs a group session for each attendee who signs, once each" {
	cd "$BATS_TEST_TMPDIR"
	cat > g.journal <<'EOF'
2026-03-01 Terms
    ; client: ana
    ; rate: 40 EUR

2026-03-01 Terms
    ; client: ben
    ; rate: 40 EUR

2026-03-05 Conversation class
    ; client: ana, client: ben
    ; client: cai
    ; session: held
    ; time: 18:00
    ; absent: cai
EOF
	printf 'date,client,signed-by\n2026-03-05,ben,Ben B.\n2026-03-05,ana,Ana G.\n' > s.csv
	run --separate-stderr tally-signoff --record s.csv g.journal
	assert_success
	assert_equal "$stderr" "tally-signoff: 2 signed: tags added"
	printf '%s\n' "$output" > g2.journal
	assert_equal "$(tail -3 g2.journal)" "$(printf '    ; absent: cai\n    ; signed: Ana G.\n    ; signed: Ben B.')"
	run tally-check g2.journal
	assert_success
	# recorded twice: nothing changes
	run --separate-stderr tally-signoff --record s.csv g2.journal
	assert_success
	assert_equal "$stderr" "tally-signoff: 0 signed: tags added"
	assert_output "$(cat g2.journal)"
	# an absent attendee has no session to sign
	printf '2026-03-05,cai,Cai C.\n' > c.csv
	run -1 --separate-stderr tally-signoff --record c.csv g.journal
	assert_equal "$stderr" "tally-signoff: c.csv:1: no unsigned held session of cai on 2026-03-05"
	assert_output ""
}
