#!/usr/bin/env bats
# Policy files (tally-policy(5)): the parser's errors with FILE:LINE, every key's forms, and
# what each key does when tally-cancel applies it. Bad files in tests/fixtures/policy/
# (CASE.policy with the expected message in CASE.err).
load helper

POL=$FIXTURES/policy

@test "policy: every bad file is an error naming its file and line, exit 1" {
	cd "$POL"
	n=0
	for f in *.err; do
		c=${f%.err}
		run -1 --separate-stderr tally-cancel --policy "$c.policy" /dev/null
		assert_equal "$stderr" "tally-cancel: $(cat "$f")"
		assert_equal "$output" ""
		run -1 --separate-stderr tally-agreement --client x --policy "$c.policy" /dev/null
		n=$((n + 1))
	done
	[ "$n" -ge 18 ]
}

@test "policy: CRLF line ends and a byte order mark are read" {
	printf '\xef\xbb\xbfname = crlf\r\nnotice = 24h\r\nno-show-fee = 100%%\r\n' > "$BATS_TEST_TMPDIR/p"
	printf '2026-01-01 T\n    ; client: bo\n    ; rate: 40 EUR\n' > "$BATS_TEST_TMPDIR/j"
	run joined tally-agreement --client bo --date 2026-02-01 --policy "$BATS_TEST_TMPDIR/p" "$BATS_TEST_TMPDIR/j"
	assert_success
	assert_line "5. Changes and cancellations (crlf)"
	assert_line "- A missed session without notice (no-show) is charged 100% of the session fee."
}

@test "policy: a missing file is an error" {
	run -1 --separate-stderr tally-cancel --policy "$POL/none.policy" /dev/null
	assert_equal "$stderr" "tally-cancel: $POL/none.policy: cannot open policy: No such file or directory"
}

