# SPDX-License-Identifier: GPL-2.0
#
# Out-of-tree build of the scard modules and tools.
#
#   make [KDIR=/path/to/kernel/build]   build the modules
#   make tools                          build scardctl, libscard, selftests
#   make host-check                     host-side tests (uapi header, tools,
#                                       a short pass of every fuzz target)
#   make fuzz [FUZZ_SECONDS=60]         run each fuzz target that long (clang)
#   make check                          every test, in VMs (see README)
#   make demo                           boot a VM and show scardctl at work

KDIR ?= /lib/modules/$(shell uname -r)/build
SCARD_ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))

# The KUnit suites only exist for kernels built with CONFIG_KUNIT.
SCARD_KUNIT := $(shell grep -qs '^CONFIG_KUNIT=y' $(KDIR)/.config && echo m)

KBUILD_ARGS := SCARD_ROOT=$(SCARD_ROOT) CONFIG_SCARD=m CONFIG_SCARD_CCID=m \
	       CONFIG_SCARD_VPROXY=m CONFIG_SCARD_SERIAL=m \
	       CONFIG_SCARD_KUNIT_TEST=$(SCARD_KUNIT)

.PHONY: all modules modules_install clean tools user-tools host-check fuzz check check-kcsan \
	demo deb bench \
	install install-modules install-tools uninstall uninstall-modules \
	uninstall-tools

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(SCARD_ROOT)/drivers/scard $(KBUILD_ARGS) modules

modules_install:
	$(MAKE) -C $(KDIR) M=$(SCARD_ROOT)/drivers/scard $(KBUILD_ARGS) \
		modules_install

# What gets installed (user-tools), and the test programs besides.
user-tools:
	$(MAKE) -C tools/lib/scard
	$(MAKE) -C tools/scard
	$(MAKE) -C tools/pcsc

tools: user-tools
	$(MAKE) -C tools/testing/selftests/scard
	$(MAKE) -C tools/testing/cards
	$(MAKE) -C tools/testing/bench

host-check:
	$(MAKE) -C tools/testing/host run

# libFuzzer targets built from drivers/scard (tools/testing/fuzz), one
# after the other, FUZZ_SECONDS each.
FUZZ_SECONDS ?= 60
fuzz:
	$(MAKE) -C tools/testing/fuzz run FUZZ_SECONDS=$(FUZZ_SECONDS)

clean:
	-$(MAKE) -C $(KDIR) M=$(SCARD_ROOT)/drivers/scard $(KBUILD_ARGS) clean
	-$(MAKE) -C tools/lib/scard clean
	-$(MAKE) -C tools/scard clean
	-$(MAKE) -C tools/pcsc clean
	-$(MAKE) -C tools/testing/selftests/scard clean
	-$(MAKE) -C tools/testing/fuzz clean
	-$(MAKE) -C tools/testing/bench clean

# --- installing -------------------------------------------------------------
# make install [DESTDIR=...] [PREFIX=/usr/local] [KDIR=...]: the modules
# (into /lib/modules/KREL/extra/scard, then depmod), the tools, the IFD
# handler, the udev rules, the scard group (sysusers.d), the systemd unit
# and the man pages. make uninstall removes exactly those files. With
# DESTDIR set (a package or a chroot) nothing is run on this system: no
# depmod of the running kernel, no systemd-sysusers, no udev reload.
# Documentation/scard/user-guide.rst.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
SBINDIR ?= $(PREFIX)/sbin
LIBDIR ?= $(PREFIX)/lib
MANDIR ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
UDEVRULESDIR ?= $(SYSCONFDIR)/udev/rules.d
SYSUSERSDIR ?= $(SYSCONFDIR)/sysusers.d
SYSTEMDUNITDIR ?= $(SYSCONFDIR)/systemd/system
IFDDIR ?= $(LIBDIR)/pcsc/scard
# pcscd's USB bundles (its hotplug reads them at start): Debian's is
# /usr/lib/pcsc/drivers whatever PREFIX says.
PCSCDROPDIR ?= $(shell pkg-config --variable=usbdropdir libpcsclite \
		 2>/dev/null || echo /usr/lib/pcsc/drivers)
