#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run scard fuzz targets one after the other (the machine's cores are
# shared), each for a given time, starting from the seed corpus in the tree.
#
#   run.sh SECONDS TARGET...
#
# Prints one line per target with libFuzzer's final figures (executions per
# second, cov: edges covered, ft: features) and exits 1 if any target
# crashed, hung, leaked or tripped a sanitizer. Everything of a run goes to
# $FUZZ_LOG (default $BUILD/log): <target>.log, and the input that made it
# fail as <target>-crash-<sha1> (or -timeout-, -leak-, -oom-), which the
# target replays when given it as its argument. The seeds in corpus/ are
# never written to: what the fuzzer adds goes to $BUILD/corpus/<target>,
# which each run starts afresh.

REPO=${REPO:-$(cd "$(dirname "$0")/../../.." && pwd)}
BUILD=${BUILD:-$REPO/tools/testing/fuzz/build}
FUZZ_LOG=${FUZZ_LOG:-$BUILD/log}
SEEDS=$REPO/tools/testing/fuzz/corpus

if [ $# -lt 2 ]; then
	echo "usage: $0 SECONDS TARGET..." >&2
	exit 2
fi
secs=$1
shift
mkdir -p "$FUZZ_LOG" || exit 1

# libFuzzer's status line: "#N<tab>DONE   cov: C ft: F corp: ..."
field() { sed -n "s/.*[[:space:]]$1: \([0-9]*\).*/\1/p" "$2" | tail -n 1; }

fails=0
for t in "$@"; do
	bin=$BUILD/fuzz_$t
	log=$FUZZ_LOG/$t.log
	work=$BUILD/corpus/$t
	rm -rf "$work" "$FUZZ_LOG/$t"-*
	mkdir -p "$work" || exit 1
	seeds=
	[ -d "$SEEDS/$t" ] && seeds=$SEEDS/$t
	# One process, one core; a unit running for 10 s is a hang.
	UBSAN_OPTIONS=print_stacktrace=1 \
		"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$FUZZ_LOG/$t-" \
		"$work" $seeds >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::average_exec_per_sec:[[:space:]]*//p' "$log")
	line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1)
	echo "$line" >"$log.done"
	printf '%-10s %8s exec/s  cov: %-5s ft: %-6s' "$t" "${execs:-?}" \
		"$(field cov "$log.done")" "$(field ft "$log.done")"
	rm -f "$log.done"
	if [ "$rc" -eq 0 ] && [ -n "$line" ]; then
		echo "  ok"
	else
		fails=$((fails + 1))
		art=$(ls "$FUZZ_LOG/$t"-* 2>/dev/null | head -n 1)
		echo "  FAILED (exit $rc${art:+, input kept in $art}; log $log)"
	fi
done
[ "$fails" -eq 0 ]
