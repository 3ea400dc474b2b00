#!/usr/bin/env bats
# Faults (issue 12): every file tally changes goes through one write path (a temporary file
# beside it, fsync, checked close, rename), so typos, concurrent edits, full disks, kills and
# hostile paths never lose a line. Each case here failed before that path existed.
load helper

POL=$TOP/share/policies
POLICY=$POL/24-hour.policy

# books N: one client on the 24-hour policy and N session events, every 7th a no-show, so
# that tally-bill and tally-cancel both have edits to make.
books() {
	awk -v n="$1" 'BEGIN {
		print "2020-01-01 Agreement ; client: ana, rate: 45 EUR, policy: 24-hour"
		print ""
		for (i = 0; i < n; i++)
			printf "2020-%02d-%02d Session %d ; client: ana, session: %s\n",
				1 + int(i / 28) % 12, 1 + i % 28, i, i % 7 == 6 ? "no-show" : "held"
	}'
}

# A rules file and a bank export for tally-import.
bank() {
	printf 'fields date, description, amount\ncurrency EUR\naccount1 Assets:Bank\naccount2 Income:Other\n' \
		> "$BATS_TEST_TMPDIR/bank.rules"
	printf '2020-12-30,Interest,0.50\n2020-12-31,Refund,3.00\n' > "$BATS_TEST_TMPDIR/bank.csv"
}

# No temporary file of the write path (or of tally month) is left beside $1.
no_leftovers() {
	local left
	left=$(find "$(dirname "$1")" -maxdepth 1 -name ".$(basename "$1").*")
	[ -z "$left" ] || { echo "left over: $left"; return 1; }
}

# The -i commands, each with what it needs (tally-invoice on a billed journal).
inplace_cmd() {  # NAME FILE: runs the -i command NAME on FILE
	case $1 in
	bill) tally-bill -i "$2" ;;
	cancel) tally-cancel --policies "$POL" -i "$2" ;;
	invoice) tally-invoice -p 2020-03 -i "$2" ;;
	import) tally-import --rules "$BATS_TEST_TMPDIR/bank.rules" -i "$2" "$BATS_TEST_TMPDIR/bank.csv" ;;
	month) tally month -p 2020-03 -f "$2" --policies "$POL" -i --output-dir "$BATS_TEST_TMPDIR/st" ;;
	esac
}

# The journal each -i command starts from: N events (billed first for tally-invoice).
start_journal() {  # NAME N FILE
	if [ "$1" = invoice ]; then
		books "$2" | tally-bill > "$3"
	else
		books "$2" > "$3"
	fi
}

@test "faults: an output that names an input is refused before anything is written (exit 2)" {
	local d=$BATS_TEST_TMPDIR j c
	j=$d/j.journal
	books 30 > "$j"
	cp "$j" "$d/orig"
	ln -s j.journal "$d/link"
	ln "$j" "$d/hard"
	for n in "$j" "$d/link" "$d/hard"; do
		run -2 --separate-stderr tally-cancel --policies "$POL" -i "$j" --notices "$n"
		assert_equal "$stderr" "tally-cancel: $n: output file is an input file"
		cmp "$d/orig" "$j"
		run -2 --separate-stderr tally-cancel --policies "$POL" --notices "$n" "$j"
		assert_equal "$stderr" "tally-cancel: $n: output file is an input file"
		assert_equal "$output" ""
		cmp "$d/orig" "$j"
	done
	no_leftovers "$j"
	# standard output appended to an input, as cat refuses it
	for c in tally-print tally-balance tally-sessions tally-bill "tally-cancel --policies $POL" \
		"tally-invoice -p 2020-01" "tally-aging" "tally-statement --client ana -p 2020-01" \
		"tally-signoff --client ana" "tally-agreement --client ana"; do
		# shellcheck disable=SC2086
		run -2 --separate-stderr bash -c '"$@" >> "$0"' "$j" $c "$j"
		assert_equal "$stderr" "${c%% *}: $j: output file is an input file"
		cmp "$d/orig" "$j"
	done
	run -2 --separate-stderr bash -c 'tally-print < "$0" >> "$0"' "$j"
	assert_equal "$stderr" "tally-print: <stdin>: output file is an input file"
	cmp "$d/orig" "$j"
	# the notices file is also standard output: one of the two would be lost
	run -2 --separate-stderr bash -c 'tally-cancel --policies "$0" "$1" --notices "$2" > "$2"' \
		"$POL" "$j" "$d/n"
	assert_equal "$stderr" "tally-cancel: $d/n: standard output is also written as this file"
	# tally-import: appending to the --journal is its normal use; to the CSV, refused
	bank
	cp "$d/bank.csv" "$d/csv.orig"
	run -2 --separate-stderr bash -c 'tally-import --rules "$1" "$0" >> "$0"' "$d/bank.csv" "$d/bank.rules"
	assert_equal "$stderr" "tally-import: $d/bank.csv: output file is an input file"
	cmp "$d/csv.orig" "$d/bank.csv"
	tally-import --rules "$d/bank.rules" --journal "$j" "$d/bank.csv" >> "$j"
	grep -q '^2020-12-31 Refund' "$j"
}

