#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Host-side checks of the scard user-space pieces; prints TAP (plan at the
# end) and exits 1 if any check failed. Called by `make -C tools/testing/host
# run` with REPO and BUILD set. FUZZ_CHECK_SECONDS (8) is how long each fuzz
# target runs.

REPO=${REPO:-$(cd "$(dirname "$0")/../../.." && pwd)}
BUILD=${BUILD:-$REPO/tools/testing/host/build}
CC=${CC:-cc}
CXX=${CXX:-g++}
HOST=$REPO/tools/testing/host
LIB=$REPO/tools/lib/scard
KSFT=$REPO/tools/testing/selftests/scard
UAPI=$REPO/include/uapi
LOG=$BUILD/log

mkdir -p "$BUILD" || exit 1
n=0
fails=0

ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); echo "not ok $n - $*"; fails=$((fails + 1)); }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
showlog() { sed -e 's/^/#   /' "$LOG" | head -n 40; }

# check DESC CMD...: ok when CMD exits 0.
check() {
	desc=$1
	shift
	if "$@" >"$LOG" 2>&1; then
		ok "$desc"
	else
		notok "$desc"
		showlog
	fi
}

# check_exit DESC CODE CMD...: ok when CMD exits with CODE.
check_exit() {
	desc=$1
	want=$2
	shift 2
	"$@" >"$LOG" 2>&1
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		ok "$desc"
	else
		notok "$desc (exit $rc, expected $want)"
		showlog
	fi
}

have() { command -v "$1" >/dev/null 2>&1; }
# unit_tap GROUP FILE: a unit test program's PASS/SKIP/FAIL lines as TAP
unit_tap() {
	while IFS= read -r line; do
		case "$line" in
		PASS\ *) ok "$1: ${line#PASS }" ;;
		SKIP\ *) name=${line#SKIP }
			skip "$1: ${name%%:*}" "${name#*: }" ;;
		FAIL\ *) notok "$1: ${line#FAIL }" ;;
		*) echo "# $line" ;;
		esac
	done <"$2"
}

echo "TAP version 13"

# --- the uapi header --------------------------------------------------------
incs=$(grep -E '^#[[:space:]]*include' "$UAPI/linux/scard.h" | tr -d ' \t')
# <linux/ioctl.h> only for _IOWR() of the Linux-only vproxy control ioctl.
if [ "$incs" = "$(printf '#include<linux/ioctl.h>\n#include<linux/types.h>')" ]; then
	ok "uapi: scard.h includes only <linux/ioctl.h> and <linux/types.h>"
else
	notok "uapi: scard.h includes only <linux/ioctl.h> and <linux/types.h>"
	echo "$incs" | sed -e 's/^/#   /'
fi
check "uapi: compiles alone as C99 (-pedantic)" \
	$CC -std=c99 -Wall -Wextra -Werror -pedantic -I"$UAPI" -fsyntax-only \
	"$HOST/uapi_c.c"
check "uapi: compiles alone as C11 (-pedantic)" \
	$CC -std=c11 -Wall -Wextra -Werror -pedantic -I"$UAPI" -fsyntax-only \
	"$HOST/uapi_c.c"
for std in c++11 c++17; do
	if have "$CXX"; then
		check "uapi: compiles alone as $std (-pedantic)" \
			$CXX -std=$std -Wall -Wextra -Werror -pedantic -I"$UAPI" \
			-fsyntax-only -x c++ "$HOST/uapi_cxx.cc"
	else
		skip "uapi: compiles alone as $std" "no $CXX (install g++)"
	fi
done
check "uapi: layout and winsmcrd.h values (64-bit)" \
	sh -c "$CC -std=c11 -Wall -Wextra -Werror -I'$UAPI' -o '$BUILD/uapi_layout' \
		'$HOST/uapi_layout.c' && '$BUILD/uapi_layout'"
