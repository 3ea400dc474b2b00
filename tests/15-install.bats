#!/usr/bin/env bats
# make install: PREFIX and DESTDIR on every path; commands, man pages, share/, the modules
# and the hledger add-on land where they should, and uninstall takes them away. The modules
# (lib/modules.c): loaded only by the runs that need them, found beside the command.
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
	# each module, from PREFIX/lib/tally: a PDF, a calendar, a mail
	"$d/opt/tally/bin/tally-report" -O pdf "$EXAMPLES/practice.journal" > "$BATS_TEST_TMPDIR/r.pdf"
	run pdftotext "$BATS_TEST_TMPDIR/r.pdf" -
	assert_line "Practice overview"
	run -0 "$d/opt/tally/bin/tally-calendar" --rules "$FIXTURES/calendar/lessons.rules" \
		--date 2026-04-15 "$FIXTURES/calendar/lessons.ics"
	assert_output --partial "; session:"
	run -0 "$d/opt/tally/bin/tally-aging" --remind --date 2026-12-15 -O eml --client ana \
		"$FIXTURES/mail/book.journal"
	assert_line --regexp '^Message-Id: <.+>$'
	make -s -C "$TOP" uninstall DESTDIR="$d" PREFIX=/opt/tally >/dev/null
	[ ! -e "$d/opt/tally/bin/tally-balance" ]
	[ ! -e "$d/opt/tally/share/man/man1/tally-balance.1" ]
	[ ! -e "$d/opt/tally/lib/tally" ]
}

@test "modules: a text run maps none of their libraries; a PDF run maps pango" {
	LD_DEBUG=files run -0 --separate-stderr tally-report "$EXAMPLES/practice.journal"
	assert_line "Practice overview"
	[[ $stderr != *libpango* && $stderr != *libgmime* && $stderr != *libical* ]]
	LD_DEBUG=files run -0 --separate-stderr tally-sessions "$EXAMPLES/practice.journal"
	[[ $stderr != *libical* ]]
	LD_DEBUG=files run -0 --separate-stderr tally-report -O pdf "$EXAMPLES/practice.journal"
	[[ $stderr == *tally-pdf.so* && $stderr == *libpango* && $stderr != *libgmime* ]]
}

@test "modules: a command away from its modules says which one it cannot load" {
	sanitized && skip "copies the plain build's command"
	# a tree with share/ and the catalogs beside bin/, as the source tree has, and no mod/
	mkdir "$BATS_TEST_TMPDIR/bin" "$BATS_TEST_TMPDIR/build"
	cp "$TALLY_BIN/tally-report" "$BATS_TEST_TMPDIR/bin/"
	ln -s "$TOP/share" "$BATS_TEST_TMPDIR/share"
	ln -s "$TOP/build/locale" "$BATS_TEST_TMPDIR/build/locale"
	# what needs no module still works
	run -0 "$BATS_TEST_TMPDIR/bin/tally-report" "$EXAMPLES/practice.journal"
	assert_line "Practice overview"
	run -1 --separate-stderr "$BATS_TEST_TMPDIR/bin/tally-report" -O pdf "$EXAMPLES/practice.journal"
	assert_equal "$stderr" "tally: cannot load the module tally-pdf.so: not found beside the command nor in /usr/local/lib/tally"
	assert_output ""
}
