#!/usr/bin/env bats
# Time logs (issue 15): timeclock `i`/`o` lines and hledger's timedot days give the hours
# ledger and hledger give. ledger's own timelog tests are in tests/fixtures/compat/ledger
# (BSD-3-Clause); hledger reads time logs only from .timeclock/.timedot files, so
# oracle-hours copies a file to that name for it.
load helper

L=$FIXTURES/compat/ledger/ledger--regress--

# both FILE: tally's hours equal ledger's and hledger's; the file prints byte for byte.
both() {
	local d=$BATS_TEST_TMPDIR
	tally-print "$1" | cmp - "$1"
	tally-balance -O csv "$1" > "$d/t.csv"
	oracle-hours ledger "$1" > "$d/l.tsv"
	oracle-hours hledger "$1" > "$d/h.tsv"
	compare-bal "$d/l.tsv" "$d/t.csv"
	compare-bal "$d/h.tsv" "$d/t.csv"
}

@test "timeclock: ledger's timelog tests balance as ledger and hledger say" {
	for t in cov9-timelog-basic 1018 722 620 1696 cov5-timelog-clock-in-out; do
		both "$L$t.journal"
	done
	run -0 tally-balance "${L}1018.journal"
	assert_output - <<-'EOF'
	               0.08h  CustomerA:Email
	               1.42h  CustomerB:Config
	               0.50h  Internal:Meeting:Tactical [Intelligent comment]
	               1.50h  Personal:Lunch
	               0.50h  Personal:Walk
	--------------------
	               4.00h
	EOF
}

@test "timeclock: sessions open side by side and ledger's bucket line (ledger; hledger 1.25 refuses both)" {
	for t in cov9-timelog-multi-checkin 1607; do
		tally-print "$L$t.journal" | cmp - "$L$t.journal"
		tally-balance -O csv "$L$t.journal" > "$BATS_TEST_TMPDIR/t.csv"
		oracle-hours ledger "$L$t.journal" > "$BATS_TEST_TMPDIR/l.tsv"
		compare-bal "$BATS_TEST_TMPDIR/l.tsv" "$BATS_TEST_TMPDIR/t.csv"
	done
	run -0 tally-balance -O csv "${L}cov9-timelog-multi-checkin.journal"
	assert_output "$(printf 'account,commodity,amount\nWork:Project1,h,3.00\nWork:Project2,h,8.00')"
}

@test "timeclock: each session is rounded to 0.01 h as hledger does (ledger rounds the total)" {
	for t in 723 1608; do
		tally-balance -O csv "$L$t.journal" > "$BATS_TEST_TMPDIR/t.csv"
		oracle-hours hledger "$L$t.journal" > "$BATS_TEST_TMPDIR/h.tsv"
		compare-bal "$BATS_TEST_TMPDIR/h.tsv" "$BATS_TEST_TMPDIR/t.csv"
	done
	# 7 + 15 + 31 minutes: 0.12 + 0.25 + 0.52 = 0.89 h (hledger); ledger shows 53 min as 0.88 h.
	run -0 tally-balance -O csv "${L}1608.journal"
	assert_output "$(printf 'account,commodity,amount\nProjects:Work,h,0.89')"
	run -0 oracle-hours ledger "${L}1608.journal"
	assert_output "$(printf 'Projects:Work\th\t0.88')"
}

@test "timeclock: a clock-out without a clock-in, or matching none, is an error as in ledger" {
	run -1 --separate-stderr tally-balance "${L}cov6-timelog-checkout-noin.journal"
	assert_equal "$stderr" "tally-balance: ${L}cov6-timelog-checkout-noin.journal:5: timeclock: clock-out without a clock-in"
	run -1 --separate-stderr tally-balance "${L}cov8-timelog-no-match.journal"
	assert_equal "$stderr" "tally-balance: ${L}cov8-timelog-no-match.journal:5: timeclock: clock-out matches no open clock-in: Project:C"
	run ledger -f "${L}cov6-timelog-checkout-noin.journal" bal
	assert_failure
	run ledger -f "${L}cov8-timelog-no-match.journal" bal
	assert_failure
	f=$(journal <<-'EOF'
	i 2024-01-01 10:00 a
	o 2024-01-01 09:00
	i 2024-01-01 25:00 a
	EOF
	)
	run -1 --separate-stderr tally-check "$f"
	assert_equal "${stderr_lines[0]}" "tally-check: $f:2: timeclock: clock-out before its clock-in (line 1)"
}

