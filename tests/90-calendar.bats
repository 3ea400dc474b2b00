#!/usr/bin/env bats
# tally-calendar: iCalendar exports to session events (recurrences, time zones across the
# March 2026 daylight-saving change, exceptions, moved and cancelled instances), no
# duplicates on re-import, reconcile with tally-sessions, then cancel, bill and the statement
# with ledger and hledger agreeing. Errors with FILE:LINE and no output.
load helper

CAL=$FIXTURES/calendar
RULES=$CAL/lessons.rules

# tally-calendar on the test calendar as of 2026-04-15 (standard error apart).
import() {
	tally-calendar --rules "$RULES" --date 2026-04-15 "$@"
}

# Balances as ledger and hledger see them: both must accept the journal and agree.
same_balances() {
	local l h
	l=$(ledger -f "$1" bal --flat --no-total) || return 1
	h=$(hledger -f "$1" bal --no-total) || return 1
	if [ "$l" != "$h" ]; then
		printf 'ledger:\n%s\nhledger:\n%s\n' "$l" "$h" >&2
		return 1
	fi
}

@test "calendar: --help, --version and usage errors" {
	run tally-calendar --help
	assert_success
	assert_output --partial "usage: tally-calendar --rules FILE"
	run tally-calendar --version
	assert_output "tally-calendar $(cat "$TOP/lib/VERSION")"
	run -2 --separate-stderr tally-calendar "$CAL/lessons.ics"
	assert_equal "${stderr%%$'\n'*}" "tally-calendar: --rules FILE is required"
	run -2 --separate-stderr tally-calendar --rules "$RULES" --date 2026-13-01 "$CAL/lessons.ics"
	assert_equal "${stderr%%$'\n'*}" \
		'tally-calendar: bad --date: 2026-13-01 (YYYY-MM-DD or "YYYY-MM-DD HH:MM")'
	run -2 --separate-stderr tally-calendar --rules "$RULES" --until soon "$CAL/lessons.ics"
	assert_equal "${stderr%%$'\n'*}" "tally-calendar: bad --until date: soon"
	run -2 tally-calendar --bogus
}

@test "calendar: weekly lessons across the DST change, EXDATE, moved and cancelled instances" {
	run --separate-stderr import "$CAL/lessons.ics"
	assert_success
	assert_output "$(cat "$CAL/import.out")"
	# The event no rule names is listed, not guessed; skipped and all-day events are not.
	assert_equal "$stderr" "tally-calendar: $CAL/lessons.ics:68: no rule names a client for \"Coffee with Marta\" (not imported)"
}

@test "calendar: what the import says, instance by instance" {
	import "$CAL/lessons.ics" > "$BATS_TEST_TMPDIR/out" 2>/dev/null
	cd "$BATS_TEST_TMPDIR"
	# 16:00 in Madrid before (CET) and after (CEST) 2026-03-29: the wall clock stays.
	grep -A3 '^2026-03-03 Maths' out | grep -qx '    ; time: 16:00'
	grep -A3 '^2026-03-31 Maths' out | grep -qx '    ; time: 16:00'
	# EXDATE 2026-03-17: no lesson; the 03-24 lesson moved to 03-26 18:00 keeps its identity.
	! grep -q '^2026-03-17' out
	! grep -q '^2026-03-24' out
	grep -A5 '^2026-03-26 Maths with Ana (moved)' out |
		grep -qx '    ; uid: maths-ana-2026@example.org/2026-03-24'
	grep -A3 '^2026-03-26' out | grep -qx '    ; time: 18:00'
	# The cancellation arrived at 08:00 UTC = 10:00 in Madrid, 6 hours ahead: late.
	run grep -A6 '^2026-04-07' out
	assert_output - <<'E'
2026-04-07 Maths with Ana
    ; client: ana
    ; session: cancelled
    ; time: 16:00
    ; minutes: 60
    ; cancelled-at: 2026-04-07 10:00
    ; uid: maths-ana-2026@example.org/2026-04-07
E
	# UTC times shown in the calendar's zone: 11:00Z in March and 10:00Z (RDATE) in April
	# are both 12:00 in Madrid; the client came from the attendee's address.
	[ "$(grep -A3 'Coaching' out | grep -c '; time: 12:00')" = 2 ]
	[ "$(grep -c '; client: carla' out)" = 2 ]
	# The future (04-21) waits; counts per client.
	! grep -q '^2026-04-21' out
	[ "$(grep -c '; client: ana' out)" = 6 ]
	[ "$(grep -c '; client: ben' out)" = 5 ]
	! grep -qi 'staff\|holiday\|coffee' out
}

