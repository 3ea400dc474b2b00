#!/usr/bin/env bats
# tally-bill: prices unpriced `session: held` events from package credit, else the rate.
# Fixture cases in tests/fixtures/bill: CASE.journal and the expected CASE.out.
load helper

BILL=$FIXTURES/bill

# Balances as ledger and hledger see them (sorted: hledger keeps `account` directive order):
# both must accept the journal and agree.
same_balances() {
	local l h
	l=$(ledger -f "$1" bal --flat --no-total | sort) || return 1
	h=$(hledger -f "$1" bal --no-total | sort) || return 1
	if [ "$l" != "$h" ]; then
		printf 'ledger:\n%s\nhledger:\n%s\n' "$l" "$h" >&2
		return 1
	fi
}

@test "bill: every fixture case gives its expected journal" {
	cd "$BILL"
	n=0
	for f in *.journal; do
		c=${f%.journal}
		tally-bill "$f" > "$BATS_TEST_TMPDIR/$c.out" || fail "$c: exit $?"
		diff -u "$c.out" "$BATS_TEST_TMPDIR/$c.out" || fail "$c: differs"
		n=$((n + 1))
	done
	[ "$n" -ge 8 ]
}

@test "bill: running twice equals running once" {
	cd "$BILL"
	for f in *.out; do
		tally-bill "$f" | cmp - "$f" || fail "$f: not idempotent"
	done
	tally-bill "$EXAMPLES/practice.journal" > "$BATS_TEST_TMPDIR/once"
	tally-bill "$BATS_TEST_TMPDIR/once" | cmp - "$BATS_TEST_TMPDIR/once"
}

@test "bill: ledger and hledger read every output with equal balances, as tally-balance" {
	cd "$BILL"
	for f in *.out "$EXAMPLES/practice.journal"; do
		same_balances "$f" || fail "$f: ledger and hledger disagree"
	done
	tally-bill "$EXAMPLES/practice.journal" > "$BATS_TEST_TMPDIR/p.journal"
	same_balances "$BATS_TEST_TMPDIR/p.journal"
	for f in story.out two-packages.out deposit.out expiry.out "$BATS_TEST_TMPDIR/p.journal"; do
		want=$(hledger -f "$f" bal --no-total -O csv | sed 1d | tr -d '"' |
			sed -E 's/,(-?[0-9.]+) EUR$/,EUR,\1/' | sort)
		got=$(tally-balance -O csv "$f" | sed 1d | sort)
		assert_equal "$got" "$want"
	done
}

@test "bill: the 12-sessions story: 10 from the package, 2 over it at the new rate" {
	run tally-bill "$BILL/story.journal"
	assert_success
	assert_equal "$(grep -c 'Liabilities:Prepaid:ana  42.00 EUR' <<< "$output")" 10
	assert_equal "$(grep -c 'Assets:Unbilled:ana  50.00 EUR' <<< "$output")" 2
	run ledger -f "$BILL/story.out" bal --flat --no-total Prepaid Unbilled Income
	assert_output "          100.00 EUR  Assets:Unbilled:ana
         -520.00 EUR  Income:Sessions"
}

@test "bill: the practice example: package, per-hour rate and deposit" {
	tally-bill "$EXAMPLES/practice.journal" > "$BATS_TEST_TMPDIR/p.journal"
	run ledger -f "$BATS_TEST_TMPDIR/p.journal" bal --flat --no-total Unbilled Prepaid Deposits
	assert_output "          100.00 EUR  Assets:Unbilled:ana
          480.00 EUR  Assets:Unbilled:ben
          140.00 EUR  Assets:Unbilled:carla"
}

