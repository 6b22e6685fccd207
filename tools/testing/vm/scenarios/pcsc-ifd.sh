#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Integration scenario: PC/SC on top. Debian's pcscd with the scard IFD
# handler (tools/pcsc/libifd_scard.so) for the QEMU CCID reader at
# /dev/scard0, and a PC/SC client (pcsc-check, libpcsclite only): the
# reader listed, the ATR as sysfs has it, a SELECT answered, the part 10
# feature request, the card removed and inserted (QMP, through vmctl)
# seen by pcscd through the handler's polling thread, OpenSC reading the
# card's certificates, the reader unplugged and plugged back while a
# client holds a handle, pcscd stopped cleanly. Prints TAP; exit 4 (skip) without pcscd, the handler, pcsc-check
# or /dev/scard0.

DEV=${SCARD_DEV:-/dev/scard0}
IFD=/scard/bin/libifd_scard.so
APDU="00A4040007A0000000790100"
CONF=/tmp/pcsc-ifd.conf.d
LOG=/tmp/pcsc-ifd.log
OUT=/tmp/pcsc-ifd.out
N=13
failed=

echo "TAP version 13"
echo "1..$N"
if [ ! -x /usr/sbin/pcscd ] || [ ! -f "$IFD" ] || [ ! -c "$DEV" ] ||
	! command -v pcsc-check >/dev/null 2>&1 ||
	! command -v vmctl >/dev/null 2>&1; then
	n=1
	while [ $n -le $N ]; do
		echo "ok $n - # SKIP needs pcscd, $IFD, pcsc-check, vmctl, $DEV"
		n=$((n + 1))
	done
	exit 4
fi

# report N DESC CMD...: ok when CMD succeeds; its output as diagnostics.
report() {
	n=$1 desc=$2
	shift 2
	if "$@" >"$OUT" 2>&1; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		failed=1
	fi
	sed 's/^/# /' "$OUT"
}

mkdir -p "$CONF" /run/pcscd
cat >"$CONF/scard" <<EOF
FRIENDLYNAME "scard $(basename "$DEV")"
DEVICENAME $DEV
LIBPATH $IFD
EOF
/usr/sbin/pcscd -f -c "$CONF" -d >"$LOG" 2>&1 &
pcscd=$!

listed() {
	i=0
	while [ $i -lt 40 ]; do
		pcsc-check list 2>/dev/null | grep -q "scard $(basename "$DEV")" &&
			return 0
		sleep 0.25
		i=$((i + 1))
	done
	pcsc-check list
	return 1
}
report 1 "pcscd lists the reader through the IFD handler" listed

atr_matches() {
	want=$(cat "/sys/class/scard/$(basename "$DEV")/atr")
	got=$(pcsc-check atr) || return 1
	echo "sysfs $want, PC/SC $got"
	[ "$(echo "$got" | tr -d ' ')" = "$want" ]
}
report 2 "SCardStatus gives the ATR sysfs shows" atr_matches

select_ok() {
	r=$(pcsc-check transmit "$APDU") || return 1
	echo "SELECT: $r"
	case "$r" in *"90 00" | *"61 "??) return 0 ;; esac
	return 1
}
report 3 "SCardTransmit of a SELECT is answered" select_ok

report 4 "SCardControl(GET_FEATURE_REQUEST)" pcsc-check features

removal_seen() {
	vmctl card-remove >/dev/null || return 1
	pcsc-check wait absent 15
}
report 5 "card removal reaches PC/SC" removal_seen

insertion_seen() {
	vmctl card-insert >/dev/null || return 1
	pcsc-check wait present 15 && pcsc-check transmit "$APDU"
}
report 6 "card insertion reaches PC/SC, the new card answers" insertion_seen

# OpenSC, as a user runs it (absent from the VM: skipped)
if command -v opensc-tool >/dev/null 2>&1; then
	opensc_atr() {
		want=$(cat "/sys/class/scard/$(basename "$DEV")/atr")
		got=$(opensc-tool --atr) || return 1
		echo "opensc-tool --atr: $got"
		[ "$(echo "$got" | tr -d ': ' | tr a-f A-F)" = "$want" ]
	}
	report 7 "opensc-tool --atr" opensc_atr
	opensc_apdu() {
		r=$(opensc-tool -s "$APDU" 2>&1) || { echo "$r"; return 1; }
		echo "$r"
		echo "$r" | grep -q "SW1=0x90, SW2=0x00\|SW1=0x61"
	}
	report 8 "opensc-tool -s SELECT" opensc_apdu
	opensc_certs() {
		r=$(pkcs15-tool --list-certificates 2>&1)
		echo "$r"
		[ "$(echo "$r" | grep -c "X.509 Certificate")" -eq 3 ]
	}
	report 9 "pkcs15-tool --list-certificates lists the card's three" \
		opensc_certs
else
	for n in 7 8 9; do echo "ok $n - # SKIP no OpenSC in the VM"; done
fi

# The reader pulled and plugged back while a client holds a handle: the
# reader.conf.d entry stays, the card is absent meanwhile, the reader is
# found again, the client's old handle fails and a new one works.
GO=/tmp/pcsc-ifd.go
rm -f "$GO"
pcsc-check survive "$GO" "$APDU" >"$OUT.survive" 2>&1 &
client=$!
sleep 2
unplugged() {
	vmctl reader-unplug >/dev/null || return 1
	pcsc-check wait absent 20 && pcsc-check list
}
report 10 "reader unplugged: still listed, no card" unplugged
replugged() {
	vmctl reader-plug >/dev/null || return 1
	pcsc-check wait present 40 && pcsc-check transmit "$APDU"
}
report 11 "reader plugged back: found again, the card answers" replugged
survived() {
	touch "$GO"
	wait "$client"
	rc=$?
	cat "$OUT.survive"
	[ $rc -eq 0 ]
}
report 12 "a connected client gets an error on its old handle, reconnects" \
	survived
rm -f "$GO" "$OUT.survive"

stopped() {
	kill -TERM "$pcscd" && wait "$pcscd"
	rc=$?
	echo "pcscd exit $rc"
	[ $rc -eq 0 ]
}
report 13 "pcscd stops cleanly" stopped

# pcscd's own log, for a failure above
[ -z "$failed" ] || tail -n 60 "$LOG" | sed 's/^/# pcscd: /'
rm -rf "$CONF" "$OUT" "$LOG"
