#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Integration scenario: system sleep with the QEMU CCID reader in use.
# With /sys/power/pm_test "devices", "freeze" goes through the PM
# notifiers, the freezer and the devices' suspend and resume without
# sleeping for real. A loop of TRANSMITs runs meanwhile: each succeeds or
# fails with ECANCELED (aborted for the sleep), EINTR (woken by the
# freezer), or ENOMEDIUM/EBADFD (QEMU's xHCI resets the device on
# resume, which the driver reports as the card removed and found again);
# never EAGAIN, EIO or a timeout. The sleep must not fail, and the card
# must be back and usable after. Prints TAP; exit 4 (skip) without
# /sys/power/pm_test (a kernel without CONFIG_PM_DEBUG).

DEV=${SCARD_DEV:-/dev/scard0}
APDU="00 A4 04 00 07 A0 00 00 00 79 01 00"
OUT=/tmp/ccid-sleep.$$
N=4

echo "TAP version 13"
echo "1..$N"
if [ ! -w /sys/power/state ] || [ ! -w /sys/power/pm_test ] ||
	! grep -qw freeze /sys/power/state || [ ! -c "$DEV" ] ||
	! command -v scardctl >/dev/null 2>&1; then
	for n in 1 2 3 4; do
		echo "ok $n - # SKIP needs /sys/power/pm_test, $DEV, scardctl"
	done
	exit 4
fi

use_card() {
	scardctl -d "$DEV" power on >/dev/null 2>&1 &&
		scardctl -d "$DEV" protocol any >/dev/null 2>&1 &&
		scardctl -d "$DEV" transmit "$APDU" >"$OUT" 2>&1
}

if use_card; then
	echo "ok 1 - TRANSMIT before"
else
	echo "not ok 1 - TRANSMIT before"
	sed 's/^/# /' "$OUT"
fi

(
	i=0
	while [ ! -e "$OUT.stop" ]; do
		scardctl -d "$DEV" transmit "$APDU" >/dev/null 2>>"$OUT.err"
		i=$((i + 1))
	done
	echo "$i" >"$OUT.count"
) &
loop=$!
sleep 1

echo devices >/sys/power/pm_test
if echo freeze >/sys/power/state 2>"$OUT.sleep"; then
	echo "ok 2 - freeze with pm_test=devices"
else
	echo "not ok 2 - freeze with pm_test=devices"
	sed 's/^/# /' "$OUT.sleep"
fi
echo none >/sys/power/pm_test
sleep 1
touch "$OUT.stop"
wait $loop
echo "# $(cat "$OUT.count" 2>/dev/null) TRANSMITs in the loop"
# scardctl: OP: EXPLANATION (ERRNO)
grep 'scardctl:' "$OUT.err" 2>/dev/null | sort | uniq -c | sed 's/^/# /'
if grep 'scardctl:' "$OUT.err" 2>/dev/null |
	grep -qv '(ECANCELED)\|(EINTR)\|(ENOMEDIUM)\|(EBADFD)'; then
	echo "not ok 3 - TRANSMITs across the sleep: no unexpected errno"
else
	echo "ok 3 - TRANSMITs across the sleep: no unexpected errno"
fi

i=0
while [ $i -lt 20 ] &&
	[ "$(cat "/sys/class/scard/$(basename "$DEV")/state" 2>/dev/null)" = absent ]; do
	sleep 0.25
	i=$((i + 1))
done
if use_card; then
	echo "ok 4 - the card is back and works after the sleep"
else
	echo "not ok 4 - the card is back and works after the sleep"
	sed 's/^/# /' "$OUT"
fi
rm -f "$OUT" "$OUT".*
