#!/bin/sh
# vsmartcard's vicc (an independent ISO/IEC 7816-4 card emulator, running on
# the host, connected by QEMU to the guest's ttyS3) answers SELECT and READ
# BINARY through the kernel: scard-vicc-bridge makes an APDU-level vproxy
# reader whose card is vicc, and scardctl drives /dev/scardN.
#
# vicc's iso7816 card starts with an empty MF, so the scenario creates an
# EF (CREATE FILE), writes it (UPDATE BINARY, which vicc 0.8 answers 62 82),
# selects MF then the EF and reads it back. The host starts vicc and adds
# scard_vicc=1 to the kernel command line (tools/testing/vm/run-tests);
# without it the scenario is skipped. Prints TAP.
N=8
echo "TAP version 13"
echo "1..$N"
skip_all() {
	i=1
	while [ $i -le $N ]; do echo "ok $i # SKIP $1"; i=$((i + 1)); done
	exit 4
}
[ -c /dev/scard_vproxy ] || skip_all "no /dev/scard_vproxy (scard_vproxy.ko)"
command -v scard-vicc-bridge >/dev/null 2>&1 || skip_all "no scard-vicc-bridge"
grep -qw scard_vicc=1 /proc/cmdline || skip_all "vicc not started on the host"
[ -e /dev/ttyS3 ] || skip_all "no /dev/ttyS3"

OUT=/tmp/vicc.out
t=0
step() { # description expected-regex command...
	d=$1 re=$2
	shift 2
	t=$((t + 1))
	if "$@" >"$OUT" 2>&1 && grep -q -- "$re" "$OUT"; then
		echo "ok $t $d"
	else
		echo "not ok $t $d"
		sed 's/^/# /' "$OUT"
	fi
}

rm -f /tmp/vicc-ready
scard-vicc-bridge --device /dev/ttyS3 --name vicc --ready-fd 3 \
	3>/tmp/vicc-ready 2>/tmp/vicc-bridge.err &
pid=$!
i=0
while [ ! -s /tmp/vicc-ready ] && [ $i -lt 40 ]; do sleep 0.25; i=$((i + 1)); done
dev=$(cat /tmp/vicc-ready 2>/dev/null)
t=1
if [ -n "$dev" ] && [ -c "/dev/$dev" ]; then
	echo "ok 1 scard-vicc-bridge created /dev/$dev"
else
	echo "not ok 1 scard-vicc-bridge created a reader"
	sed 's/^/# /' /tmp/vicc-bridge.err
	kill "$pid" 2>/dev/null
	i=2
	while [ $i -le $N ]; do echo "not ok $i # no reader"; i=$((i + 1)); done
	exit 1
fi

x() { scardctl -d "$dev" "$@"; }
step "power on: vicc's ATR" "^ATR: 3B 95 13 81 01 80 73 FF 01 00 0B" x power on
step "protocol T1 (vicc's ATR offers T=1)" "T1" x protocol T1
step "SELECT MF 3F00: 90 00" "SW1SW2: 90 00" x transmit "00 A4 00 0C 02 3F 00"
step "CREATE FILE EF 0001 (16 bytes): 90 00" "SW1SW2: 90 00" \
	x transmit "00 E0 00 00 0D 62 0B 82 01 01 83 02 00 01 80 02 00 10"
step "UPDATE BINARY DE AD BE EF: 62 82 (vicc)" "SW1SW2: 62 82" \
	x transmit "00 D6 00 00 04 DE AD BE EF 00"
step "SELECT MF then EF 0001: 90 00" "SW1SW2: 90 00" \
	x transmit "00 A4 00 0C 02 3F 00; 00 A4 02 0C 02 00 01"
step "READ BINARY 8: DE AD BE EF 00 00 00 00 90 00" "DE AD BE EF 00 00 00 00" \
	x transmit "00 B0 00 00 08"
if ! grep -q "SW1SW2: 90 00" "$OUT"; then
	echo "# READ BINARY did not end with 90 00"
fi
x power off >/dev/null 2>&1
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
exit 0
