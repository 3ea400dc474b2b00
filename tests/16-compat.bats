#!/usr/bin/env bats
# Journal compatibility with ledger's and hledger's own test files (issue 15): the files in
# tests/fixtures/compat/ledger are ledger's (BSD-3-Clause, LICENSE.md beside them), named as
# in ../shared/corpus. Each must print byte for byte and balance as both tools say.
load helper

L=$FIXTURES/compat/ledger

# agrees FILE: tally-balance equals ledger's and hledger's balances (both oracles required).
agrees() {
	local d=$BATS_TEST_TMPDIR
	tally-print "$1" | cmp - "$1"
	tally-balance -O csv "$1" > "$d/t.csv"
	oracle-exact ledger "$1" > "$d/l.tsv"
	oracle-exact hledger "$1" > "$d/h.tsv"
	compare-bal "$d/l.tsv" "$d/t.csv"
	compare-bal "$d/h.tsv" "$d/t.csv"
}

@test "compat: cost rounding within the commodity's precision balances (ledger 1765, 1765_b)" {
	agrees "$L/ledger--regress--1765.journal"
	agrees "$L/ledger--regress--1765_b.journal"
	agrees "$L/ledger--regress--cov-xact-rounding-total-cost.journal"
}

@test "compat: a residue above half the last displayed digit is still an error" {
	f=$(journal <<-'EOF'
	2022-05-06 x
	    a  1 XXX @ 0.994 CZK
	    b  -1.00 CZK
	EOF
	)
	run -1 --separate-stderr tally-print "$f"
	assert_equal "$stderr" "tally-print: $f:1: entry does not balance: off by -0.006 CZK"
	run ledger -f "$f" bal
	[ "$status" -ne 0 ]
	run hledger -f "$f" bal
	[ "$status" -ne 0 ]
}

@test "compat: ledger's standard sample data (28-decimal prices) reads and balances exactly" {
	agrees "$L/ledger--input--standard_dat.journal"
}

@test "compat: 38-digit cost products inferred into an elided posting are exact or refused" {
	f=$(journal <<-'EOF'
	2003-06-19 x
	    a  331.296869 LMVTX @ $53.6599999999999999998612221219
	    b
	EOF
	)
	run -1 --separate-stderr tally-balance "$f"
	assert_equal "$stderr" "tally-balance: $f:1: amount too large to hold exactly"
	f=$(journal <<-'EOF'
	2003-06-19 x
	    a  3.5 LMVTX @ $53.6599999999999999998612221219
	    b
	EOF
	)
	run -0 tally-balance -O csv "$f"
	assert_line 'b,$,-187.80999999999999999951427742665'
}

@test "compat: legacy !-prefixed directives (ledger coverage-bang-prefix)" {
	agrees "$L/ledger--regress--coverage-bang-prefix.journal"
	f=$(journal <<-'EOF'
	!alias food=Expenses:Food
	@alias cash=Assets:Cash

	2024-01-01 x
	    food  $10.00
	    cash
	EOF
	)
	run -0 tally-balance -O csv "$f"
	assert_output "$(printf 'account,commodity,amount\nAssets:Cash,$,-10.00\nExpenses:Food,$,10.00')"
}

@test "compat: a UTF-8 byte order mark opening a file is kept and skipped" {
	agrees "$L/ledger--regress--coverage-textual-bom.journal"
	f=$BATS_TEST_TMPDIR/bom.journal
	printf '\357\273\2772024-01-01 x\n    a  1 EUR\n    b\n' > "$f"
	tally-print "$f" | cmp - "$f"
	run -0 tally-balance -O csv "$f"
	assert_output "$(printf 'account,commodity,amount\na,EUR,1\nb,EUR,-1')"
	run -0 hledger -f "$f" bal -N --flat
}

@test "compat: a balance assignment counts the account's earlier postings in the entry (ledger 1187_3)" {
	agrees "$L/ledger--regress--1187_3.journal"
}

