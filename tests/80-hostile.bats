#!/usr/bin/env bats
# Hostile input (issue 8): every command either handles each input correctly or exits 1
# with "tally-CMD: FILE:LINE: message"; none crashes (exit >= 128, a sanitizer report),
# hangs (20 s bound), or leaves a partial result on standard output.
# Small inputs live in tests/fixtures/hostile/; big ones are generated here.
load helper

H=$FIXTURES/hostile
POLICY=$TOP/share/policies/24-hour.policy

# clean_run CMD...: runs CMD under `timeout 20` and checks that it ended cleanly: exit 0,
# or exit 1 with a FILE:LINE diagnostic and nothing on standard output.
clean_run() {
	local out="$BATS_TEST_TMPDIR/out" err="$BATS_TEST_TMPDIR/err" rc
	timeout 20 "$@" > "$out" 2> "$err" < /dev/null && rc=0 || rc=$?
	if grep -qE 'Sanitizer|runtime error|Segmentation|Aborted|core dumped' "$err"; then
		echo "CRASH (sanitizer): $*"; cat "$err"; return 1
	fi
	case $rc in
	0) ;;
	1)
		if ! grep -qE '^tally-[a-z]+: [^:]+:[0-9]+: .' "$err"; then
			echo "exit 1 without FILE:LINE: $*"; head -5 "$err"; return 1
		fi
		if [ -s "$out" ]; then
			echo "exit 1 with output left on stdout: $*"; head -c 300 "$out"; return 1
		fi ;;
	124) echo "HANG (killed after 20 s): $*"; return 1 ;;
	*) echo "exit $rc: $*"; head -5 "$err"; return 1 ;;
	esac
	echo "$rc" > "$BATS_TEST_TMPDIR/rc"
}

# survive FILE...: each FILE through the commands that differ on it, each ending cleanly
# as clean_run says (tests/lib/survive, one process for the list).
survive() {
	command survive --policy "$POLICY" --out "$BATS_TEST_TMPDIR" "$@"
}

# refuse FILE 'MESSAGE': tally-print writes nothing and says exactly "tally-print: MESSAGE"
# (which starts with FILE:LINE). The first test runs every other command on the fixtures.
refuse() {
	run -1 --separate-stderr tally-print "$1"
	assert_equal "$output" ""
	assert_equal "$stderr" "tally-print: $2"
}

