#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Integration scenario: secure PIN entry through PC/SC. ccid-gadget as a
# PIN pad reader (bPINSupport 3; the user "types" 1234),
# first scardctl verify-pin, then Debian's pcscd with the scard IFD
# handler for it, and pcsc-check doing
# what a PC/SC application does: GET_FEATURE_REQUEST lists
# VERIFY_PIN_DIRECT and MODIFY_PIN_DIRECT with scard's control codes, a
# PIN_VERIFY_STRUCTURE sent to that code in host byte order reaches the
# reader's keypad (the gadget logs the PC_to_RDR_Secure) and the card
# answers 90 00, and holds the PIN as verified. Prints TAP; exit 4 (skip)
# without /dev/raw-gadget, ccid-gadget, pcscd, the handler or pcsc-check.

IFD=/scard/bin/libifd_scard.so
CONF=/tmp/pcsc-pinpad.conf.d
LOG=/tmp/pcsc-pinpad.log
GLOG=/tmp/pcsc-pinpad-gadget.log
N=6

# shellcheck source=../guest/scenario-lib.sh
. /scard/scenario-lib.sh
echo "TAP version 13"
echo "1..$N"
if [ ! -c /dev/raw-gadget ] || [ ! -x /usr/sbin/pcscd ] || [ ! -f "$IFD" ] ||
	! command -v ccid-gadget >/dev/null 2>&1 ||
	! command -v pcsc-check >/dev/null 2>&1; then
	skip_all $N "needs /dev/raw-gadget, ccid-gadget, pcscd, $IFD, pcsc-check"
fi

# gadget_dev: the gadget's /dev/scardN once it is there (10 s)
gadget_dev() {
	i=0
	while [ $i -lt 100 ]; do
		for d in /sys/class/scard/scard*; do
			[ "$(cat "$d/name" 2>/dev/null)" = "scard CCID gadget" ] &&
				[ -c "/dev/$(basename "$d")" ] &&
				echo "/dev/$(basename "$d")" && return 0
		done
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

ccid-gadget --pin-pad 3 --lcd 0210 --pin 1234 >"$GLOG" 2>&1 &
gadget=$!
dev=$(gadget_dev)
if [ -z "$dev" ]; then
	kill "$gadget" 2>/dev/null
	skip_all $N "the gadget did not come up"
fi
scardctl_verify() {
	scardctl -d "$dev" power on >/dev/null &&
		scardctl -d "$dev" protocol any || return 1
	r=$(scardctl -d "$dev" verify-pin 00200080) || { echo "$r"; return 1; }
	echo "$r"
	echo "$r" | grep -q "SW1SW2: 90 00"
}
t 1 "scardctl power on, protocol any, verify-pin on $dev: 90 00" scardctl_verify

mkdir -p "$CONF" /run/pcscd
cat >"$CONF/pinpad" <<CONFEOF
FRIENDLYNAME "scard pinpad"
DEVICENAME $dev
LIBPATH $IFD
CONFEOF
/usr/sbin/pcscd -f -c "$CONF" -d >"$LOG" 2>&1 &
pcscd=$!

t 2 "pcscd lists the PIN pad reader ($dev)" pcsc_listed "scard pinpad"

features() {
	f=$(pcsc-check -r pinpad features) || return 1
	echo "$f"
	echo "$f" | grep -q "06 04 00 31 35 38" &&
		echo "$f" | grep -q "07 04 00 31 35 3C"
}
t 3 "GET_FEATURE_REQUEST lists VERIFY/MODIFY_PIN_DIRECT" features

verify_ok() {
	r=$(pcsc-check -r pinpad verify-pin 00200080) || return 1
	echo "VERIFY_PIN_DIRECT: $r"
	[ "$r" = "90 00" ] && grep -q "^secure " "$GLOG"
}
t 4 "VERIFY_PIN_DIRECT through pcscd: keypad used, card says 90 00" verify_ok

state_ok() {
	r=$(pcsc-check -r pinpad transmit 00200080) || return 1
	echo "VERIFY (no data): $r"
	[ "$r" = "90 00" ]
}
t 5 "the card holds the PIN as verified" state_ok

kill -TERM "$pcscd" && wait "$pcscd"
rc=$?
kill "$gadget" 2>/dev/null
wait "$gadget" 2>/dev/null
t 6 "pcscd stops cleanly" test "$rc" -eq 0
rm -rf "$CONF"