@test "bill: -i replaces the file in place; a failed run leaves it untouched" {
	cp "$BILL/story.journal" "$BATS_TEST_TMPDIR/s.journal"
	run tally-bill -i "$BATS_TEST_TMPDIR/s.journal"
	assert_success
	assert_output ""
	cmp "$BILL/story.out" "$BATS_TEST_TMPDIR/s.journal"
	f=$(journal bad.journal <<'J'
2026-01-01 Session
    ; client: zed
    ; session: held
J
)
	cp "$f" "$BATS_TEST_TMPDIR/before"
	run -1 --separate-stderr tally-bill --in-place "$f"
	assert_equal "$stderr" "tally-bill: $f:1: no rate for zed on 2026-01-01 and no package credit"
	cmp "$f" "$BATS_TEST_TMPDIR/before"
	run -2 --separate-stderr tally-bill -i "$f" "$f"
	assert_equal "$stderr" "tally-bill: -i FILE reads FILE only"
}

@test "bill: -p and --client price only the sessions asked for, as a full run would" {
	cd "$BILL"
	run tally-bill -p 2026-03 story.journal
	assert_success
	assert_equal "$(grep -c 'Prepaid:ana  42.00' <<< "$output")" 2
	assert_equal "$(grep -c 'Unbilled:ana  50.00' <<< "$output")" 2
	# the January and February sessions stay unpriced but still used the package
	assert_equal "$(grep -c '^    [A-Z]' <<< "$output")" $((2 + 4 * 2))
	tally-bill -e 2026-03-01 story.journal | tally-bill | cmp - story.out
	run tally-bill -p 2026-04 expiry.journal
	refute_output --partial "lapsed"
	assert_line "    Assets:Unbilled:gus  50.00 EUR"
	run tally-bill -p 2026-03 expiry.journal
	assert_line "2026-03-31 Package credit lapsed: gus"
	run tally-bill --client dee owed-then-package.journal rate-boundary.journal
	assert_success
	refute_output --partial "Unbilled:bo"
	assert_equal "$(grep -c 'Unbilled:dee' <<< "$output")" 2
}

@test "bill: standard input, and included files counted but not written" {
	run tally-bill < "$BILL/story.journal"
	assert_success
	assert_output "$(cat "$BILL/story.out")"
	mkdir "$BATS_TEST_TMPDIR/inc"
	cat > "$BATS_TEST_TMPDIR/inc/old.journal" <<'J'
2026-01-01 * Package of 2
    ; client: jo
    ; package: 2
    Assets:Bank  90.00 EUR
    Liabilities:Prepaid:jo

2026-01-02 Session
    ; client: jo
    ; session: held
J
	cat > "$BATS_TEST_TMPDIR/main.journal" <<'J'
include inc/old.journal

2026-02-01 Agreement
    ; client: jo
    ; rate: 50.00 EUR

2026-02-02 Session: the package's last
    ; client: jo
    ; session: held

2026-02-03 Session: at the rate
    ; client: jo
    ; session: held
J
	run tally-bill "$BATS_TEST_TMPDIR/main.journal"
	assert_success
	assert_equal "$(head -1 <<< "$output")" "include inc/old.journal"
	assert_line "    Liabilities:Prepaid:jo  45.00 EUR"
	assert_line "    Assets:Unbilled:jo  50.00 EUR"
	refute_line --partial "2026-01-02"
}

@test "bill: account options rename the accounts written" {
	run tally-bill --unbilled Assets:WIP --income Revenue "$BILL/rate-boundary.journal"
	assert_success
	assert_line "    Assets:WIP:bo  45.00 EUR"
	assert_line "    Revenue  -45.00 EUR"
	f=$(journal <<'J'
2026-01-01 * Package
    ; client: ivy
    ; package: 2
    Assets:Bank  80.00 EUR
    Liabilities:Credit:ivy

2026-01-02 Session
    ; client: ivy
    ; session: held
J
)
	run tally-bill --prepaid Liabilities:Credit "$f"
	assert_success
	assert_line "    Liabilities:Credit:ivy  40.00 EUR"
	# without the option the package credits no prepaid account
	run -1 --separate-stderr tally-bill "$f"
	assert_equal "$stderr" "tally-bill: $f:1: package entry credits no prepaid account for ivy
tally-bill: $f:7: no rate for ivy on 2026-01-02 and no package credit"
	run tally-bill --expired-income Income:Breakage "$BILL/expiry.journal"
	assert_line "    Income:Breakage  -80.00 EUR"
}

