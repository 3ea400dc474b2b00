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

# both J PERIOD [OPTIONS]: tally month -i in one reading and with the filters one after the
# other (TALLY_MONTH_STAGES) give the same journal, statements, output and exit status.
both() {
	local j=$1 p=$2 m
	shift 2
	for m in one stages; do
		mkdir -p "$d/$m"
		cp "$j" "$d/$m/j.journal"
		cp "$EXAMPLES/tally.conf" "$d/$m/"
		(cd "$d/$m" && if [ $m = stages ]; then export TALLY_MONTH_STAGES=1; fi
			rc=0
			tally month -p "$p" -f j.journal -i --output-dir st "$@" > out 2> err || rc=$?
			echo $rc > rc
			sed -i 's/\.month-[A-Za-z0-9]*/.month-T/g' err)  # bill's input is a temporary file
	done
	diff -r "$d/one" "$d/stages" || { echo "$j $p $*: the one reading differs"; return 1; }
	rm -rf "$d/one" "$d/stages"
}

@test "month: cancel and bill in one reading give what the filters give one after the other" {
	local s g seeds=4
	sanitized && seeds=2  # two shuffles under the sanitizers: each both is eight processes
	both "$j" 2026-03
	both "$j" 2026-02 --policies "$POL" -O html --lang es
	for ((s = 1; s <= seeds; s++)); do
		shuffle-entries $s "$j" > "$d/shuffled.journal"
		both "$d/shuffled.journal" 2026-03
	done
	for f in deposit expiry two-packages; do
		both "$FIXTURES/bill/$f.journal" 2026-02
	done
	for f in grace-per-client prepaid tiered; do
		both "$FIXTURES/cancel/$f.journal" 2026-01 --policies "$POL"
	done
	# a group with an absence, cancellations, a provider's, a file without its last newline
	g=$(printf '%s' '2026-11-01 Agreements ; client: ana, rate: 30 EUR, policy: 24-hour

2026-11-01 Ben ; client: ben, rate: 40 EUR, policy: 24-hour

2026-11-02 Deposit ben ; client: ben
    Assets:Bank  20 EUR
    Liabilities:Deposits:ben

2026-11-05 Class ; client: ana, client: ben, session: held, time: 18:00, absent: ben

2026-11-06 Ana ; client: ana, session: no-show, time: 10:00

2026-11-07 Ana ; client: ana, session: no-show, time: 10:00

2026-11-12 Ben ; client: ben, session: provider-cancel' | journal group.journal)
	both "$g" 2026-11
	both "$g" 2026-11 --policy "$POL/24-hour.policy"
	# errors: the filters' own messages, in order
	printf '\n2026-03-30 * Broken\n    Assets:Bank  10.00 EUR\n    Income:Other  -5.00 EUR\n' >> "$d/shuffled.journal"
	both "$d/shuffled.journal" 2026-03
	printf '\n2026-03-31 Lesson ; client: nobody, session: held\n' > "$d/norate.journal"
	both "$d/norate.journal" 2026-03
}

@test "month: a journal priced already is the invoice step's input as it is, with the same result" {
	local p="$d/priced.journal" f s seeds=2
	sanitized && seeds=1
	for f in story deposit expiry per-hour two-packages; do
		tally-cancel "$FIXTURES/bill/$f.journal" | tally-bill > "$p"
		both "$p" 2026-02
		both "$p" 2026-03 -O md
		for ((s = 1; s <= seeds; s++)); do
			shuffle-entries $s "$p" > "$d/shuffled.journal"
			both "$d/shuffled.journal" 2026-03
		done
	done
	cp "$FIXTURES/invoice/no-newline.journal" "$p"
	both "$p" 2026-03
	# the invoice step fails on it: its message names the copy, as with the filters in turn
	tally-cancel "$FIXTURES/bill/story.journal" | tally-bill > "$p"
	printf '\n2026-03-02 Rates ; client: Ana, tax-rate: lots\n' >> "$p"
	cp "$p" "$d/before.journal"
	run -1 --separate-stderr tally month -p 2026-03 -f "$p" -i --output-dir "$d/x"
	[[ "$stderr" == "tally-invoice: $d/.priced.journal.month-"*":96: tax-rate: bad value lots"* ]]
	cmp "$p" "$d/before.journal"
	[ -z "$(ls -A "$d/x")" ]
	both "$p" 2026-03
}

@test "month: cancel and bill are one reading: no tally-bill runs" {
	# a copy of tally-month beside the other filters and a tally-bill that must not run
	mkdir "$d/bin"
	cp "$TALLY_BIN/tally-month" "$d/bin/"
	for c in cancel invoice statement; do ln -s "$TALLY_BIN/tally-$c" "$d/bin/"; done
	printf '#!/bin/sh\necho "tally-bill ran" >&2\nexit 1\n' > "$d/bin/tally-bill"
	chmod +x "$d/bin/tally-bill"
	ln -s "$TOP/share" "$d/share"
	cd "$d"
	run "$d/bin/tally-month" -p 2026-03 -f "$j" --output-dir one
	assert_success
	run "$d/bin/tally-month" -p 2026-03 -f "$j" --policies "$POL" --output-dir two
	assert_success
	diff -r one two
	# another policies directory, --policy, or the variable: the filters one after the other
	mkdir pol
	cp "$POL"/* pol/
	run -1 --separate-stderr "$d/bin/tally-month" -p 2026-03 -f "$j" --policies pol --output-dir x
	assert_equal "$stderr" "tally-bill ran"
	run -1 --separate-stderr "$d/bin/tally-month" -p 2026-03 -f "$j" --policy pol/24-hour.policy \
		--output-dir x
	assert_equal "$stderr" "tally-bill ran"
	run -1 --separate-stderr env TALLY_MONTH_STAGES=1 "$d/bin/tally-month" -p 2026-03 -f "$j" \
		--output-dir x
	assert_equal "$stderr" "tally-bill ran"
	[ -z "$(ls -A x)" ]
}

@test "month: the invoice step and the statements run in-process: no tally-invoice or tally-statement" {
	local p f o
	# a copy of tally-month beside the pricing filters, and invoice and statement that must
	# not run: the invoice step and the statements come from pricing's own reading (a
	# journal priced already) or from one reading of the priced copy
	mkdir "$d/bin"
	cp "$TALLY_BIN/tally-month" "$d/bin/"
	for c in cancel bill; do ln -s "$TALLY_BIN/tally-$c" "$d/bin/"; done
	for c in invoice statement; do
		printf '#!/bin/sh\necho "tally-%s ran" >&2\nexit 1\n' $c > "$d/bin/tally-$c"
		chmod +x "$d/bin/tally-$c"
	done
	ln -s "$TOP/share" "$d/share"
	# the catalogs, found beside the binary (bin/../BUILD/locale)
	for b in "$TALLY_BIN"/../build*; do ln -s "$(cd "$b" && pwd)" "$d/"; done
	# 3,000 entries; 1,500 under the sanitizers (read some thirty times; it still reaches June)
	local n=3000
	sanitized && n=1500
	"$BENCH/gen-journal" $n 1 > "$d/gen.journal"
	tally-cancel "$FIXTURES/household/family.journal" | tally-bill > "$d/family.journal"
	tally-cancel "$FIXTURES/bill/story.journal" | tally-bill > "$d/story.journal"
	cp "$FIXTURES/household/family.journal" "$d/raw.journal"
	for f in gen:2015-06 gen:2015-03 family:2026-11 story:2026-03 story:2026-02 \
		practice:2026-03 practice:2026-02 raw:2026-11; do
		for o in "" "-O html --lang es" "-O md --lang he"; do
			p=${f#*:}
			mkdir -p "$d/one" "$d/stages"
			cp "$d/${f%%:*}.journal" "$d/one/j.journal"
			cp "$d/${f%%:*}.journal" "$d/stages/j.journal"
			(cd "$d/one" && "$d/bin/tally-month" -p $p -f j.journal -i --output-dir st $o > out)
			(cd "$d/stages" && TALLY_MONTH_STAGES=1 tally month -p $p -f j.journal -i \
				--output-dir st $o > out)
			diff -r "$d/one" "$d/stages"
			[ -n "$(ls "$d/one/st")" ]
			rm -rf "$d/one" "$d/stages"
		done
	done
	# the new invoices follow the journal (the loop above compared their statements)
	cd "$d"
	"$d/bin/tally-month" -p 2026-03 -f story.journal -i --output-dir st > /dev/null
	grep -q '^2026-04-01 (2026-0001) Invoice ana$' story.journal
}

@test "month: a priced journal whose end changes how the invoices read gives what the commands give" {
	local p="$d/priced.journal" end
	tally-cancel "$FIXTURES/bill/story.journal" | tally-bill > "$p"
	# directives that change how later items read: the invoices are read after them
	for end in 'apply account Firm' 'alias Assets:Receivable=Assets:Owed' 'Y 2020' \
		'D 1.000,00 EUR' 'commodity 1.000,0 EUR' 'decimal-mark ,' 'comment'; do
		{ cat "$p"; printf '\n%s\n' "$end"; } > "$d/end.journal"
		both "$d/end.journal" 2026-03
	done
	# the last line without its newline; inert directives at the end
	{ cat "$p"; printf '\naccount Assets:Bank\ntag x\npayee Ana'; } > "$d/end.journal"
	both "$d/end.journal" 2026-03
	both "$d/end.journal" 2026-02 -O html
	# an included file: its own directives count, the include line does not
	for end in 'account Assets:Cash' 'apply account Firm' 'alias Assets:Receivable=Assets:Owed'; do
		printf '; included\n%s\n' "$end" > "$d/inc.journal"
		{ printf 'include %s\n\n' "$d/inc.journal"; cat "$p"; } > "$d/end.journal"
		both "$d/end.journal" 2026-03
		{ cat "$p"; printf '\ninclude %s\n' "$d/inc.journal"; } > "$d/end.journal"
		both "$d/end.journal" 2026-03
	done
}
