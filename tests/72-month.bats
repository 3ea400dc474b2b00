#!/usr/bin/env bats
# tally month: the month-end run is the pipe of the filters, and gives what the hand-run
# pipe gives; failures leave no statements and the journal untouched.
load helper

POL=$TOP/share/policies

setup() {
	d=$(scratch)
	cp "$EXAMPLES/practice.journal" "$EXAMPLES/tally.conf" "$d/"
	j=$d/practice.journal
}

@test "month: --help, --version, usage errors" {
	run tally month --help
	assert_success
	assert_line --index 0 --partial "usage: tally-month -p PERIOD"
	run tally month --version
	assert_output "tally-month $(cat "$TOP/lib/VERSION")"
	run -2 --separate-stderr tally month -f "$j"
	assert_equal "$stderr" "tally-month: -p PERIOD is required"
	run -2 --separate-stderr tally month -p 2026-03 -f "$j" --rules x.rules
	assert_equal "$stderr" "tally-month: --rules and --csv go together"
	run -2 --separate-stderr tally month -p 2026-03 --bogus
	assert_equal "${stderr_lines[0]}" "tally-month: unknown option: --bogus"
	run -2 --separate-stderr env -u LEDGER_FILE tally month -p 2026-03
	assert_equal "$stderr" "tally-month: no journal: give -f JOURNAL or set LEDGER_FILE"
	run -1 --separate-stderr tally month -p 2026-03 -f "$d/none.journal"
	assert_equal "$stderr" "tally-month: $d/none.journal: cannot read"
}

@test "month: the example's month equals the hand-run pipe of the filters" {
	cd "$d"
	run tally month -p 2026-03 -f "$j" --policies "$POL" --output-dir month
	assert_success
	assert_output "month/ana.txt
month/ben.txt
month/carla.txt"
	mkdir pipe
	tally-cancel --policies "$POL" "$j" | tally-bill | tally-invoice -p 2026-03 |
		tally-statement -p 2026-03 --all --output-dir pipe > /dev/null
	diff -r month pipe
	grep -q "^Client: ana" month/ana.txt
	grep -q "^Marta Ruiz, Tutoring" month/ana.txt
	# tally.conf is found beside the journal, wherever the month is run from
	cd /
	tally month -p 2026-03 -f "$j" --policies "$POL" --output-dir "$d/elsewhere" > /dev/null
	diff -r "$d/month" "$d/elsewhere"
	cd "$d"
	# the same with options for the statements
	tally month -p 2026-02 -f "$j" --policies "$POL" --output-dir m2 -O html --lang es > /dev/null
	mkdir p2
	tally-cancel --policies "$POL" "$j" | tally-bill | tally-invoice -p 2026-02 |
		tally-statement -p 2026-02 --all --output-dir p2 -O html --lang es > /dev/null
	diff -r m2 p2
	[ "$(ls m2)" = "ana.html
ben.html
carla.html" ]
	# the journal was only read
	cmp "$j" "$EXAMPLES/practice.journal"
}

@test "month: with the bank export, equals the pipe with tally-import" {
	[ -e "$EXAMPLES/bank-2026-04.csv" ] || fail "no bank export in share/examples"
	cd "$d"
	rules=$TOP/share/rules/es-bank.rules
	csv=$EXAMPLES/bank-2026-04.csv
	tally month -p 2026-03 -f "$j" --policies "$POL" -i --output-dir m3 > /dev/null
	run tally month -p 2026-04 -f "$j" --policies "$POL" --rules "$rules" --csv "$csv" \
		--output-dir month
	assert_success
	mkdir pipe
	{ cat "$j"; tally-import --rules "$rules" --journal "$j" "$csv"; } |
		tally-cancel --policies "$POL" | tally-bill | tally-invoice -p 2026-04 |
		tally-statement -p 2026-04 --all --output-dir pipe > /dev/null
	diff -r month pipe
	grep -q "TRANSFERENCIA DE GARCIA" month/ana.txt
	! grep -q "GARCIA" month/ben.txt
}

@test "month: -i saves the month's journal; a second run changes nothing" {
	cd "$d"
	tally-cancel --policies "$POL" "$j" | tally-bill | tally-invoice -p 2026-03 > want.journal
	tally month -p 2026-03 -f "$j" --policies "$POL" -i --output-dir one > /dev/null
	cmp "$j" want.journal
	tally month -p 2026-03 -f "$j" --policies "$POL" -i --output-dir two > /dev/null
	cmp "$j" want.journal
	diff -r one two
	ledger -f "$j" bal > /dev/null
	hledger -f "$j" bal > /dev/null
}

@test "month: a failing filter leaves no statement and the journal untouched" {
	cd "$d"
	n=$(($(wc -l < "$j") + 2))
	printf '\n2026-03-30 * Broken\n    Assets:Bank  10.00 EUR\n    Income:Other  -5.00 EUR\n' >> "$j"
	cp "$j" before.journal
	run -1 --separate-stderr tally month -p 2026-03 -f "$j" --policies "$POL" -i --output-dir out
	assert_equal "$output" ""
	# the first filter's message (later filters of the pipe only see its empty output)
	assert_equal "${stderr_lines[0]}" "tally-cancel: $j:$n: entry does not balance: off by 5.00 EUR"

	[ -z "$(ls -A out)" ]
	cmp "$j" before.journal
}
