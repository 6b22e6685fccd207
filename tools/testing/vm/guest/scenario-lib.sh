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

# pcsc_listed NAME: pcscd is up and lists a reader whose name contains NAME
# (within 10 s); otherwise the readers it lists, and failure.
pcsc_listed() {
	_i=0
	while [ $_i -lt 40 ]; do
		pcsc-check list 2>/dev/null | grep -q "$1" && return 0
		sleep 0.25
		_i=$((_i + 1))
	done
	pcsc-check list
	return 1
}
