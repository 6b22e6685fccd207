#!/bin/sh
# The `make demo` script (first version; refine freely). Runs in the guest
# booted with scard.mode=demo; stdout/stderr are streamed to the user's
# terminal. Exit status = demo status.
export PATH=/scard/bin:/bin:/sbin:/usr/bin:/usr/sbin
set -e

step() { printf '\n$ %s\n' "$*"; "$@"; }

if ! command -v scardctl >/dev/null; then
	echo "demo: scardctl is not built yet (make tools)"
	exit 1
fi
i=0
while [ ! -e /dev/scard0 ] && [ $i -lt 20 ]; do sleep 0.5; i=$((i + 1)); done

step scardctl list
step scardctl status
step scardctl power reset
echo "# SELECT the CAC PKI applet (A0 00 00 00 79 01 00): expect 61 0D"
step scardctl transmit 00A4040007A0000000790100
echo "# GET RESPONSE 0x0D bytes: expect the FCI and 90 00"
step scardctl transmit 00C000000D

echo
echo "# waiting for the card to go away while the host removes it"
scardctl wait absent &
waiter=$!
sleep 1
step vmctl card-remove
wait "$waiter"
echo "card removed"
step scardctl status
step vmctl card-insert
step scardctl wait present
echo
echo "demo: done"
