#!/usr/bin/env bash
# Build the gzip'd cpio initramfs of a scard test VM.
#
# usage: mkinitramfs.sh -o OUT [-k KO_DIR] [-u KREL] [-s STAGE_DIR]
#   -k KO_DIR   our modules (*.ko) built for the VM's kernel
#   -u KREL     also add the USB host stack (xhci_pci and its dependencies)
#               from /lib/modules/KREL, for kernels where it is modular
#   -s STAGE    user space staged by run-tests: STAGE/bin/* -> /scard/bin,
#               STAGE/selftests/* -> /scard/selftests
# Always added: busybox (static) with applet links, guest/init as /init,
# guest/* scripts, scenarios/*.sh. Dynamic executables get their libraries.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

out='' ko_dir='' usb_krel='' stage=''
while getopts 'o:k:u:s:' opt; do
	case "$opt" in
	o) out=$OPTARG ;;
	k) ko_dir=$OPTARG ;;
	u) usb_krel=$OPTARG ;;
	s) stage=$OPTARG ;;
	*) die "usage: $0 -o OUT [-k KO_DIR] [-u KREL] [-s STAGE_DIR]" ;;
	esac
done
[ -n "$out" ] || die "usage: $0 -o OUT [-k KO_DIR] [-u KREL] [-s STAGE_DIR]"

root=$(mktemp -d /tmp/scard-initramfs.XXXXXX)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,run,root,etc,lib,lib64} \
	"$root"/scard/{bin,modules/usb,selftests,scenarios}

# Copy an executable; for a dynamic ELF also its shared libraries and loader.
add_exe() { # src dst
	install -m 0755 "$1" "$2"
	if ldd "$1" >/dev/null 2>&1; then # fails for static executables
		local lib
		for lib in $(ldd "$1" 2>/dev/null | grep -o '/[^ ]*'); do
			[ -e "$root$lib" ] || install -D -m 0755 "$lib" "$root$lib"
		done
	fi
}

