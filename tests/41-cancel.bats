#!/usr/bin/env bats
# tally-cancel: cancellation policies applied to unpriced cancellation events.
# Fixture cases in tests/fixtures/cancel: CASE.journal, the expected CASE.out (journal) and
# CASE.notices (--notices), all with the policies shipped in share/policies.
load helper

CANCEL=$FIXTURES/cancel

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

@test "cancel: every fixture case gives its journal and notices exactly" {
	cd "$CANCEL"
	n=0
	for f in *.journal; do
		c=${f%.journal}
		tally-cancel --notices "$BATS_TEST_TMPDIR/$c.notices" "$f" > "$BATS_TEST_TMPDIR/$c.out" ||
			fail "$c: exit $?"
		diff -u "$c.out" "$BATS_TEST_TMPDIR/$c.out" || fail "$c: journal differs"
		diff -u "$c.notices" "$BATS_TEST_TMPDIR/$c.notices" || fail "$c: notices differ"
		n=$((n + 1))
	done
	[ "$n" -ge 7 ]
}

@test "cancel: running twice equals running once, and writes no second notice" {
	cd "$CANCEL"
	for f in *.journal; do
		c=${f%.journal}
		tally-cancel --notices "$BATS_TEST_TMPDIR/again" "$c.out" | cmp - "$c.out" ||
			fail "$c: not idempotent"
		[ ! -s "$BATS_TEST_TMPDIR/again" ] || fail "$c: notices on the second run"
	done
}

@test "cancel: ledger and hledger read every output with equal balances" {
	cd "$CANCEL"
	for f in *.out; do
		same_balances "$f" || fail "$f: ledger and hledger disagree"
	done
	run ledger -f tiered.out bal --flat --no-total Income
	assert_output "         -180.00 EUR  Income:Cancellations"
}

@test "cancel: tally-balance gives the same balances as hledger" {
	cd "$CANCEL"
	for f in deposit.out prepaid.out grace-per-client.out; do
		want=$(hledger -f "$f" bal --no-total -O csv | sed 1d | tr -d '"' |
			sed -E 's/,(-?[0-9.]+) EUR$/,EUR,\1/' | sort)
		got=$(tally-balance -O csv "$f" | sed 1d | sort)
		assert_equal "$got" "$want"
	done
}

@test "cancel: notice of exactly 24h00 is on time, 23h59 is late" {
	f=$(journal <<'J'
2026-01-01 Terms
    ; client: ana
    ; rate: 40.00 EUR
    ; policy: strict-48-hour

2026-03-01 Exactly 48 hours
    ; client: ana
    ; session: cancelled
    ; time: 00:00
    ; cancelled-at: 2026-02-27 00:00

2026-03-01 47 hours 59 minutes
    ; client: ana
    ; session: cancelled
    ; time: 00:00
    ; cancelled-at: 2026-02-27 00:01
J
)
	run tally-cancel "$f"
	assert_success
	assert_output "$(cat "$f"; printf '    Assets:Unbilled:ana  40.00 EUR\n    Income:Cancellations  -40.00 EUR')"
}

@test "cancel: --policy FILE applies to every client, overriding policy: events" {
	f=$(journal <<'J'
2026-01-01 Terms
    ; client: ana
    ; rate: 40.00 EUR
    ; policy: 24-hour

2026-01-09 No-show: the strict policy has no grace
    ; client: ana
    ; session: no-show

2026-01-09 No-show of a client without a policy: event
    ; client: bo
    ; rate: 30.00 EUR
    ; session: no-show
J
)
	run tally-cancel --policy "$TOP/share/policies/strict-48-hour.policy" "$f"
	assert_success
	assert_line "    Assets:Unbilled:ana  40.00 EUR"
	assert_line "    Assets:Unbilled:bo  30.00 EUR"
	refute_line "    ; waived: first offense"
	run tally-cancel "$f"
	assert_line "    ; waived: first offense"
	refute_line "    Assets:Unbilled:bo  30.00 EUR"
}

@test "cancel: --policies DIR looks policy: names up there" {
	mkdir "$BATS_TEST_TMPDIR/pol"
	printf 'notice = 12h\nno-show-fee = 15 EUR\n' > "$BATS_TEST_TMPDIR/pol/flat.policy"
	f=$(journal <<'J'
2026-01-01 Terms
    ; client: ana
    ; policy: flat

2026-01-09 No-show: a fixed fee needs no rate
    ; client: ana
    ; session: no-show
J
)
	run tally-cancel --policies "$BATS_TEST_TMPDIR/pol" "$f"
	assert_success
	assert_output "$(cat "$f"; printf '    Assets:Unbilled:ana  15 EUR\n    Income:Cancellations  -15 EUR')"
}

