#!/usr/bin/env bats
# tally-balance on both cores (lib/split.c): a journal read as two halves by two threads
# gives what the in-order reading gives, byte for byte (stdout, stderr, exit status), and
# falls back to the in-order reading where the second half depends on the first.
# TALLY_SPLIT=always splits small files too; TALLY_SPLIT_LOG records how each split ended.
load helper

setup() {
	LOG=$BATS_TEST_TMPDIR/split.log
	: > "$LOG"
}

# MM-DD of each day of 2020 (a leap year), as `date -u -d "2020-01-01 + N days" +%m-%d`
# gives them, without a date process per entry.
DAYS=()
for m in 1 2 3 4 5 6 7 8 9 10 11 12; do
	n=31
	case $m in 4 | 6 | 9 | 11) n=30 ;; 2) n=29 ;; esac
	for ((d = 1; d <= n; d++)); do printf -v md '%02d-%02d' "$m" "$d"; DAYS+=("$md"); done
done

# filler N START: N balanced entries, one a day from START (a day number in 2020).
filler() {
	local i
	for ((i = $2; i < $2 + $1; i++)); do
		printf '2020-%s * Session %d\n    assets:receivable:c%d    %d.50 EUR\n    revenue:sessions\n\n' \
			"${DAYS[i % 360]}" "$i" $((i % 7)) $((i % 90 + 10))
	done
}

