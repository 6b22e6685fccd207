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
# the by-id name may change with the port); the installed tools run. Prints TAP;
# exit 4 (skip) without the staged root, udevd or /dev/scard0, and on a
# kernel without inotify (udevd needs CONFIG_INOTIFY_USER).

ROOT=/scard/install-root
DEV=${SCARD_DEV:-/dev/scard0}
UDEVD=/lib/systemd/systemd-udevd
N=6

echo "TAP version 13"
echo "1..$N"
if [ ! -d "$ROOT" ] || [ ! -x "$UDEVD" ] || [ ! -c "$DEV" ] ||
	[ ! -d /proc/sys/fs/inotify ] ||
	! command -v vmctl >/dev/null 2>&1; then
	n=1
	while [ $n -le $N ]; do
		echo "ok $n - # SKIP needs $ROOT, $UDEVD, vmctl, $DEV and inotify"
		n=$((n + 1))
	done
	exit 4
fi

t() { # n description command...
	n=$1 d=$2
	shift 2
	if out=$("$@" 2>&1); then echo "ok $n - $d"; else echo "not ok $n - $d"; fi
	[ -z "$out" ] || echo "$out" | sed 's/^/# /'
}

# The root as installed: files over /, the group as sysusers made it.
install_root() {
	grep -v '^scard:' /etc/group 2>/dev/null >/tmp/group.new
	grep '^scard:' "$ROOT/etc/group" >>/tmp/group.new || return 1
	(cd "$ROOT" && find . -type f ! -path './etc/group*' \
		! -path './etc/gshadow*' ! -path './etc/passwd*' \
		! -path './etc/shadow*' ! -name '.pwd.lock' |
		while read -r f; do
			mkdir -p "/${f%/*}" && cp -p "$f" "/$f" || exit 1
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

# Not through t(): only this shell, udevd's parent, can wait for it.
# A rule udevd cannot use is logged with its FILE:LINE.
if udevadm control --exit && wait "$udevd" &&
	! grep -q "\.rules:[0-9]" /tmp/udevd.err; then
	echo "ok 6 - udevd reported no rule error and exits"
else
	echo "not ok 6 - udevd reported no rule error and exits"
	tail -n 20 /tmp/udevd.err | sed 's/^/# udevd: /'
fi
rm -f /tmp/udevd.err
