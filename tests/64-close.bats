#!/usr/bin/env bats
# tally-close: the year end. The new file's balances equal the old file's at the close date
# (ledger and hledger), invoices age as before, and the new year's runs bill nothing twice
# and number on from the last invoice of the old file.
load helper

# The practice example, priced, invoiced for January and February, one payment of ben's
# naming an invoice, one of carla's paying her last invoice in full; $1: more to append.
old_year() {
	tally-cancel "$EXAMPLES/practice.journal" | tally-bill |
	tally-invoice -p 2026-01 --date 2026-02-01 | tally-invoice -p 2026-02 --date 2026-03-01 \
		> "$BATS_TEST_TMPDIR/old.journal"
	printf '\n2026-03-10 * Ben pays\n    Assets:Bank  100 EUR\n    Assets:Receivable:ben  -100 EUR  ; invoice: 2026-0003\n' >> "$BATS_TEST_TMPDIR/old.journal"
	printf '\n2026-03-12 * Carla pays\n    Assets:Bank  40 EUR\n    Assets:Receivable:carla  -40 EUR  ; invoice: 2026-0004\n' >> "$BATS_TEST_TMPDIR/old.journal"
	echo "$BATS_TEST_TMPDIR/old.journal"
}

# Balances of assets and liabilities, per account, as ledger and as hledger give them
# ($2: before this date).
sheet() {
	hledger -f "$1" bal --flat -O csv ${2:+-e "$2"} '^assets' '^liabilities'
	ledger -f "$1" bal --flat ${2:+-e "$2"} '^assets' '^liabilities'
}

@test "close: the new file's balances equal the old file's at the close date (ledger, hledger)" {
	old=$(old_year)
	run tally-close -e 2026-03-15 "$old"
	assert_success
	echo "$output" > "$BATS_TEST_TMPDIR/new.journal"
	# At the close date (the opening is dated the close date, so through that day)...
	run diff <(sheet "$old" 2026-03-16) <(sheet "$BATS_TEST_TMPDIR/new.journal" 2026-03-16)
	assert_success
	# ... and after it: the entries dated after the close came along as they were.
	run diff <(sheet "$old") <(sheet "$BATS_TEST_TMPDIR/new.journal")
	assert_success
	[ "$(sheet "$old" 2026-03-16 | wc -l)" -gt 10 ]
	# Every account together still sums to zero in both readers.
	run hledger -f "$BATS_TEST_TMPDIR/new.journal" bal -O csv
	assert_line '"total","0"'
	run ledger -f "$BATS_TEST_TMPDIR/new.journal" bal -n --flat
	assert_success
	run tally-check "$BATS_TEST_TMPDIR/new.journal"
	assert_success
	# Income and expenses went to retained earnings: the new file's income is the new year's.
	run diff <(tally-report --income -p 2026 -b 2026-03-15 -O csv "$BATS_TEST_TMPDIR/new.journal") \
		<(tally-report --income -p 2026 -b 2026-03-15 -O csv "$old")
	assert_success
	run tally-report --income -O csv "$BATS_TEST_TMPDIR/new.journal"
	assert_line --index 0 --partial 'client,commodity,2026-03,'
	run bash -c 'tally-close -e 2026-03-15 "$1" | cmp - "$1"' _ "$BATS_TEST_TMPDIR/new.journal"
	assert_success
}

@test "close: open invoices keep their numbers, dates, due dates, items and what was paid" {
	old=$(old_year)
	tally-close -e 2026-03-15 "$old" > "$BATS_TEST_TMPDIR/new.journal"
	run diff <(tally-aging --date 2026-03-15 -O csv "$old") \
		<(tally-aging --date 2026-03-15 -O csv "$BATS_TEST_TMPDIR/new.journal")
	assert_success
	run grep -A10 '^2026-03-01 (2026-0003)' "$BATS_TEST_TMPDIR/new.journal"
	assert_output "2026-03-01 (2026-0003) Invoice ben, carried over
    ; invoice: 2026-0003
    ; client: ben
    ; due: 2026-03-31
    ; item: 2026-02-05 | 90.00 EUR | Session with Ben Ortiz
    ; item: 2026-02-12 | 30.00 EUR | Ben Ortiz: cancelled the evening before
    ; item: 2026-02-19 | 60.00 EUR | Session with Ben Ortiz
    Assets:Receivable:ben  180.00 EUR
    Assets:Receivable:ben  -100.00 EUR  ; paid before the close
    Equity:Opening  -80.00 EUR"
	# The invoice renders from the new file as it did from the old one.
	run diff <(tally-invoice --show 2026-0003 "$old") \
		<(tally-invoice --show 2026-0003 "$BATS_TEST_TMPDIR/new.journal")
	assert_success
}

