#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Integration scenario: PC/SC on top. Debian's pcscd with the scard IFD
# handler (tools/pcsc/libifd_scard.so) for the QEMU CCID reader at
# /dev/scard0, and a PC/SC client (pcsc-check, libpcsclite only): the
# reader listed, the ATR as sysfs has it, a SELECT answered, the part 10
# feature request, the card removed and inserted (QMP, through vmctl)
# seen by pcscd through the handler's polling thread, OpenSC reading the
# card's certificates, a python3-pyscard script (pyscard-check)
# transmitting, the reader unplugged and plugged back while a client holds
# a handle, pcsc_scan reporting the card removed and inserted, pcscd
# stopped cleanly. Then readers that come after pcscd started and are not
# USB: a reader.conf.d entry naming the vproxy reader "vicc" (DEVICENAME
# scard:vproxy=vicc) is listed without a card until scard-vicc-bridge
# creates that reader (vicc on the host), then its card answers, and when
# the bridge goes the card is gone again; the same with a serial reader,
# an entry DEVICENAME scard:tty=ttyS3 that gets the GemPC Twin emulator's
# card (host, through ttyS3) once scardattach attaches it. Last, the
# handler called as pcscd calls it (ifd-unit --vproxy): a reader that
# comes with its card between two of pcscd's calls is not missed.
# Prints TAP; exit 4 (skip) without pcscd, the handler, pcsc-check or
# /dev/scard0; the vicc part is skipped without vicc.

DEV=${SCARD_DEV:-/dev/scard0}
IFD=/scard/bin/libifd_scard.so
APDU="00A4040007A0000000790100"
CONF=/tmp/pcsc-ifd.conf.d
LOG=/tmp/pcsc-ifd.log
OUT=/tmp/pcsc-ifd.out
N=24
failed=

# shellcheck source=../guest/scenario-lib.sh
. /scard/scenario-lib.sh
echo "TAP version 13"
echo "1..$N"
if [ ! -x /usr/sbin/pcscd ] || [ ! -f "$IFD" ] || [ ! -c "$DEV" ] ||
	! command -v pcsc-check >/dev/null 2>&1 ||
	! command -v vmctl >/dev/null 2>&1; then
	skip_all $N "needs pcscd, $IFD, pcsc-check, vmctl, $DEV"
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

report 1 "pcscd lists the reader through the IFD handler" \
	pcsc_listed "scard $(basename "$DEV")"

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

# python3-pyscard, as a script uses it (absent from the VM: skipped)
if command -v python3 >/dev/null 2>&1 && command -v pyscard-check >/dev/null 2>&1 &&
	python3 -c 'import smartcard.System' 2>/dev/null; then
	report 10 "a python3-pyscard script lists the reader and transmits" \
		pyscard-check "scard $(basename "$DEV")" "$APDU"
else
	echo "ok 10 - # SKIP no python3-pyscard in the VM"
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
report 11 "reader unplugged: still listed, no card" unplugged
replugged() {
	vmctl reader-plug >/dev/null || return 1
	pcsc-check wait present 40 && pcsc-check transmit "$APDU"
}
report 12 "reader plugged back: found again, the card answers" replugged
survived() {
	touch "$GO"
	wait "$client"
	rc=$?
	cat "$OUT.survive"
	[ $rc -eq 0 ]
}
report 13 "a connected client gets an error on its old handle, reconnects" \
	survived
rm -f "$GO" "$OUT.survive"

# pcsc_scan, as a user runs it: the reader, the card removed and inserted
if command -v pcsc_scan >/dev/null 2>&1; then
	scan_events() {
		pcsc_scan -n -t 16 >/tmp/pcsc-scan.out 2>&1 &
		scan=$!
		sleep 4
		vmctl card-remove >/dev/null || return 1
		sleep 4
		vmctl card-insert >/dev/null || return 1
		wait "$scan"
		grep "Reader 0\|Card removed\|Card inserted" /tmp/pcsc-scan.out
		grep -q "Card removed" /tmp/pcsc-scan.out &&
			grep -q "Card inserted" /tmp/pcsc-scan.out
	}
	report 14 "pcsc_scan lists the reader, reports the card removed and inserted" \
		scan_events
	rm -f /tmp/pcsc-scan.out
else
	echo "ok 14 - # SKIP no pcsc_scan in the VM"
fi

stopped() {
	kill -TERM "$pcscd" && wait "$pcscd"
	rc=$?
	echo "pcscd exit $rc"
	[ $rc -eq 0 ]
}
report 15 "pcscd stops cleanly" stopped