@test "faults: an output that is a file the journal includes is refused, nothing written" {
	local d=$BATS_TEST_TMPDIR
	printf 'include clients.journal\n' > "$d/main.journal"
	books 20 > "$d/clients.journal"
	cp "$d/clients.journal" "$d/orig"
	run -1 --separate-stderr tally-cancel --policies "$POL" --notices "$d/clients.journal" "$d/main.journal"
	assert_equal "$stderr" "tally-cancel: $d/clients.journal: output file is an input file (included)"
	assert_equal "$output" ""
	cmp "$d/orig" "$d/clients.journal"
	no_leftovers "$d/clients.journal"
}

@test "faults: notices that cannot be written leave the journal untouched; the rerun writes them" {
	local j=$BATS_TEST_TMPDIR/j.journal
	books 30 > "$j"
	cp "$j" "$BATS_TEST_TMPDIR/orig"
	run -1 --separate-stderr tally-cancel --policies "$POL" -i "$j" --notices /dev/full
	assert_equal "$stderr" "tally-cancel: /dev/full: write error: No space left on device"
	cmp "$BATS_TEST_TMPDIR/orig" "$j"
	no_leftovers "$j"
	tally-cancel --policies "$POL" -i "$j" --notices "$BATS_TEST_TMPDIR/notices"
	! cmp -s "$BATS_TEST_TMPDIR/orig" "$j"
	grep -q '^Re: your session on 2020-01-14$' "$BATS_TEST_TMPDIR/notices"
}

@test "faults: two concurrent -i writers never lose an edit (20 runs)" {
	local d=$BATS_TEST_TMPDIR j i n=20 r1 r2 pid both=0 refused=0
	j=$d/j.journal
	sanitized && n=5
	books 3000 > "$d/orig"
	tally-bill "$d/orig" > "$d/bill-only"
	tally-cancel --policies "$POL" "$d/orig" > "$d/cancel-only"
	tally-cancel --policies "$POL" "$d/bill-only" > "$d/both"
	tally-bill "$d/cancel-only" | cmp - "$d/both"
	for i in $(seq $n); do
		cp "$d/orig" "$j"
		tally-bill -i "$j" 2> "$d/err1" & pid=$!
		r2=0
		tally-cancel --policies "$POL" -i "$j" 2> "$d/err2" || r2=$?
		r1=0
		wait $pid || r1=$?
		if cmp -s "$j" "$d/both"; then
			both=$((both + 1))
			[ $r1 = 0 ] && [ $r2 = 0 ]
		elif [ $r1 = 1 ] && cmp -s "$j" "$d/cancel-only"; then
			refused=$((refused + 1))
		elif [ $r2 = 1 ] && cmp -s "$j" "$d/bill-only"; then
			refused=$((refused + 1))
		else
			echo "run $i: an edit was lost (bill exit $r1, cancel exit $r2)"
			cat "$d/err1" "$d/err2"
			return 1
		fi
		no_leftovers "$j"
	done
	echo "# both edits: $both, one refused: $refused" >&3
	[ $((both + refused)) = $n ]
}