if [ -r /usr/include/PCSC/winscard.h ]; then
	check "uapi: with pcsc-lite's headers, uapi first (SCARD_NO_WINSMCRD_NAMES)" \
		$CC -std=c11 -Wall -Wextra -Werror -I"$UAPI" -I/usr/include/PCSC \
		-fsyntax-only "$HOST/uapi_pcsc.c"
	check "uapi: with pcsc-lite's headers, pcsc-lite first" \
		$CC -std=c11 -Wall -Wextra -Werror -I"$UAPI" -I/usr/include/PCSC \
		-DUAPI_LAST -fsyntax-only "$HOST/uapi_pcsc.c"
	if have "$CXX"; then
		check "uapi: with pcsc-lite's headers, as C++17" \
			$CXX -std=c++17 -Wall -Wextra -Werror -I"$UAPI" \
			-I/usr/include/PCSC -fsyntax-only -x c++ "$HOST/uapi_pcsc.c"
	fi
else
	skip "uapi: with pcsc-lite's headers" "no libpcsclite-dev"
fi

# --- the IFD handler, dlopen()ed as pcscd does, without readers -------------
IFDLIB=$REPO/tools/pcsc/libifd_scard.so
if [ -r /usr/include/PCSC/ifdhandler.h ]; then
	if make -s -C "$REPO/tools/pcsc" libifd_scard.so ifd-unit >"$LOG" 2>&1 &&
		cp "$REPO/tools/pcsc/ifd-unit" "$BUILD/ifd_unit"; then
		"$BUILD/ifd_unit" "$IFDLIB" >"$BUILD/ifd_unit.out" 2>&1
		unit_tap ifd "$BUILD/ifd_unit.out"
		if have valgrind; then
			check "valgrind: IFD handler unit tests" \
				valgrind -q --error-exitcode=99 --leak-check=full \
				--show-leak-kinds=all --errors-for-leak-kinds=all \
				"$BUILD/ifd_unit" "$IFDLIB"
		else
			skip "valgrind: IFD handler unit tests" "valgrind not installed"
		fi
	else
		notok "ifd: unit tests build"
		showlog
	fi
else
	skip "ifd: unit tests" "no libpcsclite-dev"
fi
echo 'int main(void){return 0;}' >"$BUILD/m32.c"
if $CC -m32 -o "$BUILD/m32" "$BUILD/m32.c" >/dev/null 2>&1; then
	check "uapi: layout and winsmcrd.h values (32-bit, same layout)" \
		sh -c "$CC -m32 -std=c11 -Wall -Wextra -Werror -I'$UAPI' \
			-o '$BUILD/uapi_layout32' '$HOST/uapi_layout.c' && \
			'$BUILD/uapi_layout32'"
else
	skip "uapi: layout (32-bit)" "no -m32 toolchain (install gcc-multilib)"
fi

# --- libscard ----------------------------------------------------------------
check "libscard: builds (-Wall -Wextra -Werror)" make -s -C "$LIB"
if [ -f "$LIB/katr.o" ]; then
	ok "libscard: links the kernel ATR parser (drivers/scard/atr.c)"
else
	skip "libscard: links the kernel ATR parser" \
		"drivers/scard/atr.c or tools/lib/scard/kshim.h missing"
fi
if $CC -std=gnu11 -Wall -Wextra -Werror -g -I"$UAPI" -I"$LIB" \
	-o "$BUILD/libscard_unit" "$HOST/libscard_unit.c" "$LIB/libscard.a" \
	>"$LOG" 2>&1; then
	"$BUILD/libscard_unit" >"$BUILD/unit.out" 2>&1
	unit_tap libscard "$BUILD/unit.out"
else
	notok "libscard: unit tests build"
	showlog
fi

# --- scardctl ------------------------------------------------------------------
SCARDCTL=$BUILD/scardctl
check "scardctl: builds (-Wall -Wextra -Werror)" \
	$CC -std=gnu11 -Wall -Wextra -Werror -g -I"$UAPI" -I"$LIB" \
	-o "$SCARDCTL" "$REPO/tools/scard/scardctl.c" "$LIB/libscard.a"
