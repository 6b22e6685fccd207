#!/bin/sh
# Integration scenario: a GemPC Twin emulator on the host (twin-reader)
# reached through QEMU's 16550 ttyS3 (-chardev socket, lent by qemu.py's
# twin-start), attached with scardattach. Attach and sysfs, T=1 APDUs,
# in-band card events, the peer disappearing (the 16550 has no hangup: the
# reader stays and its operations time out) and coming back, a noisy line
# at T=0, scardattach killed with the reader open. Prints TAP.
echo "TAP version 13"
echo "1..9"

skip_all() {
	i=1
	while [ $i -le 9 ]; do echo "ok $i # SKIP $1"; i=$((i + 1)); done
	exit 4
}
[ -d /sys/module/scard_serial ] || skip_all "scard_serial not loaded"
command -v scardattach >/dev/null || skip_all "no scardattach"
vmctl twin-start --protocol t1 || skip_all "no GemPC Twin emulator on the host"

n=0
result() { # status description
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; fi
}

out=/tmp/serial-twin.out
scardattach /dev/ttyS3 >"$out" 2>/tmp/serial-twin.err &
apid=$!
i=0
while [ ! -s "$out" ] && [ $i -lt 100 ] && kill -0 $apid 2>/dev/null; do
	sleep 0.2
	i=$((i + 1))
done
dev=$(head -n1 "$out")
case "$dev" in
/dev/scard*) result 0 "scardattach /dev/ttyS3: $dev" ;;
*) result 1 "scardattach /dev/ttyS3"
   sed 's/^/# /' /tmp/serial-twin.err
   vmctl twin-done
   exit 1 ;;
esac
name=${dev#/dev/}
sys=/sys/class/scard/$name

[ "$(cat "$sys/name")" = "Gemalto GemPC Twin (serial)" ] && [ "$(cat "$sys/state")" = present ]
result $? "sysfs: name and state"

apdus() { # protocol
	scardctl -d "$dev" power on >/dev/null &&
		scardctl -d "$dev" protocol "$1" >/dev/null &&
		scardctl -d "$dev" transmit '00 A4 00 0C 02 01 01; 00 B0 00 10 00; 00 EE 00 00 04 01 02 03 04 00' >/tmp/serial-twin.apdu &&
		[ "$(grep -c 'SW1SW2: 90 00' /tmp/serial-twin.apdu)" -eq 3 ]
}
apdus T1
result $? "T=1 APDUs (case 3, case 2 of 256 bytes, case 4)"

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

# The peer disappears: no hangup on a 16550, the reader stays.
vmctl twin-stop
if scardctl -d "$dev" power on >/dev/null 2>/tmp/serial-twin.gone; then
	result 1 "peer gone: power on fails"
else
	grep -q ETIMEDOUT /tmp/serial-twin.gone
	result $? "peer gone: power on fails with ETIMEDOUT, $(cat /tmp/serial-twin.gone)"
fi
[ -c "$dev" ]
result $? "peer gone: the reader stays"

vmctl twin-start --protocol t1 && apdus T1
result $? "peer back: APDUs again"

vmctl twin-stop
vmctl twin-start --protocol t0 --noise-tx 400 --noise-rx 400 --seed 3
ok=0
apdus T0 || ok=1
k=0
while [ $ok -eq 0 ] && [ $k -lt 5 ]; do
	scardctl -d "$dev" transmit '00 EE 00 00 08 11 22 33 44 55 66 77 88 00' | grep -q 'SW1SW2: 90 00' || ok=1
	k=$((k + 1))
done
retr=$(scardctl -d "$dev" perf | sed -n 's/.*retransmissions[^0-9]*\([0-9]*\).*/\1/p')
[ $ok -eq 0 ] && [ "${retr:-0}" -gt 0 ]
result $? "noisy line at T=0 recovered (retransmissions ${retr:-?})"

# scardattach killed while a file holds the reader open.
exec 5<"$dev"
kill -9 $apid
wait $apid 2>/dev/null
i=0
while [ -e "$dev" ] && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
[ ! -e "$dev" ]
result $? "scardattach killed with the reader open: $dev removed"
exec 5<&-

vmctl twin-done
exit 0
