#!/bin/sh
# Self-test of the VM harness: the control channel (vmctl -> qemu.py -> QMP)
# removes/inserts the card and unplugs/replugs the reader, and the guest's USB
# stack sees the reader go and come back. Independent of the scard driver.
# Leaves the VM as it found it: reader plugged, card inserted.
echo "TAP version 13"
echo "1..6"

ccid_present() {
	for f in /sys/bus/usb/devices/*/bInterfaceClass; do
		[ -r "$f" ] && [ "$(cat "$f")" = 0b ] && return 0
	done
	return 1
}

# wait_for present|absent: up to 15 s
wait_for() {
	n=0
	while [ $n -lt 60 ]; do
		if ccid_present; then [ "$1" = present ] && return 0
		else [ "$1" = absent ] && return 0; fi
		sleep 0.25
		n=$((n + 1))
	done
	return 1
}

t() { # n description command...
	n=$1 d=$2
	shift 2
	if "$@"; then echo "ok $n $d"; else echo "not ok $n $d"; fi
}

t 1 "control channel answers ping" vmctl ping
t 2 "card-remove" vmctl card-remove
t 3 "card-insert" vmctl card-insert
unplug() { vmctl reader-unplug && wait_for absent; }
t 4 "reader-unplug removes the CCID interface" unplug
t 5 "reader-plug brings the CCID interface back" vmctl reader-plug
t 6 "CCID interface enumerated again" wait_for present
echo "# host state: $(vmctl state)"
