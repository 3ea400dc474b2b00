#!/usr/bin/env bats
# In-place edits (-i FILE): the result goes to a temporary file beside FILE, is fsynced and
# renamed over it with FILE's permissions; on any error FILE is untouched. Killed mid-write
# (SIGKILL), FILE is the old version or the new one, never a mix.
load helper

POLICY=$TOP/share/policies/24-hour.policy

# A journal with one client, a rate and N held sessions for tally-bill to price.
sessions() {
	awk -v n="$1" 'BEGIN {
		print "2020-01-01 Agreement ; client: ana, rate: 45 EUR"
		print ""
		for (i = 0; i < n; i++)
			printf "2020-%02d-%02d Session %d ; client: ana, session: held\n",
				1 + int(i / 28) % 12, 1 + i % 28, i
	}'
}

# No temporary file is left beside FILE.
no_leftovers() {
	local left
	left=$(find "$(dirname "$1")" -name ".$(basename "$1").tally*")
	[ -z "$left" ] || { echo "left over: $left"; return 1; }
}

@test "in-place: bill, cancel, invoice and import replace the file with their output" {
	local d=$BATS_TEST_TMPDIR f
	f=$d/practice.journal
	cp "$EXAMPLES/practice.journal" "$f"

	tally-bill "$f" > "$d/want"
	! cmp -s "$d/want" "$f"
	tally-bill -i "$f"
	cmp "$d/want" "$f"
	no_leftovers "$f"

	cp "$EXAMPLES/practice.journal" "$f"
	tally-cancel --policy "$POLICY" "$f" > "$d/want"
	tally-cancel --policy "$POLICY" -i "$f"
	cmp "$d/want" "$f"

	tally-bill "$f" > "$d/billed" && cp "$d/billed" "$f"
	tally-invoice -p 2026-02 --date 2026-03-01 "$f" > "$d/want"
	! cmp -s "$d/want" "$f"
	tally-invoice -p 2026-02 --date 2026-03-01 -i "$f"
	cmp "$d/want" "$f"
	no_leftovers "$f"

	printf 'fields date, description, amount\ncurrency EUR\naccount1 Assets:Bank\naccount2 Income:Other\n' > "$d/r.rules"
	printf '2026-03-02,Interest,0.50\n' > "$d/bank.csv"
	cp "$f" "$d/before"
	tally-import --rules "$d/r.rules" -i "$f" "$d/bank.csv"
	cmp -n "$(wc -c < "$d/before")" "$d/before" "$f"
	grep -q '^2026-03-02 Interest' "$f"
	no_leftovers "$f"
}

@test "in-place: permissions are kept" {
	local f=$BATS_TEST_TMPDIR/p.journal
	sessions 5 > "$f"
	chmod 640 "$f"
	tally-bill -i "$f"
	[ "$(stat -c %a "$f")" = 640 ]
	chmod 604 "$f"
	tally-cancel --policy "$POLICY" -i "$f"
	[ "$(stat -c %a "$f")" = 604 ]
}

@test "in-place: a symlinked journal is updated through the link, the link stays" {
	local d=$BATS_TEST_TMPDIR
	sessions 3 > "$d/real.journal"
	ln -s real.journal "$d/link.journal"
	tally-bill "$d/real.journal" > "$d/want"
	tally-bill -i "$d/link.journal"
	[ -L "$d/link.journal" ]
	cmp "$d/want" "$d/real.journal"
}

@test "in-place: on a data error the file is untouched and nothing is left beside it" {
	local f=$BATS_TEST_TMPDIR/bad.journal c
	{ sessions 50; printf '2020-03-01 Unbalanced\n    a  1 EUR\n    b  2 EUR\n'; } > "$f"
	cp "$f" "$BATS_TEST_TMPDIR/orig"
	for c in "tally-bill" "tally-cancel --policy $POLICY" "tally-invoice -p 2020-02 --date 2020-03-01"; do
		# shellcheck disable=SC2086
		run -1 --separate-stderr $c -i "$f"
		assert_equal "$output" ""
		assert_equal "$stderr" "${c%% *}: $f:53: entry does not balance: off by 3 EUR"
		cmp "$BATS_TEST_TMPDIR/orig" "$f"
		no_leftovers "$f"
	done
	printf 'fields date, description, amount\ncurrency EUR\naccount1 Assets:Bank\n' > "$BATS_TEST_TMPDIR/r.rules"
	printf '2026-13-02,Bad date,0.50\n' > "$BATS_TEST_TMPDIR/bank.csv"
	run -1 --separate-stderr tally-import --rules "$BATS_TEST_TMPDIR/r.rules" -i "$f" "$BATS_TEST_TMPDIR/bank.csv"
	cmp "$BATS_TEST_TMPDIR/orig" "$f"
	no_leftovers "$f"
}