@test "faults: tally-import >> J beside a concurrent tally-bill -i J never loses the rows (20 runs)" {
	local d=$BATS_TEST_TMPDIR j i n=20 ri rb pid landed=0 refused=0
	j=$d/j.journal
	sanitized && n=5
	bank
	books 3000 > "$d/orig"
	tally-bill "$d/orig" > "$d/billed"
	for i in $(seq $n); do
		cp "$d/orig" "$j"
		tally-bill -i "$j" 2> "$d/err1" & pid=$!
		ri=0
		tally-import --rules "$d/bank.rules" --journal "$j" "$d/bank.csv" >> "$j" 2> "$d/err2" || ri=$?
		rb=0
		wait $pid || rb=$?
		[ $rb = 0 ] || { cat "$d/err1"; return 1; }
		if [ $ri = 0 ]; then
			# the rows are there, and so is the billing (before or after them)
			grep -q '^2020-12-31 Refund' "$j" || { echo "run $i: the rows were lost"; return 1; }
			grep -c 'Income:Sessions' "$j" | grep -qv '^0$'
			landed=$((landed + 1))
		else
			assert_equal "$ri" 1
			assert_equal "$(cat "$d/err2")" "tally-import: standard output's file was replaced by another program while this ran: nothing written; run the command again"
			cmp "$d/billed" "$j"
			refused=$((refused + 1))
		fi
	done
	echo "# rows landed: $landed, import refused: $refused" >&3
}

@test "faults: a journal saved by another program while -i works on it: refused, nothing lost" {
	local d=$BATS_TEST_TMPDIR j delay r n=40000
	j=$d/j.journal
	sanitized && n=10000
	books $n > "$d/orig"
	for delay in 0 0.05 0.1 0.2 0.4; do
		cp "$d/orig" "$j"
		tally-bill -i "$j" 2> "$d/err" & pid=$!
		sleep $delay
		# as an editor saves: a new file renamed over the journal
		{ cat "$d/orig"; echo "; a note written meanwhile"; } > "$d/editor.tmp"
		mv "$d/editor.tmp" "$j"
		r=0
		wait $pid || r=$?
		grep -q '^; a note written meanwhile$' "$j"
		if [ $r = 1 ]; then
			assert_equal "$(cat "$d/err")" "tally-bill: $j: changed since it was read (by another program?): nothing written; run the command again"
			{ cat "$d/orig"; echo "; a note written meanwhile"; } | cmp - "$j"
		else
			[ $r = 0 ]
		fi
		no_leftovers "$j"
	done
}

@test "faults: a full disk (ulimit -f) leaves the journal byte-identical, exit 1" {
	local d=$BATS_TEST_TMPDIR j c blocks
	j=$d/j.journal
	bank
	for c in bill cancel invoice import month; do
		start_journal $c 3000 "$j"
		cp "$j" "$d/orig"
		blocks=$(( $(wc -c < "$j") / 1024 / 2 ))
		run --separate-stderr bash -c 'ulimit -f "$0"; "$@"' "$blocks" inplace_cmd_shell $c "$j"
		[ "$status" = 1 ] || { echo "$c: exit $status"; return 1; }
		[[ $stderr == *"File too large"* ]] || { echo "$c: $stderr"; return 1; }
		cmp "$d/orig" "$j"
		no_leftovers "$j"
	done
	# the notices too
	books 3000 > "$j"
	cp "$j" "$d/orig"
	run -1 --separate-stderr bash -c 'ulimit -f 1; tally-cancel --policies "$0" -i "$1" --notices "$2"' \
		"$POL" "$j" "$d/notices"
	cmp "$d/orig" "$j"
	[ ! -e "$d/notices" ]
}

# inplace_cmd as a script of its own, for `bash -c` (ulimit) and for kill tests.
setup() {
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	{
		echo '#!/usr/bin/env bash'
		echo "POL='$POL' BATS_TEST_TMPDIR='$BATS_TEST_TMPDIR'"
		declare -f inplace_cmd
		echo 'inplace_cmd "$@"'
	} > "$BATS_TEST_TMPDIR/bin/inplace_cmd_shell"
	chmod +x "$BATS_TEST_TMPDIR/bin/inplace_cmd_shell"
	PATH=$BATS_TEST_TMPDIR/bin:$PATH
}