# hagrees FILE: tally-balance equals hledger's (for hledger-only syntax).
hagrees() {
	local d=$BATS_TEST_TMPDIR
	tally-print "$1" | cmp - "$1"
	tally-balance -O csv "$1" > "$d/t.csv"
	oracle-exact hledger "$1" > "$d/h.tsv"
	compare-bal "$d/h.tsv" "$d/t.csv"
}

@test "compat: decimal-mark is applied to the rest of its file, as hledger does" {
	f=$(journal <<-'EOF'
	decimal-mark ,
	2021-05-01 x
	    a   1,000 RUB
	    b
	
	2021-05-02 y
	    a   1.000,5 RUB
	    b
	EOF
	)
	hagrees "$f"
	run -0 tally-balance -O csv "$f"
	assert_line 'a,RUB,1001.500'
	f=$(journal <<-'EOF'
	decimal-mark .
	2023-01-01
	    (a)    1,000
	EOF
	)
	hagrees "$f"
	run -0 tally-balance -O csv "$f"
	assert_line 'a,,1000'
}

@test "compat: decimal-mark stays in its file; a bad mark is an error" {
	d=$BATS_TEST_TMPDIR
	printf 'decimal-mark ,\n2021-05-01 x\n    a   -199,00 RUB\n    b\n' > "$d/commas.journal"
	printf 'commodity 1000.00 RUB\ninclude commas.journal\n2021-05-19 y\n    a   -100.5 RUB\n    c    100.5 RUB\n' > "$d/main.journal"
	hagrees "$d/main.journal"
	run -0 tally-balance -O csv "$d/main.journal"
	assert_line 'a,RUB,-299.50'
	printf 'decimal-mark ;\n' > "$d/bad.journal"
	run -1 --separate-stderr tally-print "$d/bad.journal"
	assert_equal "$stderr" "tally-print: $d/bad.journal:1: decimal-mark must be . or ,"
}

@test "compat: regex aliases with match groups, applied latest first as hledger does" {
	f=$(journal <<-'EOF'
	alias checking = assets:bank:wells fargo:checking
	alias /^(.+):bank:([^:]+):(.*)/ = \1:\2 \3
	alias /SAVINGS/ = savings

	2024-01-01 x
	    assets:bank:wells fargo:SAVINGS  1
	    checking:a
	EOF
	)
	hagrees "$f"
	run -0 tally-balance -O csv "$f"
	assert_output "$(printf 'account,commodity,amount\nassets:bank:wells fargo:checking:a,,-1\nassets:wells fargo savings,,1')"
	run -1 --separate-stderr tally-print "$(printf 'alias /(/ = a\n' | journal bad.journal)"
	assert_equal "$stderr" "tally-print: $BATS_TEST_TMPDIR/bad.journal:1: alias: bad regular expression \"(\": missing closing parenthesis at offset 1"
}

@test "compat: 17 commodities in one entry balance (no fixed limit)" {
	f=$BATS_TEST_TMPDIR/many.journal
	{ echo "2024-01-01 x"; i=0; for c in A B C D E F G H I J K L M N O P Q; do i=$((i + 1)); echo "    a  $i C${c}X"; done; echo "    b"; } > "$f"
	agrees "$f"
	run -0 tally-balance -O csv "$f"
	assert_line 'b,CQX,-17'
}

