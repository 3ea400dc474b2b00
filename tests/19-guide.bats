#!/usr/bin/env bats
# The guide is a test: every command in docs/guide.md runs verbatim in a scratch directory
# outside the source tree, against an installed tally (make install PREFIX=...), and prints
# what the guide shows (tests/lib/guide-run reads the guide's hidden markers).
load helper

@test "guide: docs/guide.md runs verbatim against an installed tally and prints what it shows" {
	sanitized && skip "installs the plain build"
	inst="$BATS_TEST_TMPDIR/inst"
	make -s -C "$TOP" install PREFIX="$inst" >/dev/null
	mkdir "$BATS_TEST_TMPDIR/work"
	# Only the installed commands, ledger, hledger and the system's tools: not bin/, not tests/lib.
	PATH="$inst/bin:/usr/local/bin:/usr/bin:/bin" run "$TOP/tests/lib/guide-run" "$TOP/docs/guide.md" "$BATS_TEST_TMPDIR/work"
	assert_success
	assert_output --regexp 'guide-run: ([1-9][0-9]*) command blocks run, ([1-9][0-9]*) outputs checked, 0 differences'
}

@test "guide-run: a difference between the guide and the commands is reported" {
	g="$BATS_TEST_TMPDIR/g.md"
	printf '%s\n' '<!-- file: a.txt -->' '```' 'one' '```' '```sh' 'cat a.txt' 'echo two' '```' \
		'<!-- output -->' '```' 'one' 'three' '```' > "$g"
	run guide-run "$g" "$BATS_TEST_TMPDIR"
	assert_failure
	assert_line --partial "g.md:10: the commands at line 5 print something else"
	assert_line -- "+two"
	assert_line -- "-three"
}
