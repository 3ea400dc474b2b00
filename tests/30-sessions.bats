#!/usr/bin/env bats
# tally-sessions: sessions and package credit per client, with warnings.
# Fixture cases in tests/fixtures/sessions: CASE.journal, the expected CASE.csv (-O csv)
# and CASE.err (the warnings on stderr), with the policies shipped in share/policies.
load helper

SESSIONS=$FIXTURES/sessions
HEAD=client,held,cancelled,late_cancel,no_show,provider_cancel,signed,unsigned,package_bought,package_used,package_left,package_over,free

@test "sessions: every fixture case gives its report and warnings exactly" {
	cd "$SESSIONS"
	n=0
	for f in *.journal; do
		c=${f%.journal}
		tally-sessions -O csv "$f" > "$BATS_TEST_TMPDIR/$c.csv" 2> "$BATS_TEST_TMPDIR/$c.err" ||
			fail "$c: exit $?"
		diff -u "$c.csv" "$BATS_TEST_TMPDIR/$c.csv" || fail "$c: report differs"
		diff -u "$c.err" "$BATS_TEST_TMPDIR/$c.err" || fail "$c: warnings differ"
		n=$((n + 1))
	done
	[ "$n" -ge 2 ]
}

@test "sessions: the report reads the same before and after tally-bill" {
	cd "$SESSIONS"
	for f in *.journal "$FIXTURES/bill/story.journal" "$EXAMPLES/practice.journal"; do
		before=$(tally-sessions -O csv "$f" 2>&1)
		after=$(tally-bill "$f" | tally-sessions -O csv 2>&1)
		assert_equal "$after" "$before"
	done
}

@test "sessions: the 12-sessions story: held 12, used 10, over 2, 2 unsigned" {
	run --separate-stderr tally-sessions -O csv "$EXAMPLES/practice.journal"
	assert_success
	assert_equal "$output" "$HEAD
ana,12,0,0,0,1,10,2,10,10,0,2,0
ben,6,0,1,1,0,6,0,0,0,0,0,0
carla,4,1,2,0,0,4,0,0,0,0,0,0"
	assert_equal "$stderr" "tally-sessions: ana: package overrun: 2 sessions held after the credit ran out"
}

@test "sessions: the text report has a totals row and the warnings" {
	run --separate-stderr tally-sessions "$EXAMPLES/practice.journal"
	assert_success
	assert_equal "$output" "client  held  cancelled  late  no-show  provider  signed  unsigned  bought  used  left  over  free
ana       12          0     0        0         1      10         2      10    10     0     2     0
ben        6          0     1        1         0       6         0       0     0     0     0     0
carla      4          1     2        0         0       4         0       0     0     0     0     0
total     22          1     3        1         1      20         2      10    10     0     2     0

warning: ana: package overrun: 2 sessions held after the credit ran out"
}

@test "sessions: the text report shows a deposit held" {
	run --separate-stderr tally-sessions "$FIXTURES/bill/deposit.journal"
	assert_success
	assert_equal "$output" "client  held  cancelled  late  no-show  provider  signed  unsigned  bought  used  left  over  free
fay        3          0     0        0         0       0         3       0     0     0     0     0
total      3          0     0        0         0       0         3       0     0     0     0     0

fay: deposit held: 10.00 EUR"
	run --separate-stderr tally-sessions -e 2026-01-19 "$FIXTURES/bill/deposit.journal"
	assert_line "fay: deposit held: 50.00 EUR"
}

@test "sessions: JSON has the CSV's keys" {
	run --separate-stderr tally-sessions -O json --client ana "$EXAMPLES/practice.journal"
	assert_success
	assert_equal "$output" '[
 {"client": "ana", "held": 12, "cancelled": 0, "late_cancel": 0, "no_show": 0, "provider_cancel": 1, "signed": 10, "unsigned": 2, "package_bought": 10, "package_used": 10, "package_left": 0, "package_over": 2, "free": 0}
]'
	python3 -c 'import json,sys; json.load(sys.stdin)' <<< "$output"
}

