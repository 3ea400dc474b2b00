# helper.bash: loaded by every tests/*.bats file.
# Puts the binaries under test first on PATH ($TALLY_BIN: bin/ or the sanitizer build's
# bin-san/), loads bats-support and bats-assert, and names the shared test data.
bats_require_minimum_version 1.5.0

TOP=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
TALLY_BIN=${TALLY_BIN:-$TOP/bin}
PATH="$TALLY_BIN:$TOP/tests/lib:$PATH"
SHARED=${TALLY_SHARED:-$TOP/../shared}
CORPUS=$SHARED/corpus
BENCH=$SHARED/bench
FIXTURES=$TOP/tests/fixtures
EXAMPLES=$TOP/share/examples
export TZ=UTC LC_ALL=C.UTF-8
unset LEDGER_FILE

# python3 is Debian's (make deps), not the first one on PATH: a version manager's shim
# there (pyenv's is a shell script that starts `pyenv exec`) triples the cost of each of
# the suite's hundreds of helper, oracle and generator runs. One link per run, found first.
if [ -x /usr/bin/python3 ] && [ -n "${BATS_RUN_TMPDIR:-}" ]; then
	[ -e "$BATS_RUN_TMPDIR/python/python3" ] ||
		{ mkdir -p "$BATS_RUN_TMPDIR/python" &&
		  ln -s /usr/bin/python3 "$BATS_RUN_TMPDIR/python/python3"; } 2> /dev/null || true
	PATH="$BATS_RUN_TMPDIR/python:$PATH"
fi

# load_lib DIR: what DIR/load.bash sources, without its `$(dirname ...)` per file: that is
# a fork and an exec of dirname for each of a dozen files, some 30 ms of every test's start
# (1,118 test starts a `make check`). Any other line: DIR/load.bash as it is.
load_lib() {
	local line src=()
	while IFS= read -r line; do
		case $line in
		'' | '#'*) ;;
		'source "$(dirname "${BASH_SOURCE[0]}")/'*'"')
			line=${line#'source "$(dirname "${BASH_SOURCE[0]}")/'}
			src+=("$1/${line%'"'}") ;;
		*) load "$1/load"; return ;;
		esac
	done < "$1/load.bash"
	for line in "${src[@]}"; do
		source "$line"
	done
}

for lib in /usr/lib/bats /usr/lib/bats-core /usr/local/lib; do
	if [ -f "$lib/bats-support/load.bash" ]; then
		load_lib "$lib/bats-support"
		load_lib "$lib/bats-assert"
		break
	fi
done

# A scratch directory per test, removed by bats.
scratch() { echo "$BATS_TEST_TMPDIR"; }

# sanitized: true when the binaries were built with ASan+UBSan (slow: keep loops small).
sanitized() { [ -n "${TALLY_SANITIZED:-}" ]; }
# Known one-time library allocations LSan cannot follow (see the file's comments).
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$TOP/tests/lsan.supp:print_suppressions=0}
export VALGRIND_OPTS=${VALGRIND_OPTS:---suppressions=$TOP/tests/valgrind.supp --num-callers=40}

# Writes stdin to a file in the test's scratch directory and prints its path.
journal() {
	local f="$BATS_TEST_TMPDIR/${1:-test.journal}"
	cat > "$f"
	echo "$f"
}

# need_corpus [SUBDIR]: the shared corpus is part of the suite: without it a test fails.
need_corpus() {
	[ -d "$CORPUS/${1:-journals}" ] ||
		fail "no corpus at $CORPUS/${1:-journals} (it comes with ../shared)"
}

# need TOOL...: an oracle or tool the test cannot do without (make deps installs them all):
# missing, the test fails, it does not skip.
need() {
	local t
	for t in "$@"; do
		command -v "$t" > /dev/null || fail "$t is not installed (run: make deps)"
	done
}

# agree JOURNAL [TOOL...]: tally-balance -O csv JOURNAL gives each account's balance per
# commodity as ledger and hledger do (or only the TOOLs named), compared as exact decimals.
# tally's table is left in $BATS_TEST_TMPDIR/t.csv.
agree() {
	local f=$1 t
	shift
	[ $# -gt 0 ] || set -- ledger hledger
	need "$@"
	tally-balance -O csv "$f" > "$BATS_TEST_TMPDIR/t.csv" || return 1
	for t in "$@"; do
		oracle-bal "$t" "$f" > "$BATS_TEST_TMPDIR/$t.tsv" || return 1
		compare-bal "$BATS_TEST_TMPDIR/$t.tsv" "$BATS_TEST_TMPDIR/t.csv" || return 1
	done
}

# agree_query JOURNAL TERM...: with hledger query terms, tally-print selects the entries
# `hledger print` selects (compared as hledger reads both: dates, descriptions, postings,
# exact quantities) and tally-balance gives `hledger bal`'s figures.
agree_query() {
	local f=$1 d=$BATS_TEST_TMPDIR
	shift
	need hledger
	tally-print "$f" "$@" > "$d/q.journal" || return 1
	oracle-print "$f" "$@" > "$d/h.print" || return 1
	oracle-print "$d/q.journal" > "$d/t.print" || return 1
	diff -u "$d/h.print" "$d/t.print" || { echo "print $f $*: differs" >&2; return 1; }
	tally-balance -O csv "$f" "$@" > "$d/t.csv" || return 1
	oracle-exact hledger "$f" "$@" > "$d/h.tsv" || return 1
	compare-bal "$d/h.tsv" "$d/t.csv" || { echo "balance $f $*: differs" >&2; return 1; }
}

# lang_tree DIR CMD...: a tree laid out as an install (DIR/bin with the CMDs; DIR/share with
# the templates, policies and every share/po catalog compiled into share/locale), where a
# language added is found as in an install (docs/translating.md).
lang_tree() {
	local d=$1 po l c
	shift
	need msgfmt
	mkdir -p "$d/bin" "$d/share"
	for c in "$@"; do cp "$TALLY_BIN/$c" "$d/bin/" || return 1; done
	cp -R "$TOP/share/templates" "$TOP/share/policies" "$d/share/"
	for po in "$TOP"/share/po/*.po; do
		l=$(basename "$po" .po)
		mkdir -p "$d/share/locale/$l/LC_MESSAGES"
		msgfmt --check -o "$d/share/locale/$l/LC_MESSAGES/tally.mo" "$po" || return 1
	done
}

# chromium_or_skip: sets $chromium and $flags for headless runs. Chromium is optional: a
# machine without it fails the test unless TALLY_NO_CHROMIUM is set (said, not silent).
chromium_or_skip() {
	chromium=/usr/bin/chromium
	if [ ! -x "$chromium" ]; then
		[ -n "${TALLY_NO_CHROMIUM:-}" ] &&
			skip "TALLY_NO_CHROMIUM is set: the HTML is not rendered"
		fail "chromium is not installed (/usr/bin/chromium); set TALLY_NO_CHROMIUM=1 to go without"
	fi
	sanitized && skip "not repeated under sanitizers (chromium is not ours)"
	flags="--headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking
	       --disable-component-update --disable-sync --enable-logging=stderr --v=0"
}
