#!/usr/bin/env bats
# Group sessions, one-off prices and how per-hour prices are rounded (issue 17, items 2-3):
# an event with several client: tags bills every attendee at their own terms, absent: ones as
# the policy prices a no-show; price: prices one session; a per-hour price is rounded once to
# the commodity's declared precision, else 2 decimals, wherever the session sits in the file.
load helper

# No grace: a no-show costs the session's full price.
policy() {
	cat > "$BATS_TEST_TMPDIR/strict.policy" <<'P'
name = strict
notice = 24h
late-cancel-fee = 50%
no-show-fee = 100%
grace = 0
prepaid = forfeit
P
	echo "$BATS_TEST_TMPDIR/strict.policy"
}

# Four clients: two at a rate, one with a package, one more at a rate; a class of all four
# (the tag repeated on one line, and one line each) that dan missed.
group() {
	cat <<'J'
2026-11-01 Agreement ana
    ; client: ana
    ; name: Ana Garcia
    ; rate: 30 EUR

2026-11-01 Agreement ben
    ; client: ben
    ; name: Ben Ruiz
    ; rate: 40 EUR

2026-11-01 Package cai
    ; client: cai
    ; name: Cai Lee
    ; package: 10
    Assets:Bank  300 EUR
    Liabilities:Prepaid:cai

2026-11-01 Agreement dan
    ; client: dan
    ; name: Dan Brown
    ; rate: 30 EUR

2026-11-05 Conversation class: Ana, Ben, Cai and Dan
    ; client: ana, client: ben
    ; client: cai
    ; client: dan
    ; session: held
    ; time: 18:00
    ; absent: dan
J
}

@test "groups: a group of four with one no-show bills each attendee on their own terms" {
	need ledger hledger
	p=$(policy)
	f=$(group | journal)
	run -0 --separate-stderr tally-bill --policy "$p" "$f"
	assert_equal "$stderr" ""
	want=$(group; cat <<'J'
    Assets:Unbilled:ana  30 EUR
    Income:Sessions  -30 EUR  ; client: ana
    Assets:Unbilled:ben  40 EUR
    Income:Sessions  -40 EUR  ; client: ben
    Liabilities:Prepaid:cai  30 EUR
    Income:Sessions  -30 EUR  ; client: cai
    Assets:Unbilled:dan  30 EUR
    Income:Cancellations  -30 EUR  ; client: dan
J
)
	assert_equal "$output" "$want"
	billed=$(printf '%s\n' "$output" | journal billed.journal)
	agree "$billed" || fail "ledger, hledger and tally-balance disagree on the billed journal"
	# once priced, priced: a second run, the other filter, the other order change nothing
	run -0 tally-bill --policy "$p" "$billed"
	assert_equal "$output" "$want"
	run -0 tally-cancel --policy "$p" "$billed"
	assert_equal "$output" "$want"
	run -0 bash -c 'tally-cancel --policy "$1" "$2" | tally-bill --policy "$1"' _ "$p" "$f"
	assert_equal "$output" "$want"
	TALLY_BOOK_REREAD=1 run -0 tally-bill --policy "$p" "$f"
	assert_equal "$output" "$want"
	run -0 tally-check --policy "$p" "$billed"
	# counted per attendee
	run -0 tally-sessions --policy "$p" -O csv "$billed"
	assert_line --index 1 "ana,1,0,0,0,0,0,1,0,0,0,0,0"
	assert_line --index 2 "ben,1,0,0,0,0,0,1,0,0,0,0,0"
	assert_line --index 3 "cai,1,0,0,0,0,0,1,10,1,9,0,0"
	assert_line --index 4 "dan,0,0,0,1,0,0,0,0,0,0,0,0"
	# each present attendee's sign-off sheet lists it (cai's as a package session); dan's not
	run -0 tally-signoff --client cai -p 2026-11 "$billed"
	assert_line "2026-11-05  18:00        -  session 1 of 10     ______________________"
	run -0 tally-signoff --client dan -p 2026-11 "$billed"
	assert_line "0 sessions held, 0 signed."
	# each attendee's income is their own, in tally-report and in hledger's pivot
	run -0 tally-report --income -p 2026-11 -O csv "$billed"
	assert_output --partial "ana,EUR,30"
	assert_output --partial "ben,EUR,40"
	assert_output --partial "cai,EUR,30"
	assert_output --partial "dan,EUR,30"
	run -0 hledger -f "$billed" bal Income --pivot client -N
	assert_output "             -30 EUR  ana
             -40 EUR  ben
             -30 EUR  cai
             -30 EUR  dan"
}