@test "cancel: --client, -p and account options limit and rename" {
	cd "$CANCEL"
	run tally-cancel --client eva -p 2026-01-10 deposit.journal
	assert_success
	assert_output "$(cat deposit.journal)"
	run tally-cancel --client ana grace-per-client.journal
	assert_line "    Assets:Unbilled:ana  20.00 EUR"
	refute_line "    Assets:Unbilled:ben-ortiz  60.00 EUR"
	run tally-cancel --income Income:Fees --unbilled Assets:Wip -e 2026-01-16 deposit.journal
	assert_output "$(sed -n 1,16p deposit.journal)
    Liabilities:Deposits:eva  20.00 EUR
    Assets:Wip:eva  20.00 EUR
    Income:Fees  -40.00 EUR
$(sed -n '17,$p' deposit.journal)"
}

@test "cancel: -i edits the journal in place, and leaves it untouched on error" {
	d=$BATS_TEST_TMPDIR/d
	mkdir "$d"
	cp "$CANCEL/basic-24h.journal" "$d/j"
	run tally-cancel -i "$d/j"
	assert_success
	assert_output ""
	cmp "$d/j" "$CANCEL/basic-24h.out"
	printf '2026-01-09 No-show\n    ; client: ana\n    ; session: no-show\n' >> "$d/j"
	cp "$d/j" "$BATS_TEST_TMPDIR/before"
	run -1 --separate-stderr tally-cancel --policy "$TOP/share/policies/strict-48-hour.policy" \
		-i "$d/j"
	assert_equal "$stderr" "tally-cancel: $d/j:33: no rate: for ana on 2026-01-09 (the fee is a percent of it)"
	cmp "$d/j" "$BATS_TEST_TMPDIR/before"
	run ls "$d"
	assert_output "j"
}

@test "cancel: a cancelled session needs cancelled-at: and time:" {
	f=$(journal <<'J'
2026-01-01 Terms
    ; client: ana
    ; rate: 40.00 EUR
    ; policy: 24-hour

2026-01-09 No cancelled-at
    ; client: ana
    ; session: cancelled
    ; time: 10:00

2026-01-10 No time
    ; client: ana
    ; session: cancelled
    ; cancelled-at: 2026-01-09 10:00

2026-01-11 Bad stamp
    ; client: ana
    ; session: cancelled
    ; time: 10:00
    ; cancelled-at: 2026-01-09
J
)
	run -1 --separate-stderr tally-cancel "$f"
	assert_equal "$output" ""
	assert_equal "$stderr" "tally-cancel: $f:8: session: cancelled needs cancelled-at: (late or on time cannot be told)
tally-cancel: $f:13: session: cancelled needs time: (late or on time cannot be told)
tally-cancel: $f:20: cancelled-at: bad value 2026-01-09 (want YYYY-MM-DD HH:MM)"
}

@test "cancel: a percent fee without a rate is an error; nothing is written" {
	f=$(journal <<'J'
2026-01-01 Terms
    ; client: ana
    ; policy: strict-48-hour

2026-01-09 No-show
    ; client: ana
    ; session: no-show
J
)
	run -1 --separate-stderr tally-cancel --notices "$BATS_TEST_TMPDIR/n" "$f"
	assert_equal "$stderr" "tally-cancel: $f:5: no rate: for ana on 2026-01-09 (the fee is a percent of it)"
	assert_equal "$output" ""
	[ ! -e "$BATS_TEST_TMPDIR/n" ]
}

@test "cancel: an unknown policy name is an error at its policy: event" {
	f=$(journal <<'J'
2026-01-01 Terms
    ; client: ana
    ; policy: lenient
J
)
	run -1 --separate-stderr tally-cancel --policies "$BATS_TEST_TMPDIR" "$f"
	assert_equal "$stderr" "tally-cancel: $f:3: unknown policy: lenient (no $BATS_TEST_TMPDIR/lenient.policy)"
	printf 'notice = soon\n' > "$BATS_TEST_TMPDIR/lenient.policy"
	run -1 --separate-stderr tally-cancel --policies "$BATS_TEST_TMPDIR" "$f"
	assert_equal "$stderr" "tally-cancel: $f:3: $BATS_TEST_TMPDIR/lenient.policy:1: notice: bad duration (24h, 48h, 2d, 90m)"
}