@test "timeclock: hledger's format (no seconds, description, comment, past midnight)" {
	f=$(journal log.timeclock <<-'EOF'
	i 2015/03/30 09:00 some account  optional description after 2 spaces ; optional comment, tags:
	o 2015/03/30 09:20
	i 2015/03/31 22:21:45 another:account
	o 2015/04/01 02:00:34
	i 2015/04/02 12:00:00 another:account  ; a comment
	o 2015/04/02 15:00:00
	EOF
	)
	tally-print "$f" | cmp - "$f"
	tally-balance -O csv "$f" > "$BATS_TEST_TMPDIR/t.csv"
	oracle-hours hledger "$f" > "$BATS_TEST_TMPDIR/h.tsv"
	compare-bal "$BATS_TEST_TMPDIR/h.tsv" "$BATS_TEST_TMPDIR/t.csv"
	run -0 tally-balance -O csv "$f"
	assert_output "$(printf 'account,commodity,amount\nanother:account,h,6.65\nsome account,h,0.33')"
	# A period counts a session on its clock-in date, as ledger does.
	run -0 tally-balance -O csv -p 2015-04 "$f"
	assert_output "$(printf 'account,commodity,amount\nanother:account,h,3.00')"
	# ledger wants seconds.
	sed -i 's/ 09:00 / 09:00:00 /; s/ 09:20$/ 09:20:00/' "$f"
	both "$f"
	oracle-hours ledger "$f" -p 2015-04 > "$BATS_TEST_TMPDIR/l.tsv"
	tally-balance -O csv -p 2015-04 "$f" > "$BATS_TEST_TMPDIR/t.csv"
	compare-bal "$BATS_TEST_TMPDIR/l.tsv" "$BATS_TEST_TMPDIR/t.csv"
}

@test "timedot: dots, numbers and units balance as hledger says; the file prints byte for byte" {
	f=$(journal day.timedot <<-'EOF'
	# a comment line
	; another
	* Org headings before the first date are comments

	2023-01-01 transaction description
	biz:research  ....
	inc:client1   .... ..

	2023-01-01 same day ; with a comment
	fos:haskell  .... ; a posting comment
	per:admin    ....
	per:idle

	** 2023-01-02  ; dates may be org headings
	    biz:research  1.5
	    inc:client1   90m
	    fos:haskell   1.5h
	    per:sleep     1d
	    per:year      1w
	*** per:admin  .. ..
	EOF
	)
	tally-print "$f" | cmp - "$f"
	tally-balance -O csv "$f" > "$BATS_TEST_TMPDIR/t.csv"
	oracle-hours hledger "$f" > "$BATS_TEST_TMPDIR/h.tsv"
	compare-bal "$BATS_TEST_TMPDIR/h.tsv" "$BATS_TEST_TMPDIR/t.csv"
	run -0 tally-balance "$f"
	assert_output - <<-'EOF'
	                2.50  biz:research
	                2.50  fos:haskell
	                3.00  inc:client1
	                2.00  per:admin
	               24.00  per:sleep
	              168.00  per:year
	--------------------
	              202.00
	EOF
}

@test "timedot: letters count a quarter hour each (hledger 1.32); a period selects days" {
	f=$(journal t.timedot <<-'EOF'
	2024-01-01
	work  aab b
	2024-01-02
	work  ..
	EOF
	)
	run -0 tally-balance -O csv "$f"
	assert_output "$(printf 'account,commodity,amount\nwork,,1.50')"
	run -0 tally-balance -O csv -p 2024-01-02 "$f"
	assert_output "$(printf 'account,commodity,amount\nwork,,0.50')"
}