@test "groups: each client's invoice and statement shows their own line and no other client" {
	p=$(policy)
	f=$(group | tally-bill --policy "$p" | tally-invoice -p 2026-11 | journal invoiced.journal)
	declare -A who=([2026-0001]=ana [2026-0002]=ben [2026-0003]=dan)
	for n in 2026-0001 2026-0002 2026-0003; do
		me=${who[$n]}
		run -0 tally-invoice --show "$n" "$f"
		assert_line --regexp "^2026-11-05  Group session.* 30 EUR$|^2026-11-05  Group session.* 40 EUR$"
		for other in ana ben cai dan Garcia Ruiz Lee Brown Conversation; do
			[ "$other" = "$me" ] && continue
			case $other in Garcia) [ "$me" = ana ] && continue ;; Ruiz) [ "$me" = ben ] && continue ;;
			Brown) [ "$me" = dan ] && continue ;; esac
			refute_output --partial "$other"
		done
	done
	run -0 tally-invoice --show 2026-0003 "$f"
	assert_line "2026-11-05  Group session, missed                                 30 EUR"
	run -0 tally-statement --client dan -p 2026-11 "$f"
	assert_output --partial "Nov 5, 2026   18:00  no-show"
	for other in ana ben cai Garcia Ruiz Lee; do
		refute_output --partial "$other"
	done
}

@test "groups: a no-show waived by the policy's grace is written, and counts, in either order" {
	need ledger hledger
	j=$(cat <<'J'
2026-11-01 Agreement ana
    ; client: ana
    ; rate: 30 EUR

2026-11-01 Agreement dan
    ; client: dan
    ; rate: 30 EUR

2026-11-12 Lesson dan
    ; client: dan
    ; session: late-cancel
    ; time: 10:00

2026-11-05 Class
    ; client: ana
    ; client: dan
    ; session: held
    ; absent: dan
J
)
	f=$(printf '%s\n' "$j" | journal)
	pol=$TOP/share/policies/24-hour.policy
	run -0 tally-bill --policy "$pol" "$f"
	assert_output --partial "    Assets:Unbilled:dan  0 EUR  ; no-show fee waived by the policy's grace, offense 1 of 1"
	# the grace went to the class (earlier in date order): the late cancel is charged
	a=$(tally-bill --policy "$pol" "$f" | tally-cancel --policy "$pol" | journal a.journal)
	b=$(tally-cancel --policy "$pol" "$f" | tally-bill --policy "$pol" | journal b.journal)
	run -0 tally-balance Unbilled:dan "$a"
	assert_output --partial "15 EUR"
	run -0 diff <(tally-balance "$a") <(tally-balance "$b")
	agree "$a"
	agree "$b"
}

@test "groups: a group session without a rate for one attendee is an error at the session" {
	f=$(printf '2026-11-01 Terms\n    ; client: ana\n    ; rate: 30 EUR\n\n2026-11-03 Class\n    ; client: ana, client: bo\n    ; session: held\n' | journal)
	for cmd in check bill; do
		run -1 --separate-stderr "tally-$cmd" "$f"
		assert_equal "$stderr" "tally-$cmd: $f:5: no rate for bo on 2026-11-03 and no package credit"
	done
}