check "scardctl: links statically (LDFLAGS=-static)" \
	$CC -std=gnu11 -Wall -Wextra -Werror -O2 -I"$UAPI" -I"$LIB" \
	-o "$BUILD/scardctl-static" "$REPO/tools/scard/scardctl.c" \
	"$LIB/libscard.a" -static

check_exit "scardctl: --help exits 0" 0 "$SCARDCTL" --help
if grep -q "EXIT STATUS" "$LOG" && grep -q "wait present|absent" "$LOG"; then
	ok "scardctl: --help documents commands and exit status"
else
	notok "scardctl: --help documents commands and exit status"
fi

NODEV=/nonexistent/scard9
while IFS='|' read -r desc args; do
	[ -n "$desc" ] || continue
	# shellcheck disable=SC2086
	eval "set -- $args"
	check_exit "scardctl: usage error exits 2: $desc" 2 "$SCARDCTL" "$@"
done <<EOF
no command|
unknown command|frobnicate
unknown option|-x status
power without action|-d $NODEV power
power bad action|-d $NODEV power sideways
protocol bad name|-d $NODEV protocol T9
protocol missing|-d $NODEV protocol
transmit no APDU|-d $NODEV transmit
transmit bad hex|-d $NODEV transmit zz
transmit short APDU|-d $NODEV transmit 00A4
transmit bad APDU in a list|-d $NODEV transmit '00 A4 04 00;0'
attr unknown name|-d $NODEV attr no-such-attribute
attr bad tag|-d $NODEV attr 0xZZ
wait bad condition|-d $NODEV wait sideways
wait bad timeout|-d $NODEV wait absent --timeout soon
status extra argument|-d $NODEV status extra
EOF

check_exit "scardctl: missing reader exits 3 (status)" 3 \
	"$SCARDCTL" -d $NODEV status
if grep -q "^scardctl: open $NODEV: no such reader (ENOENT)$" "$LOG"; then
	ok "scardctl: missing reader message"
else
	notok "scardctl: missing reader message"
	showlog
fi
for cmd in "power on" "protocol T0" "transmit 00A40400" "attr vendor-name" \
	"wait absent --timeout 1" "perf" "features"; do
	# shellcheck disable=SC2086
	check_exit "scardctl: missing reader exits 3 ($cmd)" 3 \
		"$SCARDCTL" -d $NODEV $cmd
done
if [ ! -d /sys/class/scard ] && ! ls /dev/scard[0-9]* >/dev/null 2>&1; then
	check_exit "scardctl: list without readers exits 3" 3 "$SCARDCTL" list
else
	skip "scardctl: list without readers" "this host has readers"
fi
# /dev/null is not a reader: the ioctl fails, exit 1 with the errno message.
check_exit "scardctl: failed operation exits 1" 1 "$SCARDCTL" -d /dev/null status
if grep -q "^scardctl: status: .* (ENOTTY)$" "$LOG"; then
	ok "scardctl: failure message 'scardctl: <op>: <explanation> (<ERRNO>)'"
else
	notok "scardctl: failure message 'scardctl: <op>: <explanation> (<ERRNO>)'"
	showlog
fi
check_exit "scardctl: -v traces the ioctl" 1 "$SCARDCTL" -v -d /dev/null status
if grep -q "ioctl(.*0x00310038 GET_STATE" "$LOG"; then
	ok "scardctl: -v shows code and name"
else
	notok "scardctl: -v shows code and name"
	showlog
fi

