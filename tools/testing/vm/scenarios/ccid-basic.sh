#!/bin/sh
# Integration scenario: the USB CCID reader of QEMU shows up as /dev/scard0
# and its sysfs state follows card removal/insertion. Prints TAP.
echo "TAP version 13"
echo "1..4"

if [ ! -d /sys/class/scard ] && ! grep -qw scard_ccid /tmp/scard-loaded-modules 2>/dev/null; then
	for i in 1 2 3 4; do echo "ok $i # SKIP scard_ccid not loaded"; done
	exit 4
fi

i=0
while [ ! -e /dev/scard0 ] && [ $i -lt 40 ]; do sleep 0.25; i=$((i + 1)); done
if [ -c /dev/scard0 ]; then echo "ok 1 /dev/scard0 exists"; else echo "not ok 1 /dev/scard0 exists"; fi

state=/sys/class/scard/scard0/state
if s0=$(cat "$state" 2>/dev/null); then
	echo "ok 2 read $state"
	echo "# state with card: $s0"
else
	echo "not ok 2 read $state"
fi

# wait_change OLD: wait up to 10 s for the state to differ from OLD
wait_change() {
	n=0
	while [ $n -lt 40 ]; do
		s=$(cat "$state" 2>/dev/null) && [ "$s" != "$1" ] && { echo "$s"; return 0; }
		sleep 0.25
		n=$((n + 1))
	done
	return 1
}

if vmctl card-remove && s1=$(wait_change "$s0"); then
	echo "ok 3 state changes on card removal"
	echo "# state without card: $s1"
else
	echo "not ok 3 state changes on card removal"
	s1=$(cat "$state" 2>/dev/null)
fi

if vmctl card-insert && s2=$(wait_change "$s1"); then
	echo "ok 4 state changes on card insertion"
	echo "# state after insertion: $s2"
else
	echo "not ok 4 state changes on card insertion"
fi