# busybox + applets
bb=$(command -v busybox) || die "busybox missing (package busybox-static)"
install -m 0755 "$bb" "$root/bin/busybox"
for applet in $("$root/bin/busybox" --list-full); do
	[ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
done
echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
echo 'root:x:0:' >"$root/etc/group"

# init and guest scripts
install -m 0755 "$VM_DIR/guest/init" "$root/init"
install -m 0755 "$VM_DIR/guest/run-guest-tests.sh" "$VM_DIR/guest/demo.sh" \
	"$VM_DIR/guest/bench.sh" "$root/scard/"
install -m 0644 "$VM_DIR/guest/scenario-lib.sh" "$root/scard/"
install -m 0755 "$VM_DIR/guest/vmctl" "$root/scard/bin/"
for f in "$VM_DIR"/scenarios/*.sh; do
	[ -f "$f" ] && install -m 0755 "$f" "$root/scard/scenarios/"
done

# modules: load.order = everything in insmod order, ours.order = ours only
: >"$root/scard/modules/load.order"
: >"$root/scard/modules/ours.order"
if [ -n "$usb_krel" ]; then
	# shellcheck disable=SC2043 # a list: add host-stack modules here
	# virtio_pci, virtio_blk and ext4: the Debian root of the scenario
	# install-deb
	for m in xhci_pci ftdi_sio virtio_pci virtio_blk ext4; do
		# modprobe prints "insmod <path>" in dependency order ("builtin" if =y)
		modprobe -S "$usb_krel" --show-depends "$m" | while read -r what path _; do
			[ "$what" = insmod ] || continue
			base=$(basename "$path")
			# ext4's crc32c soft dependency: the generic one does; the
			# SSE4.2 one finds no such CPU under TCG
			case "$base" in crc32c-intel.ko*) continue ;; esac
			case "$base" in
			*.ko.xz) xz -dc "$path" >"$root/scard/modules/usb/${base%.xz}"; base=${base%.xz} ;;
			*.ko.zst) zstd -qdc "$path" >"$root/scard/modules/usb/${base%.zst}"; base=${base%.zst} ;;
			*.ko.gz) gzip -dc "$path" >"$root/scard/modules/usb/${base%.gz}"; base=${base%.gz} ;;
			*) cp "$path" "$root/scard/modules/usb/" ;;
			esac
			grep -qxF "usb/$base" "$root/scard/modules/load.order" ||
				echo "usb/$base" >>"$root/scard/modules/load.order"
		done
	done
fi
if [ -n "$ko_dir" ] && compgen -G "$ko_dir/*.ko" >/dev/null; then
	cp "$ko_dir"/*.ko "$root/scard/modules/"
	# Order our modules by their "depends" (within our set); KUnit last.
	declare -A deps=()
	names=()
	for ko in "$ko_dir"/*.ko; do
		n=$(basename "$ko" .ko)
		names+=("$n")
		deps[$n]=$(modinfo -F depends "$ko" | tr ',' ' ')
	done
	done_list=" "
	for _ in "${names[@]}"; do
		for n in "${names[@]}"; do
			case "$done_list" in *" $n "*) continue ;; esac
			case "$n" in *kunit*) continue ;; esac
			ok=1
			for d in ${deps[$n]}; do
				d=${d//-/_}
				case " ${names[*]} " in *" $d "*) ;; *) continue ;; esac
				case "$done_list" in *" $d "*) ;; *) ok=0 ;; esac
			done
			[ "$ok" -eq 1 ] && done_list="$done_list$n "
		done
	done
	for n in "${names[@]}"; do
		case "$done_list" in *" $n "*) ;; *) done_list="$done_list$n " ;; esac
	done
	for n in $done_list; do
		echo "$n.ko" >>"$root/scard/modules/ours.order"
		echo "$n.ko" >>"$root/scard/modules/load.order"
	done
fi

# user space
if [ -n "$stage" ]; then
	for f in "$stage"/bin/*; do
		[ -f "$f" ] && add_exe "$f" "$root/scard/bin/$(basename "$f")"
	done
	for f in "$stage"/selftests/*; do
		[ -f "$f" ] || continue
		if [ -x "$f" ]; then add_exe "$f" "$root/scard/selftests/$(basename "$f")"
		else install -m 0644 "$f" "$root/scard/selftests/"; fi
	done
fi

# make install's root, its modules (make install-modules: extra/scard and
# depmod's files), kmod and udevd for the scenario install-udev
if [ -n "$stage" ] && [ -d "$stage/root" ]; then
	cp -a "$stage/root" "$root/scard/install-root"
fi
if [ -n "$ko_dir" ] && [ -d "$ko_dir/root/lib/modules" ]; then
	mkdir -p "$root/scard/modules-root"
	cp -a "$ko_dir/root/lib" "$root/scard/modules-root/"
fi
if [ -x /bin/kmod ]; then
	# beside busybox's applets: the scenario puts this first in PATH
	mkdir -p "$root/scard/kmod"
	add_exe /bin/kmod "$root/scard/kmod/kmod"
	for t in modprobe rmmod depmod lsmod modinfo; do
		ln -sf kmod "$root/scard/kmod/$t"
	done
fi
if [ -x /usr/bin/udevadm ]; then
	add_exe /usr/bin/udevadm "$root/usr/bin/udevadm"
	mkdir -p "$root/lib/systemd"
	ln -sf /usr/bin/udevadm "$root/lib/systemd/systemd-udevd"
fi

# usbip and usbipd for the ccid-usbip scenario, when the host has them
for t in usbip usbipd; do
	[ -x "/usr/sbin/$t" ] && add_exe "/usr/sbin/$t" "$root/usr/sbin/$t"
done
# the device names usbip prints (else a warning at every call)
if [ -f /usr/share/misc/usb.ids ]; then
	install -D -m 0644 /usr/share/misc/usb.ids "$root/usr/share/misc/usb.ids"
fi

# pcscd for the IFD handler's scenario (pcsc-ifd), when the host has it
if [ -x /usr/sbin/pcscd ]; then
	add_exe /usr/sbin/pcscd "$root/usr/sbin/pcscd"
	# glibc dlopen()s it when a thread exits (pcscd ends a thread per client)
	gcc_s=$(ldconfig -p | sed -n 's/.*libgcc_s.so.1 (libc6,x86-64) => //p' | head -n1)
	[ -n "$gcc_s" ] && install -D -m 0755 "$gcc_s" "$root$gcc_s"
	# OpenSC, a PC/SC application as users run it
	for t in opensc-tool pkcs15-tool pcsc_scan; do
		[ -x "/usr/bin/$t" ] && add_exe "/usr/bin/$t" "$root/usr/bin/$t"
	done
	# python3 with pyscard: only the files a pyscard script imports
	# (tools/pcsc/pyscard-check), as the host's python3 loads them
	py=/usr/bin/python3
	if [ -x "$py" ] && "$py" -c 'import smartcard.System' 2>/dev/null; then
		add_exe "$(readlink -f "$py")" "$root/usr/bin/python3"
		# its exec_prefix landmark (else a warning at every start)
		mkdir -p "$root$("$py" -c 'import sysconfig; print(sysconfig.get_path("platstdlib"))')/lib-dynload"
		"$py" -c '
import sys
import smartcard.System, smartcard.util, smartcard.scard
from smartcard.CardConnection import CardConnection
for m in list(sys.modules.values()):
	f = getattr(m, "__file__", None)
	if f:
		print(f)' | sort -u | while read -r f; do
			case "$f" in
			*.so) add_exe "$f" "$root$f" ;;
			*) install -D -m 0644 "$f" "$root$f" ;;
			esac
		done
	fi
	# PC/SC clients that dlopen() libpcsclite (OpenSC)
	for lib in $(ldconfig -p | sed -n 's/.*libpcsclite.so.1 (libc6,x86-64) => //p' | head -n1); do
		install -D -m 0755 "$lib" "$root$lib"
	done
fi

# libccid's bundle, outside pcscd's drivers directory: make bench's
# "pcsc_libccid" path copies it in (guest/bench.sh); the tests never see it
ccid_bundle=/usr/lib/pcsc/drivers/ifd-ccid.bundle/Contents
if [ -f "$ccid_bundle/Linux/libccid.so" ]; then
	mkdir -p "$root/scard/libccid/ifd-ccid.bundle/Contents/Linux"
	cp -L "$ccid_bundle/Info.plist" "$root/scard/libccid/ifd-ccid.bundle/Contents/"
	add_exe "$ccid_bundle/Linux/libccid.so" \
		"$root/scard/libccid/ifd-ccid.bundle/Contents/Linux/libccid.so"
fi

if [ "$(id -u)" -eq 0 ]; then
	mknod -m 600 "$root/dev/console" c 5 1
	mknod -m 666 "$root/dev/null" c 1 3
fi

mkdir -p "$(dirname "$out")"
(cd "$root" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --owner 0:0 --quiet) | gzip -6 >"$out.tmp"
mv "$out.tmp" "$out"
say "initramfs $out ($(du -h "$out" | cut -f1)): modules: $(tr '\n' ' ' <"$root/scard/modules/load.order")"
