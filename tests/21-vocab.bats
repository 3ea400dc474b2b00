#!/usr/bin/env bats
# The vocabulary: for every tag, tally-check and every command that reads tags agree on a good
# value (all exit 0) and a bad one (all exit 1 with the same FILE:LINE: TAG: message).
# Also: --client matched the same way everywhere, -p with -b/-e narrowing everywhere, the
# account options and their synonyms.
load helper

POLICY=$TOP/share/policies/24-hour.policy

# The base journal (9 lines) and an entry that carries the tag under test from line 10.
base() {
	cat <<'J'
2026-11-01 Agreement
    ; client: ana
    ; rate: 45 EUR
    ; terms: 14
2026-11-02 Lesson
    ; client: ana
    ; session: held
    ; time: 16:00
    ; minutes: 50
J
}

# good FILE: tally-check and every command that reads tags exit 0 (tests/lib/vocab-agree).
good() {
	vocab-agree --policy "$POLICY" good "$1"
}

# bad FILE LINE MESSAGE: each of them exits 1 and says FILE:LINE: MESSAGE first.
bad() {
	vocab-agree --policy "$POLICY" bad "$1" "$2" "$3"
}

# tag TAG GOOD BAD [WANT]: a client's entry with `TAG: VALUE` at line 12.
tag() {
	local t=$1 g=$2 b=$3 want=$4 f
	f=$({ base; printf '2026-11-03 Entry\n    ; client: ana\n    ; %s: %s\n' "$t" "$g"; } |
		journal good.journal)
	good "$f"
	f=$({ base; printf '2026-11-03 Entry\n    ; client: ana\n    ; %s: %s\n' "$t" "$b"; } |
		journal bad.journal)
	bad "$f" 12 "$t: bad value $b (want $want)"
}

@test "vocab: client" {
	f=$({ base; printf '2026-11-03 Lesson\n    ; session: held\n    ; client: Ana\n'; } | journal)
	good "$f"
	f=$({ base; printf '2026-11-03 Lesson\n    ; session: held\n    ; client: !!!\n'; } | journal)
	bad "$f" 12 "client: bad value !!! (want a client ID or name of at most 200 letters, e.g. ana-garcia)"
}

@test "vocab: session (and the client it needs)" {
	f=$({ base; printf '2026-11-03 Lesson\n    ; client: ana\n    ; session: held\n'; } | journal)
	good "$f"
	f=$({ base; printf '2026-11-03 Lesson\n    ; client: ana\n    ; session: maybe\n'; } | journal)
	bad "$f" 12 "session: bad value maybe (want held, cancelled, late-cancel, no-show or provider-cancel)"
	f=$({ base; printf '2026-11-03 Lesson\n    ; note: none\n    ; session: held\n'; } | journal)
	bad "$f" 12 "session: no client: tag on the entry"
}

@test "vocab: time" {
	tag time 09:30 9h30 "HH:MM"
	tag time 9:30 24:00 "HH:MM"
}

@test "vocab: minutes" {
	tag minutes 50 "an hour" "a number of minutes, e.g. 50"
}

@test "vocab: duration" {
	tag duration 1h30m 1x "e.g. 50m, 90min, 1h30m"
}

@test "vocab: cancelled-at (and a cancelled session needs it and time:)" {
	c='2026-11-03 Cancelled\n    ; client: ana\n    ; session: cancelled\n    ; time: 10:00\n    ; cancelled-at: %s\n'
	f=$({ base; printf "$c" "2026-11-01 09:00"; } | journal)
	good "$f"
	f=$({ base; printf "$c" "2026-11-31 09:00"; } | journal)
	bad "$f" 14 "cancelled-at: bad value 2026-11-31 09:00 (want YYYY-MM-DD HH:MM)"
	f=$({ base; printf '2026-11-03 Cancelled\n    ; client: ana\n    ; session: cancelled\n    ; cancelled-at: 2026-11-01 09:00\n'; } | journal)
	bad "$f" 12 "session: cancelled needs time: (late or on time cannot be told)"
	f=$({ base; printf '2026-11-03 Cancelled\n    ; client: ana\n    ; session: cancelled\n    ; time: 10:00\n'; } | journal)
	bad "$f" 12 "session: cancelled needs cancelled-at: (late or on time cannot be told)"
}

