#!/bin/sh
# make bench: tally beside ledger and hledger on the same generated files; median wall time
# and peak RSS of each, and the ratios the issues set as targets. Not a test: it prints.
#   BENCH_SIZES   journal sizes (default "100000 1000000")
#   BENCH_RUNS    timed runs per tally command (default 3; peers run once on 1M)
#   BENCH_PEERS   0 to skip ledger/hledger (the figures in shared/bench/BASELINE.md apply)
#   BENCH_DIR     where generated inputs are cached (default /tmp/tally-bench)
set -eu
BIN=${1:?usage: run.sh BIN_DIR}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
GEN=${TALLY_SHARED:-$TOP/../shared}/bench
SIZES=${BENCH_SIZES:-100000 1000000}
RUNS=${BENCH_RUNS:-3}
PEERS=${BENCH_PEERS:-1}
DIR=${BENCH_DIR:-/tmp/tally-bench}
mkdir -p "$DIR"
export LC_ALL=C.UTF-8 TZ=UTC
unset LEDGER_FILE

# measure NAME RUNS CMD...: prints "NAME median_wall_s peak_rss_mib" and records it.
measure() {
	name=$1 runs=$2
	shift 2
	: > "$DIR/times"
	i=0
	while [ $i -lt "$runs" ]; do
		/usr/bin/time -f '%e %M' -o "$DIR/t1" "$@" > /dev/null 2>"$DIR/err" ||
			{ echo "$name: failed: $(tail -1 "$DIR/err")"; return 0; }
		cat "$DIR/t1" >> "$DIR/times"
		i=$((i + 1))
	done
	sort -n "$DIR/times" | awk -v n="$name" '{w[NR]=$1; if ($2>m) m=$2}
		END {printf "%-34s %9.3f s %9.1f MiB\n", n, w[int((NR+1)/2)], m/1024}' | tee -a "$DIR/results"
}
get() { awk -v n="$1" '$1==n {print $2}' "$DIR/results" | tail -1; }
ratio() {
	a=$(get "$1"); b=$(get "$2")
	[ -n "$a" ] && [ -n "$b" ] && awk -v a="$a" -v b="$b" -v t="$3" \
		'BEGIN {printf "  %-58s %8.1fx\n", t, (b > 0 ? a / b : 0)}' || true
}
have() { [ -x "$BIN/$1" ]; }

: > "$DIR/results"
for n in $SIZES; do
	f="$DIR/j$n.journal"
	[ -s "$f" ] || "$GEN/gen-journal" "$n" 1 > "$f"
	echo "== $n transactions ($(wc -c < "$f") bytes)"
	measure "cat@$n" "$RUNS" cat "$f"
	measure "tally-print@$n" "$RUNS" "$BIN/tally-print" "$f"
	measure "tally-balance@$n" "$RUNS" "$BIN/tally-balance" "$f"
	for c in tally-sessions tally-bill tally-cancel tally-aging; do
		have "$c" && measure "$c@$n" "$RUNS" "$BIN/$c" "$f"
	done
	have tally-invoice && measure "tally-invoice@$n" "$RUNS" "$BIN/tally-invoice" -p 2015-06 "$f"
	have tally-month && measure "tally-month@$n" 1 "$BIN/tally-month" -p 2015-06 -f "$f" \
		--output-dir "$DIR/statements"
	peer_runs=$RUNS
	[ "$n" -ge 1000000 ] && peer_runs=1
	if [ "$PEERS" != 0 ]; then
		measure "ledger-bal@$n" "$peer_runs" ledger -f "$f" bal
		measure "hledger-bal@$n" "$peer_runs" hledger -f "$f" bal
	fi
done

if have tally-import; then
	for n in 100000 1000000; do
		c="$DIR/bank$n.csv"
		[ -s "$c" ] || "$GEN/gen-bank-csv" "$n" 1 > "$c"
		measure "tally-import@$n" "$RUNS" "$BIN/tally-import" --rules "$TOP/tests/bench/bank20.rules" "$c"
	done
	[ "$PEERS" != 0 ] && measure "hledger-import@100000" 1 \
		hledger -f "$DIR/bank100000.csv" --rules-file "$TOP/tests/bench/bank20.rules" print
fi

echo "== ratios (targets in brackets)"
for n in $SIZES; do
	ratio "ledger-bal@$n" "tally-balance@$n" "ledger bal / tally-balance @$n [>= 50x at 1M]"
	ratio "hledger-bal@$n" "tally-balance@$n" "hledger bal / tally-balance @$n [>= 200x at 1M]"
	ratio "tally-print@$n" "cat@$n" "tally-print / cat @$n [<= 3x]"
	for c in tally-sessions tally-bill tally-cancel tally-invoice tally-aging; do
		ratio "$c@$n" "tally-print@$n" "$c / tally-print @$n [<= 2x]"
	done
	ratio "ledger-bal@$n" "tally-month@$n" "ledger bal / tally month (60 clients) @$n [> 1x]"
done
ratio "hledger-import@100000" "tally-import@100000" "hledger CSV / tally-import @100k rows [>= 50x]"
