#!/usr/bin/env bats
# tally-print: writes a journal back byte for byte; --check only validates.
load helper

@test "print: a journal with nothing to change comes out byte-identical" {
	f=$(journal <<'J'
; practice books	(tabs, odd spacing and comments kept)
commodity 1.000,00 EUR

2026-11-02 * (42) Lesson ana  ; client: ana
    ; session: held
    Assets:Unbilled:ana	   45,00 EUR
    Income:Sessions

2026/11/03 ! Card	; :travel:
  Expenses:Travel  $12.5 @ 0,92 EUR
  Liabilities:Card
J
)
	run tally-print "$f"
	assert_success
	assert_output "$(cat "$f")"
	tally-print "$f" | cmp - "$f"
}

@test "print: standard input, -, and -f read the same journal" {
	f=$(journal <<'J'
2026-11-02 x
    a  1 EUR
    b
J
)
	run tally-print < "$f"
	assert_output "$(cat "$f")"
	run tally-print - < "$f"
	assert_output "$(cat "$f")"
	run tally-print -f "$f" -f "$f"
	assert_output "$(cat "$f" "$f")"
}

@test "print: a file without a final newline is kept as it is" {
	printf '2026-11-02 x\n    a  1 EUR\n    b' > "$BATS_TEST_TMPDIR/n.journal"
	tally-print "$BATS_TEST_TMPDIR/n.journal" | cmp - "$BATS_TEST_TMPDIR/n.journal"
}

@test "print: included files are read and checked, not copied" {
	cd "$BATS_TEST_TMPDIR"
	mkdir sub
	printf '2026-11-01 rent\n    Expenses:Rent  500 EUR\n    Assets:Bank\n' > sub/rent.journal
	printf '; top\ninclude sub/rent.journal\n2026-11-02 x\n    a  1 EUR\n    b\n' > top.journal
	run tally-print top.journal
	assert_success
	assert_output "$(cat top.journal)"
	printf '2026-11-01 rent\n    Expenses:Rent  500 EUR\n    Assets:Bank  -1 EUR\n' > sub/rent.journal
	run -1 --separate-stderr tally-print top.journal
	assert_equal "$stderr" "tally-print: sub/rent.journal:1: entry does not balance: off by 499 EUR"
	assert_equal "$output" ""
}

@test "print: --check writes nothing and exits 0 on a good journal" {
	f=$(journal <<'J'
2026-11-02 x
    a  1 EUR
    b
J
)
	run tally-print --check "$f"
	assert_success
	assert_output ""
}

@test "print: each bad input gives exit 1, one FILE:LINE: message per problem, no output" {
	cd "$FIXTURES/errors"
	for f in *.journal; do
		run -1 --separate-stderr tally-print "$f"
		[ "$stderr" = "$(cat "${f%.journal}.err")" ] || fail "$f: got '$stderr'"
		[ -z "$output" ] || fail "$f: wrote output on error"
	done
}

@test "print: on error a redirected file is truncated back, never left half written" {
	f=$(journal <<'J'
2026-11-02 ok
    a  1 EUR
    b
2026-11-03 bad
    a  1 EUR
    b  -2 EUR
J
)
	echo "kept" > "$BATS_TEST_TMPDIR/out"
	tally-print "$f" >> "$BATS_TEST_TMPDIR/out" 2>/dev/null && fail "should fail"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/out")" "kept"
}

@test "print: a 10 MB line is read, not truncated" {
	sanitized && skip "slow under sanitizers"
	f="$BATS_TEST_TMPDIR/long.journal"
	{ printf '2026-11-02 '; head -c 10000000 /dev/zero | tr '\0' x; printf '\n    a  1 EUR\n    b\n'; } > "$f"
	tally-print "$f" | cmp - "$f"
}

@test "print: usage errors exit 2, --help exits 0" {
	run -2 tally-print --bogus
	run -0 tally-print --help
	assert_output --partial "usage: tally-print"
	run -0 tally-print --version
	assert_output --regexp '^tally-print [0-9]'
}

@test "print: a missing file is an error naming it" {
	run -1 --separate-stderr tally-print "$BATS_TEST_TMPDIR/nope.journal"
	assert_equal "$stderr" "tally-print: $BATS_TEST_TMPDIR/nope.journal: cannot open: No such file or directory"
}