if have valgrind; then
	for cmd in "--help" "-d $NODEV status" "-d $NODEV transmit zz" \
		"-d $NODEV transmit 00A4040007A0000000790100;00C000000D" \
		"-d /dev/null transmit 00A40400" "-d /dev/null attr" \
		"-d /dev/null wait present" "-v -d /dev/null power on" "list"; do
		# shellcheck disable=SC2086
		if valgrind -q --error-exitcode=99 --leak-check=full \
			--show-leak-kinds=all --errors-for-leak-kinds=all \
			"$SCARDCTL" $cmd >"$LOG" 2>&1; [ $? -ne 99 ]; then
			ok "valgrind: scardctl $cmd: no leaks or errors"
		else
			notok "valgrind: scardctl $cmd: no leaks or errors"
			showlog
		fi
	done
	if valgrind -q --error-exitcode=99 --leak-check=full \
		--show-leak-kinds=all --errors-for-leak-kinds=all \
		"$BUILD/libscard_unit" >"$LOG" 2>&1; then
		ok "valgrind: libscard unit tests"
	else
		notok "valgrind: libscard unit tests"
		showlog
	fi
else
	skip "valgrind: scardctl" "valgrind not installed"
fi

# --- kselftests ------------------------------------------------------------------
if [ -n "$KSFT_INCLUDE" ] || [ -f /var/cache/scard/ksft-include/kselftest_harness.h ] ||
	[ -f /usr/src/linux-source-6.12.tar.xz ] ||
	ls -d /var/cache/scard/src-6.12*/tools/testing/selftests >/dev/null 2>&1; then
	check "kselftests: build (-Wall -Wextra -Werror)" make -s -C "$KSFT"
	progs=$(make -s --no-print-directory -C "$KSFT" print-progs)
	if [ ! -e /dev/scard0 ] && [ -z "$SCARD_DEV" ]; then
		for t in $progs; do
			check_exit "kselftests: $t skips (exit 4) without /dev/scard0" 4 \
				"$KSFT/$t"
		done
	else
		skip "kselftests: skip without a reader" "this host has /dev/scard0"
	fi
	# The tests must be able to fail: /dev/null is not a reader.
	SCARD_DEV=/dev/null "$KSFT/scard_ioctl_test" >"$LOG" 2>&1
	rc=$?
	if [ $rc -eq 1 ] && grep -q "^not ok .*power_cold_warm_return_cac_atr" "$LOG"; then
		ok "kselftests: scard_ioctl_test fails on a non-reader (SCARD_DEV=/dev/null)"
	else
		notok "kselftests: scard_ioctl_test fails on a non-reader (exit $rc)"
		showlog
	fi
else
	skip "kselftests" "no kselftest_harness.h (set KSFT_INCLUDE)"
fi

# --- fuzz targets ------------------------------------------------------------
# A short pass of every libFuzzer target (tools/testing/fuzz): the parsers
# and protocol engines of drivers/scard under ASan and UBSan. `make fuzz`
# runs them for longer.
FUZZ=$REPO/tools/testing/fuzz
FUZZ_BUILD=$BUILD/fuzz
fuzz_secs=${FUZZ_CHECK_SECONDS:-8}
echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { return !d + n; }' \
	>"$BUILD/fuzz_probe.c"
if have clang && clang -fsanitize=fuzzer,address,undefined \
	-o "$BUILD/fuzz_probe" "$BUILD/fuzz_probe.c" >/dev/null 2>&1; then
	check "fuzz: targets build from drivers/scard (-Wall -Wextra -Werror)" \
		make -s -C "$FUZZ" BUILD="$FUZZ_BUILD"
	for t in $(make -s --no-print-directory -C "$FUZZ" print-targets); do
		if [ ! -x "$FUZZ_BUILD/fuzz_$t" ]; then
			notok "fuzz: $t (not built)"
			continue
		fi
		REPO=$REPO BUILD=$FUZZ_BUILD FUZZ_LOG=$FUZZ_BUILD/log \
			sh "$FUZZ/run.sh" "$fuzz_secs" "$t" >"$LOG" 2>&1
		rc=$?
		if [ $rc -eq 0 ]; then
			ok "fuzz: $t, $fuzz_secs s without a crash"
		else
			notok "fuzz: $t, $fuzz_secs s without a crash"
		fi
		sed -e 's/^/# /' "$LOG"
		# The sanitizer's or FUZZ_CHECK's report, and the input kept.
		[ $rc -eq 0 ] || sed -n -e '/ERROR\|runtime error\|FUZZ_CHECK\|deadly/,$p' \
			"$FUZZ_BUILD/log/$t.log" | head -n 40 | sed -e 's/^/#   /'
	done