@test "groups: tally-check refuses a bad price:, an absent: naming no one of the group, terms of two" {
	f=$(cat <<'J' | journal
2026-11-01 Terms
    ; client: ana
    ; rate: 30 EUR

2026-11-03 Class
    ; client: ana
    ; client: ben
    ; session: held
    ; absent: eve

2026-11-04 Lesson
    ; client: ana
    ; session: held
    ; price: thirty

2026-11-05 Lesson
    ; client: ana
    ; session: no-show
    ; absent: ana

2026-11-06 Payment
    ; client: ana
    ; price: 30 EUR
    Assets:Bank  30 EUR
    Assets:Receivable:ana

2026-11-07 Terms of two
    ; client: ana
    ; client: ben
    ; rate: 30 EUR
J
)
	run -1 --separate-stderr tally-check "$f"
	assert_equal "$stderr" "tally-check: $f:9: absent: eve is not one of the session's clients
tally-check: $f:14: price: bad value thirty (want an amount, e.g. 30 EUR)
tally-check: $f:19: absent: only on a session: held event
tally-check: $f:23: price: no session: tag on the entry
tally-check: $f:30: rate: on an entry of several clients: write each client's terms on an entry of their own"
	run -1 --separate-stderr tally-bill "$f"
	assert_output ""
}

@test "price: a session's one-off price never becomes the client's rate" {
	need ledger hledger
	f=$(cat <<'J' | journal
2026-11-01 Terms
    ; client: ana
    ; rate: 45 EUR

2026-11-01 Package
    ; client: ana
    ; package: 2
    Assets:Bank  90 EUR
    Liabilities:Prepaid:ana

2026-11-03 Sliding scale
    ; client: ana
    ; session: held
    ; price: 30 EUR

2026-11-04 Lesson
    ; client: ana
    ; session: held
J
)
	run -0 tally-bill "$f"
	assert_output --partial "2026-11-03 Sliding scale
    ; client: ana
    ; session: held
    ; price: 30 EUR
    Assets:Unbilled:ana  30 EUR
    Income:Sessions  -30 EUR"
	# the package paid for the next one, at its own price
	assert_output --partial "2026-11-04 Lesson
    ; client: ana
    ; session: held
    Liabilities:Prepaid:ana  45 EUR
    Income:Sessions  -45 EUR"
	agree "$(printf '%s\n' "$output" | journal billed.journal)"
	# a no-show's percent fee is a percent of its price:
	f=$(printf '2026-11-01 Terms\n    ; client: ana\n    ; rate: 45 EUR\n\n2026-11-05 Missed\n    ; client: ana\n    ; session: no-show\n    ; price: 20 EUR\n' | journal nos.journal)
	run -0 tally-cancel --policy "$(policy)" "$f"
	assert_output --partial "    Assets:Unbilled:ana  20 EUR"
}

# per_hour WHERE: a 95 EUR/h, 50 minutes session at the start, middle or end of a file
# whose other amounts have 0 and 1 decimals.
per_hour() {
	local s='2026-11-03 Session
    ; client: ana
    ; session: held
    ; minutes: 50
'
	printf '2026-11-01 Terms\n    ; client: ana\n    ; rate: 95 EUR/h\n\n'
	[ "$1" = start ] && printf '%s\n' "$s"
	printf '2026-11-04 Books\n    Expenses:Books  12.5 EUR\n    Assets:Bank\n\n'
	[ "$1" = middle ] && printf '%s\n' "$s"
	printf '2026-11-05 Rent\n    Expenses:Rent  100 EUR\n    Assets:Bank\n'
	[ "$1" = end ] && printf '\n%s' "$s"
	return 0
}

@test "rounding: 95 EUR/h for 50 minutes is 79.17 EUR at the start, middle and end of a file" {
	need ledger hledger
	for w in start middle end; do
		f=$(per_hour "$w" | journal "$w.journal")
		run -0 tally-bill "$f"
		assert_line "    Assets:Unbilled:ana  79.17 EUR"
		assert_line "    Income:Sessions  -79.17 EUR"
		agree "$(printf '%s\n' "$output" | journal "$w-billed.journal")"
	done
}

