#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Integration scenario: what `make install` puts into a root, used as a
# user has it. The host stages `make install-tools DESTDIR=... PREFIX=/usr`
# and systemd-sysusers --root (the scard group) into /scard/install-root;
# here it is copied over the VM's root, Debian's udevd runs with the
# installed rules only, and the QEMU reader's /dev/scard0 must get group
# scard, mode 0660 and its /dev/scard/by-id link, again after the reader
# is unplugged and plugged back (QEMU's serial number is its port, so
# the by-id name may change with the port); the installed tools run.
# Then pcscd's USB hotplug with the installed bundle (scard.bundle): the
# reader plugged after pcscd started appears in PC/SC through the scard
# IFD handler and answers, leaves when unplugged, comes back when plugged
# again; a client connected meanwhile gets an error and reconnects. Then the modules as `make install-modules` installs them
# (/scard/modules-root, staged by the host): every scard module unloaded,
# `modprobe scard_ccid` loads them from /lib/modules/KREL/extra/scard and
# the reader's node gets its group, mode and by-id link again; the other
# modules are loaded back for the scenarios after this one. The installed
# files are removed at the end. Prints TAP; exit 4
# (skip) without the staged root, udevd or /dev/scard0, and on a kernel
# without inotify (udevd needs CONFIG_INOTIFY_USER); the pcscd part is
# skipped without pcscd or pcsc-check.

ROOT=/scard/install-root
DEV=${SCARD_DEV:-/dev/scard0}
UDEVD=/lib/systemd/systemd-udevd
N=14
APDU=00A4040007A0000000790100

# shellcheck source=../guest/scenario-lib.sh
. /scard/scenario-lib.sh
echo "TAP version 13"
echo "1..$N"
if [ ! -d "$ROOT" ] || [ ! -x "$UDEVD" ] || [ ! -c "$DEV" ] ||
	[ ! -d /proc/sys/fs/inotify ] ||
	! command -v vmctl >/dev/null 2>&1; then
	skip_all $N "needs $ROOT, $UDEVD, vmctl, $DEV and inotify"
fi

# The root as installed: files over /, the group as sysusers made it.
install_root() {
	grep -v '^scard:' /etc/group 2>/dev/null >/tmp/group.new
	grep '^scard:' "$ROOT/etc/group" >>/tmp/group.new || return 1
	(cd "$ROOT" && find . ! -type d ! -path './etc/group*' \
		! -path './etc/gshadow*' ! -path './etc/passwd*' \
		! -path './etc/shadow*' ! -name '.pwd.lock' |
		while read -r f; do
			mkdir -p "/${f%/*}" && cp -a "$f" "/$f" || exit 1
		done) || return 1
	mv /tmp/group.new /etc/group
	ls -l /usr/bin/scardctl /usr/sbin/scardattach /etc/udev/rules.d/60-scard.rules
}
t 1 "the installed files in place, group scard exists" install_root

mkdir -p /run/udev
# In the foreground, its log to a file: not the kernel log the harness scans.
SYSTEMD_LOG_TARGET=console "$UDEVD" --resolve-names=late 2>/tmp/udevd.err &
udevd=$!
sleep 1

# node_ok: /dev/scardN of the QEMU reader has group scard, mode 660 and
# one /dev/scard/by-id link pointing to it.
node_ok() {
	udevadm trigger --subsystem-match=scard --action=add &&
		udevadm settle -t 20 || return 1
	perm=$(stat -c '%G %a' "$DEV") || return 1
	echo "$DEV: $perm"
	ls -l /dev/scard/by-id/ 2>&1
	[ "$perm" = "scard 660" ] || return 1
	for l in /dev/scard/by-id/usb-*-slot0; do
		[ "$(readlink -f "$l")" = "$DEV" ] && return 0
	done
	return 1
}
t 2 "$DEV: group scard, mode 0660, a by-id link" node_ok

tools_run() {
	/usr/bin/scardctl list && /usr/sbin/scardattach --help >/dev/null
}
t 3 "the installed scardctl and scardattach run" tools_run

wait_node() { # present|absent
	i=0
	while [ $i -lt 80 ]; do
		if [ -c "$DEV" ]; then [ "$1" = present ] && return 0
		else [ "$1" = absent ] && return 0; fi
		sleep 0.25
		i=$((i + 1))
	done
	return 1
}
unplug() {
	vmctl reader-unplug >/dev/null && wait_node absent && udevadm settle -t 20 &&
		[ -z "$(ls /dev/scard/by-id/ 2>/dev/null)" ]
}
t 4 "reader unplugged: the by-id link goes" unplug

replug() {
	vmctl reader-plug >/dev/null && wait_node present &&
		udevadm settle -t 20 || return 1
	perm=$(stat -c '%G %a' "$DEV") || return 1
	echo "$DEV: $perm"
	ls -l /dev/scard/by-id/ 2>&1
	[ "$perm" = "scard 660" ] && ls /dev/scard/by-id/usb-*-slot0 >/dev/null
}
t 5 "reader plugged back: udevd applies the rules to the new node" replug