@test "sessions: --unsigned lists the sessions to get signed" {
	run --separate-stderr tally-sessions --unsigned "$EXAMPLES/practice.journal"
	assert_success
	assert_equal "$output" "2026-02-11  ana  $EXAMPLES/practice.journal:160  Session with Ana García
2026-03-25  ana  $EXAMPLES/practice.journal:265  Session with Ana García"
	run --separate-stderr tally-sessions --unsigned -O csv -p 2026-03 "$EXAMPLES/practice.journal"
	assert_equal "$output" "date,client,file,line,description
2026-03-25,ana,$EXAMPLES/practice.journal,265,Session with Ana García"
	run --separate-stderr tally-sessions --unsigned -O json --client ben "$EXAMPLES/practice.journal"
	assert_equal "$output" "[]"
}

@test "sessions: a period counts its own sessions; package credit carries in" {
	cd "$FIXTURES/bill"
	run --separate-stderr tally-sessions -O csv -p 2026-03 story.journal
	assert_equal "$output" "$HEAD
ana,4,0,0,0,0,0,4,0,2,0,2,0"
	run --separate-stderr tally-sessions -O csv -b 2026-01-01 -e 2026-02-01 story.journal
	assert_equal "$output" "$HEAD
ana,4,0,0,0,0,4,0,10,4,6,0,0"
	assert_equal "$stderr" ""
	run --separate-stderr tally-sessions -O csv -e 2026-02-25 story.journal
	assert_equal "$output" "$HEAD
ana,7,0,0,0,0,7,0,10,7,3,0,0"
	run --separate-stderr tally-sessions -O csv -e 2026-03-12 story.journal
	assert_equal "$stderr" "tally-sessions: ana: package used up"
	run -1 --separate-stderr tally-sessions -O csv -e 2026-02-25 --client nobody story.journal
	assert_equal "$output" ""
	assert_equal "$stderr" "tally-sessions: unknown client: nobody"
}

@test "sessions: --policy sets the notice window for everyone" {
	f=$(journal <<'J'
2026-05-10 Cancelled 30 hours ahead
    ; client: kim
    ; session: cancelled
    ; time: 16:00
    ; cancelled-at: 2026-05-09 10:00
J
)
	run tally-sessions -O csv "$f"
	assert_line "kim,0,1,0,0,0,0,0,0,0,0,0,0"
	run tally-sessions -O csv --policy "$TOP/share/policies/strict-48-hour.policy" "$f"
	assert_line "kim,0,0,1,0,0,0,0,0,0,0,0,0"
	printf 'notice = 2d\nbogus = 1\n' > "$BATS_TEST_TMPDIR/bad.policy"
	run -1 --separate-stderr tally-sessions --policy "$BATS_TEST_TMPDIR/bad.policy" "$f"
	assert_equal "$output" ""
	assert_equal "${stderr%%:*}" "tally-sessions"
	[[ $stderr == *"bad.policy:2:"* ]]
}

@test "sessions: the generated bench journal (lowercase accounts, names as clients)" {
	"$BENCH/gen-journal" 2000 1 > "$BATS_TEST_TMPDIR/g.journal"
	run --separate-stderr tally-sessions -O csv "$BATS_TEST_TMPDIR/g.journal"
	assert_success
	# every package session the generator used is counted as used
	bought=$(grep -c '; package: 10 sessions' "$BATS_TEST_TMPDIR/g.journal")
	used=$(grep -c '(package [0-9]*/10)' "$BATS_TEST_TMPDIR/g.journal")
	held=$(grep -c '; session: held' "$BATS_TEST_TMPDIR/g.journal")
	sums=$(sed 1d <<< "$output" | awk -F, '{h+=$2; b+=$9; u+=$10} END {print h, b, u}')
	assert_equal "$sums" "$held $((bought * 10)) $used"
}