@test "rounding: to the commodity's declared precision, 0 or 3 decimals" {
	f=$({ printf 'commodity 1,000 EUR\n\n'; per_hour middle | sed 's|95 EUR/h|95.50 EUR/h|'; } |
		journal p0.journal)
	run -0 tally-bill "$f"
	assert_line "    Assets:Unbilled:ana  80 EUR"
	f=$({ printf 'commodity EUR\n    format 1,000.000 EUR\n\n'
	      per_hour start | sed 's|95 EUR/h|95.1234 EUR/h|'; } | journal p3.journal)
	run -0 tally-bill "$f"
	assert_line "    Assets:Unbilled:ana  79.270 EUR"
	assert_line "    Income:Sessions  -79.270 EUR"
}

@test "groups: price per head, a deposit, a free class, a late cancel, a client added later" {
	need ledger hledger
	p=$(policy)
	f=$(cat <<'J' | journal
2026-11-01 Terms
    ; client: ana
    ; rate: 30 EUR

2026-11-01 Terms
    ; client: ben
    ; rate: 40 EUR

2026-11-02 Deposit ben
    ; client: ben
    Assets:Bank  20 EUR
    Liabilities:Deposits:ben

2026-11-03 Class at a special price
    ; client: ana, client: ben
    ; session: held
    ; price: 25 EUR

2026-11-04 Free class
    ; client: ana, client: ben
    ; session: held
    ; waived: trial

2026-11-05 Class
    ; client: ana, client: ben
    ; session: held
    ; absent: ben late-cancel
J
)
	want='2026-11-03 Class at a special price
    ; client: ana, client: ben
    ; session: held
    ; price: 25 EUR
    Assets:Unbilled:ana  25 EUR
    Income:Sessions  -25 EUR  ; client: ana
    Liabilities:Deposits:ben  20 EUR
    Assets:Unbilled:ben  5 EUR
    Income:Sessions  -25 EUR  ; client: ben

2026-11-04 Free class
    ; client: ana, client: ben
    ; session: held
    ; waived: trial

2026-11-05 Class
    ; client: ana, client: ben
    ; session: held
    ; absent: ben late-cancel
    Assets:Unbilled:ana  30 EUR
    Income:Sessions  -30 EUR  ; client: ana
    Assets:Unbilled:ben  20 EUR
    Income:Cancellations  -20 EUR  ; client: ben'
	# the file ends without a newline: the postings still start on a line of their own
	printf '%s' "$(cat "$f")" > "$f.nonl"
	for reread in "" 1; do
		TALLY_BOOK_REREAD=$reread run -0 tally-bill --policy "$p" "$f.nonl"
		assert_output --partial "$want"
	done
	billed=$(printf '%s\n' "$output" | journal billed.journal)
	agree "$billed"
	# a client added to a billed class is billed on the next run, the others are not again
	{ printf '2026-11-01 Terms\n    ; client: cai\n    ; rate: 10 EUR\n\n'
	  sed 's/^    ; absent: ben late-cancel$/&\n    ; client: cai/' "$billed"; } > "$f.more"
	run -0 tally-bill --policy "$p" "$f.more"
	assert_output --partial "    ; client: cai
    Assets:Unbilled:ana  30 EUR
    Income:Sessions  -30 EUR  ; client: ana
    Assets:Unbilled:ben  20 EUR
    Income:Cancellations  -20 EUR  ; client: ben
    Assets:Unbilled:cai  10 EUR
    Income:Sessions  -10 EUR  ; client: cai"
	once=$(printf '%s\n' "$output" | journal once.journal)
	run -0 tally-bill --policy "$p" "$once"
	assert_equal "$output" "$(cat "$once")"
}

