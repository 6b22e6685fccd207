#!/bin/sh
# Integration scenario: the GemPC Twin emulator on the host behind QEMU's
# usb-serial (FTDI FT232BM, -chardev socket), attached with scardattach.
# QEMU attaches the USB device only while the emulator is connected, so
# killing the emulator is the USB-serial adapter pulled out: the tty hangs
# up, the reader goes with a file still open on it, scardattach exits 8.
# Prints TAP.
echo "TAP version 13"
echo "1..5"

skip_all() {
	i=1
	while [ $i -le 5 ]; do echo "ok $i # SKIP $1"; i=$((i + 1)); done
	exit 4
}
[ -d /sys/module/scard_serial ] || skip_all "scard_serial not loaded"
[ -d /sys/bus/usb-serial/drivers/ftdi_sio ] || skip_all "no ftdi_sio"
command -v scardattach >/dev/null || skip_all "no scardattach"
vmctl twin-usb-start --protocol t0 || skip_all "no GemPC Twin emulator on the host"

n=0
result() { # status description
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; fi
}

tty=
i=0
while [ -z "$tty" ] && [ $i -lt 75 ]; do
	for t in /sys/bus/usb-serial/drivers/ftdi_sio/ttyUSB*; do
		[ -e "$t" ] && tty=/dev/${t##*/}
	done
	[ -n "$tty" ] || sleep 0.2
	i=$((i + 1))
done
out=/tmp/serial-usb.out
dev=
if [ -n "$tty" ]; then
	scardattach "$tty" >"$out" 2>/tmp/serial-usb.err &
	apid=$!
	i=0
	while [ ! -s "$out" ] && [ $i -lt 100 ] && kill -0 $apid 2>/dev/null; do
		sleep 0.2
		i=$((i + 1))
	done
	dev=$(head -n1 "$out")
fi
case "$dev" in
/dev/scard*) result 0 "scardattach $tty (usb-serial): $dev" ;;
*) result 1 "usb-serial tty and scardattach (tty '$tty')"
   sed 's/^/# /' /tmp/serial-usb.err 2>/dev/null
   vmctl twin-usb-done
   exit 1 ;;
esac
sys=/sys/class/scard/${dev#/dev/}

scardctl -d "$dev" power on >/dev/null &&
	scardctl -d "$dev" protocol T0 >/dev/null &&
	scardctl -d "$dev" transmit '00 A4 00 0C 02 01 01; 00 B0 00 10 00; 00 EE 00 00 04 01 02 03 04 00' >/tmp/serial-usb.apdu &&
	[ "$(grep -c 'SW1SW2: 90 00' /tmp/serial-usb.apdu)" -eq 3 ]
result $? "T=0 APDUs (cases 3, 2 of 256 bytes, 4)"

wait_state() { # state
	i=0
	while [ "$(cat "$sys/state")" != "$1" ] && [ $i -lt 50 ]; do
		sleep 0.2
		i=$((i + 1))
	done
	[ "$(cat "$sys/state")" = "$1" ]
}
vmctl twin-card remove && wait_state absent && vmctl twin-card insert && wait_state present
result $? "in-band card removal and insertion"

# Unplug with the reader open: the emulator goes, QEMU detaches the FTDI.
exec 5<"$dev"
vmctl twin-stop
st=0
i=0
while kill -0 $apid 2>/dev/null && [ $i -lt 75 ]; do sleep 0.2; i=$((i + 1)); done
wait $apid
st=$?
[ "$st" -eq 8 ]
result $? "adapter unplugged: scardattach exits 8 (exit $st)"
i=0
while [ -e "$dev" ] && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
[ ! -e "$dev" ] && ! scardctl -d /proc/self/fd/5 status >/dev/null 2>&1
result $? "adapter unplugged: $dev removed, the open file fails"
exec 5<&-

vmctl twin-usb-done
exit 0