@test "calendar: re-import adds nothing; a hand-written session is not doubled" {
	cd "$BATS_TEST_TMPDIR"
	cat "$CAL/practice.journal" > j.journal
	import --journal j.journal "$CAL/lessons.ics" > new 2>/dev/null
	# Ben's 03-02 lesson was written by hand at the same time: 12 of the 13 come in.
	[ "$(grep -c '; uid:' new)" = 12 ]
	! grep -q '^2026-03-02' new
	{ echo; cat new; } >> j.journal
	run --separate-stderr import --journal j.journal "$CAL/lessons.ics"
	assert_success
	assert_output ""
	# The same file twice in one run: each instance once.
	run --separate-stderr import "$CAL/lessons.ics" "$CAL/lessons.ics"
	assert_output "$(cat "$CAL/import.out")"
}

@test "calendar: an overlapping later export brings only the new events" {
	cd "$BATS_TEST_TMPDIR"
	{ cat "$CAL/practice.journal"; echo; import --journal "$CAL/practice.journal" \
		"$CAL/lessons.ics" 2>/dev/null; } > j.journal
	run --separate-stderr tally-calendar --rules "$RULES" --date 2026-04-25 --journal j.journal \
		"$CAL/lessons-later.ics"
	assert_success
	assert_output - <<'J'
2026-04-20 Guitar: Ben (extra lesson)
    ; client: ben
    ; session: held
    ; time: 10:00
    ; minutes: 45
    ; uid: guitar-ben-extra@example.org/2026-04-20

2026-04-21 Maths with Ana
    ; client: ana
    ; session: held
    ; time: 16:00
    ; minutes: 60
    ; uid: maths-ana-2026@example.org/2026-04-21
J
}

@test "calendar: -i appends to the journal in place, and a second run leaves it as it is" {
	cd "$BATS_TEST_TMPDIR"
	cp "$CAL/practice.journal" j.journal
	run --separate-stderr import -i j.journal "$CAL/lessons.ics"
	assert_success
	assert_output ""
	{ cat "$CAL/practice.journal"; echo; import --journal "$CAL/practice.journal" \
		"$CAL/lessons.ics" 2>/dev/null; } > want
	cmp want j.journal
	cp j.journal before
	import -i j.journal "$CAL/lessons.ics" 2>/dev/null
	cmp before j.journal
}

@test "calendar: --upcoming writes plans; once past, the session comes in as held" {
	cd "$BATS_TEST_TMPDIR"
	run --separate-stderr import --upcoming --until 2026-04-30 "$CAL/lessons.ics"
	assert_success
	run grep -A6 '^2026-04-21' <<< "$output"
	assert_output - <<'J'
2026-04-21 Maths with Ana
    ; client: ana
    ; upcoming: yes
    ; time: 16:00
    ; minutes: 60
    ; uid: maths-ana-2026@example.org/2026-04-21
J
	# A cancelled instance ahead is no plan.
	run --separate-stderr tally-calendar --rules "$RULES" --date 2026-04-01 --upcoming \
		--until 2026-04-30 "$CAL/lessons.ics"
	refute_output --partial "2026-04-07"
	assert_output --partial "2026-04-14 Maths with Ana"
	import --upcoming --until 2026-04-30 "$CAL/lessons.ics" > j.journal 2>/dev/null
	run --separate-stderr import --upcoming --until 2026-04-30 --journal j.journal "$CAL/lessons.ics"
	assert_output ""
	run --separate-stderr tally-calendar --rules "$RULES" --date 2026-04-25 --journal j.journal \
		"$CAL/lessons.ics"
	assert_output - <<'J'
2026-04-21 Maths with Ana
    ; client: ana
    ; session: held
    ; time: 16:00
    ; minutes: 60
    ; uid: maths-ana-2026@example.org/2026-04-21
J
}