@test "groups: an attendee paid from their payer's package (bill-to:) is billed once" {
	need ledger hledger
	f=$(cat <<'J' | journal
2026-11-01 Terms
    ; client: ana
    ; rate: 30 EUR
    ; bill-to: perez

2026-11-01 Terms
    ; client: ben
    ; rate: 40 EUR

2026-11-02 Package for the family
    ; client: perez
    ; package: 4
    Assets:Bank  100 EUR
    Liabilities:Prepaid:perez

2026-11-05 Class with Ana and Ben
    ; client: ben, client: ana
    ; session: held
J
)
	run -0 tally-bill "$f"
	assert_output --partial "    ; session: held
    Assets:Unbilled:ben  40 EUR
    Income:Sessions  -40 EUR  ; client: ben
    Liabilities:Prepaid:perez  25 EUR
    Income:Sessions  -25 EUR  ; client: ana"
	billed=$(printf '%s\n' "$output" | journal billed.journal)
	run -0 tally-bill "$billed"
	assert_equal "$output" "$(cat "$billed")"
	agree "$billed"
	run -0 tally-sessions -O csv "$billed"
	assert_line "perez,0,0,0,0,0,0,0,4,1,3,0,0"
	run -0 tally-check "$billed"
}

@test "groups: a hand-split entry is invoiced without its description, which names the others" {
	f=$(cat <<'J' | journal
2026-11-05 Shared lesson for Ana Garcia and Ben Ruiz
    ; client: ana
    ; session: held
    Assets:Unbilled:ana  20 EUR
    Assets:Unbilled:ben  20 EUR
    Income:Sessions

2026-11-06 Books for Ana Garcia and Ben Ruiz
    Assets:Unbilled:ana  5 EUR
    Assets:Unbilled:ben  5 EUR
    Expenses:Books
J
)
	run -0 tally-invoice -p 2026-11 "$f"
	assert_line "    ; item: 2026-11-05 | 20 EUR | Group session"
	assert_line "    ; item: 2026-11-06 | 5 EUR | Shared entry"
	refute_output --partial "| Shared lesson"
	refute_output --partial "| Books for"
}

@test "groups: shuffled, through every order of bill and cancel, the same books (metamorphic)" {
	cat > "$BATS_TEST_TMPDIR/groups.journal" <<'J'
2026-11-01 Terms ana
    ; client: ana
    ; rate: 30 EUR
    ; policy: 24-hour

2026-11-01 Terms dan
    ; client: dan
    ; rate: 30 EUR
    ; policy: 24-hour

2026-11-01 Terms cai
    ; client: cai
    ; rate: 60 EUR/h
    ; policy: 24-hour

2026-11-02 Package cai
    ; client: cai
    ; package: 1
    Assets:Bank  50 EUR
    Liabilities:Prepaid:cai

2026-11-05 Class
    ; client: ana, client: dan
    ; client: cai
    ; session: held
    ; minutes: 50
    ; absent: dan

2026-11-06 Lesson dan
    ; client: dan
    ; session: late-cancel
    ; time: 10:00

2026-11-07 Class
    ; client: ana, client: dan, client: cai
    ; session: held
    ; minutes: 50
    ; absent: cai late-cancel

2026-11-08 Lesson
    ; client: cai
    ; session: no-show
    ; minutes: 50
J
	run metamorphic --seeds 4 "$BATS_TEST_TMPDIR/groups.journal"
	assert_success
	assert_output "metamorphic: 1 journals, 25 outputs, 0 differences"
	# and those books give each attendee their own: no-shows, a grace each, per-hour prices
	need hledger
	run -0 bash -c 'tally-cancel "$1" | tally-bill | hledger -f - bal Income --pivot client -N' _ \
		"$BATS_TEST_TMPDIR/groups.journal"
	assert_output "             -60 EUR  ana
            -100 EUR  cai
             -45 EUR  dan"
}