else
	skip "fuzz" "no clang with libFuzzer (install clang and libclang-rt-14-dev)"
fi

# --- scardattach and its systemd unit -------------------------------------
ATTACH=$BUILD/scardattach
check "scardattach: builds (-Wall -Wextra -Werror)" \
	${CC:-cc} -std=gnu11 -Wall -Wextra -Werror -I"$REPO/include/uapi" \
	-o "$ATTACH" "$REPO/tools/scard/scardattach.c"
check_exit "scardattach: --help exits 0" 0 "$ATTACH" --help
check_exit "scardattach: unknown type exits 2" 2 "$ATTACH" -t nosuch /dev/null
check_exit "scardattach: clock out of range exits 2" 2 \
	"$ATTACH" -t phoenix -k 999 /dev/null
check_exit "scardattach: -k for a Twin exits 2" 2 "$ATTACH" -k 4000 /dev/null
check_exit "scardattach: not a tty exits 3" 3 "$ATTACH" -t phoenix /dev/null
UNIT=$REPO/tools/scard/systemd/scardattach@.service
if have systemd-analyze; then
	# verify wants the ExecStart binaries to exist: point it at the build.
	mkdir -p "$BUILD/unit"
	sed -e "s|@SBINDIR@/scardattach|$ATTACH|" \
		-e "s|/sbin/modprobe|$(command -v true)|" "$UNIT" \
		>"$BUILD/unit/scardattach@.service"
	check "systemd: scardattach@.service verifies" \
		systemd-analyze verify --man=no "$BUILD/unit/scardattach@ttyS3.service"
else
	skip "systemd: scardattach@.service verifies" "no systemd-analyze"
fi

# --- the USB bundle's Info.plist (tools/pcsc/bundle/mkbundle) ----------------
cat >"$BUILD/libccid.plist" <<'EOF'
<dict>
	<key>ifdVendorID</key>
	<array>
		<string>0x08E6</string>
		<string>0x072F</string>
	</array>
	<key>ifdProductID</key>
	<array>
		<string>0x4433</string>
		<string>0x90CC</string>
	</array>
	<key>ifdFriendlyName</key>
	<array>
		<string>Gemalto 433-Swap</string>
		<string>ACS ACR 38U-CCID</string>
	</array>
