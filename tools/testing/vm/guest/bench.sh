#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The benchmark VM's script (scard.mode=bench, tools/testing/bench/run-bench):
# scard-bench on a vproxy reader and QEMU's reader, its table and samples
# on the results channel. Arguments from the kernel command line:
# scard.bench=SAMPLES,BLOCKS.
export PATH=/scard/bin:/bin:/sbin:/usr/bin:/usr/sbin
n=20000 b=20
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	scard.bench=*) v=${arg#scard.bench=}; n=${v%,*}; b=${v#*,} ;;
	esac
done
i=0
while [ ! -e /dev/scard0 ] && [ $i -lt 20 ]; do sleep 0.5; i=$((i + 1)); done
echo "# bench: kernel $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPU(s), $n samples in $b blocks"
scard-bench -n "$n" -b "$b" -c /dev/scard0 2>&1
rc=$?
echo "# bench-exit: $rc"
exit $rc