@test "calendar: calendar text never becomes journal structure" {
	printf 'if lesson\n  client ana\n' > "$BATS_TEST_TMPDIR/h.rules"
	run --separate-stderr tally-calendar --rules "$BATS_TEST_TMPDIR/h.rules" --date 2026-04-15 \
		"$CAL/hostile.ics"
	assert_success
	assert_output - <<'J'
2026-03-10 '*(draft) Lesson, client: mallory session: no-show, again tab
    ; client: ana
    ; session: held
    ; time: 09:00
    ; minutes: 60
    ; uid: odd%20text%2C%20with%3B%20separators@example.org/2026-03-10

2026-03-11 Lesson
    ; client: ana
    ; session: held
    ; time: 09:00
    ; minutes: 30
    ; uid: empty-summary@example.org/2026-03-11
J
	echo "$output" > "$BATS_TEST_TMPDIR/h.journal"
	run hledger -f "$BATS_TEST_TMPDIR/h.journal" tags
	assert_output - <<'T'
client
minutes
session
time
uid
T
	run hledger -f "$BATS_TEST_TMPDIR/h.journal" print
	assert_success
	[ "$(grep -c mallory <<< "$output")" = 1 ]
	assert_line "2026-03-10 '*(draft) Lesson, client: mallory session: no-show, again tab"
	run tally-sessions --date 2026-04-15 "$BATS_TEST_TMPDIR/h.journal"
	assert_success
	assert_line --regexp '^ana +2 '
}

@test "calendar: tally-sessions --reconcile lists what each side lacks, per client" {
	cd "$BATS_TEST_TMPDIR"
	# The journal lacks two sessions (Ana 03-10, Ben 03-16) and has one the calendar lacks.
	awk 'BEGIN { RS = ""; ORS = "\n\n" }
	     !/ana-2026@example.org\/2026-03-10|guitar-ben@example.org\/2026-03-16/' \
		"$CAL/import.out" > j.journal
	cat >> j.journal <<'J'

2026-03-20 Guitar (extra, by hand)
    ; client: ben
    ; session: held
    ; time: 10:00
J
	run --separate-stderr tally-sessions --reconcile "$CAL/lessons.ics" --rules "$RULES" \
		--date 2026-04-15 j.journal
	assert_success
	assert_output - <<E
client  calendar  journal  both  calendar-only  journal-only
ana            6        5     5              1             0
ben            5        5     4              1             1
carla          2        2     2              0             0

ana: 1 in the calendar only:
  2026-03-10 16:00  held             $CAL/lessons.ics:23

ben: 1 in the calendar only:
  2026-03-16 10:00  held             $CAL/lessons.ics:50

ben: 1 in the journal only:
  2026-03-20 10:00  held             j.journal:80

1 calendar event named no client (see tally-calendar)
E
	run --separate-stderr tally-sessions --reconcile "$CAL/lessons.ics" --rules "$RULES" \
		--date 2026-04-15 --client ana j.journal
	assert_line --index 1 "ana            6        5     5              1             0"
	# The same export given twice counts each session once.
	run --separate-stderr tally-sessions --reconcile "$CAL/lessons.ics" --reconcile "$CAL/lessons.ics" \
		--rules "$RULES" --date 2026-04-15 --client ana j.journal
	assert_line --index 1 "ana            6        5     5              1             0"
	run -2 --separate-stderr tally-sessions --reconcile "$CAL/lessons.ics" j.journal
	assert_equal "${stderr%%$'\n'*}" "tally-sessions: --reconcile needs --rules FILE"
	run -2 --separate-stderr tally-sessions --reconcile "$CAL/lessons.ics" --rules "$RULES" -O csv j.journal
	assert_equal "${stderr%%$'\n'*}" \
		"tally-sessions: --reconcile needs --rules FILE and writes text only (no -O, no --unsigned)"
	run -1 --separate-stderr tally-sessions --reconcile "$CAL/hostile.ics" --rules /nonexistent j.journal
	assert_output ""
	assert_equal "$stderr" "tally-sessions: /nonexistent: cannot read the rules file"
}