# kill_points NAME: SIGKILL the -i command NAME at several moments: the journal is the old
# version or the new one, never a mix.
kill_points() {
	local d=$BATS_TEST_TMPDIR j=$BATS_TEST_TMPDIR/k.journal n=20000 delay pid old=0 new=0 t0 ms k
	sanitized && n=4000
	start_journal "$1" $n "$d/old"
	cp "$d/old" "$j"
	t0=$(date +%s%N)
	inplace_cmd "$1" "$j" > /dev/null
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	cp "$j" "$d/new"
	! cmp -s "$d/old" "$d/new"
	# the kills spread over the run: from its start to just past its usual end
	for k in 1 2 4 6 8 10 12 16 20; do
		delay=$(awk -v ms=$ms -v k=$k 'BEGIN { printf "%.3f", ms * k / 12000 }')
		cp "$d/old" "$j"
		inplace_cmd_shell "$1" "$j" > /dev/null 2>&1 &
		pid=$!
		sleep "$delay"
		pkill -KILL -P $pid 2>/dev/null || true
		kill -KILL $pid 2>/dev/null || true
		wait $pid 2>/dev/null || true
		if cmp -s "$j" "$d/old"; then
			old=$((old + 1))
		elif cmp -s "$j" "$d/new"; then
			new=$((new + 1))
		else
			echo "$1, killed after $delay s: neither the old nor the new journal"
			return 1
		fi
		rm -f "$d"/.k.journal.*
	done
	echo "# $1 ($ms ms): old $old, new $new" >&3
}

@test "faults: SIGKILL at many points: tally-bill -i" { kill_points bill; }
@test "faults: SIGKILL at many points: tally-cancel -i" { kill_points cancel; }
@test "faults: SIGKILL at many points: tally-invoice -i" { kill_points invoice; }
@test "faults: SIGKILL at many points: tally-import -i" { bank; kill_points import; }
@test "faults: SIGKILL at many points: tally month -i" { kill_points month; }

@test "faults: a symlinked journal stays a symlink, for every -i command and tally month" {
	local d=$BATS_TEST_TMPDIR c
	bank
	mkdir "$d/real"
	for c in bill cancel invoice import month; do
		start_journal $c 40 "$d/real/j.journal"
		cp "$d/real/j.journal" "$d/want"
		inplace_cmd $c "$d/want" > /dev/null
		ln -sf real/j.journal "$d/link.journal"
		inplace_cmd $c "$d/link.journal" > /dev/null
		[ -L "$d/link.journal" ] || { echo "$c: the link was replaced"; return 1; }
		cmp "$d/want" "$d/real/j.journal"
		no_leftovers "$d/real/j.journal"
	done
}

@test "faults: -i keeps the journal's owner, group and mode (run as root)" {
	[ "$(id -u)" = 0 ] || skip "needs root: only root can give a file to another user"
	local j=$BATS_TEST_TMPDIR/j.journal c
	bank
	for c in bill cancel invoice import month; do
		start_journal $c 40 "$j"
		chown nobody:nogroup "$j"
		chmod 640 "$j"
		inplace_cmd $c "$j" > /dev/null
		[ "$(stat -c '%U:%G %a' "$j")" = "nobody:nogroup 640" ] || {
			echo "$c: $(stat -c '%U:%G %a' "$j")"
			return 1
		}
	done
}

@test "faults: standard output and error in one file keep the error; apart, no partial output" {
	local d=$BATS_TEST_TMPDIR
	{ books 30; printf '2020-03-01 Unbalanced\n    a  1 EUR\n    b  2 EUR\n'; } > "$d/bad.journal"
	tally-bill "$d/bad.journal" > "$d/log" 2>&1 || true
	assert_equal "$(cat "$d/log")" "tally-bill: $d/bad.journal:33: entry does not balance: off by 3 EUR"
	echo "earlier line" > "$d/log"
	run -1 bash -c 'tally-bill "$0" >> "$1" 2>&1' "$d/bad.journal" "$d/log"
	assert_equal "$(cat "$d/log")" "earlier line
tally-bill: $d/bad.journal:33: entry does not balance: off by 3 EUR"
	echo "earlier line" > "$d/out"
	run -1 bash -c 'tally-bill "$0" >> "$1" 2> "$2"' "$d/bad.journal" "$d/out" "$d/err"
	assert_equal "$(cat "$d/out")" "earlier line"
	assert_equal "$(cat "$d/err")" "tally-bill: $d/bad.journal:33: entry does not balance: off by 3 EUR"
}