# spread N ARRAY: ARRAY becomes N of its elements (or a few more), taken evenly through it:
# the sanitizers' sample of the corpus, which meets every source of it, not only the first.
spread() {
	local -n from=$2
	local i step=$(( ${#from[@]} / $1 )) s=()
	[ "$step" -ge 1 ] || return 0
	for ((i = 0; i < ${#from[@]}; i += step)); do s+=("${from[i]}"); done
	from=("${s[@]}")
}

# same FILE OUTCOME: split and in-order readings agree on FILE, and the split ended so.
same() {
	run split-same "$LOG" "$1"
	assert_success
	assert_output "1 passed, 0 failed"
	run sort -u "$LOG"
	assert_output "$2"
}

@test "split: every corpus journal gives the same report read in two halves" {
	need_corpus journals
	local files=("$CORPUS"/journals/*.journal)
	sanitized && spread 100 files
	run split-same "$LOG" "${files[@]}"
	assert_success
	assert_line --regexp '^[0-9]+ passed, 0 failed$'
	# Most of them are really summed from two halves, not read again in order.
	[ "$(grep -c '^summed$' "$LOG")" -gt "$(grep -c '^in order$' "$LOG")" ]
}

@test "split: a generated journal is summed from two halves, as read in order" {
	"$BENCH/gen-journal" 3000 7 > "$BATS_TEST_TMPDIR/g.journal"
	same "$BATS_TEST_TMPDIR/g.journal" summed
}

@test "split: a file of 4 MiB and more splits without being told" {
	sanitized && skip "a 4 MiB journal under sanitizers: the plain run covers it"
	"$BENCH/gen-journal" 25000 3 > "$BATS_TEST_TMPDIR/big.journal"
	TALLY_SPLIT= TALLY_SPLIT_LOG=$LOG tally-balance "$BATS_TEST_TMPDIR/big.journal" > "$BATS_TEST_TMPDIR/a"
	run cat "$LOG"
	assert_output summed
	TALLY_SPLIT=never tally-balance "$BATS_TEST_TMPDIR/big.journal" > "$BATS_TEST_TMPDIR/b"
	cmp "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
}

@test "split: an alias, a year or a commodity in the first half: read in order" {
	local d
	for d in 'alias revenue=income' 'apply account books' 'Y 2019' 'D 1.000,00 EUR' \
		'commodity 1.000,0000 EUR' 'decimal-mark ,'; do
		{ echo "$d"; echo; filler 200 0; } > "$BATS_TEST_TMPDIR/d.journal"
		: > "$LOG"
		same "$BATS_TEST_TMPDIR/d.journal" "in order"
	done
}

@test "split: an assertion or an assignment in the second half: read in order" {
	{ filler 200 0; printf '2020-12-30 x\n    assets:receivable:c1    1 EUR = %s\n    revenue:sessions\n\n' \
		"$(TALLY_SPLIT=never tally-balance -O csv <(filler 200 0) | awk -F, '$1 == "assets:receivable:c1" {printf "%.2f EUR", $3 + 1}')"; } \
		> "$BATS_TEST_TMPDIR/a.journal"
	same "$BATS_TEST_TMPDIR/a.journal" "in order"
	run tally-balance "$BATS_TEST_TMPDIR/a.journal"
	assert_success
	{ filler 200 0; printf '2020-12-30 x\n    assets:receivable:c1    = 0 EUR\n    revenue:sessions\n\n'; } \
		> "$BATS_TEST_TMPDIR/b.journal"
	: > "$LOG"
	same "$BATS_TEST_TMPDIR/b.journal" "in order"
}

@test "split: a mark the first half settled reads the second half's amounts" {
	# 1.000 EUR is a thousand once 1.000,50 EUR has settled the comma: not 1 EUR.
	{ printf '2020-01-01 x\n    a    1.000,50 EUR\n    b\n\n'; filler 200 1
	  printf '2020-12-30 y\n    a    1.000 EUR\n    b\n\n'; } > "$BATS_TEST_TMPDIR/m.journal"
	same "$BATS_TEST_TMPDIR/m.journal" "in order"
	run tally-balance -O csv "$BATS_TEST_TMPDIR/m.journal"
	assert_line "a,EUR,2000.50"
	# The same marks on both sides: nothing to fear, the halves are summed.
	{ printf '2020-01-01 x\n    a    1.000,50 EUR\n    b\n\n'; filler 200 1 | sed 's/\.50 EUR/,50 EUR/'
	  printf '2020-12-30 y\n    a    2.000,25 EUR\n    b\n\n'; } > "$BATS_TEST_TMPDIR/n.journal"
	: > "$LOG"
	same "$BATS_TEST_TMPDIR/n.journal" summed
}

@test "split: a mark the first half settled, a second half whose first amounts have both marks" {
	# "1000 EUR" and "-1,000.00 EUR" read alike whatever the first half settled, and teach
	# the second half the symbol and the point; its "10.50 EUR" then take the fast path,
	# which must still note that the comma settled first reads them as 1050 EUR.
	{ printf '2020-01-01 x\n    a    1.000,50 EUR\n    b\n\n'; filler 100 1 | sed 's/\.50 EUR/,50 EUR/'
	  for ((i = 0; i < 30; i++)); do
		printf '2020-06-01 y\n    a    1000 EUR\n    b    -1,000.00 EUR\n\n'
	  done
	  filler 100 101; } > "$BATS_TEST_TMPDIR/m.journal"
	same "$BATS_TEST_TMPDIR/m.journal" "in order"
}

@test "split: styles learned in the second half show as the in-order reading shows them" {
	# $ first without decimals (placement still open), then "$ 5.125" in the second half.
	{ printf '2020-01-01 x\n    a    $5\n    b\n\n'; filler 200 1
	  printf '2020-12-30 y\n    a    $ 5.125\n    b\n\n2020-12-31 z\n    c    7 GBP\n    d\n\n'; } \
		> "$BATS_TEST_TMPDIR/s.journal"
	same "$BATS_TEST_TMPDIR/s.journal" summed
	run tally-balance -O csv "$BATS_TEST_TMPDIR/s.journal"
	assert_line 'a,$,10.125'
	assert_line 'c,GBP,7'
}

@test "split: a comment block across the middle, an error past it: as read in order" {
	{ filler 100 0; echo 'comment'; filler 100 100; echo 'end comment'; echo; filler 20 200; } \
		> "$BATS_TEST_TMPDIR/c.journal"
	same "$BATS_TEST_TMPDIR/c.journal" "in order"
	{ filler 200 0; printf '2020-12-30 bad\n    a    1 EUR\n    b    2 EUR\n\n'; } \
		> "$BATS_TEST_TMPDIR/e.journal"
	: > "$LOG"
	same "$BATS_TEST_TMPDIR/e.journal" "in order"
	run tally-balance "$BATS_TEST_TMPDIR/e.journal"
	assert_failure 1
	assert_output --partial "e.journal:801: entry does not balance"
}

@test "split: an entry balanced only at display precision in the second half: in order" {
	{ printf '2020-01-01 x\n    a    1.000 EUR\n    b\n\n'; filler 200 1
	  printf '2020-12-30 y\n    a    1.0004 EUR\n    b    -1 EUR\n\n'; } > "$BATS_TEST_TMPDIR/p.journal"
	same "$BATS_TEST_TMPDIR/p.journal" "in order"
}

# ---- tally-report --income on both cores (income.c's income_split) ----------------------

# filler with a client tag: income per client and month
clients() {
	local i
	for ((i = $2; i < $2 + $1; i++)); do
		printf '2020-%s * Session %d\n    ; client: C%d\n    assets:receivable:c%d    %d.50 EUR\n    revenue:sessions\n\n' \
			"${DAYS[i % 360]}" "$i" $((i % 7)) $((i % 7)) $((i % 90 + 10))
	done
}

# income FILE OUTCOME: as same, for tally-report --income (txt, csv, json).
income() {
	SPLIT_SAME=income same "$@"
}

@test "split income: every corpus journal gives the same income read in two halves" {
	need_corpus journals
	local files=("$CORPUS"/journals/*.journal)
	sanitized && spread 100 files
	SPLIT_SAME=income run split-same "$LOG" "${files[@]}"
	assert_success
	assert_line --regexp '^[0-9]+ passed, 0 failed$'
	[ "$(grep -c '^summed$' "$LOG")" -gt "$(grep -c '^in order$' "$LOG")" ]
}

@test "split income: a generated journal is summed from two halves, as read in order" {
	"$BENCH/gen-journal" 3000 7 > "$BATS_TEST_TMPDIR/g.journal"
	income "$BATS_TEST_TMPDIR/g.journal" summed
	# and the table is the one hledger makes of it
	TALLY_SPLIT=always run tally-report --income -O csv "$BATS_TEST_TMPDIR/g.journal"
	assert_success
	assert_line --index 0 --regexp '^client,commodity,2015-01,'
	assert_line --regexp '^total,EUR,'
}

@test "split income: a file of 4 MiB and more splits without being told" {
	sanitized && skip "a 4 MiB journal under sanitizers: the plain run covers it"
	"$BENCH/gen-journal" 25000 3 > "$BATS_TEST_TMPDIR/big.journal"
	TALLY_SPLIT= TALLY_SPLIT_LOG=$LOG tally-report --income "$BATS_TEST_TMPDIR/big.journal" \
		> "$BATS_TEST_TMPDIR/a"
	run cat "$LOG"
	assert_output summed
	TALLY_SPLIT=never tally-report --income "$BATS_TEST_TMPDIR/big.journal" > "$BATS_TEST_TMPDIR/b"
	cmp "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
	# the overview reads in date order: it does not split (the log stays empty)
	: > "$LOG"
	TALLY_SPLIT= TALLY_SPLIT_LOG=$LOG tally-report "$BATS_TEST_TMPDIR/big.journal" > /dev/null
	[ ! -s "$LOG" ]
}

@test "split income: commodities first met in the second half, in another order" {
	{ clients 150 0; printf '2020-12-01 x\n    ; client: Z\n    a    7 GBP\n    revenue:x\n\n'
	  printf '2020-12-02 y\n    ; client: C1\n    a    $3.25\n    income:y\n\n'
	  printf '2020-12-03 z\n    a    2 EUR\n    revenue:z\n\n'; clients 150 150; } \
		> "$BATS_TEST_TMPDIR/k.journal"
	income "$BATS_TEST_TMPDIR/k.journal" summed
	run tally-report --income -O csv -p 2020-12 "$BATS_TEST_TMPDIR/k.journal"
	assert_line 'Z,GBP,7,7'
	assert_line 'C1,$,3.25,3.25'
	assert_line '(none),EUR,2.00,2.00'
}

@test "split income: the fall-backs of tally-balance fall back here too" {
	local d
	for d in 'alias revenue=income' 'Y 2019' 'commodity 1.000,0000 EUR'; do
		{ echo "$d"; echo; clients 200 0; } > "$BATS_TEST_TMPDIR/d.journal"
		: > "$LOG"
		income "$BATS_TEST_TMPDIR/d.journal" "in order"
	done
	{ clients 200 0; printf '2020-12-30 bad\n    a    1 EUR\n    b    2 EUR\n\n'; } \
		> "$BATS_TEST_TMPDIR/e.journal"
	: > "$LOG"
	income "$BATS_TEST_TMPDIR/e.journal" "in order"
	run tally-report --income "$BATS_TEST_TMPDIR/e.journal"
	assert_failure 1
	assert_output "tally-report: $BATS_TEST_TMPDIR/e.journal:1001: entry does not balance: off by 3.00 EUR"
}

@test "split income: a sum too large in the second half or at the cut: read in order" {
	local big=100000000000000000000000000000000000000
	# both in the second half: its own sum overflows
	{ clients 200 0; printf '2020-06-01 x\n    ; client: X\n    assets:a    %s EUR\n    revenue:a\n\n' $big
	  printf '2020-06-02 y\n    ; client: X\n    assets:b    %s EUR\n    revenue:b\n\n' $big; } \
		> "$BATS_TEST_TMPDIR/t.journal"
	income "$BATS_TEST_TMPDIR/t.journal" "in order"
	TALLY_SPLIT=always run tally-report --income "$BATS_TEST_TMPDIR/t.journal"
	assert_failure 1
	assert_output "tally-report: $BATS_TEST_TMPDIR/t.journal:1009: income of X too large to hold exactly"
	# one in each half, the same client and month: the sum at the cut overflows
	{ printf '2020-06-01 x\n    ; client: X\n    assets:a    %s EUR\n    revenue:a\n\n' $big
	  clients 200 0
	  printf '2020-06-02 y\n    ; client: X\n    assets:b    %s EUR\n    revenue:b\n\n' $big; } \
		> "$BATS_TEST_TMPDIR/m.journal"
	: > "$LOG"
	income "$BATS_TEST_TMPDIR/m.journal" "in order"
	TALLY_SPLIT=always run tally-report --income "$BATS_TEST_TMPDIR/m.journal"
	assert_failure 1
	assert_output "tally-report: $BATS_TEST_TMPDIR/m.journal:1009: income of X too large to hold exactly"
}

@test "split income: with query terms, one reader (no split to log)" {
	clients 300 0 > "$BATS_TEST_TMPDIR/q.journal"
	TALLY_SPLIT=always TALLY_SPLIT_LOG=$LOG run tally-report --income "$BATS_TEST_TMPDIR/q.journal" tag:client=C1
	assert_success
	[ ! -s "$LOG" ]
	assert_output "$(TALLY_SPLIT=never tally-report --income "$BATS_TEST_TMPDIR/q.journal" tag:client=C1)"
	# a period is no query term: it splits
	income "$BATS_TEST_TMPDIR/q.journal" summed
	TALLY_SPLIT=always TALLY_SPLIT_LOG=$LOG run tally-report --income -p 2020-03 "$BATS_TEST_TMPDIR/q.journal"
	assert_success
	run sort -u "$LOG"
	assert_output summed
}