</dict>
EOF
# the arrays of an Info.plist as "VID PID name" lines, to compare
plist_readers() {
	awk '/<key>ifd(VendorID|ProductID|FriendlyName)<\/key>/ { k++; i = 0; next }
	     /<string>/ && k { s = $0; sub(/.*<string>/, "", s); sub(/<\/string>.*/, "", s)
			       a[k, ++i] = s; if (i > n) n = i }
	     END { for (j = 1; j <= n; j++) print a[1, j], a[2, j], a[3, j] }' "$1"
}
if "$REPO/tools/pcsc/bundle/mkbundle" --libccid "$BUILD/libccid.plist" \
	"$REPO/tools/pcsc/bundle/readers" >"$BUILD/Info.plist" 2>"$LOG" &&
	[ "$(plist_readers "$BUILD/Info.plist")" = "0x08E6 0x4433 QEMU USB CCID
0x1209 0x0001 scard ccid-gadget test reader
0x072F 0x90CC ACS ACR 38U-CCID" ]; then
	ok "bundle: mkbundle lists ours, then libccid's, each VID:PID once"
else
	notok "bundle: mkbundle lists ours, then libccid's, each VID:PID once"
	plist_readers "$BUILD/Info.plist" | sed 's/^/#   got: /'
	showlog
fi
if have xmllint; then
	check "bundle: Info.plist is well-formed XML" \
		xmllint --noout --nonet "$BUILD/Info.plist"
else
	skip "bundle: Info.plist is well-formed XML" "no xmllint"
fi

# --- make install-tools / uninstall-tools into a DESTDIR ---------------------
ROOT=$BUILD/destdir
rm -rf "$ROOT"
if make -s -C "$REPO" install-tools DESTDIR="$ROOT" PREFIX=/usr >"$LOG" 2>&1; then
	ok "install: make install-tools DESTDIR PREFIX=/usr"
else
	notok "install: make install-tools DESTDIR PREFIX=/usr"
	showlog
fi
want="/etc/systemd/system/scardattach@.service
/etc/sysusers.d/scard.conf
/etc/udev/rules.d/60-scard.rules
/usr/bin/scardctl
/usr/lib/pcsc/drivers/scard.bundle/Contents/Info.plist
/usr/lib/pcsc/scard/libifd_scard.so
/usr/lib/pcsc/scard/mkbundle
/usr/lib/pcsc/scard/readers
/usr/sbin/scardattach
/usr/share/man/man1/scardctl.1
/usr/share/man/man4/scard.4
/usr/share/man/man8/scardattach.8"
got=$(cd "$ROOT" 2>/dev/null && find . -type f | sed 's|^\.||' | LC_ALL=C sort)
if [ "$got" = "$want" ]; then
	ok "install: exactly the expected files"
else
	notok "install: exactly the expected files"
	echo "$got" | sed 's/^/#   got: /'
fi
if [ "$(readlink "$ROOT/usr/lib/pcsc/drivers/scard.bundle/Contents/Linux/libifd_scard.so")" = \
	/usr/lib/pcsc/scard/libifd_scard.so ] &&
	grep -q "<string>0x08E6</string>" \
		"$ROOT/usr/lib/pcsc/drivers/scard.bundle/Contents/Info.plist"; then
	ok "install: the USB bundle lists QEMU's reader, its library is the handler"
else
	notok "install: the USB bundle lists QEMU's reader, its library is the handler"
fi
if grep -q "^ExecStart=/usr/sbin/scardattach " \
	"$ROOT/etc/systemd/system/scardattach@.service" 2>/dev/null; then
	ok "install: the unit runs the installed scardattach"
else
	notok "install: the unit runs the installed scardattach"
fi
if have systemd-sysusers; then
	check "install: systemd-sysusers creates group scard in the root" \
		sh -c "systemd-sysusers --root='$ROOT' && grep -q '^scard:' '$ROOT/etc/group'"
	rm -f "$ROOT"/etc/group* "$ROOT"/etc/gshadow* "$ROOT"/etc/passwd* \
		"$ROOT"/etc/.pwd.lock \
		"$ROOT"/etc/shadow*
else
	skip "install: systemd-sysusers" "no systemd-sysusers"
fi
make -s -C "$REPO" uninstall-tools DESTDIR="$ROOT" PREFIX=/usr >"$LOG" 2>&1
left=$(find "$ROOT" ! -type d 2>/dev/null)
if [ -z "$left" ]; then
	ok "install: make uninstall-tools removes every file"
else
	notok "install: make uninstall-tools removes every file"
	echo "$left" | sed 's/^/#   left: /'
fi

# --- DKMS: dkms add/build/install against Debian's 6.1 headers -------------
# In trees of its own (--sourcetree, --dkmstree, --installtree): nothing
# of this machine's DKMS state or /lib/modules changes. The source is what
# the scard-dkms package ships: dkms.conf, Makefile, drivers, include.
KVER=$(ls -d /lib/modules/6.1.*-amd64/build 2>/dev/null | sort -V | tail -n1)
KVER=${KVER%/build}
KVER=${KVER#/lib/modules/}
if [ -n "${SCARD_DEBROOT_DONE:-}" ]; then
	# run-tests' build/debroot just did it: scard-dkms's postinst ran
	# dkms add/build/install against these headers in a fresh root
	skip "dkms: add/build/install" "done by run-tests (build/debroot)"
elif have dkms && [ -n "$KVER" ]; then
	DK=$BUILD/dkms
	rm -rf "$DK"
	mkdir -p "$DK/src/scard-0.1" "$DK/tree" "$DK/inst/$KVER"
	(cd "$REPO" && cp -a dkms.conf Makefile drivers include "$DK/src/scard-0.1/")
	make -s -C "$DK/src/scard-0.1" clean >/dev/null 2>&1 || true
	dk() { dkms "$@" --sourcetree "$DK/src" --dkmstree "$DK/tree"; }
	check "dkms: add scard/0.1" dk add scard/0.1
	check "dkms: build scard/0.1 for $KVER" dk build scard/0.1 -k "$KVER"
	check "dkms: install scard/0.1 for $KVER" \
		dk install scard/0.1 -k "$KVER" --installtree "$DK/inst" --force
	got=$(cd "$DK/inst/$KVER" 2>/dev/null && find . -name '*.ko*' | sed 's|.*/||' | LC_ALL=C sort | tr '\n' ' ')
	if [ "$got" = "scard.ko scard_ccid.ko scard_serial.ko scard_vproxy.ko " ]; then
		ok "dkms: the four modules installed into updates/dkms"
	else
		notok "dkms: the four modules installed into updates/dkms"
		echo "#   got: $got"
	fi
	check "dkms: remove scard/0.1" dk remove scard/0.1 --all
	rm -rf "$DK"
else
	skip "dkms: add/build/install" "no dkms or no 6.1 headers"
fi

# --- make deb: the three packages, lintian without errors ------------------
if [ -n "${SCARD_DEBROOT_DONE:-}" ]; then
	skip "deb: make deb" "done by run-tests (build/debroot: make deb, lintian, apt install)"
elif have dpkg-buildpackage && have dh_dkms && have lintian; then
	DEBOUT=$BUILD/deb
	if make -s -C "$REPO" deb DEBDIR="$DEBOUT" >"$LOG" 2>&1; then
		ok "deb: make deb builds, lintian finds no error"
	else
		notok "deb: make deb builds, lintian finds no error"
		tail -n 30 "$LOG" | sed 's/^/#   /'
	fi
	for p in scard-dkms:usr/src/scard-0.1/dkms.conf \
		scard-tools:usr/bin/scardctl scard-tools:lib/udev/rules.d/60-scard.rules \
		scard-tools:usr/lib/sysusers.d/scard-tools.conf \
		scard-tools:usr/share/man/man4/scard.4.gz \
		libifd-scard:usr/lib/pcsc/scard/libifd_scard.so \
		libifd-scard:usr/lib/pcsc/drivers/scard.bundle/Contents/Info.plist; do
		pkg=${p%%:*} f=${p#*:}
		if dpkg-deb -c "$DEBOUT/${pkg}"_0.1_*.deb 2>/dev/null | grep -q " \./$f\( \|$\)"; then
			ok "deb: $pkg has /$f"
		else
			notok "deb: $pkg has /$f"
		fi
	done
	rm -rf "$DEBOUT"
else
	skip "deb: make deb" "no debhelper, dh-dkms or lintian"
fi

# --- Documentation ---------------------------------------------------------
if have groff; then
	for page in "$REPO"/Documentation/scard/man/*.[0-9]; do
		check "man: $(basename "$page") formats without a warning" \
			sh -c "out=\$(groff -man -ww -z '$page' 2>&1); [ -z \"\$out\" ] || { echo \"\$out\"; false; }"
	done
else
	skip "man pages" "no groff"
fi
if python3 -c 'import docutils' 2>/dev/null; then
	for rst in "$REPO"/Documentation/scard/*.rst; do
		check "docs: $(basename "$rst") is valid reStructuredText" \
			python3 "$HOST/rst_lint.py" "$rst"
	done
else
	skip "docs: reStructuredText" "no python3-docutils"
fi

echo "1..$n"
echo "# $((n - fails)) passed, $fails failed"
[ "$fails" -eq 0 ]
