#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Integration scenario: scard's Debian packages (make deb) installed with
# apt into a fresh Debian 12 root (tools/testing/vm/debroot.sh, on the host:
# DKMS built the modules in the root's postinst), attached as /dev/vda
# (Debian's 6.1 kernel only: the root has its headers). The VM's own scard
# modules are unloaded; in the root, `modprobe scard_ccid` loads DKMS's
# modules, the root's udevd gives /dev/scard0 group scard (created by the
# package through systemd-sysusers), mode 0660 and its by-id link, the
# root's pcscd with libifd-scard's bundle lists the QEMU reader and
# pcsc_scan sees its card. Then the VM's modules are loaded back for the
# scenarios after this one. Prints TAP; exit 4 (skip) without /dev/vda.

DISK=/dev/vda
MNT=/mnt/debroot
DEV=/dev/scard0
N=7

# shellcheck source=../guest/scenario-lib.sh
. /scard/scenario-lib.sh
echo "TAP version 13"
echo "1..$N"
if [ ! -b "$DISK" ] || ! command -v vmctl >/dev/null 2>&1; then
	skip_all $N "needs the Debian root on $DISK (debroot.sh)"
fi
# The root's programs as a booted system runs them: systemd's tools refuse
# to act in a chroot unless told; bash's <(...) (dkms) needs /dev/fd.
in_root() {
	chroot "$MNT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		SYSTEMD_IGNORE_CHROOT=1 "$@"
}
# in_root_exec CMD... &: the same in the background, $! being CMD itself
in_root_exec() {
	exec chroot "$MNT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		SYSTEMD_IGNORE_CHROOT=1 "$@"
}
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd

mounted() {
	mkdir -p "$MNT" && mount -t ext4 "$DISK" "$MNT" || return 1
	for m in proc sys dev run; do mount --bind "/$m" "$MNT/$m" || return 1; done
	# shellcheck disable=SC2016 # dpkg-query's format, not the shell's
	in_root dpkg-query -W -f '${Package} ${Version} ${db:Status-Abbrev}\n' \
		scard-dkms scard-tools libifd-scard | tee /tmp/debroot.pkgs
	[ "$(grep -c ' ii $' /tmp/debroot.pkgs)" -eq 3 ]
}
t 1 "the root has the three packages installed" mounted

dkms_built() {
	in_root dkms status
	ls "$MNT/lib/modules/$(uname -r)/updates/dkms/" &&
		[ -f "$MNT/lib/modules/$(uname -r)/updates/dkms/scard_ccid.ko" ]
}
t 2 "DKMS built the modules for the running kernel" dkms_built

wait_node() {
	i=0
	while [ $i -lt 80 ]; do
		[ -c "$DEV" ] && return 0
		sleep 0.25
		i=$((i + 1))
	done
	return 1
}
modprobe_root() {
	for m in scard_kunit scard_ccid scard_serial scard_vproxy scard; do
		[ ! -d "/sys/module/$m" ] || rmmod "$m" || return 1
	done
	in_root modprobe scard_ccid || return 1
	in_root modinfo -n scard_ccid
	[ -d /sys/module/scard_ccid ] && wait_node
}
t 3 "modprobe scard_ccid in the root loads DKMS's modules" modprobe_root

in_root /lib/systemd/systemd-udevd --daemon >/tmp/debroot-udevd.log 2>&1
node_ok() {
	in_root udevadm trigger --subsystem-match=scard --action=add &&
		in_root udevadm settle -t 30 || return 1
	perm=$(in_root stat -c '%G %a' "$DEV") || return 1
	echo "$DEV: $perm"
	ls -l /dev/scard/by-id/ 2>&1
	[ "$perm" = "scard 660" ] && ls /dev/scard/by-id/usb-*-slot0 >/dev/null
}
t 4 "$DEV: group scard, mode 0660, a by-id link (the root's udevd)" node_ok

mkdir -p "$MNT/run/pcscd"
in_root_exec /usr/sbin/pcscd -f -d >/tmp/debroot-pcscd.log 2>&1 &
pcscd=$!
scan_ok() {
	i=0
	while [ $i -lt 40 ]; do
		out=$(in_root pcsc_scan -n -t 4 2>&1)
		if echo "$out" | grep -q "QEMU USB CCID" &&
			echo "$out" | grep -q "Card inserted"; then
			echo "$out" | grep "QEMU USB CCID\|Card inserted\|ATR:" | head -n 5
			return 0
		fi
		sleep 1
		i=$((i + 4))
	done
	echo "$out" | tail -n 20
	return 1
}
t 5 "the root's pcscd and libifd-scard: pcsc_scan sees the reader and card" \
	scan_ok
kill -TERM "$pcscd"
wait "$pcscd"
rc=$?
if [ $rc -eq 0 ]; then
	echo "ok 6 - pcscd stops cleanly"
else
	echo "not ok 6 - pcscd stops cleanly (exit status $rc)"
	tail -n 40 /tmp/debroot-pcscd.log | sed 's/^/# pcscd: /'
fi
in_root udevadm control --exit

# The VM's own modules back, as /init loaded them (its ours.order).
restore() {
	for m in scard_ccid scard_serial scard_vproxy scard; do
		[ ! -d "/sys/module/$m" ] || rmmod "$m" || return 1
	done
	while read -r ko; do
		case "$ko" in *kunit*) continue ;; esac
		insmod "/scard/modules/$ko" || return 1
	done </scard/modules/ours.order
	sed -i 's/scard_kunit//' /tmp/scard-loaded-modules
	wait_node
}
t 7 "the VM's modules loaded back" restore
for m in run dev sys proc; do umount "$MNT/$m" 2>/dev/null; done
umount "$MNT"
rm -f /tmp/debroot.pkgs /tmp/debroot-udevd.log /tmp/debroot-pcscd.log
