#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Integration scenario: `scardctl wait` (O_NONBLOCK IS_ABSENT/IS_PRESENT,
# poll() for POLLPRI, GET_LAST_ERROR) completed by card removal and
# insertion through vmctl. Prints TAP; exit 4 (skip) without /dev/scard0 or
# vmctl. Leaves the card inserted.

DEV=${SCARD_DEV:-/dev/scard0}
OUT=/tmp/ccid-wait.$$
N=8
n=0
fails=0
removed=0

echo "TAP version 13"
echo "1..$N"

i=0
while [ ! -e "$DEV" ] && [ $i -lt 40 ]; do sleep 0.25; i=$((i + 1)); done
if [ ! -c "$DEV" ] || ! command -v scardctl >/dev/null 2>&1 ||
	! command -v vmctl >/dev/null 2>&1; then
	while [ $n -lt $N ]; do
		n=$((n + 1))
		echo "ok $n - # SKIP needs $DEV, scardctl and vmctl"
	done
	exit 4
fi

result() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fails=$((fails + 1))
	fi
	[ -f "$OUT" ] && sed -e 's/^/# /' "$OUT"
	rm -f "$OUT"
}

sysfs_state() {
	cat "/sys/class/scard/$(basename "$DEV")/state" 2>/dev/null
}

# 1-2: a background wait absent completes when the host removes the card.
scardctl -d "$DEV" wait absent --timeout 30 >"$OUT.w" 2>&1 &
waiter=$!
sleep 1
if kill -0 $waiter 2>/dev/null; then r=0; else r=1; fi
vmctl card-remove >/dev/null && removed=1
result $((r + (1 - removed))) "wait absent pends while the card is in; vmctl card-remove"
wait $waiter
rc=$?
mv "$OUT.w" "$OUT"
grep -q "^card absent$" "$OUT"
result $((rc + $?)) "scardctl wait absent returned 0 and printed 'card absent' (exit $rc)"

# 3: sysfs follows.
s=$(sysfs_state)
[ "$s" = absent ]
result $? "sysfs state is absent (got '$s')"

# 4: already absent: immediate success.
scardctl -d "$DEV" wait absent --timeout 2 >"$OUT" 2>&1
result $? "wait absent with the card out returns at once"

# 5: wait present times out (exit 1) while the card is out.
scardctl -d "$DEV" wait present --timeout 1 >"$OUT" 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q "timed out" "$OUT"
result $? "wait present --timeout 1 without a card fails with a timeout (exit $rc)"

# 6-7: a background wait present completes when the host inserts the card.
scardctl -d "$DEV" wait present --timeout 30 >"$OUT.w" 2>&1 &
waiter=$!
sleep 1
vmctl card-insert >/dev/null && removed=0
wait $waiter
rc=$?
mv "$OUT.w" "$OUT"
grep -q "^card present$" "$OUT"
result $((rc + $? + removed)) "vmctl card-insert completes scardctl wait present (exit $rc)"
s=$(sysfs_state)
[ "$s" = present ]
result $? "sysfs state is present, not powered (got '$s')"

# 8: the reinserted card works.
scardctl -d "$DEV" power on >"$OUT" 2>&1 &&
	grep -q "^ATR: 3B 7A 18" "$OUT"
result $? "the reinserted card answers a cold reset"
scardctl -d "$DEV" power off >/dev/null 2>&1

[ $removed -eq 1 ] && vmctl card-insert >/dev/null
rm -f "$OUT" "$OUT.w"
[ $fails -eq 0 ]
