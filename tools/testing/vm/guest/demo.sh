#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The `make demo` script (the README demo). Runs in the guest booted with
# scard.mode=demo; stdout/stderr are streamed to the user's terminal. Exit
# status = demo status. The reader is QEMU's usb-ccid with libcacard's
# emulated CAC card (T=0, TPDU level).
export PATH=/scard/bin:/bin:/sbin:/usr/bin:/usr/sbin
set -e

say() { printf '# %s\n' "$*"; }
nl() { echo; }
step() { printf '$ %s\n' "$*"; "$@"; }

if ! command -v scardctl >/dev/null; then
	echo "demo: scardctl is not built yet (make tools)"
	exit 1
fi
i=0
while [ ! -e /dev/scard0 ] && [ $i -lt 20 ]; do sleep 0.5; i=$((i + 1)); done

nl
say "Every reader slot is a character device /dev/scardN; sysfs has its name,"
say "card state, protocol and ATR."
step scardctl list
nl
say "The same through ioctls (winsmcrd.h codes): the card is in, not powered."
step scardctl status

nl
say "Cold reset (IOCTL_SMARTCARD_POWER, SCARD_COLD_RESET): the card answers"
say "with its ATR; the kernel's own ISO 7816-3 parser decodes it."
step scardctl power on
nl
say "Select T=0 (IOCTL_SMARTCARD_SET_PROTOCOL): the card becomes SPECIFIC."
step scardctl protocol T0

nl
say "SELECT the CAC PKI applet with Le=00 (case 4). At TPDU level the kernel"
say "sends it as case 3, gets 61 0D and fetches the FCI with GET RESPONSE."
step scardctl transmit "00 A4 04 00 07 A0 00 00 00 79 01 00 00"
nl
say "The same SELECT without Le (case 3): 61 0D goes back to the caller,"
say "who asks for the 13 bytes itself with GET RESPONSE (00 C0 00 00 0D)."
step scardctl transmit "00 A4 04 00 07 A0 00 00 00 79 01 00" "00 C0 00 00 0D"
nl
say "GET PROPERTIES with Le=FF, more than the card holds: it answers 6C xx"
say "(xx = the real length) and the kernel resends the command with Le=xx."
step scardctl transmit "80 56 01 00 FF"
nl
say "Reader attributes (IOCTL_SMARTCARD_GET_ATTRIBUTE) and counters."
step scardctl attr vendor-name
step scardctl attr current-protocol-type
step scardctl perf

nl
say "Asynchronous wait: 'scardctl wait absent' opens the reader O_NONBLOCK,"
say "IS_ABSENT answers EINPROGRESS, poll() waits for POLLPRI and"
say "GET_LAST_ERROR gives the result. The host now removes the card."
scardctl wait absent --timeout 60 &
waiter=$!
sleep 1
step vmctl card-remove
wait "$waiter"
step scardctl status
nl
say "Transmitting without a card fails with ENOMEDIUM (exit status 1):"
printf '$ %s\n' "scardctl transmit 00 A4 04 00"
scardctl transmit "00 A4 04 00" || echo "(exit status $?)"

nl
say "Put the card back; 'scardctl wait present' returns when it is in."
scardctl wait present --timeout 60 &
waiter=$!
sleep 1
step vmctl card-insert
wait "$waiter"
step scardctl status

# --- PC/SC applications on top -------------------------------------------
if [ -x /usr/sbin/pcscd ] && [ -d /scard/install-root/usr/lib/pcsc ]; then
	nl
	say "PC/SC applications (pcsc_scan, OpenSC, GnuPG, pyscard) talk to pcscd."
	say "'make install' gives pcscd scard's IFD handler and a bundle listing"
	say "QEMU's reader, so pcscd opens it through /dev/scard0 by itself."
	step scardctl power off
	cp -a /scard/install-root/usr/lib/pcsc /usr/lib/
	mkdir -p /run/pcscd /tmp/reader.conf.d
	printf '$ %s\n' "pcscd --foreground &"
	/usr/sbin/pcscd -f -c /tmp/reader.conf.d >/tmp/pcscd.log 2>&1 &
	pcscd=$!
	sleep 3
	nl
	say "pcsc_scan lists the reader and its card; the host removes the card"
	say "and puts it back, and pcsc_scan reports both events."
	printf '$ %s\n' "pcsc_scan -n -t 25"
	pcsc_scan -n -t 25 &
	scan=$!
	sleep 8
	step vmctl card-remove
	sleep 6
	step vmctl card-insert
	wait "$scan" || true
	nl
	say "OpenSC through pcscd: the card's ATR, an APDU, and its certificates"
	say "(the emulated CAC card holds three)."
	step opensc-tool --atr
	step opensc-tool -s "00:A4:04:00:07:A0:00:00:00:79:01:00"
	step pkcs15-tool --list-certificates
	kill "$pcscd"
	wait "$pcscd" || true
fi
echo
echo "demo: done"
