#!/usr/bin/env bats
# tally-import against the CSV corpus (../shared/corpus/csv): every case must give the
# transactions hledger 1.25 gave (compared after normalising both with `hledger print`),
# every error case must fail naming the file and line and write nothing.
load helper

setup_file() {
	need_corpus csv
}

# Converts every case into $1/NAME.journal; prints the names that failed to convert.
convert_all() {
	local out=$1 d n
	for d in "$CORPUS"/csv/case-*; do
		n=${d##*/}
		(cd "$d" && tally-import --rules input.csv.rules input.csv) > "$out/$n.journal" \
			2> "$out/$n.err" || echo "$n"
	done
}

@test "import corpus: every case converts to what hledger 1.25 gives" {
	need hledger
	local out=$BATS_TEST_TMPDIR d n failed="" total=0 exp=() got=()
	run convert_all "$out"
	assert_output ""
	for d in "$CORPUS"/csv/case-*; do
		n=${d##*/}
		exp+=(-f "$d/expected.journal")
		got+=(-f "$out/$n.journal")
		total=$((total + 1))
	done
	[ "$total" -ge 29 ]
	# One hledger run per side keeps this fast; on a difference, find the cases (exact
	# values; a zero amount's commodity aside: 1.25 prints "0" where tally, as current
	# hledger, writes "$0").
	if ! cmp -s <(hledger -I "${exp[@]}" print -O csv) <(hledger -I "${got[@]}" print -O csv); then
		for d in "$CORPUS"/csv/case-*; do
			n=${d##*/}
			cmp -s <(hledger -I -f "$d/expected.journal" print -O csv 2>&1) \
				<(hledger -I -f "$out/$n.journal" print -O csv 2>&1) ||
				"$TOP/tests/lib/journal-same" "$d/expected.journal" "$out/$n.journal" ||
				failed="$failed $n"
		done
	fi
	assert_equal "$failed" ""
}

@test "import corpus: ledger reads every converted case (balance assertions aside)" {
	need ledger
	local out=$BATS_TEST_TMPDIR d n bad=""
	convert_all "$out" > /dev/null
	for d in "$CORPUS"/csv/case-*; do
		n=${d##*/}
		# Assertions from a bank's running balance need the account's history, which a
		# lone export lacks: check the rest with them taken out.
		sed 's/\([^ ]\) = [^;]*$/\1/' "$out/$n.journal" > "$out/$n.noassert"
		ledger -f "$out/$n.noassert" bal > /dev/null 2>&1 || bad="$bad $n"
	done
	assert_equal "$bad" ""
}

@test "import corpus: error cases fail with FILE:LINE and write nothing" {
	local d n failed="" total=0 st
	for d in "$CORPUS"/csv/errors/case-*; do
		n=${d##*/}
		total=$((total + 1))
		st=0
		(cd "$d" && tally-import --rules input.csv.rules input.csv) > "$BATS_TEST_TMPDIR/out" \
			2> "$BATS_TEST_TMPDIR/err" || st=$?
		if [ "$st" -ne 1 ] || [ -s "$BATS_TEST_TMPDIR/out" ] ||
		   ! grep -Eq '^tally-import: input\.csv(\.rules)?:[0-9]+: ' "$BATS_TEST_TMPDIR/err"; then
			failed="$failed $n"
		fi
	done
	[ "$total" -ge 11 ]
	assert_equal "$failed" ""
}

@test "import corpus: hledger's own csv.test, every case run without extra arguments (58 of 58)" {
	need hledger python3
	local cases=$BATS_TEST_TMPDIR/csvtest
	# tests/fixtures/hledger-csv/csv.test is hledger's file as it is (GPL-3.0-or-later,
	# see LICENSE and README.md there): cut into cases, each run as tally-import.
	run "$TOP/tests/lib/csvtest-cases" "$TOP/tests/fixtures/hledger-csv/csv.test" "$cases"
	assert_success
	assert_equal "$(grep -c $'\tok\t' <<< "$output")" 51
	assert_equal "$(grep -c $'\terror\t' <<< "$output")" 7
	run "$TOP/tests/lib/csvtest-run" "$cases"
	assert_success
	refute_output --partial FAIL
	assert_line --index 58 "passed 58 of 58"
}

@test "hledger's examples/csv with a stated output: 2 of 5 as stated (3 up to display rounding), all 5 as hledger 1.25 converts them" {
	need hledger
	local F=$FIXTURES/hledger-examples-csv d n t=$BATS_TEST_TMPDIR matched=
	[ -f "$F/LICENSE" ] || fail "the fixtures come with hledger's licence"
	for d in "$F"/*/; do
		n=$(basename "$d")
		(cd "$d" && tally-import --rules input.csv.rules input.csv) > "$t/$n.journal"
		(cd "$d" && hledger -f input.csv --rules-file input.csv.rules print) > "$t/$n.h125"
		journal-same "$t/$n.h125" "$t/$n.journal" || fail "$n: tally-import differs from hledger 1.25"
		if journal-same "$d/expected.journal" "$t/$n.journal" > /dev/null; then
			matched="$matched $n"
		fi
	done
	assert_equal "$matched" " manual-amazon manual-coinbase"
	# Bank of Ireland: the stated assertions are the display (one decimal) of 131.21 and 126
	sed 's/EUR131\.2$/EUR131.21/; s/EUR126\.0$/EUR126/' "$F/manual-bank-of-ireland/expected.journal" > "$t/boi"
	journal-same "$t/boi" "$t/manual-bank-of-ireland.journal"
	run -0 grep -c 'LODGMENT       529898' "$t/manual-bank-of-ireland.journal"
	assert_output 1
}