@test "close: the new year bills nothing twice and numbers on from the old file's last invoice" {
	old=$(old_year)
	new=$BATS_TEST_TMPDIR/new.journal
	tally-close -e 2026-03-15 "$old" > "$new"
	# Paid in full, 2026-0004 is not re-stated: a numbering event keeps its number.
	run grep -A1 'Invoice numbering, carried over' "$new"
	assert_output "2026-03-15 Invoice numbering, carried over
    ; invoice: 2026-0004"
	# Nothing of the old year is priced again.
	run bash -c 'tally-cancel "$1" | tally-bill | cmp - "$1"' _ "$new"
	assert_success
	# March's run in the new file: the sessions after the close, and the unbilled amounts
	# carried over, under numbers that follow the old file's.
	run bash -c 'tally-invoice -p 2026-03 --date 2026-04-01 "$1" | grep "^2026-04-01 (" ' _ "$new"
	assert_output "2026-04-01 (2026-0005) Invoice ana
2026-04-01 (2026-0006) Invoice ben
2026-04-01 (2026-0007) Invoice carla"
	# What is invoiced in all equals what the old file alone would have invoiced.
	diff <(tally-invoice -p 2026-03 --date 2026-04-01 "$old" | hledger -f - bal -e 2026-04-02 --flat -O csv '^assets') \
	     <(tally-invoice -p 2026-03 --date 2026-04-01 "$new" | hledger -f - bal -e 2026-04-02 --flat -O csv '^assets')
}

@test "close: entries on or after the close date follow as they are (December's invoices dated January 1)" {
	old=$(old_year)
	tally-invoice -p 2026-03 --date 2026-04-01 "$old" > "$BATS_TEST_TMPDIR/old2.journal"
	new=$BATS_TEST_TMPDIR/new.journal
	tally-close -e 2026-04-01 "$BATS_TEST_TMPDIR/old2.journal" > "$new"
	run grep -c '^2026-04-01 (2026-000[567]) Invoice [a-z]*$' "$new"
	assert_output 3
	# Invoicing March again in the new file writes nothing: every line is there already.
	run bash -c 'tally-invoice -p 2026-03 --date 2026-04-01 "$1" | cmp - "$1"' _ "$new"
	assert_success
	run diff <(sheet "$BATS_TEST_TMPDIR/old2.journal") <(sheet "$new")
	assert_success
	run tally-check "$new"
	assert_success
	# Closing the new file again at the same date gives it back, byte for byte.
	run bash -c 'tally-close -e 2026-04-01 "$1" | cmp - "$1"' _ "$new"
	assert_success
}

@test "close: package credit left becomes a purchase of the sessions left; terms and deposits carried" {
	tally-bill "$FIXTURES/close/package.journal" > "$BATS_TEST_TMPDIR/old.journal"
	run tally-close -e 2027-01-01 "$BATS_TEST_TMPDIR/old.journal"
	assert_success
	assert_output "; The opening of the year from 2027-01-01, written by tally-close.

2027-01-01 Terms of dora, carried over
    ; client: dora
    ; rate: 55 EUR
    ; name: Dora Díaz
    ; terms: 7

2027-01-01 * Package credit, carried over: 3 sessions
    ; client: dora
    ; package: 3
    ; expires: 2027-05-01
    Liabilities:Prepaid:dora  -150 EUR
    Equity:Opening  150 EUR

2027-01-01 * Opening balances
    Assets:Bank  350 EUR
    Equity:Opening  -150 EUR
    Equity:Retained earnings  -100 EUR
    Liabilities:Deposits:dora  -100 EUR"
	echo "$output" > "$BATS_TEST_TMPDIR/new.journal"
	run diff <(sheet "$BATS_TEST_TMPDIR/old.journal") <(sheet "$BATS_TEST_TMPDIR/new.journal")
	assert_success
	run bash -c 'tally-sessions "$1" | grep "^dora"' _ "$BATS_TEST_TMPDIR/new.journal"
	assert_output "dora       0          0     0        0         0       0         0       3     0     3     0     0
dora: deposit held: 100 EUR"
}