@test "rounding: a package session's share is at 2 decimals in a file of whole amounts" {
	f=$(cat <<'J' | journal
2026-11-01 Package
    ; client: ana
    ; package: 3
    Assets:Bank  100 EUR
    Liabilities:Prepaid:ana

2026-11-03 Lesson
    ; client: ana
    ; session: held

2026-11-04 Lesson
    ; client: ana
    ; session: held

2026-11-05 Lesson
    ; client: ana
    ; session: held
J
)
	run -0 tally-bill "$f"
	[ "$(grep -c '^    Liabilities:Prepaid:ana  33.33 EUR$' <<< "$output")" -eq 2 ]
	assert_line "    Liabilities:Prepaid:ana  33.34 EUR"
}

@test "groups: a free class (waived:) is free for all, and its absences use no grace" {
	f=$(cat <<'J' | journal
2026-11-01 Terms
    ; client: ana
    ; rate: 30 EUR

2026-11-01 Terms
    ; client: ben
    ; rate: 40 EUR

2026-11-04 Trial class
    ; client: ana, client: ben
    ; session: held
    ; waived: trial
    ; absent: ben

2026-11-05 Class
    ; client: ana, client: ben
    ; session: held

2026-11-06 Lesson ben
    ; client: ben
    ; session: no-show
J
)
	pol=$TOP/share/policies/24-hour.policy
	run -0 bash -c 'tally-bill --policy "$1" "$2" | tally-cancel --policy "$1"' _ "$pol" "$f"
	assert_output --partial "2026-11-04 Trial class
    ; client: ana, client: ben
    ; session: held
    ; waived: trial
    ; absent: ben

2026-11-05 Class
    ; client: ana, client: ben
    ; session: held
    Assets:Unbilled:ana  30 EUR
    Income:Sessions  -30 EUR  ; client: ana
    Assets:Unbilled:ben  40 EUR
    Income:Sessions  -40 EUR  ; client: ben

2026-11-06 Lesson ben
    ; client: ben
    ; session: no-show
    ; waived: first offense"
}

@test "groups: a whole group cancelled is cancelled for each attendee, never billed as held" {
	p=$(policy)
	# in time (a day's notice): nothing to bill or charge, whichever filter runs
	group | grep -v 'absent: dan' |
		sed 's/session: held/session: cancelled\n    ; cancelled-at: 2026-11-04 10:00/' >"$BATS_TEST_TMPDIR/g.journal"
	f=$BATS_TEST_TMPDIR/g.journal
	for cmd in tally-bill tally-cancel; do
		run -0 "$cmd" --policy "$p" "$f"
		assert_output "$(cat "$f")"
	done
	sed 's/session: cancelled/session: provider-cancel/' "$f" >"$f.prov"
	run -0 tally-bill --policy "$p" "$f.prov"
	assert_output "$(cat "$f.prov")"
	# 8 hours' notice: each attendee owes the late fee (cai forfeits a package session)
	sed 's/2026-11-04 10:00/2026-11-05 10:00/' "$f" >"$f.late"
	run -0 tally-bill --policy "$p" "$f.late"
	assert_output "$(cat "$f.late")
    Assets:Unbilled:ana  15 EUR
    Income:Cancellations  -15 EUR  ; client: ana
    Assets:Unbilled:ben  20 EUR
    Income:Cancellations  -20 EUR  ; client: ben
    Liabilities:Prepaid:cai  30 EUR
    Income:Cancellations  -30 EUR  ; client: cai
    Assets:Unbilled:dan  15 EUR
    Income:Cancellations  -15 EUR  ; client: dan"
	a=$(tally-bill --policy "$p" "$f.late" | tally-cancel --policy "$p" | tally-balance)
	b=$(tally-cancel --policy "$p" "$f.late" | tally-bill --policy "$p" | tally-balance)
	c=$(tally-bill --policy "$p" "$f.late" | tally-bill --policy "$p" | tally-balance)
	[ "$a" = "$b" ] && [ "$a" = "$c" ]
	assert_equal "$(printf '%s\n' "$a" | grep -c 'Income:Sessions')" 0
	run -0 tally-sessions --policy "$p" -O csv "$f.late"
	assert_line --regexp '^ana,0,0,1,'
}