@test "vocab: package and expires" {
	p='2026-11-03 * Package\n    ; client: ana\n    ; package: %s\n    ; expires: %s\n    Assets:Bank  90 EUR\n    Liabilities:Prepaid:ana\n'
	f=$({ base; printf "$p" "2 sessions" 2027-11-03; } | journal)
	good "$f"
	f=$({ base; printf "$p" 2 2027-11-03; } | journal)
	good "$f"
	f=$({ base; printf "$p" ten 2027-11-03; } | journal)
	bad "$f" 12 "package: bad value ten (want a number of sessions, e.g. 10)"
	f=$({ base; printf "$p" 2 never; } | journal)
	bad "$f" 13 "expires: bad value never (want a date, YYYY-MM-DD)"
}

@test "vocab: payer" {
	tag payer 'ANA (GARCIA|G\.)' 'ANA (GARCIA' "a regular expression"
}

@test "vocab: rate (per session; /h, /hr, /hour)" {
	for r in "60 EUR" "60 EUR/h" "60 EUR/hr" "60 EUR/hour" "60 EUR /hour" "€60/h"; do
		f=$({ base; printf '2026-11-03 Raise\n    ; client: ana\n    ; rate: %s\n' "$r"; } | journal)
		good "$f"
	done
	tag rate "50 EUR" cheap "an amount, e.g. 45 EUR or 60 EUR/h"
	tag rate "50 EUR" "50 EUR/week" "an amount, e.g. 45 EUR or 60 EUR/h"
}

@test "vocab: policy (a name tally-check and tally-cancel both find, or both refuse)" {
	tag policy 24-hour "../24-hour" "a policy name, e.g. 24h"
	f=$({ base; printf '2026-11-03 Entry\n    ; client: ana\n    ; policy: lenient\n'; } | journal)
	for c in check cancel; do
		run -1 --separate-stderr tally-$c --policies "$BATS_TEST_TMPDIR" "$f"
		assert_equal "$stderr" "tally-$c: $f:12: unknown policy: lenient (no $BATS_TEST_TMPDIR/lenient.policy)"
	done
	cp "$POLICY" "$BATS_TEST_TMPDIR/lenient.policy"
	run -0 tally-check --policies "$BATS_TEST_TMPDIR" "$f"
	run -0 tally-cancel --policies "$BATS_TEST_TMPDIR" "$f"
}

@test "vocab: terms (N and N days)" {
	tag terms "14 days" soon "days, 0 to 3650, e.g. 14 or 14 days"
	tag terms 30 "-1" "days, 0 to 3650, e.g. 14 or 14 days"
}

@test "vocab: invoice and due" {
	tag invoice 2026-0001 "2026 0001" "an invoice number"
	tag due 2026-11-30 2026-11-31 "a date, YYYY-MM-DD"
}

@test "vocab: item" {
	tag item "2026-11-02 | 45 EUR | Lesson, with notes" "soon | 45 EUR | Lesson" \
		"DATE | AMOUNT | DESCRIPTION"
}

@test "vocab: email" {
	tag email ana@example.org "ana at example.org" "an address, e.g. ana@example.org"
}

# session_tag TAG GOOD BAD [WANT]: `TAG: VALUE` at line 12 of a held session of ana's.
session_tag() {
	local t=$1 g=$2 b=$3 want=$4 f
	f=$({ base; printf '2026-11-03 Entry\n    ; client: ana\n    ; %s: %s\n    ; session: held\n' "$t" "$g"; } |
		journal good.journal)
	good "$f"
	f=$({ base; printf '2026-11-03 Entry\n    ; client: ana\n    ; %s: %s\n    ; session: held\n' "$t" "$b"; } |
		journal bad.journal)
	bad "$f" 12 "$t: bad value $b (want $want)"
}

@test "vocab: bill-to and absent" {
	tag bill-to ana-parents '!!!' "a client ID of at most 200 letters"
	session_tag absent ana '???' "a client ID of the session, then no-show or late-cancel if you like"
	session_tag absent 'ana late-cancel' '???' "a client ID of the session, then no-show or late-cancel if you like"
	# absent: names one of the session's clients, on a held session only
	f=$({ base; printf '2026-11-03 Entry\n    ; client: ana\n    ; absent: bo\n    ; session: held\n'; } | journal)
	bad "$f" 12 "absent: bo is not one of the session's clients"
	f=$({ base; printf '2026-11-03 Entry\n    ; client: ana\n    ; absent: ana\n    ; session: no-show\n'; } | journal)
	bad "$f" 12 "absent: only on a session: held event"
}