@test "close: the package credit carried over is the date-ordered one's, whatever the order of the file" {
	tally-bill "$FIXTURES/close/package.journal" > "$BATS_TEST_TMPDIR/old.journal"
	run tally-close -e 2027-01-01 "$BATS_TEST_TMPDIR/old.journal"
	assert_success
	want=$output
	# the entries in reverse: sessions taken from the package come before its purchase
	awk 'BEGIN { RS = ""; ORS = "\n\n" } { b[NR] = $0 } END { for (i = NR; i >= 1; i--) print b[i] }' \
		"$BATS_TEST_TMPDIR/old.journal" > "$BATS_TEST_TMPDIR/reversed.journal"
	run tally-close -e 2027-01-01 "$BATS_TEST_TMPDIR/reversed.journal"
	assert_success
	assert_output "$want"
	for seed in 1 2 3; do
		shuffle-entries "$seed" "$BATS_TEST_TMPDIR/old.journal" > "$BATS_TEST_TMPDIR/shuffled.journal"
		run tally-close -e 2027-01-01 "$BATS_TEST_TMPDIR/shuffled.journal"
		assert_success
		assert_output "$want"
	done
}

@test "close: a generated year closes with equal balances in ledger and hledger" {
	[ -x "$BENCH/gen-journal" ] || { echo "missing $BENCH/gen-journal" >&2; return 1; }
	"$BENCH/gen-journal" --start 2026-01-01 600 3 --clients 4 | tally-cancel | tally-bill \
		> "$BATS_TEST_TMPDIR/old.journal"
	tally-close -e 2027-01-01 "$BATS_TEST_TMPDIR/old.journal" > "$BATS_TEST_TMPDIR/new.journal"
	run diff <(sheet "$BATS_TEST_TMPDIR/old.journal" 2027-01-02) <(sheet "$BATS_TEST_TMPDIR/new.journal" 2027-01-02)
	assert_success
	run diff <(sheet "$BATS_TEST_TMPDIR/old.journal") <(sheet "$BATS_TEST_TMPDIR/new.journal")
	assert_success
	[ "$(sheet "$BATS_TEST_TMPDIR/old.journal" 2027-01-02 | wc -l)" -gt 6 ]
	run tally-check "$BATS_TEST_TMPDIR/new.journal"
	assert_success
}

@test "close: numbering sees an included file: the new year's file that includes the old numbers on" {
	d=$BATS_TEST_TMPDIR
	old=$(old_year)
	printf 'include %s\n\n2026-03-20 * ana\n    ; client: ana, rate: 60 EUR\n    Assets:Unbilled:ana  0 EUR\n    Income:Sessions\n\n2026-03-23 Session\n    ; client: ana\n    ; session: held\n' "$old" > "$d/new.journal"
	run tally-bill "$d/new.journal"
	assert_success
	echo "$output" > "$d/billed.journal"
	last=$(grep -o 'invoice: 2026-[0-9]*' "$old" | sort -u | tail -1)
	next=$(printf '2026-%04d' $((10#${last#invoice: 2026-} + 1)))
	run tally-invoice -p 2026-03 --date 2026-04-01 "$d/billed.journal"
	assert_success
	assert_line "2026-04-01 ($next) Invoice ana"
	# and the same journal written out whole numbers the same
	run bash -c "tally-print '$d/billed.journal' | tally-invoice -p 2026-03 --date 2026-04-01 | grep -c '($next)'"
	assert_output 1
}

@test "close: no close date, or a bad one, is a usage error (exit 2)" {
	run tally-close "$FIXTURES/close/package.journal"
	assert_failure 2
	assert_line --index 0 "tally-close: the close date is missing: -e DATE"
	run tally-close -e 2026-13-01 "$FIXTURES/close/package.journal"
	assert_failure 2
	assert_output "tally-close: bad date: 2026-13-01"
}

@test "close: a bad journal is FILE:LINE on stderr, exit 1, no output" {
	f=$(printf '2026-01-01 * x\n    Income:S  -5 EUR\n    Assets:B  4 EUR\n' | journal)
	run --separate-stderr tally-close -e 2027-01-01 "$f"
	assert_failure 1
	assert_output ""
	[ "$stderr" = "tally-close: $f:1: entry does not balance: off by -1 EUR" ]
}

@test "close: --help and --version" {
	run tally-close --help
	assert_success
	assert_line --index 0 --partial "usage: tally-close -e DATE"
	run tally-close --version
	assert_output "tally-close $(cat "$TOP/lib/VERSION")"
}

@test "close: invoices carried over in date order with their item lines, however the file is shuffled" {
	f=$FIXTURES/statement/basic.journal
	want=$(tally-close -e 2027-01-01 "$f" | grep -E 'carried over|; item:|Receivable')
	assert_equal "$(printf '%s\n' "$want" | grep -c '; item:')" 3
	for seed in 1 2 3 4 5; do
		shuffle-entries "$seed" "$f" >"$BATS_TEST_TMPDIR/s.journal"
		run -0 tally-close -e 2027-01-01 "$BATS_TEST_TMPDIR/s.journal"
		assert_equal "$(printf '%s\n' "$output" | grep -E 'carried over|; item:|Receivable')" "$want"
	done
}