@test "calendar: tally-sessions --unsigned-after flags old unsigned sessions" {
	run --separate-stderr tally-sessions --unsigned-after 40 --date 2026-04-15 "$CAL/import.out"
	assert_success
	assert_equal "$stderr" "tally-sessions: ana: session of 2026-03-03 unsigned for 43 days ($CAL/import.out:8)
tally-sessions: ben: session of 2026-03-02 unsigned for 44 days ($CAL/import.out:1)"
	run -2 --separate-stderr tally-sessions --unsigned-after soon "$CAL/import.out"
	assert_equal "$stderr" "tally-sessions: --unsigned-after needs days: soon"
}

@test "calendar: cancel | bill on the import; ledger, hledger and tally agree; the statement" {
	cd "$BATS_TEST_TMPDIR"
	{ cat "$CAL/practice.journal"; echo; import --journal "$CAL/practice.journal" \
		"$CAL/lessons.ics" 2>/dev/null; } > j.journal
	tally-cancel --policy "$CAL/no-grace.policy" j.journal | tally-bill > billed.journal
	same_balances billed.journal
	run ledger -f billed.journal bal --flat --no-total
	assert_output - <<'B'
          400.00 EUR  Assets:Bank
          150.00 EUR  Assets:Unbilled:ben
          100.00 EUR  Assets:Unbilled:carla
          -40.00 EUR  Income:Cancellations
         -450.00 EUR  Income:Sessions
         -160.00 EUR  Liabilities:Prepaid:ana
B
	want=$(hledger -f billed.journal bal --no-total -O csv | sed 1d | tr -d '"' |
		sed -E 's/,(-?[0-9.]+) EUR$/,EUR,\1/' | sort)
	got=$(tally-balance -O csv billed.journal | sed 1d | sort)
	assert_equal "$got" "$want"
	# bill | cancel gives the same books.
	tally-bill j.journal | tally-cancel --policy "$CAL/no-grace.policy" > other.journal
	assert_equal "$(ledger -f other.journal bal --flat --no-total)" \
		"$(ledger -f billed.journal bal --flat --no-total)"
	run tally-statement -p 2026-04 --client ana billed.journal
	assert_success
	assert_line --regexp '^Prepaid sessions left +4$'
	assert_line --regexp '^Apr 7, 2026 +16:00 +cancelled '
	assert_line --regexp '^Apr 14, 2026 +16:00 +held '
	run tally-sessions --date 2026-04-15 billed.journal
	assert_line --regexp '^ana +5 +0 +1 '
}

# Runs tally-calendar on a broken calendar: exit 1, the exact message, nothing written.
broken() {
	local want=$1
	shift
	run -1 --separate-stderr tally-calendar --rules "$RULES" --date 2026-04-15 "$@"
	assert_output ""
	assert_equal "$stderr" "$want"
}