BUNDLE := $(PCSCDROPDIR)/scard.bundle/Contents
LIBCCID_PLIST ?= $(PCSCDROPDIR)/ifd-ccid.bundle/Contents/Info.plist
# What modules_install uses (Debian's headers: kernel.release says 6.1.N).
KREL ?= $(shell sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' \
	  $(KDIR)/include/generated/utsrelease.h 2>/dev/null)
MODDIR := /lib/modules/$(KREL)/extra/scard

# source : destination : mode (the unit is generated, see below)
INSTALL_FILES := \
	tools/scard/scardctl:$(BINDIR)/scardctl:0755 \
	tools/scard/scardattach:$(SBINDIR)/scardattach:0755 \
	tools/pcsc/libifd_scard.so:$(IFDDIR)/libifd_scard.so:0644 \
	tools/pcsc/bundle/mkbundle:$(IFDDIR)/mkbundle:0755 \
	tools/pcsc/bundle/readers:$(IFDDIR)/readers:0644 \
	tools/scard/udev/60-scard.rules:$(UDEVRULESDIR)/60-scard.rules:0644 \
	tools/scard/sysusers/scard.conf:$(SYSUSERSDIR)/scard.conf:0644 \
	Documentation/scard/man/scardctl.1:$(MANDIR)/man1/scardctl.1:0644 \
	Documentation/scard/man/scardattach.8:$(MANDIR)/man8/scardattach.8:0644 \
	Documentation/scard/man/scard.4:$(MANDIR)/man4/scard.4:0644
UNIT := $(SYSTEMDUNITDIR)/scardattach@.service

install: install-modules install-tools

install-modules: modules
	$(MAKE) -C $(KDIR) M=$(SCARD_ROOT)/drivers/scard $(KBUILD_ARGS) \
		INSTALL_MOD_PATH=$(DESTDIR) INSTALL_MOD_DIR=extra/scard \
		modules_install
	depmod -b "$(or $(DESTDIR),/)" $(KREL)

install-tools: user-tools
	@set -e; for f in $(INSTALL_FILES); do \
		src=$${f%%:*}; rest=$${f#*:}; dst=$${rest%%:*}; mode=$${rest#*:}; \
		echo "  INSTALL $(DESTDIR)$$dst"; \
		install -D -m $$mode "$$src" "$(DESTDIR)$$dst"; \
	done
	@echo "  INSTALL $(DESTDIR)$(UNIT)"
	@install -d "$(DESTDIR)$(SYSTEMDUNITDIR)"
	@sed -e 's|@SBINDIR@|$(SBINDIR)|g' tools/scard/systemd/scardattach@.service \
		>"$(DESTDIR)$(UNIT)"
	@echo "  INSTALL $(DESTDIR)$(BUNDLE)"
	@install -d "$(DESTDIR)$(BUNDLE)/Linux"
	@ln -sf "$(IFDDIR)/libifd_scard.so" "$(DESTDIR)$(BUNDLE)/Linux/libifd_scard.so"
	@if [ -f "$(DESTDIR)$(LIBCCID_PLIST)" ]; then \
		tools/pcsc/bundle/mkbundle --libccid "$(DESTDIR)$(LIBCCID_PLIST)" \
			tools/pcsc/bundle/readers; \
	else tools/pcsc/bundle/mkbundle tools/pcsc/bundle/readers; fi \
		>"$(DESTDIR)$(BUNDLE)/Info.plist"
	@if [ -z "$(DESTDIR)" ]; then \
		command -v systemd-sysusers >/dev/null && \
			systemd-sysusers $(SYSUSERSDIR)/scard.conf || true; \
		command -v udevadm >/dev/null && udevadm control --reload || true; \
	fi

uninstall: uninstall-tools uninstall-modules

uninstall-modules:
	rm -rf "$(DESTDIR)$(MODDIR)"
	if [ -d "$(DESTDIR)/lib/modules/$(KREL)" ]; then \
		depmod -b "$(or $(DESTDIR),/)" $(KREL); fi

uninstall-tools:
	@for f in $(INSTALL_FILES); do \
		rest=$${f#*:}; dst=$${rest%%:*}; \
		echo "  RM $(DESTDIR)$$dst"; rm -f "$(DESTDIR)$$dst"; \
	done
	@echo "  RM $(DESTDIR)$(UNIT)"; rm -f "$(DESTDIR)$(UNIT)"
	@echo "  RM $(DESTDIR)$(PCSCDROPDIR)/scard.bundle"
	@rm -f "$(DESTDIR)$(BUNDLE)/Info.plist" \
		"$(DESTDIR)$(BUNDLE)/Linux/libifd_scard.so"
	@-rmdir "$(DESTDIR)$(BUNDLE)/Linux" "$(DESTDIR)$(BUNDLE)" \
		"$(DESTDIR)$(PCSCDROPDIR)/scard.bundle" 2>/dev/null || true
	@-rmdir "$(DESTDIR)$(IFDDIR)" 2>/dev/null || true

# --- Debian packages ----------------------------------------------------------
# make deb: scard-dkms, scard-tools and libifd-scard in DEBDIR, built with
# debhelper from a copy of the tree's files (tools/packaging/debian becomes
# debian/), then lintian, which must find no error. Needs debhelper,
# dh-dkms, libpcsclite-dev, lintian. Documentation/scard/user-guide.rst.
DEBDIR ?= $(SCARD_ROOT)/build/deb
deb:
	rm -rf "$(DEBDIR)"
	mkdir -p "$(DEBDIR)/scard"
	cd "$(SCARD_ROOT)" && { git ls-files -z --cached --others --exclude-standard 2>/dev/null || \
		find . -path ./build -prune -o -type f -print0; } | \
		tar --null -T - -cf - | tar -xf - -C "$(DEBDIR)/scard"
	rm -rf "$(DEBDIR)/scard/debian"
	cp -a "$(SCARD_ROOT)/tools/packaging/debian" "$(DEBDIR)/scard/debian"
	cd "$(DEBDIR)/scard" && dpkg-buildpackage -us -uc -b
	lintian --fail-on error --suppress-tags-from-file /dev/null \
		"$(DEBDIR)"/*.changes
	@ls "$(DEBDIR)"/*.deb

# Benchmarks (tools/testing/bench, Documentation/scard/performance.rst): one
# boot of Debian's kernel with one vCPU; the table on stdout, samples,
# summary.json and latency.png in /var/tmp/scard-bench-<time>/.
bench:
	$(SCARD_ROOT)/tools/testing/bench/run-bench

# Test harness (tools/testing/vm): every test on both kernels in QEMU, and the
# interactive demo. CHECK_ARGS: e.g. "--kernel 6.1 --keep-going"
# (tools/testing/vm/run-tests --help).
check:
	$(SCARD_ROOT)/tools/testing/vm/run-tests $(CHECK_ARGS)

# The same on the debug kernel's KCSAN variant (a kernel of its own, built
# once and cached): data races, which the KASAN kernel of "check" cannot
# see. Not part of "check"; Documentation/scard/testing.rst.
check-kcsan:
	$(SCARD_ROOT)/tools/testing/vm/run-tests --kernel 6.12-kcsan $(CHECK_ARGS)

demo:
	$(SCARD_ROOT)/tools/testing/vm/demo
