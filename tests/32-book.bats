#!/usr/bin/env bats
# The book: entries take effect in date order whatever the file order, tally-bill and
# tally-cancel price from the same book (so they commute), and `waived:` gives a held
# session free. docs/events.md has the rules.
load helper

# ledger and hledger agree with tally-balance on a journal (flat, sorted).
same_books() {
	local l h t
	l=$(ledger --args-only -f "$1" bal --flat --no-total | sed 's/^ *//; s/  */ /g' | sort) || return 1
	h=$(hledger -f "$1" bal --no-total | sed 's/^ *//; s/  */ /g' | sort) || return 1
	t=$(tally-balance "$1" | sed '/^--/,$d; s/^ *//; s/  */ /g' | sort) || return 1
	if [ "$l" != "$h" ] || [ "$h" != "$t" ]; then
		printf 'ledger:\n%s\nhledger:\n%s\ntally-balance:\n%s\n' "$l" "$h" "$t" >&2
		return 1
	fi
}

late_package() {
	journal late.journal <<'J'
2026-11-01 Terms
    ; client: kim
    ; rate: 40 EUR

2026-11-05 Session
    ; client: kim
    ; session: held
    ; time: 10:00

2026-11-02 * Package bought by transfer, imported after the session
    ; client: kim
    ; package: 5
    Assets:Bank  200.00 EUR
    Liabilities:Prepaid:kim
J
}

@test "book: a package dated before a session pays for it, though written after it" {
	f=$(late_package)
	run tally-bill "$f"
	assert_success
	# written in the style the journal has at that point (40 EUR), as a stream would
	assert_line --index 7 "    Liabilities:Prepaid:kim  40 EUR"
	assert_line --index 8 "    Income:Sessions  -40 EUR"
	run sh -c "tally-bill '$f' | tally-balance"
	assert_success
	refute_output --partial "Unbilled"
	assert_line "         -160.00 EUR  Liabilities:Prepaid:kim"
	run tally-sessions -O csv "$f"
	assert_success
	assert_line "kim,1,0,0,0,0,0,1,5,1,4,0,0"
	# standard input (a pipe) is read twice just the same
	tally-bill "$f" > "$BATS_TEST_TMPDIR/direct.journal"
	run sh -c "cat '$f' | tally-bill | cmp - '$BATS_TEST_TMPDIR/direct.journal' && echo same"
	assert_output "same"
	tally-bill "$f" > "$BATS_TEST_TMPDIR/billed.journal"
	same_books "$BATS_TEST_TMPDIR/billed.journal"
}

@test "book: with a rolling deposit, cancel|bill = bill|cancel = bill|cancel|bill (deposit spent once)" {
	f=$(journal <<'J'
2026-01-01 Agreement
    ; client: fay
    ; rate: 60.00 EUR
    ; policy: rolling-deposit

2026-01-02 * Deposit
    ; client: fay
    Assets:Bank  30.00 EUR
    Liabilities:Deposits:fay

2026-01-05 No-show
    ; client: fay
    ; session: no-show
    ; time: 10:00

2026-01-12 Session
    ; client: fay
    ; session: held
    ; time: 10:00
J
)
	want="           30.00 EUR  Assets:Bank
           90.00 EUR  Assets:Unbilled:fay
          -60.00 EUR  Income:Cancellations
          -60.00 EUR  Income:Sessions
--------------------
                   0"
	for p in "tally-cancel | tally-bill" "tally-bill | tally-cancel" \
		 "tally-bill | tally-cancel | tally-bill" "tally-cancel | tally-bill | tally-cancel"; do
		run sh -c "cat '$f' | $p > '$BATS_TEST_TMPDIR/out.journal' && tally-balance '$BATS_TEST_TMPDIR/out.journal'"
		assert_success
		assert_output "$want"
		same_books "$BATS_TEST_TMPDIR/out.journal"
	done
	# the no-show takes the deposit; the session is billed in full
	run sh -c "tally-bill '$f' | tally-cancel"
	assert_output --partial "2026-01-05 No-show
    ; client: fay
    ; session: no-show
    ; time: 10:00
    Liabilities:Deposits:fay  30.00 EUR
    Assets:Unbilled:fay  30.00 EUR
    Income:Cancellations  -60.00 EUR"
	assert_output --partial "    Assets:Unbilled:fay  60.00 EUR
    Income:Sessions  -60.00 EUR"
}