@test "hostile: every fixture journal through the commands that differ: clean exit, FILE:LINE on error" {
	local files=("$H"/*.journal)
	[ "${#files[@]}" -ge 40 ]
	run survive "${files[@]}"
	assert_success
	assert_output "${#files[@]} survived"
}

@test "hostile: NUL bytes and invalid UTF-8 are refused with the line" {
	cd "$H"
	refuse nul-byte.journal "nul-byte.journal:3: NUL byte in journal"
	refuse latin1.journal "latin1.journal:1: invalid UTF-8 byte 0xe9"
	refuse overlong-utf8.journal "overlong-utf8.journal:1: invalid UTF-8 byte 0xc0"
	refuse surrogate-utf8.journal "surrogate-utf8.journal:1: invalid UTF-8 byte 0xed"
	refuse cut-utf8.journal "cut-utf8.journal:1: invalid UTF-8 byte 0xe2"
}

@test "hostile: truncated files" {
	cd "$H"
	refuse truncated-date.journal "truncated-date.journal:1: invalid date: 2026-11-0"
	# Cut inside a tag or an amount, the rest still reads: written back byte for byte.
	for f in truncated-tag.journal truncated-amount.journal; do
		tally-print "$f" | cmp - "$f"
	done
}

@test "hostile: the example journal cut at 12 places" {
	local src=$EXAMPLES/practice.journal f=$BATS_TEST_TMPDIR/cut.journal size step at
	size=$(wc -c < "$src")
	step=$((size / 12 + 1))
	sanitized && step=$((size / 4 + 1))
	local cuts=()
	for ((at = step; at < size; at += step)); do
		head -c "$at" "$src" > "$f.$at"
		cuts+=("$f.$at")
	done
	run survive "${cuts[@]}"
	assert_success
	assert_output "${#cuts[@]} survived"
	# What reads is written back unchanged.
	for f in "${cuts[@]}"; do
		if tally-print "$f" > "$BATS_TEST_TMPDIR/p" 2>/dev/null; then
			cmp "$BATS_TEST_TMPDIR/p" "$f"
		fi
	done
}

@test "hostile: a 16 MB line is read and written back exactly" {
	sanitized && skip "16 MB: plain build only"
	local f=$BATS_TEST_TMPDIR/long.journal
	{
		printf '; '
		head -c 16777216 /dev/zero | tr '\0' x
		printf '\n2026-11-01 Long description '
		head -c 1000000 /dev/zero | tr '\0' y
		printf '\n    Assets:Bank  40.00 EUR\n    Income:Sessions\n'
	} > "$f"
	survive "$f"
	tally-print "$f" | cmp - "$f"
	run tally-balance -O csv "$f"
	assert_output "account,commodity,amount
Assets:Bank,EUR,40.00
Income:Sessions,EUR,-40.00"
}

@test "hostile: a 10,000-level account name" {
	local f=$BATS_TEST_TMPDIR/deep.journal name levels=10000
	# --tree makes every level an account named by its whole path: quadratic, 20 s under ASan.
	sanitized && levels=3000
	# awk, not a shell loop: bats traps every shell command, 20 s for 10,000 printfs.
	name=$(awk -v n=$levels 'BEGIN { printf "A"; for (i = 1; i < n; i++) printf ":a%d", i % 10 }')
	printf '2026-11-01 Deep\n    %s  40.00 EUR\n    Income:Sessions\n' "$name" > "$f"
	survive "$f"
	tally-print "$f" | cmp - "$f"
	run tally-balance -O csv "$f"
	assert_line --index 1 "$name,EUR,40.00"
}

@test "hostile: 1,000 postings in one entry balance as in ledger and hledger" {
	local f=$BATS_TEST_TMPDIR/wide.journal
	{
		printf '2026-11-01 Wide\n'
		awk 'BEGIN { for (i = 1; i <= 1000; i++)
			printf "    Expenses:E%04d  %d.%02d EUR\n", i, i / 100, i % 100 }'
		printf '    Assets:Bank\n'
	} > "$f"
	survive "$f"
	tally-print "$f" | cmp - "$f"
	agree "$f"
	grep -qx 'Assets:Bank,EUR,-5005.00' "$BATS_TEST_TMPDIR/t.csv"
}

@test "hostile: 18-digit amounts are exact and agree with ledger and hledger" {
	local f=$H/digits-18.journal
	survive "$f"
	tally-print "$f" | cmp - "$f"
	run tally-balance -O csv "$f"
	assert_output "account,commodity,amount
Assets:Bank,EUR,1999999999999999999.99
Assets:Receivable:ana,EUR,-123456789012345678.00
Income:Sessions,EUR,-1876543210987654321.99"
	agree "$f"
}

@test "hostile: a balance assignment through an alias (fuzz find: read past the name)" {
	local f=$H/alias-assignment.journal
	run -0 tally-balance -O csv "$f"
	assert_output "account,commodity,amount
Assets:Bank,EUR,10
Equity,EUR,-10"
	agree "$f" ledger
	run -0 tally-check "$f"
}

@test "hostile: 40-digit amounts and overflowing sums are errors, never wrong numbers" {
	cd "$H"
	refuse digits-40.journal \
		"digits-40.journal:2: amount too large to hold exactly: 1234567890123456789012345678901234567890"
	refuse decimals-40.journal \
		"decimals-40.journal:2: amount too large to hold exactly: 0.12345678901234567890123456789012345678"
	refuse int128-max.journal "int128-max.journal:1: amount too large to hold exactly"
	refuse sum-overflow.journal "sum-overflow.journal:1: amount too large to hold exactly"
	refuse price-overflow.journal "price-overflow.journal:2: amount too large to hold exactly"
	refuse scale-overflow.journal "scale-overflow.journal:1: amount too large to hold exactly"
	# Each entry holds, their running sum does not: the balance report refuses.
	run -1 --separate-stderr tally-balance balance-overflow.journal
	assert_equal "$output" ""
	assert_equal "$stderr" "tally-balance: balance-overflow.journal:5: balance of a too large to hold exactly"
}

@test "hostile: dates out of range" {
	cd "$H"
	refuse month-13.journal "month-13.journal:1: invalid date: 2026-13-01"
	refuse feb-30.journal "feb-30.journal:1: invalid date: 2026-02-30"
	refuse year-0.journal "year-0.journal:1: invalid date: 0000-01-01"
	refuse date2-31.journal "date2-31.journal:1: invalid date (secondary date)"
	refuse year-directive-huge.journal "year-directive-huge.journal:1: bad year: 99999999999999999999"
	run -1 --separate-stderr tally-print year-99999.journal
	assert_equal "$output" ""
	[[ $stderr == "tally-print: year-99999.journal:1: invalid date: "* ]]
	run -1 --separate-stderr tally-check cancelled-at-bad.journal
	assert_equal "$stderr" "tally-check: cancelled-at-bad.journal:1: cancelled-at: bad value 2026-19-99 25:61 (want YYYY-MM-DD HH:MM)"
}

@test "hostile: include cycles and missing includes" {
	cd "$H"
	refuse self.journal "self.journal:1: include cycle: self.journal includes itself"
	refuse cycle-a.journal "cycle-b.journal:2: include cycle: cycle-a.journal includes itself"
	refuse include-missing.journal \
		"include-missing.journal:1: cannot open no-such-file.journal: No such file or directory"
	# A deep chain of distinct files stops at the nesting limit, it does not exhaust anything.
	local d=$BATS_TEST_TMPDIR/chain i
	mkdir "$d"
	for ((i = 0; i < 100; i++)); do printf 'include f%d.journal\n' $((i + 1)) > "$d/f$i.journal"; done
	printf '2026-11-01 x\n    a  1 EUR\n    b\n' > "$d/f100.journal"
	survive "$d/f0.journal"
	run -1 --separate-stderr tally-print "$d/f0.journal"
	[[ $stderr == "tally-print: $d/f"*".journal:1: includes nested too deeply" ]]
}

@test "hostile: an include of standard input does not hang when stdin is a file" {
	printf 'include /dev/stdin\n' > "$BATS_TEST_TMPDIR/s.journal"
	clean_run tally-print "$BATS_TEST_TMPDIR/s.journal"
}

@test "hostile: every fuzz regression input, through every journal command" {
	local files=("$TOP"/tests/fuzz/regressions/journal/*)
	[ -e "${files[0]}" ]
	run survive "${files[@]}"
	assert_success
	assert_output "${#files[@]} survived"
}

# ---- bank CSV import ----

import_ok() {  # RULES CSV: tally-import ends cleanly; what it writes, tally reads back
	clean_run tally-import --rules "$1" "$2" || return 1
	if [ "$(cat "$BATS_TEST_TMPDIR/rc")" = 0 ]; then
		cp "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/imported.journal"
		tally-print "$BATS_TEST_TMPDIR/imported.journal" | cmp - "$BATS_TEST_TMPDIR/imported.journal"
	fi
}

@test "hostile: every fixture CSV with every fixture rules file" {
	local r c n=0
	for r in "$H"/*.rules; do
		for c in "$H"/*.csv; do
			clean_run tally-import --rules "$r" "$c" || { echo "rules $r, csv $c"; return 1; }
			n=$((n + 1))
		done
	done
	[ "$n" -ge 40 ]
}

@test "hostile: import errors name the CSV line" {
	cd "$H"
	run -1 --separate-stderr tally-import --rules plain.rules latin1.csv
	assert_equal "$output" ""
	assert_equal "$stderr" "tally-import: latin1.csv:1: not valid UTF-8 (for a Latin-1 export add the rule: encoding latin1)"
	run -1 --separate-stderr tally-import --rules plain.rules unclosed.csv
	assert_equal "$stderr" "tally-import: unclosed.csv:1: unterminated quoted field"
	run -1 --separate-stderr tally-import --rules plain.rules bad-date.csv
	[[ $stderr == "tally-import: bad-date.csv:1: cannot read \"2026-13-45\" as a date"* ]]
	run -1 --separate-stderr tally-import --rules plain.rules digits-40.csv
	[[ $stderr == "tally-import: digits-40.csv:1: amount: "*"amount too large to hold exactly)" ]]
	run -1 --separate-stderr tally-import --rules bad-regex.rules digits-18.csv
	[[ $stderr == "tally-import: bad-regex.rules:1: bad regular expression \"(unclosed\""* ]]
	run -1 --separate-stderr tally-import --rules include-cycle.rules digits-18.csv
	[[ $stderr == "tally-import: include-"*".rules:1: include: nested too deeply" ]]
}

@test "hostile: 18-digit CSV amounts import exactly" {
	import_ok "$H/plain.rules" "$H/digits-18.csv"
	run tally-balance -O csv "$BATS_TEST_TMPDIR/imported.journal"
	assert_output "account,commodity,amount
Assets:Bank,EUR,1000000000000000000.00
Income:Sessions,EUR,-1000000000000000000.00"
}

@test "hostile: a NUL byte in a CSV field does not reach the journal" {
	import_ok "$H/plain.rules" "$H/nul.csv"
	cd "$H"
	run -1 --separate-stderr tally-import --rules plain.rules nul.csv
	assert_equal "$output" ""
	assert_equal "$stderr" "tally-import: nul.csv:1: NUL byte in CSV"
}

@test "hostile: the catastrophic regex (a+)+\$ against a 100 kB field ends in bounded time" {
	local c=$BATS_TEST_TMPDIR/long.csv
	{
		printf '2026-11-03,'
		head -c 100000 /dev/zero | tr '\0' a
		printf 'b,10.00\n2026-11-04,aaaa,5.00\n'
	} > "$c"
	clean_run tally-import --rules "$H/catastrophic.rules" "$c"
	if [ "$(cat "$BATS_TEST_TMPDIR/rc")" = 1 ]; then
		grep -qx "tally-import: $c:1: pattern \"(a+)+\\$\" gave up (match limit exceeded)" \
			"$BATS_TEST_TMPDIR/err"
	fi
}

@test "hostile: a CSV with 1,000 columns" {
	local c=$BATS_TEST_TMPDIR/wide.csv i
	{
		printf 'c%d,' {0..999}
		printf 'end\n2026-11-03,Wide row,12.50'
		printf ',x%d' {3..1000}
		printf '\n'
	} > "$c"
	import_ok "$H/wide.rules" "$c"
	run tally-balance -O csv "$BATS_TEST_TMPDIR/imported.journal"
	assert_output "account,commodity,amount
Assets:Bank,EUR,12.50
Income:Sessions,EUR,-12.50"
}

@test "hostile: a 16 MB CSV field" {
	sanitized && skip "16 MB: plain build only"
	local c=$BATS_TEST_TMPDIR/big.csv
	{
		printf '2026-11-03,'
		head -c 16777216 /dev/zero | tr '\0' z
		printf ',1.00\n'
	} > "$c"
	import_ok "$H/plain.rules" "$c"
}

# The UTF-8 check takes AVX2 steps where the processor has them and SSE2 steps where not
# (TALLY_SIMD=sse2 forces the latter): both read every byte alike, whatever its place in a
# 64-byte block (the entries shift their letters by a byte each).
@test "hostile: the UTF-8 check reads alike with AVX2 and without (TALLY_SIMD=sse2)" {
	cd "$BATS_TEST_TMPDIR"
	local i bad line mode
	for ((i = 0; i < 70; i++)); do
		printf '2026-11-%02d Séance %*sZoë Müller\n    ; client: Zoë Müller%*s\n    assets:bank  %d.00 EUR\n    revenue:sessions:zoë\n\n' \
			$((i % 28 + 1)) $((i % 17)) '' $((i % 13)) '' $((i + 1))
	done > l.journal
	for mode in sse2 any; do
		TALLY_SIMD=$mode tally-print l.journal | cmp - l.journal
		# A valid three-byte letter (€) in the letters' blocks reads too.
		LC_ALL=C sed '102s/Séance/S€ance/' l.journal > euro.journal
		TALLY_SIMD=$mode tally-print euro.journal | cmp - euro.journal
		for bad in '\303(:0xc3' '\200:0x80' '\300\257:0xc0' '\355\240\200:0xed' '\342\202:0xe2'; do
			for line in 1 102 206 337 339; do
				LC_ALL=C sed "${line}s/oë/o$(printf "${bad%:*}")ë/" l.journal > bad.journal
				run -1 --separate-stderr env TALLY_SIMD=$mode tally-print bad.journal
				assert_equal "$output" ""
				assert_equal "$stderr" "tally-print: bad.journal:$line: invalid UTF-8 byte ${bad#*:}"
			done
		done
		LC_ALL=C sed '337s/oë/o\x00ë/' l.journal > nul.journal
		run -1 --separate-stderr env TALLY_SIMD=$mode tally-print nul.journal
		assert_equal "$stderr" "tally-print: nul.journal:337: NUL byte in journal"
	done
}

# A journal is read 256 KiB at a time and checked as each read comes (jsource.c): a read
# may end inside a letter, which waits for its other bytes. A file and the same bytes
# through a pipe (reads of another size) find every bad byte at its line.
@test "hostile: a file and the same bytes through a pipe read alike, bad bytes at every read's end" {
	cd "$BATS_TEST_TMPDIR"
	local line
	# 1.8 MB, three-byte letters (€) all through: some windows end inside one
	seq 12000 | awk '{ e = ""; for (i = 0; i < $1 % 12; i++) e = e "€"
		printf "2026-11-%02d Séance €€€€€€€ %d%s\n    ; client: Zoë\n    assets:bank  %d.00 EUR\n    revenue:sessions:zoë\n\n", $1 % 28 + 1, $1, e, $1 }' > l.journal
	[ "$(wc -c < l.journal)" -gt 1048576 ]
	tally-print l.journal | cmp - l.journal
	tally-print < l.journal | cmp - l.journal
	for line in 2 20002 30002 45002 59997; do
		LC_ALL=C sed "${line}s/oë/o\xe2\x82ë/" l.journal > bad.journal
		run -1 --separate-stderr tally-print bad.journal
		assert_equal "$stderr" "tally-print: bad.journal:$line: invalid UTF-8 byte 0xe2"
		assert_equal "$output" ""
		run -1 --separate-stderr tally-print < bad.journal
		assert_equal "$stderr" "tally-print: <stdin>:$line: invalid UTF-8 byte 0xe2"
	done
}
