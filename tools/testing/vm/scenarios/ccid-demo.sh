#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Integration scenario: scardctl against QEMU's usb-ccid reader with the
# emulated CAC card (T=0, ATR 3B 7A 18 00 00 73 66 74 65 20 63 64 31 34 34).
# Every step is checked; prints TAP; exit 4 (skip) without /dev/scard0.
# Leaves the card unpowered.

DEV=${SCARD_DEV:-/dev/scard0}
OUT=/tmp/ccid-demo.$$
N=11
n=0
fails=0

echo "TAP version 13"
echo "1..$N"

i=0
while [ ! -e "$DEV" ] && [ $i -lt 40 ]; do sleep 0.25; i=$((i + 1)); done
if [ ! -c "$DEV" ] || ! command -v scardctl >/dev/null 2>&1; then
	while [ $n -lt $N ]; do
		n=$((n + 1))
		echo "ok $n - # SKIP no $DEV or no scardctl"
	done
	exit 4
fi

# step DESC PATTERNS CMD...: run CMD, expect exit 0 and every line of
# PATTERNS (grep -E) in its output.
step() {
	desc=$1
	pats=$2
	shift 2
	n=$((n + 1))
	"$@" >"$OUT" 2>&1
	rc=$?
	good=1
	[ $rc -eq 0 ] || good=0
	while IFS= read -r pat; do
		[ -z "$pat" ] || grep -Eq -- "$pat" "$OUT" || {
			good=0
			echo "# missing: $pat"
		}
	done <<PATS
$pats
PATS
	if [ $good -eq 1 ]; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc (exit $rc)"
		fails=$((fails + 1))
	fi
	sed -e 's/^/# /' "$OUT"
}

FCI='^< 6F 0B 84 07 A0 00 00 00 79 01 00 A5 00$'
step "scardctl list shows the reader" "^$DEV: " scardctl list
step "scardctl power on returns the CAC ATR" \
	"^ATR: 3B 7A 18 00 00 73 66 74 65 20 63 64 31 34 34$" \
	scardctl -d "$DEV" power on
step "the ATR decodes (direct, T0, Fi=372 Di=12, \"sfte cd144\")" \
	"convention: +direct
protocols: +T0
Fi=372 Di=12
WI \(T=0\): +10
historical bytes: +10: 73 66 74 65 20 63 64 31 34 34 \"sfte cd144\"" \
	scardctl -d "$DEV" power reset
step "scardctl protocol T0" "^protocol: T0$" scardctl -d "$DEV" protocol T0
step "status says specific, T0" "^state: specific
^protocol: T0$" scardctl -d "$DEV" status
step "SELECT CAC PKI applet (case 3) answers 61 0D" "^SW1SW2: 61 0D" \
	scardctl -d "$DEV" transmit "00 A4 04 00 07 A0 00 00 00 79 01 00"
step "GET RESPONSE returns the FCI and 90 00" "$FCI
^SW1SW2: 90 00" scardctl -d "$DEV" transmit "00 C0 00 00 0D"
step "SELECT with Le=00 (case 4): the kernel does GET RESPONSE" "$FCI
^SW1SW2: 90 00" \
	scardctl -d "$DEV" transmit "00 A4 04 00 07 A0 00 00 00 79 01 00 00"
step "attr vendor-name is QEMU" '^"QEMU' scardctl -d "$DEV" attr vendor-name
step "perf counts transmissions" "^transmissions: *[1-9]" \
	scardctl -d "$DEV" perf
step "power off leaves the card present" "^card powered down" \
	scardctl -d "$DEV" power off

rm -f "$OUT"
[ $fails -eq 0 ]