@test "book: a package of 2, a no-show and two held sessions: the same books in either order" {
	f=$(journal <<'J'
2026-01-01 Agreement
    ; client: gus
    ; rate: 50.00 EUR
    ; policy: prepaid-package

2026-01-02 * Package
    ; client: gus
    ; package: 2
    Assets:Bank  100.00 EUR
    Liabilities:Prepaid:gus

2026-01-05 No-show
    ; client: gus
    ; session: no-show
    ; time: 10:00

2026-01-12 Session
    ; client: gus
    ; session: held
    ; time: 10:00

2026-01-19 Session over the package
    ; client: gus
    ; session: held
    ; time: 10:00
J
)
	want="          100.00 EUR  Assets:Bank
           50.00 EUR  Assets:Unbilled:gus
          -50.00 EUR  Income:Cancellations
         -100.00 EUR  Income:Sessions
--------------------
                   0"
	for p in "tally-cancel | tally-bill" "tally-bill | tally-cancel" "tally-bill | tally-cancel | tally-bill"; do
		run sh -c "cat '$f' | $p | tally-balance"
		assert_success
		assert_output "$want"
	done
	run sh -c "tally-bill '$f' | tally-sessions -O csv"
	assert_line "gus,2,0,0,1,0,0,2,2,2,0,1,0"
}

@test "book: same date, a deposit paid in takes effect before the day's untimed session" {
	f=$(journal <<'J'
2026-03-01 Agreement
    ; client: ada
    ; rate: 50.00 EUR

2026-03-10 Session
    ; client: ada
    ; session: held

2026-03-10 * Deposit
    ; client: ada
    Assets:Bank  20.00 EUR
    Liabilities:Deposits:ada
J
)
	run sh -c "tally-bill '$f' | tally-balance"
	assert_output "           20.00 EUR  Assets:Bank
           30.00 EUR  Assets:Unbilled:ada
          -50.00 EUR  Income:Sessions
--------------------
                   0"
}

@test "book: waived: gives a held session free, without package credit unless the policy says so" {
	f=$(journal <<'J'
2026-01-01 Agreement
    ; client: gus
    ; rate: 50.00 EUR

2026-01-02 * Package
    ; client: gus
    ; package: 2
    Assets:Bank  100.00 EUR
    Liabilities:Prepaid:gus

2026-01-05 Session given free
    ; client: gus
    ; session: held
    ; waived: first session

2026-01-12 Session
    ; client: gus
    ; session: held

2026-01-19 Session
    ; client: gus
    ; session: held

2026-01-26 Session beyond the package, my miscount
    ; client: gus
    ; session: held
    ; waived: miscount
J
)
	run tally-bill "$f"
	assert_success
	# the waived sessions stay as they are: no postings, nothing owed
	assert_output --partial "2026-01-05 Session given free
    ; client: gus
    ; session: held
    ; waived: first session

2026-01-12"
	assert_equal "$(grep -c 'Liabilities:Prepaid:gus  50.00 EUR' <<< "$output")" 2
	refute_output --partial "Unbilled"
	tally-bill "$f" > "$BATS_TEST_TMPDIR/out.journal"
	same_books "$BATS_TEST_TMPDIR/out.journal"
	tally-bill "$BATS_TEST_TMPDIR/out.journal" | cmp - "$BATS_TEST_TMPDIR/out.journal"
	run tally-sessions -O csv "$f"
	assert_line "gus,4,0,0,0,0,0,4,2,2,0,0,2"
	run --separate-stderr tally-sessions "$f"
	assert_line --index 0 "client  held  cancelled  late  no-show  provider  signed  unsigned  bought  used  left  over  free"
	# `waived = package`: a free session uses a package session while there is credit
	printf 'notice = 24h\nwaived = package\n' > "$BATS_TEST_TMPDIR/p.policy"
	run tally-bill --policy "$BATS_TEST_TMPDIR/p.policy" "$f"
	assert_success
	assert_output --partial "    ; waived: first session
    Liabilities:Prepaid:gus  50.00 EUR
    Income:Sessions  -50.00 EUR"
	assert_output --partial "    ; session: held
    Assets:Unbilled:gus  50.00 EUR"
	run tally-sessions -O csv --policy "$BATS_TEST_TMPDIR/p.policy" "$f"
	assert_line "gus,4,0,0,0,0,0,4,2,2,0,1,2"
	printf 'notice = 24h\nwaived = maybe\n' > "$BATS_TEST_TMPDIR/bad.policy"
	run -1 --separate-stderr tally-bill --policy "$BATS_TEST_TMPDIR/bad.policy" "$f"
	assert_equal "$stderr" "tally-bill: $BATS_TEST_TMPDIR/bad.policy:2: waived: waived is free or package"
	assert_output ""
}