@test "calendar: bad input is FILE:LINE, exit 1 and no output" {
	cd "$BATS_TEST_TMPDIR"
	printf 'Subject: lessons\n\nsee you\n' > mail.ics
	broken "tally-calendar: mail.ics:1: not an iCalendar file (no BEGIN:VCALENDAR)" mail.ics
	: > empty.ics
	broken "tally-calendar: empty.ics:1: not an iCalendar file (no BEGIN:VCALENDAR)" empty.ics
	sed 's|TZID=Europe/Madrid:20260302T100000|TZID=Mars/Olympus:20260302T100000|' \
		"$CAL/lessons.ics" > tz.ics
	broken "tally-calendar: tz.ics:55: unknown TZID: Mars/Olympus" tz.ics
	sed 's/^RRULE:FREQ=WEEKLY;COUNT=8/RRULE:FREQ=WEEKLY/' "$CAL/lessons.ics" > endless.ics
	broken "tally-calendar: endless.ics:29: a recurrence without end (no COUNT or UNTIL): give --until DATE" \
		endless.ics
	run --separate-stderr tally-calendar --rules "$RULES" --date 2026-04-15 --until 2026-04-30 endless.ics
	assert_success
	sed 's/^SUMMARY:Coffee with Marta/SUMMARY Coffee/' "$CAL/lessons.ics" > line.ics
	broken "tally-calendar: line.ics:71: Got a data line, but could not find a property name or component begin tag: SUMMARY Coffee" \
		line.ics
	sed 's/^RRULE:FREQ=WEEKLY;COUNT=8/RRULE:FREQ=SOMETIMES;COUNT=8/' "$CAL/lessons.ics" > rule.ics
	broken "tally-calendar: rule.ics:29: Can't parse as RECUR value in RRULE property. Removing entire property: FREQ=SOMETIMES;COUNT=8" \
		rule.ics
	sed 's/^DTSTART;TZID=Europe\/Madrid:20260305T090000/DTSTART;TZID=Europe\/Madrid:2026030X/' \
		"$CAL/lessons.ics" > date.ics
	broken "tally-calendar: date.ics:72: DTSTART: bad date-time" date.ics
	head -n 40 "$CAL/lessons.ics" > cut.ics
	broken "tally-calendar: cut.ics:40: no END:VCALENDAR: the file is cut short" cut.ics
	printf 'BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20260301T100000\nEND:VEVENT\nEND:VCALENDAR\n' > nouid.ics
	broken "tally-calendar: nouid.ics:2: event without a UID" nouid.ics
	printf 'BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nDTSTART:20260301T100000\nDTEND:20260301T090000\nEND:VEVENT\nEND:VCALENDAR\n' > back.ics
	broken "tally-calendar: back.ics:5: event length of -60 minutes (1 minute to 24 hours)" back.ics
	printf 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nSTATUS:CANCELLED\r\nDTSTART:20260301T100000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' > when.ics
	broken "tally-calendar: when.ics:2: cancelled event without LAST-MODIFIED (when did it arrive?)" when.ics
	printf 'BEGIN:VCALENDAR\nX-WR-TIMEZONE:Nowhere/Land\nEND:VCALENDAR\n' > zone.ics
	broken "tally-calendar: zone.ics:2: unknown time zone: Nowhere/Land" zone.ics
	# A good file first and a bad one after: nothing at all is written.
	broken "tally-calendar: tz.ics:55: unknown TZID: Mars/Olympus" "$CAL/lessons.ics" tz.ics
	# In place: the journal is left as it was.
	cp "$CAL/practice.journal" j.journal
	run -1 --separate-stderr tally-calendar --rules "$RULES" --date 2026-04-15 -i j.journal tz.ics
	cmp "$CAL/practice.journal" j.journal
	[ -z "$(ls -A | grep tally)" ]
}