@test "vocab: price" {
	session_tag price "30 EUR" free "an amount, e.g. 30 EUR"
	# a session's price only: on an entry that is no session it is an error
	f=$({ base; printf '2026-11-03 Entry\n    ; client: ana\n    ; price: 30 EUR\n'; } | journal)
	bad "$f" 12 "price: no session: tag on the entry"
}

@test "vocab: free text (signed, waived, name, address, tax-id, uid, deposit, expired) takes any value, commas and all" {
	for t in signed waived name address tax-id uid deposit expired; do
		f=$({ base; printf '2026-11-03 Entry\n    ; client: ana\n    ; %s: A, b: c; d\n' "$t"; } |
			journal)
		good "$f"
	done
	# the value runs to the end of the line: the statement shows it whole
	f=$({ base; printf '2026-11-03 Lesson\n    ; client: ana, session: held\n    ; time: 09:00\n    ; signed: Ana G., 2026-11-03\n'; } | journal)
	run -0 tally-statement --client ana -p 2026-11 -O md "$f"
	assert_output --partial "| Ana G., 2026-11-03 |"
}

@test "vocab: tally's tags are read on the entry only (invoice: also on a posting)" {
	f=$({ base; printf '2026-11-03 Paid\n    ; client: ana\n    Assets:Bank  45 EUR  ; invoice: 2026-0001\n    Assets:Receivable:ana\n'; } | journal)
	good "$f"
	f=$({ base; printf '2026-11-03 Paid\n    ; client: ana\n    Assets:Bank  45 EUR  ; rate: 50 EUR\n    Assets:Receivable:ana\n'; } | journal)
	bad "$f" 12 "rate: not read on a posting: write it on the entry"
}

@test "vocab: client terms need a client" {
	f=$({ base; printf '2026-11-03 Terms\n    ; note: x\n    ; terms: 30\n'; } | journal)
	bad "$f" 12 "terms: no client: tag on the entry"
}

@test "vocab: duplicate invoice numbers: check, invoice --show, aging, statement agree" {
	f=$(journal <<'J'
2026-11-01 Invoice
    ; client: ana, invoice: 2026-0001, due: 2026-11-15
    Assets:Receivable:ana  45 EUR
    Assets:Unbilled:ana
2026-11-02 Invoice again
    ; client: ana, invoice: 2026-0001, due: 2026-11-16
    Assets:Receivable:ana  45 EUR
    Assets:Unbilled:ana
J
)
	msg="$f:6: duplicate invoice number 2026-0001 (first at $f:1)"
	run -1 --separate-stderr tally-check "$f"
	assert_equal "$stderr" "tally-check: $msg"
	run -1 --separate-stderr tally-aging --date 2026-12-31 "$f"
	assert_equal "$stderr" "tally-aging: $msg"
	run -1 --separate-stderr tally-invoice --show 2026-0001 "$f"
	assert_equal "$stderr" "tally-invoice: $msg"
	run -1 --separate-stderr tally-statement --client ana -p 2026-11 "$f"
	assert_equal "$stderr" "tally-statement: $msg"
}

@test "check: a bare CR inside a line is reported (hledger breaks the line there)" {
	f=$BATS_TEST_TMPDIR/cr.journal
	printf '2026-11-01 Paid\r; client: ana\n    Assets:Bank  1 EUR\r\n    Income:Other\n' > "$f"
	run -1 --separate-stderr tally-check "$f"
	assert_equal "$stderr" "tally-check: $f:1: a carriage return inside a line (hledger reads it as a line break)"
}

# ---- --client ------------------------------------------------------------------------

two_clients() {
	journal <<'J'
2026-11-01 Agreement
    ; client: ana, rate: 40 EUR
2026-11-01 Agreement
    ; client: bo, rate: 50 EUR
2026-11-02 Lesson
    ; client: ana, session: held
2026-11-03 Lesson
    ; client: bo, session: held
2026-11-04 Late
    ; client: ana, session: no-show
2026-11-05 Invoice
    ; client: ana, invoice: 2026-0001, due: 2026-11-19
    Assets:Receivable:ana  40 EUR
    Assets:Unbilled:ana
J
}

