#!/bin/sh
# run.sh [SECONDS [TARGET...]]: builds every tests/fuzz/fuzz_*.c as a libFuzzer target (clang,
# -fsanitize=fuzzer,address,undefined, compiled against lib/*.c directly) and runs each for
# SECONDS (default 60) on a working corpus seeded from tests/ and ../shared/corpus/.
# Crash inputs land in build-fuzz/crashes/; copy each to tests/fuzz/regressions/TARGET/
# once fixed (tests/80-hostile.bats replays them). Exit 1 when a target found a crash.
set -u
secs=${1:-}
[ -n "$secs" ] || secs=60
[ $# -gt 0 ] && shift
only="$*"
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
out=build-fuzz
shared=${TALLY_SHARED:-$top/../shared}
CC_FUZZ=${CC_FUZZ:-}

find_clang() {
	for c in clang clang-19 clang-18 clang-17 clang-16 clang-15 clang-14; do
		if command -v $c >/dev/null 2>&1 &&
		   echo 'int LLVMFuzzerTestOneInput(const char *d, long n){return 0;}' |
		   $c -x c -fsanitize=fuzzer -o /dev/null - 2>/dev/null; then
			echo $c
			return 0
		fi
	done
	return 1
}
if [ -z "$CC_FUZZ" ] && ! CC_FUZZ=$(find_clang); then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		ver=$(apt-cache search --names-only '^libclang-rt-[0-9]+-dev$' 2>/dev/null |
		      sed -n 's/^libclang-rt-\([0-9]*\)-dev.*/\1/p' | sort -n | tail -1)
		echo "fuzz: installing clang${ver:+-$ver} and libclang-rt${ver:+-$ver}-dev"
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			clang${ver:+-$ver} libclang-rt${ver:+-$ver}-dev >/dev/null
	fi
	CC_FUZZ=$(find_clang) || {
		echo "fuzz: no clang with libFuzzer; install clang and libclang-rt-dev" >&2
		exit 2
	}
fi

# The library, once, instrumented for coverage and sanitizers.
flags="-g -O1 -std=c17 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Ilib \
 -DTALLY_SHAREDIR=\"/usr/local/share/tally\" \
 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
 $(pkg-config --cflags libpcre2-8 libical gmime-3.0 pangocairo 2>/dev/null)"
libs="$(pkg-config --libs libpcre2-8 2>/dev/null || echo -lpcre2-8) -lcsv $(pkg-config --libs libical gmime-3.0 pangocairo 2>/dev/null)"
mkdir -p $out/obj $out/crashes || exit 2
objs=
for src in lib/*.c; do
	# the module sources are linked in directly: no loader, no forwarding
	[ "$src" = lib/modules.c ] && continue
	o=$out/obj/$(basename "$src" .c).o
	if [ ! -e "$o" ] || [ "$src" -nt "$o" ] || [ lib/tally.h -nt "$o" ] ||
	   [ lib/internal.h -nt "$o" ]; then
		$CC_FUZZ $flags -c -o "$o" "$src" || exit 2
	fi
	objs="$objs $o"
done
# The journal target gets its own copy of the reader with a 1 KiB buffer instead of 256 KiB:
# items then straddle refills in inputs of a few KiB, and ASan's cost for a fresh large
# block per run is gone. If the define ever changes form, the reader is used as is.
jobjs=$objs
if grep -q '^#define CHUNK ((size_t)' lib/jsource.c; then
	mkdir -p $out/small
	sed 's/^#define CHUNK ((size_t)[^/]*/#define CHUNK ((size_t)1024)    /' lib/jsource.c \
		> $out/small/jsource.c
	$CC_FUZZ $flags -iquote lib -c -o $out/small/jsource.o $out/small/jsource.c || exit 2
	jobjs=$(echo "$objs" | sed "s|$out/obj/jsource.o|$out/small/jsource.o|")
fi

# Seeds: what the project's tests and the shared corpus hold, per target.
seed_dirs() {
	case $1 in
	journal)
		echo tests/fuzz/seeds/journal
		[ -d tests/fixtures ] && echo tests/fixtures
		[ -d "$shared/corpus/journals" ] && echo "$shared/corpus/journals" ;;
	amount) echo tests/fuzz/seeds/amount ;;
	policy)
		echo tests/fuzz/seeds/policy
		[ -d share/policies ] && echo share/policies ;;
	rules|csvin)
		echo tests/fuzz/seeds/$1
		# Only the rules files for one, only the CSV files for the other.
		mkdir -p $out/seeds/$1
		ext=csv
		[ $1 = rules ] && ext=rules
		[ -d "$shared/corpus/csv" ] &&
		find "$shared/corpus/csv" -name "*.$ext" | while read -r f; do
			cp "$f" "$out/seeds/$1/$(echo "${f#$shared/corpus/csv/}" | tr / _)"
		done
		echo $out/seeds/$1 ;;
	ical)
		echo tests/fuzz/seeds/ical
		[ -d tests/fixtures/calendar ] && echo tests/fixtures/calendar ;;
	*) echo tests/fuzz/seeds/$1 ;;
	esac
}

status=0
summary=
for src in tests/fuzz/fuzz_*.c; do
	name=$(basename "$src" .c)
	name=${name#fuzz_}
	case " ${only:-$name} " in *" $name "*) ;; *) continue ;; esac
	bin=$out/fuzz_$name
	# _GNU_SOURCE for memfd_create: the targets only, the library stays POSIX.
	o=$objs
	[ $name = journal ] && o=$jobjs
	$CC_FUZZ $flags -D_GNU_SOURCE -fsanitize=fuzzer -o "$bin" "$src" $o $libs || exit 2
	mkdir -p $out/corpus/$name
	dict=
	[ -f tests/fuzz/$name.dict ] && dict=-dict=tests/fuzz/$name.dict
	dirs=
	for d in $(seed_dirs $name); do
		[ -d "$d" ] && dirs="$dirs $d"
	done
	log=$out/$name.log
	# First the inputs that once crashed: they must all pass now.
	if [ -d tests/fuzz/regressions/$name ] &&
	   ! "$bin" tests/fuzz/regressions/$name/* >$out/$name.replay.log 2>&1; then
		status=1
		echo "fuzz: $name: a regression input fails again, see $out/$name.replay.log" >&2
	fi
	echo "fuzz: $name for ${secs}s"
	# -max_len stays small for the field parsers, larger for whole journals.
	maxlen=4096
	[ $name = journal ] && maxlen=65536
	[ $name = csvin ] && maxlen=65536
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	"$bin" -max_total_time="$secs" -max_len=$maxlen -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix=$out/crashes/$name- $dict \
		$out/corpus/$name $dirs </dev/null >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	if [ $rc -ne 0 ]; then
		status=1
		echo "fuzz: $name FAILED (exit $rc), see $log:" >&2
		grep -m5 -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" >&2
	fi
	summary="$summary
$name	${runs:-?} runs	exit $rc"
done
echo "fuzz: summary (target, executions, result)$summary"
exit $status
