#!/usr/bin/env bats
# valgrind over a sample of the shared corpus (every 55th journal: 31 files) and a
# generated journal: no invalid read or write, no use of uninitialised memory, no leak.
# Skipped under ASan (TALLY_SANITIZED: the two don't mix) and when valgrind is missing.
load helper

setup() {
	sanitized && skip "valgrind and ASan don't mix"
	need valgrind
	need_corpus journals
	mapfile -t SAMPLE < <(ls "$CORPUS"/journals/*.journal | awk 'NR % 55 == 1')
}

# vg CMD ARGS...: runs under valgrind; exit 99 means valgrind found an error.
vg() {
	valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=all \
		--show-leak-kinds=all "$@"
}

# A run that valgrind passes: the command's own exit (0 or 1) and no report on stderr.
# Its standard output is left in $BATS_TEST_TMPDIR/vg.out.
vg_clean() {
	local rc out=$BATS_TEST_TMPDIR/vg.out err=$BATS_TEST_TMPDIR/vg.err
	vg "$@" > "$out" 2> "$err" && rc=0 || rc=$?
	[ "$rc" -lt 2 ] || { echo "exit $rc: $*"; head -40 "$err"; return 1; }
	! grep -q '^==[0-9]*==' "$err" || { head -40 "$err"; return 1; }
}

@test "valgrind: tally-print, tally-check and tally-balance over the corpus sample" {
	[ "${#SAMPLE[@]}" -ge 30 ]
	# Each file on its own would take minutes: the sample is read as one journal by each
	# command (an error in one file does not stop the reading of the others).
	vg_clean tally-print "${SAMPLE[@]}"
	vg_clean tally-check "${SAMPLE[@]}"
	vg_clean tally-balance --tree "${SAMPLE[@]}"
}

@test "valgrind: balances of the sample agree with ledger's (differential, 5 files)" {
	local f n=0 got=$BATS_TEST_TMPDIR/t.csv
	for f in "${SAMPLE[@]}"; do
		# Only files that tally reads the way ledger does: the others are 13-corpus's business.
		tally-balance -O csv "$f" > "$got" 2>/dev/null || continue
		compare-bal "${f%.journal}.bal.tsv" "$got" > /dev/null || continue
		vg_clean tally-balance -O csv "$f"
		compare-bal "${f%.journal}.bal.tsv" "$BATS_TEST_TMPDIR/vg.out"
		n=$((n + 1))
		[ $n -lt 5 ] || break
	done
	[ $n = 5 ]
}

@test "valgrind: a generated journal through print, balance, check and the session filters" {
	local f=$BATS_TEST_TMPDIR/g.journal
	"$BENCH/gen-journal" 500 7 > "$f"
	vg_clean tally-print "$f"
	cmp "$BATS_TEST_TMPDIR/vg.out" "$f"
	vg_clean tally-balance -O csv "$f"
	vg_clean tally-bill "$EXAMPLES/practice.journal"
	vg_clean tally-cancel --policy "$TOP/share/policies/24-hour.policy" "$EXAMPLES/practice.journal"
}

@test "valgrind: the hostile fixtures" {
	local h=$FIXTURES/hostile
	# One journal of several bad files: each error is reported and the reading goes on.
	vg_clean tally-check "$h"/{nul-byte,latin1,digits-40,balance-overflow,cycle-a,unbalanced,truncated-amount}.journal
	[ "$(wc -l < "$BATS_TEST_TMPDIR/vg.err")" -ge 6 ]
	vg_clean tally-balance -O csv "$h/digits-18.journal"
	grep -qx 'Assets:Bank,EUR,1999999999999999999.99' "$BATS_TEST_TMPDIR/vg.out"
}
