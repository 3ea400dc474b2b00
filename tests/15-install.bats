#!/usr/bin/env bats
# make install: PREFIX and DESTDIR on every path; commands, man pages, share/ and the
# hledger add-on land where they should, and uninstall takes them away.
load helper

@test "install: DESTDIR and PREFIX, then uninstall" {
	sanitized && skip "installs the plain build"
	d="$BATS_TEST_TMPDIR/root"
	make -s -C "$TOP" install DESTDIR="$d" PREFIX=/opt/tally >/dev/null
	for c in tally tally-print tally-check tally-balance hledger-tally; do
		[ -x "$d/opt/tally/bin/$c" ] || fail "missing bin/$c"
	done
	[ -f "$d/opt/tally/share/man/man1/tally-balance.1" ]
	[ -f "$d/opt/tally/share/man/man5/tally-journal.5" ]
	[ -f "$d/opt/tally/share/man/man7/tally.7" ]
	[ -d "$d/opt/tally/share/tally/examples" ]
	run "$d/opt/tally/bin/tally-balance" -O csv "$FIXTURES/print/two-currencies.journal"
	assert_line "Assets:Bank,EUR,1045.00"
	make -s -C "$TOP" uninstall DESTDIR="$d" PREFIX=/opt/tally >/dev/null
	[ ! -e "$d/opt/tally/bin/tally-balance" ]
	[ ! -e "$d/opt/tally/share/man/man1/tally-balance.1" ]
}
