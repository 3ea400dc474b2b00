#!/usr/bin/env bats
# hledger query terms (issue 15) in tally-balance, also through `hledger tally`: the
# postings they select sum to what `hledger bal` gives for the same terms.
load helper

setup() {
	J=$(journal <<-'EOF'
	2026-02-27 * Ana | lesson  ; client: ana
	    Assets:Unbilled:ana   40 EUR
	    Income:Sessions

	2026-03-02 ! (7) Bob | package
	    Assets:Bank   200 EUR  ; kind: card
	    Liabilities:Prepaid:bob

	2026-03-15 * Ana | lesson  ; client: ana
	    Assets:Unbilled:ana   45 EUR
	    Income:Sessions

	2026-04-01 Rent  ; payee: Landlord
	    Expenses:Rent   500 USD
	    Assets:Bank
	EOF
	)
}

# same < QUERIES: tally-balance and hledger bal agree on each line's terms (one
# agree-queries process for the list; one line, one query, as `same TERM...` was).
same() {
	agree-queries balance "$J"
}

@test "query: each kind of term selects what hledger selects" {
	same <<-'EOF'
	date:2026-03
	date:2026-03..
	date:..2026-03
	date:2026-02-27..2026-03-15
	acct:unbilled
	unbilled
	desc:lesson
	payee:ana
	payee:rent
	code:7
	cur:USD
	'status:!'
	'status:*'
	status:
	'amt:>100'
	'amt:<-100'
	amt:45
	tag:client=ana
	tag:kind
	not:acct:bank
	EOF
	run -0 tally-balance -O csv "$J" date:2026-03 acct:unbilled
	assert_output "$(printf 'account,commodity,amount\nAssets:Unbilled:ana,EUR,45')"
}

@test "query: note:, real:, cur: (whole symbol), amt:<0 (signed); sym: and date2: as current hledger" {
	same <<-'EOF'
	note:lesson
	real:
	real:0
	cur:EU
	cur:EUR
	'amt:<0'
	amt:0
	EOF
	# hledger 1.25 has no sym:, and its date2: ignores entries without a second date.
	run -0 tally-balance -O csv "$J" sym:USD
	assert_output "$(printf 'account,commodity,amount\nAssets:Bank,USD,-500\nExpenses:Rent,USD,500')"
	run -0 tally-balance -O csv "$J" date2:2026-04
	assert_output "$(printf 'account,commodity,amount\nAssets:Bank,USD,-500\nExpenses:Rent,USD,500')"
}

@test "query: any description, account and status term; all the others (hledger's rule)" {
	same <<-'EOF'
	date:2026-02 date:2026-03
	tag:client tag:kind
	desc:lesson desc:package
	'status:*' 'status:!'
	payee:ana payee:bob
	acct:bank not:desc:rent
	EOF
}

@test "query: terms of one kind or-ed, kinds and-ed, not: on its own, with -p" {
	same <<-'EOF'
	acct:bank acct:rent desc:rent
	not:date:2026-03 acct:income
	acct:income acct:prepaid date:2026-03
	not:desc:lesson not:acct:bank
	EOF
	run -0 tally-balance -O csv -p 2026-03 "$J" acct:income
	assert_output "$(printf 'account,commodity,amount\nIncome:Sessions,EUR,-45')"
	run -0 tally-balance -O csv -p 2026 "$J" not:date:2026-03 unbilled
	assert_output "$(printf 'account,commodity,amount\nAssets:Unbilled:ana,EUR,40')"
}

@test "query: depth:N folds accounts as --depth N (the smaller wins), as hledger does" {
	same <<-'EOF'
	depth:1
	depth:2 date:2026-03
	EOF
	run -0 tally-balance -O csv "$J" depth:1 --depth 2 acct:assets
	assert_output "$(printf 'account,commodity,amount\nAssets,EUR,285\nAssets,USD,-500')"
	run -2 --separate-stderr tally-balance "$J" depth:x
	assert_equal "$stderr" "tally-balance: bad query term depth:x: depth:N with N a level from 1"
	run -2 --separate-stderr tally-balance "$J" not:depth:1
	assert_equal "$stderr" "tally-balance: bad query term not:depth:1: depth:N with N a level from 1"
}

