#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The benchmark VM's script (scard.mode=bench, tools/testing/bench/run-bench).
# 1. scard-bench: the vproxy paths and their floors, interleaved; kernel
#    memory per reader and file; allocations per TRANSMIT.
# 2. QEMU's reader through four stacks, in interleaved blocks
#    (a b c u u c b a): "ccid" (TRANSMIT ioctl through scard_ccid),
#    "pcsc_scard" (SCardTransmit, pcscd with scard's IFD handler),
#    "pcsc_libccid" (SCardTransmit, pcscd with libccid, scard_ccid
#    unbound) and "usbfs" (the XfrBlock through libusb, no driver bound).
# Tables and samples go to the results channel. Kernel command line:
# scard.bench=SAMPLES,BLOCKS (phase 2 takes SAMPLES/4 per path);
# scard.bench_phase=scale runs only scard-scale (run-bench's second boot,
# two vCPUs): throughput against readers.
export PATH=/scard/bin:/bin:/sbin:/usr/bin:/usr/sbin
n=20000 b=20 phase=latency
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	scard.bench=*) v=${arg#scard.bench=}; n=${v%,*}; b=${v#*,} ;;
	scard.bench_phase=*) phase=${arg#scard.bench_phase=} ;;
	esac
done
i=0
while [ ! -e /dev/scard0 ] && [ $i -lt 20 ]; do sleep 0.5; i=$((i + 1)); done
cpus=$(grep -c ^processor /proc/cpuinfo)
if [ "$phase" = scale ]; then
	# throughput against readers: 1..64 readers x 1 and 8 files
	echo "# bench: kernel $(uname -r), $cpus CPU(s), scaling"
	scard-scale -r 1,2,4,8,16,32,64 -f 1,8 -d 1000 2>&1 ||
		echo "# bench-failed: scard-scale"
	echo "# bench-exit: 0"
	exit 0
fi
echo "# bench: kernel $(uname -r), $cpus CPU(s), $n samples in $b blocks"
scard-bench -n "$n" -b "$b" 2>&1 || echo "# bench-failed: scard-bench"
# kernel memory per registered reader and per open file (64 x 8)
scard-bench -m 64,8 2>&1 || echo "# bench-failed: scard-bench -m"
# kernel allocations per TRANSMIT, by path (kmem trace events)
scard-bench -a 2000 2>&1 || echo "# bench-failed: scard-bench -a"

# --- phase 2 ---------------------------------------------------------------
DRV=/sys/bus/usb/drivers/scard_ccid
DROP=/usr/lib/pcsc/drivers
intf=
for l in "$DRV"/*:*; do [ -e "$l" ] && intf=${l##*/}; done
per=$((n / 8))
[ -n "$intf" ] || { echo "# bench-failed: no CCID interface bound"; exit 1; }
echo "# bench: phase 2 on $intf, $per samples per block, 2 blocks per path"

scard_node() {
	for d in /sys/class/scard/scard*; do
		[ "$(cat "$d/name" 2>/dev/null)" = "QEMU QEMU USB CCID" ] &&
			{ echo "/dev/${d##*/}"; return 0; }
	done
	return 1
}
bound() { # yes|no
	if [ "$1" = yes ]; then
		[ -e "$DRV/$intf" ] || echo "$intf" >"$DRV/bind"
		i=0
		while ! scard_node >/dev/null && [ $i -lt 40 ]; do sleep 0.25; i=$((i + 1)); done
	else
		[ ! -e "$DRV/$intf" ] || echo "$intf" >"$DRV/unbind"
	fi
}
pcscd_with() { # bundle-dir: pcscd sees only that bundle
	rm -rf "${DROP:?}"/* && mkdir -p "$DROP" /run/pcscd /tmp/bench.conf.d &&
		cp -a "$1" "$DROP/" || return 1
	/usr/sbin/pcscd -f -c /tmp/bench.conf.d >/tmp/bench-pcscd.log 2>&1 &
	pcscd=$!
	# up when its socket is
	i=0
	while [ ! -S /run/pcscd/pcscd.comm ] && [ $i -lt 40 ]; do
		sleep 0.25
		i=$((i + 1))
	done
}
pcscd_stop() {
	kill -TERM "$pcscd" 2>/dev/null
	wait "$pcscd" 2>/dev/null
}
# the scard handler as make install puts it
mkdir -p /usr/lib/pcsc
cp -a /scard/install-root/usr/lib/pcsc/scard /usr/lib/pcsc/
run() { # path
	rc=0
	case "$1" in
	ccid)
		bound yes
		scard-bench -n "$per" -b 1 -p ccid -c "$(scard_node)" \
			>/tmp/bench.out 2>&1 || rc=1
		grep -v '^path\|^ccid ' /tmp/bench.out ;;
	pcsc_scard)
		bound yes
		pcscd_with /scard/install-root/usr/lib/pcsc/drivers/scard.bundle &&
			pcsc-bench pcsc_scard "QEMU" "$per" || rc=1
		pcscd_stop ;;
	pcsc_libccid)
		bound no
		pcscd_with /scard/libccid/ifd-ccid.bundle &&
			pcsc-bench pcsc_libccid "" "$per" || rc=1
		pcscd_stop ;;
	usbfs)
		bound no
		usbfs-bench usbfs 08e6:4433 "$per" || rc=1 ;;
	esac
	[ $rc -eq 0 ] || { echo "# bench-failed: $1"; tail -n 20 /tmp/bench-pcscd.log 2>/dev/null; }
}
if [ -d /scard/libccid/ifd-ccid.bundle ] && command -v pcsc-bench >/dev/null &&
	command -v usbfs-bench >/dev/null; then
	for p in ccid pcsc_scard pcsc_libccid usbfs usbfs pcsc_libccid pcsc_scard ccid; do
		run "$p"
	done
else
	echo "# bench-failed: phase 2 needs libccid, pcsc-bench and usbfs-bench"
	run ccid
fi
bound yes
echo "# bench-exit: 0"