@test "timedot: a line before the first date or a bad quantity is an error with FILE:LINE" {
	f=$(printf 'work  ..\n2024-01-01\n' | journal a.timedot)
	run -1 --separate-stderr tally-print "$f"
	assert_equal "$stderr" "tally-print: $f:1: timedot: a line before the first date"
	f=$(printf '2024-01-01\nwork  ..x\n' | journal b.timedot)
	run -1 --separate-stderr tally-print "$f"
	assert_equal "$stderr" "tally-print: $f:2: timedot: bad quantity: x"
}

@test "timeclock: ledger's MM/DD/YYYY dates; a session over two midnights is split per day" {
	f=${L%regress--}baseline--opt-day-break.journal
	tally-print "$f" | cmp - "$f"
	# 08:58:37 to midnight, a whole day, then to 11:25:21: 15.02 + 24.00 + 11.42 h, each day
	# rounded as hledger rounds them; ledger rounds the 50.4456 h total once.
	run -0 tally-balance -O csv "$f"
	assert_output "$(printf 'account,commodity,amount\n682,h,50.44')"
	run -0 oracle-hours ledger "$f"
	assert_output "$(printf '682\th\t50.45')"
}

# within FILE TOOL: tally's hours equal what TOOL gives just before or just after tally
# runs (the open session grows with the clock: a hundredth may tick over between runs).
within() {
	local d=$BATS_TEST_TMPDIR
	oracle-hours "$2" "$1" > "$d/a.tsv"
	tally-balance -O csv "$1" > "$d/t.csv"
	oracle-hours "$2" "$1" > "$d/b.tsv"
	compare-bal "$d/a.tsv" "$d/t.csv" > /dev/null || compare-bal "$d/b.tsv" "$d/t.csv" > /dev/null ||
		between "$d/a.tsv" "$d/t.csv" "$d/b.tsv"
}

# between BEFORE TALLY AFTER: on a loaded machine the oracles' two runs may be minutes
# apart; tally's hours then lie between them, account by account (the same accounts).
between() {
	awk -F'\t' 'FNR == 1 { f++ }
		f == 1 { a[$1] = $3 } f == 3 { b[$1] = $3 }
		f == 2 && FNR > 1 { split($0, c, ","); t[c[1]] = c[3] }
		END {
			for (k in t) {
				if (!(k in a) || !(k in b) || t[k] + 0 < a[k] - 0.01 || t[k] + 0 > b[k] + 0.01)
					{ print "not between: " k " " a[k] " " t[k] " " b[k] > "/dev/stderr"; exit 1 }
				n++
			}
			exit !(n == length(a) && n == length(b))
		}' "$1" "$2" "$3"
}

@test "timeclock: a session still open at the end counts up to now, as ledger and hledger count it" {
	local today yesterday f g
	today=$(date +%Y-%m-%d)
	yesterday=$(date -d yesterday +%Y-%m-%d)
	# opened at midnight: today's part only (ledger rounds the total, hledger each day's)
	f=$(journal open.journal <<-EOF
	i $yesterday 09:00:00 Work:ana  lesson
	o $yesterday 10:30:00
	i $today 00:00:00 Work:ben  still open
	EOF
	)
	within "$f" ledger
	within "$f" hledger
	tally-print "$f" | cmp - "$f"
	# opened yesterday at midnight: split at midnight as hledger does, a whole 24.00 h first
	g=$(journal open2.journal <<-EOF
	i $yesterday 00:00:00 Work:ben  since yesterday
	EOF
	)
	within "$g" ledger
	within "$g" hledger
	run -0 tally-balance -O csv "$g"
	# yesterday's 24 h and today's so far: 24 to 48 h, whatever the hour of the run
	[[ ${lines[1]} =~ ^Work:ben,h,([0-9]+\.[0-9][0-9])$ ]]
	awk -v h="${BASH_REMATCH[1]}" 'BEGIN { exit !(h >= 24 && h <= 48) }'
	# a session opened in the future counts 0 h, as in hledger (ledger refuses it)
	run -0 tally-balance -O csv "$(journal fut.journal <<< 'i 2999-01-10 09:00:00 Work:later  x')"
	assert_output "account,commodity,amount"
}