@test "calendar: bad rules are FILE:LINE, exit 1 and no output" {
	cd "$BATS_TEST_TMPDIR"
	r() { printf "$1" > bad.rules; run -1 --separate-stderr tally-calendar --rules bad.rules \
		--date 2026-04-15 "$CAL/lessons.ics"; assert_output ""; assert_equal "$stderr" "$2"; }
	r 'if lesson\n  client ana\n  account Assets:Bank\n' \
		"tally-calendar: bad.rules:3: unknown rule: account Assets:Bank (client ID, skip)"
	r 'if (unclosed\n  client ana\n' \
		'tally-calendar: bad.rules:1: bad regular expression "(unclosed": missing closing parenthesis at offset 9'
	r 'if lesson\n  client ana, ben\n' \
		"tally-calendar: bad.rules:2: client needs an ID without blanks, ',', ';' or ':'"
	r 'if lesson\n\n# nothing\n' "tally-calendar: bad.rules:1: if block without client or skip"
	r '  client ana\n' "tally-calendar: bad.rules:1: an indented rule outside an if block"
	r 'if %%organizer ana\n  client ana\n' \
		"tally-calendar: bad.rules:1: unknown field %organizer (%summary, %description, %location, %attendee)"
	r 'include other.rules\n' "tally-calendar: bad.rules:1: unknown rule: include other.rules (client ID, skip, if REGEX)"
	run -1 --separate-stderr tally-calendar --rules nonexistent.rules "$CAL/lessons.ics"
	assert_equal "$stderr" "tally-calendar: nonexistent.rules: cannot read the rules file"
}

@test "calendar: rules: several patterns, field patterns, a later block wins, skip wins" {
	cd "$BATS_TEST_TMPDIR"
	cat > r.rules <<'R'
# default: every event is Ana's unless a rule says otherwise
client ana
if %location studio
  client ben
if coffee
staff
  skip
R
	run --separate-stderr tally-calendar --rules r.rules --date 2026-03-08 "$CAL/lessons.ics"
	assert_success
	assert_equal "$stderr" ""
	assert_output - <<'J'
2026-03-02 Guitar: Ben, room 2
    ; client: ben
    ; session: held
    ; time: 10:00
    ; minutes: 45
    ; uid: guitar-ben@example.org/2026-03-02

2026-03-03 Maths with Ana
    ; client: ana
    ; session: held
    ; time: 16:00
    ; minutes: 60
    ; uid: maths-ana-2026@example.org/2026-03-03
J
}

@test "calendar: standard input, and --date with a time" {
	run --separate-stderr tally-calendar --rules "$RULES" --date "2026-03-03 17:00" < "$CAL/lessons.ics"
	assert_success
	[ "$(grep -c '; uid:' <<< "$output")" = 2 ]
	assert_line "    ; uid: maths-ana-2026@example.org/2026-03-03"
	run --separate-stderr tally-calendar --rules "$RULES" --date "2026-03-03 16:59" - < "$CAL/lessons.ics"
	[ "$(grep -c '; uid:' <<< "$output")" = 1 ]
}

@test "calendar: Outlook: quoted Windows TZID, folded title, several EXDATEs on one line" {
	printf 'if lesson\n  client ana\n' > "$BATS_TEST_TMPDIR/o.rules"
	run --separate-stderr tally-calendar --rules "$BATS_TEST_TMPDIR/o.rules" --date 2026-05-01 \
		"$CAL/outlook.ics"
	assert_success
	run grep '^2026' <<< "$output"
	t="Lesson with a very long title that Outlook folds over two lines because it is longer than seventy-five octets"
	assert_output "2026-03-03 $t
2026-03-24 $t
2026-03-31 $t
2026-04-07 $t"
}

@test "calendar: a recurring event no rule names is listed once" {
	sed 's/^SUMMARY:Coffee with Marta/SUMMARY:Coffee with Marta\nRRULE:FREQ=WEEKLY;COUNT=4/' \
		"$CAL/lessons.ics" > "$BATS_TEST_TMPDIR/c.ics"
	run --separate-stderr import "$BATS_TEST_TMPDIR/c.ics"
	assert_success
	assert_equal "$stderr" "tally-calendar: $BATS_TEST_TMPDIR/c.ics:68: no rule names a client for \"Coffee with Marta\" (not imported)"
}

