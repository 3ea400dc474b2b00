#!/usr/bin/env bats
# The same books whatever the order of the entries and of the filters: every fixture journal
# of tests/31-bill and tests/41-cancel, and generated journals, shuffled (tests/lib/
# shuffle-entries, several seeds) and run through every order of tally-cancel and
# tally-bill, give ledger, hledger and tally-balance the balances of the date-ordered
# original through the same filters (tests/lib/metamorphic does the runs and comparisons,
# one ledger and one hledger run per journal).
load helper

setup() {
	command -v ledger > /dev/null || fail "ledger is needed as an oracle"
	command -v hledger > /dev/null || fail "hledger is needed as an oracle"
	[ -x "$BENCH/gen-journal" ] || fail "no generator: $BENCH/gen-journal"
}

# The generated journal with the postings of its package sessions taken away, so that the
# filters price them again from the package credit.
unpriced() {
	python3 -c '
import re, sys
out, drop = [], False
for ln in sys.stdin:
    if re.match(r"^[0-9]", ln):
        drop = "(package " in ln
    elif drop and ln.startswith((" ", "\t")) and not ln.strip().startswith(";") and ln.strip():
        continue
    out.append(ln)
sys.stdout.write("".join(out))'
}

@test "metamorphic: shuffle-entries keeps every entry's text and the header in place" {
	f=$(journal <<'J'
; header
account Assets:Bank

2026-01-02 B
    Assets:Bank  1 EUR
    Income

2026-01-01 A  ; a comment
    ; client: kim
    Assets:Bank  2 EUR
    Income
; a comment line that goes with A
2026-01-03 C
    Assets:Bank  3 EUR
    Income
J
)
	run shuffle-entries 1 "$f"
	assert_success
	assert_equal "$(head -2 <<< "$output")" "; header
account Assets:Bank"
	assert_equal "$(grep -v '^$' <<< "$output" | sort)" "$(grep -v '^$' "$f" | sort)"
	[ "$output" != "$(cat "$f")" ]
	run shuffle-entries 1 "$f"
	first=$output
	run shuffle-entries 1 "$f"
	assert_equal "$output" "$first"
	printf '2026-01-01 A\n    a  1\n    b\nalias a = b\n' > "$BATS_TEST_TMPDIR/alias.journal"
	run shuffle-entries 1 "$BATS_TEST_TMPDIR/alias.journal"
	assert_failure
	assert_output --partial "a directive after the first entry: alias a = b"
}

@test "metamorphic: the bill and cancel fixtures, shuffled, through every order of the filters" {
	# Under the sanitizers one shuffle a journal: every order of the filters still meets
	# entries out of date order, at half the runs (each run there is 50 ms of start).
	local seeds=3
	sanitized && seeds=1
	run metamorphic --seeds $seeds "$FIXTURES"/bill/*.journal "$FIXTURES"/cancel/*.journal
	assert_success
	assert_output "metamorphic: 15 journals, $((15 * (seeds + 1) * 5)) outputs, 0 differences"
}

@test "metamorphic: the practice example and the issue's journals" {
	cat > "$BATS_TEST_TMPDIR/late-package.journal" <<'J'
2026-11-01 Terms
    ; client: kim
    ; rate: 40 EUR

2026-11-02 * Package
    ; client: kim
    ; package: 5
    Assets:Bank  200.00 EUR
    Liabilities:Prepaid:kim

2026-11-05 Session
    ; client: kim
    ; session: held
    ; time: 10:00
J
	local seeds=4
	sanitized && seeds=2
	run metamorphic --seeds $seeds "$EXAMPLES/practice.journal" "$BATS_TEST_TMPDIR/late-package.journal"
	assert_success
	assert_output "metamorphic: 2 journals, $((2 * (seeds + 1) * 5)) outputs, 0 differences"
}

@test "metamorphic: generated journals (three seeds), priced and with package sessions unpriced" {
	for s in 1 2 3; do
		"$BENCH/gen-journal" 250 "$s" > "$BATS_TEST_TMPDIR/g$s.journal"
		unpriced < "$BATS_TEST_TMPDIR/g$s.journal" > "$BATS_TEST_TMPDIR/u$s.journal"
	done
	# the unpriced ones really lost postings, and tally-bill prices them back
	[ "$(grep -c '' "$BATS_TEST_TMPDIR/u1.journal")" -lt "$(grep -c '' "$BATS_TEST_TMPDIR/g1.journal")" ]
	tally-bill "$BATS_TEST_TMPDIR/u1.journal" | grep -q 'iabilities:prepaid:.*EUR'
	local seeds=2
	sanitized && seeds=1
	run metamorphic --seeds $seeds "$BATS_TEST_TMPDIR"/g?.journal "$BATS_TEST_TMPDIR"/u?.journal
	assert_success
	assert_output "metamorphic: 6 journals, $((6 * (seeds + 1) * 5)) outputs, 0 differences"
}