@test "install: bash completion, tally-rules(5), man pages cite installed paths only" {
	sanitized && skip "installs the plain build"
	d="$BATS_TEST_TMPDIR/root"
	make -s -C "$TOP" install DESTDIR="$d" PREFIX=/opt/tally >/dev/null
	c=$d/opt/tally/share/bash-completion/completions
	[ -f "$c/tally" ]
	[ "$(readlink "$c/tally-balance")" = tally ]
	[ -f "$d/opt/tally/share/man/man5/tally-rules.5" ]
	run grep -rl 'docs/' "$d/opt/tally/share/man"
	assert_output ""
	# Every document a man page cites is where it says.
	for p in $(grep -rho '/opt/tally/share/doc/tally/[A-Za-z0-9_.-]*' "$d/opt/tally/share/man" | sort -u); do
		[ -f "$d$p" ] || fail "cited but not installed: $p"
	done
	run -0 man -l "$d/opt/tally/share/man/man5/tally-rules.5"
	assert_output --partial "hledger CSV conversion rules"
	# The installed completion completes commands, options, formats and query terms.
	run -0 env PATH="$d/opt/tally/bin:$PATH" bash -c '
		source "$1"
		COMP_WORDS=(tally bal); COMP_CWORD=1; _tally; echo "${COMPREPLY[*]}"
		COMP_WORDS=(tally-balance --tr); COMP_CWORD=1; _tally; echo "${COMPREPLY[*]}"
		COMP_WORDS=(tally aging -O ""); COMP_CWORD=3; _tally; echo "${COMPREPLY[*]}"
		COMP_WORDS=(tally-balance not); COMP_CWORD=1; _tally; echo "${COMPREPLY[*]}"
		complete -p tally-check' _ "$c/tally"
	assert_output - <<-'OUT'
	balance
	--tree
	txt csv json
	not:
	complete -o filenames -F _tally tally-check
	OUT
	make -s -C "$TOP" uninstall DESTDIR="$d" PREFIX=/opt/tally >/dev/null
	[ ! -e "$c/tally" ] && [ ! -e "$c/tally-balance" ]
}

@test "version: one string, the VERSION file, in every command" {
	v=$(cat "$TOP/lib/VERSION")
	for c in "$TALLY_BIN"/tally "$TALLY_BIN"/tally-*; do
		run -0 "$c" --version
		assert_output "${c##*/} $v"
	done
	run grep -rn --include='*.[ch]' -e "\"$v\"" "$TOP/lib" "$TOP/cmd"
	assert_output ""
}

@test "tally.conf: --conf, \$TALLY_CONF, beside the journal, the current directory, then XDG" {
	d=$BATS_TEST_TMPDIR
	mkdir -p "$d/xdg/tally" "$d/home/.config/tally" "$d/books" "$d/cwd"
	cp "$FIXTURES/aging/book.journal" "$d/books/"
	for w in xdg home books cwd env opt; do
		printf 'name = From %s\n' "$w" > "$d/$w.conf"
	done
	cp "$d/xdg.conf" "$d/xdg/tally/tally.conf"
	cp "$d/home.conf" "$d/home/.config/tally/tally.conf"
	who() {
		(cd "$d/cwd" && env HOME="$d/home" "$@" tally-aging --date 2026-12-15 --remind \
			"$d/books/book.journal") | grep -m1 '^From \|Tutoring\|^[A-Z][a-z]* [a-z]*$' || true
	}
	run -0 who env XDG_CONFIG_HOME=
	assert_output "From home"
	run -0 who env XDG_CONFIG_HOME="$d/xdg"
	assert_output "From xdg"
	cp "$d/cwd.conf" "$d/cwd/tally.conf"
	run -0 who env XDG_CONFIG_HOME="$d/xdg"
	assert_output "From cwd"
	cp "$d/books.conf" "$d/books/tally.conf"
	run -0 who env XDG_CONFIG_HOME="$d/xdg"
	assert_output "From books"
	run -0 who env XDG_CONFIG_HOME="$d/xdg" TALLY_CONF="$d/env.conf"
	assert_output "From env"
	run -1 --separate-stderr env TALLY_CONF="$d/missing.conf" tally-aging --date 2026-12-15 \
		--remind "$d/books/book.journal"
	assert_equal "$stderr" "tally-aging: $d/missing.conf: cannot open: No such file or directory"
}

@test "commodity symbols: 100 bytes are written whole; a longer one is refused with FILE:LINE" {
	s=$(printf 'X%.0s' $(seq 1 100))
	f=$(printf '2024-01-01 x\n    a  1 "%s"\n    b\n' "$s" | journal ok.journal)
	agrees "$f"
	run -0 tally-balance --no-total "$f"
	assert_line " 1 $s  a"
	f=$(printf '2024-01-01 x\n    a  1 %sY\n    b\n' "$s" | journal long.journal)
	run -1 --separate-stderr tally-print "$f"
	assert_equal "$stderr" "tally-print: $f:2: commodity symbol longer than 100 bytes: 1 ${s:0:38}"
	assert_output ""
}