@test "book: tally-bill takes --policies DIR and reports an unknown policy at its event" {
	f=$(journal <<'J'
2026-01-01 Agreement
    ; client: gus
    ; rate: 50.00 EUR
    ; policy: nonesuch

2026-01-05 Session
    ; client: gus
    ; session: held
J
)
	run -1 --separate-stderr tally-bill "$f"
	assert_output ""
	[[ $stderr == "tally-bill: $f:4: unknown policy: nonesuch"* ]]
	mkdir "$BATS_TEST_TMPDIR/pol"
	printf 'notice = 24h\n' > "$BATS_TEST_TMPDIR/pol/nonesuch.policy"
	run tally-bill --policies "$BATS_TEST_TMPDIR/pol" "$f"
	assert_success
	assert_output --partial "    Assets:Unbilled:gus  50.00 EUR"
	run tally-bill --help
	assert_output --partial "[--policy FILE | --policies DIR]"
}

# Pass 2 copies a file by sendfile(2) where the output takes it (a file, a device, the -i
# temporary file, a spool past 4 MiB) and by read(2) where not (a spool in memory): all
# write what the second reading writes.
@test "book: the copy by sendfile and by read write the same journal to every kind of output" {
	cd "$BATS_TEST_TMPDIR"
	{
		printf '2026-01-01 Terms\n    ; client: kim\n    ; rate: 40 EUR\n\n'
		seq 90000 | awk '{printf "2026-%02d-%02d Session %d\n    ; client: kim\n    ; session: held\n\n", $1 % 12 + 1, $1 % 28 + 1, $1}'
		printf '2026-12-31 Last, no final newline\n    ; client: kim\n    ; session: held'
	} > big.journal
	[ "$(wc -c < big.journal)" -gt 4194304 ]
	TALLY_BOOK_REREAD=1 tally-bill big.journal > reread
	[ "$(grep -c '^    Assets:Unbilled:kim  40 EUR$' reread)" -eq 90001 ]
	tally-bill big.journal > file
	cmp file reread
	tally-bill big.journal | cat > spool
	cmp spool reread
	tally-bill < big.journal > stdin
	cmp stdin reread
	cp big.journal inplace.journal
	tally-bill -i inplace.journal
	cmp inplace.journal reread
	run tally-bill big.journal
	[ "$output" = "$(cat reread)" ]
	run -0 sh -c 'tally-bill big.journal > /dev/null'
	# the last byte sent decides whether the next file's bytes start on a line of their own
	printf '2026-01-02 A note, no final newline\n    ; client: kim' > nonl.journal
	TALLY_BOOK_REREAD=1 tally-bill nonl.journal big.journal nonl.journal > reread
	tally-bill nonl.journal big.journal nonl.journal > file
	cmp file reread
	tally-bill nonl.journal big.journal nonl.journal | cat > spool
	cmp spool reread
}