@test "bill: lowercase account trees (the generated bench journal) are recognised" {
	f=$(journal <<'J'
2026-01-01 * Package
    ; client: Léa Müller
    ; package: 2 sessions
    assets:bank  100.00 EUR
    liabilities:prepaid:lea-muller

2026-01-02 Session
    ; client: Léa Müller
    ; session: held
J
)
	run tally-bill "$f"
	assert_success
	assert_line "    liabilities:prepaid:lea-muller  50.00 EUR"
	"$BENCH/gen-journal" 300 1 > "$BATS_TEST_TMPDIR/g.journal"
	tally-bill "$BATS_TEST_TMPDIR/g.journal" | cmp - "$BATS_TEST_TMPDIR/g.journal"
}

@test "bill: errors name the file and line and leave no output" {
	f=$(journal <<'J'
2026-01-01 Agreement
    ; client: ann
    ; rate: 60 EUR/h

2026-01-02 Session without minutes
    ; client: ann
    ; session: held

2026-01-03 Session without a client
    ; session: held

2026-01-04 Session with bad minutes
    ; client: ann
    ; session: held
    ; minutes: an hour
J
)
	run -1 --separate-stderr tally-bill "$f"
	assert_equal "$output" ""
	assert_equal "$stderr" "tally-bill: $f:5: ann's rate on 2026-01-02 is per hour: the session needs a minutes: tag
tally-bill: $f:10: session: no client: tag on the entry
tally-bill: $f:15: minutes: bad value an hour (want a number of minutes, e.g. 50)"
	f=$(journal <<'J'
2026-01-01 Agreement
    ; client: ann
    ; rate: forty

2026-01-02 * Package
    ; client: ann
    ; package: ten
    Assets:Bank  100 EUR
    Liabilities:Prepaid:ann

2026-01-03 Terms without a client
    ; terms: 14

2026-01-04 * Package with no prepaid posting
    ; client: ann
    ; package: 10
    Assets:Bank  100 EUR
    Income:Other

2026-01-05 Bad entry
    Assets:Bank  1 EUR
    Income:Other  2 EUR
J
)
	run -1 --separate-stderr tally-bill "$f"
	assert_equal "$output" ""
	assert_equal "$stderr" "tally-bill: $f:3: rate: bad value forty (want an amount, e.g. 45 EUR or 60 EUR/h)
tally-bill: $f:7: package: bad value ten (want a number of sessions, e.g. 10)
tally-bill: $f:12: terms: no client: tag on the entry
tally-bill: $f:14: package entry credits no prepaid account for ann
tally-bill: $f:20: entry does not balance: off by 3 EUR"
}

@test "bill: an amount too large is an error, never a wrong number" {
	f=$(journal <<'J'
2026-01-01 Agreement
    ; client: big
    ; rate: 99999999999999999999999999999999999 EUR/h

2026-01-02 Session
    ; client: big
    ; session: held
    ; minutes: 999999
J
)
	run -1 --separate-stderr tally-bill "$f"
	assert_equal "$output" ""
	assert_equal "$stderr" "tally-bill: $f:5: an amount too large to hold exactly"
}

@test "bill: usage" {
	run tally-bill --help
	assert_success
	assert_line --index 0 --partial "usage: tally-bill"
	run tally-bill --version
	assert_output "tally-bill $(cat "$TOP/lib/VERSION")"
	run -2 --separate-stderr tally-bill --bogus
	assert_equal "${stderr_lines[1]%% \[*}" "usage: tally-bill"
	run -2 --separate-stderr tally-bill -p 2026-13 /dev/null
	assert_equal "$stderr" "tally-bill: bad period: 2026-13"
	run -2 --separate-stderr tally-bill -b someday /dev/null
	assert_equal "$stderr" "tally-bill: bad date: someday"
}