@test "policy: the shipped policies load, and each says what the issue asks" {
	for p in "$TOP"/share/policies/*.policy; do
		run tally-cancel --policy "$p" /dev/null
		assert_success
	done
	ls "$TOP"/share/policies/24-hour.policy "$TOP"/share/policies/strict-48-hour.policy \
		"$TOP"/share/policies/prepaid-package.policy "$TOP"/share/policies/rolling-deposit.policy \
		"$TOP"/share/policies/tiered.policy
	grep -qx 'grace = 1' "$TOP/share/policies/24-hour.policy"
	grep -qx 'grace = 0' "$TOP/share/policies/strict-48-hour.policy"
	grep -qx 'prepaid = forfeit' "$TOP/share/policies/prepaid-package.policy"
	grep -qx 'deposit = 50%' "$TOP/share/policies/rolling-deposit.policy"
	grep -qx 'grace = 1 per 6 months' "$TOP/share/policies/tiered.policy"
}

@test "policy: every key's forms, in plain words" {
	printf '2026-01-01 T\n    ; client: bo\n    ; rate: 40 EUR\n' > "$BATS_TEST_TMPDIR/j"
	run joined tally-agreement --client bo --date 2026-02-01 --policy "$POL/full.policy" "$BATS_TEST_TMPDIR/j"
	assert_success
	assert_line "5. Changes and cancellations (Full example)"
	assert_line "- Cancellations need at least 36 hours' notice before the session starts; with that much notice nothing is charged."
	assert_line "- A cancellation with less than 36 hours' notice is charged 25% of the session fee. A cancellation with less than 12 hours' notice is charged 50% of the session fee. A cancellation with less than 1 hour 30 minutes' notice is charged 100% of the session fee."
	assert_line "- A missed session without notice (no-show) is charged 45.50 EUR."
	assert_line "- No cancellation fee is more than 100% of the session fee."
	assert_line "- 2 late cancellations or no-shows every year are waived, with a reminder of this policy."
	assert_line "- A prepaid session cancelled late or missed stays in the package; any fee is invoiced separately."
	assert_line "- No deposit is required."
	assert_line "- If the provider cancels, nothing is charged and the client is credited 10.00 EUR."
	run joined tally-agreement --client bo --date 2026-02-01 --policy "$POL/renew-days.policy" --lang es "$BATS_TEST_TMPDIR/j"
	assert_line "5. Cambios y cancelaciones (renew-days)"
	assert_line "- Las cancelaciones se comunican con al menos 48 horas de antelación al inicio de la sesión; con esa antelación no se cobra nada."
	assert_line "- Una cancelación tardía no tiene recargo."
	assert_line "- Se perdona 1 cancelación tardía o ausencia cada 90 días, con un recordatorio de esta política."
}

@test "policy: tiers, fixed fees, percent cap, kept package, grace per year, amount credit" {
	f=$(journal <<'J'
2026-01-01 Terms
    ; client: bo
    ; rate: 80.00 EUR

2026-01-02 Package
    ; client: bo
    ; package: 4
    Assets:Bank  300.00 EUR
    Liabilities:Prepaid:bo

2026-02-01 One
    ; client: bo
    ; session: no-show

2026-03-01 Two
    ; client: bo
    ; session: late-cancel

2026-04-01 20 hours: 25%
    ; client: bo
    ; session: cancelled
    ; time: 20:00
    ; cancelled-at: 2026-04-01 00:00

2026-04-02 11 hours 59 minutes: 50%
    ; client: bo
    ; session: cancelled
    ; time: 12:00
    ; cancelled-at: 2026-04-02 00:01

2026-04-03 89 minutes: 100%, within the 100% cap
    ; client: bo
    ; session: cancelled
    ; time: 12:00
    ; cancelled-at: 2026-04-03 10:31

2026-04-04 36 hours: on time
    ; client: bo
    ; session: cancelled
    ; time: 12:00
    ; cancelled-at: 2026-04-03 00:00

2026-04-05 no-show: a fixed fee
    ; client: bo
    ; session: no-show

2026-04-06 provider: a fixed credit
    ; client: bo
    ; session: provider-cancel
J
)
	run tally-cancel --policy "$POL/full.policy" "$f"
	assert_success
	# what was added, as diff(1) shows it
	run diff "$f" - <<< "$output"
	assert_output "13a14
>     ; waived: first offense in 1 year
17a19
>     ; waived: offense 2 of 2 in 1 year
23a26,27
>     Assets:Unbilled:bo  20.00 EUR
>     Income:Cancellations  -20.00 EUR
29a34,35
>     Assets:Unbilled:bo  40.00 EUR
>     Income:Cancellations  -40.00 EUR
35a42,43
>     Assets:Unbilled:bo  80.00 EUR
>     Income:Cancellations  -80.00 EUR
45a54,55
>     Assets:Unbilled:bo  45.50 EUR
>     Income:Cancellations  -45.50 EUR
49a60,61
>     Assets:Unbilled:bo  -10.00 EUR
>     Income:Cancellations  10.00 EUR"
}

@test "policy: grace renewing every 90 days counts days" {
	f=$(journal <<'J'
2026-01-01 Terms
    ; client: bo
    ; rate: 80.00 EUR

2026-01-10 waived
    ; client: bo
    ; session: no-show

2026-04-09 89 days later: charged
    ; client: bo
    ; session: no-show

2026-04-10 90 days later: waived again
    ; client: bo
    ; session: no-show
J
)
	printf 'notice = 24h\nno-show-fee = 50%%\ngrace = 1 per 90 days\n' > "$BATS_TEST_TMPDIR/p"
	run tally-cancel --policy "$BATS_TEST_TMPDIR/p" "$f"
	assert_success
	run diff "$f" - <<< "$output"
	assert_output "7a8
>     ; waived: first offense in 90 days
11a13,14
>     Assets:Unbilled:bo  40.00 EUR
>     Income:Cancellations  -40.00 EUR
15a19
>     ; waived: first offense in 90 days"
}