@test "sessions: errors name the file and line and leave no report" {
	f=$(journal <<'J'
2026-05-10 No client
    ; session: held

2026-05-11 Unknown kind
    ; client: kim
    ; session: postponed

2026-05-12 No cancelled-at
    ; client: kim
    ; session: cancelled
    ; time: 10:00

2026-05-13 Bad stamp
    ; client: kim
    ; session: cancelled
    ; time: 10:00
    ; cancelled-at: yesterday

2026-05-14 No time
    ; client: kim
    ; session: cancelled
    ; cancelled-at: 2026-05-12 10:00

2026-05-15 Unknown policy
    ; client: lee
    ; policy: nonesuch

2026-05-16 Cancelled
    ; client: lee
    ; session: cancelled
    ; time: 10:00
    ; cancelled-at: 2026-05-12 10:00
J
)
	run -1 --separate-stderr tally-sessions "$f"
	assert_equal "$output" ""
	assert_equal "${stderr_lines[0]}" "tally-sessions: $f:2: session: no client: tag on the entry"
	assert_equal "${stderr_lines[1]}" "tally-sessions: $f:6: session: bad value postponed (want held, cancelled, late-cancel, no-show or provider-cancel)"
	assert_equal "${stderr_lines[2]}" "tally-sessions: $f:10: session: cancelled needs cancelled-at: (late or on time cannot be told)"
	assert_equal "${stderr_lines[3]}" "tally-sessions: $f:17: cancelled-at: bad value yesterday (want YYYY-MM-DD HH:MM)"
	assert_equal "${stderr_lines[4]}" "tally-sessions: $f:21: session: cancelled needs time: (late or on time cannot be told)"
	[[ ${stderr_lines[5]} == "tally-sessions: $f:28: unknown policy: nonesuch"* ]]
	assert_equal "${#stderr_lines[@]}" 6
}

@test "sessions: usage" {
	run tally-sessions --help
	assert_success
	assert_line --index 0 --partial "usage: tally-sessions"
	run tally-sessions --version
	assert_output "tally-sessions $(cat "$TOP/lib/VERSION")"
	run -2 --separate-stderr tally-sessions --bogus /dev/null
	assert_equal "${stderr_lines[1]%% \[*}" "usage: tally-sessions"
	run -2 --separate-stderr tally-sessions -O xml /dev/null
	assert_equal "$stderr" "tally-sessions: unknown output format: xml"
	run -2 --separate-stderr tally-sessions -p 2026-Q5 /dev/null
	assert_equal "$stderr" "tally-sessions: bad period: 2026-Q5"
	run tally-sessions /dev/null
	assert_success
	assert_output "client  held  cancelled  late  no-show  provider  signed  unsigned  bought  used  left  over  free
total      0          0     0        0         0       0         0       0     0     0     0     0"
}

# sessions_both FILE ARGS...: the report counted in one reading (pass 1 and the book's
# records) and by the second reading (TALLY_BOOK_REREAD) are the same, stdout, stderr, exit.
sessions_both() {
	local f=$1 one two
	shift
	one=$(tally-sessions "$@" "$f" 2>&1; echo "exit $?")
	two=$(TALLY_BOOK_REREAD=1 tally-sessions "$@" "$f" 2>&1; echo "exit $?")
	[ "$one" = "$two" ] || { diff -u <(echo "$two") <(echo "$one"); fail "$f $*: the two ways differ"; }
}

