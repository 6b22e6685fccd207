#!/bin/sh
# Run every scard test present in the guest; stdout is the results channel.
# Each suite starts with "# scard-suite: <kind>/<name>" and ends with
# "# scard-suite-exit: <status>"; the host (tap-summary.py) counts leaf
# ok/not ok lines per suite. Absent pieces are simply skipped.
export PATH=/scard/bin:/bin:/sbin:/usr/bin:/usr/sbin
export SCARD_IN_VM=1

# scard.only=pat,pat on the kernel command line: only the suites whose
# name matches one of the shell patterns (tools/testing/vm/run-tests).
SCARD_ONLY=$(sed -n 's/.*scard\.only=\([^ ]*\).*/\1/p' /proc/cmdline | tr ',' ' ')
wanted() { # suite name
	[ -z "$SCARD_ONLY" ] && return 0
	set -f
	for pat in $SCARD_ONLY; do
		# shellcheck disable=SC2254
		case "$1" in $pat) set +f; return 0 ;; esac
	done
	set +f
	return 1
}

# settings file (kselftest convention: timeout=N), default 300 s
suite_timeout() {
	t=$(sed -n 's/^timeout=//p' "$1/settings" 2>/dev/null | head -n1)
	echo "${t:-300}"
}

run_suite() { # kind/name timeout command...
	name=$1 t=$2
	shift 2
	wanted "$name" || return 0
	echo "# scard-suite: $name"
	echo "scard-tests: start $name" >/dev/console
	timeout -s KILL "$t" "$@" </dev/null 2>/tmp/stderr
	rc=$?
	# stderr goes to the results as TAP diagnostics, not to the console:
	# the kernel log is scanned for bug reports and must hold only the kernel's.
	if [ -s /tmp/stderr ]; then
		sed 's/^/# stderr: /' /tmp/stderr | tail -n 200
	fi
	[ $rc -eq 137 ] && echo "# $name: killed after ${t}s timeout"
	echo "# scard-suite-exit: $rc"
	echo "scard-tests: end $name rc=$rc" >/dev/console
}

# 1. KUnit: the suites ran when scard_kunit.ko was loaded; copy their KTAP.
if grep -qw scard_kunit /tmp/scard-loaded-modules 2>/dev/null; then
	n=0
	for d in /sys/kernel/debug/kunit/*/; do
		[ -r "$d/results" ] || continue
		n=$((n + 1))
		s=$(basename "$d")
		wanted "kunit/$s" || continue
		echo "# scard-suite: kunit/$s"
		cat "$d/results"
		echo "# scard-suite-exit: 0"
	done
	if [ $n -eq 0 ]; then
		echo "# scard-suite: kunit/debugfs"
		echo "1..1"
		echo "not ok 1 scard_kunit loaded but no results in /sys/kernel/debug/kunit"
		echo "# scard-suite-exit: 0"
	fi
fi

# 2. kselftests
if [ -d /scard/selftests ]; then
	t=$(suite_timeout /scard/selftests)
	# The build's order (print-progs): the hot-plug tests come last.
	if [ -f /scard/selftests/run-order ]; then
		progs=$(sed 's|^|/scard/selftests/|' /scard/selftests/run-order)
	else
		progs=$(ls /scard/selftests/*)
	fi
	for p in $progs; do
		if [ ! -f "$p" ] || [ ! -x "$p" ]; then continue; fi
		(cd /scard/selftests && run_suite "kselftest/$(basename "$p")" "$t" "$p")
	done
fi

# 3. integration scenarios
if [ -d /scard/scenarios ]; then
	t=$(suite_timeout /scard/scenarios)
	for p in /scard/scenarios/*.sh; do
		[ -f "$p" ] || continue
		run_suite "scenario/$(basename "$p" .sh)" "$t" sh "$p"
	done
fi
exit 0