# later_reader N NAME DEVICENAME APDU CMD...: results N to N+3 for a
# reader.conf.d entry naming a reader that CMD, started after pcscd,
# creates: the entry listed without a card first, then its card there and
# answering APDU with 90 00, without a card again once CMD is killed, and
# pcscd stopping cleanly.
later_reader() {
	n0=$1 name=$2 devname=$3 apdu=$4
	shift 4
	rm -rf "$CONF"
	mkdir -p "$CONF"
	printf 'FRIENDLYNAME "%s"\nDEVICENAME %s\nLIBPATH %s\n' \
		"$name" "$devname" "$IFD" >"$CONF/entry"
	/usr/sbin/pcscd -f -c "$CONF" -d >"$LOG" 2>&1 &
	pcscd=$!
	comes() {
		pcsc_listed "$name" && pcsc-check -r "$name" wait absent 10 ||
			return 1
		echo "listed before the reader exists, no card"
		"$@" >/tmp/pcsc-later.out 2>&1 &
		later=$!
		# both creators print the new device's name once it exists
		i=0
		while [ ! -s /tmp/pcsc-later.out ] && kill -0 "$later" 2>/dev/null &&
			[ $i -lt 80 ]; do
			sleep 0.25
			i=$((i + 1))
		done
		echo "$1: $(cat /tmp/pcsc-later.out)"
		kill -0 "$later" 2>/dev/null || { echo "$1 exited"; return 1; }
		pcsc-check -r "$name" wait present 30 && return 0
		ls -l /sys/class/scard/ && cat /sys/class/scard/*/name
		return 1
	}
	report "$n0" "$devname, created after pcscd: its entry gets the card" \
		comes "$@"
	answers() {
		r=$(pcsc-check -r "$name" transmit "$apdu") || return 1
		echo "$apdu: $r"
		[ "$r" = "90 00" ]
	}
	report $((n0 + 1)) "$devname: the card answers through pcscd" answers
	goes() {
		kill "$later" || return 1
		pcsc-check -r "$name" wait absent 20 && pcsc-check list
	}
	report $((n0 + 2)) "$devname: its reader gone, the entry stays without a card" \
		goes
	report $((n0 + 3)) "pcscd stops cleanly" stopped
	rm -f /tmp/pcsc-later.out
}

# --- a non-USB reader that comes after pcscd: vproxy, played by vicc ------
if [ -c /dev/scard_vproxy ] && command -v scard-vicc-bridge >/dev/null 2>&1 &&
	grep -qw scard_vicc=1 /proc/cmdline && [ -e /dev/ttyS3 ]; then
	later_reader 16 "scard vicc" scard:vproxy=vicc 00A4000C023F00 \
		scard-vicc-bridge --device /dev/ttyS3 --name vicc
else
	for n in 16 17 18 19; do echo "ok $n - # SKIP needs vicc (scard_vicc=1), scard-vicc-bridge"; done
fi

# --- a serial reader attached after pcscd's start: scard:tty=ttyS3 -------
if [ -d /sys/module/scard_serial ] && command -v scardattach >/dev/null 2>&1 &&
	vmctl twin-start --protocol t1 >/dev/null 2>&1; then
	later_reader 20 "scard twin" scard:tty=ttyS3 00A4000C020101 \
		scardattach /dev/ttyS3
	vmctl twin-done >/dev/null 2>&1
else
	for n in 20 21 22 23; do echo "ok $n - # SKIP needs scard_serial, scardattach, the Twin emulator"; done
fi

# --- the polling function and a reader that comes with its card --------
# between pcscd's IFDHICCPresence() and its call of the polling function:
# that call returns at once (else pcscd would wait for the card's removal
# and never see it). pcscd hits this window now and then (20 to 23 above);
# ifd-unit --vproxy makes it every time, calling the handler as pcscd does.
if [ -c /dev/scard_vproxy ] && command -v ifd-unit >/dev/null 2>&1; then
	report 24 "the polling function does not hide a card pcscd has not seen" \
		ifd-unit "$IFD" --vproxy
else
	echo "ok 24 - # SKIP needs scard_vproxy, ifd-unit"
fi

# pcscd's own log, for a failure above, without its clients' chatter
[ -z "$failed" ] ||
	grep -v -e winscard_svc -e winscard_msg "$LOG" | tail -n 60 | sed 's/^/# pcscd: /'
rm -rf "$CONF" "$OUT" "$LOG"