@test "in-place: a missing file or a directory is refused" {
	run -1 --separate-stderr tally-bill -i "$BATS_TEST_TMPDIR/none.journal"
	assert_equal "$stderr" "tally-bill: $BATS_TEST_TMPDIR/none.journal: cannot edit in place: No such file or directory"
	run -1 --separate-stderr tally-bill -i "$BATS_TEST_TMPDIR"
	assert_equal "$stderr" "tally-bill: $BATS_TEST_TMPDIR: cannot edit in place: not a regular file"
}

@test "in-place: a directory without write permission: refused, file untouched" {
	[ "$(id -u)" = 0 ] && skip "root writes anywhere"
	local d=$BATS_TEST_TMPDIR/ro
	mkdir "$d"
	sessions 3 > "$d/j.journal"
	cp "$d/j.journal" "$BATS_TEST_TMPDIR/orig"
	chmod 555 "$d"
	run -1 --separate-stderr tally-bill -i "$d/j.journal"
	chmod 755 "$d"
	[[ $stderr == "tally-bill: $d/j.journal: cannot create a temporary file beside it: "* ]]
	cmp "$BATS_TEST_TMPDIR/orig" "$d/j.journal"
}

@test "in-place: SIGKILL mid-write leaves the old file or the new one, never a mix" {
	local d=$BATS_TEST_TMPDIR f n=60000 delay pid killed=0 old=0 new=0
	f=$d/big.journal
	sanitized && n=15000
	sessions $n > "$d/old"
	tally-bill "$d/old" > "$d/new"
	for delay in 0.02 0.05 0.1 0.15 0.2 0.3 0.4 0.6; do
		cp "$d/old" "$f"
		tally-bill -i "$f" &
		pid=$!
		sleep "$delay"
		kill -KILL $pid 2>/dev/null || true
		wait $pid 2>/dev/null || true
		if cmp -s "$f" "$d/old"; then
			old=$((old + 1))
		elif cmp -s "$f" "$d/new"; then
			new=$((new + 1))
		else
			echo "after $delay s: $f is neither the old nor the new version"
			return 1
		fi
		# A temporary file left behind proves this kill came mid-write.
		if [ -n "$(find "$d" -name '.big.journal.tally*')" ]; then
			killed=$((killed + 1))
			rm -f "$d"/.big.journal.tally*
		fi
	done
	echo "# old: $old, new: $new, killed mid-write: $killed" >&3
	[ $killed -ge 1 ]
	[ $((old + new)) = 8 ]
}

@test "in-place: a dangling symlink is refused, and nothing is created where it points" {
	local d=$BATS_TEST_TMPDIR
	ln -s nowhere.journal "$d/link.journal"
	run -1 --separate-stderr tally-bill -i "$d/link.journal"
	assert_equal "$stderr" "tally-bill: $d/link.journal: cannot edit in place: cannot follow the symbolic link: No such file or directory"
	[ ! -e "$d/nowhere.journal" ]
	[ -L "$d/link.journal" ]
}

@test "in-place: a read-only journal keeps its mode; its directory is what must be writable" {
	local f=$BATS_TEST_TMPDIR/ro.journal
	sessions 5 > "$f"
	chmod 444 "$f"
	tally-bill "$f" > "$BATS_TEST_TMPDIR/want"
	tally-bill -i "$f"
	cmp "$BATS_TEST_TMPDIR/want" "$f"
	[ "$(stat -c %a "$f")" = 444 ]
	no_leftovers "$f"
}

@test "in-place: tally month -i replaces the journal the same way (mode, link, no leftovers)" {
	local d=$BATS_TEST_TMPDIR
	cp "$EXAMPLES/practice.journal" "$d/real.journal"
	chmod 604 "$d/real.journal"
	ln -s real.journal "$d/link.journal"
	tally-cancel --policies "$TOP/share/policies" "$d/real.journal" | tally-bill |
		tally-invoice -p 2026-03 > "$d/want"
	tally month -p 2026-03 -f "$d/link.journal" --policies "$TOP/share/policies" -i \
		--output-dir "$d/st" > /dev/null
	[ -L "$d/link.journal" ]
	cmp "$d/want" "$d/real.journal"
	[ "$(stat -c %a "$d/real.journal")" = 604 ]
	[ -z "$(find "$d" -maxdepth 1 -name '.*journal*')" ]
}