@test "calendar: a TZID from the system's zones; UTC times in --timezone, else TZ" {
	printf 'if lesson\n  client ana\n' > "$BATS_TEST_TMPDIR/n.rules"
	times() { grep -E '^20|time:' <<< "$output" | paste - - | awk '{print $1, $NF}'; }
	# America/New_York has no VTIMEZONE in the file; US daylight saving starts 2026-03-08.
	run --separate-stderr tally-calendar --rules "$BATS_TEST_TMPDIR/n.rules" --date 2026-05-01 \
		--timezone America/New_York "$CAL/new-york.ics"
	assert_success
	assert_equal "$(times)" "2026-03-05 09:00
2026-03-05 09:00
2026-03-12 09:00
2026-03-12 10:00"
	run --separate-stderr env TZ=America/New_York tally-calendar --rules "$BATS_TEST_TMPDIR/n.rules" \
		--date 2026-05-01 "$CAL/new-york.ics"
	assert_equal "$(times)" "2026-03-05 09:00
2026-03-05 09:00
2026-03-12 09:00
2026-03-12 10:00"
	# The tests run with TZ=UTC.
	run --separate-stderr tally-calendar --rules "$BATS_TEST_TMPDIR/n.rules" --date 2026-05-01 \
		"$CAL/new-york.ics"
	assert_equal "$(times)" "2026-03-05 09:00
2026-03-05 14:00
2026-03-12 09:00
2026-03-12 14:00"
	run -1 --separate-stderr tally-calendar --rules "$BATS_TEST_TMPDIR/n.rules" --timezone Mars/Base \
		"$CAL/new-york.ics"
	assert_output ""
	assert_equal "$stderr" "tally-calendar: unknown time zone: Mars/Base"
}

@test "calendar: several RRULEs, RDATEs and attendees on one event, each instance once" {
	printf 'if %%attendee ^ana@\n  client ana\n' > "$BATS_TEST_TMPDIR/i.rules"
	run --separate-stderr tally-calendar --rules "$BATS_TEST_TMPDIR/i.rules" --date 2026-05-01 \
		"$CAL/iterate.ics"
	assert_success
	run grep '; uid:' <<< "$output"
	assert_output - <<'U'
    ; uid: many@example.org/2026-03-02
    ; uid: many@example.org/2026-03-04
    ; uid: many@example.org/2026-03-05
    ; uid: many@example.org/2026-03-06
    ; uid: many@example.org/2026-03-20
    ; uid: many@example.org/2026-04-20
U
}

@test "calendar: BEGIN and END that do not pair are FILE:LINE errors" {
	cd "$BATS_TEST_TMPDIR"
	printf 'BEGIN:VCALENDAR\nEND:VEVENT\nEND:VCALENDAR\n' > a.ics
	broken "tally-calendar: a.ics:2: END:VEVENT closes BEGIN:VCALENDAR of line 1" a.ics
	printf 'BEGIN:VCALENDAR\nEND:VCALENDAR\nEND:VCALENDAR\n' > b.ics
	broken "tally-calendar: b.ics:3: END:VCALENDAR without BEGIN" b.ics
	printf 'BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\n' > c.ics
	broken "tally-calendar: c.ics:3: no END:VCALENDAR: the file is cut short" c.ics
	# The input that once made the expansion loop (a fuzzing find) now stops at its line.
	broken "tally-calendar: $TOP/tests/fuzz/regressions/ical/iterator-reset.ics:16: END:VCZ closes BEGIN:VCALENDAR of line 1" \
		"$TOP/tests/fuzz/regressions/ical/iterator-reset.ics"
}

@test "calendar: a session held in the journal but cancelled in the calendar is told, not changed" {
	cd "$BATS_TEST_TMPDIR"
	sed 's/session: cancelled/session: held/' "$CAL/import.out" > held.journal
	run --separate-stderr import --journal held.journal "$CAL/lessons.ics"
	assert_success
	assert_output ""
	assert_equal "$stderr" "tally-calendar: $CAL/lessons.ics:68: no rule names a client for \"Coffee with Marta\" (not imported)
tally-calendar: $CAL/lessons.ics:40: 2026-04-07 is cancelled in the calendar but held in the journal (held.journal:78)"
}
