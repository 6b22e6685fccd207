#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Integration scenario: a CCID reader on another machine, over USB/IP. The
# raw-gadget reader (ccid-gadget) is exported by usbip-host and usbipd and
# attached again through vhci-hcd, over the guest's loopback interface, as
# a user would with a reader plugged into another host: scard_ccid binds
# the attached device and its card answers; detaching it is an unplug (a
# process waiting on the reader gets ENODEV, the reader goes); unbinding
# gives the device back to scard_ccid locally. Prints TAP; exit 4 (skip)
# without /dev/raw-gadget, ccid-gadget, usbip/usbipd or the USB/IP drivers.

GLOG=/tmp/ccid-usbip-gadget.log
N=6

# shellcheck source=../guest/scenario-lib.sh
. /scard/scenario-lib.sh
echo "TAP version 13"
echo "1..$N"
if [ ! -c /dev/raw-gadget ] || ! command -v ccid-gadget >/dev/null 2>&1 ||
	! command -v usbip >/dev/null 2>&1 ||
	! command -v usbipd >/dev/null 2>&1 ||
	[ ! -d /sys/bus/usb/drivers/usbip-host ] ||
	[ ! -d /sys/devices/platform/vhci_hcd.0 ]; then
	skip_all $N "needs /dev/raw-gadget, ccid-gadget, usbip, usbipd, usbip-host, vhci-hcd"
fi

# gadget_reader [NOT]: the gadget's scardN whose USB device path does (or,
# with NOT, does not) contain vhci_hcd, once it is there (10 s)
gadget_reader() {
	_i=0
	while [ $_i -lt 100 ]; do
		for d in /sys/class/scard/scard*; do
			[ "$(cat "$d/name" 2>/dev/null)" = "scard CCID gadget" ] ||
				continue
			case "$(readlink -f "$d/device")" in
			*vhci_hcd*) [ -z "$1" ] || continue ;;
			*) [ -n "$1" ] || continue ;;
			esac
			[ -c "/dev/$(basename "$d")" ] && basename "$d" && return 0
		done
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

# gone NAME: /sys/class/scard/NAME is gone (10 s)
gone() {
	_i=0
	while [ -e "/sys/class/scard/$1" ]; do
		[ $_i -lt 100 ] || return 1
		sleep 0.1
		_i=$((_i + 1))
	done
}

ip link set lo up
# usbip attach records the connection there (usbip port reads it back)
mkdir -p /var/run/vhci_hcd
ccid-gadget >"$GLOG" 2>&1 &
gadget=$!
local_rdr=$(gadget_reader local)
if [ -z "$local_rdr" ]; then
	kill "$gadget" 2>/dev/null
	skip_all $N "the gadget did not come up"
fi
busid=$(basename "$(readlink -f "/sys/class/scard/$local_rdr/device/..")")
usbipd -D
sleep 0.5

exported() {
	usbip bind -b "$busid" || return 1
	gone "$local_rdr" && echo "$local_rdr ($busid) left scard_ccid"
}
t 1 "usbip bind -b $busid: the local reader goes, usbip-host has it" exported

attached() {
	usbip attach -r 127.0.0.1 -b "$busid" || return 1
	rdr=$(gadget_reader) || { usbip port; return 1; }
	echo "$rdr: $(readlink -f "/sys/class/scard/$rdr/device")"
	echo "$rdr" >/tmp/ccid-usbip.rdr
}
t 2 "usbip attach over 127.0.0.1: scard_ccid binds it through vhci-hcd" attached
rdr=$(cat /tmp/ccid-usbip.rdr 2>/dev/null)

works() {
	[ -n "$rdr" ] || return 1
	scardctl -d "/dev/$rdr" power on >/dev/null &&
		scardctl -d "/dev/$rdr" protocol any >/dev/null || return 1
	r=$(scardctl -d "/dev/$rdr" transmit '00 EE 00 00 03 01 02 03 03') ||
		{ echo "$r"; return 1; }
	echo "$r"
	echo "$r" | grep -q "SW1SW2: 90 00"
}
t 3 "the card answers over USB/IP (power on, T=0, ECHO)" works

# A process waiting for the card's removal when the link goes.
if [ -n "$rdr" ]; then
	scardctl -d "/dev/$rdr" wait absent --timeout 30 >/tmp/ccid-usbip.wait 2>&1 &
	waiter=$!
	sleep 1
fi
detached() {
	[ -n "$rdr" ] || return 1
	port=$(usbip port | sed -n 's/^Port \([0-9]*\):.*/\1/p' | head -n1)
	[ -n "$port" ] || { usbip port; return 1; }
	usbip detach -p "$port" || return 1
	gone "$rdr" && echo "$rdr gone after usbip detach -p $port"
}
t 4 "usbip detach: handled as an unplug, the reader goes" detached
if [ -n "${waiter:-}" ]; then
	wait "$waiter"
	wrc=$?
fi
t 5 "the process waiting on it ends with ENODEV" \
	sh -c "cat /tmp/ccid-usbip.wait; [ '${wrc:-0}' -ne 0 ] && grep -q ENODEV /tmp/ccid-usbip.wait"

back() {
	usbip unbind -b "$busid" || return 1
	r=$(gadget_reader local) || return 1
	echo "$r is back on scard_ccid"
	scardctl -d "/dev/$r" power on >/dev/null
}
t 6 "usbip unbind: scard_ccid has the local reader again" back

killall usbipd 2>/dev/null
kill "$gadget" 2>/dev/null
wait "$gadget" 2>/dev/null
rm -f /tmp/ccid-usbip.rdr /tmp/ccid-usbip.wait
