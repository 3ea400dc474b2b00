#!/usr/bin/env bats
# tally (the front door) and hledger-tally (the hledger add-on), with the real hledger.
load helper

F=$FIXTURES/statement

@test "tally: --version, usage, unknown commands" {
	run tally --version
	assert_success
	assert_output "tally $(cat "$TOP/lib/VERSION")"
	run -2 --separate-stderr tally
	assert_equal "${stderr_lines[0]}" "usage: tally COMMAND [ARGS]..."
	run -2 --separate-stderr tally nosuch
	assert_equal "$stderr" "tally: unknown command: nosuch (tally help lists them)"
	run -2 --separate-stderr tally --bogus
	assert_equal "${stderr_lines[0]}" "tally: unknown option: --bogus"
	run -2 --separate-stderr tally help ../etc/passwd
	assert_equal "$stderr" "tally: bad command name: ../etc/passwd"
}

@test "tally help: every command found, one line each" {
	run tally help
	assert_success
	assert_line --index 0 "usage: tally COMMAND [ARGS]...   (tally help COMMAND: its manual)"
	assert_line "  statement   a client's month-end statement (txt, md, html; en, es)"
	assert_line "  balance     balances per account, the figures of ledger bal and hledger bal"
	assert_line "  month       the month-end run: import, cancel, bill, invoice, statements"
	for c in "$TALLY_BIN"/tally-*; do
		assert_line --regexp "^  ${c##*/tally-} +[a-z]"
	done
	run tally --help
	assert_line "  statement   a client's month-end statement (txt, md, html; en, es)"
}

@test "tally COMMAND ARGS runs tally-COMMAND ARGS, with its exit status" {
	run tally balance "$F/basic.journal"
	assert_success
	assert_output "$(tally-balance "$F/basic.journal")"
	run tally statement --client ana -p 2026-11 "$F/basic.journal"
	assert_output "$(cat "$F/basic-ana.txt")"
	run -1 --separate-stderr tally statement --client zed "$F/basic.journal"
	assert_equal "$stderr" "tally-statement: unknown client: zed"
	run tally statement --version
	assert_output "tally-statement $(cat "$TOP/lib/VERSION")"
}

@test "tally: the command beside the tally binary first, then PATH" {
	d=$(scratch)
	mkdir "$d/self" "$d/path"
	cp "$TALLY_BIN/tally" "$d/self/"
	printf '#!/bin/sh\necho "beside: $*"\n' > "$d/self/tally-balance"
	printf '#!/bin/sh\necho "on path: $*"\n' > "$d/path/tally-balance"
	printf '#!/bin/sh\necho "hello: $#: $1|$2"\n' > "$d/path/tally-hello"
	chmod +x "$d/self/tally-balance" "$d/path/tally-balance" "$d/path/tally-hello"
	run env PATH="$d/path:$PATH" "$d/self/tally" balance -x "a b"
	assert_output "beside: -x a b"
	run env PATH="$d/path:$PATH" "$d/self/tally" hello "a b" c
	assert_output "hello: 2: a b|c"
	run env PATH="$d/path:$PATH" "$d/self/tally" help
	assert_line --regexp "^  hello +$"
}

@test "tally help COMMAND opens its manual page" {
	command -v man > /dev/null || skip "man is not installed"
	run env MANPAGER=cat MANWIDTH=80 tally help statement
	assert_success
	assert_output --partial "tally-statement"
	assert_output --partial "SYNOPSIS"
	run env MANPAGER=cat MANWIDTH=80 tally help tally
	assert_output --partial "SYNOPSIS"
}

@test "hledger tally: the add-on with the real hledger (-f, LEDGER_FILE, ~/.hledger.journal)" {
	need hledger
	j=$F/basic.journal
	want=$(tally-balance "$j")
	run hledger tally balance -f "$j"
	assert_success
	assert_output "$want"
	run hledger -f "$j" tally balance
	assert_output "$want"
	run hledger tally balance --file="$j"
	assert_output "$want"
	run env LEDGER_FILE="$j" hledger tally balance
	assert_output "$want"
	home=$(scratch)/home
	mkdir "$home"
	cp "$j" "$home/.hledger.journal"
	run env HOME="$home" hledger tally balance
	assert_output "$want"
	run env HOME="$home" LEDGER_FILE="~/.hledger.journal" hledger tally balance
	assert_output "$want"
	# options of the command come after `--`, as with every hledger add-on
	run hledger tally -- statement --client ana -p 2026-11 -f "$j"
	assert_output "$(cat "$F/basic-ana.txt")"
	run -1 --separate-stderr env HOME="$home" LEDGER_FILE="$home/none.journal" hledger tally balance
	assert_equal "$stderr" "hledger-tally: no journal: $home/none.journal (give -f FILE or set LEDGER_FILE)"
	run hledger tally
	assert_line "  statement   a client's month-end statement (txt, md, html; en, es)"
}

@test "hledger tally balance agrees with hledger bal" {
	need hledger
	for j in "$EXAMPLES/practice.journal" "$FIXTURES/statement/xss.journal"; do
		hledger -f "$j" bal -O csv --flat -N | tail -n +2 | tr -d '"' |
			sed 's/,\(-\{0,1\}[0-9.]*\) \(.*\)$/\t\2\t\1/' > "$(scratch)/want.tsv"
		[ -s "$(scratch)/want.tsv" ]
		hledger tally -- balance -f "$j" -O csv > "$(scratch)/got.csv"
		compare-bal "$(scratch)/want.tsv" "$(scratch)/got.csv"
	done
}