@test "faults: several files are one journal: no final newline, an open comment block" {
	local d=$BATS_TEST_TMPDIR
	printf '2026-01-01 a\n    Assets:Bank  1 EUR\n    Income:A' > "$d/a.journal"
	printf '2026-01-01 c\n    Assets:Bank  4 EUR\n    Income:C\ncomment\nnot an entry\n' > "$d/c.journal"
	printf '2026-01-02 b\n    Assets:Bank  2 EUR\n    Income:B\n' > "$d/b.journal"
	run -0 tally-print "$d/a.journal" "$d/b.journal"
	assert_output "2026-01-01 a
    Assets:Bank  1 EUR
    Income:A
2026-01-02 b
    Assets:Bank  2 EUR
    Income:B"
	run -0 tally-print "$d/c.journal" "$d/b.journal"
	assert_output "2026-01-01 c
    Assets:Bank  4 EUR
    Income:C
comment
not an entry
end comment
2026-01-02 b
    Assets:Bank  2 EUR
    Income:B"
	# a filter's output means what its inputs meant: the oracles agree
	for pair in "a b" "c b" "a c b"; do
		set -- $pair
		local args=() fs=()
		for f; do args+=("$d/$f.journal"); fs+=(-f "$d/$f.journal"); done
		tally-bill "${args[@]}" > "$d/out.journal"
		hledger "${fs[@]}" bal -N Income > "$d/want"
		hledger -f "$d/out.journal" bal -N Income | diff "$d/want" -
		ledger "${fs[@]}" bal Income > "$d/want"
		ledger -f "$d/out.journal" bal Income | diff "$d/want" -
	done
	grep -q '^ *-2 EUR *B$' "$d/want"
	# an invoice appended after an open block stays an entry
	printf '2026-01-01 Agreement ; client: ana, rate: 45 EUR\n2026-01-05 Lesson ; client: ana, session: held\n    Assets:Unbilled:ana  45 EUR\n    Income:Sessions\ncomment\nopen' > "$d/open.journal"
	tally-invoice -p 2026-01 "$d/open.journal" > "$d/inv.journal"
	hledger -f "$d/inv.journal" bal -N Assets:Receivable | grep -q '45 EUR'
}

@test "faults: appending to a journal that ends inside an open comment block is refused" {
	local d=$BATS_TEST_TMPDIR
	bank
	printf '2020-01-01 x\n    Assets:Bank  1 EUR\n    Income:X\n\ncomment\nold notes\n' > "$d/j.journal"
	cp "$d/j.journal" "$d/orig"
	run -1 --separate-stderr tally-import --rules "$d/bank.rules" --journal "$d/j.journal" "$d/bank.csv"
	assert_equal "$stderr" "tally-import: $d/j.journal:5: the journal ends inside this comment block: what is appended would be comment too (add \`end comment\` first)"
	assert_equal "$output" ""
	run -1 --separate-stderr tally-import --rules "$d/bank.rules" -i "$d/j.journal" "$d/bank.csv"
	assert_equal "${stderr_lines[0]}" "tally-import: $d/j.journal:5: the journal ends inside this comment block: what is appended would be comment too (add \`end comment\` first)"
	run -1 tally month -p 2020-12 -f "$d/j.journal" --rules "$d/bank.rules" --csv "$d/bank.csv" -i \
		--output-dir "$d/st"
	cmp "$d/orig" "$d/j.journal"
	# closed, it is fine
	echo "end comment" >> "$d/j.journal"
	tally-import --rules "$d/bank.rules" -i "$d/j.journal" "$d/bank.csv"
	hledger -f "$d/j.journal" bal -N Assets:Bank | grep -q '4.50 EUR'
}

