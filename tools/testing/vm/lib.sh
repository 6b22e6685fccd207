# shellcheck shell=bash
# Common helpers for the scard VM test harness. Sourced, not executed.

SCARD_CACHE=${SCARD_CACHE:-/var/cache/scard}
VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$VM_DIR/../../.." && pwd)
export SCARD_CACHE VM_DIR REPO_ROOT

say() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# Run as root directly, else through sudo.
as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# The Debian 6.1 kernel release installed by linux-image-amd64, e.g. 6.1.0-56-amd64.
debian_kver() {
	local dep v
	dep=$(dpkg-query -W -f='${Depends}' linux-image-amd64 2>/dev/null |
		grep -o 'linux-image-[0-9][^ ,]*-amd64' | head -n1 || true)
	if [ -n "$dep" ]; then
		v=${dep#linux-image-}
		[ -d "/lib/modules/$v" ] && { echo "$v"; return 0; }
	fi
	# Fallback: newest 6.1 kernel with modules and headers.
	v=$(find /lib/modules -mindepth 1 -maxdepth 1 -name '6.1.*-amd64' -printf '%f\n' | sort -V | tail -n1)
	[ -n "$v" ] || return 1
	echo "$v"
}

# Serialise kernel builds and VM boots on this machine (2 cores).
take_machine_lock() {
	mkdir -p "$SCARD_CACHE"
	exec 9>"$SCARD_CACHE/machine.lock"
	if ! flock -n 9; then
		say "waiting for another scard kernel build / VM run to finish ($SCARD_CACHE/machine.lock)"
		flock 9
	fi
}

nproc_build() { nproc 2>/dev/null || echo 2; }

# The harness may be started from `make check`: do not leak the parent make's
# flags (-n, -s, jobserver) into the builds it runs.
unset MAKEFLAGS MFLAGS MAKELEVEL

has_target() { # dir target: does the Makefile in dir have a rule for target?
	make -C "$1" -n "$2" >/dev/null 2>&1
}

# Copy the working tree (tracked and untracked, minus ignored files and .git)
# to a build directory, so builds never write into the repository.
sync_tree() { # dest
	mkdir -p "$1"
	rsync -a --delete --delete-excluded --exclude=/.git --filter=':- .gitignore' \
		"$REPO_ROOT/" "$1/"
}

# kselftest_harness.h and kselftest.h from linux-source-6.12; prints the dir.
ksft_include() {
	local dir=$SCARD_CACHE/ksft-include
	if [ ! -f "$dir/kselftest_harness.h" ]; then
		say "extracting kselftest headers from linux-source-6.12 into $dir"
		mkdir -p "$dir"
		tar -xJf /usr/src/linux-source-6.12.tar.xz -C "$dir" --strip-components=4 \
			linux-source-6.12/tools/testing/selftests/kselftest_harness.h \
			linux-source-6.12/tools/testing/selftests/kselftest.h
	fi
	echo "$dir"
}

# `make tools` in a copy of the tree, then stage what the guest gets:
# STAGE/bin (every executable of tools/scard, scard-card and
# scard-vicc-bridge of tools/testing/cards) and STAGE/selftests (the
# programs of tools/testing/selftests/scard: its print-progs target, else
# every executable there, plus its settings file).
build_tools() { # build_dir stage log
	local bdir=$1 stage=$2 log=$3 st progs p
	mkdir -p "$stage/bin" "$stage/selftests"
	make -C "$bdir" tools KSFT_INCLUDE="$KSFT_INCLUDE" >"$log" 2>&1 || return 1
	find "$bdir/tools/scard" -maxdepth 1 -type f -perm -u+x -exec cp {} "$stage/bin/" \;
	# what make install puts into a root, for the scenario install-udev;
	# systemd-sysusers makes its group file as a package install would
	rm -rf "$stage/root"
	make -C "$bdir" install-tools DESTDIR="$stage/root" PREFIX=/usr >>"$log" 2>&1 || return 1
	if command -v systemd-sysusers >/dev/null 2>&1; then
		systemd-sysusers --root="$stage/root" >>"$log" 2>&1 || return 1
	fi
	# the IFD handler and its PC/SC test client (scenario pcsc-ifd)
	for p in libifd_scard.so pcsc-check pyscard-check ifd-unit; do
		if [ -f "$bdir/tools/pcsc/$p" ]; then cp "$bdir/tools/pcsc/$p" "$stage/bin/"; fi
	done
	# scripted cards and the vicc bridge (tools/testing/cards)
	for p in scard-card scard-vicc-bridge ccid-gadget twin-reader; do
		if [ -x "$bdir/tools/testing/cards/$p" ]; then cp "$bdir/tools/testing/cards/$p" "$stage/bin/"; fi
	done
	st=$bdir/tools/testing/selftests/scard
	if [ -d "$st" ]; then
		if has_target "$st" print-progs; then
			progs=$(make -s -C "$st" print-progs KSFT_INCLUDE="$KSFT_INCLUDE" 2>/dev/null || true)
		else
			progs=$(find "$st" -maxdepth 1 -type f -perm -u+x -printf '%f\n')
		fi
		: >"$stage/selftests/run-order"
		for p in $progs; do
			p=${p##*/}
			if [ -f "$st/$p" ]; then
				cp "$st/$p" "$stage/selftests/"
				echo "$p" >>"$stage/selftests/run-order"
			fi
		done
		if [ -f "$st/settings" ]; then cp "$st/settings" "$stage/selftests/"; fi
	fi
	return 0
}

# `make KDIR=...` in a copy of the tree; copies the .ko files to ko_dir.
build_modules() { # build_dir kdir ko_dir log
	local bdir=$1 kdir=$2 kodir=$3 log=$4
	mkdir -p "$kodir"
	make -C "$bdir" KDIR="$kdir" KSFT_INCLUDE="$KSFT_INCLUDE" >"$log" 2>&1 || return 1
	find "$bdir/drivers" -name '*.ko' -exec cp {} "$kodir/" \;
	compgen -G "$kodir/*.ko" >/dev/null || return 1
	# what make install-modules puts into a root (modules + depmod), for
	# the scenario install-udev's modprobe
	rm -rf "$kodir/root"
	make -C "$bdir" install-modules KDIR="$kdir" DESTDIR="$kodir/root" >>"$log" 2>&1
}

# make uninstall-modules on a copy of the staged root: no module is left.
check_uninstall_modules() { # build_dir kdir ko_dir log
	local bdir=$1 kdir=$2 kodir=$3 log=$4 left
	rm -rf "$kodir/uninstall"
	cp -a "$kodir/root" "$kodir/uninstall" || return 1
	make -C "$bdir" uninstall-modules KDIR="$kdir" DESTDIR="$kodir/uninstall" >>"$log" 2>&1 ||
		return 1
	left=$(find "$kodir/uninstall" -name '*.ko*')
	rm -rf "$kodir/uninstall"
	[ -z "$left" ] || { echo "left after uninstall-modules: $left" >>"$log"; return 1; }
}


# vsmartcard's vicc on the host for the guest's scenario vproxy-vicc: QEMU
# listens on a local TCP port for the guest's ttyS3; vpcd-relay.py connects
# to it (retrying until QEMU listens) and hands whole vpcd messages to vicc
# (a TCP client of the relay), which cannot read a message that arrives a
# byte at a time. A loop restarts vicc if it exits. Sets VICC_PID (process
# group of relay and vicc) and VICC_SERIAL (the -serial spec); returns 1,
# and the scenario skips, when vicc is missing or does not import.
# Debian 12's python3-virtualsmartcard installs the module one directory too
# deep and imports Crypto, which python3-pycryptodome calls Cryptodome: a
# PYTHONPATH with a Crypto -> Cryptodome link fixes both.
export VICC_PID="" VICC_SERIAL=""
free_port() {
	/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
start_vicc() { # log
	local log=$1 qport vport shim pypath
	VICC_PID=
	VICC_SERIAL=
	command -v vicc >/dev/null 2>&1 || { warn "vicc not installed: vproxy-vicc skipped"; return 1; }
	shim=$SCARD_CACHE/vicc-shim
	mkdir -p "$shim"
	if [ ! -e "$shim/Crypto" ] && [ -d /usr/lib/python3/dist-packages/Cryptodome ]; then
		ln -sfn /usr/lib/python3/dist-packages/Cryptodome "$shim/Crypto"
	fi
	pypath=$shim:/usr/lib/python3/site-packages/virtualsmartcard
	if ! PYTHONPATH=$pypath /usr/bin/python3 -c 'import virtualsmartcard.VirtualSmartcard' >"$log" 2>&1; then
		warn "vicc does not import (see $log): vproxy-vicc skipped"
		return 1
	fi
	qport=$(free_port)
	vport=$(free_port)
	# shellcheck disable=SC2016 # $0.. are expanded by the inner bash
	PYTHONPATH=$pypath setsid bash -c \
		'/usr/bin/python3 "$0" "$1" "$2" & while :; do sleep 0.5; vicc -v -t iso7816 -H 127.0.0.1 -P "$2"; done' \
		"$VM_DIR/vpcd-relay.py" "$qport" "$vport" >>"$log" 2>&1 </dev/null &
	VICC_PID=$!
	trap stop_vicc EXIT
	VICC_SERIAL="tcp:127.0.0.1:$qport,server=on,wait=off"
	return 0
}

stop_vicc() {
	[ -n "$VICC_PID" ] || return 0
	kill -TERM -- "-$VICC_PID" 2>/dev/null || true
	wait "$VICC_PID" 2>/dev/null || true
	VICC_PID=
}