@test "sessions: counted in one reading or in two, every fixture gives the same report" {
	[ -x "$BENCH/gen-journal" ] || fail "no generator: $BENCH/gen-journal"
	# 3,000 entries; 600 under the sanitizers (it is read ten times)
	local n=3000 files
	sanitized && n=600
	"$BENCH/gen-journal" $n 2 > "$BATS_TEST_TMPDIR/gen.journal"
	files=("$SESSIONS"/*.journal "$FIXTURES"/bill/*.journal "$FIXTURES"/cancel/*.journal
	       "$FIXTURES"/household/*.journal "$EXAMPLES/practice.journal" "$BATS_TEST_TMPDIR/gen.journal")
	run two-ways TALLY_BOOK_REREAD=1 tally-sessions "${files[@]}" <<-EOF
	-O csv
	-p 2026-05
	-O json -e 2026-06-01
	--unsigned-after 7 --date 2027-01-01
	--policy $TOP/share/policies/strict-48-hour.policy
	EOF
	assert_success
	assert_output "$((${#files[@]} * 5)) agree, 0 differ"
}

@test "sessions: a late cancellation is told by the policy in force on its date, written later in the file" {
	cd "$BATS_TEST_TMPDIR"
	journal late.journal > /dev/null <<'J'
2026-05-10 Cancelled 30 hours ahead
    ; client: lou
    ; session: cancelled
    ; time: 10:00
    ; cancelled-at: 2026-05-09 04:00

2026-05-12 Cancelled after it began (a 0-hour notice is still late)
    ; client: kim
    ; session: cancelled
    ; time: 10:00
    ; cancelled-at: 2026-05-12 10:30

2026-05-13 Cancelled right at the start
    ; client: kim
    ; session: cancelled
    ; time: 10:00
    ; cancelled-at: 2026-05-13 10:00

2026-05-01 Agreement, written after the cancellation
    ; client: lou
    ; rate: 40 EUR
    ; policy: strict-48-hour

2026-05-01 Agreement
    ; client: kim
    ; rate: 40 EUR
    ; policy: none
J
	mkdir -p "$BATS_TEST_TMPDIR/pol"
	cp "$TOP/share/policies/strict-48-hour.policy" "$BATS_TEST_TMPDIR/pol/"
	printf 'name = none\nnotice = 0h\nlate-cancel-fee = 50%%\nno-show-fee = 100%%\n' > "$BATS_TEST_TMPDIR/pol/none.policy"
	# lou's alone (counted in one reading), then with kim's (a notice past the start)
	sed '/^2026-05-12/,/^$/d; /^2026-05-13/,/^$/d' late.journal > lou.journal
	run -0 tally-sessions -O csv --policies "$BATS_TEST_TMPDIR/pol" lou.journal
	assert_line "lou,0,0,1,0,0,0,0,0,0,0,0,0"
	sessions_both lou.journal -O csv --policies "$BATS_TEST_TMPDIR/pol"
	run -0 tally-sessions -O csv --policies "$BATS_TEST_TMPDIR/pol" late.journal
	assert_line "kim,0,1,1,0,0,0,0,0,0,0,0,0"
	assert_line "lou,0,0,1,0,0,0,0,0,0,0,0,0"
	sessions_both late.journal -O csv --policies "$BATS_TEST_TMPDIR/pol"
	# an unknown policy is said at the cancellation, either way
	sed -i 's/policy: none/policy: nowhere/' late.journal
	sessions_both late.journal --policies "$BATS_TEST_TMPDIR/pol"
	run -1 --separate-stderr tally-sessions --policies "$BATS_TEST_TMPDIR/pol" late.journal
	assert_output ""
	[ "$stderr" = "tally-sessions: late.journal:7: unknown policy: nowhere (no $BATS_TEST_TMPDIR/pol/nowhere.policy)
tally-sessions: late.journal:13: unknown policy: nowhere (no $BATS_TEST_TMPDIR/pol/nowhere.policy)" ] ||
		fail "stderr: $stderr"
}

@test "sessions: shuffled, a generated journal counts the same as in date order" {
	[ -x "$BENCH/gen-journal" ] || fail "no generator: $BENCH/gen-journal"
	"$BENCH/gen-journal" 4000 3 > "$BATS_TEST_TMPDIR/g.journal"
	want=$(tally-sessions -O csv "$BATS_TEST_TMPDIR/g.journal" 2>&1)
	[ "$(echo "$want" | wc -l)" -gt 10 ] || fail "too few clients: $want"
	for s in 1 2 3; do
		shuffle-entries "$s" "$BATS_TEST_TMPDIR/g.journal" > "$BATS_TEST_TMPDIR/s.journal"
		! cmp -s "$BATS_TEST_TMPDIR/g.journal" "$BATS_TEST_TMPDIR/s.journal" || fail "seed $s: not shuffled"
		run -0 tally-sessions -O csv "$BATS_TEST_TMPDIR/s.journal"
		assert_equal "$(tally-sessions -O csv "$BATS_TEST_TMPDIR/s.journal" 2>&1)" "$want"
		sessions_both "$BATS_TEST_TMPDIR/s.journal" -p 2015
	done
}