@test "faults: tally month reads the journal from its path: include resolves beside it" {
	local d=$BATS_TEST_TMPDIR
	bank
	mkdir "$d/books" "$d/elsewhere"
	printf '2020-01-01 Agreement ; client: ana, rate: 45 EUR\n' > "$d/books/clients.journal"
	printf '2020-01-01 Agreement ; client: ana, rate: 99 EUR\n' > "$d/elsewhere/clients.journal"
	printf 'include clients.journal\n\n2020-12-03 Lesson ; client: ana, session: held\n' > "$d/books/j.journal"
	cd "$d/elsewhere"
	tally month -p 2020-12 -f "$d/books/j.journal" --rules "$d/bank.rules" --csv "$d/bank.csv" \
		-i --output-dir "$d/st" > /dev/null
	! grep -q '99' "$d/books/j.journal"
	grep -q '^2020-12-31 Refund' "$d/books/j.journal"
	hledger -f "$d/books/j.journal" bal -N Income:Sessions | grep -qE -- '-45(\.00)? EUR'
}

@test "faults: tally month: a failure at a late step leaves the journal byte-identical" {
	local d=$BATS_TEST_TMPDIR j
	j=$d/j.journal
	books 40 > "$j"
	cp "$j" "$d/orig"
	# the statements step fails (a language it does not know), after cancel, bill, invoice
	run -1 --separate-stderr tally month -p 2020-02 -f "$j" --policies "$POL" -i --lang xx \
		--output-dir "$d/st"
	[[ ${stderr_lines[0]} == "tally-statement: "* ]]
	assert_equal "$output" ""
	cmp "$d/orig" "$j"
	no_leftovers "$j"
	[ -z "$(ls -A "$d/st")" ]
}

@test "faults: tally month interrupted (SIGINT) leaves the journal and no temporary file" {
	local d=$BATS_TEST_TMPDIR j pid n=20000 delay
	j=$d/j.journal
	sanitized && n=4000
	books $n > "$d/orig"
	for delay in 0.05 0.2 0.5; do
		cp "$d/orig" "$j"
		tally-month -p 2020-03 -f "$j" --policies "$POL" -i --output-dir "$d/st" > /dev/null 2>&1 &
		pid=$!
		sleep $delay
		kill -INT $pid 2>/dev/null || true
		wait $pid || true
		# interrupted, the old journal; finished first, the new one: never a mix, no litter
		cmp -s "$d/orig" "$j" || grep -q '^    ; invoice: 2020-0001' "$j"
		no_leftovers "$j"
		[ -z "$(find "$d/st" -name '.*')" ]
	done
}

@test "faults: smaller items: periods past 9999, FIFOs, directories, /dev/zero" {
	local d=$BATS_TEST_TMPDIR
	books 3 > "$d/j.journal"
	run -2 --separate-stderr tally-invoice -p 9999-12 "$d/j.journal"
	assert_equal "$stderr" "tally-invoice: invoices for this period would be dated after 9999-12-31; give --date"
	assert_equal "$output" ""
	mkfifo "$d/fifo"
	printf '2020-01-01 x\n    a  1 EUR\n    b\ninclude fifo\n' > "$d/inc.journal"
	run -1 --separate-stderr timeout 10 tally-print "$d/inc.journal"
	assert_equal "$stderr" "tally-print: $d/inc.journal:4: cannot include $d/fifo: not a regular file"
	run -1 --separate-stderr tally-print "$d"
	assert_equal "$stderr" "tally-print: $d: cannot read: is a directory"
	run -1 --separate-stderr script -qec "env LEDGER_FILE='$d' tally-print" /dev/null
	[[ $output == *"tally-print: $d: cannot read: is a directory"* ]]
	run -1 --separate-stderr tally-print /dev/zero
	assert_equal "$stderr" "tally-print: /dev/zero:1: entry longer than 256 MiB"
}

# cut_short CMD REGEX: CMD over whole.journal cut short as it reads: exit 1, its one line
# of standard error matching REGEX.
cut_short() {
	cp whole.journal cut.journal
	run "$TOP/tests/lib/cut-short" cut.journal "$1"
	assert_success
	assert_line --index 0 1
	assert_line --index 1 --regexp "$2"
	assert_equal "${#lines[@]}" 2
}

