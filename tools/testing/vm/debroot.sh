#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# debroot.sh KREL DEBDIR IMAGE: a fresh Debian 12 root with scard's
# packages installed by apt, as an ext4 image for the VM's scenario
# install-deb (Documentation/scard/user-guide.rst, "Debian packages").
#
# The root is built in two steps:
#  1. a base root (mmdebstrap, minbase, from the machine's apt sources)
#     with what the packages depend on preinstalled, so that the install
#     itself needs no network: dkms and its compiler, Debian's headers for
#     KREL (the kernel the VM boots), pcscd, systemd. It is cached as
#     $SCARD_CACHE/debroot-<hash> (hash of KREL and the package list);
#  2. a copy of it in which `apt-get install ./scard-dkms_*.deb ...`
#     installs the packages: scard-dkms's postinst builds and installs the
#     modules for KREL with DKMS, scard-tools's creates the group scard,
#     libifd-scard's writes the bundle's Info.plist.
# The copy becomes IMAGE (mkfs.ext4 -d). Progress on stderr.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -eq 3 ] || die "usage: debroot.sh KREL DEBDIR IMAGE"
krel=$1 debdir=$2 image=$3
pkgs="dkms,linux-headers-$krel,pcscd,pcsc-tools,systemd,udev,kmod,ca-certificates"
# the key: what the base holds (bump "v1" when the way it is made changes)
hash=$(echo "minbase v1 bookworm $krel $pkgs" | sha256sum | cut -c1-16)
base=$SCARD_CACHE/debroot-$hash

if [ ! -f "$base/.scard-done" ]; then
	say "building a Debian 12 base root for $krel in $base (mmdebstrap, downloads ~250 MB)"
	rm -rf "$base" "$base.tmp"
	mmdebstrap --variant=minbase --include="$pkgs" \
		--aptopt='APT::Install-Recommends "false"' \
		bookworm "$base.tmp" >&2
	touch "$base.tmp/.scard-done"
	mv "$base.tmp" "$base"
fi

work=$(dirname "$image")/debroot
rm -rf "$work"
say "copying the base root to $work, installing scard's packages with apt"
cp -a "$base" "$work"
rm -f "$work/.scard-done"
mkdir -p "$work/tmp/scard-debs"
cp "$debdir"/scard-dkms_*.deb "$debdir"/scard-tools_*_amd64.deb \
	"$debdir"/libifd-scard_*_amd64.deb "$work/tmp/scard-debs/"

mounted=()
cleanup() {
	local m
	for m in "${mounted[@]}"; do umount -l "$m" 2>/dev/null || true; done
}
trap cleanup EXIT
for m in proc sys dev dev/pts; do
	mount --bind "/$m" "$work/$m"
	mounted=("$work/$m" "${mounted[@]}")
done
# apt from local files only: every dependency is in the base root
debs=()
for f in "$work"/tmp/scard-debs/*.deb; do debs+=("/tmp/scard-debs/${f##*/}"); done
chroot "$work" env DEBIAN_FRONTEND=noninteractive \
	apt-get install -y "${debs[@]}" >&2
cleanup
mounted=()
trap - EXIT
rm -rf "$work/tmp/scard-debs"
[ -f "$work/lib/modules/$krel/updates/dkms/scard_ccid.ko" ] ||
	die "DKMS built no scard_ccid.ko for $krel in the root"

rm -f "$image"
mkfs.ext4 -q -F -L scard-debroot -d "$work" "$image" 3G >&2
rm -rf "$work"
say "Debian root with scard's packages: $image"
