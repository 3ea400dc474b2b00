#!/usr/bin/env bats
# tally-report --income: income per client and month, checked against hledger's
# `bal Income --pivot client -M` (sign flipped) on the practice example and a generated year.
load helper

setup() { J=$FIXTURES/report/mixed.journal; }

# hledger's pivot table as tally-report's CSV: quotes dropped, signs flipped, the empty
# client named "(none)", rows sorted. $1 journal, $2 period, $3 account query.
hledger_income() {
	command -v hledger >/dev/null || { echo "hledger is missing: the oracle is part of the suite" >&2; return 1; }
	hledger -f "$1" bal "$3" --pivot client -M -p "$2" -T -O csv --layout bare |
	sed 's/"//g' | awk -F, 'NR == 1 { print "client,commodity" substr($0, index($0, ",2")); next }
	{ if ($1 == "") $1 = "(none)"
	  for (i = 3; i <= NF; i++) if ($i ~ /^-/) $i = substr($i, 2); else if ($i != "0") $i = "-" $i
	  OFS = ","; $1 = $1; print }' | sort
}

@test "report: income per client and month, as text with row and column totals" {
	run tally-report --income -p 2026-q1 "$J"
	assert_success
	assert_output "client     2026-01     2026-02     2026-03       total
(none)           0    1.25 EUR           0    1.25 EUR
ana      75.00 EUR           0           0   75.00 EUR
ana              0           0     100 USD     100 USD
ben      30.00 EUR           0   80.00 EUR  110.00 EUR
------------------------------------------------------
total   105.00 EUR    1.25 EUR   80.00 EUR  186.25 EUR
total            0           0     100 USD     100 USD"
}

@test "report: csv has one column per month of the period, posting tags before the entry's" {
	run tally-report --income -p 2026-03 -O csv "$J"
	assert_success
	assert_output "client,commodity,2026-03,total
ana,USD,100,100
ben,EUR,80.00,80.00
total,EUR,80.00,80.00
total,USD,100,100"
}

@test "report: json holds the months, the clients and the totals" {
	run tally-report --income -b 2026-01-01 -e 2026-03-01 -O json "$J"
	assert_success
	assert_output '{"months": ["2026-01", "2026-02"],
 "clients": [
  {"client": "(none)", "commodity": "EUR", "months": ["0", "1.25"], "total": "1.25"},
  {"client": "ana", "commodity": "EUR", "months": ["75.00", "0"], "total": "75.00"},
  {"client": "ben", "commodity": "EUR", "months": ["30.00", "0"], "total": "30.00"}
 ],
 "totals": [
  {"commodity": "EUR", "months": ["105.00", "1.25"], "total": "106.25"}
 ]}'
}

@test "report: without a period, the columns run from the first month with income to the last" {
	run tally-report --income -O csv "$J"
	assert_success
	assert_line --index 0 "client,commodity,2026-01,2026-02,2026-03,2026-04,2026-05,2026-06,2026-07,2026-08,2026-09,2026-10,2026-11,2026-12,2027-01,total"
	assert_line --index 2 "ana,EUR,75.00,0,0,0,0,0,0,0,0,0,0,0,45.00,120.00"
}

@test "report: no income in the period still gives a header and no rows" {
	run tally-report --income -p 2025 -O csv "$J"
	assert_success
	assert_output "client,commodity,2025-01,2025-02,2025-03,2025-04,2025-05,2025-06,2025-07,2025-08,2025-09,2025-10,2025-11,2025-12,total"
}

@test "report: the fixture equals hledger's pivot on the Income accounts (IncomeTax is not income)" {
	hledger_income "$J" 2026 '^income(:|$)' > "$BATS_TEST_TMPDIR/h.csv"
	tally-report --income -p 2026 -O csv "$J" | sort > "$BATS_TEST_TMPDIR/t.csv"
	run diff "$BATS_TEST_TMPDIR/h.csv" "$BATS_TEST_TMPDIR/t.csv"
	assert_success
	assert_output ""
}

@test "report: the practice example, cancelled and billed, equals hledger bal Income --pivot client -M" {
	tally-cancel "$EXAMPLES/practice.journal" | tally-bill > "$BATS_TEST_TMPDIR/p.journal"
	hledger_income "$BATS_TEST_TMPDIR/p.journal" 2026 Income > "$BATS_TEST_TMPDIR/h.csv"
	tally-report --income -p 2026 -O csv "$BATS_TEST_TMPDIR/p.journal" | sort > "$BATS_TEST_TMPDIR/t.csv"
	run diff "$BATS_TEST_TMPDIR/h.csv" "$BATS_TEST_TMPDIR/t.csv"
	assert_success
	assert_output ""
	run grep -c '^[a-z]' "$BATS_TEST_TMPDIR/t.csv"
	assert_output 5   # ana, ben, carla, the header and the total
}