@test "query: --tree and --depth roll up the selected postings" {
	run -0 tally-balance --tree "$J" date:2026-03
	assert_output - <<-'EOF'
	             245 EUR  Assets
	             200 EUR    Bank
	              45 EUR    Unbilled
	              45 EUR      ana
	             -45 EUR  Income
	             -45 EUR    Sessions
	            -200 EUR  Liabilities
	            -200 EUR    Prepaid
	            -200 EUR      bob
	--------------------
	                   0
	EOF
}

@test "query: a bad term is a usage error" {
	run -2 --separate-stderr tally-balance "$J" 'acct:('
	assert_equal "$stderr" "tally-balance: bad query term acct:(: bad regular expression \"(\": missing closing parenthesis at offset 1"
	run -2 --separate-stderr tally-balance "$J" date:2026-13
	assert_equal "$stderr" "tally-balance: bad query term date:2026-13: a date, a period or DATE..DATE expected"
	run -2 --separate-stderr tally-balance "$J" amt:ten
	assert_equal "$stderr" "tally-balance: bad query term amt:ten: a number expected"
	# hledger's other query types are refused, never taken as an account pattern.
	for t in type:A expr:x any:x all:x not:type:A; do
		run -2 --separate-stderr tally-balance "$J" "$t"
		k=${t#not:}
		assert_equal "$stderr" "tally-balance: bad query term $t: ${k%%:*}: is not supported here"
	done
}

@test "add-on: hledger tally balance QUERY, with and without -- (hledger 1.25 and 1.50)" {
	# hledger 1.25 passes query terms on; its flags need -- before them.
	run -0 hledger -f "$J" tally balance date:2026-03
	assert_output - <<-'EOF'
	             200 EUR  Assets:Bank
	              45 EUR  Assets:Unbilled:ana
	             -45 EUR  Income:Sessions
	            -200 EUR  Liabilities:Prepaid:bob
	--------------------
	                   0
	EOF
	run -0 hledger -f "$J" tally -- balance -O csv date:2026-03 acct:unbilled
	assert_output "$(printf 'account,commodity,amount\nAssets:Unbilled:ana,EUR,45')"
	# What hledger 1.50 runs: no `--`; and a `--` kept by an older caller is dropped too.
	run -0 hledger-tally -f "$J" balance -O csv date:2026-03 acct:unbilled
	assert_output "$(printf 'account,commodity,amount\nAssets:Unbilled:ana,EUR,45')"
	run -0 hledger-tally -f "$J" balance -- -O csv date:2026-03 acct:unbilled
	assert_output "$(printf 'account,commodity,amount\nAssets:Unbilled:ana,EUR,45')"
	run -0 hledger-tally -- -f "$J" -- balance -- -O csv -- date:2026-03 acct:unbilled
	assert_output "$(printf 'account,commodity,amount\nAssets:Unbilled:ana,EUR,45')"
}

@test "query: tally-sessions counts the events the terms select (date: as -p)" {
	E=$EXAMPLES/practice.journal
	run -0 tally-sessions -O csv -p 2026-03 "$E"
	want=$output
	run -0 tally-sessions -O csv "$E" date:2026-03
	assert_output "$want"
	run -0 --separate-stderr tally-sessions --unsigned "$E" date:2026-03
	assert_output "2026-03-25  ana  $E:265  Session with Ana García"
	run -0 --separate-stderr tally-sessions --unsigned "$E" date:2026-03 not:desc:ana
	assert_output ""
	run -2 --separate-stderr tally-sessions "$E" 'desc:('
	assert_equal "$stderr" "tally-sessions: bad query term desc:(: bad regular expression \"(\": missing closing parenthesis at offset 1"
}

@test "query: tally-print selects the entries hledger print selects, tally-balance sums as hledger bal (many terms x four journals)" {
	need_corpus
	tally-cancel "$EXAMPLES/practice.journal" | tally-bill > "$BATS_TEST_TMPDIR/practice.journal"
	local f
	for f in "$BATS_TEST_TMPDIR/practice.journal" "$J" "$CORPUS/journals/hledger--examples--sample.journal" \
		"$CORPUS/journals/hledger--examples--bcexample.journal"; do
		# agree_query "$f" TERMS for each line, in one process for the list
		run agree-queries print "$f" <<-'EOF'
		date:2026-03
		date:2008 acct:assets
		date:..2026-02-01
		acct:income amt:>50
		not:acct:assets
		amt:<0 desc:a
		desc:^[a-m] desc:session
		payee:e not:note:e
		tag:client=ana
		not:tag:client status:*
		cur:EUR acct:bank acct:expenses
		not:desc:a not:acct:bank date:2014..
		EOF
		assert_success
		assert_output "12 queries agree, 0 differ"
	done
}

@test "query: tally-report --income counts the postings hledger bal --pivot client -M QUERY counts" {
	need hledger
	local f q n=0 d=$BATS_TEST_TMPDIR
	tally-cancel "$EXAMPLES/practice.journal" | tally-bill > "$d/practice.journal"
	for f in "$FIXTURES/report/mixed.journal" "$d/practice.journal"; do
		for q in date:2026-03 'amt:>40' desc:session not:desc:refund 'payee:^ana' \
			'tag:client=ben' 'status:*' date:2026-01..2026-03; do
			hledger -f "$f" bal '^income(:|$)' "$q" --pivot client -M -p 2026 -T -O csv \
				--layout bare | sed 's/"//g' |
			awk -F, 'NR == 1 { print "client,commodity" substr($0, index($0, ",2")); next }
				{ if ($1 == "") $1 = "(none)"
				  for (i = 3; i <= NF; i++) if ($i ~ /^-/) $i = substr($i, 2); else if ($i != "0") $i = "-" $i
				  OFS = ","; $1 = $1; print }' | sort > "$d/h.csv"
			tally-report --income -p 2026 -O csv "$f" "$q" | sort > "$d/t.csv"
			diff -u "$d/h.csv" "$d/t.csv" || fail "tally-report $f $q differs from hledger"
			n=$((n + 1))
		done
	done
	assert_equal "$n" 16
	run -0 tally-report --income -O csv "$FIXTURES/report/mixed.journal" date:2026-03 tag:client=ben
	assert_output "$(printf 'client,commodity,2026-03,total\nben,EUR,80.00,80.00\ntotal,EUR,80.00,80.00')"
	run -0 hledger -f "$FIXTURES/report/mixed.journal" tally -- report --income -O csv date:2026-03 tag:client=ben
	assert_output "$(printf 'client,commodity,2026-03,total\nben,EUR,80.00,80.00\ntotal,EUR,80.00,80.00')"
	# the overview reads no terms: refused rather than ignored
	run -2 --separate-stderr tally-report "$FIXTURES/report/mixed.journal" date:2026-03
	assert_equal "$stderr" "tally-report: query terms are read by --income only"
}

@test "query: tally-print writes the selected entries byte for byte, with the directives that change how they read" {
	local f
	f=$(journal d.journal <<-'EOF'
	; a comment, left out with a query
	alias cash=Assets:Cash
	commodity 1.000,00 EUR
	account Assets:Cash

	2026-01-02 Shop  ; kept as written
	  cash      1.234,50 EUR
	  Expenses:Food

	~ monthly
	  Expenses:Rent  1,00 EUR
	  cash

	2026-02-03 Rent
	  Expenses:Rent   700,00 EUR
	  cash
	EOF
	)
	run -0 tally-print "$f" acct:food
	assert_output "$(printf 'alias cash=Assets:Cash\ncommodity 1.000,00 EUR\n2026-01-02 Shop  ; kept as written\n  cash      1.234,50 EUR\n  Expenses:Food\n')"
	# through hledger: the alias applies, the query reads the aliased account
	run -0 hledger -f "$f" tally print acct:assets:cash date:2026-02
	assert_output "$(printf 'alias cash=Assets:Cash\ncommodity 1.000,00 EUR\n2026-02-03 Rent\n  Expenses:Rent   700,00 EUR\n  cash\n')"
	run -0 tally-print "$f" desc:nothing
	assert_output "$(printf 'alias cash=Assets:Cash\ncommodity 1.000,00 EUR')"
	# without terms, the whole journal as before
	run -0 tally-print "$f"
	assert_output "$(cat "$f")"
	# a missing journal is reported, not read as an account pattern
	run -1 --separate-stderr tally-print "$BATS_TEST_TMPDIR/nope.journal" desc:x
	assert_equal "$stderr" "tally-print: $BATS_TEST_TMPDIR/nope.journal: cannot open: No such file or directory"
	run -2 --separate-stderr tally-print "$f" 'desc:('
	assert_equal "$stderr" "tally-print: bad query term desc:(: bad regular expression \"(\": missing closing parenthesis at offset 1"
}

@test "query: tally-aging shows the invoices whose entry the terms select, with their clients' credit" {
	local F=$FIXTURES/aging/book.journal
	run -0 tally-aging --date 2026-12-15 -O csv "$F" date:2026-11
	assert_output "client,invoice,date,due,days_overdue,amount,open,commodity,bucket
bea,2026-0003,2026-11-01,2026-11-15,30,55.00,35.00,EUR,1-30
bea,,,,,,35.00,EUR,total
carl,,,,,,20.00,EUR,credit
,,,,,,35.00,EUR,total"
	run -0 tally-aging --date 2026-12-15 -O csv "$F" 'amt:>90' acct:receivable
	assert_output "client,invoice,date,due,days_overdue,amount,open,commodity,bucket
ana,2026-0001,2026-10-01,2026-10-15,61,100.00,100.00,EUR,61-90
ana,,,,,,100.00,EUR,total
,,,,,,100.00,EUR,total"
	# the payments count whatever the terms: bea's 20.00 is not in November's invoices' entry
	run -0 tally-aging --date 2026-12-15 -O csv "$F" desc:bea
	assert_line --index 1 "bea,2026-0003,2026-11-01,2026-11-15,30,55.00,35.00,EUR,1-30"
	run -0 --separate-stderr tally-aging --date 2026-12-15 --remind "$F" not:desc:ana not:desc:carl
	assert_line --index 1 "Subject: Final notice: invoice 2026-0003, 30 days overdue"
	run -0 hledger -f "$F" tally -- aging --date 2026-12-15 -O csv tag:client=ana
	assert_line --index 1 "ana,2026-0001,2026-10-01,2026-10-15,61,100.00,100.00,EUR,61-90"
	run -2 --separate-stderr tally-aging "$F" amt:x
	assert_equal "$stderr" "tally-aging: bad query term amt:x: a number expected"
}

@test "query: tally-statement and tally-signoff take date: as -p; the other terms select the entries" {
	local P=$BATS_TEST_TMPDIR/p.journal
	tally-cancel "$EXAMPLES/practice.journal" | tally-bill > "$P"
	tally-statement --client ana -p 2026-03 "$P" > "$BATS_TEST_TMPDIR/want"
	run -0 tally-statement --client ana "$P" date:2026-03
	assert_output "$(cat "$BATS_TEST_TMPDIR/want")"
	run -0 hledger -f "$P" tally -- statement --client ana date:2026-03
	assert_output "$(cat "$BATS_TEST_TMPDIR/want")"
	# leaving out the package purchase: its credit is gone from the balances
	run -0 tally-statement --client ana "$P" date:2026-03 not:desc:package
	assert_line --partial "Prepaid credit                                                       -420.00 EUR"
	tally-signoff --client ana -p 2026-03 "$P" > "$BATS_TEST_TMPDIR/want"
	run -0 tally-signoff --client ana "$P" date:2026-03
	assert_output "$(cat "$BATS_TEST_TMPDIR/want")"
	# the sessions listed, still numbered within the package
	run -0 tally-signoff --client ana "$P" date:2026-03 'tag:signed=2026-03-1'
	assert_line --index 3 "2026-03-11  16:00       60  session 10 of 10    signed: Ana G. 2026-03-11"
	assert_line --index 4 "2026-03-18  16:00       60  -                   signed: Ana G. 2026-03-18"
	assert_line --index 5 "2 sessions held, 2 signed; package sessions left: 0."
	run -0 hledger -f "$P" tally -- signoff --client ana date:2026-03 'tag:signed=2026-03-1'
	assert_line --index 5 "2 sessions held, 2 signed; package sessions left: 0."
	run -2 --separate-stderr tally-signoff --client ana "$P" date:2026-14
	assert_equal "$stderr" "tally-signoff: bad query term date:2026-14: a date, a period or DATE..DATE expected"
	run -2 --separate-stderr tally-statement --client ana "$P" date:2026-14
	assert_equal "$stderr" "tally-statement: bad query term date:2026-14: a date, a period or DATE..DATE expected"
}

# One entry a day from 400 days before today to 400 days after (today is the real date:
# hledger has no --today, so both tools read the clock and hledger is the oracle).
daily() {
	python3 -c '
import datetime
t = datetime.date.today()
for i in range(-400, 401):
    print(f"{t + datetime.timedelta(days=i)} day {i}\n    Assets:Cash  1 EUR\n    Income:Days\n")' \
		> "$BATS_TEST_TMPDIR/daily.journal"
	echo "$BATS_TEST_TMPDIR/daily.journal"
}

@test "date: and -p read hledger 1.25's relative dates and period expressions (hledger on the same clock)" {
	local f d=$BATS_TEST_TMPDIR p periods=()
	f=$(daily)
	while read -r p; do
		periods+=("$p")
	done <<-'EOF'
	today
	yesterday
	tomorrow
	thisweek
	last week
	nextweek
	thismonth
	lastmonth
	next month
	thisquarter
	lastquarter
	thisyear
	lastyear
	nextyear
	2 weeks ago
	3 months ago
	in 3 days
	oct
	11/5
	5
	from lastmonth
	to thismonth
	until yesterday
	lastmonth..today
	yesterday..
	from lastyear to thisquarter
	in lastyear
	lastmonth - nextmonth
	EOF
	assert_equal "${#periods[@]}" 28
	# each as agree_query "$f" "date:P", then tally-balance -p P against hledger bal -p P;
	# one agree-queries process per list
	run agree-queries print "$f" < <(printf "'date:%s'\n" "${periods[@]}")
	assert_success
	assert_output "28 queries agree, 0 differ"
	run agree-queries balance "$f" < <(printf -- "-p '%s'\n" "${periods[@]}")
	assert_success
	assert_output "28 queries agree, 0 differ"
	# -b and -e take a smart date's start, as in hledger
	tally-balance -O csv -b lastmonth -e today "$f" > "$d/t.csv"
	oracle-exact hledger "$f" -b lastmonth -e today > "$d/h.tsv"
	compare-bal "$d/h.tsv" "$d/t.csv"
	# what hledger 1.25 does not read either
	run -2 --separate-stderr tally-balance "$f" "date:last 3 months"
	assert_equal "$stderr" "tally-balance: bad query term date:last 3 months: a date, a period or DATE..DATE expected"
	run -2 --separate-stderr tally-balance -p "since lastmonth" "$f"
	assert_equal "$stderr" "tally-balance: bad period: since lastmonth"
}