@test "--client ANA is ana in every command" {
	f=$(two_clients)
	run -0 tally-bill --client ANA "$f"
	assert_output --partial "Assets:Unbilled:ana  40 EUR"
	refute_output --partial "Assets:Unbilled:bo"
	run -0 tally-cancel --policy "$POLICY" --client ANA "$f"
	assert_output --partial "; waived: first offense"
	run -0 tally-sessions -O csv --client ANA "$f"
	assert_line --index 1 --partial "ana,1,"
	refute_output --partial "bo,"
	run -0 tally-aging --date 2026-12-31 -O csv --client ANA "$f"
	assert_line --index 1 --partial "ana,2026-0001"
	bill=$(tally-bill "$f")
	run -0 tally-invoice -p 2026-11 --client ANA <<< "$bill"
	assert_output --partial "; client: ana"
	refute_output --partial "; client: bo
    ; due"
	run -0 tally-statement -p 2026-11 --client ANA "$f"
	assert_output --partial "ana"
}

@test "--client that names no client is an error in every command, with nothing written" {
	f=$(two_clients)
	for c in "bill" "cancel --policy $POLICY" "sessions" "aging --date 2026-12-31" \
		 "invoice -p 2026-11" "statement -p 2026-11"; do
		read -r -a cmd <<< "$c"
		run -1 --separate-stderr "tally-${cmd[0]}" "${cmd[@]:1}" --client zed "$f"
		assert_equal "$stderr" "tally-${cmd[0]}: unknown client: zed"
		assert_equal "$output" ""
	done
}

# ---- -p with -b / -e -------------------------------------------------------------------

@test "-p with -b or -e narrows the period in every command" {
	f=$(two_clients)
	# -p 2026-11 -b 2026-11-03: bo's session (11-03) is priced, ana's (11-02) is not
	run -0 tally-bill -p 2026-11 -b 2026-11-03 "$f"
	assert_output --partial "Assets:Unbilled:bo  50 EUR"
	refute_output --partial "Assets:Unbilled:ana  40 EUR"
	run -0 tally-bill -b 2026-11-03 -p 2026-11 "$f"
	refute_output --partial "Assets:Unbilled:ana  40 EUR"
	run -0 tally-sessions -O csv -p 2026-11 -e 2026-11-03 "$f"
	assert_line --index 1 --partial "ana,1,"
	refute_output --partial "bo,"
	run -0 tally-sessions -O csv -b 2026-11-03 -p 2026-11 "$f"
	assert_line --index 1 "ana,0,0,0,1,0,0,0,0,0,0,0,0"
	assert_line --index 2 --partial "bo,1,"
	run -0 tally-cancel --policy "$POLICY" -p 2026-11 -e 2026-11-04 "$f"
	refute_output --partial "; waived:"
	run -0 tally-cancel --policy "$POLICY" -e 2026-11-05 -p 2026-11 "$f"
	assert_output --partial "; waived:"
	bill=$(tally-bill "$f")
	# invoice: bo's session of 11-03 is in -p 2026-11 -b 2026-11-03, not in -e 2026-11-03
	for args in "-p 2026-11 -e 2026-11-03" "-e 2026-11-03 -p 2026-11"; do
		run -0 tally-invoice $args <<< "$bill"
		refute_output --partial "item: 2026-11-03"
	done
	for args in "-p 2026-11 -b 2026-11-03" "-b 2026-11-03 -p 2026-11"; do
		run -0 tally-invoice $args <<< "$bill"
		assert_output --partial "item: 2026-11-03 | 50 EUR"
	done
	# statement: -p 2026-11 -b 2026-11-03 opens on 11-03, whatever the order
	for args in "-p 2026-11 -b 2026-11-03" "-b 2026-11-03 -p 2026-11"; do
		run -0 tally-statement --client ana $args <<< "$bill"
		assert_output --partial "Period: Nov 3, 2026 to Nov 30, 2026"
	done
}

# ---- the account options -----------------------------------------------------------------