@test "cancel: a cancellation without a client is an error" {
	f=$(journal <<'J'
2026-01-09 No-show
    ; session: no-show
J
)
	run -1 --separate-stderr tally-cancel --policy "$TOP/share/policies/24-hour.policy" "$f"
	assert_equal "$stderr" "tally-cancel: $f:2: session: no client: tag on the entry"
}

@test "cancel: a bad --policy file is an error with its line; usage errors exit 2" {
	printf 'notice = 24h\nlate-cancel-fee = 50\n' > "$BATS_TEST_TMPDIR/p"
	run -1 --separate-stderr tally-cancel --policy "$BATS_TEST_TMPDIR/p" /dev/null
	assert_equal "$stderr" "tally-cancel: $BATS_TEST_TMPDIR/p:2: late-cancel-fee: an amount needs its commodity (30 EUR), a percent its sign (30%)"
	run -1 --separate-stderr tally-cancel --policy "$BATS_TEST_TMPDIR/missing" /dev/null
	assert_equal "$stderr" "tally-cancel: $BATS_TEST_TMPDIR/missing: cannot open policy: No such file or directory"
	run -2 --separate-stderr tally-cancel --bogus
	[[ $stderr == *"usage: tally-cancel [--policy FILE"* ]]
	run -2 --separate-stderr tally-cancel -p 2026-13
	assert_equal "$stderr" "tally-cancel: bad period: 2026-13"
	run -2 --separate-stderr tally-cancel -i "$BATS_TEST_TMPDIR/p" other.journal
	assert_equal "$stderr" "tally-cancel: -i FILE edits one journal: name no other file"
}

@test "cancel: --help and --version" {
	run tally-cancel --help
	assert_success
	assert_line -n 0 --partial "usage: tally-cancel [--policy FILE"
	run tally-cancel --version
	assert_success
	assert_output "tally-cancel $(cat "$TOP/lib/VERSION")"
}

@test "cancel: the generated bench journal (already priced) passes through unchanged" {
	g=$BENCH/gen-journal
	[ -x "$g" ] || fail "no $g (it comes with ../shared)"
	"$g" 3000 1 > "$BATS_TEST_TMPDIR/g.journal"
	tally-cancel --policy "$TOP/share/policies/24-hour.policy" "$BATS_TEST_TMPDIR/g.journal" |
		cmp - "$BATS_TEST_TMPDIR/g.journal"
}

@test "cancel: --lang es writes the notices in Spanish (greeting, Spanish dates, signature), quoting the Spanish agreement" {
	cd "$CANCEL"
	tally-cancel --lang es --notices "$BATS_TEST_TMPDIR/n" deposit.journal > /dev/null
	run cat "$BATS_TEST_TMPDIR/n"
	assert_output "$(cat <<'N'
Para: eva
Asunto: su sesión del 09/01/2026 a las 10:00

Hola, eva:

La sesión se perdió sin aviso (ausencia).
Importe: 40,00 EUR (el precio de la sesión es 40,00 EUR); 20,00 EUR se toma de su depósito.
La política de cancelación acordada (rolling deposit) dice:
  "Una ausencia sin aviso se cobra: el 100 % del precio de la sesión."
  "Se mantiene un depósito del 50 % del precio de la siguiente sesión; una cancelación tardía o ausencia lo pierde en primer lugar."
  (rolling-deposit.policy, línea 6: no-show-fee = 100%)

Un saludo,

Para: eva
Asunto: su sesión del 16/01/2026 a las 10:00

Hola, eva:

La sesión se canceló tarde.
Importe: 20,00 EUR (el precio de la sesión es 40,00 EUR).
La política de cancelación acordada (rolling deposit) dice:
  "Una cancelación con menos de 24 horas de antelación se cobra: el 50 % del precio de la sesión."
  (rolling-deposit.policy, línea 5: late-cancel-fee = 50%)

Un saludo,

N
)"
	run joined tally-agreement --client eva --lang es --date 2026-01-20 deposit.journal
	assert_line "- Se mantiene un depósito del 50 % del precio de la siguiente sesión; una cancelación tardía o ausencia lo pierde en primer lugar."
	run -2 --separate-stderr tally-cancel --lang fr deposit.journal
	assert_equal "$stderr" "tally-cancel: unknown language: fr"
}
