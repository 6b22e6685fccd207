#!/usr/bin/env bash
# Install (idempotently, non-interactively) every Debian 12 package the scard
# build and VM test harness need. Runs apt-get update at most once, and only
# when something is missing.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

pkgs=(
	# toolchain and build of modules / user space
	gcc g++ make libc6-dev python3 git libpcsclite-dev pkg-config valgrind \
	libxml2-utils
	# pcscd and OpenSC for the IFD handler's scenario (scenario pcsc-ifd)
	pcscd opensc pcsc-tools python3-pyscard
	python3-docutils
	# make deb (debhelper, DKMS), its lintian check and the dkms check
	debhelper dh-dkms dkms lintian fakeroot
	# a fresh Debian 12 root for the packages (scenario install-deb)
	mmdebstrap e2fsprogs
	# make bench: its plot, libccid and libusb for the paths it compares
	gnuplot-nox libccid libusb-1.0-0-dev
	# libFuzzer targets of tools/testing/fuzz (clang 14, ASan, UBSan)
	clang libclang-rt-14-dev
	# kernel builds (debug 6.12 kernel and out-of-tree modules for both)
	linux-source-6.12 linux-headers-amd64 linux-image-amd64
	bc bison flex libelf-dev libssl-dev dwarves kmod xz-utils zstd sparse
	# VM harness
	qemu-system-x86 qemu-utils busybox-static cpio gzip libnss3-tools
	rsync util-linux coreutils
	# vsmartcard's card emulator for the vproxy-vicc scenario (its Debian 12
	# package needs pycryptodome and a PYTHONPATH fix: run-tests start_vicc)
	vsmartcard-vpicc python3-pycryptodome
	# usbip and usbipd for the ccid-usbip scenario (a reader over USB/IP)
	usbip
)

missing=()
for p in "${pkgs[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	case "$st" in
	ii*) ;;
	*) missing+=("$p") ;;
	esac
done

if [ "${#missing[@]}" -eq 0 ]; then
	say "dependencies: all ${#pkgs[@]} packages installed"
	exit 0
fi

say "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt_opts=(-y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null
as_root env DEBIAN_FRONTEND=noninteractive apt-get install "${apt_opts[@]}" --no-install-recommends "${missing[@]}" </dev/null