# --- pcscd's USB hotplug through the installed bundle ---------------------
# pcsc_listed yes|no: within 30 s, pcscd lists (or no longer lists) the
# QEMU reader under the name the bundle gives it.
pcsc_listed() {
	i=0
	while [ $i -lt 120 ]; do
		if pcsc-check list 2>/dev/null | grep -q "QEMU USB CCID"; then
			[ "$1" = yes ] && { pcsc-check list; return 0; }
		else
			[ "$1" = no ] && return 0
		fi
		sleep 0.25
		i=$((i + 1))
	done
	pcsc-check list
	return 1
}
pcsc_answers() {
	r=$(pcsc-check -r "QEMU USB CCID" transmit "$APDU") || return 1
	echo "SELECT: $r"
	case "$r" in *"90 00" | *"61 "??) return 0 ;; esac
	return 1
}
PCSCLOG=/tmp/pcscd-hotplug.log
if [ -x /usr/sbin/pcscd ] && command -v pcsc-check >/dev/null 2>&1; then
	# pcscd (this shell's child, to wait for) starts without the reader;
	# it reads the bundles at start.
	vmctl reader-unplug >/dev/null && wait_node absent
	mkdir -p /run/pcscd /tmp/pcscd-empty.conf.d
	/usr/sbin/pcscd -f -d -c /tmp/pcscd-empty.conf.d >"$PCSCLOG" 2>&1 &
	pcscd=$!
	sleep 2
	hotplug_added() {
		vmctl reader-plug >/dev/null && wait_node present &&
			pcsc_listed yes &&
			grep -q "scard.bundle" "$PCSCLOG"
	}
	t 6 "pcscd: a reader plugged after its start appears (bundle)" \
		hotplug_added
	t 7 "pcscd: the hotplugged reader answers a SELECT" pcsc_answers
	hotplug_removed() {
		vmctl reader-unplug >/dev/null && wait_node absent &&
			pcsc_listed no
	}
	t 8 "pcscd: the unplugged reader leaves PC/SC" hotplug_removed
	hotplug_again() {
		vmctl reader-plug >/dev/null && wait_node present &&
			pcsc_listed yes && pcsc_answers
	}
	t 9 "pcscd: plugged again, it is back and answers" hotplug_again
	# A client connected while the reader goes and comes back (this
	# shell's child): its handle fails, it connects to the new reader.
	GO=/tmp/pcsc-hotplug.go
	rm -f "$GO"
	pcsc-check -r "QEMU USB CCID" survive "$GO" "$APDU" >/tmp/pcsc-survive.out 2>&1 &
	client=$!
	sleep 2
	vmctl reader-unplug >/dev/null && wait_node absent && pcsc_listed no &&
		vmctl reader-plug >/dev/null && wait_node present &&
		pcsc_listed yes >/dev/null
	touch "$GO"
	if wait "$client"; then
		echo "ok 10 - a connected client gets an error on its handle, reconnects"
	else
		echo "not ok 10 - a connected client gets an error on its handle, reconnects"
	fi
	sed 's/^/# /' /tmp/pcsc-survive.out
	rm -f "$GO" /tmp/pcsc-survive.out
	if kill -TERM "$pcscd" && wait "$pcscd"; then
		echo "ok 11 - pcscd stops cleanly"
	else
		echo "not ok 11 - pcscd stops cleanly"
		tail -n 60 "$PCSCLOG" | sed 's/^/# pcscd: /'
	fi
else
	for n in 6 7 8 9 10 11; do echo "ok $n - # SKIP needs pcscd and pcsc-check"; done
fi

# --- the installed modules: modprobe ---------------------------------------
KMOD=/scard/kmod
KREL=$(uname -r)
if [ -d "/scard/modules-root/lib/modules/$KREL/extra/scard" ] && [ -x "$KMOD/kmod" ]; then
	modprobe_ccid() {
		mkdir -p "/lib/modules/$KREL" &&
			cp -a "/scard/modules-root/lib/modules/$KREL/." "/lib/modules/$KREL/" ||
			return 1
		for m in scard_kunit scard_ccid scard_serial scard_vproxy scard; do
			[ ! -d "/sys/module/$m" ] || "$KMOD/rmmod" "$m" || return 1
		done
		# the KUnit results were read before the scenarios; /init
		# unloads at the end only what it still finds loaded
		sed -i 's/scard_kunit//' /tmp/scard-loaded-modules
		[ ! -e "$DEV" ] || { echo "$DEV still there"; return 1; }
		"$KMOD/modprobe" scard_ccid || return 1
		"$KMOD/modinfo" -n scard_ccid
		"$KMOD/lsmod" | grep "^scard"
		[ -d /sys/module/scard ] && [ -d /sys/module/scard_ccid ] &&
			wait_node present && node_ok
	}
	t 12 "modprobe scard_ccid (installed modules): the node, its group, mode, by-id" \
		modprobe_ccid
	others_back() {
		"$KMOD/modprobe" -a scard_vproxy scard_serial &&
			[ -c /dev/scard_vproxy ] && "$KMOD/lsmod" | grep "^scard"
	}
	t 13 "modprobe the other modules back" others_back
else
	for n in 12 13; do echo "ok $n - # SKIP needs the staged modules and kmod"; done
fi

# Not through t(): only this shell, udevd's parent, can wait for it.
# A rule udevd cannot use is logged with its FILE:LINE.
if udevadm control --exit && wait "$udevd" &&
	! grep -q "\.rules:[0-9]" /tmp/udevd.err; then
	echo "ok 14 - udevd reported no rule error and exits"
else
	echo "not ok 14 - udevd reported no rule error and exits"
	tail -n 20 /tmp/udevd.err | sed 's/^/# udevd: /'
fi
rm -f /tmp/udevd.err "$PCSCLOG"

# The installed files leave the VM's root (the other scenarios' pcscd
# must not find the bundle).
(cd "$ROOT" && find . ! -type d ! -path './etc/*' | while read -r f; do
	rm -f "/$f"
done)
rm -rf /usr/lib/pcsc/drivers/scard.bundle
