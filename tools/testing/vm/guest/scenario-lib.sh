# SPDX-License-Identifier: GPL-2.0
# TAP helpers of the integration scenarios (tools/testing/vm/scenarios),
# installed as /scard/scenario-lib.sh; a scenario sources it:
#   . /scard/scenario-lib.sh

# skip_all N REASON: every one of the N results skipped; exit 4 (skip).
skip_all() {
	_n=1
	while [ "$_n" -le "$1" ]; do
		echo "ok $_n - # SKIP $2"
		_n=$((_n + 1))
	done
	exit 4
}

# t N DESCRIPTION CMD...: result N, ok when CMD succeeds. CMD runs in a
# subshell (it cannot start a process this shell waits for later); its
# output follows as diagnostics.
t() {
	_n=$1 _d=$2
	shift 2
	if _out=$("$@" 2>&1); then echo "ok $_n - $_d"; else echo "not ok $_n - $_d"; fi
	[ -z "$_out" ] || echo "$_out" | sed 's/^/# /'
}