@test "report: a generated year (revenue accounts, names with accents) equals hledger's pivot" {
	[ -x "$BENCH/gen-journal" ] || { echo "missing $BENCH/gen-journal" >&2; return 1; }
	"$BENCH/gen-journal" --start 2026-01-01 2000 1 --clients 5 | tally-cancel | tally-bill \
		> "$BATS_TEST_TMPDIR/g.journal"
	hledger_income "$BATS_TEST_TMPDIR/g.journal" 2026 revenue > "$BATS_TEST_TMPDIR/h.csv"
	tally-report --income -p 2026 -O csv "$BATS_TEST_TMPDIR/g.journal" | sort > "$BATS_TEST_TMPDIR/t.csv"
	run diff "$BATS_TEST_TMPDIR/h.csv" "$BATS_TEST_TMPDIR/t.csv"
	assert_success
	assert_output ""
	run wc -l < "$BATS_TEST_TMPDIR/t.csv"
	assert_output 7   # five clients, the header and the total
}

@test "report: --account names the income account" {
	run tally-report --income --account Income:Lapsed -O csv "$J"
	assert_success
	assert_output "client,commodity,2026-03,total
ben,EUR,90.00,90.00
total,EUR,90.00,90.00"
}

@test "report: a bad period is a usage error (exit 2)" {
	run tally-report --income -p 2026-13 "$J"
	assert_failure 2
	assert_output "tally-report: bad period: 2026-13"
}

@test "report: no report chosen is the overview (tests/65-overview.bats); an unknown format is a usage error (exit 2)" {
	run -0 tally-report -p 2026-q1 "$EXAMPLES/practice.journal"
	assert_line --index 0 "Practice overview"
	run tally-report --income -O xml "$J"
	assert_failure 2
	assert_output "tally-report: unknown output format: xml"
}

@test "report: a bad journal is FILE:LINE on stderr, exit 1, no table" {
	f=$(printf '2026-01-01 * x\n    Income:S  -5 EUR\n    Assets:B  4 EUR\n' | journal)
	run --separate-stderr tally-report --income -p 2026 "$f"
	assert_failure 1
	assert_output ""
	[ "$stderr" = "tally-report: $f:1: entry does not balance: off by -1 EUR" ]
}

@test "report: --help and --version" {
	run tally-report --help
	assert_success
	assert_line --index 0 --partial "usage: tally-report [-O txt|html|pdf]"
	assert_line --partial "tally-report --income [--account ACCT]"
	run tally-report --version
	assert_success
	assert_output "tally-report $(cat "$TOP/lib/VERSION")"
}

@test "report: text columns line up with accented names and multibyte symbols" {
	f=$(printf '2026-01-01 * a\n    ; client: zoë\n    Assets:B  €5.00\n    Income:S\n2026-02-01 * a\n    ; client: al\n    Assets:B  €15.00\n    Income:S\n' | journal)
	run tally-report --income "$f"
	assert_success
	assert_output "client  2026-01  2026-02    total
al            0   €15.00   €15.00
zoë       €5.00        0    €5.00
---------------------------------
total     €5.00   €15.00   €20.00"
}

@test "report: a client's income or a total too large to hold exactly: exit 1, no table" {
	local big=100000000000000000000000000000000000000
	f=$(printf '2020-06-01 x\n    ; client: X\n    assets:a    %s EUR\n    revenue:a\n\n2020-06-02 y\n    ; client: X\n    assets:b    %s EUR\n    revenue:b\n' $big $big | journal)
	run tally-report --income "$f"
	assert_failure 1
	assert_output "tally-report: $f:9: income of X too large to hold exactly"
	# each client's income fits; the month's total does not
	f=$(printf '2020-06-01 x\n    ; client: X\n    assets:a    %s EUR\n    revenue:a\n\n2020-06-02 y\n    ; client: Y\n    assets:b    %s EUR\n    revenue:b\n' $big $big | journal)
	run tally-report --income -O csv "$f"
	assert_failure 1
	assert_output "tally-report: a total of Y is too large to hold exactly"
}
