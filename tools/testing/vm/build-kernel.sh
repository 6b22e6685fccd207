#!/usr/bin/env bash
# Build (or reuse) the scard debug kernel from Debian's linux-source-6.12.
# SCARD_KERNEL_VARIANT=kcsan builds its KCSAN variant instead
# (kernel-kcsan.config: kernel-debug.config without KASAN, with KCSAN).
#
# Cache: $SCARD_CACHE/src-<pkgversion>/      pristine unpacked source
#        $SCARD_CACHE/kernel-<hash>/          in-tree build (usable as KDIR)
#        $SCARD_CACHE/kernel-kcsan-<hash>/    the KCSAN variant's
# <hash> = sha256(source package version + the config fragment applied).
#
# stdout: two lines, KDIR=<dir> and BZIMAGE=<file>; progress goes to stderr.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

SRC_PKG=${SCARD_KSRC_PKG:-linux-source-6.12}
TARBALL=/usr/src/$SRC_PKG.tar.xz
FRAGMENT=$VM_DIR/kernel-debug.config
VARIANT=${SCARD_KERNEL_VARIANT:-}
# kernel-<hash> for the debug kernel, kernel-<variant>-<hash> for a variant
prefix=kernel-${VARIANT:+$VARIANT-}

mkdir -p "$SCARD_CACHE"
case "$VARIANT" in
"") ;;
kcsan)
	# KCSAN excludes KASAN: the debug fragment without it, then KCSAN.
	eff=$SCARD_CACHE/kernel-$VARIANT.config
	{ grep -v '^CONFIG_KASAN' "$FRAGMENT"; cat "$VM_DIR/kernel-$VARIANT.config"; } >"$eff.tmp"
	mv "$eff.tmp" "$eff"
	FRAGMENT=$eff
	;;
*) die "unknown kernel variant '$VARIANT' (known: kcsan)" ;;
esac

[ -f "$TARBALL" ] || die "$TARBALL missing (run install-deps.sh)"
pkgver=$(dpkg-query -W -f='${Version}' "$SRC_PKG") || die "$SRC_PKG not installed"
hash=$( { printf '%s\n' "$SRC_PKG $pkgver"; cat "$FRAGMENT"; } | sha256sum | cut -c1-16)
src=$SCARD_CACHE/src-$pkgver
kdir=$SCARD_CACHE/$prefix$hash
stamp=$kdir/.scard-build-done

if [ -f "$stamp" ] && [ -f "$kdir/arch/x86/boot/bzImage" ] && [ -f "$kdir/Module.symvers" ]; then
	say "debug kernel: cached ($kdir)"
	echo "KDIR=$kdir"
	echo "BZIMAGE=$kdir/arch/x86/boot/bzImage"
	exit 0
fi

take_machine_lock

if [ ! -f "$src/.scard-unpacked" ]; then
	say "unpacking $TARBALL ($SRC_PKG $pkgver) into $src"
	rm -rf "$src" "$src.tmp"
	mkdir -p "$src.tmp"
	tar -xJf "$TARBALL" -C "$src.tmp" --strip-components=1
	touch "$src.tmp/.scard-unpacked"
	mv "$src.tmp" "$src"
fi

if [ ! -f "$kdir/.scard-copied" ]; then
	say "copying source to $kdir"
	rm -rf "$kdir"
	cp -a --reflink=auto "$src" "$kdir"
	rm -f "$kdir/.scard-unpacked"
	touch "$kdir/.scard-copied"
fi

log=$kdir/scard-build.log
: >"$log"
say "configuring debug kernel (tinyconfig + $(basename "$FRAGMENT")), log: $log"
(
	cd "$kdir"
	make tinyconfig
	scripts/kconfig/merge_config.sh -m .config "$FRAGMENT"
	make olddefconfig
) >>"$log" 2>&1 || { tail -n 40 "$log" >&2; die "kernel configuration failed"; }

# merge_config.sh silently drops options whose dependencies are unmet: check
# that every option of the fragment has the requested value in .config.
bad=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*)
		opt=${line%%=*}
		if ! grep -qxF -- "$line" "$kdir/.config"; then
			have=$(grep -E "^(# )?${opt}[= ]" "$kdir/.config" || echo "(absent)")
			printf 'ERROR: %s requested, .config has: %s\n' "$line" "$have" >&2
			bad=1
		fi
		;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }
		opt=${opt%% *}
		if grep -qE "^$opt=" "$kdir/.config"; then
			printf 'ERROR: %s requested, .config has: %s\n' "$line" "$(grep -E "^$opt=" "$kdir/.config")" >&2
			bad=1
		fi
		;;
	esac
done <"$FRAGMENT"
[ "$bad" -eq 0 ] || die "kernel config fragment not fully applied (unmet dependencies?); see above"
if grep -qE '^CONFIG_[A-Z0-9_]+=m$' "$kdir/.config"; then
	warn "some options are =m in the debug kernel: $(grep -cE '=m$' "$kdir/.config") (they will not be in the initramfs)"
fi

jobs=$(( $(nproc_build) + 1 ))
say "building debug kernel: make -j$jobs bzImage modules (about 7 min on 2 cores), log: $log"
start=$(date +%s)
if ! (cd "$kdir" && make -j"$jobs" bzImage modules) >>"$log" 2>&1; then
	grep -E 'error|Error' "$log" | tail -n 20 >&2 || true
	tail -n 20 "$log" >&2
	die "kernel build failed (log: $log)"
fi
say "debug kernel built in $(( $(date +%s) - start )) s"
[ -f "$kdir/arch/x86/boot/bzImage" ] || die "no bzImage after build"
[ -f "$kdir/Module.symvers" ] || die "no Module.symvers after build"
touch "$stamp"

# Keep the cache from growing without bound: drop other builds of the same
# kind (the debug kernel's hash has 16 hex digits; a variant's follows
# its name), never the other kind's.
if [ -n "$VARIANT" ]; then
	pat="$prefix*"
else
	pat='kernel-????????????????'
fi
find "$SCARD_CACHE" -mindepth 1 -maxdepth 1 -type d -name "$pat" ! -path "$kdir" \
	-exec rm -rf {} + 2>/dev/null || true

echo "KDIR=$kdir"
echo "BZIMAGE=$kdir/arch/x86/boot/bzImage"