@test "account options: one spelling per account everywhere, the -account synonyms kept" {
	f=$(journal <<'J'
2026-11-01 Agreement
    ; client: ana, rate: 40 EUR
2026-11-02 Lesson
    ; client: ana, session: held
J
)
	for o in --unbilled --unbilled-account; do
		run -0 tally-bill "$o" Assets:WIP "$f"
		assert_output --partial "Assets:WIP:ana  40 EUR"
	done
	bill=$(tally-bill --unbilled Assets:WIP "$f")
	for o in --unbilled --unbilled-account; do
		run -0 tally-invoice -p 2026-11 "$o" Assets:WIP <<< "$bill"
		assert_output --partial "Assets:WIP:ana  -40 EUR"
	done
	inv=$(tally-invoice -p 2026-11 --unbilled Assets:WIP --receivable Assets:AR <<< "$bill")
	for o in --receivable --receivable-account; do
		run -0 tally-aging --date 2026-12-31 -O csv "$o" Assets:AR <<< "$inv"
		assert_line --index 1 --partial "ana,2026-0001"
		run -0 tally-statement --client ana -p 2026-12 --unbilled Assets:WIP "$o" Assets:AR <<< "$inv"
		assert_output --partial "2026-0001"
	done
	for c in check sessions cancel; do
		for o in --unbilled --receivable --prepaid --deposits --unbilled-account \
			 --receivable-account --prepaid-account --deposits-account; do
			run tally-$c "$o" X:Y /dev/null
			[ "$status" -eq 0 ] || fail "tally-$c $o: exit $status"
		done
	done
}

# ---- check and the commands, journal by journal ---------------------------------------------

@test "what tally-check accepts every command accepts, and the other way round (fixtures, examples, generated journals)" {
	d=$BATS_TEST_TMPDIR
	# two generated journals, smaller under the sanitizers (nine commands read each)
	local n=1500
	sanitized && n=300
	"$BENCH/gen-journal" $n 1 > "$d/gen1.journal"
	"$BENCH/gen-journal" $n 2 > "$d/gen2.journal"
	files=("$EXAMPLES"/*.journal "$FIXTURES"/*/*.journal "$d"/gen*.journal)
	[ "${#files[@]}" -gt 80 ]
	run accept-same "${files[@]}"
	assert_success
	assert_output "${#files[@]} passed, 0 failed"
}

@test "--client ana finds a client whose accounts spell it Ana" {
	f=$(journal <<'J'
2026-11-02 Lesson
    Assets:Unbilled:Ana  40 EUR
    Income:Sessions
2026-11-05 Invoice
    ; client: Ana, invoice: 2026-0001, due: 2026-11-19
    Assets:Receivable:Ana  40 EUR
    Assets:Unbilled:Ana
J
)
	run -0 tally-statement --client ana -p 2026-11 "$f"
	assert_line --index 2 "Client: Ana"
	run -0 tally-aging --date 2026-12-31 -O csv --client ana "$f"
	assert_line --index 1 --partial "Ana,2026-0001"
	run -0 tally-invoice -p 2026-11 --client ana "$f"
	run -1 --separate-stderr tally-invoice -p 2026-11 --client bo "$f"
	assert_equal "$stderr" "tally-invoice: unknown client: bo"
}

@test "vocab: a 300-byte client ID is refused with its line by check and the commands, never cut" {
	long=$(printf 'a%.0s' $(seq 300))
	f=$(journal <<J
2026-11-01 Terms
    ; client: $long
    ; rate: 40 EUR

2026-11-02 Terms
    ; client: ${long}b
    ; rate: 50 EUR
J
)
	want="$f:2: client: bad value $long (want a client ID or name of at most 200 letters, e.g. ana-garcia)"
	for c in check bill cancel sessions; do
		run -1 --separate-stderr "tally-$c" "$f"
		assert_equal "$(printf '%s\n' "$stderr" | head -1)" "tally-$c: $want"
		assert_output ""
	done
	# As account names (no client: tag), two long IDs are no client's: they neither merge
	# nor crash, and an ID that folds to nothing (---) is no client's either.
	g=$(journal g.journal <<J
2026-11-01 x
    Assets:Unbilled:$long  10 EUR
    Income:Sessions

2026-11-01 y
    Assets:Unbilled:${long}b  10 EUR
    Liabilities:Prepaid:---  -10 EUR
J
)
	for c in check bill cancel sessions aging; do
		run -0 "tally-$c" "$g"
	done
	run -0 tally-sessions "$g"
	refute_output --partial "aaaa"
}