@test "book: the second pass as a copy and as a second reading write the same journals" {
	local files=("$FIXTURES"/bill/*.journal "$FIXTURES"/cancel/*.journal "$EXAMPLES/practice.journal")
	for cmd in tally-bill tally-cancel; do
		run two-ways --ok TALLY_BOOK_REREAD=1 $cmd "${files[@]}" < /dev/null
		assert_success
		assert_output "${#files[@]} agree, 0 differ"
	done
	# several files, standard input among them, and an entry without a final newline
	printf '2026-01-01 Terms\n    ; client: kim\n    ; rate: 40 EUR\n' > "$BATS_TEST_TMPDIR/a.journal"
	printf '2026-01-05 Session\n    ; client: kim\n    ; session: held' > "$BATS_TEST_TMPDIR/b.journal"
	run sh -c "cat '$BATS_TEST_TMPDIR/b.journal' | tally-bill '$BATS_TEST_TMPDIR/a.journal' - '$BATS_TEST_TMPDIR/b.journal'"
	assert_success
	assert_output "2026-01-01 Terms
    ; client: kim
    ; rate: 40 EUR
2026-01-05 Session
    ; client: kim
    ; session: held
    Assets:Unbilled:kim  40 EUR
    Income:Sessions  -40 EUR
2026-01-05 Session
    ; client: kim
    ; session: held
    Assets:Unbilled:kim  40 EUR
    Income:Sessions  -40 EUR"
	run sh -c "cat '$BATS_TEST_TMPDIR/b.journal' | TALLY_BOOK_REREAD=1 tally-bill '$BATS_TEST_TMPDIR/a.journal' - '$BATS_TEST_TMPDIR/b.journal'"
	assert_success
	assert_output "2026-01-01 Terms
    ; client: kim
    ; rate: 40 EUR
2026-01-05 Session
    ; client: kim
    ; session: held
    Assets:Unbilled:kim  40 EUR
    Income:Sessions  -40 EUR
2026-01-05 Session
    ; client: kim
    ; session: held
    Assets:Unbilled:kim  40 EUR
    Income:Sessions  -40 EUR"
	# a file that ends without a newline, then another: a newline between them, as tally-print
	printf '2026-01-01 Terms\n    ; client: kim\n    ; rate: 40 EUR' > "$BATS_TEST_TMPDIR/a2.journal"
	tally-bill "$BATS_TEST_TMPDIR/a2.journal" "$BATS_TEST_TMPDIR/b.journal" "$BATS_TEST_TMPDIR/a2.journal" > "$BATS_TEST_TMPDIR/copy"
	TALLY_BOOK_REREAD=1 tally-bill "$BATS_TEST_TMPDIR/a2.journal" "$BATS_TEST_TMPDIR/b.journal" "$BATS_TEST_TMPDIR/a2.journal" > "$BATS_TEST_TMPDIR/reread"
	cmp "$BATS_TEST_TMPDIR/copy" "$BATS_TEST_TMPDIR/reread"
	assert_equal "$(sed -n 4p "$BATS_TEST_TMPDIR/copy")" "2026-01-05 Session"
	assert_equal "$(tail -c 14 "$BATS_TEST_TMPDIR/copy")" "; rate: 40 EUR"
}

@test "book: terms: and payer: take effect in date order, whatever the order in the file" {
	need hledger ledger
	local s f out
	# carla's terms: 7 days from January, 21 from June; her payer pattern changes in June.
	journal terms.journal <<'J'
2026-06-01 New terms for carla
    ; client: carla
    ; terms: 21
    ; payer: CARLA NEW BANK

2026-01-01 Terms for carla
    ; client: carla
    ; rate: 60 EUR
    ; terms: 7
    ; payer: CARLA OLD BANK

2026-11-12 Session carla
    ; client: carla
    ; session: held
    ; time: 10:00
J
	f=$BATS_TEST_TMPDIR/terms.journal
	cat > "$BATS_TEST_TMPDIR/p.csv" <<'C'
Date,Description,Amount
2026-12-10,TRANSFER CARLA NEW BANK,60.00
C
	for s in reversed 1 2 3; do
		if [ $s = reversed ]; then
			cp "$f" "$BATS_TEST_TMPDIR/s.journal"
		else
			"$TOP/tests/lib/shuffle-entries" $s "$f" > "$BATS_TEST_TMPDIR/s.journal"
		fi
		# the invoice of December 1 is due 21 days later, as of the June terms
		tally-bill "$BATS_TEST_TMPDIR/s.journal" > "$BATS_TEST_TMPDIR/b.journal"
		run -0 tally-invoice -p 2026-11 --date 2026-12-01 "$BATS_TEST_TMPDIR/b.journal"
		assert_line "    ; due: 2026-12-22"
		# the agreement says the terms in force on its date
		run -0 tally-agreement --client carla --date 2026-03-01 \
			--policy "$TOP/share/policies/24-hour.policy" "$BATS_TEST_TMPDIR/s.journal"
		assert_output --partial "due within 7 days"
		run -0 tally-agreement --client carla --date 2026-07-01 \
			--policy "$TOP/share/policies/24-hour.policy" "$BATS_TEST_TMPDIR/s.journal"
		assert_output --partial "due within 21 days"
		# the payment is matched by carla's payer pattern
		tally-invoice -p 2026-11 --date 2026-12-01 "$BATS_TEST_TMPDIR/b.journal" > "$BATS_TEST_TMPDIR/i.journal"
		run -0 --separate-stderr tally-import --rules "$TOP/share/rules/simple.rules" \
			-f "$BATS_TEST_TMPDIR/i.journal" "$BATS_TEST_TMPDIR/p.csv"
		assert_line "    ; client: carla"
		same_books "$BATS_TEST_TMPDIR/i.journal"
	done
}

@test "book: a journal named as a pipe (<(command), /dev/stdin) is read twice like standard input" {
	local f=$FIXTURES/bill/deposit.journal d=$BATS_TEST_TMPDIR
	tally-bill "$f" > "$d/want"
	# before: "/dev/fd/63: changed since it was read", nothing written
	tally-bill <(cat "$f") > "$d/got"
	cmp "$d/want" "$d/got"
	cat "$f" | tally-bill /dev/stdin > "$d/got"
	cmp "$d/want" "$d/got"
	tally-cancel "$f" > "$d/want"
	tally-cancel <(cat "$f") > "$d/got"
	cmp "$d/want" "$d/got"
	run -0 tally-check <(cat "$f")
	assert_output ""
	# pass 2 (the pricing problems, in order) reads the pipe's journal again
	run -1 --separate-stderr tally-check <(printf '2026-12-01 Session\n    ; client: nobody\n    ; session: held\n    ; time: 10:00\n')
	assert_equal "${stderr##*: }" "no rate for nobody on 2026-12-01 and no package credit"
	# a named FIFO cannot be opened twice for one writer: refused before it is read
	mkfifo "$d/fifo"
	run -1 --separate-stderr tally-bill "$d/fifo"
	assert_equal "$stderr" "tally-bill: $d/fifo: a named pipe cannot be read twice: give it on standard input"
}

@test "book: an account prefix matches in either case of its letters, its other bytes as they are" {
	# clients_classify compares a word at a time: (byte | 0x20) only where the prefix has a letter
	f=$(journal prefix.journal <<'J'
2015-01-05 * Package
    ; client: Ann Lee
    ; package: 2 sessions
    assets:bank                200.00 EUR
    LIAB@[2]:PRE_paid-x:ann-lee

2015-01-06 * Session from the package (the ID ends at the next ':')
    ; client: Ann Lee
    ; session: held
    liab@[2]:pre_paid-X:ann-lee:sub      100.00 EUR
    revenue:sessions

2015-01-07 * Session, not from the package: @ and [ have no other case
    ; client: Ann Lee
    ; session: held
    liab`{2]:pre_paid-X:ann-lee      100.00 EUR
    revenue:sessions
J
)
	run -0 --separate-stderr tally-sessions -O csv --prepaid 'Liab@[2]:Pre_Paid-X' "$f"
	assert_line --index 1 "ann-lee,2,0,0,0,0,0,2,2,1,1,0,0"
	assert_equal "$stderr" "tally-sessions: ann-lee: 1 package session left: ask about renewal"
}