# A journal cut short by another program while it is read ends early: what came may stop
# in the middle of an entry, and an answer from it would look complete. The reader
# compares the file's size with what it read at the end (jsource.c's src_end); the book,
# which knows the file's size from the start, may see it first.
@test "faults: a journal cut short while it is read: FILE named, exit 1, no answer" {
	cd "$BATS_TEST_TMPDIR"
	# 29 MB: the reader takes some 30 ms over it, and is stopped as soon as it has read some
	seq 200000 | awk '{printf "2026-11-02 Entry %05d with a description long enough to fill the pipe\n    ; client: Zoë Müller\n    Assets:Bank  1.00 EUR\n    Income:Sessions\n\n", $1}' > whole.journal
	cut_short tally-print '^tally-print: cut\.journal:[0-9]+: file cut short while it was read$'
	cut_short tally-check '^tally-check: cut\.journal(:[0-9]+: file cut short while it was read|: changed since it was read \(by another program\?\): nothing written; run the command again)$'
}

# A file in /proc says it is 0 bytes long whatever it holds: read to its end, it is not
# "cut short" (src_end compares with the size it had when opened).
@test "faults: a /proc file, whose size says nothing, is read to its end without a cut-short error" {
	run -1 --separate-stderr tally-print /proc/self/mounts
	[[ $stderr == "tally-print: /proc/self/mounts:1: "* ]]
	[[ $stderr != *"cut short"* ]]
}

@test "faults: UBSan regressions: a cost finer than the precision, an elided -2^127" {
	run -1 --separate-stderr tally-print "$TOP/tests/fuzz/regressions/journal/cost-finer-than-precision"
	assert_equal "$stderr" "tally-print: $TOP/tests/fuzz/regressions/journal/cost-finer-than-precision:1: entry does not balance: off by -\$89999999999999999999999999999.000000000"
	run -1 --separate-stderr tally-print "$TOP/tests/fuzz/regressions/journal/elided-int128-min"
	assert_equal "$stderr" "tally-print: $TOP/tests/fuzz/regressions/journal/elided-int128-min:1: amount too large to hold exactly"
}

@test "faults: make demo installs what is missing first, as make check does" {
	run -0 make -C "$TOP" -n demo
	assert_line --partial 'dpkg -s'
}

@test "faults: valgrind: the write path commits, refuses and aborts without a leak or an error" {
	sanitized && skip "valgrind and ASan don't mix"
	command -v valgrind > /dev/null || fail "valgrind is missing: make deps"
	local d=$BATS_TEST_TMPDIR rc
	books 60 > "$d/j.journal"
	vg() {
		rc=0
		valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=all \
			--show-leak-kinds=all "$@" > /dev/null 2> "$d/vg.err" || rc=$?
		[ $rc -lt 2 ] && ! grep -q '^==[0-9]*==' "$d/vg.err" || { cat "$d/vg.err"; return 1; }
	}
	vg tally-cancel --policies "$POL" -i "$d/j.journal" --notices "$d/notices"
	[ $rc = 0 ]
	vg tally-cancel --policies "$POL" -i "$d/j.journal" --notices "$d/j.journal" || [ $rc = 2 ]
	books 60 > "$d/j2.journal"
	vg tally-cancel --policies "$POL" -i "$d/j2.journal" --notices /dev/full
	[ $rc = 1 ]
	mkdir "$d/st"
	vg tally-statement --all -p 2020-01 --output-dir "$d/st" "$d/j.journal"
	[ $rc = 0 ]
	vg bash -c 'exec "$@" >> "$0"' "$d/j.journal" tally-print "$d/j.journal" || [ $rc = 2 ]
	books 60 > "$d/m.journal"
	vg tally-month -p 2020-02 -f "$d/m.journal" --policies "$POL" -i --output-dir "$d/m"
	[ $rc = 0 ]
	vg tally-month -p 2020-02 -f "$d/m.journal" --policies "$POL" -i --lang xx --output-dir "$d/m"
	[ $rc = 1 ]
}
